/**
 * The run-time form of one condition (one operator, one key, its values): what the engine tests per request.
 *
 * Semantics (reference_policies_elements_condition_operators.md and reference_policies_multi-value-conditions.md):
 * - Absent key: positive operators are false, negated operators true ("Important" box of the operators page);
 *   `...IfExists` is true; `ForAllValues:` is true and `ForAnyValue:` false ("For no matching key or a null dataset,
 *   the condition returns false").
 * - One request value: true when it matches any policy value (values OR together); for a negated operator, when it
 *   matches none (the "logical AND" note of the multi-value page). A set operator on a single-valued key sees a
 *   one-element set, which gives the same result.
 * - A list of request values: `ForAnyValue:` needs one element that passes, `ForAllValues:` every element. With a
 *   negated operator an element passes when it matches no policy value, so `ForAllValues:StringNotEquals` means
 *   "no request value is listed" and `ForAnyValue:StringNotEquals` "some request value is not listed".
 *   [choice] Without a set operator the pages say only that multi-valued keys "require" one. Conservatively, a
 *   positive operator is then true when ANY request value matches, a negated operator only when NO request value
 *   matches (compile-condition.ts warns `missing-set-operator`).
 *   [choice] An empty list is "a null data set" (multi-value page) and behaves exactly like an absent key, for
 *   IfExists too.
 */
import { ConditionContext, ConditionKey } from '../context';
import { ValueMatcher } from './types';

export interface CompiledCondition {
  /** As written in the policy, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** As written, e.g. `kms:EncryptionContext:Department`. */
  readonly key: string;
  /** As written, stringified. */
  readonly values: readonly string[];
  /** The one-line description explanations quote; made on first use by describeCondition (a pure memo: cached conditions are shared). */
  description?: string;
  test(ctx: ConditionContext): boolean;
}

/** Every operator except Null. */
export class ValueCondition implements CompiledCondition {
  public description: string | undefined = undefined;

  public constructor(
    public readonly operator: string,
    public readonly key: string,
    public readonly values: readonly string[],
    private readonly contextKey: ConditionKey,
    private readonly matcher: ValueMatcher,
    private readonly negated: boolean,
    /** For a list of request values: every element must pass (ForAllValues, or a negated operator without set operator). */
    private readonly requireAll: boolean,
    /** The result for an absent key or an empty list. */
    private readonly whenAbsent: boolean,
  ) {}

  public test(ctx: ConditionContext): boolean {
    const v = ctx.get(this.contextKey);
    if (v === undefined) return this.whenAbsent;
    if (typeof v === 'string') return this.matcher.anyMatch(v, ctx) !== this.negated;
    if (v.length === 0) return this.whenAbsent;
    // An element passes when its match result differs from `negated`.
    if (this.requireAll) {
      for (let i = 0; i < v.length; i++) {
        if (this.matcher.anyMatch(v[i], ctx) === this.negated) return false;
      }
      return true;
    }
    for (let i = 0; i < v.length; i++) {
      if (this.matcher.anyMatch(v[i], ctx) !== this.negated) return true;
    }
    return false;
  }
}

/** The Null operator: tests only whether the key is present (an empty list counts as absent). */
export class NullCondition implements CompiledCondition {
  public description: string | undefined = undefined;

  public constructor(
    public readonly operator: string,
    public readonly key: string,
    public readonly values: readonly string[],
    private readonly contextKey: ConditionKey,
    private readonly matchAbsent: boolean,
    private readonly matchPresent: boolean,
  ) {}

  public test(ctx: ConditionContext): boolean {
    const v = ctx.get(this.contextKey);
    const absent = v === undefined || (typeof v !== 'string' && v.length === 0);
    return absent ? this.matchAbsent : this.matchPresent;
  }
}
