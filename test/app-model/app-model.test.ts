import consumerStack from './fixtures/consumer-stack.template.json';
import keyStack from './fixtures/key-stack.template.json';
import { AppModel, buildAppModel } from '../../src/app-model/app-model';
import { uuidLike } from '../../src/app-model/hash';
import { StackTemplate } from '../../src/app-model/stack-template';

const ACCOUNT = '111122223333';
const env = { account: ACCOUNT, region: 'us-east-1' };
const keyArn = (stack: string, logicalId: string, region = 'us-east-1', account = ACCOUNT): string =>
  `arn:aws:kms:${region}:${account}:key/${uuidLike(`${account}/${region}/${stack}/${logicalId}`)}`;

/** The ARN of a multi-Region key as the model derives it (mrk- prefix), for replica tests. */
const keyArnOf = (stack: string, logicalId: string): string => buildAppModel([{
  stackName: stack, ...env, template: { Resources: { [logicalId]: { Type: 'AWS::KMS::Key', Properties: { MultiRegion: true } } } },
}]).keys[0].arn;

const ORDERS_KEY = keyArn('KeyStack', 'OrdersKey5B2E6B5F');
const SHARED_KEY = keyArn('KeyStack', 'SharedKey17AFBB84');
const VAULT_KEY = keyArn('KeyStack', 'VaultKey8F3A4C21');
const ADMIN_ROLE = 'arn:aws:iam::111122223333:role/admins/orders-key-admin';

/** The two fixture stacks: keys, roles and a KMS endpoint in KeyStack; a consumer role importing a key ARN in ConsumerStack. */
function fixtureApp(): AppModel {
  return buildAppModel([
    { stackName: 'KeyStack', ...env, template: keyStack },
    { stackName: 'ConsumerStack', ...env, template: consumerStack },
  ]);
}

const model = fixtureApp();
const key = (logicalId: string): AppModel['keys'][number] => model.keys.find((k) => k.logicalId === logicalId)!;
const principal = (logicalId: string): AppModel['principals'][number] => model.principals.find((p) => p.logicalId === logicalId)!;

