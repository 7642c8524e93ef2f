/**
 * Cases added for the mutation run of `compile-condition.ts` and `binary.ts` (docs/mutation-testing.md, "src/evaluator/
 * conditions, part 2"; issue 10): the whole text of every issue the condition compiler reports (what, where, the value
 * received, what was expected, how to fix it), the rules that decide which condition keys are linted, what the
 * compiled-condition cache may share, and base-64 decoding character by character.
 *
 * Semantics cited: reference_policies_elements_condition_operators.md (grammar, "...IfExists", "Binary condition
 * operators": base-64 compared byte for byte), reference_policies_multi-value-conditions.md (ForAnyValue / ForAllValues,
 * absent keys and empty sets), reference_policies_variables.md (variables only in values, only for string and ARN
 * operators), conditions-kms.md (set operators on single-valued keys; OverlyPermissiveCondition).
 *
 * Compiled conditions are cached by operator, key, values and options (condition-cache.ts): a case that reused another
 * case's compiled condition would not run the compile path at all. So every case below compiles a condition of its own
 * (its own key or its own value), as mutants-operators.test.ts does.
 */
import { Buffer } from 'buffer';
import { codes, compile } from './helpers';
import { decodeBase64 } from '../../../src/evaluator/conditions/binary';
import { compileConditionBlock, describeCondition } from '../../../src/evaluator/conditions/compile-condition';
import { ContextValue, MapContext } from '../../../src/evaluator/context';
import { IssueCollector } from '../../../src/policy/issues';
import { PolicyKind } from '../../../src/policy/policy-kind';

/** A fresh name per call, so that no two cases share a compiled condition. */
let counter = 0;
function fresh(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}`;
}

/** The one issue a block reports, as severity, code, field and message. */
function onlyIssue(block: unknown, options: { variables?: boolean; policyKind?: PolicyKind } = {}) {
  const { issues } = compile(block, options);
  expect(issues).toHaveLength(1);
  const [i] = issues;
  return { severity: i.severity, code: i.code, field: i.field, message: i.message };
}

const UNKNOWN_KEY_TAIL = 'so it is absent from every request: a positive operator on it never matches, and a negated operator or `...IfExists` ' +
  'always does, whatever the request. ';
const CHECK_SPELLING = 'check the spelling against the KMS condition keys (conditions-kms.md) and the AWS global condition keys (conditions-aws.md)';

describe('compileConditionBlock: the whole text of the shape errors', () => {
  test('GIVEN a Condition that is a number WHEN compiled THEN the error shows the expected shape and the value received', () => {
    expect(onlyIssue(5)).toEqual({
      severity: 'error',
      code: 'invalid-condition',
      field: 'Condition',
      message: 'the Condition element must be an object such as `{"StringEquals": {"kms:CallerAccount": "111122223333"}}`; received 5',
    });
  });

  test.each([
    ['no operator name is close', 'Foo', 'unknown condition operator "Foo"; operator names are case-sensitive. ' +
      'use an IAM condition operator such as `StringEquals`, `ArnLike`, `IpAddress` or `Null`'],
    ['an operator name is close', 'StringEqual', 'unknown condition operator "StringEqual"; operator names are case-sensitive. did you mean `StringEquals`?'],
  ])('GIVEN an unknown operator (%s) WHEN compiled THEN the error says so and how to fix it', (_what, operator, message) => {
    expect(onlyIssue({ [operator]: { [fresh('example:Op')]: 'x' } })).toEqual({
      severity: 'error', code: 'unknown-condition-operator', field: `Condition.${operator}`, message,
    });
  });

  test('GIVEN an operator mapping no key WHEN compiled THEN the error shows an example and the value received', () => {
    expect(onlyIssue({ StringEquals: {} })).toEqual({
      severity: 'error',
      code: 'invalid-condition',
      field: 'Condition.StringEquals',
      message: 'condition operator `StringEquals` must map at least one condition key to its value(s), e.g. `{"kms:CallerAccount": "111122223333"}`; received {}',
    });
  });

  test('GIVEN an empty condition key WHEN compiled THEN the error names the operator and an example key', () => {
    expect(onlyIssue({ StringLike: { '': 'x' } })).toEqual({
      severity: 'error',
      code: 'invalid-condition',
      field: 'Condition.StringLike.',
      message: 'condition operator `StringLike` names an empty condition key; write a key such as `kms:CallerAccount`',
    });
  });

  test.each([true, false])('GIVEN a policy variable in a condition key (variables %s) WHEN compiled THEN it is an error whatever the policy Version (conditions-kms.md)', (variables) => {
    const key = 'kms:EncryptionContext:${aws:username}';
    expect(onlyIssue({ StringEquals: { [key]: fresh('v') } }, { variables })).toEqual({
      severity: 'error',
      code: 'policy-variable-in-condition-key',
      field: `Condition.StringEquals.${key}`,
      message: 'condition key "kms:EncryptionContext:${aws:username}" holds a policy variable; variables can only be used in condition values, never in keys. ' +
        'move the variable into the value, or name the key literally',
    });
  });

  test.each([
    ['null', null, 'null'],
    ['an empty array', [], '[]'],
    ['an object', { a: 1 }, '{"a":1}'],
  ])('GIVEN a condition value that is %s WHEN compiled THEN the error shows it and what is expected', (_what, value, shown) => {
    expect(onlyIssue({ StringEquals: { 'kms:CallerAccount': value } })).toEqual({
      severity: 'error',
      code: 'invalid-condition-value',
      field: 'Condition.StringEquals.kms:CallerAccount',
      message: `\`StringEquals\` on \`kms:CallerAccount\` has the value ${shown}; expected a string, number or boolean, or a non-empty array of them`,
    });
  });

  test('GIVEN a list with two elements that are no scalars WHEN compiled THEN each is reported at its index and the condition is left out', () => {
    const { conditions, issues } = compile({ StringEquals: { 'kms:CallerAccount': [{ a: 1 }, '111122223333', ['x']] } });
    expect(conditions).toEqual([]);
    expect(issues.map((i) => [i.severity, i.code, i.field, i.message])).toEqual([
      ['error', 'invalid-condition-value', 'Condition.StringEquals.kms:CallerAccount[0]',
        '`StringEquals` on `kms:CallerAccount` has the list element {"a":1}; expected a string, number or boolean'],
      ['error', 'invalid-condition-value', 'Condition.StringEquals.kms:CallerAccount[2]',
        '`StringEquals` on `kms:CallerAccount` has the list element ["x"]; expected a string, number or boolean'],
    ]);
  });
});

