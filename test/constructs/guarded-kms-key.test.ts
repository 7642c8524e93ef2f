import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AppEvaluator } from './app-evaluator';
import { GuardedKmsKey, KeyCapability } from '../../src';

const ENV = { account: '111122223333', region: 'us-east-1' };

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Owner', { env: ENV });
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const user = new iam.Role(stack, 'User', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { app, stack, admin, user };
}

function keyPolicy(stack: Stack): any[] {
  const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
  return Object.values(keys)[0].Properties.KeyPolicy.Statement;
}

/** The usage statement (Sid `Use...`, content-derived) whose actions include `action`. */
function usage(stack: Stack, action: string): any {
  return keyPolicy(stack).find((s) => /^Use/.test(s.Sid) && [s.Action].flat().includes(action));
}

describe('GuardedKmsKey', () => {
  test('has safe defaults: rotation, RETAIN, an alias, deletion protection, and no kms:* for the account', () => {
    const { stack, admin } = setup();
    new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: Match.stringLikeRegexp('^alias/') });
    const statements = keyPolicy(stack);
    expect(statements.map((s) => s.Sid)).toEqual(['KeyAdministration', 'KeyDeployment', 'DenyKeyDeletionExceptBreakGlass']);
    expect(statements[0].Action).toContain('kms:PutKeyPolicy');
    expect(statements[0].Action).not.toContain('kms:Decrypt');
    expect(statements[2]).toMatchObject({ Effect: 'Deny', Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'] });
    expect(JSON.stringify(statements)).not.toContain('"kms:*"');
  });

  test('puts a user\'s encryption context on the key-policy side and the IAM side, and not on DescribeKey', () => {
    const { stack, admin, user } = setup();
    new GuardedKmsKey(stack, 'Key', {
      administrators: [admin],
      requiredEncryptionContext: { tenant: 'acme' },
      users: [{ grantee: user, capabilities: [KeyCapability.DECRYPT], encryptionContext: { app: 'orders' } }],
    });
    const statements = keyPolicy(stack);
    const ctx = { StringEquals: { 'kms:EncryptionContext:tenant': 'acme', 'kms:EncryptionContext:app': 'orders' } };
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Sid: expect.stringMatching(/^UseCtx[0-9a-f]{8}$/), Action: ['kms:Decrypt', 'kms:ReEncryptFrom'], Condition: ctx }),
      expect.objectContaining({ Sid: expect.stringMatching(/^Use[0-9a-f]{8}$/), Action: 'kms:DescribeKey' }),
    ]));
    expect(usage(stack, 'kms:DescribeKey').Condition).toBeUndefined();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['kms:Decrypt', 'kms:ReEncryptFrom'], Condition: ctx, Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } }),
        ]),
      },
    });
  });

  test('keeps a principal\'s own conditions on both sides (aws-cdk-lib drops them on the IAM side)', () => {
    const { stack, admin, user } = setup();
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
    key.grantDecrypt(new iam.PrincipalWithConditions(user, { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } }));
    expect(usage(stack, 'kms:Decrypt')).toMatchObject({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } } });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } } })]) },
    });
  });

  test('grantCapabilities adds kms:ViaService with the stack\'s Region', () => {
    const { stack, admin, user } = setup();
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
    key.grantCapabilities(user, [KeyCapability.ENCRYPT_DECRYPT], { viaServices: ['s3', 'secretsmanager.us-east-1.amazonaws.com'] });
    expect(usage(stack, 'kms:Decrypt').Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com', 'secretsmanager.us-east-1.amazonaws.com'] },
    });
  });

  test('grant() expands wildcards to today\'s actions instead of passing them on', () => {
    const { stack, admin, user } = setup();
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
    key.grant(user, 'kms:GenerateDataKey*');
    expect(usage(stack, 'kms:GenerateDataKey').Action).toEqual([
      'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:GenerateDataKeyWithoutPlaintext',
    ]);
  });

  test('names a service principal in the key policy only', () => {
    const { stack, admin } = setup();
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
    key.grantCapabilities(new iam.ServicePrincipal('logs.us-east-1.amazonaws.com'), [KeyCapability.ENCRYPT_DECRYPT], {
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:*' } },
    });
    expect(usage(stack, 'kms:Decrypt')).toMatchObject({ Principal: { Service: 'logs.us-east-1.amazonaws.com' } });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('iamDelegation delegates only the requested capabilities, optionally to named principals', () => {
    const { stack, admin } = setup();
    new GuardedKmsKey(stack, 'Key', {
      administrators: [admin],
      iamDelegation: { capabilities: [KeyCapability.DECRYPT], principalArns: ['arn:aws:iam::111122223333:role/reporting'] },
    });
    expect(keyPolicy(stack).find((s) => s.Sid === 'DelegateToIam')).toMatchObject({
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom', 'kms:DescribeKey'],
      Condition: { ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/reporting'] } },
    });
  });

  test('an organization boundary denies principals outside it, except AWS services', () => {
    const { stack, admin } = setup();
    new GuardedKmsKey(stack, 'Key', { administrators: [admin], organizationId: 'o-a1b2c3d4e5' });
    expect(keyPolicy(stack).find((s) => s.Sid === 'DenyPrincipalsOutsideOrganization')).toMatchObject({
      Effect: 'Deny',
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    });
  });

  test('break-glass principals are exempt from deletion protection and may schedule and cancel deletion, disable and enable', () => {
    const { stack, admin } = setup();
    const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::111122223333:role/break-glass');
    new GuardedKmsKey(stack, 'Key', { administrators: [admin], breakGlassPrincipals: [breakGlass] });
    expect(keyPolicy(stack).find((s) => s.Sid === 'DenyKeyDeletionExceptBreakGlass').Condition).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/break-glass'] },
    });
    expect(keyPolicy(stack).find((s) => s.Sid === 'BreakGlass')).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/break-glass' },
      Action: ['kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:DisableKey', 'kms:EnableKey'],
    });
  });

  test('a key destroyed with its stack lets the deployer schedule its deletion, past deletion protection', () => {
    const { stack, admin } = setup();
    new GuardedKmsKey(stack, 'Key', { administrators: [admin], removalPolicy: RemovalPolicy.DESTROY });
    const deployer = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1']] };
    expect(keyPolicy(stack).find((s) => s.Sid === 'KeyDeployment').Action).toContain('kms:ScheduleKeyDeletion');
    expect(keyPolicy(stack).find((s) => s.Sid === 'DenyKeyDeletionExceptBreakGlass').Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': [deployer] } });
  });

  describe('principals in other stacks never create a dependency cycle', () => {
    test('a bucket in another stack, encrypted with the key and read by a role there, synthesizes', () => {
      const { app, stack, admin } = setup();
      const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
      const consumer = new Stack(app, 'Consumer', { env: ENV });
      const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      new s3.Bucket(consumer, 'Bucket', { encryptionKey: key }).grantRead(reader);
      expect(() => app.synth()).not.toThrow();
      expect(consumer.dependencies.map((d) => d.stackName)).toEqual(['Owner']);
      expect(stack.dependencies).toEqual([]);
      // The key policy reaches the reader through a delegation narrowed to a tag that only the reader carries.
      const statement = usage(stack, 'kms:Decrypt');
      const [tagCondition] = Object.entries(statement.Condition.StringEquals);
      expect(tagCondition[0]).toMatch(/^aws:PrincipalTag\/kms-guard:[0-9a-f]{8}$/);
      Template.fromStack(consumer).hasResourceProperties('AWS::IAM::Role', {
        Tags: [{ Key: tagCondition[0].slice('aws:PrincipalTag/'.length), Value: tagCondition[1] }],
      });
    });

    test('a Lambda function in another stack with environment encryption synthesizes', () => {
      const { app, stack, admin } = setup();
      const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
      const consumer = new Stack(app, 'Functions', { env: ENV });
      new lambda.Function(consumer, 'Fn', {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
        environment: { MODE: 'prod' },
        environmentEncryption: key,
      });
      expect(() => app.synth()).not.toThrow();
      expect(stack.dependencies).toEqual([]);
    });

    test('whichever order the stacks are declared in', () => {
      const app = new App();
      const consumer = new Stack(app, 'DeclaredFirst', { env: ENV });
      const owner = new Stack(app, 'Owner', { env: ENV });
      const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin] });
      const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      new s3.Bucket(consumer, 'Bucket', { encryptionKey: key }).grantReadWrite(reader);
      key.grantEncryptDecrypt(reader);
      expect(() => app.synth()).not.toThrow();
      expect(owner.dependencies).toEqual([]);
    });

    test('a role imported by literal ARN is named directly', () => {
      const { stack, admin } = setup();
      const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
      key.grantDecrypt(iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/batch'));
      expect(usage(stack, 'kms:Decrypt').Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:role/batch' });
    });
  });

  test('a role of another account is named in the key policy, and its IAM side is scoped by account, Region and alias', () => {
    const { app, stack, admin } = setup();
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin], alias: 'orders' });
    const consumer = new Stack(app, 'Consumer', { env: { account: '444455556666', region: 'us-east-1' } });
    const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'orders-reader' });
    key.grantDecrypt(reader);
    // The account principal narrowed by aws:PrincipalArn: KMS does not resolve it when it reads the policy, so the
    // key deploys before the other account's role exists.
    expect(usage(stack, 'kms:Decrypt')).toMatchObject({
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:root']] } },
      Condition: { ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:role/orders-reader']] } } },
    });
    Template.fromStack(consumer).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Resource: 'arn:aws:kms:us-east-1:111122223333:key/*',
          Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' } },
        })],
      },
    });
  });

  test('matches the snapshot', () => {
    const { app, stack, admin, user } = setup();
    new GuardedKmsKey(stack, 'Key', {
      administrators: [admin],
      alias: 'orders',
      requiredEncryptionContext: { app: 'orders' },
      users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT] }],
      organizationId: 'o-a1b2c3d4e5',
    });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
    AppEvaluator.assertDeployable(app);
  });

  describe('fails', () => {
    test.each([
      ['without administrators', (s: Stack) => new GuardedKmsKey(s, 'Key', { administrators: [] }), /administrators is empty/],
      ['when an administrator is also a user', (s: Stack, admin: iam.Role) => new GuardedKmsKey(s, 'Key', {
        administrators: [admin], users: [{ grantee: admin, capabilities: [KeyCapability.DECRYPT] }],
      }), /both an administrator and a user/],
      ['on an invalid organization id', (s: Stack, admin: iam.Role) => new GuardedKmsKey(s, 'Key', { administrators: [admin], organizationId: 'org-1' }),
        /not an AWS Organizations id/],
      ['on break-glass principals without deletion protection', (s: Stack, admin: iam.Role) => new GuardedKmsKey(s, 'Key', {
        administrators: [admin], deletionProtection: false, breakGlassPrincipals: [admin],
      }), /deletionProtection is false/],
      ['on contradictory encryption contexts', (s: Stack, admin: iam.Role, user: iam.Role) => new GuardedKmsKey(s, 'Key', {
        administrators: [admin], requiredEncryptionContext: { app: 'a' }, users: [{ grantee: user, capabilities: [KeyCapability.DECRYPT], encryptionContext: { app: 'b' } }],
      }), /encryption context "app" is required to be "a" by the key and "b" by the grant/],
      ['on an everyone principal', (s: Stack, admin: iam.Role) => new GuardedKmsKey(s, 'Key', {
        administrators: [admin], users: [{ grantee: new iam.AnyPrincipal(), capabilities: [KeyCapability.DECRYPT] }],
      }), /"\*" \(everyone\)/],
    ])('%s', (_, make, message) => {
      const { stack, admin, user } = setup();
      expect(() => make(stack, admin, user)).toThrow(message);
    });

    test('when grant() is asked for something that is not a KMS action', () => {
      const { stack, admin, user } = setup();
      const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
      expect(() => key.grant(user, 'kms:Decryptt')).toThrow(/not a KMS action/);
    });

    test('when a role of another account is granted an operation that does not work across accounts', () => {
      const { stack, admin } = setup();
      const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
      expect(() => key.grant(new iam.ArnPrincipal('arn:aws:iam::444455556666:role/x'), 'kms:ScheduleKeyDeletion')).toThrow(/cannot be used from another account/);
    });
  });
});
