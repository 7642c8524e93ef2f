import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DEFAULT_POLICY_KEY, DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, keyResource, kmsInlinePolicy, modelOfResources, roleResource } from './helpers';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { IneffectiveStatement } from '../../src/rules/KmsGuard-IneffectiveStatement';

const RULE = 'KmsGuard-IneffectiveStatement';
const ROOT = 'arn:aws:iam::111122223333:root';
const APP_ROLE = 'arn:aws:iam::111122223333:role/app';

/** The findings on a raw key whose policy is the deployer's statement plus `statement`. */
function checkStatement(statement: Record<string, unknown>) {
  return IneffectiveStatement.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, { Sid: 'X', Resource: '*', ...statement }]) }));
}

describe(RULE, () => {
  test('GIVEN a GuardedKmsKey with users, a bucket and a plain kms.Key granted to a function WHEN checked THEN compliant', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin], users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT], encryptionContext: { app: 'orders' } }] });
    new s3.Bucket(stack, 'Bucket', { encryptionKey: key }).grantRead(user);
    const plain = new kms.Key(stack, 'Plain', { enableKeyRotation: true });
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    plain.grantEncryptDecrypt(fn);
    expect(findingsOf(IneffectiveStatement, app)).toEqual([]);
  });

  test('GIVEN a raw CfnKey whose Deny has no Resource THEN an error (the restriction is not in force); an Allow without Resource is a warning', () => {
    const { app, stack } = appWithStack();
    new kms.CfnKey(stack, 'Raw', {
      enableKeyRotation: true,
      keyPolicy: {
        Version: '2012-10-17',
        Statement: [
          DEPLOYER_STATEMENT,
          { Sid: 'DenyDeletion', Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion' },
          { Sid: 'App', Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Decrypt' },
        ],
      },
    });
    const findings = findingsOf(IneffectiveStatement, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::DenyDeletion] error`, `${RULE}[Statement::App] warning`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Raw', policy: 'key policy', statement: 'Sid "DenyDeletion"', field: 'Resource' });
    expect(findings[0].message).toContain('denies nothing');
    expect(findings[0].message).toContain('add "Resource": "*"');
    expect(findings[1].message).toContain('allows nothing');
  });

  test('GIVEN ForAllValues on kms:EncryptionContext:* in a key policy THEN an error: KMS rejects the policy', () => {
    const findings = checkStatement({ Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Decrypt', Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:app': 'orders' } } });
    expect(ids(findings)).toEqual([`${RULE}[Statement::X] error`]);
    expect(findings[0].message).toContain('OverlyPermissiveCondition');
    expect(findings[0].message).toContain('stack does not deploy');
  });

  test.each([
    ['aws:ResourceTag in an Allow (never holds)', 'Allow', { StringEquals: { 'aws:ResourceTag/team': 'orders' } }, 'warning', 'IAM policies only'],
    ['kms:ResourceAliases in an Allow', 'Allow', { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' } }, 'warning', 'IAM policies only'],
    ['aws:ResourceTag under StringNotEquals in a Deny (always holds: the Deny is wider)', 'Deny', { StringNotEquals: { 'aws:ResourceTag/team': 'orders' } }, 'warning', 'always holds'],
    ['a misspelt key under a positive operator in a Deny', 'Deny', { StringEquals: { 'kms:CallerAcount': '444455556666' } }, 'error', 'did you mean `kms:CallerAccount`'],
    ['a misspelt key under StringNotEqualsIfExists in an Allow', 'Allow', { StringNotEqualsIfExists: { 'kms:CallerAcount': '444455556666' } }, 'error', 'narrows nothing'],
    ['a key of other actions (GrantIsForAWSResource on Decrypt)', 'Allow', { Bool: { 'kms:GrantIsForAWSResource': 'true' } }, 'warning', 'kms:CreateGrant'],
    ['aws:SourceIp with aws:SourceVpce in an Allow', 'Allow', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:SourceVpce': 'vpce-1234abcdf5678c90a' } }, 'warning', 'VPC endpoint'],
    ['aws:SourceIp with aws:SourceVpc in a Deny', 'Deny', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:SourceVpc': 'vpc-12345678' } }, 'error', 'denies nothing'],
  ])('table: %s', (_name, effect, condition, severity, says) => {
    const principal = effect === 'Deny' ? '*' : { AWS: APP_ROLE };
    const findings = checkStatement({ Effect: effect, Principal: principal, Action: 'kms:Decrypt', Condition: condition });
    expect(ids(findings)).toEqual([`${RULE}[Statement::X] ${severity}`]);
    expect(findings[0].message).toContain(says);
  });

  test.each([
    ['aws:SourceIp alone (requests over the internet)', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
    ['aws:SourceVpce alone', { StringEquals: { 'aws:SourceVpce': 'vpce-1234abcdf5678c90a' } }],
    ['kms:EncryptionContext without a set operator', { StringEquals: { 'kms:EncryptionContext:app': 'orders' } }],
    ['kms:CallerAccount and kms:ViaService', { StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }],
  ])('table, compliant: %s', (_name, condition) => {
    expect(checkStatement({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:Decrypt', Condition: condition })).toEqual([]);
  });

  test('GIVEN a role whose IAM policy on a plain kms.Key uses ForAllValues on the encryption context THEN an error on the role, in that policy', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:app': 'orders' } },
    }));
    const findings = findingsOf(IneffectiveStatement, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::0] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Reader/Resource', policy: expect.stringMatching(/^policy S\/ReaderDefaultPolicy/), statement: 'statement #0' });
    expect(findings[0].message).toContain('role S/Reader');
    expect(findings[0].message).toContain('allows more than it reads as');
  });

  test('GIVEN an identity statement about another service only THEN it is not this rule\'s', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantDecrypt(role);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], conditions: { StringEquals: { 's3:prefix': 'a' } } }));
    expect(findingsOf(IneffectiveStatement, app)).toEqual([]);
  });

  test('a condition key that is not known offline is a "cannot verify" warning, never a silent pass', () => {
    const findings = checkStatement({ Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Condition: { StringEquals: { '<unresolved:Ref KeyName>': 'x' } } });
    expect(ids(findings)).toEqual([`${RULE}[Statement::X] warning`]);
    expect(findings[0].message).toContain('cannot be verified');
  });
});

/** The advice every finding ends with: what is expected and the fix, with the finding's id to acknowledge. */
function advice(id: string): string {
  return 'Expected: every condition on a key that the statement\'s KMS requests carry where the policy is evaluated (conditions-kms.md lists them per action), ForAllValues only on multi-valued keys, and a Resource element. '
    + `Fix: as each problem says, then synthesize again; if the statement is meant as it is, acknowledge ${RULE}[${id}] with the reason.`;
}

/** The whole message of a finding on statement X of the key policy: what it does, each problem, the statement received, the advice. */
function keyMessage(statement: Record<string, unknown>, consequence: string, problems: string[]): string {
  return `Sid "X" of the key policy of S/Key ${consequence}: ${problems.join('; ')}. Received: ${JSON.stringify({ Sid: 'X', Resource: '*', ...statement })}. ${advice('Statement::X')}`;
}

const RESOURCE_TAG_IAM_ONLY = '`aws:ResourceTag/team` is for IAM policies only: KMS does not evaluate aws:ResourceTag/* in a key policy (tag-authorization.md: "supported only in IAM policies"), so the key policy sees it absent';
const ALIASES_IAM_ONLY = '`kms:ResourceAliases` is for IAM policies only: KMS does not evaluate kms:ResourceAliases in a key policy (conditions-kms.md, "kms:ResourceAliases": IAM policies only), so the key policy sees it absent';
const KEY_POLICY_FIX = '(in a key policy, test the key\'s own properties (the statement is already about this key only), or move the condition to the callers\' IAM policies)';
const MISSPELT = 'condition key `kms:CallerAcount` is not one that AWS KMS requests carry, so it is absent from every request: a positive operator on it never matches, and a negated operator or `...IfExists` always does, whatever the request; did you mean `kms:CallerAccount`?';
const SOURCE_IP_THROUGH_ENDPOINT = '`aws:SourceIp` is absent from requests that come through a VPC endpoint (IAM UG, condition operators: "except when the requester uses a VPC endpoint"; kms-vpc-endpoint.md), and this statement applies only to such requests (aws:SourceVpce, aws:SourceVpc, aws:SourceVpcArn or aws:VpcSourceIp); "IpAddress" on it never holds (restrict the network with aws:SourceVpce or aws:SourceVpc alone, and keep aws:SourceIp for a statement about requests over the internet)';
const NEVER_ALLOW = 'never applies, so this Allow allows nothing: the callers it is meant for are denied unless another statement allows them';
const NEVER_DENY = 'never applies, so this Deny denies nothing and the restriction it reads as is not in force';
const ALWAYS_ALLOW = 'has a condition that always holds, so it narrows nothing and this Allow allows more than it reads as';
const ALWAYS_DENY = 'has a condition that always holds, so this Deny applies more widely than it reads as';

/**
 * The whole message and the verdict of statements with one problem or several: the worst problem decides (the file
 * comment of the rule argues the order: rejected, never, always, unknown), each problem is told, once per condition
 * key. Mutation survivors of sample 2 (docs/mutation-testing.md).
 */
describe(`${RULE}: the message, whole, and the verdict of several problems`, () => {
  const app = { AWS: APP_ROLE };
  test.each([
    [
      'aws:ResourceTag and kms:ResourceAliases in one Allow of a key policy: two problems, each with its page',
      { Effect: 'Allow', Principal: app, Action: 'kms:Decrypt', Condition: { 'StringEquals': { 'aws:ResourceTag/team': 'orders' }, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' } } },
      'warning', 'Condition.StringEquals.aws:ResourceTag/team', NEVER_ALLOW,
      [`${RESOURCE_TAG_IAM_ONLY}; "StringEquals" on it never holds ${KEY_POLICY_FIX}`, `${ALIASES_IAM_ONLY}; "ForAnyValue:StringEquals" on it never holds ${KEY_POLICY_FIX}`],
    ],
    [
      // conditions-kms.md, kms:ResourceAliases: for the key resource operations only, and in IAM policies only. The
      // reader says the first, the rule the second: one explanation per key, the reader's.
      // Not the reader's advice to move the condition to an action that carries the key: in a key policy no action does.
      'kms:ResourceAliases on kms:ListAliases in a key policy: explained once, as IAM-only',
      { Effect: 'Allow', Principal: app, Action: 'kms:ListAliases', Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' } } },
      'warning', 'Condition.ForAnyValue:StringEquals.kms:ResourceAliases', NEVER_ALLOW,
      [`${ALIASES_IAM_ONLY}; "ForAnyValue:StringEquals" on it never holds ${KEY_POLICY_FIX}`],
    ],
    [
      'aws:SourceIp with aws:SourceVpce in an Allow (IAM UG, condition operators; kms-vpc-endpoint.md)',
      { Effect: 'Allow', Principal: app, Action: 'kms:Decrypt', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:SourceVpce': 'vpce-1234abcdf5678c90a' } } },
      'warning', 'Condition.IpAddress.aws:SourceIp', NEVER_ALLOW, [SOURCE_IP_THROUGH_ENDPOINT],
    ],
    [
      'a Deny whose aws:ResourceTag condition is negated: always holds, the Deny is wider (a warning: callers fail, which tests see)',
      { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Condition: { StringNotEquals: { 'aws:ResourceTag/team': 'orders' } } },
      'warning', 'Condition.StringNotEquals.aws:ResourceTag/team', ALWAYS_DENY, [`${RESOURCE_TAG_IAM_ONLY}; "StringNotEquals" on it always holds ${KEY_POLICY_FIX}`],
    ],
    [
      'a Deny with a condition key not known offline: cannot be verified (never called always or never)',
      { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Condition: { StringEquals: { '<unresolved:Ref KeyName>': 'x' } } },
      'warning', 'Condition.StringEquals.<unresolved:Ref KeyName>', 'cannot be verified',
      ['the condition key `<unresolved:Ref KeyName>` is not known offline, so whether KMS requests carry it cannot be verified'],
    ],
    [
      'ForAllValues on an encryption-context key (KMS rejects the policy) and aws:ResourceTag (never holds): rejected wins',
      { Effect: 'Allow', Principal: app, Action: 'kms:Decrypt', Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:app': 'orders' }, 'StringEquals': { 'aws:ResourceTag/team': 'orders' } } },
      'error', 'Condition.ForAllValues:StringEquals.kms:EncryptionContext:app', 'makes KMS reject the key policy, so CreateKey or PutKeyPolicy fails and the stack does not deploy',
      [
        '`ForAllValues` on the single-valued key `kms:EncryptionContext:app` matches requests without that encryption context or with unlisted ones, so it does not require what it seems to; AWS KMS rejects this key policy (OverlyPermissiveCondition). remove `ForAllValues:` and write `StringEquals`',
        `${RESOURCE_TAG_IAM_ONLY}; "StringEquals" on it never holds ${KEY_POLICY_FIX}`,
      ],
    ],
    [
      'a Deny with a misspelt key (never holds) and a negated aws:ResourceTag (always holds): the Deny never applies, an error',
      { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:CallerAcount': '444455556666' }, StringNotEquals: { 'aws:ResourceTag/team': 'orders' } } },
      'error', 'Condition.StringEquals.kms:CallerAcount', NEVER_DENY,
      [`${MISSPELT}; "StringEquals" on it never holds`, `${RESOURCE_TAG_IAM_ONLY}; "StringNotEquals" on it always holds ${KEY_POLICY_FIX}`],
    ],
    [
      'an Allow whose misspelt key under ...IfExists always holds, and a key not known offline: it narrows nothing, an error',
      { Effect: 'Allow', Principal: app, Action: 'kms:Decrypt', Condition: { StringNotEqualsIfExists: { 'kms:CallerAcount': '444455556666' }, StringEquals: { '<unresolved:Ref KeyName>': 'x' } } },
      'error', 'Condition.StringNotEqualsIfExists.kms:CallerAcount', ALWAYS_ALLOW,
      [`${MISSPELT}; "StringNotEqualsIfExists" on it always holds`, 'the condition key `<unresolved:Ref KeyName>` is not known offline, so whether KMS requests carry it cannot be verified'],
    ],
  ])('%s', (_name, statement, severity, field, consequence, problems) => {
    const findings = checkStatement(statement);
    expect(ids(findings)).toEqual([`${RULE}[Statement::X] ${severity}`]);
    expect(findings[0].message).toBe(keyMessage(statement, consequence, problems));
    expect(findings[0].location).toMatchObject({ logicalId: 'Key', policy: 'key policy', statement: 'Sid "X"', field });
  });

  // An operator the evaluator does not know is the policy reader's error (unknown-condition-operator): the outcome of
  // the condition on an absent key is not known, so this rule claims none.
  test.each([
    ['StringEqualz on aws:ResourceTag', { StringEqualz: { 'aws:ResourceTag/team': 'orders' } }],
    ['IpAddresz on aws:SourceIp, through a VPC endpoint', { IpAddresz: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:SourceVpce': 'vpce-1234abcdf5678c90a' } }],
  ])('an unknown operator (%s) draws no finding of this rule', (_name, condition) => {
    expect(checkStatement({ Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Decrypt', Condition: condition })).toEqual([]);
  });
});

describe(`${RULE}: identity policies`, () => {
  /** A key with KMS's default policy (it delegates to IAM) and a role S/W whose inline policy `kms` holds `statements`. */
  const withRole = (...statements: unknown[]) => IneffectiveStatement.check(modelOfResources({ Key: DEFAULT_POLICY_KEY, W: roleResource('W', 'w', [kmsInlinePolicy(...statements)]) }));

  test('aws:ResourceTag in an IAM policy is what ABAC is (abac.md, tag-authorization.md): not reported', () => {
    expect(withRole({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'orders' } } })).toEqual([]);
  });

  test('the statements of another service in a policy that reaches a key are not judged, even with a condition this rule would report on a KMS statement', () => {
    expect(withRole(
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:SourceVpce': 'vpce-1234abcdf5678c90a' } } },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:app': 'orders' } } },
    )).toEqual([]);
  });

  test('a KMS statement with two problems: both told, on the role, in its policy', () => {
    const statement = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:SourceVpce': 'vpce-1234abcdf5678c90a', 'kms:CallerAcount': '111122223333' } } };
    const findings = withRole(statement);
    expect(ids(findings)).toEqual([`${RULE}[Statement::0] warning`]);
    expect(findings[0].location).toMatchObject({ logicalId: 'W', constructPath: 'S/W/Resource', policy: 'inline policy kms of the role', statement: 'statement #0', field: 'Condition.StringEquals.kms:CallerAcount' });
    expect(findings[0].message).toBe(`statement #0 of inline policy kms of the role, an identity policy of role S/W that reaches a KMS key of the app, ${NEVER_ALLOW}: `
      + `${MISSPELT}; "StringEquals" on it never holds; ${SOURCE_IP_THROUGH_ENDPOINT}. Received: ${JSON.stringify(statement)}. ${advice('Statement::0')}`);
  });
});
