/**
 * `kms-guard report` (and its alias `summarize`) through `runCli`, over cloud assemblies synthesized by aws-cdk-lib
 * and loose templates: formats, --output, exit codes (0 ok, 1 findings at or above --fail-on or a usage error, 2
 * unreadable input); the progress line through `runReport`, which takes the terminal's `isTTY`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { GuardedKmsKey } from '../../src';
import { CliIo, runCli } from '../../src/cli/main';
import { PROGRESS_MIN_KEYS } from '../../src/report/progress';
import { ReportArgs, ReportIo, parseReportArgs, runReport } from '../../src/report/report-command';

const TEMPLATES = join(__dirname, '..', 'report', 'fixtures', 'templates');

const ENV = { account: '111122223333', region: 'us-east-1' };

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

function run(args: string[], extra: Partial<CliIo> = {}): Run {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readFile: () => {
      throw new Error('report reads no scenario files');
    },
    ...extra,
  });
  return { code, out, err };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A deployable app: a GuardedKmsKey with an administrator. */
function goodApp(): string {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'kms-guard-report-good-')) });
  const stack = new Stack(app, 'Good', { env: ENV });
  new GuardedKmsKey(stack, 'Key', { administrators: [new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() })] });
  const dir = app.synth().directory;
  dirs.push(dir);
  return dir;
}

/** An app whose key policy locks out the deploying role: a rule error (KmsGuard-KeyPolicyLockout), and more. */
function lockedApp(): string {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'kms-guard-report-locked-')) });
  const stack = new Stack(app, 'Locked', { env: ENV });
  new kms.CfnKey(stack, 'Key', { keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'kms:Decrypt', Resource: '*' }] } });
  const dir = app.synth().directory;
  dirs.push(dir);
  return dir;
}

const good = goodApp();
const locked = lockedApp();

describe('kms-guard report', () => {
  test('GIVEN a cloud assembly WHEN reported as a table THEN the access per key and the readiness count are printed, exit 0', () => {
    const r = run(['report', good]);
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(text).toMatch(/^kms-guard report of .*: 1 key in 1 stack \(report version 2\)/);
    expect(text).toMatch(/\nkey Good\/Key \(alias\/Good-Key-[0-9A-F]+\)\n/);
    expect(text).toMatch(/\n {2}role Good\/Admin .* +administer/);
    expect(text.endsWith('\nfindings: 0 errors, 0 warnings')).toBe(true);
  });

  test('GIVEN --format json WHEN reported THEN stdout is one JSON document with a version', () => {
    const r = run(['report', good, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out.join('\n'));
    expect(doc).toMatchObject({ version: 2, tool: 'kms-guard', keys: [expect.objectContaining({ evaluated: true })], findings: [], summary: { keys: 1, errors: 0, warnings: 0 } });
  });

  test('GIVEN --format=markdown WHEN reported THEN a markdown document', () => {
    const r = run(['report', good, '--format=markdown']);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('# KMS key access report');
  });

  test('GIVEN --output FILE WHEN reported THEN the file holds the report, stdout nothing, and stderr says where it went', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kms-guard-report-out-')), 'report.json');
    dirs.push(join(file, '..'));
    const r = run(['report', good, '--format', 'json', '--output', file]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(2);
    expect(r.err).toContain(`kms-guard: report of 1 key(s) written to ${file}`);
  });

  test('GIVEN rule errors WHEN reported with --fail-on error THEN exit 1; without --fail-on exit 0; with --fail-on warning exit 1', () => {
    expect(run(['report', locked]).code).toBe(0);
    const failing = run(['report', locked, '--fail-on', 'error']);
    expect(failing.code).toBe(1);
    const text = failing.out.join('\n');
    expect(text).toMatch(/\n {2}ERROR Locked\/Key KmsGuard-KeyPolicyLockout\[Principal::Deployer\] \(key policy, Principal\): the key policy of Locked\/Key does not allow/);
    const [, errors, warnings] = /\nfindings: (\d+) errors?, (\d+) warnings?\n/.exec(`${text}\n`)!.map(Number);
    expect(errors).toBeGreaterThanOrEqual(1);
    expect(failing.err).toContain(`kms-guard: ${errors} finding(s) at or above --fail-on error`);
    const all = run(['report', locked, '--fail-on', 'warning']);
    expect(all.code).toBe(1);
    expect(all.err).toContain(`kms-guard: ${errors + warnings} finding(s) at or above --fail-on warning`);
    expect(run(['report', good, '--fail-on', 'warning']).code).toBe(0);
  });

  test('GIVEN a directory that is not a cloud assembly WHEN reported THEN exit 2 with the reason', () => {
    const r = run(['report', join(tmpdir(), 'kms-guard-no-such-assembly')]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/cannot read a cloud assembly: cannot read .*manifest\.json/);
  });

  test('GIVEN an output file that cannot be opened WHEN reported THEN exit 2', () => {
    const r = run(['report', good, '--output', 'x'], { openOutput: () => { throw new Error('EACCES'); } });
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['kms-guard: cannot write x: EACCES']);
  });

  test.each([
    [['report', good, '--format', 'html5'], /--format needs one of table, markdown, json, sarif, html, mermaid, dot, got "html5"/],
    [['report', good, '--fail-on', 'info'], /--fail-on needs error or warning/],
    [['report', good, '--verbose'], /unknown option --verbose/],
    [['report', good, good], /one cloud assembly directory, or CloudFormation template files \(\.json\) only: got ".*" among 2 names/],
    [['report', good, '--output'], /--output needs a file name/],
  ])('GIVEN %j THEN a usage error, exit 1 (as for evaluate and readiness)', (args, message) => {
    const r = run(args);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(message);
    expect(r.err.join('\n')).toContain('usage: kms-guard evaluate');
  });

  test('GIVEN no directory WHEN reported THEN cdk.out is read', () => {
    const r = run(['report']);
    expect(r.code).toBe(existsSync('cdk.out/manifest.json') ? 0 : 2);
    if (r.code === 2) expect(r.err[0]).toMatch(/^kms-guard: cdk\.out: cannot read a cloud assembly/);
  });

  test('GIVEN summarize WHEN run THEN it prints what report --format table prints', () => {
    const summarize = run(['summarize', good]);
    expect(summarize.code).toBe(0);
    expect(summarize.out).toEqual(run(['report', good, '--format', 'table']).out);
    expect(run(['summarize']).code).toBe(1);
  });

  test('--help lists report and the summarize alias', () => {
    const help = run(['--help']).out.join('\n');
    expect(help).toContain('kms-guard report [CDK_OUT_DIR | TEMPLATE.json...] [--format table|markdown|json|sarif|html|mermaid|dot] [--output FILE] [--fail-on error|warning]');
    expect(help).toContain('kms-guard summarize CDK_OUT_DIR  the same as report CDK_OUT_DIR --format table');
  });
});

