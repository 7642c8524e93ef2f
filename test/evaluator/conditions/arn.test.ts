import { check, codes, compile, Row, titled } from './helpers';
import { arnMatcher, hasArnShape } from '../../../src/evaluator/conditions/arn';
import { LITERAL_STAR } from '../../../src/policy/wildcard';

const KEY = 'aws:PrincipalArn';
const ROLE = 'arn:aws:iam::111122223333:role/AdminRole';
// The operator page's example: a StringLike pattern matches it, an ArnLike pattern does not.
const DOC_PATTERN = 'arn:aws:someservice:*:111122223333:finance/*';
const DOC_VALUE = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';

describe('ARN condition operators (reference_policies_elements_condition_operators.md)', () => {
  const rows: Row[] = [
    ['ArnLike', 'arn:aws:iam::*:role/Admin*', ROLE, true],
    ['ArnLike', 'arn:aws:iam::*:role/Admin*', 'arn:aws:iam::111122223333:user/Admin', false],
    ['ArnLike', 'arn:aws:iam::111122223333:role/*', ROLE, true],
    ['ArnLike', 'arn:aws:iam::111122223333:role/*', 'arn:aws:iam::444455556666:role/AdminRole', false],
    ['ArnLike', 'arn:aws:iam::111122223333:*', ROLE, true],
    ['ArnLike', 'arn:*:*:*:*:*', ROLE, true],
    ['ArnLike', DOC_PATTERN, DOC_VALUE, false],
    ['StringLike', DOC_PATTERN, DOC_VALUE, true],
    ['ArnLike', 'arn:aws:kms:us-east-?:111122223333:key/*', 'arn:aws:kms:us-east-1:111122223333:key/abc', true],
    ['ArnLike', 'arn:aws:kms:us-east-?:111122223333:key/*', 'arn:aws:kms:us-east-10:111122223333:key/abc', false],
    ['ArnLike', 'arn:aws:kms:us-east-1?111122223333:key/*', 'arn:aws:kms:us-east-1:111122223333:key/abc', false],
    ['ArnLike', 'arn:aws:lambda:*:*:function:*', 'arn:aws:lambda:us-east-1:111122223333:function:fn:prod', true],
    ['ArnLike', 'arn:aws:lambda:*:*:function:fn:?rod', 'arn:aws:lambda:us-east-1:111122223333:function:fn:prod', true],
    ['ArnLike', 'arn:aws:lambda:us-*-1:*:function:*', 'arn:aws:lambda:us-east-1:111122223333:function:fn', true],
    ['ArnLike', 'arn:aws:iam::*:role/adminrole', ROLE, false],
    ['ArnLike', 'arn:aws:iam::*:role/*', 'not-an-arn', false],
    ['ArnLike', 'arn:aws:iam::*:role/*', undefined, false],
    ['ArnLike', ['arn:aws:iam::*:user/*', 'arn:aws:iam::*:role/*'], ROLE, true],
    // ArnEquals behaves exactly like ArnLike, wildcards included
    ['ArnEquals', ROLE, ROLE, true],
    ['ArnEquals', ROLE, `${ROLE}2`, false],
    ['ArnEquals', 'arn:aws:iam::*:role/Admin*', ROLE, true],
    ['ArnEquals', DOC_PATTERN, DOC_VALUE, false],
    // negated forms
    ['ArnNotLike', 'arn:aws:iam::*:role/Admin*', ROLE, false],
    ['ArnNotLike', 'arn:aws:iam::*:role/Admin*', 'arn:aws:iam::111122223333:user/Bob', true],
    ['ArnNotLike', 'arn:aws:iam::*:role/Admin*', undefined, true],
    ['ArnNotLike', 'arn:aws:iam::*:role/*', 'not-an-arn', true],
    ['ArnNotEquals', ROLE, ROLE, false],
    ['ArnNotEquals', 'arn:aws:iam::*:role/Other*', ROLE, true],
    ['ArnNotEquals', ['arn:aws:iam::*:role/Other*', 'arn:aws:iam::*:role/Admin*'], ROLE, false],
    // IfExists
    ['ArnLikeIfExists', 'arn:aws:iam::*:role/*', undefined, true],
    ['ArnNotLikeIfExists', 'arn:aws:iam::*:role/*', ROLE, false],
    ['ArnEqualsIfExists', ROLE, undefined, true],
  ];

  test.each(titled(KEY, rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, KEY, values, request)).toBe(expected);
  });

  const account = { 'aws:PrincipalAccount': '111122223333' };
  test.each([
    ['the account matches', 'arn:aws:iam::${aws:PrincipalAccount}:role/*', ROLE, account, true],
    ['the account differs', 'arn:aws:iam::${aws:PrincipalAccount}:role/*', 'arn:aws:iam::444455556666:role/X', account, false],
    ['the variable has no value', 'arn:aws:iam::${aws:PrincipalAccount}:role/*', ROLE, {}, false],
    ['the default applies', 'arn:aws:iam::${aws:PrincipalAccount, \'111122223333\'}:role/*', ROLE, {}, true],
    ['${*} is a literal star', 'arn:aws:iam::111122223333:role/a${*}', 'arn:aws:iam::111122223333:role/a*', {}, true],
    ['${*} is not a wildcard', 'arn:aws:iam::111122223333:role/a${*}', 'arn:aws:iam::111122223333:role/ab', {}, false],
    ['${*} is literal next to a wildcard', 'arn:aws:iam::*:role/a${*}*', 'arn:aws:iam::111122223333:role/a*b', {}, true],
  ])('GIVEN ArnLike with a policy variable WHEN %s THEN the condition is %s', (_when, pattern, request, extra, expected) => {
    expect(check('ArnLike', KEY, pattern, request, extra)).toBe(expected);
  });

  test('GIVEN ArnNotLike with a variable WHEN the variable has no value THEN the condition is true', () => {
    expect(check('ArnNotLike', KEY, 'arn:aws:iam::${aws:PrincipalAccount}:role/*', ROLE)).toBe(true);
  });
});

describe('ARN patterns that are not ARNs', () => {
  test.each(['*', 'arn:aws:iam::*', 'role/*', ''])('GIVEN ArnLike %j WHEN compiled THEN it warns invalid-arn-pattern and matches nothing', (pattern) => {
    const { conditions, issues } = compile({ ArnLike: { [KEY]: pattern } });
    expect(codes(issues)).toEqual(['warning:invalid-arn-pattern']);
    expect(conditions[0].test({ get: () => ROLE })).toBe(false);
  });

  test.each([
    ['arn:aws:iam::111122223333:role/x', true], ['arn:aws:s3:::bucket', true], ['arn:aws:iam::x', false], ['a:b:c:d', false],
  ])('GIVEN %j WHEN its shape is checked THEN it is an ARN: %s', (pattern, expected) => {
    expect(hasArnShape(pattern)).toBe(expected);
  });

  test('GIVEN a pattern with a literal-star marker and no wildcard WHEN matched THEN it compares exactly', () => {
    const m = arnMatcher(`arn:aws:iam::111122223333:role/a${LITERAL_STAR}`);
    expect(m('arn:aws:iam::111122223333:role/a*')).toBe(true);
    expect(m('arn:aws:iam::111122223333:role/ab')).toBe(false);
  });
});
