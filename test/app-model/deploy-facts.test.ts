/**
 * The deploy facts the app model reads for the readiness check: the deploying role and stack dependencies from the
 * cloud assembly, encrypted resources matched to the app's keys, the principals each key policy names, and whether
 * KMS endpoints enable private DNS.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppModel, buildAppModel } from '../../src/app-model/app-model';
import { readCloudAssembly } from '../../src/app-model/cloud-assembly';
import { StackTemplate } from '../../src/app-model/stack-template';

const ACCOUNT = '111122223333';
const env = { account: ACCOUNT, region: 'us-east-1' };
const EXEC_ROLE = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}';

describe('readCloudAssembly: deploy facts', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-guard-deploy-facts-'));
    const write = (file: string, content: unknown): void => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), JSON.stringify(content));
    };
    const stackArtifact = (
      environment: string, templateFile: string, extra: Record<string, unknown> = {}, props: Record<string, unknown> = {},
    ): unknown => ({
      type: 'aws:cloudformation:stack', environment, properties: { templateFile, ...props }, ...extra,
    });
    write('manifest.json', {
      version: '54.0.0',
      artifacts: {
        'Keys.assets': { type: 'cdk:asset-manifest', properties: { file: 'Keys.assets.json' } },
        // The DefaultStackSynthesizer's role, with the pseudo parameters the CLI fills in.
        'Keys': stackArtifact('aws://111122223333/eu-west-1', 'Keys.template.json', { dependencies: ['Keys.assets', 'Roles'] }, { cloudFormationExecutionRoleArn: EXEC_ROLE }),
        // An explicit role (a custom synthesizer), in another partition.
        'Roles': stackArtifact('aws://111122223333/cn-north-1', 'Roles.template.json', {}, { cloudFormationExecutionRoleArn: 'arn:${AWS::Partition}:iam::111122223333:role/deployers/custom' }),
        // CliCredentialsStackSynthesizer: no role, the CLI's credentials.
        'Cli': stackArtifact('aws://111122223333/us-east-1', 'Cli.template.json', { dependencies: ['Unknown', 'Keys'] }),
        'Agnostic': stackArtifact('aws://unknown-account/unknown-region', 'Agnostic.template.json', {}, { cloudFormationExecutionRoleArn: EXEC_ROLE }),
        'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } },
      },
    });
    for (const t of ['Keys', 'Roles', 'Cli', 'Agnostic']) write(`${t}.template.json`, { Resources: {} });
    write('assembly-Prod/manifest.json', {
      version: '54.0.0',
      artifacts: {
        ProdKeys: stackArtifact('aws://444455556666/us-east-1', 'ProdKeys.template.json', { dependencies: ['ProdRoles'] }),
        ProdRoles: stackArtifact('aws://444455556666/us-east-1', 'ProdRoles.template.json'),
      },
    });
    write('assembly-Prod/ProdKeys.template.json', { Resources: {} });
    write('assembly-Prod/ProdRoles.template.json', { Resources: {} });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('GIVEN cloudFormationExecutionRoleArn with pseudo parameters WHEN read THEN deployerArn has them resolved from the stack\'s environment', () => {
    const byName = new Map(readCloudAssembly(dir).map((s) => [s.stackName, s]));
    expect(byName.get('Keys')?.deployerArn).toBe('arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1');
    expect(byName.get('Roles')?.deployerArn).toBe('arn:aws-cn:iam::111122223333:role/deployers/custom');
    // Environment-agnostic: the placeholder account and Region, as for every other ARN of such a stack.
    expect(byName.get('Agnostic')?.deployerArn).toBe('arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1');
  });

  test('GIVEN no role in the manifest (CLI credentials) WHEN read THEN deployerArn is absent', () => {
    expect(readCloudAssembly(dir).find((s) => s.stackName === 'Cli')).not.toHaveProperty('deployerArn');
  });

  test('GIVEN dependencies WHEN read THEN only stack artifacts are kept, and nested stages prefix their artifact ids', () => {
    const stacks = readCloudAssembly(dir);
    expect(stacks.map((s) => [s.artifactId, s.dependencies])).toEqual([
      ['Keys', ['Roles']],
      ['Roles', undefined],
      ['Cli', ['Keys']],
      ['Agnostic', undefined],
      ['assembly-Prod/ProdKeys', ['assembly-Prod/ProdRoles']],
      ['assembly-Prod/ProdRoles', undefined],
    ]);
  });

  test('GIVEN the stacks WHEN modelled THEN StackInfo carries the deploy facts', () => {
    const model = buildAppModel(readCloudAssembly(dir));
    expect(model.stacks.find((s) => s.stackName === 'Keys')).toMatchObject({
      artifactId: 'Keys', dependencies: ['Roles'], deployerArn: 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1',
    });
    expect(model.stacks.find((s) => s.stackName === 'Cli')).not.toHaveProperty('deployerArn');
  });
});

/** One stack per template; the key is `Key` in KeyStack unless a test says otherwise. */
function appOf(stacks: Array<Partial<StackTemplate> & { stackName: string; template: any }>): AppModel {
  return buildAppModel(stacks.map((s) => ({ ...env, ...s })));
}

