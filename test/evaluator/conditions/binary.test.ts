import { check, Row, titled } from './helpers';
import { decodeBase64 } from '../../../src/evaluator/conditions/binary';

const KEY = 'example:BinaryKey';
const VALUE = 'QmluYXJ5VmFsdWVJbkJhc2U2NA=='; // "BinaryValueInBase64", the example of the operator page

describe('BinaryEquals (reference_policies_elements_condition_operators.md)', () => {
  const rows: Row[] = [
    ['BinaryEquals', VALUE, VALUE, true],
    ['BinaryEquals', VALUE, 'QmluYXJ5VmFsdWVJbkJhc2U2NA', true],
    ['BinaryEquals', 'QmluYXJ5VmFsdWVJbkJhc2U2NA', VALUE, true],
    ['BinaryEquals', VALUE, 'QmluYXJ5VmFsdWVJbkJhc2U2NQ==', false],
    ['BinaryEquals', VALUE, 'not base64!', false],
    ['BinaryEquals', VALUE, undefined, false],
    ['BinaryEquals', ['AAAA', VALUE], VALUE, true],
    ['BinaryEquals', '', '', true],
    ['BinaryEqualsIfExists', VALUE, undefined, true],
    ['BinaryEqualsIfExists', VALUE, 'AAAA', false],
  ];

  test.each(titled(KEY, rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, KEY, values, request)).toBe(expected);
  });
});

describe('decodeBase64', () => {
  test.each([
    ['', ''], ['QQ==', 'A'], ['QQ', 'A'], ['QUI=', 'AB'], ['QUI', 'AB'], ['QUJD', 'ABC'], ['/+8=', '\u00ff\u00ef'], [VALUE, 'BinaryValueInBase64'],
  ])('GIVEN %j WHEN decoded THEN the bytes are %j', (text, bytes) => {
    expect(decodeBase64(text)).toBe(bytes);
  });

  test.each(['Q', 'QQ=', 'Q===', '====', 'QQ==QQ==', 'Q Q=', 'QQ-_', 'ä'])('GIVEN %j WHEN decoded THEN it is not base-64', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });
});
