/**
 * Policy statements as the access analysis reads them, from the resolved JSON (placeholders included): which KMS
 * actions each covers, its Principal, and its conditions, each filed under a category people recognise. The evaluator
 * decides; this only says what the policies mention, so that the analysis knows which values to try and which
 * conditions to quote. Pure; never throws on malformed input (what cannot be read is left out).
 */
import { ConditionCategory } from './model';
import { isUnresolvedText } from '../../app-model/unresolved';
import { SET_OPERATOR_PREFIX } from '../../evaluator/conditions/operator-name';
import { actionPattern } from '../../policy/action-pattern';
import { ALL_KMS_ACTIONS } from '../../policy/catalogue';
import { statementLabels } from '../../policy/statement-label';

/** One entry of a Condition block: an operator applied to a key with values. */
export interface ConditionEntry {
  /** As written: `StringEquals`, `ForAnyValue:StringLike`, `BoolIfExists`. */
  readonly operator: string;
  /** The operator without set prefix and `IfExists`: `StringLike`, `Bool`. */
  readonly base: string;
  readonly key: string;
  readonly lowerKey: string;
  /** Values as strings (numbers and booleans as CloudFormation writes them). */
  readonly values: readonly string[];
}

export interface StatementInfo {
  readonly index: number;
  /** `Sid "X"` or `statement #2`, as the evaluator names it. */
  readonly label: string;
  readonly effect: 'Allow' | 'Deny' | undefined;
  /** `covers[i]` is 1 when the statement's Action/NotAction covers `ALL_KMS_ACTIONS[i]`. */
  readonly covers: Uint8Array;
  readonly principal: unknown;
  readonly notPrincipal: unknown;
  readonly conditions: readonly ConditionEntry[];
}

export interface PolicyInfo {
  /** The evaluator's label: `key policy`, `identity policy #0`, `VPC endpoint policy`, `permissions boundary`. */
  readonly label: string;
  readonly statements: readonly StatementInfo[];
}

const ACTION_INDEX = new Map<string, number>(ALL_KMS_ACTIONS.map((a, i) => [a, i]));

/** The catalogue position of a canonical action name (`kms:Decrypt`). */
export function actionIndex(action: string): number {
  return ACTION_INDEX.get(action) ?? -1;
}

const ALL = new Uint8Array(ALL_KMS_ACTIONS.length).fill(1);
const NONE = new Uint8Array(ALL_KMS_ACTIONS.length);

/**
 * Statements by document: the same documents (a key policy, a principal's identity policies) are read for many
 * subjects and keys. Documents are never modified once built (the readings make new ones), so the cache is keyed by
 * identity, and weakly: it goes with the documents.
 */
const CACHE = new WeakMap<object, readonly StatementInfo[]>();

/** Reads a policy document's statements. */
export function readStatements(doc: unknown, label: string): PolicyInfo {
  if (!isRecord(doc)) return { label, statements: [] };
  let statements = CACHE.get(doc);
  if (!statements) CACHE.set(doc, statements = statementsOf(doc));
  return { label, statements };
}

function statementsOf(doc: Record<string, any>): StatementInfo[] {
  const list: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  const statements: StatementInfo[] = [];
  const labels = statementLabels(list);
  list.forEach((st, index) => {
    if (!isRecord(st)) return;
    statements.push({
      index,
      label: labels[index],
      effect: st.Effect === 'Allow' || st.Effect === 'Deny' ? st.Effect : undefined,
      covers: coverage(st.Action, st.NotAction),
      principal: st.Principal,
      notPrincipal: st.NotPrincipal,
      conditions: conditionEntries(st.Condition),
    });
  });
  return statements;
}

/** The statement whose label (`Sid "X"` / `statement #2`) the evaluator gave, in a policy read by `readStatements`. */
export function findStatement(policy: PolicyInfo, label: string): StatementInfo | undefined {
  return policy.statements.find((s) => s.label === label);
}

function coverage(action: unknown, notAction: unknown): Uint8Array {
  const negated = action === undefined && notAction !== undefined;
  const raw = negated ? notAction : action;
  const texts = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((t): t is string => typeof t === 'string');
  if (texts.length === 0) return negated ? ALL : NONE;
  // An action unknown offline could be any: its statement's conditions are worth trying for every action.
  if (texts.some(isUnresolvedText)) return ALL;
  if (texts.length === 1 && !negated) return actionPattern(texts[0]).covers;
  const out = new Uint8Array(ALL_KMS_ACTIONS.length);
  for (const t of texts) {
    const covers = actionPattern(t).covers;
    for (let i = 0; i < out.length; i++) if (covers[i] === 1) out[i] = 1;
  }
  if (negated) for (let i = 0; i < out.length; i++) out[i] = out[i] === 1 ? 0 : 1;
  return out;
}

function conditionEntries(condition: unknown): ConditionEntry[] {
  if (!isRecord(condition)) return [];
  const out: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!isRecord(block)) continue;
    const base = operator.replace(SET_OPERATOR_PREFIX, '').replace(/IfExists$/i, '');
    for (const [key, raw] of Object.entries(block)) {
      const values = (Array.isArray(raw) ? raw : [raw])
        .filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        .map((v) => String(v));
      out.push({ operator, base, key, lowerKey: key.toLowerCase(), values });
    }
  }
  return out;
}

/** The category a condition key belongs to, for people reading a report. */
export function categoryOf(lowerKey: string): ConditionCategory {
  if (lowerKey.startsWith('kms:encryptioncontext')) return 'encryption-context';
  if (lowerKey.startsWith('aws:principaltag/')) return 'principal-tag';
  switch (lowerKey) {
    case 'kms:viaservice': case 'aws:viaawsservice': case 'aws:principalisawsservice': case 'kms:grantisforawsresource':
    case 'aws:calledvia': case 'aws:calledviafirst': case 'aws:calledvialast': case 'aws:principalservicename':
      return 'service';
    case 'aws:sourcevpce': case 'aws:sourcevpc': case 'aws:vpcsourceip': case 'aws:sourcevpcarn':
      return 'network';
    case 'aws:sourceip':
      return 'source-ip';
    case 'aws:principalorgid': case 'aws:principalorgpaths':
      return 'organization';
    case 'aws:principalarn': case 'aws:principalaccount': case 'kms:calleraccount': case 'aws:principaltype':
    case 'aws:username': case 'aws:userid':
      return 'principal';
    case 'aws:sourcearn': case 'aws:sourceaccount': case 'aws:sourceorgid': case 'aws:sourceorgpaths':
      return 'source';
    case 'kms:grantoperations': case 'kms:granteeprincipal': case 'kms:retiringprincipal': case 'kms:grantconstrainttype':
      return 'grant';
    default:
      return 'other';
  }
}

/** AWS principal values of a Principal element (`AWS` entries, or `"*"`); services separately. */
export function principalValues(principal: unknown): { aws: string[]; services: string[]; everyone: boolean } {
  if (principal === '*') return { aws: [], services: [], everyone: true };
  if (!isRecord(principal)) return { aws: [], services: [], everyone: false };
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
  const aws = strings(principal.AWS);
  return { aws: aws.filter((a) => a !== '*'), services: strings(principal.Service), everyone: aws.includes('*') };
}

export function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
