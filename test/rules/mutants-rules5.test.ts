/**
 * Tests written for the fifth mutation sample of src/rules (docs/mutation-testing.md): KmsGuard-IdentityResourceWildcard,
 * KmsGuard-EndpointDenyBreaksServices, the readiness rules (ServiceWithoutAccess, DeployerCannotCreate,
 * PrincipalNotYetDeployed) and their finding helpers (support/readiness.ts, identity-finding.ts, key-finding.ts,
 * service-finding-id.ts, principal-finding-id.ts, absent-key.ts). Each row asserts what the AWS page cited documents,
 * on hand-written templates (no CDK synthesis, no aws-cdk-lib: a mutant run loads this file for every mutant of these
 * files), and the whole message where a mutant could change only a message.
 */
import { DEPLOYER_ROLE, DEPLOYER_STATEMENT, ENV, OTHER_ACCOUNT, ids, keyResource, kmsInlinePolicy, policyDocument, roleResource } from './template-helpers';
import { READINESS_CHECKS } from '../../src/analysis/deploy-readiness';
import { ReadinessFinding } from '../../src/analysis/readiness-finding';
import { AppModel, KmsKeyModel, PrincipalModel, buildAppModel } from '../../src/app-model/app-model';
import { StackTemplate } from '../../src/app-model/stack-template';
import { Finding } from '../../src/rules/finding';
import { DeployerCannotCreate } from '../../src/rules/KmsGuard-DeployerCannotCreate';
import { EndpointDenyBreaksServices } from '../../src/rules/KmsGuard-EndpointDenyBreaksServices';
import { IdentityResourceWildcard } from '../../src/rules/KmsGuard-IdentityResourceWildcard';
import { PrincipalNotYetDeployed } from '../../src/rules/KmsGuard-PrincipalNotYetDeployed';
import { ServiceWithoutAccess } from '../../src/rules/KmsGuard-ServiceWithoutAccess';
import { kmsGuide } from '../../src/rules/rule';
import { holdsWhenAbsent } from '../../src/rules/support/absent-key';
import { TakenIds, identityFinding, principalLocation } from '../../src/rules/support/identity-finding';
import { keyFinding, keyName, principalName, principalPath } from '../../src/rules/support/key-finding';
import { principalFindingId } from '../../src/rules/support/principal-finding-id';
import { quotedValue, readinessFindings, readinessRule, readinessSources, shortPath, statementFindingId } from '../../src/rules/support/readiness';
import { serviceFindingId } from '../../src/rules/support/service-finding-id';
import { statementsOf } from '../../src/rules/support/statements';

const ACCOUNT = ENV.account;
const ROOT_ARN = `arn:aws:iam::${ACCOUNT}:root`;
/** The key policy statement that delegates the key to IAM (KMS's default key policy: key-policy-default.md). */
const ROOT = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: ROOT_ARN }, Action: 'kms:*', Resource: '*' };
const KEY_ARN = { 'Fn::GetAtt': ['Key', 'Arn'] };
const pathed = (resource: Record<string, unknown>, path: string): Record<string, unknown> => ({ ...resource, Metadata: { 'aws:cdk:path': path } });

/** A stack of ENV with a manifest (artifact id = its name), deployed by DEPLOYER_ROLE, with a String parameter `P`. */
function stack(stackName: string, resources: Record<string, unknown>, extra: Partial<StackTemplate> = {}): StackTemplate {
  return { stackName, ...ENV, template: { Parameters: { P: { Type: 'String' } }, Resources: resources }, deployerArn: DEPLOYER_ROLE, artifactId: stackName, ...extra };
}
const modelOf = (resources: Record<string, unknown>): AppModel => buildAppModel([stack('S', resources)]);

