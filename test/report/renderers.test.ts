/**
 * The three renderings of `kms-guard report` (table, markdown, JSON) over the analysis of real synthesized apps.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { checkDeployReadiness } from '../../src/analysis/deploy-readiness';
import { KeyAccess, accessAnalysisHeader, analyzeKeys } from '../../src/analysis/effective-access';
import { AppModel, buildAppModel } from '../../src/app-model/app-model';
import { readCloudAssembly } from '../../src/app-model/cloud-assembly';
import { SYNTHETIC, accessGroups, requirementText } from '../../src/report/describe';
import { JsonRenderer } from '../../src/report/json';
import { MarkdownRenderer } from '../../src/report/markdown';
import { REPORT_VERSION, ReportHeader, ReportRenderer, failingFindings, renderReport } from '../../src/report/report-model';
import { TableRenderer } from '../../src/report/table';

const ENV = { account: '111122223333', region: 'us-east-1' };

function synth(build: (app: App) => void): AppModel {
  const app = new App();
  build(app);
  return buildAppModel(readCloudAssembly(app.synth().directory));
}

function render(renderer: ReportRenderer, model: AppModel): string {
  const header: ReportHeader = { ...accessAnalysisHeader(), source: 'cdk.out', stacks: model.stacks.length, keys: model.keys.length };
  return renderReport(renderer, header, analyzeKeys(model), { findings: checkDeployReadiness(model), warnings: model.warnings });
}

/** A GuardedKmsKey with an administrator, a user under an encryption context, and eight roles a Deny names (no access). */
const guarded = synth((app) => {
  const stack = new Stack(app, 'Keys', { env: ENV });
  const admin = new iam.Role(stack, 'Admin', { roleName: 'key-admin', assumedBy: new iam.AccountRootPrincipal() });
  const user = new iam.Role(stack, 'User', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new GuardedKmsKey(stack, 'Data', { alias: 'data', administrators: [admin], users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT], encryptionContext: { app: 'a|b' } }] });
  const denied = Array.from({ length: 8 }, (_, i) => new iam.Role(stack, `Denied${i}`, { roleName: `denied-${i}`, assumedBy: new iam.AccountRootPrincipal() }));
  new kms.CfnKey(stack, 'Fenced', {
    keyPolicy: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: admin.roleArn }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Deploy', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ENV.account}:role/cdk-hnb659fds-cfn-exec-role-${ENV.account}-us-east-1` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'NoOne', Effect: 'Deny', Principal: { AWS: denied.map((r) => r.roleArn) }, Action: 'kms:*', Resource: '*' },
      ],
    },
  });
});

