/**
 * Keys that deploy and work: what KMS and CloudFormation check when the app is deployed, proved on synthesized
 * templates with the bundled evaluator. Each case names the AWS page behind it (kms-semantics.md §9-10,
 * cdk-ecosystem.md §8).
 */
import { App, CfnParameter, CliCredentialsStackSynthesizer, DefaultStackSynthesizer, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AppEvaluator } from './app-evaluator';
import { GuardedKmsKey, KeyCapability, KmsAccessEvaluator } from '../../src';

const ENV = { account: '111122223333', region: 'us-east-1' };
const DEPLOYER = { arn: 'arn:aws:sts::111122223333:assumed-role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1/AWSCloudFormation' };
const ALLOW_ALL_KMS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };

function setup() {
  const app = new App();
  const owner = new Stack(app, 'Owner', { env: ENV });
  const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin], alias: 'orders' });
  return { app, owner, admin, key };
}

function keyPolicy(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
}

function fn(scope: Stack, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

/** CreateGrant for an AWS resource, as an integrated service makes it on the caller's behalf (create-grant-overview.md). */
function createGrantThrough(evaluator: AppEvaluator, keyPath: string, caller: { arn: string }, service: string) {
  const key = evaluator.key(keyPath);
  return KmsAccessEvaluator.evaluate({
    key: { arn: key.arn, policy: key.policy },
    caller: { arn: caller.arn, identityPolicies: [] },
    request: {
      action: 'kms:CreateGrant',
      createGrant: { granteePrincipal: `${service}.amazonaws.com`, operations: ['Decrypt', 'GenerateDataKey'] },
      context: { 'kms:ViaService': `${service}.us-east-1.amazonaws.com`, 'kms:GrantIsForAWSResource': 'true' },
    },
  });
}

describe('the deploying role (CloudFormation execution role)', () => {
  // API_CreateKey / API_PutKeyPolicy: the new policy must let the caller call PutKeyPolicy again (kms-semantics.md §9).
  test('passes the lockout safety check on CreateKey and PutKeyPolicy, and cannot use the key', () => {
    const { app } = setup();
    const evaluator = AppEvaluator.synth(app);
    const put = evaluator.putSamePolicy('Owner/Key', DEPLOYER);
    expect({ decision: put.decision, lockout: put.lockoutSafetyCheck }).toEqual({ decision: 'allow', lockout: 'passed' });
    const key = evaluator.key('Owner/Key');
    const create = KmsAccessEvaluator.evaluate({
      caller: { arn: DEPLOYER.arn, identityPolicies: [ALLOW_ALL_KMS] },
      request: { action: 'kms:CreateKey', newKeyPolicy: key.policy },
    });
    expect(create.lockoutSafetyCheck).toBe('passed');
    for (const action of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ScheduleKeyDeletion']) {
      expect(evaluator.evaluate('Owner/Key', DEPLOYER, action).decision).not.toBe('allow');
    }
  });

  test('a key policy without the deployer would be rejected: the check is not vacuous', () => {
    const { app } = setup();
    const evaluator = AppEvaluator.synth(app);
    const key = evaluator.key('Owner/Key');
    const withoutDeployer = { ...key.policy, Statement: key.policy.Statement.filter((s: any) => s.Sid !== 'KeyDeployment') };
    const result = KmsAccessEvaluator.evaluate({
      key: { arn: key.arn, policy: withoutDeployer },
      caller: { arn: DEPLOYER.arn, identityPolicies: [ALLOW_ALL_KMS] },
      request: { action: 'kms:PutKeyPolicy', newKeyPolicy: withoutDeployer },
    });
    expect(result.lockoutSafetyCheck).toBe('failed');
  });

  test('is named from the synthesizer: a custom qualifier or execution role is followed', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV, synthesizer: new DefaultStackSynthesizer({ qualifier: 'team42' }) });
    const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardedKmsKey(owner, 'Key', { administrators: [admin] });
    expect(JSON.stringify(keyPolicy(owner).find((s) => s.Sid === 'KeyDeployment').Principal)).toContain(':iam::111122223333:role/cdk-team42-cfn-exec-role-111122223333-us-east-1');
  });

  test('a synthesizer that deploys with the CLI\'s credentials needs `deployer`, and then names it', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV, synthesizer: new CliCredentialsStackSynthesizer() });
    const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => new GuardedKmsKey(owner, 'Key', { administrators: [admin] })).toThrow(/Owner\/Key: cannot tell which principal deploys stack Owner.*CliCredentialsStackSynthesizer.*Set `deployer`/);
    const other = new Stack(app, 'Other', { env: ENV, synthesizer: new CliCredentialsStackSynthesizer() });
    const deployer = iam.Role.fromRoleArn(other, 'Ci', 'arn:aws:iam::111122223333:role/ci-deploy');
    new GuardedKmsKey(other, 'Key', { administrators: [new iam.Role(other, 'Admin', { assumedBy: new iam.AccountRootPrincipal() })], deployer });
    expect(keyPolicy(other).find((s) => s.Sid === 'KeyDeployment').Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:role/ci-deploy' });
  });

  // services-dynamodb.md: creating a table with a customer managed key takes DescribeKey and CreateGrant through DynamoDB.
  test('can create a DynamoDB table encrypted with the key, through DynamoDB only', () => {
    const { app, key } = setup();
    const data = new Stack(app, 'Data', { env: ENV });
    new dynamodb.Table(data, 'Orders', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
    });
    const evaluator = AppEvaluator.synth(app);
    expect(createGrantThrough(evaluator, 'Owner/Key', DEPLOYER, 'dynamodb').decision).toBe('allow');
    expect(evaluator.evaluate('Owner/Key', DEPLOYER, 'kms:DescribeKey', { viaService: 'dynamodb.us-east-1.amazonaws.com' }).decision).toBe('allow');
    // Not for itself, not through another service, not a grant for a non-AWS resource.
    expect(createGrantThrough(evaluator, 'Owner/Key', DEPLOYER, 'rds').decision).toBe('implicit-deny');
    const direct = KmsAccessEvaluator.evaluate({
      key: { arn: evaluator.key('Owner/Key').arn, policy: evaluator.key('Owner/Key').policy },
      caller: { arn: DEPLOYER.arn },
      request: { action: 'kms:CreateGrant', createGrant: { granteePrincipal: 'arn:aws:iam::111122223333:role/x', operations: ['Decrypt'] } },
    });
    expect(direct.decision).toBe('implicit-deny');
    expect(evaluator.evaluate('Owner/Key', DEPLOYER, 'kms:Decrypt', { viaService: 'dynamodb.us-east-1.amazonaws.com' }).decision).toBe('implicit-deny');
  });

  test('gets nothing for resources when nothing in the app is encrypted with the key', () => {
    const { owner } = setup();
    expect(keyPolicy(owner).map((s) => s.Sid)).toEqual(['KeyAdministration', 'KeyDeployment', 'DenyKeyDeletionExceptBreakGlass']);
  });
});

