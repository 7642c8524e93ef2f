import { check, Row, titled } from './helpers';

const KEY = 'kms:EncryptionContext:AppName';

describe('String condition operators (reference_policies_elements_condition_operators.md)', () => {
  const rows: Row[] = [
    // StringEquals: exact, case-sensitive; several values OR together
    ['StringEquals', 'ExampleApp', 'ExampleApp', true],
    ['StringEquals', 'ExampleApp', 'exampleapp', false],
    ['StringEquals', 'ExampleApp', 'ExampleApp2', false],
    ['StringEquals', 'ExampleApp', undefined, false],
    ['StringEquals', ['Other', 'ExampleApp'], 'ExampleApp', true],
    ['StringEquals', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'ExampleApp'], 'ExampleApp', true],
    ['StringEquals', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], 'ExampleApp', false],
    ['StringEquals', '', '', true],
    ['StringEquals', 'app*', 'appX', false],
    ['StringEquals', 'app*', 'app*', true],
    // StringNotEquals: negated; absent key is true; several values must all differ
    ['StringNotEquals', 'ExampleApp', 'ExampleApp', false],
    ['StringNotEquals', 'ExampleApp', 'Other', true],
    ['StringNotEquals', 'ExampleApp', 'exampleapp', true],
    ['StringNotEquals', 'ExampleApp', undefined, true],
    ['StringNotEquals', ['a', 'b'], 'a', false],
    ['StringNotEquals', ['a', 'b'], 'c', true],
    // StringEqualsIgnoreCase / StringNotEqualsIgnoreCase
    ['StringEqualsIgnoreCase', 'ExampleApp', 'exampleapp', true],
    ['StringEqualsIgnoreCase', 'ExampleApp', 'EXAMPLEAPP', true],
    ['StringEqualsIgnoreCase', 'EXAMPLEAPP', 'ExampleApp', true],
    ['StringEqualsIgnoreCase', 'ExampleApp', 'Other', false],
    ['StringEqualsIgnoreCase', 'ExampleApp', undefined, false],
    ['StringNotEqualsIgnoreCase', 'ExampleApp', 'EXAMPLEAPP', false],
    ['StringNotEqualsIgnoreCase', 'ExampleApp', 'Other', true],
    ['StringNotEqualsIgnoreCase', 'ExampleApp', undefined, true],
    // StringLike / StringNotLike: case-sensitive, `*` any run, `?` one character
    ['StringLike', 'alias/*test*', 'alias/my-test-key', true],
    ['StringLike', 'alias/*test*', 'alias/prod', false],
    ['StringLike', 'alias/*test*', 'alias/TEST', false],
    ['StringLike', 'a?c', 'abc', true],
    ['StringLike', 'a?c', 'ac', false],
    ['StringLike', 'a?c', 'abbc', false],
    ['StringLike', '*', '', true],
    ['StringLike', '*', 'anything at all', true],
    ['StringLike', 'exact', 'exact', true],
    ['StringLike', 'exact', 'exactly', false],
    ['StringLike', ['x*', 'y*'], 'yes', true],
    ['StringLike', 'alias/*', undefined, false],
    ['StringLike', 'a.b*', 'aXb', false],
    ['StringNotLike', 'alias/*test*', 'alias/prod', true],
    ['StringNotLike', 'alias/*test*', 'alias/test', false],
    ['StringNotLike', 'alias/*test*', undefined, true],
    ['StringNotLike', ['x*', 'y*'], 'yes', false],
    // IfExists: an absent key is true; a present key is tested normally
    ['StringEqualsIfExists', 'ExampleApp', undefined, true],
    ['StringEqualsIfExists', 'ExampleApp', 'Other', false],
    ['StringEqualsIfExists', 'ExampleApp', 'ExampleApp', true],
    ['StringNotEqualsIfExists', 'ExampleApp', undefined, true],
    ['StringNotEqualsIfExists', 'ExampleApp', 'ExampleApp', false],
    ['StringLikeIfExists', 'Ex*', undefined, true],
    ['StringNotLikeIfExists', 'Ex*', 'ExampleApp', false],
    ['StringEqualsIgnoreCaseIfExists', 'exampleapp', 'ExampleApp', true],
  ];

  test.each(titled(KEY, rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, KEY, values, request)).toBe(expected);
  });
});

