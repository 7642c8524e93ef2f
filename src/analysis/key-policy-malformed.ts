/**
 * Check `key-policy-malformed`: every key policy follows the policy grammar, as the evaluator's own reader reads it (one
 * grammar): a JSON object with a Statement, each statement an object with Effect `Allow` or `Deny`, a Principal (or
 * NotPrincipal) of a valid shape, an Action (or NotAction), at most one of each element pair (Principal/NotPrincipal,
 * Action/NotAction, Resource/NotResource), condition operators that exist with values of their type.
 *
 * key-policy-overview.md: "The Effect, Principal, Action, and Resource elements are required", and Effect's "Valid
 * values are Allow or Deny". CreateKey and PutKeyPolicy answer a malformed policy with MalformedPolicyDocumentException
 * (the API reference does not list what is malformed), so such a key is expected not to deploy; and were KMS to take
 * it, the statement could not be read, so what the policy allows would be unknown. Either way an error. Before this
 * check only the lockout check noticed such a policy, with a warning that it could not be evaluated, and synthesis
 * passed (a lower-case `"Effect": "allow"` in a raw CfnKey, `"Principal": {"AWS": []}`, a misspelt operator).
 *
 * Left to the checks and rules that explain them better: an Action value that is not an action (KmsGuard-InvalidAction),
 * an AWS principal ARN IAM rejects (`principal-invalid`), a condition KMS rejects as overly permissive and a statement
 * without Resource, which KMS accepts (KmsGuard-IneffectiveStatement), a policy over the size limit
 * (`key-policy-too-large`; the reader's bound on one string is that limit). A statement whose faulty element holds a
 * value unknown offline (a parameter) is a "cannot verify" warning. Pure.
 */
import { ReadinessFinding, describeLocation, findingAt } from './readiness-finding';
import { AppModel, KmsKeyModel } from '../app-model/app-model';
import { containsUnresolved } from '../app-model/unresolved';
import { checkKeyPolicy } from '../evaluator/input-checks';
import { compilePolicy } from '../evaluator/scenario';
import { InputBoundCodes, Issue, IssueCollector, NoSilentAllowCodes } from '../policy/issues';
import { labelIndex, statementLabels } from '../policy/statement-label';

export const KEY_POLICY_MALFORMED = 'key-policy-malformed';

export function checkKeyPolicyGrammar(model: AppModel): ReadinessFinding[] {
  return model.keys.flatMap(keyFindings);
}

function keyFindings(key: KmsKeyModel): ReadinessFinding[] {
  // A policy that is not an object (a string that is not JSON, a number) is read too: the reader says what is wrong.
  if (key.defaultPolicy || key.policy === undefined || key.policy === null || isUnknownText(key.policy)) return [];
  const collector = new IssueCollector();
  compilePolicy(key.policy, 'key', 'key policy', collector);
  // The characters too: a key policy holds only printable ASCII and Latin-1, tab, line feed and carriage return
  // (key-policy-overview.md, "Key policy format"); its size is key-policy-too-large's (with values unknown offline).
  checkKeyPolicy(key.policy, 'key policy', collector);
  // One finding per statement (or for the document itself, `statement` undefined), naming all its problems.
  const byStatement = new Map<string | undefined, Issue[]>();
  for (const issue of collector.issues) {
    if (issue.severity !== 'error' || !isGrammarProblem(issue)) continue;
    const list = byStatement.get(issue.statement) ?? [];
    list.push(issue);
    byStatement.set(issue.statement, list);
  }
  const out: ReadinessFinding[] = [];
  for (const [statement, issues] of byStatement) {
    const at = statement === undefined ? key.policy : statementAt(key.policy, statement);
    const unknown = issues.every((issue) => containsUnresolved(valueAt(at, issue)));
    const what = issues.map((issue) => issue.message).join('; ');
    const where = `${statement === undefined ? '' : `${statement} of `}the key policy of ${describeLocation(key)}`;
    const finding = unknown
      ? findingAt(key, KEY_POLICY_MALFORMED, 'warning',
        `${where}: ${what}, and the value is not known offline, so whether KMS accepts the key policy cannot be verified. Expected: make sure the value deployed is valid.`)
      : findingAt(key, KEY_POLICY_MALFORMED, 'error',
        `${where} is malformed: ${what}. ${consequenceOf(issues)} Expected: a key policy in the policy grammar; fix it as the problem says.`);
    out.push({ ...finding, ...(statement !== undefined ? { statement } : {}), ...(issues[0].field !== undefined ? { field: issues[0].field } : {}) });
  }
  return out;
}

