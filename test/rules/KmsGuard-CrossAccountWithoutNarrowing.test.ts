import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DEPLOYER_STATEMENT, ENV, OTHER_ACCOUNT, appWithStack, findingsOf, ids, keyResource, modelOfResources } from './helpers';
import { CrossAccountKeyShare, GuardedKmsKey, KeyCapability } from '../../src';
import { CROSS_ACCOUNT_ACTIONS } from '../../src/policy/catalogue';
import { CrossAccountWithoutNarrowing } from '../../src/rules/KmsGuard-CrossAccountWithoutNarrowing';
import { SAME_ACCOUNT_ONLY_ACTIONS } from '../../src/rules/support/actions';

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

// Cases added for the mutation run (issue 10, docs/mutation-testing.md). What a principal of another account can be
// given, and that its account's IAM administrators then choose who uses it: key-policy-modifying-external-accounts.md
// ("When you specify an external account in a key policy, IAM administrators in the external account can use IAM
// policies to delegate those permissions to any users and roles"); the operations that never work across accounts:
// the same page ("Cross-account permission is effective only for the following operations") and the "Cross-account
// use" column of kms-api-permissions-reference.md. kms:CallerAccount: conditions-kms.md; aws:PrincipalAccount,
// aws:PrincipalArn: conditions-aws.md.
describe(`${RULE}: what narrows the account, and what is cross-account`, () => {
  const THIRD_ACCOUNT = '777788889999';
  const THIRD_ROOT = `arn:aws:iam::${THIRD_ACCOUNT}:root`;
  const check = (st: Record<string, unknown>) => CrossAccountWithoutNarrowing.check(
    modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, { Sid: 'X', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', ...st }]) }));
  const summary = (st: Record<string, unknown>) => check(st).map((f) => `${f.findingId} ${f.severity}`);

  test.each([
    // The account is stated: only principals of that account can match, as with kms:CallerAccount.
    ['aws:PrincipalAccount naming the account', { StringEquals: { 'aws:PrincipalAccount': OTHER_ACCOUNT } }, []],
    // A session ARN names one role's sessions of a literal account (an STS ARN is a principal ARN: principal.md).
    ['aws:PrincipalArn naming an STS session of the account', { ArnEquals: { 'aws:PrincipalArn': `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/reader/app` } }, []],
    ['aws:PrincipalArn naming two roles', { ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${OTHER_ACCOUNT}:role/reader`, `arn:aws:iam::${OTHER_ACCOUNT}:role/writer`] } }, []],
    // Negated, ...IfExists and Null conditions hold for principals they do not list: they name no one.
    ['a negated kms:CallerAccount', { StringNotEquals: { 'kms:CallerAccount': OTHER_ACCOUNT } }, ['Statement::X error']],
    ['kms:CallerAccount with ...IfExists', { StringEqualsIfExists: { 'kms:CallerAccount': OTHER_ACCOUNT } }, ['Statement::X error']],
    ['a negated aws:PrincipalArn', { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${OTHER_ACCOUNT}:role/reader` } }, ['Statement::X error']],
    // A pattern for the account lets every account's principals match.
    ['StringLike kms:CallerAccount "*"', { StringLike: { 'kms:CallerAccount': '*' } }, ['Statement::X error']],
    ['StringLike kms:CallerAccount with a partial account', { StringLike: { 'kms:CallerAccount': '4444*' } }, ['Statement::X error']],
    ['kms:CallerAccount listing the account and "*"', { StringLike: { 'kms:CallerAccount': [OTHER_ACCOUNT, '*'] } }, ['Statement::X error']],
    ['aws:PrincipalAccount with a wildcard', { StringLike: { 'aws:PrincipalAccount': '*' } }, ['Statement::X error']],
    ['aws:PrincipalArn listing a role and a wildcard account', { ArnLike: { 'aws:PrincipalArn': [`arn:aws:iam::${OTHER_ACCOUNT}:role/reader`, 'arn:aws:iam::*:role/reader'] } }, ['Statement::X error']],
    ['aws:PrincipalArn with a wildcard partition and account', { ArnLike: { 'aws:PrincipalArn': 'arn:*:iam::*:role/*' } }, ['Statement::X error']],
    ['aws:PrincipalArn "*"', { StringLike: { 'aws:PrincipalArn': '*' } }, ['Statement::X error']],
    // A condition on a value the caller chooses says nothing about who it is.
    ['a kms:ViaService condition only', { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }, ['Statement::X error']],
    // kms:GranteePrincipal limits whom a grant is for, not who calls CreateGrant (conditions-kms.md): it names no caller.
    ['kms:GranteePrincipal naming a role of the account', { StringEquals: { 'kms:GranteePrincipal': `arn:aws:iam::${OTHER_ACCOUNT}:role/worker` } }, ['Statement::X error']],
    // One narrowing entry is enough: every entry of a Condition must hold (reference_policies_multi-value-conditions.md).
    ['kms:CallerAccount next to aws:SecureTransport', { StringEquals: { 'kms:CallerAccount': OTHER_ACCOUNT }, Bool: { 'aws:SecureTransport': 'true' } }, []],
  ])('GIVEN the other account\'s root with %s', (_name, condition, expected) => {
    expect(summary({ Principal: { AWS: OTHER_ROOT }, Condition: condition })).toEqual(expected);
  });

  test('GIVEN two other accounts\' roots and no condition THEN one error that names both and says "those accounts"', () => {
    const findings = check({ Principal: { AWS: [OTHER_ROOT, THIRD_ROOT] } });
    expect(findings.map((f) => `${f.findingId} ${f.severity}`)).toEqual(['Statement::X error']);
    expect(findings[0].message).toContain(`names other accounts, ${OTHER_ROOT}, ${THIRD_ROOT}, and allows kms:Decrypt`);
    expect(findings[0].message).toContain('every principal of those accounts');
  });

  test('GIVEN one other account\'s root THEN the error says "another account" and "that account", and lists only the operations that work across accounts', () => {
    const findings = check({ Principal: { AWS: OTHER_ROOT }, Action: ['kms:Decrypt', 'kms:PutKeyPolicy'] });
    expect(findings.map((f) => f.findingId)).toEqual(['Statement::X', 'Actions::X']);
    expect(findings[0].message).toContain(`names another account, ${OTHER_ROOT}, and allows kms:Decrypt with no condition`);
    expect(findings[0].message).toContain('every principal of that account');
    expect(findings[0].message).toContain('Fix: share the key with CrossAccountKeyShare and its consumerRoles, or add the aws:PrincipalArn condition to the statement.');
    expect(findings[0].location).toMatchObject({ policy: 'key policy', statement: 'Sid "X"', field: 'Principal' });
  });

  test('GIVEN the other account\'s root together with a role of this account THEN the error names only the other account', () => {
    const findings = check({ Principal: { AWS: ['arn:aws:iam::111122223333:role/app', OTHER_ROOT] } });
    expect(findings.map((f) => f.findingId)).toEqual(['Statement::X']);
    expect(findings[0].message).toContain(`names another account, ${OTHER_ROOT}, and`);
  });

  test('GIVEN the operations that never work across accounts given to one account THEN the warning names the account, "it", those operations first, and the ones that do work', () => {
    const findings = check({ Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/reader` }, Action: 'kms:*' });
    expect(findings.map((f) => `${f.findingId} ${f.severity}`)).toEqual(['Actions::X warning']);
    const message = findings[0].message;
    // The four named first are the ones people mean to grant; each is "Cross-account use: No" in the permissions reference.
    // Each of the key-policy operations whose "Cross-account use" is No once: the four, and the rest counted.
    expect(message).toContain(`allows account ${OTHER_ACCOUNT} kms:PutKeyPolicy, kms:ScheduleKeyDeletion, kms:DisableKey, kms:TagResource and ${SAME_ACCOUNT_ONLY_ACTIONS.length - 4} more,`);
    expect(message).toContain('for it these permissions have no effect');
    // The operations that do work across accounts are offered instead (key-policy-modifying-external-accounts.md).
    expect(message).toMatch(/Expected: only operations that work across accounts \(kms:[A-Za-z]+, .* and \d+ more\)/);
    // kms:RetireGrant is not offered: "The kms:RetireGrant permission is not effective in a key policy" (grant-manage.md).
    const offered = CROSS_ACCOUNT_ACTIONS.filter((a) => a !== 'kms:RetireGrant');
    expect(message).toContain(`Expected: only operations that work across accounts (${offered.slice(0, 6).join(', ')} and ${offered.length - 6} more).`);
    expect(message).toContain('instead of "kms:*"');
    expect(findings[0].location).toMatchObject({ policy: 'key policy', statement: 'Sid "X"', field: 'Action' });
  });

  test('GIVEN NotAction instead of Action THEN the warning quotes the NotAction element', () => {
    const findings = check({ Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/reader` }, Action: undefined, NotAction: 'kms:Decrypt' });
    expect(findings.map((f) => f.findingId)).toEqual(['Actions::X']);
    expect(findings[0].message).toContain('instead of "kms:Decrypt"');
  });

  test('GIVEN "*" limited to two other accounts by kms:CallerAccount, with kms:ScheduleKeyDeletion THEN the warning names both accounts and "them"', () => {
    const findings = check({ Principal: '*', Action: ['kms:Decrypt', 'kms:ScheduleKeyDeletion'], Condition: { StringEquals: { 'kms:CallerAccount': [OTHER_ACCOUNT, THIRD_ACCOUNT] } } });
    expect(findings.map((f) => `${f.findingId} ${f.severity}`)).toEqual(['Actions::X warning']);
    expect(findings[0].message).toContain(`allows accounts ${OTHER_ACCOUNT}, ${THIRD_ACCOUNT} kms:ScheduleKeyDeletion,`);
    expect(findings[0].message).toContain('for them these permissions have no effect');
  });

  test.each([
    // The key's own account may be given every operation: the administrators need PutKeyPolicy (key-policy-default.md).
    ['"*" limited to this account by kms:CallerAccount', { Principal: '*', Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } } }],
    ['"*" limited to this account by aws:PrincipalAccount', { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } }],
    ['this account\'s root', { Principal: { AWS: 'arn:aws:iam::111122223333:root' } }],
    ['a role of this account', { Principal: { AWS: 'arn:aws:iam::111122223333:role/admin' } }],
    // "*" with a negated account condition lets other accounts in (KmsGuard-PublicKeyAccess's finding), but names none.
    ['"*" with a negated kms:CallerAccount', { Principal: '*', Condition: { StringNotEquals: { 'kms:CallerAccount': OTHER_ACCOUNT } } }],
    // A condition on the account of a statement that names only this account's role names no other account.
    ['a role of this account with a kms:CallerAccount condition', { Principal: { AWS: 'arn:aws:iam::111122223333:role/admin' }, Condition: { StringEquals: { 'kms:CallerAccount': OTHER_ACCOUNT } } }],
    // A condition key no request has (a misspelt kms:CallerAccount) never matches: "If the key that you specify in a
    // policy condition is not present in the request context, the values do not match" (condition operators page).
    ['"*" with a misspelt kms:CallerAccounts naming another account', { Principal: '*', Condition: { StringEquals: { 'kms:CallerAccounts': OTHER_ACCOUNT } } }],
    ['"*" with a misspelt aws:PrincipalAccounts naming another account', { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccounts': OTHER_ACCOUNT } } }],
    // An IAM group is never a principal (reference_policies_elements_principal.md): it names no account here; the
    // invalid principal is KmsGuard-InvalidPrincipal's finding.
    ['an IAM group of another account', { Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:group/readers` } }],
  ])('GIVEN an Allow of kms:PutKeyPolicy and kms:Decrypt to %s THEN no finding: no other account is named', (_name, st) => {
    expect(summary({ Action: ['kms:Decrypt', 'kms:PutKeyPolicy'], ...st })).toEqual([]);
  });

  test('GIVEN "*" limited to another account by aws:PrincipalAccount, with kms:TagResource THEN a warning for that account', () => {
    const findings = check({ Principal: '*', Action: ['kms:Decrypt', 'kms:TagResource'], Condition: { StringEquals: { 'aws:PrincipalAccount': OTHER_ACCOUNT } } });
    expect(findings.map((f) => `${f.findingId} ${f.severity}`)).toEqual(['Actions::X warning']);
    expect(findings[0].message).toContain(`allows account ${OTHER_ACCOUNT} kms:TagResource,`);
  });

  test('GIVEN a Deny naming the other account\'s root THEN no finding: only Allow statements give access', () => {
    expect(summary({ Effect: 'Deny', Principal: { AWS: OTHER_ROOT }, Action: 'kms:*' })).toEqual([]);
  });
});
