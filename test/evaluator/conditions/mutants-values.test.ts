/**
 * Boundary cases of the value parsers of the condition operators, added for the mutation run of
 * src/evaluator/conditions (docs/mutation-testing.md, issue 10). Every expected value is the documented format, not
 * what the code happens to return:
 * - dates: "one of the W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time"
 *   (reference_policies_elements_condition_operators.md, "Date condition operators"), W3C note "Date and Time Formats"
 *   (YYYY-MM-DDThh:mm:ss.sTZD, TZD = Z or +hh:mm or -hh:mm) on the Gregorian calendar;
 * - IP ranges: "the standard CIDR format (for example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64)", a bare address is
 *   "/32" (same page, "IP address condition operators"); IPv6 text per RFC 4291 section 2.2 (`::` stands for ONE OR
 *   MORE groups of zeros, a dotted-quad tail fills the last two groups);
 * - BinaryEquals: "a base-64 encoded representation of the binary value" (same page), RFC 4648 section 4 alphabet;
 * - Numeric: "an integer or decimal value" (same page).
 */
import { check, codes, compile, Row, titled } from './helpers';
import { decodeBase64 } from '../../../src/evaluator/conditions/binary';
import { parseDate } from '../../../src/evaluator/conditions/date';
import { parseCidr } from '../../../src/evaluator/conditions/ip';
import { parseNumber } from '../../../src/evaluator/conditions/numeric';

describe('dates: the Gregorian calendar and the W3C ISO 8601 profile', () => {
  test.each([
    // leap years: every 4th year, except centuries, except every 400th year
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['2400-02-29', '2400-02-29T00:00:00.000Z'],
    ['1900-02-28', '1900-02-28T00:00:00.000Z'],
    // the last day of each month length
    ['2024-01-31', '2024-01-31T00:00:00.000Z'],
    ['2023-02-28', '2023-02-28T00:00:00.000Z'],
    ['2024-03-31', '2024-03-31T00:00:00.000Z'],
    ['2024-06-30', '2024-06-30T00:00:00.000Z'],
    ['2024-09-30', '2024-09-30T00:00:00.000Z'],
    ['2024-11-30', '2024-11-30T00:00:00.000Z'],
    ['2024-12-31', '2024-12-31T00:00:00.000Z'],
    ['2024-12', '2024-12-01T00:00:00.000Z'],
    ['2024-01', '2024-01-01T00:00:00.000Z'],
    // the largest hour, minute and second, and both offset limits
    ['2024-01-01T23:59:59Z', '2024-01-01T23:59:59.000Z'],
    ['2024-01-01T23:59Z', '2024-01-01T23:59:00.000Z'],
    ['2024-01-02T00:00:00+23:59', '2024-01-01T00:01:00.000Z'],
    ['2024-01-01T00:00:00-00:59', '2024-01-01T00:59:00.000Z'],
    ['2024-01-01T10:00+01:00', '2024-01-01T09:00:00.000Z'],
    // fractions of a second: tenths, hundredths, and digits beyond milliseconds
    ['2024-01-01T00:00:00.5Z', '2024-01-01T00:00:00.500Z'],
    ['2024-01-01T00:00:00.05Z', '2024-01-01T00:00:00.050Z'],
    ['2024-01-01T00:00:00.0509Z', '2024-01-01T00:00:00.050Z'],
    ['2024-01-01T00:00:00.9+01:00', '2023-12-31T23:00:00.900Z'],
    // years of the first century, and year 100 (Date.UTC would shift 0-99 to 1900-1999)
    ['0000-01-01', '0000-01-01T00:00:00.000Z'],
    ['0099-12-31', '0099-12-31T00:00:00.000Z'],
    ['0100-03-01', '0100-03-01T00:00:00.000Z'],
    // epoch seconds, with a fraction
    ['0', '1970-01-01T00:00:00.000Z'],
    ['0.5', '1970-01-01T00:00:00.500Z'],
    ['86400', '1970-01-02T00:00:00.000Z'],
  ])('GIVEN %j WHEN parsed THEN it is the instant %s', (text, iso) => {
    expect(new Date(parseDate(text)).toISOString()).toBe(iso);
  });

  test.each([
    '1900-02-29', '2100-02-29', '2023-02-29', '2024-02-30', '2024-06-31', '2024-09-31', '2024-11-31', '2024-01-00', '2024-01-32',
    '2024-00', '2024-13', '2024-1', '2024-01-1', '2024-01/01', '2024-01-01T10-00Z', '2024-01-01T10:00:5Z', '2024-01-01T-1:00Z',
    '2024-01-01T10:00:00+24:00', '2024-01-01T10:00:00+01:60', '2024-01-01T10:00:00+01-00', '2024-01-01T10:00:00+01:00x',
    '2024-01-01T10:00:00+1:00', '2024-01-01T10:00:00Zx', '2024-01-01T10:00:00.', '2024-01-01T', '2024-01-01X10:00Z', '2024x',
    '1.2.3', '1..2', '12a', 'a12', '1 2',
  ])('GIVEN %j WHEN parsed THEN it is not a date', (text) => {
    expect(parseDate(text)).toBeNaN();
  });

  test('GIVEN a time with a fraction but no zone designator WHEN parsed THEN it is read as UTC ([choice] of date.ts)', () => {
    expect(new Date(parseDate('2024-01-01T10:00:00.25')).toISOString()).toBe('2024-01-01T10:00:00.250Z');
  });

  test('GIVEN two date values parsed in turn WHEN the first is parsed again THEN the one-entry cache returns its own value', () => {
    expect(new Date(parseDate('2024-05-05')).toISOString()).toBe('2024-05-05T00:00:00.000Z');
    expect(new Date(parseDate('2025-06-06')).toISOString()).toBe('2025-06-06T00:00:00.000Z');
    expect(new Date(parseDate('2024-05-05')).toISOString()).toBe('2024-05-05T00:00:00.000Z');
  });
});

