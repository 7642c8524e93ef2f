/**
 * KmsGuard-MalformedKeyPolicy: every key policy follows the policy grammar, which KMS enforces when it creates the key
 * or puts the policy. The check is src/analysis/key-policy-malformed.ts (`key-policy-malformed`), which says what is
 * left to the other rules. Pure.
 */
import { findingId } from './finding';
import { Rule, ruleDocLink } from './rule';
import { readinessRule, statementFindingId } from './support/readiness';
import { KEY_POLICY_MALFORMED } from '../analysis/key-policy-malformed';

const ID = 'KmsGuard-MalformedKeyPolicy';

export const MalformedKeyPolicy: Rule = readinessRule({
  id: ID,
  severity: 'error',
  summary: 'Every key policy follows the policy grammar: a Statement of objects, each with Effect "Allow" or "Deny", a Principal, an Action, one of each element pair, and condition operators that exist with values of their type.',
  explanation: 'KMS rejects a malformed key policy (MalformedPolicyDocumentException): CreateKey or PutKeyPolicy fails and the stack does not deploy. CDK does not check the statements of a key policy written as JSON (a raw CfnKey, an escape hatch), so a lower-case "allow", an empty principal list or a misspelt condition operator reaches CloudFormation. A faulty element whose value is unknown offline (a parameter) gives a warning.',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index> (a statement of the key policy)', 'KeyPolicy::Document (the policy document itself: no Statement, a wrong Version)'],
}, KEY_POLICY_MALFORMED, {
  findingIdOf: (f) => (f.statement === undefined ? findingId('KeyPolicy', 'Document') : statementFindingId(f.statement)),
  location: { policy: 'key policy' },
});
