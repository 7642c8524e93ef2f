/**
 * A realistic cdk-kms-guard app: an owner account holds a GuardedKmsKey and a VpceRestrictedKey; a service stack in the
 * same account uses them through ordinary CDK grants (an S3 bucket and a Lambda function); a consumer account reads
 * shared data through CrossAccountKeyShare.
 *
 * Synthesize with the real CDK CLI (`npx projen example` runs this and then prints who can use each key).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CrossAccountKeyShare, GuardedKmsKey, KeyCapability, VpceRestrictedKey } from '../../../src';

const OWNER = { account: '111122223333', region: 'us-east-1' };
const CONSUMER = { account: '444455556666', region: 'us-east-1' };

const app = new App();

// Owner account: the keys and the people who administer them.
const keys = new Stack(app, 'KeyOwner', { env: OWNER, description: 'KMS keys guarded by cdk-kms-guard' });
const keyAdmin = new iam.Role(keys, 'KeyAdmin', { roleName: 'kms-key-admin', assumedBy: new iam.AccountRootPrincipal() });
const breakGlass = iam.Role.fromRoleArn(keys, 'BreakGlass', `arn:aws:iam::${OWNER.account}:role/break-glass`);
const vpc = new ec2.Vpc(keys, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0 });

const dataKey = new GuardedKmsKey(keys, 'DataKey', {
  alias: 'orders-data',
  administrators: [keyAdmin],
  breakGlassPrincipals: [breakGlass],
  description: 'Orders data at rest',
});

const paymentsKey = new VpceRestrictedKey(keys, 'PaymentsKey', {
  alias: 'payments',
  administrators: [keyAdmin],
  vpcs: [vpc],
  requiredEncryptionContext: { app: 'payments' },
});

// Owner account, another stack: services that use the keys through ordinary CDK grants.
const services = new Stack(app, 'OrderService', { env: OWNER });
const bucket = new s3.Bucket(services, 'OrdersBucket', { encryptionKey: dataKey, enforceSSL: true });
const ingest = new lambda.Function(services, 'Ingest', {
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ ok: true });'),
  environment: { BUCKET: bucket.bucketName },
  // In the VPC, so its calls to the payments key go through the key's own KMS endpoint.
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
});
bucket.grantReadWrite(ingest);
paymentsKey.grantCapabilities(ingest, [KeyCapability.ENCRYPT_DECRYPT]);

// Consumer account: a reporting role that reads the orders data through S3.
const consumer = new Stack(app, 'Reporting', { env: CONSUMER });
const reporting = new iam.Role(consumer, 'ReportingRole', {
  roleName: 'orders-reporting',
  assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
});
new CrossAccountKeyShare(keys, 'ShareOrdersWithReporting', {
  key: dataKey,
  consumerAccount: CONSUMER.account,
  consumerRoles: [reporting],
  capabilities: [KeyCapability.DECRYPT],
  viaServices: ['s3'],
});

app.synth();
