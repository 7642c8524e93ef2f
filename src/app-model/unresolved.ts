/**
 * Placeholders for values that cannot be known offline (a parameter, an Fn::If branch, an attribute we do not model).
 *
 * A placeholder is a string `<unresolved:WHAT>` so that it can travel through Fn::Join, Fn::Sub and policy documents
 * like any other value, and so that every later stage can recognise it. It starts with `<`, so it is never an ARN, an
 * account id or a service principal: an unresolved principal can never be mistaken for a specific trusted one.
 */

/** The marker every placeholder contains, also when it ends up inside a longer string (`arn:...:role/<unresolved:...>`). */
export const UNRESOLVED_MARK = '<unresolved:';

/** A placeholder for `what`, e.g. `Fn::If` or `Ref Env`. */
export function placeholder(what: string): string {
  // Keep the placeholder one opaque token: no `>` (it would end the token early) and no `/` (it would split role paths).
  return `${UNRESOLVED_MARK}${what.replace(/[<>]/g, '').replace(/\//g, '|')}>`;
}

/** Whether a string holds a placeholder anywhere. */
export function isUnresolvedText(text: string): boolean {
  return text.includes(UNRESOLVED_MARK);
}

/** Whether any string inside a JSON value (object keys included) holds a placeholder. */
export function containsUnresolved(value: unknown): boolean {
  if (typeof value === 'string') return isUnresolvedText(value);
  if (Array.isArray(value)) return value.some(containsUnresolved);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([k, v]) => isUnresolvedText(k) || containsUnresolved(v));
  }
  return false;
}

/** The placeholders inside a JSON value, each once, in document order: for notes that say what is unknown. */
export function findPlaceholders(value: unknown, found: Set<string> = new Set()): string[] {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/<unresolved:[^>]*>/g)) found.add(m[0]);
  } else if (Array.isArray(value)) {
    for (const v of value) findPlaceholders(v, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      findPlaceholders(k, found);
      findPlaceholders(v, found);
    }
  }
  return [...found];
}
