/**
 * A resource whose name is a stack parameter gets, in the app model, the name CloudFormation would generate
 * (physical-ids.ts), marked nameUnknown. A readiness check that finds the key policy denying the service or the
 * deployer must not call that an error when the denial may rest on the name (the policy tests a key carrying it):
 * with the deployed name the policy may allow it. It is a "cannot verify" warning (docs/decisions.md, "Unknown values
 * never make a false error"). A denial that does not depend on the name stays an error.
 */
import { checkDeployerCanCreate } from '../../src/analysis/deployer-cannot-create';
import { checkServicePrincipals } from '../../src/analysis/service-principal-access';
import { DEPLOYER_ROLE, DEPLOYER_STATEMENT, keyResource, modelOfResources } from '../rules/helpers';

const KEY = { 'Fn::GetAtt': ['Key', 'Arn'] };
const VIA_DYNAMODB = { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' };

/** services-dynamodb.md: the deployer's DescribeKey, and its CreateGrant for the table through DynamoDB. */
function deployerStatements(tableNameCondition: boolean): unknown[] {
  return [
    DEPLOYER_STATEMENT,
    { Sid: 'Describe', Effect: 'Allow', Principal: { AWS: DEPLOYER_ROLE }, Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: VIA_DYNAMODB } },
    {
      Sid: 'TableGrants',
      Effect: 'Allow',
      Principal: { AWS: DEPLOYER_ROLE },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { StringEquals: { ...VIA_DYNAMODB, ...(tableNameCondition ? { 'kms:EncryptionContext:aws:dynamodb:tableName': 'prod' } : {}) }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
  ];
}

function table(name: unknown): Record<string, unknown> {
  return { Type: 'AWS::DynamoDB::Table', Properties: { TableName: name, KeySchema: [], SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY } } };
}

describe('deployer-cannot-create with a table named by a parameter', () => {
  test.each<[string, unknown, boolean, string[]]>([
    ['the policy names the table "prod", the table is named by a parameter: cannot verify', { Ref: 'TableName' }, true, ['warning']],
    ['the policy names the table "prod", the table is "orders": an error', 'orders', true, ['error']],
    ['the policy names the table "prod", the table is "prod": allowed', 'prod', true, []],
    ['the policy does not test the table name: allowed, whatever the name', { Ref: 'TableName' }, false, []],
  ])('%s', (_name, tableName, condition, severities) => {
    const statements = deployerStatements(condition);
    const model = modelOfResources({ Key: keyResource(statements), Table: table(tableName) });
    const findings = checkDeployerCanCreate(model);
    expect(findings.map((f) => f.severity)).toEqual(severities);
    if (severities[0] === 'warning') expect(findings[0].message).toContain('name is a value unknown offline (a parameter), and the key policy tests a condition key that carries it');
  });

  test('a denial that does not rest on the name stays an error with an unknown name', () => {
    // No statement for the deployer's CreateGrant at all: the name cannot change the answer.
    const model = modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, deployerStatements(false)[1]]), Table: table({ Ref: 'TableName' }) });
    expect(checkDeployerCanCreate(model).map((f) => f.severity)).toEqual(['error']);
  });
});

describe('service-without-access with a log group named by a parameter (encrypt-log-data-kms.md)', () => {
  const logs = (condition: Record<string, unknown>): Record<string, unknown> => ({
    Sid: 'Logs',
    Effect: 'Allow',
    Principal: { Service: 'logs.us-east-1.amazonaws.com' },
    Resource: '*',
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Condition: condition,
  });
  const logGroup = (name: unknown): Record<string, unknown> => ({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: name, KmsKeyId: KEY } });
  const single = logs({ ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:log-group:prod' } });

  test.each<[string, unknown, string[]]>([
    ['named by a parameter: cannot verify', { Ref: 'GroupName' }, ['warning']],
    ['named "app": an error', 'app', ['error']],
    ['named "prod": allowed', 'prod', []],
  ])('the statement for log group "prod"; the log group %s', (_name, groupName, severities) => {
    const model = modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, single]), Logs: logGroup(groupName) });
    expect(checkServicePrincipals(model).filter((f) => f.check === 'service-without-access').map((f) => f.severity)).toEqual(severities);
  });

  test('no statement for CloudWatch Logs at all: an error whatever the name', () => {
    const model = modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT]), Logs: logGroup({ Ref: 'GroupName' }) });
    expect(checkServicePrincipals(model).filter((f) => f.check === 'service-without-access').map((f) => f.severity)).toEqual(['error']);
  });
});