describe('dates: the ambiguous-date-value warning', () => {
  test.each([
    // four digits or fewer: a year written as epoch seconds
    ['1234', 'date value "1234" is read as epoch seconds (1970-01-01T00:20:34.000Z), not as a year; write `1234-01-01T00:00:00Z` if you meant the year'],
    ['99', 'date value "99" is read as epoch seconds (1970-01-01T00:01:39.000Z), not as a year; write `0099-01-01T00:00:00Z` if you meant the year'],
    // from 1e11 seconds (year 5138) on: milliseconds written where seconds are meant
    ['100000000000', 'date value "100000000000" is read as epoch seconds, which is far in the future; it looks like epoch milliseconds: divide it by 1000'],
  ])('GIVEN DateGreaterThan %j WHEN compiled THEN the warning says: %s', (value, message) => {
    const { conditions, issues } = compile({ DateGreaterThan: { 'aws:CurrentTime': value } });
    expect(codes(issues)).toEqual(['warning:ambiguous-date-value']);
    expect(issues[0].message).toBe(message);
    expect(issues[0].field).toBe('Condition.DateGreaterThan.aws:CurrentTime');
    expect(conditions).toHaveLength(1);
  });

  test.each(['12345', '99999999999', '99999999999.9', '2024-01-01', '2024-01'])(
    'GIVEN DateGreaterThan %j WHEN compiled THEN there is no warning', (value) => {
      expect(compile({ DateGreaterThan: { 'aws:CurrentTime': value } }).issues).toEqual([]);
    });

  test('GIVEN an ambiguous value in a list WHEN compiled THEN the warning points at its element', () => {
    const { issues } = compile({ DateLessThan: { 'aws:CurrentTime': ['2024-01-01', '2020'] } });
    expect(codes(issues)).toEqual(['warning:ambiguous-date-value']);
    expect(issues[0].field).toBe('Condition.DateLessThan.aws:CurrentTime[1]');
  });
});

