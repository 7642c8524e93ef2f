/**
 * Separation of duties (src/rules/support/duties.ts, shared by KmsGuard-AdminCanUseKey and
 * KmsGuard-UserCanAdministerKey): the cases that the third mutation sample of src/rules (issue 10,
 * docs/mutation-testing.md) showed no test pinned. Each row builds its own model and key policy from hand-written
 * templates (no CDK synthesis), so that no row shares a cached compilation with another.
 *
 * What the rows assert, from the KMS Developer Guide: "Key administrators have permissions to manage the KMS key, but do
 * not have permissions to use the KMS key in cryptographic operations", and the key users statement gives the
 * cryptographic operations (key-policy-default.md, "Allows key administrators to administer the KMS key" and "Allows
 * key users to use the KMS key"); "Give IAM principals only the permissions they need on only the KMS keys they must
 * use or manage" (iam-policies-best-practices.md). Which operations are which: MANAGEMENT_ACTIONS and cryptoActionsFor
 * (support/actions.ts, from the catalogue).
 */
import { DEPLOYER_ROLE, DEPLOYER_STATEMENT, ENV, ids, keyResource, kmsInlinePolicy, modelOfResources, policyDocument, roleResource } from './helpers';
import { AppModel, buildAppModel } from '../../src/app-model/app-model';
import { AdminCanUseKey } from '../../src/rules/KmsGuard-AdminCanUseKey';
import { UserCanAdministerKey } from '../../src/rules/KmsGuard-UserCanAdministerKey';

const ADMIN = 'KmsGuard-AdminCanUseKey';
const USER = 'KmsGuard-UserCanAdministerKey';

const roleArn = (name: string): string => `arn:aws:iam::111122223333:role/${name}`;
/** A role ARN whose name is a parameter: a principal unknown offline. */
const unknownRole = (parameter: string): unknown => ({ 'Fn::Sub': `arn:aws:iam::111122223333:role/\${${parameter}}` });
const allow = (sid: string, principal: unknown, action: unknown, condition?: unknown): Record<string, unknown> => ({
  Sid: sid, Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: '*', ...(condition !== undefined ? { Condition: condition } : {}),
});
/** Use of the key only through DynamoDB on the caller's behalf (conditions-kms.md, kms:ViaService). */
const THROUGH_DYNAMODB = { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } };
const USER_NAMED_LIKE_DEPLOYER = DEPLOYER_ROLE.replace(':role/', ':user/');

const EXPECTED = 'Expected: separation of duties: principals that administer a key do not use it, and principals that use it do not administer it. '
  + 'Fix: give the two duties to different principals: grant only the actions each needs (never key.grant(x, \'kms:*\'); key.grantAdmin for administrators, key.grantEncryptDecrypt and the like for users), or use GuardedKmsKey\'s administrators and users.';
const UNKNOWN_TAIL = 'could not be verified: the statement gives it both, and who it is cannot be known offline. '
  + 'Expected: separation of duties, with principals that can be read from the template. Fix: name the principal with a literal ARN or a role of the app, and give administration and use to different principals.';
const ALL_MANAGEMENT = 'kms:PutKeyPolicy, kms:CancelKeyDeletion, kms:DeleteImportedKeyMaterial, kms:DisableKey and 9 more';
const ALL_CRYPTO = 'kms:Decrypt, kms:Encrypt, kms:GenerateDataKey, kms:GenerateDataKeyPair and 4 more';

function keyModel(statements: unknown[], more: Record<string, unknown> = {}): AppModel {
  return modelOfResources({ Key: keyResource(statements), ...more });
}

function both(model: AppModel): { admin: string[]; user: string[] } {
  return { admin: ids(AdminCanUseKey.check(model)), user: ids(UserCanAdministerKey.check(model)) };
}

