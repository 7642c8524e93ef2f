/**
 * Cases added for the mutation run of `ip.ts`, `date.ts`, `condition-keys.ts` and `types.ts`
 * (docs/mutation-testing.md, "src/evaluator/conditions, part 4"; issue 10).
 *
 * Semantics cited:
 * - reference_policies_elements_condition_operators.md, "IP address condition operators": IpAddress / NotIpAddress take
 *   "the standard CIDR format (for example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64)"; an address without prefix is
 *   "/32"; IPv6 text per RFC 4291 section 2.2. "Date condition operators": "one of the W3C implementations of the ISO
 *   8601 date formats or in epoch (UNIX) time". A positive operator on a value that is not of its type never matches,
 *   the negated one always does (the negated operator is the complement, same page).
 * - conditions-kms.md and conditions-aws.md (KMS developer guide) with kms-actions.json: which actions carry which
 *   condition key; reference_policies_condition-keys.md: the AWS global keys.
 *
 * The perTest blind spot (docs/mutation-testing.md): compiled conditions are cached by operator, key and values, the
 * IP and date parsers remember the last request value, and `actionsWithKey` memoises by the key as written. Every row
 * below therefore compiles a condition of its own (a fresh key) or asks about a key spelling of its own.
 */
import { check, codes, compile } from './helpers';
import { actionsWithKey, hasBit, isAwsOrKmsKey, isKnownConditionKey, nearestConditionKey } from '../../../src/evaluator/conditions/condition-keys';
import { parseDate } from '../../../src/evaluator/conditions/date';
import { parseCidr } from '../../../src/evaluator/conditions/ip';
import { ALL_KMS_ACTIONS } from '../../../src/policy/catalogue';

/** A fresh key per call, so that no two rows share a compiled condition. */
let counter = 0;
function freshKey(prefix = 'example:part4-'): string {
  counter += 1;
  return `${prefix}${counter}`;
}

/** The actions set in a bit set over catalogue positions, by name. */
function actionNames(bits: Uint32Array | null): string[] | null {
  return bits === null ? null : ALL_KMS_ACTIONS.filter((_, i) => hasBit(bits, i));
}

