import { Annotations, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GuardedKmsKey, GuardedKmsKeyProps } from './guarded-kms-key';
import { registerKeyWithVpcEndpoint } from './private/kms-endpoint-registry';
import { endpointOnlyStatement } from '../builders/endpoint-statements';
import { keyArnProblem, vpcIdProblem } from '../intent/checks/prop-values';

export interface VpceRestrictedKeyProps extends GuardedKmsKeyProps {
  /**
   * VPCs the key may be used from (`aws:SourceVpc`), through the KMS interface endpoint (private DNS on) that this
   * construct puts in each of them.
   *
   * A VPC holds one KMS endpoint with private DNS (a second fails to deploy with "conflicting DNS domain"), so every
   * VpceRestrictedKey restricted to a VPC shares one endpoint there: the app's own KMS endpoint in that VPC when it
   * has one (an `ec2.InterfaceVpcEndpoint`, e.g. from `vpc.addInterfaceEndpoint`, created before the key), else one
   * created under the VPC construct, in the VPC's stack, by the first key. Each key adds itself to that endpoint's
   * policy. Private DNS sends all of the VPC's KMS traffic through the endpoint: see `restrictEndpointToGuardedKeys`.
   * @default - no endpoint is used or created; give `endpoints` or `allowedVpcIds`
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html
   */
  readonly vpcs?: ec2.IVpc[];
  /**
   * Subnets of the endpoint created in each VPC of `vpcs`. The endpoint is shared, so keys that set `subnets` on the
   * same VPC must select the same subnets.
   * @default - the endpoint's subnets: the VPC's private subnets, one per Availability Zone, as `InterfaceVpcEndpoint` chooses
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Existing KMS interface endpoints the key may be used through (`aws:SourceVpce`). Their policies are not changed
   * here: an endpoint whose id the key policy names cannot also name the key in its own policy without a dependency
   * cycle. Prefer `vpcs`, whose endpoints this construct manages. An endpoint that is also the shared endpoint of one
   * of `vpcs` is admitted through its VPC and left out here.
   * @default - none
   */
  readonly endpoints?: ec2.IInterfaceVpcEndpoint[];
  /**
   * VPC ids the key may be used from (`aws:SourceVpc`), through any KMS endpoint in them.
   * @default - none
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html#vpce-policy-condition
   */
  readonly allowedVpcIds?: string[];
  /**
   * Who may use the endpoints of `vpcs`: account ids or principal ARNs. It is a setting of the shared endpoint, so
   * every VpceRestrictedKey restricted to the same VPC must give the same list (an error otherwise).
   * @default - the key's account
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html#vpce-policy-create
   */
  readonly endpointPrincipals?: string[];
  /**
   * Other keys, by ARN, that the endpoints of `vpcs` allow as guarded keys. With `restrictEndpointToGuardedKeys`,
   * these are the only other keys usable from the VPCs. The shared endpoint lives with the VPC: an ARN that refers to
   * a key of another stack makes the endpoint's stack depend on that stack; prefer literal ARNs.
   * @default - only the guarded keys
   */
  readonly additionalKeyArns?: string[];
  /**
   * Allow only the guarded keys (every VpceRestrictedKey restricted to the VPC, and their `additionalKeyArns`)
   * through the endpoints of `vpcs`.
   *
   * Off, the endpoint policy also allows every other KMS use by `endpointPrincipals` (statement `AllowOtherKmsUse`,
   * `kms:*` on `*`), because private DNS sends all of the VPC's KMS calls through the endpoint: other keys, AWS managed
   * keys, ListKeys. Synth warns that the endpoint admits other keys. On, every other KMS call from the VPC is denied by
   * the endpoint, and synth warns about that. It is a setting of the shared endpoint, so every VpceRestrictedKey
   * restricted to the same VPC must agree (an error otherwise).
   * @default - false: the endpoints also allow every other KMS use by `endpointPrincipals`, with a synth warning
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html#vpce-policy
   */
  readonly restrictEndpointToGuardedKeys?: boolean;
}

