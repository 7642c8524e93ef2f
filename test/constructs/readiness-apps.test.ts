/**
 * Realistic apps built the way users build them, checked by the deploy-readiness check (src/analysis) over their
 * synthesized templates: nothing KMS or CloudFormation would reject, no dependency cycle, every declared use working.
 */
import { App, Size, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AppEvaluator } from './app-evaluator';
import { GuardedKmsKey, KeyCapability } from '../../src';

const ENV = { account: '111122223333', region: 'us-east-1' };
const DEPLOYER = { arn: 'arn:aws:sts::111122223333:assumed-role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1/AWSCloudFormation' };

function fn(scope: Stack, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

function errors(evaluator: AppEvaluator) {
  return evaluator.readiness().filter((f) => f.severity === 'error');
}

/** Every stack dependency of the app's manifest, for a cycle check independent of CloudFormation. */
function assertAcyclic(app: App): void {
  const assembly = app.synth();
  const deps = new Map(assembly.stacks.map((s) => [s.id, s.dependencies.map((d) => d.id)]));
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string, path: string[]): void => {
    if (done.has(id)) return;
    if (visiting.has(id)) throw new Error(`dependency cycle: ${[...path, id].join(' -> ')}`);
    visiting.add(id);
    for (const d of deps.get(id) ?? []) visit(d, [...path, id]);
    visiting.delete(id);
    done.add(id);
  };
  for (const id of deps.keys()) visit(id, []);
}

describe('an app with the services users encrypt, in three stacks', () => {
  const app = new App();
  const keys = new Stack(app, 'Keys', { env: ENV });
  const admin = new iam.Role(keys, 'Admin', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'kms-admin' });
  const key = new GuardedKmsKey(keys, 'DataKey', { administrators: [admin], alias: 'data' });

  const data = new Stack(app, 'Data', { env: ENV });
  const bucket = new s3.Bucket(data, 'Bucket', { encryptionKey: key });
  const table = new dynamodb.Table(data, 'Table', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
  });
  const queue = new sqs.Queue(data, 'Queue', { encryptionMasterKey: key });
  const topic = new sns.Topic(data, 'Topic', { masterKey: key });
  const secret = new secretsmanager.Secret(data, 'Secret', { encryptionKey: key });
  new ec2.Volume(data, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(8), encrypted: true, encryptionKey: key });
  new logs.LogGroup(data, 'Logs', { encryptionKey: key });
  const trailBucket = new s3.Bucket(data, 'TrailBucket');
  new cloudtrail.Trail(data, 'Trail', { bucket: trailBucket, encryptionKey: key, sendToCloudWatchLogs: false });
  bucket.addObjectCreatedNotification(new s3n.SqsDestination(queue));

  const compute = new Stack(app, 'Compute', { env: ENV });
  const worker = fn(compute, 'Worker');
  bucket.grantReadWrite(worker);
  table.grantReadWriteData(worker);
  queue.grantConsumeMessages(worker);
  topic.grantPublish(worker);
  secret.grantRead(worker);
  const auditor = new iam.Role(compute, 'Auditor', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'auditor' });
  key.grantCapabilities(auditor, [KeyCapability.DECRYPT], { encryptionContext: { team: 'audit' } });
  new lambda.Function(compute, 'Encrypted', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    environment: { MODE: 'prod' },
    environmentEncryption: key,
  });

  test('synthesizes without a dependency cycle, and the key\'s stack depends on nothing', () => {
    expect(() => assertAcyclic(app)).not.toThrow();
    expect(keys.dependencies).toEqual([]);
  });

  test('passes the deploy-readiness check with no error', () => {
    expect(errors(AppEvaluator.synth(app))).toEqual([]);
  });

  test('every declared use works, through its service', () => {
    const evaluator = AppEvaluator.synth(app);
    const workerRole = evaluator.callerFor('Compute/Worker/ServiceRole');
    const via = (service: string) => ({ viaService: `${service}.us-east-1.amazonaws.com` });
    expect(evaluator.evaluate('Keys/DataKey', workerRole, 'kms:Decrypt', via('s3')).decision).toBe('allow');
    expect(evaluator.evaluate('Keys/DataKey', workerRole, 'kms:GenerateDataKey', via('s3')).decision).toBe('allow');
    expect(evaluator.evaluate('Keys/DataKey', workerRole, 'kms:Decrypt', via('dynamodb')).decision).toBe('allow');
    expect(evaluator.evaluate('Keys/DataKey', workerRole, 'kms:Decrypt', via('sqs')).decision).toBe('allow');
    expect(evaluator.evaluate('Keys/DataKey', workerRole, 'kms:GenerateDataKey', via('sns')).decision).toBe('allow');
    expect(evaluator.evaluate('Keys/DataKey', workerRole, 'kms:Decrypt', via('secretsmanager')).decision).toBe('allow');
    const auditorRole = evaluator.callerFor('Compute/Auditor');
    expect(evaluator.evaluate('Keys/DataKey', auditorRole, 'kms:Decrypt', { encryptionContext: { team: 'audit' } }).decision).toBe('allow');
    expect(evaluator.evaluate('Keys/DataKey', auditorRole, 'kms:Decrypt').decision).toBe('implicit-deny');
    // The deployer manages the key but cannot read the data.
    expect(evaluator.putSamePolicy('Keys/DataKey', DEPLOYER).lockoutSafetyCheck).toBe('passed');
    expect(evaluator.evaluate('Keys/DataKey', DEPLOYER, 'kms:Decrypt').decision).toBe('implicit-deny');
  });
});

describe('40 Lambda functions with three grants each on one key', () => {
  const app = new App();
  const keys = new Stack(app, 'Keys', { env: ENV });
  const admin = new iam.Role(keys, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const key = new GuardedKmsKey(keys, 'Key', { administrators: [admin] });
  const functions = new Stack(app, 'Functions', { env: ENV });
  const bucket = new s3.Bucket(functions, 'Bucket', { encryptionKey: key });
  const queue = new sqs.Queue(functions, 'Queue', { encryptionMasterKey: key });
  const table = new dynamodb.Table(functions, 'Table', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
  });
  for (let i = 0; i < 40; i++) {
    const f = fn(functions, `Fn${i}`);
    bucket.grantRead(f);
    queue.grantSendMessages(f);
    table.grantReadData(f);
  }

  test('synthesizes without a cycle and passes the deploy-readiness check', () => {
    expect(() => assertAcyclic(app)).not.toThrow();
    expect(errors(AppEvaluator.synth(app))).toEqual([]);
  });
});

describe('the readiness check is not vacuous', () => {
  test('it reports what a plain kms.Key with a custom policy and an encrypted log group would fail on', () => {
    const app = new App();
    const stack = new Stack(app, 'Plain', { env: ENV });
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new kms.Key(stack, 'Key', {
      policy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ principals: [admin], actions: ['kms:*'], resources: ['*'] })] }),
    });
    new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
    expect(errors(AppEvaluator.synth(app, { expectDeployable: false })).map((f) => f.check).sort()).toEqual(['lockout', 'service-without-access']);
  });
});
