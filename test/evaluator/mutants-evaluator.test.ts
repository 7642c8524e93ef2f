/**
 * Cases added for the mutation run of the evaluator outside conditions/ (docs/mutation-testing.md, "src/evaluator, the
 * rest"; issue 10): the request context (request-context.ts), policy variables (variables.ts), the session role path
 * (session-role-path.ts), action profiles (action-profile.ts), the plain-map context (context.ts), short lists
 * (short-list.ts), and the raw-input checks (input-checks.ts: ARNs, quotas, key policy size and characters).
 *
 * Semantics cited (/work/shared/reference/aws-docs/ and kms-semantics.md):
 * - conditions-kms.md: which kms: condition keys exist for which operation (the encryption context keys for the
 *   operations that take an EncryptionContext and for CreateGrant's constraint; the grant keys for CreateGrant;
 *   kms:GrantIsForAWSResource for CreateGrant, ListGrants, RevokeGrant; kms:RequestAlias when the KeyId is an alias;
 *   the key-property keys for key resource operations and for CreateKey with the parameter defaults;
 *   kms:BypassPolicyLockoutSafetyCheck for CreateKey and PutKeyPolicy, absent when the request omits it;
 *   kms:ReEncryptOnSameKey for ReEncrypt), and that the kms:EncryptionContext:<k> key name is case-insensitive;
 * - conditions-aws.md and abac.md: aws:SourceVpce/aws:SourceVpc only through an endpoint, aws:ResourceTag/* and
 *   kms:ResourceAliases in IAM policies only (kms-semantics.md §3);
 * - reference_policies_variables.md: `${key}` substitution, defaults written `${key, 'value'}`, `${*}`, `${?}`, `${$}`,
 *   "You can't use a multivalued condition key as a variable", the values of aws:username and aws:PrincipalType by
 *   principal type ("Principal key values"), and "a variable with no value ... is effectively null";
 * - reference_policies_elements_principal.md and README "Scenario format" (caller.roleArn): aws:PrincipalArn of a
 *   role session is its role's ARN, path included, which the session ARN does not carry.
 * - key-policy-overview.md ("Key policy format": at most 32 KB, printable ASCII and Latin-1, tab, line feed, carriage
 *   return) and resource-limits.md (50 aliases and 50,000 grants per key by default).
 *
 * Module-level memos hide code from Stryker's per-test coverage (docs/mutation-testing.md, the perTest blind spot):
 * the reader of a family key (`kms:EncryptionContext:<k>`, `aws:PrincipalTag/<k>`, `aws:ResourceTag/<k>`) is resolved
 * once per name and module, so each row below reads a family key of its own name.
 */
import { catalogueProfile, profileOf } from '../../src/evaluator/action-profile';
import { ConditionKey, ContextValue, MapContext } from '../../src/evaluator/context';
import { checkKeyPolicy, checkRequestInput, checkScenarioInput } from '../../src/evaluator/input-checks';
import { RequestContext } from '../../src/evaluator/request-context';
import { readEnvironment, readRequest } from '../../src/evaluator/scenario';
import { SessionRolePathCodes, sessionRolePathIssue } from '../../src/evaluator/session-role-path';
import { appendShort } from '../../src/evaluator/short-list';
import { parseTemplate, TemplateString } from '../../src/evaluator/variables';
import { Issue, IssueCollector } from '../../src/policy/issues';
import { LITERAL_QUESTION, LITERAL_STAR } from '../../src/policy/wildcard';

type Obj = Record<string, any>;

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const KEY_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const OTHER_KEY_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/orders-app/i-0abc`;
const USER = `arn:aws:iam::${ACCOUNT}:user/division/alice`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-app`;
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const FEDERATED = `arn:aws:sts::${ACCOUNT}:federated-user/bob`;
const SERVICE = 'cloudtrail.amazonaws.com';
const KEY_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }] };

interface Setup {
  /** Merged into `{ arn: SESSION }`. */
  readonly caller?: Obj;
  /** Merged into `{ arn: KEY_ARN, policy: KEY_POLICY }`; `null`: the scenario has no key. */
  readonly key?: Obj | null;
  /** Merged into `{ action: 'kms:Decrypt' }`. */
  readonly request?: Obj;
  readonly vpcEndpoint?: Obj;
  /** Read as a key policy sees the request (true) or as IAM-side policies do (false, the default). */
  readonly keyPolicyView?: boolean;
}

/** The request context of a scenario, as the engine builds it (engine.ts): the key ARN as resource, `*` without a key. */
function contextOf(s: Setup): RequestContext {
  const issues = new IssueCollector();
  const raw: Obj = { caller: { arn: SESSION, ...s.caller } };
  if (s.key !== null) raw.key = { arn: KEY_ARN, policy: KEY_POLICY, ...s.key };
  if (s.vpcEndpoint !== undefined) raw.vpcEndpoint = s.vpcEndpoint;
  const env = readEnvironment(raw, issues);
  const req = readRequest({ action: 'kms:Decrypt', ...s.request }, env, issues);
  expect(issues.issues.filter((i) => i.severity === 'error')).toEqual([]);
  return new RequestContext(env!, req!, req!.profile!, env!.key, env!.key?.arn ?? '*', s.keyPolicyView ?? false);
}

/** The value of a condition key in that context, through a key object of its own (no reader remembered). */
function read(s: Setup, name: string): ContextValue | undefined {
  return contextOf(s).get(new ConditionKey(name.toLowerCase()));
}

const GRANT_REQUEST = { granteePrincipal: ROLE, operations: ['Decrypt', 'Encrypt'] };

