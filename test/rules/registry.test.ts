/**
 * The rule registry: one rule per file, file name = rule id, each registered once, each with its own test file and
 * complete metadata; finding ids never carry an account or a Region.
 */
import { existsSync, readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ENV, OTHER_ACCOUNT, modelOf } from './helpers';
import { ALL_RULES, acknowledgementId, findingId, formatFinding, runRules } from '../../src/rules';
import { RULE_PACK, ruleDocLink } from '../../src/rules/rule';

const RULES_DIR = join(__dirname, '..', '..', 'src', 'rules');

describe('the rule registry', () => {
  test('every src/rules/KmsGuard-*.ts file holds one registered rule whose id is the file name, and has a test file', () => {
    const files = readdirSync(RULES_DIR).filter((f) => /^KmsGuard-.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
    expect(ALL_RULES.map((r) => r.id).sort()).toEqual(files);
    for (const id of files) {
      const source = readFileSync(join(RULES_DIR, `${id}.ts`), 'utf8');
      expect(source).toContain(`const ID = '${id}';`);
      expect(existsSync(join(__dirname, `${id}.test.ts`))).toBe(true);
    }
  });

  test('ids are unique and prefixed with the pack name; metadata is complete', () => {
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
    for (const r of ALL_RULES) {
      expect(r.id).toMatch(new RegExp(`^${RULE_PACK}-[A-Z][A-Za-z]+$`));
      expect(['error', 'warning']).toContain(r.severity);
      expect(r.summary.length).toBeGreaterThan(20);
      expect(r.explanation.length).toBeGreaterThan(60);
      expect(r.docLink).toBe(ruleDocLink(r.id));
      expect(r.findingIds.length).toBeGreaterThan(0);
      expect(r.sources.length).toBeGreaterThan(0);
      for (const s of r.sources) expect(s).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });

  test('finding ids keep one "::" and no bracket, so that CDK and cdk-nag accept them in acknowledgements', () => {
    expect(findingId('Statement', 'a::b[c]')).toBe('Statement::a:b(c)');
    expect(findingId('Principal', '  ')).toBe('Principal::-');
    expect(acknowledgementId({ ruleId: 'KmsGuard-X', findingId: 'Statement::0' })).toBe('KmsGuard-X[Statement::0]');
  });

  test('on an app that breaks many rules, no finding id holds an account, a Region or a hash, and every message names the construct', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const ops = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new kms.Key(stack, 'Key');
    key.grant(ops, 'kms:*');
    key.grant(new iam.AccountPrincipal(OTHER_ACCOUNT), 'kms:*');
    key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
    new kms.CfnKey(stack, 'Raw', { keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ops.roleArn }, Action: 'kms:*', Resource: '*' }] } });
    const findings = runRules(modelOf(app));
    expect(new Set(findings.map((f) => f.ruleId)).size).toBeGreaterThanOrEqual(7);
    for (const f of findings) {
      expect(f.findingId).toMatch(/^[A-Za-z]+::[^:[\]]+(:[^:[\]]+)*$/);
      expect(f.findingId).not.toMatch(/\d{12}|us-east-1|[0-9A-F]{8}/);
      expect(formatFinding(f)).toContain(f.location.constructPath ?? `${f.location.stackName}/${f.location.logicalId}`);
    }
  });

  test('a rule that throws becomes an error finding, never a silent pass', () => {
    const broken = { ...ALL_RULES[0], check: () => { throw new Error('boom'); } };
    const findings = runRules(modelOf(new App()), [broken]);
    expect(findings).toEqual([expect.objectContaining({ ruleId: ALL_RULES[0].id, severity: 'error', message: expect.stringContaining('boom') })]);
  });
});
