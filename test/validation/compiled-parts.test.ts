/**
 * The compile-once evaluator API the rules' probes use (KmsAccessEvaluator.compileForCallers, compileCaller,
 * CompiledScenario.withCaller): a key compiled once and a caller compiled once decide every request exactly as the
 * whole scenario compiled at once does, errors included; and the cdk-nag pack reuses a synthesis's evaluation only
 * when it was read from the templates written.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { KmsAccessEvaluator, KmsDecision, KmsGuardAspect, KmsGuardChecks } from '../../src';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const KEY = {
  arn: KEY_ARN,
  policy: {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Account', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
      { Sid: 'NoDeleteOutsideOrg', Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
      { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
    ],
  },
  tags: { team: 'orders' },
};

const CALLERS: Record<string, unknown> = {
  reader: {
    arn: 'arn:aws:sts::111122223333:assumed-role/reader/s',
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:ScheduleKeyDeletion'], Resource: KEY_ARN }] }],
    orgId: 'o-a1b2c3d4e5',
  },
  bounded: {
    arn: 'arn:aws:sts::111122223333:assumed-role/bounded/s',
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }],
    permissionsBoundary: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }] },
  },
  partner: {
    arn: 'arn:aws:sts::444455556666:assumed-role/partner/s',
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN }] }],
  },
  broken: {
    arn: 'arn:aws:sts::111122223333:assumed-role/broken/s',
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: { NoSuchOperator: { 'aws:x': 'y' } } }] }],
  },
  wildcard: { arn: 'arn:aws:sts::111122223333:assumed-role/*/s' },
};

