/**
 * Cases added for the mutation run of the evaluator's scenario reader (scenario.ts), compiled policy
 * (compiled-policy.ts) and public evaluator (kms-access-evaluator.ts): docs/mutation-testing.md, issue 10.
 *
 * Semantics cited (/work/shared/reference/aws-docs/ and kms-semantics.md):
 * - README "Scenario format" and kms-semantics.md §0 (request model): the fields of a scenario, its key, caller,
 *   endpoint, grants and request, their defaults (keySpec SYMMETRIC_DEFAULT, keyUsage ENCRYPT_DECRYPT, keyOrigin
 *   AWS_KMS, multiRegion false; a grant's issuingAccount is the key's account), and that every error names the field,
 *   the value received and what was expected (docs/decisions.md: bad input is a clear error, never a silent pass);
 * - kms-developer-guide/conditions-kms.md and the KMS permissions reference (kms-actions.json): which kms: and tag
 *   keys exist for which actions (condition-key-not-applicable);
 * - iam-user-guide/reference_policies_elements_notprincipal.md (Allow with NotPrincipal), reference_policies_
 *   elements_principal.md ("IAM role principals": a Principal "*" narrowed by aws:PrincipalArn is not limited by a
 *   permissions boundary or session policy), reference_policies_variables.md (variables only in Version 2012-10-17
 *   policies; a variable without a value matches nothing);
 * - kms-semantics.md §3 (statement matching: Action/NotAction, Resource/NotResource) and §9 (the lockout check);
 * - kms-developer-guide/grants.md and resource-limits.md: grant operations, constraints, 32 KB key policies.
 *
 * "Compiled equals one-shot" (README: `KmsAccessEvaluator.compile(scenario).evaluate(request)` decides as
 * `KmsAccessEvaluator.evaluate` of the scenario with that request): the compiled policy indexes its statements per
 * action on first use and memoises the index, so each compiled scenario below is asked several requests, of several
 * actions, some twice.
 *
 * Module-level memos hide code from Stryker's per-test coverage (docs/mutation-testing.md, the perTest blind spot):
 * compiled conditions are shared by text (condition-cache.ts), and compiled-policy.ts remembers per condition whether
 * its key applies; so each row that looks at a condition has a condition text of its own.
 */
import { catalogueProfile } from '../../src/evaluator/action-profile';
import { firstFailingCondition, matchesResource } from '../../src/evaluator/compiled-policy';
import { MapContext } from '../../src/evaluator/context';
import { CompiledScenario, EvaluationResult, KmsAccessEvaluator, KmsDecision } from '../../src/evaluator/kms-access-evaluator';
import { compilePolicy, readEnvironment, readRequest } from '../../src/evaluator/scenario';
import { Issue, IssueCollector, clip, show, tooLongMessage } from '../../src/policy/issues';
import { PolicyKind } from '../../src/policy/policy-kind';

type Obj = Record<string, any>;

const ACCOUNT = '111122223333';
const KEY_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const OTHER_KEY_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
const ALIAS_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:alias/orders`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/orders-app/i-0abc`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-app`;
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;
const KEY_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }] };
/** One character longer than the readers read (MAX_STRING_LENGTH, issues.ts). */
const LONG = 'x'.repeat(32_769);
const LONG_NAME = 'f'.repeat(70);
const LONG_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/${'k'.repeat(130)}`;
const OTHER = '444455556666';
const ENABLE_IAM = { Sid: 'EnableIAM', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };
const BASE: Obj = { key: { arn: KEY_ARN, policy: KEY_POLICY }, caller: { arn: SESSION } };

/** An issue as the readers make it (issues.ts makeIssue): absent location fields are not set. */
type ExpectedIssue = Omit<Issue, 'message'> & { readonly message: unknown };

/**
 * readEnvironment: [what, scenario, whether an environment is read, every issue]. The messages are whole: each says
 * what is wrong, the value received and what was expected (README "Scenario format"; docs/decisions.md).
 */
