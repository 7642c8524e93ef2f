/**
 * Deterministic synthetic identifiers. The same template must always give the same key ids, role names and endpoint
 * ids (tests and diffs of reports depend on it), so they come from a hash of where the resource is declared, never
 * from randomness or the clock.
 */

/* eslint-disable no-bitwise -- these hashes are defined on 32-bit words: xor, shifts, multiplication modulo 2^32. */
/** FNV-1a, 32 bits, over the UTF-16 code units of `text`. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * FNV-1a followed by MurmurHash3's finalizer. FNV-1a alone barely changes its high bits when only the last character
 * differs (`seed#0`, `seed#1`), so ids built from consecutive hashes would show repeating digits; the finalizer
 * spreads every input bit over the whole word.
 */
export function mixedHash32(text: string): number {
  let h = fnv1a32(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
/* eslint-enable no-bitwise */

/** `length` lower-case hex digits derived from `seed` (hashes of `seed#0`, `seed#1`, ... concatenated). */
export function hexDigits(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += mixedHash32(`${seed}#${i}`).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

/** A UUID-shaped id (8-4-4-4-12 hex digits), as KMS key ids are. */
export function uuidLike(seed: string): string {
  const h = hexDigits(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The name CloudFormation generates for a resource without an explicit name: `<stack>-<logicalId>-<SUFFIX>`, cut to
 * the service's maximum length by shortening the stack and logical id parts, as CloudFormation does.
 */
export function generatedName(seed: string, stackName: string, logicalId: string, maxLength: number, lowerCase = false): string {
  const suffix = hexDigits(seed, 12).toUpperCase();
  const base = `${stackName}-${logicalId}`.slice(0, Math.max(1, maxLength - suffix.length - 1));
  const name = `${base}-${suffix}`;
  return lowerCase ? name.toLowerCase() : name;
}
