/**
 * Invalid input through the public API: every malformed scenario is an implicit deny carrying an error with a stable
 * code, the policy/statement/field it is about, and an explanation that says what is wrong. Never an exception, never
 * an allow. Codes and fields come from src/evaluator/scenario.ts, src/policy/policy-document.ts and
 * src/evaluator/conditions/compile-condition.ts.
 */
import { EvaluationIssue, EvaluationResult, KmsAccessEvaluator, KmsDecision } from '../../src';

type Obj = Record<string, any>;

const ACCOUNT = '111122223333';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ALIAS_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:alias/orders`;
const CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/orders-app/i-0abc`;
const ENABLE_IAM = { Sid: 'EnableIAMPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
const KEY_POLICY = { Version: '2012-10-17', Statement: [ENABLE_IAM] };
const IDENTITY_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
const KEY = { arn: KEY_ARN, policy: KEY_POLICY };

/** A valid scenario that is allowed: each case breaks one thing in it. */
function valid(): Obj {
  return {
    key: { arn: KEY_ARN, policy: JSON.parse(JSON.stringify(KEY_POLICY)) },
    caller: { arn: CALLER, identityPolicies: [JSON.parse(JSON.stringify(IDENTITY_POLICY))] },
    request: { action: 'kms:Decrypt' },
  };
}

/** `valid()` with `edit` applied. */
function broken(edit: (s: Obj) => void): Obj {
  const s = valid();
  edit(s);
  return s;
}

const withKeyStatement = (statement: Obj): Obj => broken((s) => { s.key.policy.Statement.push(statement); });
const withRequest = (request: Obj): Obj => broken((s) => { s.request = request; });
const withGrant = (grant: Obj): Obj => broken((s) => { s.grants = [grant]; });
const GRANT = { grantId: 'g-1', granteePrincipal: CALLER, operations: ['Decrypt'] };

interface ExpectedIssue {
  readonly code: string;
  /** `undefined`: the issue names no field (the whole input, or the whole policy). */
  readonly field: string | undefined;
  readonly policy?: string;
  readonly statement?: string;
}

/** [what is wrong, input, expected error, a text the explanation must contain]. */
const CASES: ReadonlyArray<readonly [string, unknown, ExpectedIssue, string]> = [
  // Scenario shape
  ['a scenario that is an array', [valid()], { code: 'invalid-field', field: undefined }, 'an array'],
  ['a scenario that is null', null, { code: 'invalid-field', field: undefined }, 'null'],
  ['a scenario that is a string', 'scenario.json', { code: 'invalid-field', field: undefined }, 'string'],
  ['an unknown scenario field', broken((s) => { s.requests = []; }), { code: 'invalid-field', field: 'requests' }, '`requests`'],
  // Caller
  ['a missing caller', broken((s) => { delete s.caller; }), { code: 'missing-field', field: 'caller' }, 'caller must be an object'],
  ['a caller that is a string', broken((s) => { s.caller = CALLER; }), { code: 'invalid-field', field: 'caller' }, 'caller must be an object'],
  ['caller.arn not a string', broken((s) => { s.caller.arn = 42; }), { code: 'missing-field', field: 'caller.arn' }, 'caller.arn is 42'],
  ['caller.arn missing', broken((s) => { delete s.caller.arn; }), { code: 'missing-field', field: 'caller.arn' }, 'caller.arn is nothing'],
  ['caller.arn an S3 ARN', broken((s) => { s.caller.arn = 'arn:aws:s3:::my-bucket'; }), { code: 'invalid-arn', field: 'caller.arn' }, 'arn:aws:s3:::my-bucket'],
  ['an unknown caller field', broken((s) => { s.caller.role = 'admin'; }), { code: 'invalid-field', field: 'caller.role' }, '`role`'],
  ['caller.identityPolicies not an array', broken((s) => { s.caller.identityPolicies = IDENTITY_POLICY; }), { code: 'invalid-field', field: 'caller.identityPolicies' }, 'must be an array'],
  ['caller.orgId not a string', broken((s) => { s.caller.orgId = 7; }), { code: 'invalid-field', field: 'caller.orgId' }, 'expected a string'],
  ['caller.tags with a non-string value', broken((s) => { s.caller.tags = { team: 1 }; }), { code: 'invalid-field', field: 'caller.tags' }, 'string values'],
  // Key
  ['key.arn an alias ARN', broken((s) => { s.key.arn = ALIAS_ARN; }), { code: 'invalid-arn', field: 'key.arn' }, ALIAS_ARN],
  ['key.arn missing', broken((s) => { delete s.key.arn; }), { code: 'missing-field', field: 'key.arn' }, 'key.arn is nothing'],
  ['a key that is a string', broken((s) => { s.key = KEY_ARN; }), { code: 'invalid-field', field: 'key' }, 'key must be an object'],
  ['an unknown key field', broken((s) => { s.key.region = 'us-east-1'; }), { code: 'invalid-field', field: 'key.region' }, '`region`'],
  ['key.multiRegion not a boolean', broken((s) => { s.key.multiRegion = 'yes'; }), { code: 'invalid-field', field: 'key.multiRegion' }, 'expected true or false'],
  ['key.aliases naming an AWS managed alias', broken((s) => { s.key.aliases = ['alias/aws/s3']; }), { code: 'invalid-field', field: 'key.aliases' }, 'alias/aws/s3'],
  ['key.tags not an object', broken((s) => { s.key.tags = ['team']; }), { code: 'invalid-field', field: 'key.tags' }, 'string values'],
  ['a key without a policy for a key operation', broken((s) => { delete s.key.policy; }), { code: 'missing-field', field: 'key.policy' }, 'key.policy is missing'],
  ['no key for a key operation', broken((s) => { delete s.key; }), { code: 'missing-field', field: 'key' }, 'the scenario has no key'],
  // Grants
  ['grants not an array', broken((s) => { s.grants = GRANT; }), { code: 'invalid-field', field: 'grants' }, 'grants must be an array'],
  ['a grant that is not an object', broken((s) => { s.grants = ['g-1']; }), { code: 'invalid-field', field: 'grants[0]' }, 'grants[0] must be an object'],
  ['an unknown grant field', withGrant({ ...GRANT, grantee: CALLER }), { code: 'invalid-field', field: 'grants[0].grantee' }, '`grantee`'],
  ['a grant with an unknown operation', withGrant({ ...GRANT, operations: ['Decrypt', 'ScheduleKeyDeletion'] }), { code: 'invalid-field', field: 'grants[0].operations' }, 'ScheduleKeyDeletion'],
  ['a grant with no operations', withGrant({ ...GRANT, operations: [] }), { code: 'invalid-field', field: 'grants[0].operations' }, 'is empty'],
  ['a grant without operations', withGrant({ grantId: 'g-1', granteePrincipal: CALLER }), { code: 'missing-field', field: 'grants[0].operations' }, 'is missing'],
  ['a grant without a grantee', withGrant({ grantId: 'g-1', operations: ['Decrypt'] }), { code: 'missing-field', field: 'grants[0].granteePrincipal' }, 'granteePrincipal'],
  ['a grant to "*"', withGrant({ ...GRANT, granteePrincipal: '*' }), { code: 'invalid-field', field: 'grants[0].granteePrincipal' }, 'a grant names one principal'],
  ['a grant to a wildcard ARN', withGrant({ ...GRANT, granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/app-*` }), { code: 'principal-wildcard-arn', field: 'grants[0].granteePrincipal' }, 'wildcard'],
  [
    'grant constraints with both equals and subset',
    withGrant({ ...GRANT, constraints: { encryptionContextEquals: { app: 'orders' }, encryptionContextSubset: { app: 'orders' } } }),
    { code: 'invalid-field', field: 'grants[0].constraints' },
    'exactly one of encryptionContextEquals or encryptionContextSubset',
  ],
  ['grant constraints with a non-string value', withGrant({ ...GRANT, constraints: { encryptionContextSubset: { app: 1 } } }), { code: 'invalid-field', field: 'grants[0].constraints.encryptionContextSubset' }, 'string values'],
  ['a grant issuingAccount that is not an account id', withGrant({ ...GRANT, issuingAccount: '1111-2222-3333' }), { code: 'invalid-field', field: 'grants[0].issuingAccount' }, '12-digit account id'],
  // VPC endpoint
  ['a malformed vpcEndpoint id', broken((s) => { s.vpcEndpoint = { id: 'endpoint-1' }; }), { code: 'invalid-field', field: 'vpcEndpoint.id' }, 'endpoint-1'],
  ['a vpcEndpoint id with upper case', broken((s) => { s.vpcEndpoint = { id: 'vpce-0A1B' }; }), { code: 'invalid-field', field: 'vpcEndpoint.id' }, 'vpce-0A1B'],
  ['a vpcEndpoint that is a string', broken((s) => { s.vpcEndpoint = 'vpce-0a1b2c3d'; }), { code: 'invalid-field', field: 'vpcEndpoint' }, 'vpcEndpoint must be an object'],
  ['an unknown vpcEndpoint field', broken((s) => { s.vpcEndpoint = { id: 'vpce-0a1b2c3d', subnet: 'subnet-1' }; }), { code: 'invalid-field', field: 'vpcEndpoint.subnet' }, '`subnet`'],
  // Request
  ['a missing request', broken((s) => { delete s.request; }), { code: 'missing-field', field: 'request' }, 'request must be an object'],
  ['a request that is a string', withRequest('kms:Decrypt' as unknown as Obj), { code: 'invalid-field', field: 'request' }, 'request must be an object'],
  ['a request without an action', withRequest({}), { code: 'missing-field', field: 'request.action' }, 'request.action is missing'],
  ['a request action that is not a string', withRequest({ action: ['kms:Decrypt'] }), { code: 'invalid-field', field: 'request.action' }, 'expected a string'],
  ['an unknown action', withRequest({ action: 'kms:Decryptt' }), { code: 'unknown-action', field: 'request.action' }, 'kms:Decryptt'],
  ['an action of another service', withRequest({ action: 's3:GetObject' }), { code: 'unknown-action', field: 'request.action' }, 's3:GetObject'],
  ['an unknown request field', withRequest({ action: 'kms:Decrypt', key: KEY_ARN }), { code: 'invalid-field', field: 'request.key' }, '`key`'],
  ['request.keyId not a string', withRequest({ action: 'kms:Decrypt', keyId: 1 }), { code: 'invalid-field', field: 'request.keyId' }, 'expected a string'],
  ['request.encryptionContext with a non-string value', withRequest({ action: 'kms:Decrypt', encryptionContext: { app: ['orders'] } }), { code: 'invalid-field', field: 'request.encryptionContext' }, 'string values'],
  [
    'request.context with an object value',
    withRequest({ action: 'kms:Decrypt', context: { 'aws:SourceIp': { ip: '10.0.0.1' } } }),
    { code: 'invalid-field', field: 'request.context.aws:SourceIp' },
    'request.context["aws:SourceIp"]',
  ],
  ['request.context with a mixed array', withRequest({ action: 'kms:Decrypt', context: { 'aws:TagKeys': ['a', 1] } }), { code: 'invalid-field', field: 'request.context.aws:TagKeys' }, 'array of strings'],
  ['request.context not an object', withRequest({ action: 'kms:Decrypt', context: 'aws:SourceIp=10.0.0.1' }), { code: 'invalid-field', field: 'request.context' }, 'request.context must be an object'],
  ['bypassPolicyLockoutSafetyCheck not a boolean', withRequest({ action: 'kms:PutKeyPolicy', newKeyPolicy: KEY_POLICY, bypassPolicyLockoutSafetyCheck: 'true' }), { code: 'invalid-field', field: 'request.bypassPolicyLockoutSafetyCheck' }, 'expected true or false'],
  ['RetireGrant without a grantId', withRequest({ action: 'kms:RetireGrant' }), { code: 'missing-field', field: 'request.grantId' }, 'needs request.grantId'],
  ['CreateGrant without createGrant', withRequest({ action: 'kms:CreateGrant' }), { code: 'missing-field', field: 'request.createGrant' }, 'needs request.createGrant'],
  ['CreateGrant with a createGrant that is a string', withRequest({ action: 'kms:CreateGrant', createGrant: CALLER }), { code: 'invalid-field', field: 'request.createGrant' }, 'request.createGrant must be an object'],
  ['CreateGrant without a grantee', withRequest({ action: 'kms:CreateGrant', createGrant: { operations: ['Decrypt'] } }), { code: 'missing-field', field: 'request.createGrant.granteePrincipal' }, 'granteePrincipal'],
  ['CreateGrant for an operation grants cannot give', withRequest({ action: 'kms:CreateGrant', createGrant: { granteePrincipal: CALLER, operations: ['PutKeyPolicy'] } }), { code: 'invalid-field', field: 'request.createGrant.operations' }, 'PutKeyPolicy'],
  ['CreateAlias without an aliasArn', withRequest({ action: 'kms:CreateAlias' }), { code: 'missing-field', field: 'request.aliasArn' }, 'add request.aliasArn'],
  ['DeleteAlias without an aliasArn', withRequest({ action: 'kms:DeleteAlias' }), { code: 'missing-field', field: 'request.aliasArn' }, 'add request.aliasArn'],
  ['an aliasArn that is an alias name', withRequest({ action: 'kms:CreateAlias', aliasArn: 'alias/orders' }), { code: 'invalid-arn', field: 'request.aliasArn' }, 'not an alias ARN'],
  ['UpdateAlias without a destinationKey', withRequest({ action: 'kms:UpdateAlias', aliasArn: ALIAS_ARN }), { code: 'missing-field', field: 'request.destinationKey' }, 'the new target key'],
  ['ReEncrypt without a destinationKey', withRequest({ action: 'kms:ReEncrypt' }), { code: 'missing-field', field: 'request.destinationKey' }, 'kms:ReEncryptTo on the destination key'],
  ['a destinationKey without a policy', withRequest({ action: 'kms:ReEncrypt', destinationKey: { arn: KEY_ARN } }), { code: 'missing-field', field: 'request.destinationKey.policy' }, 'every KMS key has exactly one key policy'],
  ['a destinationKey with an alias ARN', withRequest({ action: 'kms:ReEncrypt', destinationKey: { ...KEY, arn: ALIAS_ARN } }), { code: 'invalid-arn', field: 'request.destinationKey.arn' }, ALIAS_ARN],
  // Policy documents
  ['an unknown top-level policy element', broken((s) => { s.key.policy.Statment = []; }), { code: 'invalid-field', field: 'Statment', policy: 'key policy' }, 'unknown policy element `Statment`'],
  ['a key policy that is a number', broken((s) => { s.key.policy = 42; }), { code: 'invalid-policy', field: undefined, policy: 'key policy' }, 'must be a JSON object'],
  ['a key policy string that is not JSON', broken((s) => { s.key.policy = '{"Statement": ['; }), { code: 'invalid-policy', field: undefined, policy: 'key policy' }, 'is a string that is not JSON'],
  ['a policy without a Statement', broken((s) => { s.key.policy = { Version: '2012-10-17' }; }), { code: 'invalid-policy', field: 'Statement', policy: 'key policy' }, 'has no Statement element'],
  ['a policy with an empty Statement array', broken((s) => { s.key.policy.Statement = []; }), { code: 'invalid-policy', field: 'Statement', policy: 'key policy' }, 'empty Statement array'],
  ['an unknown policy Version', broken((s) => { s.key.policy.Version = '2012-10-18'; }), { code: 'invalid-field', field: 'Version', policy: 'key policy' }, '2012-10-18'],
  ['a statement that is a string', broken((s) => { s.key.policy.Statement.push('Allow everything'); }), { code: 'invalid-statement', field: undefined, policy: 'key policy', statement: 'statement #1' }, 'must be an object'],
  ['an Effect in lower case', withKeyStatement({ ...ENABLE_IAM, Sid: 'Lower', Effect: 'allow' }), { code: 'invalid-effect', field: 'Effect', policy: 'key policy', statement: 'Sid "Lower"' }, 'case-sensitive'],
  ['an unknown statement element', withKeyStatement({ ...ENABLE_IAM, Sid: 'Extra', Actions: 'kms:*' }), { code: 'invalid-field', field: 'Actions', policy: 'key policy', statement: 'Sid "Extra"' }, '`Actions`'],
  ['a key-policy statement without a Principal', withKeyStatement({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }), { code: 'missing-field', field: 'Principal', policy: 'key policy', statement: 'statement #1' }, 'needs a Principal'],
  ['both Action and NotAction', withKeyStatement({ ...ENABLE_IAM, Sid: 'Both', NotAction: 'kms:Decrypt' }), { code: 'conflicting-elements', field: 'NotAction', policy: 'key policy', statement: 'Sid "Both"' }, 'both Action and NotAction'],
  [
    'a wildcard inside a principal ARN',
    withKeyStatement({ ...ENABLE_IAM, Sid: 'Star', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/*` } }),
    { code: 'principal-wildcard-arn', field: 'Principal.AWS', policy: 'key policy', statement: 'Sid "Star"' },
    'wildcard inside a principal ARN',
  ],
  [
    'an IAM group as a principal',
    withKeyStatement({ ...ENABLE_IAM, Sid: 'Group', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:group/admins` } }),
    { code: 'invalid-arn', field: 'Principal.AWS', policy: 'key policy', statement: 'Sid "Group"' },
    'IAM group',
  ],
  [
    'an unknown condition operator',
    withKeyStatement({ ...ENABLE_IAM, Sid: 'Typo', Condition: { StringEqualz: { 'kms:CallerAccount': ACCOUNT } } }),
    { code: 'unknown-condition-operator', field: 'Condition.StringEqualz', policy: 'key policy', statement: 'Sid "Typo"' },
    'StringEqualz',
  ],
  [
    'an IpAddress value that is not an address',
    withKeyStatement({ ...ENABLE_IAM, Sid: 'Ip', Condition: { IpAddress: { 'aws:SourceIp': 'ten.0.0.0/8' } } }),
    { code: 'invalid-condition-value', field: 'Condition.IpAddress.aws:SourceIp', policy: 'key policy', statement: 'Sid "Ip"' },
    'ten.0.0.0/8',
  ],
  [
    'ForAllValues on an encryption-context key in a key policy',
    withKeyStatement({ ...ENABLE_IAM, Sid: 'Permissive', Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:app': 'orders' } } }),
    { code: 'overly-permissive-condition', field: 'Condition.ForAllValues:StringEquals.kms:EncryptionContext:app', policy: 'key policy', statement: 'Sid "Permissive"' },
    'OverlyPermissiveCondition',
  ],
  [
    'a policy variable in a condition key',
    withKeyStatement({ ...ENABLE_IAM, Sid: 'Var', Condition: { StringEquals: { 'aws:PrincipalTag/${aws:username}': 'x' } } }),
    { code: 'policy-variable-in-condition-key', field: 'Condition.StringEquals.aws:PrincipalTag/${aws:username}', policy: 'key policy', statement: 'Sid "Var"' },
    'variables can only be used in condition values',
  ],
  [
    'an identity-policy statement with a Principal',
    broken((s) => { s.caller.identityPolicies[0].Statement[0].Principal = '*'; }),
    { code: 'invalid-statement', field: 'Principal', policy: 'identity policy #0', statement: 'statement #0' },
    'cannot have a Principal element',
  ],
  [
    'an identity-policy statement without a Resource',
    broken((s) => { delete s.caller.identityPolicies[0].Statement[0].Resource; }),
    { code: 'missing-field', field: 'Resource', policy: 'identity policy #0', statement: 'statement #0' },
    'has no Resource',
  ],
  [
    'a permissions boundary with Resource and NotResource',
    broken((s) => { s.caller.permissionsBoundary = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', NotResource: KEY_ARN }] }; }),
    { code: 'conflicting-elements', field: 'NotResource', policy: 'permissions boundary', statement: 'statement #0' },
    'both Resource and NotResource',
  ],
  [
    'an SCP level with an invalid Effect',
    broken((s) => { s.serviceControlPolicies = [{ Statement: [{ Effect: 'Allow', Action: '*' }] }, { Statement: [{ Effect: 'Permit', Action: '*' }] }]; }),
    { code: 'invalid-effect', field: 'Effect', policy: 'SCP #1', statement: 'statement #0' },
    'Permit',
  ],
  [
    'a VPC endpoint policy statement without a Principal',
    broken((s) => { s.vpcEndpoint = { id: 'vpce-0a1b2c3d', policy: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }; }),
    { code: 'missing-field', field: 'Principal', policy: 'VPC endpoint policy', statement: 'statement #0' },
    'needs a Principal',
  ],
  [
    'a new key policy with an invalid Effect',
    withRequest({ action: 'kms:PutKeyPolicy', newKeyPolicy: { Statement: [{ ...ENABLE_IAM, Effect: 'ALLOW' }] } }),
    { code: 'invalid-effect', field: 'Effect', policy: 'new key policy', statement: 'Sid "EnableIAMPolicies"' },
    'ALLOW',
  ],
];

/** The error as the result reports it: only the fields a case pins. */
function pinned(e: EvaluationIssue): ExpectedIssue {
  const out: { -readonly [K in keyof ExpectedIssue]: ExpectedIssue[K] } = { code: e.code, field: e.field };
  if (e.policy !== undefined) out.policy = e.policy;
  if (e.statement !== undefined) out.statement = e.statement;
  return out;
}

function expectInvalid(result: EvaluationResult, expected: ExpectedIssue, mentions: string): void {
  expect(result.decision).toBe(KmsDecision.IMPLICIT_DENY);
  expect(result.checks).toEqual([]);
  expect(result.errors.length).toBeGreaterThan(0);
  for (const e of result.errors) expect(e.severity).toBe('error');
  expect(result.errors.map(pinned)).toContainEqual(expected);
  expect(result.explanation).toMatch(/^the scenario is invalid and was not evaluated: /);
  // The explanation quotes the first error and says where it is.
  const first = result.errors[0];
  expect(result.explanation).toContain(first.message);
  for (const where of [first.policy, first.statement, first.field]) if (where !== undefined) expect(result.explanation).toContain(where);
  expect(result.explanation).toContain(mentions);
}

describe('invalid scenarios are implicit denies with a stable error code and location', () => {
  test('the base scenario every case breaks is valid and allowed', () => {
    expect(KmsAccessEvaluator.evaluate(valid())).toMatchObject({ decision: KmsDecision.ALLOW, errors: [] });
  });

  test.each(CASES)('%s', (_, input, expected, mentions) => {
    const result = KmsAccessEvaluator.evaluate(input);
    expectInvalid(result, expected, mentions);
    // The problem this case is about is the first thing the explanation reports (each case breaks one thing).
    expect(pinned(result.errors[0])).toEqual(expected);
    // The compiled form reports the same.
    expect(KmsAccessEvaluator.compile(input).evaluate()).toEqual(result);
  });

  test('several problems are all reported, and the explanation counts the rest', () => {
    const result = KmsAccessEvaluator.evaluate(broken((s) => {
      s.bogus = true;
      s.caller.arn = 'alice';
      s.request.action = 'kms:Nope';
    }));
    expect(result.errors.map(pinned)).toEqual([
      { code: 'invalid-field', field: 'bogus' },
      { code: 'invalid-arn', field: 'caller.arn' },
      { code: 'unknown-action', field: 'request.action' },
    ]);
    expect(result.explanation).toContain('and 2 more error(s)');
  });

  test('a scenario name survives invalid input', () => {
    const result = KmsAccessEvaluator.evaluate(broken((s) => {
      s.name = 'broken on purpose';
      delete s.caller;
    }));
    expect(result).toMatchObject({ name: 'broken on purpose', decision: KmsDecision.IMPLICIT_DENY });
  });

  test('warnings do not make a scenario invalid', () => {
    const result = KmsAccessEvaluator.evaluate(withKeyStatement({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt' }));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'statement-without-resource', field: 'Resource', policy: 'key policy', statement: 'statement #1' })]);
    expect(result.decision).toBe(KmsDecision.ALLOW);
  });
});

describe('invalid requests given to a compiled scenario', () => {
  const compiled = KmsAccessEvaluator.compile(valid());

  test.each([
    ['a request that is a number', 42, { code: 'invalid-field', field: 'request' }, 'request must be an object'],
    ['an unknown action', { action: 'kms:Frobnicate' }, { code: 'unknown-action', field: 'request.action' }, 'kms:Frobnicate'],
    ['ReEncrypt without a destinationKey', { action: 'kms:ReEncrypt' }, { code: 'missing-field', field: 'request.destinationKey' }, 'request.destinationKey'],
    ['CreateGrant without createGrant', { action: 'kms:CreateGrant' }, { code: 'missing-field', field: 'request.createGrant' }, 'request.createGrant'],
    ['a request.context value that is an object', { action: 'kms:Decrypt', context: { 'kms:ViaService': {} } }, { code: 'invalid-field', field: 'request.context.kms:ViaService' }, 'kms:ViaService'],
  ] as ReadonlyArray<readonly [string, unknown, ExpectedIssue, string]>)('%s is reported and the compiled scenario still works afterwards', (_, request, expected, mentions) => {
    const result = compiled.evaluate(request);
    expectInvalid(result, expected, mentions);
    expect(pinned(result.errors[0])).toEqual(expected);
    expect(compiled.errors).toEqual([]);
    expect(compiled.evaluate()).toMatchObject({ decision: KmsDecision.ALLOW, errors: [] });
  });

  test('a compiled invalid scenario reports its errors on every request', () => {
    const bad = KmsAccessEvaluator.compile(broken((s) => { s.key.arn = ALIAS_ARN; }));
    expect(bad.errors.map(pinned)).toEqual([{ code: 'invalid-arn', field: 'key.arn' }]);
    for (const request of [undefined, { action: 'kms:Encrypt' }, { action: 'kms:ListAliases' }]) {
      const result = bad.evaluate(request);
      expect(result.decision).toBe(KmsDecision.IMPLICIT_DENY);
      expect(result.errors.map(pinned)).toContainEqual({ code: 'invalid-arn', field: 'key.arn' });
    }
  });
});
