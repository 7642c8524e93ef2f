import { Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  DEFAULT_POLICY_KEY, DEPLOYER_STATEMENT, ENV, appWithStack, findingsOf, ids, keyResource, kmsInlinePolicy, modelOfResources, roleResource,
} from './helpers';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { AccountWideDelegation } from '../../src/rules/KmsGuard-AccountWideDelegation';

const RULE = 'KmsGuard-AccountWideDelegation';

/** A key with KMS's default policy, and a role S/Worker of its account whose inline policy holds `statement`. */
function keyAndWorker(statement: Record<string, unknown>) {
  return modelOfResources({ Key: DEFAULT_POLICY_KEY, Worker: roleResource('Worker', 'worker', [kmsInlinePolicy(statement)]) });
}

describe(RULE, () => {
  test('GIVEN a plain kms.Key granted to a function WHEN checked THEN a warning on the default kms:* statement, naming who can use the key', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    key.grantDecrypt(fn);
    const findings = findingsOf(AccountWideDelegation, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::0] warning`]);
    expect(findings[0].message).toContain('KMS\'s default key-policy statement, which a plain kms.Key writes');
    expect(findings[0].message).toContain('Who can: in this app: role S/Fn/ServiceRole (kms:Decrypt)');
  });

  test('GIVEN a Secret and a Volume encrypted with a GuardedKmsKey THEN one warning per service delegation aws-cdk-lib adds, and none for the key\'s own statements', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin], users: [{ grantee: user, capabilities: [KeyCapability.DECRYPT] }] });
    new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
    new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(8), encrypted: true, encryptionKey: key });
    const findings = findingsOf(AccountWideDelegation, app);
    expect(findings.length).toBeGreaterThanOrEqual(2);
    expect(findings.every((f) => f.severity === 'warning')).toBe(true);
    const text = findings.map((f) => f.message).join('\n');
    expect(text).toContain('through secretsmanager.us-east-1.amazonaws.com');
    expect(text).toContain('through ec2.us-east-1.amazonaws.com');
  });

  test('GIVEN a GuardedKmsKey with users in another stack (tag-narrowed delegation) THEN compliant', () => {
    const { app, stack } = appWithStack('Keys');
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
    const other = new Stack(app, 'Compute', { env: ENV });
    const role = new iam.Role(other, 'Worker', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantDecrypt(role);
    expect(findingsOf(AccountWideDelegation, app)).toEqual([]);
  });

  test.each([
    ['the account root, kms:*', { Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*' }, true],
    ['the bare account id', { Principal: { AWS: '111122223333' } }, true],
    ['"*" with kms:CallerAccount and kms:ViaService', { Principal: '*', Condition: { StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } } }, true],
    ['the root narrowed to roles', { Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app' } } }, false],
    ['the root with aws:PrincipalArn role/*', { Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } } }, true],
    ['the root narrowed by a principal tag', { Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'orders' } } }, false],
    ['a named role', { Principal: { AWS: 'arn:aws:iam::111122223333:role/app' } }, false],
    ['another account', { Principal: { AWS: 'arn:aws:iam::444455556666:root' } }, false],
  ])('table: an Allow to %s', (_name, st, reported) => {
    const statement = { Sid: 'X', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', ...st };
    const findings = AccountWideDelegation.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, statement]) }));
    expect(findings.map((f) => f.findingId)).toEqual(reported ? ['Statement::X'] : []);
  });

  test('an identity grant whose Resource holds a policy variable reaches the key: the variable is filled in per request (IAM UG reference_policies_variables.md), and the evaluator decides', () => {
    // Any key of the caller's own account: the literal pattern names no key, the filled-in one names this one.
    const model = keyAndWorker({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:*:${aws:PrincipalAccount}:key/*' });
    const findings = AccountWideDelegation.check(model);
    expect(ids(findings)).toEqual([`${RULE}[Statement::Enable IAM User Permissions] warning`]);
    expect(findings[0].message).toContain('Who can: in this app: role S/Worker (kms:Decrypt)');
  });

  test('a key without KeyPolicy in its template gets KMS\'s default policy, and the warning says so', () => {
    const findings = AccountWideDelegation.check(modelOfResources({ Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } } }));
    expect(findings.map((f) => f.findingId)).toEqual(['Statement::Enable IAM User Permissions']);
    expect(findings[0].message).toContain('the template sets no key policy');
  });
});

describe(`${RULE}: principals the evaluator cannot decide for`, () => {
  test('GIVEN a role whose identity policy the evaluator cannot read THEN a "cannot verify" warning naming the role and the error, besides the statement\'s warning', () => {
    const model = keyAndWorker({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEqualz: { 'aws:PrincipalTag/team': 'orders' } } });
    const findings = AccountWideDelegation.check(model);
    expect(ids(findings)).toEqual([`${RULE}[Statement::Enable IAM User Permissions] warning`, `${RULE}[Principal::S/Worker] warning`]);
    expect(findings[0].message).toContain('not verified for role S/Worker');
    expect(findings[1].message).toContain('cannot verify whether role S/Worker can use the key');
    expect(findings[1].message).toContain('StringEqualz');
    expect(findings[1].location).toMatchObject({ policy: 'key policy', statement: 'Sid "Enable IAM User Permissions"' });
  });
});

/**
 * Which statements are account-wide: what the key's own account is (key-policy-default.md: the account root, or its id,
 * delegates to IAM; conditions-kms.md, kms:CallerAccount: `"*"` with kms:CallerAccount "effectively allow[s] access
 * to all identities in AWS account 111122223333"), and which conditions keep the statement to some principals.
 * Mutation survivors of sample 2 (docs/mutation-testing.md): each row is a statement that one reading of the code gets
 * wrong.
 */
describe(`${RULE}: which statements delegate to the whole account`, () => {
  const ROOT = 'arn:aws:iam::111122223333:root';
  test.each([
    // The root is one of the principals: the statement delegates to the account even if it also names a role.
    ['the root and a named role', { Principal: { AWS: [ROOT, 'arn:aws:iam::111122223333:role/app'] } }, true],
    // Another account's principals never carry kms:CallerAccount 111122223333 (conditions-kms.md: the caller's
    // account): the statement lets no principal of the key's account in.
    ['another account\'s root, with kms:CallerAccount of the key\'s account', { Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } } }, false],
    // "*" is the key's account only with a positive kms:CallerAccount / aws:PrincipalAccount naming it.
    ['"*" through a service, no account condition', { Principal: '*', Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } } }, false],
    ['"*" with aws:SourceAccount of the key\'s account (not the caller\'s account)', { Principal: '*', Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }, false],
    ['"*" with StringNotEquals kms:CallerAccount (every account but the key\'s)', { Principal: '*', Condition: { StringNotEquals: { 'kms:CallerAccount': '111122223333' } } }, false],
    ['"*" with a misspelt kms:CallerAccounts (no request carries it)', { Principal: '*', Condition: { StringEquals: { 'kms:CallerAccounts': '111122223333' } } }, false],
    ['"*" with aws:PrincipalAccount of the key\'s account', { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } }, true],
    // A condition key that merely ends in "kms:CallerAccount" is not it: a resource tag of that name, which a key
    // policy does not even evaluate (tag-authorization.md: aws:ResourceTag is "supported only in IAM policies").
    ['"*" with a resource tag named kms:CallerAccount', { Principal: '*', Condition: { StringEquals: { 'aws:ResourceTag/kms:CallerAccount': '111122223333' } } }, false],
    // A negated condition on the caller's tags keeps out some principals, it does not name the ones let in.
    ['the root with StringNotEquals on a principal tag', { Principal: { AWS: ROOT }, Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'orders' } } }, true],
    // aws:userid is the caller's unique id (reference_policies_variables.md): it names principals.
    ['the root narrowed by aws:userid', { Principal: { AWS: ROOT }, Condition: { StringLike: { 'aws:userid': 'AROAEXAMPLEID:*' } } }, false],
    // kms:GranteePrincipal limits whom a grant is for, not who calls (conditions-kms.md): any principal of the account
    // may still create grants for that role.
    ['the root, CreateGrant with kms:GranteePrincipal naming a role', { Principal: { AWS: ROOT }, Action: 'kms:CreateGrant', Condition: { StringEquals: { 'kms:GranteePrincipal': 'arn:aws:iam::111122223333:role/app' } } }, true],
    // Every value must name principals: one role/* among them lets every role in.
    ['the root with aws:PrincipalArn of a role and of role/*', { Principal: { AWS: ROOT }, Condition: { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/app', 'arn:aws:iam::111122223333:role/*'] } } }, true],
    ['the root with aws:PrincipalArn role/** (every role)', { Principal: { AWS: ROOT }, Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/**' } } }, true],
  ])('table: an Allow to %s', (_name, st, reported) => {
    const statement = { Sid: 'X', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', ...st };
    const findings = AccountWideDelegation.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, statement]) }));
    expect(findings.map((f) => f.findingId)).toEqual(reported ? ['Statement::X'] : []);
  });
});

/**
 * The whole message of a statement's finding: what (the statement, the account, the actions, the service), where
 * (Sid, key), which kind of delegation, who can use the key, what is expected and the fix.
 */
function delegationMessage(sid: string, what: string, kind: string, who: string): string {
  return `Sid "${sid}" of the key policy of S/Key allows account 111122223333 ${what} with no aws:PrincipalArn or aws:PrincipalTag condition (${kind}): `
    + 'any principal of the account whose IAM policies allow it can then use the key, now or later, and the key policy does not say who. '
    + `Who can: ${who}; and any principal of 111122223333 outside the app given such an IAM policy. `
    + 'Expected: the principals that need the key, named in the key policy or kept to by "ArnEquals": {"aws:PrincipalArn": [...]}. '
    + `Fix: narrow the statement, or give the key an explicit policy (GuardedKmsKey does); if IAM is meant to decide, acknowledge ${RULE}[Statement::${sid}] on the key with the reason.`;
}

const KMS_STAR_ACTIONS = 'kms:Decrypt, kms:DeriveSharedSecret, kms:Encrypt, kms:GenerateDataKey and 39 more';
const NOBODY = 'no principal of this app is allowed through it yet';
const DEFAULT_SID = 'Enable IAM User Permissions';
const DEFAULT_KIND = 'the template sets no key policy, so KMS applies its default one';

describe(`${RULE}: the message, whole`, () => {
  const ROOT = 'arn:aws:iam::111122223333:root';
  test.each([
    [
      'kms:* with a kms:CallerAccount condition is not KMS\'s default statement (key-policy-default.md: that one has no condition)',
      { Sid: 'A', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } } },
      delegationMessage('A', KMS_STAR_ACTIONS, 'a delegation to the account', NOBODY),
    ],
    [
      'kms:* through two services (conditions-kms.md, kms:ViaService): both named',
      { Sid: 'V', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': ['ec2.us-east-1.amazonaws.com', 's3.us-east-1.amazonaws.com'] } } },
      delegationMessage('V', `${KMS_STAR_ACTIONS} through ec2.us-east-1.amazonaws.com, s3.us-east-1.amazonaws.com`, 'an account-wide delegation through a service, as aws-cdk-lib\'s Secret and Volume add', NOBODY),
    ],
    [
      '"*" with kms:CallerAccount and kms:ViaService (the AWS managed key\'s statement, conditions-kms.md): only the service is a service',
      { Sid: 'C', Effect: 'Allow', Principal: '*', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } },
      delegationMessage('C', 'kms:Decrypt, kms:Encrypt through secretsmanager.us-east-1.amazonaws.com', 'an account-wide delegation through a service, as aws-cdk-lib\'s Secret and Volume add', NOBODY),
    ],
    [
      'one action, no condition',
      { Sid: 'D', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:Decrypt', Resource: '*' },
      delegationMessage('D', 'kms:Decrypt', 'a delegation to the account', NOBODY),
    ],
  ])('%s', (_name, statement, message) => {
    const findings = AccountWideDelegation.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, statement]) }));
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toBe(message);
    expect(findings[0].location).toMatchObject({ logicalId: 'Key', policy: 'key policy', statement: `Sid "${statement.Sid}"`, field: 'Principal' });
  });

  test('a role let in by another statement of the key policy is not counted as let in through the delegation: only the delegation and the Denies are asked', () => {
    // The delegation is for the account's IAM users (aws:PrincipalArn user/* names no principal: every user); the role
    // is named by its own statement, which is no delegation.
    const model = modelOfResources({
      Key: keyResource([
        DEPLOYER_STATEMENT,
        { Sid: 'D', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:Decrypt', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/*' } } },
        { Sid: 'R', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/worker' }, Action: 'kms:Decrypt', Resource: '*' },
      ]),
      Worker: roleResource('Worker', 'worker', [kmsInlinePolicy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })]),
    });
    const findings = AccountWideDelegation.check(model);
    expect(findings.map((f) => f.message)).toEqual([delegationMessage('D', 'kms:Decrypt', 'a delegation to the account', NOBODY)]);
  });
});

/**
 * A principal whose own policies hold a value unknown offline (a key ARN given as a parameter) is asked under both
 * readings of them, and named once: allowed for certain, or "if values unknown offline in its policies allow it".
 */
describe(`${RULE}: principals whose policies hold values unknown offline`, () => {
  test.each([
    [
      'an IAM policy granting kms:Decrypt on a key ARN given as a parameter: allowed only if the parameter names this key',
      [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { Ref: 'KeyArn' } }],
      'in this app: role S/Worker (kms:Decrypt, if values unknown offline in its policies allow it)',
    ],
    [
      'kms:Decrypt on every key, and kms:Encrypt on a parameter: allowed for certain, named once',
      [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }, { Effect: 'Allow', Action: 'kms:Encrypt', Resource: { Ref: 'KeyArn' } }],
      'in this app: role S/Worker (kms:Decrypt)',
    ],
  ])('%s', (_name, statements, who) => {
    const findings = AccountWideDelegation.check(modelOfResources({ Key: DEFAULT_POLICY_KEY, Worker: roleResource('Worker', 'worker', [kmsInlinePolicy(...statements)]) }));
    expect(findings.map((f) => f.message)).toEqual([delegationMessage(DEFAULT_SID, KMS_STAR_ACTIONS, DEFAULT_KIND, who)]);
  });

  test('a policy the evaluator cannot read, holding a value unknown offline: reported once as "cannot verify", not once per reading', () => {
    const worker = roleResource('Worker', 'worker', [kmsInlinePolicy(
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEqualz: { 'aws:PrincipalTag/team': 'orders' } } },
      { Effect: 'Allow', Action: 'kms:Encrypt', Resource: { Ref: 'KeyArn' } },
    )]);
    const findings = AccountWideDelegation.check(modelOfResources({ Key: DEFAULT_POLICY_KEY, Worker: worker }));
    expect(findings.map((f) => f.message)).toEqual([
      delegationMessage(DEFAULT_SID, KMS_STAR_ACTIONS, DEFAULT_KIND, `${NOBODY} (not verified for role S/Worker: see ${RULE}[Principal::...])`),
      unverifiedMessage(`Sid "${DEFAULT_SID}"`),
    ]);
  });
});

/** The whole "cannot verify" message for role S/Worker, whose policy has the operator StringEqualz. */
function unverifiedMessage(statements: string): string {
  return `cannot verify whether role S/Worker can use the key S/Key through the account-wide delegation (${statements} of the key policy): `
    + 'its identity policies allow KMS actions on the key, but the evaluator could not evaluate its requests: '
    + 'unknown condition operator "StringEqualz"; operator names are case-sensitive. did you mean `StringEquals`? (identity policy #0, statement #0, Condition.StringEqualz). '
    + 'Expected: identity policies the evaluator can read (each error names the policy, statement and field). '
    + `Fix: correct the policy the error names, or narrow the key policy to the principals that need the key; if the principal is meant to be left unchecked, acknowledge ${RULE}[Principal::S/Worker] on the key with the reason.`;
}

describe(`${RULE}: one "cannot verify" finding per principal, naming every delegation it could not be checked for`, () => {
  test('two account-wide statements, one unreadable identity policy: both statements named, the first as the location', () => {
    const model = modelOfResources({
      Key: keyResource([
        { Sid: 'A', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:Decrypt', Resource: '*' },
        { Sid: 'B', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' },
      ]),
      Worker: roleResource('Worker', 'worker', [kmsInlinePolicy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEqualz: { 'aws:PrincipalTag/team': 'orders' } } })]),
    });
    const findings = AccountWideDelegation.check(model);
    expect(ids(findings)).toEqual([`${RULE}[Statement::A] warning`, `${RULE}[Statement::B] warning`, `${RULE}[Principal::S/Worker] warning`]);
    expect(findings[2].message).toBe(unverifiedMessage('Sid "A", Sid "B"'));
    expect(findings[2].location).toMatchObject({ logicalId: 'Key', policy: 'key policy', statement: 'Sid "A"', field: 'Principal' });
  });
});
