import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AppEvaluator } from './app-evaluator';
import { KeyCapability, VpceRestrictedKey, VpceRestrictedKeyProps } from '../../src';

const ENV = { account: '111122223333', region: 'us-east-1' };

// What `cdk context` would cache for the accounts used here: no AWS call at synth.
const AZ_CONTEXT = {
  'availability-zones:account=111122223333:region=us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  'availability-zones:account=111122223333:region=us-west-2': ['us-west-2a', 'us-west-2b'],
};

const SHARED_ENDPOINT = 'KmsGuardEndpoint';
const ALLOW_ALL_KMS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };

function setup() {
  const app = new App({ context: AZ_CONTEXT });
  const stack = new Stack(app, 'Owner', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0 });
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const user = new iam.Role(stack, 'User', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { app, stack, vpc, admin, user };
}

/** Three stacks: the VPC in Network, one key in each of KeysA and KeysB. */
function setupThreeStacks(keyProps: Partial<VpceRestrictedKeyProps> = {}) {
  const app = new App({ context: AZ_CONTEXT });
  const network = new Stack(app, 'Network', { env: ENV });
  const vpc = new ec2.Vpc(network, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0 });
  const keysA = new Stack(app, 'KeysA', { env: ENV });
  const keysB = new Stack(app, 'KeysB', { env: ENV });
  const adminA = new iam.Role(keysA, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const adminB = new iam.Role(keysB, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const keyA = new VpceRestrictedKey(keysA, 'Key', { administrators: [adminA], vpcs: [vpc], alias: 'key-a', ...keyProps });
  const keyB = new VpceRestrictedKey(keysB, 'Key', { administrators: [adminB], vpcs: [vpc], alias: 'key-b', ...keyProps });
  return { app, network, vpc, keysA, keysB, keyA, keyB };
}

function keyPolicy(stack: Stack, pathPrefix = ''): any[] {
  const keys = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))
    .filter((r: any) => (r.Metadata?.['aws:cdk:path'] ?? '').startsWith(pathPrefix));
  return (keys[0] as any).Properties.KeyPolicy.Statement;
}