const ENV_CASES: ReadonlyArray<readonly [string, Obj, boolean, readonly ExpectedIssue[]]> = [
  ['an unknown scenario field, its name clipped to 64 characters', { ...BASE, [LONG_NAME]: 1 }, true, [
    { code: 'invalid-field', severity: 'error', field: 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff...', message: 'unknown scenario field `ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff...`: expected one of name, $comment, key, caller, serviceControlPolicies, resourceControlPolicies, vpcEndpoint, grants, request' },
  ]],
  ['an inherited scenario field is not read', Object.assign(Object.create({ inherited: 1 }), BASE), true, []],
  ['a key that is not an object', { ...BASE, key: 'alias/orders' }, false, [
    { code: 'invalid-field', severity: 'error', field: 'key', message: 'key must be an object with arn and policy, got "alias/orders"' },
  ]],
  ['an unknown key field', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, Arn: KEY_ARN } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'key.Arn', message: 'unknown key field `Arn`: expected one of arn, policy, keySpec, keyUsage, keyOrigin, multiRegion, multiRegionKeyType, aliases, tags' },
  ]],
  ['key.arn that is not a string', { ...BASE, key: { arn: 7, policy: KEY_POLICY } }, false, [
    { code: 'missing-field', severity: 'error', field: 'key.arn', message: 'key.arn is 7: expected the key ARN, arn:aws:kms:REGION:ACCOUNT:key/ID' },
  ]],
  ['key.arn longer than 32,768 characters', { ...BASE, key: { arn: LONG, policy: KEY_POLICY } }, false, [
    { code: 'value-too-long', severity: 'error', field: 'key.arn', message: tooLongMessage('key.arn', LONG) },
  ]],
  ['key.arn that is not a key ARN, echoed up to 120 characters', { ...BASE, key: { arn: LONG_ARN.replace(':key/', ':alias/'), policy: KEY_POLICY } }, false, [
    { code: 'invalid-arn', severity: 'error', field: 'key.arn', message: 'key.arn `arn:aws:kms:us-west-2:111122223333:alias/kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...` is not a KMS key ARN: expected arn:aws:kms:REGION:ACCOUNT:key/ID' },
  ]],
  ['a key without a policy is read (CreateKey describes the key to be created)', { ...BASE, key: { arn: KEY_ARN } }, true, []],
  ['key.keySpec that is not a string', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, keySpec: 256 } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'key.keySpec', message: 'key.keySpec is 256: expected a string' },
  ]],
  ['key.keyUsage that is not a string', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, keyUsage: ['SIGN_VERIFY'] } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'key.keyUsage', message: 'key.keyUsage is ["SIGN_VERIFY"]: expected a string' },
  ]],
  ['key.keyOrigin that is too long', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, keyOrigin: LONG } }, true, [
    { code: 'value-too-long', severity: 'error', field: 'key.keyOrigin', message: tooLongMessage('key.keyOrigin', LONG) },
  ]],
  ['key.multiRegionKeyType that is not a string', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, multiRegionKeyType: true } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'key.multiRegionKeyType', message: 'key.multiRegionKeyType is true: expected a string' },
  ]],
  ['key.multiRegion that is a string', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, multiRegion: 'true' } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'key.multiRegion', message: 'key.multiRegion is "true": expected true or false' },
  ]],
  ['key.aliases that is not a list of strings', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, aliases: 'alias/orders' } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'key.aliases', message: 'key.aliases is "alias/orders": expected an array of strings' },
  ]],
  ['key.aliases with a name that lacks alias/', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, aliases: ['alias/ok', 'orders'] } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'key.aliases', message: 'key.aliases has `orders`: expected an alias name such as "alias/orders" (alias/aws/ names belong to AWS managed keys)' },
  ]],
  ['key.aliases with an AWS managed alias', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, aliases: ['alias/aws/ebs'] } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'key.aliases', message: 'key.aliases has `alias/aws/ebs`: expected an alias name such as "alias/orders" (alias/aws/ names belong to AWS managed keys)' },
  ]],
  ['key.aliases with a name too long to read', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, aliases: ['alias/ok', 'alias/' + LONG] } }, true, [
    { code: 'value-too-long', severity: 'error', field: 'key.aliases', message: tooLongMessage('key.aliases', 'alias/' + LONG) },
  ]],
  ['key.tags with a value too long to read', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, tags: { team: LONG } } }, true, [
    { code: 'value-too-long', severity: 'error', field: 'key.tags.team', message: tooLongMessage('key.tags.team', LONG) },
  ]],
  ['key.tags with a key too long to read', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, tags: { [LONG]: 'x' } } }, true, [
    { code: 'value-too-long', severity: 'error', field: 'key.tags.' + clip(LONG), message: tooLongMessage('a key of key.tags', LONG) },
  ]],
  ['key.tags that is a string', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, tags: 'team=orders' } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'key.tags', message: 'key.tags is "team=orders": expected an object of string values, e.g. {"Department": "IT"}' },
  ]],
  ['caller missing', { key: BASE.key }, false, [
    { code: 'missing-field', severity: 'error', field: 'caller', message: 'caller must be an object with at least an arn, got nothing' },
  ]],
  ['caller that is null', { ...BASE, caller: null }, false, [
    { code: 'invalid-field', severity: 'error', field: 'caller', message: 'caller must be an object with at least an arn, got null' },
  ]],
  ['an unknown caller field', { ...BASE, caller: { arn: SESSION, account: ACCOUNT } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.account', message: 'unknown caller field `account`: expected one of arn, roleArn, identityPolicies, permissionsBoundary, sessionPolicy, tags, orgId' },
  ]],
  ['caller.arn missing', { ...BASE, caller: { orgId: 'o-a1b2c3d4e5' } }, false, [
    { code: 'missing-field', severity: 'error', field: 'caller.arn', message: 'caller.arn is nothing: expected an IAM or STS ARN, or a service principal such as cloudtrail.amazonaws.com' },
  ]],
  ['caller.arn too long', { ...BASE, caller: { arn: LONG } }, false, [
    { code: 'value-too-long', severity: 'error', field: 'caller.arn', message: tooLongMessage('caller.arn', LONG) },
  ]],
  ['caller.arn that names no caller, echoed up to 120 characters', { ...BASE, caller: { arn: 'arn:aws:iam::111122223333:group/' + 'g'.repeat(130) } }, false, [
    { code: 'invalid-arn', severity: 'error', field: 'caller.arn', message: 'caller.arn `arn:aws:iam::111122223333:group/gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg...` is not a caller: expected arn:aws:iam::ACCOUNT:user/NAME, role/NAME or root, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or federated-user/NAME, or a service principal such as cloudtrail.amazonaws.com' },
  ]],
  ['caller.orgId that is not a string', { ...BASE, caller: { arn: SESSION, orgId: 12 } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.orgId', message: 'caller.orgId is 12: expected a string' },
  ]],
  ['caller.tags that is an array', { ...BASE, caller: { arn: SESSION, tags: ['team'] } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.tags', message: 'caller.tags is ["team"]: expected an object of string values, e.g. {"Department": "IT"}' },
  ]],
  ['a service principal with identity policies', { ...BASE, caller: { arn: 'cloudtrail.amazonaws.com', identityPolicies: [{ Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }] } }, true, [
    { code: 'service-principal-policies', severity: 'warning', field: 'caller', message: 'an AWS service principal has no IAM policies, permissions boundary or session policy: they are ignored' },
  ]],
  ['a service principal with a permissions boundary', { ...BASE, caller: { arn: 'logs.amazonaws.com', permissionsBoundary: { Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } } }, true, [
    { code: 'service-principal-policies', severity: 'warning', field: 'caller', message: 'an AWS service principal has no IAM policies, permissions boundary or session policy: they are ignored' },
  ]],
  ['a service principal with a session policy', { ...BASE, caller: { arn: 'sns.amazonaws.com', sessionPolicy: { Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } } }, true, [
    { code: 'service-principal-policies', severity: 'warning', field: 'caller', message: 'an AWS service principal has no IAM policies, permissions boundary or session policy: they are ignored' },
  ]],
  ['a service principal with no policy draws no warning', { ...BASE, caller: { arn: 'sqs.amazonaws.com', identityPolicies: [] } }, true, []],
  ['caller.roleArn for an IAM user', { ...BASE, caller: { arn: USER, roleArn: ROLE } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.roleArn', message: 'caller.roleArn is for an assumed-role session (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), and caller.arn is arn:aws:iam::111122223333:user/alice: remove caller.roleArn' },
  ]],
  ['caller.roleArn naming another role', { ...BASE, caller: { arn: SESSION, roleArn: 'arn:aws:iam::111122223333:role/app/billing-app' } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.roleArn', message: 'caller.roleArn is "arn:aws:iam::111122223333:role/app/billing-app": expected the ARN of the session\'s role orders-app with its path, arn:aws:iam::111122223333:role/PATH/orders-app (or role/orders-app when it has none)' },
  ]],
  ['caller.roleArn in another account', { ...BASE, caller: { arn: SESSION, roleArn: 'arn:aws:iam::444455556666:role/orders-app' } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.roleArn', message: 'caller.roleArn is "arn:aws:iam::444455556666:role/orders-app": expected the ARN of the session\'s role orders-app with its path, arn:aws:iam::111122223333:role/PATH/orders-app (or role/orders-app when it has none)' },
  ]],
  ['caller.roleArn in another partition', { ...BASE, caller: { arn: SESSION, roleArn: 'arn:aws-cn:iam::111122223333:role/orders-app' } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.roleArn', message: 'caller.roleArn is "arn:aws-cn:iam::111122223333:role/orders-app": expected the ARN of the session\'s role orders-app with its path, arn:aws:iam::111122223333:role/PATH/orders-app (or role/orders-app when it has none)' },
  ]],
  ['caller.roleArn that is a user ARN', { ...BASE, caller: { arn: SESSION, roleArn: 'arn:aws:iam::111122223333:user/orders-app' } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.roleArn', message: 'caller.roleArn is "arn:aws:iam::111122223333:user/orders-app": expected the ARN of the session\'s role orders-app with its path, arn:aws:iam::111122223333:role/PATH/orders-app (or role/orders-app when it has none)' },
  ]],
  ['caller.roleArn that is not a string', { ...BASE, caller: { arn: SESSION, roleArn: 5 } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.roleArn', message: 'caller.roleArn is 5: expected the ARN of the session\'s role orders-app with its path, arn:aws:iam::111122223333:role/PATH/orders-app (or role/orders-app when it has none)' },
  ]],
  ['caller.roleArn too long', { ...BASE, caller: { arn: SESSION, roleArn: LONG } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.roleArn', message: 'caller.roleArn is ' + show(LONG) + ': expected the ARN of the session\'s role orders-app with its path, arn:aws:iam::111122223333:role/PATH/orders-app (or role/orders-app when it has none)' },
  ]],
  ['caller.roleArn naming the role in other case, under a path', { ...BASE, caller: { arn: SESSION, roleArn: 'arn:aws:iam::111122223333:role/app/Orders-App' } }, true, []],
  ['identityPolicies that is an object', { ...BASE, caller: { arn: SESSION, identityPolicies: {} } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'caller.identityPolicies', message: 'caller.identityPolicies must be an array of policy documents, got {}' },
  ]],
  ['serviceControlPolicies that is a string', { ...BASE, serviceControlPolicies: 'FullAWSAccess' }, true, [
    { code: 'invalid-field', severity: 'error', field: 'serviceControlPolicies', message: 'serviceControlPolicies must be an array of policy documents, got "FullAWSAccess"' },
  ]],
  ['resourceControlPolicies that is a number', { ...BASE, resourceControlPolicies: 1 }, true, [
    { code: 'invalid-field', severity: 'error', field: 'resourceControlPolicies', message: 'resourceControlPolicies must be an array of policy documents, got 1' },
  ]],
  ['a vpcEndpoint that is an array', { ...BASE, vpcEndpoint: ['vpce-0a1b2c3d'] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'vpcEndpoint', message: 'vpcEndpoint must be an object with an id, got ["vpce-0a1b2c3d"]' },
  ]],
  ['a vpcEndpoint with an unknown field', { ...BASE, vpcEndpoint: { id: 'vpce-0a1b2c3d', Policy: {} } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'vpcEndpoint.Policy', message: 'unknown vpcEndpoint field `Policy`: expected id, vpcId, policy' },
  ]],
  ['a vpcEndpoint id with characters after the id', { ...BASE, vpcEndpoint: { id: 'vpce-0a1b2c3d ' } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'vpcEndpoint.id', message: 'vpcEndpoint.id is "vpce-0a1b2c3d ": expected an endpoint id such as "vpce-1234abcd"' },
  ]],
  ['a vpcEndpoint id with nothing before vpce-', { ...BASE, vpcEndpoint: { id: 'xvpce-0a1b2c3d' } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'vpcEndpoint.id', message: 'vpcEndpoint.id is "xvpce-0a1b2c3d": expected an endpoint id such as "vpce-1234abcd"' },
  ]],
  ['a vpcEndpoint without an id', { ...BASE, vpcEndpoint: { vpcId: 'vpc-1' } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'vpcEndpoint.id', message: 'vpcEndpoint.id is nothing: expected an endpoint id such as "vpce-1234abcd"' },
  ]],
  ['a vpcEndpoint vpcId that is not a string', { ...BASE, vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 1 } }, true, [
    { code: 'invalid-field', severity: 'error', field: 'vpcEndpoint.vpcId', message: 'vpcEndpoint.vpcId is 1: expected a string' },
  ]],
  ['a vpcEndpoint policy that is invalid, labelled as the VPC endpoint policy', { ...BASE, vpcEndpoint: { id: 'vpce-0a1b2c3d', policy: { Statement: [] } } }, true, [
    { code: 'invalid-policy', severity: 'error', policy: 'VPC endpoint policy', field: 'Statement', message: 'the VPC endpoint policy has an empty Statement array: add at least one statement' },
  ]],
  ['grants that is an object', { ...BASE, grants: {} }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants', message: 'grants must be an array of grants, got {}' },
  ]],
  ['a grant that is null', { ...BASE, grants: [{ granteePrincipal: ROLE, operations: ['Decrypt'] }, null] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants[1]', message: 'grants[1] must be an object, got null' },
  ]],
  ['a grant with an unknown field', { ...BASE, grants: [{ granteePrincipal: ROLE, operations: ['Decrypt'], GrantId: 'g' }] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants[0].GrantId', message: 'unknown grant field `GrantId`: expected grantId, granteePrincipal, retiringPrincipal, operations, constraints, issuingAccount' },
  ]],
  ['a grant with a name is read', { ...BASE, grants: [{ name: 'orders', granteePrincipal: ROLE, operations: ['Decrypt'] }] }, true, []],
  ['a grantId too long', { ...BASE, grants: [{ grantId: LONG, granteePrincipal: ROLE, operations: ['Decrypt'] }] }, true, [
    { code: 'value-too-long', severity: 'error', field: 'grants[0].grantId', message: tooLongMessage('grants[0].grantId', LONG) },
  ]],
  ['a granteePrincipal that is a number', { ...BASE, grants: [{ granteePrincipal: 111122223333, operations: ['Decrypt'] }] }, true, [
    { code: 'missing-field', severity: 'error', field: 'grants[0].granteePrincipal', message: 'grants[0].granteePrincipal is 111122223333: expected a principal ARN, an account id, or a service principal' },
  ]],
  ['a granteePrincipal too long', { ...BASE, grants: [{ granteePrincipal: LONG, operations: ['Decrypt'] }] }, true, [
    { code: 'value-too-long', severity: 'error', field: 'grants[0].granteePrincipal', message: tooLongMessage('grants[0].granteePrincipal', LONG) },
  ]],
  ['a granteePrincipal that is not a principal', { ...BASE, grants: [{ granteePrincipal: 'arn:aws:s3:::bucket', operations: ['Decrypt'] }] }, true, [
    { code: 'invalid-arn', severity: 'error', field: 'grants[0].granteePrincipal', message: 'grants[0].granteePrincipal: `arn:aws:s3:::bucket` is not an AWS principal: expected "*", a 12-digit account id, or an IAM user, role, root or STS session ARN' },
  ]],
  ['a grantee "*"', { ...BASE, grants: [{ granteePrincipal: '*', operations: ['Decrypt'] }] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants[0].granteePrincipal', message: 'grants[0].granteePrincipal is "*": a grant names one principal' },
  ]],
  ['a retiringPrincipal "*"', { ...BASE, grants: [{ granteePrincipal: ROLE, retiringPrincipal: '*', operations: ['Decrypt'] }] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants[0].retiringPrincipal', message: 'grants[0].retiringPrincipal is "*": a grant names one principal' },
  ]],
  ['grant operations that are not a list', { ...BASE, grants: [{ granteePrincipal: ROLE, operations: 'Decrypt' }] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants[0].operations', message: 'grants[0].operations is "Decrypt": expected an array of strings' },
  ]],
  ['grant operations with a name too long', { ...BASE, grants: [{ granteePrincipal: ROLE, operations: ['Decrypt', LONG] }] }, true, [
    { code: 'value-too-long', severity: 'error', field: 'grants[0].operations', message: tooLongMessage('grants[0].operations', LONG) },
  ]],
  ['grant operations with an operation grants cannot give, echoed up to 120 characters', { ...BASE, grants: [{ granteePrincipal: ROLE, operations: ['Decrypt', 'ScheduleKeyDeletion' + 'n'.repeat(120)] }] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants[0].operations', message: 'grants[0].operations has `ScheduleKeyDeletionnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...`, which is not a grant operation: expected names such as "Decrypt", "Encrypt", "GenerateDataKey", "CreateGrant", "RetireGrant", "DescribeKey"' },
  ]],
  ['grant constraints that are a string', { ...BASE, grants: [{ granteePrincipal: ROLE, operations: ['Decrypt'], constraints: 'app=orders' }] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants[0].constraints', message: 'grants[0].constraints must be an object with encryptionContextEquals or encryptionContextSubset, got "app=orders"' },
  ]],
  ['grant constraints with no constraint', { ...BASE, grants: [{ granteePrincipal: ROLE, operations: ['Decrypt'], constraints: {} }] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants[0].constraints', message: 'grants[0].constraints has []: expected exactly one of encryptionContextEquals or encryptionContextSubset' },
  ]],
  ['grant constraints of another name', { ...BASE, grants: [{ granteePrincipal: ROLE, operations: ['Decrypt'], constraints: { encryptionContext: { app: 'orders' } } }] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants[0].constraints', message: 'grants[0].constraints has ["encryptionContext"]: expected exactly one of encryptionContextEquals or encryptionContextSubset' },
  ]],
  ['a grant issuingAccount that is a number', { ...BASE, grants: [{ granteePrincipal: ROLE, operations: ['Decrypt'], issuingAccount: 111122223333 }] }, true, [
    { code: 'invalid-field', severity: 'error', field: 'grants[0].issuingAccount', message: 'grants[0].issuingAccount is 111122223333: expected a 12-digit account id' },
  ]],
  ['a given key that cannot be read leaves no environment', { ...BASE, key: { arn: 'alias/orders', policy: KEY_POLICY } }, false, [
    { code: 'invalid-arn', severity: 'error', field: 'key.arn', message: 'key.arn `alias/orders` is not a KMS key ARN: expected arn:aws:kms:REGION:ACCOUNT:key/ID' },
  ]],
  ['a scenario without key is read', { caller: { arn: SESSION } }, true, []],
  ['a policy comparing aws:PrincipalArn with the role under a path, without caller.roleArn', { ...BASE, key: { arn: KEY_ARN, policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app/orders-app' } } }] } } }, true, [
    { code: 'unknown-role-path', severity: 'error', policy: 'key policy', statement: 'statement #0', field: 'Condition', message: expect.stringMatching(/^statement #0 of the key policy compares aws:PrincipalArn with `arn:aws:iam::111122223333:role\/app\/orders-app`/) },
  ]],
];

describe('readEnvironment: every problem of the environment part, whole (README "Scenario format")', () => {
  test.each(ENV_CASES)('%s', (_, raw, readable, expected) => {
    const issues = new IssueCollector();
    const env = readEnvironment(raw, issues);
    expect(issues.issues).toEqual(expected);
    expect(env !== undefined).toBe(readable);
  });
});

/** readRequest: [what, request, environment, whether a request is read, every issue the request draws]. */
const REQUEST_CASES: ReadonlyArray<readonly [string, unknown, Obj, boolean, readonly ExpectedIssue[]]> = [
  ['a request that is missing', undefined, BASE, false, [
    { code: 'missing-field', severity: 'error', field: 'request', message: 'request must be an object with at least an action, got nothing' },
  ]],
  ['a request that is an array', ['kms:Decrypt'], BASE, false, [
    { code: 'invalid-field', severity: 'error', field: 'request', message: 'request must be an object with at least an action, got ["kms:Decrypt"]' },
  ]],
  ['an unknown request field, its name clipped to 64 characters', { action: 'kms:Decrypt', [LONG_NAME]: true }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff...', message: 'unknown request field `ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff...`: expected one of action, keyId, encryptionContext, grantId, createGrant, newKeyPolicy, bypassPolicyLockoutSafetyCheck, aliasArn, destinationKey, context' },
  ]],
  ['request.action missing', { keyId: KEY_ARN }, BASE, false, [
    { code: 'missing-field', severity: 'error', field: 'request.action', message: 'request.action is missing: name the KMS operation, e.g. "kms:Decrypt"' },
  ]],
  ['request.action that is a number', { action: 3 }, BASE, false, [
    { code: 'invalid-field', severity: 'error', field: 'request.action', message: 'request.action is 3: expected a string such as "kms:Decrypt"' },
  ]],
  ['request.action that is no KMS action, echoed up to 120 characters', { action: 'kms:' + 'D'.repeat(130) }, BASE, false, [
    { code: 'unknown-action', severity: 'error', field: 'request.action', message: 'request.action `kms:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD...` is not a KMS action: expected one of the operations in the KMS permissions reference, e.g. "kms:Decrypt"' },
  ]],
  ['request.action kms:ReEncrypt in other case is the ReEncrypt API', { action: 'KMS:reEncrypt', destinationKey: BASE.key }, BASE, true, []],
  ['request.action of 13 characters that is not kms:ReEncrypt', { action: 'kms:ReEncryp' }, BASE, false, [
    { code: 'unknown-action', severity: 'error', field: 'request.action', message: 'request.action `kms:ReEncryp` is not a KMS action: expected one of the operations in the KMS permissions reference, e.g. "kms:Decrypt"' },
  ]],
  ['request.keyId that is not a string', { action: 'kms:Decrypt', keyId: { id: KEY_ARN } }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.keyId', message: 'request.keyId is {"id":"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}: expected a string' },
  ]],
  ['request.keyId too long', { action: 'kms:Decrypt', keyId: LONG }, BASE, true, [
    { code: 'value-too-long', severity: 'error', field: 'request.keyId', message: tooLongMessage('request.keyId', LONG) },
  ]],
  ['request.grantId that is not a string', { action: 'kms:RetireGrant', grantId: 1 }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.grantId', message: 'request.grantId is 1: expected a string' },
    { code: 'missing-field', severity: 'error', field: 'request.grantId', message: 'a kms:RetireGrant request needs request.grantId naming one of the scenario\'s grants' },
  ]],
  ['request.aliasArn that is not a string', { action: 'kms:CreateAlias', aliasArn: 1 }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.aliasArn', message: 'request.aliasArn is 1: expected a string' },
    { code: 'missing-field', severity: 'error', field: 'request.aliasArn', message: 'kms:CreateAlias is authorized on the alias too: add request.aliasArn (arn:aws:kms:REGION:ACCOUNT:alias/NAME)' },
  ]],
  ['request.aliasArn that is a key ARN, echoed up to 120 characters', { action: 'kms:CreateAlias', aliasArn: LONG_ARN }, BASE, true, [
    { code: 'invalid-arn', severity: 'error', field: 'request.aliasArn', message: 'request.aliasArn `arn:aws:kms:us-west-2:111122223333:key/kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...` is not an alias ARN: expected arn:aws:kms:REGION:ACCOUNT:alias/NAME' },
  ]],
  ['request.bypassPolicyLockoutSafetyCheck that is a number', { action: 'kms:PutKeyPolicy', newKeyPolicy: KEY_POLICY, bypassPolicyLockoutSafetyCheck: 0 }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.bypassPolicyLockoutSafetyCheck', message: 'request.bypassPolicyLockoutSafetyCheck is 0: expected true or false' },
  ]],
  ['request.encryptionContext that is a string', { action: 'kms:Decrypt', encryptionContext: 'app=orders' }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.encryptionContext', message: 'request.encryptionContext is "app=orders": expected an object of string values, e.g. {"Department": "IT"}' },
  ]],
  ['request.encryptionContext with a value too long', { action: 'kms:Decrypt', encryptionContext: { app: LONG } }, BASE, true, [
    { code: 'value-too-long', severity: 'error', field: 'request.encryptionContext.app', message: tooLongMessage('request.encryptionContext.app', LONG) },
  ]],
  ['request.context that is an array', { action: 'kms:Decrypt', context: ['aws:SourceIp'] }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.context', message: 'request.context must be an object of condition keys, got ["aws:SourceIp"]' },
  ]],
  ['request.context with a key too long', { action: 'kms:Decrypt', context: { [LONG]: 'x' } }, BASE, true, [
    { code: 'value-too-long', severity: 'error', field: 'request.context.' + clip(LONG), message: tooLongMessage('a key of request.context', LONG) },
  ]],
  ['request.context with a string too long', { action: 'kms:Decrypt', context: { 'aws:SourceIp': LONG } }, BASE, true, [
    { code: 'value-too-long', severity: 'error', field: 'request.context.aws:SourceIp', message: tooLongMessage('request.context.aws:SourceIp', LONG) },
  ]],
  ['request.context with a list holding a string too long', { action: 'kms:Decrypt', context: { 'aws:TagKeys': ['a', LONG] } }, BASE, true, [
    { code: 'value-too-long', severity: 'error', field: 'request.context.aws:TagKeys', message: tooLongMessage('request.context.aws:TagKeys', LONG) },
  ]],
  ['request.context with null', { action: 'kms:Decrypt', context: { 'aws:SourceVpce': null } }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.context.aws:SourceVpce', message: 'request.context["aws:SourceVpce"] is null: expected a string, number, boolean, or an array of strings' },
  ]],
  ['request.context with numbers, booleans and lists of strings is read', { action: 'kms:Decrypt', context: { 'aws:MultiFactorAuthAge': 30, 'aws:SecureTransport': true, 'aws:TagKeys': ['a'] } }, BASE, true, []],
  ['newKeyPolicy that is invalid, labelled as the new key policy', { action: 'kms:PutKeyPolicy', newKeyPolicy: { Version: '2012-10-17' } }, BASE, true, [
    { code: 'invalid-policy', severity: 'error', policy: 'new key policy', field: 'Statement', message: 'the new key policy has no Statement element: add "Statement": [ ... ]' },
  ]],
  ['a destinationKey that is a string', { action: 'kms:ReEncrypt', destinationKey: KEY_ARN }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.destinationKey', message: 'request.destinationKey must be an object with arn and policy, got "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"' },
  ]],
  ['a destinationKey without a policy', { action: 'kms:UpdateAlias', aliasArn: ALIAS_ARN, destinationKey: { arn: KEY_ARN } }, BASE, true, [
    { code: 'missing-field', severity: 'error', field: 'request.destinationKey.policy', message: 'request.destinationKey.policy is missing: every KMS key has exactly one key policy' },
  ]],
  ['a destinationKey policy that is invalid, labelled as the destination key\'s', { action: 'kms:ReEncrypt', destinationKey: { arn: KEY_ARN, policy: { Statement: [] } } }, BASE, true, [
    { code: 'invalid-policy', severity: 'error', policy: 'key policy of the destination key', field: 'Statement', message: 'the key policy of the destination key has an empty Statement array: add at least one statement' },
  ]],
  ['a destinationKey with an unknown field', { action: 'kms:ReEncrypt', destinationKey: { arn: KEY_ARN, policy: KEY_POLICY, alias: 'x' } }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.destinationKey.alias', message: 'unknown key field `alias`: expected one of arn, policy, keySpec, keyUsage, keyOrigin, multiRegion, multiRegionKeyType, aliases, tags' },
  ]],
  ['UpdateAlias without a destinationKey', { action: 'kms:UpdateAlias', aliasArn: ALIAS_ARN }, BASE, true, [
    { code: 'missing-field', severity: 'error', field: 'request.destinationKey', message: 'kms:UpdateAlias is authorized on the new target key too: add request.destinationKey (the same key object again when it is the same key)' },
  ]],
  ['ReEncrypt without a destinationKey', { action: 'kms:ReEncrypt' }, BASE, true, [
    { code: 'missing-field', severity: 'error', field: 'request.destinationKey', message: 'kms:ReEncrypt is authorized on kms:ReEncryptTo on the destination key too: add request.destinationKey (the same key object again when it is the same key)' },
  ]],
  ['UpdateAlias with a destinationKey that cannot be read draws no second error', { action: 'kms:UpdateAlias', aliasArn: ALIAS_ARN, destinationKey: 'alias/orders' }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.destinationKey', message: 'request.destinationKey must be an object with arn and policy, got "alias/orders"' },
  ]],
  ['CreateAlias without an aliasArn', { action: 'kms:CreateAlias' }, BASE, true, [
    { code: 'missing-field', severity: 'error', field: 'request.aliasArn', message: 'kms:CreateAlias is authorized on the alias too: add request.aliasArn (arn:aws:kms:REGION:ACCOUNT:alias/NAME)' },
  ]],
  ['UpdateAlias without an aliasArn', { action: 'kms:UpdateAlias', destinationKey: BASE.key }, BASE, true, [
    { code: 'missing-field', severity: 'error', field: 'request.aliasArn', message: 'kms:UpdateAlias is authorized on the alias too: add request.aliasArn (arn:aws:kms:REGION:ACCOUNT:alias/NAME)' },
  ]],
  ['RetireGrant without a grantId', { action: 'kms:RetireGrant' }, BASE, true, [
    { code: 'missing-field', severity: 'error', field: 'request.grantId', message: 'a kms:RetireGrant request needs request.grantId naming one of the scenario\'s grants' },
  ]],
  ['CreateGrant without createGrant', { action: 'kms:CreateGrant' }, BASE, true, [
    { code: 'missing-field', severity: 'error', field: 'request.createGrant', message: 'a kms:CreateGrant request needs request.createGrant with the grantee principal and operations' },
  ]],
  ['CreateGrant with createGrant null', { action: 'kms:CreateGrant', createGrant: null }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.createGrant', message: 'request.createGrant must be an object, got null' },
    { code: 'missing-field', severity: 'error', field: 'request.createGrant', message: 'a kms:CreateGrant request needs request.createGrant with the grantee principal and operations' },
  ]],
  ['CreateGrant without operations', { action: 'kms:CreateGrant', createGrant: { granteePrincipal: ROLE } }, BASE, true, [
    { code: 'missing-field', severity: 'error', field: 'request.createGrant.operations', message: 'request.createGrant.operations is missing: list the grant operations, e.g. ["Decrypt"]' },
    { code: 'missing-field', severity: 'error', field: 'request.createGrant', message: 'a kms:CreateGrant request needs request.createGrant with the grantee principal and operations' },
  ]],
  ['CreateGrant with an empty operations list', { action: 'kms:CreateGrant', createGrant: { granteePrincipal: ROLE, operations: [] } }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.createGrant.operations', message: 'request.createGrant.operations is empty: a grant allows at least one operation' },
    { code: 'missing-field', severity: 'error', field: 'request.createGrant', message: 'a kms:CreateGrant request needs request.createGrant with the grantee principal and operations' },
  ]],
  ['CreateGrant with a retiring principal that is not a principal', { action: 'kms:CreateGrant', createGrant: { granteePrincipal: ROLE, retiringPrincipal: 'bob', operations: ['Decrypt'] } }, BASE, true, [
    { code: 'invalid-arn', severity: 'error', field: 'request.createGrant.retiringPrincipal', message: 'request.createGrant.retiringPrincipal: `bob` is not an AWS principal: expected "*", a 12-digit account id, or an IAM user, role, root or STS session ARN' },
  ]],
  ['CreateGrant with constraints that name no constraint', { action: 'kms:CreateGrant', createGrant: { granteePrincipal: ROLE, operations: ['Decrypt'], constraints: { encryptionContextEquals: { a: 'b' }, extra: 1 } } }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.createGrant.constraints', message: 'request.createGrant.constraints has ["encryptionContextEquals","extra"]: expected exactly one of encryptionContextEquals or encryptionContextSubset' },
  ]],
  ['CreateGrant with constraints whose context is not an object', { action: 'kms:CreateGrant', createGrant: { granteePrincipal: ROLE, operations: ['Decrypt'], constraints: { encryptionContextSubset: 'a=b' } } }, BASE, true, [
    { code: 'invalid-field', severity: 'error', field: 'request.createGrant.constraints.encryptionContextSubset', message: 'request.createGrant.constraints.encryptionContextSubset is "a=b": expected an object of string values, e.g. {"Department": "IT"}' },
  ]],
  ['a key operation with no key in the scenario', { action: 'kms:Encrypt' }, { caller: { arn: SESSION } }, true, [
    { code: 'missing-field', severity: 'error', field: 'key', message: 'kms:Encrypt is an operation on a KMS key, but the scenario has no key: add "key": {"arn": ..., "policy": ...}' },
  ]],
  ['ReEncrypt with no key in the scenario', { action: 'kms:ReEncrypt', destinationKey: BASE.key }, { caller: { arn: SESSION } }, true, [
    { code: 'missing-field', severity: 'error', field: 'key', message: 'kms:ReEncrypt is an operation on a KMS key, but the scenario has no key: add "key": {"arn": ..., "policy": ...}' },
  ]],
  ['an IAM-only action with no key in the scenario', { action: 'kms:ListAliases' }, { caller: { arn: SESSION } }, true, []],
  ['a key operation on a key without a policy', { action: 'kms:Decrypt' }, { caller: { arn: SESSION }, key: { arn: KEY_ARN } }, true, [
    { code: 'missing-field', severity: 'error', field: 'key.policy', message: 'key.policy is missing: every KMS key has exactly one key policy' },
  ]],
  ['CreateKey on a key without a policy', { action: 'kms:CreateKey' }, { caller: { arn: SESSION }, key: { arn: KEY_ARN } }, true, []],
];

