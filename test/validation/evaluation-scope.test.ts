/**
 * Self-validating constructs alone (no KmsGuardAspect) have the rules look at their own keys only: the findings about
 * those keys are the same as in the whole app's evaluation.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { constructsApp, withVolume } from './construct-apps';
import { GuardedKmsKey } from '../../src';
import { ALL_RULES } from '../../src/rules';
import { evaluateStage } from '../../src/validation/app-findings';

/** `key.policy` (protected in TypeScript), as an escape hatch reaches it. */
function policyOf(key: kms.Key): iam.PolicyDocument {
  return (key as unknown as { policy: iam.PolicyDocument }).policy;
}

/** An app with findings of many rules on GuardedKmsKeys and on plain keys. */
function brokenApp(): App {
  const app = constructsApp();
  withVolume(app);
  const keys = app.node.findChild('Keys') as Stack;
  const data = keys.node.findChild('DataKey') as GuardedKmsKey;
  const ops = new iam.Role(keys, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
  data.grant(ops, 'kms:*');
  policyOf(data).addStatements(new iam.PolicyStatement({ sid: 'Everyone', principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
  const extra = new Stack(app, 'Extra', { env: keys.env });
  const admin = new iam.Role(extra, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const open = new GuardedKmsKey(extra, 'Open', { administrators: [admin], enableKeyRotation: false });
  policyOf(open).addStatements(new iam.PolicyStatement({ sid: 'Everyone', principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
  // GuardedKmsKey.grant conditions CreateGrant on kms:GrantIsForAWSResource; an escape hatch does not.
  const attacher = new iam.Role(extra, 'Attacher', { assumedBy: new iam.AccountRootPrincipal() });
  policyOf(open).addStatements(new iam.PolicyStatement({ sid: 'Grants', principals: [attacher], actions: ['kms:CreateGrant'], resources: ['*'] }));
  const plain = new kms.Key(keys, 'Plain');
  plain.grant(ops, 'kms:*');
  plain.addToResourcePolicy(new iam.PolicyStatement({ sid: 'Everyone', principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
  return app;
}

test('the findings about the evaluated keys are those of the whole app\'s evaluation', () => {
  const app = brokenApp();
  const paths = new Set(app.node.findAll().filter((c): c is GuardedKmsKey => c instanceof GuardedKmsKey).map((k) => k.node.defaultChild!.node.path));
  expect(paths.size).toBe(3);
  const whole = evaluateStage(app);
  const scoped = evaluateStage(app, ALL_RULES, paths);
  // On one of the keys, or on a resource encrypted with one of them.
  const model = whole.model!;
  const about = (f: { location: { constructPath?: string; stackName: string; logicalId: string } }): boolean => {
    const at = f.location;
    return model.keys.some((k) => k.constructPath !== undefined && paths.has(k.constructPath) && (k.constructPath === at.constructPath
      || model.encryptedResources.some((r) => r.keyArn === k.arn && r.location.stackName === at.stackName && r.location.logicalId === at.logicalId)));
  };
  const expected = whole.placed.map((p) => p.finding).filter((f) => about(f));
  expect(new Set(expected.map((f) => f.ruleId))).toEqual(new Set([
    'KmsGuard-AccountWideDelegation', 'KmsGuard-PublicKeyAccess', 'KmsGuard-CreateGrantUnrestricted', 'KmsGuard-RotationDisabled', 'KmsGuard-AdminCanUseKey',
    // The Everyone statement bypasses the GuardedKmsKey's own methods: access it never declared.
    'KmsGuard-IntentDrift',
  ]));
  expect(scoped.placed.map((p) => p.finding).filter((f) => about(f))).toEqual(expected);
  // The plain key is not looked at.
  expect(scoped.placed.some((p) => p.finding.location.constructPath === 'Keys/Plain/Resource')).toBe(false);
  expect(whole.placed.some((p) => p.finding.location.constructPath === 'Keys/Plain/Resource')).toBe(true);
});