describe('kms-guard report TEMPLATE...', () => {
  const keys = join(TEMPLATES, 'Keys.template.json');
  const other = join(TEMPLATES, 'Other.json');

  test('GIVEN template files WHEN reported THEN each is a stack named after its file, the environment unknown and said so', () => {
    const r = run(['report', keys, other, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out.join('\n'));
    expect(doc.stacks).toBe(2);
    expect(doc.keys.map((k: any) => [k.key.stackName, k.key.logicalId, k.key.accountIsPlaceholder])).toEqual([['Keys', 'DataKey', true]]);
    expect(r.err).toContain('kms-guard: warning: Keys is environment-agnostic: account 123456789012 is a placeholder, so every ARN built from it is synthetic');
    expect(r.err).toContain('kms-guard: warning: Other is environment-agnostic: region us-east-1 is a placeholder');
  });

  test('GIVEN a template WHEN its deployer is unknown THEN the lockout check is a warning (cannot verify), never a pass', () => {
    const r = run(['report', keys, '--format', 'json']);
    const lockout = JSON.parse(r.out.join('\n')).findings.filter((f: any) => f.ruleId === 'KmsGuard-KeyPolicyLockout');
    expect(lockout).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('could not be checked') })]);
    expect(run(['report', keys, '--fail-on', 'warning']).code).toBe(1);
  });

  test('GIVEN a template WHEN reported as SARIF THEN its results point to the file as given, without a base id', () => {
    const r = run(['report', keys, '--format', 'sarif']);
    const results = JSON.parse(r.out.join('\n')).runs[0].results;
    expect(results.length).toBeGreaterThan(0);
    for (const x of results) expect(x.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: keys.split('/').map(encodeURIComponent).join('/') } });
  });

  test.each([
    ['not-a-template.json', /not-a-template\.json holds an object whose "Resources" is missing: expected a CloudFormation template in JSON \(an object with a "Resources" object\) or a cloud assembly directory/],
    ['missing.json', /cannot read .*missing\.json: ENOENT/],
  ])('GIVEN %s WHEN reported THEN exit 2, naming the file and what was expected', (name, message) => {
    const r = run(['report', keys, join(TEMPLATES, name)]);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err[0]).toMatch(/^kms-guard: .*: cannot read CloudFormation templates: /);
    expect(r.err[0]).toMatch(message);
  });

  test('GIVEN a cloud assembly manifest, a template that is not JSON, or two files of one stack name WHEN reported THEN exit 2 with the fix, never the content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-guard-report-loose-'));
    dirs.push(dir);
    const manifest = run(['report', join(good, 'manifest.json')]);
    expect(manifest.code).toBe(2);
    expect(manifest.err[0]).toContain(`manifest.json is a cloud assembly manifest, not a CloudFormation template: give its directory (${good}) instead`);
    writeFileSync(join(dir, 'Secret.json'), 'password=hunter2');
    const broken = run(['report', join(dir, 'Secret.json')]);
    expect(broken.code).toBe(2);
    expect(broken.err[0]).toMatch(/Secret\.json is not JSON: [^:]+ \(the file's content is not shown\): expected a CloudFormation template in JSON \(YAML templates are not read\)/);
    expect(broken.err.join('\n')).not.toContain('hunter2');
    writeFileSync(join(dir, 'Keys.json'), '{"Resources": {}}');
    const twice = run(['report', keys, join(dir, 'Keys.json')]);
    expect(twice.code).toBe(2);
    expect(twice.err[0]).toContain('both give stack name "Keys" (the file name without .template.json or .json): rename one');
    const mixed = run(['report', good, keys]);
    expect(mixed.code).toBe(1);
  });

  test('GIVEN a directory among .json names WHEN reported THEN refused: one assembly, or templates only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-guard-report-dir-')) + '.json';
    mkdirSync(dir);
    dirs.push(dir);
    const r = run(['report', keys, dir]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toContain(`${dir} is a directory, given with 1 other name(s): expected one cloud assembly directory, or template files only`);
  });
});

