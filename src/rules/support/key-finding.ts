/** Building findings located on a key and naming principals of the app. Pure. */
import { shortPath } from './readiness';
import { KmsKeyModel, PrincipalModel } from '../../app-model/app-model';
import { Finding, FindingLocation, Severity } from '../finding';

/** A finding on a key (its `AWS::KMS::Key` resource). */
export function keyFinding(
  ruleId: string, key: KmsKeyModel, id: string, severity: Severity, message: string, where: Omit<FindingLocation, 'stackName' | 'logicalId' | 'constructPath'> = {},
): Finding {
  const location: Record<string, string | undefined> = {
    stackName: key.stackName,
    logicalId: key.logicalId,
    constructPath: key.constructPath,
    policy: 'key policy',
    ...where,
  };
  // `policy: undefined` in `where` says the finding is about no policy: no key is kept for an absent value.
  for (const k of Object.keys(location)) if (location[k] === undefined) delete location[k];
  return { ruleId, findingId: id, severity, location: location as unknown as FindingLocation, message };
}

/** `Stack/Key` or `Stack/LogicalId`: how messages name a key. */
export function keyName(key: KmsKeyModel): string {
  return shortPath(key.constructPath, `${key.stackName}/${key.logicalId}`);
}

/** `role Stack/Worker/ServiceRole`: how messages and finding ids name a principal of the app. */
export function principalName(p: PrincipalModel): string {
  return `${p.kind} ${shortPath(p.constructPath, `${p.stackName}/${p.logicalId}`)}`;
}

/** The construct path a finding id uses for a principal of the app. */
export function principalPath(p: PrincipalModel): string {
  return shortPath(p.constructPath, `${p.stackName}/${p.logicalId}`);
}
