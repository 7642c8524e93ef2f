import { check, Row, titled } from './helpers';
import { parseDate } from '../../../src/evaluator/conditions/date';

const KEY = 'aws:CurrentTime';

describe('Date condition operators (reference_policies_elements_condition_operators.md)', () => {
  const rows: Row[] = [
    ['DateLessThan', '2030-01-01T00:00:00Z', '2025-05-05T10:00:00Z', true],
    ['DateLessThan', '2020-01-01T00:00:00Z', '2025-05-05T10:00:00Z', false],
    ['DateLessThan', '2025-05-05T10:00:00Z', '2025-05-05T10:00:00Z', false],
    ['DateLessThanEquals', '2025-05-05T10:00:00Z', '2025-05-05T10:00:00Z', true],
    ['DateGreaterThan', '2020-01-01T00:00:01Z', '2025-05-05T10:00:00Z', true],
    ['DateGreaterThan', '2030-01-01', '2025-05-05T10:00:00Z', false],
    ['DateGreaterThanEquals', '2025-05-05T10:00:00Z', '2025-05-05T10:00:00Z', true],
    ['DateGreaterThanEquals', '2025-05-05T10:00:01Z', '2025-05-05T10:00:00Z', false],
    // the same instant written differently
    ['DateEquals', '2024-01-01', '2024-01-01T00:00:00Z', true],
    ['DateEquals', '2024-01-01T00:00:00Z', '1704067200', true],
    ['DateEquals', '1704067200', '2024-01-01T00:00:00Z', true],
    ['DateEquals', '2024-01-01T01:00:00+01:00', '2024-01-01T00:00:00Z', true],
    ['DateEquals', '2023-12-31T19:00:00-05:00', '2024-01-01T00:00:00Z', true],
    ['DateEquals', '2024-01-01T00:00:00', '2024-01-01T00:00:00Z', true],
    ['DateEquals', '2024-02', '2024-02-01T00:00:00Z', true],
    ['DateEquals', '2024-01-01T00:00Z', '2024-01-01T00:00:00Z', true],
    ['DateEquals', '2024-01-01t00:00:00z', '2024-01-01T00:00:00Z', true],
    ['DateEquals', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00Z', true],
    ['DateGreaterThan', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00.5Z', true],
    ['DateEquals', '2024-01-01', '2024-01-02', false],
    ['DateEquals', ['2023-01-01', '2024-01-01'], '2024-01-01', true],
    // leap years
    ['DateEquals', '2024-02-29', '2024-02-29T00:00:00Z', true],
    ['DateLessThan', '2030-01-01', '2023-02-29T00:00:00Z', false],
    // negated, absent and unparseable request values
    ['DateNotEquals', '2024-01-01', '2024-01-02', true],
    ['DateNotEquals', '2024-01-01', '2024-01-01T00:00:00Z', false],
    ['DateNotEquals', '2024-01-01', undefined, true],
    ['DateNotEquals', '2024-01-01', 'yesterday', true],
    ['DateLessThan', '2030-01-01', 'yesterday', false],
    ['DateLessThan', '2030-01-01', undefined, false],
    ['DateLessThanIfExists', '2030-01-01', undefined, true],
    ['DateLessThanIfExists', '2030-01-01', '2031-01-01T00:00:00Z', false],
    // epoch seconds in the request (aws:EpochTime)
    ['DateGreaterThan', '2024-01-01T00:00:00Z', '1704067201', true],
    ['DateLessThan', '1704067200', '1704067199.5', true],
  ];

  test.each(titled(KEY, rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, KEY, values, request)).toBe(expected);
  });
});

describe('parseDate', () => {
  test.each([
    ['2024-03', '2024-03-01T00:00:00.000Z'],
    ['2024-03-15', '2024-03-15T00:00:00.000Z'],
    ['2024-03-15T08:30Z', '2024-03-15T08:30:00.000Z'],
    ['2024-03-15T08:30:45Z', '2024-03-15T08:30:45.000Z'],
    ['2024-03-15T08:30:45.123Z', '2024-03-15T08:30:45.123Z'],
    ['2024-03-15T08:30:45+02:00', '2024-03-15T06:30:45.000Z'],
    ['2024-03-15T08:30:45-02:30', '2024-03-15T11:00:45.000Z'],
    ['2024-03-15T08:30:45', '2024-03-15T08:30:45.000Z'],
    ['0050-01-01', '0050-01-01T00:00:00.000Z'],
    ['1710491445', '2024-03-15T08:30:45.000Z'],
    ['1710491445.25', '2024-03-15T08:30:45.250Z'],
    ['2024', '1970-01-01T00:33:44.000Z'],
  ])('GIVEN %j WHEN parsed THEN it is the instant %s', (text, iso) => {
    expect(new Date(parseDate(text)).toISOString()).toBe(iso);
  });

  test.each([
    '', 'yesterday', '2024-13-01', '2024-00-10', '2023-02-29', '2024-04-31', '2024-01-01T24:00:00Z', '2024-01-01T10:60Z',
    '2024-01-01T10:00:60Z', '2024-01-01T10Z', '2024-01-01 10:00:00Z', '2024-01-01T10:00:00+0100', '2024-01-01T10:00:00+25:00',
    '2024-01-01T10:00:00.Z', '24-01-01', '2024/01/01', '-1', '1.', '.5', '1e9', '2024-01-01T10:00:00ZZ',
  ])('GIVEN %j WHEN parsed THEN it is not a date', (text) => {
    expect(parseDate(text)).toBeNaN();
  });
});
