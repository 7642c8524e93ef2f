/**
 * VPC endpoint policy and the key-policy statement that ties a key to endpoints. Pure.
 *
 * kms-vpc-endpoint.md: a request through an endpoint needs the endpoint policy AND a key policy, IAM policy or grant;
 * aws:SourceVpce / aws:SourceVpc exist only for requests through an endpoint. Integrated services (S3, EBS, Secrets
 * Manager, ...) call KMS from their own network, so the restriction exempts calls made by or through AWS services
 * (aws:PrincipalIsAWSService, aws:ViaAWSService; IAM UG global condition keys).
 */
import { StatementJson } from './policy-json';

/** The operations a VPC restriction applies to: using the key, not managing it (administrators keep the console). */
export const ENDPOINT_RESTRICTED_ACTIONS: readonly string[] = [
  'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Sign', 'kms:Verify', 'kms:GenerateMac',
  'kms:VerifyMac', 'kms:DeriveSharedSecret', 'kms:CreateGrant',
];

/**
 * Deny use of the key unless the request comes through one of the endpoints or from one of the VPCs, or is made by or
 * through an AWS service on the caller's behalf.
 *
 * Both lists go in one StringNotEquals block, whose keys AND together: the deny applies when the endpoint is not listed
 * AND the VPC is not listed, that is, a listed endpoint OR a listed VPC lets the request through. Outside any
 * endpoint both keys are absent, both negated tests are true, and the deny applies.
 */
export function endpointOnlyStatement(endpointIds: readonly string[], vpcIds: readonly string[]): StatementJson {
  if (endpointIds.length === 0 && vpcIds.length === 0) throw new Error('a VPC restriction needs at least one endpoint or VPC');
  const notFrom: Record<string, string | string[]> = {};
  if (endpointIds.length > 0) notFrom['aws:SourceVpce'] = [...endpointIds];
  if (vpcIds.length > 0) notFrom['aws:SourceVpc'] = [...vpcIds];
  return {
    Sid: 'DenyUseOutsideAllowedNetworks',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: [...ENDPOINT_RESTRICTED_ACTIONS],
    Resource: '*',
    Condition: {
      StringNotEquals: notFrom,
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' },
    },
  };
}

export interface EndpointAccess {
  /** Key ARNs usable through the endpoint. */
  readonly keyArns: readonly string[];
  /** Principal ARNs or account ids allowed to use the endpoint for those keys. */
  readonly principals: readonly string[];
  readonly actions: readonly string[];
}

/** An endpoint policy that allows only the listed keys, for the listed principals or accounts. */
export function endpointPolicyStatements(access: EndpointAccess): StatementJson[] {
  return [{
    Sid: 'AllowOnlyGuardedKeys',
    Effect: 'Allow',
    Principal: { AWS: [...access.principals] },
    Action: [...access.actions],
    Resource: [...access.keyArns],
  }];
}
