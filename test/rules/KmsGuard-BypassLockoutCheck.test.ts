import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { appWithStack, findingsOf, ids, modelOfResources } from './helpers';
import { GuardedKmsKey } from '../../src';
import { BypassLockoutCheck } from '../../src/rules/KmsGuard-BypassLockoutCheck';

const RULE = 'KmsGuard-BypassLockoutCheck';

describe(RULE, () => {
  test('GIVEN a kms.Key whose CfnKey sets BypassPolicyLockoutSafetyCheck: true WHEN checked THEN an error on the key with the fix', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    (key.node.defaultChild as kms.CfnKey).bypassPolicyLockoutSafetyCheck = true;
    const findings = findingsOf(BypassLockoutCheck, app);
    expect(ids(findings)).toEqual([`${RULE}[Key::BypassPolicyLockoutSafetyCheck] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Key/Resource', field: 'BypassPolicyLockoutSafetyCheck' });
    expect(findings[0].message).toContain('remove bypassPolicyLockoutSafetyCheck');
  });

  test('GIVEN the check left on (absent or false), a plain key or a GuardedKmsKey THEN compliant', () => {
    const { app, stack } = appWithStack();
    new kms.Key(stack, 'Plain');
    const explicit = new kms.Key(stack, 'Explicit');
    (explicit.node.defaultChild as kms.CfnKey).bypassPolicyLockoutSafetyCheck = false;
    new GuardedKmsKey(stack, 'Guarded', { administrators: [new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() })] });
    expect(findingsOf(BypassLockoutCheck, app)).toEqual([]);
  });

  test('GIVEN a raw CfnKey whose bypass is a parameter THEN a cannot-verify warning, never a pass', () => {
    const model = modelOfResources({ Key: { Type: 'AWS::KMS::Key', Properties: { BypassPolicyLockoutSafetyCheck: { Ref: 'Bypass' } } } });
    const findings = BypassLockoutCheck.check(model);
    expect(ids(findings)).toEqual([`${RULE}[Key::BypassPolicyLockoutSafetyCheck] warning`]);
    expect(findings[0].message).toContain('could not be verified');
  });

  test('GIVEN a raw CfnKey with the string "true" (CloudFormation reads it as a Boolean) THEN an error', () => {
    const model = modelOfResources({ Key: { Type: 'AWS::KMS::Key', Properties: { BypassPolicyLockoutSafetyCheck: 'true' } } });
    expect(ids(BypassLockoutCheck.check(model))).toEqual([`${RULE}[Key::BypassPolicyLockoutSafetyCheck] error`]);
  });
});
