/**
 * Roles under an IAM path (`path: '/app/team/'`): aws:PrincipalArn of their sessions holds the path, which a session
 * ARN does not carry (src/evaluator/session-role-path.ts). The synth-time checks give the evaluator each role's ARN,
 * so an app whose policies name such roles is decided exactly: no "cannot verify" for the path, and the same answers
 * as for roles without one.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { stageFindings } from '../../src/validation/app-findings';

const ENV = { account: '111122223333', region: 'us-east-1' };

function pathedApp(): App {
  const app = new App();
  const keyStack = new Stack(app, 'Keys', { env: ENV });
  const roleStack = new Stack(app, 'Roles', { env: ENV });
  const admin = new iam.Role(keyStack, 'Admin', { assumedBy: new iam.AccountRootPrincipal(), path: '/ops/' });
  // A role of another stack: the guarded key names it through aws:PrincipalArn, with its path.
  const user = new iam.Role(roleStack, 'User', { assumedBy: new iam.AccountRootPrincipal(), path: '/app/team/', roleName: 'app-user' });
  const guarded = new GuardedKmsKey(keyStack, 'Guarded', { administrators: [admin] });
  guarded.grantCapabilities(user, [KeyCapability.DECRYPT]);
  // A plain key whose default policy delegates to IAM: the role's IAM policy lets it in.
  const plain = new kms.Key(keyStack, 'Plain', { enableKeyRotation: true });
  plain.grantDecrypt(new iam.Role(keyStack, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), path: '/readers/' }));
  return app;
}

describe('roles under an IAM path', () => {
  const findings = stageFindings(pathedApp()).map((p) => p.finding);

  test('no finding rests on a role\'s unknown path', () => {
    expect(findings.filter((f) => /unknown-role-path|roleArn|role's path/.test(f.message))).toEqual([]);
    expect(findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId}[${f.findingId}]`)).toEqual([]);
  });

  test('the guarded key\'s grant to the role of another stack is what it declared (its aws:PrincipalArn names the path)', () => {
    expect(findings.filter((f) => f.ruleId === 'KmsGuard-IntentDrift')).toEqual([]);
  });

  test('the plain key\'s account delegation names the role under its path among those who can use the key', () => {
    const delegation = findings.find((f) => f.ruleId === 'KmsGuard-AccountWideDelegation' && f.location.constructPath === 'Keys/Plain/Resource');
    expect(delegation?.message).toMatch(/Who can: in this app: role Keys\/Reader\S* \(kms:Decrypt/);
  });
});