describe('separation of duties: who is a candidate and what the evaluator decides', () => {
  test.each<[string, () => AppModel, string[], string[]]>([
    // A condition on the principal's own tag holds for a tagged role (IAM UG, reference_policies_elements_condition_operators.md:
    // aws:PrincipalTag is in the request context for a role with attached tags): the role's tags must reach the evaluator.
    ['a role of the app whose tag meets the statement\'s aws:PrincipalTag condition', () => keyModel(
      [DEPLOYER_STATEMENT, allow('Tagged', roleArn('ops'), 'kms:*', { StringEquals: { 'aws:PrincipalTag/team': 'ops' } })],
      { Ops: roleResource('Ops', 'ops', [], { Tags: [{ Key: 'team', Value: 'ops' }] }) },
    ), [`${ADMIN}[Principal::S/Ops] error`], []],
    // "If the key that you specify in a policy condition is not present in the request context, the values do not match"
    // (same page): a role tagged otherwise gets nothing from it.
    ['a role of the app whose tag does not meet the condition', () => keyModel(
      [DEPLOYER_STATEMENT, allow('TaggedDev', roleArn('dev'), 'kms:*', { StringEquals: { 'aws:PrincipalTag/team': 'ops' } })],
      { Dev: roleResource('Dev', 'dev', [], { Tags: [{ Key: 'team', Value: 'dev' }] }) },
    ), [], []],
    // Administration only under a tag condition an untagged role cannot meet: it only uses the key.
    ['administration allowed only under a condition the role cannot meet', () => keyModel([
      DEPLOYER_STATEMENT,
      allow('Use', roleArn('reader'), 'kms:Decrypt'),
      allow('AdministerIfTagged', roleArn('reader'), 'kms:DisableKey', { StringEquals: { 'aws:PrincipalTag/team': 'ops' } }),
    ]), [], []],
    // Use only under that condition: the role only administers the key.
    ['use allowed only under a condition the role cannot meet', () => keyModel([
      DEPLOYER_STATEMENT,
      allow('Administer', roleArn('keeper'), 'kms:DisableKey'),
      allow('UseIfTagged', roleArn('keeper'), 'kms:Decrypt', { StringEquals: { 'aws:PrincipalTag/team': 'ops' } }),
    ]), [], []],
    // Principal "*" narrowed by aws:PrincipalArn to one role lets that role in (conditions-aws.md, aws:PrincipalArn): the
    // statement applies to the role although it names no role in Principal.
    ['administration through Principal "*" narrowed to the role by aws:PrincipalArn', () => keyModel([
      DEPLOYER_STATEMENT,
      allow('Use', roleArn('app'), 'kms:Decrypt'),
      { Sid: 'Star', Effect: 'Allow', Principal: '*', Action: 'kms:DisableKey', Resource: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': roleArn('app') } } },
    ]), [], [`${USER}[Principal::role/app] error`]],
    // A Deny gives nothing: a Deny naming an unknown principal is no conflict of duties.
    ['a Deny naming a principal unknown offline', () => keyModel([
      DEPLOYER_STATEMENT,
      { Sid: 'DenyUnknown', Effect: 'Deny', Principal: { AWS: unknownRole('Denied') }, Action: 'kms:*', Resource: '*' },
    ]), [], []],
    ['an unknown principal allowed only to use the key', () => keyModel([DEPLOYER_STATEMENT, allow('OnlyUse', unknownRole('Reader'), ['kms:Decrypt', 'kms:Encrypt'])]), [], []],
    ['an unknown principal allowed only to administer the key', () => keyModel([DEPLOYER_STATEMENT, allow('OnlyAdminister', unknownRole('Keeper'), ['kms:DisableKey', 'kms:PutKeyPolicy'])]), [], []],
    // One statement naming two unknown principals: one "cannot verify" finding for the statement, not one per value
    // (the finding id is the statement's).
    ['one statement naming two principals unknown offline', () => keyModel([DEPLOYER_STATEMENT, allow('TwoUnknown', [unknownRole('A'), unknownRole('B')], 'kms:*')]),
      [`${ADMIN}[Statement::TwoUnknown] warning`], []],
    // A statement whose principal is unknown is reported on its own, never read as giving every other principal of the
    // key policy its actions: the named role only uses the key.
    ['a named user of the key beside a statement whose principal is unknown offline', () => keyModel([
      DEPLOYER_STATEMENT, allow('Use', roleArn('worker'), 'kms:Decrypt'), allow('Unknown', unknownRole('Who'), 'kms:*'),
    ]), [`${ADMIN}[Statement::Unknown] warning`], []],
    // No management action works across accounts: "If you give a user in a different account permission for other
    // operations, those permissions have no effect" (key-policy-modifying-external-accounts.md; kms-semantics.md §2):
    // another account's role cannot administer the key.
    ['a role of another account given kms:*', () => keyModel([DEPLOYER_STATEMENT, allow('Partner', 'arn:aws:iam::444455556666:role/partner', 'kms:*')]), [], []],
    // The deploying role is exempt only while it holds nothing beyond deploying and deleting the key
    // (PermissionSets.deployKey and deleteKey) and uses the key only through a service.
    ['the deploying role with kms:ScheduleKeyDeletion too (deleting the key), using it only through DynamoDB', () => keyModel([
      { ...DEPLOYER_STATEMENT, Action: [...DEPLOYER_STATEMENT.Action, 'kms:ScheduleKeyDeletion'] },
      allow('DeployerUsesThroughDynamoDb', DEPLOYER_ROLE, 'kms:Decrypt', THROUGH_DYNAMODB),
    ]), [], []],
    ['the deploying role with kms:CancelKeyDeletion too, using it only through DynamoDB', () => keyModel([
      { ...DEPLOYER_STATEMENT, Action: [...DEPLOYER_STATEMENT.Action, 'kms:CancelKeyDeletion'] },
      allow('DeployerUsesThroughDynamoDbToo', DEPLOYER_ROLE, 'kms:Decrypt', THROUGH_DYNAMODB),
    ]), [`${ADMIN}[Principal::Deployer] error`], []],
    // An IAM user is not a role, whatever its name (reference_policies_elements_principal.md): a user named like the
    // bootstrap role is not the deployer and is not exempt.
    ['an IAM user named like the deploying role, with the deployment actions and use through DynamoDB', () => keyModel([
      { ...DEPLOYER_STATEMENT, Sid: 'UserDeploys', Principal: { AWS: USER_NAMED_LIKE_DEPLOYER } },
      allow('UserUsesThroughDynamoDb', USER_NAMED_LIKE_DEPLOYER, 'kms:Decrypt', THROUGH_DYNAMODB),
    ]), [`${ADMIN}[Principal::user/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1] error`], []],
    // A stack synthesized without a deployer role (no cloudFormationExecutionRoleArn) still has its principals decided.
    ['a stack whose deployer is unknown', () => buildAppModel([{
      stackName: 'S', ...ENV, artifactId: 'S', template: { Resources: { Key: keyResource([allow('Ops', roleArn('ops'), 'kms:*')]) } },
    }]), [`${ADMIN}[Principal::role/ops] error`], []],
    // A deployer that is a role session, not a role or user ARN, is nobody's identity: no principal is exempt as it.
    ['a stack deployed by a role session, not a role ARN', () => buildAppModel([{
      stackName: 'S',
      ...ENV,
      artifactId: 'S',
      deployerArn: 'arn:aws:sts::111122223333:assumed-role/deployer/session',
      template: { Resources: { Key: keyResource([allow('Deployer', roleArn('deployer'), 'kms:*')]) } },
    }]), [`${ADMIN}[Principal::role/deployer] error`], []],
    // A deployer role of another account (a synthesizer naming its own execution role) is not the role of the key's
    // account with the same name: that role is not exempt.
    ['a role named like a deployer of another account, with the deployment actions and use through DynamoDB', () => buildAppModel([{
      stackName: 'S',
      ...ENV,
      artifactId: 'S',
      deployerArn: DEPLOYER_ROLE.replace('111122223333:role', '444455556666:role'),
      template: {
        Resources: {
          Key: keyResource([
            { ...DEPLOYER_STATEMENT, Sid: 'NamesakeDeploys' },
            allow('NamesakeUsesThroughDynamoDb', DEPLOYER_ROLE, 'kms:Decrypt', THROUGH_DYNAMODB),
          ]),
        },
      },
    }]), [`${ADMIN}[Principal::role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1] error`], []],
    // A role session named beside a role: the role is decided (the session is the known bug below, not a crash).
    ['a role session allowed Decrypt beside a role given kms:*', () => keyModel([
      DEPLOYER_STATEMENT, allow('SessionUses', 'arn:aws:sts::111122223333:assumed-role/ops/s2', 'kms:Decrypt'), allow('RoleBoth', roleArn('x'), 'kms:*'),
    ]), [`${ADMIN}[Principal::role/x] error`], []],
    // A key policy whose only statement names "*" and a principal unknown offline, allowing kms:Decrypt: "Unless the key
    // policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key" (key-policies.md), so a
    // role of the app whose inline policy allows kms:* may use the key but not administer it.
    ['a role allowed kms:* by its inline policy, the key policy\'s only statement allowing kms:Decrypt to "*" and an unknown principal', () => modelOfResources({
      Key: keyResource([allow('EveryoneDecrypts', ['*', unknownRole('Reader')], 'kms:Decrypt')]),
      Wide: roleResource('Wide', 'wide', [kmsInlinePolicy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })]),
    }), [], []],
    // A statement naming two roles gives each of them what it allows (reference_policies_elements_principal.md).
    ['one statement naming two roles of the account', () => keyModel([DEPLOYER_STATEMENT, allow('Two', [roleArn('one'), roleArn('two')], 'kms:*')]),
      [`${ADMIN}[Principal::role/one] error`, `${ADMIN}[Principal::role/two] error`], []],
    // A statement whose principal is unknown is reported on its own; a role named in another statement is still decided.
    ['a role given both duties beside a statement whose principal is unknown offline', () => keyModel([
      DEPLOYER_STATEMENT, allow('Both', roleArn('both'), 'kms:*'), allow('Unknown2', unknownRole('Y'), 'kms:*'),
    ]), [`${ADMIN}[Principal::role/both] error`, `${ADMIN}[Statement::Unknown2] warning`], []],
    // Only the deploying role is exempt: another role holding the deployment actions and using the key through a
    // service administers and uses it all the same.
    ['a role that is not the deployer, with the deployment actions and use through DynamoDB', () => keyModel([
      { ...DEPLOYER_STATEMENT, Sid: 'Keeper', Principal: { AWS: roleArn('keeper') } },
      allow('KeeperUsesThroughDynamoDb', roleArn('keeper'), 'kms:Decrypt', THROUGH_DYNAMODB),
    ]), [`${ADMIN}[Principal::role/keeper] error`], []],
    // A permissions boundary caps what the identity policies allow (IAM UG, reference_policies_evaluation-logic.md): a
    // role whose inline policy allows kms:* through the account delegation, bounded to kms:Decrypt, only uses the key.
    ['a role allowed kms:* by its inline policy through the delegation, bounded to kms:Decrypt', () => keyModel(
      [DEPLOYER_STATEMENT, allow('Root', 'arn:aws:iam::111122223333:root', 'kms:*')],
      {
        Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: policyDocument({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }) } },
        Bounded: roleResource('Bounded', 'bounded', [kmsInlinePolicy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })], { PermissionsBoundary: { Ref: 'Boundary' } }),
      },
    ), [], []],
    // The same role without the boundary: both duties (key-policy-default.md, the delegation lets IAM policies decide).
    ['the same role without a permissions boundary', () => keyModel(
      [DEPLOYER_STATEMENT, allow('Root', 'arn:aws:iam::111122223333:root', 'kms:*')],
      { Unbounded: roleResource('Unbounded', 'unbounded', [kmsInlinePolicy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })]) },
    ), [`${ADMIN}[Principal::S/Unbounded] error`], []],
    // An IAM policy naming the key by a parameter may name this key: read exactly, the placeholder would match no key
    // (a silent pass); it is a warning, "if the values unknown offline allow it".
    ['a role whose inline policy allows kms:* on a key ARN given as a parameter', () => keyModel(
      [DEPLOYER_STATEMENT, allow('Root', 'arn:aws:iam::111122223333:root', 'kms:*')],
      { ByParameter: roleResource('ByParameter', 'by-parameter', [kmsInlinePolicy({ Effect: 'Allow', Action: 'kms:*', Resource: { Ref: 'KeyArn' } })]) },
    ), [`${ADMIN}[Principal::S/ByParameter] warning`], []],
  ])('%s', (_name, model, admin, user) => {
    expect(both(model())).toEqual({ admin, user });
  });

  // The finding names the identity policy that allowed the request by its source, past the tenth policy too.
  test('a role whose eleventh inline policy allows DisableKey through the delegation: that policy is named', () => {
    const policies = Array.from({ length: 11 }, (_, i) => ({
      PolicyName: `p${i}`,
      PolicyDocument: policyDocument(i === 10 ? { Effect: 'Allow', Action: 'kms:DisableKey', Resource: '*' } : { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
    }));
    const findings = UserCanAdministerKey.check(keyModel(
      [DEPLOYER_STATEMENT, allow('Root', 'arn:aws:iam::111122223333:root', 'kms:*'), allow('Use', roleArn('many'), 'kms:Decrypt')],
      { Many: roleResource('Many', 'many', policies) },
    ));
    expect(ids(findings)).toEqual([`${USER}[Principal::S/Many] error`]);
    expect(findings[0].message).toBe('role S/Many may administer the key S/Key (kms:DisableKey, allowed by Sid "Root" of the key policy and statement #0 of inline policy p10 of the role) '
      + `and also use it (kms:Decrypt, allowed by Sid "Use" of the key policy). ${EXPECTED}`);
  });
});