/**
 * What KMS does with it, as far as the AWS pages say. A missing or invalid required element is documented
 * (key-policy-overview.md) and KMS rejects the policy. For a condition the reader cannot read (an unknown operator, an
 * empty or mistyped value) and for an Allow with NotPrincipal (the reader refuses it, src/evaluator/compiled-policy.ts)
 * the pages do not say whether KMS rejects the policy or takes it: either the key does not deploy, or the statement
 * does not do what it reads as. Neither is meant, so both are errors, said as they are.
 */
function consequenceOf(issues: readonly Issue[]): string {
  if (issues.some((issue) => !CONDITION_CODES.has(issue.code) && issue.code !== NoSilentAllowCodes.NOT_PRINCIPAL_WITH_ALLOW)) {
    return 'KMS rejects a malformed key policy (MalformedPolicyDocumentException), so CreateKey or PutKeyPolicy fails and the stack does not deploy '
      + '(key-policy-overview.md: Effect, Principal, Action and Resource are required, Effect is "Allow" or "Deny").';
  }
  if (issues.some((issue) => CONDITION_CODES.has(issue.code))) {
    return 'Either KMS rejects the key policy (MalformedPolicyDocumentException) and the stack does not deploy, or it takes a condition that does not test what it reads as; the AWS pages do not say which.';
  }
  return 'Either KMS rejects the key policy and the stack does not deploy, or the statement allows every principal but the listed ones; the AWS pages do not say which.';
}

/** Reader errors about a condition's operator or values (compile-condition.ts). */
const CONDITION_CODES: ReadonlySet<string> = new Set(['unknown-condition-operator', 'invalid-condition', 'invalid-condition-value']);

/** Reader errors about the grammar that no other check or rule reports (see the file comment). */
function isGrammarProblem(issue: Issue): boolean {
  switch (issue.code) {
    case 'invalid-policy':
    case 'invalid-statement':
    case 'invalid-effect':
    case 'conflicting-elements':
    case 'missing-field':
    case 'unknown-condition-operator':
    case 'invalid-condition':
    case 'invalid-condition-value':
    case InputBoundCodes.NESTING_TOO_DEEP:
    case NoSilentAllowCodes.NOT_PRINCIPAL_WITH_ALLOW:
    case NoSilentAllowCodes.KEY_POLICY_INVALID_CHARACTER:
      return true;
    case 'invalid-field':
      // An Action value outside the grammar is KmsGuard-InvalidAction's ("did you mean ..."); a value of the wrong
      // shape (a number, an empty list) is this check's.
      return !/^(Not)?Action$/.test(issue.field ?? '') || !/ is not an action: /.test(issue.message);
    default:
      return false;
  }
}

/** The statement the reader labels `Sid "X"`, `Sid "X" (statement #i)` or `statement #i` (statement-label.ts). */
function statementAt(policy: object, label: string): unknown {
  const list = (policy as Record<string, unknown>).Statement;
  const statements = Array.isArray(list) ? list : [list];
  const index = labelIndex(label);
  return index !== undefined ? statements[index] : statements[statementLabels(statements).indexOf(label)];
}

/**
 * What an issue is about, to tell a value unknown offline from a literal one: the element (`Effect`), the principal
 * type's value (`Principal.Service`, not the whole Principal), an unknown condition operator's name (the name is what
 * is wrong, whatever its values hold) or an operator's block, or a condition key with its values
 * (`Condition.<operator>.<key>`; a key may hold dots).
 */
function valueAt(at: unknown, issue: Issue): unknown {
  const field = issue.field;
  if (field === undefined) return at;
  const [element, ...rest] = field.split('.');
  const value = isObjectValue(at) ? at[element] : undefined;
  if (rest.length === 0) return value;
  if (element !== 'Condition') return isObjectValue(value) ? value[rest.join('.')] : value;
  const [operator, ...key] = rest;
  const block = isObjectValue(value) ? value[operator] : undefined;
  if (key.length === 0) return issue.code === 'unknown-condition-operator' ? operator : [operator, block];
  return [key.join('.'), isObjectValue(block) ? block[key.join('.')] : block];
}

/**
 * A whole key policy given as a value unknown offline (a parameter) that is not JSON text: nothing to read, and the
 * lockout check already says it cannot evaluate it.
 */
function isUnknownText(policy: unknown): boolean {
  if (typeof policy !== 'string' || !containsUnresolved(policy)) return false;
  try {
    JSON.parse(policy);
    return false;
  } catch {
    return true;
  }
}

function isObjectValue(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
