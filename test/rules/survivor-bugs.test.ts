/**
 * Bugs the mutation sample of src/rules found (docs/mutation-testing.md, "src/rules, sample"), each pinned by the
 * behaviour the AWS page cited documents.
 */
import { DEPLOYER_STATEMENT, OTHER_ACCOUNT, ids, keyResource, modelOfResources } from './helpers';
import { CreateGrantUnrestricted } from '../../src/rules/KmsGuard-CreateGrantUnrestricted';
import { CrossAccountWithoutNarrowing } from '../../src/rules/KmsGuard-CrossAccountWithoutNarrowing';
import { PublicKeyAccess } from '../../src/rules/KmsGuard-PublicKeyAccess';
import { RotationDisabled } from '../../src/rules/KmsGuard-RotationDisabled';
import { accountMatching } from '../../src/rules/support/probe';

describe('KmsGuard-RotationDisabled and the key material\'s origin (rotate-keys.md: automatic rotation only for Origin AWS_KMS)', () => {
  test.each([
    ['EXTERNAL (imported key material)', 'EXTERNAL', []],
    ['AWS_CLOUDHSM (a custom key store)', 'AWS_CLOUDHSM', []],
    ['AWS_KMS, written out', 'AWS_KMS', ['KmsGuard-RotationDisabled[Key::Rotation] warning']],
  ])('a symmetric key with Origin %s and rotation off', (_label, origin, expected) => {
    const model = modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT], { EnableKeyRotation: false, Origin: origin }) });
    expect(ids(RotationDisabled.check(model))).toEqual(expected);
  });
});

describe('KmsGuard-PublicKeyAccess with a partition pattern (reference_policies_condition_operators.md, ArnLike)', () => {
  test('an Allow to "*" whose aws:PrincipalArn pattern admits any partition and account lets a role of an unrelated account in: an error', () => {
    const st = {
      Sid: 'AnyReader',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws*:iam::*:role/reader' } },
    };
    expect(ids(PublicKeyAccess.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, st]) }))))
      .toEqual(['KmsGuard-PublicKeyAccess[Statement::AnyReader] error']);
  });
});

describe('KmsGuard-PublicKeyAccess with an account pattern (reference_policies_condition_operators.md, StringLike and ArnLike)', () => {
  test.each([
    ['kms:CallerAccount "1111*"', { StringLike: { 'kms:CallerAccount': '1111*' } }],
    ['aws:PrincipalArn "arn:aws:iam::1111*:role/reader"', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1111*:role/reader' } }],
  ])('an Allow to "*" narrowed by %s admits every account the pattern matches: an error', (_label, condition) => {
    const st = { Sid: 'Prefix', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: condition };
    expect(ids(PublicKeyAccess.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, st]) })))).toEqual(['KmsGuard-PublicKeyAccess[Statement::Prefix] error']);
  });

  test('a literal account is known: kms:CallerAccount "444455556666" is compliant', () => {
    const st = { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': OTHER_ACCOUNT } } };
    expect(ids(PublicKeyAccess.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, st]) })))).toEqual([]);
  });

  test.each([
    ['1111*', '111100000000'],
    ['*3333', '000000003333'],
    ['1111222233??', '111122223300'],
    ['11112222333?', '111122223330'],
    ['111122223333', undefined],
    ['1*2*3', '100000000023'],
    ['abc*', undefined],
  ])('accountMatching(%s) = %s', (pattern, expected) => {
    expect(accountMatching(pattern, '111122223333')).toBe(expected);
  });

  test('accountMatching never gives the account to avoid', () => {
    expect(accountMatching('11112222333?', '111122223330')).toBe('111122223339');
  });
});

describe('KmsGuard-CreateGrantUnrestricted with a role session as Principal (reference_policies_elements_principal.md, role sessions)', () => {
  test('an unconditioned CreateGrant to another account\'s role session is unrestricted: an error', () => {
    const st = {
      Sid: 'PartnerGrants', Effect: 'Allow', Principal: { AWS: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/partner/s1` }, Action: 'kms:CreateGrant', Resource: '*',
    };
    expect(ids(CreateGrantUnrestricted.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, st]) }))))
      .toContain('KmsGuard-CreateGrantUnrestricted[Statement::PartnerGrants] error');
  });
});

describe('KmsGuard-CrossAccountWithoutNarrowing with a principal of a literal account and a name unknown offline', () => {
  test('PutKeyPolicy allowed to another account\'s role still never works across accounts (key-policy-modifying-external-accounts.md): the warning', () => {
    const model = modelOfResources({
      Name: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x' } },
      Key: keyResource([DEPLOYER_STATEMENT, {
        Sid: 'Partner',
        Effect: 'Allow',
        Resource: '*',
        Action: ['kms:Decrypt', 'kms:PutKeyPolicy'],
        Principal: { AWS: { 'Fn::Join': ['', [`arn:aws:iam::${OTHER_ACCOUNT}:role/`, { 'Fn::GetAtt': ['Name', 'Value'] }]] } },
      }]),
    });
    expect(ids(CrossAccountWithoutNarrowing.check(model))).toContain('KmsGuard-CrossAccountWithoutNarrowing[Actions::Partner] warning');
  });
});
