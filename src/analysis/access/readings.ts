/**
 * Conditions the analysis cannot try values for (witnesses.ts, class `unknown`: a date, a number, a policy variable on
 * a key the request chooses) are treated like values unknown at synth: their values become placeholders, so that the
 * two readings of app-model/policy-readings.ts bound them. The strict reading drops Allow statements that hold one and
 * widens Deny statements that hold one (the least access the unknown values could give); the permissive reading does
 * the opposite. What the strict reading allows is certain; what only the permissive one allows is uncertain, and the
 * keys it depends on are named. Pure.
 */
import { ConditionEntry, isRecord } from './statements';
import { ClassifySetting, classify } from './witnesses';
import { Reading, readPolicy } from '../../app-model/policy-readings';
import { placeholder } from '../../app-model/unresolved';
import { SET_OPERATOR_PREFIX } from '../../evaluator/conditions/operator-name';
import { statementLabels } from '../../policy/statement-label';

export type { Reading } from '../../app-model/policy-readings';

export interface Marked {
  readonly document: unknown;
  /** `aws:CurrentTime (DateLessThan, Sid "X" of the key policy)` for each condition made unknown. */
  readonly unknown: readonly string[];
}

/** Marked documents by document (identity; documents are never modified), label and setting. */
const CACHE = new WeakMap<object, Map<string, Marked>>();

/** The document with every condition the analysis cannot try values for replaced by a placeholder. */
export function markUnknownConditions(doc: unknown, label: string, setting: ClassifySetting): Marked {
  if (!isRecord(doc)) return { document: doc, unknown: [] };
  let byKey = CACHE.get(doc);
  if (!byKey) CACHE.set(doc, byKey = new Map());
  const id = `${setting.service}|${setting.anyTags}|${setting.symmetric}|${label}`;
  let marked = byKey.get(id);
  if (!marked) byKey.set(id, marked = mark(doc, label, setting));
  return marked;
}

function mark(doc: Record<string, any>, label: string, setting: ClassifySetting): Marked {
  const list: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  const unknown: string[] = [];
  let changed = false;
  let labels: string[] | undefined;
  const statements = list.map((st, index) => {
    if (!isRecord(st) || !isRecord(st.Condition)) return st;
    let condition: Record<string, any> | undefined;
    for (const [operator, block] of Object.entries(st.Condition)) {
      if (!isRecord(block)) continue;
      const base = operator.replace(SET_OPERATOR_PREFIX, '').replace(/IfExists$/i, '');
      for (const [key, raw] of Object.entries(block)) {
        const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (typeof v === 'string' ? v : String(v)));
        const entry: ConditionEntry = { operator, base, key, lowerKey: key.toLowerCase(), values };
        if (classify(entry, setting) !== 'unknown') continue;
        condition ??= JSON.parse(JSON.stringify(st.Condition));
        condition![operator][key] = placeholder(key);
        labels ??= statementLabels(list);
        unknown.push(`${key} (${operator} in ${labels[index]} of the ${label}: compared with ${values.join(', ') || 'nothing'}, a value known only when a request is made)`);
      }
    }
    if (!condition) return st;
    changed = true;
    return { ...st, Condition: condition };
  });
  return changed ? { document: { ...doc, Statement: statements }, unknown } : { document: doc, unknown };
}

/** The document under a reading (policy-readings.ts); documents without placeholders are returned as they are. */
export function read(doc: unknown, reading: Reading, withPrincipal: boolean): unknown {
  return readPolicy(doc, reading, withPrincipal);
}