describe('readRequest: every problem of a request, whole (README "Scenario format", kms-semantics.md §0)', () => {
  test.each(REQUEST_CASES)('%s', (_, raw, scenario, readable, expected) => {
    const envIssues = new IssueCollector();
    const env = readEnvironment(scenario, envIssues);
    expect(envIssues.issues).toEqual([]);
    const issues = new IssueCollector();
    const req = readRequest(raw, env, issues);
    expect(issues.issues).toEqual(expected);
    expect(req !== undefined).toBe(readable);
  });
});

/** compilePolicy: [what, policy, kind, label (as the scenario readers name the policy), every issue]. */
const POLICY_CASES: ReadonlyArray<readonly [string, Obj, PolicyKind, string, readonly ExpectedIssue[]]> = [
  ['Allow with NotPrincipal in a key policy', { Statement: [{ Sid: 'Everyone', Effect: 'Allow', NotPrincipal: { AWS: ROOT }, Action: 'kms:Decrypt', Resource: '*' }] }, 'key', 'key policy', [
    { code: 'not-principal-with-allow', severity: 'error', policy: 'key policy', statement: 'Sid "Everyone"', field: 'NotPrincipal', message: 'Sid "Everyone" of the key policy has "Effect": "Allow" with NotPrincipal, which would allow every principal except the listed ones, including other accounts and anonymous callers; AWS recommends against it and most resource-based policies reject it (reference_policies_elements_notprincipal.md). name the principals to allow in Principal, or write Principal "*" with a Condition on aws:PrincipalArn' },
  ]],
  ['Allow with NotPrincipal in an endpoint policy, no Sid', { Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: ROLE }, Action: 'kms:*', Resource: '*' }] }, 'endpoint', 'VPC endpoint policy', [
    { code: 'not-principal-with-allow', severity: 'error', policy: 'VPC endpoint policy', statement: 'statement #0', field: 'NotPrincipal', message: 'statement #0 of the VPC endpoint policy has "Effect": "Allow" with NotPrincipal, which would allow every principal except the listed ones, including other accounts and anonymous callers; AWS recommends against it and most resource-based policies reject it (reference_policies_elements_notprincipal.md). name the principals to allow in Principal, or write Principal "*" with a Condition on aws:PrincipalArn' },
  ]],
  ['Deny with NotPrincipal is read', { Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: ROOT }, Action: 'kms:ScheduleKeyDeletion', Resource: '*' }] }, 'key', 'key policy', []],
  ['an invisible character in a Sid', { Statement: [{ Sid: 'Read\u200bKeys', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }] }, 'identity', 'identity policy #0', [
    { code: 'invisible-character', severity: 'warning', policy: 'identity policy #0', statement: 'Sid "Read\u200bKeys"', field: 'Sid', message: 'the value `Read\\u200B` of the identity policy #0 holds U+200B (zero-width space), which nobody reading the policy can see: a name or ARN holding it matches nothing written without it. remove the character' },
  ]],
  ['an invisible character in a Resource ARN', { Statement: [{ Effect: 'Allow', Action: 'kms:GetKeyPolicy', Resource: ['*', KEY_ARN + '\u00ad'] }] }, 'boundary', 'permissions boundary', [
    { code: 'invisible-character', severity: 'warning', policy: 'permissions boundary', statement: 'statement #0', field: 'Resource', message: 'the value `...ey/1234abcd-12ab-34cd-56ef-1234567890ab\\u00AD` of the permissions boundary holds U+00AD (soft hyphen), which nobody reading the policy can see: a name or ARN holding it matches nothing written without it. remove the character' },
  ]],
  ['an invisible character in a NotResource ARN', { Statement: [{ Effect: 'Deny', Action: 'kms:GetKeyRotationStatus', NotResource: [KEY_ARN + '\ufeff'] }] }, 'session', 'session policy', [
    { code: 'invisible-character', severity: 'warning', policy: 'session policy', statement: 'statement #0', field: 'NotResource', message: 'the value `...ey/1234abcd-12ab-34cd-56ef-1234567890ab\\uFEFF` of the session policy holds U+FEFF (zero-width no-break space (byte-order mark)), which nobody reading the policy can see: a name or ARN holding it matches nothing written without it. remove the character' },
  ]],
  ['a lone surrogate in a Resource ARN of an SCP', { Statement: [{ Effect: 'Deny', Action: 'kms:ListResourceTags', Resource: KEY_ARN + '\ud800' }] }, 'scp', 'SCP #0', [
    { code: 'invisible-character', severity: 'warning', policy: 'SCP #0', statement: 'statement #0', field: 'Resource', message: 'the value `...ey/1234abcd-12ab-34cd-56ef-1234567890ab\\uD800` of the SCP #0 holds a lone surrogate U+D800 (not valid Unicode, so it has no UTF-8 form), which nobody reading the policy can see: a name or ARN holding it matches nothing written without it. remove the character' },
  ]],
  ['an invisible character in a role principal', { Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE + '\u200c' }, Action: 'kms:GetPublicKey', Resource: '*' }] }, 'endpoint', 'VPC endpoint policy', [
    { code: 'invisible-character', severity: 'warning', policy: 'VPC endpoint policy', statement: 'statement #0', field: 'Principal.AWS', message: 'the value `orders-app\\u200C` of the VPC endpoint policy holds U+200C (zero-width non-joiner), which nobody reading the policy can see: a name or ARN holding it matches nothing written without it. remove the character' },
  ]],
  ['an invisible character in a user principal', { Statement: [{ Effect: 'Allow', Principal: { AWS: USER + '\u200d' }, Action: 'kms:GetPublicKey', Resource: '*' }] }, 'endpoint', 'VPC endpoint policy', [
    { code: 'invisible-character', severity: 'warning', policy: 'VPC endpoint policy', statement: 'statement #0', field: 'Principal.AWS', message: 'the value `alice\\u200D` of the VPC endpoint policy holds U+200D (zero-width joiner), which nobody reading the policy can see: a name or ARN holding it matches nothing written without it. remove the character' },
  ]],
  ['an invisible character in a session principal', { Statement: [{ Effect: 'Allow', Principal: { AWS: SESSION + '\u2060' }, Action: 'kms:GetPublicKey', Resource: '*' }] }, 'endpoint', 'VPC endpoint policy', [
    { code: 'invisible-character', severity: 'warning', policy: 'VPC endpoint policy', statement: 'statement #0', field: 'Principal.AWS', message: 'the value `orders-app/i-0abc\\u2060` of the VPC endpoint policy holds U+2060 (word joiner), which nobody reading the policy can see: a name or ARN holding it matches nothing written without it. remove the character' },
  ]],
  ['an invisible character in a federated-user principal', { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:sts::111122223333:federated-user/bob\u180e' }, Action: 'kms:GetPublicKey', Resource: '*' }] }, 'endpoint', 'VPC endpoint policy', [
    { code: 'invisible-character', severity: 'warning', policy: 'VPC endpoint policy', statement: 'statement #0', field: 'Principal.AWS', message: 'the value `bob\\u180E` of the VPC endpoint policy holds U+180E, which nobody reading the policy can see: a name or ARN holding it matches nothing written without it. remove the character' },
  ]],
  ['an invisible character in a NotPrincipal of a Deny', { Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: ROLE + '\u200b' }, Action: 'kms:Decrypt', Resource: '*' }] }, 'rcp', 'RCP #0', [
    { code: 'invisible-character', severity: 'warning', policy: 'RCP #0', statement: 'statement #0', field: 'NotPrincipal.AWS', message: 'the value `orders-app\\u200B` of the RCP #0 holds U+200B (zero-width space), which nobody reading the policy can see: a name or ARN holding it matches nothing written without it. remove the character' },
  ]],
  ['a visible Latin-1 letter draws no warning', { Statement: [{ Sid: 'Caf\u00e9', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: 'arn:aws:kms:us-west-2:111122223333:key/caf\u00e9' }] }, 'identity', 'identity policy #0', []],
  ['an invisible character in a key policy is left to the input checks', { Statement: [{ Sid: 'Key\u200b', Effect: 'Allow', Principal: { AWS: ROLE + '\u200b' }, Action: 'kms:Decrypt', Resource: KEY_ARN + '\u200b' }] }, 'key', 'key policy', []],
  ['two statements sharing a Sid', { Statement: [{ Sid: 'Same', Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }, { Sid: 'Other', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }, { Sid: 'Same', Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }] }, 'identity', 'identity policy #1', [
    { code: 'duplicate-sid', severity: 'warning', policy: 'identity policy #1', statement: 'Sid "Same" (statement #2)', field: 'Sid', message: 'statements #0 and #2 of the identity policy #1 share the Sid "Same", so explanations and finding ids name each with its index (Sid "Same" (statement #2)), and IAM rejects an identity policy whose Sids are not unique. give each statement its own Sid' },
  ]],
  ['three statements sharing a Sid: each later one is reported once', { Statement: [{ Sid: 'Dup', Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }, { Sid: 'Dup', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }, { Sid: 'Dup', Effect: 'Allow', Action: 'kms:Sign', Resource: '*' }] }, 'identity', 'identity policy #2', [
    { code: 'duplicate-sid', severity: 'warning', policy: 'identity policy #2', statement: 'Sid "Dup" (statement #1)', field: 'Sid', message: 'statements #0 and #1 of the identity policy #2 share the Sid "Dup", so explanations and finding ids name each with its index (Sid "Dup" (statement #1)), and IAM rejects an identity policy whose Sids are not unique. give each statement its own Sid' },
    { code: 'duplicate-sid', severity: 'warning', policy: 'identity policy #2', statement: 'Sid "Dup" (statement #2)', field: 'Sid', message: 'statements #0 and #2 of the identity policy #2 share the Sid "Dup", so explanations and finding ids name each with its index (Sid "Dup" (statement #2)), and IAM rejects an identity policy whose Sids are not unique. give each statement its own Sid' },
  ]],
  ['empty Sids are not duplicates', { Statement: [{ Sid: '', Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }, { Sid: '', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }, 'identity', 'identity policy #0', []],
  ['a grant key on Decrypt', { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:GrantOperations': 'Decrypt-1' } } }] }, 'identity', 'identity policy #0', [
    { code: 'missing-set-operator', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.kms:GrantOperations', message: '`kms:GrantOperations` is multi-valued and needs a set operator, but `StringEquals` has none; it is evaluated as true when any request value matches. write `ForAnyValue:StringEquals` or `ForAllValues:StringEquals`' },
    { code: 'condition-key-not-applicable', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.kms:GrantOperations', message: 'condition key `kms:GrantOperations` exists for none of the actions this statement covers (kms:Decrypt): KMS requests for them never carry it, so a positive operator on it never matches and a negated operator or `...IfExists` always does (conditions-kms.md; the KMS permissions reference lists the condition keys of each action). move the condition to a statement for actions that carry the key, e.g. kms:CreateGrant' },
  ]],
  ['a key on four actions none of which carries it', { Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:DescribeKey', 'kms:ListAliases'], Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }] }, 'identity', 'identity policy #0', [
    { code: 'condition-key-not-applicable', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.Bool.kms:GrantIsForAWSResource', message: 'condition key `kms:GrantIsForAWSResource` exists for none of the actions this statement covers (kms:Decrypt, kms:Encrypt, kms:DescribeKey, ...): KMS requests for them never carry it, so a positive operator on it never matches and a negated operator or `...IfExists` always does (conditions-kms.md; the KMS permissions reference lists the condition keys of each action). move the condition to a statement for actions that carry the key, e.g. kms:CreateGrant, kms:ListGrants, kms:RevokeGrant' },
  ]],
  ['a key on three actions none of which carries it', { Statement: [{ Effect: 'Allow', Action: ['kms:Verify', 'kms:Sign', 'kms:GetPublicKey'], Resource: '*', Condition: { StringEquals: { 'kms:GranteePrincipal': ROLE + '-3' } } }] }, 'identity', 'identity policy #0', [
    { code: 'condition-key-not-applicable', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.kms:GranteePrincipal', message: 'condition key `kms:GranteePrincipal` exists for none of the actions this statement covers (kms:Verify, kms:Sign, kms:GetPublicKey): KMS requests for them never carry it, so a positive operator on it never matches and a negated operator or `...IfExists` always does (conditions-kms.md; the KMS permissions reference lists the condition keys of each action). move the condition to a statement for actions that carry the key, e.g. kms:CreateGrant' },
  ]],
  ['a key under NotAction that covers none of its actions', { Statement: [{ Effect: 'Deny', NotAction: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'false' } } }] }, 'identity', 'identity policy #0', [
    { code: 'condition-key-not-applicable', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.Bool.kms:GrantIsForAWSResource', message: 'condition key `kms:GrantIsForAWSResource` exists for none of the actions this statement covers (NotAction kms:CreateGrant, kms:ListGrants, kms:RevokeGrant): KMS requests for them never carry it, so a positive operator on it never matches and a negated operator or `...IfExists` always does (conditions-kms.md; the KMS permissions reference lists the condition keys of each action). move the condition to a statement for actions that carry the key, e.g. kms:CreateGrant, kms:ListGrants, kms:RevokeGrant' },
  ]],
  ['a key under NotAction that leaves an action carrying it', { Statement: [{ Effect: 'Deny', NotAction: ['kms:CreateGrant', 'kms:ListGrants'], Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'False' } } }] }, 'identity', 'identity policy #0', []],
  ['a key under NotAction kms:* (no KMS action left) is not judged', { Statement: [{ Effect: 'Deny', NotAction: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:GrantOperations': 'Decrypt-notaction' } } }] }, 'identity', 'identity policy #0', [
    { code: 'missing-set-operator', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.kms:GrantOperations', message: '`kms:GrantOperations` is multi-valued and needs a set operator, but `StringEquals` has none; it is evaluated as true when any request value matches. write `ForAnyValue:StringEquals` or `ForAllValues:StringEquals`' },
  ]],
  ['a key of a statement on another service is not judged', { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'kms:GrantOperations': 'Decrypt-s3' } } }] }, 'identity', 'identity policy #0', [
    { code: 'missing-set-operator', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.kms:GrantOperations', message: '`kms:GrantOperations` is multi-valued and needs a set operator, but `StringEquals` has none; it is evaluated as true when any request value matches. write `ForAnyValue:StringEquals` or `ForAllValues:StringEquals`' },
  ]],
  ['a key on one of two actions that carries it', { Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:CreateGrant'], Resource: '*', Condition: { StringEquals: { 'kms:GrantOperations': 'Decrypt-2' } } }] }, 'identity', 'identity policy #0', [
    { code: 'missing-set-operator', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.kms:GrantOperations', message: '`kms:GrantOperations` is multi-valued and needs a set operator, but `StringEquals` has none; it is evaluated as true when any request value matches. write `ForAnyValue:StringEquals` or `ForAllValues:StringEquals`' },
  ]],
  ['a key with an s3 action before the KMS action that lacks it', { Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'kms:GrantOperations': 'Decrypt-s3kms' } } }] }, 'identity', 'identity policy #0', [
    { code: 'missing-set-operator', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.kms:GrantOperations', message: '`kms:GrantOperations` is multi-valued and needs a set operator, but `StringEquals` has none; it is evaluated as true when any request value matches. write `ForAnyValue:StringEquals` or `ForAllValues:StringEquals`' },
    { code: 'condition-key-not-applicable', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.kms:GrantOperations', message: 'condition key `kms:GrantOperations` exists for none of the actions this statement covers (s3:GetObject, kms:Decrypt): KMS requests for them never carry it, so a positive operator on it never matches and a negated operator or `...IfExists` always does (conditions-kms.md; the KMS permissions reference lists the condition keys of each action). move the condition to a statement for actions that carry the key, e.g. kms:CreateGrant' },
  ]],
  ['aws:RequestTag on Decrypt', { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'orders' } } }] }, 'identity', 'identity policy #0', [
    { code: 'condition-key-not-applicable', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.aws:RequestTag/team', message: 'condition key `aws:RequestTag/team` exists for none of the actions this statement covers (kms:Decrypt): KMS requests for them never carry it, so a positive operator on it never matches and a negated operator or `...IfExists` always does (conditions-kms.md; the KMS permissions reference lists the condition keys of each action). move the condition to a statement for actions that carry the key, e.g. kms:CreateKey, kms:TagResource, kms:UntagResource' },
  ]],
  ['aws:TagKeys on Encrypt', { Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } } }] }, 'identity', 'identity policy #0', [
    { code: 'condition-key-not-applicable', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.ForAnyValue:StringEquals.aws:TagKeys', message: 'condition key `aws:TagKeys` exists for none of the actions this statement covers (kms:Encrypt): KMS requests for them never carry it, so a positive operator on it never matches and a negated operator or `...IfExists` always does (conditions-kms.md; the KMS permissions reference lists the condition keys of each action). move the condition to a statement for actions that carry the key, e.g. kms:CreateKey, kms:TagResource, kms:UntagResource' },
  ]],
  ['AWS:REQUESTTAG in capitals on GenerateMac', { Statement: [{ Effect: 'Allow', Action: 'kms:GenerateMac', Resource: '*', Condition: { StringEquals: { 'AWS:REQUESTTAG/team': 'orders' } } }] }, 'identity', 'identity policy #0', [
    { code: 'condition-key-not-applicable', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.AWS:REQUESTTAG/team', message: 'condition key `AWS:REQUESTTAG/team` exists for none of the actions this statement covers (kms:GenerateMac): KMS requests for them never carry it, so a positive operator on it never matches and a negated operator or `...IfExists` always does (conditions-kms.md; the KMS permissions reference lists the condition keys of each action). move the condition to a statement for actions that carry the key, e.g. kms:CreateKey, kms:TagResource, kms:UntagResource' },
  ]],
  ['a global aws: key is not judged', { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] }, 'identity', 'identity policy #0', []],
  ['a key of another service is not judged', { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 's3:prefix': 'home/' } } }] }, 'identity', 'identity policy #0', []],
  ['a short unknown key is not judged', { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:': 'x' } } }] }, 'identity', 'identity policy #0', [
    { code: 'unknown-condition-key', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.kms:', message: 'condition key `kms:` is not one that AWS KMS requests carry, so it is absent from every request: a positive operator on it never matches, and a negated operator or `...IfExists` always does, whatever the request. check the spelling against the KMS condition keys (conditions-kms.md) and the AWS global condition keys (conditions-aws.md)' },
  ]],
  ['the first actions that carry a key are named', { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:KeySpec': 'RSA_2048' } } }] }, 'identity', 'identity policy #0', []],
  ['a key on one action', { Statement: [{ Effect: 'Allow', Action: 'kms:ListAliases', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } } }] }, 'identity', 'identity policy #0', [
    { code: 'condition-key-not-applicable', severity: 'warning', policy: 'identity policy #0', statement: 'statement #0', field: 'Condition.StringEquals.kms:CallerAccount', message: 'condition key `kms:CallerAccount` exists for none of the actions this statement covers (kms:ListAliases): KMS requests for them never carry it, so a positive operator on it never matches and a negated operator or `...IfExists` always does (conditions-kms.md; the KMS permissions reference lists the condition keys of each action). move the condition to a statement for actions that carry the key, e.g. kms:CancelKeyDeletion, kms:ConnectCustomKeyStore, kms:CreateAlias' },
  ]],
];