describe('buildAppModel: keys', () => {
  test('GIVEN the fixture app WHEN modelled THEN its three keys have pinned, deterministic ARNs and key ids', () => {
    expect(model.keys.map((k) => [k.logicalId, k.arn])).toEqual([
      ['OrdersKey5B2E6B5F', ORDERS_KEY],
      ['SharedKey17AFBB84', SHARED_KEY],
      ['VaultKey8F3A4C21', VAULT_KEY],
    ]);
    // Pinned once: a change of the id scheme must be deliberate (reports and baselines quote these ARNs).
    expect(ORDERS_KEY).toBe('arn:aws:kms:us-east-1:111122223333:key/228976f1-2b34-774a-4303-528e089181aa');
    expect(key('OrdersKey5B2E6B5F').keyId).toBe(ORDERS_KEY.split('/')[1]);
    expect(fixtureApp()).toEqual(model);
  });

  test('GIVEN a key policy naming roles with Fn::GetAtt WHEN modelled THEN the principals are the exact role ARNs', () => {
    const orders = key('OrdersKey5B2E6B5F');
    expect(orders.policy.Statement.map((s: any) => s.Principal.AWS)).toEqual([ADMIN_ROLE, principal('AppRoleDC883459').arn, principal('AppRoleDC883459').arn]);
    expect(principal('AppRoleDC883459').arn).toBe('arn:aws:iam::111122223333:role/KeyStack-AppRoleDC883459-3D8A36780368');
    expect(orders.policy.Statement[2].Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:app': 'orders' } });
  });

  test('GIVEN the CDK default key policy (Fn::Join of AWS::Partition and AWS::AccountId) WHEN modelled THEN the root ARN is exact', () => {
    expect(key('SharedKey17AFBB84').policy).toEqual({
      Statement: [{ Action: 'kms:*', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Resource: '*' }],
      Version: '2012-10-17',
    });
  });

  test('GIVEN a Deny on aws:SourceVpce with Ref of the endpoint WHEN modelled THEN the condition holds the endpoint id', () => {
    const deny = key('VaultKey8F3A4C21').policy.Statement[1];
    expect(deny.Condition.StringNotEquals['aws:SourceVpce']).toBe(model.endpoints[0].id);
  });

  test('GIVEN aliases targeting a key by Fn::GetAtt Arn and by Ref WHEN modelled THEN each key lists its alias', () => {
    expect(model.keys.map((k) => k.aliases)).toEqual([['alias/orders'], ['alias/shared'], []]);
  });

  test('GIVEN key properties WHEN modelled THEN defaults apply and explicit values, tags and construct paths are read', () => {
    expect(key('OrdersKey5B2E6B5F')).toMatchObject({
      stackName: 'KeyStack',
      constructPath: 'KeyStack/OrdersKey/Resource',
      account: ACCOUNT,
      region: 'us-east-1',
      partition: 'aws',
      type: 'AWS::KMS::Key',
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      multiRegion: false,
      enabled: true,
      enableKeyRotation: true,
      tags: { team: 'orders' },
      unresolved: [],
    });
    expect(key('SharedKey17AFBB84').enableKeyRotation).toBe(false);
    expect(key('SharedKey17AFBB84').defaultPolicy).toBeUndefined();
  });

  test('GIVEN constructPaths from the caller WHEN modelled THEN they win over the template metadata', () => {
    const m = buildAppModel([{ stackName: 'KeyStack', ...env, template: keyStack, constructPaths: { OrdersKey5B2E6B5F: 'App/KeyStack/Orders/Resource' } }]);
    expect(m.keys[0].constructPath).toBe('App/KeyStack/Orders/Resource');
    expect(m.keys[1].constructPath).toBe('KeyStack/SharedKey/Resource');
  });
});

describe('buildAppModel: principals', () => {
  test('GIVEN the fixture app WHEN modelled THEN its roles are the principals, with exact ARNs', () => {
    expect(model.principals.map((p) => [p.logicalId, p.kind, p.arn])).toEqual([
      ['KeyAdminRoleA1B2C3D4', 'role', ADMIN_ROLE],
      ['AppRoleDC883459', 'role', 'arn:aws:iam::111122223333:role/KeyStack-AppRoleDC883459-3D8A36780368'],
      ['Consumer8D6BE417', 'role', 'arn:aws:iam::111122223333:role/ConsumerStack-Consumer8D6BE417-E392C288C399'],
    ]);
    expect(principal('KeyAdminRoleA1B2C3D4').name).toBe('orders-key-admin');
  });

  test('GIVEN an AWS::IAM::Policy with Roles [Ref] and a managed policy in ManagedPolicyArns WHEN modelled THEN both attach, resolved', () => {
    const app = principal('AppRoleDC883459');
    expect(app.identityPolicySources).toEqual(['policy KeyStack/AppRoleDefaultPolicy1872B475', 'managed policy KeyStack/ReadKeysPolicy983EDB8E']);
    expect(app.identityPolicies).toEqual([
      { Statement: [{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: [SHARED_KEY, VAULT_KEY] }], Version: '2012-10-17' },
      { Statement: [{ Action: 'kms:DescribeKey', Effect: 'Allow', Resource: [ORDERS_KEY, SHARED_KEY] }], Version: '2012-10-17' },
    ]);
    expect(app.externalManagedPolicies).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
    expect(app.tags).toEqual({ app: 'orders' });
    expect(app.trustPolicy.Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
  });

  test('GIVEN a managed policy listing the role in Roles WHEN modelled THEN it attaches to that role only', () => {
    expect(principal('KeyAdminRoleA1B2C3D4').identityPolicySources).toEqual(['managed policy KeyStack/AuditPolicy0E5D8C9B']);
    expect(principal('Consumer8D6BE417').identityPolicySources).toEqual(['policy ConsumerStack/ConsumerDefaultPolicyE9A971D5']);
  });

  test('GIVEN a policy whose Resource is Fn::ImportValue of the key stack export WHEN modelled THEN it is the exporting stack\'s key ARN', () => {
    expect(principal('Consumer8D6BE417').identityPolicies[0].Statement[0].Resource).toBe(SHARED_KEY);
    expect(principal('Consumer8D6BE417').unresolved).toEqual([]);
  });

  test('GIVEN users, groups and every way of attaching a policy WHEN modelled THEN each user gets the policies of its groups', () => {
    const doc = (action: string): any => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
    const m = buildAppModel([{
      stackName: 'Users',
      ...env,
      template: {
        Resources: {
          Ops: { Type: 'AWS::IAM::Group', Properties: { GroupName: 'ops', Policies: [{ PolicyName: 'inline', PolicyDocument: doc('kms:Decrypt') }] } },
          Alice: { Type: 'AWS::IAM::User', Properties: { UserName: 'alice', Groups: [{ Ref: 'Ops' }], Policies: [{ PolicyName: 'own', PolicyDocument: doc('kms:Encrypt') }] } },
          Bob: { Type: 'AWS::IAM::User', Properties: { UserName: 'bob' } },
          AddBob: { Type: 'AWS::IAM::UserToGroupAddition', Properties: { GroupName: { Ref: 'Ops' }, Users: [{ Ref: 'Bob' }] } },
          GroupPolicy: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'g', PolicyDocument: doc('kms:Sign'), Groups: [{ Ref: 'Ops' }] } },
          UserManaged: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc('kms:Verify'), Users: [{ Ref: 'Bob' }] } },
          BobPolicy: { Type: 'AWS::IAM::UserPolicy', Properties: { PolicyName: 'p', PolicyDocument: doc('kms:GenerateMac'), UserName: 'bob' } },
        },
      },
    }]);
    const sources = Object.fromEntries(m.principals.map((p) => [p.name, p.identityPolicySources]));
    expect(sources).toEqual({
      alice: ['inline policy own of the user', 'inline policy inline of group Users/Ops (through group ops)', 'policy Users/GroupPolicy (through group ops)'],
      bob: ['managed policy Users/UserManaged', 'policy Users/BobPolicy', 'inline policy inline of group Users/Ops (through group ops)', 'policy Users/GroupPolicy (through group ops)'],
    });
    expect(m.principals.find((p) => p.name === 'alice')!.arn).toBe('arn:aws:iam::111122223333:user/alice');
    expect(m.warnings).toEqual([]);
  });

  test('GIVEN permissions boundaries WHEN modelled THEN an in-app managed policy gives the document, an external one marks it unknown', () => {
    const boundaryDoc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] };
    const m = buildAppModel([{
      stackName: 'Bounded',
      ...env,
      template: {
        Resources: {
          Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'boundary', PolicyDocument: boundaryDoc } },
          Inside: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'inside', PermissionsBoundary: { Ref: 'Boundary' } } },
          Outside: {
            Type: 'AWS::IAM::Role',
            Properties: { RoleName: 'outside', PermissionsBoundary: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess' } },
          },
        },
      },
    }]);
    const [inside, outside] = m.principals;
    expect(inside).toMatchObject({ permissionsBoundary: boundaryDoc, permissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/boundary' });
    expect(inside.boundaryUnknown).toBeUndefined();
    expect(inside.identityPolicies).toEqual([]);
    expect(outside).toMatchObject({ boundaryUnknown: true, permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' });
    expect(outside.permissionsBoundary).toBeUndefined();
  });

  test('GIVEN a policy attaching to a role by an unresolved name WHEN modelled THEN it is a possible policy of every role of the account', () => {
    const policy = { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] };
    const m = buildAppModel([{
      stackName: 'S',
      ...env,
      template: {
        Parameters: { Target: { Type: 'String' } },
        Resources: {
          A: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'a' } },
          B: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'b' } },
          U: { Type: 'AWS::IAM::User', Properties: { UserName: 'u' } },
          P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', PolicyDocument: policy, Roles: [{ Ref: 'Target' }, { Ref: 'B' }] } },
        },
      },
    }]);
    const [a, b, u] = m.principals;
    expect(a).toMatchObject({ identityPolicies: [], possibleIdentityPolicies: [policy], possibleIdentityPolicySources: ['policy S/P (its role list cannot be resolved)'] });
    expect(b).toMatchObject({ identityPolicies: [policy], possibleIdentityPolicies: [] });
    expect(u.possibleIdentityPolicies).toEqual([]);
    expect(m.warnings).toEqual([
      'policy S/P attaches to a principal whose name cannot be resolved: it is counted as possibly attached to every principal of that kind in 111122223333',
      // The policy reached role b, so its unresolved value is reported there.
      'S/B: policy S/P: Ref to parameter Target of S: its value is set at deploy time',
    ]);
  });

  test('GIVEN a policy attaching to a role the app does not define WHEN modelled THEN a warning says so', () => {
    const m = buildAppModel([{
      stackName: 'S',
      ...env,
      template: { Resources: { P: { Type: 'AWS::IAM::RolePolicy', Properties: { PolicyName: 'p', RoleName: 'imported-role', PolicyDocument: { Statement: [] } } } } },
    }]);
    expect(m.warnings).toEqual(['policy S/P attaches to role imported-role, which the app does not define']);
  });
});

