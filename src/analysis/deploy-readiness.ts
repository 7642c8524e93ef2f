/**
 * Deploy readiness: what would make `cdk deploy` of a synthesized app fail on its KMS keys, found offline from the app
 * model with the bundled evaluator. One check per module; this module lists them, with the page each comes from, and
 * runs them in that order. Findings are returned as data, never thrown: the CLI and tests decide what fails. Pure.
 */
import { DEPLOYER_CANNOT_CREATE, checkDeployerCanCreate } from './deployer-cannot-create';
import { DUPLICATE_PRIVATE_DNS_ENDPOINT, checkPrivateDnsEndpoints } from './duplicate-private-dns-endpoint';
import { KEY_POLICY_MALFORMED, checkKeyPolicyGrammar } from './key-policy-malformed';
import { KEY_POLICY_TOO_LARGE, checkKeyPolicySize } from './key-policy-too-large';
import { LOCKOUT, checkLockout } from './lockout';
import { PRINCIPAL_INVALID, PRINCIPAL_NOT_YET_DEPLOYED, checkPrincipalsDeployed } from './principal-not-yet-deployed';
import { ReadinessFinding } from './readiness-finding';
import { SERVICE_WITHOUT_ACCESS, SERVICE_WITHOUT_GUARD, checkServicePrincipals } from './service-principal-access';
import { AppModel } from '../app-model/app-model';

export type { ReadinessFinding } from './readiness-finding';

/** A check's id, what it makes sure of, and where the rule comes from. */
export interface ReadinessCheck {
  readonly ids: readonly string[];
  readonly description: string;
  readonly sources: readonly string[];
  readonly run: (model: AppModel) => ReadinessFinding[];
}

export const READINESS_CHECKS: readonly ReadinessCheck[] = [
  {
    ids: [LOCKOUT],
    description: 'the key policy lets the stack\'s deploying role call PutKeyPolicy (lockout safety check of CreateKey and PutKeyPolicy)',
    sources: ['kms-developer-guide/customer-managed-policies.md', 'kms-developer-guide/create-keys.md', 'https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html'],
    run: checkLockout,
  },
  {
    ids: [DEPLOYER_CANNOT_CREATE],
    description: 'the deploying role may make, through the service, the KMS calls that creating each encrypted resource makes',
    sources: ['kms-developer-guide/conditions-kms.md', 'kms-developer-guide/services-ebs.md', 'kms-developer-guide/services-rds.md'],
    run: checkDeployerCanCreate,
  },
  {
    ids: [PRINCIPAL_NOT_YET_DEPLOYED, PRINCIPAL_INVALID],
    description: 'every principal a key policy names exists when the key\'s stack deploys, and is a valid principal',
    // "The principals in the key policy must exist and be visible to AWS KMS" (CreateKey and PutKeyPolicy, Policy).
    sources: ['https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html', 'https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html'],
    run: checkPrincipalsDeployed,
  },
  {
    ids: [SERVICE_WITHOUT_ACCESS, SERVICE_WITHOUT_GUARD],
    description: 'services that call KMS as themselves are allowed for the app\'s resources, and only for its account\'s',
    sources: ['kms-developer-guide/key-policy-services.md', 'kms-developer-guide/services-cloudtrail.md'],
    run: checkServicePrincipals,
  },
  {
    ids: [KEY_POLICY_TOO_LARGE],
    description: 'each key policy is at most 32 KB',
    sources: ['kms-developer-guide/key-policy-overview.md'],
    run: checkKeyPolicySize,
  },
  {
    ids: [DUPLICATE_PRIVATE_DNS_ENDPOINT],
    description: 'no VPC gets two KMS interface endpoints with private DNS',
    sources: ['kms-developer-guide/kms-vpc-endpoint.md', 'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html'],
    run: checkPrivateDnsEndpoints,
  },
  {
    ids: [KEY_POLICY_MALFORMED],
    description: 'each key policy follows the policy grammar (Effect, Principal, Action; one of each element pair; known condition operators)',
    sources: ['kms-developer-guide/key-policy-overview.md', 'https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html'],
    run: checkKeyPolicyGrammar,
  },
];

/** Every check, in the order above; within a check, in the model's order (keys, resources, endpoints). */
export function checkDeployReadiness(model: AppModel): ReadinessFinding[] {
  return READINESS_CHECKS.flatMap((c) => c.run(model));
}