describe('dates: comparisons with several policy values OR together (reference_policies_multi-value-conditions.md)', () => {
  const rows: Row[] = [
    ['DateLessThan', ['2024-01-01', '2026-01-01'], '2025-01-01', true],
    ['DateLessThan', ['2026-01-01', '2024-01-01'], '2025-01-01', true],
    ['DateLessThanEquals', ['2024-01-01', '2025-01-01'], '2025-01-01', true],
    ['DateLessThanEquals', ['2024-01-01', '2025-01-01'], '2025-01-02', false],
    ['DateGreaterThan', ['2026-01-01', '2024-01-01'], '2025-01-01', true],
    ['DateGreaterThan', ['2024-01-01', '2026-01-01'], '2025-01-01', true],
    ['DateGreaterThanEquals', ['2026-01-01', '2025-01-01'], '2025-01-01', true],
    ['DateGreaterThanEquals', ['2026-01-01', '2025-01-01'], '2024-12-31', false],
    ['DateEquals', ['2024-01-01', '2025-01-01'], '2024-06-01', false],
    ['DateNotEquals', ['2024-01-01', '2025-01-01'], '2025-01-01', false],
  ];

  test.each(titled('aws:CurrentTime', rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, 'aws:CurrentTime', values, request)).toBe(expected);
  });
});

describe('numbers: "an integer or decimal value"', () => {
  test.each([['1e+2', 100], ['1e-0', 1], ['-1E+1', -10], ['0.0', 0], ['007', 7], ['+.5', 0.5], ['-5.', -5], ['1.5e1', 15]])(
    'GIVEN %j WHEN parsed THEN it is %d', (text, expected) => {
      expect(parseNumber(text)).toBe(expected);
    });

  test.each(['1e+', '1e-', '+', '+-1', '1e1.5', '1.5.', '1x', 'x1', '1e1e1', '١', '+e1', '.e1'])('GIVEN %j WHEN parsed THEN it is not a number', (text) => {
    expect(parseNumber(text)).toBeNaN();
  });

  const rows: Row[] = [
    ['NumericLessThan', ['10', '5'], '7', true],
    ['NumericLessThanEquals', ['5', '10'], '10', true],
    ['NumericLessThanEquals', ['5', '10'], '11', false],
    ['NumericGreaterThan', ['10', '20'], '15', true],
    ['NumericGreaterThanEquals', ['20', '10'], '10', true],
    ['NumericGreaterThanEquals', ['20', '10'], '9', false],
    ['NumericGreaterThan', '10', 'ten', false],
    ['NumericLessThan', '10', 'ten', false],
  ];

  test.each(titled('kms:ScheduleKeyDeletionPendingWindowInDays', rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, 'kms:ScheduleKeyDeletionPendingWindowInDays', values, request)).toBe(expected);
  });
});

