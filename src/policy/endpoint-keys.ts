/**
 * The condition keys a request carries only when it comes through a VPC endpoint: aws:SourceVpce and aws:SourceVpc
 * (kms-vpc-endpoint.md, vpce-policy-condition.md), aws:SourceVpcArn and aws:VpcSourceIp (IAM User Guide, "VPC condition
 * key availability by network path", reference_sts_vpc_condition_keys_federated). AWS services that call KMS for the
 * app's resources, on a caller's behalf or as themselves, never send them, and aws:SourceIp is absent beside them. One
 * list for the rules and the analysis that reason about it (KmsGuard-IneffectiveStatement,
 * KmsGuard-EndpointDenyBreaksServices, the analysis' request variants in access/witnesses.ts). Pure.
 */
export const ENDPOINT_ONLY_KEYS: readonly string[] = ['aws:SourceVpce', 'aws:SourceVpc', 'aws:SourceVpcArn', 'aws:VpcSourceIp'];

const LOWER = new Set(ENDPOINT_ONLY_KEYS.map((k) => k.toLowerCase()));

/** Whether `key` (as a policy writes it, any case) is one of ENDPOINT_ONLY_KEYS. */
export function isEndpointOnlyKey(key: string): boolean {
  return LOWER.has(key.toLowerCase());
}

/** `aws:SourceVpce, aws:SourceVpc, aws:SourceVpcArn or aws:VpcSourceIp`, for messages. */
export const ENDPOINT_ONLY_KEYS_TEXT = `${ENDPOINT_ONLY_KEYS.slice(0, -1).join(', ')} or ${ENDPOINT_ONLY_KEYS[ENDPOINT_ONLY_KEYS.length - 1]}`;

/**
 * A value of the key's type that no real request carries, to stand for one unknown offline: a request without the key
 * decides a condition the same way whatever its values (absent-key.ts), but the evaluator still reads them by type.
 */
export function endpointStandIn(key: string): string {
  switch (key.toLowerCase()) {
    case 'aws:vpcsourceip': return '192.0.2.0/32'; // TEST-NET-1 (RFC 5737): documentation only
    case 'aws:sourcevpcarn': return 'arn:aws:ec2:us-east-1:000000000000:vpc/kms-guard-unknown-offline';
    default: return 'kms-guard-unknown-offline';
  }
}