const KEY = {
  Type: 'AWS::KMS::Key',
  Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] } },
};
const ALIAS = { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/orders', TargetKeyId: { Ref: 'Key' } } };

describe('buildAppModel: encrypted resources', () => {
  const m = appOf([{
    stackName: 'KeyStack',
    template: {
      Resources: {
        Key: KEY,
        Alias: ALIAS,
        ByArn: { Type: 'AWS::DynamoDB::Table', Properties: { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } } },
        ById: { Type: 'AWS::EC2::Volume', Properties: { KmsKeyId: { Ref: 'Key' }, Encrypted: true } },
        ByAliasName: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: 'alias/orders' } },
        ByAliasArn: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/orders' } } },
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: 'app-logs', KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
        Trail: { Type: 'AWS::CloudTrail::Trail', Properties: { TrailName: 'audit', KMSKeyId: { Ref: 'Key' }, IsLogging: true, S3BucketName: 'b' } },
        Unencrypted: { Type: 'AWS::SQS::Queue', Properties: {} },
        NoValue: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: { Ref: 'AWS::NoValue' } } },
        AwsManaged: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: 'alias/aws/sqs' } },
        Foreign: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: 'arn:aws:kms:us-east-1:444455556666:key/11111111-2222-3333-4444-555555555555' } },
        Unresolved: { Type: 'AWS::Lambda::Function', Properties: { KmsKeyArn: { Ref: 'KeyParam' } } },
      },
      Parameters: { KeyParam: { Type: 'String' } },
    },
  }]);
  const key = m.keys[0];

  test('GIVEN references by key ARN, key id, alias name and alias ARN WHEN modelled THEN each resource names the key', () => {
    expect(m.encryptedResources.map((r) => [r.location.logicalId, r.resourceType, r.keyArn])).toEqual([
      ['ByArn', 'AWS::DynamoDB::Table', key.arn],
      ['ById', 'AWS::EC2::Volume', key.arn],
      ['ByAliasName', 'AWS::SQS::Queue', key.arn],
      ['ByAliasArn', 'AWS::SecretsManager::Secret', key.arn],
      ['Logs', 'AWS::Logs::LogGroup', key.arn],
      ['Trail', 'AWS::CloudTrail::Trail', key.arn],
    ]);
    expect(m.encryptedResources[0].integration.service).toBe('dynamodb');
  });

  test('GIVEN services that put the resource ARN in their context WHEN modelled THEN resourceArn is the ARN they use (a log group without its `:*`)', () => {
    const of = (id: string): AppModel['encryptedResources'][number] => m.encryptedResources.find((r) => r.location.logicalId === id)!;
    expect(of('Logs').resourceArn).toBe(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app-logs`);
    expect(of('Trail').resourceArn).toBe(`arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/audit`);
    expect(of('ByAliasArn').resourceArn).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:KeyStack-ByAliasArn-`));
    expect(of('Logs').resourceRef).toBe('app-logs');
    // EC2 volumes' ARNs are not modelled: no value rather than a guess.
    expect(of('ById').resourceArn).toBeUndefined();
  });

  test('GIVEN no key, or AWS::NoValue WHEN modelled THEN the resource is not encrypted under a key of the app, silently', () => {
    expect(m.encryptedResources.map((r) => r.location.logicalId)).not.toEqual(expect.arrayContaining(['Unencrypted']));
    expect(m.warnings.filter((w) => w.includes('Unencrypted') || w.includes('NoValue'))).toEqual([]);
  });

  test('GIVEN an AWS managed key, a key of another account and an unresolved reference WHEN modelled THEN each is a warning, never dropped silently', () => {
    expect(m.warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/^KeyStack\/AwsManaged: the AWS::SQS::Queue is encrypted under alias\/aws\/sqs, which is not a key of the app/),
      expect.stringMatching(/^KeyStack\/Foreign: the AWS::SNS::Topic is encrypted under arn:aws:kms:us-east-1:444455556666:key\/1111.*not a key of the app/),
      expect.stringMatching(/^KeyStack\/Unresolved: the KMS key of this AWS::Lambda::Function cannot be resolved \(Ref to parameter KeyParam/),
    ]));
  });

  test('GIVEN a key of another stack imported by Fn::ImportValue WHEN modelled THEN the reference resolves to it', () => {
    const cross = appOf([
      { stackName: 'KeyStack', template: { Resources: { Key: KEY }, Outputs: { KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: 'KeyStack:KeyArn' } } } } },
      { stackName: 'TableStack', template: { Resources: { Table: { Type: 'AWS::DynamoDB::Table', Properties: { SSESpecification: { KMSMasterKeyId: { 'Fn::ImportValue': 'KeyStack:KeyArn' } } } } } } },
    ]);
    expect(cross.encryptedResources).toEqual([expect.objectContaining({ keyArn: cross.keys[0].arn, location: expect.objectContaining({ stackName: 'TableStack', logicalId: 'Table' }) })]);
  });
});