describe('break-glass principals', () => {
  // deleting-keys-adding-permission.md: ScheduleKeyDeletion and CancelKeyDeletion are key-policy permissions.
  test('can schedule and cancel deletion, disable and enable the key; an administrator cannot schedule deletion', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV });
    const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const breakGlass = iam.Role.fromRoleArn(owner, 'BreakGlass', 'arn:aws:iam::111122223333:role/break-glass');
    new GuardedKmsKey(owner, 'Key', { administrators: [admin], breakGlassPrincipals: [breakGlass] });
    const evaluator = AppEvaluator.synth(app);
    const glass = { arn: 'arn:aws:sts::111122223333:assumed-role/break-glass/incident' };
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:DisableKey', 'kms:EnableKey']) {
      expect(evaluator.evaluate('Owner/Key', glass, action).decision).toBe('allow');
    }
    expect(evaluator.evaluate('Owner/Key', glass, 'kms:Decrypt').decision).toBe('implicit-deny');
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Owner/Admin'), 'kms:ScheduleKeyDeletion').decision).toBe('explicit-deny');
  });

  test('a key destroyed with its stack can be deleted by the deployer, and by nobody else', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV });
    const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardedKmsKey(owner, 'Key', { administrators: [admin], removalPolicy: RemovalPolicy.DESTROY });
    const evaluator = AppEvaluator.synth(app);
    expect(evaluator.evaluate('Owner/Key', DEPLOYER, 'kms:ScheduleKeyDeletion').decision).toBe('allow');
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Owner/Admin'), 'kms:ScheduleKeyDeletion').decision).toBe('explicit-deny');
  });
});