/**
 * Bugs the sample showed, fixed since in support/duties.ts (a role session is a candidate; only the unknown values of a
 * statement's principals are left out). Each test states what AWS documents.
 */
describe('separation of duties: bugs the run showed (fixed since)', () => {
  // A role session is a valid principal of a key policy (reference_policies_elements_principal.md, "Role sessions"),
  // and this statement gives it every management and cryptographic operation on the key. Neither rule reported
  // it: candidatesOf kept only role and user ARNs, so a session was never a candidate.
  test('a role session of the key\'s account given kms:* is reported by AdminCanUseKey', () => {
    const findings = AdminCanUseKey.check(keyModel([DEPLOYER_STATEMENT, allow('Session', 'arn:aws:sts::111122223333:assumed-role/ops/s1', 'kms:*')]));
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    expect(findings[0].message).toContain('arn:aws:sts::111122223333:assumed-role/ops/s1');
  });

  // A statement naming a literal role and a principal unknown offline gives the literal role kms:* for certain. The
  // whole statement was left out of the decisions (withoutUnknownPrincipals) and only reported as "cannot verify" for
  // the unknown principal: role/certain's conflict of duties was not reported.
  test('a literal role named beside a principal unknown offline in one kms:* statement is reported as an error', () => {
    const findings = AdminCanUseKey.check(keyModel([DEPLOYER_STATEMENT, allow('Mixed', [roleArn('certain'), unknownRole('Other')], 'kms:*')]));
    expect(ids(findings)).toContain(`${ADMIN}[Principal::role/certain] error`);
  });
});