const BUCKET = { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }] } } };
const logGroup = (name: string, key: unknown = KEY_ARN): Record<string, unknown> => ({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: name, KmsKeyId: key } });
const TABLE = { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders', SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN } } };

// ---------------------------------------------------------------------------------------------------------------------
// KmsGuard-IdentityResourceWildcard
// ---------------------------------------------------------------------------------------------------------------------

const IRW = 'KmsGuard-IdentityResourceWildcard';
const IRW_TAIL = (statement: unknown, id: string): string => `Received: ${JSON.stringify(statement)}. `
  + 'Expected: "Resource" naming the keys (their ARNs), or the wildcard narrowed by "ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/..."]}, aws:ResourceTag/<tag>, kms:RequestAlias or kms:ViaService. '
  + `Fix: name the keys (key.grant*() does), or add the condition; if the principal is meant to use every such key (an operator role), acknowledge ${IRW}[${id}] on it with the reason.`;
/** The message on a wide Resource (cmks-in-iam-policies.md, iam-policies-best-practices.md: avoid the wildcard). */
interface Wide {
  label?: string; source?: string; who?: string; actions: string; patterns: string[]; reached: string; statement: unknown; id?: string;
}
const wideMessage = (o: Wide): string =>
  `${o.label ?? 'statement #0'} of ${o.source ?? 'inline policy kms of the role'}, an identity policy of ${o.who ?? 'role S/Ops'}, allows ${o.actions} on ${o.patterns.map((p) => JSON.stringify(p)).join(', ')}, which matches every key there, with no condition that narrows to keys: `
  + 'the principal can use every key whose key policy delegates to IAM (KMS\'s default policy and every plain kms.Key do), now or created later. '
  + `Keys it can use through this statement: ${o.reached}. ${IRW_TAIL(o.statement, o.id ?? 'Statement::0')}`;
const NO_KEY_REACHED = 'no key of this app delegates to IAM, so it reaches none of them now';

/** A role `S/Ops` whose inline policy `kms` holds `statements`, beside `resources`. */
const opsApp = (statements: unknown[], resources: Record<string, unknown> = {}): AppModel => modelOf({ Ops: roleResource('Ops', 'ops', [kmsInlinePolicy(...statements)]), ...resources });
const irw = (m: AppModel): Finding[] => IdentityResourceWildcard.check(m);
const DELEGATING_KEY = { Key: keyResource([ROOT]) };
const NAMING_KEY = { Key: keyResource([DEPLOYER_STATEMENT, { Sid: 'Ops', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ops` }, Action: 'kms:Decrypt', Resource: '*' }]) };

describe(`${IRW}: which statements are wide (cmks-in-iam-policies.md; iam-policies-best-practices.md)`, () => {
  const allow = (extra: Record<string, unknown>): Record<string, unknown> => ({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', ...extra });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['an Allow of kms:Decrypt on "*": reported', allow({}), [`${IRW}[Statement::0] warning`]],
    // A Deny takes nothing away from this rule's question (what the principal can use).
    ['a Deny of kms:Decrypt on "*": not reported', allow({ Effect: 'Deny' }), []],
    // CreateKey, ListKeys and ListAliases are IAM-only and need Resource "*" (kms-api-permissions-reference.md).
    ['only IAM-only actions (ListKeys, ListAliases, CreateKey) on "*": not reported', allow({ Action: ['kms:ListKeys', 'kms:ListAliases', 'kms:CreateKey'] }), []],
    ['NotResource: not this rule\'s question', allow({ Resource: undefined, NotResource: 'arn:aws:kms:us-east-1:111122223333:key/abc' }), []],
    ['a key ARN: not reported', allow({ Resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }), []],
    ['an alias ARN pattern: names aliases, not keys', allow({ Resource: 'arn:aws:kms:us-east-1:111122223333:alias/*' }), []],
    // abac.md: aws:ResourceTag and kms:ResourceAliases narrow to keys; kms:RequestAlias and kms:ViaService too (conditions-kms.md).
    ['narrowed by ForAnyValue:StringEquals kms:ResourceAliases', allow({ Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' } } }), []],
    ['narrowed by kms:RequestAlias', allow({ Condition: { StringEquals: { 'kms:RequestAlias': 'alias/orders' } } }), []],
    ['narrowed by kms:ViaService, any case of the key name (condition key names are case-insensitive)', allow({ Condition: { StringEquals: { 'KMS:VIASERVICE': 's3.us-east-1.amazonaws.com' } } }), []],
    ['narrowed by aws:ResourceTag/<tag>', allow({ Condition: { StringEquals: { 'aws:ResourceTag/team': 'orders' } } }), []],
    ['narrowed by AWS:RESOURCETAG/<tag> in upper case', allow({ Condition: { StringEquals: { 'AWS:RESOURCETAG/team': 'orders' } } }), []],
    // A negated or IfExists condition holds for every other key, or where the key is absent: it narrows nothing.
    ['a StringNotEquals on kms:ViaService does not narrow', allow({ Condition: { StringNotEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }), [`${IRW}[Statement::0] warning`]],
    ['a StringEqualsIfExists on aws:ResourceTag/team does not narrow', allow({ Condition: { StringEqualsIfExists: { 'aws:ResourceTag/team': 'orders' } } }), [`${IRW}[Statement::0] warning`]],
    // Only the keys themselves (aliases, tags) or the service: a condition on another key narrows nothing.
    ['a condition on aws:RequestTag/team (the request\'s tags, not the key\'s) does not narrow', allow({ Condition: { StringEquals: { 'aws:RequestTag/team': 'orders' } } }), [`${IRW}[Statement::0] warning`]],
    ['a condition on kms:CallerAccount does not narrow', allow({ Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }), [`${IRW}[Statement::0] warning`]],
    ['a condition on kms:ViaServiceName (not kms:ViaService) does not narrow', allow({ Condition: { StringEquals: { 'kms:ViaServiceName': 's3' } } }), [`${IRW}[Statement::0] warning`]],
    ['a condition on kms:EncryptionContext:aws:resourcetag/x (not a resource tag) does not narrow', allow({ Condition: { StringEquals: { 'kms:EncryptionContext:aws:resourcetag/x': 'y' } } }), [`${IRW}[Statement::0] warning`]],
    ['a condition on x-kms:ResourceAliases (not that key) does not narrow', allow({ Condition: { StringEquals: { 'x-kms:ResourceAliases': 'alias/a' } } }), [`${IRW}[Statement::0] warning`]],
  ])('%s', (_name, statement, expected) => {
    expect(ids(irw(opsApp([statement], DELEGATING_KEY)))).toEqual(expected);
  });

  test('the whole message: key actions only, cryptographic ones first; the keys of the app that delegate to IAM', () => {
    const st = { Effect: 'Allow', Action: ['kms:ListKeys', 'kms:DescribeKey', 'kms:Decrypt'], Resource: '*' };
    const [finding] = irw(opsApp([st], { ...DELEGATING_KEY, Guarded: keyResource([DEPLOYER_STATEMENT]) }));
    expect(finding).toStrictEqual({
      ruleId: IRW,
      findingId: 'Statement::0',
      severity: 'warning',
      location: { stackName: 'S', logicalId: 'Ops', constructPath: 'S/Ops/Resource', policy: 'inline policy kms of the role', statement: 'statement #0', field: 'Resource' },
      message: wideMessage({ actions: 'kms:Decrypt, kms:DescribeKey', patterns: ['*'], reached: 'in this app: S/Key', statement: st }),
    });
  });

  test('a key whose policy names its users (no delegation to IAM): the statement reaches no key of the app now', () => {
    const st = { Sid: 'Use', Effect: 'Allow', Action: 'kms:Encrypt', Resource: 'arn:aws:kms:*:111122223333:key/*' };
    expect(irw(opsApp([st], NAMING_KEY)).map((f) => f.message)).toEqual([
      wideMessage({ label: 'Sid "Use"', actions: 'kms:Encrypt', patterns: ['arn:aws:kms:*:111122223333:key/*'], reached: NO_KEY_REACHED, statement: st, id: 'Statement::Use' }),
    ]);
  });

  test('six delegating keys: five named and "1 more"; only the wide patterns of the statement are listed', () => {
    const keys = Object.fromEntries(['K1', 'K2', 'K3', 'K4', 'K5', 'K6'].map((k) => [k, keyResource([ROOT])]));
    const named = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const st = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: [named, 'arn:aws:kms:us-east-1:111122223333:key/*', '*'] };
    expect(irw(opsApp([st], keys)).map((f) => f.message)).toEqual([
      wideMessage({ actions: 'kms:Decrypt', patterns: ['arn:aws:kms:us-east-1:111122223333:key/*', '*'], reached: 'in this app: S/K1, S/K2, S/K3, S/K4, S/K5 and 1 more', statement: st }),
    ]);
  });

  // A key policy delegates to its own account's IAM ("the AWS account that owns the KMS key", key-policy-default.md):
  // a key of another account is not usable through this principal's IAM policy alone (cross-account needs both).
  test('a key of another account in the app is not among the keys reached; a pattern on a Region holding only that key is still wide', () => {
    const st = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-west-2:*:key/*' };
    const other = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
    const m = buildAppModel([
      stack('S', { Ops: roleResource('Ops', 'ops', [kmsInlinePolicy(st)]), Named: keyResource([DEPLOYER_STATEMENT]) }),
      stack('T', { Key: keyResource([other]) }, { account: OTHER_ACCOUNT, region: 'us-west-2' }),
    ]);
    expect(irw(m).map((f) => f.message)).toEqual([wideMessage({ actions: 'kms:Decrypt', patterns: ['arn:aws:kms:us-west-2:*:key/*'], reached: NO_KEY_REACHED, statement: st })]);
  });

  test('a pattern on a Region where neither the principal nor any key of the app is: not judged (it matches no key the app can see)', () => {
    expect(irw(opsApp([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:111122223333:key/*' }], DELEGATING_KEY))).toEqual([]);
  });

  test('a key of the same account in another Region, reached by a pattern on that Region: listed; each key reached by any one of the patterns', () => {
    const st = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-west-2:111122223333:key/*' };
    const m = buildAppModel([
      stack('S', { Ops: roleResource('Ops', 'ops', [kmsInlinePolicy(st)]) }),
      stack('W', { Key: keyResource([ROOT]) }, { region: 'us-west-2' }),
    ]);
    expect(irw(m).map((f) => f.message)).toEqual([wideMessage({ actions: 'kms:Decrypt', patterns: ['arn:aws:kms:us-west-2:111122223333:key/*'], reached: 'in this app: W/Key', statement: st })]);
    const both = { ...st, Resource: ['arn:aws:kms:us-east-1:111122223333:key/*', 'arn:aws:kms:us-west-2:111122223333:key/*'] };
    const m2 = buildAppModel([
      stack('S', { Ops: roleResource('Ops', 'ops', [kmsInlinePolicy(both)]), Key: keyResource([ROOT]) }),
      stack('W', { Key: keyResource([ROOT]) }, { region: 'us-west-2' }),
    ]);
    expect(irw(m2).map((f) => f.message)).toEqual([wideMessage({ actions: 'kms:Decrypt', patterns: both.Resource, reached: 'in this app: S/Key, W/Key', statement: both })]);
  });

  test('a number among the Resource values (outside the grammar, which the policy reader reports) is skipped: "*" is still reported', () => {
    const st = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: [42, '*'] };
    expect(irw(opsApp([st], DELEGATING_KEY)).map((f) => f.message)).toEqual([wideMessage({ actions: 'kms:Decrypt', patterns: ['*'], reached: 'in this app: S/Key', statement: st })]);
  });
});

describe(`${IRW}: values unknown offline (unknown-at-synth is reported as unknown)`, () => {
  const unknownMessage = (statement: unknown): string =>
    `statement #0 of inline policy kms of the role, an identity policy of role S/Ops, allows kms:Decrypt on a Resource unknown offline, with no condition that narrows to keys, so whether it names every key cannot be verified. ${IRW_TAIL(statement, 'Statement::0')}`;

  test('a Resource given as a parameter: a "cannot verify" warning, the whole message', () => {
    const st = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { Ref: 'P' } };
    const [finding] = irw(opsApp([st], DELEGATING_KEY));
    expect(finding.message).toBe(unknownMessage({ ...st, Resource: '<unresolved:Ref P>' }));
    expect(finding.severity).toBe('warning');
  });

  test('a parameter beside "*": the wide pattern is reported', () => {
    const st = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: [{ Ref: 'P' }, '*'] };
    expect(irw(opsApp([st], DELEGATING_KEY)).map((f) => f.message)).toEqual([
      wideMessage({ actions: 'kms:Decrypt', patterns: ['*'], reached: 'in this app: S/Key', statement: { ...st, Resource: ['<unresolved:Ref P>', '*'] } }),
    ]);
  });

  test.each([
    ['Fn::GetAtt Key.Arn alone', [{ 'Fn::GetAtt': ['Elsewhere', 'Arn'] }]],
    ['two resource attributes', [{ 'Fn::GetAtt': ['Elsewhere', 'Arn'] }, { 'Fn::GetAtt': ['Other', 'Arn'] }]],
  ])('the ARN of a resource (%s) names that one resource, never a pattern: not reported', (_name, resource) => {
    expect(irw(opsApp([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: resource }], DELEGATING_KEY))).toEqual([]);
  });

  // Only a whole attribute is one resource's ARN: one inside a longer text (an ARN built around it, a wildcard after it)
  // is a value unknown offline, which may be a pattern.
  test.each([
    ['an ARN built around a resource attribute', { 'Fn::Join': ['', ['arn:aws:kms:us-east-1:111122223333:key/', { 'Fn::GetAtt': ['Elsewhere', 'KeyId'] }]] }],
    ['a resource attribute followed by a wildcard', { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Elsewhere', 'Arn'] }, '*']] }],
  ])('%s: a "cannot verify" warning', (_name, resource) => {
    const found = irw(opsApp([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: resource }], DELEGATING_KEY));
    expect(found.map((f) => [f.severity, f.message.includes('on a Resource unknown offline')])).toEqual([['warning', true]]);
  });

  test('a resource attribute beside "*": only "*" is reported', () => {
    const st = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: [{ 'Fn::GetAtt': ['Elsewhere', 'Arn'] }, '*'] };
    expect(irw(opsApp([st], DELEGATING_KEY)).map((f) => f.message)).toEqual([
      wideMessage({ actions: 'kms:Decrypt', patterns: ['*'], reached: 'in this app: S/Key', statement: { ...st, Resource: ['<unresolved:Elsewhere.Arn>', '*'] } }),
    ]);
  });

  test('a parameter joined into an ARN (not a resource attribute): a "cannot verify" warning', () => {
    const st = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::Join': ['', ['arn:aws:kms:us-east-1:111122223333:key/', { Ref: 'P' }]] } };
    expect(irw(opsApp([st], DELEGATING_KEY)).map((f) => f.message.includes('cannot be verified'))).toEqual([true]);
  });

  // Was a bug (fixed): a parameter beside a literal key ARN was dropped, so the statement passed silently, though the
  // parameter may be "*" (the rule's own comment: a Resource unknown offline is reported as "cannot verify").
  test('a parameter beside a literal key ARN: still a "cannot verify" warning (the parameter may be "*")', () => {
    const st = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: [{ Ref: 'P' }, 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'] };
    expect(ids(irw(opsApp([st], DELEGATING_KEY)))).toEqual([`${IRW}[Statement::0] warning`]);
  });
});

describe(`${IRW} and identity-finding.ts: one id per statement on each principal`, () => {
  const WIDE = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' };
  test('two policies of one role, each with a statement #0: the second id names its policy', () => {
    const m = modelOf({ Ops: roleResource('Ops', 'ops', [kmsInlinePolicy(WIDE), { PolicyName: 'more', PolicyDocument: policyDocument(WIDE) }]) });
    const found = irw(m);
    expect(found.map((f) => [f.findingId, f.location.policy])).toEqual([
      ['Statement::0', 'inline policy kms of the role'],
      ['Statement::0 of identity policy 1', 'inline policy more of the role'],
    ]);
    expect(found[1].message).toContain(`acknowledge ${IRW}[Statement::0 of identity policy 1] on it`);
  });

  test('two roles, each with a statement #0: each keeps Statement::0 (ids are unique per principal)', () => {
    const m = modelOf({ Ops: roleResource('Ops', 'ops', [kmsInlinePolicy(WIDE)]), Dev: roleResource('Dev', 'dev', [kmsInlinePolicy(WIDE)]) });
    expect(irw(m).map((f) => `${f.location.logicalId} ${f.findingId}`).sort()).toEqual(['Dev Statement::0', 'Ops Statement::0']);
  });

  test('identityFinding and principalLocation: no constructPath key when the principal has none', () => {
    const m = modelOf({ Ops: { ...roleResource('Ops', 'ops', []), Metadata: undefined } });
    const p = m.principals[0];
    expect(p.constructPath).toBeUndefined();
    const [ref] = statementsOf(policyDocument(WIDE));
    const taken: TakenIds = new Map();
    const f = identityFinding('R', 'error', { principal: p, source: 'src', index: 0, ref }, 'Action', taken, (id) => `id ${id}`);
    expect(f).toStrictEqual({ ruleId: 'R', findingId: 'Statement::0', severity: 'error', location: { stackName: 'S', logicalId: 'Ops', policy: 'src', statement: 'statement #0', field: 'Action' }, message: 'id Statement::0' });
    expect(principalLocation(p, 'pol', 'Sid "X"', 'Resource')).toStrictEqual({ stackName: 'S', logicalId: 'Ops', policy: 'pol', statement: 'Sid "X"', field: 'Resource' });
    expect([...taken.get(p)!]).toEqual(['Statement::0']);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// KmsGuard-EndpointDenyBreaksServices
// ---------------------------------------------------------------------------------------------------------------------

const EDB = 'KmsGuard-EndpointDenyBreaksServices';
const ENDPOINT = 'vpce-1234abcdf5678c90a';
const S3_USE = 's3 on a caller\'s behalf (for AWS::S3::Bucket S/Bucket)';
const LOGS_USE = 'logs.us-east-1.amazonaws.com as itself (for AWS::Logs::LogGroup S/Logs)';
const NETWORK_KEYS = 'aws:SourceVpce, aws:SourceVpc, aws:SourceVpcArn or aws:VpcSourceIp';
const edbTail = (statement: unknown, id: string): string => `Reading, writing or creating the resources encrypted with the key through those services then fails. Received: ${JSON.stringify(statement)}. `
  + 'Expected: the Deny applies only to direct calls: "Bool": {"aws:ViaAWSService": "false", "aws:PrincipalIsAWSService": "false"} in its Condition (what VpceRestrictedKey writes), or an exemption by kms:ViaService. '
  + `Fix: add that condition to the Deny; if the services are meant to be denied, acknowledge ${EDB}[${id}] on the key with the reason.`;
/** conditions-aws.md, "Using VPC endpoint conditions": integrated services' calls carry none of the endpoint keys. */
const deniesMessage = (label: string, uses: string, statement: unknown, id: string, key = 'S/Key'): string =>
  `${label} of the key policy of ${key} denies the AWS services that use the key, which call KMS from outside any VPC endpoint, so their requests carry no ${NETWORK_KEYS} (conditions-aws.md, "Using VPC endpoint conditions"): ${uses}. ${edbTail(statement, id)}`;
const mayDenyMessage = (label: string, uses: string, statement: unknown, id: string): string =>
  `${label} of the key policy of S/Key may deny the AWS services that use the key, depending on values unknown offline, so this cannot be verified: ${uses}. ${edbTail(statement, id)}`;

const denyOutside = (condition: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Sid: 'DenyOutside', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: condition, ...extra,
});
const NOT_ENDPOINT = { StringNotEquals: { 'aws:SourceVpce': ENDPOINT } };
const edb = (m: AppModel): Finding[] => EndpointDenyBreaksServices.check(m);
const keyWith = (...statements: unknown[]): Record<string, unknown> => keyResource([ROOT, ...statements]);

describe(`${EDB} (conditions-aws.md "Using VPC endpoint conditions"; kms-vpc-endpoint.md)`, () => {
  test('a Deny outside the endpoint, a bucket and a log group: an error naming both services, the whole finding', () => {
    const deny = denyOutside(NOT_ENDPOINT);
    const found = edb(modelOf({ Key: keyWith(deny), Bucket: BUCKET, Logs: logGroup('app') }));
    expect(found).toStrictEqual([{
      ruleId: EDB,
      findingId: 'Statement::DenyOutside',
      severity: 'error',
      location: { stackName: 'S', logicalId: 'Key', policy: 'key policy', statement: 'Sid "DenyOutside"', field: 'Condition' },
      message: deniesMessage('Sid "DenyOutside"', `${S3_USE}, ${LOGS_USE}`, deny, 'Statement::DenyOutside'),
    }]);
  });

  test('the construct paths of the key and the resources name them when the template gives them', () => {
    const deny = denyOutside(NOT_ENDPOINT);
    const found = edb(modelOf({ Key: pathed(keyWith(deny), 'S/Vault/Resource'), Bucket: pathed(BUCKET, 'S/Data/Resource') }));
    expect(found.map((f) => [f.location.constructPath, f.message])).toEqual([
      ['S/Vault/Resource', deniesMessage('Sid "DenyOutside"', 's3 on a caller\'s behalf (for AWS::S3::Bucket S/Data/Resource)', deny, 'Statement::DenyOutside', 'S/Vault')],
    ]);
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    ['a Deny without a network condition: not this rule\'s question', denyOutside({ StringNotEquals: { 'kms:CallerAccount': ACCOUNT } }), { Bucket: BUCKET }, []],
    ['an Allow that tests aws:SourceVpce: not a Deny', { ...denyOutside(NOT_ENDPOINT), Effect: 'Allow' }, { Bucket: BUCKET }, []],
    ['the Deny, but no service uses the key: only direct callers are denied, as meant', denyOutside(NOT_ENDPOINT), {}, []],
    // The exemptions VpceRestrictedKey writes: aws:ViaAWSService for calls on a caller's behalf, aws:PrincipalIsAWSService
    // for service principals (conditions-aws.md).
    ['the Deny exempting both kinds of service call', denyOutside({ ...NOT_ENDPOINT, Bool: { 'aws:ViaAWSService': 'false', 'aws:PrincipalIsAWSService': 'false' } }), { Bucket: BUCKET, Logs: logGroup('app') }, []],
    ['a Deny on aws:SourceVpc, lower-case operator block names kept', denyOutside({ StringNotEquals: { 'aws:SourceVpc': 'vpc-0a1b2c3d' } }), { Bucket: BUCKET }, [`${EDB}[Statement::DenyOutside] error`]],
    // Only the Deny's own explicit deny counts: a Deny of Encrypt alone does not touch Decrypt and GenerateDataKey, what
    // S3 asks on a caller's behalf (services-s3.md).
    ['a Deny of kms:Encrypt only, a bucket: S3\'s GenerateDataKey and Decrypt are not denied', denyOutside(NOT_ENDPOINT, { Action: 'kms:Encrypt' }), { Bucket: BUCKET }, []],
    ['a Deny of kms:Decrypt only, a bucket: S3\'s Decrypt is denied', denyOutside(NOT_ENDPOINT, { Action: 'kms:Decrypt' }), { Bucket: BUCKET }, [`${EDB}[Statement::DenyOutside] error`]],
    ['a Deny of kms:GenerateDataKey only, a bucket: S3\'s GenerateDataKey is denied', denyOutside(NOT_ENDPOINT, { Action: 'kms:GenerateDataKey' }), { Bucket: BUCKET }, [`${EDB}[Statement::DenyOutside] error`]],
    // A service principal's request carries aws:SourceAccount and aws:SourceArn (key-policy-services.md: included only
    // when a request comes to AWS KMS from another AWS service): a Deny only where they are absent spares CloudWatch Logs.
    ['a Deny only where aws:SourceArn is absent, a log group: the service principal\'s requests carry it', denyOutside({ ...NOT_ENDPOINT, Null: { 'aws:SourceArn': 'true' } }), { Logs: logGroup('app') }, []],
    ['a Deny only where aws:SourceAccount is absent, a log group: not denied', denyOutside({ ...NOT_ENDPOINT, Null: { 'aws:SourceAccount': 'true' } }), { Logs: logGroup('app') }, []],
    ['a Deny unless aws:SourceAccount is another account, a log group: denied (the request names the log group\'s account)', denyOutside({ ...NOT_ENDPOINT, StringNotEquals: { 'aws:SourceVpce': ENDPOINT, 'aws:SourceAccount': OTHER_ACCOUNT } }), { Logs: logGroup('app') }, [`${EDB}[Statement::DenyOutside] error`]],
    // CloudWatch Logs asks with its encryption context (services: the log group's ARN): a Deny where it is absent spares it.
    ['a Deny where the logs encryption context is absent, a log group: not denied', denyOutside({ ...NOT_ENDPOINT, Null: { 'kms:EncryptionContext:aws:logs:arn': 'true' } }), { Logs: logGroup('app') }, []],
    // S3 asks through the service (kms:ViaService s3.<region>.amazonaws.com, conditions-kms.md) from the key's account.
    ['a Deny exempting kms:ViaService s3 (IfExists): the bucket spared', denyOutside({ ...NOT_ENDPOINT, StringNotEqualsIfExists: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }), { Bucket: BUCKET }, []],
    ['a Deny only where kms:CallerAccount is another account: S3\'s calls come from the key\'s account', denyOutside({ ...NOT_ENDPOINT, StringEquals: { 'kms:CallerAccount': OTHER_ACCOUNT } }), { Bucket: BUCKET }, []],
    ['a Deny only for aws:ViaAWSService "true" calls: denies S3\'s calls', denyOutside({ ...NOT_ENDPOINT, Bool: { 'aws:ViaAWSService': 'true' } }), { Bucket: BUCKET }, [`${EDB}[Statement::DenyOutside] error`]],
  ])('%s', (_name, deny, resources, expected) => {
    expect(ids(edb(modelOf({ Key: keyWith(deny), ...resources })))).toEqual(expected);
  });

  // The rule is about Denies that test the network; a Deny of every call through a service is a choice of its own.
  test('a Deny of every call through an AWS service that tests no network key: not this rule\'s finding', () => {
    expect(edb(modelOf({ Key: keyWith(denyOutside({ Bool: { 'aws:ViaAWSService': 'true' } })), Bucket: BUCKET }))).toEqual([]);
  });

  test('a network Deny that names a service in its own kms:ViaService condition: that service is no use of the key (only Allows delegate)', () => {
    const deny = denyOutside({ ...NOT_ENDPOINT, StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } });
    expect(edb(modelOf({ Key: keyWith(deny) }))).toEqual([]);
  });

  test('two buckets and two log groups: each service once, named for its first resource', () => {
    const deny = denyOutside(NOT_ENDPOINT);
    const found = edb(modelOf({ Key: keyWith(deny), Bucket: BUCKET, Bucket2: BUCKET, Logs: logGroup('app'), Logs2: logGroup('app2') }));
    expect(found.map((f) => f.message)).toEqual([deniesMessage('Sid "DenyOutside"', `${S3_USE}, ${LOGS_USE}`, deny, 'Statement::DenyOutside')]);
  });

  test('resources encrypted with another key of the app do not count for this key', () => {
    const deny = denyOutside(NOT_ENDPOINT);
    expect(edb(modelOf({ Key: keyWith(), Other: keyWith(deny), Bucket: BUCKET, Logs: logGroup('app') }))).toEqual([]);
  });

  test('a service the key policy delegates to through kms:ViaService (an Allow) is a use; the same value in a Deny is not', () => {
    const deny = denyOutside(NOT_ENDPOINT);
    const delegates = { Sid: 'ViaSecrets', Effect: 'Allow', Principal: { AWS: ROOT_ARN }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } };
    expect(edb(modelOf({ Key: keyWith(deny, delegates) })).map((f) => f.message)).toEqual([
      deniesMessage('Sid "DenyOutside"', 'secretsmanager.us-east-1.amazonaws.com (the key policy delegates to it through kms:ViaService)', deny, 'Statement::DenyOutside'),
    ]);
    const denyNaming = denyOutside({ ...NOT_ENDPOINT, StringNotEqualsIfExists: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } });
    expect(edb(modelOf({ Key: keyWith(denyNaming) }))).toEqual([]);
  });

  test('a bucket and the same service delegated to in the key policy: one use, named for the bucket', () => {
    const deny = denyOutside(NOT_ENDPOINT);
    const delegates = { Sid: 'ViaS3', Effect: 'Allow', Principal: { AWS: ROOT_ARN }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } };
    expect(edb(modelOf({ Key: keyWith(deny, delegates), Bucket: BUCKET })).map((f) => f.message)).toEqual([deniesMessage('Sid "DenyOutside"', S3_USE, deny, 'Statement::DenyOutside')]);
  });

  test('six services denied: five named and "1 more"; a Deny without a Sid is named by its index', () => {
    const deny = { ...denyOutside(NOT_ENDPOINT), Sid: undefined };
    const viaStatement = (service: string): Record<string, unknown> => ({ Effect: 'Allow', Principal: { AWS: ROOT_ARN }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': `${service}.us-east-1.amazonaws.com` } } });
    const services = ['ec2', 'lambda', 'rds', 'secretsmanager', 'sns', 'sqs'];
    const found = edb(modelOf({ Key: keyWith(deny, ...services.map(viaStatement)) }));
    const listed = services.slice(0, 5).map((s) => `${s}.us-east-1.amazonaws.com (the key policy delegates to it through kms:ViaService)`).join(', ');
    expect(found.map((f) => [f.findingId, f.message])).toEqual([
      ['Statement::1', deniesMessage('statement #1', `${listed} and 1 more`, { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: NOT_ENDPOINT }, 'Statement::1')],
    ]);
  });

  test('two Denies testing the network: one finding each', () => {
    const a = denyOutside(NOT_ENDPOINT);
    const b = { ...denyOutside({ StringNotEquals: { 'aws:SourceVpc': 'vpc-0a1b2c3d' } }), Sid: 'DenyOutsideVpc' };
    expect(ids(edb(modelOf({ Key: keyWith(a, b), Bucket: BUCKET })))).toEqual([`${EDB}[Statement::DenyOutside] error`, `${EDB}[Statement::DenyOutsideVpc] error`]);
  });
});

describe(`${EDB}: values unknown offline`, () => {
  test('the endpoint id is a parameter: still an error, services carry no aws:SourceVpce whatever the value (IfExists and ForAnyValue too)', () => {
    for (const condition of [
      { StringNotEquals: { 'aws:SourceVpce': { Ref: 'P' } } },
      { StringNotEquals: { 'aws:SourceVpce': [{ Ref: 'P' }, ENDPOINT] } },
      { StringNotEqualsIfExists: { 'aws:SourceVpce': { Ref: 'P' } } },
    ]) {
      expect(ids(edb(modelOf({ Key: keyWith(denyOutside(condition)), Bucket: BUCKET })))).toEqual([`${EDB}[Statement::DenyOutside] error`]);
    }
  });

  // A Null test compares no value (the stand-in is only for the endpoint-only keys' compared values).
  test('a Null test on aws:SourceVpce with an unknown value is read in both readings: a Deny where it is "false" denies no service', () => {
    expect(edb(modelOf({ Key: keyWith(denyOutside({ Null: { 'aws:SourceVpce': 'false' } })), Bucket: BUCKET }))).toEqual([]);
    expect(ids(edb(modelOf({ Key: keyWith(denyOutside({ Null: { 'aws:SourceVpce': 'true' } })), Bucket: BUCKET })))).toEqual([`${EDB}[Statement::DenyOutside] error`]);
  });

  test('an exemption naming a service unknown offline: a "cannot verify" warning, the whole message', () => {
    const deny = denyOutside({ ...NOT_ENDPOINT, StringNotEqualsIfExists: { 'kms:ViaService': { Ref: 'P' } } });
    const found = edb(modelOf({ Key: keyWith(deny), Bucket: BUCKET }));
    const shown = { ...deny, Condition: { ...NOT_ENDPOINT, StringNotEqualsIfExists: { 'kms:ViaService': '<unresolved:Ref P>' } } };
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      ['warning', mayDenyMessage('Sid "DenyOutside"', `${S3_USE}: denied in the strict reading of the values unknown offline, not in the permissive one`, shown, 'Statement::DenyOutside')],
    ]);
  });

  // Was a bug (fixed): a condition on a key absent from the service's request holds whatever its values
  // (reference_policies_elements_condition_operators.md: "If the key is not present, evaluate the condition element as
  // true" for ...IfExists): CloudWatch Logs calls as itself, without kms:ViaService, so this Deny denies it for every
  // value of P. The permissive reading dropped the whole Deny instead, and the rule reported "cannot verify" (a warning)
  // for a denial that is certain (an error).
  test('an unknown kms:ViaService exemption cannot spare a service principal (no kms:ViaService in its request): an error', () => {
    const deny = denyOutside({ ...NOT_ENDPOINT, StringNotEqualsIfExists: { 'kms:ViaService': { Ref: 'P' } } });
    expect(ids(edb(modelOf({ Key: keyWith(deny), Logs: logGroup('app') })))).toEqual([`${EDB}[Statement::DenyOutside] error`]);
  });

  const unsureOf = (condition: Record<string, unknown>, shownCondition: Record<string, unknown>, why: string): [Finding[], string] => {
    const deny = denyOutside(condition);
    return [edb(modelOf({ Key: keyWith(deny), Bucket: BUCKET })), mayDenyMessage('Sid "DenyOutside"', `${S3_USE}: ${why}`, { ...deny, Condition: shownCondition }, 'Statement::DenyOutside')];
  };
  const STRICT_ONLY = 'denied in the strict reading of the values unknown offline, not in the permissive one';

  // A Null test compares no endpoint id: an unknown value there stays unknown (its two readings disagree).
  test('a Null test on aws:SourceVpce whose value is a parameter: a "cannot verify" warning, the whole message', () => {
    const [found, message] = unsureOf({ Null: { 'aws:SourceVpce': { Ref: 'P' } } }, { Null: { 'aws:SourceVpce': '<unresolved:Ref P>' } }, STRICT_ONLY);
    expect(found.map((f) => [f.severity, f.message])).toEqual([['warning', message]]);
  });

  // The policy grammar (reference_policies_elements_condition_operators.md): an operator the evaluator does not know,
  // or a block that maps no key, cannot be decided: "cannot verify", with the evaluator's reason, never a silent pass.
  test.each<[string, Record<string, unknown>, string]>([
    ['a misspelt operator', { StringNotEqualz: { 'aws:SourceVpce': ENDPOINT } },
      'the evaluator could not decide (unknown condition operator "StringNotEqualz"; operator names are case-sensitive. did you mean `StringNotEquals`?)'],
    ['an operator block that is not an object', { ...NOT_ENDPOINT, Bool: 'x' },
      'the evaluator could not decide (condition operator `Bool` must map at least one condition key to its value(s), e.g. `{"kms:CallerAccount": "111122223333"}`; received "x")'],
  ])('%s: a "cannot verify" warning naming the evaluator\'s reason', (_name, condition, why) => {
    const [found, message] = unsureOf(condition, condition, why);
    expect(found.map((f) => [f.severity, f.message])).toEqual([['warning', message]]);
  });

  // The strict reading keeps the misspelt operator (an evaluator error), the permissive one drops the Deny (allowed):
  // the readings disagree, and the message gives the evaluator's reason rather than "denied in the strict reading".
  test('a misspelt operator beside a value unknown offline: the evaluator\'s reason, not "denied in the strict reading"', () => {
    const condition = { StringNotEqualz: { 'aws:SourceVpce': ENDPOINT }, StringNotEqualsIfExists: { 'kms:ViaService': { Ref: 'P' } } };
    const shown = { StringNotEqualz: { 'aws:SourceVpce': ENDPOINT }, StringNotEqualsIfExists: { 'kms:ViaService': '<unresolved:Ref P>' } };
    const [found, message] = unsureOf(condition, shown,
      'the evaluator could not decide (unknown condition operator "StringNotEqualz"; operator names are case-sensitive. did you mean `StringNotEquals`?)');
    expect(found.map((f) => [f.severity, f.message])).toEqual([['warning', message]]);
  });

  test('an endpoint list holding a number and a parameter: the number is kept as it is, the parameter stands for any endpoint', () => {
    const deny = denyOutside({ StringNotEquals: { 'aws:SourceVpce': [7, { Ref: 'P' }] } });
    expect(ids(edb(modelOf({ Key: keyWith(deny), Bucket: BUCKET })))).toEqual([`${EDB}[Statement::DenyOutside] error`]);
  });

  // Four services calling on a caller's behalf (a service principal calling as itself carries no kms:ViaService, so
  // it is denied whatever the parameter: the test above).
  test('four services unknown: three named and "1 more"', () => {
    const deny = denyOutside({ ...NOT_ENDPOINT, StringNotEqualsIfExists: { 'kms:ViaService': { Ref: 'P' } } });
    const QUEUE = { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q', KmsMasterKeyId: KEY_ARN } };
    const found = edb(modelOf({ Key: keyWith(deny), Bucket: BUCKET, Table: TABLE, Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 's', KmsKeyId: KEY_ARN } }, Queue: QUEUE }));
    expect(found.map((f) => f.severity)).toEqual(['warning']);
    expect(found[0].message).toMatch(/so this cannot be verified: s3 on a caller's behalf \(for AWS::S3::Bucket S\/Bucket\): denied in the strict reading[^:]*, dynamodb on a caller's behalf \(for AWS::DynamoDB::Table S\/Table\): denied in the strict reading[^:]*, secretsmanager on a caller's behalf \(for AWS::SecretsManager::Secret S\/Secret\): denied in the strict reading[^:]* and 1 more\. Reading/);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// key-finding.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('key-finding.ts: findings on a key, names of keys and principals', () => {
  const m = modelOf({ Key: pathed(keyWith(), 'S/Vault/Resource'), Bare: keyWith(), Ops: roleResource('Ops', 'ops', []), Dev: { ...roleResource('Dev', 'dev', []), Metadata: undefined }, User: { Type: 'AWS::IAM::User', Properties: { UserName: 'u' }, Metadata: { 'aws:cdk:path': 'S/Person/Resource' } } });
  const key = (id: string): KmsKeyModel => m.keys.find((k) => k.logicalId === id)!;
  const principal = (id: string): PrincipalModel => m.principals.find((p) => p.logicalId === id)!;

  test('keyFinding: the key\'s location, policy "key policy" by default, `where` added; absent values leave no key', () => {
    expect(keyFinding('R', key('Key'), 'Statement::A', 'error', 'msg')).toStrictEqual({
      ruleId: 'R', findingId: 'Statement::A', severity: 'error', location: { stackName: 'S', logicalId: 'Key', constructPath: 'S/Vault/Resource', policy: 'key policy' }, message: 'msg',
    });
    expect(keyFinding('R', key('Bare'), 'Key::x', 'warning', 'm', { statement: 'Sid "A"', field: 'Principal' }).location)
      .toStrictEqual({ stackName: 'S', logicalId: 'Bare', policy: 'key policy', statement: 'Sid "A"', field: 'Principal' });
    expect(keyFinding('R', key('Bare'), 'Key::x', 'warning', 'm', { policy: undefined, field: 'EnableKeyRotation' }).location)
      .toStrictEqual({ stackName: 'S', logicalId: 'Bare', field: 'EnableKeyRotation' });
  });

  test('keyName, principalName, principalPath: the construct path without /Resource, else Stack/LogicalId', () => {
    expect([keyName(key('Key')), keyName(key('Bare'))]).toEqual(['S/Vault', 'S/Bare']);
    expect([principalName(principal('Ops')), principalName(principal('Dev')), principalName(principal('User'))]).toEqual(['role S/Ops', 'role S/Dev', 'user S/Person']);
    expect([principalPath(principal('Ops')), principalPath(principal('Dev'))]).toEqual(['S/Ops', 'S/Dev']);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// support/readiness.ts and the readiness rules
// ---------------------------------------------------------------------------------------------------------------------

describe('support/readiness.ts', () => {
  test.each<[string | undefined, string, string]>([
    ['S/Key/Resource', 'x', 'S/Key'],
    [undefined, 'S/Key', 'S/Key'],
    ['S/Key', 'x', 'S/Key'],
    // Only a trailing /Resource is the L2's L1; one inside the path is a construct of that name.
    ['S/Resource/Key', 'x', 'S/Resource/Key'],
    ['S/ResourceGroup/Key/Resource', 'x', 'S/ResourceGroup/Key'],
    ['S/Key/Resources', 'x', 'S/Key/Resources'],
  ])('shortPath(%j, %j) is %j', (path, fallback, expected) => {
    expect(shortPath(path, fallback)).toBe(expected);
  });

  test.each<[string, string | undefined]>([
    ['names `arn:aws:iam::111122223333:role/reader` (Sid "A")', 'arn:aws:iam::111122223333:role/reader'],
    ['first `a` then `b`', 'a'],
    ['empty `` value', ''],
    ['no quoted value', undefined],
    ['one back-quote ` only', undefined],
  ])('quotedValue(%j) is %j', (message, expected) => {
    expect(quotedValue(message)).toBe(expected);
  });

  test.each([
    ['Sid "Readers"', 'Statement::Readers'],
    ['Sid "a \\"b\\" c"', 'Statement::a \\"b\\" c'],
    ['statement #2', 'Statement::2'],
    ['Sid "statement #2"', 'Statement::statement #2'],
  ])('statementFindingId(%j) is %j', (label, expected) => {
    expect(statementFindingId(label)).toBe(expected);
  });

  test('readinessSources: KMS Developer Guide pages as URLs, other addresses as they are; an unknown check has none', () => {
    expect(readinessSources('service-without-access')).toEqual([kmsGuide('key-policy-services'), kmsGuide('services-cloudtrail')]);
    expect(readinessSources('deployer-cannot-create')).toEqual([kmsGuide('conditions-kms'), kmsGuide('services-ebs'), kmsGuide('services-rds')]);
    expect(readinessSources('principal-not-yet-deployed')).toEqual(['https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html', 'https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html']);
    expect(readinessSources('no-such-check')).toEqual([]);
    expect(ServiceWithoutAccess.sources).toEqual(readinessSources('service-without-access'));
    expect(DeployerCannotCreate.sources).toEqual(readinessSources('deployer-cannot-create'));
    expect(PrincipalNotYetDeployed.sources).toEqual(readinessSources('principal-not-yet-deployed'));
  });

  const READER = `arn:aws:iam::${ACCOUNT}:role/reader`;
  const twoKinds = (): AppModel => buildAppModel([
    stack('K', { Key: keyResource([DEPLOYER_STATEMENT, { Sid: 'Reads', Effect: 'Allow', Principal: { AWS: READER }, Action: 'kms:Decrypt', Resource: '*' }, { Sid: 'G', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:group/admins` }, Action: 'kms:Decrypt', Resource: '*' }]) }),
    stack('R', { Reader: roleResource('Reader', 'reader', []) }),
  ]);

  test('readinessFindings: the findings of one id only, the check run once per model for both of its ids', () => {
    const check = READINESS_CHECKS.find((c) => c.ids.includes('principal-invalid'))!;
    const run = jest.spyOn(check, 'run');
    try {
      const m = twoKinds();
      const notYet = readinessFindings(m, 'principal-not-yet-deployed');
      const invalid = readinessFindings(m, 'principal-invalid');
      expect(notYet.map((f) => [f.check, f.severity])).toEqual([['principal-not-yet-deployed', 'error']]);
      expect(invalid.map((f) => [f.check, f.severity])).toEqual([['principal-invalid', 'error']]);
      expect(readinessFindings(m, 'principal-not-yet-deployed')).toBe(notYet);
      expect(run).toHaveBeenCalledTimes(1);
      readinessFindings(twoKinds(), 'principal-invalid');
      expect(run).toHaveBeenCalledTimes(2);
    } finally {
      run.mockRestore();
    }
    expect(readinessFindings(twoKinds(), 'no-such-check')).toEqual([]);
  });

  test('readinessRule: the finding\'s location, with the rule\'s policy and field unless the finding has its own statement and field', () => {
    const info = { id: 'KmsGuard-Test', severity: 'error' as const, summary: 's', explanation: 'e', docLink: 'd', findingIds: ['X'] };
    const rule = readinessRule(info, 'key-policy-malformed', { findingIdOf: (f) => `Field::${f.field}`, location: { policy: 'key policy', field: 'Principal' } });
    expect(rule).toMatchObject({ ...info, sources: readinessSources('key-policy-malformed') });
    const m = modelOf({ Key: pathed(keyResource([DEPLOYER_STATEMENT, { Sid: 'Bad', Effect: 'allow', Principal: { AWS: ROOT_ARN }, Action: 'kms:Decrypt', Resource: '*' }]), 'S/Key/Resource') });
    const [f] = rule.check(m);
    expect(f).toMatchObject({ ruleId: 'KmsGuard-Test', findingId: 'Field::Effect', severity: 'error' });
    expect(f.location).toStrictEqual({ stackName: 'S', logicalId: 'Key', constructPath: 'S/Key/Resource', policy: 'key policy', statement: 'Sid "Bad"', field: 'Effect' });
    // A finding of the document (no statement, its own field) keeps the rule's policy; no constructPath when none.
    const [doc] = rule.check(modelOf({ Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Version: '2012-10-18', Statement: [DEPLOYER_STATEMENT] } } } }));
    expect(doc.location).toStrictEqual({ stackName: 'S', logicalId: 'Key', policy: 'key policy', field: 'Version' });
  });
});

describe('the readiness rules on hand-written templates', () => {
  const READER = `arn:aws:iam::${ACCOUNT}:role/reader`;
  const reads = (principal: unknown, sid = 'Reads'): Record<string, unknown> => ({ Sid: sid, Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Decrypt', Resource: '*' });

  test('ServiceWithoutAccess: a log group on a key that does not allow CloudWatch Logs, Service::logs on the log group', () => {
    const found = ServiceWithoutAccess.check(modelOf({ Key: keyWith(), Logs: pathed(logGroup('app'), 'S/Logs/Resource'), Bucket: BUCKET }));
    expect(found.map((f) => [f.ruleId, f.findingId, f.severity, f.location])).toEqual([
      ['KmsGuard-ServiceWithoutAccess', 'Service::logs', 'error', { stackName: 'S', logicalId: 'Logs', constructPath: 'S/Logs/Resource', policy: 'key policy', field: 'Principal' }],
    ]);
    expect(found[0].message).toMatch(/^logs uses the key S\/Key as the service principal logs\.us-east-1\.amazonaws\.com/);
  });

  test('serviceFindingId: Service::<service> of the resource with a service principal at that stack and logical id, else Service::unknown', () => {
    const m = buildAppModel([stack('S', { Key: keyWith(), Logs: logGroup('app'), Bucket: BUCKET }), stack('T', { Key: keyWith() })]);
    const at = (stackName: string, logicalId: string): ReadinessFinding => ({ check: 'service-without-access', severity: 'error', stackName, logicalId, message: 'm' });
    expect([at('S', 'Logs'), at('S', 'Bucket'), at('T', 'Logs'), at('S', 'Key')].map((f) => serviceFindingId(f, m)))
      .toEqual(['Service::logs', 'Service::unknown', 'Service::unknown', 'Service::unknown']);
  });

  test('DeployerCannotCreate: Key::<key path> on the table, from the key its message names', () => {
    const found = DeployerCannotCreate.check(modelOf({ Key: pathed(keyWith(DEPLOYER_STATEMENT), 'S/Vault/Resource'), Table: TABLE }));
    expect(found.map((f) => [f.findingId, f.severity, f.location])).toEqual([['Key::S/Vault', 'warning', { stackName: 'S', logicalId: 'Table', policy: 'key policy' }]]);
    const bare = DeployerCannotCreate.check(modelOf({ Key: keyResource([DEPLOYER_STATEMENT]), Table: TABLE }));
    expect(bare.map((f) => [f.findingId, f.severity])).toEqual([['Key::S/Key', 'error']]);
  });

  const GLOBAL_TABLE = (first: string, second: string): Record<string, unknown> => ({
    Type: 'AWS::DynamoDB::GlobalTable',
    Properties: { Replicas: [{ Region: 'us-east-1', SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [first, 'Arn'] } } }, { Region: 'us-east-1', SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [second, 'Arn'] } } }] },
  });

  test('DeployerCannotCreate: a resource naming two keys of the app gets one finding per key, each with its key\'s id', () => {
    const found = DeployerCannotCreate.check(modelOf({ Alpha: keyResource([DEPLOYER_STATEMENT]), Beta: keyResource([DEPLOYER_STATEMENT]), GT: GLOBAL_TABLE('Beta', 'Alpha') }));
    expect(found.map((f) => f.findingId)).toEqual(['Key::S/Beta', 'Key::S/Alpha']);
  });

  test('DeployerCannotCreate: two tables on keys S/Key and S/Key2: each finding names its own table\'s key', () => {
    const table2 = { ...TABLE, Properties: { ...TABLE.Properties, TableName: 'orders2', SSESpecification: { ...TABLE.Properties.SSESpecification, KMSMasterKeyId: { 'Fn::GetAtt': ['Key2', 'Arn'] } } } };
    const m = modelOf({ Key: keyResource([DEPLOYER_STATEMENT]), Key2: keyResource([DEPLOYER_STATEMENT]), Table: TABLE, Table2: table2 });
    const found = DeployerCannotCreate.check(m);
    expect(found.map((f) => `${f.location.logicalId} ${f.findingId}`)).toEqual(['Table Key::S/Key', 'Table2 Key::S/Key2']);
  });

  test('DeployerCannotCreate: tables of one logical id in stacks S and XS: each finding names its own stack\'s key', () => {
    const m = buildAppModel([stack('S', { Key: keyResource([DEPLOYER_STATEMENT]), Table: TABLE }), stack('XS', { Key: keyResource([DEPLOYER_STATEMENT]), Table: TABLE })]);
    expect(DeployerCannotCreate.check(m).map((f) => `${f.location.stackName} ${f.findingId}`)).toEqual(['S Key::S/Key', 'XS Key::XS/Key']);
  });

  // Was a bug (fixed): the key was found by `message.includes(describeLocation(key))`, so a key whose location is a prefix of
  // another's (S/Key, S/Key2) takes the other's finding: two findings with one id, one acknowledgement for both.
  test('DeployerCannotCreate: keys S/Key and S/Key2 on one resource: ids Key::S/Key and Key::S/Key2', () => {
    const found = DeployerCannotCreate.check(modelOf({ Key: keyResource([DEPLOYER_STATEMENT]), Key2: keyResource([DEPLOYER_STATEMENT]), GT: GLOBAL_TABLE('Key', 'Key2') }));
    expect(found.map((f) => f.findingId)).toEqual(['Key::S/Key', 'Key::S/Key2']);
  });

  const keysAndReaders = (statements: unknown[], readerPath?: string): AppModel => buildAppModel([
    stack('K', { Key: keyResource([DEPLOYER_STATEMENT, ...statements]) }),
    stack('R', { Reader: readerPath ? pathed(roleResource('Reader', 'reader', []), readerPath) : { ...roleResource('Reader', 'reader', []), Metadata: undefined } }),
  ]);

  test.each<[string, AppModel, string[]]>([
    // API_CreateKey / API_PutKeyPolicy: the principals in the key policy must exist and be visible to AWS KMS.
    ['a role of a stack the key\'s stack does not depend on: Principal::<its construct path>', keysAndReaders([reads(READER)], 'R/Staff/Reader/Resource'), ['KmsGuard-PrincipalNotYetDeployed[Principal::R/Staff/Reader] error']],
    ['the same role without a construct path: Principal::<stack>/<logical id>', keysAndReaders([reads(READER)]), ['KmsGuard-PrincipalNotYetDeployed[Principal::R/Reader] error']],
    ['a principal unknown offline: a warning, Statement::<Sid>', keysAndReaders([reads({ Ref: 'P' }, 'Param')]), ['KmsGuard-PrincipalNotYetDeployed[Statement::Param] warning']],
    ['a principal unknown offline in a statement without a Sid: Statement::<index>', keysAndReaders([{ Effect: 'Allow', Principal: { AWS: { Ref: 'P' } }, Action: 'kms:Decrypt', Resource: '*' }]), ['KmsGuard-PrincipalNotYetDeployed[Statement::1] warning']],
    // An invalid principal (a group: reference_policies_elements_principal.md) is the check's other id, not this rule's.
    ['an IAM group: not this rule\'s finding (principal-invalid)', keysAndReaders([reads(`arn:aws:iam::${ACCOUNT}:group/admins`)]), []],
  ])('PrincipalNotYetDeployed: %s', (_name, m, expected) => {
    expect(ids(PrincipalNotYetDeployed.check(m))).toEqual(expected);
  });

  test('PrincipalNotYetDeployed: the location is the key\'s, policy "key policy", field Principal', () => {
    const [f] = PrincipalNotYetDeployed.check(keysAndReaders([reads(READER)], 'Reader'));
    expect(f.location).toStrictEqual({ stackName: 'K', logicalId: 'Key', policy: 'key policy', field: 'Principal' });
  });

  test('principalFindingId: the key at the finding\'s stack and logical id, the principal its message quotes', () => {
    const m = keysAndReaders([reads(READER), reads(`arn:aws:iam::${OTHER_ACCOUNT}:role/partner`, 'Partner')], 'R/Staff/Reader/Resource');
    const at = (stackName: string, logicalId: string, message: string): ReadinessFinding => ({ check: 'principal-not-yet-deployed', severity: 'error', stackName, logicalId, message });
    expect([
      at('K', 'Key', `names \`${READER}\``),
      at('K', 'Key', `names \`arn:aws:iam::${OTHER_ACCOUNT}:role/partner\``),
      at('K', 'Key', 'names `arn:aws:iam::111122223333:role/nobody`'),
      at('K', 'Key', 'names no quoted value'),
      at('R', 'Key', `names \`${READER}\``),
      at('K', 'Reader', `names \`${READER}\``),
    ].map((f) => principalFindingId(f, m))).toEqual(['Principal::R/Staff/Reader', 'Statement::Partner', 'Principal::unknown', 'Principal::unknown', 'Principal::unknown', 'Principal::unknown']);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// absent-key.ts
// ---------------------------------------------------------------------------------------------------------------------

/**
 * reference_policies_elements_condition_operators.md: a key absent from the request does not match, so a positive
 * operator is false and a negated one ("StringNotLike", "ArnNotLike") true; "...IfExists": "If the key is not present,
 * evaluate the condition element as true"; Null "true" means the key does not exist. reference_policies_multi-value-conditions.md:
 * "For no matching key or a null dataset", ForAnyValue is false and ForAllValues true.
 */
describe('absent-key.ts holdsWhenAbsent', () => {
  test.each<[string, unknown, boolean | undefined]>([
    ['StringEquals', 'a', false],
    ['StringLike', 'a*', false],
    ['ArnEquals', 'arn:aws:iam::111122223333:root', false],
    ['Bool', 'true', false],
    ['IpAddress', '10.0.0.0/8', false],
    ['StringNotEquals', 'a', true],
    ['StringNotLike', 'a*', true],
    ['ArnNotLike', 'arn:*', true],
    ['NotIpAddress', '10.0.0.0/8', true],
    ['StringEqualsIfExists', 'a', true],
    ['StringNotEqualsIfExists', 'a', true],
    ['ForAnyValue:StringEquals', 'a', false],
    ['ForAnyValue:StringNotEquals', 'a', false],
    ['ForAllValues:StringEquals', 'a', true],
    ['ForAllValues:StringNotEquals', 'a', true],
    ['ForAnyValue:StringEqualsIfExists', 'a', true],
    ['Null', 'true', true],
    ['Null', 'TRUE', true],
    ['Null', true, true],
    ['Null', 'false', false],
    ['Null', false, false],
    ['Null', ['false', 'true'], true],
    ['Null', ['false'], false],
    ['Null', [], false],
    ['Null', 'truex', false],
    ['StringEqual', 'a', undefined],
    ['NullIfExists', 'true', undefined],
  ])('%s %j: %j', (operator, values, expected) => {
    expect(holdsWhenAbsent(operator, values)).toBe(expected);
  });
});
