import { check, Row, titled } from './helpers';
import { parseNumber } from '../../../src/evaluator/conditions/numeric';

const KEY = 'kms:ScheduleKeyDeletionPendingWindowInDays';

describe('Numeric condition operators (reference_policies_elements_condition_operators.md)', () => {
  const rows: Row[] = [
    ['NumericEquals', '10', '10', true],
    ['NumericEquals', '10', '10.0', true],
    ['NumericEquals', '10', '+10', true],
    ['NumericEquals', '10', '11', false],
    ['NumericEquals', 10, '10', true],
    ['NumericEquals', '1e3', '1000', true],
    ['NumericEquals', ['7', '30'], '30', true],
    ['NumericEquals', '10', 'ten', false],
    ['NumericEquals', '10', ' 10', false],
    ['NumericEquals', '16', '0x10', false],
    ['NumericEquals', '10', undefined, false],
    ['NumericNotEquals', '10', '10', false],
    ['NumericNotEquals', '10', '11', true],
    ['NumericNotEquals', ['7', '30'], '30', false],
    ['NumericNotEquals', ['7', '30'], '8', true],
    ['NumericNotEquals', '10', 'ten', true],
    ['NumericNotEquals', '10', undefined, true],
    ['NumericLessThan', '10', '9', true],
    ['NumericLessThan', '10', '10', false],
    ['NumericLessThan', '10', '9.999', true],
    ['NumericLessThan', '-2.5', '-3', true],
    ['NumericLessThan', ['5', '10'], '7', true],
    ['NumericLessThan', '10', undefined, false],
    ['NumericLessThanEquals', '10', '10', true],
    ['NumericLessThanEquals', '10', '10.01', false],
    ['NumericLessThanEquals', '.5', '0.5', true],
    ['NumericGreaterThan', '10', '10.5', true],
    ['NumericGreaterThan', '10', '10', false],
    ['NumericGreaterThan', ['20', '10'], '15', true],
    ['NumericGreaterThanEquals', '10', '10', true],
    ['NumericGreaterThanEquals', '10', '9.99', false],
    ['NumericGreaterThanEquals', '10', '', false],
    ['NumericEqualsIfExists', '10', undefined, true],
    ['NumericEqualsIfExists', '10', '9', false],
    ['NumericLessThanIfExists', '10', undefined, true],
  ];

  test.each(titled(KEY, rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, KEY, values, request)).toBe(expected);
  });
});

describe('parseNumber', () => {
  test.each([
    ['0', 0], ['42', 42], ['-7', -7], ['+7', 7], ['2.5', 2.5], ['-0.25', -0.25], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E-2', 0.01], ['1e+21', 1e21],
  ])('GIVEN %j WHEN parsed THEN it is %d', (text, expected) => {
    expect(parseNumber(text)).toBe(expected);
  });

  test.each(['', ' ', '-', '.', 'abc', '1,000', '0x10', 'Infinity', 'NaN', '1e', '1.2.3', ' 1', '1 ', '--1', 'e5'])(
    'GIVEN %j WHEN parsed THEN it is not a number', (text) => {
      expect(parseNumber(text)).toBeNaN();
    });
});
