import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, keyResource, modelOfResources } from './helpers';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { IneffectiveStatement } from '../../src/rules/KmsGuard-IneffectiveStatement';

const RULE = 'KmsGuard-IneffectiveStatement';
const ROOT = 'arn:aws:iam::111122223333:root';
const APP_ROLE = 'arn:aws:iam::111122223333:role/app';

/** The findings on a raw key whose policy is the deployer's statement plus `statement`. */
function checkStatement(statement: Record<string, unknown>) {
  return IneffectiveStatement.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, { Sid: 'X', Resource: '*', ...statement }]) }));
}

describe(RULE, () => {
  test('GIVEN a GuardedKmsKey with users, a bucket and a plain kms.Key granted to a function WHEN checked THEN compliant', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin], users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT], encryptionContext: { app: 'orders' } }] });
    new s3.Bucket(stack, 'Bucket', { encryptionKey: key }).grantRead(user);
    const plain = new kms.Key(stack, 'Plain', { enableKeyRotation: true });
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    plain.grantEncryptDecrypt(fn);
    expect(findingsOf(IneffectiveStatement, app)).toEqual([]);
  });

  test('GIVEN a raw CfnKey whose Deny has no Resource THEN an error (the restriction is not in force); an Allow without Resource is a warning', () => {
    const { app, stack } = appWithStack();
    new kms.CfnKey(stack, 'Raw', {
      enableKeyRotation: true,
      keyPolicy: {
        Version: '2012-10-17',
        Statement: [
          DEPLOYER_STATEMENT,
          { Sid: 'DenyDeletion', Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion' },
          { Sid: 'App', Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Decrypt' },
        ],
      },
    });
    const findings = findingsOf(IneffectiveStatement, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::DenyDeletion] error`, `${RULE}[Statement::App] warning`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Raw', policy: 'key policy', statement: 'Sid "DenyDeletion"', field: 'Resource' });
    expect(findings[0].message).toContain('denies nothing');
    expect(findings[0].message).toContain('add "Resource": "*"');
    expect(findings[1].message).toContain('allows nothing');
  });

  test('GIVEN ForAllValues on kms:EncryptionContext:* in a key policy THEN an error: KMS rejects the policy', () => {
    const findings = checkStatement({ Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Decrypt', Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:app': 'orders' } } });
    expect(ids(findings)).toEqual([`${RULE}[Statement::X] error`]);
    expect(findings[0].message).toContain('OverlyPermissiveCondition');
    expect(findings[0].message).toContain('stack does not deploy');
  });

  test.each([
    ['aws:ResourceTag in an Allow (never holds)', 'Allow', { StringEquals: { 'aws:ResourceTag/team': 'orders' } }, 'warning', 'IAM policies only'],
    ['kms:ResourceAliases in an Allow', 'Allow', { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' } }, 'warning', 'IAM policies only'],
    ['aws:ResourceTag under StringNotEquals in a Deny (always holds: the Deny is wider)', 'Deny', { StringNotEquals: { 'aws:ResourceTag/team': 'orders' } }, 'warning', 'always holds'],
    ['a misspelt key under a positive operator in a Deny', 'Deny', { StringEquals: { 'kms:CallerAcount': '444455556666' } }, 'error', 'did you mean `kms:CallerAccount`'],
    ['a misspelt key under StringNotEqualsIfExists in an Allow', 'Allow', { StringNotEqualsIfExists: { 'kms:CallerAcount': '444455556666' } }, 'error', 'narrows nothing'],
    ['a key of other actions (GrantIsForAWSResource on Decrypt)', 'Allow', { Bool: { 'kms:GrantIsForAWSResource': 'true' } }, 'warning', 'kms:CreateGrant'],
    ['aws:SourceIp with aws:SourceVpce in an Allow', 'Allow', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:SourceVpce': 'vpce-1234abcdf5678c90a' } }, 'warning', 'VPC endpoint'],
    ['aws:SourceIp with aws:SourceVpc in a Deny', 'Deny', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:SourceVpc': 'vpc-12345678' } }, 'error', 'denies nothing'],
  ])('table: %s', (_name, effect, condition, severity, says) => {
    const principal = effect === 'Deny' ? '*' : { AWS: APP_ROLE };
    const findings = checkStatement({ Effect: effect, Principal: principal, Action: 'kms:Decrypt', Condition: condition });
    expect(ids(findings)).toEqual([`${RULE}[Statement::X] ${severity}`]);
    expect(findings[0].message).toContain(says);
  });

  test.each([
    ['aws:SourceIp alone (requests over the internet)', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
    ['aws:SourceVpce alone', { StringEquals: { 'aws:SourceVpce': 'vpce-1234abcdf5678c90a' } }],
    ['kms:EncryptionContext without a set operator', { StringEquals: { 'kms:EncryptionContext:app': 'orders' } }],
    ['kms:CallerAccount and kms:ViaService', { StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }],
  ])('table, compliant: %s', (_name, condition) => {
    expect(checkStatement({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:Decrypt', Condition: condition })).toEqual([]);
  });

  test('GIVEN a role whose IAM policy on a plain kms.Key uses ForAllValues on the encryption context THEN an error on the role, in that policy', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:app': 'orders' } },
    }));
    const findings = findingsOf(IneffectiveStatement, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::0] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Reader/Resource', policy: expect.stringMatching(/^policy S\/ReaderDefaultPolicy/), statement: 'statement #0' });
    expect(findings[0].message).toContain('role S/Reader');
    expect(findings[0].message).toContain('allows more than it reads as');
  });

  test('GIVEN an identity statement about another service only THEN it is not this rule\'s', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantDecrypt(role);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], conditions: { StringEquals: { 's3:prefix': 'a' } } }));
    expect(findingsOf(IneffectiveStatement, app)).toEqual([]);
  });

  test('a condition key that is not known offline is a "cannot verify" warning, never a silent pass', () => {
    const findings = checkStatement({ Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Condition: { StringEquals: { '<unresolved:Ref KeyName>': 'x' } } });
    expect(ids(findings)).toEqual([`${RULE}[Statement::X] warning`]);
    expect(findings[0].message).toContain('cannot be verified');
  });
});
