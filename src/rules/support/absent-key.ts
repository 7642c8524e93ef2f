/**
 * What a condition does when its key is absent from the request: the evaluator's semantics (compile-condition.ts),
 * from the IAM User Guide's condition-operator and multi-value pages. A key that no request for the statement's
 * actions carries is absent from every request, so the condition's outcome is then fixed: a positive operator never
 * matches; a negated operator, `...IfExists`, `ForAllValues:` and `Null: true` always do. Pure.
 */
import { listOf } from './statements';
import { parseOperatorName } from '../../evaluator/conditions/operator-name';

/**
 * true when the condition always holds on an absent key, false when it never does; undefined for an operator name the
 * evaluator does not know (the policy reader reports it as an error of its own).
 */
export function holdsWhenAbsent(operator: string, values: unknown): boolean | undefined {
  const parsed = parseOperatorName(operator);
  if (!('definition' in parsed)) return undefined;
  if (parsed.definition.kind === 'existence') {
    // Null: "true" matches an absent key, "false" a present one (several values: any of them may match).
    return listOf(values).some((v) => String(v).toLowerCase() === 'true');
  }
  if (parsed.ifExists) return true;
  // "For no matching key or a null dataset", ForAllValues is true and ForAnyValue false (multi-value-conditions).
  if (parsed.setOperator === 'ForAllValues') return true;
  if (parsed.setOperator === 'ForAnyValue') return false;
  return parsed.definition.negated;
}
