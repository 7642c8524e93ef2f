/**
 * The findings of two non-trivial apps, pinned: the validation's speed work (template reuse, the shared per-synth
 * evaluation, the compile-once probes) must not change what is found. The small app's findings are pinned whole; the
 * benchmark app's (570 findings) by their count per rule and severity and a digest of all of them, so that any change in
 * any message fails. Each surface (the aspect, self-validation, the cdk-nag pack) must report exactly the pure
 * evaluation's findings, and the templates a validated synthesis writes must be those of an unvalidated one.
 */
import { createHash } from 'crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { constructsApp, withVolume } from './construct-apps';
import { buildBenchApp } from '../../bench/validation.bench';
import { GuardedKmsKey, KmsGuardAspect, KmsGuardChecks } from '../../src';
import { ALL_RULES, Finding } from '../../src/rules';
import { acknowledgementId } from '../../src/rules/finding';
import { evaluateStage } from '../../src/validation/app-findings';

/** The rules whose findings are pinned (the rule set of 2026-11-30: rules added later are not in the snapshots). */
const PINNED_RULES = ALL_RULES.filter((r) => [
  'KmsGuard-KeyPolicyLockout', 'KmsGuard-DeployerCannotCreate', 'KmsGuard-PrincipalNotYetDeployed', 'KmsGuard-InvalidPrincipal',
  'KmsGuard-ServiceWithoutAccess', 'KmsGuard-ServiceWithoutGuard', 'KmsGuard-KeyPolicyTooLarge', 'KmsGuard-DuplicatePrivateDnsEndpoint',
  'KmsGuard-PublicKeyAccess', 'KmsGuard-AdminCanUseKey', 'KmsGuard-UserCanAdministerKey', 'KmsGuard-CrossAccountWithoutNarrowing',
  'KmsGuard-AccountWideDelegation', 'KmsGuard-CreateGrantUnrestricted', 'KmsGuard-RotationDisabled',
].includes(r.id));

/** `key.policy` (protected in TypeScript), as an escape hatch reaches it. */
function policyOf(key: kms.Key): iam.PolicyDocument {
  return (key as unknown as { policy: iam.PolicyDocument }).policy;
}