describe('buildAppModel: the principals a key policy names', () => {
  const m = appOf([
    {
      stackName: 'KeyStack',
      template: {
        Parameters: { Who: { Type: 'String' } },
        Resources: {
          Admin: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'key-admin', AssumeRolePolicyDocument: {} } },
          Key: {
            Type: 'AWS::KMS::Key',
            Properties: {
              KeyPolicy: {
                Version: '2012-10-17',
                Statement: [
                  { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: [{ 'Fn::GetAtt': ['Admin', 'Arn'] }, `arn:aws:iam::${ACCOUNT}:root`] }, Action: 'kms:*', Resource: '*' },
                  { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/path/Reader' }, Action: 'kms:Decrypt', Resource: '*' },
                  { Sid: 'Outside', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::444455556666:role/partner', '444455556666'] }, Action: 'kms:Decrypt', Resource: '*' },
                  { Sid: 'Unknown', Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/${Who}' } }, Action: 'kms:Decrypt', Resource: '*' },
                  { Sid: 'Everyone', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
                  { Sid: 'Service', Effect: 'Allow', Principal: { Service: 'logs.us-east-1.amazonaws.com', AWS: 'arn:aws:iam::111122223333:group/admins' }, Action: 'kms:Decrypt', Resource: '*' },
                ],
              },
            },
          },
        },
      },
    },
    { stackName: 'ReaderStack', template: { Resources: { Reader: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'reader', AssumeRolePolicyDocument: {} } } } } },
  ]);

  test('GIVEN roles of the app, accounts, outside ARNs, unresolved and invalid values WHEN modelled THEN each principal says where it comes from', () => {
    expect(m.keys[0].policyPrincipals.map((p) => [p.statement, p.arn, p.origin, p.stackName])).toEqual([
      ['Sid "Admin"', 'arn:aws:iam::111122223333:role/key-admin', 'app-principal', 'KeyStack'],
      ['Sid "Admin"', 'arn:aws:iam::111122223333:root', 'account-root', undefined],
      // The path is not part of a role's identity, nor is the case of its name (IAM names are case-insensitive).
      ['statement #1', 'arn:aws:iam::111122223333:role/path/Reader', 'app-principal', 'ReaderStack'],
      ['Sid "Outside"', 'arn:aws:iam::444455556666:role/partner', 'external', undefined],
      ['Sid "Outside"', '444455556666', 'account-root', undefined],
      ['Sid "Unknown"', 'arn:aws:iam::111122223333:role/<unresolved:Ref Who>', 'unresolved', undefined],
      ['Sid "Service"', 'arn:aws:iam::111122223333:group/admins', 'invalid', undefined],
    ]);
    expect(m.keys[0].policyPrincipals[2]).toMatchObject({ logicalId: 'Reader', account: ACCOUNT, region: 'us-east-1' });
  });

  test('GIVEN a key without KeyPolicy (KMS\'s default) WHEN modelled THEN it names no principal of its own', () => {
    expect(appOf([{ stackName: 'S', template: { Resources: { K: { Type: 'AWS::KMS::Key' } } } }]).keys[0].policyPrincipals).toEqual([]);
  });
});

describe('buildAppModel: KMS endpoints and private DNS', () => {
  const endpoint = (extra: Record<string, unknown>): unknown => ({
    Type: 'AWS::EC2::VPCEndpoint',
    Properties: { ServiceName: 'com.amazonaws.us-east-1.kms', VpcEndpointType: 'Interface', VpcId: 'vpc-0123456789abcdef0', ...extra },
  });
  const m = appOf([{
    stackName: 'Net',
    template: {
      Parameters: { Dns: { Type: 'String' } },
      Resources: {
        Explicit: endpoint({ PrivateDnsEnabled: true }),
        AsString: endpoint({ PrivateDnsEnabled: 'false' }),
        Absent: endpoint({}),
        FromParameter: endpoint({ PrivateDnsEnabled: { Ref: 'Dns' } }),
      },
    },
  }]);

  test('GIVEN explicit, absent and unresolved PrivateDnsEnabled WHEN modelled THEN true/false as written, CloudFormation\'s default false when absent, undefined when unknown', () => {
    expect(m.endpoints.map((e) => [e.logicalId, e.privateDnsEnabled])).toEqual([
      ['Explicit', true], ['AsString', false], ['Absent', false], ['FromParameter', undefined],
    ]);
    expect(m.warnings).toEqual(expect.arrayContaining([expect.stringContaining('Net/FromParameter: PrivateDnsEnabled is not known offline')]));
  });
});
