/**
 * The three text renderings of `kms-guard report` (table, markdown, JSON) over the analysis of real synthesized apps,
 * with the rule findings in the footer. SARIF has its own file (sarif.test.ts).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { ACCESS_REPORT_VERSION, KeyAccess, analyzeKeys } from '../../src/analysis/effective-access';
import { AppModel, buildAppModel } from '../../src/app-model/app-model';
import { readCloudAssembly } from '../../src/app-model/cloud-assembly';
import { SYNTHETIC, accessGroups, requirementText } from '../../src/report/describe';
import { JsonRenderer } from '../../src/report/json';
import { MarkdownRenderer } from '../../src/report/markdown';
import { REPORT_VERSION, ReportRenderer, failingFindings, renderReport, reportHeader } from '../../src/report/report-model';
import { TableRenderer } from '../../src/report/table';
import { Finding, runRules } from '../../src/rules';

const ENV = { account: '111122223333', region: 'us-east-1' };

function synth(build: (app: App) => void): AppModel {
  const app = new App();
  build(app);
  return buildAppModel(readCloudAssembly(app.synth().directory));
}

function render(renderer: ReportRenderer, model: AppModel): string {
  return renderReport(renderer, reportHeader('cdk.out', model.stacks.length, model.keys.length), analyzeKeys(model), { findings: runRules(model), warnings: model.warnings });
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

  test('GIVEN rule findings WHEN rendered THEN they follow the keys with a count, one line each with the id that acknowledges it', () => {
    const at = lines.indexOf('findings: 4 errors, 1 warning');
    expect(at).toBeGreaterThan(lines.findIndex((l) => l.startsWith('key Keys/Fenced')));
    expect(lines.slice(at + 1)).toEqual([
      expect.stringMatching(/^ {2}ERROR Keys\/Fenced KmsGuard-AdminCanUseKey\[Principal::Keys\/Admin\] \(key policy, Sid "Admin", Action\): role Keys\/Admin may change/),
      expect.stringMatching(/^ {2}ERROR Keys\/Fenced KmsGuard-AdminCanUseKey\[Principal::Deployer\] /),
      expect.stringMatching(/^ {2}ERROR Keys\/Fenced KmsGuard-CreateGrantUnrestricted\[Statement::Admin\] /),
      expect.stringMatching(/^ {2}ERROR Keys\/Fenced KmsGuard-CreateGrantUnrestricted\[Statement::Deploy\] /),
      expect.stringMatching(/^ {2}WARN Keys\/Fenced KmsGuard-RotationDisabled\[Key::Rotation\] \(EnableKeyRotation\): /),
    ]);
  });

  test('GIVEN the guarded key WHEN its rules run THEN it has no finding of its own (the findings are all the hand-written key\'s)', () => {
    expect(runRules(guarded).filter((f) => f.location.constructPath?.startsWith('Keys/Data'))).toEqual([]);
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

  test('GIVEN rule findings WHEN rendered THEN a findings section holds them, a row each, the acknowledgement id in code', () => {
    const section = text.slice(text.indexOf('\n## Findings\n'));
    expect(section).toContain('\n4 errors, 1 warning.\n');
    const rows = section.split('\n').filter((l) => /^\| (error|warning) \|/.test(l));
    expect(rows).toHaveLength(5);
    expect(rows[4]).toMatch(/^\| warning \| `Keys\/Fenced` \(EnableKeyRotation\) \| `KmsGuard-RotationDisabled\[Key::Rotation\]` \| the symmetric encryption key/);
    // Four cells per row: a pipe escaped inside a cell does not split it.
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(6);
  });
});

describe('json', () => {
  const parsed = JSON.parse(render(new JsonRenderer(), guarded));

  test('GIVEN the report WHEN rendered THEN it is one JSON document of the documented shape', () => {
    expect(Object.keys(parsed)).toEqual(['version', 'tool', 'source', 'stacks', 'actions', 'capabilities', 'grantsDeclared', 'keys', 'findings', 'warnings', 'summary']);
    expect(parsed.version).toBe(REPORT_VERSION);
    expect(parsed.keys).toHaveLength(2);
    expect(parsed.summary).toEqual({ keys: 2, errors: 4, warnings: 1 });
    const key: KeyAccess = parsed.keys[0];
    expect(Object.keys(key)).toEqual(['key', 'subjects', 'evaluated', 'notes']);
    expect(Object.keys(key.subjects[0])).toEqual(expect.arrayContaining(['subject', 'answer', 'capabilities', 'unknowns', 'notes']));
  });

  test('GIVEN rule findings WHEN serialized THEN each is the rule\'s Finding as is (version 2 changed their shape)', () => {
    expect(parsed.findings).toEqual(runRules(guarded));
    expect(parsed.findings[4]).toEqual({
      ruleId: 'KmsGuard-RotationDisabled',
      findingId: 'Key::Rotation',
      severity: 'warning',
      location: expect.objectContaining({ stackName: 'Keys', logicalId: expect.stringMatching(/^Fenced/), constructPath: 'Keys/Fenced', field: 'EnableKeyRotation' }),
      message: expect.stringContaining('automatic rotation off'),
    });
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

  test('GIVEN the report version WHEN the access shape it embeds is still version 1 THEN the report is version 2 (findings changed shape)', () => {
    // REPORT_VERSION covers the whole document: bump it when ACCESS_REPORT_VERSION changes, then update this test.
    expect([ACCESS_REPORT_VERSION, REPORT_VERSION]).toEqual([1, 2]);
    expect(reportHeader('x', 1, 1).version).toBe(REPORT_VERSION);
  });

  test('GIVEN findings WHEN --fail-on is applied THEN errors count for error, and warnings too for warning', () => {
    const f = (severity: 'error' | 'warning'): Finding => ({ ruleId: 'KmsGuard-X', findingId: 'Key::x', severity, location: { stackName: 'S', logicalId: 'L' }, message: 'm' });
    expect(failingFindings([f('warning')], 'error')).toBe(0);
    expect(failingFindings([f('warning'), f('error')], 'warning')).toBe(2);
    expect(failingFindings([f('error')], undefined)).toBe(0);
  });
});