/** The construct apps with findings of many rules, on GuardedKmsKeys and plain keys. */
function brokenApp(app?: App): App {
  const built = constructsApp(app);
  withVolume(built);
  const keys = built.node.findChild('Keys') as Stack;
  const data = keys.node.findChild('DataKey') as GuardedKmsKey;
  const ops = new iam.Role(keys, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
  data.grant(ops, 'kms:*');
  policyOf(data).addStatements(new iam.PolicyStatement({ sid: 'Everyone', principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
  const extra = new Stack(built, 'Extra', { env: keys.env });
  const admin = new iam.Role(extra, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const open = new GuardedKmsKey(extra, 'Open', { administrators: [admin], enableKeyRotation: false });
  policyOf(open).addStatements(new iam.PolicyStatement({ sid: 'Grants', principals: [ops], actions: ['kms:CreateGrant'], resources: ['*'] }));
  const plain = new kms.Key(keys, 'Plain');
  plain.grant(ops, 'kms:*');
  plain.grantDecrypt(new iam.AccountPrincipal('444455556666'));
  return built;
}

/** `Rule[Id] severity construct-path: message` of each finding, sorted. */
function lines(findings: readonly { finding: Finding; construct: { node: { path: string } } }[]): string[] {
  return findings.map((p) => `${acknowledgementId(p.finding)} ${p.finding.severity} ${p.construct.node.path}: ${p.finding.message}`).sort();
}

/** What synthesis reports: the error messages (it fails) or the KmsGuard warnings it records. */
function synthReport(app: App): string[] {
  try {
    return warningsOf(app.synth());
  } catch (e) {
    return [...(e as Error).message.matchAll(/\[([^\]]+)\] (KmsGuard-[A-Za-z]+\[[^\]]+\]) /g)].map((m) => `${m[2]} error ${m[1]}`).sort();
  }
}

/** A finding's line without its message: what synthesis reports (the rule, the id, the severity, the construct). */
function bare(line: string): string {
  return line.slice(0, line.indexOf(': '));
}

/** The KmsGuard warnings an assembly records, as `Rule[Id] warning construct-path`. */
function warningsOf(assembly: CloudAssembly): string[] {
  return assembly.stacks.flatMap((st) => st.messages)
    .filter((m) => m.level === 'warning' && String(m.entry.data).startsWith('KmsGuard-'))
    .map((m) => `${/^(KmsGuard-[A-Za-z]+\[[^\]]+\])/.exec(String(m.entry.data))![1]} warning ${m.id.replace(/^\//, '')}`).sort();
}

function digest(texts: readonly string[]): string {
  return createHash('sha256').update(texts.join('\n')).digest('hex');
}

function countsOf(findings: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) {
    const id = `${f.split('[')[0]} ${f.split(' ')[1]}`;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

/** The synthesized templates of an app, by file name. */
function templatesOf(build: (outdir: string) => App): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'kms-guard-pinned-'));
  try {
    build(outdir).synth();
    const out: Record<string, string> = {};
    for (const f of readdirSync(outdir).filter((n) => n.endsWith('.template.json')).sort()) out[f] = readFileSync(join(outdir, f), 'utf8');
    return out;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('the findings of the construct apps', () => {
  const pinned = lines(evaluateStage(brokenApp()).placed);

  test('are pinned', () => {
    const fixed = lines(evaluateStage(brokenApp(), PINNED_RULES).placed);
    expect(fixed.length).toBeGreaterThanOrEqual(10);
    expect(new Set(fixed.map((l) => l.split('[')[0])).size).toBeGreaterThanOrEqual(7);
    expect(fixed).toMatchSnapshot();
  });

  test('the aspect reports their errors (synthesis fails)', () => {
    const app = brokenApp();
    KmsGuardAspect.applyTo(app);
    const errors = pinned.filter((l) => bare(l).includes(' error ')).map(bare);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    // A finding is reported by its construct or by an ancestor (a self-validating GuardedKmsKey reports those of its
    // resource); the GuardedKmsKeys' own construction checks may add errors of their own (not the rules').
    const reported = synthReport(app).map((r) => r.split(' '));
    const unreported = errors.filter((e) => {
      const [id, , path] = e.split(' ');
      return !reported.some(([rid, , rpath]) => rid === id && (path === rpath || path.startsWith(`${rpath}/`)));
    });
    expect(unreported).toEqual([]);
  });

  test('the cdk-nag pack reports them, twice the same', () => {
    const app = brokenApp();
    const pack = new KmsGuardChecks();
    const report = (): string[] => pack.validateScope(app).violations
      .map((v) => `${v.ruleName} ${v.severity} ${v.violatingResources[0].constructPath}: ${v.description}`).sort();
    const first = report();
    expect(first).toEqual(pinned);
    expect(report()).toEqual(first);
  });
});

describe('the findings of the benchmark app (300 keys, 610 roles, 10 stacks)', () => {
  test('are pinned, and every surface reports them', () => {
    const app = buildBenchApp('none');
    const fixed = lines(evaluateStage(app, PINNED_RULES).placed);
    expect(fixed.length).toBe(570);
    expect(countsOf(fixed)).toMatchSnapshot();
    expect(digest(fixed)).toMatchSnapshot();
    // The bench app's findings are warnings: a synthesis with the aspect and self-validation records each on its construct.
    const expected = lines(evaluateStage(app).placed).map(bare).sort();
    const none = templatesOf((outdir) => buildBenchApp('none', outdir));
    let reported: string[] = [];
    const validated = templatesOf((outdir) => {
      const validating = buildBenchApp('aspect+self', outdir);
      const synth = validating.synth.bind(validating);
      validating.synth = (options) => {
        const assembly = synth(options);
        reported = warningsOf(assembly);
        return assembly;
      };
      return validating;
    });
    expect(reported).toEqual(expected);
    // What the validation renders is what is written: the templates are those of a synthesis without validation.
    expect(Object.keys(none).length).toBe(10);
    expect(validated).toEqual(none);
  });
});
