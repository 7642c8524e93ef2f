import { hasConfusedDeputyGuard, serviceGuard, serviceIntegrationStatements } from '../../src/builders/service-statements';
import { SERVICE_INTEGRATIONS, integrationFor } from '../../src/policy/service-integrations';

const ENV = { partition: 'aws', region: 'eu-west-1', account: '111122223333' };
const DEPLOYER = 'arn:aws:iam::111122223333:role/deployer';

describe('serviceIntegrationStatements', () => {
  test('the deployer gets each service\'s creation actions through that service only, CreateGrant only for AWS resources', () => {
    const statements = serviceIntegrationStatements(DEPLOYER, [integrationFor('AWS::DynamoDB::Table')!, integrationFor('AWS::RDS::DBCluster')!], ENV);
    const grant = statements.find((s) => s.statement.Action === 'kms:CreateGrant')!;
    expect(grant.sid).toBe('DeployerCreatesGrantsForResources');
    expect(grant.statement.Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['dynamodb.eu-west-1.amazonaws.com', 'rds.eu-west-1.amazonaws.com'] },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
    expect(statements).toHaveLength(2);
    for (const s of statements) {
      expect(s.statement.Principal).toEqual({ AWS: DEPLOYER });
      expect(JSON.stringify(s.statement.Condition)).toContain('kms:ViaService');
    }
  });

  test('a resource that makes no KMS call at creation gives the deployer nothing', () => {
    expect(serviceIntegrationStatements(DEPLOYER, [integrationFor('AWS::S3::Bucket')!], ENV)).toEqual([]);
  });

  test('CloudWatch Logs, as itself, gets its Region\'s principal and its own guard for this account', () => {
    const [s] = serviceIntegrationStatements(DEPLOYER, [integrationFor('AWS::Logs::LogGroup')!], ENV);
    expect(s.sid).toBe('ServiceUsesKey');
    expect(s.statement.Principal).toEqual({ Service: 'logs.eu-west-1.amazonaws.com' });
    expect(JSON.stringify(s.statement.Condition)).toContain('arn:aws:logs:eu-west-1:111122223333:');
    expect(hasConfusedDeputyGuard(s.statement.Condition)).toBe(true);
  });
});

describe('serviceGuard', () => {
  test.each([
    ['logs.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:logs:arn'],
    ['events.amazonaws.com', 'aws:SourceAccount'],
    ['logs..amazonaws.com', 'aws:SourceAccount'],
  ])('%s is guarded by %s', (principal, key) => {
    expect(JSON.stringify(serviceGuard(principal, SERVICE_INTEGRATIONS, ENV))).toContain(key);
  });
});

describe('hasConfusedDeputyGuard', () => {
  test.each([
    [undefined, false],
    [{ StringEquals: { 'kms:ViaService': 'x' } }, false],
    [{ StringEquals: { 'aws:SourceAccount': '1' } }, true],
    [{ ArnLike: { 'aws:sourcearn': 'arn:aws:s3:::b' } }, true],
    [{ StringEquals: { 'kms:EncryptionContext:aws:s3:arn': 'x' } }, true],
  ])('%j → %s', (conditions, expected) => {
    expect(hasConfusedDeputyGuard(conditions as any)).toBe(expected);
  });
});
