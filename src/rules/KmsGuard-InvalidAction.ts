/**
 * KmsGuard-InvalidAction: every Action and NotAction value of a key policy, and of the KMS statements of identity
 * policies that reach a key of the app, names KMS actions that exist:
 *
 * - a value that is not `service:action` (`Decrypt`): not an action in IAM's policy grammar, and the evaluator cannot
 *   read the statement, so what the policy allows is unknown (error);
 * - a `kms:` name KMS does not have (`kms:Decrypts`), or a `kms:` pattern that matches no KMS action (`kms:*Keyz`):
 *   it matches nothing (the catalogue of the KMS permissions reference decides; the evaluator's reader says so);
 * - in a key policy, an action of another service (`s3:GetObject`): a key policy governs only KMS requests on its key;
 * - in a key policy, an action KMS authorizes in IAM policies only (`kms:CreateKey`, `kms:ListAliases`): "you can
 *   specify the permission only in an IAM policy" (kms-api-permissions-reference.md, "Policy type").
 *
 * Whether CreateKey and PutKeyPolicy reject a key policy naming an action KMS does not have is not documented (the
 * API reference lists MalformedPolicyDocumentException for a malformed policy without saying what is malformed), so
 * only a value outside IAM's grammar is called unreadable; the others are judged by what they match.
 *
 * Severity, per value, by which way the statement errs (as in KmsGuard-IneffectiveStatement). Error: a value outside
 * the grammar, or one that makes the statement allow more than it reads as (a misspelt name in an Allow's NotAction,
 * which then excludes nothing; in a Deny's Action, which then denies nothing). Warning: the statement allows less than
 * it reads as (a misspelt name in an Allow's Action; in a Deny's NotAction), or the name has no effect there (another
 * service's or an IAM-only action in a key policy). A value unknown offline is a "cannot verify" warning. Pure.
 */
