import { uuidLike } from '../../src/app-model/hash';
import { ResolveContext, resolveContexts, resolveValue } from '../../src/app-model/intrinsics';
import { StackTemplate } from '../../src/app-model/stack-template';
import { containsUnresolved, placeholder } from '../../src/app-model/unresolved';
import { parseArn } from '../../src/policy/arn';
import { parseAwsPrincipal, parseCaller } from '../../src/policy/principal';

const RESOURCES = {
  NamedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'orders-app', Path: '/service/' } },
  GeneratedRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
  ParamNamedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: { Ref: 'RoleNameParam' } } },
  Operator: { Type: 'AWS::IAM::User', Properties: { UserName: 'alice', Path: '/ops/' } },
  DataKey: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: {} } },
  GlobalKey: { Type: 'AWS::KMS::Key', Properties: { MultiRegion: true } },
  DataKeyAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/orders', TargetKeyId: { Ref: 'DataKey' } } },
  KmsEndpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: 'com.amazonaws.us-east-1.kms' } },
  Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } },
  ReadPolicy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'read-orders', Path: '/app/' } },
  Handler: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'orders-handler' } },
  Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'orders-archive' } },
  GeneratedBucket: { Type: 'AWS::S3::Bucket' },
  Table: { Type: 'AWS::DynamoDB::GlobalTable', Properties: {} },
  SelfNamed: { Type: 'AWS::IAM::Role', Properties: { RoleName: { Ref: 'SelfNamed' } } },
};

const APP_STACK: StackTemplate = {
  stackName: 'AppStack',
  account: '111122223333',
  region: 'us-east-1',
  template: {
    Parameters: { RoleNameParam: { Type: 'String', Default: 'orders-app' } },
    Mappings: { RegionMap: { 'us-east-1': { Bucket: 'orders-use1' } } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'RoleNameParam' }, 'prod'] } },
    Resources: RESOURCES,
  },
};

