import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DEPLOYER_STATEMENT, ENV, OTHER_ACCOUNT, appWithStack, findingsOf, ids, keyResource, modelOfResources } from './helpers';
import { CrossAccountKeyShare, GuardedKmsKey, KeyCapability } from '../../src';
import { CrossAccountWithoutNarrowing } from '../../src/rules/KmsGuard-CrossAccountWithoutNarrowing';

const RULE = 'KmsGuard-CrossAccountWithoutNarrowing';
const OTHER_ROOT = `arn:aws:iam::${OTHER_ACCOUNT}:root`;

describe(RULE, () => {
  test('GIVEN key.grantDecrypt(new AccountPrincipal(other)) on a plain kms.Key WHEN checked THEN an error: the whole account', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.grantDecrypt(new iam.AccountPrincipal(OTHER_ACCOUNT));
    const findings = findingsOf(CrossAccountWithoutNarrowing, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::1] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Key/Resource', statement: 'statement #1', field: 'Principal' });
    expect(findings[0].message).toContain(OTHER_ROOT);
    expect(findings[0].message).toContain('"ArnEquals": {"aws:PrincipalArn": [...]}');
  });

  test('GIVEN key.grant(otherAccount, "kms:*") THEN also a warning: the operations that never work across accounts', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.grant(new iam.AccountPrincipal(OTHER_ACCOUNT), 'kms:*');
    const findings = findingsOf(CrossAccountWithoutNarrowing, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::1] error`, `${RULE}[Actions::1] warning`]);
    expect(findings[1].message).toContain('kms:PutKeyPolicy');
    expect(findings[1].message).toContain('have no effect');
  });

  test('GIVEN a role of another account named with explicit roleName (aws-cdk-lib names it in the key policy) THEN compliant', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV });
    const consumer = new Stack(app, 'Consumer', { env: { account: OTHER_ACCOUNT, region: 'us-east-1' } });
    const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'reader' });
    const key = new kms.Key(owner, 'Key', { enableKeyRotation: true });
    key.grantDecrypt(reader);
    expect(findingsOf(CrossAccountWithoutNarrowing, app)).toEqual([]);
  });

  test('GIVEN CrossAccountKeyShare with and without consumer roles THEN compliant (aws:PrincipalArn, or kms:CallerAccount)', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV });
    const consumer = new Stack(app, 'Consumer', { env: { account: OTHER_ACCOUNT, region: 'us-east-1' } });
    const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin] });
    const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'reader' });
    new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: OTHER_ACCOUNT, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT] });
    new CrossAccountKeyShare(owner, 'ShareAll', { key, consumerAccount: '777788889999', capabilities: [KeyCapability.ENCRYPT] });
    expect(findingsOf(CrossAccountWithoutNarrowing, app)).toEqual([]);
  });

  test.each([
    ['the account root, no condition', { Principal: { AWS: OTHER_ROOT } }, ['Statement::X error']],
    ['the bare account id', { Principal: { AWS: OTHER_ACCOUNT } }, ['Statement::X error']],
    ['the root with an organization condition only', { Principal: { AWS: OTHER_ROOT }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }, ['Statement::X error']],
    ['the root with aws:PrincipalArn with a wildcard account', { Principal: { AWS: OTHER_ROOT }, Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/reader' } } }, ['Statement::X error']],
    ['the root narrowed by aws:PrincipalArn', { Principal: { AWS: OTHER_ROOT }, Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${OTHER_ACCOUNT}:role/reader` } } }, []],
    ['the root with kms:CallerAccount', { Principal: { AWS: OTHER_ROOT }, Condition: { StringEquals: { 'kms:CallerAccount': OTHER_ACCOUNT } } }, []],
    ['a named role of the other account', { Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/reader` } }, []],
    ['"*" with kms:CallerAccount of the other account, and kms:PutKeyPolicy', { Principal: '*', Action: ['kms:Decrypt', 'kms:PutKeyPolicy'], Condition: { StringEquals: { 'kms:CallerAccount': OTHER_ACCOUNT } } }, ['Actions::X warning']],
    ['a named role with kms:ScheduleKeyDeletion', { Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/reader` }, Action: ['kms:Decrypt', 'kms:ScheduleKeyDeletion'] }, ['Actions::X warning']],
  ])('table: an Allow naming %s', (_name, st, expected) => {
    const statement = { Sid: 'X', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', ...st };
    const findings = CrossAccountWithoutNarrowing.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, statement]) }));
    expect(findings.map((f) => `${f.findingId} ${f.severity}`)).toEqual(expected);
  });
});
