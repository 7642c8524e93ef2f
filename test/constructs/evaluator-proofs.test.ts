/**
 * Each construct proves its intent with the bundled evaluator, over the templates it synthesizes: every declared
 * principal can do exactly its declared actions, and representative others cannot.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AppEvaluator } from './app-evaluator';
import { CrossAccountKeyShare, GuardedKmsKey, KeyCapability, VpceRestrictedKey } from '../../src';
import { PermissionSets } from '../../src/policy/catalogue';

const OWNER = { account: '111122223333', region: 'us-east-1' };
const CONSUMER = { account: '444455556666', region: 'us-east-1' };
const ALLOW_ALL_KMS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describe('GuardedKmsKey, proved with the evaluator', () => {
  const app = new App();
  const owner = new Stack(app, 'Owner', { env: OWNER });
  const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const user = new iam.Role(owner, 'User', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const key = new GuardedKmsKey(owner, 'Key', {
    administrators: [admin],
    users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT], encryptionContext: { app: 'orders' } }],
  });
  const consumer = new Stack(app, 'Consumer', { env: OWNER });
  const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  new s3.Bucket(consumer, 'Bucket', { encryptionKey: key }).grantRead(reader);
  const evaluator = AppEvaluator.synth(app);
  const ctx = { encryptionContext: { app: 'orders' } };

  test('the user can do exactly its capability, with the encryption context', () => {
    expect(sorted(evaluator.allowedActions('Owner/Key', evaluator.callerFor('Owner/User'), ctx))).toEqual(
      sorted([...PermissionSets.encrypt, ...PermissionSets.decrypt].filter((a, i, all) => all.indexOf(a) === i)));
  });

  test('without the encryption context the user can only describe the key', () => {
    expect(evaluator.allowedActions('Owner/Key', evaluator.callerFor('Owner/User'))).toEqual(['kms:DescribeKey']);
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Owner/User'), 'kms:Decrypt').explanation).toContain('kms:EncryptionContext:app');
  });

  test('the administrator can manage but never use the key, and deletion protection holds even for it', () => {
    const adminCaller = evaluator.callerFor('Owner/Admin');
    const expected = PermissionSets.administer.filter((a) => !['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias', 'kms:ScheduleKeyDeletion', 'kms:DisableKey'].includes(a));
    expect(sorted(evaluator.allowedActions('Owner/Key', adminCaller, ctx))).toEqual(sorted(expected));
    expect(evaluator.evaluate('Owner/Key', adminCaller, 'kms:Decrypt', ctx).decision).toBe('implicit-deny');
    expect(evaluator.evaluate('Owner/Key', adminCaller, 'kms:ScheduleKeyDeletion').decision).toBe('explicit-deny');
  });

  test('the administrator passes the lockout safety check when it puts the same policy back', () => {
    const result = evaluator.putSamePolicy('Owner/Key', evaluator.callerFor('Owner/Admin'));
    expect({ decision: result.decision, lockoutSafetyCheck: result.lockoutSafetyCheck }).toEqual({ decision: 'allow', lockoutSafetyCheck: 'passed' });
  });

  test('the reader in another stack (reached through the tag-narrowed delegation) can decrypt, as S3 does for it', () => {
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Consumer/Reader'), 'kms:Decrypt', { viaService: 's3.us-east-1.amazonaws.com' }).decision).toBe('allow');
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Consumer/Reader'), 'kms:Encrypt').decision).toBe('implicit-deny');
  });

  test('another role of the same account, even with an IAM policy allowing kms:*, cannot use the key', () => {
    const other = { arn: 'arn:aws:sts::111122223333:assumed-role/other/s', identityPolicies: [ALLOW_ALL_KMS] };
    expect(evaluator.allowedActions('Owner/Key', other, ctx)).toEqual([]);
  });

  test('the same role without the tag the grant put on the reader cannot use the delegation', () => {
    const readerCaller = evaluator.callerFor('Consumer/Reader');
    expect(evaluator.evaluate('Owner/Key', { ...readerCaller, tags: {} }, 'kms:Decrypt').decision).toBe('implicit-deny');
  });

  test('a principal of an unrelated account cannot use the key', () => {
    const stranger = { arn: 'arn:aws:sts::777788889999:assumed-role/x/s', identityPolicies: [ALLOW_ALL_KMS] };
    expect(evaluator.allowedActions('Owner/Key', stranger, ctx)).toEqual([]);
  });
});

describe('CrossAccountKeyShare, proved with the evaluator', () => {
  const app = new App();
  const owner = new Stack(app, 'Owner', { env: OWNER });
  const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin], alias: 'orders', requiredEncryptionContext: { app: 'orders' } });
  const consumer = new Stack(app, 'Consumer', { env: CONSUMER });
  const reporting = new iam.Role(consumer, 'Reporting', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'reporting' });
  new iam.Role(consumer, 'Bystander', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'bystander' });
  new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, consumerRoles: [reporting], capabilities: [KeyCapability.DECRYPT], viaServices: ['s3'] });
  const evaluator = AppEvaluator.synth(app);
  const s3Request = { encryptionContext: { app: 'orders' }, viaService: 's3.us-east-1.amazonaws.com' };

  test('the consumer role can do exactly the shared actions, through S3 and with the encryption context, with both generated sides', () => {
    expect(sorted(evaluator.allowedActions('Owner/Key', evaluator.callerFor('Consumer/Reporting'), s3Request))).toEqual(sorted(PermissionSets.decrypt));
  });

  test('the consumer role cannot decrypt directly, nor without the encryption context', () => {
    const caller = evaluator.callerFor('Consumer/Reporting');
    expect(evaluator.evaluate('Owner/Key', caller, 'kms:Decrypt', { encryptionContext: { app: 'orders' } }).decision).toBe('implicit-deny');
    expect(evaluator.evaluate('Owner/Key', caller, 'kms:Decrypt', { viaService: 's3.us-east-1.amazonaws.com' }).decision).toBe('implicit-deny');
  });

  test('without the generated consumer policy, the key policy alone is not enough', () => {
    const caller = { ...evaluator.callerFor('Consumer/Reporting'), identityPolicies: [] };
    expect(evaluator.evaluate('Owner/Key', caller, 'kms:Decrypt', s3Request).decision).toBe('implicit-deny');
  });

  test('another role of the consumer account with kms:* cannot use the key, nor can a principal of an unrelated account', () => {
    expect(evaluator.allowedActions('Owner/Key', { ...evaluator.callerFor('Consumer/Bystander'), identityPolicies: [ALLOW_ALL_KMS] }, s3Request)).toEqual([]);
    expect(evaluator.allowedActions('Owner/Key', { arn: 'arn:aws:sts::777788889999:assumed-role/reporting/s', identityPolicies: [ALLOW_ALL_KMS] }, s3Request)).toEqual([]);
  });
});

describe('VpceRestrictedKey, proved with the evaluator', () => {
  const app = new App({ context: { 'availability-zones:account=111122223333:region=us-east-1': ['us-east-1a', 'us-east-1b'] } });
  const owner = new Stack(app, 'Owner', { env: OWNER });
  const vpc = new ec2.Vpc(owner, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0 });
  const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const user = new iam.Role(owner, 'User', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new VpceRestrictedKey(owner, 'Key', { administrators: [admin], vpcs: [vpc], users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT] }] });
  const evaluator = AppEvaluator.synth(app);
  const through = { throughEndpoint: 'Owner/Vpc/KmsGuardEndpoint' };

  test('the user can encrypt and decrypt through the key\'s endpoint', () => {
    expect(sorted(evaluator.allowedActions('Owner/Key', evaluator.callerFor('Owner/User'), through))).toEqual(
      sorted([...PermissionSets.encrypt, ...PermissionSets.decrypt].filter((a, i, all) => all.indexOf(a) === i)));
  });

  test('a request not through the endpoint is denied explicitly', () => {
    const result = evaluator.evaluate('Owner/Key', evaluator.callerFor('Owner/User'), 'kms:Decrypt');
    expect(result.decision).toBe('explicit-deny');
    expect(result.explanation).toContain('DenyUseOutsideAllowedNetworks');
  });

  test('a request through an endpoint in another VPC is denied explicitly', () => {
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Owner/User'), 'kms:Decrypt', { throughForeignEndpoint: { id: 'vpce-0other', vpcId: 'vpc-0other' } }).decision)
      .toBe('explicit-deny');
  });

  test('AWS services calling on the user\'s behalf are exempt from the network restriction', () => {
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Owner/User'), 'kms:Decrypt', { viaService: 's3.us-east-1.amazonaws.com' }).decision).toBe('allow');
  });

  test('another role of the account cannot use the key, even through the endpoint', () => {
    expect(evaluator.allowedActions('Owner/Key', { arn: 'arn:aws:sts::111122223333:assumed-role/other/s', identityPolicies: [ALLOW_ALL_KMS] }, through)).toEqual([]);
  });

  test('administrators keep managing the key from outside the VPC', () => {
    expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Owner/Admin'), 'kms:PutKeyPolicy').decision).toBe('allow');
  });
});
