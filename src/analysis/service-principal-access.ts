/**
 * Checks `service-without-access` and `service-without-guard`, for services that call KMS as themselves (CloudWatch
 * Logs, CloudTrail; service-integrations.ts `servicePrincipal`). The key policy must allow the service principal its
 * actions for a resource of the key's own account, or creating the resource fails (CloudTrail verifies the key when
 * a trail is configured; CloudWatch Logs when a log group is associated), and it must not allow the same request for
 * a resource of another account: a statement naming a service principal without `aws:SourceAccount`,
 * `aws:SourceArn` or the service's encryption-context key lets any account's resource use the key through that
 * service, the confused deputy of key-policy-services.md ("Using aws:SourceArn or aws:SourceAccount condition keys").
 * aws-cdk-lib adds no such statement for an encrypted logs.LogGroup (cdk-ecosystem.md §8). Pure.
 */
import { ReadinessFinding, describeLocation, findingAt, firstError, keyScenario } from './readiness-finding';
import { mayRestOnUnknownName, resourceArnFor, serviceEncryptionContext, unknownNameNote } from './service-requests';
import { AppModel, EncryptedResourceModel, KmsKeyModel } from '../app-model/app-model';
import { EvaluationResult, KmsAccessEvaluator } from '../evaluator/kms-access-evaluator';
import { renderGuard } from '../policy/service-integrations';

export const SERVICE_WITHOUT_ACCESS = 'service-without-access';
export const SERVICE_WITHOUT_GUARD = 'service-without-guard';

/** The account of the confused-deputy probe: any account other than the key's (a documentation-style example id). */
export const FOREIGN_ACCOUNT = '999999999999';

export function checkServicePrincipals(model: AppModel): ReadinessFinding[] {
  const findings: ReadinessFinding[] = [];
  for (const resource of model.encryptedResources) {
    const key = model.keys.find((k) => k.arn === resource.keyArn);
    if (!resource.integration.servicePrincipal || !key) continue;
    findings.push(...checkResource(resource, key));
  }
  return findings;
}

function checkResource(resource: EncryptedResourceModel, key: KmsKeyModel): ReadinessFinding[] {
  const sp = resource.integration.servicePrincipal!;
  const at = resource.location;
  const principal = sp.principal.replace(/\{region\}/g, key.region);
  const own = at.account;
  const foreign = own === FOREIGN_ACCOUNT ? '999999999998' : FOREIGN_ACCOUNT;
  const decide = (action: string, account: string): EvaluationResult => KmsAccessEvaluator.evaluate({
    key: keyScenario(key),
    caller: { arn: principal },
    request: requestFor(resource, action, account),
  });

  const denied: Array<{ action: string; result: EvaluationResult }> = [];
  const unguarded: string[] = [];
  for (const action of sp.actions) {
    const mine = decide(action, own);
    if (mine.errors.length > 0) {
      return [findingAt(at, SERVICE_WITHOUT_ACCESS, 'warning',
        `whether ${principal} may call ${action} on ${describeLocation(key)} for this ${resource.resourceType} could not be evaluated: ${firstError(mine.errors)}`)];
    }
    if (mine.decision !== 'allow') denied.push({ action, result: mine });
    if (decide(action, foreign).decision === 'allow') unguarded.push(action);
  }

  const guard = JSON.stringify(renderGuard(sp.guard, { partition: key.partition, region: key.region, account: own }));
  const findings: ReadinessFinding[] = [];
  if (denied.length > 0) {
    const actions = denied.map((d) => d.action);
    const nameDecides = mayRestOnUnknownName(resource, key.policy);
    findings.push(findingAt(at, SERVICE_WITHOUT_ACCESS, nameDecides ? 'warning' : 'error',
      `${resource.integration.service} uses the key ${describeLocation(key)} as the service principal ${principal}, which must be allowed ${actions.join(', ')} for this ${resource.resourceType} (${resourceArnFor(resource, own)}), but the key policy does not allow ${actions.length === 1 ? 'it' : 'them'}: ${denied[0].result.explanation}. `
      + (nameDecides ? unknownNameNote(resource) : '')
      + `Expected: a key-policy statement with "Principal": {"Service": "${principal}"} allowing ${sp.actions.join(', ')}, with the condition ${guard} so that only resources of account ${own} can use it.`));
  }
  if (unguarded.length > 0) {
    findings.push(findingAt(at, SERVICE_WITHOUT_GUARD, 'error',
      `the key policy of ${describeLocation(key)} allows ${principal} ${unguarded.join(', ')} for a resource of another account (${foreign}) as well as for this ${resource.resourceType}: nothing ties the service's use of the key to account ${own}, so any account's ${resource.integration.service} resource can use the key (confused deputy). `
      + `Expected: the statement allowing ${principal} carries the condition ${guard} (or aws:SourceArn naming the resource).`));
  }
  return findings;
}

/**
 * The request the service sends for a resource of `account`: its encryption context, and the source keys that AWS
 * includes when a service principal calls (key-policy-services.md: "included in the authorization context only when a
 * request comes to AWS KMS from another AWS service").
 */
function requestFor(resource: EncryptedResourceModel, action: string, account: string): Record<string, unknown> {
  return {
    action,
    encryptionContext: serviceEncryptionContext(resource, account),
    context: { 'aws:SourceAccount': account, 'aws:SourceArn': resourceArnFor(resource, account) },
  };
}