/**
 * A GuardedKmsKey usable only through given VPC endpoints or from given VPCs. Its key policy denies the cryptographic
 * operations unless `aws:SourceVpce` or `aws:SourceVpc` is one of the allowed values, except for requests made by or
 * through AWS services, which reach KMS from their own networks.
 *
 * In each VPC of `vpcs` the key is used through one KMS interface endpoint with private DNS, shared by every
 * VpceRestrictedKey restricted to that VPC (a VPC holds only one): the app's own KMS endpoint there if it has one,
 * else an endpoint created under the VPC construct by the first key. Its policy allows the guarded keys for
 * `endpointPrincipals`, and by default every other KMS use by them too, so that the rest of the VPC's KMS calls keep
 * working; `restrictEndpointToGuardedKeys` cuts those off. Synth warns either way.
 *
 * The key policy admits these endpoints by their VPC (`aws:SourceVpc`), not their id: the endpoint's policy names
 * the key, so the key policy naming the endpoint would be a dependency cycle. For the same reason the endpoint's
 * policy names keys of other stacks than the VPC's by account, Region and alias (`kms:ResourceAliases`) rather than
 * by ARN: each key's stack depends on the VPC's stack, never the reverse.
 */
export class VpceRestrictedKey extends GuardedKmsKey {
  /**
   * The KMS endpoints this key is used through, one per VPC of `vpcs`. They are shared with the other
   * VpceRestrictedKeys restricted to the same VPCs, and may be the app's own endpoints.
   */
  public readonly createdEndpoints: ec2.InterfaceVpcEndpoint[];

  public constructor(scope: Construct, id: string, props: VpceRestrictedKeyProps) {
    super(scope, id, props);
    const vpcs = props.vpcs ?? [];
    if (vpcs.length === 0 && (props.endpoints ?? []).length === 0 && (props.allowedVpcIds ?? []).length === 0) {
      throw new Error(`${this.node.path}: a VpceRestrictedKey needs vpcs (to create endpoints), endpoints, or allowedVpcIds`);
    }
    if (props.restrictEndpointToGuardedKeys === true && vpcs.length === 0) {
      throw new Error(`${this.node.path}: restrictEndpointToGuardedKeys is true but vpcs is empty: `
        + 'it applies to the endpoints of vpcs only (endpoints and allowedVpcIds are not managed here). Add the VPCs to vpcs, or remove the setting.');
    }
    if (props.endpointPrincipals !== undefined && props.endpointPrincipals.length === 0) {
      throw new Error(`${this.node.path}: endpointPrincipals is empty, so nobody could use the endpoints: expected account ids or principal ARNs. `
        + 'Remove it to allow the key\'s account.');
    }
    for (const c of [...vpcs, ...(props.endpoints ?? [])]) this.checkSameRegion(c);
    for (const [prop, values, problemOf] of [
      ['allowedVpcIds', props.allowedVpcIds ?? [], vpcIdProblem],
      ['additionalKeyArns', props.additionalKeyArns ?? [], keyArnProblem],
    ] as const) {
      for (const value of values) {
        const problem = Token.isUnresolved(value) ? undefined : problemOf(value);
        if (problem !== undefined) throw new Error(`${this.node.path}: ${prop} entry ${JSON.stringify(value)} ${problem}`);
      }
    }

    const shared = vpcs.map((vpc) => registerKeyWithVpcEndpoint(vpc, {
      key: this,
      keyArn: this.keyArn,
      aliasName: this.aliasName,
      additionalKeyArns: props.additionalKeyArns ?? [],
      principals: props.endpointPrincipals ?? [this.stack.account],
      restrictToGuardedKeys: props.restrictEndpointToGuardedKeys ?? false,
      subnets: props.subnets,
    }));
    this.createdEndpoints = shared.filter((e, i) => shared.indexOf(e) === i);

    // A shared endpoint's policy names this key: naming its id here too would be a cycle. Its VPC admits it already.
    const endpoints = (props.endpoints ?? []).filter((e) => !shared.some((s) => s === e || s.vpcEndpointId === e.vpcEndpointId));
    for (const e of endpoints) {
      Annotations.of(this).addInfo(`endpoint ${e.node.path} is admitted by id; its own policy is not managed here and may allow other keys`);
    }
    this.addToResourcePolicy(iam.PolicyStatement.fromJson(endpointOnlyStatement(
      endpoints.map((e) => e.vpcEndpointId),
      [...vpcs.map((v) => v.vpcId), ...(props.allowedVpcIds ?? [])].filter((v, i, all) => all.indexOf(v) === i),
    )));
  }

  private checkSameRegion(construct: Construct): void {
    const region = Stack.of(construct).region;
    if (Token.compareStrings(region, this.stack.region) === TokenComparison.DIFFERENT) {
      throw new Error(`${this.node.path}: ${construct.node.path} is in Region ${region} but the key is in ${this.stack.region}: `
        + 'a VPC endpoint only reaches KMS in its own Region. Create the key in the endpoint\'s Region, or use a multi-Region replica there.');
    }
  }
}
