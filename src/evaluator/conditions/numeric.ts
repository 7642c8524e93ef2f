/**
 * Numeric condition operators (reference_policies_elements_condition_operators.md, "Numeric condition operators"):
 * compare "a key to an integer or decimal value". Policy variables are not allowed ("You can not use a policy
 * variable with the Numeric condition operator").
 *
 * Policy values are parsed once at compile time. A request value that is not a number matches no policy value, so
 * the positive operators are false and NumericNotEquals is true for it (the negated operator is the exact
 * complement of NumericEquals, as the page's "Negated matching" describes).
 * Numbers compare as IEEE doubles: integers beyond 2^53 lose precision (no KMS numeric key comes near that).
 */
import { ComparisonOperator, compileComparison } from './comparison';
import { PolicyValue, RejectValue, ValueMatcher, ValueOperator } from './types';

const EXPECTED = 'an integer or decimal number such as `10`, `-3` or `2.5`';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Index just past the run of digits starting at `i`. */
function skipDigits(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Parses `[+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?` without allocating; NaN for anything else
 * (whitespace, hex, `Infinity`, empty text). The exponent form is accepted because a JSON number in a policy may
 * stringify to it (`1e+21`).
 */
export function parseNumber(s: string): number {
  let i = 0;
  const n = s.length;
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++; // + -
  const intEnd = skipDigits(s, i);
  let digits = intEnd - i;
  i = intEnd;
  if (i < n && s.charCodeAt(i) === 46) { // .
    const fracEnd = skipDigits(s, i + 1);
    digits += fracEnd - i - 1;
    i = fracEnd;
  }
  if (digits === 0) return NaN;
  if (i < n && (s.charCodeAt(i) === 101 || s.charCodeAt(i) === 69)) { // e E
    i++;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    const expEnd = skipDigits(s, i);
    if (expEnd === i) return NaN;
    i = expEnd;
  }
  return i === n ? Number(s) : NaN;
}

function compileNumeric(operator: ComparisonOperator) {
  return (values: readonly PolicyValue[], reject: RejectValue): ValueMatcher => {
    const numbers: number[] = [];
    values.forEach((v, i) => {
      const n = typeof v === 'string' ? parseNumber(v) : NaN;
      if (Number.isNaN(n)) reject(i, EXPECTED);
      else numbers.push(n);
    });
    return compileComparison(operator, numbers, parseNumber);
  };
}

function numericOperator(name: string, negated: boolean, operator: ComparisonOperator): ValueOperator {
  // kms:ValidTo is typed Date, yet conditions-kms.md compares it with NumericLessThanEquals: accept Date keys too.
  return { kind: 'value', name, negated, acceptsVariables: false, keyTypes: ['Numeric', 'Date'], compile: compileNumeric(operator) };
}

export const NUMERIC_OPERATORS: readonly ValueOperator[] = [
  numericOperator('NumericEquals', false, 'eq'),
  numericOperator('NumericNotEquals', true, 'eq'),
  numericOperator('NumericLessThan', false, 'lt'),
  numericOperator('NumericLessThanEquals', false, 'le'),
  numericOperator('NumericGreaterThan', false, 'gt'),
  numericOperator('NumericGreaterThanEquals', false, 'ge'),
];
