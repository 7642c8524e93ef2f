import { check, codes, compile, Row, titled } from './helpers';

const KEYS = 'kms:EncryptionContextKeys';

describe('Set operators on a multi-valued key (reference_policies_multi-value-conditions.md, conditions-kms.md)', () => {
  const rows: Row[] = [
    // ForAnyValue: at least one request value matches; false on an absent key or an empty set
    ['ForAnyValue:StringEquals', ['AppName'], ['AppName'], true],
    ['ForAnyValue:StringEquals', ['AppName'], ['Project', 'AppName'], true],
    ['ForAnyValue:StringEquals', ['AppName'], ['Project'], false],
    ['ForAnyValue:StringEquals', ['AppName'], [], false],
    ['ForAnyValue:StringEquals', ['AppName'], undefined, false],
    ['ForAnyValue:StringEquals', ['AppName', 'Project'], ['Project'], true],
    ['ForAnyValue:StringEquals', ['AppName'], 'AppName', true],
    // ForAllValues: every request value matches; TRUE on an absent key or an empty set
    ['ForAllValues:StringEquals', ['AppName', 'Project'], ['AppName'], true],
    ['ForAllValues:StringEquals', ['AppName', 'Project'], ['Project', 'AppName'], true],
    ['ForAllValues:StringEquals', ['AppName', 'Project'], ['AppName', 'Other'], false],
    ['ForAllValues:StringEquals', ['AppName'], [], true],
    ['ForAllValues:StringEquals', ['AppName'], undefined, true],
    ['ForAllValues:StringEquals', ['AppName'], 'Other', false],
    ['ForAllValues:StringEqualsIgnoreCase', ['appname'], ['AppName', 'APPNAME'], true],
    ['ForAllValues:StringLike', ['alias/*Test*'], ['alias/aTest', 'alias/bTest'], true],
    ['ForAllValues:StringLike', ['alias/*Test*'], ['alias/aTest', 'alias/prod'], false],
    ['ForAnyValue:StringLike', ['alias/*Test*'], ['alias/prod', 'alias/xTestx'], true],
    // negated operators inside set operators: an element passes when it matches NO policy value
    ['ForAllValues:StringNotEquals', ['Secret'], ['a', 'b'], true],
    ['ForAllValues:StringNotEquals', ['Secret'], ['a', 'Secret'], false],
    ['ForAllValues:StringNotEquals', ['Secret', 'Hidden'], ['a', 'Hidden'], false],
    ['ForAllValues:StringNotEquals', ['Secret'], undefined, true],
    ['ForAllValues:StringNotEquals', ['Secret'], [], true],
    ['ForAnyValue:StringNotEquals', ['Secret'], ['Secret'], false],
    ['ForAnyValue:StringNotEquals', ['Secret'], ['Secret', 'a'], true],
    ['ForAnyValue:StringNotEquals', ['Secret', 'a'], ['Secret', 'a'], false],
    ['ForAnyValue:StringNotEquals', ['Secret'], undefined, false],
    ['ForAnyValue:StringNotEquals', ['Secret'], [], false],
    ['ForAnyValue:StringNotLike', ['S*'], ['Sa', 'Sb'], false],
    ['ForAllValues:StringNotLike', ['S*'], ['a', 'b'], true],
    // IfExists with set operators: an absent key (or an empty set, which counts as absent) is true
    ['ForAnyValue:StringEqualsIfExists', ['AppName'], undefined, true],
    ['ForAnyValue:StringEqualsIfExists', ['AppName'], [], true],
    ['ForAnyValue:StringEqualsIfExists', ['AppName'], ['Other'], false],
    ['ForAllValues:StringNotEqualsIfExists', ['Secret'], ['Secret'], false],
    // no set operator on a multi-valued key ([choice], with a missing-set-operator warning)
    ['StringEquals', ['AppName'], ['Other', 'AppName'], true],
    ['StringEquals', ['AppName'], ['Other'], false],
    ['StringEquals', ['AppName'], [], false],
    ['StringNotEquals', ['Secret'], ['a', 'Secret'], false],
    ['StringNotEquals', ['Secret'], ['a', 'b'], true],
    ['StringNotEquals', ['Secret'], [], true],
    ['StringLike', ['A*'], ['x', 'Ay'], true],
    ['StringNotLike', ['A*'], ['x', 'Ay'], false],
    ['StringNotLike', ['A*'], ['x', 'y'], true],
  ];

  test.each(titled(KEYS, rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, KEYS, values, request)).toBe(expected);
  });
});