describe('buildAppModel: endpoints', () => {
  test('GIVEN a KMS interface endpoint with a Fn::Join service name, and an S3 endpoint WHEN modelled THEN only the KMS one, with its ids', () => {
    expect(model.endpoints).toHaveLength(1);
    expect(model.endpoints[0]).toMatchObject({
      stackName: 'KeyStack',
      logicalId: 'VpcKms28ADD6F7',
      constructPath: 'KeyStack/Vpc/Kms/Resource',
      serviceName: 'com.amazonaws.us-east-1.kms',
      region: 'us-east-1',
      account: ACCOUNT,
      unresolved: [],
    });
    expect(model.endpoints[0].id).toMatch(/^vpce-[0-9a-f]{17}$/);
    expect(model.endpoints[0].vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(model.endpoints[0].policy).toBeUndefined();
  });

  test('GIVEN a kms-fips endpoint with a policy, and one whose service name is unresolved WHEN modelled THEN the first is read, the second warned about', () => {
    const policy = { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }] };
    const m = buildAppModel([{
      stackName: 'Net',
      account: ACCOUNT,
      region: 'us-gov-west-1',
      partition: 'aws-us-gov',
      template: {
        Parameters: { Service: { Type: 'String' } },
        Resources: {
          Fips: { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: 'com.amazonaws.us-gov-west-1.kms-fips', VpcId: 'vpc-0123456789abcdef0', PolicyDocument: policy } },
          Unknown: { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: { Ref: 'Service' } } },
        },
      },
    }]);
    expect(m.endpoints).toEqual([expect.objectContaining({ logicalId: 'Fips', region: 'us-gov-west-1', vpcId: 'vpc-0123456789abcdef0', policy, partition: 'aws-us-gov' })]);
    expect(m.warnings).toEqual([
      'Net/Unknown: the VPC endpoint\'s service name cannot be resolved (<unresolved:Ref Service>); if it is a KMS endpoint it is missing from the analysis',
    ]);
  });
});

