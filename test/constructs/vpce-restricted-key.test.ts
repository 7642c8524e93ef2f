import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KeyCapability, VpceRestrictedKey } from '../../src';

const ENV = { account: '111122223333', region: 'us-east-1' };

// What `cdk context` would cache for the accounts used here: no AWS call at synth.
const AZ_CONTEXT = {
  'availability-zones:account=111122223333:region=us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  'availability-zones:account=111122223333:region=us-west-2': ['us-west-2a', 'us-west-2b'],
};

function setup() {
  const app = new App({ context: AZ_CONTEXT });
  const stack = new Stack(app, 'Owner', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0 });
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const user = new iam.Role(stack, 'User', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { app, stack, vpc, admin, user };
}

function keyPolicy(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
}

describe('VpceRestrictedKey', () => {
  test('creates a KMS endpoint whose policy allows only this key, and denies use from anywhere else except AWS services', () => {
    const { stack, vpc, admin, user } = setup();
    new VpceRestrictedKey(stack, 'Key', { administrators: [admin], vpcs: [vpc], users: [{ grantee: user, capabilities: [KeyCapability.DECRYPT] }] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.us-east-1.kms',
      PrivateDnsEnabled: true,
      PolicyDocument: {
        Statement: [{
          Sid: 'AllowOnlyGuardedKeys',
          Effect: 'Allow',
          Action: 'kms:*',
          Principal: { AWS: '111122223333' },
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
        }],
      },
    });
    const deny = keyPolicy(stack).find((s) => s.Sid === 'DenyUseOutsideAllowedNetworks');
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Condition: {
        StringNotEquals: { 'aws:SourceVpc': [{ Ref: expect.stringMatching(/^Vpc/) }] },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' },
      },
    });
    expect(deny.Action).toContain('kms:Decrypt');
    // Administrators keep managing the key from anywhere: management actions are not restricted.
    expect(deny.Action).not.toContain('kms:PutKeyPolicy');
  });

  test('restricts by VPC with allowedVpcIds', () => {
    const { stack, admin } = setup();
    new VpceRestrictedKey(stack, 'Key', { administrators: [admin], allowedVpcIds: ['vpc-0a1b2c3d'] });
    expect(keyPolicy(stack).find((s) => s.Sid === 'DenyUseOutsideAllowedNetworks').Condition.StringNotEquals).toEqual({ 'aws:SourceVpc': ['vpc-0a1b2c3d'] });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('creates an endpoint per VPC and admits existing endpoints by id, whose policies it leaves alone', () => {
    const { stack, vpc, admin } = setup();
    const other = new ec2.Vpc(stack, 'Other', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0 });
    const imported = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Imported', { vpcEndpointId: 'vpce-0feedbeef', port: 443 });
    const key = new VpceRestrictedKey(stack, 'Key', {
      administrators: [admin], vpcs: [vpc, other], endpoints: [imported], additionalKeyArns: ['arn:aws:kms:us-east-1:111122223333:key/other'],
    });
    expect(key.createdEndpoints).toHaveLength(2);
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcId: { Ref: Match.stringLikeRegexp('^Other') },
      PolicyDocument: { Statement: [Match.objectLike({ Resource: [Match.anyValue(), 'arn:aws:kms:us-east-1:111122223333:key/other'] })] },
    });
    expect(keyPolicy(stack).find((s) => s.Sid === 'DenyUseOutsideAllowedNetworks').Condition.StringNotEquals).toEqual({
      'aws:SourceVpce': ['vpce-0feedbeef'],
      'aws:SourceVpc': [{ Ref: expect.stringMatching(/^Vpc/) }, { Ref: expect.stringMatching(/^Other/) }],
    });
    Annotations.fromStack(stack).hasInfo('/Owner/Key', Match.stringLikeRegexp('admitted by id'));
  });

  test('matches the snapshot', () => {
    const { stack, vpc, admin, user } = setup();
    new VpceRestrictedKey(stack, 'Key', { administrators: [admin], vpcs: [vpc], alias: 'payments', users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT] }] });
    const resources = Template.fromStack(stack).toJSON().Resources;
    // The VPC's subnets and routes are aws-cdk-lib's business: snapshot only what this construct generates.
    const ours = Object.fromEntries(Object.entries(resources).filter(([, r]: [string, any]) => ['AWS::KMS::Key', 'AWS::KMS::Alias', 'AWS::EC2::VPCEndpoint', 'AWS::IAM::Policy'].includes(r.Type)));
    expect(ours).toMatchSnapshot();
  });

  describe('fails', () => {
    test('without an endpoint, a VPC or VPC ids', () => {
      const { stack, admin } = setup();
      expect(() => new VpceRestrictedKey(stack, 'Key', { administrators: [admin] })).toThrow(/needs vpcs/);
    });

    test('with an endpoint in another Region', () => {
      const { app, admin, stack } = setup();
      const west = new Stack(app, 'West', { env: { account: ENV.account, region: 'us-west-2' } });
      const endpoint = new ec2.Vpc(west, 'Vpc', { availabilityZones: ['us-west-2a'], natGateways: 0 }).addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS });
      expect(() => new VpceRestrictedKey(stack, 'Key', { administrators: [admin], endpoints: [endpoint] })).toThrow(/is in Region us-west-2 but the key is in us-east-1/);
    });
  });
});
