/**
 * Both surfaces run the same rules: the list is pinned here, and on an app that breaks many of them the aspect and
 * the cdk-nag pack report the same findings at the same constructs with the same severities.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { KmsGuardAspect, KmsGuardChecks } from '../../src';
import { ALL_RULES } from '../../src/rules';

const ENV = { account: '111122223333', region: 'us-east-1' };

const PINNED = [
  'KmsGuard-KeyPolicyLockout',
  'KmsGuard-BypassLockoutCheck',
  'KmsGuard-DeployerCannotCreate',
  'KmsGuard-PrincipalNotYetDeployed',
  'KmsGuard-InvalidPrincipal',
  'KmsGuard-MalformedKeyPolicy',
  'KmsGuard-ServiceWithoutAccess',
  'KmsGuard-ServiceWithoutGuard',
  'KmsGuard-KeyPolicyTooLarge',
  'KmsGuard-DuplicatePrivateDnsEndpoint',
  'KmsGuard-PublicKeyAccess',
  'KmsGuard-AdminCanUseKey',
  'KmsGuard-UserCanAdministerKey',
  'KmsGuard-CrossAccountWithoutNarrowing',
  'KmsGuard-AccountWideDelegation',
  'KmsGuard-CreateGrantUnrestricted',
  'KmsGuard-EndpointDenyBreaksServices',
  'KmsGuard-IdentityResourceWildcard',
  'KmsGuard-IneffectiveStatement',
  'KmsGuard-InvalidAction',
  'KmsGuard-IntentDrift',
  'KmsGuard-RotationDisabled',
];

function brokenApp(): App {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const ops = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
  const key = new kms.Key(stack, 'Key');
  key.grant(ops, 'kms:*');
  key.grant(new iam.AccountPrincipal('444455556666'), 'kms:*');
  key.addToResourcePolicy(new iam.PolicyStatement({ sid: 'Everyone', principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
  new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
  new kms.Key(stack, 'Custom', {
    enableKeyRotation: true,
    policy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ principals: [ops], actions: ['kms:Decrypt', 'kms:TagResource'], resources: ['*'] })] }),
  });
  return app;
}

/** An app whose findings are all warnings: synthesis succeeds under the aspect, which records them in the assembly. */
function warningApp(): App {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const key = new kms.Key(stack, 'Key');
  key.grantDecrypt(new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
  new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
  return app;
}

function packFindings(app: App, severity: string): string[] {
  return new KmsGuardChecks().validateScope(app).violations
    .filter((v) => v.severity === severity)
    .map((v) => `${v.ruleName} ${v.violatingResources[0].constructPath}`).sort();
}

describe('the surfaces', () => {
  test('ALL_RULES, and so the aspect and the pack, hold exactly the pinned rules in this order', () => {
    expect(ALL_RULES.map((r) => r.id)).toEqual(PINNED);
    expect(new KmsGuardChecks().ruleIds).toEqual(PINNED);
  });

  test('the aspect and the pack report the same error findings at the same constructs', () => {
    const pack = packFindings(brokenApp(), 'error');
    expect(new Set(pack.map((p) => p.split('[')[0])).size).toBeGreaterThanOrEqual(5);
    const app = brokenApp();
    KmsGuardAspect.applyTo(app);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    const aspect = [...message.matchAll(/\[([^\]]+)\] (KmsGuard-[A-Za-z]+\[[^\]]+\]) /g)].map((m) => `${m[2]} ${m[1]}`).sort();
    expect(aspect).toEqual(pack);
  });

  test('the aspect and the pack report the same warning findings at the same constructs', () => {
    const pack = packFindings(warningApp(), 'warning');
    expect(new Set(pack.map((p) => p.split('[')[0])).size).toBeGreaterThanOrEqual(3);
    const app = warningApp();
    KmsGuardAspect.applyTo(app);
    const aspect = app.synth().stacks.flatMap((st) => st.messages)
      .filter((m) => m.level === 'warning' && String(m.entry.data).startsWith('KmsGuard-'))
      .map((m) => `${/^(KmsGuard-[A-Za-z]+\[[^\]]+\])/.exec(String(m.entry.data))![1]} ${m.id.replace(/^\//, '')}`).sort();
    expect(aspect).toEqual(pack);
  });
});