describe('separation of duties: scenarios the evaluator cannot decide are reported, never passed', () => {
  // NotPrincipal with Allow "would allow every principal except the listed ones" and most resource-based policies
  // reject it (reference_policies_elements_notprincipal.md): the evaluator refuses it, so the role is a "cannot evaluate"
  // warning of AdminCanUseKey (once: UserCanAdministerKey leaves errors to it).
  test('an Allow with NotPrincipal that gives a named user of the key administration', () => {
    const model = keyModel([
      DEPLOYER_STATEMENT,
      allow('Use', roleArn('app'), 'kms:Decrypt'),
      { Sid: 'NP', Effect: 'Allow', NotPrincipal: { AWS: roleArn('other') }, Action: 'kms:DisableKey', Resource: '*' },
    ]);
    const findings = AdminCanUseKey.check(model);
    expect(ids(findings)).toEqual([`${ADMIN}[Principal::role/app] warning`]);
    expect(findings[0].location).toEqual({ stackName: 'S', logicalId: 'Key', policy: 'key policy', field: 'Action' });
    expect(findings[0].message).toBe('whether role app (arn:aws:iam::111122223333:role/app, not defined in the app) may both administer and use the key S/Key could not be evaluated: '
      + 'Sid "NP" of the key policy has "Effect": "Allow" with NotPrincipal, which would allow every principal except the listed ones, including other accounts and anonymous callers; '
      + 'AWS recommends against it and most resource-based policies reject it (reference_policies_elements_notprincipal.md). '
      + 'name the principals to allow in Principal, or write Principal "*" with a Condition on aws:PrincipalArn (key policy, Sid "NP", NotPrincipal)');
    expect(UserCanAdministerKey.check(model)).toEqual([]);
  });

  // A misspelt condition operator is no operator of reference_policies_elements_condition_operators.md: the scenario
  // cannot be evaluated.
  test('a misspelt condition operator on the statement giving a role both duties', () => {
    const model = keyModel([DEPLOYER_STATEMENT, allow('Misspelt', roleArn('ops'), 'kms:*', { StringEqualz: { 'aws:PrincipalTag/team': 'ops' } })]);
    const findings = AdminCanUseKey.check(model);
    expect(ids(findings)).toEqual([`${ADMIN}[Principal::role/ops] warning`]);
    expect(findings[0].message).toBe('whether role ops (arn:aws:iam::111122223333:role/ops, not defined in the app) may both administer and use the key S/Key could not be evaluated: '
      + 'unknown condition operator "StringEqualz"; operator names are case-sensitive. did you mean `StringEquals`? (key policy, Sid "Misspelt", Condition.StringEqualz)');
    expect(UserCanAdministerKey.check(model)).toEqual([]);
  });

  // The deployer's use "only through a service" must be shown, not assumed: when the direct-use probe cannot be
  // evaluated (here a misspelt operator on kms:ViaService), the deployer is not exempt.
  test('the deploying role whose service-only use cannot be evaluated is not exempt', () => {
    const model = keyModel([
      DEPLOYER_STATEMENT,
      allow('DeployerUsesMisspelt', DEPLOYER_ROLE, 'kms:Decrypt', { StringEqualz: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } }),
    ]);
    expect(ids(AdminCanUseKey.check(model))).toEqual([`${ADMIN}[Principal::Deployer] error`]);
  });
});