describe('RequestContext: the derived condition keys (conditions-kms.md, conditions-aws.md, reference_policies_variables.md)', () => {
  test.each<[string, Setup, string, ContextValue | undefined]>([
    // The caller
    ['kms:CallerAccount of a role session is its account', {}, 'kms:CallerAccount', ACCOUNT],
    ['kms:CallerAccount of a service principal is absent', { caller: { arn: SERVICE } }, 'kms:CallerAccount', undefined],
    ['aws:PrincipalAccount of a user is its account', { caller: { arn: USER } }, 'aws:PrincipalAccount', ACCOUNT],
    ['aws:PrincipalArn of a role session is the role ARN, path /', {}, 'aws:PrincipalArn', ROLE],
    ['aws:PrincipalArn of a role session with caller.roleArn is that ARN, path included', { caller: { roleArn: `arn:aws:iam::${ACCOUNT}:role/app/team/orders-app` } }, 'aws:PrincipalArn', `arn:aws:iam::${ACCOUNT}:role/app/team/orders-app`],
    ['aws:PrincipalArn of a user is the user ARN', { caller: { arn: USER } }, 'aws:PrincipalArn', USER],
    ['aws:PrincipalOrgID is the caller\'s organization', { caller: { orgId: 'o-a1b2c3d4e5' } }, 'aws:PrincipalOrgID', 'o-a1b2c3d4e5'],
    ['aws:PrincipalOrgID is absent without an organization', {}, 'aws:PrincipalOrgID', undefined],
    ['aws:PrincipalOrgID of a service principal is absent, whatever orgId says', { caller: { arn: SERVICE, orgId: 'o-a1b2c3d4e5' } }, 'aws:PrincipalOrgID', undefined],
    ['aws:PrincipalType of a user is User', { caller: { arn: USER } }, 'aws:PrincipalType', 'User'],
    ['aws:PrincipalType of a role session is AssumedRole', {}, 'aws:PrincipalType', 'AssumedRole'],
    ['aws:PrincipalType of a role (as the caller) is AssumedRole', { caller: { arn: ROLE } }, 'aws:PrincipalType', 'AssumedRole'],
    ['aws:PrincipalType of a federated user is FederatedUser', { caller: { arn: FEDERATED } }, 'aws:PrincipalType', 'FederatedUser'],
    ['aws:PrincipalType of the root user is Account', { caller: { arn: ROOT } }, 'aws:PrincipalType', 'Account'],
    ['aws:PrincipalType of a service principal is absent', { caller: { arn: SERVICE } }, 'aws:PrincipalType', undefined],
    ['aws:username of a user is its friendly name', { caller: { arn: USER } }, 'aws:username', 'alice'],
    ['aws:username of a role session is absent', {}, 'aws:username', undefined],
    ['aws:username of a federated user is absent', { caller: { arn: FEDERATED } }, 'aws:username', undefined],
    ['aws:PrincipalIsAWSService of a service principal is true', { caller: { arn: SERVICE } }, 'aws:PrincipalIsAWSService', 'true'],
    ['aws:PrincipalIsAWSService of a role session is false', {}, 'aws:PrincipalIsAWSService', 'false'],
    ['aws:PrincipalServiceName of a service principal is its name', { caller: { arn: SERVICE } }, 'aws:PrincipalServiceName', SERVICE],
    ['aws:PrincipalServiceName of a role session is absent', {}, 'aws:PrincipalServiceName', undefined],
    // The network path
    ['aws:ViaAWSService is true when kms:ViaService is set', { request: { context: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' } } }, 'aws:ViaAWSService', 'true'],
    ['aws:ViaAWSService is false on a direct call', {}, 'aws:ViaAWSService', 'false'],
    ['aws:SourceVpce is the endpoint\'s id through an endpoint', { vpcEndpoint: { id: 'vpce-1a2b3c', vpcId: 'vpc-9f8e7d' } }, 'aws:SourceVpce', 'vpce-1a2b3c'],
    ['aws:SourceVpc is the endpoint\'s VPC through an endpoint', { vpcEndpoint: { id: 'vpce-1a2b3c', vpcId: 'vpc-9f8e7d' } }, 'aws:SourceVpc', 'vpc-9f8e7d'],
    ['aws:SourceVpce is absent without an endpoint', {}, 'aws:SourceVpce', undefined],
    ['aws:SourceVpc is absent without an endpoint', {}, 'aws:SourceVpc', undefined],
    ['aws:SecureTransport is true: KMS accepts only TLS', {}, 'aws:SecureTransport', 'true'],
    // The key
    ['aws:RequestedRegion is the key\'s Region', {}, 'aws:RequestedRegion', 'us-west-2'],
    ['aws:ResourceAccount is the key\'s account', { key: { arn: `arn:aws:kms:eu-west-1:${OTHER_ACCOUNT}:key/k1` } }, 'aws:ResourceAccount', OTHER_ACCOUNT],
    ['aws:RequestedRegion is absent without a key (ListKeys)', { key: null, request: { action: 'kms:ListKeys' } }, 'aws:RequestedRegion', undefined],
    ['aws:ResourceAccount is absent without a key (ListKeys)', { key: null, request: { action: 'kms:ListKeys' } }, 'aws:ResourceAccount', undefined],
    // Encryption context
    ['kms:EncryptionContextKeys lists the context\'s keys', { request: { encryptionContext: { app: 'orders', stage: 'prod' } } }, 'kms:EncryptionContextKeys', ['app', 'stage']],
    ['kms:EncryptionContextKeys is absent for an empty context', { request: { encryptionContext: {} } }, 'kms:EncryptionContextKeys', undefined],
    ['kms:EncryptionContextKeys is absent without a context', {}, 'kms:EncryptionContextKeys', undefined],
    ['kms:EncryptionContextKeys is absent for an operation without an EncryptionContext parameter', { request: { action: 'kms:DescribeKey', encryptionContext: { app: 'orders' } } }, 'kms:EncryptionContextKeys', undefined],
    ['kms:EncryptionContextKeys of CreateGrant lists the constraint\'s keys', { request: { action: 'kms:CreateGrant', encryptionContext: { ignored: 'x' }, createGrant: { ...GRANT_REQUEST, constraints: { encryptionContextSubset: { tenant: 't1' } } } } }, 'kms:EncryptionContextKeys', ['tenant']],
    // CreateGrant
    ['kms:GrantOperations of CreateGrant are the requested operations', { request: { action: 'kms:CreateGrant', createGrant: GRANT_REQUEST } }, 'kms:GrantOperations', ['Decrypt', 'Encrypt']],
    ['kms:GrantOperations is absent for other operations', {}, 'kms:GrantOperations', undefined],
    ['kms:GranteePrincipal of CreateGrant is the grantee as written', { request: { action: 'kms:CreateGrant', createGrant: GRANT_REQUEST } }, 'kms:GranteePrincipal', ROLE],
    ['kms:GranteePrincipal is absent for other operations', {}, 'kms:GranteePrincipal', undefined],
    ['kms:RetiringPrincipal of CreateGrant is the retiring principal as written', { request: { action: 'kms:CreateGrant', createGrant: { ...GRANT_REQUEST, retiringPrincipal: USER } } }, 'kms:RetiringPrincipal', USER],
    ['kms:RetiringPrincipal is absent for other operations', {}, 'kms:RetiringPrincipal', undefined],
    ['kms:GrantConstraintType of an equals constraint', { request: { action: 'kms:CreateGrant', createGrant: { ...GRANT_REQUEST, constraints: { encryptionContextEquals: { a: '1' } } } } }, 'kms:GrantConstraintType', 'EncryptionContextEquals'],
    ['kms:GrantConstraintType of a subset constraint', { request: { action: 'kms:CreateGrant', createGrant: { ...GRANT_REQUEST, constraints: { encryptionContextSubset: { a: '1' } } } } }, 'kms:GrantConstraintType', 'EncryptionContextSubset'],
    ['kms:GrantConstraintType is absent without a constraint', { request: { action: 'kms:CreateGrant', createGrant: GRANT_REQUEST } }, 'kms:GrantConstraintType', undefined],
    ['kms:GrantConstraintType is absent for other operations', {}, 'kms:GrantConstraintType', undefined],
    ['kms:GrantIsForAWSResource of CreateGrant through a service is true', { request: { action: 'kms:CreateGrant', createGrant: GRANT_REQUEST, context: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } } }, 'kms:GrantIsForAWSResource', 'true'],
    ['kms:GrantIsForAWSResource of a direct CreateGrant is false', { request: { action: 'kms:CreateGrant', createGrant: GRANT_REQUEST } }, 'kms:GrantIsForAWSResource', 'false'],
    ['kms:GrantIsForAWSResource of ListGrants is false on a direct call', { request: { action: 'kms:ListGrants' } }, 'kms:GrantIsForAWSResource', 'false'],
    ['kms:GrantIsForAWSResource is absent for Decrypt, even through a service', { request: { context: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } } }, 'kms:GrantIsForAWSResource', undefined],
    // Aliases
    ['kms:RequestAlias is the alias name the KeyId names', { request: { keyId: 'alias/orders' } }, 'kms:RequestAlias', 'alias/orders'],
    ['kms:RequestAlias is the alias name of an alias ARN KeyId', { request: { keyId: `arn:aws:kms:us-west-2:${ACCOUNT}:alias/orders-arn` } }, 'kms:RequestAlias', 'alias/orders-arn'],
    ['kms:RequestAlias is absent for a key ARN KeyId', { request: { keyId: KEY_ARN } }, 'kms:RequestAlias', undefined],
    ['kms:RequestAlias is absent without a KeyId', {}, 'kms:RequestAlias', undefined],
    ['kms:RequestAlias is absent for an operation without it (PutKeyPolicy)', { request: { action: 'kms:PutKeyPolicy', keyId: 'alias/orders', newKeyPolicy: KEY_POLICY } }, 'kms:RequestAlias', undefined],
    ['kms:ResourceAliases are the key\'s aliases, in IAM policies', { key: { aliases: ['alias/a', 'alias/b'] } }, 'kms:ResourceAliases', ['alias/a', 'alias/b']],
    ['kms:ResourceAliases are absent in the key policy', { key: { aliases: ['alias/a'] }, keyPolicyView: true }, 'kms:ResourceAliases', undefined],
    ['kms:ResourceAliases are absent for an operation on no key resource (CreateKey)', { key: { aliases: ['alias/a'] }, request: { action: 'kms:CreateKey' } }, 'kms:ResourceAliases', undefined],
    // Key properties
    ['kms:KeySpec of a key operation is the key\'s', { key: { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }, request: { action: 'kms:Sign' } }, 'kms:KeySpec', 'RSA_2048'],
    ['kms:KeyUsage of a key operation is the key\'s', { key: { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }, request: { action: 'kms:Sign' } }, 'kms:KeyUsage', 'SIGN_VERIFY'],
    ['kms:KeyOrigin of a key operation is the key\'s', { key: { keyOrigin: 'EXTERNAL' } }, 'kms:KeyOrigin', 'EXTERNAL'],
    ['kms:MultiRegion of a multi-Region key is true', { key: { multiRegion: true, multiRegionKeyType: 'REPLICA' } }, 'kms:MultiRegion', 'true'],
    ['kms:MultiRegionKeyType of a multi-Region key is its type', { key: { multiRegion: true, multiRegionKeyType: 'REPLICA' } }, 'kms:MultiRegionKeyType', 'REPLICA'],
    ['kms:MultiRegion of a single-Region key is false', {}, 'kms:MultiRegion', 'false'],
    ['kms:MultiRegionKeyType of a single-Region key is absent', {}, 'kms:MultiRegionKeyType', undefined],
    ['kms:KeySpec of CreateKey without a key is the parameter default', { key: null, request: { action: 'kms:CreateKey' } }, 'kms:KeySpec', 'SYMMETRIC_DEFAULT'],
    ['kms:KeyUsage of CreateKey without a key is the parameter default', { key: null, request: { action: 'kms:CreateKey' } }, 'kms:KeyUsage', 'ENCRYPT_DECRYPT'],
    ['kms:KeyOrigin of CreateKey without a key is the parameter default', { key: null, request: { action: 'kms:CreateKey' } }, 'kms:KeyOrigin', 'AWS_KMS'],
    ['kms:MultiRegion of CreateKey without a key is the parameter default', { key: null, request: { action: 'kms:CreateKey' } }, 'kms:MultiRegion', 'false'],
    ['kms:KeySpec of CreateKey with a key is the described key\'s', { key: { keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' }, request: { action: 'kms:CreateKey' } }, 'kms:KeySpec', 'ECC_NIST_P256'],
    ['kms:KeySpec is absent for an operation on no key resource (ListAliases)', { request: { action: 'kms:ListAliases' } }, 'kms:KeySpec', undefined],
    ['kms:EncryptionAlgorithm of Encrypt with a symmetric key is SYMMETRIC_DEFAULT', { request: { action: 'kms:Encrypt' } }, 'kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT'],
    ['kms:EncryptionAlgorithm of Encrypt with an RSA key is absent (the request names it)', { key: { keySpec: 'RSA_2048' }, request: { action: 'kms:Encrypt' } }, 'kms:EncryptionAlgorithm', undefined],
    ['kms:EncryptionAlgorithm of DescribeKey is absent', { request: { action: 'kms:DescribeKey' } }, 'kms:EncryptionAlgorithm', undefined],
    // Lockout check and ReEncrypt
    ['kms:BypassPolicyLockoutSafetyCheck of PutKeyPolicy with true is true', { request: { action: 'kms:PutKeyPolicy', newKeyPolicy: KEY_POLICY, bypassPolicyLockoutSafetyCheck: true } }, 'kms:BypassPolicyLockoutSafetyCheck', 'true'],
    ['kms:BypassPolicyLockoutSafetyCheck of PutKeyPolicy with false is false', { request: { action: 'kms:PutKeyPolicy', newKeyPolicy: KEY_POLICY, bypassPolicyLockoutSafetyCheck: false } }, 'kms:BypassPolicyLockoutSafetyCheck', 'false'],
    ['kms:BypassPolicyLockoutSafetyCheck of CreateKey with true is true', { key: null, request: { action: 'kms:CreateKey', bypassPolicyLockoutSafetyCheck: true } }, 'kms:BypassPolicyLockoutSafetyCheck', 'true'],
    ['kms:BypassPolicyLockoutSafetyCheck is absent when the request omits it', { request: { action: 'kms:PutKeyPolicy', newKeyPolicy: KEY_POLICY } }, 'kms:BypassPolicyLockoutSafetyCheck', undefined],
    ['kms:BypassPolicyLockoutSafetyCheck is absent for other operations', { request: { bypassPolicyLockoutSafetyCheck: true } }, 'kms:BypassPolicyLockoutSafetyCheck', undefined],
    ['kms:ReEncryptOnSameKey of ReEncryptFrom to the same key is true', { request: { action: 'kms:ReEncryptFrom', destinationKey: { arn: KEY_ARN, policy: KEY_POLICY } } }, 'kms:ReEncryptOnSameKey', 'true'],
    ['kms:ReEncryptOnSameKey of ReEncryptFrom to another key is false', { request: { action: 'kms:ReEncryptFrom', destinationKey: { arn: OTHER_KEY_ARN, policy: KEY_POLICY } } }, 'kms:ReEncryptOnSameKey', 'false'],
    ['kms:ReEncryptOnSameKey of ReEncryptTo to another key is false', { request: { action: 'kms:ReEncryptTo', destinationKey: { arn: OTHER_KEY_ARN, policy: KEY_POLICY } } }, 'kms:ReEncryptOnSameKey', 'false'],
    ['kms:ReEncryptOnSameKey of ReEncryptTo without a destination is true', { request: { action: 'kms:ReEncryptTo' } }, 'kms:ReEncryptOnSameKey', 'true'],
    ['kms:ReEncryptOnSameKey is absent for Decrypt', { request: { destinationKey: { arn: OTHER_KEY_ARN, policy: KEY_POLICY } } }, 'kms:ReEncryptOnSameKey', undefined],
    // request.context
    ['a key only request.context gives is read from it', { request: { context: { 'aws:SourceIp': '203.0.113.7' } } }, 'aws:SourceIp', '203.0.113.7'],
    ['request.context overrides a derived key', { request: { context: { 'aws:PrincipalAccount': OTHER_ACCOUNT } } }, 'aws:PrincipalAccount', OTHER_ACCOUNT],
    ['a derived key is still derived when request.context sets other keys', { request: { context: { 'aws:SourceIp': '203.0.113.7' } } }, 'aws:PrincipalAccount', ACCOUNT],
    ['a key neither derived nor given is absent', {}, 'aws:SourceIp', undefined],
  ])('%s', (_what, setup, key, expected) => {
    expect(read(setup, key)).toEqual(expected);
  });
});

describe('RequestContext: the family keys, one name per row (conditions-kms.md, abac.md)', () => {
  test.each<[string, Setup, string, ContextValue | undefined]>([
    ['kms:EncryptionContext:<k> is the context value', { request: { encryptionContext: { fam1: 'v1' } } }, 'kms:EncryptionContext:fam1', 'v1'],
    ['kms:EncryptionContext:<k> matches a context key written in another case', { request: { encryptionContext: { Fam2Key: 'v2' } } }, 'kms:EncryptionContext:fam2key', 'v2'],
    ['kms:EncryptionContext:<k> does not match a key of the same length that differs', { request: { encryptionContext: { fam3a: 'v3' } } }, 'kms:EncryptionContext:fam3b', undefined],
    ['kms:EncryptionContext:<k> does not read inherited properties of the context object', { request: { encryptionContext: { fam4: 'v4' } } }, 'kms:EncryptionContext:constructor', undefined],
    ['kms:EncryptionContext:<k> is absent without a context', {}, 'kms:EncryptionContext:fam5', undefined],
    ['kms:EncryptionContext:<k> is absent for an operation without an EncryptionContext parameter', { request: { action: 'kms:DescribeKey', encryptionContext: { fam6: 'v6' } } }, 'kms:EncryptionContext:fam6', undefined],
    ['kms:EncryptionContext:<k> of CreateGrant is the constraint\'s value', { request: { action: 'kms:CreateGrant', encryptionContext: { fam7: 'request' }, createGrant: { ...GRANT_REQUEST, constraints: { encryptionContextEquals: { fam7: 'constraint' } } } } }, 'kms:EncryptionContext:fam7', 'constraint'],
    ['aws:PrincipalTag/<k> is the caller\'s tag, names case-insensitive', { caller: { tags: { Fam8Team: 'blue' } } }, 'aws:PrincipalTag/fam8team', 'blue'],
    ['aws:PrincipalTag/<k> is absent for a tag the caller lacks', { caller: { tags: { other: 'x' } } }, 'aws:PrincipalTag/fam9', undefined],
    ['aws:ResourceTag/<k> is the key\'s tag in IAM policies', { key: { tags: { Fam10: 'prod' } } }, 'aws:ResourceTag/fam10', 'prod'],
    ['aws:ResourceTag/<k> is absent in the key policy', { key: { tags: { fam11: 'prod' } }, keyPolicyView: true }, 'aws:ResourceTag/fam11', undefined],
    ['aws:ResourceTag/<k> is absent for an operation on no key resource', { key: { tags: { fam12: 'prod' } }, request: { action: 'kms:CreateKey' } }, 'aws:ResourceTag/fam12', undefined],
    ['an unknown key whose name starts like no family is absent', { caller: { tags: { fam13: 'x' } } }, 'aws:PrincipalTags/fam13', undefined],
    // 'aws:xxxxxxxxxxxx' is as long as 'aws:ResourceTag/': a key that is no family must not be read as a resource tag.
    ['an unknown key whose tail is the name of a key tag is absent', { key: { tags: { fam18: 'prod' } } }, 'aws:xxxxxxxxxxxxfam18', undefined],
  ])('%s', (_what, setup, key, expected) => {
    expect(read(setup, key)).toEqual(expected);
  });

  // conditions-kms.md, kms:EncryptionContext:context-key: "the condition key, which consists of the
  // kms:EncryptionContext: prefix and the context-key replacement, is not case sensitive". A policy that spells the
  // context key exactly as the request does must see its value, whatever characters it holds.
  test('GIVEN the context key İstanbul WHEN a policy names kms:EncryptionContext:İstanbul THEN it reads the value', () => {
    // 'İ' (U+0130) lower-cases to two UTF-16 units ('i' + U+0307), so the lower-cased name is one unit longer than the
    // context key: a length test before comparing the lower-cased names skipped it (found by this run, fixed). Not
    // through a policy: IAM and key policies hold only U+0009, U+000A, U+000D and U+0020-U+00FF, so no policy can name
    // this key; the request context must still find a key spelt as the condition spells it.
    expect(read({ request: { encryptionContext: { İstanbul: 'x' } } }, 'kms:EncryptionContext:İstanbul')).toBe('x');
  });

  test('GIVEN one key object WHEN read in two requests THEN each request gets its own value (the remembered reader is per name, not per value)', () => {
    const key = new ConditionKey('aws:principaltag/fam14');
    expect(contextOf({ caller: { tags: { fam14: 'first' } } }).get(key)).toBe('first');
    expect(contextOf({ caller: { tags: { fam14: 'second' } } }).get(key)).toBe('second');
    const derived = new ConditionKey('aws:principalaccount');
    expect(contextOf({}).get(derived)).toBe(ACCOUNT);
    expect(contextOf({ caller: { arn: `arn:aws:iam::${OTHER_ACCOUNT}:user/u` } }).get(derived)).toBe(OTHER_ACCOUNT);
  });

  test('GIVEN more family key names than the bounded reader map holds WHEN read THEN every key, derived or family, still reads right', () => {
    const ctx = contextOf({ caller: { tags: { fam15: 'kept' } }, request: { encryptionContext: { fam16: 'ec' } } });
    for (let i = 0; i < 1_100; i++) expect(ctx.get(new ConditionKey(`aws:principaltag/many${i}`))).toBeUndefined();
    // After the map was cleared: the derived readers must survive the clearing, and family names resolve again.
    expect(ctx.get(new ConditionKey('aws:principalaccount'))).toBe(ACCOUNT);
    expect(ctx.get(new ConditionKey('kms:callerAccount'.toLowerCase()))).toBe(ACCOUNT);
    expect(ctx.get(new ConditionKey('aws:principaltag/fam15'))).toBe('kept');
    expect(ctx.get(new ConditionKey('kms:encryptioncontext:fam16'))).toBe('ec');
  });
});

describe('RequestContext: its views and facts', () => {
  test('GIVEN a context WHEN asked for the view it already has THEN it is the same object; the other view is a new one', () => {
    const ctx = contextOf({ key: { tags: { fam17: 'prod' } } });
    expect(ctx.withKeyPolicyView(false)).toBe(ctx);
    const keyView = ctx.withKeyPolicyView(true);
    expect(keyView).not.toBe(ctx);
    expect(keyView.keyPolicyView).toBe(true);
    expect(keyView.resource).toBe(KEY_ARN);
    expect(keyView.get(new ConditionKey('aws:resourcetag/fam17'))).toBeUndefined();
    expect(keyView.withKeyPolicyView(false).get(new ConditionKey('aws:resourcetag/fam17'))).toBe('prod');
  });

  interface Facts {
    readonly lowerAction: string;
    readonly callerArn: string;
    readonly hasBoundary: boolean;
    readonly isService: boolean;
    readonly isCreateGrant: boolean;
    readonly keyResource: boolean;
  }

  test.each<[string, Setup, Facts]>([
    ['Decrypt by a session', {}, { lowerAction: 'kms:decrypt', callerArn: SESSION, hasBoundary: false, isService: false, isCreateGrant: false, keyResource: true }],
    ['CreateGrant by a user with a boundary', { caller: { arn: USER, permissionsBoundary: KEY_POLICY_AS_IDENTITY() }, request: { action: 'kms:CreateGrant', createGrant: GRANT_REQUEST } },
      { lowerAction: 'kms:creategrant', callerArn: USER, hasBoundary: true, isService: false, isCreateGrant: true, keyResource: true }],
    ['ListAliases by a service', { caller: { arn: SERVICE }, request: { action: 'kms:ListAliases' } },
      { lowerAction: 'kms:listaliases', callerArn: SERVICE, hasBoundary: false, isService: true, isCreateGrant: false, keyResource: false }],
  ])('%s', (_what, setup, expected) => {
    const ctx = contextOf(setup);
    const facts: Facts = {
      lowerAction: ctx.lowerAction,
      callerArn: ctx.caller.arn,
      hasBoundary: ctx.hasBoundary,
      isService: ctx.isService,
      isCreateGrant: ctx.isCreateGrant,
      keyResource: ctx.keyResource,
    };
    expect(facts).toEqual(expected);
  });

  test('GIVEN a CreateGrant without constraints WHEN the encryption context is read THEN it is absent, not the request\'s', () => {
    const ctx = contextOf({ request: { action: 'kms:CreateGrant', encryptionContext: { a: '1' }, createGrant: GRANT_REQUEST } });
    expect(ctx.encryptionContext).toBeUndefined();
  });
});

/** An identity-style policy (no Principal), for a permissions boundary. */
function KEY_POLICY_AS_IDENTITY(): Obj {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
}

describe('sessionRolePathIssue: aws:PrincipalArn compared with the session\'s role under a path (README, caller.roleArn)', () => {
  const withCondition = (value: string | string[], key = 'aws:PrincipalArn', operator = 'ArnLike'): Obj => ({
    Version: '2012-10-17',
    Statement: [{ Sid: 'OnlyTheTeamRole', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { [operator]: { [key]: value } } }],
  });
  const withPrincipalCondition = (value: string): Obj => {
    const p = withCondition(value);
    p.Statement[0].Principal = { AWS: ROOT };
    return p;
  };
  const message = (statement: string, policy: string, named: string): string =>
    `${statement} of the ${policy} compares aws:PrincipalArn with \`${named}\`, the caller's role orders-app under a path; `
    + 'a session ARN does not carry its role\'s path, and aws:PrincipalArn of the session is the role\'s ARN with it, so whether the condition holds is unknown. '
    + `Give caller.roleArn, the role's ARN with its path (arn:aws:iam::${ACCOUNT}:role/PATH/orders-app), or give the role's ARN as caller.arn`;

  function issueOf(raw: Obj): Issue | undefined {
    const issues = new IssueCollector();
    const env = readEnvironment({ caller: { arn: SESSION }, ...raw }, issues);
    return sessionRolePathIssue(env!);
  }

  const SID_LABEL = 'Sid "OnlyTheTeamRole"';
  const UNDER_PATH = `arn:aws:iam::${ACCOUNT}:role/app/team/orders-app`;

  test.each<[string, Obj, string, string, string]>([
    ['in the key policy', { key: { arn: KEY_ARN, policy: withPrincipalCondition(UNDER_PATH) } }, SID_LABEL, 'key policy', UNDER_PATH],
    ['in an identity policy (the second)', { caller: { arn: SESSION, identityPolicies: [KEY_POLICY_AS_IDENTITY(), withCondition(UNDER_PATH)] } }, SID_LABEL, 'identity policy #1', UNDER_PATH],
    ['in the permissions boundary', { caller: { arn: SESSION, permissionsBoundary: withCondition(UNDER_PATH) } }, SID_LABEL, 'permissions boundary', UNDER_PATH],
    ['in the session policy', { caller: { arn: SESSION, sessionPolicy: withCondition(UNDER_PATH) } }, SID_LABEL, 'session policy', UNDER_PATH],
    ['in an SCP', { serviceControlPolicies: [withCondition(UNDER_PATH)] }, SID_LABEL, 'SCP #0', UNDER_PATH],
    ['in an RCP', { resourceControlPolicies: [withPrincipalCondition(UNDER_PATH)] }, SID_LABEL, 'RCP #0', UNDER_PATH],
    ['in the VPC endpoint policy', { vpcEndpoint: { id: 'vpce-1a2b3c', policy: withPrincipalCondition(UNDER_PATH) } }, SID_LABEL, 'VPC endpoint policy', UNDER_PATH],
    ['with any account and a name pattern', { serviceControlPolicies: [withCondition('arn:aws:iam::*:role/app/orders-*')] }, SID_LABEL, 'SCP #0', 'arn:aws:iam::*:role/app/orders-*'],
    ['with the name in another case', { serviceControlPolicies: [withCondition(`arn:aws:iam::${ACCOUNT}:role/app/ORDERS-APP`)] }, SID_LABEL, 'SCP #0', `arn:aws:iam::${ACCOUNT}:role/app/ORDERS-APP`],
    ['with a key name in another case, the second value naming it', { serviceControlPolicies: [withCondition([`arn:aws:iam::${ACCOUNT}:role/other`, UNDER_PATH], 'AWS:PRINCIPALARN', 'ArnEquals')] }, SID_LABEL, 'SCP #0', UNDER_PATH],
  ])('GIVEN the condition %s WHEN the scenario is read THEN the error names the statement, the policy and the value', (_what, raw, statement, policy, named) => {
    expect(issueOf(raw)).toEqual({
      code: SessionRolePathCodes.UNKNOWN_ROLE_PATH,
      severity: 'error',
      message: message(statement, policy, named),
      policy,
      statement,
      field: 'Condition',
    });
  });

  test.each<[string, Obj]>([
    ['the role without a path (decided with the path /)', { serviceControlPolicies: [withCondition(ROLE)] }],
    ['a pattern over every path (role/*), decided with the path /', { serviceControlPolicies: [withCondition(`arn:aws:iam::${ACCOUNT}:role/*`)] }],
    ['another account', { serviceControlPolicies: [withCondition(`arn:aws:iam::${OTHER_ACCOUNT}:role/app/orders-app`)] }],
    ['another role name', { serviceControlPolicies: [withCondition(`arn:aws:iam::${ACCOUNT}:role/app/orders-api`)] }],
    ['a user of that name', { serviceControlPolicies: [withCondition(`arn:aws:iam::${ACCOUNT}:user/app/orders-app`)] }],
    ['an ARN that ends with a slash', { serviceControlPolicies: [withCondition(`arn:aws:iam::${ACCOUNT}:role/app/orders-app/`)] }],
    ['text before the ARN', { serviceControlPolicies: [withCondition(`xarn:aws:iam::${ACCOUNT}:role/app/orders-app`)] }],
    ['an STS ARN', { serviceControlPolicies: [withCondition(`arn:aws:sts::${ACCOUNT}:role/app/orders-app`)] }],
    ['another condition key', { serviceControlPolicies: [withCondition(UNDER_PATH, 'aws:SourceArn')] }],
    ['a caller that gives caller.roleArn', { caller: { arn: SESSION, roleArn: UNDER_PATH }, serviceControlPolicies: [withCondition(UNDER_PATH)] }],
    ['a caller that is a user', { caller: { arn: `arn:aws:iam::${ACCOUNT}:user/orders-app` }, serviceControlPolicies: [withCondition(`arn:aws:iam::${ACCOUNT}:user/app/orders-app`)] }],
    ['a caller that is the role itself', { caller: { arn: ROLE }, serviceControlPolicies: [withCondition(UNDER_PATH)] }],
    ['no policy at all', {}],
  ])('GIVEN %s WHEN the scenario is read THEN there is no role-path error', (_what, raw) => {
    expect(issueOf(raw)).toBeUndefined();
  });
});

describe('parseTemplate: the whole warnings (reference_policies_variables.md)', () => {
  const WHERE = { policy: 'identity policy #0', statement: 'statement #2', field: 'Resource' };
  const HOW = 'write a variable as `${service:KeyName}` or `${service:KeyName, \'default\'}`, or `${$}` for a literal `$`';

  function parse(raw: string, field?: string): { result: string | TemplateString; issues: readonly Issue[] } {
    const issues = new IssueCollector();
    return { result: parseTemplate(raw, WHERE, issues, field), issues: issues.issues };
  }

  test.each<[string, number, string]>([
    ['a${aws:username', 2, 'no closing `}`'],
    ['ab${*', 3, 'no closing `}`'],
    ['${}', 1, 'the variable names no condition key'],
    ['x${, \'d\'}', 2, 'the variable names no condition key'],
    ['${username}', 1, '"username" is not a condition key name (expected `service:KeyName`)'],
    ['${*x}', 1, '"*x" is not a condition key name (expected `service:KeyName`)'],
    ['${a}', 1, '"a" is not a condition key name (expected `service:KeyName`)'],
    ['${aws:username, guest}', 1, 'a default value must be written in single quotes after `, `, e.g. `${aws:username, \'guest\'}`'],
    ['${aws:username, \'guest}', 1, 'the default value has no closing single quote'],
    ['${aws:username, \'guest\' x}', 1, 'expected `}` right after the quoted default value'],
  ])('GIVEN %j WHEN parsed THEN the warning says where (character %i) and what: %s', (raw, at, what) => {
    expect(parse(raw).issues).toEqual([{
      code: 'malformed-policy-variable',
      severity: 'warning',
      message: `malformed policy variable in ${JSON.stringify(raw)} at character ${at}: ${what}; the text is kept literally. ${HOW}`,
      ...WHERE,
    }]);
  });

  test('GIVEN a field WHEN a malformed variable is parsed THEN the warning names that field', () => {
    expect(parse('${}', 'Condition.StringLike.s3:prefix').issues.map((i) => i.field)).toEqual(['Condition.StringLike.s3:prefix']);
  });

  test('GIVEN a variable naming a multi-valued key WHEN parsed THEN the whole warning says it never matches', () => {
    expect(parse('key/${kms:EncryptionContextKeys}', 'Resource').issues).toEqual([{
      code: 'multi-valued-policy-variable',
      severity: 'warning',
      message: 'policy variable `${kms:EncryptionContextKeys}` in "key/${kms:EncryptionContextKeys}" names a multi-valued condition key; IAM cannot substitute '
        + 'multi-valued keys (reference_policies_variables.md), so the value never matches. use a single-valued key',
      ...WHERE,
    }]);
  });

  test.each<[string, boolean]>([
    ['${aws:PrincipalTag/cost center}', true],
    ['${s3:x}', true],
    ['${kms:EncryptionContext:Dept}', true],
    ['${my-svc:Key/a:b}', true],
    ['${aws:}', false],
    ['${:username}', false],
    ['${aws_x:username}', false],
    ['${aws: username}', false],
    ['${aws:username }', false],
    ['${aws:user\tname}', false],
    ['${aws:user\u0001name}', false],
    ['${aws:user"name}', false],
    ['${aws:us$er}', false],
    ['${aws:a{b}', false],
  ])('GIVEN the variable %j WHEN parsed THEN it is a condition key name: %s', (raw, valid) => {
    const { result, issues } = parse(raw);
    expect(issues.map((i) => i.code)).toEqual(valid ? [] : ['malformed-policy-variable']);
    if (valid) expect((result as TemplateString).variableKeys).toEqual([raw.slice(2, -1).toLowerCase()]);
  });

  test.each<[string, Record<string, ContextValue>, boolean, string | undefined]>([
    ['${aws:username,   \'guest\'}', {}, false, 'guest'],
    ['${aws:username, \'guest\'   }', {}, false, 'guest'],
    ['${aws:username, \'a,b}c\'}', {}, false, 'a,b}c'],
    ['${aws:username, \'x?\'}', {}, true, `x${LITERAL_QUESTION}`],
    ['${aws:username}', { 'aws:username': 'a*b' }, true, `a${LITERAL_STAR}b`],
    ['${aws:username}', { 'aws:username': 'a?b' }, true, `a${LITERAL_QUESTION}b`],
    ['${aws:username}', { 'aws:username': '?b' }, true, `${LITERAL_QUESTION}b`],
    ['${aws:username}', { 'aws:username': '*b' }, true, `${LITERAL_STAR}b`],
    ['${aws:username}', { 'aws:username': 'plain' }, true, 'plain'],
    ['${*}${?}${$}', {}, false, '*?$'],
    ['${*}${?}${$}', {}, true, `${LITERAL_STAR}${LITERAL_QUESTION}$`],
    ['a${aws:username}b${aws:userid}c', { 'aws:username': 'U', 'aws:userid': 'I' }, true, 'aUbIc'],
    ['${aws:username}${*}', { 'aws:username': 'bob' }, true, `bob${LITERAL_STAR}`],
    ['${aws:username}${*}', { 'aws:username': 'bob' }, false, 'bob*'],
    ['${*', {}, false, '${*'],
    ['${}x', {}, true, '${}x'],
    ['${${aws:username}*', { 'aws:username': 'bob' }, true, '${bob*'],
  ])('GIVEN %j WHEN rendered against %j (pattern %s) THEN it is %j', (raw, ctx, forPattern, expected) => {
    const { result } = parse(raw);
    expect(typeof result === 'string' ? result : result.render(new MapContext(ctx), forPattern)).toEqual(expected);
  });

  test('GIVEN a template of special variables only WHEN parsed THEN it reads no key and keeps its raw text', () => {
    const { result, issues } = parse('a${*}b');
    expect(issues).toEqual([]);
    expect((result as TemplateString).raw).toBe('a${*}b');
    expect((result as TemplateString).variableKeys).toEqual([]);
  });
});

describe('the small pieces: MapContext, appendShort, action profiles', () => {
  test('GIVEN no entries WHEN a MapContext is read THEN every key is absent', () => {
    expect(new MapContext().get(new ConditionKey('aws:username'))).toBeUndefined();
  });

  test('GIVEN entries written in mixed case WHEN read by lower-cased key THEN they are found', () => {
    expect(new MapContext({ 'AWS:UserName': 'bob' }).get(new ConditionKey('aws:username'))).toBe('bob');
  });

  test('GIVEN no list, a list of one, a list of two WHEN an item is appended THEN each holds its items in order', () => {
    expect(appendShort(undefined, 'a')).toEqual(['a']);
    const one = ['a'];
    const two = appendShort(one, 'b');
    expect(two).toEqual(['a', 'b']);
    expect(one).toEqual(['a']);
    const three = appendShort(two, 'c');
    expect(three).toBe(two);
    expect(three).toEqual(['a', 'b', 'c']);
  });

  test.each<[string, string | undefined]>([
    ['kms:Decrypt', 'kms:Decrypt'],
    ['kms:decrypt', 'kms:Decrypt'],
    ['KMS:DECRYPT', 'kms:Decrypt'],
    ['kms:ReEncryptFrom', 'kms:ReEncryptFrom'],
    ['kms:Decrypts', undefined],
  ])('GIVEN the action %j WHEN its profile is looked up THEN it is %j (action names are case-insensitive)', (action, canonical) => {
    expect(catalogueProfile(action)?.canonical).toBe(canonical);
  });

  test('GIVEN the profiles of two spellings WHEN compared THEN they are one object, with the facts conditions-kms.md gives', () => {
    const p = catalogueProfile('KMS:CREATEGRANT')!;
    expect(catalogueProfile('kms:CreateGrant')).toBe(p);
    const { lowerAction, keyResource, encryptionContext, encryptionAlgorithm, requestAlias, grantIsForAwsResource } = p;
    expect([lowerAction, keyResource, encryptionContext, encryptionAlgorithm, requestAlias, grantIsForAwsResource])
      .toEqual(['kms:creategrant', true, true, false, false, true]);
  });

  test('GIVEN an action that is not in the catalogue WHEN profileOf is asked THEN it throws, naming the action', () => {
    expect(profileOf('kms:decrypt').canonical).toBe('kms:Decrypt');
    expect(() => profileOf('kms:Nope')).toThrow(new Error('kms:Nope is not in the KMS action catalogue'));
  });
});

/** The scenario-wide input checks' issues. */
function scenarioIssues(raw: Obj): readonly Issue[] {
  const issues = new IssueCollector();
  checkScenarioInput(raw, issues);
  return issues.issues;
}

/** The request checks' issues: as kms-access-evaluator.ts does, on the request as read, unless reading it drew an error. */
function requestIssues(raw: unknown, readFirst: boolean): readonly Issue[] {
  const issues = new IssueCollector();
  const req = readFirst ? readRequest(raw, undefined, issues) : undefined;
  const checks = new IssueCollector();
  checkRequestInput(raw, issues.hasErrors ? undefined : req, checks);
  return checks.issues;
}
/**
 * input-checks.ts: the checks of the raw scenario the readers do not make. Sizes are checked against Node's own
 * compact JSON and UTF-8 (`Buffer.byteLength(JSON.stringify(p))`), the size KMS measures (key-policy-overview.md,
 * "Key policy format": at most 32 KB, 32,768 bytes; the characters a key policy may hold).
 */
describe('input checks: scenario ARNs, quotas, key policy size and characters (key-policy-overview.md, resource-limits.md)', () => {
  const LIMIT = 32_768;
  const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

  function keyPolicyIssues(raw: unknown, label = 'key policy'): readonly Issue[] {
    const issues = new IssueCollector();
    checkKeyPolicy(raw, label, issues);
    return issues.issues;
  }

  const bytes = (p: unknown): number => Buffer.byteLength(JSON.stringify(p), 'utf8');
  const arnCharacterMessage = (field: string, echo: string, what: string): string =>
    `${field} \`${echo}\` holds ${what}, which no IAM or KMS name or ARN can hold: the scenario does not describe a real principal or key, `
    + 'and a policy naming the same text without it would not match. remove the character';

  test.each<[string, Obj, Issue[]]>([
    ['a caller ARN with *', { caller: { arn: `arn:aws:iam::${ACCOUNT}:role/*` } }, [{
      code: 'caller-arn-wildcard',
      severity: 'error',
      field: 'caller.arn',
      message: `caller.arn \`arn:aws:iam::${ACCOUNT}:role/*\` holds a wildcard: a caller is one principal, and IAM and STS names never hold \`*\` or \`?\`. name the principal that makes the request`,
    }]],
    ['a caller ARN with ?, longer than an echo', { caller: { arn: `arn:aws:iam::${ACCOUNT}:role/a-very-long-role-name?` } }, [{
      code: 'caller-arn-wildcard',
      severity: 'error',
      field: 'caller.arn',
      message: `caller.arn \`arn:aws:iam::${ACCOUNT}:role/a-very-lo...\` holds a wildcard: a caller is one principal, and IAM and STS names never hold \`*\` or \`?\`. name the principal that makes the request`,
    }]],
    ['a caller ARN with a zero-width space', { caller: { arn: `${ALICE}\u200b` } }, [{
      code: 'invalid-character-in-arn',
      severity: 'error',
      field: 'caller.arn',
      message: arnCharacterMessage('caller.arn', `${ALICE}\\u200B`, 'U+200B (zero-width space)'),
    }]],
    ['a key ARN with *', { key: { arn: `arn:aws:kms:us-west-2:${ACCOUNT}:key/*` } }, [{
      code: 'key-arn-wildcard',
      severity: 'error',
      field: 'key.arn',
      message: `key.arn \`arn:aws:kms:us-west-2:${ACCOUNT}:key/*\` holds a wildcard, so it is a pattern that may cover many keys, not a key: a scenario decides a request on one key. name the key by its ARN, arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`,
    }]],
    ['a key ARN with ?', { key: { arn: `arn:aws:kms:us-west-2:${ACCOUNT}:key/?` } }, [{
      code: 'key-arn-wildcard',
      severity: 'error',
      field: 'key.arn',
      message: `key.arn \`arn:aws:kms:us-west-2:${ACCOUNT}:key/?\` holds a wildcard, so it is a pattern that may cover many keys, not a key: a scenario decides a request on one key. name the key by its ARN, arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`,
    }]],
    ['a key ARN with a control character', { key: { arn: 'k\u0001' } }, [{
      code: 'invalid-character-in-arn', severity: 'error', field: 'key.arn', message: arnCharacterMessage('key.arn', 'k\\u0001', 'U+0001 (a control character)'),
    }]],
    ['51 aliases', { key: { arn: KEY_ARN, aliases: Array.from({ length: 51 }, (_, i) => `alias/a${i}`) } }, [{
      code: 'alias-quota-exceeded',
      severity: 'warning',
      field: 'key.aliases',
      message: 'key has 51 aliases, more than the 50 of the default quota: unless the quota was raised, KMS refuses the aliases beyond it, and a key over the quota '
        + 'denies principals that only kms:ResourceAliases allows (resource-limits.md, "Aliases per KMS key"; the evaluator does not model that denial)',
    }]],
    ['50 aliases', { key: { arn: KEY_ARN, aliases: Array.from({ length: 50 }, (_, i) => `alias/a${i}`) } }, []],
    ['a grantee and a retiring principal with invisible characters, the second grant', { grants: [{ granteePrincipal: ALICE }, { granteePrincipal: 'g\u200e', retiringPrincipal: 'r\u00ad' }] }, [
      { code: 'invalid-character-in-arn', severity: 'error', field: 'grants[1].granteePrincipal', message: arnCharacterMessage('grants[1].granteePrincipal', 'g\\u200E', 'U+200E (left-to-right mark)') },
      { code: 'invalid-character-in-arn', severity: 'error', field: 'grants[1].retiringPrincipal', message: arnCharacterMessage('grants[1].retiringPrincipal', 'r\\u00AD', 'U+00AD (soft hyphen)') },
    ]],
    ['a grant that is no object, next to a clean one', { grants: ['g-1', { granteePrincipal: ALICE, retiringPrincipal: ALICE }] }, []],
    ['printable ARNs everywhere', { caller: { arn: ALICE }, key: { arn: KEY_ARN, policy: KEY_POLICY }, grants: [{ granteePrincipal: ALICE }] }, []],
  ])('GIVEN %s WHEN the scenario is checked THEN the issues are whole', (_what, raw, expected) => {
    expect(scenarioIssues(raw)).toEqual(expected);
  });

  test('GIVEN more grants than the default quota WHEN checked THEN a warning gives the count and the quota', () => {
    expect(scenarioIssues({ grants: new Array(50_001).fill(0) })).toEqual([{
      code: 'grant-quota-exceeded',
      severity: 'warning',
      field: 'grants',
      message: 'the scenario has 50001 grants, more than the 50000 grants a KMS key can have under the default quota (resource-limits.md, "Grants per KMS key"): '
        + 'unless the quota was raised, KMS refuses the grants beyond it',
    }]);
    expect(scenarioIssues({ grants: new Array(50_000).fill(0) })).toEqual([]);
  });

  const BAD_POLICY = { Version: '2012-10-17', Statement: [{ Sid: 'Bad\u200b', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] };
  const badPolicyIssue = (label: string): Obj => expect.objectContaining({ code: 'key-policy-invalid-character', policy: label, field: 'Sid' });

  test.each<[string, Obj, boolean, Obj[]]>([
    ['a new key policy with a bad character', { action: 'kms:PutKeyPolicy', newKeyPolicy: BAD_POLICY }, true, [badPolicyIssue('new key policy')]],
    ['a destination key with a wildcard and a bad policy', { action: 'kms:ReEncrypt', destinationKey: { arn: `${KEY_ARN}*`, policy: BAD_POLICY } }, true, [
      expect.objectContaining({ code: 'key-arn-wildcard', field: 'request.destinationKey.arn' }), badPolicyIssue('key policy of the destination key'),
    ]],
    ['a keyId with a bad character', { action: 'kms:Decrypt', keyId: 'alias/x\u2060' }, true, [
      { code: 'invalid-character-in-arn', severity: 'error', field: 'request.keyId', message: arnCharacterMessage('request.keyId', 'alias/x\\u2060', 'U+2060 (word joiner)') },
    ]],
    ['an aliasArn with a bad character', { action: 'kms:Decrypt', aliasArn: `arn:aws:kms:us-west-2:${ACCOUNT}:alias/x\u200b` }, true, [
      expect.objectContaining({ code: 'invalid-character-in-arn', field: 'request.aliasArn' }),
    ]],
    ['a CreateGrant grantee and retiring principal with bad characters', { action: 'kms:CreateGrant', createGrant: { granteePrincipal: `${ALICE}\u200b`, retiringPrincipal: `${ALICE}\u200c`, operations: ['Decrypt'] } }, true, [
      expect.objectContaining({ code: 'invalid-character-in-arn', field: 'request.createGrant.granteePrincipal' }),
      expect.objectContaining({ code: 'invalid-character-in-arn', field: 'request.createGrant.retiringPrincipal' }),
    ]],
    ['a context key with a zero-width space, next to a clean one', { action: 'kms:Decrypt', context: { 'aws:SourceIp': '10.0.0.1', 'aws:Source\u200bVpce': 'vpce-1' } }, true, [{
      code: 'invisible-character',
      severity: 'warning',
      field: 'request.context.aws:Source\\u200BVpce',
      message: 'the context key `aws:Source\\u200B` holds U+200B (zero-width space): no policy that names the key as it looks will see this value. remove the character',
    }]],
    ['a context key with Latin-1 letters only', { action: 'kms:Decrypt', context: { 'kms:EncryptionContext:clé': 'v' } }, true, []],
    ['nothing to check', { action: 'kms:Decrypt' }, true, []],
    // A request the reader rejected is checked in full.
    ['an unread request: every part', { action: 42, newKeyPolicy: BAD_POLICY, destinationKey: { arn: `${KEY_ARN}?` }, keyId: 'k\u200b', aliasArn: 'a\u200b', createGrant: { granteePrincipal: 'g\u200b' }, context: { 'c\u200b': 'v' } }, false, [
      badPolicyIssue('new key policy'),
      expect.objectContaining({ code: 'key-arn-wildcard', field: 'request.destinationKey.arn' }),
      expect.objectContaining({ code: 'invalid-character-in-arn', field: 'request.keyId' }),
      expect.objectContaining({ code: 'invalid-character-in-arn', field: 'request.aliasArn' }),
      expect.objectContaining({ code: 'invalid-character-in-arn', field: 'request.createGrant.granteePrincipal' }),
      expect.objectContaining({ code: 'invisible-character', field: 'request.context.c\\u200B' }),
    ]],
    ['an unread request that is no object', 'kms:Decrypt' as unknown as Obj, false, []],
    ['an unread request whose context is no object', { context: 'c\u200b', keyId: 7 }, false, []],
  ])('GIVEN %s WHEN the request is checked THEN the issues are those', (_what, raw, readFirst, expected) => {
    expect(requestIssues(raw, readFirst)).toEqual(expected);
  });

  test('GIVEN a request read with a new key policy only WHEN checked THEN a bad keyId in the raw request is not looked at twice', () => {
    // Guided by the request as read: the fields it holds are checked from it.
    expect(requestIssues({ action: 'kms:PutKeyPolicy', newKeyPolicy: KEY_POLICY }, true)).toEqual([]);
  });

  /** A policy of exactly `target` bytes as compact JSON, with `sample` in an Action list. */
  function policyOfSize(target: number, sample: string): Obj {
    const base = { Version: '2012-10-17', Id: '', Statement: [{ Sid: 'S', Effect: 'Allow', Principal: { AWS: [ALICE] }, Action: ['kms:Decrypt', sample], Resource: '*', Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 'kms:x': [1.5, -3, null, false] } } }] };
    const p = { ...base, Id: 'x'.repeat(target - bytes(base)) };
    expect(bytes(p)).toBe(target);
    return p;
  }

  test.each(['plain', 'quo"te', 'back\\slash', 'é', 'ÿ', '€', '😀'])(
    'GIVEN a key policy holding %j WHEN it is exactly 32,768 bytes as compact JSON THEN it passes; one byte more is an error', (sample) => {
      expect(keyPolicyIssues(policyOfSize(LIMIT, sample)).filter((i) => i.code === 'key-policy-too-large')).toEqual([]);
      expect(keyPolicyIssues(policyOfSize(LIMIT + 1, sample)).filter((i) => i.code === 'key-policy-too-large')).toEqual([{
        code: 'key-policy-too-large',
        severity: 'error',
        policy: 'key policy',
        message: 'the key policy is over 32,768 bytes even as compact JSON, and KMS rejects a key policy over 32,768 bytes (key-policy-overview.md, "Key policy format"; '
          + 'a quota that cannot be raised, resource-limits.md). merge statements that share a principal and actions, or move per-principal permissions to IAM policies or grants',
      }]);
    });

  /**
   * A policy of exactly `target` bytes as compact JSON whose bulk is `n` copies of one filler (found by its size per
   * copy), padded by the Id: most of its bytes are not text, so a wrong count of numbers, literals, brackets or keys
   * is not hidden by the slack the quick scan allows for escapes in texts.
   */
  function sized(target: number, make: (n: number, pad: string) => Obj): Obj {
    const one = bytes(make(1, ''));
    const per = bytes(make(2, '')) - one;
    const n = Math.floor((target - 40 - one) / per) + 1;
    const p = make(n, 'x'.repeat(target - bytes(make(n, ''))));
    expect(bytes(p)).toBe(target);
    return p;
  }

  const statement = { Sid: 'S', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' };
  const inCondition = (values: (n: number) => unknown) => (n: number, pad: string): Obj =>
    ({ Version: '2012-10-17', Id: pad, Statement: [{ ...statement, Condition: { NumericLessThan: { 'kms:x': values(n) } } }] });
  const repeat = (n: number, item: () => unknown): unknown[] => Array.from({ length: n }, item);

  test.each<[string, (n: number, pad: string) => Obj]>([
    ['numbers, finite and not (written null)', inCondition((n) => repeat(n, () => [1.5, NaN, -Infinity, 7, -0.25]))],
    ['true, false, null and undefined (written null in a list)', inCondition((n) => repeat(n, () => [true, false, null, undefined]))],
    ['empty lists and objects, and members JSON leaves out', inCondition((n) => repeat(n, () => [[], {}, { a: undefined, f: () => 1, s: Symbol('s') }]))],
    ['quotes and backslashes', inCondition((n) => repeat(n, () => '"\\'))],
    ['condition keys (depth 4)', (n, pad) => ({ Version: '2012-10-17', Id: pad, Statement: [{ ...statement, Condition: { NumericLessThan: Object.fromEntries(repeat(n, () => 0).map((_, i) => [`k${String(i).padStart(5, '0')}`, 1])) } }] })],
    ['statement members (depth 2)', (n, pad) => ({ Version: '2012-10-17', Id: pad, Statement: [{ ...statement, ...Object.fromEntries(repeat(n, () => 0).map((_, i) => [`K${String(i).padStart(5, '0')}`, 0])) }] })],
    ['a single statement object', (n, pad) => ({ Version: '2012-10-17', Id: pad, Statement: { ...statement, Condition: { NumericLessThan: { 'kms:x': repeat(n, () => 8) } } } })],
    ['many statements', (n, pad) => ({ Version: '2012-10-17', Id: pad, Statement: repeat(n, () => statement) })],
  ])('GIVEN a key policy of %s WHEN it is 32,768 bytes THEN it passes; at 32,769 it is over the limit', (_what, make) => {
    const tooLarge = (p: Obj): string[] => keyPolicyIssues(p).filter((i) => i.code === 'key-policy-too-large').map((i) => i.message);
    expect(tooLarge(sized(LIMIT, make))).toEqual([]);
    expect(tooLarge(sized(LIMIT + 1, make))).toEqual([expect.stringMatching(/^the key policy is over 32,768 bytes even as compact JSON, /)]);
    expect(tooLarge(sized(LIMIT - 1, make))).toEqual([]);
  });

  test.each<[string, string]>([
    ['ASCII', 'a'],
    ['two-byte characters', 'é'],
    ['three-byte characters', '€'],
    ['four-byte characters', '😀'],
    ['lone surrogates, three bytes each as an encoder writes them', '\ud800'],
  ])('GIVEN a key policy written as text of %s WHEN measured THEN it is its UTF-8 size as written', (_what, unit) => {
    const size = (text: string): number => (unit === '\ud800' ? Buffer.byteLength(text.replace(/\ud800/g, '\ufffd'), 'utf8') : Buffer.byteLength(text, 'utf8'));
    const shell = (fill: string): string => `{"Id": "${fill}", "Statement": []}`;
    const unitBytes = size(unit);
    const room = LIMIT - size(shell(''));
    const under = shell(unit.repeat(Math.floor(room / unitBytes)) + 'a'.repeat(room % unitBytes));
    expect(size(under)).toBe(LIMIT);
    expect(keyPolicyIssues(under).filter((i) => i.code === 'key-policy-too-large')).toEqual([]);
    const over = `${under} `;
    // Text longer than the limit in UTF-16 units is over it whatever its bytes; shorter text is measured exactly.
    const size32769 = over.length > LIMIT ? 'over 32,768' : '32,769';
    expect(keyPolicyIssues(over).filter((i) => i.code === 'key-policy-too-large').map((i) => i.message)).toEqual([
      `the key policy is ${size32769} bytes as written, and KMS rejects a key policy over 32,768 bytes (key-policy-overview.md, "Key policy format"; `
      + 'a quota that cannot be raised, resource-limits.md). merge statements that share a principal and actions, or move per-principal permissions to IAM policies or grants',
    ]);
  });

  test('GIVEN a key policy text longer than the limit in characters WHEN measured THEN it is over, without counting bytes', () => {
    expect(keyPolicyIssues(`{"Id": "${'a'.repeat(LIMIT)}"}`, 'new key policy')).toEqual([expect.objectContaining({
      code: 'key-policy-too-large', policy: 'new key policy', message: expect.stringMatching(/^the new key policy is over 32,768 bytes as written, and KMS rejects/),
    })]);
  });

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['text that is no JSON', '{"Statement": [}'],
    ['JSON text of a string', '"\u200b"'],
  ])('GIVEN a key policy that is %s WHEN checked THEN nothing is reported here (the reader reports it)', (_what, raw) => {
    expect(keyPolicyIssues(raw)).toEqual([]);
  });

  const keyPolicyCharacterMessage = (what: string, label: string, character: string, more = ''): string =>
    `${what} of the ${label} holds ${character}, and a key policy may hold only printable ASCII, printable Latin-1 characters, tab, line feed and carriage return, `
    + `so KMS rejects it (key-policy-overview.md, "Key policy format"). remove the character${more}`;

  test('GIVEN bad characters in several places WHEN checked THEN each issue locates it: statement by Sid or index, field path, key or value', () => {
    const issues = keyPolicyIssues({
      'Version': '2012-10-17',
      'Id\u0002': 'top',
      'Statement': [
        { Sid: 'A', Effect: 'Allow', Principal: { AWS: [ALICE, 'b\u200b'] }, Action: 'kms:Decrypt', Resource: '*' },
        { Sid: '', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'k\u200d': 'v', 'aws:SourceIp': ['1', '\u0085'] } } },
      ],
    });
    expect(issues).toEqual([
      { code: 'key-policy-invalid-character', severity: 'error', policy: 'key policy', field: 'Id\\u0002', message: keyPolicyCharacterMessage('the key `Id\\u0002`', 'key policy', 'U+0002 (a control character)') },
      { code: 'key-policy-invalid-character', severity: 'error', policy: 'key policy', statement: 'Sid "A"', field: 'Principal.AWS[1]', message: keyPolicyCharacterMessage('the value `b\\u200B`', 'key policy', 'U+200B (zero-width space)') },
      { code: 'key-policy-invalid-character', severity: 'error', policy: 'key policy', statement: 'statement #1', field: 'Condition.StringEquals.k\\u200D', message: keyPolicyCharacterMessage('the key `k\\u200D`', 'key policy', 'U+200D (zero-width joiner)') },
      { code: 'key-policy-invalid-character', severity: 'error', policy: 'key policy', statement: 'statement #1', field: 'Condition.StringEquals.aws:SourceIp[1]', message: keyPolicyCharacterMessage('the value `\\u0085`', 'key policy', 'U+0085 (a control character)') },
    ]);
  });

  test('GIVEN a single statement object with a long Sid WHEN a bad character is in it THEN it is statement #0 named by its Sid, shortened', () => {
    const sid = `${'s'.repeat(45)}`;
    expect(keyPolicyIssues({ Statement: { Sid: sid, Effect: 'Allow', Principal: '*', Action: 'kms:\u2028', Resource: '*' } })).toEqual([{
      code: 'key-policy-invalid-character',
      severity: 'error',
      policy: 'key policy',
      statement: `Sid "${'s'.repeat(40)}..."`,
      field: 'Action',
      message: keyPolicyCharacterMessage('the value `kms:\\u2028`', 'key policy', 'U+2028 (line separator)'),
    }]);
    expect(keyPolicyIssues({ Statement: { Effect: 'Allow', Principal: '*', Action: 'kms:\u2028', Resource: '*' } })).toEqual([
      expect.objectContaining({ statement: 'statement #0', field: 'Action' }),
    ]);
  });

  test('GIVEN the soft hyphen WHEN checked THEN it is a warning (KMS accepts it), and the fifth issue says no more are reported', () => {
    const issues = keyPolicyIssues({ Statement: [{ Sid: 'A', Effect: 'Allow', Principal: '*', Action: ['a\u00ad', 'b\u00ad', 'c\u00ad', 'd\u00ad', 'e\u00ad', 'f\u00ad'], Resource: '*' }] });
    expect(issues.map((i) => [i.severity, i.field])).toEqual([['warning', 'Action[0]'], ['warning', 'Action[1]'], ['warning', 'Action[2]'], ['warning', 'Action[3]'], ['warning', 'Action[4]']]);
    expect(issues[0]).toEqual({
      code: 'invisible-character',
      severity: 'warning',
      policy: 'key policy',
      statement: 'Sid "A"',
      field: 'Action[0]',
      message: 'the value `a\\u00AD` of the key policy holds U+00AD (soft hyphen), which KMS accepts but nobody reading the policy can see: '
        + 'a name, ARN or key holding it matches nothing written without it. remove the character',
    });
    expect(issues[4].message.endsWith('remove the character (further characters of this policy are not reported)')).toBe(true);
    expect(issues[3].message.endsWith('remove the character')).toBe(true);
  });

  test('GIVEN a lone surrogate WHEN checked THEN it is an error (no UTF-8 form), and a surrogate pair of a Latin-1-only policy too', () => {
    expect(keyPolicyIssues({ Statement: [{ Sid: 'A', Effect: 'Allow', Principal: '*', Action: 'x\udc00', Resource: '*' }] }).map((i) => i.message)).toEqual([
      keyPolicyCharacterMessage('the value `x\\uDC00`', 'key policy', 'a lone surrogate U+DC00 (not valid Unicode, so it has no UTF-8 form)'),
    ]);
    expect(keyPolicyIssues({ Statement: [{ Sid: 'A', Effect: 'Allow', Principal: '*', Action: 'x😀', Resource: '*' }] }).map((i) => i.message)).toEqual([
      keyPolicyCharacterMessage('the value `x\\uD83D\\uDE00`', 'key policy', 'U+1F600'),
    ]);
  });

  test('GIVEN Latin-1 letters, tab, line feed and carriage return WHEN checked THEN nothing is reported', () => {
    expect(keyPolicyIssues({ Statement: [{ Sid: 'Clé\tà\nÿ\r', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }] })).toEqual([]);
  });
});

