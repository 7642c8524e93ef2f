/**
 * KmsGuard-IneffectiveStatement: a statement, or a condition of it, that does not do what it reads as, because KMS
 * never sees what it tests:
 *
 * - a key-policy statement without `Resource`: "the policy statement has no effect", although CreateKey and
 *   PutKeyPolicy accept it (key-policy-overview.md, "Resource");
 * - `aws:ResourceTag/*` or `kms:ResourceAliases` in a key policy: both are for IAM policies only (tag-authorization.md;
 *   conditions-kms.md, kms:ResourceAliases "IAM policies only"), so the key policy sees them absent;
 * - `ForAllValues` on a `kms:EncryptionContext:*` key: KMS rejects such a key policy (OverlyPermissiveCondition), and in
 *   an IAM policy it matches requests without the context (conditions-kms.md);
 * - a condition key that no KMS request carries, or none of the statement's actions (the evaluator's reader says so,
 *   from the catalogue: support/reader-issues.ts, so there is one list of keys);
 * - `aws:SourceIp` in a statement that applies only through a VPC endpoint (`aws:SourceVpce`, `aws:SourceVpc`): the key
 *   is absent from requests through an endpoint (IAM UG, condition operators, "IP address"; kms-vpc-endpoint.md).
 *
 * A condition on a key that is absent from every request has a fixed outcome (support/absent-key.ts): a positive
 * operator never holds, a negated one, `...IfExists` and `ForAllValues` always do.
 *
 * Severity, per finding, by which way the policy errs. Error: KMS rejects the key policy (the stack does not deploy),
 * or the policy allows more than it reads as (a Deny that never applies, an Allow whose condition narrows nothing):
 * access nobody meant to give, found by no test that exercises the intended callers. Warning: the policy allows less
 * than it reads as (an Allow that never applies, a Deny whose condition always holds): calls fail, which tests and
 * users see. A condition key whose name is unknown offline is a "cannot verify" warning.
 *
 * Checked in key policies, and in the identity policies of the app's principals whose KMS statements can reach a key
 * of the app (those findings are on the principal: the fix is in its policy). Pure.
 */
