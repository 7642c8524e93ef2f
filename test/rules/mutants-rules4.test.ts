/**
 * Tests written for the survivors of the fourth mutation sample of src/rules (docs/mutation-testing.md):
 * src/analysis/key-policy-malformed.ts (the check behind KmsGuard-MalformedKeyPolicy) and KmsGuard-IntentDrift. Each
 * row asserts what the AWS pages document, on hand-written templates (no CDK synthesis: a mutant run loads this file
 * for every mutant of these files), and the whole message where a survivor was in a message.
 *
 * key-policy-overview.md: "The Effect, Principal, Action, and Resource elements are required"; Effect's "Valid values
 * are Allow or Deny"; Version is "2012-10-17". CreateKey and PutKeyPolicy answer a malformed policy with
 * MalformedPolicyDocumentException. docs/decisions.md "A key policy outside the grammar is an error" says which reader
 * errors the check reports and how (a value unknown offline: a warning).
 */
import { DEFAULT_POLICY_KEY, DEPLOYER_ROLE, DEPLOYER_STATEMENT, keyResource, modelOfResources, roleResource as templateRole } from './template-helpers';
import { checkKeyPolicyGrammar } from '../../src/analysis/key-policy-malformed';
import { AppModel } from '../../src/app-model/app-model';
import { INTENT_METADATA_KEY } from '../../src/intent/declared-intent';
import { IntentDrift } from '../../src/rules/KmsGuard-IntentDrift';
import { MalformedKeyPolicy } from '../../src/rules/KmsGuard-MalformedKeyPolicy';

// A role its account may assume, with no policy (template-helpers' roleResource without inline policies).
const roleResource = (path: string, roleName: string): Record<string, unknown> => templateRole(path, roleName, []);

const READER_ROLE = 'arn:aws:iam::111122223333:role/reader';
const READER = { Sid: 'Readers', Effect: 'Allow', Principal: { AWS: READER_ROLE }, Action: 'kms:Decrypt', Resource: '*' };

/** What the error says KMS does, per kind of problem (key-policy-malformed.ts `consequenceOf`). */
const REJECTS = 'KMS rejects a malformed key policy (MalformedPolicyDocumentException), so CreateKey or PutKeyPolicy fails and the stack does not deploy '
  + '(key-policy-overview.md: Effect, Principal, Action and Resource are required, Effect is "Allow" or "Deny").';
const CONDITION = 'Either KMS rejects the key policy (MalformedPolicyDocumentException) and the stack does not deploy, or it takes a condition that does '
  + 'not test what it reads as; the AWS pages do not say which.';
const NOT_PRINCIPAL = 'Either KMS rejects the key policy and the stack does not deploy, or the statement allows every principal but the listed ones; '
  + 'the AWS pages do not say which.';

const error = (where: string, what: string, consequence: string): string =>
  `${where} is malformed: ${what}. ${consequence} Expected: a key policy in the policy grammar; fix it as the problem says.`;
const unknown = (where: string, what: string): string =>
  `${where}: ${what}, and the value is not known offline, so whether KMS accepts the key policy cannot be verified. Expected: make sure the value deployed is valid.`;

interface Shown { severity: string; statement?: string; field?: string; message: string }

/**
 * The check's findings on a key `Key` whose KeyPolicy is `policy`, without the fields every finding here shares; compared
 * with toStrictEqual, so a `statement` or `field` present but undefined is a difference.
 */
function grammarOf(policy: unknown): Shown[] {
  const model = modelOfResources({ Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: policy } } });
  return checkKeyPolicyGrammar(model).map(({ check, stackName, logicalId, ...rest }) => {
    expect([check, stackName, logicalId]).toEqual(['key-policy-malformed', 'S', 'Key']);
    return rest;
  });
}

const policy = (...statements: unknown[]): Record<string, unknown> => ({ Version: '2012-10-17', Statement: [DEPLOYER_STATEMENT, ...statements] });
const OF_KEY = 'the key policy of S/Key';
const EFFECT_ALLOW = 'Effect is "allow": expected exactly "Allow" or "Deny" (case-sensitive)';
const IP_EXPECTED = 'expected an IPv4 or IPv6 address or CIDR range, e.g. `203.0.113.0/24`, `203.0.113.7`, `2001:db8::/32` or `::1`';
const EFFECT_PARAM = 'Effect is "<unresolved:Ref EffectParam>": expected exactly "Allow" or "Deny" (case-sensitive)';

