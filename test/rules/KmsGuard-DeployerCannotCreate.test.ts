import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, rawKey } from './helpers';
import { GuardedKmsKey } from '../../src';
import { DeployerCannotCreate } from '../../src/rules/KmsGuard-DeployerCannotCreate';

const RULE = 'KmsGuard-DeployerCannotCreate';

function table(scope: Construct, key: kms.IKey): dynamodb.Table {
  return new dynamodb.Table(scope, 'Table', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key,
  });
}

describe(RULE, () => {
  test('GIVEN a raw CfnKey that lets the deployer manage the key but not create grants, and a table encrypted with it WHEN checked THEN an error on the table', () => {
    const { app, stack } = appWithStack();
    const raw = rawKey(stack, DEPLOYER_STATEMENT);
    table(stack, kms.Key.fromCfnKey(raw));
    const findings = findingsOf(DeployerCannotCreate, app);
    expect(ids(findings)).toEqual([`${RULE}[Key::S/Raw] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Table/Resource', policy: 'key policy' });
    expect(findings[0].message).toContain('kms:CreateGrant');
  });

  test('GIVEN a GuardedKmsKey and a table encrypted with it THEN compliant: the key policy lets the deployer create it through DynamoDB', () => {
    const { app, stack } = appWithStack();
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() })] });
    table(stack, key);
    expect(findingsOf(DeployerCannotCreate, app)).toEqual([]);
  });
});
