/**
 * String condition operators (reference_policies_elements_condition_operators.md, "String condition operators"):
 * StringEquals / StringNotEquals (case-sensitive), StringEqualsIgnoreCase / StringNotEqualsIgnoreCase, and StringLike /
 * StringNotLike (case-sensitive, `*` and `?` wildcards anywhere). All accept policy variables
 * (reference_policies_variables.md, "Condition element").
 */
import { MAX_STRING_LENGTH } from '../../policy/issues';
import { StringMatcher, hasWildcard, wildcardMatcher, withoutLiteralMarkers } from '../../policy/wildcard';
import { ConditionContext } from '../context';
import { TemplateString } from '../variables';
import { splitValues } from './policy-values';
import { KeyType, PolicyValue, RejectValue, ValueMatcher, ValueOperator } from './types';

/** Above this many fixed values a Set beats a linear scan. */
const SET_THRESHOLD = 8;

/** Exact comparison with fixed values. */
class FixedEquals implements ValueMatcher {
  private readonly set: ReadonlySet<string> | undefined;

  public constructor(private readonly values: readonly string[]) {
    this.set = values.length > SET_THRESHOLD ? new Set(values) : undefined;
  }

  public anyMatch(s: string): boolean {
    if (this.set !== undefined) return this.set.has(s);
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === s) return true;
    }
    return false;
  }
}

/** Exact comparison when some values hold policy variables; an unrendered value matches nothing. */
class VariableEquals implements ValueMatcher {
  public constructor(
    private readonly fixed: FixedEquals,
    private readonly templates: readonly TemplateString[],
    private readonly ignoreCase: boolean,
  ) {}

  public anyMatch(s: string, ctx: ConditionContext): boolean {
    const subject = this.ignoreCase ? s.toLowerCase() : s;
    if (this.fixed.anyMatch(subject)) return true;
    for (let i = 0; i < this.templates.length; i++) {
      const rendered = this.templates[i].render(ctx, false);
      if (rendered !== undefined && (this.ignoreCase ? rendered.toLowerCase() : rendered) === subject) return true;
    }
    return false;
  }
}

/** Case-insensitive comparison with fixed values, lower-cased at compile time. */
class FixedEqualsIgnoreCase implements ValueMatcher {
  public constructor(private readonly inner: FixedEquals) {}

  public anyMatch(s: string): boolean {
    return this.inner.anyMatch(s.toLowerCase());
  }
}

/**
 * Wildcard matching with fixed patterns (wildcard.ts: linear in pattern x value, no regular expression). The matchers
 * are looked up on the first test, not at compile time: a pattern needs no validation, and many conditions are never
 * tested (their statement does not apply to the caller).
 */
class FixedLike implements ValueMatcher {
  private matchers: readonly StringMatcher[] | undefined;

  public constructor(private readonly patterns: readonly string[]) {}

  public anyMatch(s: string): boolean {
    const matchers = this.matchers ??= this.patterns.map((p) => wildcardMatcher(p));
    for (let i = 0; i < matchers.length; i++) {
      if (matchers[i](s)) return true;
    }
    return false;
  }
}

/** Wildcard matching when some patterns hold policy variables (matchers are cached by rendered pattern). */
class VariableLike implements ValueMatcher {
  public constructor(private readonly fixed: ValueMatcher, private readonly templates: readonly TemplateString[]) {}

  public anyMatch(s: string, ctx: ConditionContext): boolean {
    if (this.fixed.anyMatch(s, ctx)) return true;
    for (let i = 0; i < this.templates.length; i++) {
      const rendered = this.templates[i].render(ctx, true);
      if (rendered !== undefined && wildcardMatcher(rendered)(s)) return true;
    }
    return false;
  }
}

function compileEquals(values: readonly PolicyValue[], ignoreCase: boolean): ValueMatcher {
  const { fixed, dynamic } = splitValues(values, false);
  const exact = new FixedEquals(ignoreCase ? fixed.map((v) => v.toLowerCase()) : fixed);
  if (dynamic.length > 0) return new VariableEquals(exact, dynamic, ignoreCase);
  return ignoreCase ? new FixedEqualsIgnoreCase(exact) : exact;
}

/**
 * Refuses patterns longer than MAX_STRING_LENGTH (policy/issues.ts): no policy KMS accepts holds one (a key policy is
 * at most 32 KB), and matching time grows with pattern length x value length. Checked here, on the compile path only,
 * rather than for every condition value as policies are read: compiled conditions are cached.
 */
export function rejectLongPatterns(values: readonly PolicyValue[], reject: RejectValue): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const length = typeof v === 'string' ? v.length : v.raw.length;
    if (length > MAX_STRING_LENGTH) {
      reject(i, `a pattern of at most ${MAX_STRING_LENGTH.toLocaleString('en-US')} characters, not ${length.toLocaleString('en-US')} ` +
        '(AWS KMS accepts no key policy longer than 32 KB, resource-limits.md): shorten it');
    }
  }
}

function compileLike(values: readonly PolicyValue[], reject: RejectValue): ValueMatcher {
  rejectLongPatterns(values, reject);
  const { fixed, dynamic } = splitValues(values, true);
  // Patterns without wildcards compare exactly (a `${*}` in them is a literal `*`).
  const fixedMatcher: ValueMatcher = fixed.some(hasWildcard)
    ? new FixedLike(fixed)
    : new FixedEquals(fixed.map(withoutLiteralMarkers));
  return dynamic.length > 0 ? new VariableLike(fixedMatcher, dynamic) : fixedMatcher;
}

/** String operators suit String keys and ARN keys (an ARN "is considered a string", condition operators page). */
const STRING_KEYS: readonly KeyType[] = ['String', 'ARN'];

function stringOperator(name: string, negated: boolean, compile: ValueOperator['compile']): ValueOperator {
  return { kind: 'value', name, negated, acceptsVariables: true, keyTypes: STRING_KEYS, compile };
}

export const STRING_OPERATORS: readonly ValueOperator[] = [
  stringOperator('StringEquals', false, (values) => compileEquals(values, false)),
  stringOperator('StringNotEquals', true, (values) => compileEquals(values, false)),
  stringOperator('StringEqualsIgnoreCase', false, (values) => compileEquals(values, true)),
  stringOperator('StringNotEqualsIgnoreCase', true, (values) => compileEquals(values, true)),
  stringOperator('StringLike', false, compileLike),
  stringOperator('StringNotLike', true, compileLike),
];
