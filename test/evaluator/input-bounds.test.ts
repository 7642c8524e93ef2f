/**
 * Bounds on what the evaluator reads (issue 10, "no hang, no escape, no silent allow"; docs/kms-authorization.md,
 * "Input bounds"): values nested deeper than MAX_NESTING_DEPTH and strings longer than MAX_STRING_LENGTH are refused
 * with an error that names the policy, statement and field, never crash the reader or the error formatter, never add
 * a false `missing-field`, and never echo more than a short prefix of the value.
 */
import { EvaluationResult, KmsAccessEvaluator } from '../../src';
import { InputBoundCodes, MAX_NESTING_DEPTH, MAX_STRING_LENGTH, clip, show } from '../../src/policy/issues';

const ACCOUNT = '111122223333';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const STATEMENT = { Sid: 'Use', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*' };

/** `leaf` inside `depth` arrays, built without recursion. */
function nested(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

type Obj = Record<string, any>;

/** A valid scenario that allows (ROLE decrypts through a key-policy statement), changed by `edit`. */
function scenario(edit: (s: Obj) => void = () => undefined): Obj {
  const s: Obj = {
    key: { arn: KEY_ARN, policy: { Version: '2012-10-17', Statement: [{ ...STATEMENT }] } },
    caller: { arn: ROLE },
    request: { action: 'kms:Decrypt' },
  };
  edit(s);
  return s;
}

/** Whatever the input, the result is a deny with errors, none internal, none a false missing-field, all short. */
function expectRefused(result: EvaluationResult): void {
  expect(result.decision).toBe('implicit-deny');
  expect(result.errors.length).toBeGreaterThan(0);
  const codes = result.errors.map((e) => e.code);
  expect(codes).not.toContain('internal-error');
  expect(codes).not.toContain('missing-field');
  for (const e of result.errors) expect(e.message.length).toBeLessThan(600);
  expect(result.explanation.length).toBeLessThan(800);
}

test('GIVEN the unchanged scenario WHEN evaluated THEN it is allowed (the cases below differ from it only in what they name)', () => {
  expect(KmsAccessEvaluator.evaluate(scenario())).toMatchObject({ decision: 'allow', errors: [] });
});

describe('values nested 5,000 deep', () => {
  const DEEP = 5_000;
  const cases: Array<[where: string, edit: (s: Obj) => void, expected: Obj]> = [
    ['Resource', (s) => { s.key.policy.Statement[0].Resource = nested(DEEP, '*'); }, { policy: 'key policy', statement: 'Sid "Use"', field: 'Resource' }],
    ['Action', (s) => { s.key.policy.Statement[0].Action = nested(DEEP, 'kms:Decrypt'); }, { policy: 'key policy', statement: 'Sid "Use"', field: 'Action' }],
    ['Principal.AWS', (s) => { s.key.policy.Statement[0].Principal = { AWS: nested(DEEP, ROLE) }; }, { policy: 'key policy', statement: 'Sid "Use"', field: 'Principal.AWS' }],
    ['Effect', (s) => { s.key.policy.Statement[0].Effect = nested(DEEP, 'Allow'); }, { policy: 'key policy', statement: 'Sid "Use"', field: 'Effect' }],
    ['Sid', (s) => { s.key.policy.Statement[0].Sid = nested(DEEP, 'Use'); }, { policy: 'key policy', statement: 'statement #0', field: 'Sid' }],
    ['a statement', (s) => { s.key.policy.Statement = [nested(DEEP, STATEMENT)]; }, { policy: 'key policy', statement: 'statement #0' }],
    ['Statement', (s) => { s.key.policy.Statement = nested(DEEP, STATEMENT); }, { policy: 'key policy', statement: 'statement #0' }],
    ['the key policy', (s) => { s.key.policy = nested(DEEP, {}); }, { policy: 'key policy' }],
    ['Version', (s) => { s.key.policy.Version = nested(DEEP, '2012-10-17'); }, { policy: 'key policy', field: 'Version' }],
    ['an identity policy', (s) => { s.caller.identityPolicies = [nested(DEEP, {})]; }, { policy: 'identity policy #0' }],
    ['caller.identityPolicies', (s) => { s.caller.identityPolicies = { list: nested(DEEP, {}) }; }, { field: 'caller.identityPolicies' }],
    ['key.arn', (s) => { s.key.arn = nested(DEEP, KEY_ARN); }, { field: 'key.arn' }],
    ['caller.arn', (s) => { s.caller.arn = nested(DEEP, ROLE); }, { field: 'caller.arn' }],
    ['key.aliases', (s) => { s.key.aliases = nested(DEEP, 'alias/x'); }, { field: 'key.aliases' }],
    ['grants', (s) => { s.grants = [nested(DEEP, {})]; }, { field: 'grants[0]' }],
    ['a grant principal', (s) => { s.grants = [{ granteePrincipal: nested(DEEP, ROLE), operations: ['Decrypt'] }]; }, { field: 'grants[0].granteePrincipal' }],
    ['request', (s) => { s.request = nested(DEEP, { action: 'kms:Decrypt' }); }, { field: 'request' }],
    ['request.action', (s) => { s.request.action = nested(DEEP, 'kms:Decrypt'); }, { field: 'request.action' }],
    ['request.encryptionContext', (s) => { s.request.encryptionContext = { x: nested(DEEP, 'a') }; }, { field: 'request.encryptionContext' }],
    ['request.context', (s) => { s.request.context = { 'aws:SourceVpc': nested(DEEP, 'vpc-1') }; }, { field: 'request.context.aws:SourceVpc' }],
  ];

  test.each(cases)('GIVEN %s nested 5,000 deep WHEN evaluated THEN nesting-too-deep names it, with no crash and no false missing-field', (_where, edit, expected) => {
    const result = KmsAccessEvaluator.evaluate(scenario(edit));
    expectRefused(result);
    expect(result.errors).toContainEqual(expect.objectContaining({ code: InputBoundCodes.NESTING_TOO_DEEP, ...expected }));
    expect(result.errors.find((e) => e.code === InputBoundCodes.NESTING_TOO_DEEP)?.message).toContain(`more than ${MAX_NESTING_DEPTH} levels deep`);
  });

  test('GIVEN a condition value nested 5,000 deep WHEN evaluated THEN the condition is refused, naming it, with no crash', () => {
    const result = KmsAccessEvaluator.evaluate(scenario((s) => {
      s.key.policy.Statement[0].Condition = { StringEquals: { 'kms:EncryptionContext:x': nested(DEEP, 'a') } };
    }));
    expectRefused(result);
    expect(result.errors).toContainEqual(expect.objectContaining({ statement: 'Sid "Use"', field: 'Condition.StringEquals.kms:EncryptionContext:x[0]' }));
  });

  test('GIVEN a compiled scenario WHEN a request nested 5,000 deep is evaluated THEN it is refused like any other', () => {
    const compiled = KmsAccessEvaluator.compile(scenario());
    expectRefused(compiled.evaluate(nested(DEEP, { action: 'kms:Decrypt' })));
    expect(compiled.evaluate()).toMatchObject({ decision: 'allow' });
  });

  test('GIVEN nesting just within the bound in a place that takes any shape WHEN read THEN it is not called too deep', () => {
    const result = KmsAccessEvaluator.evaluate(scenario((s) => { s.key.policy.Statement[0].Resource = nested(MAX_NESTING_DEPTH - 1, '*'); }));
    expect(result.errors.map((e) => e.code)).toEqual(['invalid-field']);
  });
});

describe('strings longer than MAX_STRING_LENGTH', () => {
  const LONG = 50_000;
  const pattern = 'a*'.repeat(LONG / 2);
  const identityPolicy = (condition: Obj): Obj => ({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Id', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: condition }],
  });
  const cases: Array<[what: string, edit: (s: Obj) => void, expected: Obj]> = [
    ['a 50,000-character StringLike pattern', (s) => { s.caller.identityPolicies = [identityPolicy({ StringLike: { 'kms:EncryptionContext:x': pattern } })]; },
      { code: 'invalid-condition-value', policy: 'identity policy #0', statement: 'Sid "Id"', field: 'Condition.StringLike.kms:EncryptionContext:x' }],
    ['a 50,000-character ArnLike pattern in a list', (s) => { s.caller.identityPolicies = [identityPolicy({ ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/x', `arn:aws:iam::*:role/${pattern}`] } })]; },
      { code: 'invalid-condition-value', policy: 'identity policy #0', statement: 'Sid "Id"', field: 'Condition.ArnLike.aws:PrincipalArn[1]' }],
    ['a 50,000-character Resource', (s) => { s.key.policy.Statement[0].Resource = `arn:aws:kms:*:${ACCOUNT}:key/${pattern}`; },
      { code: InputBoundCodes.VALUE_TOO_LONG, policy: 'key policy', statement: 'Sid "Use"', field: 'Resource' }],
    ['a 50,000-character Principal', (s) => { s.key.policy.Statement[0].Principal = { AWS: [ROLE, `arn:aws:iam::${ACCOUNT}:role/${'r'.repeat(LONG)}`] }; },
      { code: InputBoundCodes.VALUE_TOO_LONG, policy: 'key policy', statement: 'Sid "Use"', field: 'Principal.AWS' }],
    ['a 50,000-character Sid', (s) => { s.key.policy.Statement[0].Sid = 'S'.repeat(LONG); },
      { code: InputBoundCodes.VALUE_TOO_LONG, policy: 'key policy', statement: 'statement #0', field: 'Sid' }],
    ['a 50,000-character key ARN', (s) => { s.key.arn = `${KEY_ARN}${'k'.repeat(LONG)}`; }, { code: InputBoundCodes.VALUE_TOO_LONG, field: 'key.arn' }],
    ['a 50,000-character caller ARN', (s) => { s.caller.arn = `${ROLE}${'c'.repeat(LONG)}`; }, { code: InputBoundCodes.VALUE_TOO_LONG, field: 'caller.arn' }],
    ['a 50,000-character encryption-context value', (s) => { s.request.encryptionContext = { x: 'v'.repeat(LONG) }; },
      { code: InputBoundCodes.VALUE_TOO_LONG, field: 'request.encryptionContext.x' }],
    ['a 50,000-character request.context value', (s) => { s.request.context = { 'aws:SourceVpc': 'v'.repeat(LONG) }; },
      { code: InputBoundCodes.VALUE_TOO_LONG, field: 'request.context.aws:SourceVpc' }],
    ['a 50,000-character request.keyId', (s) => { s.request.keyId = 'k'.repeat(LONG); }, { code: InputBoundCodes.VALUE_TOO_LONG, field: 'request.keyId' }],
    ['a 50,000-character grantee', (s) => { s.grants = [{ granteePrincipal: 'g'.repeat(LONG), operations: ['Decrypt'] }]; },
      { code: InputBoundCodes.VALUE_TOO_LONG, field: 'grants[0].granteePrincipal' }],
  ];

  test.each(cases)('GIVEN %s WHEN evaluated THEN a clear error names the field and echoes only a short prefix', (_what, edit, expected) => {
    const result = KmsAccessEvaluator.evaluate(scenario(edit));
    expectRefused(result);
    expect(result.errors).toContainEqual(expect.objectContaining(expected));
    const error = result.errors.find((e) => e.field === expected.field)!;
    expect(error.message).toMatch(/32,768/);
    expect(error.message).not.toMatch(/(a\*){70}|r{70}|S{70}|k{70}|c{70}|v{70}|g{70}/);
  });

  test('GIVEN a 50,000-character unknown element name WHEN evaluated THEN the error echoes at most 64 characters of it, in the message and the field', () => {
    const name = 'X'.repeat(LONG);
    const result = KmsAccessEvaluator.evaluate(scenario((s) => { s.key.policy.Statement[0][name] = 1; s.request[name] = 1; }));
    expectRefused(result);
    expect(result.errors.map((e) => e.field)).toEqual(expect.arrayContaining([`${'X'.repeat(64)}...`, `request.${'X'.repeat(64)}...`]));
  });

  test('GIVEN strings exactly at the bound WHEN read THEN they are accepted (the bound refuses nothing KMS would accept)', () => {
    const value = 'v'.repeat(MAX_STRING_LENGTH);
    const result = KmsAccessEvaluator.evaluate(scenario((s) => {
      s.key.policy.Statement[0].Condition = { StringLike: { 'kms:EncryptionContext:x': `v*${'v'.repeat(100)}` } };
      s.request.encryptionContext = { x: value };
    }));
    expect(result).toMatchObject({ decision: 'allow', errors: [] });
  });
});

describe('show(): how errors render a value', () => {
  test('GIVEN a value nested a million deep, a cycle, a megabyte string or a throwing getter WHEN shown THEN it is at most 120 characters and nothing throws', () => {
    const cyclic: Obj = { a: 1 };
    cyclic.self = cyclic;
    const throwing = { get x(): never { throw new Error('no'); } };
    const values: unknown[] = [nested(1_000_000, 'x'), cyclic, 'm'.repeat(1_000_000), throwing, { ['k'.repeat(1_000_000)]: 1 }];
    expect(values.length).toBe(5);
    for (const v of values) expect(show(v).length).toBeLessThanOrEqual(120);
  });

  test.each([
    ['a', '"a"'], [[1, 'a', null, undefined], '[1,"a",null,null]'], [{ a: undefined, b: 2, c: NaN }, '{"b":2,"c":null}'],
    [new Date(0), '"1970-01-01T00:00:00.000Z"'], [undefined, 'nothing'], ['x'.repeat(200), `"${'x'.repeat(116)}...`],
  ])('GIVEN %j WHEN shown THEN it reads as JSON.stringify would write it, cut at 120 characters', (value, expected) => {
    expect(show(value)).toBe(expected);
  });
});

describe('clip(): how errors cut a name or value they echo', () => {
  test('GIVEN a long name WHEN clipped THEN 64 characters and an ellipsis remain, and a surrogate pair is never split', () => {
    expect(clip('n'.repeat(100))).toBe(`${'n'.repeat(64)}...`);
    expect(clip('short')).toBe('short');
    const emojiAtCut = `${'n'.repeat(63)}\u{1F600}tail`;
    expect(clip(emojiAtCut)).toBe(`${'n'.repeat(63)}...`);
    expect(clip(emojiAtCut, 65)).toBe(`${'n'.repeat(63)}\u{1F600}...`);
  });
});
