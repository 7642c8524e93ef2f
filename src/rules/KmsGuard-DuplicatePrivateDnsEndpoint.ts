/**
 * KmsGuard-DuplicatePrivateDnsEndpoint: no VPC gets two KMS interface endpoints with private DNS. The check is
 * src/analysis/duplicate-private-dns-endpoint.ts. Pure.
 */
import { findingId } from './finding';
import { Rule, ruleDocLink } from './rule';
import { readinessRule } from './support/readiness';
import { DUPLICATE_PRIVATE_DNS_ENDPOINT } from '../analysis/duplicate-private-dns-endpoint';

const ID = 'KmsGuard-DuplicatePrivateDnsEndpoint';

export const DuplicatePrivateDnsEndpoint: Rule = readinessRule({
  id: ID,
  severity: 'error',
  summary: 'A VPC has at most one KMS interface endpoint with private DNS.',
  explanation: 'A VPC can have only one interface endpoint with private DNS per service: a second com.amazonaws.REGION.kms endpoint with private DNS fails to create (conflicting DNS domain).',
  docLink: ruleDocLink(ID),
  findingIds: ['Endpoint::PrivateDns'],
}, DUPLICATE_PRIVATE_DNS_ENDPOINT, {
  findingIdOf: () => findingId('Endpoint', 'PrivateDns'),
  location: { field: 'PrivateDnsEnabled' },
});