describe('compilePolicy: NotPrincipal, invisible characters, duplicate Sids, condition keys that never apply', () => {
  test.each(POLICY_CASES)('%s', (_, raw, kind, label, expected) => {
    const issues = new IssueCollector();
    const policy = compilePolicy(raw, kind, label, issues);
    expect(issues.issues).toEqual(expected);
    expect(policy.label).toBe(label);
    expect(policy.kind).toBe(kind);
  });
});

/**
 * The answer for a condition is remembered with the Action element it was given for (compiled conditions are shared by
 * text): the same condition under another Action element is judged again. One condition text, only in this test.
 */
test('a condition shared by statements with other Action elements is judged for each (conditions-kms.md)', () => {
  const condition = { 'ForAnyValue:StringEquals': { 'kms:GrantOperations': 'Decrypt-memo' } };
  const warned = (statement: Obj): boolean => {
    const issues = new IssueCollector();
    compilePolicy({ Statement: [{ Effect: 'Allow', Resource: '*', Condition: condition, ...statement }] }, 'identity', 'identity policy #0', issues);
    return issues.issues.some((i) => i.code === 'condition-key-not-applicable');
  };
  expect([
    warned({ Action: 'kms:Decrypt' }),
    warned({ Action: 'kms:Decrypt' }),
    warned({ Action: 'kms:CreateGrant' }),
    warned({ NotAction: 'kms:CreateGrant' }),
    warned({ Action: ['kms:Decrypt', 'kms:Encrypt'] }),
    warned({ Action: ['kms:Decrypt', 'kms:CreateGrant'] }),
    warned({ Action: ['kms:Decrypt'] }),
    warned({ NotAction: 'kms:Decrypt' }),
    warned({ Action: 'kms:Decrypt' }),
  ]).toEqual([true, true, false, true, true, false, true, false, true]);
});