describe('AWS services that use the key as themselves', () => {
  // CloudWatch Logs "Encrypt log data in CloudWatch Logs using AWS KMS": logs.REGION.amazonaws.com with
  // kms:EncryptionContext:aws:logs:arn (aws-cdk-lib adds nothing for an encrypted LogGroup, cdk-ecosystem.md §8).
  test('CloudWatch Logs can use the key for this account\'s log groups and not another account\'s', () => {
    const { app, key } = setup();
    const ops = new Stack(app, 'Ops', { env: ENV });
    new logs.LogGroup(ops, 'Logs', { encryptionKey: key });
    const evaluator = AppEvaluator.synth(app);
    const logsService = { arn: 'logs.us-east-1.amazonaws.com' };
    const own = { encryptionContext: { 'aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:log-group:app' } };
    const foreign = { encryptionContext: { 'aws:logs:arn': 'arn:aws:logs:us-east-1:999999999999:log-group:app' } };
    expect(evaluator.evaluate('Owner/Key', logsService, 'kms:GenerateDataKey', own).decision).toBe('allow');
    expect(evaluator.evaluate('Owner/Key', logsService, 'kms:Decrypt', own).decision).toBe('allow');
    expect(evaluator.evaluate('Owner/Key', logsService, 'kms:GenerateDataKey', foreign).decision).toBe('implicit-deny');
    expect(evaluator.evaluate('Owner/Key', logsService, 'kms:GenerateDataKey').decision).toBe('implicit-deny');
  });

  // A service principal statement without aws:SourceAccount/aws:SourceArn lets another account's resource use the key
  // (IAM UG, the confused deputy problem): S3 event notifications to an encrypted queue add one through addToResourcePolicy.
  test('a service statement added without a guard is kept to this account with aws:SourceAccount', () => {
    const { app, owner, key } = setup();
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
    }));
    const statement = keyPolicy(owner).find((s) => JSON.stringify(s.Principal).includes('events.amazonaws.com'));
    expect(statement.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '111122223333' } });
    const evaluator = AppEvaluator.synth(app);
    const keyModel = evaluator.key('Owner/Key');
    const decide = (account: string) => KmsAccessEvaluator.evaluate({
      key: { arn: keyModel.arn, policy: keyModel.policy },
      caller: { arn: 'events.amazonaws.com' },
      request: { action: 'kms:GenerateDataKey', context: { 'aws:SourceAccount': account } },
    }).decision;
    expect(decide('111122223333')).toBe('allow');
    expect(decide('999999999999')).toBe('implicit-deny');
  });

  test('S3 notifications to an encrypted queue: a statement that carries aws:SourceArn keeps it alone, a bare one gets aws:SourceAccount', () => {
    const { owner, key } = setup();
    const queue = new sqs.Queue(owner, 'Queue', { encryptionMasterKey: key });
    new s3.Bucket(owner, 'Bucket').addObjectCreatedNotification(new s3n.SqsDestination(queue));
    const s3Statements = keyPolicy(owner).filter((s) => JSON.stringify(s.Principal).includes('s3.amazonaws.com'));
    expect(s3Statements.length).toBeGreaterThan(0);
    // grantSendMessages brings aws:SourceArn, which stays alone; the bare statement SqsDestination adds gets aws:SourceAccount.
    expect(s3Statements.map((s) => s.Condition)).toEqual(expect.arrayContaining([
      { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/^Bucket/), 'Arn'] } } },
      { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    ]));
    for (const s of s3Statements) expect(Object.keys(s.Condition)).toHaveLength(1);
  });
});