describe('Set operators with other operator families', () => {
  test.each([
    ['ForAllValues:NumericLessThan', 'example:Sizes', '10', ['1', '9'], true],
    ['ForAllValues:NumericLessThan', 'example:Sizes', '10', ['1', '11'], false],
    ['ForAnyValue:NumericGreaterThan', 'example:Sizes', '10', ['1', '11'], true],
    ['ForAnyValue:IpAddress', 'example:Ips', '10.0.0.0/8', ['192.168.0.1', '10.2.3.4'], true],
    ['ForAllValues:NotIpAddress', 'example:Ips', '10.0.0.0/8', ['192.168.0.1', '172.16.0.1'], true],
    ['ForAllValues:NotIpAddress', 'example:Ips', '10.0.0.0/8', ['192.168.0.1', '10.0.0.1'], false],
    ['ForAllValues:ArnLike', 'example:Arns', 'arn:aws:iam::*:role/*', ['arn:aws:iam::1:role/a', 'arn:aws:iam::2:role/b'], true],
    ['ForAnyValue:ArnNotLike', 'example:Arns', 'arn:aws:iam::*:role/*', ['arn:aws:iam::1:role/a', 'arn:aws:iam::2:user/b'], true],
    ['ForAnyValue:DateGreaterThan', 'example:Dates', '2024-01-01', ['2023-01-01', '2025-01-01'], true],
    ['ForAllValues:Bool', 'example:Flags', 'true', ['true', 'TRUE'], true],
    ['ForAllValues:Bool', 'example:Flags', 'true', ['true', 'false'], false],
  ])('GIVEN %s %s %j WHEN the request has %j THEN the condition is %s', (operator, key, values, request, expected) => {
    expect(check(operator, key, values, request)).toBe(expected);
  });
});

describe('Set operators on single-valued keys', () => {
  test.each([
    ['ForAllValues:StringEquals', 'kms:EncryptionContext:Department', 'key', 'error:overly-permissive-condition'],
    ['ForAllValues:StringEquals', 'kms:EncryptionContext:Department', 'identity', 'warning:overly-permissive-condition'],
    ['ForAllValues:StringLike', 'KMS:ENCRYPTIONCONTEXT:dept', 'key', 'error:overly-permissive-condition'],
    ['ForAllValues:StringEquals', 'aws:RequestTag/Project', 'key', 'error:overly-permissive-condition'],
    ['ForAllValues:StringEquals', 'aws:RequestTag/Project', 'scp', 'warning:overly-permissive-condition'],
    ['ForAnyValue:StringEquals', 'kms:EncryptionContext:Department', 'key', 'warning:set-operator-on-single-valued-key'],
    ['ForAnyValue:StringEquals', 'kms:CallerAccount', 'key', 'warning:set-operator-on-single-valued-key'],
    ['ForAllValues:StringEquals', 'kms:CallerAccount', 'endpoint', 'warning:set-operator-on-single-valued-key'],
  ] as const)('GIVEN %s on %s in a %s policy WHEN compiled THEN it reports %s', (operator, key, policyKind, expected) => {
    const { conditions, issues } = compile({ [operator]: { [key]: 'IT' } }, { policyKind });
    expect(codes(issues)).toEqual([expected]);
    expect(conditions).toHaveLength(1);
  });

  test.each([
    ['ForAllValues:StringEquals', undefined, true],
    ['ForAllValues:StringEquals', 'Other', false],
    ['ForAllValues:StringEquals', 'IT', true],
    ['ForAnyValue:StringEquals', undefined, false],
    ['ForAnyValue:StringEquals', 'IT', true],
  ])('GIVEN %s kms:EncryptionContext:Department "IT" WHEN the request has %j THEN it evaluates as a one-element set: %s', (operator, request, expected) => {
    expect(check(operator, 'kms:EncryptionContext:Department', 'IT', request)).toBe(expected);
  });

  test('GIVEN a multi-valued key without set operator WHEN compiled THEN it warns missing-set-operator', () => {
    expect(codes(compile({ StringEquals: { 'aws:TagKeys': 'a' } }).issues)).toEqual(['warning:missing-set-operator']);
    expect(codes(compile({ StringNotLike: { 'kms:GrantOperations': 'Decrypt' } }).issues)).toEqual(['warning:missing-set-operator']);
    expect(compile({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'a' } }).issues).toEqual([]);
  });
});
