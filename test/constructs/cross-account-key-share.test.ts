import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CrossAccountKeyShare, GuardedKmsKey, KeyCapability } from '../../src';

const OWNER = { account: '111122223333', region: 'us-east-1' };
const CONSUMER = { account: '444455556666', region: 'us-east-1' };

function setup() {
  const app = new App();
  const owner = new Stack(app, 'Owner', { env: OWNER });
  const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin], alias: 'orders', requiredEncryptionContext: { app: 'orders' } });
  const consumer = new Stack(app, 'Consumer', { env: CONSUMER });
  const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'orders-reader' });
  return { app, owner, key, consumer, reader };
}

function keyPolicy(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
}

describe('CrossAccountKeyShare', () => {
  test('generates both sides: a key-policy statement naming the roles and a managed policy in the consumer stack', () => {
    const { owner, key, consumer, reader } = setup();
    new CrossAccountKeyShare(owner, 'Share', {
      key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT], viaServices: ['s3'], organizationId: 'o-a1b2c3d4e5',
    });
    const shareStatements = keyPolicy(owner).filter((s) => String(s.Sid).startsWith('Share'));
    expect(shareStatements).toEqual([
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:role/orders-reader']] } },
        Condition: {
          StringEquals: {
            'kms:CallerAccount': '444455556666',
            'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
            'kms:ViaService': 's3.us-east-1.amazonaws.com',
            'kms:EncryptionContext:app': 'orders',
          },
        },
      }),
      expect.objectContaining({ Action: 'kms:DescribeKey' }),
    ]);
    Template.fromStack(consumer).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
          Resource: 'arn:aws:kms:us-east-1:111122223333:key/*',
          Condition: {
            'StringEquals': { 'kms:CallerAccount': '444455556666', 'kms:EncryptionContext:app': 'orders' },
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' },
          },
        })]),
      },
    });
  });

  test('never writes Resource "*" on the consumer side', () => {
    const { owner, key, consumer, reader } = setup();
    new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.ENCRYPT_DECRYPT] });
    expect(JSON.stringify(Template.fromStack(consumer).toJSON())).not.toMatch(/"Resource":"\*"/);
  });

  test('with no roles, names the consumer account and writes the consumer policy to the assembly and an output', () => {
    const { app, owner, key } = setup();
    new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, capabilities: [KeyCapability.ENCRYPT] });
    expect(keyPolicy(owner).find((s) => String(s.Sid).startsWith('Share')).Principal).toEqual({ AWS: 'arn:aws:iam::444455556666:root' });
    Template.fromStack(owner).hasOutput('*', { Description: Match.stringLikeRegexp('IAM policy for principals of 444455556666') });
    const assembly = app.synth();
    const file = join(assembly.directory, 'kms-guard', 'Owner.Owner.Share.consumer-policy.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf-8')).Statement[0]).toMatchObject({ Resource: 'arn:aws:kms:us-east-1:111122223333:key/*' });
  });

  test('a key outside the app: the consumer side uses its ARN and the owner statements go to the assembly with a warning', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: OWNER });
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    new CrossAccountKeyShare(owner, 'Share', { keyArn, consumerAccount: CONSUMER.account, consumerRoleArns: ['arn:aws:iam::444455556666:role/etl'], capabilities: [KeyCapability.DECRYPT] });
    Annotations.fromStack(owner).hasWarning('/Owner/Share', Match.stringLikeRegexp('cannot be changed from this app'));
    const dir = join(app.synth().directory, 'kms-guard');
    expect(JSON.parse(readFileSync(join(dir, 'Owner.Owner.Share.consumer-policy.json'), 'utf-8')).Statement[0].Resource).toBe(keyArn);
    expect(JSON.parse(readFileSync(join(dir, 'Owner.Owner.Share.owner-key-policy.json'), 'utf-8')).Statement[0].Principal).toEqual({ AWS: ['arn:aws:iam::444455556666:role/etl'] });
  });

  test('matches the snapshot', () => {
    const { owner, key, consumer, reader } = setup();
    new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT] });
    expect({ owner: Template.fromStack(owner).toJSON(), consumer: Template.fromStack(consumer).toJSON() }).toMatchSnapshot();
  });

  describe('fails', () => {
    test('on an action that does not work across accounts', () => {
      const { owner, key } = setup();
      expect(() => new CrossAccountKeyShare(owner, 'Share', {
        key, consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT], additionalActions: ['kms:ScheduleKeyDeletion'],
      })).toThrow(/kms:ScheduleKeyDeletion cannot be used from another account/);
    });

    test('on the key\'s own account', () => {
      const { owner, key } = setup();
      expect(() => new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: OWNER.account, capabilities: [KeyCapability.DECRYPT] }))
        .toThrow(/is the key's own account/);
    });

    test('on a malformed account id', () => {
      const { owner, key } = setup();
      expect(() => new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: '4444', capabilities: [KeyCapability.DECRYPT] })).toThrow(/not a 12-digit/);
    });

    test('when both key and keyArn are given', () => {
      const { owner, key } = setup();
      expect(() => new CrossAccountKeyShare(owner, 'Share', {
        key, keyArn: 'arn:aws:kms:us-east-1:111122223333:key/x', consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT],
      })).toThrow(/exactly one of key and keyArn/);
    });

    test('when the consumer side cannot name the key and no wildcard is allowed', () => {
      const app = new App();
      const owner = new Stack(app, 'Owner', { env: OWNER });
      const key = new kms.Key(owner, 'Plain');
      expect(() => new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT] }))
        .toThrow(/no keyAlias is given/);
    });

    test('on roles of another account than consumerAccount', () => {
      const { owner, key, reader } = setup();
      expect(() => new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: '777788889999', consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT] }))
        .toThrow(/not in consumerAccount 777788889999/);
    });
  });
});
