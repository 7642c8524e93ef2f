/**
 * `kms-guard report --format sarif`: the log validates against the official SARIF 2.1.0 schema (SchemaStore's copy,
 * test/report/fixtures/README.md says where it comes from), for the example app (no findings) and for apps with
 * findings; results carry the rule, the level, the template file and the construct path; fingerprints do not change
 * with the account the app is synthesized for.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ReportArgs, parseReportArgs, runReport } from '../../src/report/report-command';
import { FINGERPRINT_NAME, SarifRenderer, findingFingerprint } from '../../src/report/sarif';
import { ALL_RULES } from '../../src/rules';

const schema = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'sarif-2.1.0.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(schema);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kms-guard-sarif-${name}-`));
  dirs.push(dir);
  return dir;
}

/** Runs `report ARGS --format sarif` and returns the exit code and the parsed log. */
function sarif(args: string[]): { code: number; log: any; text: string; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const parsed = parseReportArgs([...args, '--format', 'sarif']) as ReportArgs;
  const code = runReport(parsed, { out: (l) => out.push(l), err: (l) => err.push(l), openOutput: () => { throw new Error('no files'); } });
  const text = out.join('\n');
  return { code, log: JSON.parse(text), text, err };
}

function expectValid(log: unknown): void {
  const valid = validateSarif(log);
  // The errors in the failure message, not a bare `false`.
  expect(valid ? [] : validateSarif.errors).toEqual([]);
}

/** The example app (examples/app/bin/app.ts), synthesized in this process into a directory of its own. */
function exampleApp(): string {
  const dir = tempDir('example');
  const before = process.env.CDK_OUTDIR;
  process.env.CDK_OUTDIR = dir;
  try {
    // The example is a script that synthesizes when loaded, into CDK_OUTDIR: loading it is running it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => require('../../examples/app/bin/app'));
  } finally {
    if (before === undefined) delete process.env.CDK_OUTDIR;
    else process.env.CDK_OUTDIR = before;
  }
  return dir;
}

/**
 * An app with findings, for `account`: a key whose policy locks out the deploying role (error), a plain kms.Key with
 * the account-wide default policy and no rotation (warnings), and the same locked-out key in a stage whose stack has
 * the same stack name in another Region (its template lies in the stage's nested assembly).
 */