describe('buildAppModel: unresolved values and environments', () => {
  const conditional: StackTemplate = {
    stackName: 'Conditional',
    ...env,
    template: {
      Parameters: { Stage: { Type: 'String', AllowedValues: ['dev', 'prod'] } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
      Resources: {
        ProdRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'prod-app' } },
        DevRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'dev-app' } },
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: {
              Version: '2012-10-17',
              Statement: [
                { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' },
                {
                  Sid: 'StageApp',
                  Effect: 'Allow',
                  Principal: { AWS: { 'Fn::If': ['IsProd', { 'Fn::GetAtt': ['ProdRole', 'Arn'] }, { 'Fn::GetAtt': ['DevRole', 'Arn'] }] } },
                  Action: 'kms:Decrypt',
                  Resource: '*',
                },
              ],
            },
          },
          Metadata: { 'aws:cdk:path': 'Conditional/Key/Resource' },
        },
        ProdOnly: { Type: 'AWS::IAM::Role', Condition: 'IsProd', Properties: {} },
      },
    },
  };

  test('GIVEN a key policy principal chosen by Fn::If WHEN modelled THEN it is the placeholder, and a warning names the key and the condition', () => {
    const m = buildAppModel([conditional]);
    expect(m.keys[0].policy.Statement[1].Principal).toEqual({ AWS: '<unresolved:Fn::If>' });
    expect(m.keys[0].unresolved).toEqual(['Fn::If on condition IsProd: which branch applies is decided at deploy time']);
    expect(m.warnings).toContain('Conditional/Conditional/Key/Resource: Fn::If on condition IsProd: which branch applies is decided at deploy time');
    expect(m.warnings).toContain('Conditional/ProdOnly exists only when condition IsProd holds at deploy time; it is analysed as if it exists');
  });

  test('GIVEN an environment-agnostic stack and a malformed account WHEN modelled THEN placeholders are used and said so', () => {
    const m = buildAppModel([
      { stackName: 'Agnostic', account: '123456789012', region: 'us-east-1', accountIsPlaceholder: true, regionIsPlaceholder: true, template: { Resources: {} } },
      { stackName: 'Bad', account: 'unknown-account', region: 'unknown-region', template: { Resources: { K: { Type: 'AWS::KMS::Key' } } } },
    ]);
    expect(m.stacks.map((s) => [s.stackName, s.account, s.region, s.accountIsPlaceholder, s.regionIsPlaceholder])).toEqual([
      ['Agnostic', '123456789012', 'us-east-1', true, true],
      ['Bad', '123456789012', 'us-east-1', true, true],
    ]);
    expect(m.warnings).toEqual([
      'Agnostic is environment-agnostic: account 123456789012 is a placeholder, so every ARN built from it is synthetic',
      'Agnostic is environment-agnostic: region us-east-1 is a placeholder',
      'Bad: account "unknown-account" is not a 12-digit id; 123456789012 stands in for it',
      'Bad: region "unknown-region" is not known; us-east-1 stands in for it',
      'Bad is environment-agnostic: account 123456789012 is a placeholder, so every ARN built from it is synthetic',
      'Bad is environment-agnostic: region us-east-1 is a placeholder',
    ]);
    expect(m.keys[0].arn).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
  });

  test('GIVEN a key without KeyPolicy WHEN modelled THEN it has the KMS default policy and says so', () => {
    const m = buildAppModel([{ stackName: 'S', ...env, template: { Resources: { K: { Type: 'AWS::KMS::Key', Properties: { Enabled: 'false' } } } } }]);
    expect(m.keys[0]).toMatchObject({
      defaultPolicy: true,
      enabled: false,
      policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }] },
    });
  });

  test('GIVEN a replica of a multi-Region key in another region WHEN modelled THEN it has the primary key id, its own region and the primary\'s spec', () => {
    const primaryKey = { Type: 'AWS::KMS::Key', Properties: { MultiRegion: true, KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' } };
    const m = buildAppModel([
      { stackName: 'Primary', ...env, template: { Resources: { K: primaryKey } } },
      {
        stackName: 'Replica',
        account: ACCOUNT,
        region: 'eu-west-1',
        template: { Resources: { R: { Type: 'AWS::KMS::ReplicaKey', Properties: { PrimaryKeyArn: keyArnOf('Primary', 'K') } } } },
      },
      { stackName: 'Orphan', ...env, template: { Resources: { R: { Type: 'AWS::KMS::ReplicaKey', Properties: { PrimaryKeyArn: 'arn:aws:kms:us-west-2:444455556666:key/mrk-1' } } } } },
    ]);
    const [primary, replica, orphan] = m.keys;
    expect(primary).toMatchObject({ multiRegion: true, multiRegionKeyType: 'PRIMARY' });
    expect(primary.keyId).toMatch(/^mrk-[0-9a-f]{32}$/);
    expect(replica).toMatchObject({
      arn: `arn:aws:kms:eu-west-1:111122223333:key/${primary.keyId}`,
      keyId: primary.keyId,
      multiRegion: true,
      multiRegionKeyType: 'REPLICA',
      keySpec: 'RSA_2048',
      keyUsage: 'SIGN_VERIFY',
      defaultPolicy: true,
    });
    expect(orphan).toMatchObject({ keyId: 'mrk-1', keySpec: 'SYMMETRIC_DEFAULT' });
    expect(orphan.unresolved).toEqual(['the primary key arn:aws:kms:us-west-2:444455556666:key/mrk-1 is not in the app: key spec and usage are assumed symmetric']);
  });

  test('GIVEN garbage in place of templates WHEN modelled THEN nothing throws and each is warned about', () => {
    const m = buildAppModel([
      { stackName: 'Null', ...env, template: null },
      { stackName: 'Weird', ...env, template: { Resources: { X: 'nope', K: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: '{"Statement": [] }', Enabled: 'maybe' } } } } },
    ]);
    expect(m.warnings).toEqual(['Null: the template has no Resources section', 'Weird/K: Enabled is not a boolean ("maybe")']);
    expect(m.keys[0]).toMatchObject({ policy: { Statement: [] }, enabled: undefined });
  });
});
