/**
 * String and ARN operator cases added for the mutation run of src/evaluator/conditions (docs/mutation-testing.md,
 * issue 10). Expected values follow reference_policies_elements_condition_operators.md ("String condition operators":
 * StringEquals is case-sensitive, StringEqualsIgnoreCase is not, StringLike takes `*` and `?` anywhere; "Amazon
 * Resource Name (ARN) condition operators": each of the six colon-delimited components is matched separately, and
 * ArnEquals behaves like ArnLike), reference_policies_variables.md (variables in condition values; `${*}` is a literal
 * `*`), and reference_policies_multi-value-conditions.md (several policy values OR together).
 */
import { check, codes, compile, Row, titled } from './helpers';
import { MapContext } from '../../../src/evaluator/context';
import { MAX_STRING_LENGTH } from '../../../src/policy/issues';

describe('String operators mixing fixed values and values with policy variables', () => {
  const bob = { 'aws:username': 'Bob' };
  const rows: Array<[string, string, unknown, string, Record<string, string>, boolean]> = [
    ['a fixed value matches (the variable does not)', 'StringEquals', ['Fixed', '${aws:username}'], 'Fixed', bob, true],
    ['the variable matches (the fixed value does not)', 'StringEquals', ['Fixed', '${aws:username}'], 'Bob', bob, true],
    ['case differs from the fixed value', 'StringEquals', ['Fixed', '${aws:username}'], 'fixed', bob, false],
    ['case differs from the variable', 'StringEquals', ['Fixed', '${aws:username}'], 'bob', bob, false],
    ['neither matches', 'StringEquals', ['Fixed', '${aws:username}'], 'Other', bob, false],
    ['IgnoreCase: a fixed value in another case', 'StringEqualsIgnoreCase', ['Fixed', '${aws:username}'], 'fIXED', bob, true],
    ['IgnoreCase: the variable in another case', 'StringEqualsIgnoreCase', ['Fixed', '${aws:username}'], 'BOB', bob, true],
    ['IgnoreCase: the request in lower case, the variable in mixed case', 'StringEqualsIgnoreCase', '${aws:username}', 'bob', bob, true],
    ['IgnoreCase: neither matches', 'StringEqualsIgnoreCase', ['Fixed', '${aws:username}'], 'Other', bob, false],
    ['NotEqualsIgnoreCase: the variable in another case', 'StringNotEqualsIgnoreCase', ['Fixed', '${aws:username}'], 'BOB', bob, false],
    ['NotEqualsIgnoreCase: neither matches', 'StringNotEqualsIgnoreCase', ['Fixed', '${aws:username}'], 'Other', bob, true],
    ['Like: a fixed pattern matches', 'StringLike', ['alias/*', 'home/${aws:username}/*'], 'alias/x', bob, true],
    ['Like: the pattern with the variable matches', 'StringLike', ['alias/*', 'home/${aws:username}/*'], 'home/Bob/x', bob, true],
    ['Like: neither matches', 'StringLike', ['alias/*', 'home/${aws:username}/*'], 'home/Alice/x', bob, false],
    ['Like: a fixed exact value next to a variable pattern', 'StringLike', ['exact', 'home/${aws:username}/*'], 'exact', bob, true],
    ['Like: a fixed exact value is not a prefix', 'StringLike', ['exact', 'home/${aws:username}/*'], 'exactly', bob, false],
    ['Like: the variable rendered with a ? wildcard after it', 'StringLike', '${aws:username}?', 'Bob1', bob, true],
    ['Like: the variable is case-sensitive', 'StringLike', '${aws:username}*', 'bob1', bob, false],
    ['NotLike: the pattern with the variable matches', 'StringNotLike', ['alias/*', 'home/${aws:username}/*'], 'home/Bob/x', bob, false],
    ['NotLike: neither matches', 'StringNotLike', ['alias/*', 'home/${aws:username}/*'], 'home/Alice/x', bob, true],
  ];

  test.each(rows.map((r, i) => [...r, i] as const))('GIVEN %s WHEN tested THEN the condition is as documented', (_title, operator, values, request, extra, expected, i) => {
    // A key of its own per row: compiled conditions are cached by operator, key and values (condition-cache.ts), and a
    // row that reused another row's compiled condition would not run the compile path under a mutant of it.
    expect(check(operator, `kms:EncryptionContext:user${i}`, values, request, extra)).toBe(expected);
  });

  test.each([
    ['StringLike', ['a*', 'b${*}'], 'b*', true],
    ['StringLike', ['a*', 'b${*}'], 'bx', false],
    ['StringLike', ['exact', 'b${?}'], 'b?', true],
    ['StringLike', ['exact', 'b${?}'], 'bx', false],
    ['StringLike', ['exact', 'other'], 'other', true],
    ['StringLike', ['exact', 'other'], 'Other', false],
  ] as Row[])('GIVEN %s %j WHEN the value is %j THEN the condition is %s (`${*}`/`${?}` are literal characters)', (operator, values, request, expected) => {
    expect(check(operator, `kms:EncryptionContext:${String(request)}`, values, request)).toBe(expected);
  });
});

