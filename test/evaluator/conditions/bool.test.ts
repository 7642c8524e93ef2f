import { check, Row, titled } from './helpers';
import { parseBool } from '../../../src/evaluator/conditions/bool';

const KEY = 'kms:GrantIsForAWSResource';

describe('Bool condition operator (reference_policies_elements_condition_operators.md)', () => {
  const rows: Row[] = [
    ['Bool', 'true', 'true', true],
    ['Bool', 'true', 'false', false],
    ['Bool', 'false', 'false', true],
    ['Bool', 'false', 'true', false],
    ['Bool', 'TRUE', 'true', true],
    ['Bool', 'True', 'tRuE', true],
    ['Bool', 'true', 'True', true],
    ['Bool', true, 'true', true],
    ['Bool', false, 'FALSE', true],
    ['Bool', 'true', 'yes', false],
    ['Bool', 'false', '0', false],
    ['Bool', 'true', '', false],
    ['Bool', ['true', 'false'], 'false', true],
    ['Bool', 'true', undefined, false],
    ['Bool', 'false', undefined, false],
    ['BoolIfExists', 'false', undefined, true],
    ['BoolIfExists', 'false', 'true', false],
  ];

  test.each(titled(KEY, rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, KEY, values, request)).toBe(expected);
  });

  test.each([
    ['the variable renders "true"', { 'aws:PrincipalTag/trusted': 'TRUE' }, 'true', true],
    ['the variable renders "false"', { 'aws:PrincipalTag/trusted': 'false' }, 'true', false],
    ['the variable has no value', {}, 'true', false],
    ['the variable renders a non-boolean', { 'aws:PrincipalTag/trusted': 'maybe' }, 'true', false],
  ])('GIVEN Bool "${aws:PrincipalTag/trusted}" WHEN %s THEN the condition is %s', (_when, extra, request, expected) => {
    expect(check('Bool', KEY, '${aws:PrincipalTag/trusted}', request, extra)).toBe(expected);
  });
});

describe('parseBool', () => {
  test.each([
    ['true', 1], ['TRUE', 1], ['True', 1], ['false', 0], ['FALSE', 0], ['fAlSe', 0],
    ['', -1], ['yes', -1], ['1', -1], ['truE ', -1], ['t', -1], ['falsy', -1],
  ])('GIVEN %j WHEN parsed THEN it is %d', (text, expected) => {
    expect(parseBool(text)).toBe(expected);
  });
});