describe('required encryption context and AWS services agree', () => {
  // services-s3.md: S3 sends its own encryption context (aws:s3:arn); a key-wide required context it cannot send
  // makes every S3 request with the key fail.
  test('fails synthesis for a bucket encrypted with a key that requires a context S3 cannot send, naming the bucket, S3 and the fix', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV });
    const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin], requiredEncryptionContext: { app: 'orders' } });
    new s3.Bucket(owner, 'Bucket', { encryptionKey: key });
    expect(() => app.synth()).toThrow(/Owner\/Bucket\/Resource \(AWS::S3::Bucket\) is encrypted with this key.*"app".*s3 sends only its own \("aws:s3:arn"\).*Remove requiredEncryptionContext/s);
  });

  test('fails a grant through S3 on a key that requires a context S3 cannot send', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV });
    const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(owner, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin], requiredEncryptionContext: { app: 'orders' } });
    expect(() => key.grantCapabilities(user, [KeyCapability.DECRYPT], { viaServices: ['s3'] })).toThrow(/Owner\/Key: the grant to Owner\/User through s3 can never be used/);
  });

  test('a required context that is the service\'s own key is accepted', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV });
    const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(owner, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin], requiredEncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::orders' } });
    expect(() => key.grantCapabilities(user, [KeyCapability.DECRYPT], { viaServices: ['s3'] })).not.toThrow();
  });
});

describe('principals exist when KMS reads the key policy, and no dependency cycles', () => {
  test('a role with an explicit name in another stack is reached by aws:PrincipalArn, not named and not tagged', () => {
    const { app, owner, key } = setup();
    const consumer = new Stack(app, 'Consumer', { env: ENV });
    const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'orders-reader' });
    key.grantDecrypt(reader);
    app.synth();
    expect(owner.dependencies).toEqual([]);
    const statement = keyPolicy(owner).find((s) => /^Use/.test(s.Sid) && [s.Action].flat().includes('kms:Decrypt'));
    expect(statement.Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] } });
    expect(statement.Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:role/orders-reader']] } } });
    expect(JSON.stringify(Template.fromStack(consumer).toJSON())).not.toContain('kms-guard:');
    const evaluator = AppEvaluator.synth(app);
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Consumer/Reader'), 'kms:Decrypt').decision).toBe('allow');
    const impostor = { arn: 'arn:aws:sts::111122223333:assumed-role/orders-writer/s', identityPolicies: [ALLOW_ALL_KMS] };
    expect(evaluator.evaluate('Owner/Key', impostor, 'kms:Decrypt').decision).toBe('implicit-deny');
  });

  // aws-cdk-lib wraps the grantee of secret.grantRead in a kms.ViaServicePrincipal (cdk-ecosystem.md §8).
  test('secret.grantRead(fn) with the key, the secret and the function in three stacks synthesizes', () => {
    const { app, key } = setup();
    const secrets = new Stack(app, 'Secrets', { env: ENV });
    const secret = new secretsmanager.Secret(secrets, 'Secret', { encryptionKey: key });
    const functions = new Stack(app, 'Functions', { env: ENV });
    const reader = fn(functions, 'Reader');
    secret.grantRead(reader);
    expect(() => app.synth()).not.toThrow();
    const evaluator = AppEvaluator.synth(app);
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Functions/Reader/ServiceRole'), 'kms:Decrypt', {
      viaService: 'secretsmanager.us-east-1.amazonaws.com',
      encryptionContext: { SecretARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:x' },
    }).decision).toBe('allow');
  });

  test('key.grants (KeyGrants) gets the guarded treatment: no cycle, and the grant works', () => {
    const { app, owner, key } = setup();
    const consumer = new Stack(app, 'Consumer', { env: ENV });
    const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    key.grants.decrypt(reader);
    new s3.Bucket(consumer, 'Uses', { encryptionKey: key });
    expect(() => app.synth()).not.toThrow();
    expect(owner.dependencies).toEqual([]);
    const evaluator = AppEvaluator.synth(app);
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Consumer/Reader'), 'kms:Decrypt').decision).toBe('allow');
  });
});

