/**
 * KmsGuard-KeyPolicyTooLarge: each key policy is at most 32 KB. The check is src/analysis/key-policy-too-large.ts.
 * Pure.
 */
import { findingId } from './finding';
import { Rule, ruleDocLink } from './rule';
import { readinessRule } from './support/readiness';
import { KEY_POLICY_TOO_LARGE } from '../analysis/key-policy-too-large';

const ID = 'KmsGuard-KeyPolicyTooLarge';

export const KeyPolicyTooLarge: Rule = readinessRule({
  id: ID,
  severity: 'error',
  summary: 'Each key policy is at most 32 KB.',
  explanation: 'KMS rejects a key policy larger than 32 KB, so the key fails to deploy. Values unknown offline are estimated; when only the estimate is over the limit, the finding is a warning.',
  docLink: ruleDocLink(ID),
  findingIds: ['KeyPolicy::Size'],
}, KEY_POLICY_TOO_LARGE, {
  findingIdOf: () => findingId('KeyPolicy', 'Size'),
  location: { policy: 'key policy' },
});
