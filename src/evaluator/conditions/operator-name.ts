/**
 * Parses a condition operator as written in a policy: an optional set operator prefix (`ForAnyValue:`,
 * `ForAllValues:`, reference_policies_multi-value-conditions.md), a base operator, and an optional `IfExists` suffix
 * (reference_policies_elements_condition_operators.md, "...IfExists condition operators": any operator "except the
 * Null condition").
 *
 * [choice] Operator names are matched exactly, case included: the IAM docs spell every operator one way and never
 * say they are case-insensitive. A name that differs only in case is reported as unknown, with the right spelling
 * suggested.
 */
import { OPERATORS } from './registry';
import { OperatorDefinition } from './types';

export type SetOperator = 'ForAnyValue' | 'ForAllValues';

export interface ParsedOperatorName {
  readonly definition: OperatorDefinition;
  readonly setOperator?: SetOperator;
  readonly ifExists: boolean;
}

export interface OperatorNameProblem {
  /** Lower-case description of what is wrong. */
  readonly problem: string;
  /** The closest valid operator name, when one is close enough to be a plausible typo. */
  readonly suggestion?: string;
}

const SET_OPERATORS: readonly SetOperator[] = ['ForAnyValue', 'ForAllValues'];

/**
 * The set-operator prefix of an operator as written, any case: `ForAnyValue:` (singular) or `ForAllValues:` (plural),
 * reference_policies_multi-value-conditions.md. For the readers that only strip it (the analysis, the lint rules);
 * parseOperatorName decides whether the name is valid.
 */
export const SET_OPERATOR_PREFIX = /^(ForAnyValue|ForAllValues):/i;
const IF_EXISTS = 'IfExists';

/**
 * Every valid spelling, parsed: there are only a few hundred, so a look-up replaces the prefix and suffix surgery for
 * each condition of each policy. Only invalid names take the slow path, for their error message.
 */
const VALID_SPELLINGS: ReadonlyMap<string, ParsedOperatorName> = (() => {
  const table = new Map<string, ParsedOperatorName>();
  for (const [base, definition] of OPERATORS) {
    for (const setOperator of [undefined, ...SET_OPERATORS]) {
      const prefix = setOperator === undefined ? '' : `${setOperator}:`;
      table.set(`${prefix}${base}`, Object.freeze({ definition, setOperator, ifExists: false }));
      if (definition.kind !== 'existence') table.set(`${prefix}${base}${IF_EXISTS}`, Object.freeze({ definition, setOperator, ifExists: true }));
    }
  }
  return table;
})();

export function parseOperatorName(written: string): ParsedOperatorName | OperatorNameProblem {
  return VALID_SPELLINGS.get(written) ?? describeInvalidName(written);
}

/** Why `written` is not an operator name, with the closest valid spelling. */
function describeInvalidName(written: string): OperatorNameProblem {
  let rest = written;
  let setOperator: SetOperator | undefined;
  for (const s of SET_OPERATORS) {
    if (rest.startsWith(`${s}:`)) {
      setOperator = s;
      rest = rest.slice(s.length + 1);
      break;
    }
  }
  let definition = OPERATORS.get(rest);
  let ifExists = false;
  if (definition === undefined && rest.endsWith(IF_EXISTS)) {
    definition = OPERATORS.get(rest.slice(0, -IF_EXISTS.length));
    ifExists = definition !== undefined;
  }
  if (definition !== undefined && ifExists && definition.kind === 'existence') {
    return {
      problem: `${JSON.stringify(written)} is not a condition operator: \`IfExists\` can be added to every operator except \`Null\`, which already tests whether the key exists`,
      suggestion: setOperator === undefined ? 'Null' : `${setOperator}:Null`,
    };
  }
  return { problem: `unknown condition operator ${JSON.stringify(written)}`, suggestion: closestOperatorName(written) };
}

let allNames: readonly string[] | undefined;

/** Every valid operator spelling, built on first use (only error paths need it). */
function validNames(): readonly string[] {
  if (allNames === undefined) {
    const names: string[] = [];
    for (const [base, definition] of OPERATORS) {
      for (const prefix of ['', 'ForAnyValue:', 'ForAllValues:']) {
        names.push(`${prefix}${base}`);
        if (definition.kind !== 'existence') names.push(`${prefix}${base}${IF_EXISTS}`);
      }
    }
    allNames = names;
  }
  return allNames;
}

/**
 * The valid name nearest to `written`: the closest by case-insensitive edit distance when within a quarter of its
 * length (typos, wrong case, `ForAnyValues:`), else the longest valid name it starts with (`Boolean` -> `Bool`).
 */
export function closestOperatorName(written: string): string | undefined {
  const target = written.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(target.length / 4)) + 1;
  for (const name of validNames()) {
    const d = editDistance(target, name.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  for (const name of validNames()) {
    if (target.startsWith(name.toLowerCase()) && (best === undefined || name.length > best.length)) best = name;
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length], limit);
}
