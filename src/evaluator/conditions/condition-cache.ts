/**
 * Compiled conditions by operator, key and values: the same conditions recur across policies (`aws:PrincipalOrgID`,
 * `kms:CallerAccount`, `aws:PrincipalIsAWSService`, ...). A compiled condition is immutable and does not depend on the
 * policy that holds it, so one compiled condition can serve them all. The compile options are part of the key: they
 * change how values compile.
 *
 * Bounded and set-associative like BoundedCache (policy/bounded-cache.ts, which says why), but keyed by the parts
 * themselves: building one key string per condition would cost about as much as a hit saves.
 */
import { CompiledCondition } from './compiled-condition';
import { firstSlot, textHash } from '../../policy/bounded-cache';
import { PolicyKind } from '../../policy/policy-kind';

interface Options {
  readonly variables: boolean;
  readonly policyKind: PolicyKind;
}

interface Entry {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
  readonly variables: boolean;
  readonly policyKind: PolicyKind;
  readonly condition: CompiledCondition;
}

/** A condition's values: one value may be given as a plain string, which then needs no array. */
type Values = string | readonly string[];

/** Two-way set-associative, like BoundedCache: a condition hashes to a pair of slots (`first`, `first + 1`). */
const PAIRS = 127;
const slots: Array<Entry | undefined> = new Array<Entry | undefined>(2 * PAIRS).fill(undefined);

function firstSlotOf(operator: string, key: string, values: Values): number {
  // Operators differ in length more often than not; a hit compares them anyway.
  let h = Math.imul(operator.length, 31) + textHash(key);
  if (typeof values === 'string') {
    h = Math.imul(h, 31) + textHash(values);
  } else {
    for (let i = 0; i < values.length; i++) h = Math.imul(h, 31) + textHash(values[i]);
  }
  return firstSlot(h, PAIRS);
}

function matches(e: Entry | undefined, operator: string, key: string, values: Values, options: Options): e is Entry {
  if (e === undefined || e.operator !== operator || e.key !== key) return false;
  if (e.variables !== options.variables || e.policyKind !== options.policyKind) return false;
  if (typeof values === 'string') return e.values.length === 1 && e.values[0] === values;
  if (e.values.length !== values.length) return false;
  for (let i = 0; i < values.length; i++) {
    if (e.values[i] !== values[i]) return false;
  }
  return true;
}

/** The condition compiled earlier from the same operator, key, values and options, if it is still cached. */
export function cachedCondition(operator: string, key: string, values: Values, options: Options): CompiledCondition | undefined {
  const first = firstSlotOf(operator, key, values);
  const a = slots[first];
  if (matches(a, operator, key, values, options)) return a.condition;
  const b = slots[first + 1];
  return matches(b, operator, key, values, options) ? b.condition : undefined;
}

/** Remembers a condition that compiled without any issue (the issues of the others name where they were found). */
export function cacheCondition(operator: string, key: string, values: readonly string[], options: Options, condition: CompiledCondition): void {
  const first = firstSlotOf(operator, key, values);
  slots[first + 1] = slots[first];
  slots[first] = { operator, key, values, variables: options.variables, policyKind: options.policyKind, condition };
}
