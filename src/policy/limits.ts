/**
 * AWS limits that decide whether a policy deploys, as data: builders, checks and tests read them from here.
 */

/** KMS rejects a key policy larger than 32 KB (key-policy-overview.md, "Key policy format"). */
export const KEY_POLICY_MAX_BYTES = 32768;