/** The environment of a valid scenario (no error). */
function envOf(raw: Obj) {
  const issues = new IssueCollector();
  const env = readEnvironment(raw, issues);
  expect(issues.issues.filter((i) => i.severity === 'error')).toEqual([]);
  return env!;
}

/** The request of a valid scenario (no error). */
function requestOf(raw: Obj, scenario: Obj = BASE) {
  const issues = new IssueCollector();
  const req = readRequest(raw, envOf(scenario), issues);
  expect(issues.issues).toEqual([]);
  return req!;
}

const ALLOW_ALL = (extra = ''): Obj => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: `kms:*${extra}`, Resource: '*' }] });

describe('the environment as read: defaults and given values (README "Scenario format")', () => {
  test('a key with only arn and policy has the documented defaults, and the scenario no SCP, RCP, endpoint or grant', () => {
    const env = envOf(BASE);
    const key = env.key!;
    expect(key).toMatchObject({ arn: KEY_ARN, keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', keyOrigin: 'AWS_KMS', multiRegion: false, aliases: [], policyMissing: false });
    expect(key.multiRegionKeyType).toBeUndefined();
    expect(key.parsed).toMatchObject({ partition: 'aws', region: 'us-west-2', account: ACCOUNT });
    expect([...key.tags]).toEqual([]);
    expect([key.policy.label, key.policy.kind, key.policy.statements.length]).toEqual(['key policy', 'key', 1]);
    expect([env.scps, env.rcps, env.grants, env.endpoint]).toEqual([[], [], [], undefined]);
  });

  test('a key\'s properties as given; tags by lower-cased key (aws:ResourceTag keys compare without case, abac.md)', () => {
    const key = envOf({ ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', keyOrigin: 'EXTERNAL', multiRegion: true, multiRegionKeyType: 'PRIMARY', aliases: ['alias/orders', 'alias/billing'], tags: { 'Team': 'Orders', 'COST-Center': 'CC-1' } } }).key!;
    expect(key).toMatchObject({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', keyOrigin: 'EXTERNAL', multiRegion: true, multiRegionKeyType: 'PRIMARY', aliases: ['alias/orders', 'alias/billing'] });
    expect([...key.tags]).toEqual([['team', 'Orders'], ['cost-center', 'CC-1']]);
    expect(envOf({ ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, multiRegion: false } }).key!.multiRegion).toBe(false);
  });

  test('a key without policy is read with an empty key policy, marked missing (for CreateKey)', () => {
    const key = envOf({ ...BASE, key: { arn: KEY_ARN } }).key!;
    expect(key.policyMissing).toBe(true);
    expect([key.policy.label, key.policy.kind, key.policy.statements]).toEqual(['key policy', 'key', []]);
  });

  test('the caller as read: its policies labelled and kinded, tags by lower-cased key, orgId, no roleArn unless given', () => {
    const caller = envOf({
      ...BASE,
      caller: { arn: SESSION, identityPolicies: [ALLOW_ALL(), ALLOW_ALL()], permissionsBoundary: ALLOW_ALL(), sessionPolicy: ALLOW_ALL(), tags: { Project: 'Orders' }, orgId: 'o-a1b2c3d4e5' },
    }).caller;
    expect(caller.identityPolicies.map((p) => [p.label, p.kind])).toEqual([['identity policy #0', 'identity'], ['identity policy #1', 'identity']]);
    expect([caller.permissionsBoundary!.label, caller.permissionsBoundary!.kind]).toEqual(['permissions boundary', 'boundary']);
    expect([caller.sessionPolicy!.label, caller.sessionPolicy!.kind]).toEqual(['session policy', 'session']);
    expect([...caller.tags]).toEqual([['project', 'Orders']]);
    expect(caller.orgId).toBe('o-a1b2c3d4e5');
    expect('roleArn' in caller).toBe(false);
    expect(caller.identity.principalArn).toBe(ROLE);
    const bare = envOf(BASE).caller;
    expect([bare.identityPolicies, bare.permissionsBoundary, bare.sessionPolicy, [...bare.tags], bare.orgId])
      .toEqual([[], undefined, undefined, [], undefined]);
  });

  test('caller.roleArn becomes aws:PrincipalArn of the session, path included (reference_policies_elements_principal.md)', () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/app/team/orders-app`;
    const caller = envOf({ ...BASE, caller: { arn: SESSION, roleArn } }).caller;
    expect(caller.roleArn).toBe(roleArn);
    expect(caller.identity.principalArn).toBe(roleArn);
    expect(caller.identity.arn).toBe(SESSION);
  });

  test('a sparse list of policies keeps the policies it has, each labelled by its position', () => {
    // eslint-disable-next-line no-sparse-arrays
    const env = envOf({ ...BASE, serviceControlPolicies: [, ALLOW_ALL()], resourceControlPolicies: [{ Statement: [{ Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*' }] }] });
    expect(env.scps.map((p) => [p.label, p.kind])).toEqual([['SCP #1', 'scp']]);
    expect(env.rcps.map((p) => [p.label, p.kind])).toEqual([['RCP #0', 'rcp']]);
  });

  test('SCP levels as read, in order', () => {
    const env = envOf({ ...BASE, serviceControlPolicies: [ALLOW_ALL(), ALLOW_ALL()] });
    expect(env.scps.map((p) => p.label)).toEqual(['SCP #0', 'SCP #1']);
  });

  test('the VPC endpoint as read: id, vpcId, its policy; none means the default full-access policy (kms-vpc-endpoint.md)', () => {
    const env = envOf({ ...BASE, vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-9', policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] } } });
    expect(env.endpoint).toMatchObject({ id: 'vpce-0a1b2c3d', vpcId: 'vpc-9' });
    expect([env.endpoint!.policy!.label, env.endpoint!.policy!.kind]).toEqual(['VPC endpoint policy', 'endpoint']);
    expect(envOf({ ...BASE, vpcEndpoint: { id: 'vpce-99' } }).endpoint).toEqual({ id: 'vpce-99', vpcId: undefined, policy: undefined });
  });

  test('grants as read: ids, principals, operations in catalogue spelling, constraints, issuing account (grants.md)', () => {
    const env = envOf({
      ...BASE,
      grants: [
        { granteePrincipal: ROLE, operations: ['Decrypt', 'kms:encrypt', 'KMS:GenerateDataKey'] },
        { grantId: 'g-1', granteePrincipal: 'Logs.AmazonAWS.com', retiringPrincipal: USER, operations: ['Encrypt'], constraints: { encryptionContextEquals: { app: 'orders' } }, issuingAccount: '444455556666' },
        { granteePrincipal: ROLE, operations: ['Decrypt'], constraints: { encryptionContextSubset: { app: 'billing' } } },
      ],
    });
    expect(env.grants.map((g) => [g.grantId, g.grantee, g.retiring, [...g.operations], g.constraints, g.issuingAccount])).toEqual([
      ['grant-0', expect.objectContaining({ type: 'role', account: ACCOUNT, name: 'orders-app' }), undefined, ['Decrypt', 'Encrypt', 'GenerateDataKey'], undefined, ACCOUNT],
      ['g-1', { type: 'service', service: 'logs.amazonaws.com' }, expect.objectContaining({ type: 'user', name: 'alice' }), ['Encrypt'], { type: 'equals', context: { app: 'orders' } }, '444455556666'],
      ['grant-2', expect.objectContaining({ type: 'role' }), undefined, ['Decrypt'], { type: 'subset', context: { app: 'billing' } }, ACCOUNT],
    ]);
  });

  test('a grant that cannot be read is left out; a grant without key has no issuing account', () => {
    const issues = new IssueCollector();
    const env = readEnvironment({ caller: { arn: SESSION }, grants: [{ operations: ['Decrypt'] }, { granteePrincipal: ROLE, operations: ['Nope'] }, { granteePrincipal: ROLE, operations: ['Decrypt'] }] }, issues);
    expect(issues.issues.map((i) => i.field)).toEqual(['grants[0].granteePrincipal', 'grants[1].operations']);
    expect(env!.grants.map((g) => [g.grantId, g.issuingAccount])).toEqual([['grant-2', '']]);
  });
});

describe('the request as read (README "Scenario format")', () => {
  test('its fields as given, the action in catalogue spelling with its profile', () => {
    const newKeyPolicy = { Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }] };
    const encryptionContext = { app: 'orders' };
    const req = requestOf({ action: 'KMS:putkeypolicy', keyId: 'alias/orders', encryptionContext, grantId: 'g-1', newKeyPolicy, bypassPolicyLockoutSafetyCheck: true, aliasArn: ALIAS_ARN });
    expect(req).toMatchObject({ action: 'kms:PutKeyPolicy', keyId: 'alias/orders', grantId: 'g-1', bypassPolicyLockoutSafetyCheck: true, aliasArn: ALIAS_ARN });
    expect(req.encryptionContext).toBe(encryptionContext);
    expect(req.profile!.canonical).toBe('kms:PutKeyPolicy');
    expect([req.newKeyPolicy!.label, req.newKeyPolicy!.kind, req.newKeyPolicy!.statements.length]).toEqual(['new key policy', 'key', 1]);
    expect(requestOf({ action: 'kms:PutKeyPolicy', newKeyPolicy, bypassPolicyLockoutSafetyCheck: false }).bypassPolicyLockoutSafetyCheck).toBe(false);
    const bare = requestOf({ action: 'kms:Decrypt' });
    const fields = [bare.keyId, bare.encryptionContext, bare.grantId, bare.createGrant, bare.newKeyPolicy, bare.bypassPolicyLockoutSafetyCheck];
    fields.push(bare.aliasArn);
    expect([...fields, bare.destinationKey, [...bare.context]])
      .toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, []]);
  });

  test('kms:ReEncrypt stands for the ReEncrypt API: no single profile; the destination key read with its own label', () => {
    const req = requestOf({ action: 'kms:REENCRYPT', destinationKey: { arn: OTHER_KEY_ARN, policy: KEY_POLICY, keySpec: 'RSA_4096' } });
    expect(req.action).toBe('kms:ReEncrypt');
    expect(req.profile).toBeUndefined();
    expect(req.destinationKey).toMatchObject({ arn: OTHER_KEY_ARN, keySpec: 'RSA_4096', policyMissing: false });
    expect(req.destinationKey!.policy.label).toBe('key policy of the destination key');
    expect(requestOf({ action: 'kms:ReEncryptFrom' }).profile!.canonical).toBe('kms:ReEncryptFrom');
  });

  test('request.context: keys lower-cased, numbers and booleans as strings, lists of strings kept', () => {
    const req = requestOf({ action: 'kms:Decrypt', context: { 'aws:MultiFactorAuthAge': 30, 'AWS:SecureTransport': false, 'aws:TagKeys': ['a', 'b'], 'kms:ViaService': 's3.us-west-2.amazonaws.com' } });
    expect([...req.context]).toEqual([['aws:multifactorauthage', '30'], ['aws:securetransport', 'false'], ['aws:tagkeys', ['a', 'b']], ['kms:viaservice', 's3.us-west-2.amazonaws.com']]);
  });

  test('request.createGrant as read: the principals as written and parsed, operations, constraint', () => {
    const req = requestOf({ action: 'kms:CreateGrant', createGrant: { granteePrincipal: ROLE, retiringPrincipal: ACCOUNT, operations: ['kms:Decrypt'], constraints: { encryptionContextSubset: { app: 'orders' } } } });
    expect(req.createGrant).toEqual({
      grantee: expect.objectContaining({ type: 'role', name: 'orders-app' }),
      granteeText: ROLE,
      retiring: expect.objectContaining({ type: 'account', account: ACCOUNT }),
      retiringText: ACCOUNT,
      operations: ['Decrypt'],
      constraints: { type: 'subset', context: { app: 'orders' } },
    });
    const bare = requestOf({ action: 'kms:CreateGrant', createGrant: { granteePrincipal: 'cloudtrail.amazonaws.com', operations: ['Encrypt'] } });
    expect(bare.createGrant).toEqual({ grantee: { type: 'service', service: 'cloudtrail.amazonaws.com' }, granteeText: 'cloudtrail.amazonaws.com', retiring: undefined, retiringText: undefined, operations: ['Encrypt'], constraints: undefined });
  });
});

/** The one statement of a policy compiled as `kind` (`version` null: without Version), with the issues it drew. */
function compiledStatement(statement: Obj, kind: PolicyKind = 'key', version: string | null = '2012-10-17') {
  const issues = new IssueCollector();
  const policy = compilePolicy(version === null ? { Statement: [statement] } : { Version: version, Statement: [statement] }, kind, `the ${kind}`, issues);
  return { statement: policy.statements[0], issues: issues.issues };
}

/**
 * principalArnNarrowed: [what, statement, narrowed]. An Allow whose Principal is "*" and whose Condition tests
 * aws:PrincipalArn with a positive String or ARN operator is not limited by a permissions boundary or session policy
 * (IAM UG reference_policies_elements_principal.md, "IAM role principals"). Each row has a condition value of its own.
 */
const NARROWED_CASES: ReadonlyArray<readonly [string, Obj, boolean]> = [
  ['Principal "*" and StringEquals on aws:PrincipalArn', { Effect: 'Allow', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalArn': `${ROLE}-n1` } } }, true],
  ['Principal {"AWS": "*"} and ArnLike on aws:PrincipalArn', { Effect: 'Allow', Principal: { AWS: '*' }, Condition: { ArnLike: { 'aws:PrincipalArn': `${ROLE}-n2*` } } }, true],
  ['the key name in capitals', { Effect: 'Allow', Principal: '*', Condition: { StringEquals: { 'AWS:PRINCIPALARN': `${ROLE}-n3` } } }, true],
  ['ForAnyValue:StringLike', { Effect: 'Allow', Principal: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalArn': `${ROLE}-n4*` } } }, true],
  ['aws:PrincipalArn tested after another key', { Effect: 'Allow', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalArn': `${ROLE}-n5` } } }, true],
  ['a negated operator (StringNotEquals)', { Effect: 'Allow', Principal: '*', Condition: { StringNotEquals: { 'aws:PrincipalArn': `${ROLE}-n6` } } }, false],
  ['a negated ARN operator (ArnNotLike)', { Effect: 'Allow', Principal: '*', Condition: { ArnNotLike: { 'aws:PrincipalArn': `${ROLE}-n7*` } } }, false],
  ['ForAllValues (true when the key is absent)', { Effect: 'Allow', Principal: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalArn': `${ROLE}-n8` } } }, false],
  ['the Null operator', { Effect: 'Allow', Principal: '*', Condition: { Null: { 'aws:PrincipalArn': 'false' } } }, false],
  ['another key of 16 characters', { Effect: 'Allow', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalTag': `${ROLE}-n9` } } }, false],
  ['aws:PrincipalAccount', { Effect: 'Allow', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } }, false],
  ['a Deny', { Effect: 'Deny', Principal: '*', Condition: { StringEquals: { 'aws:PrincipalArn': `${ROLE}-n10` } } }, false],
  ['a Principal naming the account', { Effect: 'Allow', Principal: { AWS: ROOT }, Condition: { StringEquals: { 'aws:PrincipalArn': `${ROLE}-n11` } } }, false],
  ['Principal "*" without Condition', { Effect: 'Allow', Principal: '*' }, false],
  ['"*" among other principals', { Effect: 'Allow', Principal: { AWS: [ROOT, '*'] }, Condition: { StringEquals: { 'aws:PrincipalArn': `${ROLE}-n13` } } }, true],
];

describe('compiled statements (compiled-policy.ts)', () => {
  test.each(NARROWED_CASES)('principalArnNarrowed: %s', (_, statement, narrowed) => {
    const { statement: s } = compiledStatement({ ...statement, Action: 'kms:Decrypt', Resource: '*' });
    expect(s.principalArnNarrowed).toBe(narrowed);
  });

  test('an identity-policy statement (no Principal) with an aws:PrincipalArn condition is not narrowed', () => {
    expect(compiledStatement({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalArn': `${ROLE}-n12` } } }, 'identity').statement.principalArnNarrowed).toBe(false);
  });

  test('Effect, Action/NotAction, Resource/NotResource as compiled', () => {
    const allow = compiledStatement({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: [KEY_ARN, OTHER_KEY_ARN] }, 'identity').statement;
    const actions = allow.actions.map((a) => a.text);
    expect([allow.isAllow, allow.notAction, actions, allow.resourceNegated, allow.resourceDynamic, allow.resourcePatterns, allow.conditions])
      .toEqual([true, false, ['kms:Decrypt', 'kms:Encrypt'], false, false, [KEY_ARN, OTHER_KEY_ARN], []]);
    const deny = compiledStatement({ Effect: 'Deny', NotAction: 'kms:Decrypt', NotResource: KEY_ARN }, 'identity').statement;
    expect([deny.isAllow, deny.notAction, deny.actions.map((a) => a.text), deny.resourceNegated, deny.resourcePatterns]).toEqual([false, true, ['kms:Decrypt'], true, [KEY_ARN]]);
    const neither = compiledStatement({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt' }).statement;
    expect([neither.resourceNegated, neither.resourcePatterns]).toEqual([false, []]);
  });

  test('policy variables in Resource become templates only in a Version 2012-10-17 policy (reference_policies_variables.md)', () => {
    const templated = `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/key-id}`;
    const withVersion = compiledStatement({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: [KEY_ARN, templated, OTHER_KEY_ARN] }, 'identity').statement;
    expect(withVersion.resourceDynamic).toBe(true);
    expect(withVersion.resourcePatterns.map((p) => typeof p)).toEqual(['string', 'object', 'string']);
    expect(withVersion.resourcePatterns[0]).toBe(KEY_ARN);
    expect(withVersion.resourcePatterns[2]).toBe(OTHER_KEY_ARN);
    const withoutVersion = compiledStatement({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: [KEY_ARN, templated] }, 'identity', null).statement;
    expect([withoutVersion.resourceDynamic, withoutVersion.resourcePatterns]).toEqual([false, [KEY_ARN, templated]]);
    const oldVersion = compiledStatement({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: templated }, 'identity', '2008-10-17').statement;
    expect([oldVersion.resourceDynamic, oldVersion.resourcePatterns]).toEqual([false, [templated]]);
  });

  test('a template in NotResource is compiled too, with NotResource in its warnings', () => {
    const { statement, issues } = compiledStatement({ Effect: 'Deny', Action: 'kms:Decrypt', NotResource: `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/nr-key` }, 'identity');
    expect(statement.resourceNegated).toBe(true);
    expect(issues.map((i) => [i.code, i.field])).toEqual([['malformed-policy-variable', 'NotResource']]);
  });
});

describe('matchesResource and firstFailingCondition (kms-semantics.md §3)', () => {
  const TEMPLATE = `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/mr-key}`;
  /** [what, statement's Resource element, resource asked, the context's principal tag mr-key, matches]. */
  const CASES: ReadonlyArray<readonly [string, Obj, string, string | undefined, boolean]> = [
    ['Resource "*" covers a key', { Resource: '*' }, KEY_ARN, undefined, true],
    ['Resource naming the key', { Resource: KEY_ARN }, KEY_ARN, undefined, true],
    ['Resource naming another key', { Resource: OTHER_KEY_ARN }, KEY_ARN, undefined, false],
    ['Resource listing the key second', { Resource: [OTHER_KEY_ARN, KEY_ARN] }, KEY_ARN, undefined, true],
    ['Resource listing the key first', { Resource: [KEY_ARN, OTHER_KEY_ARN] }, KEY_ARN, undefined, true],
    ['NotResource naming the key', { NotResource: KEY_ARN }, KEY_ARN, undefined, false],
    ['NotResource naming another key', { NotResource: OTHER_KEY_ARN }, KEY_ARN, undefined, true],
    ['a template whose variable names the key', { Resource: TEMPLATE }, KEY_ARN, '1234abcd-12ab-34cd-56ef-1234567890ab', true],
    ['a template whose variable names another key', { Resource: TEMPLATE }, KEY_ARN, '0987dcba-09fe-87dc-65ba-ab0987654321', false],
    ['a template whose variable has no value matches no resource', { Resource: TEMPLATE }, KEY_ARN, undefined, false],
    ['a template, then the key', { Resource: [TEMPLATE, KEY_ARN] }, KEY_ARN, undefined, true],
    ['NotResource with a template naming the key', { NotResource: TEMPLATE }, KEY_ARN, '1234abcd-12ab-34cd-56ef-1234567890ab', false],
    ['neither Resource nor NotResource: the statement never applies', {}, KEY_ARN, undefined, false],
    ['${*} is a literal asterisk, not a wildcard (reference_policies_variables.md, special characters)', { Resource: `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${*}` }, KEY_ARN, undefined, false],
    ['${*} matches a literal asterisk', { Resource: `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${*}` }, `arn:aws:kms:us-west-2:${ACCOUNT}:key/*`, undefined, true],
  ];
  test.each(CASES)('%s', (_, element, resource, tag, matches) => {
    const { statement } = compiledStatement({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', ...element });
    const ctx = new MapContext(tag === undefined ? {} : { 'aws:PrincipalTag/mr-key': tag });
    expect(matchesResource(statement, resource, ctx)).toBe(matches);
  });

  test('firstFailingCondition: the index of the first condition that fails, -1 when all hold', () => {
    const { statement } = compiledStatement({
      Effect: 'Allow',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': '999988887777' }, Bool: { 'aws:SecureTransport': 'true' } },
    });
    const at = (values: Record<string, string>) => firstFailingCondition(statement.conditions, new MapContext(values));
    expect(statement.conditions.map((c) => c.key)).toEqual(['kms:CallerAccount', 'aws:SecureTransport']);
    expect(at({ 'kms:CallerAccount': '999988887777', 'aws:SecureTransport': 'true' })).toBe(-1);
    expect(at({ 'kms:CallerAccount': '999988887777', 'aws:SecureTransport': 'false' })).toBe(1);
    expect(at({ 'kms:CallerAccount': ACCOUNT, 'aws:SecureTransport': 'true' })).toBe(0);
    expect(firstFailingCondition([], new MapContext())).toBe(-1);
  });
});

describe('CompiledPolicy.actionIndex: the statements that can apply to an action, memoised per action', () => {
  const policyOf = () => compilePolicy({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Decrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
      { Sid: 'Both', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' },
      { Sid: 'NotDecrypt', Effect: 'Deny', NotAction: 'kms:Decrypt', Resource: '*' },
      { Sid: 'All', Effect: 'Allow', Action: 'kms:*', Resource: '*' },
      { Sid: 'S3', Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Sid: 'NotS3', Effect: 'Allow', NotAction: 's3:*', Resource: '*' },
    ],
  }, 'identity', 'identity policy #0', new IssueCollector());
  const sids = (index: { statements: readonly { source: { sid?: string } }[] }) => index.statements.map((s) => s.source.sid);

  test('Action and NotAction select by the catalogue action; other services\' actions never apply', () => {
    const policy = policyOf();
    expect(sids(policy.actionIndex(catalogueProfile('kms:Decrypt')!))).toEqual(['Decrypt', 'Both', 'All', 'NotS3']);
    expect(sids(policy.actionIndex(catalogueProfile('kms:Encrypt')!))).toEqual(['Both', 'NotDecrypt', 'All', 'NotS3']);
    expect(sids(policy.actionIndex(catalogueProfile('kms:DescribeKey')!))).toEqual(['NotDecrypt', 'All', 'NotS3']);
  });

  test('each action\'s index is built once: the first action and the others are each answered from the memo', () => {
    const policy = policyOf();
    const decrypt = catalogueProfile('kms:Decrypt')!;
    const encrypt = catalogueProfile('kms:Encrypt')!;
    const sign = catalogueProfile('kms:Sign')!;
    const first = policy.actionIndex(decrypt);
    const second = policy.actionIndex(encrypt);
    const third = policy.actionIndex(sign);
    expect(first.candidates).toEqual([]);
    expect(policy.actionIndex(decrypt)).toBe(first);
    expect(policy.actionIndex(encrypt)).toBe(second);
    expect(policy.actionIndex(sign)).toBe(third);
    expect(sids(third)).toEqual(['NotDecrypt', 'All', 'NotS3']);
    expect(sids(policy.actionIndex(decrypt))).toEqual(['Decrypt', 'Both', 'All', 'NotS3']);
  });

  test('a policy whose statements cover none of an action\'s has an empty index', () => {
    const policy = compilePolicy({ Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }, 'identity', 'identity policy #0', new IssueCollector());
    expect(policy.actionIndex(catalogueProfile('kms:Encrypt')!).statements).toEqual([]);
    expect(policy.actionIndex(catalogueProfile('kms:Decrypt')!).statements.length).toBe(1);
  });
});

const INVALID = 'the scenario is invalid and was not evaluated: ';

describe('KmsAccessEvaluator: invalid input is an implicit deny with errors, never an exception (docs/decisions.md)', () => {
  test.each([
    ['an array', [BASE], 'an array'],
    ['null', null, 'null'],
    ['a number', 42, 'number'],
    ['a string', 'scenario.json', 'string'],
    ['nothing', undefined, 'undefined'],
  ] as ReadonlyArray<readonly [string, unknown, string]>)('a scenario that is %s', (_, input, got) => {
    const message = `a scenario must be a JSON object with key, caller and request, got ${got}`;
    expect(KmsAccessEvaluator.compile(input).errors).toStrictEqual([{ code: 'invalid-field', severity: 'error', message }]);
    const result = KmsAccessEvaluator.evaluate(input);
    expect([result.decision, result.checks, result.warnings]).toEqual([KmsDecision.IMPLICIT_DENY, [], []]);
    expect(result.errors[0]).toStrictEqual({ code: 'invalid-field', severity: 'error', message });
    expect(result.explanation.startsWith(INVALID + message)).toBe(true);
  });

  test('a scenario whose reading throws is an internal error, with the thrown message', () => {
    const scenario: Obj = { ...BASE, name: 'getter' };
    Object.defineProperty(scenario, 'request', { enumerable: true, get() { throw new Error('boom'); } });
    const message = 'the evaluator failed on this input (boom); please report it with the scenario';
    const compiled = KmsAccessEvaluator.compile(scenario);
    expect(compiled.errors).toEqual([{ code: 'internal-error', severity: 'error', message }]);
    const result = compiled.evaluate({ action: 'kms:Decrypt' });
    expect(result).toStrictEqual({ decision: KmsDecision.IMPLICIT_DENY, explanation: INVALID + message, checks: [], errors: [{ code: 'internal-error', severity: 'error', message }], warnings: [] });
  });

  test('a thrown value that is not an Error is shown as text', () => {
    const scenario: Obj = { ...BASE, request: { action: 'kms:Decrypt' } };
    Object.defineProperty(scenario, 'grants', { enumerable: true, get() { throw 'text'; } });
    expect(KmsAccessEvaluator.compile(scenario).errors).toEqual([{ code: 'internal-error', severity: 'error', message: 'the evaluator failed on this input (text); please report it with the scenario' }]);
  });

  test('a request whose reading throws is an internal error of that evaluation only', () => {
    const compiled = KmsAccessEvaluator.compile({ ...BASE, caller: { arn: SESSION, identityPolicies: [ALLOW_ALL()] }, name: 'named', request: { action: 'kms:Decrypt' } });
    const request: Obj = { action: 'kms:Decrypt' };
    Object.defineProperty(request, 'keyId', { enumerable: true, get() { throw null; } });
    const message = 'the evaluator failed on this input (null); please report it with the scenario';
    expect(compiled.evaluate(request)).toStrictEqual({ name: 'named', decision: KmsDecision.IMPLICIT_DENY, explanation: INVALID + message, checks: [], errors: [{ code: 'internal-error', severity: 'error', message }], warnings: [] });
    expect(compiled.evaluate().decision).toBe(KmsDecision.ALLOW);
  });

  test('the explanation quotes the first error with where it is, and counts the others', () => {
    const one = KmsAccessEvaluator.evaluate({ ...BASE, key: { arn: KEY_ARN, policy: { Statement: [{ Sid: 'Bad', Effect: 'Permit', Principal: '*', Action: 'kms:*', Resource: '*' }] } }, request: { action: 'kms:Decrypt' } });
    expect(one.errors.length).toBe(1);
    expect(one.explanation).toBe(`${INVALID}${one.errors[0].message} (key policy, Sid "Bad", Effect)`);
    const fieldOnly = KmsAccessEvaluator.evaluate({ ...BASE, request: { action: 'kms:Decrypt', keyId: 1 } });
    expect(fieldOnly.explanation).toBe(`${INVALID}request.keyId is 1: expected a string (request.keyId)`);
    const three = KmsAccessEvaluator.evaluate({ ...BASE, bogus: 1, caller: { arn: 'alice' }, request: { action: 'kms:Nope' } });
    expect(three.errors.map((e) => e.field)).toEqual(['bogus', 'caller.arn', 'request.action']);
    expect(three.explanation).toBe(`${INVALID}${three.errors[0].message} (bogus), and 2 more error(s)`);
  });

  test('an invalid result keeps the warnings, apart from the errors', () => {
    const duplicate = { Version: '2012-10-17', Statement: [{ Sid: 'W', Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }, { Sid: 'W', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] };
    const result = KmsAccessEvaluator.evaluate({ ...BASE, caller: { arn: SESSION, identityPolicies: [duplicate] }, request: { action: 'kms:Decrypt', bogus: 1 } });
    expect(result.errors.map((e) => [e.code, e.severity, e.field])).toEqual([['invalid-field', 'error', 'request.bogus']]);
    expect(result.warnings.map((e) => [e.code, e.severity, e.policy])).toEqual([['duplicate-sid', 'warning', 'identity policy #0']]);
  });

  test('a scenario name is kept only when it is a string', () => {
    const named = KmsAccessEvaluator.evaluate({ ...BASE, name: 'orders can decrypt', request: { action: 'kms:Decrypt' } });
    expect(named.name).toBe('orders can decrypt');
    const unnamed = KmsAccessEvaluator.evaluate({ ...BASE, name: 7, request: { action: 'kms:Decrypt' } });
    expect(Object.keys(unnamed)).toEqual(['decision', 'explanation', 'checks', 'errors', 'warnings']);
    const invalid = KmsAccessEvaluator.evaluate({ ...BASE, name: 7 });
    expect('name' in invalid).toBe(false);
  });
});

describe('KmsAccessEvaluator results (README "Scenario format", kms-semantics.md §9)', () => {
  const IDENTITY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:PutKeyPolicy'], Resource: '*' }] };
  const SCENARIO: Obj = { ...BASE, caller: { arn: SESSION, identityPolicies: [IDENTITY] }, request: { action: 'kms:Decrypt' } };

  test('an allowed request: decision, explanation, its check, no error or warning, no lockout field', () => {
    const result = KmsAccessEvaluator.evaluate(SCENARIO);
    const explanation = 'allowed: statement #0 of the key policy delegates kms:Decrypt to account 111122223333, and statement #0 of the identity policy #0 allows it';
    expect(result).toStrictEqual({
      decision: KmsDecision.ALLOW,
      explanation,
      checks: [{
        action: 'kms:Decrypt',
        resource: KEY_ARN,
        decision: KmsDecision.ALLOW,
        explanation,
        decidedBy: [{ policy: 'key policy', statement: 'statement #0', effect: 'Allow' }, { policy: 'identity policy #0', statement: 'statement #0', effect: 'Allow' }],
      }],
      errors: [],
      warnings: [],
    });
  });

  test('PutKeyPolicy reports the lockout safety check; compile warnings come before the request\'s', () => {
    const dup = (sid: string) => [{ Sid: sid, Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }, { Sid: sid, Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }];
    const scenario = { ...SCENARIO, key: { arn: KEY_ARN, policy: { Version: '2012-10-17', Statement: dup('Key') } } };
    const compiled = KmsAccessEvaluator.compile(scenario);
    const result = compiled.evaluate({ action: 'kms:PutKeyPolicy', newKeyPolicy: { Version: '2012-10-17', Statement: dup('New') } });
    expect(result.decision).toBe(KmsDecision.ALLOW);
    expect(result.lockoutSafetyCheck).toBe('passed');
    expect(result.warnings.map((w) => [w.code, w.policy])).toEqual([['duplicate-sid', 'key policy'], ['duplicate-sid', 'new key policy']]);
    const plain = compiled.evaluate({ action: 'kms:Decrypt' });
    expect(plain.warnings.map((w) => [w.code, w.policy])).toEqual([['duplicate-sid', 'key policy']]);
    expect('lockoutSafetyCheck' in plain).toBe(false);
  });

  test('each result has its own list of warnings: changing one changes no other', () => {
    const compiled = KmsAccessEvaluator.compile({ ...SCENARIO, caller: { arn: SESSION, identityPolicies: [{ Version: '2012-10-17', Statement: [{ Sid: 'S', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }, { Sid: 'S', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }] } });
    const first = compiled.evaluate();
    expect(first.warnings.length).toBe(1);
    first.warnings.push(first.warnings[0]);
    expect(compiled.evaluate().warnings.length).toBe(1);
    const clean = KmsAccessEvaluator.compile(SCENARIO);
    const a = clean.evaluate();
    a.warnings.push({ code: 'x', severity: 'warning', message: 'x' });
    expect(clean.evaluate().warnings).toEqual([]);
  });

  test('a compiled scenario with errors lists only its errors, and decides every request as invalid', () => {
    const compiled = KmsAccessEvaluator.compile({ ...SCENARIO, caller: { arn: SESSION, identityPolicies: [{ Statement: [{ Sid: 'D', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }, { Sid: 'D', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }] }, vpcEndpoint: { id: 'bad' } });
    expect(compiled.errors.map((e) => [e.code, e.field])).toEqual([['invalid-field', 'vpcEndpoint.id']]);
    for (const request of [undefined, { action: 'kms:Decrypt' }, { action: 'kms:ListAliases' }]) {
      const result = compiled.evaluate(request);
      expect(result.decision).toBe(KmsDecision.IMPLICIT_DENY);
      expect(result.errors.map((e) => e.field)).toEqual(['vpcEndpoint.id']);
      expect(result.warnings.map((w) => w.code)).toEqual(['duplicate-sid']);
    }
  });

  test('a request given to evaluate replaces the compiled one; without one the compiled one is decided', () => {
    const compiled = KmsAccessEvaluator.compile(SCENARIO);
    expect(compiled.evaluate().checks.map((c) => c.action)).toEqual(['kms:Decrypt']);
    expect(compiled.evaluate({ action: 'kms:Encrypt' }).checks.map((c) => [c.action, c.decision])).toEqual([['kms:Encrypt', KmsDecision.IMPLICIT_DENY]]);
  });
});

describe('compileForCallers, compileCaller, withCaller: the key compiled once for many callers', () => {
  const KEY_PART: Obj = {
    name: 'shared key',
    key: { arn: KEY_ARN, policy: { Version: '2012-10-17', Statement: [{ Sid: 'K', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }, { Sid: 'K', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*' }] } },
    request: { action: 'kms:Decrypt' },
  };

  test('withCaller on a scenario compiled whole is an error, whole, that keeps the name', () => {
    const whole = KmsAccessEvaluator.compile({ ...KEY_PART, caller: { arn: SESSION } });
    const result = whole.withCaller(KmsAccessEvaluator.compileCaller({ arn: SESSION })).evaluate();
    const message = 'withCaller needs a scenario compiled with KmsAccessEvaluator.compileForCallers (this one was compiled whole, with its own caller): compile the scenario without its caller with compileForCallers, then give each caller with withCaller';
    expect(result).toStrictEqual({ name: 'shared key', decision: KmsDecision.IMPLICIT_DENY, explanation: INVALID + message, checks: [], errors: [{ code: 'invalid-field', severity: 'error', message }], warnings: [] });
  });

  test('before withCaller, the key part is decided for the root user of the key\'s account, with no IAM policy', () => {
    const part = KmsAccessEvaluator.compileForCallers({ ...KEY_PART, caller: { arn: 'not a caller' } });
    expect(part.errors).toEqual([]);
    expect(part.evaluate({ action: 'kms:ListAliases' })).toMatchObject({ decision: KmsDecision.ALLOW, explanation: 'allowed: IAM implicitly allows the root user of 111122223333' });
    const china = KmsAccessEvaluator.compileForCallers({ key: { arn: 'arn:aws-cn:kms:cn-north-1:444455556666:key/abc', policy: KEY_POLICY }, request: { action: 'kms:Decrypt' } });
    expect(china._env!.caller.identity.arn).toBe('arn:aws-cn:iam::444455556666:root');
    const noKey = KmsAccessEvaluator.compileForCallers({ request: { action: 'kms:ListAliases' } });
    expect(noKey._env!.caller.identity.arn).toBe('arn:aws:iam::000000000000:root');
    const badKey = KmsAccessEvaluator.compileForCallers({ key: { arn: 42, policy: KEY_POLICY } });
    expect(badKey.errors.map((e) => e.field)).toEqual(['key.arn']);
  });

  test('compileForCallers of something that is no object is compile\'s error, and withCaller then refuses', () => {
    const part = KmsAccessEvaluator.compileForCallers([KEY_PART]);
    expect(part.errors).toEqual(KmsAccessEvaluator.compile([KEY_PART]).errors);
    expect(part.withCaller(KmsAccessEvaluator.compileCaller({ arn: SESSION })).errors[0].message).toMatch(/^withCaller needs a scenario compiled with KmsAccessEvaluator.compileForCallers/);
  });

  test('compileCaller reports the caller\'s errors only', () => {
    expect(KmsAccessEvaluator.compileCaller(undefined).errors).toEqual([{ code: 'missing-field', severity: 'error', message: 'caller must be an object with at least an arn, got nothing', field: 'caller' }]);
    const warned = KmsAccessEvaluator.compileCaller({ arn: 'cloudtrail.amazonaws.com', identityPolicies: [ALLOW_ALL()] });
    expect(warned.errors).toEqual([]);
    expect(warned._issues.map((i) => i.code)).toEqual(['service-principal-policies']);
  });

  test('a caller that cannot be read makes every evaluation an implicit deny with its error; the key\'s issues come first', () => {
    const part = KmsAccessEvaluator.compileForCallers(KEY_PART);
    const result = part.withCaller(KmsAccessEvaluator.compileCaller({ arn: 'bob' })).evaluate();
    expect(result.decision).toBe(KmsDecision.IMPLICIT_DENY);
    expect(result.errors.map((e) => e.field)).toEqual(['caller.arn']);
    expect(result.warnings.map((w) => [w.code, w.policy])).toEqual([['duplicate-sid', 'key policy']]);
    const warnedCaller = part.withCaller(KmsAccessEvaluator.compileCaller({ arn: 'sns.amazonaws.com', identityPolicies: [ALLOW_ALL('-w')] }));
    expect(warnedCaller._issues.map((i) => i.code)).toEqual(['duplicate-sid', 'service-principal-policies']);
  });

  test('a key policy comparing aws:PrincipalArn with the role under a path needs caller.roleArn, also through withCaller', () => {
    const part = KmsAccessEvaluator.compileForCallers({
      key: { arn: KEY_ARN, policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/app/orders-app` } } }] } },
      request: { action: 'kms:Decrypt' },
    });
    expect(part.errors).toEqual([]);
    const withoutPath = part.withCaller(KmsAccessEvaluator.compileCaller({ arn: SESSION }));
    expect(withoutPath.errors.map((e) => e.code)).toEqual(['unknown-role-path']);
    expect(withoutPath.evaluate().decision).toBe(KmsDecision.IMPLICIT_DENY);
    const withPath = part.withCaller(KmsAccessEvaluator.compileCaller({ arn: SESSION, roleArn: `arn:aws:iam::${ACCOUNT}:role/app/orders-app` }));
    expect(withPath.errors).toEqual([]);
    expect(withPath.evaluate().decision).toBe(KmsDecision.ALLOW);
  });
});

/**
 * Compiled equals one-shot: [what, scenario, [request, decision]...]. Each decision follows kms-semantics.md: §4
 * (an explicit Deny wins), §5 (every SCP level and the endpoint policy must allow; an RCP restricts by its Deny), §6
 * (a key policy naming the role's ARN allows its sessions; delegation to the account needs an identity policy;
 * IAM-only actions need only IAM), §3 (NotAction, Resource templates: a variable without value matches nothing,
 * reference_policies_variables.md), §7-8 (grants: constraints, CreateGrant no broader, the retiring principal),
 * §9 (lockout), and ReEncrypt and alias operations needing several authorizations (README).
 */
const ONE_SHOT_CASES: ReadonlyArray<readonly [string, Obj, ReadonlyArray<readonly [Obj, KmsDecision]>]> = [
  ['a key policy with Allow, NotAction and Deny statements, and an identity policy', {
    key: {
      arn: KEY_ARN,
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'UseWithContext', Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'orders-oneshot' } } },
          { Sid: 'Describe', Effect: 'Allow', Principal: { AWS: ROLE }, NotAction: ['kms:Decrypt', 'kms:Encrypt', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy'], Resource: '*' },
          { Sid: 'NoDeletion', Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*' },
        ],
      },
    },
    caller: { arn: SESSION, identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:ListAliases', Resource: '*' }] }] },
    request: { action: 'kms:Decrypt' },
  }, [
    [{ action: 'kms:Decrypt', encryptionContext: { app: 'orders-oneshot' } }, KmsDecision.ALLOW],
    [{ action: 'kms:Decrypt' }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:Encrypt', encryptionContext: { app: 'orders-oneshot' } }, KmsDecision.ALLOW],
    [{ action: 'kms:DescribeKey' }, KmsDecision.ALLOW],
    [{ action: 'kms:ScheduleKeyDeletion' }, KmsDecision.EXPLICIT_DENY],
    [{ action: 'kms:GetKeyPolicy' }, KmsDecision.ALLOW],
    [{ action: 'kms:ListAliases' }, KmsDecision.ALLOW],
    [{ action: 'kms:Decrypt', encryptionContext: { app: 'billing' } }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:Decrypt', encryptionContext: { app: 'orders-oneshot' } }, KmsDecision.ALLOW],
  ]],
  ['grants, with CreateGrant and RetireGrant', {
    key: { arn: KEY_ARN, policy: { Version: '2012-10-17', Statement: [ENABLE_IAM] } },
    caller: { arn: SESSION },
    grants: [
      { grantId: 'g-decrypt', granteePrincipal: ROLE, operations: ['Decrypt', 'CreateGrant'], constraints: { encryptionContextSubset: { app: 'orders' } } },
      { grantId: 'g-retire', granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/other`, retiringPrincipal: ROLE, operations: ['Encrypt'] },
    ],
    request: { action: 'kms:Decrypt' },
  }, [
    [{ action: 'kms:Decrypt', encryptionContext: { app: 'orders' } }, KmsDecision.ALLOW],
    [{ action: 'kms:Decrypt', encryptionContext: { app: 'billing' } }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:Encrypt', encryptionContext: { app: 'orders' } }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:CreateGrant', encryptionContext: { app: 'orders' }, createGrant: { granteePrincipal: ROLE, operations: ['Decrypt'], constraints: { encryptionContextSubset: { app: 'orders' } } } }, KmsDecision.ALLOW],
    [{ action: 'kms:CreateGrant', createGrant: { granteePrincipal: ROLE, operations: ['Encrypt'] } }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:RetireGrant', grantId: 'g-retire' }, KmsDecision.ALLOW],
    [{ action: 'kms:RetireGrant', grantId: 'g-decrypt' }, KmsDecision.IMPLICIT_DENY],
  ]],
  ['an endpoint, SCP levels and an RCP', {
    key: { arn: KEY_ARN, policy: { Version: '2012-10-17', Statement: [ENABLE_IAM] } },
    caller: { arn: SESSION, identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Sign'], Resource: KEY_ARN }] }] },
    serviceControlPolicies: [
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      { Statement: [{ Effect: 'Allow', NotAction: 'kms:Sign', Resource: '*' }] },
    ],
    resourceControlPolicies: [{ Statement: [{ Effect: 'Deny', Principal: '*', Action: 'kms:GenerateDataKey', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } } }] }],
    vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1', policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt', 'kms:Sign'], Resource: '*' }] } },
    request: { action: 'kms:Decrypt' },
  }, [
    [{ action: 'kms:Decrypt' }, KmsDecision.ALLOW],
    [{ action: 'kms:GenerateDataKey' }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:Sign' }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:Decrypt' }, KmsDecision.ALLOW],
  ]],
  ['a policy variable in an identity policy Resource', {
    key: { arn: KEY_ARN, policy: { Version: '2012-10-17', Statement: [ENABLE_IAM] } },
    caller: {
      arn: SESSION,
      tags: { 'key-id': '1234abcd-12ab-34cd-56ef-1234567890ab', 'other-key': '0987dcba-09fe-87dc-65ba-ab0987654321' },
      identityPolicies: [{
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/key-id}` },
          { Effect: 'Allow', Action: 'kms:Encrypt', NotResource: `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/other-key}` },
          { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/missing}` },
          { Effect: 'Allow', Action: 'kms:Sign', NotResource: `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/key-id}` },
          { Effect: 'Allow', Action: 'kms:DescribeKey', Resource: [OTHER_KEY_ARN, `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/key-id}`] },
        ],
      }],
    },
    request: { action: 'kms:Decrypt' },
  }, [
    [{ action: 'kms:Decrypt' }, KmsDecision.ALLOW],
    [{ action: 'kms:Encrypt' }, KmsDecision.ALLOW],
    [{ action: 'kms:DescribeKey' }, KmsDecision.ALLOW],
    [{ action: 'kms:GenerateDataKey' }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:Sign' }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:Decrypt' }, KmsDecision.ALLOW],
  ]],
  ['ReEncrypt, alias and key policy operations', {
    key: { arn: KEY_ARN, aliases: ['alias/orders'], policy: { Version: '2012-10-17', Statement: [ENABLE_IAM, { Sid: 'Rotate', Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['kms:ReEncrypt*', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:PutKeyPolicy'], Resource: '*' }] } },
    caller: { arn: SESSION, identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:CreateAlias', 'kms:UpdateAlias'], Resource: ALIAS_ARN }] }] },
    request: { action: 'kms:ReEncrypt' },
  }, [
    [{ action: 'kms:ReEncrypt', destinationKey: { arn: KEY_ARN, policy: { Version: '2012-10-17', Statement: [ENABLE_IAM] } } }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:CreateAlias', aliasArn: ALIAS_ARN }, KmsDecision.ALLOW],
    [{ action: 'kms:UpdateAlias', aliasArn: ALIAS_ARN, destinationKey: { arn: OTHER_KEY_ARN, policy: { Version: '2012-10-17', Statement: [ENABLE_IAM] } } }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:PutKeyPolicy', newKeyPolicy: { Version: '2012-10-17', Statement: [ENABLE_IAM] } }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:PutKeyPolicy', newKeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'kms:*', Resource: '*' }] } }, KmsDecision.IMPLICIT_DENY],
    [{ action: 'kms:ReEncryptFrom' }, KmsDecision.ALLOW],
  ]],
];

/** The scenario with its caller removed. */
function keyPart(scenario: Obj): Obj {
  const { caller: _, ...rest } = scenario;
  return rest;
}

describe('a compiled scenario decides each request as the one-shot evaluation does (README, compile)', () => {
  test.each(ONE_SHOT_CASES)('%s', (_, scenario, requests) => {
    const compiled = KmsAccessEvaluator.compile(scenario);
    expect(compiled.errors).toEqual([]);
    // Twice through: the second pass is answered from the per-action indexes the first one built.
    for (let pass = 0; pass < 2; pass++) {
      for (const [request, decision] of requests) {
        const oneShot: EvaluationResult = KmsAccessEvaluator.evaluate({ ...scenario, request });
        expect(oneShot.decision).toBe(decision);
        expect(compiled.evaluate(request)).toStrictEqual(oneShot);
      }
    }
  });

  test.each(ONE_SHOT_CASES)('%s, through compileForCallers and withCaller', (_, scenario, requests) => {
    const part: CompiledScenario = KmsAccessEvaluator.compileForCallers(keyPart(scenario));
    const other = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/billing-app/i-1`, identityPolicies: [ALLOW_ALL()] };
    for (const caller of [scenario.caller, other]) {
      const compiled = part.withCaller(KmsAccessEvaluator.compileCaller(caller));
      for (const [request] of requests) {
        expect(compiled.evaluate(request)).toStrictEqual(KmsAccessEvaluator.evaluate({ ...scenario, caller, request }));
      }
    }
  });
});

/** A string of exactly `length` characters ending with `tail`. */
const ofLength = (length: number, tail: string): string => 'a'.repeat(length - tail.length) + tail;
const AT_LIMIT = 32_768;

describe('the readers\' limits and remaining shapes (README "Scenario format"; resource-limits.md)', () => {
  /** [what, scenario (environment part), the fields of the errors it draws]: a value of exactly 32,768 characters is read. */
  const LIMIT_CASES: ReadonlyArray<readonly [string, Obj, readonly (string | undefined)[]]> = [
    ['caller.arn of exactly 32,768 characters is parsed (and is no caller)', { ...BASE, caller: { arn: ofLength(AT_LIMIT, ':user/x') } }, ['caller.arn']],
    ['key.arn of exactly 32,768 characters is parsed (and is no key ARN)', { ...BASE, key: { arn: ofLength(AT_LIMIT, ':key/x'), policy: KEY_POLICY } }, ['key.arn']],
    ['key.keySpec of exactly 32,768 characters', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, keySpec: ofLength(AT_LIMIT, 'S') } }, []],
    ['a key tag value of exactly 32,768 characters', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, tags: { team: ofLength(AT_LIMIT, 'v') } } }, []],
    ['a key tag key of exactly 32,768 characters', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, tags: { [ofLength(AT_LIMIT, 'k')]: 'v' } } }, []],
    ['a key tag value that is a number', { ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, tags: { team: 1 } } }, ['key.tags']],
    ['a grant issuingAccount that is not 12 digits', { ...BASE, grants: [{ granteePrincipal: ROLE, operations: ['Decrypt'], issuingAccount: '1234' }] }, ['grants[0].issuingAccount']],
    ['a vpcEndpoint id with upper case', { ...BASE, vpcEndpoint: { id: 'vpce-0A1B' } }, ['vpcEndpoint.id']],
    ['a vpcEndpoint id with nothing after vpce-', { ...BASE, vpcEndpoint: { id: 'vpce-' } }, ['vpcEndpoint.id']],
    ['a vpcEndpoint id with a character that is no letter or digit', { ...BASE, vpcEndpoint: { id: 'vpce-0a_1' } }, ['vpcEndpoint.id']],
  ];
  test.each(LIMIT_CASES)('%s', (_, raw, fields) => {
    const issues = new IssueCollector();
    readEnvironment(raw, issues);
    expect(issues.issues.map((i) => i.field)).toEqual(fields);
    expect(issues.issues.every((i) => i.code !== 'value-too-long')).toBe(true);
  });

  test('caller.roleArn of exactly 32,768 characters naming the session\'s role is read; one more character is refused', () => {
    const roleArn = (length: number) => `arn:aws:iam::${ACCOUNT}:role/${'p'.repeat(length - `arn:aws:iam::${ACCOUNT}:role/`.length - '/orders-app'.length)}/orders-app`;
    expect(roleArn(AT_LIMIT).length).toBe(AT_LIMIT);
    expect(envOf({ ...BASE, caller: { arn: SESSION, roleArn: roleArn(AT_LIMIT) } }).caller.roleArn).toBe(roleArn(AT_LIMIT));
    const issues = new IssueCollector();
    readEnvironment({ ...BASE, caller: { arn: SESSION, roleArn: roleArn(AT_LIMIT + 1) } }, issues);
    expect(issues.issues.map((i) => [i.code, i.field])).toEqual([['invalid-field', 'caller.roleArn']]);
  });

  test('request values of exactly 32,768 characters are read', () => {
    const keyId = ofLength(AT_LIMIT, 'k');
    const value = ofLength(AT_LIMIT, 'v');
    const name = ofLength(AT_LIMIT, 'n');
    const req = requestOf({ action: 'kms:Decrypt', keyId, encryptionContext: { app: value }, context: { 'aws:SourceIp': value, [name]: 'x', 'aws:TagKeys': [value] } });
    expect(req.keyId).toBe(keyId);
    expect(req.context.get('aws:sourceip')).toBe(value);
    expect(req.context.get(name.toLowerCase())).toBe('x');
    expect(req.context.get('aws:tagkeys')).toEqual([value]);
  });

  test('inherited properties are not read: request.context entries and key tags', () => {
    const context = Object.assign(Object.create({ 'aws:SourceVpce': 'vpce-inherited' }), { 'aws:SourceIp': '10.0.0.1' });
    expect([...requestOf({ action: 'kms:Decrypt', context }).context]).toEqual([['aws:sourceip', '10.0.0.1']]);
    const tags = Object.assign(Object.create({ Inherited: 'x' }), { Team: 'orders' });
    expect([...envOf({ ...BASE, key: { arn: KEY_ARN, policy: KEY_POLICY, tags } }).key!.tags]).toEqual([['team', 'orders']]);
  });

  test('without an environment (it had errors), a key operation draws no second error about the key', () => {
    const issues = new IssueCollector();
    const req = readRequest({ action: 'kms:Decrypt' }, undefined, issues);
    expect(issues.issues).toEqual([]);
    expect(req!.action).toBe('kms:Decrypt');
  });

  test('CreateGrant without a grantee: the grantee\'s error, then the missing createGrant', () => {
    const issues = new IssueCollector();
    readRequest({ action: 'kms:CreateGrant', createGrant: { operations: ['Decrypt'] } }, envOf(BASE), issues);
    expect(issues.issues.map((i) => [i.code, i.field])).toEqual([['missing-field', 'request.createGrant.granteePrincipal'], ['missing-field', 'request.createGrant']]);
  });
});

