/**
 * Check `duplicate-private-dns-endpoint`: a VPC can have only one interface endpoint with private DNS per service
 * name; a second `com.amazonaws.REGION.kms` endpoint with private DNS in the same VPC fails to create ("conflicting DNS
 * domain"; cdk-ecosystem.md §8, "Limits"). Endpoints are grouped by their resolved VPC id and service name (`kms` and
 * `kms-fips` answer for different names). Endpoints outside the app cannot be seen: one that already exists in the
 * VPC makes even a single endpoint of the app fail. Pure.
 */
import { ReadinessFinding, describeLocation, findingAt } from './readiness-finding';
import { AppModel, KmsEndpointModel } from '../app-model/app-model';
import { isUnresolvedText } from '../app-model/unresolved';

export const DUPLICATE_PRIVATE_DNS_ENDPOINT = 'duplicate-private-dns-endpoint';

export function checkPrivateDnsEndpoints(model: AppModel): ReadinessFinding[] {
  const groups = new Map<string, KmsEndpointModel[]>();
  for (const e of model.endpoints) {
    // An endpoint whose VPC is unknown offline cannot be grouped; the model already warns about the unresolved value.
    if (e.privateDnsEnabled === false || e.vpcId === '' || isUnresolvedText(e.vpcId)) continue;
    const group = `${e.account}/${e.vpcId}/${e.serviceName}`;
    groups.set(group, [...(groups.get(group) ?? []), e]);
  }
  const findings: ReadinessFinding[] = [];
  for (const endpoints of groups.values()) {
    const withDns = endpoints.filter((e) => e.privateDnsEnabled === true);
    const maybe = endpoints.filter((e) => e.privateDnsEnabled === undefined);
    const [first, ...others] = withDns;
    for (const e of others) {
      findings.push(findingAt(e, DUPLICATE_PRIVATE_DNS_ENDPOINT, 'error',
        `the ${e.serviceName} endpoint ${describeLocation(e)} has private DNS enabled in VPC ${e.vpcId}, where ${describeLocation(first)} already has it: a VPC can have only one interface endpoint with private DNS for a service, so the second fails to create (conflicting DNS domain). `
        + 'Expected: one KMS endpoint per VPC shared by every key (admit it by id in the other keys), or PrivateDnsEnabled false on all but one.'));
    }
    if (first) {
      for (const e of maybe) {
        findings.push(findingAt(e, DUPLICATE_PRIVATE_DNS_ENDPOINT, 'warning',
          `the ${e.serviceName} endpoint ${describeLocation(e)} is in VPC ${e.vpcId} with ${describeLocation(first)}, which has private DNS enabled, and whether it enables private DNS too is unknown offline: if it does, it fails to create (one private-DNS endpoint per service and VPC)`));
      }
    }
  }
  return findings;
}
