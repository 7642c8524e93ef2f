import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DEFAULT_POLICY_KEY, DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, keyResource, kmsInlinePolicy, modelOfResources, roleResource } from './helpers';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { InvalidAction } from '../../src/rules/KmsGuard-InvalidAction';

const RULE = 'KmsGuard-InvalidAction';
const APP_ROLE = 'arn:aws:iam::111122223333:role/app';

function checkStatement(statement: Record<string, unknown>) {
  return InvalidAction.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, { Sid: 'X', Resource: '*', Principal: { AWS: APP_ROLE }, ...statement }]) }));
}

describe(RULE, () => {
  test('GIVEN a GuardedKmsKey with users and a bucket, and a plain kms.Key granted to a function THEN compliant', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin], users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT] }] });
    new s3.Bucket(stack, 'Bucket', { encryptionKey: key }).grantReadWrite(user);
    const plain = new kms.Key(stack, 'Plain', { enableKeyRotation: true });
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    plain.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey*');
    expect(findingsOf(InvalidAction, app)).toEqual([]);
  });

  test('GIVEN a raw CfnKey whose Deny names a misspelt action THEN an error (the Deny denies less), with the nearest action', () => {
    const { app, stack } = appWithStack();
    new kms.CfnKey(stack, 'Raw', {
      enableKeyRotation: true,
      keyPolicy: {
        Version: '2012-10-17',
        Statement: [DEPLOYER_STATEMENT, { Sid: 'NoDeletion', Effect: 'Deny', Principal: '*', Action: ['kms:ScheduleKeyDeletions', 'kms:DisableKey'], Resource: '*' }],
      },
    });
    const findings = findingsOf(InvalidAction, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::NoDeletion] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Raw', policy: 'key policy', statement: 'Sid "NoDeletion"', field: 'Action' });
    expect(findings[0].message).toContain('"kms:ScheduleKeyDeletions" is not a KMS action');
    expect(findings[0].message).toContain('did you mean "kms:ScheduleKeyDeletion"?');
    expect(findings[0].message).toContain('allows more than it reads as');
  });

  test.each([
    ['a misspelt action in an Allow (grants less)', { Effect: 'Allow', Action: 'kms:Decrypts' }, 'warning', 'did you mean "kms:Decrypt"?'],
    ['a misspelt action in an Allow\'s NotAction (excludes nothing)', { Effect: 'Allow', NotAction: ['kms:PutKeyPolicyy'] }, 'error', 'covers more'],
    ['a misspelt action in a Deny\'s NotAction (denies more)', { Effect: 'Deny', NotAction: ['kms:Decryptt'] }, 'warning', 'allows less'],
    ['a value without a service prefix', { Effect: 'Allow', Action: ['Decrypt'] }, 'error', 'did you mean "kms:Decrypt"?'],
    ['a kms pattern matching nothing', { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:*Keyz'] }, 'warning', 'matches no KMS action'],
    ['another service\'s action in a key policy', { Effect: 'Allow', Action: ['kms:Decrypt', 's3:GetObject'] }, 'warning', 'governs only KMS requests'],
    ['an IAM-only KMS action in a key policy', { Effect: 'Allow', Action: ['kms:CreateKey', 'kms:ListAliases'] }, 'warning', 'IAM policies only'],
  ])('table: %s', (_name, statement, severity, says) => {
    const findings = checkStatement(statement);
    expect(ids(findings)).toEqual([`${RULE}[Statement::X] ${severity}`]);
    expect(findings[0].message).toContain(says);
  });

  test.each([
    ['exact names in any case', { Effect: 'Allow', Action: ['kms:decrypt', 'KMS:Encrypt'] }],
    ['patterns that match', { Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Describe*'] }],
    ['kms:* and *', { Effect: 'Allow', Action: ['kms:*', '*'] }],
  ])('table, compliant: %s', (_name, statement) => {
    expect(checkStatement(statement)).toEqual([]);
  });

  test('GIVEN a role whose IAM policy on a plain kms.Key holds a misspelt action THEN a warning on the role; other services\' statements are not judged', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantDecrypt(role);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKeys'], resources: [key.keyArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 'sqs:SendMessage'], resources: ['*'] }));
    const findings = findingsOf(InvalidAction, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::1] warning`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Reader/Resource', policy: expect.stringMatching(/^policy S\/ReaderDefaultPolicy/), statement: 'statement #1', field: 'Action' });
    expect(findings[0].message).toContain('role S/Reader');
    expect(findings[0].message).toContain('did you mean "kms:GenerateDataKey"?');
  });

  test('an action not known offline is a "cannot verify" warning, never a silent pass', () => {
    const findings = checkStatement({ Effect: 'Deny', Principal: '*', Action: ['<unresolved:Ref ActionName>'] });
    expect(ids(findings)).toEqual([`${RULE}[Statement::X] warning`]);
    expect(findings[0].message).toContain('cannot be verified');
  });
});

/** What every finding ends with: the statement received, what is expected, the fix with the id to acknowledge. */
function tail(statement: Record<string, unknown>, id: string): string {
  return `Received: ${JSON.stringify(statement)}. Expected: KMS action names as the KMS permissions reference spells them ("kms:Decrypt", patterns such as "kms:GenerateDataKey*" that match some), and in a key policy only KMS actions that a key policy can grant. `
    + `Fix: correct or remove each value named; if the statement is meant as it is, acknowledge ${RULE}[${id}] with the reason.`;
}

const NOT_AN_ACTION = 'is not an action: IAM\'s policy grammar expects "service:action" (or "*"), so the statement cannot be read and what the policy allows is unknown';
const NOT_KMS = 'is not a KMS action (kms-api-permissions-reference.md lists them), so it matches nothing:';
const LESS_LESS = 'the statement covers less than it reads as, so the policy allows less than it reads as';

/**
 * The whole message and severity, value by value (kms-api-permissions-reference.md for the names and the "Policy
 * type"; IAM UG reference_policies_elements_notaction.md for what a NotAction that matches nothing does). Mutation
 * survivors of sample 2 (docs/mutation-testing.md).
 */
describe(`${RULE}: the message, whole`, () => {
  test.each([
    [
      'a value outside the grammar and a misspelt name: each told; the unreadable one makes it an error',
      { Effect: 'Allow', Action: ['Decrypt', 'kms:Encrypts'] }, 'error', 'Action',
      `Action "Decrypt" ${NOT_AN_ACTION}; did you mean "kms:Decrypt"?; Action "kms:Encrypts" ${NOT_KMS} ${LESS_LESS}; did you mean "kms:Encrypt"?`,
    ],
    [
      'values with no near KMS action: no "did you mean"',
      { Effect: 'Allow', Action: ['Zqxwvzqxwv', 'kms:Zqxwvzqxwvzq'] }, 'error', 'Action',
      `Action "Zqxwvzqxwv" ${NOT_AN_ACTION}; Action "kms:Zqxwvzqxwvzq" ${NOT_KMS} ${LESS_LESS}`,
    ],
    [
      'a misspelt name in an Allow\'s Action: the statement covers less, the policy allows less (a warning)',
      { Effect: 'Allow', Action: 'kms:Decrypts' }, 'warning', 'Action',
      `Action "kms:Decrypts" ${NOT_KMS} ${LESS_LESS}; did you mean "kms:Decrypt"?`,
    ],
    [
      'a misspelt name in an Allow\'s NotAction: it excludes nothing, the statement covers more (an error)',
      { Effect: 'Allow', NotAction: ['kms:PutKeyPolicyy'] }, 'error', 'NotAction',
      `NotAction "kms:PutKeyPolicyy" ${NOT_KMS} the statement covers more than it reads as, so the policy allows more than it reads as; did you mean "kms:PutKeyPolicy"?`,
    ],
    [
      'a pattern of another service in a key policy: no effect there, whatever it matches',
      { Effect: 'Allow', Action: ['kms:Decrypt', 's3:Get*'] }, 'warning', 'Action',
      'Action "s3:Get*" is not a KMS action, and a key policy governs only KMS requests on its key, so it has no effect there',
    ],
    [
      // ct-synchronize-multi-region-key.md: KMS synchronizes multi-Region keys itself ("invokedBy": "AWS Internal").
      'kms:SynchronizeMultiRegionKey in a key policy: called by KMS itself',
      { Effect: 'Allow', Action: ['kms:SynchronizeMultiRegionKey'] }, 'warning', 'Action',
      'Action "kms:SynchronizeMultiRegionKey" is called by KMS itself, never authorized by a policy, so it has no effect in a key policy',
    ],
    [
      'kms:CreateKey in a key policy: IAM policies only',
      { Effect: 'Allow', Action: ['kms:CreateKey'] }, 'warning', 'Action',
      'Action "kms:CreateKey" is authorized by IAM policies only ("Policy type": IAM policy, kms-api-permissions-reference.md), so it has no effect in a key policy',
    ],
  ])('%s', (_name, st, severity, field, values) => {
    const statement = { Sid: 'X', Resource: '*', Principal: { AWS: APP_ROLE }, ...st };
    const findings = checkStatement(st);
    expect(ids(findings)).toEqual([`${RULE}[Statement::X] ${severity}`]);
    expect(findings[0].message).toBe(`Sid "X" of the key policy of S/Key: ${values}. ${tail(statement, 'Statement::X')}`);
    expect(findings[0].location).toMatchObject({ logicalId: 'Key', policy: 'key policy', statement: 'Sid "X"', field });
  });

  test.each([
    // A NotAction naming an action the key policy could not grant anyway excludes nothing it would have allowed: the
    // statement allows what it reads as.
    ['an IAM-only action in an Allow\'s NotAction', { Effect: 'Allow', NotAction: ['kms:CreateKey', 'kms:ScheduleKeyDeletion'] }],
    // The policy reader reports a value of the wrong shape (an error of its own): not this rule's.
    ['a value that is not a string', { Effect: 'Allow', Action: ['kms:Decrypt', 42] }],
  ])('table, key policy, not this rule\'s: %s', (_name, statement) => {
    expect(checkStatement(statement)).toEqual([]);
  });
});

describe(`${RULE}: identity policies`, () => {
  /** A key with KMS's default policy (it delegates to IAM) and a role S/W whose inline policy `kms` holds `statements`. */
  const withRole = (...statements: unknown[]) => InvalidAction.check(modelOfResources({ Key: DEFAULT_POLICY_KEY, W: roleResource('W', 'w', [kmsInlinePolicy(...statements)]) }));
  const DECRYPT = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' };

  test.each([
    // An identity policy grants any service's actions; IAM-only KMS actions are granted there (kms-api-permissions-reference.md).
    ['another service\'s action beside a KMS one', { Effect: 'Allow', Action: ['kms:Decrypt', 's3:GetObject'], Resource: '*' }],
    ['IAM-only KMS actions', { Effect: 'Allow', Action: ['kms:CreateKey', 'kms:ListAliases'], Resource: '*' }],
    // A statement of another service only is that service's business, whatever its values.
    ['a statement of another service with a value outside the grammar', { Effect: 'Allow', Action: ['s3:GetObject', 'GetObject'], Resource: '*' }],
  ])('table, compliant: %s', (_name, statement) => {
    expect(withRole(DECRYPT, statement)).toEqual([]);
  });

  test.each([
    // The statement covers KMS through "*", though none of its values starts with kms:.
    ['"*" and a value outside the grammar', { Effect: 'Allow', Action: ['*', 'Decrypt'], Resource: '*' }, 'error', `Action "Decrypt" ${NOT_AN_ACTION}; did you mean "kms:Decrypt"?`],
    // It names a kms: value, though that value matches no KMS action.
    ['a misspelt KMS name beside another service\'s action', { Effect: 'Allow', Action: ['s3:GetObject', 'kms:Decrypts'], Resource: '*' }, 'warning', `Action "kms:Decrypts" ${NOT_KMS} ${LESS_LESS}; did you mean "kms:Decrypt"?`],
    [
      'two misspelt names: both told',
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypts', 'kms:ReEncrypt*', 'kms:GenerateDataKeys'], Resource: '*' }, 'warning',
      `Action "kms:Encrypts" ${NOT_KMS} ${LESS_LESS}; did you mean "kms:Encrypt"?; Action "kms:GenerateDataKeys" ${NOT_KMS} ${LESS_LESS}; did you mean "kms:GenerateDataKey"?`,
    ],
  ])('table, reported on the role: %s', (_name, statement, severity, values) => {
    const findings = withRole(DECRYPT, statement);
    expect(ids(findings)).toEqual([`${RULE}[Statement::1] ${severity}`]);
    expect(findings[0].message).toBe(`statement #1 of inline policy kms of the role, an identity policy of role S/W that reaches a KMS key of the app: ${values}. ${tail(statement, 'Statement::1')}`);
    expect(findings[0].location).toMatchObject({ logicalId: 'W', constructPath: 'S/W/Resource', policy: 'inline policy kms of the role', statement: 'statement #1', field: 'Action' });
  });
});
