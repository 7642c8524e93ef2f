/**
 * The requests a service makes to KMS for a resource, as the evaluator's scenario `request` objects: the encryption
 * context it sets and, for services that call as themselves, the source keys. Values are built from the resource's
 * modelled ARN and name; where those are unknown, stand-ins of the right shape. Only the context keys are exact
 * (service-integrations.ts): a key policy conditioned on exact values of a service's own context, which is rare, can
 * be judged on a stand-in. Pure.
 */
import { EncryptedResourceModel } from '../app-model/app-model';
import { renderGuard } from '../policy/service-integrations';

/** Stands for an unknown name or ARN part: never an AWS identifier, so it cannot match a specific condition value. */
const STAND_IN = 'kms-guard-readiness';

/** The grant operations a service asks for when it creates a grant for a resource (the usual set for EBS, RDS, ...). */
export const SERVICE_GRANT_OPERATIONS = [
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'DescribeKey', 'CreateGrant', 'RetireGrant',
];

/**
 * The ARN the service uses for the resource, in `account`. The modelled ARN when known; otherwise the guard's pattern
 * for this service with its wildcards filled in, or a stand-in.
 */
export function resourceArnFor(resource: EncryptedResourceModel, account: string): string {
  const own = resource.location.account;
  if (resource.resourceArn !== undefined) return resource.resourceArn.split(`:${own}:`).join(`:${account}:`);
  const sp = resource.integration.servicePrincipal;
  const env = { partition: resource.location.partition, region: resource.location.region, account };
  const pattern = sp ? Object.values(renderGuard(sp.guard, env)).flatMap((block) => Object.values(block)).find((v) => v.startsWith('arn:')) : undefined;
  // A wildcard Region field takes the resource's Region; other wildcards a stand-in name.
  if (pattern !== undefined) return pattern.split(':*:').join(`:${resource.location.region}:`).replace(/\*/g, STAND_IN).replace(/\?/g, 'x');
  return `arn:${resource.location.partition}:${resource.integration.service}:${resource.location.region}:${account}:${STAND_IN}`;
}

/** The encryption context the service sets for the resource (service-integrations.ts keys; values as described above). */
export function serviceEncryptionContext(resource: EncryptedResourceModel, account: string): Record<string, string> {
  const arn = resourceArnFor(resource, account);
  const context: Record<string, string> = {};
  for (const key of resource.integration.encryptionContextKeys) {
    if (/subscriberid$/i.test(key)) context[key] = account;
    else if (/arn$/i.test(key)) context[key] = arn;
    else context[key] = resource.resourceRef ?? STAND_IN;
  }
  return context;
}

/**
 * Whether the key policy's answer for the resource may rest on the resource's name while that name is unknown offline
 * (a parameter; the model then gives the name CloudFormation would generate, `nameUnknown`): the policy tests a key
 * that carries the name, aws:SourceArn or one of the service's encryption-context keys. A denial found with the
 * stand-in name is then "cannot verify", never an error (docs/decisions.md, "Unknown values never make a false error").
 */
export function mayRestOnUnknownName(resource: EncryptedResourceModel, keyPolicy: unknown): boolean {
  if (!resource.nameUnknown) return false;
  const text = (JSON.stringify(keyPolicy) ?? '').toLowerCase();
  const keys = ['aws:sourcearn', ...resource.integration.encryptionContextKeys.map((k) => `kms:encryptioncontext:${k}`.toLowerCase())];
  return keys.some((k) => text.includes(`"${k}"`));
}

/** The sentence that says so, for the findings made a warning by mayRestOnUnknownName. */
export function unknownNameNote(resource: EncryptedResourceModel): string {
  return `The ${resource.resourceType}'s name is a value unknown offline (a parameter), and the key policy tests a condition key that carries it, so whether it allows the deployed name cannot be verified: this was decided with the name CloudFormation would generate. `;
}

/** `service.REGION.amazonaws.com`, the value of kms:ViaService when the service calls in the key's Region. */
export function viaServiceOf(service: string, region: string): string {
  return `${service}.${region}.amazonaws.com`;
}