describe('size and churn', () => {
  test('principals with the same grant share one statement', () => {
    const { owner, key } = setup();
    const a = new iam.Role(owner, 'A', { assumedBy: new iam.AccountRootPrincipal() });
    const b = new iam.Role(owner, 'B', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantDecrypt(a);
    key.grantDecrypt(b);
    const statements = keyPolicy(owner).filter((s) => /^Use/.test(s.Sid));
    expect(statements).toHaveLength(1);
    expect(statements[0].Principal.AWS).toHaveLength(2);
  });

  test('adding a grant changes only the statement it lands in: other Sids and statements stay as they were', () => {
    const build = (extra: boolean) => {
      const { owner, key } = setup();
      const a = new iam.Role(owner, 'A', { assumedBy: new iam.AccountRootPrincipal() });
      const b = new iam.Role(owner, 'B', { assumedBy: new iam.AccountRootPrincipal() });
      const c = new iam.Role(owner, 'C', { assumedBy: new iam.AccountRootPrincipal() });
      key.grantDecrypt(a);
      if (extra) key.grantSign(c);
      key.grantEncrypt(b);
      return keyPolicy(owner);
    };
    const before = build(false);
    const after = build(true);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after).toHaveLength(before.length + 1);
  });

  test('40 Lambda functions in another stack with three grants each stay far under 32 KB and all work', () => {
    const { app, owner, key } = setup();
    const functions = new Stack(app, 'Functions', { env: ENV });
    const bucket = new s3.Bucket(functions, 'Bucket', { encryptionKey: key });
    const queue = new sqs.Queue(functions, 'Queue', { encryptionMasterKey: key });
    for (let i = 0; i < 40; i++) {
      const f = fn(functions, `Fn${i}`);
      bucket.grantRead(f);
      queue.grantSendMessages(f);
      key.grantDecrypt(f);
    }
    app.synth();
    const policy = Object.values(Template.fromStack(owner).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy;
    expect(policy.Statement.length).toBeLessThanOrEqual(10);
    expect(JSON.stringify(policy).length).toBeLessThan(16 * 1024);
    const evaluator = AppEvaluator.synth(app);
    for (const i of [0, 17, 39]) {
      const caller = evaluator.callerFor(`Functions/Fn${i}/ServiceRole`);
      expect(evaluator.evaluate('Owner/Key', caller, 'kms:Decrypt', { viaService: 's3.us-east-1.amazonaws.com' }).decision).toBe('allow');
      expect(evaluator.evaluate('Owner/Key', caller, 'kms:GenerateDataKey', { viaService: 'sqs.us-east-1.amazonaws.com' }).decision).toBe('allow');
    }
  });

  test('fails synthesis before KMS would, naming the largest statements', () => {
    const { app, owner, key } = setup();
    for (let i = 0; i < 150; i++) {
      const role = new iam.Role(owner, `R${i}`, { assumedBy: new iam.AccountRootPrincipal() });
      key.grantCapabilities(role, [KeyCapability.DECRYPT], { encryptionContext: { tenant: `tenant-${i}` } });
    }
    expect(() => app.synth()).toThrow(/Owner\/Key.*the key policy would be about \d+ bytes .* over KMS's limit of 32768 bytes.*Largest statements: Use[0-9a-f]{8} \(\d+ bytes\)/s);
  });
});

describe('smaller defects', () => {
  // conditions-kms.md, kms:GrantIsForAWSResource: CreateGrant, ListGrants and RevokeGrant only through an integrated service.
  test('GRANT_FOR_AWS_RESOURCE is conditioned on kms:GrantIsForAWSResource', () => {
    const { app, owner, key } = setup();
    const user = new iam.Role(owner, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantCapabilities(user, [KeyCapability.DECRYPT, KeyCapability.GRANT_FOR_AWS_RESOURCE]);
    const grantStatement = keyPolicy(owner).find((s) => [s.Action].flat().includes('kms:CreateGrant'));
    expect(grantStatement.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    const evaluator = AppEvaluator.synth(app);
    expect(createGrantThrough(evaluator, 'Owner/Key', evaluator.callerFor('Owner/User'), 'rds').decision).toBe('allow');
    const keyModel = evaluator.key('Owner/Key');
    const direct = KmsAccessEvaluator.evaluate({
      key: { arn: keyModel.arn, policy: keyModel.policy },
      caller: evaluator.callerFor('Owner/User'),
      request: { action: 'kms:CreateGrant', createGrant: { granteePrincipal: 'arn:aws:iam::111122223333:role/x', operations: ['Decrypt'] } },
    });
    expect(direct.decision).toBe('implicit-deny');
  });

  test('a token alias is kept as given, not mangled', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV });
    const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const name = new CfnParameter(owner, 'AliasName', { default: 'alias/orders' }).valueAsString;
    new GuardedKmsKey(owner, 'Key', { administrators: [admin], alias: name });
    Template.fromStack(owner).hasResourceProperties('AWS::KMS::Alias', { AliasName: { Ref: 'AliasName' } });
  });

  test('GuardedKmsKey.fromKeyArn refuses to return an unguarded key', () => {
    const { owner } = setup();
    expect(() => GuardedKmsKey.fromKeyArn(owner, 'Imported', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'))
      .toThrow(/Owner\/Imported: GuardedKmsKey.fromKeyArn would return a key whose policy this app does not manage.*kms.Key.fromKeyArn/);
  });

  test('GuardedKmsKey.fromLookup and fromCfnKey refuse too', () => {
    const { owner } = setup();
    expect(() => GuardedKmsKey.fromLookup(owner, 'Looked', { aliasName: 'alias/x' })).toThrow(/Owner\/Looked: GuardedKmsKey.fromLookup would return a key whose policy this app does not manage/);
    const cfn = new kms.CfnKey(owner, 'Raw', { keyPolicy: {} });
    expect(() => GuardedKmsKey.fromCfnKey(cfn)).toThrow(/Owner\/Raw: GuardedKmsKey.fromCfnKey would return a key that is not guarded/);
  });

  test('a key in a stack without an explicit account refuses a management action for a literal principal of another account', () => {
    const app = new App();
    const owner = new Stack(app, 'Agnostic');
    const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin] });
    expect(() => key.grant(new iam.ArnPrincipal('arn:aws:iam::444455556666:role/x'), 'kms:PutKeyPolicy'))
      .toThrow(/Agnostic\/Key: cannot tell whether arn:aws:iam::444455556666:role\/x is in the key's account.*Give the key's stack an explicit env/);
  });

  test('error messages name construct paths, never unresolved tokens', () => {
    const { admin, key } = setup();
    let message = '';
    try {
      key.grantDecrypt(admin);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/Owner\/Key: Owner\/Admin.* is both an administrator and a user/);
    expect(message).not.toContain('${Token');
  });
});

