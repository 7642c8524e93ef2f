import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { constructsApp, sharedSidApp } from './construct-apps';
import { KmsGuardAspect, KmsGuardChecks } from '../../src';
import * as appModel from '../../src/app-model/app-model';

const ENV = { account: '111122223333', region: 'us-east-1' };

function publicKeyApp(scope: App | Stage = new App()) {
  const stack = new Stack(scope, 'S', { env: ENV });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  for (const sid of ['Everyone', 'EveryoneAgain']) {
    key.addToResourcePolicy(new iam.PolicyStatement({ sid, principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
  }
  return { app: scope, stack, key };
}

/**
 * Synthesizes with the plugins registered, and returns the validation report CDK wrote and whether synthesis failed
 * (exit code 1). aws-cdk-lib 2.258 sets process.exitCode = 1 on a failed validation (reset here); 2.276 throws a
 * ValidationFailed error instead, after writing the same report. Both count as the failure.
 */
function synthReport(app: App): { report: any; exitCode: number | undefined } {
  const before = process.exitCode;
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    let exitCode: number | undefined;
    try {
      app.synth();
      exitCode = process.exitCode as number | undefined;
    } catch (e) {
      if (!/ValidationFailed|Validation failed/.test(`${(e as Error).name} ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`)) throw e;
      exitCode = 1;
    }
    return { report: JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')), exitCode };
  } finally {
    process.exitCode = before;
    errors.mockRestore();
  }
}

function ruleNames(report: any, plugin = 'KmsGuard'): string[] {
  return report.pluginReports.find((r: any) => r.pluginName === plugin).violations.map((v: any) => `${v.ruleName} ${v.severity}`);
}

describe('KmsGuardChecks (cdk-nag 3 pack)', () => {
  test('is a cdk-nag NagPack named KmsGuard that declares every rule id', () => {
    const pack = new KmsGuardChecks();
    expect(pack).toBeInstanceOf(NagPack);
    expect(pack.name).toBe('KmsGuard');
    expect(pack.readPackName).toBe('KmsGuard');
  });

  test('GIVEN an Allow to "*" WHEN synthesized with the pack next to AwsSolutionsChecks THEN CDK\'s validation report holds the finding and the synthesis fails', () => {
    const { app, stack } = publicKeyApp();
    new kms.Key(stack, 'NotRotated');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new KmsGuardChecks(app));
    const { report, exitCode } = synthReport(app as App);
    expect(exitCode).toBe(1);
    const violation = report.pluginReports.find((r: any) => r.pluginName === 'KmsGuard').violations
      .find((v: any) => v.ruleName === 'KmsGuard-PublicKeyAccess[Statement::Everyone]');
    expect(violation).toMatchObject({
      severity: 'error',
      suggestedFix: 'https://github.com/cdk-kms-guard/cdk-kms-guard/blob/main/docs/rules.md#kmsguard-publickeyaccess',
      ruleMetadata: { findingId: 'Statement::Everyone', stack: 'S', policy: 'key policy', statement: 'Sid "Everyone"', field: 'Principal' },
      violatingConstructs: [expect.objectContaining({ constructPath: 'S/Key/Resource' })],
    });
    expect(violation.description).toContain('Fix: e.g. add "StringEquals": {"kms:CallerAccount": "111122223333"}');
    // cdk-nag's own pack runs beside it, and both report the key without rotation, each under its own rule.
    expect(ruleNames(report, 'AwsSolutions')).toContain('AwsSolutions-KMS5 error');
    expect(ruleNames(report)).toContain('KmsGuard-RotationDisabled[Key::Rotation] warning');
  });

  test('acknowledging one finding silences exactly that finding', () => {
    const { app, key } = publicKeyApp();
    Validations.of(key).acknowledge({ id: 'KmsGuard-PublicKeyAccess[Statement::Everyone]', reason: 'a test' });
    const report = new KmsGuardChecks().validateScope(app);
    const names = report.violations.map((v) => v.ruleName);
    expect(names).not.toContain('KmsGuard-PublicKeyAccess[Statement::Everyone]');
    expect(names).toContain('KmsGuard-PublicKeyAccess[Statement::EveryoneAgain]');
    expect(report.success).toBe(false);
  });

  test('two statements sharing a Sid are two violations, each named with its index; acknowledging one silences only it', () => {
    const { app, key } = sharedSidApp();
    Validations.of(key).acknowledge({ id: 'KmsGuard-PublicKeyAccess[Statement::Everyone#2]', reason: 'a test' });
    const violations = new KmsGuardChecks().validateScope(app).violations.filter((v) => v.ruleName.startsWith('KmsGuard-PublicKeyAccess'));
    expect(violations.map((v) => [v.ruleName, v.ruleMetadata?.statement])).toEqual([['KmsGuard-PublicKeyAccess[Statement::Everyone#1]', 'Sid "Everyone" (statement #1)']]);
  });

  test('acknowledgement ids: `KmsGuard-Rule[Kind::Value]` is accepted (aws-cdk-lib 2.258 rejects the plugin-prefixed form the CDK CLI prints; later versions accept it)', () => {
    const { key } = publicKeyApp();
    expect(() => Validations.of(key).acknowledge({ id: 'KmsGuard-PublicKeyAccess[Statement::Everyone]', reason: 'ok' })).not.toThrow();
    const prefixed = (): void => Validations.of(key).acknowledge({ id: 'KmsGuard::KmsGuard-PublicKeyAccess[Statement::Everyone]', reason: 'no' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (require('aws-cdk-lib/package.json').version === '2.258.0') expect(prefixed).toThrow(/The '::' delimiter is reserved/);
  });

  test('warnings do not fail: a plain key with rotation off reports warnings with success', () => {
    const app = new App();
    new kms.Key(new Stack(app, 'S', { env: ENV }), 'Key');
    Validations.of(app).addPlugins(new KmsGuardChecks(app));
    const { report, exitCode } = synthReport(app);
    expect(exitCode).toBeUndefined();
    expect(ruleNames(report)).toEqual(expect.arrayContaining(['KmsGuard-RotationDisabled[Key::Rotation] warning', 'KmsGuard-AccountWideDelegation[Statement::0] warning']));
    expect(ruleNames(report).every((n) => n.endsWith(' warning'))).toBe(true);
  });

  test('one violation per finding, with its own text, even when two keys share a finding id', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    new kms.Key(stack, 'A');
    new kms.Key(stack, 'B');
    const rotation = new KmsGuardChecks().validateScope(app).violations.filter((v) => v.ruleName === 'KmsGuard-RotationDisabled[Key::Rotation]');
    expect(rotation.map((v) => v.violatingResources[0].constructPath).sort()).toEqual(['S/A/Resource', 'S/B/Resource']);
    expect(rotation[0].description).toContain('S/A');
    expect(rotation[1].description).toContain('S/B');
  });

  test('the three constructs\' representative app passes clean', () => {
    const report = new KmsGuardChecks().validateScope(constructsApp());
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('sees every stage: a key in a Stage nested in the App is checked', () => {
    const app = new App();
    publicKeyApp(new Stage(app, 'Prod'));
    Validations.of(app).addPlugins(new KmsGuardChecks(app));
    const { report, exitCode } = synthReport(app);
    expect(exitCode).toBe(1);
    const violation = report.pluginReports[0].violations.find((v: any) => v.ruleName === 'KmsGuard-PublicKeyAccess[Statement::Everyone]');
    expect(violation.violatingConstructs[0].constructPath).toBe('Prod/S/Key/Resource');
  });

  test('with the aspect, the app is evaluated once: the written templates differ from the validated ones only by what the synthesizer adds', () => {
    const { app, stack } = publicKeyApp();
    // Acknowledged, so that the aspect lets synthesis complete and the pack runs.
    for (const sid of ['Everyone', 'EveryoneAgain']) Validations.of(stack).acknowledge({ id: `KmsGuard-PublicKeyAccess[Statement::${sid}]`, reason: 'a test' });
    KmsGuardAspect.applyTo(app as App);
    Validations.of(app).addPlugins(new KmsGuardChecks(app));
    const models = jest.spyOn(appModel, 'buildAppModel');
    try {
      const { report } = synthReport(app as App);
      expect(report.pluginReports.map((r: any) => r.pluginName)).toContain('KmsGuard');
      expect(models).toHaveBeenCalledTimes(1);
    } finally {
      models.mockRestore();
    }
  });

  test('reads the templates the synthesis wrote: it renders none itself, and sees what the stack synthesizer added', () => {
    const { app, stack } = publicKeyApp();
    Validations.of(app).addPlugins(new KmsGuardChecks(app));
    const render = jest.spyOn(Stack.prototype as any, '_toCloudFormation');
    let report: any;
    try {
      ({ report } = synthReport(app as App));
      // The synthesis's own rendering of the one stack, no second one for the pack.
      expect(render.mock.calls.length).toBe(1);
    } finally {
      render.mockRestore();
    }
    expect(ruleNames(report)).toContain('KmsGuard-PublicKeyAccess[Statement::Everyone] error');
    // The written template is the final one: it holds what DefaultStackSynthesizer.synthesize adds after validation.
    const written = JSON.parse(readFileSync(join(app.outdir, stack.templateFile), 'utf8'));
    expect(written.Rules?.CheckBootstrapVersion).toBeDefined();
  });
});