function endpointStatements(stack: Stack): any[] {
  const endpoints = Object.values(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint'));
  expect(endpoints).toHaveLength(1);
  return (endpoints[0] as any).Properties.PolicyDocument.Statement;
}

/** The stack dependencies of the synthesized manifest, and whether they contain a cycle. */
function manifestDependencies(app: App): { dependencies: Record<string, string[]>; cyclic: boolean } {
  const assembly = app.synth();
  const dependencies: Record<string, string[]> = {};
  for (const stack of assembly.stacks) dependencies[stack.id] = stack.dependencies.map((d) => d.id).filter((id) => !id.endsWith('.assets'));
  const state: Record<string, 'visiting' | 'done'> = {};
  const visit = (id: string): boolean => {
    if (state[id] === 'done') return false;
    if (state[id] === 'visiting') return true;
    state[id] = 'visiting';
    const cyclic = (dependencies[id] ?? []).some(visit);
    state[id] = 'done';
    return cyclic;
  };
  return { dependencies, cyclic: Object.keys(dependencies).some(visit) };
}

describe('VpceRestrictedKey', () => {
  test('uses a KMS endpoint under the VPC that allows this key and other KMS use, and denies use of the key from anywhere else except AWS services', () => {
    // GIVEN
    const { stack, vpc, admin, user } = setup();
    // WHEN
    const key = new VpceRestrictedKey(stack, 'Key', { administrators: [admin], vpcs: [vpc], users: [{ grantee: user, capabilities: [KeyCapability.DECRYPT] }] });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.us-east-1.kms',
      PrivateDnsEnabled: true,
      VpcId: { Ref: Match.stringLikeRegexp('^Vpc') },
      PolicyDocument: {
        Statement: [{
          Sid: 'AllowGuardedKeys',
          Effect: 'Allow',
          Action: 'kms:*',
          Principal: { AWS: '111122223333' },
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
        }, {
          Sid: 'AllowOtherKmsUse',
          Effect: 'Allow',
          Action: 'kms:*',
          Principal: { AWS: '111122223333' },
          Resource: '*',
        }],
      },
    });
    expect(key.createdEndpoints.map((e) => e.node.path)).toEqual([`Owner/Vpc/${SHARED_ENDPOINT}`]);
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

  test('uses an endpoint per VPC and admits existing endpoints by id, whose policies it leaves alone', () => {
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
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowGuardedKeys', Resource: [Match.anyValue(), 'arn:aws:kms:us-east-1:111122223333:key/other'] })]) },
    });
    expect(keyPolicy(stack).find((s) => s.Sid === 'DenyUseOutsideAllowedNetworks').Condition.StringNotEquals).toEqual({
      'aws:SourceVpce': ['vpce-0feedbeef'],
      'aws:SourceVpc': [{ Ref: expect.stringMatching(/^Vpc/) }, { Ref: expect.stringMatching(/^Other/) }],
    });
    Annotations.fromStack(stack).hasInfo('/Owner/Key', Match.stringLikeRegexp('admitted by id'));
  });

  test('matches the snapshot', () => {
    const { app, stack, vpc, admin, user } = setup();
    new VpceRestrictedKey(stack, 'Key', { administrators: [admin], vpcs: [vpc], alias: 'payments', users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT] }] });
    const resources = Template.fromStack(stack).toJSON().Resources;
    // The VPC's subnets and routes are aws-cdk-lib's business: snapshot only what this construct generates.
    const ours = Object.fromEntries(Object.entries(resources).filter(([, r]: [string, any]) => ['AWS::KMS::Key', 'AWS::KMS::Alias', 'AWS::EC2::VPCEndpoint', 'AWS::IAM::Policy'].includes(r.Type)));
    expect(ours).toMatchSnapshot();
    AppEvaluator.assertDeployable(app);
  });

  describe('shares one KMS endpoint per VPC', () => {
    test('two keys on one VPC share exactly one endpoint with private DNS, whose policy names both keys', () => {
      // GIVEN
      const { stack, vpc, admin } = setup();
      // WHEN
      const first = new VpceRestrictedKey(stack, 'First', { administrators: [admin], vpcs: [vpc] });
      const second = new VpceRestrictedKey(stack, 'Second', { administrators: [admin], vpcs: [vpc] });
      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { PrivateDnsEnabled: true, ServiceName: 'com.amazonaws.us-east-1.kms' });
      const guarded = endpointStatements(stack).find((s) => s.Sid === 'AllowGuardedKeys');
      expect(guarded.Resource).toEqual([
        { 'Fn::GetAtt': [expect.stringMatching(/^First/), 'Arn'] },
        { 'Fn::GetAtt': [expect.stringMatching(/^Second/), 'Arn'] },
      ]);
      expect(second.createdEndpoints[0]).toBe(first.createdEndpoints[0]);
    });

    test('keys in two stacks and the VPC in a third share one endpoint in the VPC\'s stack, with no dependency cycle', () => {
      // GIVEN / WHEN
      const { app, network, keysA, keysB } = setupThreeStacks();
      // THEN: one endpoint, in the VPC's stack, none in the keys' stacks
      Template.fromStack(keysA).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      Template.fromStack(keysB).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      // The keys of other stacks are named by account, Region and alias: literals, not cross-stack references.
      expect(endpointStatements(network).find((s) => s.Sid === 'AllowGuardedKeysByAlias')).toEqual({
        Sid: 'AllowGuardedKeysByAlias',
        Effect: 'Allow',
        Principal: { AWS: '111122223333' },
        Action: 'kms:*',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-east-1:111122223333:key/*']] },
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/key-a', 'alias/key-b'] } },
      });
      const { dependencies, cyclic } = manifestDependencies(app);
      expect(cyclic).toBe(false);
      expect(dependencies).toEqual({ Network: [], KeysA: ['Network'], KeysB: ['Network'] });
    });

    test('a key in the VPC\'s stack is named by ARN and a key in another stack by alias, with no dependency cycle', () => {
      // GIVEN: the layout that would cycle if the endpoint named every key by ARN (Network -> App -> Network)
      const { app, stack, vpc, admin } = setup();
      const other = new Stack(app, 'App', { env: ENV });
      const otherAdmin = new iam.Role(other, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      // WHEN
      new VpceRestrictedKey(stack, 'Local', { administrators: [admin], vpcs: [vpc] });
      new VpceRestrictedKey(other, 'Remote', { administrators: [otherAdmin], vpcs: [vpc], alias: 'remote' });
      // THEN
      const statements = endpointStatements(stack);
      expect(statements.map((s) => s.Sid)).toEqual(['AllowGuardedKeys', 'AllowOtherKmsUse', 'AllowGuardedKeysByAlias']);
      expect(statements[0].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Local/), 'Arn'] });
      expect(statements[2].Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/remote' } });
      const { dependencies, cyclic } = manifestDependencies(app);
      expect(cyclic).toBe(false);
      expect(dependencies).toEqual({ Owner: [], App: ['Owner'] });
    });

    test('a VPC imported in two stacks gets one endpoint, in the first importer\'s stack, with no dependency between the stacks', () => {
      // GIVEN: the same VPC id imported twice, as two Vpc.fromLookup calls would
      const app = new App();
      const first = new Stack(app, 'First', { env: ENV });
      const second = new Stack(app, 'Second', { env: ENV });
      const attrs = { vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-0a'] };
      const admin = (s: Stack) => new iam.Role(s, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      // WHEN
      new VpceRestrictedKey(first, 'Key', { administrators: [admin(first)], vpcs: [ec2.Vpc.fromVpcAttributes(first, 'Vpc', attrs)] });
      new VpceRestrictedKey(second, 'Key', { administrators: [admin(second)], vpcs: [ec2.Vpc.fromVpcAttributes(second, 'Vpc', attrs)], alias: 'second' });
      // THEN
      Template.fromStack(second).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      expect(endpointStatements(first).map((s) => s.Sid)).toEqual(['AllowGuardedKeys', 'AllowOtherKmsUse', 'AllowGuardedKeysByAlias']);
      expect(manifestDependencies(app)).toEqual({ dependencies: { First: [], Second: [] }, cyclic: false });
    });

    test('the app\'s own KMS endpoint in the VPC is reused, and the guarded keys\' statements are added to its policy', () => {
      // GIVEN
      const { stack, vpc, admin } = setup();
      const mine = vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS });
      // WHEN
      const key = new VpceRestrictedKey(stack, 'Key', { administrators: [admin], vpcs: [vpc] });
      // THEN
      expect(key.createdEndpoints).toEqual([mine]);
      Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 1);
      expect(endpointStatements(stack).map((s) => s.Sid)).toEqual(['AllowGuardedKeys', 'AllowOtherKmsUse']);
      Annotations.fromStack(stack).hasWarning('/Owner/Vpc/Kms', Match.stringLikeRegexp('app\'s KMS endpoint Owner/Vpc/Kms \\(reused'));
    });

    test('a KMS endpoint without private DNS is neither reused nor in conflict', () => {
      const { stack, vpc, admin } = setup();
      vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS, privateDnsEnabled: false });
      const key = new VpceRestrictedKey(stack, 'Key', { administrators: [admin], vpcs: [vpc] });
      expect(key.createdEndpoints.map((e) => e.node.path)).toEqual([`Owner/Vpc/${SHARED_ENDPOINT}`]);
      Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    });

    test('a key that also lists the shared endpoint in endpoints admits it by VPC only, so the key and the endpoint do not reference each other', () => {
      const { stack, vpc, admin } = setup();
      const mine = vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS });
      new VpceRestrictedKey(stack, 'Key', { administrators: [admin], vpcs: [vpc], endpoints: [mine] });
      expect(keyPolicy(stack).find((s) => s.Sid === 'DenyUseOutsideAllowedNetworks').Condition.StringNotEquals).toEqual({
        'aws:SourceVpc': [{ Ref: expect.stringMatching(/^Vpc/) }],
      });
      expect(() => Template.fromStack(stack)).not.toThrow();
    });

    test('keys that select the same subnets share the endpoint', () => {
      const { stack, vpc, admin } = setup();
      new VpceRestrictedKey(stack, 'First', { administrators: [admin], vpcs: [vpc], subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
      new VpceRestrictedKey(stack, 'Second', { administrators: [admin], vpcs: [vpc], subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
      Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    });

    test('keys giving the same endpointPrincipals in another order share the endpoint', () => {
      const { stack, vpc, admin } = setup();
      new VpceRestrictedKey(stack, 'First', { administrators: [admin], vpcs: [vpc], endpointPrincipals: ['111122223333', '444455556666'] });
      new VpceRestrictedKey(stack, 'Second', { administrators: [admin], vpcs: [vpc], endpointPrincipals: ['444455556666', '111122223333'] });
      expect(endpointStatements(stack).find((s) => s.Sid === 'AllowOtherKmsUse').Principal).toEqual({ AWS: ['111122223333', '444455556666'] });
    });
  });

  describe('other KMS use from the VPC', () => {
    test('is allowed by default, with a warning naming the VPC, the endpoint and how to restrict it', () => {
      // GIVEN
      const { stack, vpc, admin } = setup();
      // WHEN
      new VpceRestrictedKey(stack, 'Key', { administrators: [admin], vpcs: [vpc] });
      // THEN
      expect(endpointStatements(stack).find((s) => s.Sid === 'AllowOtherKmsUse')).toEqual({
        Sid: 'AllowOtherKmsUse', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*',
      });
      Annotations.fromStack(stack).hasWarning(`/Owner/Vpc/${SHARED_ENDPOINT}`, Match.stringLikeRegexp(
        `KMS endpoint Owner/Vpc/${SHARED_ENDPOINT} \\(created for Owner/Key\\) in VPC Owner/Vpc .*also admits other keys.*restrictEndpointToGuardedKeys: true`));
    });

    test('is denied with restrictEndpointToGuardedKeys: only the guarded keys are allowed, with a warning that every other KMS call is denied', () => {
      // GIVEN
      const { stack, vpc, admin } = setup();
      // WHEN
      new VpceRestrictedKey(stack, 'First', { administrators: [admin], vpcs: [vpc], restrictEndpointToGuardedKeys: true, additionalKeyArns: ['arn:aws:kms:us-east-1:111122223333:key/extra'] });
      new VpceRestrictedKey(stack, 'Second', { administrators: [admin], vpcs: [vpc], restrictEndpointToGuardedKeys: true });
      // THEN
      expect(endpointStatements(stack)).toEqual([{
        Sid: 'AllowGuardedKeys',
        Effect: 'Allow',
        Principal: { AWS: '111122223333' },
        Action: 'kms:*',
        Resource: [
          { 'Fn::GetAtt': [expect.stringMatching(/^First/), 'Arn'] },
          'arn:aws:kms:us-east-1:111122223333:key/extra',
          { 'Fn::GetAtt': [expect.stringMatching(/^Second/), 'Arn'] },
        ],
      }]);
      Annotations.fromStack(stack).hasWarning(`/Owner/Vpc/${SHARED_ENDPOINT}`, Match.stringLikeRegexp(
        'VPC Owner/Vpc allows only the guarded keys.*every other KMS call from this VPC is denied'));
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('also admits other keys'));
    });
  });

  describe('proved with the evaluator', () => {
    function evaluatorFor(restrictEndpointToGuardedKeys: boolean) {
      const { app, stack, vpc, admin, user } = setup();
      new VpceRestrictedKey(stack, 'Key', {
        administrators: [admin],
        vpcs: [vpc],
        restrictEndpointToGuardedKeys,
        users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT] }],
      });
      // A key in another stack, named by alias in the endpoint's policy.
      const remote = new Stack(app, 'Remote', { env: ENV });
      const remoteAdmin = new iam.Role(remote, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      const remoteUser = new iam.Role(remote, 'User', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      new VpceRestrictedKey(remote, 'Key', {
        administrators: [remoteAdmin], vpcs: [vpc], alias: 'remote', restrictEndpointToGuardedKeys, users: [{ grantee: remoteUser, capabilities: [KeyCapability.DECRYPT] }],
      });
      // An ordinary key that the account's IAM policies may use.
      new kms.Key(stack, 'Unguarded');
      return AppEvaluator.synth(app);
    }
    const through = { throughEndpoint: `Owner/Vpc/${SHARED_ENDPOINT}` };
    const someone = { arn: 'arn:aws:sts::111122223333:assumed-role/app/s', identityPolicies: [ALLOW_ALL_KMS] };

    test('by default, another key can be used through the shared endpoint', () => {
      const evaluator = evaluatorFor(false);
      expect(evaluator.evaluate('Owner/Unguarded', someone, 'kms:Decrypt', through).decision).toBe('allow');
      expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Owner/User'), 'kms:Decrypt', through).decision).toBe('allow');
    });

    test('restricted, another key is denied through the shared endpoint while both guarded keys stay usable', () => {
      const evaluator = evaluatorFor(true);
      const other = evaluator.evaluate('Owner/Unguarded', someone, 'kms:Decrypt', through);
      expect(other.decision).toBe('implicit-deny');
      expect(other.explanation).toMatch(/endpoint/i);
      expect(evaluator.evaluate('Owner/Unguarded', someone, 'kms:Decrypt').decision).toBe('allow');
      expect(evaluator.evaluate('Owner/Key', evaluator.callerFor('Owner/User'), 'kms:Decrypt', through).decision).toBe('allow');
      expect(evaluator.evaluate('Remote/Key', evaluator.callerFor('Remote/User'), 'kms:Decrypt', through).decision).toBe('allow');
    });
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

    test('when two keys on one VPC disagree on restrictEndpointToGuardedKeys, naming both keys', () => {
      const { stack, vpc, admin } = setup();
      new VpceRestrictedKey(stack, 'First', { administrators: [admin], vpcs: [vpc] });
      expect(() => new VpceRestrictedKey(stack, 'Second', { administrators: [admin], vpcs: [vpc], restrictEndpointToGuardedKeys: true }))
        .toThrow(/^Owner\/Second: restrictEndpointToGuardedKeys is true, but Owner\/First set it to false for the KMS endpoint Owner\/Vpc\/KmsGuardEndpoint .*same restrictEndpointToGuardedKeys/);
    });

    test('when two keys on one VPC disagree on endpointPrincipals, naming both keys and both lists', () => {
      const { stack, vpc, admin } = setup();
      new VpceRestrictedKey(stack, 'First', { administrators: [admin], vpcs: [vpc] });
      expect(() => new VpceRestrictedKey(stack, 'Second', { administrators: [admin], vpcs: [vpc], endpointPrincipals: ['arn:aws:iam::111122223333:role/app'] }))
        .toThrow(/^Owner\/Second: endpointPrincipals is \["arn:aws:iam::111122223333:role\/app"\], but Owner\/First asked for \["111122223333"\] .*same endpointPrincipals/);
    });

    test('when two keys on one VPC select different subnets', () => {
      const { stack, vpc, admin } = setup();
      new VpceRestrictedKey(stack, 'First', { administrators: [admin], vpcs: [vpc] });
      expect(() => new VpceRestrictedKey(stack, 'Second', { administrators: [admin], vpcs: [vpc], subnets: { subnetType: ec2.SubnetType.PUBLIC } }))
        .toThrow(/^Owner\/Second: subnets selects .*PublicSubnet.* but the KMS endpoint Owner\/Vpc\/KmsGuardEndpoint \(created for Owner\/First\) is in .*IsolatedSubnet/);
    });

    test('when the app adds a second KMS endpoint with private DNS to the VPC after the keys', () => {
      const { stack, vpc, admin } = setup();
      new VpceRestrictedKey(stack, 'Key', { administrators: [admin], vpcs: [vpc] });
      vpc.addInterfaceEndpoint('Late', { service: ec2.InterfaceVpcEndpointAwsService.KMS });
      expect(() => Template.fromStack(stack)).toThrow(/VPC Owner\/Vpc has 2 KMS interface endpoints with private DNS: Owner\/Vpc\/KmsGuardEndpoint .* and Owner\/Vpc\/Late\/Resource.*conflicting DNS domain/);
    });

    test('with restrictEndpointToGuardedKeys but no vpcs', () => {
      const { stack, admin } = setup();
      expect(() => new VpceRestrictedKey(stack, 'Key', { administrators: [admin], allowedVpcIds: ['vpc-0a1b2c3d'], restrictEndpointToGuardedKeys: true }))
        .toThrow(/^Owner\/Key: restrictEndpointToGuardedKeys is true but vpcs is empty/);
    });

    test('with empty endpointPrincipals', () => {
      const { stack, vpc, admin } = setup();
      expect(() => new VpceRestrictedKey(stack, 'Key', { administrators: [admin], vpcs: [vpc], endpointPrincipals: [] }))
        .toThrow(/^Owner\/Key: endpointPrincipals is empty/);
    });
  });
});