describe('String operators with policy variables (reference_policies_variables.md)', () => {
  const user = { 'aws:username': 'bob' };
  const rows: Array<[string, string, unknown, string | undefined, Record<string, string>, boolean]> = [
    ['GIVEN StringEquals "${aws:username}" WHEN the user is bob and the value bob THEN true', 'StringEquals', '${aws:username}', 'bob', user, true],
    ['GIVEN StringEquals "${aws:username}" WHEN the user is bob and the value alice THEN false', 'StringEquals', '${aws:username}', 'alice', user, false],
    ['GIVEN StringEquals "${aws:username}" WHEN aws:username is absent THEN false (no equal value)', 'StringEquals', '${aws:username}', 'bob', {}, false],
    ['GIVEN StringNotEquals "${aws:username}" WHEN aws:username is absent THEN true (negated operators match a null value)', 'StringNotEquals', '${aws:username}', 'bob', {}, true],
    ['GIVEN StringNotEquals "${aws:username}" WHEN the user is bob and the value bob THEN false', 'StringNotEquals', '${aws:username}', 'bob', user, false],
    ['GIVEN StringEquals ["${aws:username}", "admin"] WHEN aws:username is absent and the value admin THEN true', 'StringEquals', ['${aws:username}', 'admin'], 'admin', {}, true],
    ['GIVEN StringEquals "${aws:username, \'guest\'}" WHEN aws:username is absent and the value guest THEN true', 'StringEquals', '${aws:username, \'guest\'}', 'guest', {}, true],
    ['GIVEN StringEquals "${aws:username, \'guest\'}" WHEN the user is bob and the value guest THEN false', 'StringEquals', '${aws:username, \'guest\'}', 'guest', user, false],
    ['GIVEN StringLike "home/${aws:username}/*" WHEN the value is home/bob/docs THEN true', 'StringLike', 'home/${aws:username}/*', 'home/bob/docs', user, true],
    ['GIVEN StringLike "home/${aws:username}/*" WHEN the value is home/alice/docs THEN false', 'StringLike', 'home/${aws:username}/*', 'home/alice/docs', user, false],
    ['GIVEN StringNotLike "home/${aws:username}/*" WHEN aws:username is absent THEN true', 'StringNotLike', 'home/${aws:username}/*', 'home/bob/x', {}, true],
    ['GIVEN StringLike "a${*}b" WHEN the value is a*b THEN true (literal star)', 'StringLike', 'a${*}b', 'a*b', {}, true],
    ['GIVEN StringLike "a${*}b" WHEN the value is axb THEN false (not a wildcard)', 'StringLike', 'a${*}b', 'axb', {}, false],
    ['GIVEN StringLike "a${?}*" WHEN the value is a?zzz THEN true', 'StringLike', 'a${?}*', 'a?zzz', {}, true],
    ['GIVEN StringLike "a${?}*" WHEN the value is abzzz THEN false', 'StringLike', 'a${?}*', 'abzzz', {}, false],
    ['GIVEN StringEquals "a${*}b" WHEN the value is a*b THEN true', 'StringEquals', 'a${*}b', 'a*b', {}, true],
    ['GIVEN StringEquals "cost${$}" WHEN the value is cost$ THEN true', 'StringEquals', 'cost${$}', 'cost$', {}, true],
    ['GIVEN StringLike "${aws:username}*" WHEN the user name holds a star THEN the star is literal', 'StringLike', '${aws:username}*', 'bXb-1', { 'aws:username': 'b*b' }, false],
    ['GIVEN StringEqualsIgnoreCase "${aws:PrincipalTag/team}" WHEN the tag is Blue and the value BLUE THEN true', 'StringEqualsIgnoreCase', '${aws:PrincipalTag/team}', 'BLUE', { 'aws:PrincipalTag/team': 'Blue' }, true],
    ['GIVEN StringEquals "${kms:CallerAccount}" WHEN it equals the value THEN true', 'StringEquals', '${kms:CallerAccount}', '111122223333', { 'kms:CallerAccount': '111122223333' }, true],
  ];

  test.each(rows)('%s', (_title, operator, values, request, extra, expected) => {
    expect(check(operator, 'kms:EncryptionContext:user', values, request, extra)).toBe(expected);
  });

  test('GIVEN a multi-valued context for the variable WHEN rendered THEN the value never matches', () => {
    expect(check('StringEquals', 'kms:EncryptionContext:user', '${aws:TagKeys}', 'a', { 'aws:TagKeys': ['a'] })).toBe(false);
  });
});
