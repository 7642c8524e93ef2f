import { App, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ENV, OTHER_ACCOUNT } from './helpers';
import { CrossAccountKeyShare, GuardedKmsKey, KeyCapability, VpceRestrictedKey } from '../../src';
import { buildAppModel } from '../../src/app-model/app-model';
import { INTENT_METADATA_KEY } from '../../src/intent/declared-intent';
import { Finding } from '../../src/rules/finding';
import { ALL_RULES } from '../../src/rules/index';
import { IntentDrift } from '../../src/rules/KmsGuard-IntentDrift';
import { stackTemplatesOf } from '../../src/validation/stack-templates';

/** The rule over the app as the synth-time check sees it: the final templates, with the keys' declared intents. */
function drift(app: App): Finding[] {
  const stacks = stackTemplatesOf(app);
  return IntentDrift.check(buildAppModel(stacks));
}

const summary = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.findingId} ${f.severity}`);

function keyApp(): { app: App; stack: Stack; key: GuardedKmsKey; user: iam.Role; admin: iam.Role } {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const root = new iam.AccountRootPrincipal();
  const admin = new iam.Role(stack, 'Admin', { assumedBy: root });
  const user = new iam.Role(stack, 'User', { assumedBy: root });
  const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: root });
  const key = new GuardedKmsKey(stack, 'Key', {
    administrators: [admin],
    breakGlassPrincipals: [breakGlass],
    users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT], encryptionContext: { app: 'orders' } }],
    validation: false,
  });
  return { app, stack, key, user, admin };
}

/** The key policy as synthesized, and the index of the statement with this Sid. */
function policyOf(stack: Stack, key: GuardedKmsKey): { Statement: Array<Record<string, any>> } {
  return stack.resolve((key.node.defaultChild as kms.CfnKey).keyPolicy);
}

describe('KmsGuard-IntentDrift', () => {
  test('is registered', () => {
    expect(ALL_RULES).toContain(IntentDrift);
  });

  test('a GuardedKmsKey as constructed, with grants by other constructs, has no drift', () => {
    const { app, stack, key } = keyApp();
    const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    bucket.grantRead(new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
    new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
    key.grantCapabilities(new iam.Role(stack, 'Auditor', { assumedBy: new iam.AccountRootPrincipal() }), [KeyCapability.DECRYPT], { encryptionContext: { team: 'audit' } });
    expect(drift(app)).toEqual([]);
  });

  test('an escape hatch adding a statement for everyone is extra', () => {
    const { app, stack, key } = keyApp();
    const index = policyOf(stack, key).Statement.length;
    (key.node.defaultChild as kms.CfnKey).addPropertyOverride(`KeyPolicy.Statement.${index}`, {
      Sid: 'Added', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*',
    });
    const findings = drift(app);
    expect(summary(findings)).toEqual(expect.arrayContaining(['Principal::Anyone error', 'Principal::AnyPrincipalOfAccount error']));
    const anyone = findings.find((f) => f.findingId === 'Principal::Anyone')!;
    expect(anyone.message).toContain('extra (not declared): kms:Decrypt');
    expect(anyone.location.statement).toBe('Sid "Added"');
    // Everyone includes the declared principals: the administrator may now decrypt, the user without its context.
    const at = (id: string): string => findings.find((f) => f.findingId === id)?.message ?? '';
    expect(at('Principal::S/Admin')).toContain('extra (not declared): kms:Decrypt');
    expect(at('Principal::S/User')).toContain('weakened (a declared condition is not enforced): kms:Decrypt, allowed without kms:EncryptionContext:app = orders (by Sid "Added" of the key policy)');
  });

  test('a statement removed by an override is missing', () => {
    const { app, stack, key } = keyApp();
    const policy = policyOf(stack, key);
    const kept = policy.Statement.filter((s) => !String(s.Sid).startsWith('Use'));
    expect(kept.length).toBeLessThan(policy.Statement.length);
    (key.node.defaultChild as kms.CfnKey).addPropertyOverride('KeyPolicy', { ...policy, Statement: kept });
    const findings = drift(app);
    expect(summary(findings)).toEqual(['Principal::S/User error']);
    expect(findings[0].message).toMatch(/missing \(declared, denied\): kms:Encrypt, .*kms:Decrypt/);
  });

  test('a condition dropped by an override is weakened', () => {
    const { app, stack, key } = keyApp();
    const policy = policyOf(stack, key);
    const statements = policy.Statement.map((s) => (String(s.Sid).startsWith('UseCtx') ? { ...s, Condition: undefined } : s));
    (key.node.defaultChild as kms.CfnKey).addPropertyOverride('KeyPolicy', { ...policy, Statement: JSON.parse(JSON.stringify(statements)) });
    const findings = drift(app);
    expect(summary(findings)).toEqual(['Principal::S/User error']);
    expect(findings[0].message).toContain('weakened (a declared condition is not enforced): kms:Encrypt');
    expect(findings[0].message).toContain('allowed without kms:EncryptionContext:app = orders');
  });

  test('a statement added through the key\'s addToResourcePolicy is declared; one added straight to key.policy (an escape hatch) is extra', () => {
    const { app, stack, key } = keyApp();
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.AccountRootPrincipal() });
    key.addToResourcePolicy(new iam.PolicyStatement({ principals: [other], actions: ['kms:Decrypt'], resources: ['*'] }));
    expect(drift(app)).toEqual([]);
    const intent = stack.resolve((key.node.defaultChild as kms.CfnKey).getMetadata(INTENT_METADATA_KEY));
    expect(intent.grants).toEqual(expect.arrayContaining([
      { purpose: 'resource-policy', principals: [{ path: 'S/Other/Resource' }], actions: ['kms:Decrypt'] },
    ]));

    const sneaky = new iam.Role(stack, 'Sneaky', { assumedBy: new iam.AccountRootPrincipal() });
    // `policy` is kms.Key's document: what is added to it bypasses the key's own methods, and is rendered as given.
    (key as unknown as { policy: iam.PolicyDocument }).policy.addStatements(new iam.PolicyStatement({ sid: 'Sneaky', principals: [sneaky], actions: ['kms:Decrypt'], resources: ['*'] }));
    const findings = drift(app);
    expect(summary(findings)).toEqual(['Principal::S/Sneaky error']);
    expect(findings[0].message).toContain('extra (not declared): kms:Decrypt');
    expect(findings[0].message).toContain('the intent declares nothing for it');
  });

  test('a service statement added through addToResourcePolicy is declared with the guard the key wrote; an override dropping the guard weakens it', () => {
    const { app, stack, key } = keyApp();
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')], actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], resources: ['*'],
    }));
    expect(drift(app)).toEqual([]);
    const intent = stack.resolve((key.node.defaultChild as kms.CfnKey).getMetadata(INTENT_METADATA_KEY));
    expect(intent.grants.find((g: any) => g.principals[0].service === 'events.amazonaws.com')).toMatchObject({
      purpose: 'resource-policy', conditions: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    });
    const policy = policyOf(stack, key);
    const statements = policy.Statement.map((st) => (JSON.stringify(st.Principal).includes('events.amazonaws.com') ? { ...st, Condition: undefined } : st));
    (key.node.defaultChild as kms.CfnKey).addPropertyOverride('KeyPolicy', { ...policy, Statement: JSON.parse(JSON.stringify(statements)) });
    const findings = drift(app);
    expect(summary(findings)).toEqual(['Principal::service/events error']);
    expect(findings[0].message).toContain('weakened (a declared condition is not enforced): kms:Decrypt');
    expect(findings[0].message).toContain('allowed without aws:SourceAccount = 111122223333');
  });

  test('a service grant whose aws:SourceArn names another stack\'s resource is declared with the account guard the key wrote instead', () => {
    const { app, stack, key } = keyApp();
    const data = new Stack(app, 'D', { env: ENV });
    const bucket = new s3.Bucket(data, 'Bucket');
    key.grantEncryptDecrypt(new iam.ServicePrincipal('s3.amazonaws.com').withConditions({ ArnLike: { 'aws:SourceArn': bucket.bucketArn } }));
    const s3Grant = stack.resolve((key.node.defaultChild as kms.CfnKey).getMetadata(INTENT_METADATA_KEY))
      .grants.find((g: any) => g.principals[0].service === 's3.amazonaws.com');
    expect(s3Grant.conditions).toEqual({ StringEquals: { 'aws:SourceAccount': '111122223333' } });
    expect(drift(app)).toEqual([]);
  });

  test('a service grant conditioned on its encryption context declares only the actions that carry one (DescribeKey never does)', () => {
    const { app, key } = keyApp();
    key.grantCapabilities(new iam.ServicePrincipal('logs.us-east-1.amazonaws.com'), [KeyCapability.ENCRYPT_DECRYPT], {
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:*' } },
    });
    expect(drift(app)).toEqual([]);
  });

  test('account-wide delegations aws-cdk-lib adds (Secret, ec2.Volume) next to a tagged principal of another stack: no drift', () => {
    const { app, key } = keyApp();
    const data = new Stack(app, 'D', { env: ENV });
    const compute = new Stack(app, 'C', { env: ENV });
    const secret = new secretsmanager.Secret(data, 'Secret', { encryptionKey: key });
    new ec2.Volume(data, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(8), encrypted: true, encryptionKey: key });
    const worker = new iam.Role(compute, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    secret.grantRead(worker);
    key.grantEncryptDecrypt(worker);
    expect(drift(app)).toEqual([]);
  });

  test('an escape hatch widening an account-wide delegation (kms:ViaService dropped) is still weakened', () => {
    const { app, stack, key } = keyApp();
    const data = new Stack(app, 'D', { env: ENV });
    new secretsmanager.Secret(data, 'Secret', { encryptionKey: key });
    const policy = policyOf(stack, key);
    const statements = policy.Statement.map((st) => (JSON.stringify(st.Condition ?? {}).includes('secretsmanager') ? { ...st, Condition: undefined } : st));
    (key.node.defaultChild as kms.CfnKey).addPropertyOverride('KeyPolicy', { ...policy, Statement: JSON.parse(JSON.stringify(statements)) });
    const findings = drift(app);
    expect(summary(findings)).toEqual(expect.arrayContaining(['Principal::AnyPrincipalOfAccount error']));
    expect(findings.find((f) => f.findingId === 'Principal::AnyPrincipalOfAccount')!.message).toContain('allowed without kms:ViaService = secretsmanager.us-east-1.amazonaws.com');
  });

  test('key.grant(x, "kms:*") declares every action; those that need an authorization besides the key\'s (ReplicateKey: kms:CreateKey in IAM) are not missing', () => {
    const { app, stack, key } = keyApp();
    key.grant(new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() }), 'kms:*');
    expect(drift(app)).toEqual([]);
  });

  test('a Deny added through addToResourcePolicy is declared: what it refuses a user is not missing', () => {
    const { app, key } = keyApp();
    key.addToResourcePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['kms:Encrypt'], resources: ['*'] }));
    expect(drift(app)).toEqual([]);
  });

  describe('VpceRestrictedKey\'s network restriction (a conditional Deny the analysis cannot see go)', () => {
    function restrictedApp(props: { vpcs?: boolean } = {}): { app: App; stack: Stack; key: VpceRestrictedKey } {
      const app = new App();
      const stack = new Stack(app, 'S', { env: ENV });
      const root = new iam.AccountRootPrincipal();
      const admin = new iam.Role(stack, 'Admin', { assumedBy: root });
      const user = new iam.Role(stack, 'User', { assumedBy: root });
      const vpc = props.vpcs ? new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 }) : undefined;
      const key = new VpceRestrictedKey(stack, 'Key', {
        administrators: [admin],
        users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT] }],
        ...(vpc ? { vpcs: [vpc] } : { allowedVpcIds: ['vpc-0a1b2c3d4e5f60718'] }),
        validation: false,
      });
      return { app, stack, key };
    }
    const withDeny = (stack: Stack, key: VpceRestrictedKey, change: (st: Record<string, any>) => Record<string, any> | undefined): void => {
      const policy = stack.resolve((key.node.defaultChild as kms.CfnKey).keyPolicy);
      const statements = policy.Statement.map((st: Record<string, any>) => (st.Sid === 'DenyUseOutsideAllowedNetworks' ? change(st) : st)).filter((st: unknown) => st !== undefined);
      (key.node.defaultChild as kms.CfnKey).addPropertyOverride('KeyPolicy', JSON.parse(JSON.stringify({ ...policy, Statement: statements })));
    };

    test('as constructed, by VPC id or with the endpoint it manages, it has no drift', () => {
      expect(drift(restrictedApp().app)).toEqual([]);
      expect(drift(restrictedApp({ vpcs: true }).app)).toEqual([]);
    });

    test('an override removing the Deny is weakened, for everyone', () => {
      const { app, stack, key } = restrictedApp();
      withDeny(stack, key, () => undefined);
      const findings = drift(app);
      expect(summary(findings)).toEqual(['Principal::Anyone error']);
      expect(findings[0].message).toMatch(/weakened \(a declared condition is not enforced\): kms:Encrypt, kms:Decrypt, /);
      expect(findings[0].message).toContain('StringNotEquals aws:SourceVpc ["vpc-0a1b2c3d4e5f60718"]');
      expect(findings[0].message).toContain('is not in the key policy as declared');
    });

    test('an override admitting another VPC, or adding a condition that makes the Deny apply less, is weakened', () => {
      const widened = restrictedApp();
      withDeny(widened.stack, widened.key, (st) => ({ ...st, Condition: { ...st.Condition, StringNotEquals: { 'aws:SourceVpc': ['vpc-0a1b2c3d4e5f60718', 'vpc-0ffffffffffffffff'] } } }));
      expect(summary(drift(widened.app))).toEqual(['Principal::Anyone error']);
      const narrowed = restrictedApp();
      withDeny(narrowed.stack, narrowed.key, (st) => ({ ...st, Condition: { ...st.Condition, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }));
      expect(summary(drift(narrowed.app))).toEqual(['Principal::Anyone error']);
    });

    test('an override taking actions out of the Deny is weakened; one renaming its Sid or reordering its actions is not', () => {
      const fewer = restrictedApp();
      withDeny(fewer.stack, fewer.key, (st) => ({ ...st, Action: st.Action.filter((a: string) => a !== 'kms:Decrypt') }));
      expect(summary(drift(fewer.app))).toEqual(['Principal::Anyone error']);
      const same = restrictedApp();
      withDeny(same.stack, same.key, (st) => ({ ...st, Sid: 'Renamed', Action: [...st.Action].reverse() }));
      expect(drift(same.app)).toEqual([]);
    });
  });

  test('an IAM policy on another role is extra once the key policy delegates to the account, and denied (no drift) while it does not', () => {
    const { app, stack, key } = keyApp();
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.AccountRootPrincipal() });
    other.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn] }));
    // IAM alone: the key policy does not delegate to IAM, so KMS denies it (key-policy-default.md).
    expect(drift(app)).toEqual([]);
    const index = policyOf(stack, key).Statement.length;
    (key.node.defaultChild as kms.CfnKey).addPropertyOverride(`KeyPolicy.Statement.${index}`, {
      Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:Decrypt', Resource: '*',
    });
    const ids = drift(app).map((f) => f.findingId);
    expect(ids).toEqual(expect.arrayContaining(['Principal::S/Other', 'Principal::Account', 'Principal::AnyPrincipalOfAccount']));
  });

  test('a CrossAccountKeyShare of a guarded key is declared intent', () => {
    const { app, stack, key } = keyApp();
    const consumer = new Stack(app, 'C', { env: { account: OTHER_ACCOUNT, region: ENV.region } });
    const reporting = new iam.Role(consumer, 'Reporting', { roleName: 'reporting', assumedBy: new iam.AccountRootPrincipal() });
    new CrossAccountKeyShare(stack, 'Share', { key, consumerAccount: OTHER_ACCOUNT, consumerRoles: [reporting], capabilities: [KeyCapability.DECRYPT], validation: false });
    expect(drift(app)).toEqual([]);
  });

  test('an intent that cannot be read is a warning, never a pass', () => {
    const { app, key } = keyApp();
    (key.node.defaultChild as kms.CfnKey).addOverride(`Metadata.${INTENT_METADATA_KEY}.version`, 99);
    expect(summary(drift(app))).toEqual(['Key::Intent warning']);
  });

  test('an administrator declared a user too (separationOfDuties off) is reported by the shared intent check, as a warning', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardedKmsKey(stack, 'Key', { administrators: [admin], users: [{ grantee: admin, capabilities: [KeyCapability.DECRYPT] }], separationOfDuties: false, validation: false });
    const findings = drift(app);
    expect(summary(findings)).toEqual(['Intent::SeparationOfDuties warning']);
    expect(findings[0].message).toContain('is declared an administrator and also kms:Decrypt, kms:ReEncryptFrom');
  });

  test('a key without declared intent is not checked', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    new kms.Key(stack, 'Plain');
    expect(drift(app)).toEqual([]);
  });
});