const EXPORTING_STACK: StackTemplate = {
  stackName: 'SharedStack',
  account: '111122223333',
  region: 'us-east-1',
  template: {
    Resources: { SharedKey: { Type: 'AWS::KMS::Key', Properties: {} } },
    Outputs: {
      KeyArnOutput: { Value: { 'Fn::GetAtt': ['SharedKey', 'Arn'] }, Export: { Name: 'SharedStack:KeyArn' } },
      StackNameOutput: { Value: { Ref: 'AWS::StackName' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-name' } } },
    },
  },
};

const OTHER_REGION_STACK: StackTemplate = {
  stackName: 'WestStack',
  account: '111122223333',
  region: 'us-west-2',
  template: { Resources: {}, Outputs: { Out: { Value: 'west', Export: { Name: 'West:Value' } } } },
};

const CN_STACK: StackTemplate = { stackName: 'CnStack', account: '111122223333', region: 'cn-north-1', partition: 'aws-cn', template: { Resources: RESOURCES } };

const { contexts, unresolved: exportProblems } = resolveContexts([APP_STACK, EXPORTING_STACK, OTHER_REGION_STACK, CN_STACK]);
const [app, shared, , cn]: ResolveContext[] = contexts;

const resolve = (value: unknown, ctx: ResolveContext = app): unknown => resolveValue(value, ctx).value;

describe('resolveValue: pseudo parameters', () => {
  test.each<[string, unknown]>([
    ['AWS::AccountId', '111122223333'],
    ['AWS::Region', 'us-east-1'],
    ['AWS::Partition', 'aws'],
    ['AWS::URLSuffix', 'amazonaws.com'],
    ['AWS::StackName', 'AppStack'],
    ['AWS::NotificationARNs', []],
  ])('GIVEN Ref %s WHEN resolved THEN it is the stack environment value %j', (name, expected) => {
    expect(resolveValue({ Ref: name }, app)).toEqual({ value: expected, unresolved: [] });
  });

  test('GIVEN a China-partition stack WHEN AWS::Partition and AWS::URLSuffix are resolved THEN they are the aws-cn values', () => {
    expect(resolve([{ Ref: 'AWS::Partition' }, { Ref: 'AWS::URLSuffix' }], cn)).toEqual(['aws-cn', 'amazonaws.com.cn']);
  });

  test('GIVEN AWS::StackId WHEN resolved THEN it is a CloudFormation stack ARN of the stack', () => {
    expect(resolve({ Ref: 'AWS::StackId' })).toMatch(/^arn:aws:cloudformation:us-east-1:111122223333:stack\/AppStack\/[0-9a-f-]{36}$/);
  });

  test('GIVEN AWS::NoValue in a list, an object and at the top WHEN resolved THEN the element, the property and the value are dropped', () => {
    const value = { Keep: 'x', Drop: { Ref: 'AWS::NoValue' }, List: ['a', { Ref: 'AWS::NoValue' }, 'b'] };
    expect(resolveValue(value, app)).toEqual({ value: { Keep: 'x', List: ['a', 'b'] }, unresolved: [] });
    expect(resolveValue({ Ref: 'AWS::NoValue' }, app)).toEqual({ value: undefined, unresolved: [] });
  });
});

describe('resolveValue: Ref and Fn::GetAtt of resources', () => {
  test('GIVEN a role with RoleName and Path WHEN its Arn and Ref are resolved THEN they are the IAM ARN with the path, and the name', () => {
    expect(resolve({ 'Fn::GetAtt': ['NamedRole', 'Arn'] })).toBe('arn:aws:iam::111122223333:role/service/orders-app');
    expect(resolve({ Ref: 'NamedRole' })).toBe('orders-app');
    expect(resolve('NamedRole.Arn')).toBe('NamedRole.Arn');
    expect(resolve({ 'Fn::GetAtt': 'NamedRole.Arn' })).toBe('arn:aws:iam::111122223333:role/service/orders-app');
  });

  test('GIVEN a role without RoleName WHEN resolved THEN the name is CloudFormation-style <stack>-<logicalId>-<SUFFIX>, deterministic', () => {
    const arn = resolve({ 'Fn::GetAtt': ['GeneratedRole', 'Arn'] }) as string;
    expect(arn).toBe('arn:aws:iam::111122223333:role/AppStack-GeneratedRole-85BD91C8DC3D');
    expect(resolve({ Ref: 'GeneratedRole' })).toBe('AppStack-GeneratedRole-85BD91C8DC3D');
    expect(resolve({ 'Fn::GetAtt': ['GeneratedRole', 'RoleId'] })).toMatch(/^AROA[0-9A-F]{17}$/);
  });

  test('GIVEN a role named by a parameter WHEN resolved THEN every reference names the same role (a generated name) and the parameter is reported', () => {
    const arn = resolveValue({ 'Fn::GetAtt': ['ParamNamedRole', 'Arn'] }, app);
    expect(arn.value).toMatch(/^arn:aws:iam::111122223333:role\/AppStack-ParamNamedRole-[0-9A-F]{12}$/);
    expect(arn.unresolved).toEqual(['Ref to parameter RoleNameParam of AppStack: its value is set at deploy time']);
    expect(resolve({ Ref: 'ParamNamedRole' })).toBe((arn.value as string).split('/')[1]);
  });

  test('GIVEN a user WHEN its Arn and Ref are resolved THEN they are the IAM user ARN with the path, and the name', () => {
    expect(resolve({ 'Fn::GetAtt': ['Operator', 'Arn'] })).toBe('arn:aws:iam::111122223333:user/ops/alice');
    expect(resolve({ Ref: 'Operator' })).toBe('alice');
  });

  test('GIVEN a KMS key WHEN its Arn, Ref and KeyId are resolved THEN they agree on one UUID-shaped key id derived from account, region, stack and logical id', () => {
    const id = uuidLike('111122223333/us-east-1/AppStack/DataKey');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(resolve({ 'Fn::GetAtt': ['DataKey', 'Arn'] })).toBe(`arn:aws:kms:us-east-1:111122223333:key/${id}`);
    expect(resolve({ Ref: 'DataKey' })).toBe(id);
    expect(resolve({ 'Fn::GetAtt': ['DataKey', 'KeyId'] })).toBe(id);
  });

  test('GIVEN a multi-Region key WHEN its id is resolved THEN it starts with mrk-', () => {
    expect(resolve({ Ref: 'GlobalKey' })).toMatch(/^mrk-[0-9a-f]{32}$/);
  });

  test.each<[string, unknown, string | RegExp]>([
    ['an alias Ref is its name', { Ref: 'DataKeyAlias' }, 'alias/orders'],
    ['a VPC endpoint Ref is a vpce- id', { Ref: 'KmsEndpoint' }, /^vpce-[0-9a-f]{17}$/],
    ['a VPC Ref is a vpc- id', { Ref: 'Vpc' }, /^vpc-[0-9a-f]{17}$/],
    ['a VPC CidrBlock is its property', { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, '10.1.0.0/16'],
    ['a managed policy Ref is its ARN, with the path', { Ref: 'ReadPolicy' }, 'arn:aws:iam::111122223333:policy/app/read-orders'],
    ['a Lambda function Arn', { 'Fn::GetAtt': ['Handler', 'Arn'] }, 'arn:aws:lambda:us-east-1:111122223333:function:orders-handler'],
    ['a bucket Arn', { 'Fn::GetAtt': ['Bucket', 'Arn'] }, 'arn:aws:s3:::orders-archive'],
    ['a bucket Ref', { Ref: 'Bucket' }, 'orders-archive'],
    ['a generated bucket name is lower case', { Ref: 'GeneratedBucket' }, /^appstack-generatedbucket-[0-9a-f]{12}$/],
  ])('GIVEN %s WHEN resolved THEN it is realistic', (_name, value, expected) => {
    const r = resolveValue(value, app);
    expect(r.unresolved).toEqual([]);
    if (typeof expected === 'string') expect(r.value).toBe(expected);
    else expect(r.value).toMatch(expected);
  });

  test('GIVEN the same templates twice WHEN resolved THEN the identifiers are identical, and another stack name gives other ones', () => {
    const again = resolveContexts([APP_STACK]).contexts[0];
    const renamed = resolveContexts([{ ...APP_STACK, stackName: 'AppStack2' }]).contexts[0];
    const value = [{ 'Fn::GetAtt': ['DataKey', 'Arn'] }, { Ref: 'KmsEndpoint' }, { Ref: 'GeneratedRole' }];
    expect(resolve(value, again)).toEqual(resolve(value, app));
    const other = resolve(value, renamed) as string[];
    (resolve(value, app) as string[]).forEach((v, i) => expect(other[i]).not.toBe(v));
  });

  test('GIVEN a resource type that is not modelled WHEN referenced THEN a placeholder naming the logical id and a message come back', () => {
    expect(resolveValue({ 'Fn::GetAtt': ['Table', 'Arn'] }, app)).toEqual({
      value: '<unresolved:Table.Arn>',
      unresolved: ['Fn::GetAtt Table.Arn (AWS::DynamoDB::GlobalTable) in AppStack: this attribute is not modelled'],
    });
    expect(resolveValue({ Ref: 'Table' }, app)).toEqual({
      value: '<unresolved:Ref Table>',
      unresolved: ['Ref to Table (AWS::DynamoDB::GlobalTable) in AppStack: its physical id is not modelled'],
    });
  });

  test('GIVEN an attribute that is not modelled on a modelled type, or a missing resource WHEN referenced THEN placeholders and messages', () => {
    expect(resolveValue({ 'Fn::GetAtt': ['DataKey', 'Rotation'] }, app).value).toBe('<unresolved:DataKey.Rotation>');
    expect(resolveValue({ Ref: 'Missing' }, app)).toEqual({ value: '<unresolved:Ref Missing>', unresolved: ['Ref to Missing: AppStack has no such resource or parameter'] });
  });

  test('GIVEN a role whose RoleName refers to itself WHEN resolved THEN the cycle is reported, not followed', () => {
    const r = resolveValue({ Ref: 'SelfNamed' }, app);
    expect(r.value).toMatch(/^AppStack-SelfNamed-[0-9A-F]{12}$/);
    expect(r.unresolved).toEqual(['SelfNamed.RoleName refers to itself']);
  });
});

describe('resolveValue: functions', () => {
  test('GIVEN the CDK root principal Fn::Join WHEN resolved THEN it is the exact root ARN', () => {
    const root = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] };
    expect(resolveValue(root, app)).toEqual({ value: 'arn:aws:iam::111122223333:root', unresolved: [] });
  });

  test('GIVEN Fn::Sub in string form WHEN resolved THEN pseudo parameters, Logical.Attr and Logical are substituted, ${!x} is literal', () => {
    const value = { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:${NamedRole}|${NamedRole.Arn}|${!aws:username}' };
    expect(resolve(value)).toBe('arn:aws:logs:us-east-1:111122223333:orders-app|arn:aws:iam::111122223333:role/service/orders-app|${aws:username}');
  });

  test('GIVEN Fn::Sub with a variable map WHEN resolved THEN map variables, themselves intrinsics, win', () => {
    const value = { 'Fn::Sub': ['kms.${Region}.${AWS::URLSuffix}/${Key}', { Region: { Ref: 'AWS::Region' }, Key: { Ref: 'DataKey' } }] };
    expect(resolve(value)).toBe(`kms.us-east-1.amazonaws.com/${uuidLike('111122223333/us-east-1/AppStack/DataKey')}`);
  });

  test('GIVEN the CDK role-name-from-ARN idiom (Select/Split) WHEN resolved THEN the name comes out', () => {
    const arn = 'arn:aws:iam::111122223333:role/path/imported-role';
    const value = { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', arn] }] }] }] };
    expect(resolve(value)).toBe('path');
    expect(resolve({ 'Fn::Select': ['2', { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', arn] }] }] }] })).toBe('imported-role');
  });

  test('GIVEN Fn::Split on : of a string holding a placeholder WHEN resolved THEN the placeholder stays whole', () => {
    const value = { 'Fn::Split': [':', { 'Fn::Join': ['', ['arn:aws:iam::111122223333:role/', { Ref: 'RoleNameParam' }]] }] };
    expect(resolve(value)).toEqual(['arn', 'aws', 'iam', '', '111122223333', 'role/<unresolved:Ref RoleNameParam>']);
  });

  test('GIVEN Fn::ImportValue of another stack\'s export WHEN resolved THEN the output value is resolved in the exporting stack', () => {
    expect(exportProblems).toEqual([]);
    const sharedKeyArn = resolve({ 'Fn::GetAtt': ['SharedKey', 'Arn'] }, shared);
    expect(sharedKeyArn).toBe(`arn:aws:kms:us-east-1:111122223333:key/${uuidLike('111122223333/us-east-1/SharedStack/SharedKey')}`);
    expect(resolveValue({ 'Fn::ImportValue': 'SharedStack:KeyArn' }, app)).toEqual({ value: sharedKeyArn, unresolved: [] });
    // The export name is itself an intrinsic, and the value's AWS::StackName is the exporting stack's.
    expect(resolve({ 'Fn::ImportValue': { 'Fn::Sub': 'SharedStack-name' } })).toBe('SharedStack');
  });

  test('GIVEN Fn::ImportValue of an export of another region or of nobody WHEN resolved THEN a placeholder and a message', () => {
    expect(resolveValue({ 'Fn::ImportValue': 'West:Value' }, app)).toEqual({
      value: '<unresolved:Fn::ImportValue West:Value>',
      unresolved: ['Fn::ImportValue West:Value: no stack of the app exports it in 111122223333/us-east-1'],
    });
  });

  test('GIVEN Fn::If WHEN resolved THEN the placeholder <unresolved:Fn::If> and a message naming the condition', () => {
    const value = { 'Fn::If': ['IsProd', { 'Fn::GetAtt': ['NamedRole', 'Arn'] }, { 'Fn::GetAtt': ['GeneratedRole', 'Arn'] }] };
    expect(resolveValue(value, app)).toEqual({
      value: '<unresolved:Fn::If>',
      unresolved: ['Fn::If on condition IsProd: which branch applies is decided at deploy time'],
    });
  });

  test('GIVEN a Ref to a parameter WHEN resolved THEN a placeholder, never the default', () => {
    expect(resolveValue({ Ref: 'RoleNameParam' }, app)).toEqual({
      value: '<unresolved:Ref RoleNameParam>',
      unresolved: ['Ref to parameter RoleNameParam of AppStack: its value is set at deploy time'],
    });
  });

  test.each<[string, unknown, unknown]>([
    ['Fn::GetAZs of the stack region', { 'Fn::GetAZs': '' }, ['us-east-1a', 'us-east-1b', 'us-east-1c']],
    ['Fn::GetAZs of Ref AWS::Region', { 'Fn::Select': [1, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] }, 'us-east-1b'],
    ['Fn::Base64', { 'Fn::Base64': { 'Fn::Sub': 'echo ${AWS::Region}' } }, Buffer.from('echo us-east-1').toString('base64')],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['RegionMap', { Ref: 'AWS::Region' }, 'Bucket'] }, 'orders-use1'],
    ['Fn::ToJsonString', { 'Fn::ToJsonString': { a: { Ref: 'AWS::Region' } } }, '{"a":"us-east-1"}'],
    ['Fn::Length', { 'Fn::Length': ['a', 'b', { Ref: 'AWS::NoValue' }] }, 2],
  ])('GIVEN %s WHEN resolved THEN it gives the concrete value', (_name, value, expected) => {
    expect(resolveValue(value, app)).toEqual({ value: expected, unresolved: [] });
  });

  test.each<[string, unknown, string]>([
    ['Fn::Join without a list', { 'Fn::Join': [',', 'abc'] }, '<unresolved:Fn::Join>'],
    ['Fn::Select out of range', { 'Fn::Select': [3, ['a']] }, '<unresolved:Fn::Select>'],
    ['Fn::FindInMap of a missing entry', { 'Fn::FindInMap': ['RegionMap', 'eu-west-1', 'Bucket'] }, '<unresolved:Fn::FindInMap>'],
    ['Fn::FindInMap of an inherited property name', { 'Fn::FindInMap': ['RegionMap', 'constructor', 'name'] }, '<unresolved:Fn::FindInMap>'],
    ['Fn::Base64 of an unknown value', { 'Fn::Base64': { Ref: 'RoleNameParam' } }, '<unresolved:Fn::Base64>'],
    ['Fn::Cidr', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }, '<unresolved:Fn::Cidr>'],
    ['a Condition intrinsic', { Condition: 'IsProd' }, '<unresolved:Condition>'],
    ['a Ref of a non-string', { Ref: ['x'] }, '<unresolved:Ref>'],
    ['Fn::Join of an object element', { 'Fn::Join': ['', ['a', { b: 1 }]] }, 'a<unresolved:an Fn::Join element>'],
  ])('GIVEN %s WHEN resolved THEN a placeholder and a message, no exception', (_name, value, expected) => {
    const r = resolveValue(value, app);
    expect(r.value).toBe(expected);
    expect(r.unresolved.length).toBeGreaterThan(0);
  });

  test('GIVEN a policy statement with a Condition element WHEN resolved THEN it is kept as a policy element, not taken for the intrinsic', () => {
    const statement = { Effect: 'Allow', Condition: { StringEquals: { 'aws:SourceVpce': { Ref: 'KmsEndpoint' } } } };
    const r = resolve(statement) as any;
    expect(r.Condition.StringEquals['aws:SourceVpce']).toMatch(/^vpce-/);
  });
});

describe('placeholders', () => {
  test('GIVEN a placeholder, alone or inside an ARN WHEN read as a principal THEN it is never a valid principal or ARN', () => {
    const p = placeholder('Fn::If');
    expect(p).toBe('<unresolved:Fn::If>');
    expect(parseArn(p)).toBeUndefined();
    expect(parseCaller(p)).toBeUndefined();
    expect(parseAwsPrincipal(p)).toMatchObject({ error: 'invalid-arn' });
    expect(containsUnresolved({ a: ['x', `arn:aws:iam::111122223333:role/${p}`] })).toBe(true);
    expect(placeholder('a/b<c>')).toBe('<unresolved:a|bc>');
  });

  test('GIVEN a malformed template WHEN contexts are built and values resolved THEN nothing throws', () => {
    const broken = resolveContexts([{ stackName: 'Broken', account: '111122223333', region: 'us-east-1', template: 'not json' }]);
    expect(resolveValue({ Ref: 'X' }, broken.contexts[0]).value).toBe('<unresolved:Ref X>');
    const dup = resolveContexts([EXPORTING_STACK, { ...EXPORTING_STACK, stackName: 'Copy' }]);
    expect(dup.unresolved).toEqual([
      'export SharedStack:KeyArn is defined by both SharedStack and Copy in 111122223333/us-east-1: CloudFormation would reject the second; imports use the first',
    ]);
  });
});