describe('compileConditionBlock: only own properties are read', () => {
  // Policies come from JSON.parse, whose objects have only own properties; an inherited one (a polluted prototype, an
  // object built by code) is not part of the policy and must neither add a condition nor stand in for a missing one.
  test('GIVEN an operator inherited by the Condition object WHEN compiled THEN it is not compiled', () => {
    const key = fresh('example:Inherited');
    const block = Object.assign(Object.create({ StringEquals: { [key]: 'inherited' } }) as object, { Bool: { [key]: 'true' } });
    const { conditions, issues } = compile(block);
    expect(issues).toEqual([]);
    expect(conditions.map(describeCondition)).toEqual([`Bool ${key} in ["true"]`]);
  });

  test('GIVEN an operator block whose only key is inherited WHEN compiled THEN it maps no key: invalid-condition', () => {
    const key = fresh('example:Inherited');
    const { conditions, issues } = compile({ StringEquals: Object.create({ [key]: 'x' }) as object });
    expect(conditions).toEqual([]);
    expect(codes(issues)).toEqual(['error:invalid-condition']);
    expect(issues[0].field).toBe('Condition.StringEquals');
  });

  test('GIVEN an operator block with an own key and an inherited key WHEN compiled THEN only the own key is a condition', () => {
    const own = fresh('example:Own');
    const block = { StringEquals: Object.assign(Object.create({ [fresh('example:Inherited')]: 'x' }) as object, { [own]: 'y' }) };
    const { conditions, issues } = compile(block);
    expect(issues).toEqual([]);
    expect(conditions.map(describeCondition)).toEqual([`StringEquals ${own} in ["y"]`]);
  });
});

describe('compileConditionBlock: several conditions keep their order', () => {
  test('GIVEN four keys under three operators WHEN compiled THEN there are four conditions in the written order', () => {
    const [a, b, c, d] = [fresh('example:A'), fresh('example:B'), fresh('example:C'), fresh('example:D')];
    const { conditions, issues } = compile({ StringEquals: { [a]: '1', [b]: '2' }, StringLike: { [c]: '3*' }, NumericLessThan: { [d]: 4 } });
    expect(issues).toEqual([]);
    expect(conditions.map(describeCondition)).toEqual([
      `StringEquals ${a} in ["1"]`, `StringEquals ${b} in ["2"]`, `StringLike ${c} in ["3*"]`, `NumericLessThan ${d} in ["4"]`,
    ]);
  });
});

