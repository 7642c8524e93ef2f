import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, keyResource, modelOfResources } from './helpers';
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
