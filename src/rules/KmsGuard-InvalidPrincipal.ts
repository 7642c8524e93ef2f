/**
 * KmsGuard-InvalidPrincipal: every AWS principal of a key policy is a form IAM accepts. The check is
 * src/analysis/principal-not-yet-deployed.ts (`principal-invalid`). Pure.
 */
import { Rule, ruleDocLink } from './rule';
import { principalFindingId } from './support/principal-finding-id';
import { readinessRule } from './support/readiness';
import { PRINCIPAL_INVALID } from '../analysis/principal-not-yet-deployed';

const ID = 'KmsGuard-InvalidPrincipal';

export const InvalidPrincipal: Rule = readinessRule({
  id: ID,
  severity: 'error',
  summary: 'Every AWS principal of a key policy is a 12-digit account, an account root, or an IAM role, user or STS session ARN without wildcards.',
  explanation: 'IAM rejects a wildcard inside a principal ARN and never accepts a group as a principal; KMS then rejects the whole key policy (MalformedPolicyDocumentException) and the key fails to deploy.',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index>'],
}, PRINCIPAL_INVALID, {
  findingIdOf: principalFindingId,
  location: { policy: 'key policy', field: 'Principal' },
});
