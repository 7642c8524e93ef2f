/**
 * Test support: representative apps of the three constructs, built the way users build them, for the checks that
 * they pass kms-guard's own rules clean under both surfaces.
 */
import { App, Size, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CrossAccountKeyShare, GuardedKmsKey, KeyCapability, VpceRestrictedKey } from '../../src';

export const ENV = { account: '111122223333', region: 'us-east-1' };
export const CONSUMER_ENV = { account: '444455556666', region: 'us-east-1' };

/** What `cdk context` would cache for the accounts used here: no AWS call at synth. */
const AZ_CONTEXT = { 'availability-zones:account=111122223333:region=us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'] };

function fn(scope: Stack, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

/**
 * GuardedKmsKey with administrators, break-glass principals, users with and without encryption context, ordinary CDK
 * grants from another stack, resources that the deployer creates encrypted (a table, a function's environment) and a
 * log group; VpceRestrictedKey on a VPC; CrossAccountKeyShare to a consumer stack of another account.
 */
export function constructsApp(app = new App({ context: AZ_CONTEXT })): App {
  const keys = new Stack(app, 'Keys', { env: ENV });
  const admin = new iam.Role(keys, 'Admin', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'kms-admin' });
  const breakGlass = new iam.Role(keys, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'kms-break-glass' });
  const key = new GuardedKmsKey(keys, 'DataKey', {
    alias: 'orders-data',
    administrators: [admin],
    breakGlassPrincipals: [breakGlass],
    organizationId: 'o-a1b2c3d4e5',
  });

  const compute = new Stack(app, 'Compute', { env: ENV });
  const worker = fn(compute, 'Worker');
  const auditor = new iam.Role(compute, 'Auditor', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'auditor' });
  key.grantCapabilities(auditor, [KeyCapability.DECRYPT], { encryptionContext: { team: 'audit' } });
  const bucket = new s3.Bucket(compute, 'Bucket', { encryptionKey: key });
  bucket.grantReadWrite(worker);
  const queue = new sqs.Queue(compute, 'Queue', { encryptionMasterKey: key });
  queue.grantConsumeMessages(worker);
  const table = new dynamodb.Table(compute, 'Table', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
  });
  table.grantReadWriteData(worker);
  new logs.LogGroup(compute, 'Logs', { encryptionKey: key });
  new lambda.Function(compute, 'Encrypted', {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    environment: { MODE: 'prod' },
    environmentEncryption: key,
  });

  const network = new Stack(app, 'Network', { env: ENV });
  const vpc = new ec2.Vpc(network, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0 });
  const payments = new Stack(app, 'Payments', { env: ENV });
  const paymentsAdmin = new iam.Role(payments, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const paymentsFn = fn(payments, 'Charge');
  new VpceRestrictedKey(payments, 'PaymentsKey', {
    administrators: [paymentsAdmin],
    vpcs: [vpc],
    users: [{ grantee: paymentsFn, capabilities: [KeyCapability.ENCRYPT_DECRYPT] }],
  });

  const consumer = new Stack(app, 'Consumer', { env: CONSUMER_ENV });
  const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'orders-reader' });
  new CrossAccountKeyShare(keys, 'ShareWithReporting', {
    key,
    consumerAccount: CONSUMER_ENV.account,
    consumerRoles: [reader],
    capabilities: [KeyCapability.DECRYPT],
    viaServices: ['s3'],
    organizationId: 'o-a1b2c3d4e5',
  });
  return app;
}

/** A volume under a GuardedKmsKey: aws-cdk-lib adds an account-wide delegation through EC2 (a warning, kept). */
export function withVolume(app: App): void {
  const stack = app.node.findChild('Compute') as Stack;
  const key = app.node.findChild('Keys').node.findChild('DataKey') as GuardedKmsKey;
  new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(8), encrypted: true, encryptionKey: key });
}

/**
 * A stack `S` with a raw key whose two Allow-to-"*" statements share the Sid `Everyone` (statements #1 and #2): each is
 * a finding of its own, `Statement::Everyone#1` and `Statement::Everyone#2` (src/policy/statement-label.ts).
 */
export function sharedSidApp(app = new App()): { app: App; stack: Stack; key: kms.CfnKey } {
  const stack = new Stack(app, 'S', { env: ENV });
  const everyone = (action: string): Record<string, unknown> => ({ Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: action, Resource: '*' });
  const key = new kms.CfnKey(stack, 'Key', {
    enableKeyRotation: true,
    keyPolicy: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
        everyone('kms:Decrypt'),
        everyone('kms:Encrypt'),
      ],
    },
  });
  return { app, stack, key };
}
