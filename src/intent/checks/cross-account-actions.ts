/**
 * Which declared actions can be shared with another account: only those whose "Cross-account use" is Yes in the KMS
 * permissions reference (kms-api-permissions-reference, key-policy-modifying-external-accounts.md); KMS ignores a
 * permission for any other action from another account. GuardedKmsKey and CrossAccountKeyShare call it to refuse such
 * grants; KmsGuard-IntentDrift calls it on a declared share. Pure.
 */
import { CROSS_ACCOUNT_ACTIONS } from '../../policy/catalogue';

/** The actions of the list that cannot be used from another account. */
export function notShareableActions(actions: readonly string[]): string[] {
  return actions.filter((a) => !CROSS_ACCOUNT_ACTIONS.includes(a));
}

/** A grant to a principal of another account (`other`), or of an account not known at synth (`unknown`). */
export function notShareableGrantMessage(path: string, relation: 'other' | 'unknown', grantee: string, actions: readonly string[]): string {
  return relation === 'other'
    ? `${path}: ${actions.join(', ')} cannot be used from another account (KMS ignores such permissions), but `
      + `${grantee} is in another account. Grant only cryptographic operations, DescribeKey, GetPublicKey or grant operations across accounts.`
    : `${path}: cannot tell whether ${grantee} is in the key's account: the key's stack has no explicit `
      + `account, and ${actions.join(', ')} work only within it. Give the key's stack an explicit env (account and region).`;
}

/** A share (CrossAccountKeyShare) asked for actions that never work across accounts. */
export function notShareableShareMessage(path: string, actions: readonly string[]): string {
  return `${path}: ${actions.join(', ')} cannot be used from another account: KMS ignores such permissions `
    + `(key-policy-modifying-external-accounts.md). Shareable actions: ${CROSS_ACCOUNT_ACTIONS.join(', ')}`;
}