const REQUESTS = [
  { action: 'kms:Decrypt' },
  { action: 'kms:Decrypt', context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
  { action: 'kms:Encrypt' },
  { action: 'kms:ScheduleKeyDeletion' },
  { action: 'kms:CreateGrant', createGrant: { granteePrincipal: 'arn:aws:iam::111122223333:role/x', operations: ['Decrypt'] } },
];

/** A result with its issues in a fixed order (by parts, the key's issues come before the caller's). */
function normalized(result: ReturnType<typeof KmsAccessEvaluator.evaluate>): unknown {
  const order = (issues: readonly { code: string; message: string }[]) => [...issues]
    .sort((a, b) => `${a.code}${a.message}`.localeCompare(`${b.code}${b.message}`));
  return { ...result, errors: order(result.errors), warnings: order(result.warnings), explanation: result.errors.length > 0 ? '(invalid)' : result.explanation };
}

describe('a key compiled for many callers', () => {
  const keyPart = KmsAccessEvaluator.compileForCallers({ key: KEY });

  test.each(Object.keys(CALLERS))('decides every request for caller %s as the whole scenario does', (name) => {
    const byParts = keyPart.withCaller(KmsAccessEvaluator.compileCaller(CALLERS[name]));
    const whole = KmsAccessEvaluator.compile({ key: KEY, caller: CALLERS[name] });
    for (const request of REQUESTS) expect(normalized(byParts.evaluate(request))).toEqual(normalized(whole.evaluate(request)));
  });

  test('the decisions differ between callers (the key part holds no caller)', () => {
    const decide = (name: string, action: string): string =>
      keyPart.withCaller(KmsAccessEvaluator.compileCaller(CALLERS[name])).evaluate({ action }).decision;
    expect(decide('reader', 'kms:Decrypt')).toBe(KmsDecision.ALLOW);
    expect(decide('bounded', 'kms:Decrypt')).toBe(KmsDecision.IMPLICIT_DENY);
    expect(decide('bounded', 'kms:Encrypt')).toBe(KmsDecision.ALLOW);
    expect(decide('partner', 'kms:Decrypt')).toBe(KmsDecision.IMPLICIT_DENY);
  });

  test('a caller that cannot be read, or a key that cannot, is an implicit deny with its error', () => {
    const wildcard = keyPart.withCaller(KmsAccessEvaluator.compileCaller(CALLERS.wildcard)).evaluate({ action: 'kms:Decrypt' });
    expect(wildcard.decision).toBe(KmsDecision.IMPLICIT_DENY);
    expect(wildcard.errors.map((e) => e.field)).toContain('caller.arn');
    const badKey = KmsAccessEvaluator.compileForCallers({ key: { ...KEY, arn: 'not-an-arn' } });
    const result = badKey.withCaller(KmsAccessEvaluator.compileCaller(CALLERS.reader)).evaluate({ action: 'kms:Decrypt' });
    expect(result.decision).toBe(KmsDecision.IMPLICIT_DENY);
    expect(result.errors.map((e) => e.field)).toContain('key.arn');
  });

  test('withCaller on a scenario compiled whole is refused with a clear error, never decided', () => {
    const whole = KmsAccessEvaluator.compile({ key: KEY, caller: CALLERS.reader });
    const result = whole.withCaller(KmsAccessEvaluator.compileCaller(CALLERS.bounded)).evaluate({ action: 'kms:Encrypt' });
    expect(result.decision).toBe(KmsDecision.IMPLICIT_DENY);
    expect(result.errors[0].message).toMatch(/compileForCallers/);
  });
});

describe('the cdk-nag pack in a synthesis', () => {
  const ENV = { account: '111122223333', region: 'us-east-1' };

  /** A plain key and a reader: warnings only, so synthesis goes on to the plugins with the aspect too. */
  function warningApp(): { app: App; key: kms.Key } {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const key = new kms.Key(stack, 'Key');
    key.grantDecrypt(new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
    return { app, key };
  }

  /** The pack's violations in a synthesis (aws-cdk-lib 2.258 sets process.exitCode on errors: reset here). */
  function packViolations(app: App, pack: KmsGuardChecks): string[] {
    let violations: string[] = [];
    const validate = pack.validate.bind(pack);
    pack.validate = (context) => {
      const report = validate(context);
      violations = report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0].constructPath}`).sort();
      return report;
    };
    Validations.of(app).addPlugins(pack);
    const before = process.exitCode;
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      app.synth();
    } catch {
      // aws-cdk-lib 2.276 throws on a failed validation, after the plugins ran.
    } finally {
      errors.mockRestore();
      process.exitCode = before;
    }
    return violations;
  }

  test('with the aspect, reports the findings of the templates written (the same as without the aspect)', () => {
    const alone = packViolations(warningApp().app, new KmsGuardChecks());
    expect(alone).toContain('KmsGuard-RotationDisabled[Key::Rotation] S/Key/Resource');
    const { app } = warningApp();
    KmsGuardAspect.applyTo(app);
    expect(packViolations(app, new KmsGuardChecks())).toEqual(alone);
  });

  test('a synthesis that skips validation evaluates the templates it wrote, not the previous synthesis\'s', () => {
    const { app, key } = warningApp();
    KmsGuardAspect.applyTo(app);
    const pack = new KmsGuardChecks();
    expect(packViolations(app, pack)).not.toContain('KmsGuard-PublicKeyAccess[Statement::Everyone] S/Key/Resource');
    // The key policy changes after the first synthesis: the aspect's evaluation of it is stale.
    key.addToResourcePolicy(new iam.PolicyStatement({ sid: 'Everyone', principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
    let violations: string[] = [];
    const validate = pack.validate.bind(pack);
    pack.validate = (context) => {
      const report = validate(context);
      violations = report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0].constructPath}`).sort();
      return report;
    };
    const before = process.exitCode;
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      app.synth({ force: true, skipValidation: true });
    } catch {
      // as above
    } finally {
      errors.mockRestore();
      process.exitCode = before;
    }
    expect(violations).toContain('KmsGuard-PublicKeyAccess[Statement::Everyone] S/Key/Resource');
  });
});
