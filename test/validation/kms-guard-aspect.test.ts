import { App, Aspects, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { constructsApp, sharedSidApp, withVolume } from './construct-apps';
import { KmsGuardAspect } from '../../src';
import * as stackTemplates from '../../src/validation/stack-templates';

const ENV = { account: '111122223333', region: 'us-east-1' };

/** A stack `S` with a plain key that everyone may use (two such statements) and rotation on. */
function publicKeyApp(app = new App()) {
  const stack = new Stack(app, 'S', { env: ENV });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  for (const sid of ['Everyone', 'EveryoneAgain']) {
    key.addToResourcePolicy(new iam.PolicyStatement({ sid, principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
  }
  return { app, stack, key };
}


function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected app.synth() to fail');
}

/** The warning texts the synthesized assembly records for a stack. */
function warnings(app: App, stack: Stack): string[] {
  return app.synth().getStackArtifact(stack.artifactId).messages.filter((m) => m.level === 'warning').map((m) => `${m.id} ${String(m.entry.data)}`);
}

describe('KmsGuardAspect', () => {
  test('GIVEN an Allow to "*" WHEN app.synth() THEN it fails with the rule id, finding id, construct path, statement and fix', () => {
    const { app } = publicKeyApp();
    KmsGuardAspect.applyTo(app);
    const message = synthError(app);
    expect(message).toContain('[S/Key/Resource] KmsGuard-PublicKeyAccess[Statement::Everyone] (key policy, Sid "Everyone", Principal): ');
    expect(message).toContain('[S/Key/Resource] KmsGuard-PublicKeyAccess[Statement::EveryoneAgain]');
    expect(message).toContain('Fix: e.g. add "StringEquals": {"kms:CallerAccount": "111122223333"}');
  });

  test('reads the final policy: statements added after the aspect, and escape hatches, are checked', () => {
    const app = new App();
    KmsGuardAspect.applyTo(app);
    const stack = new Stack(app, 'S', { env: ENV });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    (key.node.defaultChild as kms.CfnKey).addPropertyOverride('KeyPolicy.Statement.1', {
      Sid: 'AddedByOverride', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*',
    });
    expect(synthError(app)).toContain('KmsGuard-PublicKeyAccess[Statement::AddedByOverride]');
  });

  test('warnings stay warnings: synthesis succeeds and the assembly records them with their acknowledgement id', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    new kms.Key(stack, 'Key');
    Aspects.of(app).add(new KmsGuardAspect());
    const found = warnings(app, stack);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\/S\/Key\/Resource KmsGuard-RotationDisabled\[Key::Rotation\] \(EnableKeyRotation\): .* \[ack: KmsGuard-RotationDisabled\[Key::Rotation\]\]$/),
      expect.stringMatching(/^\/S\/Key\/Resource KmsGuard-AccountWideDelegation\[Statement::0\]/),
    ]));
  });

  test('acknowledging one finding silences exactly that finding', () => {
    const { app, key } = publicKeyApp();
    Validations.of(key).acknowledge({ id: 'KmsGuard-PublicKeyAccess[Statement::Everyone]', reason: 'a test' });
    KmsGuardAspect.applyTo(app);
    const message = synthError(app);
    expect(message).not.toContain('[Statement::Everyone]');
    expect(message).toContain('KmsGuard-PublicKeyAccess[Statement::EveryoneAgain]');
  });

  test('two statements sharing a Sid are two findings, each named with its index; acknowledging one silences only it', () => {
    const { app, key } = sharedSidApp();
    Validations.of(key).acknowledge({ id: 'KmsGuard-PublicKeyAccess[Statement::Everyone#1]', reason: 'a test' });
    KmsGuardAspect.applyTo(app);
    const message = synthError(app);
    expect(message).not.toContain('[Statement::Everyone#1]');
    expect(message).toContain('[S/Key] KmsGuard-PublicKeyAccess[Statement::Everyone#2] (key policy, Sid "Everyone" (statement #2), Principal): Sid "Everyone" (statement #2) of the key policy');
  });

  test('an acknowledgement on an ancestor (the stack) counts; one for another finding id does not', () => {
    const { app, stack } = publicKeyApp();
    Validations.of(stack).acknowledge(
      { id: 'KmsGuard-PublicKeyAccess[Statement::Everyone]', reason: 'a test' },
      { id: 'KmsGuard-PublicKeyAccess[Statement::Nobody]', reason: 'a test' },
    );
    KmsGuardAspect.applyTo(app);
    const message = synthError(app);
    expect(message).not.toContain('[Statement::Everyone]');
    expect(message).toContain('[Statement::EveryoneAgain]');
  });

  test('the app is read once per synthesis, not once per stack or resource', () => {
    const app = constructsApp();
    KmsGuardAspect.applyTo(app);
    const spy = jest.spyOn(stackTemplates, 'stackTemplatesOf');
    try {
      app.synth();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('the three constructs\' representative app passes clean: no error, no kms-guard warning', () => {
    const app = constructsApp();
    KmsGuardAspect.applyTo(app);
    const assembly = app.synth();
    const messages = assembly.stacks.flatMap((s) => s.messages).filter((m) => String(m.entry.data).includes('KmsGuard-'));
    expect(messages.map((m) => m.entry.data)).toEqual([]);
  });

  test('with an encrypted volume, only the account-wide delegation aws-cdk-lib adds is reported, as a warning', () => {
    const app = constructsApp();
    withVolume(app);
    KmsGuardAspect.applyTo(app);
    const assembly = app.synth();
    const messages = assembly.stacks.flatMap((s) => s.messages).filter((m) => String(m.entry.data).includes('KmsGuard-'));
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.level === 'warning' && String(m.entry.data).startsWith('KmsGuard-AccountWideDelegation['))).toBe(true);
  });

  test('a Stage nested in the App: the aspect applied to the stage reports at the resource; applied to the App, errors still fail synthesis', () => {
    const onStage = new App();
    const stage = new Stage(onStage, 'Prod');
    publicKeyApp(stage as unknown as App);
    KmsGuardAspect.applyTo(stage);
    expect(synthError(onStage)).toContain('[Prod/S/Key/Resource] KmsGuard-PublicKeyAccess[Statement::Everyone]');

    const onApp = new App();
    publicKeyApp(new Stage(onApp, 'Prod') as unknown as App);
    KmsGuardAspect.applyTo(onApp);
    const message = synthError(onApp);
    expect(message).toContain('Prod/S/Key/Resource: KmsGuard-PublicKeyAccess[Statement::Everyone]');
    expect(message).toContain('apply KmsGuardAspect to it');
  });
});