describe('progress on a terminal', () => {
  /** A template of `n` keys whose policies name one admin role: a report long enough for a progress line. */
  function manyKeys(n: number): string {
    const dir = mkdtempSync(join(tmpdir(), 'kms-guard-report-many-'));
    dirs.push(dir);
    const resources: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      resources[`Key${i}`] = {
        Type: 'AWS::KMS::Key',
        Properties: {
          EnableKeyRotation: true,
          KeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' }] },
        },
      };
    }
    const file = join(dir, 'Many.template.json');
    writeFileSync(file, JSON.stringify({ Resources: resources }));
    return file;
  }

  function report(args: string[], isTTY: boolean): { code: number; out: string[]; stderr: string; events: string[] } {
    const events: string[] = [];
    let stderr = '';
    const io: ReportIo = {
      out: (line) => events.push(`out:${line.split('\n')[0]}`),
      err: (line) => { stderr += `${line}\n`; },
      openOutput: () => { throw new Error('no files'); },
      isTTY,
      writeErr: (text) => { stderr += text; events.push(`progress:${text}`); },
    };
    const code = runReport(parseReportArgs(args) as ReportArgs, io);
    return { code, out: events.filter((e) => e.startsWith('out:')), stderr, events };
  }

  const many = manyKeys(PROGRESS_MIN_KEYS + 1);

  test('GIVEN more than 50 keys and a terminal WHEN reported THEN a progress line counts the keys on stderr, and is cleared before each key\'s lines and at the end', () => {
    const r = report([many], true);
    expect(r.code).toBe(0);
    const total = PROGRESS_MIN_KEYS + 1;
    const shown = r.events.filter((e) => e.startsWith('progress:\r') && e.includes('analysing'));
    expect(shown.map((e) => e.replace('progress:', '').trim())).toEqual(Array.from({ length: total }, (_, i) => `analysing key ${i + 1}/${total}`));
    // Nothing goes to stdout (the same terminal) while a progress text is on the line.
    let showing = false;
    for (const e of r.events) {
      if (e.startsWith('progress:')) showing = e.includes('analysing');
      else expect([e, showing]).toEqual([e, false]);
    }
    // The last thing of the progress line is a clearing.
    expect(r.events.filter((e) => e.startsWith('progress:')).pop()).toMatch(/^progress:\r +\r$/);
    expect(r.out.filter((e) => e.startsWith('out:key '))).toHaveLength(total);
  });

  test('GIVEN the same app when stderr is not a terminal (CI logs) WHEN reported THEN no progress at all', () => {
    const r = report([many], false);
    expect(r.code).toBe(0);
    expect(r.events.filter((e) => e.startsWith('progress:'))).toEqual([]);
    expect(r.stderr).not.toContain('analysing');
  });

  test('GIVEN runCli with isTTY WHEN report runs THEN the CLI passes the terminal through to the progress line', () => {
    const written: string[] = [];
    const r = run(['report', many, '--format', 'json'], { isTTY: true, writeErr: (text) => written.push(text) });
    expect(r.code).toBe(0);
    expect(written).toContainEqual(`\ranalysing key ${PROGRESS_MIN_KEYS + 1}/${PROGRESS_MIN_KEYS + 1}`);
    expect(written[written.length - 1]).toMatch(/^\r +\r$/);
    expect(run(['report', many, '--format', 'json'], { isTTY: false, writeErr: (text) => written.push(`late:${text}`) }).code).toBe(0);
    expect(written.filter((w) => w.startsWith('late:'))).toEqual([]);
  });

  test('GIVEN a terminal and 50 keys or fewer WHEN reported THEN no progress line', () => {
    const r = report([good], true);
    expect(r.events.filter((e) => e.startsWith('progress:'))).toEqual([]);
  });
});