describe('separation of duties: the findings, whole', () => {
  test('a literal role of the key\'s account not defined in the app, allowed DisableKey and Decrypt (UserCanAdministerKey)', () => {
    const model = keyModel([DEPLOYER_STATEMENT, allow('Both', roleArn('admin'), ['kms:Decrypt', 'kms:DisableKey'])]);
    const findings = UserCanAdministerKey.check(model);
    expect(findings).toEqual([{
      ruleId: USER,
      findingId: 'Principal::role/admin',
      severity: 'error',
      location: { stackName: 'S', logicalId: 'Key', policy: 'key policy', statement: 'Sid "Both"', field: 'Action' },
      message: 'role admin (arn:aws:iam::111122223333:role/admin, not defined in the app) may administer the key S/Key (kms:DisableKey, allowed by Sid "Both" of the key policy) '
        + `and also use it (kms:Decrypt, allowed by Sid "Both" of the key policy). ${EXPECTED}`,
    }]);
    expect(AdminCanUseKey.check(model)).toEqual([]);
  });

  test('the deploying role given kms:* (AdminCanUseKey): named as the deployer, PutKeyPolicy first', () => {
    const findings = AdminCanUseKey.check(keyModel([{ ...DEPLOYER_STATEMENT, Action: 'kms:*' }]));
    expect(findings).toEqual([{
      ruleId: ADMIN,
      findingId: 'Principal::Deployer',
      severity: 'error',
      location: { stackName: 'S', logicalId: 'Key', policy: 'key policy', statement: 'Sid "KeyDeployment"', field: 'Action' },
      message: `the role that deploys stack S (${DEPLOYER_ROLE}) may change the policy of and administer the key S/Key (${ALL_MANAGEMENT}, allowed by Sid "KeyDeployment" of the key policy) `
        + `and also use it (${ALL_CRYPTO}, allowed by Sid "KeyDeployment" of the key policy). ${EXPECTED}`,
    }]);
  });

  // The key policy's delegation to the account lets IAM decide (key-policy-default.md, "Allows access to the AWS
  // account and enables IAM policies"): administration comes through the delegation and the role's inline policy.
  test('a role of the app administering through the account delegation and its inline policy, using through the key policy', () => {
    const model = keyModel(
      [DEPLOYER_STATEMENT, allow('Root', 'arn:aws:iam::111122223333:root', 'kms:*'), allow('Use', roleArn('ops'), 'kms:Decrypt')],
      { Ops: roleResource('Ops', 'ops', [kmsInlinePolicy({ Effect: 'Allow', Action: 'kms:DisableKey', Resource: '*' })]) },
    );
    const findings = UserCanAdministerKey.check(model);
    expect(ids(findings)).toEqual([`${USER}[Principal::S/Ops] error`]);
    // Located on the key-policy statement that allowed administration: the delegation.
    expect(findings[0].location).toEqual({ stackName: 'S', logicalId: 'Key', policy: 'key policy', statement: 'Sid "Root"', field: 'Action' });
    expect(findings[0].message).toBe('role S/Ops may administer the key S/Key (kms:DisableKey, allowed by Sid "Root" of the key policy and statement #0 of inline policy kms of the role) '
      + `and also use it (kms:Decrypt, allowed by Sid "Use" of the key policy). ${EXPECTED}`);
  });

  test('both duties only if a value unknown offline allows them: a warning that says so', () => {
    const findings = AdminCanUseKey.check(keyModel([DEPLOYER_STATEMENT, allow('IfTeam', roleArn('maybe'), 'kms:*', { StringEquals: { 'aws:PrincipalTag/team': { Ref: 'Team' } } })]));
    expect(ids(findings)).toEqual([`${ADMIN}[Principal::role/maybe] warning`]);
    expect(findings[0].location).toEqual({ stackName: 'S', logicalId: 'Key', policy: 'key policy', statement: 'Sid "IfTeam"', field: 'Action' });
    expect(findings[0].message).toBe(`role maybe (arn:aws:iam::111122223333:role/maybe, not defined in the app) may change the policy of and administer the key S/Key (${ALL_MANAGEMENT}, allowed by Sid "IfTeam" of the key policy) `
      + `and also use it (${ALL_CRYPTO}, allowed by Sid "IfTeam" of the key policy). This holds if the values unknown offline allow it, so it could not be verified. ${EXPECTED}`);
  });

  test.each<[string, unknown, string, string, string]>([
    ['kms:* (AdminCanUseKey: it includes PutKeyPolicy, listed first)', 'kms:*', ADMIN, ALL_MANAGEMENT, ALL_CRYPTO],
    ['ScheduleKeyDeletion and Decrypt (UserCanAdministerKey)', ['kms:Decrypt', 'kms:ScheduleKeyDeletion'], USER, 'kms:ScheduleKeyDeletion', 'kms:Decrypt'],
    ['Decrypt, TagResource and PutKeyPolicy (AdminCanUseKey, PutKeyPolicy first)', ['kms:Decrypt', 'kms:TagResource', 'kms:PutKeyPolicy'], ADMIN, 'kms:PutKeyPolicy, kms:TagResource', 'kms:Decrypt'],
  ])('a principal unknown offline given %s: "cannot verify", located on its statement', (_name, action, rule, management, crypto) => {
    const model = keyModel([DEPLOYER_STATEMENT, allow('Param', unknownRole('RoleName'), action)]);
    const findings = [...AdminCanUseKey.check(model), ...UserCanAdministerKey.check(model)];
    expect(findings).toEqual([{
      ruleId: rule,
      findingId: 'Statement::Param',
      severity: 'warning',
      location: { stackName: 'S', logicalId: 'Key', policy: 'key policy', statement: 'Sid "Param"', field: 'Principal' },
      message: `whether the principal \`arn:aws:iam::111122223333:role/<unresolved:Ref RoleName>\` that Sid "Param" names, unknown offline, may both administer the key S/Key (${management}) and use it (${crypto}) ${UNKNOWN_TAIL}`,
    }]);
  });
});