function failingApp(account: string): string {
  const app = new App({ outdir: tempDir(`failing-${account}`) });
  const locked = (scope: App | Stage, region: string): void => {
    const stack = new Stack(scope, 'Locked', { env: { account, region }, stackName: 'Locked' });
    new kms.CfnKey(stack, 'Key', {
      enableKeyRotation: true,
      keyPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'App', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/app` }, Action: 'kms:Decrypt', Resource: '*' }] },
    });
    new kms.Key(stack, 'Plain');
    new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  };
  locked(app, 'us-east-1');
  locked(new Stage(app, 'Prod', { env: { account, region: 'eu-west-1' } }), 'eu-west-1');
  return app.synth().directory;
}

const version = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version;

describe('the example app', () => {
  const dir = exampleApp();
  const { code, log } = sarif([dir]);

  test('GIVEN the example app WHEN reported as SARIF THEN one valid SARIF 2.1.0 log, no results, exit 0', () => {
    expect(code).toBe(0);
    expectValid(log);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].results).toEqual([]);
  });

  test('GIVEN the log WHEN read THEN the driver is kms-guard at the package version, with every rule\'s metadata', () => {
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'kms-guard', version, informationUri: 'https://github.com/cdk-kms-guard/cdk-kms-guard' });
    expect(driver.rules.map((r: any) => r.id)).toEqual(ALL_RULES.map((r) => r.id));
    const lockout = ALL_RULES.findIndex((r) => r.id === 'KmsGuard-KeyPolicyLockout');
    expect(driver.rules[lockout]).toEqual({
      id: 'KmsGuard-KeyPolicyLockout',
      name: 'KeyPolicyLockout',
      shortDescription: { text: ALL_RULES[lockout].summary },
      fullDescription: { text: ALL_RULES[lockout].explanation },
      helpUri: ALL_RULES[lockout].docLink,
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'aws-kms'], findingIds: ['Principal::Deployer'], sources: ALL_RULES[lockout].sources },
    });
    expect(driver.rules.find((r: any) => r.id === 'KmsGuard-RotationDisabled').defaultConfiguration).toEqual({ level: 'warning' });
  });

  test('GIVEN the access matrix WHEN written as SARIF THEN it is no result, only a count per key in the run\'s properties', () => {
    expect(log.runs[0].properties.keys).toEqual([
      { key: 'KeyOwner/DataKey/Resource', aliases: ['alias/orders-data'], evaluated: true, subjects: { allowed: expect.any(Number), conditional: expect.any(Number), uncertain: 0 } },
      { key: 'KeyOwner/PaymentsKey/Resource', aliases: ['alias/payments'], evaluated: true, subjects: { allowed: expect.any(Number), conditional: expect.any(Number), uncertain: 0 } },
    ]);
  });
});

describe('an app with findings', () => {
  const first = failingApp('111122223333');
  const second = failingApp('444455556666');
  const a = sarif([first, '--fail-on', 'error']);
  const b = sarif([second]);
  const results: any[] = a.log.runs[0].results;

  test('GIVEN findings WHEN reported as SARIF THEN the log is valid, and --fail-on counts them as for every format', () => {
    expectValid(a.log);
    expectValid(b.log);
    expect(a.code).toBe(1);
    expect(a.err).toContain(`kms-guard: ${results.filter((r) => r.level === 'error').length} finding(s) at or above --fail-on error`);
    expect(b.code).toBe(0);
  });

  test('GIVEN the lockout WHEN reported THEN its result names the rule (by id and index), the level, the template and the construct path', () => {
    // The CfnKeys lock it out (errors); the plain keys pass only through the account delegation (warnings).
    const lockouts = results.filter((r) => r.ruleId === 'KmsGuard-KeyPolicyLockout' && r.level === 'error');
    expect(lockouts).toHaveLength(2);
    const rules = a.log.runs[0].tool.driver.rules;
    for (const r of results) expect(rules[r.ruleIndex].id).toBe(r.ruleId);
    const nameOf = (r: any): string => r.locations[0].logicalLocations[0].fullyQualifiedName;
    const [top, prod] = lockouts.sort((x, y) => nameOf(x).localeCompare(nameOf(y)));
    expect(top).toMatchObject({
      level: 'error',
      message: { text: expect.stringContaining('PutKeyPolicy') },
      locations: [{
        physicalLocation: { artifactLocation: { uri: 'Locked.template.json', uriBaseId: 'CDK_OUT' } },
        logicalLocations: [{ fullyQualifiedName: 'Locked/Key', name: 'Key', kind: 'resource' }],
      }],
      partialFingerprints: { [FINGERPRINT_NAME]: 'KmsGuard-KeyPolicyLockout|Locked|Locked/Key|Principal::Deployer' },
      properties: { acknowledgementId: 'KmsGuard-KeyPolicyLockout[Principal::Deployer]', stackName: 'Locked' },
    });
    // Same stack name in the stage: the construct path picks the stage's template, in its nested assembly.
    expect(prod.locations[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: expect.stringMatching(/^assembly-Prod\/ProdLocked[0-9A-F]{8}\.template\.json$/), uriBaseId: 'CDK_OUT' } },
      logicalLocations: [{ fullyQualifiedName: 'Prod/Locked/Key', name: 'Key', kind: 'resource' }],
    });
    for (const r of results) {
      const uri = r.locations[0].physicalLocation.artifactLocation.uri;
      expect(existsSync(join(first, uri))).toBe(true);
    }
  });

  test('GIVEN warnings WHEN reported THEN their level is warning', () => {
    expect(results.filter((r) => r.ruleId === 'KmsGuard-RotationDisabled').map((r) => r.level)).toEqual(['warning', 'warning']);
    expect(results.filter((r) => r.ruleId === 'KmsGuard-AccountWideDelegation').every((r) => r.level === 'warning')).toBe(true);
  });

  test('GIVEN the same app for two accounts WHEN reported THEN rules, levels, locations and fingerprints agree, and no account is in a fingerprint', () => {
    const identity = (log: any): string[] => log.runs[0].results
      .map((r: any) => JSON.stringify([r.ruleId, r.level, r.locations, r.partialFingerprints]))
      .sort();
    expect(identity(a.log)).toEqual(identity(b.log));
    const fingerprints = results.map((r) => r.partialFingerprints[FINGERPRINT_NAME]);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    expect(JSON.stringify(fingerprints)).not.toMatch(/111122223333|444455556666|us-east-1|eu-west-1/);
    // The messages do name the account: the fingerprint is what keeps the finding's identity.
    expect(a.text).toContain('111122223333');
  });
});

describe('the renderer alone', () => {
  test('GIVEN the schema WHEN given logs that break it THEN it rejects them (the validation above can fail)', () => {
    const log = JSON.parse(new SarifRenderer().end({ findings: [], warnings: [] })[0]);
    expectValid(log);
    expect(validateSarif({ ...log, version: '2.0.0' })).toBe(false);
    const run = log.runs[0];
    expect(validateSarif({ ...log, runs: [{ ...run, results: [{ ruleId: 'x', level: 'fatal', message: { text: 'm' } }] }] })).toBe(false);
    expect(validateSarif({ ...log, runs: [{ ...run, results: [{ ruleId: 'x', level: 'error' }] }] })).toBe(false);
    expect(validateSarif({ ...log, runs: [{ ...run, unknownProperty: true }] })).toBe(false);
  });

  const finding = { ruleId: 'KmsGuard-RotationDisabled', findingId: 'Key::Rotation', severity: 'warning' as const, location: { stackName: 'S', logicalId: 'K' }, message: 'm' };

  test('GIVEN a stack whose template is unknown, or two that could hold the finding WHEN rendered THEN only the logical location, still valid', () => {
    for (const stacks of [[], [{ stackName: 'S', templateFile: 'a.json' }, { stackName: 'S', templateFile: 'b.json' }]]) {
      const log = JSON.parse(new SarifRenderer({ stacks }).end({ findings: [finding], warnings: [] })[0]);
      expectValid(log);
      expect(log.runs[0].tool.driver.version).toBeUndefined();
      expect(log.runs[0].results[0].locations).toEqual([{ logicalLocations: [{ fullyQualifiedName: 'S/K', name: 'K', kind: 'resource' }] }]);
    }
  });

  test('GIVEN a loose template with spaces and a colon in its path WHEN rendered THEN its uri is a percent-encoded relative reference without a base id', () => {
    const log = JSON.parse(new SarifRenderer({ stacks: [{ stackName: 'S', templateFile: 'my dir/a:b#1.json' }] }).end({ findings: [finding], warnings: [] })[0]);
    expectValid(log);
    expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'my%20dir/a%3Ab%231.json' } });
    expect(log.runs[0].originalUriBaseIds).toBeUndefined();
  });

  test('GIVEN a finding WHEN fingerprinted THEN rule, stack, construct path (else logical id) and finding id make it', () => {
    expect(findingFingerprint(finding)).toBe('KmsGuard-RotationDisabled|S|K|Key::Rotation');
    expect(findingFingerprint({ ...finding, location: { ...finding.location, constructPath: 'S/Key' } })).toBe('KmsGuard-RotationDisabled|S|S/Key|Key::Rotation');
  });
});
