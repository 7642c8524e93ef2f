/**
 * AWS limits that decide whether a policy deploys, as data: builders, checks and tests read them from here.
 */

/** KMS rejects a key policy larger than 32 KB (key-policy-overview.md, "Key policy format"). */
export const KEY_POLICY_MAX_BYTES = 32768;

/**
 * The characters a key policy may hold, as inclusive ranges of code points (key-policy-overview.md, "Key policy
 * format"): the tab, line feed and carriage return special characters; printable ASCII (the Basic Latin block without
 * its control characters); and the printable characters of the Latin-1 Supplement (U+00A0-U+00FF: U+0080-U+009F are
 * control characters). Anything else, including a zero-width space or a lone surrogate (which has no UTF-8 form),
 * makes KMS reject the policy.
 */
export const KEY_POLICY_CHARACTER_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x09, 0x0a],
  [0x0d, 0x0d],
  [0x20, 0x7e],
  [0xa0, 0xff],
];

/**
 * Aliases per KMS key, default quota (resource-limits.md, "Aliases per KMS key"; adjustable). Over it, kms:ResourceAliases
 * stops working: "principals who are authorized to use the KMS key by the kms:ResourceAliases condition are denied".
 */
export const ALIASES_PER_KEY_DEFAULT_QUOTA = 50;

/** Grants per KMS key, default quota (resource-limits.md, "Grants per KMS key"; adjustable). */
export const GRANTS_PER_KEY_DEFAULT_QUOTA = 50000;
