import { check, codes, compile, Row, titled } from './helpers';
import { parseCidr } from '../../../src/evaluator/conditions/ip';

const KEY = 'aws:SourceIp';

describe('IP address condition operators (reference_policies_elements_condition_operators.md)', () => {
  const rows: Row[] = [
    // IPv4 ranges
    ['IpAddress', '203.0.113.0/24', '203.0.113.7', true],
    ['IpAddress', '203.0.113.0/24', '203.0.113.255', true],
    ['IpAddress', '203.0.113.0/24', '203.0.114.1', false],
    ['IpAddress', '10.0.0.0/13', '10.7.255.255', true],
    ['IpAddress', '10.0.0.0/13', '10.8.0.0', false],
    ['IpAddress', '203.0.113.7/24', '203.0.113.200', true],
    // a bare address is /32
    ['IpAddress', '203.0.113.7', '203.0.113.7', true],
    ['IpAddress', '203.0.113.7', '203.0.113.8', false],
    ['IpAddress', '203.0.113.7/32', '203.0.113.7', true],
    // /0 covers its whole family, and only it
    ['IpAddress', '0.0.0.0/0', '198.51.100.1', true],
    ['IpAddress', '0.0.0.0/0', '255.255.255.255', true],
    ['IpAddress', '0.0.0.0/0', '2001:db8::1', false],
    ['IpAddress', '::/0', '2001:db8::1', true],
    ['IpAddress', '::/0', '198.51.100.1', false],
    // IPv6 ranges (the operator page's example range, upper case)
    ['IpAddress', '2001:DB8:1234:5678::/64', '2001:db8:1234:5678:abcd::1', true],
    ['IpAddress', '2001:DB8:1234:5678::/64', '2001:db8:1234:5679::1', false],
    ['IpAddress', '2001:db8::/32', '2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['IpAddress', '2001:db8::/33', '2001:db8:8000::1', false],
    ['IpAddress', '2001:db8::/33', '2001:db8:7fff::1', true],
    ['IpAddress', '2001:db8::1/128', '2001:db8::1', true],
    ['IpAddress', '2001:db8::1/128', '2001:db8::2', false],
    ['IpAddress', '2001:db8::1', '2001:db8:0:0:0:0:0:1', true],
    ['IpAddress', '::1', '::1', true],
    ['IpAddress', 'fe80::/10', 'febf::1', true],
    ['IpAddress', 'fe80::/10', 'fec0::1', false],
    ['IpAddress', '64:ff9b::/96', '64:ff9b::192.0.2.33', true],
    // IPv4-mapped IPv6 is the IPv4 address it maps, on both sides
    ['IpAddress', '203.0.113.0/24', '::ffff:203.0.113.9', true],
    ['IpAddress', '203.0.113.0/24', '::FFFF:203.0.114.9', false],
    ['IpAddress', '::ffff:203.0.113.0/120', '203.0.113.9', true],
    ['IpAddress', '::ffff:203.0.113.0/120', '203.0.114.9', false],
    ['IpAddress', '::ffff:cb00:7100/120', '203.0.113.9', true],
    // several values OR together, families mixed
    ['IpAddress', ['203.0.113.0/24', '2001:db8::/32'], '2001:db8::5', true],
    ['IpAddress', ['203.0.113.0/24', '2001:db8::/32'], '198.51.100.1', false],
    // request values that are not addresses match nothing
    ['IpAddress', '0.0.0.0/0', 'not-an-ip', false],
    ['IpAddress', '0.0.0.0/0', '203.0.113.7/32', false],
    ['IpAddress', '0.0.0.0/0', '010.0.0.1', false],
    ['IpAddress', '::/0', 'fe80::1%eth0', false],
    ['IpAddress', '0.0.0.0/0', undefined, false],
    // NotIpAddress
    ['NotIpAddress', '10.0.0.0/8', '10.1.1.1', false],
    ['NotIpAddress', '10.0.0.0/8', '11.0.0.1', true],
    ['NotIpAddress', ['10.0.0.0/8', '192.168.0.0/16'], '192.168.1.1', false],
    ['NotIpAddress', '10.0.0.0/8', 'not-an-ip', true],
    ['NotIpAddress', '10.0.0.0/8', undefined, true],
    ['NotIpAddress', '2001:db8::/32', '2001:db9::1', true],
    // IfExists
    ['IpAddressIfExists', '10.0.0.0/8', undefined, true],
    ['IpAddressIfExists', '10.0.0.0/8', '11.0.0.1', false],
    ['NotIpAddressIfExists', '10.0.0.0/8', '10.0.0.1', false],
  ];

  test.each(titled(KEY, rows))('%s', (_title, operator, values, request, expected) => {
    expect(check(operator, KEY, values, request)).toBe(expected);
  });

  test('GIVEN several conditions on the same address WHEN tested alternately THEN the parse cache never mixes them up', () => {
    expect(check('IpAddress', KEY, '2001:db8::/32', '2001:db8::1')).toBe(true);
    expect(check('IpAddress', KEY, '203.0.113.0/24', '203.0.113.1')).toBe(true);
    expect(check('IpAddress', KEY, '2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(check('IpAddress', KEY, '2001:db9::/32', '2001:db9::1')).toBe(true);
  });
});

describe('IP address values that do not parse', () => {
  test.each([
    '203.0.113.0/33', '256.1.1.1', '1.2.3', '1.2.3.4.5', '010.0.0.1', '1.2.3.4/', '1.2.3.4/024', '1.2.3.4/-1', '1.2.3.4/ 8', ' 1.2.3.4',
    '2001:db8::/129', '2001:db8:::1', '2001:db8::1::2', ':1::', '1::2:', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::1',
    '12345::1', '::ffff:1.2.3.4/129', '::ffff:1.2.3', '1.2.3.4::', '', 'abc', '*',
  ])('GIVEN IpAddress %j WHEN compiled THEN it is an invalid-condition-value error', (value) => {
    expect(parseCidr(value)).toBeUndefined();
    const { conditions, issues } = compile({ IpAddress: { [KEY]: value } });
    expect(conditions).toHaveLength(0);
    expect(codes(issues)).toEqual(['error:invalid-condition-value']);
    expect(issues[0].field).toBe(`Condition.IpAddress.${KEY}`);
  });

  test.each([
    ['0.0.0.0/0', 4], ['1.2.3.4', 4], ['::', 6], ['::/0', 6], ['1:2:3:4:5:6:7:8', 6], ['1:2:3:4:5:6:7::', 6], ['::2:3:4:5:6:7:8', 6],
    ['1:2:3:4:5:6:1.2.3.4', 6], ['::ffff:1.2.3.4', 4], ['::ffff:1.2.3.4/64', 6],
  ])('GIVEN %j WHEN parsed THEN it is an IPv%d range', (value, family) => {
    expect(parseCidr(value)?.family).toBe(family);
  });
});
