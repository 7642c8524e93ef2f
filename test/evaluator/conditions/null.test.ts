import { check, codes, compile, Row, titled } from './helpers';

const KEY = 'kms:BypassPolicyLockoutSafetyCheck';

describe('Null condition operator (reference_policies_elements_condition_operators.md)', () => {
  const rows: Row[] = [
    ['Null', 'true', undefined, true],
    ['Null', 'true', 'false', false],
    ['Null', 'true', '', false],
    ['Null', 'false', undefined, false],
    ['Null', 'false', 'true', true],
    ['Null', true, undefined, true],
    ['Null', false, 'x', true],
    ['Null', 'TRUE', undefined, true],
    ['Null', 'False', 'x', true],
    ['Null', ['true', 'false'], undefined, true],
    ['Null', ['true', 'false'], 'x', true],
    // an empty list is a null data set (reference_policies_multi-value-conditions.md)
    ['Null', 'true', [], true],
    ['Null', 'false', [], false],
    ['Null', 'false', ['a'], true],
  ];

  test.each(titled(KEY, rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, KEY, values, request)).toBe(expected);
  });

  test.each(['maybe', 'yes', '1', '${aws:username}'])('GIVEN Null %j WHEN compiled THEN it is an invalid-condition-value error', (value) => {
    const { conditions, issues } = compile({ Null: { [KEY]: value } });
    expect(conditions).toHaveLength(0);
    expect(codes(issues)).toEqual(['error:invalid-condition-value']);
  });

  test('GIVEN NullIfExists WHEN compiled THEN it is an unknown operator and `Null` is suggested', () => {
    const { issues } = compile({ NullIfExists: { [KEY]: 'true' } });
    expect(codes(issues)).toEqual(['error:unknown-condition-operator']);
    expect(issues[0].message).toContain('`Null`');
  });

  test('GIVEN ForAnyValue:Null WHEN compiled THEN it warns and evaluates as Null', () => {
    const { conditions, issues } = compile({ 'ForAnyValue:Null': { 'aws:TagKeys': 'true' } });
    expect(codes(issues)).toEqual(['warning:set-operator-on-null']);
    expect(conditions[0].test({ get: () => undefined })).toBe(true);
    expect(conditions[0].test({ get: () => ['a'] })).toBe(false);
  });

  test('GIVEN Null on a multi-valued key WHEN compiled THEN no set operator is asked for', () => {
    expect(compile({ Null: { 'kms:EncryptionContextKeys': 'false' } }).issues).toEqual([]);
  });
});
