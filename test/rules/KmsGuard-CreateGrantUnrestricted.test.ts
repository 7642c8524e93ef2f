import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DEPLOYER_STATEMENT, OTHER_ACCOUNT, appWithStack, findingsOf, ids, keyResource, modelOfResources } from './helpers';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { CreateGrantUnrestricted } from '../../src/rules/KmsGuard-CreateGrantUnrestricted';

const RULE = 'KmsGuard-CreateGrantUnrestricted';

describe(RULE, () => {
  test('GIVEN key.grant(role, "kms:CreateGrant") on a plain kms.Key WHEN checked THEN an error on the role, in its identity policy', () => {
    const { app, stack } = appWithStack();
    const role = new iam.Role(stack, 'Granter', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.grant(role, 'kms:CreateGrant');
    const findings = findingsOf(CreateGrantUnrestricted, app);
    expect(ids(findings)).toEqual([`${RULE}[Principal::S/Granter] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Key/Resource', policy: expect.stringMatching(/^policy S\/GranterDefaultPolicy/), statement: 'statement #0' });
    expect(findings[0].message).toContain('"Bool": {"kms:GrantIsForAWSResource": "true"}');
  });

  test('GIVEN a raw CfnKey naming another account\'s role with kms:CreateGrant and no condition THEN an error on the statement', () => {
    const { app, stack } = appWithStack();
    new kms.CfnKey(stack, 'Raw', {
      enableKeyRotation: true,
      keyPolicy: {
        Version: '2012-10-17',
        Statement: [DEPLOYER_STATEMENT, { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/partner` }, Action: ['kms:Decrypt', 'kms:CreateGrant'], Resource: '*' }],
      },
    });
    const findings = findingsOf(CreateGrantUnrestricted, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::Partner] error`]);
    expect(findings[0].location).toMatchObject({ policy: 'key policy', statement: 'Sid "Partner"', field: 'Condition' });
  });

  test('GIVEN a GuardedKmsKey with a grant-for-AWS-resource user and an encrypted volume THEN compliant', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin], users: [{ grantee: user, capabilities: [KeyCapability.GRANT_FOR_AWS_RESOURCE] }] });
    new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(8), encrypted: true, encryptionKey: key });
    expect(findingsOf(CreateGrantUnrestricted, app)).toEqual([]);
  });

  test('GIVEN a plain kms.Key whose grants never include CreateGrant THEN compliant (the default delegation alone is KmsGuard-AccountWideDelegation\'s)', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.grantEncryptDecrypt(new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() }));
    expect(findingsOf(CreateGrantUnrestricted, app)).toEqual([]);
  });

  const statement = (condition?: unknown) => ({
    Sid: 'G', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'kms:CreateGrant', Resource: '*', ...(condition ? { Condition: condition } : {}),
  });
  test.each([
    ['no condition', statement(), true],
    ['kms:GrantIsForAWSResource', statement({ Bool: { 'kms:GrantIsForAWSResource': 'true' } }), false],
    ['kms:ViaService', statement({ StringEquals: { 'kms:ViaService': 'rds.us-east-1.amazonaws.com' } }), false],
    ['ForAllValues kms:GrantOperations', statement({ 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt', 'RetireGrant'] } }), false],
    ['ForAnyValue kms:GrantOperations (limits nothing)', statement({ 'ForAnyValue:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } }), true],
    ['kms:GranteePrincipal', statement({ StringEquals: { 'kms:GranteePrincipal': 'arn:aws:iam::111122223333:role/worker' } }), false],
    ['only an encryption-context condition, which the caller chooses', statement({ StringEquals: { 'kms:EncryptionContext:app': 'orders' } }), true],
    ['"*" with kms:CallerAccount', { ...statement({ StringEquals: { 'kms:CallerAccount': '111122223333' } }), Principal: '*' }, true],
  ])('table: CreateGrant allowed with %s', (_name, st, reported) => {
    const findings = CreateGrantUnrestricted.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, st]) }));
    expect(findings.map((f) => f.findingId)).toEqual(reported ? ['Statement::G'] : []);
  });
});
