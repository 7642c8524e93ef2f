import { Annotations, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { endpointOnlyStatement, endpointPolicyStatements } from '../builders/endpoint-statements';
import { GuardedKmsKey, GuardedKmsKeyProps } from './guarded-kms-key';

export interface VpceRestrictedKeyProps extends GuardedKmsKeyProps {
  /**
   * Create a KMS interface endpoint in this VPC (private DNS on), whose policy allows only this key.
   * @default - no endpoint is created; give `endpoints` or `allowedVpcIds`
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets for the created endpoint.
   * @default - the VPC's private subnets, as `InterfaceVpcEndpoint` chooses
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Existing KMS interface endpoints the key may be used through. Their policies are changed to allow this key only
   * when they are `InterfaceVpcEndpoint`s of this app.
   * @default - none
   */
  readonly endpoints?: ec2.IInterfaceVpcEndpoint[];
  /**
   * Restrict by VPC (`aws:SourceVpc`) instead of by endpoint.
   * @default - restrict by endpoint
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html#vpce-policy-condition
   */
  readonly allowedVpcIds?: string[];
  /**
   * Who may use the keys through the endpoints this construct manages: account ids or principal ARNs.
   * @default - the key's account
   */
  readonly endpointPrincipals?: string[];
  /**
   * Other keys the managed endpoints allow, by ARN.
   * @default - only this key
   */
  readonly additionalKeyArns?: string[];
}

/**
 * A GuardedKmsKey usable only through given VPC endpoints (or VPCs). Its key policy denies the cryptographic
 * operations unless `aws:SourceVpce` (or `aws:SourceVpc`) is one of the allowed values, except for requests made by or
 * through AWS services, which reach KMS from their own networks. It can create the KMS interface endpoint, and the
 * endpoints it manages get a policy that allows only this key (and `additionalKeyArns`).
 */
export class VpceRestrictedKey extends GuardedKmsKey {
  /** The endpoint created in `vpc`, if any. */
  public readonly endpoint?: ec2.InterfaceVpcEndpoint;
  /** The endpoint ids the key may be used through (tokens for created endpoints). */
  public readonly allowedEndpointIds: string[];

  public constructor(scope: Construct, id: string, props: VpceRestrictedKeyProps) {
    super(scope, id, props);
    const endpoints = props.endpoints ?? [];
    const vpcIds = props.allowedVpcIds ?? [];
    if (!props.vpc && endpoints.length === 0 && vpcIds.length === 0) {
      throw new Error(`${this.node.path}: a VpceRestrictedKey needs vpc (to create an endpoint), endpoints, or allowedVpcIds`);
    }
    if (vpcIds.length > 0 && (props.vpc || endpoints.length > 0)) {
      throw new Error(`${this.node.path}: restrict the key by endpoints (vpc, endpoints) or by allowedVpcIds, not both`);
    }
    for (const endpoint of endpoints) this.checkSameRegion(endpoint, endpoint.node.path);
    if (props.vpc) this.checkSameRegion(props.vpc, props.vpc.node.path);

    if (props.vpc) {
      // The endpoint lives under the key, in the key's stack: its policy names the key and the key policy names it,
      // so keeping both in one stack avoids a cross-stack cycle.
      this.endpoint = new ec2.InterfaceVpcEndpoint(this, 'KmsEndpoint', {
        vpc: props.vpc,
        service: ec2.InterfaceVpcEndpointAwsService.KMS,
        privateDnsEnabled: true,
        subnets: props.subnets,
      });
    }
    const managed = [...(this.endpoint ? [this.endpoint] : []), ...endpoints.filter((e): e is ec2.InterfaceVpcEndpoint => e instanceof ec2.InterfaceVpcEndpoint)];
    for (const e of endpoints) {
      if (!(e instanceof ec2.InterfaceVpcEndpoint)) {
        Annotations.of(this).addWarning(`endpoint ${e.node.path} is imported: its policy is not managed here, so it may allow other keys`);
      }
    }
    this.allowedEndpointIds = [...(this.endpoint ? [this.endpoint] : []), ...endpoints].map((e) => e.vpcEndpointId);
    this.addToResourcePolicy(iam.PolicyStatement.fromJson(endpointOnlyStatement(vpcIds.length > 0 ? [] : this.allowedEndpointIds, vpcIds)));

    const principals = props.endpointPrincipals ?? [this.stack.account];
    for (const e of managed) {
      for (const s of endpointPolicyStatements({ keyArns: [this.keyArn, ...(props.additionalKeyArns ?? [])], principals, actions: ['kms:*'] })) {
        e.addToPolicy(iam.PolicyStatement.fromJson(s));
      }
    }
  }

  private checkSameRegion(construct: Construct, path: string): void {
    const region = Stack.of(construct).region;
    if (Token.compareStrings(region, this.stack.region) === TokenComparison.DIFFERENT) {
      throw new Error(`${this.node.path}: ${path} is in Region ${region} but the key is in ${this.stack.region}: `
        + 'a VPC endpoint only reaches KMS in its own Region. Create the key in the endpoint\'s Region, or use a multi-Region replica there.');
    }
  }
}
