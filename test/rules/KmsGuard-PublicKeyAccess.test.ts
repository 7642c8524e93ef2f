import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, keyResource, modelOfResources } from './helpers';
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
    new kms.CfnKey(stack, 'Raw', {
      enableKeyRotation: true,
      keyPolicy: {
        Version: '2012-10-17',
        Statement: [
          DEPLOYER_STATEMENT,
          { Sid: 'Org', Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
          { Sid: 'Anyone', Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 'kms:Encrypt', Resource: '*' },
        ],
      },
    });
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