/**
 * Added after the second run (input-checks.ts, lines 30-123): values of the wrong type are left to the readers (never a
 * crash here), visible characters outside Latin-1 are no error in an ARN or a context key (only invisible ones are:
 * those are key-policy rules, key-policy-overview.md), a ReEncrypt whose only extra is the destination key still has it
 * checked, and the scenario's own key policy is labelled as such.
 */
describe('input checks: wrong types, visible non-Latin-1 characters, the destination key alone', () => {
  const BAD_SID = { Version: '2012-10-17', Statement: [{ Sid: 'Bad\u200b', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] };

  test.each<[string, Obj, Obj[]]>([
    ['the scenario key\'s policy with an invisible character', { key: { arn: KEY_ARN, policy: BAD_SID } },
      [expect.objectContaining({ code: 'key-policy-invalid-character', policy: 'key policy', statement: 'Sid "Bad\\u200B"', field: 'Sid' })]],
    ['ARNs that are lists, a grant that is null', { caller: { arn: ['c\u200b*'] }, key: { arn: ['k\u200b*'] }, grants: [null, { granteePrincipal: ['g\u200b'], retiringPrincipal: ['r\u200b'] }] }, []],
    ['visible characters outside Latin-1 in ARNs', { caller: { arn: `arn:aws:iam::${ACCOUNT}:user/€` }, key: { arn: `${KEY_ARN}€` }, grants: [{ granteePrincipal: 'g€', retiringPrincipal: 'r€' }] }, []],
  ])('GIVEN %s WHEN the scenario is checked THEN the issues are those', (_what, raw, expected) => {
    expect(scenarioIssues(raw)).toEqual(expected);
  });

  test.each<[string, unknown, boolean, Obj[]]>([
    ['a ReEncrypt whose only extra is a destination key with an invisible character in its policy', { action: 'kms:ReEncrypt', destinationKey: { arn: KEY_ARN, policy: BAD_SID } }, true,
      [expect.objectContaining({ code: 'key-policy-invalid-character', policy: 'key policy of the destination key', field: 'Sid' })]],
    ['an unread request that is null', null, false, []],
    ['an unread request whose values are lists', { keyId: ['k\u200b'], aliasArn: ['a\u200b'], createGrant: { granteePrincipal: ['g\u200b'], retiringPrincipal: ['r\u200b'] } }, false, []],
    ['an unread request whose context key is inherited, not its own', { context: Object.create({ 'c\u200b': 'v' }) }, false, []],
    ['visible characters outside Latin-1 in the request\'s ARNs and context keys', { action: 'kms:Decrypt', keyId: 'alias/€', aliasArn: `arn:aws:kms:us-west-2:${ACCOUNT}:alias/€`, context: { 'kms:EncryptionContext:€': 'v' } }, true, []],
  ])('GIVEN %s WHEN the request is checked THEN the issues are those', (_what, raw, readFirst, expected) => {
    expect(requestIssues(raw, readFirst)).toEqual(expected);
  });
});
