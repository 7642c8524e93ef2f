/**
 * Two readings of a policy document that holds unresolved values, so that the evaluator can bound what it allows.
 *
 * The evaluator needs concrete policies: a placeholder in a Principal makes the whole policy invalid (and so would deny
 * everything, which could make an unsafe key look safe), and a placeholder elsewhere silently never matches. Instead:
 *
 * - the **strict** reading gives the least access the unknown values could give: Allow statements that mention one
 *   are dropped, Deny statements that mention one are widened;
 * - the **permissive** reading gives the most: such Allow statements are widened, such Deny statements dropped.
 *
 * Widening a statement replaces each unknown Principal, Action or Resource with `"*"`, removes unknown entries from
 * NotPrincipal/NotAction/NotResource, and removes each condition key whose name or values are unknown: each step can
 * only make the statement apply to more requests. What the strict reading allows is certain; what only the
 * permissive reading allows depends on the unknown values. An unresolved principal is thus never treated as a specific
 * trusted principal: it is nobody (strict) or everybody (permissive).
 */
import { containsUnresolved, findPlaceholders, isUnresolvedText } from './unresolved';
import { sidOf, statementLabels } from '../policy/statement-label';

export type Reading = 'strict' | 'permissive';

/** Applies a reading; a document without placeholders is returned as it is. */
export function readPolicy(doc: unknown, reading: Reading, withPrincipal: boolean): unknown {
  if (!containsUnresolved(doc)) return doc;
  const everything = (effect: 'Allow' | 'Deny'): Record<string, unknown> => ({
    Effect: effect, ...(withPrincipal ? { Principal: '*' } : {}), Action: '*', Resource: '*',
  });
  // An unknown statement (or document) could say anything: everything is allowed, or everything is denied.
  const unknownStatement = everything(reading === 'permissive' ? 'Allow' : 'Deny');
  if (!isRecord(doc) || (!isRecord(doc.Statement) && !Array.isArray(doc.Statement))) {
    return { Version: '2012-10-17', Statement: [unknownStatement] };
  }
  // A dropped statement leaves this one in its place: it matches no action (NotAction "*"), so it allows and denies
  // nothing, and the statements after it keep their index, which names them (`statement #2`) in explanations.
  const nothing = { Effect: 'Allow', ...(withPrincipal ? { Principal: '*' } : {}), NotAction: '*', Resource: '*' };
  const statements: unknown[] = [];
  for (const st of Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) {
    if (!containsUnresolved(st)) {
      statements.push(st);
    } else if (!isRecord(st)) {
      statements.push(unknownStatement);
    } else {
      const effect = st.Effect === 'Allow' || st.Effect === 'Deny' ? st.Effect : reading === 'permissive' ? 'Allow' : 'Deny';
      statements.push((effect === 'Allow') === (reading === 'permissive') ? widen({ ...st, Effect: effect }) : nothing);
    }
  }
  return { ...doc, Statement: statements };
}

/** `Sid "X" (<unresolved:...>)` for each statement that holds placeholders: what the notes of a summary name. */
export function unresolvedStatements(doc: unknown): string[] {
  if (!containsUnresolved(doc)) return [];
  if (!isRecord(doc) || (!isRecord(doc.Statement) && !Array.isArray(doc.Statement))) return [`the whole document (${findPlaceholders(doc).join(', ')})`];
  const list: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const out: string[] = [];
  // A Sid unknown offline is left out of the statement as evaluated (widen), so it does not name it either.
  const labels = statementLabels(list, (st) => {
    const sid = sidOf(st);
    return sid !== undefined && !isUnresolvedText(sid) ? sid : undefined;
  });
  list.forEach((st, i) => {
    if (!containsUnresolved(st)) return;
    out.push(`${labels[i]} (${findPlaceholders(st).join(', ')})`);
  });
  return out;
}

function widen(st: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...st };
  if (typeof out.Sid === 'string' && isUnresolvedText(out.Sid)) delete out.Sid;
  widenElement(out, 'Principal', 'NotPrincipal');
  widenElement(out, 'Action', 'NotAction');
  widenElement(out, 'Resource', 'NotResource');
  if (out.Condition !== undefined && containsUnresolved(out.Condition)) {
    const condition = widenCondition(out.Condition);
    if (condition) out.Condition = condition;
    else delete out.Condition;
  }
  return out;
}

/** An unknown value in X becomes `"*"`; unknown entries of NotX are removed, and an emptied NotX becomes X `"*"`. */
function widenElement(st: Record<string, unknown>, element: string, notElement: string): void {
  if (st[element] !== undefined && containsUnresolved(st[element])) st[element] = '*';
  const not = st[notElement];
  if (not === undefined || !containsUnresolved(not)) return;
  const kept = isRecord(not) && element === 'Principal' ? keepKnownPrincipals(not) : keepKnown(not);
  if (kept === undefined) {
    delete st[notElement];
    st[element] = '*';
  } else {
    st[notElement] = kept;
  }
}

function keepKnown(value: unknown): unknown {
  const list = (Array.isArray(value) ? value : [value]).filter((v) => !containsUnresolved(v));
  return list.length === 0 ? undefined : list;
}

function keepKnownPrincipals(principal: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [type, values] of Object.entries(principal)) {
    if (isUnresolvedText(type)) continue;
    const kept = keepKnown(values);
    if (kept !== undefined) out[type] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Removes every condition key whose name or values are unknown; undefined when nothing is left. */
function widenCondition(condition: unknown): Record<string, unknown> | undefined {
  if (!isRecord(condition)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [operator, block] of Object.entries(condition)) {
    if (isUnresolvedText(operator) || !isRecord(block)) continue;
    const kept: Record<string, unknown> = {};
    for (const [key, values] of Object.entries(block)) {
      if (!isUnresolvedText(key) && !containsUnresolved(values)) kept[key] = values;
    }
    if (Object.keys(kept).length > 0) out[operator] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
