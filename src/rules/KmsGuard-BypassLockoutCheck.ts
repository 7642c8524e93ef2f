/**
 * KmsGuard-BypassLockoutCheck (error): no `AWS::KMS::Key` sets `BypassPolicyLockoutSafetyCheck: true`.
 *
 * The lockout safety check is what makes KMS refuse a key policy that would keep the caller (here, the stack's
 * deploying role) from changing the policy again; bypassing it lets a stack create a key nobody can ever manage, a key
 * only AWS Support can recover, if at all (create-keys.md calls the parameter "not recommended"; conditions-kms.md,
 * kms:BypassPolicyLockoutSafetyCheck, shows how accounts deny it). Error, not warning: a stack that needs the bypass
 * has a key policy that KmsGuard-KeyPolicyLockout would flag anyway, and the rare deliberate use is acknowledged on
 * the key. A value that cannot be resolved offline (a parameter, a condition) is a "cannot verify" warning. Pure.
 */
import { Finding, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { keyFinding, keyName } from './support/key-finding';
import { AppModel } from '../app-model/app-model';

const ID = 'KmsGuard-BypassLockoutCheck';

export const BypassLockoutCheck: Rule = {
  id: ID,
  severity: 'error',
  summary: 'No KMS key is created with BypassPolicyLockoutSafetyCheck: true.',
  explanation: 'KMS refuses a key policy that would keep the principal setting it (the stack\'s deploying role) from changing it again: the policy lockout safety check. BypassPolicyLockoutSafetyCheck turns the check off, so a wrong key policy deploys and leaves a key nobody can manage. AWS advises against it; accounts commonly deny it with the kms:BypassPolicyLockoutSafetyCheck condition key.',
  docLink: ruleDocLink(ID),
  findingIds: ['Key::BypassPolicyLockoutSafetyCheck'],
  sources: [kmsGuide('create-keys'), kmsGuide('conditions-kms'), kmsGuide('key-policy-default')],
  check: (model: AppModel): Finding[] => model.keys
    .filter((key) => key.type === 'AWS::KMS::Key' && key.bypassPolicyLockoutSafetyCheck !== false)
    .map((key) => keyFinding(ID, key, findingId('Key', 'BypassPolicyLockoutSafetyCheck'), key.bypassPolicyLockoutSafetyCheck === true ? 'error' : 'warning',
      key.bypassPolicyLockoutSafetyCheck === true
        ? `the key ${keyName(key)} is created with BypassPolicyLockoutSafetyCheck: true, so KMS does not check that its deploying role can still change the key policy: a wrong policy deploys and locks everyone out. Expected: false or absent. Fix: remove bypassPolicyLockoutSafetyCheck (the CfnKey property) and give the key administrators kms:PutKeyPolicy in the key policy; acknowledge this finding only for a key whose policy is proven not to lock out (KmsGuard-KeyPolicyLockout passes).`
        : `whether the key ${keyName(key)} bypasses the policy lockout safety check could not be verified: BypassPolicyLockoutSafetyCheck is not known offline. Expected: a literal false, or no value. Fix: set it to a literal false or remove it.`,
      { policy: undefined, field: 'BypassPolicyLockoutSafetyCheck' })),
};
