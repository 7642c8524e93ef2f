/**
 * Which condition keys exist, and for which actions: for the warnings that keep a misspelled or misplaced key from
 * silently turning a restriction into nothing (a positive operator on an absent key never matches, a negated one
 * always does: reference_policies_elements_condition_operators.md).
 *
 * Known keys: the catalogue's condition keys (the KMS permissions reference and the global keys it lists, with the
 * per-action keys of kms-actions.json), the keys the evaluator derives (request-context.ts), and the other AWS global
 * keys a request may carry (request-context.ts, OTHER_GLOBAL_CONDITION_KEYS). Families (`kms:EncryptionContext:<k>`,
 * `aws:PrincipalTag/<k>`, ...) are known by their prefix. Pure; results are memoised per key text in bounded caches.
 */
import { BoundedCache } from '../../policy/bounded-cache';
import { ALL_KMS_ACTIONS, actionFacts } from '../../policy/catalogue';
import { CONDITION_KEY_FACTS } from '../../policy/catalogue-data';
import { withoutInvisibleCharacters } from '../../policy/characters';
import { ACTION_COUNT } from '../action-profile';
import { DERIVED_CONDITION_KEYS, OTHER_GLOBAL_CONDITION_KEYS } from '../request-context';

/** Exact known keys: lower-cased name -> name as AWS spells it. */
const EXACT = new Map<string, string>();
/** Families: lower-cased prefix -> prefix as AWS spells it (`kms:EncryptionContext:`). */
const FAMILIES = new Map<string, string>();

for (const k of CONDITION_KEY_FACTS) (k.prefix ? FAMILIES : EXACT).set(k.name.toLowerCase(), k.name);
/** Every action's own keys, lower-cased, by catalogue position (the same positions as ActionPattern.covers). */
const ACTION_KEYS: ReadonlyArray<{ readonly exact: ReadonlySet<string>; readonly prefixes: readonly string[] }> = ALL_KMS_ACTIONS.map((action) => {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const key of actionFacts(action)!.conditionKeys) {
    const lower = key.toLowerCase();
    if (key.endsWith(':') || key.endsWith('/')) {
      prefixes.push(lower);
      if (!FAMILIES.has(lower)) FAMILIES.set(lower, key);
    } else {
      exact.add(lower);
      if (!EXACT.has(lower)) EXACT.set(lower, key);
    }
  }
  return { exact, prefixes };
});
for (const k of DERIVED_CONDITION_KEYS) if (!EXACT.has(k)) EXACT.set(k, k);
for (const k of OTHER_GLOBAL_CONDITION_KEYS) if (!EXACT.has(k.toLowerCase())) EXACT.set(k.toLowerCase(), k);

/** aws: keys that exist only for some actions (tag keys); every other aws: key is global. */
const ACTION_SPECIFIC_AWS = new Set<string>();
for (const { exact, prefixes } of ACTION_KEYS) {
  for (const k of exact) if (k.startsWith('aws:')) ACTION_SPECIFIC_AWS.add(k);
  for (const p of prefixes) if (p.startsWith('aws:')) ACTION_SPECIFIC_AWS.add(p);
}

/** The family a lower-cased key belongs to (its prefix), if any. */
function familyOf(lower: string): string | undefined {
  for (const prefix of FAMILIES.keys()) {
    if (lower.length > prefix.length && lower.startsWith(prefix)) return prefix;
  }
  return undefined;
}

/** Whether a condition key (any case) is one the evaluator knows: an exact key or a member of a family. */
export function isKnownConditionKey(key: string): boolean {
  const lower = key.toLowerCase();
  return EXACT.has(lower) || familyOf(lower) !== undefined;
}

/** Whether a key belongs to a service whose keys the evaluator knows completely (`aws:`, `kms:`). */
export function isAwsOrKmsKey(key: string): boolean {
  const prefix = key.slice(0, 4).toLowerCase();
  return prefix === 'aws:' || prefix === 'kms:';
}

/**
 * The known key nearest to an unknown one: the key without its invisible characters when that is known; else the
 * closest exact key by case-insensitive edit distance, within a quarter of its length (at least 1, at most 3); else a
 * family whose prefix is that close to the key's own prefix (`kms:EncryptionContex:app` -> `kms:EncryptionContext:app`).
 * Undefined when nothing is close. Keys longer than any known key plus the allowed distance are not compared.
 */