describe('compileConditionBlock: the compiled-condition cache', () => {
  const where = { policy: 'key policy', statement: 'statement #0' };
  const compileWith = (block: unknown, issues: IssueCollector, policyKind: PolicyKind = 'identity') =>
    compileConditionBlock(block, where, { variables: true, policyKind }, issues);

  test.each([
    ['one string value', (v: string) => v],
    ['a list of values', (v: string) => [v, `${v}-other`]],
  ])('GIVEN the same clean condition (%s) compiled twice WHEN compiled THEN the compiled object is shared', (_what, value) => {
    const key = fresh('example:Shared');
    const first = compileWith({ StringEquals: { [key]: value('x') } }, new IssueCollector());
    const second = compileWith({ StringEquals: { [key]: value('x') } }, new IssueCollector());
    expect(first).toHaveLength(1);
    expect(second[0]).toBe(first[0]);
  });

  test.each([
    ['an unknown aws: key (string value)', { StringEquals: { 'aws:SourceIpp': fresh('10.0.0.') } }, 'warning:unknown-condition-key'],
    ['a type mismatch (list value)', { NumericEquals: { 'kms:CallerAccount': [fresh('1'), '2'] } }, 'warning:condition-type-mismatch'],
  ])('GIVEN a condition with a warning (%s) compiled twice WHEN compiled THEN both compiles warn: a condition with issues is never shared', (_what, block, code) => {
    for (let i = 0; i < 2; i++) {
      const issues = new IssueCollector();
      expect(compileWith(block, issues)).toHaveLength(1);
      expect(codes(issues.issues)).toEqual([code]);
    }
  });

  test('GIVEN a condition clean in an identity policy WHEN the same condition is compiled in a key policy THEN the key policy still warns', () => {
    // A key policy sees only KMS requests, which carry only aws: and kms: keys (compile-condition.ts, lintConditionKey).
    const block = { StringEquals: { [fresh('example:Other')]: 'x' } };
    const identity = new IssueCollector();
    compileWith(block, identity, 'identity');
    const key = new IssueCollector();
    compileWith(block, key, 'key');
    expect(codes(identity.issues)).toEqual([]);
    expect(codes(key.issues)).toEqual(['warning:unknown-condition-key']);
  });
});

