/**
 * Reading resolved policy statements for the rules: each statement with the name the evaluator gives it, its
 * principals, the KMS actions it covers (wildcards and NotAction expanded over the catalogue) and its conditions. Pure.
 */
import { SET_OPERATOR_PREFIX } from '../../evaluator/conditions/operator-name';
import { actionPattern } from '../../policy/action-pattern';
import { BoundedCache } from '../../policy/bounded-cache';
import { ALL_KMS_ACTIONS } from '../../policy/catalogue';
import { ambiguousSids, sidOf, statementLabel } from '../../policy/statement-label';

export interface StatementRef {
  readonly statement: Record<string, any>;
  readonly index: number;
  /** `Sid "Name"`, `Sid "Name" (statement #2)` or `statement #2`, as the evaluator's explanations name statements. */
  readonly label: string;
  /** The Sid, `Sid#index` for a Sid that names several statements, or the index: what finding ids are made of. */
  readonly idPart: string;
}

/** The statements of a policy document, objects only, in order. */
export function statementsOf(policy: unknown): StatementRef[] {
  if (!isRecord(policy)) return [];
  const list: unknown[] = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement === undefined ? [] : [policy.Statement];
  const out: StatementRef[] = [];
  const ambiguous = ambiguousSids(list);
  list.forEach((statement, index) => {
    if (!isRecord(statement)) return;
    const sid = sidOf(statement);
    const shared = sid !== undefined && ambiguous.has(sid);
    out.push({ statement, index, label: statementLabel(sid, index, shared), idPart: sid === undefined ? String(index) : shared ? `${sid}#${index}` : sid });
  });
  return out;
}

export function isAllow(st: Record<string, any>): boolean {
  return st.Effect === 'Allow';
}

/** A value or list of values as a list. */
export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** The AWS principals of a `Principal` element, `"*"` included (`"Principal": "*"` is `{"AWS": "*"}`). */
export function awsPrincipalsOf(st: Record<string, any>): string[] {
  if (st.Principal === '*') return ['*'];
  if (!isRecord(st.Principal)) return [];
  return listOf(st.Principal.AWS).filter((v): v is string => typeof v === 'string');
}

/** The service principals of a `Principal` element. */
export function servicePrincipalsOf(st: Record<string, any>): string[] {
  if (!isRecord(st.Principal)) return [];
  return listOf(st.Principal.Service).filter((v): v is string => typeof v === 'string');
}

/** Whether the statement applies to every principal: `Principal` `"*"` / `{"AWS": "*"}`, or any `NotPrincipal`. */
export function appliesToEveryone(st: Record<string, any>): boolean {
  return awsPrincipalsOf(st).includes('*') || st.NotPrincipal !== undefined;
}

/** kmsActionsOf by statement object: the rules ask about the same statements for every key and principal. */
const actionsByStatement = new WeakMap<object, readonly string[]>();
/** kmsActionsOf by the text of the Action or NotAction element: statements of many policies repeat it. */
const actionsByElement = new BoundedCache<readonly string[]>(251);
const NO_ACTIONS: readonly string[] = Object.freeze([]);

/** The KMS actions (catalogue spelling) the statement's Action or NotAction covers. Shared and frozen: do not modify. */
export function kmsActionsOf(st: Record<string, any>): readonly string[] {
  let actions = actionsByStatement.get(st);
  if (actions === undefined) {
    actions = actionsOfElement(st);
    actionsByStatement.set(st, actions);
  }
  return actions;
}

function actionsOfElement(st: Record<string, any>): readonly string[] {
  const negated = st.Action === undefined;
  const element: unknown = negated ? st.NotAction : st.Action;
  if (element === undefined) return NO_ACTIONS;
  const texts = listOf(element).filter((v): v is string => typeof v === 'string');
  const key = `${negated ? 'N' : 'A'}${texts.join('\u0000')}`;
  let actions = actionsByElement.get(key);
  if (actions === undefined) {
    const patterns = texts.map((t) => actionPattern(t).covers);
    actions = Object.freeze(ALL_KMS_ACTIONS.filter((_, i) => patterns.some((covers) => covers[i] === 1) !== negated));
    actionsByElement.set(key, actions);
  }
  return actions;
}

/** One condition entry: `"StringEquals": {"kms:CallerAccount": ["111122223333"]}` is operator, key, values. */
export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: unknown[];
}

export function conditionEntriesOf(st: Record<string, any>): ConditionEntry[] {
  if (!isRecord(st.Condition)) return [];
  const out: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(st.Condition)) {
    if (!isRecord(block)) continue;
    for (const [key, values] of Object.entries(block)) out.push({ operator, key, values: listOf(values) });
  }
  return out;
}

/**
 * Whether a condition entry can only hold for the values it lists: a positive operator (`StringEquals`, `StringLike`,
 * `ArnEquals`, `ArnLike`, `Bool`, ...), not negated, not `...IfExists` (true when the key is absent) and not `Null`.
 */
export function isPositive(entry: ConditionEntry): boolean {
  const op = entry.operator.replace(SET_OPERATOR_PREFIX, '');
  return !/IfExists$/i.test(op) && !/Not/.test(op) && !/^Null$/i.test(op) && !/^ForAllValues:/i.test(entry.operator);
}

/** The statement's text for a message, compact. */
export function statementJson(st: Record<string, any>, max = 400): string {
  const text = JSON.stringify(st);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** `kms:Decrypt, kms:Encrypt and 3 more`. */
export function listText(items: readonly string[], max = 4): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
