/**
 * Bugs the mutation sample of src/rules found (docs/mutation-testing.md, "src/rules, sample"), each pinned by the
 * behaviour the AWS page cited documents.
 */
import {
  DEFAULT_POLICY_KEY, DEPLOYER_STATEMENT, OTHER_ACCOUNT, ids, keyResource, kmsInlinePolicy, modelOfResources, policyDocument, roleResource,
} from './helpers';
import { AccountWideDelegation } from '../../src/rules/KmsGuard-AccountWideDelegation';
import { AdminCanUseKey } from '../../src/rules/KmsGuard-AdminCanUseKey';
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

/**
 * A principal's own policies holding a value unknown offline (a key ARN given as a parameter) were read exactly: the
 * placeholder matched no key, so the rules saw no access at all, a silent pass. They are now read both ways
 * (probe.ts callerReadings): what only the permissive reading allows is reported as "could not be verified".
 * Found while writing the test for the CreateGrantUnrestricted survivors of lines 105-106.
 */
describe('a principal whose IAM policy or boundary names the key by a value unknown offline', () => {
  const doc = policyDocument;
  const role = (statement: unknown, extra: Record<string, unknown> = {}) => roleResource('App', 'app', [kmsInlinePolicy(statement)], extra);
  const defaultKey = DEFAULT_POLICY_KEY;
  const keyArnParameter = { Ref: 'KeyArn' };

  test('KmsGuard-CreateGrantUnrestricted: kms:CreateGrant on a key ARN given as a parameter: a warning that it could not be verified (was: nothing)', () => {
    const findings = CreateGrantUnrestricted.check(modelOfResources({
      Key: defaultKey,
      App: role({ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: keyArnParameter }),
    }));
    expect(ids(findings)).toEqual(['KmsGuard-CreateGrantUnrestricted[Principal::S/App] warning']);
    expect(findings[0].message).toContain('This holds if the values unknown offline allow it, so it could not be verified.');
    expect(findings[0].location).toMatchObject({ policy: 'inline policy kms of the role', statement: 'statement #0', field: 'Action' });
  });

  test('KmsGuard-CreateGrantUnrestricted: a permissions boundary naming the key by a parameter: a warning (read strictly, the boundary allows nothing)', () => {
    const findings = CreateGrantUnrestricted.check(modelOfResources({
      Key: defaultKey,
      Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:*', Resource: keyArnParameter }) } },
      App: role({ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: '*' }, { PermissionsBoundary: { Ref: 'Boundary' } }),
    }));
    expect(ids(findings)).toEqual(['KmsGuard-CreateGrantUnrestricted[Principal::S/App] warning']);
  });

  test('KmsGuard-CreateGrantUnrestricted: the same grant on the key\'s own ARN is certain: an error', () => {
    const findings = CreateGrantUnrestricted.check(modelOfResources({
      Key: defaultKey,
      App: role({ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: { 'Fn::GetAtt': ['Key', 'Arn'] } }),
    }));
    expect(ids(findings)).toEqual(['KmsGuard-CreateGrantUnrestricted[Principal::S/App] error']);
  });

  test('KmsGuard-AccountWideDelegation: the principal is named among those who may use the key, as depending on the unknown value', () => {
    const findings = AccountWideDelegation.check(modelOfResources({
      Key: defaultKey,
      App: role({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArnParameter }),
    }));
    expect(findings[0].message).toContain('Who can: in this app: role S/App (kms:Decrypt, if values unknown offline in its policies allow it)');
  });

  test('KmsGuard-AdminCanUseKey: kms:* on a key ARN given as a parameter: reported, as depending on the unknown value', () => {
    const findings = AdminCanUseKey.check(modelOfResources({
      Key: defaultKey,
      App: role({ Effect: 'Allow', Action: 'kms:*', Resource: keyArnParameter }),
    }));
    expect(ids(findings)).toEqual(['KmsGuard-AdminCanUseKey[Principal::S/App] warning']);
  });
});

describe('KmsGuard-CreateGrantUnrestricted survivors of the rules sample (docs/mutation-testing.md)', () => {
  const doc = policyDocument;
  const roleWith = (policies: unknown[]) => roleResource('App', 'app', policies);

  test('line 91: the identity path probes with the delegations only, not a statement naming the role (reported on its own)', () => {
    const delegation = {
      Sid: 'ForAwsResources',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: ['kms:Decrypt', 'kms:CreateGrant'],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    };
    const named = { Sid: 'App', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'kms:CreateGrant', Resource: '*' };
    const findings = CreateGrantUnrestricted.check(modelOfResources({
      Key: keyResource([DEPLOYER_STATEMENT, delegation, named]),
      App: roleWith([{ PolicyName: 'kms', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:CreateGrant', Resource: '*' }) }]),
    }));
    expect(ids(findings)).toEqual(['KmsGuard-CreateGrantUnrestricted[Statement::App] error']);
  });

  test('lines 103-104: the 11th identity policy of a role is the one named in the finding', () => {
    const policies = Array.from({ length: 11 }, (_, i) => ({
      PolicyName: `p${i}`,
      PolicyDocument: doc(i === 10 ? { Effect: 'Allow', Action: 'kms:CreateGrant', Resource: '*' } : { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
    }));
    const model = modelOfResources({ Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } }, App: roleWith(policies) });
    const findings = CreateGrantUnrestricted.check(model);
    expect(ids(findings)).toEqual(['KmsGuard-CreateGrantUnrestricted[Principal::S/App] error']);
    const app = model.principals.find((p) => p.constructPath === 'S/App/Resource')!;
    expect(app.identityPolicySources).toHaveLength(11);
    expect(findings[0].location.policy).toBe(app.identityPolicySources[10]);
    expect(findings[0].location.policy).not.toBe(app.identityPolicySources[1]);
  });
});

describe('a principal whose IAM policy gives its actions by a value unknown offline', () => {
  test('KmsGuard-CreateGrantUnrestricted: Action given as a parameter, on the key: a warning that it could not be verified (was: not a candidate)', () => {
    const findings = CreateGrantUnrestricted.check(modelOfResources({
      Key: DEFAULT_POLICY_KEY,
      App: roleResource('App', 'app', [kmsInlinePolicy({ Effect: 'Allow', Action: { Ref: 'Actions' }, Resource: { 'Fn::GetAtt': ['Key', 'Arn'] } })]),
    }));
    expect(ids(findings)).toEqual(['KmsGuard-CreateGrantUnrestricted[Principal::S/App] warning']);
  });
});