const DATA_KEY_ACTIONS = [
  'kms:CreateGrant', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo',
  'kms:RetireGrant',
];
const TAGGING_ACTIONS = ['kms:CreateKey', 'kms:TagResource', 'kms:UntagResource'];
const ATTESTATION_ACTIONS = ['kms:Decrypt', 'kms:DeriveSharedSecret', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:GenerateRandom'];

describe('condition-keys.ts: which keys exist (conditions-kms.md, conditions-aws.md)', () => {
  test.each([
    ['kms:CallerAccount', true],
    ['KMS:CALLERACCOUNT', true],
    ['aws:SourceIp', true],
    ['aws:UserAgent', true],
    // a family member needs a name after the prefix
    ['kms:EncryptionContext:AppName', true],
    ['kms:EncryptionContext:', false],
    ['aws:PrincipalTag/team', true],
    ['aws:PrincipalTag/', false],
    ['kms:RecipientAttestation:PCR7', true],
    ['kms:CallerAccounts', false],
    ['kms:EncryptionContextApp', false],
    ['s3:prefix', false],
    ['', false],
  ])('GIVEN the key %j WHEN asked whether it is known THEN the answer is %s', (key, known) => {
    expect(isKnownConditionKey(key)).toBe(known);
  });

  test.each([
    ['aws:SourceIp', true], ['AWS:x', true], ['kms:ViaService', true], ['Kms:x', true], ['kms:', true],
    ['s3:prefix', false], ['awsx:x', false], ['aws', false], ['kms', false], ['ec2:Region', false], ['', false],
  ])('GIVEN the key %j WHEN asked whether it is an aws: or kms: key THEN the answer is %s', (key, expected) => {
    expect(isAwsOrKmsKey(key)).toBe(expected);
  });
});

describe('condition-keys.ts: the nearest known key', () => {
  test.each([
    // an exact key, case-insensitive, answered as AWS spells it
    ['aws:sourceip', 'aws:SourceIp'],
    // distance allowed: a quarter of the length, at least 1, at most 3
    ['aws:Refrer', 'aws:Referer'],
    ['aws:Rfrer', 'aws:Referer'],
    ['aws:Rfrr', undefined],
    ['kms:ViaSrvce', 'kms:ViaService'],
    ['kms:VaSrvce', undefined],
    ['kms:SchduleKeyDeltionPendingWindowInDys', 'kms:ScheduleKeyDeletionPendingWindowInDays'],
    ['kms:SchduleKeyDeltionPendngWindowInDys', undefined],
    // nothing close
    ['aws:xyzw', undefined],
    ['x', undefined],
    // a family by its prefix: the prefix as AWS spells it, the member as written
    ['KMS:EncryptionContex:MyApp', 'kms:EncryptionContext:MyApp'],
    ['aws:RequestTg/Env', 'aws:RequestTag/Env'],
    ['aws:RqustTg/Env', 'aws:RequestTag/Env'],
    ['aws:ResourceTagg/Team', 'aws:ResourceTag/Team'],
    // the prefix's own distance: at most 3 however long the prefix (kms:EncryptionContext: is 22 characters)
    ['kms:EncrptinContxt:x', 'kms:EncryptionContext:x'],
    ['kms:EcrptinContxt:x', undefined],
    // a family prefix with no member name, or the wrong separator, names no key
    ['kms:EncryptionContextt:', undefined],
    ['kms:EncryptionContex:', undefined],
    ['aws:ResourceTag:Team', undefined],
    ['aws:ResourceTag/', undefined],
    // an invisible character: the visible key when that is known, spelled as AWS does (a family member of the PCR
    // family, which the edit distance would have sent to the exact key kms:RecipientAttestation:PCR3)
    ['kms:Recipientattestation:pcr32\u200b', 'kms:RecipientAttestation:PCR32'],
    ['aws:RequestTag/Env\u200b', 'aws:RequestTag/Env'],
    ['kms:calleraccount\u200b', 'kms:CallerAccount'],
    ['\u200b', undefined],
  ])('GIVEN the unknown key %j WHEN the nearest known key is asked THEN it is %j', (key, nearest) => {
    expect(nearestConditionKey(key)).toBe(nearest);
  });

  test('GIVEN a misspelt aws: key in a key policy WHEN compiled THEN the warning names the nearest key', () => {
    const { issues } = compile({ StringEquals: { 'aws:Rfrer': 'https://example.com/*' } }, { policyKind: 'key' });
    expect(codes(issues)).toEqual(['warning:unknown-condition-key']);
    expect(issues[0].message).toBe('condition key `aws:Rfrer` is not one that AWS KMS requests carry, so it is absent from every request: ' +
      'a positive operator on it never matches, and a negated operator or `...IfExists` always does, whatever the request. ' +
      'did you mean `aws:Referer`?');
  });
});

describe('condition-keys.ts: the actions a key exists for (kms-actions.json, conditions-kms.md)', () => {
  test.each([
    ['kms:GrantOperations', ['kms:CreateGrant']],
    ['KMS:GRANTOPERATIONS', ['kms:CreateGrant']],
    ['kms:ExpirationModel', ['kms:ImportKeyMaterial']],
    ['kms:WrappingAlgorithm', ['kms:GetParametersForImport']],
    ['kms:EncryptionContextKeys', DATA_KEY_ACTIONS],
    ['kms:EncryptionContext:AppName', DATA_KEY_ACTIONS],
    ['Kms:encryptioncontext:Department', DATA_KEY_ACTIONS],
    ['kms:RecipientAttestation:ImageSha384', ATTESTATION_ACTIONS],
    ['kms:RecipientAttestation:PCR31', ATTESTATION_ACTIONS],
    // the tag keys are the aws: keys that only some actions carry
    ['aws:TagKeys', TAGGING_ACTIONS],
    ['aws:RequestTag/Env', TAGGING_ACTIONS],
    ['AWS:requesttag/Owner', TAGGING_ACTIONS],
  ])('GIVEN the key %j WHEN the actions that carry it are asked THEN they are %j', (key, actions) => {
    expect(actionNames(actionsWithKey(key))).toEqual(actions);
  });

  test('GIVEN aws:ResourceTag/<k> WHEN the actions that carry it are asked THEN they are the actions on a key, not the custom-key-store or list actions', () => {
    const actions = actionNames(actionsWithKey('aws:ResourceTag/CostCenter'))!;
    expect(actions).toContain('kms:Decrypt');
    expect(actions).toContain('kms:VerifyMac'); // the last action of the catalogue: a position in the second word
    expect(actions).toContain('kms:SynchronizeMultiRegionKey');
    expect(actions).not.toContain('kms:CreateCustomKeyStore');
    expect(actions).not.toContain('kms:ListKeys');
    expect(actions).not.toContain('kms:GenerateRandom');
  });

  test.each([
    // global keys every request may carry
    'aws:SourceIp', 'aws:PrincipalArn', 'aws:CurrentTime', 'aws:PrincipalTag/team',
    // keys of other services, and unknown keys
    's3:prefix', 'kms:NoSuchKey', 'aws:NoSuchKey', 'aws:RequestTagx',
  ])('GIVEN the key %j WHEN the actions that carry it are asked THEN there is no action set (no applicability warning)', (key) => {
    expect(actionsWithKey(key)).toBeNull();
  });

  test('GIVEN the same key asked twice WHEN the actions are asked again THEN the memoised answer is the same set', () => {
    const first = actionsWithKey('kms:ReplicaRegion');
    expect(actionNames(first)).toEqual(['kms:ReplicateKey']);
    expect(actionsWithKey('kms:ReplicaRegion')).toBe(first);
  });

  test('GIVEN a bit set WHEN positions are tested THEN each bit of each 32-bit word is its own position', () => {
    const bits = new Uint32Array([0x80000001, 0x00000002]);
    const set = [];
    for (let i = 0; i < 64; i++) if (hasBit(bits, i)) set.push(i);
    expect(set).toEqual([0, 31, 33]);
  });
});

/** `check` on a key of its own, so the row compiles its condition itself (and parses its request value afresh). */
function checkFresh(operator: string, values: unknown, request: string | undefined): boolean {
  return check(operator, freshKey(), values, request);
}

describe('ip.ts: IPv6 hex digits (RFC 4291 section 2.2: "x" is one to four hexadecimal digits, either case)', () => {
  test.each([
    // the ends of each range of hex digits, either case
    ['IpAddress', '2001:db8::/32', '2001:DB8:FFFF::F', true],
    ['IpAddress', '2001:db8:f::/48', '2001:db8:F::1', true],
    ['IpAddress', '2001:db8:a::/48', '2001:db8:A::1', true],
    ['IpAddress', '2001:db8:F0F0::/48', '2001:db8:f0f0::9', true],
    ['IpAddress', '2001:db8:90::/48', '2001:db8:90::1', true],
    ['IpAddress', '2001:db8:90::/48', '2001:db8:91::1', false],
    ['IpAddress', '::/0', '2001:db8::0', true],
    // the characters just outside the ranges: / : @ G ` g
    ['IpAddress', '::/0', '2001:db8::@', false],
    ['IpAddress', '::/0', '2001:db8::G', false],
    ['IpAddress', '::/0', '2001:db8::`', false],
    ['IpAddress', '::/0', '2001:db8::g', false],
    ['NotIpAddress', '::/0', '2001:db8::G', true],
  ] as const)('GIVEN %s %j WHEN the request has %j THEN the condition is %s', (operator, value, request, expected) => {
    expect(checkFresh(operator, value, request)).toBe(expected);
  });

  test.each(['2001:db8::@', '2001:db8::G', '2001:db8::`', '2001:db8::g', '2001:db8::/:', 'F:F:F:F:F:F:F:G'])(
    'GIVEN the policy value %j WHEN parsed THEN it is not a CIDR range', (text) => {
      expect(parseCidr(text)).toBeUndefined();
    });
});

describe('ip.ts: IPv4-mapped addresses are ::ffff:a.b.c.d and nothing else (RFC 4291 section 2.5.5.2)', () => {
  // Each row sets one of the first five groups, which must all be zero for a mapped address: such an address is an
  // IPv6 address, not the IPv4 address of its last 32 bits.
  test.each([
    ['1::ffff:203.0.113.7'], ['0:1::ffff:203.0.113.7'], ['0:0:1::ffff:203.0.113.7'], ['0:0:0:1::ffff:203.0.113.7'],
    ['0:0:0:0:1:ffff:203.0.113.7'],
  ])('GIVEN the request %j WHEN tested against an IPv4 range THEN it is not in it, and it is in ::/0', (request) => {
    expect(checkFresh('IpAddress', '203.0.113.0/24', request)).toBe(false);
    expect(checkFresh('NotIpAddress', '203.0.113.0/24', request)).toBe(true);
    expect(checkFresh('IpAddress', '::/0', request)).toBe(true);
  });

  test.each([
    ['1::ffff:203.0.113.7/120'], ['0:1::ffff:203.0.113.7/120'], ['0:0:1::ffff:203.0.113.7/120'], ['0:0:0:1::ffff:203.0.113.7/120'],
    ['0:0:0:0:1:ffff:203.0.113.7/120'],
  ])('GIVEN the policy range %j WHEN parsed THEN it is an IPv6 range that no IPv4 address is in', (range) => {
    expect(parseCidr(range)?.family).toBe(6);
    expect(checkFresh('IpAddress', range, '203.0.113.7')).toBe(false);
  });

  test('GIVEN ::ffff:0:0/96 written in hex WHEN tested THEN it is every IPv4 address', () => {
    expect(checkFresh('IpAddress', '::ffff:0:0/96', '198.51.100.7')).toBe(true);
    expect(checkFresh('IpAddress', '::FFFF:0:0/96', '0.0.0.0')).toBe(true);
  });
});

describe('ip.ts: prefixes and request values', () => {
  test.each([
    // dotted-quad: four decimal octets separated by dots, none empty, none beyond 9 (RFC 4291 2.2 for the tail too)
    '1x2x3x4', '1-2-3-4', '192.0.2,1', '1..2.3', '.1.2.3', '1.2.3.', '1.2..3', '1.2.3.a', '1.2.3.4a', '1.2.3.;',
    // IPv6: groups separated by colons only; a single leading colon is not `::`; no zone index
    '2001-db8::1', 'fe80::1%2', ':12:3:4:5:6:7:8', ':ab:1', '::ffff:1x2x3x4',
  ])('GIVEN the value %j WHEN parsed as a policy value or tested as a request THEN it is no address', (text) => {
    expect(parseCidr(text)).toBeUndefined();
    expect(checkFresh('IpAddress', ['0.0.0.0/0', '::/0'], text)).toBe(false);
    expect(checkFresh('NotIpAddress', ['0.0.0.0/0', '::/0'], text)).toBe(true);
  });

  test.each(['1.2.3.4/x8', '1.2.3.4/8x', '1.2.3.4/8/8', '1.2.3.4//8', '2001:db8::/x', '2001:db8::/64 ', '1.2.3.4/1e1', '1.2.3.4/0x8'])(
    'GIVEN the policy value %j WHEN compiled THEN it is an invalid-condition-value error, not a range that matches nothing', (value) => {
      expect(parseCidr(value)).toBeUndefined();
      const { conditions, issues } = compile({ NotIpAddress: { [freshKey()]: value } });
      expect(conditions).toHaveLength(0);
      expect(codes(issues)).toEqual(['error:invalid-condition-value']);
    });

  test.each([
    ['IpAddress', '0.0.0.0/32', '0.0.0.0', true],
    ['IpAddress', '0.0.0.0/32', '0.0.0.1', false],
    ['IpAddress', '192.0.2.0/25', '192.0.2.127', true],
    ['IpAddress', '192.0.2.0/25', '192.0.2.128', false],
    ['IpAddress', '::/128', '::', true],
    ['IpAddress', '::/128', '::1', false],
    ['IpAddress', '2001:db8::/112', '2001:db8::ffff', true],
    ['IpAddress', '2001:db8::/112', '2001:db8::1:0', false],
    ['IpAddress', '2001:db8::/96', '2001:db8::ffff:ffff', true],
    ['IpAddress', '2001:db8::/96', '2001:db8::1:0:0', false],
    ['IpAddress', ['198.51.100.0/24', '203.0.113.0/24'], '203.0.113.1', true],
    ['IpAddress', ['2001:db8:1::/48', '2001:db8:2::/48'], '2001:db8:2::1', true],
    ['NotIpAddress', ['2001:db8:1::/48', '2001:db8:2::/48'], '2001:db8:3::1', true],
    ['NotIpAddress', ['2001:db8:1::/48', '2001:db8:2::/48'], '2001:db8:2::1', false],
  ] as const)('GIVEN %s %j WHEN the request has %j THEN the condition is %s', (operator, value, request, expected) => {
    expect(checkFresh(operator, value, request)).toBe(expected);
  });
});

describe('date.ts: the W3C ISO 8601 profile and epoch seconds', () => {
  test.each([
    // every field is digits: YYYY, MM, DD, hh, mm, ss and the offset's hh:mm
    'abcd-01-01', 'x024-01-01', '202x-01-01', '2024/01', '2024x01-01', '2024-01-01T10:a0Z', '2024-01-01T10:-1Z', '2024-01-01T10:0aZ',
    '2024-01-01T10:00:00+a1:00', '2024-01-01T10:00:00+-1:00', '2024-01-01T10:00:00+01:a0', '2024-01-01T10:00:00+01:-1',
    '2024-01-01T1a:00Z', '2024-01-01T10:00:a0Z', '\uff12\uff10\uff12\uff14-01-01',
    // the characters after 9 (: ;) are no digits
    '2024-01-01T0::00Z', '2024-01-0;', '2024-0;-01', '2024-01-01T10:0;Z', '2024-01-01T10:00:0;Z', '2024-01-01T10:00:00+0;:00',
    // the zone designator is Z, z, +hh:mm or -hh:mm and nothing else
    '2024-01-01T10:00:00X', '2024-01-01T10:00Y', '2024-01-01T10:00:00x01:00', '2024-01-01T10:00:00 01:00',
  ])('GIVEN %j WHEN parsed THEN it is not a date', (text) => {
    expect(parseDate(text)).toBeNaN();
  });

  test.each(['yesterday', '2024-02-30', '1e9', '2024-01-01T10:00:00+01:60'])(
    'GIVEN DateLessThan %j WHEN compiled THEN it is an invalid-condition-value error and the condition is dropped', (value) => {
      const key = freshKey('example:time-');
      const { conditions, issues } = compile({ DateLessThan: { [key]: ['2024-01-01', value] } });
      expect(conditions).toHaveLength(0);
      expect(codes(issues)).toEqual(['error:invalid-condition-value']);
      expect(issues[0].field).toBe(`Condition.DateLessThan.${key}[1]`);
      expect(issues[0].message).toBe(`\`DateLessThan\` on \`${key}\` cannot use the value ${JSON.stringify(value)}; expected an ISO 8601 date such as ` +
        '`2024-01-31`, `2024-01-31T12:00:00Z` or `2024-01-31T12:00:00+01:00`, or epoch seconds such as `1706702400`');
    });

  test.each([
    // a far-future ISO date is not epoch milliseconds: no warning
    '9999-12-31T23:59:59Z', '5200-01-01', '2024-01-01T00:00:00.123456Z',
  ])('GIVEN DateLessThan %j WHEN compiled THEN there is no ambiguous-date-value warning', (value) => {
    const { conditions, issues } = compile({ DateLessThan: { [freshKey('example:time-')]: value } });
    expect(conditions).toHaveLength(1);
    expect(issues.filter((i) => i.code === 'ambiguous-date-value')).toEqual([]);
  });

  test.each([
    ['DateEquals', '2024-06-30T12:00:00+05:30', '2024-06-30T06:30:00Z', true],
    ['DateEquals', '2024-06-30T12:00:00-05:30', '2024-06-30T17:30:00Z', true],
    ['DateEquals', '2024-06-30T12:00:00.250Z', '2024-06-30T12:00:00.25Z', true],
    ['DateLessThan', '2024-06-30T12:00:00.250Z', '2024-06-30T12:00:00.249Z', true],
    ['DateLessThan', '2024-06-30T12:00:00.250Z', '2024-06-30T12:00:00.250Z', false],
    ['DateGreaterThan', '1719748800', '2024-06-30T12:00:00.001Z', true],
    ['DateGreaterThanEquals', '1719748800', '2024-06-30T11:59:59.999Z', false],
    ['DateNotEquals', '2024-06-30', 'not a date', true],
    ['DateEquals', '2024-06-30', 'not a date', false],
  ] as const)('GIVEN %s %j WHEN the request has %j THEN the condition is %s', (operator, value, request, expected) => {
    expect(check(operator, freshKey('example:time-'), value, request)).toBe(expected);
  });
});
