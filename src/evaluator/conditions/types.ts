/**
 * The shapes every condition-operator family shares. A family file (string.ts, numeric.ts, ...) exports a list of
 * small {@link OperatorDefinition} objects; registry.ts collects them; compile-condition.ts turns a policy's Condition
 * element into tests with them.
 */
import { ConditionContext } from '../context';
import { TemplateString } from '../variables';

/** A policy value: plain text, or a template holding policy variables (only for operators that accept variables). */
export type PolicyValue = string | TemplateString;

/**
 * Tests ONE request value against ALL the policy values of a condition: true when any policy value matches
 * (several values for one key OR together, reference_policies_multi-value-conditions.md). Negation, set operators,
 * IfExists and absent keys are handled once, by the condition (compiled-condition.ts), not by each family.
 *
 * Built once at compile time; `anyMatch` must not allocate on the common path (policy values without variables).
 */
export interface ValueMatcher {
  anyMatch(requestValue: string, ctx: ConditionContext): boolean;
}

/** Reports that the policy value at `index` does not parse; `expected` describes the accepted format. */
export type RejectValue = (index: number, expected: string) => void;

/** Reports a compile-time warning about the policy value at `index` (code, lower-case message). */
export type WarnValue = (index: number, code: string, message: string) => void;

/** Condition-key types from the catalogue (catalogue-types.ts, `ConditionKeyFacts.type`). */
export type KeyType = 'String' | 'ARN' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress';

interface OperatorBase {
  /** The operator name without set operator or IfExists, exactly as IAM spells it, e.g. `StringNotLike`. */
  readonly name: string;
  /**
   * Policy variables are substituted in this operator's values (reference_policies_variables.md, "Condition element",
   * and reference_policies_elements_condition_operators.md for each family).
   */
  readonly acceptsVariables: boolean;
  /**
   * The catalogue key types the operator is meant for; another known type draws a `condition-type-mismatch`
   * warning. Undefined: any type.
   */
  readonly keyTypes?: readonly KeyType[];
}

/** An operator that compares request values with policy values (every operator except Null). */
export interface ValueOperator extends OperatorBase {
  readonly kind: 'value';
  /**
   * A negated operator (StringNotEquals, NotIpAddress, ...): true when the request value matches NONE of the policy
   * values; its `compile` builds the matcher of the positive counterpart.
   */
  readonly negated: boolean;
  /**
   * Builds the matcher. Values that do not parse are reported through `reject`; the caller then drops the whole
   * condition, so the returned matcher may ignore them.
   */
  compile(values: readonly PolicyValue[], reject: RejectValue, warn: WarnValue): ValueMatcher;
}

/** What a Null condition accepts: an absent key (`"true"`), a present key (`"false"`), or both. */
export interface NullExpectation {
  readonly matchAbsent: boolean;
  readonly matchPresent: boolean;
}

/** The Null operator: tests whether the key is present, never its value. */
export interface ExistenceOperator extends OperatorBase {
  readonly kind: 'existence';
  compile(values: readonly PolicyValue[], reject: RejectValue): NullExpectation;
}

export type OperatorDefinition = ValueOperator | ExistenceOperator;