describe('table', () => {
  const text = render(new TableRenderer(), guarded);
  const lines = text.split('\n');

  test('GIVEN the report WHEN rendered THEN the header says what was asked: every key action, and why others were not', () => {
    expect(lines[0]).toBe(`kms-guard report of cdk.out: 2 keys in 1 stack (report version ${REPORT_VERSION})`);
    expect(lines[1]).toMatch(/^ {2}asked about every KMS action on a key: 43 actions \(PutKeyPolicy, .*, RevokeGrant\)$/);
    expect(lines[2]).toMatch(/^ {2}not asked: RetireGrant \(.*\); SynchronizeMultiRegionKey \(.*\); .*CreateKey.* \(no KMS key: only IAM policies decide them\)$/);
  });

  test('GIVEN a user under an encryption context WHEN rendered THEN its row points to a footnote with the value and the Sid', () => {
    const row = lines.find((l) => l.startsWith('  role Keys/User'))!;
    expect(row).toContain(`role Keys/User ${SYNTHETIC}`);
    expect(row).toMatch(/describe {2}|describe; encrypt, decrypt, data keys \(GenerateDataKey, GenerateDataKeyWithoutPlaintext\) \[1\]/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}\[1\] only encryption context app=a\|b \(Sid "UseCtx[0-9a-f]+" of the key policy\)$/));
  });

  test('GIVEN eight principals with no access WHEN rendered THEN every one is listed, none cut off', () => {
    const none = lines.find((l) => l.startsWith('  no access:') && l.includes('Keys/Denied'))!;
    for (let i = 0; i < 8; i++) expect(none).toContain(`Keys/Denied${i}`);
    expect(none).not.toMatch(/and \d+ more/);
  });

  test('GIVEN a symmetric key WHEN rendered THEN the key ARN is marked synthetic and the capabilities it cannot serve are named as left out', () => {
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}arn:aws:kms:us-east-1:111122223333:key/[0-9a-f-]+ ${SYNTHETIC}$`)));
    expect(text).toContain('not shown: sign, verify, MAC, key agreement (a SYMMETRIC_DEFAULT ENCRYPT_DECRYPT key cannot serve them');
  });

  test('GIVEN the readiness findings WHEN rendered THEN they follow the keys with a count', () => {
    expect(text).toMatch(/\ndeploy readiness: \d+ errors?, \d+ warnings?/);
  });
});

describe('markdown', () => {
  const text = render(new MarkdownRenderer(), guarded);

  test('GIVEN the report WHEN rendered THEN each key is a section with a table, and cells escape the pipe', () => {
    expect(text).toContain('# KMS key access report');
    expect(text).toContain('## Key `Keys/Data (alias/data)`');
    expect(text).toContain('| who | can | notes |');
    expect(text).toMatch(/\n1\. only encryption context app=a\|b \(Sid "UseCtx/);
    for (const row of text.split('\n').filter((l) => l.startsWith('| role'))) expect(row.split(/(?<!\\)\|/).length).toBe(5);
  });

  test('GIVEN findings WHEN rendered THEN a readiness section holds them', () => {
    expect(text).toContain('## Deploy readiness');
  });
});

describe('json', () => {
  const parsed = JSON.parse(render(new JsonRenderer(), guarded));

  test('GIVEN the report WHEN rendered THEN it is one JSON document of the documented shape', () => {
    expect(Object.keys(parsed)).toEqual(['version', 'tool', 'source', 'stacks', 'actions', 'capabilities', 'grantsDeclared', 'keys', 'findings', 'warnings', 'summary']);
    expect(parsed.version).toBe(REPORT_VERSION);
    expect(parsed.keys).toHaveLength(2);
    expect(parsed.summary).toEqual({ keys: 2, errors: expect.any(Number), warnings: expect.any(Number) });
    const key: KeyAccess = parsed.keys[0];
    expect(Object.keys(key)).toEqual(['key', 'subjects', 'evaluated', 'notes']);
    expect(Object.keys(key.subjects[0])).toEqual(expect.arrayContaining(['subject', 'answer', 'capabilities', 'unknowns', 'notes']));
  });

  test('GIVEN paths WHEN serialized THEN no internal field leaks', () => {
    expect(JSON.stringify(parsed)).not.toContain('"variant"');
    expect(JSON.stringify(parsed)).not.toContain('"picks"');
  });

  test('GIVEN one renderer WHEN used twice THEN each document starts afresh', () => {
    const r = new JsonRenderer();
    expect(() => JSON.parse(render(r, guarded))).not.toThrow();
    expect(() => JSON.parse(render(r, guarded))).not.toThrow();
  });
});

describe('shared pieces', () => {
  test('GIVEN requirements WHEN described THEN each kind reads as a phrase', () => {
    expect(requirementText({ kind: 'context', key: 'kms:ViaService', value: 'any AWS service', match: 'any' })).toBe('via any AWS service');
    expect(requirementText({ kind: 'context', key: 'aws:SourceIp', value: '10.0.0.0/8', match: 'cidr' })).toBe('from 10.0.0.0/8');
    expect(requirementText({ kind: 'organization', key: 'aws:PrincipalOrgID', value: 'o-a1b2c3d4e5', match: 'equals', assumed: true })).toBe('as a member of o-a1b2c3d4e5 (assumed)');
    expect(requirementText({ kind: 'endpoint', value: 'endpoint vpce-1 (S/Vpc/E)', match: 'equals', synthetic: true })).toBe(`through endpoint vpce-1 (S/Vpc/E) ${SYNTHETIC}`);
    expect(requirementText({ kind: 'principal-tag', key: 'aws:PrincipalTag/team', value: 'blue', match: 'equals' })).toBe('tagged team=blue');
    expect(requirementText({ kind: 'context', key: 'aws:MultiFactorAuthPresent', value: 'true', match: 'equals' })).toBe('aws:MultiFactorAuthPresent = true');
  });

  test('GIVEN a subject allowed a whole capability but one action WHEN grouped THEN the text says "all but"', () => {
    const key = [...analyzeKeys(guarded)].find((k) => k.key.constructPath?.startsWith('Keys/Data'))!;
    const admin = key.subjects.find((s) => s.subject.constructPath?.startsWith('Keys/Admin'))!;
    expect(accessGroups(admin)[0].what).toMatch(/^administer \(all but [A-Za-z, ]+\)/);
  });

  test('GIVEN findings WHEN --fail-on is applied THEN errors count for error, and warnings too for warning', () => {
    const f = (severity: 'error' | 'warning'): any => ({ check: 'x', severity, stackName: 'S', logicalId: 'L', message: 'm' });
    expect(failingFindings([f('warning')], 'error')).toBe(0);
    expect(failingFindings([f('warning'), f('error')], 'warning')).toBe(2);
    expect(failingFindings([f('error')], undefined)).toBe(0);
  });
});
