import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GuardedKmsKey, KeyCapability, VpceRestrictedKey } from '../../src';
import { buildAppModel } from '../../src/app-model/app-model';
import { INTENT_METADATA_KEY, readIntent } from '../../src/intent/declared-intent';
import { intentOf } from '../../src/intent/key-intent';
import { Finding } from '../../src/rules/finding';
import { IntentDrift } from '../../src/rules/KmsGuard-IntentDrift';
import { stackTemplatesOf } from '../../src/validation/stack-templates';

const ENV = { account: '111122223333', region: 'us-east-1' };

function drift(app: App): Finding[] {
  const stacks = stackTemplatesOf(app);
  return IntentDrift.check(buildAppModel(stacks));
}

function role(scope: Stack, id: string, roleName?: string): iam.Role {
  return new iam.Role(scope, id, { assumedBy: new iam.AccountRootPrincipal(), ...(roleName ? { roleName } : {}) });
}

describe('the declared intent in the key\'s Metadata', () => {
  test('names principals of other stacks by construct path (no cross-stack reference) and stays small', () => {
    const app = new App();
    const keys = new Stack(app, 'Keys', { env: ENV });
    const apps = new Stack(app, 'Apps', { env: ENV });
    const key = new GuardedKmsKey(keys, 'Key', { administrators: [role(keys, 'Admin')], validation: false });
    for (let i = 0; i < 40; i++) key.grantDecrypt(role(apps, `Fn${i}`));
    const template = app.synth().getStackByName('Keys').template;
    const [keyResource] = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::KMS::Key');
    const entry = keyResource.Metadata[INTENT_METADATA_KEY];
    expect(JSON.stringify(entry)).not.toContain('Fn::ImportValue');
    expect(readIntent(entry).intent?.construct).toBe('GuardedKmsKey');
    const use = entry.grants.filter((g: any) => g.purpose === 'use');
    // Forty grants of one capability make one entry.
    expect(use).toHaveLength(1);
    expect(use[0].principals).toHaveLength(40);
    expect(use[0].principals[0]).toEqual({ path: 'Apps/Fn0/Resource' });
    expect(JSON.stringify(entry).length).toBeLessThan(6_000);
    // The key's stack imports nothing from the principals' stack (it exports its ARN to their IAM policies).
    expect(JSON.stringify(template)).not.toContain('Fn::ImportValue');
  });

  test('readIntent says what is wrong with a value it cannot read', () => {
    expect(readIntent('x').problem).toBe('expected an object, got "x"');
    expect(readIntent({ version: 1, grants: [{ purpose: 'use', principals: [{}], actions: [] }], denies: [] }).problem)
      .toMatch(/^grants\[0\]: expected "principals" to be a list of \{ path \| arn \| service \}/);
    expect(readIntent({ version: 1, grants: [], denies: [] }).intent).toBeDefined();
    const deny = { purpose: 'resource-policy', actions: ['kms:Encrypt'], except: [] };
    expect(readIntent({ version: 1, grants: [], denies: [{ ...deny, principals: [{ arn: '*' }], conditional: true }] }).intent).toBeDefined();
    expect(readIntent({ version: 1, grants: [], denies: [{ ...deny, conditional: 'yes' }] }).problem).toMatch(/^denies\[0\]: expected .*conditional\?: boolean/);
    expect(readIntent({ version: 1, grants: [], denies: [{ ...deny, principals: [{}] }] }).problem).toMatch(/^denies\[0\]: expected/);
  });

  test('keys of other constructs carry none', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    new kms.Key(stack, 'Plain');
    const stacks = stackTemplatesOf(app);
    expect(buildAppModel(stacks).keys.map(intentOf)).toEqual([undefined]);
  });
});

describe('no drift for the constructs as built', () => {
  test('users in other stacks (by tag and by aws:PrincipalArn), iamDelegation, DESTROY, encrypted resources', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const other = new Stack(app, 'O', { env: ENV });
    const key = new GuardedKmsKey(stack, 'Key', {
      administrators: [role(stack, 'Admin')],
      removalPolicy: RemovalPolicy.DESTROY,
      iamDelegation: { capabilities: [KeyCapability.DECRYPT], principalArns: ['arn:aws:iam::111122223333:role/delegated'] },
      users: [
        { grantee: role(other, 'Tagged'), capabilities: [KeyCapability.DECRYPT], encryptionContext: { tenant: 't1' } },
        { grantee: role(other, 'Named', 'named-role'), capabilities: [KeyCapability.ENCRYPT], viaServices: ['s3'] },
      ],
      validation: false,
    });
    key.grantCapabilities(role(stack, 'Attacher'), [KeyCapability.GRANT_FOR_AWS_RESOURCE]);
    expect(drift(app)).toEqual([]);
  });

  test('a Secrets Manager secret and a DynamoDB table encrypted with the key', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [role(stack, 'Admin')], validation: false });
    const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
    secret.grantRead(role(stack, 'Reader'));
    new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key });
    expect(drift(app)).toEqual([]);
  });

  test('an environment-agnostic stack: the intent resolves in the same placeholder environment as the policies', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    new GuardedKmsKey(stack, 'Key', {
      administrators: [role(stack, 'Admin')], users: [{ grantee: role(stack, 'User'), capabilities: [KeyCapability.DECRYPT], viaServices: ['s3'] }], validation: false,
    });
    expect(drift(app)).toEqual([]);
  });

  test('a VpceRestrictedKey', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    new VpceRestrictedKey(stack, 'Key', {
      administrators: [role(stack, 'Admin')], vpcs: [vpc], users: [{ grantee: role(stack, 'User'), capabilities: [KeyCapability.ENCRYPT_DECRYPT] }], validation: false,
    });
    expect(drift(app)).toEqual([]);
  });
});
