/** `Service::<service>` (e.g. `Service::logs`) for a readiness finding on a resource encrypted through a service. Pure. */
import { ReadinessFinding } from '../../analysis/readiness-finding';
import { AppModel } from '../../app-model/app-model';
import { findingId } from '../finding';

export function serviceFindingId(f: ReadinessFinding, model: AppModel): string {
  const resource = model.encryptedResources.find((r) => r.location.stackName === f.stackName && r.location.logicalId === f.logicalId
    && r.integration.servicePrincipal);
  return findingId('Service', resource?.integration.service ?? 'unknown');
}