describe('compileValues: the whole text of the set-operator warnings (reference_policies_multi-value-conditions.md, conditions-kms.md)', () => {
  test('GIVEN ForAnyValue:Null WHEN compiled THEN the warning says the set operator is ignored', () => {
    expect(onlyIssue({ 'ForAnyValue:Null': { 'aws:TagKeys': 'true' } })).toEqual({
      severity: 'warning',
      code: 'set-operator-on-null',
      field: 'Condition.ForAnyValue:Null.aws:TagKeys',
      message: '`ForAnyValue:Null` puts a set operator on `Null`, which only tests whether `aws:TagKeys` exists; the set operator is ignored. write `Null`',
    });
  });

  test.each([
    ['an encryption context key in a key policy: an error (AWS KMS rejects it)', 'ForAllValues:StringEquals', 'kms:EncryptionContext:Dept', 'key', 'error',
      '`ForAllValues` on the single-valued key `kms:EncryptionContext:Dept` matches requests without that encryption context or with unlisted ones, ' +
      'so it does not require what it seems to; AWS KMS rejects this key policy (OverlyPermissiveCondition). remove `ForAllValues:` and write `StringEquals`'],
    ['a request tag in upper case in an identity policy: a warning', 'ForAllValues:StringLikeIfExists', 'AWS:RequestTag/Project', 'identity', 'warning',
      '`ForAllValues` on the single-valued key `AWS:RequestTag/Project` matches requests without that tag or with unlisted ones, ' +
      'so it does not require what it seems to. remove `ForAllValues:` and write `StringLikeIfExists`'],
    ['a request tag in a key policy', 'ForAllValues:StringEquals', 'aws:RequestTag/Project', 'key', 'error',
      '`ForAllValues` on the single-valued key `aws:RequestTag/Project` matches requests without that tag or with unlisted ones, ' +
      'so it does not require what it seems to; AWS KMS rejects this key policy (OverlyPermissiveCondition). remove `ForAllValues:` and write `StringEquals`'],
  ] as const)('GIVEN ForAllValues on %s WHEN compiled THEN overly-permissive-condition says why and what to write', (_what, operator, key, policyKind, severity, message) => {
    expect(onlyIssue({ [operator]: { [key]: fresh('IT') } }, { policyKind })).toEqual({
      severity, code: 'overly-permissive-condition', field: `Condition.${operator}.${key}`, message,
    });
  });

  test('GIVEN ForAnyValue on a single-valued key WHEN compiled THEN the warning names the key and what to remove', () => {
    expect(onlyIssue({ 'ForAnyValue:StringEquals': { 'kms:CallerAccount': fresh('1') } })).toEqual({
      severity: 'warning',
      code: 'set-operator-on-single-valued-key',
      field: 'Condition.ForAnyValue:StringEquals.kms:CallerAccount',
      message: '`ForAnyValue:` is meant for multi-valued keys but `kms:CallerAccount` is single-valued; a set operator on it can be overly permissive ' +
        'or restrictive (conditions-kms.md). remove `ForAnyValue:`',
    });
  });

  test.each([
    ['a positive operator', 'StringEquals', 'it is evaluated as true when any request value matches. write `ForAnyValue:StringEquals` or `ForAllValues:StringEquals`'],
    ['a negated operator', 'StringNotLike', 'it is evaluated as true when any request value matches (for this negated operator: when no request value matches). ' +
      'write `ForAnyValue:StringNotLike` or `ForAllValues:StringNotLike`'],
  ])('GIVEN %s on a multi-valued key without set operator WHEN compiled THEN missing-set-operator says how it is read', (_what, operator, tail) => {
    expect(onlyIssue({ [operator]: { 'aws:TagKeys': fresh('a') } })).toEqual({
      severity: 'warning',
      code: 'missing-set-operator',
      field: `Condition.${operator}.aws:TagKeys`,
      message: `\`aws:TagKeys\` is multi-valued and needs a set operator, but \`${operator}\` has none; ${tail}`,
    });
  });

  test.each([
    ['ForAnyValue on a multi-valued key', 'ForAnyValue:StringEquals', 'kms:GrantOperations'],
    ['ForAllValues on a multi-valued key', 'ForAllValues:StringLike', 'kms:ResourceAliases'],
    ['a set operator on a key of another service', 'ForAllValues:StringEquals', 'example:Sizes'],
    ['Null on a multi-valued key', 'Null', 'aws:TagKeys'],
  ])('GIVEN %s WHEN compiled THEN there is nothing to report', (_what, operator, key) => {
    const value = operator === 'Null' ? 'true' : fresh('v');
    expect(compile({ [operator]: { [key]: value } }).issues).toEqual([]);
  });

  test('GIVEN a Numeric operator on a String key WHEN compiled THEN condition-type-mismatch names the key type and the operators that suit it', () => {
    expect(onlyIssue({ NumericEquals: { 'kms:CallerAccount': fresh('1') } })).toEqual({
      severity: 'warning',
      code: 'condition-type-mismatch',
      field: 'Condition.NumericEquals.kms:CallerAccount',
      message: '`NumericEquals` cannot compare `kms:CallerAccount`, a String condition key: request values that do not parse as the operator\'s type ' +
        'match no policy value. use a String operator (`StringEquals`, `StringLike`, ...)',
    });
  });
});

