/**
 * The service-integration facts (src/policy/service-integrations.ts): every action a canonical catalogue name, every
 * source a stored AWS page or an AWS docs URL, and the helpers that read key references and render guards.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { ALL_KMS_ACTIONS } from '../../src/policy/catalogue';
import { SERVICE_INTEGRATIONS, ServiceIntegration, integrationFor, keyReferencesOf, renderGuard } from '../../src/policy/service-integrations';

const knownPages = new Set(readFileSync(join(__dirname, '..', 'scenarios', 'known-doc-pages.txt'), 'utf-8').split('\n').filter(Boolean));
const rows = SERVICE_INTEGRATIONS.map((i): [string, ServiceIntegration] => [i.resourceType, i]);

describe('SERVICE_INTEGRATIONS', () => {
  test('covers the resource types the readiness check needs, each once', () => {
    const types = SERVICE_INTEGRATIONS.map((i) => i.resourceType);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toEqual(expect.arrayContaining([
      'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::EC2::Volume',
      'AWS::Lambda::Function', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::CloudTrail::Trail', 'AWS::SNS::Topic',
      'AWS::SQS::Queue', 'AWS::S3::Bucket',
    ]));
  });

  test.each(rows)('%s: every action is a canonical kms: action of the catalogue', (_, integration) => {
    const actions = [...integration.deployerActions, ...(integration.servicePrincipal?.actions ?? [])];
    expect(actions.filter((a) => !ALL_KMS_ACTIONS.includes(a))).toEqual([]);
    expect(new Set(integration.deployerActions).size).toBe(integration.deployerActions.length);
  });

  test.each(rows)('%s: every source is a stored AWS page (known-doc-pages.txt) or an AWS documentation URL', (_, integration) => {
    expect(integration.sources.length).toBeGreaterThan(0);
    expect(integration.sources.filter((s) => !knownPages.has(s) && !/^https:\/\/docs\.aws\.amazon\.com\/\S+\.html$/.test(s))).toEqual([]);
  });

  test.each(rows)('%s: names its key properties and the encryption-context keys the service sets', (_, integration) => {
    expect(integration.keyProperties.length).toBeGreaterThan(0);
    for (const path of integration.keyProperties) expect(path).toMatch(/^[A-Za-z]+(\[\])?(\.[A-Za-z]+(\[\])?)*$/);
    expect(integration.encryptionContextKeys.length).toBeGreaterThan(0);
  });

  // conditions-kms.md, "Services that support the kms:ViaService condition key": the services whose deployer calls go
  // through kms:ViaService must be in that table.
  const VIA_SERVICE_TABLE = ['dynamodb', 'rds', 'ec2', 'lambda', 'secretsmanager', 's3', 'sqs', 'sns'];
  test.each(rows)('%s: a service the deployer calls through is a kms:ViaService name (conditions-kms.md)', (_, integration) => {
    expect(VIA_SERVICE_TABLE.includes(integration.service) || integration.deployerActions.length === 0).toBe(true);
  });

  test.each(rows.filter(([, i]) => i.servicePrincipal))('%s: the service principal is a service name and its guard ties use to {account}', (_, integration) => {
    const sp = integration.servicePrincipal!;
    expect(sp.principal).toMatch(/^[a-z0-9.{}-]+\.amazonaws\.com$/);
    expect(Object.values(sp.guard).flatMap((block) => Object.values(block)).some((v) => v.includes('{account}'))).toBe(true);
    expect(sp.actions.length).toBeGreaterThan(0);
  });

  test('CloudWatch Logs and CloudTrail call as their service principals; the others on the caller\'s behalf', () => {
    expect(SERVICE_INTEGRATIONS.filter((i) => i.servicePrincipal).map((i) => [i.resourceType, i.servicePrincipal!.principal])).toEqual([
      ['AWS::Logs::LogGroup', 'logs.{region}.amazonaws.com'],
      ['AWS::CloudTrail::Trail', 'cloudtrail.amazonaws.com'],
    ]);
  });

  test('kms:CreateGrant appears only with the grant-using services (DynamoDB, RDS, Lambda)', () => {
    expect(SERVICE_INTEGRATIONS.filter((i) => i.deployerActions.includes('kms:CreateGrant')).map((i) => i.service)).toEqual(['dynamodb', 'dynamodb', 'rds', 'rds', 'lambda']);
  });
});

describe('integrationFor', () => {
  test.each([
    ['AWS::Logs::LogGroup', 'logs'],
    ['AWS::S3::Bucket', 's3'],
    ['AWS::SecretsManager::Secret', 'secretsmanager'],
  ])('%s -> %s', (type, service) => {
    expect(integrationFor(type)?.service).toBe(service);
  });

  test.each([['AWS::KMS::Key'], ['AWS::IAM::Role'], ['aws::logs::loggroup'], ['']])('%s has none', (type) => {
    expect(integrationFor(type)).toBeUndefined();
  });
});

describe('keyReferencesOf', () => {
  const of = (type: string, properties: unknown): unknown[] => keyReferencesOf(integrationFor(type)!, properties);
  const keyArn = { 'Fn::GetAtt': ['Key', 'Arn'] };

  test.each<[string, string, unknown, unknown[]]>([
    ['a top-level property', 'AWS::Logs::LogGroup', { KmsKeyId: keyArn }, [keyArn]],
    ['a literal alias', 'AWS::SQS::Queue', { KmsMasterKeyId: 'alias/orders' }, ['alias/orders']],
    ['a nested property', 'AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, KMSMasterKeyId: keyArn } }, [keyArn]],
    ['a list: one value per element', 'AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } },
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/second' } },
        ],
      },
    }, [keyArn, 'alias/second']],
    ['replicas of a global table', 'AWS::DynamoDB::GlobalTable', {
      Replicas: [{ Region: 'us-east-1', SSESpecification: { KMSMasterKeyId: 'arn:aws:kms:us-east-1:111122223333:key/a' } }, { Region: 'eu-west-1' }],
    }, ['arn:aws:kms:us-east-1:111122223333:key/a']],
    ['no key (AWS owned or managed encryption)', 'AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: false } }, []],
    ['no properties at all', 'AWS::Logs::LogGroup', undefined, []],
    ['properties that are not an object', 'AWS::Logs::LogGroup', 'KmsKeyId', []],
  ])('GIVEN %s THEN returns the values found, intrinsics untouched', (_, type, properties, expected) => {
    expect(of(type, properties)).toEqual(expected);
  });

  test('GIVEN an intrinsic where an object or list is expected THEN returns it, so that the caller reports what it cannot resolve', () => {
    const choose = { 'Fn::If': ['Prod', [{ ServerSideEncryptionByDefault: { KMSMasterKeyID: keyArn } }], { Ref: 'AWS::NoValue' }] };
    expect(of('AWS::S3::Bucket', { BucketEncryption: { ServerSideEncryptionConfiguration: choose } })).toEqual([choose]);
    expect(of('AWS::DynamoDB::Table', { SSESpecification: { 'Fn::If': ['Prod', {}, {}] } })).toEqual([{ 'Fn::If': ['Prod', {}, {}] }]);
  });
});

describe('renderGuard', () => {
  const env = { partition: 'aws-cn', region: 'cn-north-1', account: '111122223333' };

  test('GIVEN the CloudWatch Logs guard THEN the placeholders become the environment', () => {
    expect(renderGuard(integrationFor('AWS::Logs::LogGroup')!.servicePrincipal!.guard, env)).toEqual({
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws-cn:logs:cn-north-1:111122223333:log-group:*' },
    });
  });

  test('GIVEN several operators, repeated placeholders and {resourceArn} THEN each known placeholder is replaced, {resourceArn} is left, the input is not changed', () => {
    const guard = { StringEquals: { 'aws:SourceAccount': '{account}' }, ArnLike: { 'aws:SourceArn': 'arn:{partition}:svc:{region}:{account}:{account}/*' }, ArnEquals: { 'aws:SourceArn': '{resourceArn}' } };
    const copy = JSON.parse(JSON.stringify(guard));
    expect(renderGuard(guard, env)).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
      ArnLike: { 'aws:SourceArn': 'arn:aws-cn:svc:cn-north-1:111122223333:111122223333/*' },
      ArnEquals: { 'aws:SourceArn': '{resourceArn}' },
    });
    expect(guard).toEqual(copy);
  });
});
