/**
 * Splits a condition's policy values into those fixed at compile time and those that hold policy variables, so
 * families can pre-compile the fixed ones and render only the others per request.
 */
import { ConditionContext } from '../context';
import { TemplateString } from '../variables';
import { PolicyValue } from './types';

/** A context with no keys, to render templates that hold only `${*}`, `${?}` or `${$}`. */
const NO_KEYS: ConditionContext = { get: () => undefined };

export interface SplitValues {
  /** Values fixed at compile time, in policy order (templates without variables already rendered). */
  readonly fixed: readonly string[];
  /** Values whose rendering depends on the request. */
  readonly dynamic: readonly TemplateString[];
}

/**
 * @param forPattern render `${*}`/`${?}` as the literal markers of wildcard.ts (for StringLike/ArnLike) rather than
 *   as plain characters.
 */
export function splitValues(values: readonly PolicyValue[], forPattern: boolean): SplitValues {
  const fixed: string[] = [];
  const dynamic: TemplateString[] = [];
  for (const v of values) {
    if (typeof v === 'string') {
      fixed.push(v);
    } else if (v.variableKeys.length === 0) {
      // Only special characters: renders the same for every request (never undefined: it reads no key).
      fixed.push(v.render(NO_KEYS, forPattern) ?? v.raw);
    } else {
      dynamic.push(v);
    }
  }
  return { fixed, dynamic };
}

