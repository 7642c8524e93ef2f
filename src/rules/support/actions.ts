/**
 * The action groups the rules reason about, derived from the catalogue (one place for every action list). Pure.
 */
import { ALL_KMS_ACTIONS, CROSS_ACCOUNT_ACTIONS, actionFacts } from '../../policy/catalogue';

const facts = (a: string) => actionFacts(a)!;

/** Operations on a key that a key policy governs. */
export const KEY_POLICY_ACTIONS: readonly string[] = ALL_KMS_ACTIONS.filter((a) => facts(a).policyType === 'key-policy');

/** The cryptographic operations: using the key. */
export const CRYPTO_ACTIONS: readonly string[] = KEY_POLICY_ACTIONS.filter((a) => facts(a).cryptographic);

/** Grant management is how services use a key on a user's behalf: neither using nor administering it here. */
const GRANT_MANAGEMENT = new Set(['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:RetireGrant']);

/**
 * Operations that change the key, its policy, its state or its material: administering it (reading it,
 * Describe/Get/List, does not count). Alias operations need an alias ARN as well and the multi-Region ones a second
 * key: they are left out of what the rules ask the evaluator, so the list holds what can be decided on one key.
 */
export const MANAGEMENT_ACTIONS: readonly string[] = KEY_POLICY_ACTIONS.filter((a) => {
  const f = facts(a);
  return !f.cryptographic && !GRANT_MANAGEMENT.has(a) && !f.resources.includes('alias') && !/^kms:(Describe|Get|List)/.test(a)
    && a !== 'kms:ReplicateKey' && a !== 'kms:UpdatePrimaryRegion';
});

/** Key-policy operations a principal of another account can ever be allowed (the permissions table's column). */
export const CROSS_ACCOUNT_KEY_ACTIONS: readonly string[] = KEY_POLICY_ACTIONS.filter((a) => CROSS_ACCOUNT_ACTIONS.includes(a));

/** Key-policy operations that no principal of another account can ever use, whatever the policies say. */
export const SAME_ACCOUNT_ONLY_ACTIONS: readonly string[] = KEY_POLICY_ACTIONS.filter((a) => !CROSS_ACCOUNT_ACTIONS.includes(a));

/**
 * The cryptographic operations a key of this spec and usage can serve: KMS refuses the others whatever the policies
 * say, so a principal allowed only those cannot use the key (symm-asymm-compare.md). An unknown usage keeps them all.
 */
export function cryptoActionsFor(key: { readonly keySpec: string; readonly keyUsage: string }): string[] {
  const symmetric = key.keySpec === 'SYMMETRIC_DEFAULT';
  switch (key.keyUsage) {
    case 'ENCRYPT_DECRYPT':
      return CRYPTO_ACTIONS.filter((a) => /^kms:(Encrypt|Decrypt|ReEncrypt)/.test(a) || (symmetric && /^kms:GenerateDataKey/.test(a)));
    case 'SIGN_VERIFY':
      return ['kms:Sign', 'kms:Verify'];
    case 'GENERATE_VERIFY_MAC':
      return ['kms:GenerateMac', 'kms:VerifyMac'];
    case 'KEY_AGREEMENT':
      return ['kms:DeriveSharedSecret'];
    default:
      return [...CRYPTO_ACTIONS];
  }
}

/** Cryptographic operations first, then the rest, each group in catalogue order: how messages list actions. */
export function usesFirst(actions: readonly string[]): string[] {
  return [...actions.filter((a) => CRYPTO_ACTIONS.includes(a)), ...actions.filter((a) => !CRYPTO_ACTIONS.includes(a))];
}