describe('key-policy-malformed (src/analysis/key-policy-malformed.ts)', () => {
  test.each<[string, unknown, Shown[]]>([
    // key-policy-overview.md: "Set the version to 2012-10-17". A problem of the document has no statement.
    ['a Version KMS does not know: on the document, field Version', { Version: '2012-10-18', Statement: [DEPLOYER_STATEMENT] },
      [{ severity: 'error', field: 'Version', message: error(OF_KEY, 'Version is "2012-10-18": expected "2012-10-17"', REJECTS) }]],
    ['an element a policy document does not have', { Version: '2012-10-17', Ids: 'x', Statement: [DEPLOYER_STATEMENT] },
      [{ severity: 'error', field: 'Ids', message: error(OF_KEY, 'unknown policy element `Ids` in the key policy: expected Version, Id and Statement', REJECTS) }]],
    ['an empty Statement list', { Version: '2012-10-17', Statement: [] },
      [{ severity: 'error', field: 'Statement', message: error(OF_KEY, 'the key policy has an empty Statement array: add at least one statement', REJECTS) }]],
    ['a lower-case Effect: the whole message', policy({ ...READER, Effect: 'allow' }),
      [{ severity: 'error', statement: 'Sid "Readers"', field: 'Effect', message: error(`Sid "Readers" of ${OF_KEY}`, EFFECT_ALLOW, REJECTS) }]],
    // One finding per faulty statement, in the policy's order, each naming its own statement and first field.
    ['two faulty statements: two findings, in order', policy({ ...READER, Sid: undefined, Action: undefined }, { ...READER, Effect: 'allow' }),
      [
        { severity: 'error', statement: 'statement #1', field: 'Action', message: error(`statement #1 of ${OF_KEY}`, 'the statement has no Action: add "Action": ["kms:Decrypt", ...]', REJECTS) },
        { severity: 'error', statement: 'Sid "Readers"', field: 'Effect', message: error(`Sid "Readers" of ${OF_KEY}`, EFFECT_ALLOW, REJECTS) },
      ]],
    // An Allow with NotPrincipal and a misspelt operator: the condition's consequence, not NotPrincipal's. (A structural
    // problem and a condition one never meet in one statement: the reader leaves a statement with a structural error
    // out before it reads its conditions.)
    ['an Allow with NotPrincipal and a misspelt operator', policy({ ...READER, Principal: undefined, NotPrincipal: { AWS: READER_ROLE }, Condition: { StringEqual: { 'kms:CallerAccount': '111122220002' } } }),
      [{
        severity: 'error',
        statement: 'Sid "Readers"',
        field: 'Condition.StringEqual',
        message: expect.stringMatching(new RegExp(`^Sid "Readers" of the key policy of S/Key is malformed: .*${CONDITION.replace(/[().]/g, '\\$&')} Expected: `)),
      }]],
    ['an Allow with NotPrincipal alone', policy({ ...READER, Principal: undefined, NotPrincipal: { AWS: READER_ROLE } }),
      [{ severity: 'error', statement: 'Sid "Readers"', field: 'NotPrincipal', message: expect.stringContaining(` ${NOT_PRINCIPAL} Expected: `) }]],
    // An unknown statement element is the grammar's even when its name ends in "Action" and its message reads like an
    // Action value that is not an action (that one alone is KmsGuard-InvalidAction's).
    ['an unknown element named like an Action problem', policy({ ...READER, 'a is not an action: Action': 1 }),
      [{ severity: 'error', statement: 'Sid "Readers"', field: 'a is not an action: Action', message: expect.stringContaining('unknown statement element `a is not an action: Action`') }]],
    ['an unknown element whose name starts like one', policy({ ...READER, 'Action is not an action: x': 1 }),
      [{ severity: 'error', statement: 'Sid "Readers"', field: 'Action is not an action: x', message: expect.stringContaining('unknown statement element `Action is not an action: x`') }]],
    ['both Action and NotAction', policy({ ...READER, NotAction: 'kms:Encrypt' }),
      [{ severity: 'error', statement: 'Sid "Readers"', field: 'NotAction', message: error(`Sid "Readers" of ${OF_KEY}`, 'the statement has both Action and NotAction: keep one', REJECTS) }]],
    // reference_policies_elements_condition_operators.md: IpAddress takes IP addresses or CIDR ranges. The second value is a
    // parameter, which the reader reads as text: one literal problem makes the finding an error.
    ['an IpAddress value that is not an address, beside one given as a parameter under the same operator',
      policy({ ...READER, Condition: { IpAddress: { 'aws:SourceIp': 'ten.0.0.0/8', 'aws:VpcSourceIp': { Ref: 'VpcIpParam' } } } }),
      [{
        severity: 'error',
        statement: 'Sid "Readers"',
        field: 'Condition.IpAddress.aws:SourceIp',
        message: error(`Sid "Readers" of ${OF_KEY}`, `\`IpAddress\` on \`aws:SourceIp\` cannot use the value "ten.0.0.0/8"; ${IP_EXPECTED}; `
          + `\`IpAddress\` on \`aws:VpcSourceIp\` cannot use the value "<unresolved:Ref VpcIpParam>"; ${IP_EXPECTED}`, CONDITION),
      }]],
    ['an IpAddress value that is not an address, beside another operator given as a parameter',
      policy({ ...READER, Condition: { IpAddress: { 'aws:SourceIp': 'ten.0.0.1/8' }, StringEquals: { 'kms:CallerAccount': { Ref: 'AccountParam' } } } }),
      [{
        severity: 'error',
        statement: 'Sid "Readers"',
        field: 'Condition.IpAddress.aws:SourceIp',
        message: error(`Sid "Readers" of ${OF_KEY}`, `\`IpAddress\` on \`aws:SourceIp\` cannot use the value "ten.0.0.1/8"; ${IP_EXPECTED}`, CONDITION),
      }]],
    // A literal lower-case Effect in a statement whose principal is a parameter: the Effect alone decides.
    ['a lower-case Effect in a statement whose principal is a parameter', policy({ ...READER, Effect: 'allow', Principal: { AWS: { Ref: 'PrincipalParam' } } }),
      [{ severity: 'error', statement: 'Sid "Readers"', field: 'Effect', message: error(`Sid "Readers" of ${OF_KEY}`, EFFECT_ALLOW, REJECTS) }]],
    // Two problems, one given as a parameter and one literal: the literal one is enough for an error.
    ['an Effect given as a parameter and an Action that is a number', policy({ ...READER, Effect: { Ref: 'EffectParam' }, Action: 5 }),
      [{ severity: 'error', statement: 'Sid "Readers"', field: 'Effect', message: error(`Sid "Readers" of ${OF_KEY}`, `${EFFECT_PARAM}; Action is 5: expected a non-empty string or an array of them`, REJECTS) }]],
    // key-policy-overview.md, "Key policy format": printable ASCII and Latin-1, tab, line feed, carriage return only.
    ['a character a key policy cannot hold, in a principal ARN', policy({ ...READER, Principal: { AWS: 'arn:aws:iam::111122223333:role/re\u{1F600}' } }),
      [{
        severity: 'error',
        statement: 'Sid "Readers"',
        field: 'Principal.AWS',
        message: error(`Sid "Readers" of ${OF_KEY}`, 'the value `arn:aws:iam::111122223333:role/re\\uD83D\\uDE00` of the key policy holds U+1F600, and a key policy may hold '
          + 'only printable ASCII, printable Latin-1 characters, tab, line feed and carriage return, so KMS rejects it (key-policy-overview.md, "Key policy format"). '
          + 'remove the character', REJECTS),
      }]],
    // The character check echoes the value: in an Action value that reads like the reader's "is not an action: " message,
    // it is still this check's (KmsGuard-InvalidAction reports the name; the character is a rejection of its own).
    ['a character a key policy cannot hold, in an Action value', policy({ ...READER, Action: 'a is not an action: b\u{1F602}' }),
      [{ severity: 'error', statement: 'Sid "Readers"', field: 'Action', message: expect.stringContaining('the value `a is not an action: b\\uD83D\\uDE02` of the key policy holds U+1F602') }]],
    // The same character beside a misspelt operator: the documented rejection (the character) decides what is said.
    ['a character a key policy cannot hold beside a misspelt operator', policy({ ...READER, Principal: { AWS: 'arn:aws:iam::111122223333:role/re\u{1F601}' }, Condition: { StringEqual: { 'kms:CallerAccount': '111122220003' } } }),
      [{ severity: 'error', statement: 'Sid "Readers"', field: expect.any(String), message: expect.stringContaining(` ${REJECTS} Expected: `) }]],
    ['an Action that is an empty list (a shape, not a name)', policy({ ...READER, Action: [] }),
      [{ severity: 'error', statement: 'Sid "Readers"', field: 'Action', message: error(`Sid "Readers" of ${OF_KEY}`, 'Action is []: expected a non-empty string or an array of them', REJECTS) }]],
  ])('%s', (_name, keyPolicy, expected) => {
    expect(grammarOf(keyPolicy)).toStrictEqual(expected);
  });

  test.each<[string, unknown, Shown[]]>([
    // A faulty element given as a parameter: whether KMS accepts it depends on the value deployed.
    ['Statement as one object, not a list, with an Effect given as a parameter', { Version: '2012-10-17', Statement: { ...READER, Effect: { Ref: 'EffectParam' } } },
      [{ severity: 'warning', statement: 'Sid "Readers"', field: 'Effect', message: unknown(`Sid "Readers" of ${OF_KEY}`, EFFECT_PARAM) }]],
    ['Statement as one object without Sid', { Version: '2012-10-17', Statement: { ...READER, Sid: undefined, Effect: { Ref: 'EffectParam' } } },
      [{ severity: 'warning', statement: 'statement #0', field: 'Effect', message: unknown(`statement #0 of ${OF_KEY}`, EFFECT_PARAM) }]],
    ['the eleventh statement, without Sid (labelled by a two-digit index)',
      policy(...Array.from({ length: 9 }, (_, i) => ({ ...READER, Sid: `R${i}` })), { ...READER, Sid: undefined, Effect: { Ref: 'EffectParam' } }),
      [{ severity: 'warning', statement: 'statement #10', field: 'Effect', message: unknown(`statement #10 of ${OF_KEY}`, EFFECT_PARAM) }]],
    ['a whole statement given as a parameter', policy({ Ref: 'StatementParam' }),
      [{ severity: 'warning', statement: 'statement #1', message: unknown(`statement #1 of ${OF_KEY}`, 'statement #1 of the key policy must be an object, got "<unresolved:Ref StatementParam>"') }]],
    // A statement that is null before the one to look up: the lookup by Sid passes over it.
    ['a null statement, then a statement whose Effect is a parameter', policy(null, { ...READER, Effect: { Ref: 'EffectParam' } }),
      [
        { severity: 'error', statement: 'statement #1', message: error(`statement #1 of ${OF_KEY}`, 'statement #1 of the key policy must be an object, got null', REJECTS) },
        { severity: 'warning', statement: 'Sid "Readers"', field: 'Effect', message: unknown(`Sid "Readers" of ${OF_KEY}`, EFFECT_PARAM) },
      ]],
    // A statement that is text before one whose Sid is the text "undefined": the lookup by Sid reads only objects.
    ['a statement that is text, then one with Sid "undefined" whose Effect is a parameter', policy('x', { ...READER, Sid: 'undefined', Effect: { Ref: 'EffectParam' } }),
      [
        { severity: 'error', statement: 'statement #1', message: error(`statement #1 of ${OF_KEY}`, 'statement #1 of the key policy must be an object, got "x"', REJECTS) },
        { severity: 'warning', statement: 'Sid "undefined"', field: 'Effect', message: unknown(`Sid "undefined" of ${OF_KEY}`, EFFECT_PARAM) },
      ]],
    ['a Condition that is a list holding a parameter', policy({ ...READER, Condition: [{ Ref: 'ConditionParam' }] }),
      [{ severity: 'warning', statement: 'Sid "Readers"', field: 'Condition', message: expect.stringMatching(/^Sid "Readers" of the key policy of S\/Key: the Condition element must be an object .*, and the value is not known offline/) }]],
    ['a Version given as a parameter: on the document', { Version: { Ref: 'VersionParam' }, Statement: [DEPLOYER_STATEMENT] },
      [{ severity: 'warning', field: 'Version', message: unknown(OF_KEY, 'Version is "<unresolved:Ref VersionParam>": expected "2012-10-17"') }]],
    ['an IpAddress value given as a parameter, under a key holding dots', policy({ ...READER, Condition: { IpAddress: { 'aws:RequestTag/app.name': { Ref: 'CidrParam' } } } }),
      [{
        severity: 'warning',
        statement: 'Sid "Readers"',
        field: 'Condition.IpAddress.aws:RequestTag/app.name',
        message: unknown(`Sid "Readers" of ${OF_KEY}`, `\`IpAddress\` on \`aws:RequestTag/app.name\` cannot use the value "<unresolved:Ref CidrParam>"; ${IP_EXPECTED}`),
      }]],
    ['a Condition given as a parameter', policy({ ...READER, Condition: { Ref: 'ConditionParam' } }),
      [{ severity: 'warning', statement: 'Sid "Readers"', field: 'Condition', message: expect.stringMatching(/^Sid "Readers" of the key policy of S\/Key: the Condition element must be an object .*; received "<unresolved:Ref ConditionParam>", and the value is not known offline/) }]],
    ['an operator\'s block given as a parameter', policy({ ...READER, Condition: { StringEquals: { Ref: 'BlockParam' } } }),
      [{ severity: 'warning', statement: 'Sid "Readers"', field: 'Condition.StringEquals', message: expect.stringMatching(/^Sid "Readers" of the key policy of S\/Key: condition operator `StringEquals` must map .*; received "<unresolved:Ref BlockParam>", and the value is not known offline/) }]],
  ])('a value unknown offline: %s', (_name, keyPolicy, expected) => {
    expect(grammarOf(keyPolicy)).toStrictEqual(expected);
  });

  test.each<[string, unknown]>([
    // KMS applies its default key policy (key-policy-default.md), which is in the grammar.
    ['a key without KeyPolicy (the default policy)', undefined],
    ['a KeyPolicy given as a parameter (unknown offline; the lockout check says it cannot evaluate it)', { Ref: 'PolicyParam' }],
    // Reader warnings are other rules' (KmsGuard-IneffectiveStatement): a condition key no KMS request carries.
    ['a condition key no request carries (a warning of the reader, not a grammar error)', policy({ ...READER, Condition: { StringEquals: { 'kms:NoSuchKey': 'x' } } })],
    // key-policy-overview.md: a statement without Resource "has no effect"; KMS accepts it.
    ['a statement without Resource', policy({ ...READER, Resource: undefined })],
    // Reported by the rules that explain them better (KmsGuard-InvalidAction, the principal-invalid check).
    ['an Action value that is not an action', policy({ ...READER, Action: 'Decrypt' })],
    ['a NotAction value that is not an action', policy({ ...READER, Effect: 'Deny', NotAction: 'Decrypt', Action: undefined })],
    ['a wildcard inside a principal ARN', policy({ ...READER, Principal: { AWS: 'arn:aws:iam::111122223333:role/reader-*' } })],
    ['a Deny with NotPrincipal', policy({ ...READER, Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: READER_ROLE } })],
  ])('nothing: %s', (_name, keyPolicy) => {
    if (keyPolicy === undefined) {
      expect(checkKeyPolicyGrammar(modelOfResources({ Key: DEFAULT_POLICY_KEY }))).toEqual([]);
      return;
    }
    expect(grammarOf(keyPolicy)).toEqual([]);
  });

  test('the rule wraps the check: finding ids on the statement and on the document', () => {
    const model = modelOfResources({
      Doc: {
        Type: 'AWS::KMS::Key',
        Properties: { EnableKeyRotation: true, KeyPolicy: { Version: '2012-10-18', Statement: [DEPLOYER_STATEMENT] } },
      },
      Stmt: keyResource([DEPLOYER_STATEMENT, { ...READER, Effect: 'allow' }]),
    });
    const shown = MalformedKeyPolicy.check(model)
      .map((f) => [f.ruleId, f.findingId, f.severity, f.location.policy, f.location.statement, f.location.field]);
    expect(shown).toEqual([
      ['KmsGuard-MalformedKeyPolicy', 'KeyPolicy::Document', 'error', 'key policy', undefined, 'Version'],
      ['KmsGuard-MalformedKeyPolicy', 'Statement::Readers', 'error', 'key policy', 'Sid "Readers"', 'Effect'],
    ]);
  });

  // Found by the mutants of elementAt (now valueAt): the value an issue is about was looked up too coarsely, so a
  // LITERAL problem next to a value unknown offline was downgraded to a "cannot verify" warning. Fixed since.
  test('fixed: a misspelt operator (literal) whose condition value is a parameter is an error, not "cannot verify"', () => {
    // The operator name StringEqual is written as such: whatever the parameter's value, the operator does not exist
    // (reference_policies_elements_condition_operators.md lists the operators; names are case-sensitive).
    expect(grammarOf(policy({ ...READER, Condition: { StringEqual: { 'kms:CallerAccount': { Ref: 'AccountParam' } } } })).map((f) => f.severity)).toEqual(['error']);
  });

  test('fixed: an empty Service list (literal) beside an AWS principal given as a parameter is an error, not "cannot verify"', () => {
    // Principal.Service is [] whatever the AWS principal's value: IAM refuses an empty principal list (docs/decisions.md).
    expect(grammarOf(policy({ ...READER, Principal: { AWS: { Ref: 'PrincipalParam' }, Service: [] } })).map((f) => f.severity)).toEqual(['error']);
  });

  // KMS rejects a key policy that is not a JSON policy document (key-policy-overview.md: a key policy is a JSON document
  // of Version and Statement). The check skipped any KeyPolicy that was not an object, leaving only the lockout check's
  // warning ("could not be evaluated"), so synthesis passed. Fixed since.
  test('fixed: a KeyPolicy that is a string but not JSON is an error', () => {
    expect(grammarOf('Allow everything').map((f) => f.severity)).toEqual(['error']);
  });
});


