/**
 * KmsGuard-MalformedKeyPolicy: a key policy outside the policy grammar (key-policy-overview.md: Effect, Principal,
 * Action and Resource are required; Effect is "Allow" or "Deny") is an error, because KMS rejects it
 * (MalformedPolicyDocumentException) and the stack does not deploy. Compliant and non-compliant pairs on real CDK
 * stacks, then one row per grammar problem on hand-written templates.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, keyResource, modelOfResources, rawKey } from './helpers';
import { MalformedKeyPolicy } from '../../src/rules/KmsGuard-MalformedKeyPolicy';

const RULE = 'KmsGuard-MalformedKeyPolicy';
const ROLE = 'arn:aws:iam::111122223333:role/reader';
const READER = { Sid: 'Readers', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*' };

function check(...statements: unknown[]): Array<[string, string, string | undefined]> {
  const model = modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, ...statements]) });
  return MalformedKeyPolicy.check(model).map((f) => [f.findingId, f.severity, f.location.field]);
}

describe(RULE, () => {
  test('GIVEN a raw CfnKey whose statement says "allow" in lower case WHEN checked THEN an error on the statement that says KMS rejects it', () => {
    const { app, stack } = appWithStack();
    rawKey(stack, DEPLOYER_STATEMENT, { ...READER, Effect: 'allow' });
    const findings = findingsOf(MalformedKeyPolicy, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::Readers] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Raw', policy: 'key policy', statement: 'Sid "Readers"', field: 'Effect' });
    expect(findings[0].message).toBe(
      'Sid "Readers" of the key policy of S/Raw is malformed: Effect is "allow": expected exactly "Allow" or "Deny" (case-sensitive). '
      + 'KMS rejects a malformed key policy (MalformedPolicyDocumentException), so CreateKey or PutKeyPolicy fails and the stack does not deploy '
      + '(key-policy-overview.md: Effect, Principal, Action and Resource are required, Effect is "Allow" or "Deny"). '
      + 'Expected: a key policy in the policy grammar; fix it as the problem says.');
  });

  test('GIVEN the same statement with "Allow" WHEN checked THEN nothing', () => {
    const { app, stack } = appWithStack();
    rawKey(stack, DEPLOYER_STATEMENT, READER);
    expect(findingsOf(MalformedKeyPolicy, app)).toEqual([]);
  });

  test('GIVEN a kms.Key with grants and a resource-policy statement WHEN checked THEN nothing (CDK writes the grammar)', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'], principals: [new iam.ArnPrincipal(ROLE)] }));
    key.grantDecrypt(new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }));
    expect(findingsOf(MalformedKeyPolicy, app)).toEqual([]);
  });

  test.each<[string, unknown, Array<[string, string, string | undefined]>]>([
    ['a lower-case Effect', { ...READER, Effect: 'allow' }, [['Statement::Readers', 'error', 'Effect']]],
    ['no Effect', { ...READER, Effect: undefined }, [['Statement::Readers', 'error', 'Effect']]],
    ['a Principal with no principal type', { ...READER, Principal: {} }, [['Statement::Readers', 'error', 'Principal']]],
    ['an empty principal list', { ...READER, Principal: { AWS: [] } }, [['Statement::Readers', 'error', 'Principal.AWS']]],
    ['a Principal that is a list', { ...READER, Principal: [ROLE] }, [['Statement::Readers', 'error', 'Principal']]],
    ['no Principal', { ...READER, Principal: undefined }, [['Statement::Readers', 'error', 'Principal']]],
    ['both Principal and NotPrincipal', { ...READER, Effect: 'Deny', NotPrincipal: { AWS: ROLE } }, [['Statement::Readers', 'error', 'NotPrincipal']]],
    ['no Action', { ...READER, Action: undefined }, [['Statement::Readers', 'error', 'Action']]],
    ['an Action that is a number', { ...READER, Action: 5 }, [['Statement::Readers', 'error', 'Action']]],
    ['both Action and NotAction', { ...READER, NotAction: 'kms:Encrypt' }, [['Statement::Readers', 'error', 'NotAction']]],
    ['both Resource and NotResource', { ...READER, NotResource: 'x' }, [['Statement::Readers', 'error', 'NotResource']]],
    ['an unknown statement element', { ...READER, Conditions: {} }, [['Statement::Readers', 'error', 'Conditions']]],
    ['a misspelt condition operator', { ...READER, Condition: { StringEqual: { 'kms:CallerAccount': '111122223333' } } }, [['Statement::Readers', 'error', 'Condition.StringEqual']]],
    ['an IpAddress value that is not an address', { ...READER, Condition: { IpAddress: { 'aws:SourceIp': 'ten.0.0.0/8' } } }, [['Statement::Readers', 'error', 'Condition.IpAddress.aws:SourceIp']]],
    ['an Allow with NotPrincipal', { ...READER, Principal: undefined, NotPrincipal: { AWS: ROLE } }, [['Statement::Readers', 'error', 'NotPrincipal']]],
    ['a statement that is not an object', 'Allow everything', [['Statement::1', 'error', undefined]]],
    // key-policy-overview.md, "Key policy format": printable ASCII and Latin-1, tab, line feed and carriage return only.
    ['a condition key holding a character outside Latin-1', { ...READER, Condition: { StringEquals: { 'kms:EncryptionContext:İstanbul': 'x' } } },
      [['Statement::Readers', 'error', 'Condition.StringEquals.kms:EncryptionContext:\\u0130stanbul']]],
    ['a principal ARN holding an emoji', { ...READER, Principal: { AWS: 'arn:aws:iam::111122223333:role/r\u{1F600}' } }, [['Statement::Readers', 'error', 'Principal.AWS']]],
  ])('non-compliant: %s', (_name, statement, expected) => {
    expect(check(statement)).toEqual(expected);
  });

  test.each<[string, unknown]>([
    ['a valid statement', READER],
    // The rules that explain these better report them: KmsGuard-InvalidAction, -InvalidPrincipal, -IneffectiveStatement.
    ['an Action value that is not an action', { ...READER, Action: 'Decrypt' }],
    ['a misspelt KMS action', { ...READER, Action: 'kms:Decrypts' }],
    ['a wildcard inside a principal ARN', { ...READER, Principal: { AWS: 'arn:aws:iam::111122223333:role/reader-*' } }],
    ['no Resource (KMS accepts it; the statement has no effect)', { ...READER, Resource: undefined }],
    ['a Deny with NotPrincipal', { ...READER, Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: ROLE } }],
    ['Latin-1 letters in a Sid and a condition value', { ...READER, Sid: 'Lecteurs-é', Condition: { StringEquals: { 'kms:EncryptionContext:ville': 'Zürich' } } }],
  ])('not reported here: %s', (_name, statement) => {
    expect(check(statement)).toEqual([]);
  });

  test('a policy without Statement is reported on the policy itself', () => {
    const model = modelOfResources({ Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Version: '2012-10-17' } } } });
    const findings = MalformedKeyPolicy.check(model);
    expect(findings.map((f) => [f.findingId, f.severity, f.location.field, f.location.statement])).toEqual([['KeyPolicy::Document', 'error', 'Statement', undefined]]);
    expect(findings[0].message).toMatch(/^the key policy of S\/Key is malformed: the key policy has no Statement element: add "Statement": \[ \.\.\. \]\. KMS rejects/);
  });

  test.each<[string, unknown, string]>([
    ['a structural problem: KMS rejects it (documented)', { ...READER, Action: undefined },
      'KMS rejects a malformed key policy (MalformedPolicyDocumentException), so CreateKey or PutKeyPolicy fails and the stack does not deploy'],
    ['a condition the reader cannot read: either way, said as it is', { ...READER, Condition: { StringEqual: { 'kms:CallerAccount': '111122223333' } } },
      'Either KMS rejects the key policy (MalformedPolicyDocumentException) and the stack does not deploy, or it takes a condition that does not test what it reads as; the AWS pages do not say which.'],
    ['an empty condition value list', { ...READER, Condition: { StringEquals: { 'kms:CallerAccount': [] } } }, 'or it takes a condition that does not test what it reads as'],
    ['an empty condition block', { ...READER, Condition: { StringEquals: {} } }, 'or it takes a condition that does not test what it reads as'],
    ['an Allow with NotPrincipal: either way, said as it is', { ...READER, Principal: undefined, NotPrincipal: { AWS: ROLE } },
      'Either KMS rejects the key policy and the stack does not deploy, or the statement allows every principal but the listed ones; the AWS pages do not say which.'],
  ])('what the message says KMS does: %s', (_name, statement, consequence) => {
    const findings = MalformedKeyPolicy.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, statement]) }));
    expect(findings.map((f) => f.severity)).toEqual(['error']);
    expect(findings[0].message).toContain(consequence);
  });

  test('two problems in one statement make one finding that names both', () => {
    const findings = MalformedKeyPolicy.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, { ...READER, Effect: 'allow', Principal: {} }]) }));
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('Effect is "allow": expected exactly "Allow" or "Deny" (case-sensitive); Principal is {}: expected "*" or at least one principal type');
  });

  test.each<[string, unknown, string]>([
    ['a condition value given as a parameter', { IpAddress: { 'aws:SourceIp': { Ref: 'Cidr' } } }, 'warning'],
    ['a literal bad value beside another condition given as a parameter', { IpAddress: { 'aws:SourceIp': 'ten.0.0.0/8' }, StringEquals: { 'kms:CallerAccount': { Ref: 'Account' } } }, 'error'],
    ['a bad value under a key holding dots', { IpAddress: { 'aws:RequestTag/app.name': { Ref: 'Cidr' } } }, 'warning'],
  ])('%s: %s', (_name, condition, severity) => {
    const model = modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, { ...READER, Condition: condition }]) });
    expect(MalformedKeyPolicy.check(model).map((f) => [f.findingId, f.severity])).toEqual([['Statement::Readers', severity]]);
  });

  test('an Effect given as a parameter is a "cannot verify" warning, not an error', () => {
    const model = modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, { ...READER, Effect: { Ref: 'EffectParam' } }]) });
    const findings = MalformedKeyPolicy.check(model);
    expect(findings.map((f) => [f.findingId, f.severity])).toEqual([['Statement::Readers', 'warning']]);
    expect(findings[0].message).toContain('is not known offline, so whether KMS accepts the key policy cannot be verified');
    expect(findings[0].message).toContain('Expected: make sure the value deployed is valid.');
  });
});
