/**
 * The BinaryEquals condition operator (reference_policies_elements_condition_operators.md, "Binary condition
 * operators"): "compares the value of the specified key byte for byte against a base-64 encoded representation of
 * the binary value in the policy". Policy variables are not allowed.
 *
 * [choice] The request context holds strings, so a binary request value is given as base-64 text too; both sides are
 * decoded and compared byte for byte (so `QQ==` and `QQ` are the same bytes). A request value that is not base-64
 * matches nothing.
 */
import { PolicyValue, RejectValue, ValueMatcher, ValueOperator } from './types';

const EXPECTED = 'base-64 text (characters `A-Z a-z 0-9 + /`, optionally padded with `=`), e.g. `QmluYXJ5VmFsdWVJbkJhc2U2NA==`';

function sextet(c: number): number {
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 97 && c <= 122) return c - 71; // a-z
  if (c >= 48 && c <= 57) return c + 4; // 0-9
  if (c === 43) return 62; // +
  if (c === 47) return 63; // /
  return -1;
}

/**
 * Decodes standard base-64 (RFC 4648 section 4; padding optional, no whitespace) into a string of byte values
 * (each char code 0-255), or undefined when the text is not base-64. Written out because src/evaluator runs in any JS
 * runtime, without Node's Buffer.
 */
export function decodeBase64(text: string): string | undefined {
  let end = text.length;
  if (end % 4 === 0 && text.endsWith('==')) end -= 2;
  else if (end % 4 === 0 && text.endsWith('=')) end -= 1;
  if (end % 4 === 1) return undefined;
  let out = '';
  let bits = 0;
  let bitCount = 0;
  for (let i = 0; i < end; i++) {
    const v = sextet(text.charCodeAt(i));
    if (v < 0) return undefined;
    bits = bits * 64 + v;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      const divisor = 2 ** bitCount;
      out += String.fromCharCode(Math.floor(bits / divisor));
      bits %= divisor;
    }
  }
  return out;
}

class BinaryMatcher implements ValueMatcher {
  public constructor(private readonly texts: readonly string[], private readonly bytes: readonly string[]) {}

  public anyMatch(s: string): boolean {
    // Fast path: the request carries the same base-64 text as the policy.
    if (this.texts.includes(s)) return true;
    const decoded = decodeBase64(s);
    return decoded !== undefined && this.bytes.includes(decoded);
  }
}

function compileBinary(values: readonly PolicyValue[], reject: RejectValue): ValueMatcher {
  const texts: string[] = [];
  const bytes: string[] = [];
  values.forEach((v, i) => {
    const decoded = typeof v === 'string' ? decodeBase64(v) : undefined;
    if (typeof v === 'string' && decoded !== undefined) {
      texts.push(v);
      bytes.push(decoded);
    } else {
      reject(i, EXPECTED);
    }
  });
  return new BinaryMatcher(texts, bytes);
}

export const BINARY_OPERATORS: readonly ValueOperator[] = [
  { kind: 'value', name: 'BinaryEquals', negated: false, acceptsVariables: false, keyTypes: ['Binary'], compile: compileBinary },
];