describe('aws-cdk-lib constructs that use the key', () => {
  test('an encrypted Secret synthesizes, the deployer can create it, and its account-wide delegation is remarked', () => {
    const { app, owner, key } = setup();
    new secretsmanager.Secret(owner, 'Secret', { encryptionKey: key });
    const evaluator = AppEvaluator.synth(app);
    const via = { viaService: 'secretsmanager.us-east-1.amazonaws.com', encryptionContext: { SecretARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:x' } };
    expect(evaluator.evaluate('Owner/Key', DEPLOYER, 'kms:GenerateDataKey', via).decision).toBe('allow');
    expect(evaluator.evaluate('Owner/Key', DEPLOYER, 'kms:GenerateDataKey').decision).toBe('implicit-deny');
    const warnings = Annotations.fromStack(owner).findWarning('/Owner/Key', Match.stringLikeRegexp('any principal of account "111122223333".*through secretsmanager.us-east-1.amazonaws.com'));
    expect(warnings.length).toBeGreaterThan(0);
  });

  test('an encrypted EBS volume synthesizes, the deployer can create it and the attacher attach it, through EC2', () => {
    const { app, owner, key } = setup();
    const volume = new ec2.Volume(owner, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(8), encrypted: true, encryptionKey: key });
    const user = new iam.Role(owner, 'Attacher', { assumedBy: new iam.AccountRootPrincipal() });
    volume.grantAttachVolume(user);
    const evaluator = AppEvaluator.synth(app);
    // services-ebs.md: creating a volume sends GenerateDataKeyWithoutPlaintext; attaching it creates a grant, as the attacher.
    expect(evaluator.evaluate('Owner/Key', DEPLOYER, 'kms:GenerateDataKeyWithoutPlaintext', { viaService: 'ec2.us-east-1.amazonaws.com' }).decision).toBe('allow');
    expect(createGrantThrough(evaluator, 'Owner/Key', evaluator.callerFor('Owner/Attacher'), 'ec2').decision).toBe('allow');
    // grantAttachVolume conditions its IAM side only; the key-policy side is conditioned by GuardedKmsKey.grant, so
    // the attacher cannot create a grant for anything but an AWS resource.
    const keyModel = evaluator.key('Owner/Key');
    expect(KmsAccessEvaluator.evaluate({
      key: { arn: keyModel.arn, policy: keyModel.policy },
      caller: evaluator.callerFor('Owner/Attacher'),
      request: { action: 'kms:CreateGrant', createGrant: { granteePrincipal: 'arn:aws:iam::111122223333:role/x', operations: ['Decrypt'] } },
    }).decision).toBe('implicit-deny');
  });
});

describe('account-delegation remarks', () => {
  test('a statement narrowed to named principals by aws:PrincipalArn is not remarked as account-wide', () => {
    const { owner, key } = setup();
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.AccountPrincipal('444455556666')],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:role/reader' } },
    }));
    expect(Annotations.fromStack(owner).findWarning('/Owner/Key', Match.stringLikeRegexp('any principal of account'))).toEqual([]);
    key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AccountPrincipal('444455556666')], actions: ['kms:Decrypt'], resources: ['*'] }));
    // The statement is unnarrowed on purpose (the remark is what is tested): the key's own validation rightly fails it.
    Validations.of(key).acknowledge({ id: 'KmsGuard-CrossAccountWithoutNarrowing[Statement::Allowf43057c6]', reason: 'the remark on this statement is tested' });
    expect(Annotations.fromStack(owner).findWarning('/Owner/Key', Match.stringLikeRegexp('any principal of account "444455556666"'))).toHaveLength(1);
  });
});