describe('String and ARN patterns longer than a key policy can be', () => {
  test.each(['StringLike', 'StringNotLike', 'ArnLike', 'ArnEquals'])('GIVEN %s with a pattern of exactly the limit WHEN compiled THEN it is accepted', (operator) => {
    const pattern = operator.startsWith('Arn') ? `arn:aws:iam::111122223333:role/${'x'.repeat(MAX_STRING_LENGTH - 31)}` : 'x'.repeat(MAX_STRING_LENGTH);
    expect(pattern.length).toBe(MAX_STRING_LENGTH);
    const { conditions, issues } = compile({ [operator]: { 'aws:PrincipalArn': pattern } });
    expect(codes(issues)).toEqual([]);
    expect(conditions).toHaveLength(1);
  });

  test.each([
    ['StringLike', 'x'.repeat(MAX_STRING_LENGTH + 1)],
    ['StringLike', `${'x'.repeat(MAX_STRING_LENGTH - 10)}\${aws:username}`],
    ['ArnLike', `arn:aws:iam::111122223333:role/${'x'.repeat(MAX_STRING_LENGTH - 30)}`],
  ])('GIVEN %s with a pattern one character or more over the limit WHEN compiled THEN it is refused with the sizes', (operator, pattern) => {
    const { conditions, issues } = compile({ [operator]: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/*', pattern] } });
    expect(conditions).toEqual([]);
    expect(codes(issues)).toEqual(['error:invalid-condition-value']);
    expect(issues[0].field).toBe(`Condition.${operator}.aws:PrincipalArn[1]`);
    expect(issues[0].message).toContain(`; expected a pattern of at most 32,768 characters, not ${pattern.length.toLocaleString('en-US')} ` +
      '(AWS KMS accepts no key policy longer than 32 KB, resource-limits.md): shorten it');
  });

  test('GIVEN ArnLike with a pattern that is no ARN at the length limit WHEN compiled THEN it still warns invalid-arn-pattern', () => {
    const { issues } = compile({ ArnLike: { 'aws:PrincipalArn': 'x'.repeat(MAX_STRING_LENGTH) } });
    expect(codes(issues)).toEqual(['warning:invalid-arn-pattern']);
  });
});

describe('ARN operators: the six components, matched separately', () => {
  const KEY = 'aws:PrincipalArn';
  const ROLE = 'arn:aws:iam::111122223333:role/AdminRole';
  const rows: Row[] = [
    // a star in the resource, not at the end: a wildcard, not a prefix test
    ['ArnLike', 'arn:aws:iam::111122223333:role/*Role', ROLE, true],
    ['ArnLike', 'arn:aws:iam::111122223333:role/*Role', 'arn:aws:iam::111122223333:role/AdminRoles', false],
    ['ArnLike', 'arn:aws:iam::111122223333:role/*Role', 'arn:aws:iam::111122223333:role/Role', true],
    // a ? with a trailing star
    ['ArnLike', 'arn:aws:iam::111122223333:role/?dmin*', ROLE, true],
    ['ArnLike', 'arn:aws:iam::111122223333:role/?dmin*', 'arn:aws:iam::111122223333:role/dmin', false],
    // a trailing star in the account: the star stays inside the account component
    ['ArnLike', 'arn:aws:iam::1111*', 'arn:aws:iam::111122223333', false],
    ['ArnLike', 'arn:aws:iam::*:*', ROLE, true],
    ['ArnLike', 'arn:aws:iam::111122223333:*', 'arn:aws:iam::111122223333:', true],
    ['ArnLike', 'arn:aws:iam::111122223333:*', 'arn:aws:iam::11112222333:role/x', false],
    ['ArnLike', 'arn:aws:iam::111122223333:*', 'arn:aws:iam::111122223333', false],
    // a request value with fewer than six components is no ARN
    ['ArnLike', 'arn:aws:*:*:*:*', 'arn:aws:iam::111122223333', false],
    ['ArnLike', 'arn:*:iam::*:role/x', 'arn', false],
    ['ArnLike', 'arn:*:iam::*:role/x', 'arn:aws:iam:', false],
    ['ArnNotLike', 'arn:aws:*:*:*:*', 'arn:aws:iam::111122223333', true],
    // wildcards in the first five components never cross a colon; in the resource they may
    ['ArnLike', 'arn:aws:*:*:111122223333:*', 'arn:aws:iam::111122223333:role/x', true],
    ['ArnLike', 'arn:aws:*:111122223333:*', 'arn:aws:iam::111122223333:role/x', false],
    ['ArnLike', 'arn:aws:iam::111122223333:role/*', 'arn:aws:iam::111122223333:role/a:b:c', true],
    ['ArnLike', 'arn:aws:iam::?11122223333:role/*', ROLE, true],
    ['ArnLike', 'arn:aws:iam::?11122223333:role/*', 'arn:aws:iam::1111222233334:role/AdminRole', false],
    ['ArnLike', 'arn:a?s:iam::111122223333:role/AdminRole', ROLE, true],
    ['ArnLike', 'arn:a?s:iam::111122223333:role/AdminRole', 'arn:aws-cn:iam::111122223333:role/AdminRole', false],
    ['ArnLike', '*:aws:iam::111122223333:role/AdminRole', ROLE, true],
    ['ArnLike', 'arn:aws:iam::111122223333:role/AdminRol?', ROLE, true],
    ['ArnLike', 'arn:aws:iam::111122223333:role/AdminRol?', 'arn:aws:iam::111122223333:role/AdminRol', false],
    // case-sensitive, and exact text without wildcards
    ['ArnEquals', 'arn:aws:iam::111122223333:role/adminrole', ROLE, false],
    ['ArnEquals', ROLE, 'arn:aws:iam::111122223333:role/AdminRole:', false],
    ['ArnEquals', ROLE, 'arn:aws:iam::111122223333:role/AdminRol', false],
    // several patterns OR together; ArnNotEquals is true when none matches
    ['ArnEquals', ['arn:aws:iam::111122223333:role/Other', ROLE], ROLE, true],
    ['ArnNotEquals', ['arn:aws:iam::111122223333:role/Other', ROLE], ROLE, false],
    ['ArnNotEquals', ['arn:aws:iam::111122223333:role/Other', 'arn:aws:iam::*:role/B*'], ROLE, true],
    ['ArnNotLike', 'arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:user/u', true],
  ];

  test.each(titled(KEY, rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, KEY, values, request)).toBe(expected);
  });

  const account = { 'aws:PrincipalAccount': '111122223333' };
  test.each([
    ['a fixed pattern matches', ['arn:aws:iam::*:role/Admin*', 'arn:aws:iam::${aws:PrincipalAccount}:user/*'], ROLE, true],
    ['the variable pattern matches', ['arn:aws:iam::*:role/Other*', 'arn:aws:iam::${aws:PrincipalAccount}:role/*'], ROLE, true],
    ['neither matches', ['arn:aws:iam::*:role/Other*', 'arn:aws:iam::${aws:PrincipalAccount}:user/*'], ROLE, false],
    ['the rendered pattern has no wildcard', 'arn:aws:iam::${aws:PrincipalAccount}:role/AdminRole', ROLE, true],
    ['the rendered pattern has no wildcard and differs', 'arn:aws:iam::${aws:PrincipalAccount}:role/Admin', ROLE, false],
  ] as Array<[string, unknown, string, boolean]>)('GIVEN ArnLike with a variable WHEN %s THEN the condition is %s', (_when, values, request, expected) => {
    expect(check('ArnLike', KEY, values, request, account)).toBe(expected);
  });

  test('GIVEN ArnLike on a pattern that is no ARN WHEN compiled THEN the warning says why and what to write', () => {
    const { issues } = compile({ ArnLike: { [KEY]: ['arn:aws:iam::*:role/*', 'role/*'] } });
    expect(codes(issues)).toEqual(['warning:invalid-arn-pattern']);
    expect(issues[0].field).toBe(`Condition.ArnLike.${KEY}[1]`);
    expect(issues[0].message).toBe('ARN pattern "role/*" does not have the six colon-separated components of an ARN ' +
      '(`arn:partition:service:region:account:resource`), so it matches no request value; write every component, using `*` for any ' +
      '(e.g. `arn:aws:iam::*:role/*`), or use `StringLike` to match the whole text');
  });

  test('GIVEN ArnLike with a variable pattern that is no ARN WHEN compiled THEN there is no warning (it is known only per request) and it matches nothing', () => {
    const { conditions, issues } = compile({ ArnLike: { [KEY]: '${aws:PrincipalAccount}' } });
    expect(issues).toEqual([]);
    expect(conditions[0].test(new MapContext({ 'aws:PrincipalAccount': '111122223333', [KEY]: '111122223333' }))).toBe(false);
  });
});

describe('Bool and Null with several values (reference_policies_multi-value-conditions.md)', () => {
  const rows: Row[] = [
    ['Bool', ['false', 'true'], 'true', true],
    ['Bool', ['false', 'FALSE'], 'true', false],
    ['Bool', ['true', 'TRUE'], 'false', false],
    ['Null', ['false', 'FALSE'], undefined, false],
    ['Null', ['true', 'True'], 'x', false],
  ];

  test.each(titled('aws:SecureTransport', rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, 'aws:SecureTransport', values, request)).toBe(expected);
  });

  test.each([
    ['a fixed value matches', ['false', '${aws:PrincipalTag/flag}'], { 'aws:PrincipalTag/flag': 'true' }, 'false', true],
    ['the variable renders the request value', ['false', '${aws:PrincipalTag/flag}'], { 'aws:PrincipalTag/flag': 'True' }, 'TRUE', true],
    ['the variable renders the other value', ['false', '${aws:PrincipalTag/flag}'], { 'aws:PrincipalTag/flag': 'false' }, 'true', false],
    ['the request value is no boolean', ['true', '${aws:PrincipalTag/flag}'], { 'aws:PrincipalTag/flag': 'yes' }, 'yes', false],
  ] as Array<[string, unknown, Record<string, string>, string, boolean]>)('GIVEN Bool with a variable WHEN %s THEN the condition is %s', (_when, values, extra, request, expected) => {
    expect(check('Bool', 'aws:SecureTransport', values, request, extra)).toBe(expected);
  });
});

describe('survivors of the mutation run: one compiled condition per case (condition-cache.ts shares equal conditions)', () => {
  // Each row has its own key, so it compiles its own condition (docs/mutation-testing.md, the perTest blind spot).
  const bob = { 'aws:username': 'bob' };
  const rows: Array<[string, string, unknown, string | undefined, Record<string, string>, boolean]> = [
    ['StringEquals is case-sensitive', 'StringEquals', 'ExampleApp', 'exampleapp', {}, false],
    ['StringNotEquals is case-sensitive', 'StringNotEquals', 'ExampleApp', 'exampleapp', {}, true],
    ['StringLike: ${*} is a literal star, not a wildcard', 'StringLike', 'a${*}b', 'axb', {}, false],
    ['StringEquals: ${*} after a variable is a literal star', 'StringEquals', '${aws:username}${*}', 'bob*', bob, true],
    ['StringEquals: ${*} after a variable matches only a star', 'StringEquals', '${aws:username}${*}', 'bobx', bob, false],
    ['StringEqualsIgnoreCase: a variable without a value matches nothing', 'StringEqualsIgnoreCase', '${aws:PrincipalTag/none}', 'x', {}, false],
    ['ArnLike: ${*} in a fixed pattern is a literal star', 'ArnLike', 'arn:aws:iam::111122223333:role/a${*}', 'arn:aws:iam::111122223333:role/ab', {}, false],
    ['ArnLike: ${*} after a variable is a literal star', 'ArnLike', 'arn:aws:iam::${aws:username}:role/a${*}', 'arn:aws:iam::bob:role/ab', bob, false],
    ['ArnLike: ${*} after a variable matches a star', 'ArnLike', 'arn:aws:iam::${aws:username}:role/a${*}', 'arn:aws:iam::bob:role/a*', bob, true],
    ['NumericGreaterThan is strict', 'NumericGreaterThan', '10', '10', {}, false],
    ['DateGreaterThan is strict', 'DateGreaterThan', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', {}, false],
    ['Bool "true" does not accept "false"', 'Bool', 'true', 'false', {}, false],
    ['Bool "false" does not accept "true"', 'Bool', 'false', 'true', {}, false],
    ['Bool: a four-letter word is no Boolean', 'Bool', 'true', 'nope', {}, false],
    ['Bool: a word that starts with false is no Boolean', 'Bool', 'false', 'falsehood', {}, false],
    ['StringEquals with a variable: a value matching nothing', 'StringEquals', ['fixed', '${aws:username}'], 'other', bob, false],
  ];

  test.each(rows.map((r, i) => [...r, i] as const))('GIVEN %s WHEN tested THEN the condition is as documented', (_title, operator, values, request, extra, expected, i) => {
    expect(check(operator, `kms:EncryptionContext:survivor${i}`, values, request, extra)).toBe(expected);
  });
});
