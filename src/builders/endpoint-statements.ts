/**
 * VPC endpoint policy and the key-policy statement that ties a key to endpoints. Pure.
 *
 * kms-vpc-endpoint.md: a request through an endpoint needs the endpoint policy AND a key policy, IAM policy or grant;
 * aws:SourceVpce / aws:SourceVpc exist only for requests through an endpoint. Integrated services (S3, EBS, Secrets
 * Manager, ...) call KMS from their own network, so the restriction exempts calls made by or through AWS services
 * (aws:PrincipalIsAWSService, aws:ViaAWSService; IAM UG global condition keys).
 *
 * A VPC holds one KMS endpoint with private DNS, through which all of the VPC's KMS calls go; the guarded keys of the
 * VPC share it. Keys the endpoint's stack cannot name by ARN are named by `kms:ResourceAliases`, which
 * conditions-kms.md documents for IAM policies; for endpoint policies the documentation is silent, and the bundled
 * evaluator applies it there as in IAM policies (docs/kms-authorization.md: it is absent only in key policies).
 */
import { KeyReference } from './identity-statements';
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

/** The Sids of a shared KMS endpoint's policy, so the construct, its tests and its docs name the same statements. */
export const EndpointPolicySids = {
  /** The guarded keys the endpoint's stack can name by ARN (keys in that stack, and `additionalKeyArns`). */
  guardedKeys: 'AllowGuardedKeys',
  /** The guarded keys of other stacks, named by account, Region and alias; a number is appended from the second group on. */
  guardedKeysByAlias: 'AllowGuardedKeysByAlias',
  /** Every other KMS use by the endpoint principals: other keys, AWS managed keys, calls that name no key. */
  otherKmsUse: 'AllowOtherKmsUse',
} as const;

/**
 * One VPC holds one KMS interface endpoint with private DNS (a second fails with "conflicting DNS domain"), so every
 * guarded key restricted to the VPC shares that endpoint and its policy.
 */
export interface SharedEndpointIntent {
  /**
   * The guarded keys, in the order they were declared. A key the endpoint's stack could only name by a cross-stack
   * reference is given by alias: the reference would make the endpoint's stack depend on the key's stack, while the
   * key's stack already depends on the VPC's (its policy names the VPC id).
   */
  readonly keys: readonly KeyReference[];
  /** Account ids or principal ARNs allowed to use the endpoint. */
  readonly principals: readonly string[];
  /**
   * Allow only the guarded keys through the endpoint. Otherwise the endpoint also allows every other KMS use by the
   * principals, which private DNS sends through it too.
   */
  readonly restrictToGuardedKeys: boolean;
}

/**
 * The policy of a KMS endpoint shared by guarded keys: `AllowGuardedKeys` (keys by ARN), `AllowGuardedKeysByAlias[N]`
 * (keys by `arn:P:kms:R:A:key/*` and `kms:ResourceAliases`, one statement per account and Region), and, unless
 * restricted, `AllowOtherKmsUse` (`kms:*` on `*`). Every statement is for the endpoint principals only: unlike the
 * default endpoint policy, principals of other accounts cannot use the endpoint (kms-vpc-endpoint.md#vpce-policy-create).
 *
 * Statements only grow as keys are added (same Sids, more resources or aliases), so a caller can keep them in sync.
 */
export function sharedEndpointStatements(intent: SharedEndpointIntent): StatementJson[] {
  if (intent.principals.length === 0) throw new Error('an endpoint policy needs at least one principal');
  if (intent.keys.length === 0 && intent.restrictToGuardedKeys) throw new Error('an endpoint restricted to guarded keys needs at least one key');
  const principal = { AWS: unique(intent.principals) };
  const out: StatementJson[] = [];

  const arns = unique(intent.keys.flatMap((k) => (k.kind === 'arn' ? [k.keyArn] : [])));
  if (arns.length > 0) {
    out.push({ Sid: EndpointPolicySids.guardedKeys, Effect: 'Allow', Principal: principal, Action: 'kms:*', Resource: arns });
  }

  const groups = new Map<string, string[]>();
  for (const k of intent.keys) {
    if (k.kind !== 'alias') continue;
    const resource = `arn:${k.partition}:kms:${k.region}:${k.account}:key/*`;
    const aliases = groups.get(resource) ?? [];
    if (!aliases.includes(k.aliasName)) aliases.push(k.aliasName);
    groups.set(resource, aliases);
  }
  let n = 0;
  for (const [resource, aliases] of groups) {
    n++;
    out.push({
      Sid: n === 1 ? EndpointPolicySids.guardedKeysByAlias : `${EndpointPolicySids.guardedKeysByAlias}${n}`,
      Effect: 'Allow',
      Principal: principal,
      Action: 'kms:*',
      Resource: resource,
      // ForAnyValue: the key carries (at least) this alias; a key with no alias never matches (conditions-kms.md).
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': aliases.length === 1 ? aliases[0] : [...aliases] } },
    });
  }

  if (!intent.restrictToGuardedKeys) {
    out.push({ Sid: EndpointPolicySids.otherKmsUse, Effect: 'Allow', Principal: principal, Action: 'kms:*', Resource: '*' });
  }
  return out;
}

function unique(values: readonly string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}
