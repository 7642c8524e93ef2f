/**
 * Characters that policies and ARNs must not hold, or that a reader cannot see: the character set of key policies
 * (key-policy-overview.md, "Key policy format"; the ranges are data in limits.ts), invisible characters (zero-width,
 * bidirectional controls, other format and control characters), and lone surrogates, which have no UTF-8 form so no
 * AWS API can receive them. Pure; every scan is one pass over the text.
 */
import { KEY_POLICY_CHARACTER_RANGES } from './limits';

/** How many characters of a value an issue echoes at most: enough to find it, never the whole value. */
export const ECHO_MAX_CHARS = 40;

/** Whether code point `c` is one a key policy may hold. */
export function isKeyPolicyCharacter(c: number): boolean {
  for (const [from, to] of KEY_POLICY_CHARACTER_RANGES) {
    if (c >= from && c <= to) return true;
  }
  return false;
}

/**
 * Invisible characters: C0 and C1 controls other than tab, line feed and carriage return, DEL, the soft hyphen, and
 * the Unicode format characters that render as nothing or reorder text (zero-width space, joiners, marks, bidi
 * embeddings and isolates, word joiner and invisible operators, Mongolian vowel separator, variation selectors,
 * byte-order mark, interlinear annotation, tag characters).
 */
export function isInvisibleCharacter(c: number): boolean {
  if (c < 0x20) return c !== 0x09 && c !== 0x0a && c !== 0x0d;
  if (c < 0x7f) return false;
  if (c <= 0x9f) return true; // DEL and the C1 controls
  if (c < 0x00ad) return false;
  return c === 0x00ad || c === 0x034f || c === 0x061c || c === 0x115f || c === 0x1160 || c === 0x17b4 || c === 0x17b5
    || (c >= 0x180b && c <= 0x180f) || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e)
    || (c >= 0x2060 && c <= 0x206f) || c === 0x3164 || (c >= 0xfe00 && c <= 0xfe0f) || c === 0xfeff
    || (c >= 0xfff9 && c <= 0xfffb) || (c >= 0xe0000 && c <= 0xe0fff);
}

/** Whether every character is printable ASCII (U+0020-U+007E), which no check here objects to. */
export function isPrintableAscii(text: string): boolean {
  // The regular expression engine scans a character class natively: faster than a loop of charCodeAt, and than
  // remembering texts in a bounded cache (hashing the text costs about what scanning it does).
  return !NOT_PRINTABLE_ASCII.test(text);
}

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/** What is wrong at one position of a text. */
export interface CharacterProblem {
  /** UTF-16 index of the character. */
  readonly index: number;
  /** The code point, or the lone surrogate's code unit. */
  readonly codePoint: number;
  readonly loneSurrogate: boolean;
}

/**
 * The first character of `text` that is invisible or a lone surrogate; with `keyPolicy`, also any character outside
 * the key-policy character set. Undefined when there is none. Printable ASCII, the common case, is one comparison per
 * character.
 */
export function firstBadCharacter(text: string, keyPolicy: boolean): CharacterProblem | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x7f) continue;
    let c = unit;
    let lone = false;
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = (unit - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
      } else {
        lone = true;
      }
    }
    if (lone || isInvisibleCharacter(c) || (keyPolicy && !isKeyPolicyCharacter(c))) return { index: i, codePoint: c, loneSurrogate: lone };
    if (c > 0xffff) i++;
  }
  return undefined;
}

const NAMES: Readonly<Record<number, string>> = {
  0x00: 'NUL',
  0x7f: 'DEL',
  0xad: 'soft hyphen',
  0x200b: 'zero-width space',
  0x200c: 'zero-width non-joiner',
  0x200d: 'zero-width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2060: 'word joiner',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0xfeff: 'zero-width no-break space (byte-order mark)',
};

/** `U+200B (zero-width space)`, `a lone surrogate U+D800 (not valid UTF-16, so it has no UTF-8 form)`. */
export function describeCharacter(p: CharacterProblem): string {
  const hex = `U+${p.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  if (p.loneSurrogate) return `a lone surrogate ${hex} (not valid Unicode, so it has no UTF-8 form)`;
  const name = NAMES[p.codePoint] ?? (p.codePoint < 0x20 || (p.codePoint >= 0x80 && p.codePoint <= 0x9f) ? 'a control character' : undefined);
  return name === undefined ? hex : `${hex} (${name})`;
}

/**
 * The text up to and including the character at `index`, at most ECHO_MAX_CHARS characters (the last ones, ending at
 * the character), with every character outside printable ASCII written as `\uXXXX`: what an issue may echo.
 */
export function echoUpTo(text: string, index: number): string {
  const c = text.charCodeAt(index);
  const next = text.charCodeAt(index + 1);
  // A surrogate pair is shown whole.
  const end = c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? index + 2 : index + 1;
  const start = Math.max(0, end - ECHO_MAX_CHARS);
  return `${start > 0 ? '...' : ''}${escapeText(text.slice(start, end))}`;
}

/** Printable ASCII as it is; every other UTF-16 unit as `\uXXXX`. For field paths and echoes. */
export function escapeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c >= 0x20 && c < 0x7f ? text[i] : `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** The text without invisible characters and lone surrogates (for suggesting what was probably meant). One pass. */
export function withoutInvisibleCharacters(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x7f) continue;
    let width = 1;
    let drop = false;
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        width = 2;
        drop = isInvisibleCharacter((unit - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000);
      } else {
        drop = true;
      }
    } else {
      drop = isInvisibleCharacter(unit);
    }
    if (drop) {
      out += text.slice(from, i);
      from = i + width;
    }
    i += width - 1;
  }
  return out + text.slice(from);
}