/**
 * KmsGuard-IntentDrift on a hand-written template: roles Admin and User (construct paths S/Admin/Resource and
 * S/User/Resource), a key S/Key whose policy is what GuardedKmsKey writes for them (administration, the deployer's
 * statement, use under an encryption context) and whose Metadata declares that intent. `change` edits the intent or the
 * statements before the model is built.
 */
const ADMIN_ACTIONS = ['kms:CancelKeyDeletion', 'kms:DescribeKey', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'];
const USE_ACTIONS = ['kms:Encrypt', 'kms:Decrypt'];
const OTHER_ROLE = 'arn:aws:iam::111122223333:role/other';

function intentModel(change: { intent?: (intent: any) => void; statements?: (statements: any[]) => any[] } = {}): AppModel {
  const statements: any[] = [
    { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['Admin', 'Arn'] } }, Action: ADMIN_ACTIONS, Resource: '*' },
    DEPLOYER_STATEMENT,
    { Sid: 'Use', Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['User', 'Arn'] } }, Action: USE_ACTIONS, Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'orders' } } },
  ];
  const intent: any = {
    version: 1,
    construct: 'GuardedKmsKey',
    grants: [
      { purpose: 'administer', principals: [{ path: 'S/Admin/Resource' }], actions: ADMIN_ACTIONS },
      { purpose: 'deploy', principals: [{ arn: DEPLOYER_ROLE }], actions: DEPLOYER_STATEMENT.Action },
      { purpose: 'use', principals: [{ path: 'S/User/Resource' }], actions: USE_ACTIONS, encryptionContext: { app: 'orders' } },
    ],
    denies: [],
  };
  change.intent?.(intent);
  const key = keyResource(change.statements ? change.statements(statements) : statements);
  return modelOfResources({
    Admin: roleResource('Admin', 'admin'),
    User: roleResource('User', 'user'),
    Key: { ...key, Metadata: { 'aws:cdk:path': 'S/Key/Resource', [INTENT_METADATA_KEY]: intent } },
    // A key without declared intent, which the rule leaves alone (its default policy lets the account's IAM policies in).
    Plain: DEFAULT_POLICY_KEY,
  });
}

