/**
 * Contradictory conditions in one declared grant: two blocks constraining the same operator and key with different
 * values (IAM would OR the values, widening what either block meant). The merge itself is builders/policy-json.ts's
 * `mergeConditions`, the only one; this gives constructs and rules the same conflict text. Pure.
 */
import { ConditionJson, mergeConditions } from '../../builders/policy-json';

/** The conflict of merging these blocks, or undefined. */
export function conditionConflict(...blocks: Array<ConditionJson | undefined>): string | undefined {
  return mergeConditions(...blocks).conflict;
}

/** The merged blocks; throws `${path}: contradictory conditions...` on a conflict (`show` makes values readable). */
export function mergeConditionsAt(
  path: string, what: string, blocks: ReadonlyArray<ConditionJson | undefined>, show: (text: string) => string = (t) => t,
): ConditionJson | undefined {
  const { merged, conflict } = mergeConditions(...blocks);
  if (conflict) throw new Error(`${path}: ${what}: ${show(conflict)}`);
  return merged;
}
