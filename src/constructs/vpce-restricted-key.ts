import { Annotations, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GuardedKmsKey, GuardedKmsKeyProps } from './guarded-kms-key';
import { endpointOnlyStatement, endpointPolicyStatements } from '../builders/endpoint-statements';

export interface VpceRestrictedKeyProps extends GuardedKmsKeyProps {
  /**
   * Create a KMS interface endpoint (private DNS on) in each of these VPCs, with a policy that allows only this key
   * (and `additionalKeyArns`). The key may then be used from these VPCs.
   * @default - no endpoint is created; give `endpoints` or `allowedVpcIds`
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html
   */
  readonly vpcs?: ec2.IVpc[];
  /**
   * Subnets for the created endpoints.
   * @default - the VPC's private subnets, as `InterfaceVpcEndpoint` chooses
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Existing KMS interface endpoints the key may be used through (`aws:SourceVpce`). Their policies are not changed
   * here: an endpoint whose id the key policy names cannot also name the key in its own policy without a dependency
   * cycle. Prefer `vpcs`, whose endpoints this construct creates and restricts.
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
   * Who may use the keys through the endpoints this construct creates: account ids or principal ARNs.
   * @default - the key's account
   */
  readonly endpointPrincipals?: string[];
  /**
   * Other keys the created endpoints allow, by ARN.
   * @default - only this key
   */
  readonly additionalKeyArns?: string[];
}

/**
 * A GuardedKmsKey usable only through given VPC endpoints or from given VPCs. Its key policy denies the cryptographic
 * operations unless `aws:SourceVpce` or `aws:SourceVpc` is one of the allowed values, except for requests made by or
 * through AWS services, which reach KMS from their own networks. It creates a KMS interface endpoint in each VPC of
 * `vpcs`, with an endpoint policy that allows only this key.
 *
 * The key policy admits created endpoints by their VPC (`aws:SourceVpc`), not their id: each endpoint's policy names
 * the key, so the key policy naming the endpoint would be a dependency cycle.
 */
export class VpceRestrictedKey extends GuardedKmsKey {
  /** The endpoints created in `vpcs`. */
  public readonly createdEndpoints: ec2.InterfaceVpcEndpoint[];

  public constructor(scope: Construct, id: string, props: VpceRestrictedKeyProps) {
    super(scope, id, props);
    const vpcs = props.vpcs ?? [];
    const endpoints = props.endpoints ?? [];
    if (vpcs.length === 0 && endpoints.length === 0 && (props.allowedVpcIds ?? []).length === 0) {
      throw new Error(`${this.node.path}: a VpceRestrictedKey needs vpcs (to create endpoints), endpoints, or allowedVpcIds`);
    }
    for (const c of [...vpcs, ...endpoints]) this.checkSameRegion(c);

    // The endpoints live under the key, in the key's stack, so the key policy and the endpoint policies never make
    // the stacks that hold the VPCs depend on the key.
    this.createdEndpoints = vpcs.map((vpc, i) => new ec2.InterfaceVpcEndpoint(this, vpcs.length === 1 ? 'KmsEndpoint' : `KmsEndpoint${i}`, {
      vpc,
      service: ec2.InterfaceVpcEndpointAwsService.KMS,
      privateDnsEnabled: true,
      subnets: props.subnets,
    }));
    for (const e of endpoints) {
      Annotations.of(this).addInfo(`endpoint ${e.node.path} is admitted by id; its own policy is not managed here and may allow other keys`);
    }
    this.addToResourcePolicy(iam.PolicyStatement.fromJson(endpointOnlyStatement(
      endpoints.map((e) => e.vpcEndpointId),
      [...vpcs.map((v) => v.vpcId), ...(props.allowedVpcIds ?? [])],
    )));

    const principals = props.endpointPrincipals ?? [this.stack.account];
    for (const endpoint of this.createdEndpoints) {
      for (const s of endpointPolicyStatements({ keyArns: [this.keyArn, ...(props.additionalKeyArns ?? [])], principals, actions: ['kms:*'] })) {
        endpoint.addToPolicy(iam.PolicyStatement.fromJson(s));
      }
    }
  }

  private checkSameRegion(construct: Construct): void {
    const region = Stack.of(construct).region;
    if (Token.compareStrings(region, this.stack.region) === TokenComparison.DIFFERENT) {
      throw new Error(`${this.node.path}: ${construct.node.path} is in Region ${region} but the key is in ${this.stack.region}: `
        + 'a VPC endpoint only reaches KMS in its own Region. Create the key in the endpoint\'s Region, or use a multi-Region replica there.');
    }
  }
}
