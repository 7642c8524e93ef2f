/**
 * What a declared capability means in KMS actions, and which of those actions take an encryption context (so a
 * required encryption context can be enforced on them without denying the others, such as DescribeKey).
 */
import { ENCRYPTION_CONTEXT_ACTIONS, PermissionSets } from '../policy/catalogue';

export type CapabilityName =
  | 'encrypt' | 'decrypt' | 'encrypt-decrypt' | 'generate-data-key' | 'generate-data-key-pair'
  | 'sign' | 'verify' | 'sign-verify' | 'generate-mac' | 'verify-mac' | 'grant-for-aws-resource';

const ACTIONS: Record<CapabilityName, readonly string[]> = {
  'encrypt': PermissionSets.encrypt,
  'decrypt': PermissionSets.decrypt,
  'encrypt-decrypt': [...PermissionSets.encrypt, ...PermissionSets.decrypt],
  'generate-data-key': PermissionSets.generateDataKey,
  'generate-data-key-pair': PermissionSets.generateDataKeyPair,
  'sign': PermissionSets.sign,
  'verify': PermissionSets.verify,
  'sign-verify': [...PermissionSets.sign, ...PermissionSets.verify],
  'generate-mac': PermissionSets.generateMac,
  'verify-mac': PermissionSets.verifyMac,
  'grant-for-aws-resource': PermissionSets.grantManagement,
};

/** The actions of some capabilities, de-duplicated, in a stable order. */
export function capabilityActions(capabilities: readonly CapabilityName[]): string[] {
  return [...new Set(capabilities.flatMap((c) => ACTIONS[c]))];
}

const ecActions = new Set(ENCRYPTION_CONTEXT_ACTIONS);

/**
 * Splits actions into those that take an encryption context and the rest (conditions-kms.md), when a context is
 * required; without one, every action stays in `withoutContext`.
 */
export function splitByEncryptionContext(actions: readonly string[], contextRequired: boolean): { withContext: string[]; withoutContext: string[] } {
  if (!contextRequired) return { withContext: [], withoutContext: [...actions] };
  return {
    withContext: actions.filter((a) => ecActions.has(a)),
    withoutContext: actions.filter((a) => !ecActions.has(a)),
  };
}
