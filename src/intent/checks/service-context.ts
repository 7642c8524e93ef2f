/**
 * Whether an AWS service can ever meet a key's required encryption context: a service sends only its own context
 * (service-integrations.ts, with the AWS page behind each), so a required pair it does not send denies every request
 * it makes with the key. GuardedKmsKey calls it to refuse such grants and encrypted resources. Pure.
 */
import { ServiceIntegration } from '../../policy/service-integrations';

/** The required keys the service does not send. */
export function contextKeysNotSent(requiredKeys: readonly string[], integration: ServiceIntegration): string[] {
  return requiredKeys.filter((k) => !integration.encryptionContextKeys.includes(k));
}

/** Why the service cannot use a key requiring these keys, or undefined when it can. */
export function serviceContextProblem(requiredKeys: readonly string[], integration: ServiceIntegration): string | undefined {
  const missing = contextKeysNotSent(requiredKeys, integration);
  if (missing.length === 0) return undefined;
  return `the key requires encryption context ${missing.map((k) => JSON.stringify(k)).join(', ')} (requiredEncryptionContext), and `
    + `${integration.service} sends only its own (${integration.encryptionContextKeys.map((k) => JSON.stringify(k)).join(', ') || 'none'}), `
    + 'so every request it makes with the key is denied. Remove requiredEncryptionContext and require a context on the grants of direct '
    + 'callers instead (grantCapabilities(grantee, caps, { encryptionContext })), or use another key for this service.';
}
