/**
 * The Null condition operator (reference_policies_elements_condition_operators.md, "Condition operator to check
 * existence of condition keys"): `true` means the key is absent ("the key doesn't exist — it is null"), `false` that
 * it is present. It never looks at the value, takes no IfExists suffix and no policy variables.
 *
 * Values are read like Bool values (any case; JSON booleans arrive stringified). Several values OR together, so
 * `["true", "false"]` holds for every request.
 * [choice] A multi-valued key whose request value is an empty list counts as absent (null): the multi-value page
 * calls an empty list "a null data set" (reference_policies_multi-value-conditions.md).
 */
import { parseBool } from './bool';
import { ExistenceOperator, NullExpectation, PolicyValue, RejectValue } from './types';

function compileNull(values: readonly PolicyValue[], reject: RejectValue): NullExpectation {
  let matchAbsent = false;
  let matchPresent = false;
  values.forEach((v, i) => {
    const b = typeof v === 'string' ? parseBool(v) : -1;
    if (b < 0) reject(i, '`true` (the key is absent) or `false` (the key is present)');
    else if (b === 1) matchAbsent = true;
    else matchPresent = true;
  });
  return { matchAbsent, matchPresent };
}

export const NULL_OPERATOR: ExistenceOperator = { kind: 'existence', name: 'Null', acceptsVariables: false, compile: compileNull };
