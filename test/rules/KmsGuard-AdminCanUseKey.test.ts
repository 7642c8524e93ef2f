import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DEPLOYER_ROLE, DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, keyResource, modelOfResources, rawKey } from './helpers';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { AdminCanUseKey } from '../../src/rules/KmsGuard-AdminCanUseKey';
import { UserCanAdministerKey } from '../../src/rules/KmsGuard-UserCanAdministerKey';

const RULE = 'KmsGuard-AdminCanUseKey';

describe(RULE, () => {
  test('GIVEN key.grant(role, "kms:*") on a plain kms.Key WHEN checked THEN an error names the principal, both duties and the fix', () => {
    const { app, stack } = appWithStack();
    const role = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.grant(role, 'kms:*');
    const findings = findingsOf(AdminCanUseKey, app);
    expect(ids(findings)).toEqual([`${RULE}[Principal::S/Ops] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Key/Resource', policy: 'key policy', field: 'Action' });
    expect(findings[0].message).toMatch(/^role S\/Ops may change the policy of and administer the key S\/Key \(kms:PutKeyPolicy,/);
    expect(findings[0].message).toContain('kms:Decrypt');
    expect(findings[0].message).toContain('policy S/OpsDefaultPolicy');
    expect(findings[0].message).toContain('never key.grant(x, \'kms:*\')');
    // Reported once: the user-side rule leaves principals that can change the key policy to this one.
    expect(findingsOf(UserCanAdministerKey, app)).toEqual([]);
  });

  test('GIVEN grantAdmin and grantEncryptDecrypt to two roles THEN compliant under both duty rules', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.grantAdmin(new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() }));
    key.grantEncryptDecrypt(new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() }));
    expect(findingsOf(AdminCanUseKey, app)).toEqual([]);
    expect(findingsOf(UserCanAdministerKey, app)).toEqual([]);
  });

  test('GIVEN a raw CfnKey whose policy gives one role kms:* THEN an error for that role', () => {
    const { app, stack } = appWithStack();
    const role = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'ops' });
    rawKey(stack,
      { Sid: 'Deploy', Effect: 'Allow', Principal: { AWS: DEPLOYER_ROLE }, Action: ['kms:PutKeyPolicy', 'kms:DescribeKey'], Resource: '*' },
      { Sid: 'Ops', Effect: 'Allow', Principal: { AWS: role.roleArn }, Action: 'kms:*', Resource: '*' },
    );
    const findings = findingsOf(AdminCanUseKey, app);
    expect(ids(findings)).toEqual([`${RULE}[Principal::S/Ops] error`]);
    expect(findings[0].location.statement).toBe('Sid "Ops"');
  });

  test('GIVEN a GuardedKmsKey whose deployer creates an encrypted table and function THEN compliant: the deployer is exempt', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin], users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT] }] });
    new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key,
    });
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'), environmentEncryption: key,
    });
    expect(findingsOf(AdminCanUseKey, app)).toEqual([]);
    expect(findingsOf(UserCanAdministerKey, app)).toEqual([]);
  });

  test('table: the deployer is exempt only with deployment actions and service-only use', () => {
    const through = { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } };
    const use = (condition?: unknown) => ({ Sid: 'DeployerUses', Effect: 'Allow', Principal: { AWS: DEPLOYER_ROLE }, Action: ['kms:Decrypt', 'kms:CreateGrant'], Resource: '*', ...(condition ? { Condition: condition } : {}) });
    const check = (statements: unknown[]) => ids(AdminCanUseKey.check(modelOfResources({ Key: keyResource(statements) })));
    expect(check([DEPLOYER_STATEMENT, use(through)])).toEqual([]);
    expect(check([DEPLOYER_STATEMENT, use()])).toEqual([`${RULE}[Principal::Deployer] error`]);
    expect(check([{ ...DEPLOYER_STATEMENT, Action: 'kms:*' }, use(through)])).toEqual([`${RULE}[Principal::Deployer] error`]);
  });

  test('a principal unknown offline given both duties is a warning: it could not be verified', () => {
    const model = modelOfResources({
      Key: keyResource([
        DEPLOYER_STATEMENT,
        { Sid: 'Param', Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:aws:iam::111122223333:role/${RoleName}' } }, Action: 'kms:*', Resource: '*' },
      ]),
    });
    const findings = AdminCanUseKey.check(model);
    expect(ids(findings)).toEqual([`${RULE}[Statement::Param] warning`]);
    expect(findings[0].location).toMatchObject({ statement: 'Sid "Param"', field: 'Principal' });
    expect(findings[0].message).toContain('could not be verified');
    expect(UserCanAdministerKey.check(model)).toEqual([]);
  });

  test('a principal whose use needs an encryption context still counts: the caller supplies it', () => {
    const model = modelOfResources({
      Key: keyResource([
        DEPLOYER_STATEMENT,
        { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/admin' }, Action: ['kms:PutKeyPolicy', 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'orders' } } },
      ]),
    });
    expect(ids(AdminCanUseKey.check(model))).toEqual([`${RULE}[Principal::role/admin] error`]);
  });
});
