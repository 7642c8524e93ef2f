/**
 * An Action or NotAction value, read once: whether it is a valid action text, and which catalogue actions it covers.
 * A statement keeps its patterns, so indexing a policy by action reads a flag per pattern instead of matching text.
 *
 * Patterns recur across policies ("kms:*", "kms:Decrypt", "kms:Create*"), so they are kept in a small bounded cache
 * (policy/bounded-cache.ts says why bounded); a pattern is immutable and says nothing about where it was found.
 * Matching is case-insensitive: action names are (IAM UG reference_policies_elements_action.md).
 */
import { BoundedCache } from './bounded-cache';
import { ALL_KMS_ACTIONS, actionFacts, isCatalogueSpelling } from './catalogue';
import { hasWildcard, matchesWildcard } from './wildcard';

/** What is wrong with a pattern as an action: `not-an-action` is an error, `unknown-kms-action` a warning. */
export type ActionPatternProblem = 'not-an-action' | 'unknown-kms-action';

export interface ActionPattern {
  /** As written. */
  readonly text: string;
  /** `covers[i]` is 1 when the pattern matches `ALL_KMS_ACTIONS[i]`. */
  readonly covers: Uint8Array;
  readonly problem?: ActionPatternProblem;
  /** This pattern as a one-element list, shared by every statement whose element is this pattern alone. */
  readonly alone: readonly ActionPattern[];
}

const LOWER_ACTIONS = ALL_KMS_ACTIONS.map((a) => a.toLowerCase());
const cache = new BoundedCache<ActionPattern>(251);

/** The pattern for an Action/NotAction text. */
export function actionPattern(text: string): ActionPattern {
  let pattern = cache.get(text);
  if (pattern === undefined) {
    pattern = readPattern(text);
    cache.set(text, pattern);
  }
  return pattern;
}

function readPattern(text: string): ActionPattern {
  const covers = new Uint8Array(LOWER_ACTIONS.length);
  const lower = text.toLowerCase();
  for (let i = 0; i < LOWER_ACTIONS.length; i++) covers[i] = matchesWildcard(lower, LOWER_ACTIONS[i]) ? 1 : 0;
  const pattern = { text, covers, problem: problemOf(text), alone: [] as ActionPattern[] };
  pattern.alone.push(pattern);
  Object.freeze(pattern.alone);
  return Object.freeze(pattern);
}

function problemOf(text: string): ActionPatternProblem | undefined {
  // "*" and the catalogue's own spellings ("kms:Decrypt", most actions) are valid as they are.
  if (text === '*' || isCatalogueSpelling(text)) return undefined;
  const colon = text.indexOf(':');
  if (colon <= 0) return 'not-an-action';
  const kms = colon === 3 && text.slice(0, 3).toLowerCase() === 'kms';
  return kms && !hasWildcard(text) && actionFacts(text) === undefined ? 'unknown-kms-action' : undefined;
}
