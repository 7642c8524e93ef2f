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
 * Deny use of the key unless the request comes through one of the endpoints (or VPCs), or is made by or through an AWS
 * service on the caller's behalf.
 */
export function endpointOnlyStatement(endpointIds: readonly string[], vpcIds: readonly string[]): StatementJson {
  const notFrom: Record<string, string | string[]> = {};
  if (endpointIds.length > 0) notFrom['aws:SourceVpce'] = [...endpointIds];
  if (vpcIds.length > 0) notFrom['aws:SourceVpc'] = [...vpcIds];
  if (Object.keys(notFrom).length !== 1) {
    // Two keys in one StringNotEquals block AND together: the deny would need the request to come from neither a listed
    // endpoint nor a listed VPC, which is what we want only if both lists describe the same network.
    throw new Error('restrict a key to endpoints or to VPCs, not both in one statement');
  }
  return {
    Sid: endpointIds.length > 0 ? 'DenyUseOutsideVpcEndpoints' : 'DenyUseOutsideVpcs',
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