describe('IP addresses: CIDR ranges, /32 by default, RFC 4291 IPv6 text', () => {
  const rows: Row[] = [
    // the prefix boundaries of IPv4
    ['IpAddress', '203.0.113.6/31', '203.0.113.7', true],
    ['IpAddress', '203.0.113.6/31', '203.0.113.8', false],
    ['IpAddress', '203.0.113.6/31', '203.0.113.5', false],
    ['IpAddress', '128.0.0.0/1', '255.0.0.1', true],
    ['IpAddress', '128.0.0.0/1', '127.255.255.255', false],
    ['IpAddress', '10.0.0.0/8', '10.255.255.255', true],
    ['IpAddress', '10.0.0.0/8', '9.255.255.255', false],
    ['IpAddress', '0.0.0.0', '0.0.0.0', true],
    ['IpAddress', '255.255.255.255/32', '255.255.255.255', true],
    // the prefix boundaries of IPv6: whole groups and part groups
    ['IpAddress', '2001:db8::/16', '2001:ffff::1', true],
    ['IpAddress', '2001:db8::/16', '2002::1', false],
    ['IpAddress', '2001:db8:1234::/48', '2001:db8:1234:ffff::1', true],
    ['IpAddress', '2001:db8:1234::/48', '2001:db8:1235::1', false],
    ['IpAddress', '2001:db8::/31', '2001:db9::1', true],
    ['IpAddress', '2001:db8::/31', '2001:dba::1', false],
    ['IpAddress', '2001:db8::/127', '2001:db8::1', true],
    ['IpAddress', '2001:db8::/127', '2001:db8::2', false],
    ['IpAddress', '2001:db8::8000/113', '2001:db8::ffff', true],
    ['IpAddress', '2001:db8::8000/113', '2001:db8::7fff', false],
    ['IpAddress', '2001:db8::1:0:0:1', '2001:db8:0:0:1::1', true],
    ['IpAddress', '2001:DB8::ABCD', '2001:db8::abcd', true],
    ['IpAddress', '::/0', '::', true],
    ['IpAddress', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8', true],
    ['IpAddress', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:9', false],
    ['IpAddress', '1::8', '1:0:0:0:0:0:0:8', true],
    ['IpAddress', '1::8', '1:0:0:0:0:0:8:0', false],
    ['IpAddress', '1:2:3:4:5:6::', '1:2:3:4:5:6:0:0', true],
    ['IpAddress', '1:2:3:4:5:6::/112', '1:2:3:4:5:6:0:ffff', true],
    ['IpAddress', '1:2:3:4:5:6::/112', '1:2:3:4:5:6:1:0', false],
    // a dotted-quad tail is the last two groups
    ['IpAddress', '64:ff9b::c000:221', '64:ff9b::192.0.2.33', true],
    ['IpAddress', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304', true],
    // an IPv4-mapped range of /96 or more is an IPv4 range (n - 96), a shorter one an IPv6 range
    ['IpAddress', '::ffff:0.0.0.0/96', '198.51.100.7', true],
    ['IpAddress', '::ffff:203.0.113.7', '203.0.113.7', true],
    ['IpAddress', '::ffff:203.0.113.7', '203.0.113.8', false],
    ['IpAddress', '::ffff:203.0.113.0/121', '203.0.113.127', true],
    ['IpAddress', '::ffff:203.0.113.0/121', '203.0.113.128', false],
    ['IpAddress', '::fffe:0.0.0.0/96', '198.51.100.7', false],
    ['IpAddress', '::fffe:0.0.0.0/96', '::fffe:c633:6407', true],
    ['IpAddress', '::ffff:0.0.0.0/95', '::fffe:c633:6407', true],
    ['IpAddress', '::ffff:0.0.0.0/95', '198.51.100.7', false],
    // request values that are not addresses
    ['IpAddress', '::/0', '1:2:3:4:5:6:7:8:9', false],
    ['IpAddress', '::/0', '::1::', false],
    ['IpAddress', '0.0.0.0/0', '1.2.3.4.', false],
    ['IpAddress', '0.0.0.0/0', '1.2.3', false],
    ['IpAddress', '0.0.0.0/0', '1.2.3.1000', false],
    ['IpAddress', '0.0.0.0/0', '', false],
    ['NotIpAddress', '::/0', '::1::', true],
  ];

  test.each(titled('aws:SourceIp', rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, 'aws:SourceIp', values, request)).toBe(expected);
  });

  test.each([
    '1:2:3:4:5:6:7:1.2.3.4', '1:2:3:4::5:6:7:8', '::1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8::', '1:2:3:4:5:6:7:8:', ':1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::8',
    '1::2::3', '1.2.3.4/33', '::/129', '1.2.3.4/1000', '1.2.3.4/01', '1:2:3:4:5:6:7:8/-0', '01.2.3.4', '1.2.3.04', '1.2.3.256', '1.2.3.4 ',
    '::ffff:1.2.3.4.5', '::ffff:256.1.1.1', '1:2:3:4:5:6:7:g', '1:2:3:4:5:6:7:10000',
  ])('GIVEN the policy value %j WHEN parsed THEN it is not a CIDR range', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  test.each([
    ['::ffff:1.2.3.4/96', 4], ['::ffff:1.2.3.4/95', 6], ['::ffff:1.2.3.4/128', 4], ['1.2.3.4/32', 4], ['1.2.3.4/0', 4], ['1::/128', 6],
    ['1:2:3:4:5:6:7::/0', 6], ['::1.2.3.4', 6],
  ])('GIVEN %j WHEN parsed THEN it is an IPv%d range', (text, family) => {
    expect(parseCidr(text)?.family).toBe(family);
  });

  test('GIVEN a request address already parsed WHEN a new IPv6 policy range is compiled in between THEN the address is parsed afresh', () => {
    // Compiling a range reuses the parser's buffer: the one-entry cache of the request value must be dropped.
    expect(check('IpAddress', 'aws:SourceIp', '2001:db8:aaaa::/48', '2001:db8:aaaa::1')).toBe(true);
    expect(check('IpAddress', 'aws:SourceIp', '2001:db8:bbbb::/48', '2001:db8:aaaa::1')).toBe(false);
    expect(check('NotIpAddress', 'aws:SourceIp', '2001:db8:cccc::/48', '2001:db8:aaaa::1')).toBe(true);
  });
});

describe('base-64 (RFC 4648 section 4)', () => {
  test('GIVEN the whole alphabet WHEN decoded THEN each character is its six bits, in order', () => {
    // 64 characters = 48 bytes; the sextets 0..63 in order give the bytes 00 10 83 10 51 87 20 92 8b 30 d3 8f ...
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const expected: number[] = [];
    for (let i = 0; i < 64; i += 4) {
      const n = i * 262144 + (i + 1) * 4096 + (i + 2) * 64 + (i + 3);
      expected.push(Math.floor(n / 65536), Math.floor(n / 256) % 256, n % 256);
    }
    const decoded = decodeBase64(alphabet);
    expect(decoded).toBeDefined();
    expect(Array.from(decoded!, (c) => c.charCodeAt(0))).toEqual(expected);
    expect(expected.slice(0, 6)).toEqual([0x00, 0x10, 0x83, 0x10, 0x51, 0x87]);
  });

  test.each([
    ['AAAA', [0, 0, 0]], ['////', [255, 255, 255]], ['Zz09', [0x67, 0x3d, 0x3d]], ['YQ==', [0x61]], ['YWI=', [0x61, 0x62]], ['9w', [0xf7]],
  ])('GIVEN %j WHEN decoded THEN the bytes are %j', (text, bytes) => {
    expect(Array.from(decodeBase64(text)!, (c) => c.charCodeAt(0))).toEqual(bytes);
  });

  // The characters just outside each range of the alphabet: @ [ ` { and / : (around 0-9 and +/), and - _ of base64url.
  test.each(['QQ@@', 'QQ[[', 'QQ``', 'QQ{{', 'QQ::', 'QQ**', 'QQ,,', 'QQ..', 'QQ-_', 'QQ=A', 'QQ=', 'Q=='])('GIVEN %j WHEN decoded THEN it is not base-64', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });

  const rows: Row[] = [
    ['BinaryEquals', 'YWI=', 'YWI', true],
    ['BinaryEquals', 'YWI', 'YWI=', true],
    ['BinaryEquals', 'YWI=', 'YWM=', false],
    ['BinaryEquals', 'YWI=', 'YQ==', false],
    ['BinaryEquals', ['YQ==', 'YWI='], 'YWI', true],
    ['BinaryEquals', 'YWI=', 'YW@=', false],
  ];

  test.each(titled('example:BinaryKey', rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, 'example:BinaryKey', values, request)).toBe(expected);
  });
});
