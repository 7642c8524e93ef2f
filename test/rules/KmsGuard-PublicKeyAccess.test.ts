import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, keyResource, modelOfResources, rawKey } from './helpers';
import { GuardedKmsKey } from '../../src';
import { PublicKeyAccess } from '../../src/rules/KmsGuard-PublicKeyAccess';

const RULE = 'KmsGuard-PublicKeyAccess';

describe(RULE, () => {
  test('GIVEN key.addToResourcePolicy with Principal "*" and no condition WHEN checked THEN an error names the statement and the fix', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({ sid: 'Everyone', principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
    const findings = findingsOf(PublicKeyAccess, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::Everyone] error`]);
    expect(findings[0].location).toEqual({ stackName: 'S', logicalId: expect.stringMatching(/^Key/), constructPath: 'S/Key/Resource', policy: 'key policy', statement: 'Sid "Everyone"', field: 'Principal' });
    expect(findings[0].message).toContain('an unrelated account');
    expect(findings[0].message).toContain('is allowed kms:Decrypt');
    expect(findings[0].message).toContain('"kms:CallerAccount": "111122223333"');
  });

  test('GIVEN kms:CallerAccount with kms:ViaService (the AWS managed key pattern) THEN compliant; kms:ViaService alone is not', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ThroughS3ForAccount',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ThroughS3',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    }));
    const findings = findingsOf(PublicKeyAccess, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::ThroughS3] error`]);
    expect(findings[0].message).toContain('Its conditions on kms:ViaService do not count');
  });

  test('GIVEN a raw CfnKey whose JSON policy has an organization-wide Allow and a public one THEN only the public one is reported', () => {
    const { app, stack } = appWithStack();
    rawKey(stack,
      DEPLOYER_STATEMENT,
      { Sid: 'Org', Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
      { Sid: 'Anyone', Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 'kms:Encrypt', Resource: '*' },
    );
    const findings = findingsOf(PublicKeyAccess, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::Anyone] error`]);
    expect(findings[0].location.constructPath).toBe('S/Raw');
  });

  test('GIVEN a GuardedKmsKey THEN compliant (its deletion-protection Deny names "*" but allows nothing)', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardedKmsKey(stack, 'Key', { administrators: [admin], organizationId: 'o-a1b2c3d4e5' });
    expect(findingsOf(PublicKeyAccess, app)).toEqual([]);
  });

  const statement = (condition?: unknown, extra: Record<string, unknown> = {}) => ({
    Sid: 'S', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', ...(condition ? { Condition: condition } : {}), ...extra,
  });
  test.each([
    ['no condition', statement(), 'error'],
    ['Principal "*" written as a string', { ...statement(), Principal: '*' }, 'error'],
    ['a useless condition: StringLike kms:CallerAccount "*"', statement({ StringLike: { 'kms:CallerAccount': '*' } }), 'error'],
    ['a condition the caller satisfies: aws:SecureTransport', statement({ Bool: { 'aws:SecureTransport': 'true' } }), 'error'],
    ['an encryption context the caller supplies', statement({ StringEquals: { 'kms:EncryptionContext:app': 'orders' } }), 'error'],
    ['a source IP range', statement({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), 'error'],
    ['...IfExists on aws:PrincipalOrgID (true for callers in no organization)', statement({ StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }), 'error'],
    ['a negated account condition', statement({ StringNotEquals: { 'kms:CallerAccount': '111122223333' } }), 'error'],
    ['aws:PrincipalArn with a wildcard account', statement({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/reader' } }), 'error'],
    ['NotPrincipal with Allow', { Sid: 'S', Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:Decrypt', Resource: '*' }, 'error'],
    ['kms:CallerAccount', statement({ StringEquals: { 'kms:CallerAccount': '111122223333' } }), undefined],
    ['aws:PrincipalOrgID', statement({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }), undefined],
    ['aws:PrincipalArn naming roles', statement({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/reader' } }), undefined],
    ['aws:SourceVpce', statement({ StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60718' } }), undefined],
    // The VPC's ARN names its account, as aws:SourceVpce names one endpoint (IAM UG, reference_sts_vpc_condition_keys_federated).
    ['aws:SourceVpcArn', statement({ ArnEquals: { 'aws:SourceVpcArn': 'arn:aws:ec2:us-east-1:111122223333:vpc/vpc-12345678' } }), undefined],
    // A private address is not unique: every account's VPCs may use 10.0.0.0/16, so it keeps no account out.
    ['aws:VpcSourceIp (a private range)', statement({ IpAddress: { 'aws:VpcSourceIp': '10.0.0.0/16' } }), 'error'],
    ['aws:SourceAccount (a service acting for the account)', statement({ StringEquals: { 'aws:SourceAccount': '111122223333' } }), undefined],
    ['only operations that never work across accounts', statement(undefined, { Action: ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'] }), undefined],
  ])('table: Allow to everyone with %s', (_name, st, expected) => {
    const model = modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, st]) });
    expect(PublicKeyAccess.check(model).map((f) => f.severity)).toEqual(expected ? [expected] : []);
  });

  test('GIVEN a Deny that keeps everyone outside the organization out THEN compliant', () => {
    const model = modelOfResources({
      Key: keyResource([DEPLOYER_STATEMENT, statement(),
        { Sid: 'OrgOnly', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }]),
    });
    expect(PublicKeyAccess.check(model)).toEqual([]);
  });

  test('GIVEN a value unknown offline in the narrowing condition THEN a warning: it could not be verified', () => {
    const model = modelOfResources({
      Key: keyResource([DEPLOYER_STATEMENT, statement({ StringEquals: { 'kms:CallerAccount': { Ref: 'TrustedAccount' } } })]),
    });
    const findings = PublicKeyAccess.check(model);
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(findings[0].message).toContain('could not be verified');
  });
});

// Cases added for the mutation run (issue 10, docs/mutation-testing.md). An Allow to "*" lets principals of every
// account in (key-policy-overview.md; reference_policies_elements_principal.md); an Allow with NotPrincipal allows
// everyone but the principals it names, anonymous callers included (reference_policies_elements_notprincipal.md); a
// Deny gives no access whatever its principal (reference_policies_evaluation-logic.md); only the operations whose
// "Cross-account use" is Yes can be used by another account (key-policy-modifying-external-accounts.md); an
// ...IfExists operator is true when the key is absent (reference_policies_elements_condition_operators.md).
describe(`${RULE}: which statements, which callers, and what the finding says`, () => {
  const publicStatement = (condition?: unknown, extra: Record<string, unknown> = {}) => ({
    Sid: 'S', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', ...(condition ? { Condition: condition } : {}), ...extra,
  });
  const checkOne = (st: Record<string, unknown>) => PublicKeyAccess.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, st]) }));

  test('GIVEN an Allow to "*" with no condition THEN the message says so and names only the operations another account can use', () => {
    const findings = checkOne(publicStatement(undefined, { Action: ['kms:Decrypt', 'kms:PutKeyPolicy', 'kms:Encrypt'] }));
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    const message = findings[0].message;
    expect(message).toContain('Sid "S" of the key policy of S/Key allows everyone ("Principal": "*") kms:Decrypt, kms:Encrypt, kms:PutKeyPolicy,');
    // kms:PutKeyPolicy never works across accounts: the unrelated caller is allowed the other two only.
    expect(message).toContain('account 999999999999, in no organization) whose own IAM policy allows kms:* is allowed kms:Decrypt, kms:Encrypt (');
    expect(message).toContain('It has no condition. Expected: a Principal naming the accounts or roles that need the key');
    expect(message).not.toContain('could not be verified');
  });

  test('GIVEN a condition the caller chooses and an ...IfExists organization condition THEN the error says which does not count and which holds for that caller', () => {
    const findings = checkOne(publicStatement({ Bool: { 'aws:SecureTransport': 'true' }, StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }));
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    expect(findings[0].message).toContain('Its conditions on aws:SecureTransport do not count: the caller chooses those values');
    expect(findings[0].message).toContain('Its conditions StringEqualsIfExists aws:PrincipalOrgID hold for that caller too.');
    expect(findings[0].message).toContain('(the service it calls through, the encryption context, TLS, its address). Its conditions StringEqualsIfExists');
  });

  test('GIVEN only conditions the caller chooses THEN the error lists them all, and says nothing holds for that caller', () => {
    const findings = checkOne(publicStatement({ Bool: { 'aws:SecureTransport': 'true' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }));
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    expect(findings[0].message).toContain('). Its conditions on aws:SecureTransport, aws:SourceIp do not count: the caller chooses those values (the service it calls through, the encryption context, TLS, its address). Expected: ');
    expect(findings[0].message).not.toContain('hold for that caller too');
  });

  test('GIVEN only conditions on who calls that every caller meets THEN the error lists them all, and says nothing about values the caller chooses', () => {
    // StringLike "*" matches every account; ...IfExists holds for a caller in no organization.
    const findings = checkOne(publicStatement({ StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, StringLike: { 'kms:CallerAccount': '*' } }));
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    expect(findings[0].message).toContain('). Its conditions StringEqualsIfExists aws:PrincipalOrgID, StringLike kms:CallerAccount hold for that caller too. Expected: ');
    expect(findings[0].message).not.toContain('do not count');
  });

  test('GIVEN aws:PrincipalArn "*" (every principal matches) THEN an error', () => {
    const findings = checkOne(publicStatement({ StringLike: { 'aws:PrincipalArn': '*' } }));
    expect(ids(findings)).toEqual([`${RULE}[Statement::S] error`]);
    expect(findings[0].message).toContain('). Its conditions StringLike aws:PrincipalArn hold for that caller too. Expected: ');
  });

  test('GIVEN a kms:CallerAccount condition next to aws:SecureTransport THEN compliant: the account condition still keeps other accounts out', () => {
    expect(checkOne(publicStatement({ StringEquals: { 'kms:CallerAccount': '111122223333' }, Bool: { 'aws:SecureTransport': 'true' } }))).toEqual([]);
  });

  test.each([
    // The pattern lets in the user or role of that name in every account: a caller of that name in an unrelated account.
    ['a user of any account (account "????????????")', 'arn:aws:iam::????????????:user/bob', 'arn:aws:iam::999999999999:user/bob'],
    ['a role whose name ends in one character of any account', 'arn:aws:iam::*:role/app-?', 'arn:aws:sts::999999999999:assumed-role/app-x/kms-guard-probe'],
    ['a role of any account and partition', 'arn:*:iam::*:role/reader', 'arn:aws:sts::999999999999:assumed-role/reader/kms-guard-probe'],
  ])('GIVEN aws:PrincipalArn naming %s THEN an error naming that caller', (_name, pattern, caller) => {
    const findings = checkOne(publicStatement({ ArnLike: { 'aws:PrincipalArn': pattern } }));
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    expect(findings[0].message).toContain(`a caller of an unrelated account (${caller}, account 999999999999, in no organization)`);
  });

  test('GIVEN the condition key written in another case (condition keys ignore case) THEN the same error', () => {
    const findings = checkOne(publicStatement({ ArnLike: { 'AWS:PrincipalARN': 'arn:aws:iam::*:role/reader' } }));
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    expect(findings[0].message).toContain('(arn:aws:sts::999999999999:assumed-role/reader/kms-guard-probe, account 999999999999');
  });

  test('GIVEN an Allow with NotPrincipal THEN the error names what it excludes and points at the NotPrincipal element', () => {
    const findings = checkOne({ Sid: 'S', Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: ['kms:Decrypt', 'kms:PutKeyPolicy'], Resource: '*' });
    expect(ids(findings)).toEqual([`${RULE}[Statement::S] error`]);
    expect(findings[0].message).toContain('Sid "S" of the key policy of S/Key allows kms:Decrypt to everyone but {"AWS":"arn:aws:iam::111122223333:root"}');
    expect(findings[0].message).toContain('anonymous callers included');
    expect(findings[0].message).toContain('Fix: name them in Principal, or write Principal "*" with a condition on kms:CallerAccount or aws:PrincipalArn.');
    expect(findings[0].location).toMatchObject({ policy: 'key policy', statement: 'Sid "S"', field: 'NotPrincipal' });
  });

  test.each([
    ['Deny with NotPrincipal', { Sid: 'S', Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:ScheduleKeyDeletion', Resource: '*' }],
    ['Deny of kms:Decrypt to everyone but one role (NotPrincipal)', { Sid: 'S', Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'kms:Decrypt', Resource: '*' }],
    ['Deny to "*"', { Sid: 'S', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }],
    ['Allow with NotPrincipal of operations that never work across accounts', { Sid: 'S', Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:ScheduleKeyDeletion', Resource: '*' }],
  ])('GIVEN %s THEN no finding: it lets no other account use the key', (_name, st) => {
    expect(checkOne(st)).toEqual([]);
  });

  test('GIVEN a condition operator IAM does not know THEN a warning that the statement could not be evaluated, naming the operator', () => {
    const findings = checkOne(publicStatement({ StringEqualz: { 'kms:CallerAccount': '111122223333' } }));
    expect(ids(findings)).toEqual([`${RULE}[Statement::S] warning`]);
    expect(findings[0].message).toContain('whether Sid "S" of the key policy of S/Key lets everyone use the key could not be evaluated: ');
    expect(findings[0].message).toContain('"StringEqualz"');
    expect(findings[0].location).toMatchObject({ statement: 'Sid "S"', field: 'Principal' });
  });

  test('GIVEN a value unknown offline that could name another account THEN the warning says it could not be verified, with the fix', () => {
    const findings = checkOne(publicStatement({ StringEquals: { 'kms:CallerAccount': { Ref: 'TrustedAccount' } } }));
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(findings[0].message).toContain('The statement holds values unknown offline; this holds if they allow it, so it could not be verified. Expected: ');
  });

  test('GIVEN two keys, one with a public statement THEN only that key is reported', () => {
    const model = modelOfResources({ Good: keyResource([DEPLOYER_STATEMENT]), Bad: keyResource([DEPLOYER_STATEMENT, publicStatement()]) });
    expect(PublicKeyAccess.check(model).map((f) => `${f.location.logicalId} ${f.findingId}`)).toEqual(['Bad Statement::S']);
  });
});