describe('break-glass and administrators in another stack', () => {
  test('are reached through the account principal and get the same actions in their IAM policy, so they can act', () => {
    const app = new App();
    const people = new Stack(app, 'People', { env: ENV });
    const admin = new iam.Role(people, 'Admin', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'kms-admin' });
    const glass = new iam.Role(people, 'Glass', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'break-glass' });
    const owner = new Stack(app, 'Owner', { env: ENV });
    new GuardedKmsKey(owner, 'Key', { administrators: [admin], breakGlassPrincipals: [glass] });
    const evaluator = AppEvaluator.synth(app);
    expect(owner.dependencies).toEqual([]);
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('People/Glass'), 'kms:ScheduleKeyDeletion').decision).toBe('allow');
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('People/Admin'), 'kms:ScheduleKeyDeletion').decision).toBe('explicit-deny');
    expect(evaluator.putSamePolicy('Owner/Key', evaluator.callerFor('People/Admin')).lockoutSafetyCheck).toBe('passed');
  });
});

describe('resources whose key property is rendered lazily', () => {
  test('a dynamodb.TableV2 (global table) encrypted with the key gives the deployer what DynamoDB needs', () => {
    const { app, key } = setup();
    const data = new Stack(app, 'Data', { env: ENV });
    new dynamodb.TableV2(data, 'Orders', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(key),
    });
    const evaluator = AppEvaluator.synth(app);
    expect(createGrantThrough(evaluator, 'Owner/Key', DEPLOYER, 'dynamodb').decision).toBe('allow');
  });
});