const KEY_AT = { stackName: 'S', logicalId: 'Key', constructPath: 'S/Key/Resource' };
/** The end of every drift message. */
const driftTail = (id: string): string => 'Expected: exactly the access declared through the construct (administrators, users, grant methods, break glass, '
  + 'iamDelegation, shares, addToResourcePolicy, the app\'s encrypted resources). Fix: grant through the construct (key.grantCapabilities, users, '
  + 'addToResourcePolicy) instead of escape hatches on the key policy or IAM policies on the key; remove the override that changed the key policy; '
  + `or, if the difference is meant, acknowledge KmsGuard-IntentDrift[${id}] on the key with the reason.`;

describe('KmsGuard-IntentDrift on hand-written templates', () => {
  const drift = (model: AppModel): Array<[string, string, unknown, string]> =>
    IntentDrift.check(model).map((f) => [f.findingId, f.severity, f.location, f.message]);

  test('the key as declared: nothing', () => {
    expect(drift(intentModel())).toStrictEqual([]);
  });

  test('an intent of another version cannot be read: a warning on the Metadata, with no policy named', () => {
    expect(drift(intentModel({ intent: (i) => { i.version = 99; } }))).toEqual([[
      'Key::Intent', 'warning', { ...KEY_AT, field: 'Metadata' },
      'the declared intent of the key S/Key cannot be read (version 99 is not one this version of cdk-kms-guard reads (expected 1): synthesize with the same version), '
      + 'so its drift could not be verified. Expected: the Metadata entry cdk-kms-guard:intent as written by this version of cdk-kms-guard. '
      + 'Fix: do not override that Metadata entry, and synthesize and check with the same version.',
    ]]);
  });

  test('a statement of the key policy for a role the intent does not name: extra, an error on that statement', () => {
    const extra = { Sid: 'Extra', Effect: 'Allow', Principal: { AWS: OTHER_ROLE }, Action: 'kms:Decrypt', Resource: '*' };
    expect(drift(intentModel({ statements: (s) => [...s, extra] }))).toEqual([[
      'Principal::role/other', 'error', { ...KEY_AT, policy: 'key policy', statement: 'Sid "Extra"', field: 'Principal' },
      'the access of arn:aws:iam::111122223333:role/other (not in the app) to the key S/Key differs from what its construct declared: extra (not declared): '
      + `kms:Decrypt, allowed by Sid "Extra" of the key policy; the intent declares nothing for it. ${driftTail('Principal::role/other')}`,
    ]]);
  });

  test('only the actions the key can serve are compared: kms:* on a symmetric key lists no signing or MAC action', () => {
    const extra = { Sid: 'Everything', Effect: 'Allow', Principal: { AWS: OTHER_ROLE }, Action: 'kms:*', Resource: '*' };
    const findings = drift(intentModel({ statements: (s) => [...s, extra] }));
    expect(findings.map(([id, severity]) => `${id} ${severity}`)).toEqual(['Principal::role/other error']);
    // symm-asymm-compare.md: Sign and Verify are valid only on asymmetric SIGN_VERIFY keys, GenerateMac and VerifyMac
    // only on HMAC keys; a symmetric encryption key refuses them whatever the policy says, so they are not extra access.
    expect(findings[0][3]).toContain('extra (not declared): kms:');
    expect(findings[0][3]).toContain('kms:Decrypt');
    for (const action of ['kms:Sign', 'kms:Verify', 'kms:GenerateMac', 'kms:VerifyMac']) expect(findings[0][3]).not.toContain(`${action},`);
  });

  test('two accounts outside the app share the id OtherAccount: one finding, on the statement of the one extra item', () => {
    // The first account's access depends on a parameter (cannot verify, no statement); the second's is granted outright
    // by Sid "Extra" (key-policy-modifying-external-accounts.md: the key policy gives another account's principals access).
    const maybe = {
      Sid: 'Maybe',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: 'kms:Encrypt',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/team': { Ref: 'TeamParam' } } },
    };
    const extra = { Sid: 'Extra', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::777788889999:root' }, Action: ['kms:Decrypt', 'kms:ReEncryptFrom'], Resource: '*' };
    const findings = drift(intentModel({ statements: (s) => [...s, maybe, extra] }));
    expect(findings.map(([id, severity, location]) => [id, severity, location])).toStrictEqual([
      ['Principal::OtherAccount', 'error', { ...KEY_AT, policy: 'key policy', statement: 'Sid "Extra"', field: 'Principal' }],
    ]);
    expect(findings[0][3]).toBe('the access of account 444455556666 (its root user, and whoever it delegates to) / account 777788889999 (its root user, and '
      + 'whoever it delegates to) to the key S/Key differs from what its construct declared: cannot verify: kms:Encrypt, not declared, and allowed only if '
      + 'values unknown offline turn out a certain way (Sid "Maybe" (<unresolved:Ref TeamParam>) of the key policy, which holds values unknown offline); '
      + `extra (not declared): kms:Decrypt, kms:ReEncryptFrom, allowed by Sid "Extra" of the key policy; the intent declares nothing for it. ${driftTail('Principal::OtherAccount')}`);
  });

  test('a model whose keys declare no intent: nothing', () => {
    expect(IntentDrift.check(modelOfResources({ Plain: DEFAULT_POLICY_KEY, Other: keyResource([DEPLOYER_STATEMENT]) }))).toStrictEqual([]);
  });

  test('one principal with two differences: one finding listing both, an error when one is not "cannot verify"', () => {
    const extra = { Sid: 'Extra', Effect: 'Allow', Principal: { AWS: OTHER_ROLE }, Action: 'kms:Decrypt', Resource: '*' };
    const maybe = { Sid: 'Maybe', Effect: 'Allow', Principal: { AWS: OTHER_ROLE }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': { Ref: 'TeamParam' } } } };
    const findings = drift(intentModel({ statements: (s) => [...s, extra, maybe] }));
    expect(findings.map(([id, severity]) => `${id} ${severity}`)).toEqual(['Principal::role/other error']);
    expect(findings[0][3]).toMatch(/differs from what its construct declared: extra \(not declared\): kms:Decrypt, allowed by Sid "Extra" of the key policy; the intent declares nothing for it; cannot verify: kms:Encrypt, /);
  });

  test('a key policy KMS would reject: the key cannot be evaluated, a "cannot verify" warning on Key::Intent with no action listed', () => {
    const findings = drift(intentModel({ statements: (s) => [...s, { Sid: 'Bad', Effect: 'allow', Principal: { AWS: OTHER_ROLE }, Action: 'kms:Decrypt', Resource: '*' }] }));
    expect(findings.map(([id, severity, location]) => [id, severity, location])).toEqual([['Key::Intent', 'warning', { ...KEY_AT, policy: 'key policy', field: 'Principal' }]]);
    expect(findings[0][3]).toBe('the access of the key to the key S/Key differs from what its construct declared: cannot verify: the key could not be evaluated: '
      + 'the key policy is invalid, so KMS would reject it and nobody\'s access is evaluated: Effect is "allow": expected exactly "Allow" or "Deny" (case-sensitive) (Sid "Bad"). '
      + driftTail('Key::Intent'));
  });

  test('declared principals unknown offline: one warning naming each, and the first two unresolved values of the intent', () => {
    const findings = drift(intentModel({ intent: (i) => { i.grants.push({ purpose: 'use', principals: [{ arn: { Ref: 'P1' } }, { arn: { Ref: 'P2' } }, { arn: { Ref: 'P3' } }], actions: ['kms:Decrypt'] }); } }));
    const line = 'cannot verify: kms:Decrypt, the declared principal (use) cannot be resolved offline';
    expect(findings).toStrictEqual([[
      'Principal::Unresolved', 'warning', { ...KEY_AT, policy: 'key policy', field: 'Principal' },
      'the access of principal "<unresolved:Ref P1>" / principal "<unresolved:Ref P2>" / principal "<unresolved:Ref P3>" to the key S/Key differs from what its '
      + `construct declared: ${line}; ${line}; ${line}. (Parts of the declared intent are unknown offline: Ref to P1: S has no such resource or parameter; `
      + `Ref to P2: S has no such resource or parameter.) ${driftTail('Principal::Unresolved')}`,
    ]]);
  });

  test('an administrator declared a user: the construct\'s check, a warning, with the whole message', () => {
    const findings = drift(intentModel({ intent: (i) => { i.grants.push({ purpose: 'use', principals: [{ path: 'S/Admin/Resource' }], actions: ['kms:Decrypt'] }); } }))
      .filter(([id]) => id.startsWith('Intent::'));
    expect(findings).toEqual([[
      'Intent::SeparationOfDuties', 'warning', { ...KEY_AT, policy: 'key policy', field: 'Metadata' },
      'the intent declared for the key S/Key is one its construct refuses: {"path":"S/Admin/Resource"} is declared an administrator and also kms:Decrypt '
      + '(separationOfDuties was off): administrators should not use the key. Expected: the intent as the construct checks it. Fix: declare administrators '
      + 'and users as different principals, share only cross-account actions, give each grant consistent conditions; or acknowledge '
      + 'KmsGuard-IntentDrift[Intent::SeparationOfDuties] on the key with the reason.',
    ]]);
  });

  test('two problems of one check get numbered ids; a check other than SeparationOfDuties is an error', () => {
    const findings = drift(intentModel({
      intent: (i) => {
        i.grants.push({ purpose: 'use', principals: [{ path: 'S/Admin/Resource' }], actions: ['kms:Decrypt'] });
        i.grants.push({ purpose: 'administer', principals: [{ path: 'S/User/Resource' }], actions: ['kms:DescribeKey'] });
        // An encryption context and a condition on the same key with other values: no request meets both.
        i.grants.push({ purpose: 'use', principals: [{ arn: OTHER_ROLE }], actions: ['kms:Decrypt'], encryptionContext: { app: 'orders' }, conditions: { StringEquals: { 'kms:EncryptionContext:app': 'billing' } } });
      },
    })).filter(([id]) => id.startsWith('Intent::'));
    expect(findings.map(([id, severity]) => `${id} ${severity}`)).toEqual([
      'Intent::SeparationOfDuties warning', 'Intent::SeparationOfDuties/2 warning', 'Intent::ConditionConflict error',
    ]);
    expect(findings[1][3]).toContain('or acknowledge KmsGuard-IntentDrift[Intent::SeparationOfDuties/2] on the key with the reason.');
  });
});
