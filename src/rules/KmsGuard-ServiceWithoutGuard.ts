/**
 * KmsGuard-ServiceWithoutGuard: a key-policy statement for a service principal is tied to the key's own account
 * (confused deputy). The check is src/analysis/service-principal-access.ts. Pure.
 */
import { Rule, ruleDocLink } from './rule';
import { readinessRule } from './support/readiness';
import { serviceFindingId } from './support/service-finding-id';
import { SERVICE_WITHOUT_GUARD } from '../analysis/service-principal-access';

const ID = 'KmsGuard-ServiceWithoutGuard';

export const ServiceWithoutGuard: Rule = readinessRule({
  id: ID,
  severity: 'error',
  summary: 'A service principal may use the key only for resources of the key\'s account (aws:SourceAccount, aws:SourceArn or the service\'s encryption context).',
  explanation: 'A statement naming a service principal without aws:SourceAccount, aws:SourceArn or the service\'s own encryption-context key lets a resource of any account use the key through that service: the confused deputy problem.',
  docLink: ruleDocLink(ID),
  findingIds: ['Service::<service>'],
}, SERVICE_WITHOUT_GUARD, {
  findingIdOf: serviceFindingId,
  location: { policy: 'key policy', field: 'Condition' },
});
