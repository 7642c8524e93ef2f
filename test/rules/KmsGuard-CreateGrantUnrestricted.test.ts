import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DEPLOYER_STATEMENT, OTHER_ACCOUNT, appWithStack, findingsOf, ids, keyResource, modelOfResources, rawKey } from './helpers';
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
    rawKey(stack, DEPLOYER_STATEMENT, { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/partner` }, Action: ['kms:Decrypt', 'kms:CreateGrant'], Resource: '*' });
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

// Cases added for the mutation run (issue 10, docs/mutation-testing.md). A grant gives its operations to its grantee
// (grants.md); kms:GrantIsForAWSResource, kms:ViaService, kms:GrantOperations and kms:GranteePrincipal limit CreateGrant
// (conditions-kms.md, create-grant-overview.md); an explicit Deny overrides any Allow and a permissions boundary caps
// what an identity policy allows (reference_policies_evaluation-logic.md); a key policy that names another account lets
// its principals in once their own IAM policies allow it (key-policy-modifying-external-accounts.md).
describe(`${RULE}: who can create the grant, and what keeps them out`, () => {
  const check = (...statements: unknown[]) =>
    CreateGrantUnrestricted.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, ...statements]) }));
  const allow = (principal: unknown, condition?: unknown) => ({
    Sid: 'G', Effect: 'Allow', Principal: principal, Action: ['kms:Decrypt', 'kms:CreateGrant'], Resource: '*', ...(condition ? { Condition: condition } : {}),
  });

  test('GIVEN another account\'s root allowed kms:CreateGrant THEN an error: any principal of that account may create grants', () => {
    const findings = check(allow({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }));
    expect(ids(findings)).toEqual([`${RULE}[Statement::G] error`]);
    expect(findings[0].message).toContain(`Sid "G" of the key policy of S/Key allows kms:CreateGrant with no kms:GrantIsForAWSResource, kms:ViaService, kms:GrantOperations or kms:GranteePrincipal limit: arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/`);
    expect(findings[0].message).toContain('may create a grant of every grant operation (kms:CreateGrant included), without constraints, for a principal of an unrelated account (');
    expect(findings[0].message).toContain('). Expected: kms:CreateGrant only for AWS services acting for the caller, "Bool": {"kms:GrantIsForAWSResource": "true"}');
    expect(findings[0].message).toContain('Fix: add the condition to the statement that allows kms:CreateGrant');
    expect(findings[0].message).not.toContain('could not be verified');
  });

  test('GIVEN this account\'s root and another account\'s role in one statement THEN an error: it does not only delegate to this account', () => {
    expect(ids(check(allow({ AWS: ['arn:aws:iam::111122223333:root', `arn:aws:iam::${OTHER_ACCOUNT}:role/partner`] })))).toEqual([`${RULE}[Statement::G] error`]);
  });

  test('GIVEN "*" limited to other accounts (kms:CallerAccount is not this one) THEN an error: a caller of an unrelated account may create grants', () => {
    const findings = check(allow('*', { StringNotEquals: { 'kms:CallerAccount': '111122223333' } }));
    expect(ids(findings)).toEqual([`${RULE}[Statement::G] error`]);
    expect(findings[0].message).toMatch(/limit: arn:aws:sts::99999999999\d:assumed-role\//);
  });

  test('GIVEN an unrestricted CreateGrant and a Deny of CreateGrant to every principal outside this account THEN compliant: the Deny keeps the partner out', () => {
    const deny = { Sid: 'OnlyThisAccount', Effect: 'Deny', Principal: '*', Action: 'kms:CreateGrant', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': '111122223333' } } };
    expect(check(allow({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/partner` }), deny)).toEqual([]);
    // Without the Deny, the same statement is reported (the table above).
    expect(ids(check(allow({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/partner` })))).toEqual([`${RULE}[Statement::G] error`]);
  });

  test('GIVEN two statements for one role, one limited by kms:GrantIsForAWSResource and one not THEN only the unlimited one is reported', () => {
    const limited = { ...allow({ AWS: 'arn:aws:iam::111122223333:role/app' }, { Bool: { 'kms:GrantIsForAWSResource': 'true' } }), Sid: 'Limited' };
    const unlimited = { ...allow({ AWS: 'arn:aws:iam::111122223333:role/app' }), Sid: 'Unlimited' };
    expect(ids(check(limited, unlimited))).toEqual([`${RULE}[Statement::Unlimited] error`]);
  });

  test('GIVEN a role allowed CreateGrant by its IAM policy, a key policy delegating only kms:Decrypt to the account, and a statement naming the role THEN only that statement is reported', () => {
    // The delegation without kms:CreateGrant lets no IAM policy allow it (key-policy-default.md): the role gets it from
    // the statement that names it, which is where the fix goes.
    const { app, stack } = appWithStack();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'app' });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:CreateGrant'], resources: ['*'] }));
    rawKey(stack,
      DEPLOYER_STATEMENT,
      { Sid: 'Account', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:Decrypt', Resource: '*' },
      { Sid: 'App', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'kms:CreateGrant', Resource: '*' },
    );
    expect(ids(findingsOf(CreateGrantUnrestricted, app))).toEqual([`${RULE}[Statement::App] error`]);
  });

  test('GIVEN a kms:GranteePrincipal limit whose value is unknown offline THEN a warning that it could not be verified', () => {
    const findings = check(allow({ AWS: 'arn:aws:iam::111122223333:role/app' }, { StringEquals: { 'kms:GranteePrincipal': { Ref: 'Grantee' } } }));
    expect(ids(findings)).toEqual([`${RULE}[Statement::G] warning`]);
    expect(findings[0].message).toContain('This holds if the values unknown offline allow it, so it could not be verified. Expected: ');
  });

  test('GIVEN key.grant(role, "kms:CreateGrant") THEN the error points at the Action of the role\'s identity policy', () => {
    const { app, stack } = appWithStack();
    const role = new iam.Role(stack, 'Granter', { assumedBy: new iam.AccountRootPrincipal() });
    new kms.Key(stack, 'Key', { enableKeyRotation: true }).grant(role, 'kms:CreateGrant');
    const findings = findingsOf(CreateGrantUnrestricted, app);
    expect(findings[0].location).toMatchObject({ field: 'Action' });
    expect(findings[0].message).toContain('role S/Granter may call kms:CreateGrant on the key S/Key with no kms:GrantIsForAWSResource, kms:ViaService, kms:GrantOperations or kms:GranteePrincipal limit (allowed by ');
    expect(findings[0].message).toContain('): it may create a grant of every grant operation (kms:CreateGrant included), without constraints, for a principal of an unrelated account. Expected: ');
  });

  test('GIVEN key.grant(role, "kms:CreateGrant") and a key-policy Deny of CreateGrant not for an AWS resource THEN compliant', () => {
    const { app, stack } = appWithStack();
    const role = new iam.Role(stack, 'Granter', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.grant(role, 'kms:CreateGrant');
    key.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'false' } },
    }));
    expect(findingsOf(CreateGrantUnrestricted, app)).toEqual([]);
  });

  test('GIVEN key.grant(role, "kms:CreateGrant") on a role whose permissions boundary does not allow CreateGrant THEN compliant', () => {
    const { app, stack } = appWithStack();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'] })] });
    const role = new iam.Role(stack, 'Granter', { assumedBy: new iam.AccountRootPrincipal(), permissionsBoundary: boundary });
    new kms.Key(stack, 'Key', { enableKeyRotation: true }).grant(role, 'kms:CreateGrant');
    expect(findingsOf(CreateGrantUnrestricted, app)).toEqual([]);
  });
});
