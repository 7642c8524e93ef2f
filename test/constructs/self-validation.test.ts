/**
 * The three constructs validate themselves by default (`validation`, opt-out): kms-guard's rules over the final
 * templates at validation time, reporting the findings about their own key (and, for a share, its consumer policy).
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CrossAccountKeyShare, GuardedKmsKey, KeyCapability, KmsGuardAspect } from '../../src';
import * as stackTemplates from '../../src/validation/stack-templates';
import { CONSUMER_ENV, constructsApp } from '../validation/construct-apps';

const ENV = { account: '111122223333', region: 'us-east-1' };

function setup(validation?: boolean) {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin], ...(validation !== undefined ? { validation } : {}) });
  return { app, stack, admin, key };
}

/** `key.policy.addStatements` (protected in TypeScript): a statement added to the key policy after construction, past the construct's API. */
function addEveryone(key: kms.Key, sid = 'Everyone'): void {
  (key as unknown as { policy: iam.PolicyDocument }).policy.addStatements(new iam.PolicyStatement({ sid, principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
}

function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected app.synth() to fail');
}

/** The KmsGuard-* messages (level, construct path and text) the assembly records. */
function kmsGuardMessages(app: App): string[] {
  return app.synth().stacks.flatMap((s) => s.messages)
    .filter((m) => String(m.entry.data).includes('KmsGuard-'))
    .map((m) => `${m.level} ${m.id} ${String(m.entry.data)}`);
}

describe('GuardedKmsKey validates itself', () => {
  test('GIVEN a statement for everyone added with key.policy.addStatements after construction WHEN app.synth() THEN it fails with the rule id, construct path, statement and fix', () => {
    const { app, key } = setup();
    addEveryone(key);
    const message = synthError(app);
    expect(message).toContain('[S/Key] KmsGuard-PublicKeyAccess[Statement::Everyone] (key policy, Sid "Everyone", Principal): ');
    expect(message).toContain('Sid "Everyone" of the key policy of S/Key allows everyone ("Principal": "*") kms:Decrypt');
    expect(message).toContain('Fix: e.g. add "StringEquals": {"kms:CallerAccount": "111122223333"}');
  });

  test('GIVEN an escape hatch (addPropertyOverride on the CfnKey) WHEN app.synth() THEN the overridden statement is checked', () => {
    const { app, key } = setup();
    (key.node.defaultChild as kms.CfnKey).addPropertyOverride('KeyPolicy.Statement.3', {
      Sid: 'AddedByOverride', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*',
    });
    expect(synthError(app)).toContain('[S/Key] KmsGuard-PublicKeyAccess[Statement::AddedByOverride] (key policy, Sid "AddedByOverride", Principal)');
  });

  test('GIVEN validation: false THEN the same key synthesizes', () => {
    const { app, key } = setup(false);
    addEveryone(key);
    expect(() => app.synth()).not.toThrow();
  });

  test('a clean key reports nothing, and warnings stay warnings on the key', () => {
    const clean = setup();
    expect(kmsGuardMessages(clean.app)).toEqual([]);

    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardedKmsKey(stack, 'Key', { administrators: [admin], enableKeyRotation: false });
    expect(kmsGuardMessages(app)).toEqual([
      expect.stringMatching(/^warning \/S\/Key KmsGuard-RotationDisabled\[Key::Rotation\] \(EnableKeyRotation\): the symmetric encryption key S\/Key has automatic rotation off/),
    ]);
  });

  test('an acknowledgement on the key silences exactly that finding', () => {
    const { app, key } = setup();
    addEveryone(key, 'Everyone');
    addEveryone(key, 'EveryoneAgain');
    Validations.of(key).acknowledge({ id: 'KmsGuard-PublicKeyAccess[Statement::Everyone]', reason: 'a test' });
    const message = synthError(app);
    expect(message).not.toContain('[Statement::Everyone]');
    expect(message).toContain('KmsGuard-PublicKeyAccess[Statement::EveryoneAgain]');
  });

  test('reports only its own key\'s findings: a plain kms.Key of the app is left to the aspect', () => {
    const { app, stack } = setup();
    const plain = new kms.Key(stack, 'Plain', { enableKeyRotation: true });
    addEveryone(plain);
    expect(() => app.synth()).not.toThrow();

    const withAspect = setup();
    addEveryone(new kms.Key(withAspect.stack, 'Plain', { enableKeyRotation: true }));
    KmsGuardAspect.applyTo(withAspect.app);
    expect(synthError(withAspect.app)).toContain('[S/Plain/Resource] KmsGuard-PublicKeyAccess[Statement::Everyone]');
  });

  test('a key-policy finding on a resource encrypted with the key is the key\'s (the log group cannot use it)', () => {
    const { app, stack, key } = setup();
    new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
    // Remove the statement GuardedKmsKey writes for CloudWatch Logs.
    const cfn = key.node.defaultChild as kms.CfnKey;
    const policy = stack.resolve(cfn.keyPolicy);
    cfn.keyPolicy = { ...policy, Statement: policy.Statement.filter((s: any) => !/^ServiceUsesKey/.test(s.Sid ?? '')) };
    const message = synthError(app);
    expect(message).toContain('[S/Key] KmsGuard-ServiceWithoutAccess[Service::logs]');
  });

  test('with KmsGuardAspect too: the app is evaluated once per synthesis and each finding reported once', () => {
    const { app, key } = setup();
    addEveryone(key);
    KmsGuardAspect.applyTo(app);
    const spy = jest.spyOn(stackTemplates, 'stackTemplatesOf');
    try {
      const message = synthError(app);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(message.match(/KmsGuard-PublicKeyAccess\[Statement::Everyone\]/g)).toHaveLength(1);
      expect(message).toContain('[S/Key] KmsGuard-PublicKeyAccess[Statement::Everyone]');
    } finally {
      spy.mockRestore();
    }
  });

  test('each synthesis reads the templates anew: a statement added after a first synthesis is checked in the next', () => {
    const { app, key } = setup();
    expect(() => app.synth()).not.toThrow();
    addEveryone(key);
    expect(() => app.synth({ force: true })).toThrow(/KmsGuard-PublicKeyAccess\[Statement::Everyone\]/);
  });
});

describe('CrossAccountKeyShare validates itself', () => {
  function shareApp(validation?: boolean) {
    const app = new App();
    const stack = new Stack(app, 'Keys', { env: ENV });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, alias: 'alias/orders' });
    const consumer = new Stack(app, 'Consumer', { env: CONSUMER_ENV });
    const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'orders-reader' });
    new CrossAccountKeyShare(stack, 'Share', {
      key,
      keyAlias: 'alias/orders',
      consumerAccount: CONSUMER_ENV.account,
      consumerRoles: [reader],
      capabilities: [KeyCapability.DECRYPT],
      ...(validation !== undefined ? { validation } : {}),
    });
    return { app, key };
  }

  test('GIVEN its key opened to everyone after construction WHEN app.synth() THEN the share reports it', () => {
    const { app, key } = shareApp();
    addEveryone(key);
    expect(synthError(app)).toContain('[Keys/Share] KmsGuard-PublicKeyAccess[Statement::Everyone]');
  });

  test('GIVEN validation: false THEN it reports nothing', () => {
    const { app, key } = shareApp(false);
    addEveryone(key);
    expect(() => app.synth()).not.toThrow();
  });

  test('the share of a GuardedKmsKey: the key reports its findings, the share does not repeat them', () => {
    const app = new App();
    const stack = new Stack(app, 'Keys', { env: ENV });
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
    new CrossAccountKeyShare(stack, 'Share', { key, consumerAccount: CONSUMER_ENV.account, capabilities: [KeyCapability.DECRYPT] });
    addEveryone(key);
    const message = synthError(app);
    expect(message.match(/KmsGuard-PublicKeyAccess\[Statement::Everyone\]/g)).toHaveLength(1);
    expect(message).toContain('[Keys/Key] KmsGuard-PublicKeyAccess[Statement::Everyone]');
  });
});

test('the three constructs\' representative app passes its own validation clean', () => {
  expect(kmsGuardMessages(constructsApp())).toEqual([]);
});
