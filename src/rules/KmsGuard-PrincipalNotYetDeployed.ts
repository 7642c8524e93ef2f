/**
 * KmsGuard-PrincipalNotYetDeployed: every principal a key policy names exists when the key's stack deploys. The check
 * is src/analysis/principal-not-yet-deployed.ts. Pure.
 */
import { Rule, ruleDocLink } from './rule';
import { principalFindingId } from './support/principal-finding-id';
import { readinessRule } from './support/readiness';
import { PRINCIPAL_NOT_YET_DEPLOYED } from '../analysis/principal-not-yet-deployed';

const ID = 'KmsGuard-PrincipalNotYetDeployed';

export const PrincipalNotYetDeployed: Rule = readinessRule({
  id: ID,
  severity: 'error',
  summary: 'Every principal a key policy names exists when the key\'s stack deploys.',
  explanation: 'KMS rejects a key policy whose principals do not exist or are not visible to it. A role of another stack of the app, named in a key policy, must be deployed first: the key\'s stack must depend on its stack. An account principal narrowed with an aws:PrincipalArn condition is not looked up.',
  docLink: ruleDocLink(ID),
  findingIds: ['Principal::<construct path of the role or user>', 'Statement::<Sid or index> (a principal the app does not define, or one unknown offline)'],
}, PRINCIPAL_NOT_YET_DEPLOYED, {
  findingIdOf: principalFindingId,
  location: { policy: 'key policy', field: 'Principal' },
});