import { Finding, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { TakenIds, identityFinding } from './support/identity-finding';
import { keyFinding, keyName, principalName } from './support/key-finding';
import { nearestKmsAction } from './support/nearest-action';
import { reachingDocuments } from './support/reaching-documents';
import { StatementRef, kmsActionsOf, listOf, statementJson, statementsOf } from './support/statements';
import { AppModel, KmsKeyModel } from '../app-model/app-model';
import { isUnresolvedText } from '../app-model/unresolved';
import { actionPattern } from '../policy/action-pattern';
import { actionFacts } from '../policy/catalogue';
import { hasWildcard } from '../policy/wildcard';

const ID = 'KmsGuard-InvalidAction';

export const InvalidAction: Rule = {
  id: ID,
  severity: 'error',
  summary: 'Every Action and NotAction value of a key policy, and of the KMS statements of identity policies that reach a key, names KMS actions that exist and that the policy can grant.',
  explanation: 'A misspelt action (kms:Decrypts) or a pattern that matches no KMS action (kms:*Keyz) matches nothing: in an Action it silently grants or denies less, in a NotAction it excludes nothing, so the statement covers more. A key policy governs only KMS requests on its key, so another service\'s action there is inert, and so are the IAM-only KMS actions (CreateKey, ListAliases). A value without a service prefix is not an action at all.',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index> (a key-policy statement, on the key)', 'Statement::<Sid or index> (an identity-policy statement, on the principal whose policy holds it)'],
  sources: [
    kmsGuide('kms-api-permissions-reference'), kmsGuide('key-policy-overview'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
  ],
  check: (model: AppModel): Finding[] => [...model.keys.flatMap(keyPolicyFindings), ...identityFindings(model)],
};

/** One bad value: which way it errs, and why. */
interface BadValue {
  /** `unreadable`: outside the grammar; `wider`/`narrower`: the statement covers more/less than it reads as; `inert`: no effect; `unknown`: not known offline. */
  readonly kind: 'unreadable' | 'wider' | 'narrower' | 'inert' | 'unknown';
  readonly text: string;
  readonly field: 'Action' | 'NotAction';
}

function keyPolicyFindings(key: KmsKeyModel): Finding[] {
  const out: Finding[] = [];
  for (const ref of statementsOf(key.policy)) {
    const bad = badValuesOf(ref.statement, 'key');
    if (bad.length === 0) continue;
    const id = findingId('Statement', ref.idPart);
    out.push(keyFinding(ID, key, id, severityOf(bad), `${ref.label} of the key policy of ${keyName(key)}: ${bad.map((b) => b.text).join('; ')}. ${tail(ref, id)}`,
      { statement: ref.label, field: bad[0].field }));
  }
  return out;
}

function identityFindings(model: AppModel): Finding[] {
  const out: Finding[] = [];
  const taken: TakenIds = new Map();
  for (const { principal, document, index, source } of reachingDocuments(model)) {
    for (const ref of statementsOf(document)) {
      // Statements about other services only are theirs; a KMS statement with a typo among its KMS actions is ours.
      if (!mentionsKms(ref.statement)) continue;
      const bad = badValuesOf(ref.statement, 'identity');
      if (bad.length === 0) continue;
      out.push(identityFinding(ID, severityOf(bad), { principal, source, index, ref }, bad[0].field, taken,
        (id) => `${ref.label} of ${source}, an identity policy of ${principalName(principal)} that reaches a KMS key of the app: ${bad.map((b) => b.text).join('; ')}. ${tail(ref, id)}`));
    }
  }
  return out;
}

/** A statement that names some kms: value or covers some KMS action. */
function mentionsKms(st: Record<string, any>): boolean {
  return kmsActionsOf(st).length > 0 || valuesOf(st).values.some((v) => typeof v === 'string' && /^kms:/i.test(v));
}

function valuesOf(st: Record<string, any>): { field: 'Action' | 'NotAction'; values: unknown[] } {
  return st.Action === undefined && st.NotAction !== undefined ? { field: 'NotAction', values: listOf(st.NotAction) } : { field: 'Action', values: listOf(st.Action) };
}

function badValuesOf(st: Record<string, any>, kind: 'key' | 'identity'): BadValue[] {
  const { field, values } = valuesOf(st);
  const deny = st.Effect === 'Deny';
  // A misspelt name matches nothing: in an Allow's Action the statement then grants less; in a NotAction it excludes
  // nothing, so it covers more; in a Deny, the other way round.
  const missing: BadValue['kind'] = (field === 'Action') !== deny ? 'narrower' : 'wider';
  const out: BadValue[] = [];
  for (const value of values) {
    if (typeof value !== 'string') continue; // the policy reader reports values of the wrong shape
    const shown = JSON.stringify(value);
    if (isUnresolvedText(value)) {
      out.push({ kind: 'unknown', field, text: `${field} ${shown} is not known offline, so which actions it names cannot be verified` });
      continue;
    }
    const pattern = actionPattern(value);
    if (pattern.problem === 'not-an-action') {
      const near = nearestKmsAction(value);
      out.push({ kind: 'unreadable', field, text: `${field} ${shown} is not an action: IAM's policy grammar expects "service:action" (or "*"), so the statement cannot be read and what the policy allows is unknown${near ? `; did you mean "${near}"?` : ''}` });
    } else if (pattern.problem === 'unknown-kms-action') {
      const near = nearestKmsAction(value);
      out.push({ kind: missing, field, text: `${field} ${shown} is not a KMS action (kms-api-permissions-reference.md lists them), so it matches nothing: ${effectOf(field, missing)}${near ? `; did you mean "${near}"?` : ''}` });
    } else if (/^kms:/i.test(value) && hasWildcard(value) && !pattern.covers.includes(1)) {
      out.push({ kind: missing, field, text: `${field} ${shown} is a pattern that matches no KMS action, so it matches nothing: ${effectOf(field, missing)}` });
    } else if (kind === 'key' && value !== '*' && !/^kms:/i.test(value)) {
      out.push({ kind: 'inert', field, text: `${field} ${shown} is not a KMS action, and a key policy governs only KMS requests on its key, so it has no effect there` });
    } else if (kind === 'key' && field === 'Action' && !hasWildcard(value)) {
      const facts = actionFacts(value);
      if (facts !== undefined && facts.policyType !== 'key-policy') {
        out.push({ kind: 'inert', field, text: `${field} ${shown} is ${facts.policyType === 'internal' ? 'called by KMS itself, never authorized by a policy' : 'authorized by IAM policies only ("Policy type": IAM policy, kms-api-permissions-reference.md)'}, so it has no effect in a key policy` });
      }
    }
  }
  return out;
}

/** What a value that matches nothing does to the statement, and so to the policy. */
function effectOf(field: 'Action' | 'NotAction', kind: BadValue['kind']): string {
  return `the statement covers ${field === 'Action' ? 'less' : 'more'} than it reads as, so the policy ${kind === 'wider' ? 'allows more' : 'allows less'} than it reads as`;
}

function severityOf(bad: readonly BadValue[]): 'error' | 'warning' {
  return bad.some((b) => b.kind === 'unreadable' || b.kind === 'wider') ? 'error' : 'warning';
}

function tail(ref: StatementRef, id: string): string {
  return `Received: ${statementJson(ref.statement)}. Expected: KMS action names as the KMS permissions reference spells them ("kms:Decrypt", patterns such as "kms:GenerateDataKey*" that match some), and in a key policy only KMS actions that a key policy can grant. `
    + `Fix: correct or remove each value named; if the statement is meant as it is, acknowledge ${ID}[${id}] with the reason.`;
}