describe('compileValues: rejected values (reference_policies_variables.md: variables only with string and ARN operators)', () => {
  test('GIVEN NumericEqualsIfExists with a policy variable WHEN compiled THEN the error names the operator without IfExists in the variable hint', () => {
    expect(onlyIssue({ NumericEqualsIfExists: { 'kms:RotationPeriodInDays': '${aws:username}' } })).toEqual({
      severity: 'error',
      code: 'invalid-condition-value',
      field: 'Condition.NumericEqualsIfExists.kms:RotationPeriodInDays',
      message: '`NumericEqualsIfExists` on `kms:RotationPeriodInDays` cannot use the value "${aws:username}" (policy variables cannot be used with `NumericEquals`, ' +
        'reference_policies_variables.md); expected an integer or decimal number such as `10`, `-3` or `2.5`',
    });
  });

  test('GIVEN a value that is no number and holds no variable WHEN compiled THEN the error has no variable hint', () => {
    expect(onlyIssue({ NumericLessThan: { 'kms:RotationPeriodInDays': 'ten' } }).message).toBe(
      '`NumericLessThan` on `kms:RotationPeriodInDays` cannot use the value "ten"; expected an integer or decimal number such as `10`, `-3` or `2.5`',
    );
  });

  test('GIVEN a String pattern over the length limit that holds a variable WHEN compiled THEN the error has no variable hint: String operators take variables', () => {
    const pattern = `${'x'.repeat(32_768)}\${aws:username}`;
    const { message } = onlyIssue({ StringLike: { 'aws:PrincipalArn': pattern } });
    expect(message).not.toContain('policy variables cannot be used');
    expect(message).toMatch(/^`StringLike` on `aws:PrincipalArn` cannot use the value "x+\.\.\.; expected a pattern of at most 32,768 characters/);
  });

  test('GIVEN BinaryEquals with a variable at index 1 WHEN compiled THEN the error is at [1] and says variables cannot be used with BinaryEquals', () => {
    expect(onlyIssue({ BinaryEquals: { 'example:Bin': ['QQ==', '${aws:username}'] } })).toEqual({
      severity: 'error',
      code: 'invalid-condition-value',
      field: 'Condition.BinaryEquals.example:Bin[1]',
      message: '`BinaryEquals` on `example:Bin` cannot use the value "${aws:username}" (policy variables cannot be used with `BinaryEquals`, ' +
        'reference_policies_variables.md); expected base-64 text (characters `A-Z a-z 0-9 + /`, optionally padded with `=`), e.g. `QmluYXJ5VmFsdWVJbkJhc2U2NA==`',
    });
  });

  test.each([
    ['a single value: the field is the key', '2020', 'Condition.DateLessThan.aws:CurrentTime'],
    ['a list: the field is the element', ['2024-01-01T00:00:00Z', '2021'], 'Condition.DateLessThan.aws:CurrentTime[1]'],
  ])('GIVEN an operator warning about %s WHEN compiled THEN it points at the value', (_what, value, field) => {
    const { conditions, issues } = compile({ DateLessThan: { 'aws:CurrentTime': value } });
    expect(codes(issues)).toEqual(['warning:ambiguous-date-value']);
    expect(issues[0].field).toBe(field);
    expect(conditions).toHaveLength(1);
  });
});

describe('compileValues: policy variables in values (reference_policies_variables.md)', () => {
  test('GIVEN two values with variables WHEN tested THEN each is rendered from the request', () => {
    const key = fresh('kms:EncryptionContext:owner');
    const { conditions, issues } = compile({ StringEquals: { [key]: ['${aws:username}', '${aws:PrincipalTag/team}'] } });
    expect(issues).toEqual([]);
    const ctx = (value: string) => new MapContext({ 'aws:username': 'bob', 'aws:PrincipalTag/team': 'blue', [key]: value });
    expect(conditions[0].test(ctx('bob'))).toBe(true);
    expect(conditions[0].test(ctx('blue'))).toBe(true);
    expect(conditions[0].test(ctx('red'))).toBe(false);
  });

  test('GIVEN values with variables WHEN compiled THEN the condition keeps the values as written (explanations quote them)', () => {
    const key = fresh('kms:EncryptionContext:owner');
    const { conditions } = compile({ StringLike: { [key]: ['fixed', 'home/${aws:username}/*'] } });
    expect(conditions[0].values).toEqual(['fixed', 'home/${aws:username}/*']);
    expect(describeCondition(conditions[0])).toBe(`StringLike ${key} in ["fixed","home/\${aws:username}/*"]`);
  });
});

describe('compileValues: absent keys, lists and set operators decide as documented (reference_policies_multi-value-conditions.md)', () => {
  // policy value "a"; requests: the key absent, an empty list, ["a", "x"], ["x", "y"], ["a"]
  const rows: Array<[string, boolean, boolean, boolean, boolean, boolean]> = [
    // operator, absent, [], [a x], [x y], [a]
    ['StringEquals', false, false, true, false, true],
    ['StringNotEquals', true, true, false, true, false],
    ['StringEqualsIfExists', true, true, true, false, true],
    ['StringNotEqualsIfExists', true, true, false, true, false],
    ['ForAnyValue:StringEquals', false, false, true, false, true],
    ['ForAllValues:StringEquals', true, true, false, false, true],
    ['ForAnyValue:StringNotEquals', false, false, true, true, false],
    ['ForAllValues:StringNotEquals', true, true, false, true, false],
    ['ForAnyValue:StringEqualsIfExists', true, true, true, false, true],
    ['ForAllValues:StringNotEqualsIfExists', true, true, false, true, false],
  ];
  test.each(rows)('GIVEN %s "a" WHEN the key is absent, [], ["a","x"], ["x","y"], ["a"] THEN the condition is %s, %s, %s, %s, %s', (operator, ...expected) => {
    const key = fresh('example:Set');
    const { conditions, issues } = compile({ [operator]: { [key]: 'a' } });
    expect(issues).toEqual([]);
    const requests: Array<ContextValue | undefined> = [undefined, [], ['a', 'x'], ['x', 'y'], ['a']];
    expect(requests.map((r) => conditions[0].test(new MapContext(r === undefined ? {} : { [key]: r })))).toEqual(expected);
  });
});

describe('lintConditionKey: which condition keys are reported (conditions-kms.md, conditions-aws.md)', () => {
  test('GIVEN a member of a known family holding a zero-width space WHEN compiled THEN invisible-character shows it escaped', () => {
    const key = 'kms:EncryptionContext:App\u200bName';
    expect(onlyIssue({ StringEquals: { [key]: fresh('x') } })).toEqual({
      severity: 'warning',
      code: 'invisible-character',
      field: `Condition.StringEquals.${key}`,
      message: 'condition key `kms:EncryptionContext:App\\u200BName` holds U+200B (zero-width space), which nobody reading the policy can see: ' +
        'it names a different key than it seems to. remove the character',
    });
  });

  test.each([
    ['a misspelt aws: key, with the nearest key', 'aws:SourceIpp', 'identity', '', 'did you mean `aws:SourceIp`?'],
    ['a kms: key close to none', 'kms:Zzzzzzzzzzzzzzzzzzzzzzzzz', 'identity', '', CHECK_SPELLING],
    ['a key of another service holding a zero-width space, in an identity policy', 'example:Ke\u200by', 'identity', ' (it holds U+200B (zero-width space))', CHECK_SPELLING],
    ['a key of another service in a key policy', 'example:Color', 'key', '', CHECK_SPELLING],
    ['a key of another service in a VPC endpoint policy', 'example:Color', 'endpoint', '', CHECK_SPELLING],
  ] as const)('GIVEN %s WHEN compiled THEN unknown-condition-key says why it matters and what to do', (_what, key, policyKind, holds, hint) => {
    const shown = key.replace('\u200b', '\\u200B');
    expect(onlyIssue({ StringEquals: { [key]: fresh('x') } }, { policyKind })).toEqual({
      severity: 'warning',
      code: 'unknown-condition-key',
      field: `Condition.StringEquals.${key}`,
      message: `condition key \`${shown}\` is not one that AWS KMS requests carry${holds}, ${UNKNOWN_KEY_TAIL}${hint}`,
    });
  });

  test.each([
    ['an SCP', 'scp'],
    ['a permissions boundary', 'boundary'],
    ['a session policy', 'session'],
    ['an RCP', 'rcp'],
  ] as const)('GIVEN a key of another service in %s WHEN compiled THEN it is not reported: the policy may cover other services', (_what, policyKind) => {
    expect(compile({ StringEquals: { 'example:Color': fresh('x') } }, { policyKind }).issues).toEqual([]);
  });

  test.each([
    ['StringLike', 'aws:UserAgent', 'agent-mutants-compile-*'],
    ['DateGreaterThan', 'aws:TokenIssueTime', '2024-01-17T00:00:00Z'],
  ])('GIVEN %s on %s, a global key AWS documents that the catalogue does not list, in a key policy WHEN compiled THEN it is not reported', (operator, key, value) => {
    // IAM User Guide, "AWS global condition context keys" (request-context.ts, OTHER_GLOBAL_CONDITION_KEYS): known keys.
    expect(compile({ [operator]: { [key]: value } }, { policyKind: 'key' }).issues).toEqual([]);
  });

  test('GIVEN a key of another service with visible non-ASCII letters in an identity policy WHEN compiled THEN it is not reported', () => {
    // Only invisible characters are suspicious in a key; the key-policy character set is checked on the whole policy.
    expect(compile({ StringEquals: { 'example:ключ': fresh('x') } }).issues).toEqual([]);
  });

  test.each([
    ['40 characters: shown whole', 32, 'example:' + 'x'.repeat(32)],
    ['41 characters: cut after 40', 33, `example:${'x'.repeat(32)}...`],
  ])('GIVEN an unknown key of %s WHEN reported THEN the message echoes at most 40 characters', (_what, length, shown) => {
    const key = `example:${'x'.repeat(length)}`;
    const { message } = onlyIssue({ StringEquals: { [key]: fresh('x') } }, { policyKind: 'key' });
    expect(message).toBe(`condition key \`${shown}\` is not one that AWS KMS requests carry, ${UNKNOWN_KEY_TAIL}${CHECK_SPELLING}`);
  });
});

describe('BinaryEquals (reference_policies_elements_condition_operators.md, "Binary condition operators")', () => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  // Node's decoder as the reference (RFC 4648 section 4); src/evaluator cannot use Buffer, the test can.
  const bytes = (text: string): string => Buffer.from(text, 'base64').toString('latin1');

  test.each([
    ['the whole alphabet', ALPHABET],
    ['the first and last letter of each range', 'AZaz09+/'],
    ['letters next to the range ends', 'BYby18AA'],
    ['eight characters with one = of padding', 'QUJDQUI='],
    ['eight characters with two = of padding', 'QUJDQQ=='],
    ['six characters without padding', 'QUJDQQ'],
    ['seven characters without padding', 'QUJDQUI'],
    ['bytes above 127', '/+7t3A=='],
  ])('GIVEN %s WHEN decoded THEN the bytes are those of RFC 4648', (_what, text) => {
    expect(decodeBase64(text)).toBe(bytes(text));
  });

  test('GIVEN the whole alphabet WHEN decoded THEN it is 48 known bytes', () => {
    // 64 sextets 0..63 in order: 00 10 83 10 51 87 20 92 8b ...
    expect([...decodeBase64(ALPHABET)!].map((c) => c.charCodeAt(0)).slice(0, 6)).toEqual([0x00, 0x10, 0x83, 0x10, 0x51, 0x87]);
    expect(decodeBase64(ALPHABET)).toHaveLength(48);
  });

  test.each([
    ['@ (before A)', 'QUJ@'], ['[ (after Z)', 'QUJ['], ['` (before a)', 'QUJ`'], ['{ (after z)', 'QUJ{'],
    ['/ is in, . is not', 'QUJ.'], ['9 is in, : is not', 'QUJ:'], ['+ is in, , is not', 'QUJ,'], ['* (before +)', 'QUJ*'],
    ['two = on six characters', 'JDQQ=='], ['two = on ten characters', 'QUJDQQQQ=='],
    ['one = on seven characters', 'QUJDQU='], ['five characters', 'QUJDQ'],
  ])('GIVEN text with %s WHEN decoded THEN it is not base-64', (_what, text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });

  test.each([
    [['AAAA', 'QUJD'], 'a policy value that is the request text', 'QUJD', true],
    [['AAAA', 'QQ=='], 'the same bytes, written without padding in the request', 'QQ', true],
    [['AAAA', 'QQ'], 'the same bytes, written with padding in the request', 'QQ==', true],
    [['AAAA', 'QQ=='], 'other bytes', 'Qg==', false],
    [['AAAA', 'QQ=='], 'a request that is not base-64', 'QQ==!', false],
    [['', 'QQ=='], 'a request that is not base-64 next to an empty policy value', '@', false],
  ] as Array<[string[], string, string, boolean]>)('GIVEN BinaryEquals %j and %s WHEN the request is %j THEN the condition is %s', (values, _what, request, expected) => {
    const key = fresh('example:Bin');
    const { conditions, issues } = compile({ BinaryEquals: { [key]: values } });
    expect(issues).toEqual([]);
    expect(conditions[0].test(new MapContext({ [key]: request }))).toBe(expected);
  });

  test('GIVEN BinaryEquals with a value that is not base-64 WHEN compiled THEN the error says what base-64 text is', () => {
    expect(onlyIssue({ BinaryEquals: { 'example:Bin': 'QQ==!' } }, { variables: false })).toEqual({
      severity: 'error',
      code: 'invalid-condition-value',
      field: 'Condition.BinaryEquals.example:Bin',
      message: '`BinaryEquals` on `example:Bin` cannot use the value "QQ==!"; expected base-64 text (characters `A-Z a-z 0-9 + /`, optionally padded with `=`), ' +
        'e.g. `QmluYXJ5VmFsdWVJbkJhc2U2NA==`',
    });
  });
});