describe('compiled statements: the options conditions compile with, templates, statements without Sid', () => {
  test('conditions of a Version 2012-10-17 policy substitute policy variables in their values (reference_policies_variables.md)', () => {
    const { statement } = compiledStatement({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/l80': '${aws:username}' } } }, 'identity');
    expect(firstFailingCondition(statement.conditions, new MapContext({ 'aws:PrincipalTag/l80': 'alice', 'aws:username': 'alice' }))).toBe(-1);
    expect(firstFailingCondition(statement.conditions, new MapContext({ 'aws:PrincipalTag/l80': 'alice', 'aws:username': 'bob' }))).toBe(0);
  });

  test('conditions compile for their policy kind: ForAllValues on an encryption context key is refused in a key policy', () => {
    const { issues } = compiledStatement({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:Decrypt', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:l80b': 'x' } } }, 'key');
    expect(issues.map((i) => [i.code, i.field])).toEqual([['overly-permissive-condition', 'Condition.ForAllValues:StringEquals.kms:EncryptionContext:l80b']]);
  });

  test('a malformed variable in Resource is reported on Resource', () => {
    const { issues } = compiledStatement({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/r-key` }, 'identity');
    expect(issues.map((i) => [i.code, i.field])).toEqual([['malformed-policy-variable', 'Resource']]);
  });

  test('every template of a Resource list is kept', () => {
    const first = `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/t1}`;
    const second = `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:PrincipalTag/t2}`;
    const { statement } = compiledStatement({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: [first, KEY_ARN, second] }, 'identity');
    expect(statement.resourcePatterns.map((p) => (typeof p === 'string' ? p : p.raw))).toEqual([first, KEY_ARN, second]);
    expect(statement.resourcePatterns.map((p) => typeof p)).toEqual(['object', 'string', 'object']);
  });

  test('visible characters outside Latin-1 are no invisible character outside key policies', () => {
    expect(compiledStatement({ Sid: 'Za\u017c\u00f3\u0142\u0107', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }, 'identity').issues).toEqual([]);
  });

  test('statements without Sid share no Sid', () => {
    const issues = new IssueCollector();
    compilePolicy({ Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }, { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }, 'identity', 'identity policy #0', issues);
    expect(issues.issues).toEqual([]);
  });
});

/**
 * The answer remembered for a condition is for the Action element as a whole: a longer element that starts with the
 * same patterns is judged again (conditions-kms.md: kms:GrantOperations exists for CreateGrant only).
 */
test('a condition under an Action element that extends the last one is judged again', () => {
  const condition = { 'ForAnyValue:StringEquals': { 'kms:GrantOperations': 'Decrypt-prefix' } };
  const warned = (action: string[]): boolean => {
    const issues = new IssueCollector();
    compilePolicy({ Statement: [{ Effect: 'Allow', Action: action, Resource: '*', Condition: condition }] }, 'identity', 'identity policy #0', issues);
    return issues.issues.some((i) => i.code === 'condition-key-not-applicable');
  };
  expect([warned(['kms:Decrypt']), warned(['kms:Decrypt', 'kms:CreateGrant']), warned(['kms:Decrypt'])]).toEqual([true, false, true]);
});

/**
 * Was a bug (fixed: request-context.ts derives both, condition-keys.ts DEPRECATED_KEY_REPLACEMENTS): conditions-kms.md,
 * "kms:CustomerMasterKeySpec (deprecated)" and "kms:CustomerMasterKeyUsage (deprecated)": they "work the same way" as
 * kms:KeySpec and kms:KeyUsage, "AWS KMS supports both condition keys". The evaluator gave them no value and warned
 * that no action carries them, so an Allow on them never applied (denied where AWS allows) and a Deny on them never
 * applied (allowed where AWS denies: a silent allow).
 */
describe('the deprecated key-property keys work as kms:KeySpec and kms:KeyUsage (conditions-kms.md)', () => {
  const scenario = (statement: Obj, request: Obj, key: Obj = {}): Obj => ({
    key: { arn: KEY_ARN, policy: { Version: '2012-10-17', Statement: [ENABLE_IAM] }, ...key },
    caller: { arn: SESSION, identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }, statement] }] },
    request,
  });
  test.each([
    ['a Deny unless kms:CustomerMasterKeySpec is SYMMETRIC_DEFAULT, on a symmetric key', scenario({ Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*', Condition: { StringNotEquals: { 'kms:CustomerMasterKeySpec': 'SYMMETRIC_DEFAULT' } } }, { action: 'kms:Encrypt' }), KmsDecision.ALLOW],
    ['a Deny when kms:CustomerMasterKeyUsage is SIGN_VERIFY, on a signing key', scenario({ Effect: 'Deny', Action: 'kms:Sign', Resource: '*', Condition: { StringEquals: { 'kms:CustomerMasterKeyUsage': 'SIGN_VERIFY' } } }, { action: 'kms:Sign' }, { keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' }), KmsDecision.EXPLICIT_DENY],
  ] as ReadonlyArray<readonly [string, Obj, KmsDecision]>)('%s', (_, input, decision) => {
    const result = KmsAccessEvaluator.evaluate(input);
    expect(result.warnings).toEqual([]);
    expect(result.decision).toBe(decision);
  });
});