export function nearestConditionKey(key: string): string | undefined {
  const visible = withoutInvisibleCharacters(key);
  if (visible !== key && visible !== '' && isKnownConditionKey(visible)) return spell(visible);
  const lower = visible.toLowerCase();
  let best: string | undefined;
  let limit = Math.min(3, Math.max(1, Math.floor(lower.length / 4))) + 1;
  // Beyond the longest exact key plus the allowed distance nothing can be close: skip the comparisons.
  if (lower.length < MAX_EXACT_LENGTH + limit) {
    for (const [k, spelled] of EXACT) {
      const d = editDistance(lower, k, limit);
      if (d < limit) {
        best = spelled;
        limit = d;
      }
    }
  }
  if (best !== undefined) return best;
  for (const [prefix, spelled] of FAMILIES) {
    const separator = prefix[prefix.length - 1];
    if (separator !== ':' && separator !== '/') continue;
    const at = lower.indexOf(separator, 4);
    if (at < 0 || at === lower.length - 1) continue;
    const head = lower.slice(0, at + 1);
    const allowed = Math.min(3, Math.max(1, Math.floor(prefix.length / 4))) + 1;
    if (editDistance(head, prefix, allowed) < allowed) return spelled + visible.slice(at + 1);
  }
  return undefined;
}

/** A known key as AWS spells it (families: the prefix as spelled, the member as written). */
function spell(key: string): string {
  const lower = key.toLowerCase();
  const exact = EXACT.get(lower);
  if (exact !== undefined) return exact;
  const family = familyOf(lower);
  return family === undefined ? key : FAMILIES.get(family)! + key.slice(family.length);
}

const MAX_EXACT_LENGTH = Math.max(...[...EXACT.keys()].map((k) => k.length));

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      current[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= limit) return limit;
    const swap = previous;
    previous = current;
    current = swap;
  }
  return Math.min(previous[b.length], limit);
}

/* eslint-disable no-bitwise -- bit sets over the catalogue's actions: one AND per 32 actions instead of a loop per condition. */

/** Bit sets over catalogue positions: word `i >> 5`, bit `i & 31`. */
export const ACTION_WORDS = (ACTION_COUNT + 31) >> 5;

/** Whether position `i` is set in a bit set. */
export function hasBit(bits: Uint32Array, i: number): boolean {
  return (bits[i >> 5] & (1 << (i & 31))) !== 0;
}

/**
 * The actions a condition key exists for, as a bit set over catalogue positions; null for keys every request may
 * carry (the global aws: keys other than the tag keys) and for keys of other services or unknown keys, which draw no
 * applicability warning. Memoised by the key as written.
 */
export function actionsWithKey(key: string): Uint32Array | null {
  let bits = applicability.get(key);
  if (bits === undefined) {
    bits = computeActionsWithKey(key);
    applicability.set(key, bits);
  }
  return bits;
}

const applicability = new BoundedCache<Uint32Array | null>(61);

/**
 * Deprecated condition keys and the keys that replaced them: "The kms:CustomerMasterKeySpec and kms:KeySpec condition
 * keys work the same way. Only the names differ. ... AWS KMS supports both condition keys" (conditions-kms.md; the same
 * for kms:CustomerMasterKeyUsage and kms:KeyUsage). The permissions reference lists only the new names per action.
 */
export const DEPRECATED_KEY_REPLACEMENTS: ReadonlyMap<string, string> = new Map([
  ['kms:customermasterkeyspec', 'kms:keyspec'],
  ['kms:customermasterkeyusage', 'kms:keyusage'],
]);

function computeActionsWithKey(key: string): Uint32Array | null {
  const lower = DEPRECATED_KEY_REPLACEMENTS.get(key.toLowerCase()) ?? key.toLowerCase();
  const family = familyOf(lower);
  const kms = lower.startsWith('kms:');
  if (!kms && !(lower.startsWith('aws:') && (ACTION_SPECIFIC_AWS.has(lower) || (family !== undefined && ACTION_SPECIFIC_AWS.has(family))))) return null;
  if (!EXACT.has(lower) && family === undefined) return null;
  const bits = new Uint32Array(ACTION_WORDS);
  ACTION_KEYS.forEach(({ exact, prefixes }, i) => {
    if (exact.has(lower) || (family !== undefined && prefixes.includes(family))) bits[i >> 5] |= 1 << (i & 31);
  });
  return bits;
}
/* eslint-enable no-bitwise */