import { Finding, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { holdsWhenAbsent } from './support/absent-key';
import { ENDPOINT_ONLY_KEYS_TEXT, isEndpointOnlyKey } from '../policy/endpoint-keys';
import { TakenIds, identityFinding } from './support/identity-finding';
import { keyFinding, keyName, principalName } from './support/key-finding';
import { reachingDocuments } from './support/reaching-documents';
import { conditionOfField, readerIssues, statementOfIssue } from './support/reader-issues';
import { ConditionEntry, StatementRef, conditionEntriesOf, isPositive, kmsActionsOf, listOf, statementJson, statementsOf } from './support/statements';
import { AppModel, KmsKeyModel } from '../app-model/app-model';
import { isUnresolvedText } from '../app-model/unresolved';
import { Issue } from '../policy/issues';

const ID = 'KmsGuard-IneffectiveStatement';

const iamGuide = (page: string): string => `https://docs.aws.amazon.com/IAM/latest/UserGuide/${page}.html`;

export const IneffectiveStatement: Rule = {
  id: ID,
  severity: 'error',
  summary: 'Every statement and condition of a key policy, and of the identity policies that reach a key, tests what KMS requests carry where it is evaluated.',
  explanation: 'A condition on a key that KMS never puts in the request (a misspelt key, a key of other actions, aws:ResourceTag or kms:ResourceAliases in a key policy, aws:SourceIp through a VPC endpoint) has a fixed outcome: a positive operator never holds, a negated one always does. A key-policy statement without Resource is accepted and ignored; ForAllValues on kms:EncryptionContext:* makes KMS reject the key policy. The policy then allows more, or less, than it reads as.',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index> (a key-policy statement, on the key)', 'Statement::<Sid or index> (an identity-policy statement, on the principal whose policy holds it)'],
  sources: [
    kmsGuide('key-policy-overview'), kmsGuide('conditions-kms'), kmsGuide('tag-authorization'), kmsGuide('abac'), kmsGuide('kms-vpc-endpoint'),
    iamGuide('reference_policies_elements_condition_operators'), iamGuide('reference_policies_multi-value-conditions'),
  ],
  check: (model: AppModel): Finding[] => [...model.keys.flatMap(keyPolicyFindings), ...identityFindings(model)],
};

/** How one element of a statement fails to do what it reads as. */
interface Problem {
  /**
   * `rejected`: KMS rejects the key policy; `never`: the statement never applies; `always`: a condition always holds;
   * `unknown`: a condition key not known offline.
   */
  readonly kind: 'rejected' | 'never' | 'always' | 'unknown';
  readonly text: string;
  readonly field: string;
}

function keyPolicyFindings(key: KmsKeyModel): Finding[] {
  const statements = statementsOf(key.policy);
  const out: Finding[] = [];
  for (const [ref, problems] of problemsOf(key.policy, 'key', statements)) {
    const verdict = verdictOf(ref.statement, problems);
    const id = findingId('Statement', ref.idPart);
    out.push(keyFinding(ID, key, id, verdict.severity,
      `${ref.label} of the key policy of ${keyName(key)} ${verdict.consequence}: ${problems.map((p) => p.text).join('; ')}. Received: ${statementJson(ref.statement)}. ${advice(id)}`,
      { statement: ref.label, field: problems[0].field }));
  }
  return out;
}

/** The identity documents of the app's principals that can reach some key of the app, each checked once. */
function identityFindings(model: AppModel): Finding[] {
  const out: Finding[] = [];
  const taken: TakenIds = new Map();
  for (const { principal, document, index, source } of reachingDocuments(model)) {
    // Only statements about KMS: a condition of another service's statement is that service's business.
    const statements = statementsOf(document).filter((s) => kmsActionsOf(s.statement).length > 0);
    for (const [ref, problems] of problemsOf(document, 'identity', statements)) {
      const verdict = verdictOf(ref.statement, problems);
      out.push(identityFinding(ID, verdict.severity, { principal, source, index, ref }, problems[0].field, taken,
        (id) => `${ref.label} of ${source}, an identity policy of ${principalName(principal)} that reaches a KMS key of the app, ${verdict.consequence}: ${problems.map((x) => x.text).join('; ')}. Received: ${statementJson(ref.statement)}. ${advice(id)}`));
    }
  }
  return out;
}

/** The problems of each statement of `doc` among `statements`, in statement order; statements without any are left out. */
function problemsOf(doc: unknown, kind: 'key' | 'identity', statements: readonly StatementRef[]): Array<[StatementRef, Problem[]]> {
  const found = new Map<StatementRef, Problem[]>();
  const explained = new Map<StatementRef, Set<string>>();
  const add = (ref: StatementRef, problem: Problem, conditionKey?: string): void => {
    const keys = explained.get(ref) ?? new Set<string>();
    explained.set(ref, keys);
    if (conditionKey !== undefined) {
      // One explanation per condition key: the reader may say "unknown" and this rule "IAM only" about the same one.
      if (keys.has(conditionKey.toLowerCase())) return;
      keys.add(conditionKey.toLowerCase());
    }
    const list = found.get(ref) ?? [];
    found.set(ref, list);
    list.push(problem);
  };

  for (const issue of readerIssues(doc, kind)) {
    const ref = statementOfIssue(statements, issue);
    if (ref === undefined) continue;
    const problem = problemOfIssue(ref.statement, issue, kind);
    if (problem) add(ref, problem, conditionOfField(issue.field)?.key);
  }

  for (const ref of statements) {
    const entries = conditionEntriesOf(ref.statement);
    // A positive test of a key present only in requests through a VPC endpoint keeps the statement to such requests.
    const throughEndpoint = entries.some((e) => isPositive(e) && isEndpointOnlyKey(e.key));
    for (const entry of entries) {
      const lower = entry.key.toLowerCase();
      if (kind === 'key' && isIamOnlyKey(lower)) {
        const p = absentProblem(entry, `\`${entry.key}\` is for IAM policies only: KMS does not evaluate ${lower === 'kms:resourcealiases' ? 'kms:ResourceAliases' : 'aws:ResourceTag/*'} in a key policy (${lower === 'kms:resourcealiases' ? 'conditions-kms.md, "kms:ResourceAliases": IAM policies only' : 'tag-authorization.md: "supported only in IAM policies"'}), so the key policy sees it absent`, 'in a key policy, test the key\'s own properties (the statement is already about this key only), or move the condition to the callers\' IAM policies');
        if (p) add(ref, p, entry.key);
      } else if (lower === 'aws:sourceip' && throughEndpoint) {
        const p = absentProblem(entry, `\`aws:SourceIp\` is absent from requests that come through a VPC endpoint (IAM UG, condition operators: "except when the requester uses a VPC endpoint"; kms-vpc-endpoint.md), and this statement applies only to such requests (${ENDPOINT_ONLY_KEYS_TEXT})`, 'restrict the network with aws:SourceVpce or aws:SourceVpc alone, and keep aws:SourceIp for a statement about requests over the internet');
        if (p) add(ref, p, entry.key);
      }
    }
  }
  return statements.filter((s) => found.has(s)).map((s) => [s, found.get(s)!]);
}

/** Condition keys KMS evaluates in IAM policies only (conditions-kms.md "kms:ResourceAliases"; tag-authorization.md). */
function isIamOnlyKey(key: string): boolean {
  const lower = key.toLowerCase();
  return lower.startsWith('aws:resourcetag/') || lower === 'kms:resourcealiases';
}

function problemOfIssue(st: Record<string, any>, issue: Issue, kind: 'key' | 'identity'): Problem | undefined {
  const field = issue.field ?? 'Condition';
  switch (issue.code) {
    case 'statement-without-resource':
      return { kind: 'never', text: 'it has no Resource element, and a key-policy statement without one "has no effect" although CreateKey and PutKeyPolicy accept it (key-policy-overview.md, "Resource"); add "Resource": "*"', field };
    case 'overly-permissive-condition':
      return kind === 'key'
        ? { kind: 'rejected', text: issue.message, field }
        : { kind: 'always', text: issue.message, field };
    case 'unknown-condition-key':
    case 'condition-key-not-applicable': {
      const at = conditionOfField(issue.field);
      if (at === undefined) return undefined;
      // In a key policy these keys are never evaluated, whatever the action: the rule's own "IAM policies only" problem
      // (problemsOf) explains them, not the reader's advice to move the condition to an action that carries the key.
      if (kind === 'key' && isIamOnlyKey(at.key)) return undefined;
      if (isUnresolvedText(at.key)) {
        return { kind: 'unknown', text: `the condition key \`${at.key}\` is not known offline, so whether KMS requests carry it cannot be verified`, field };
      }
      const block = st.Condition?.[at.operator];
      const entry: ConditionEntry = { operator: at.operator, key: at.key, values: listOf(block?.[at.key]) };
      return absentProblem(entry, issue.message.replace(/\. (did you mean|check the spelling|move the condition)/, '; $1'));
    }
    default:
      return undefined;
  }
}

/** A condition on a key that every request of the statement lacks: its outcome is fixed by its operator. */
function absentProblem(entry: ConditionEntry, why: string, fix?: string): Problem | undefined {
  const holds = holdsWhenAbsent(entry.operator, entry.values);
  if (holds === undefined) return undefined;
  const field = `Condition.${entry.operator}.${entry.key}`;
  return {
    kind: holds ? 'always' : 'never',
    text: `${why}; "${entry.operator}" on it ${holds ? 'always holds' : 'never holds'}${fix ? ` (${fix})` : ''}`,
    field,
  };
}

/** What the problems mean for the statement, and how bad that is (the file comment argues it). */
function verdictOf(st: Record<string, any>, problems: readonly Problem[]): { severity: 'error' | 'warning'; consequence: string } {
  const deny = st.Effect === 'Deny';
  if (problems.some((p) => p.kind === 'rejected')) {
    return { severity: 'error', consequence: 'makes KMS reject the key policy, so CreateKey or PutKeyPolicy fails and the stack does not deploy' };
  }
  if (problems.some((p) => p.kind === 'never')) {
    return deny
      ? { severity: 'error', consequence: 'never applies, so this Deny denies nothing and the restriction it reads as is not in force' }
      : { severity: 'warning', consequence: 'never applies, so this Allow allows nothing: the callers it is meant for are denied unless another statement allows them' };
  }
  if (problems.some((p) => p.kind === 'always')) {
    return deny
      ? { severity: 'warning', consequence: 'has a condition that always holds, so this Deny applies more widely than it reads as' }
      : { severity: 'error', consequence: 'has a condition that always holds, so it narrows nothing and this Allow allows more than it reads as' };
  }
  return { severity: 'warning', consequence: 'cannot be verified' };
}

function advice(id: string): string {
  return 'Expected: every condition on a key that the statement\'s KMS requests carry where the policy is evaluated (conditions-kms.md lists them per action), ForAllValues only on multi-valued keys, and a Resource element. '
    + `Fix: as each problem says, then synthesize again; if the statement is meant as it is, acknowledge ${ID}[${id}] with the reason.`;
}
