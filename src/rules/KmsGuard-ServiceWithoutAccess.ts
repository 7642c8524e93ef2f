/**
 * KmsGuard-ServiceWithoutAccess: services that call KMS as themselves (CloudWatch Logs, CloudTrail) are allowed what
 * they need for the app's resources encrypted with the key. The check is src/analysis/service-principal-access.ts.
 * Pure.
 */
import { Rule, ruleDocLink } from './rule';
import { readinessRule } from './support/readiness';
import { serviceFindingId } from './support/service-finding-id';
import { SERVICE_WITHOUT_ACCESS } from '../analysis/service-principal-access';

const ID = 'KmsGuard-ServiceWithoutAccess';

export const ServiceWithoutAccess: Rule = readinessRule({
  id: ID,
  severity: 'error',
  summary: 'A service that uses the key as itself (CloudWatch Logs, CloudTrail) is allowed to, for the app\'s resources.',
  explanation: 'CloudWatch Logs and CloudTrail call KMS as their service principal, so only a key-policy statement naming that principal lets them use the key; aws-cdk-lib adds none for an encrypted log group. Without it, creating the log group or trail fails.',
  docLink: ruleDocLink(ID),
  findingIds: ['Service::<service> (e.g. Service::logs)'],
}, SERVICE_WITHOUT_ACCESS, {
  findingIdOf: serviceFindingId,
  location: { policy: 'key policy', field: 'Principal' },
});
