/**
 * IP address condition operators (reference_policies_elements_condition_operators.md, "IP address condition
 * operators"): IpAddress and NotIpAddress compare a key (aws:SourceIp) with IPv4 or IPv6 CIDR ranges "in the standard
 * CIDR format (for example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64)". "If you specify an IP address without the
 * associated routing prefix, IAM uses the default prefix value of /32" (for IPv6, the full /128). Policy variables are
 * not allowed.
 *
 * Strict parsing, policy and request side alike: dotted-quad IPv4 without leading zeros (`010.0.0.1` is refused: some
 * parsers read it as octal), IPv6 per RFC 4291 section 2.2 with `::` compression and an optional dotted-quad tail, hex
 * in any case, no zone index (`%eth0`). A CIDR whose address has host bits set (`203.0.113.7/24`) covers the
 * network it names.
 * [choice] IPv4-mapped IPv6 addresses (`::ffff:203.0.113.7`) are the IPv4 address they map, on both sides: a policy
 * range `::ffff:203.0.113.0/120` is `203.0.113.0/24`. Otherwise the families never mix: `::/0` covers every IPv6 address
 * and no IPv4 address, `0.0.0.0/0` every IPv4 address.
 * A request value that is not an address (or is a CIDR) matches no range: IpAddress is false and NotIpAddress true
 * for it (the negated operator is the exact complement).
 *
 * Written without bitwise operators (the repo's lint forbids them): a prefix test divides by a power of two.
 */
import { PolicyValue, RejectValue, ValueMatcher, ValueOperator } from './types';

const EXPECTED = 'an IPv4 or IPv6 address or CIDR range, e.g. `203.0.113.0/24`, `203.0.113.7`, `2001:db8::/32` or `::1`';

// The groups of the last IPv6 address parsed; module-level so parsing a request value allocates nothing. (IPv4
// addresses are returned as numbers instead: a double stored in a module variable would be boxed on every parse.)
const parsedV6 = new Uint16Array(8);

/** parseAddress results other than an IPv4 address (which is returned as a number >= 0). */
const NOT_AN_ADDRESS = -1;
const IPV6 = -2;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** A dotted-quad IPv4 address in s[start, end) as an unsigned number, or -1. */
function parseIpv4(s: string, start: number, end: number): number {
  let value = 0;
  let i = start;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= end || s.charCodeAt(i) !== 46) return -1; // .
      i++;
    }
    const octetStart = i;
    let octet = 0;
    while (i < end && i - octetStart < 4) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      octet = octet * 10 + d;
      i++;
    }
    const length = i - octetStart;
    if (length === 0 || length > 3 || octet > 255) return -1;
    if (length > 1 && s.charCodeAt(octetStart) === 48) return -1; // leading zero
    value = value * 256 + octet;
  }
  return i === end ? value : -1;
}

/** An IPv6 address in s[start, end) into `parsedV6`; false when malformed. */
function parseIpv6(s: string, start: number, end: number): boolean {
  const groups = parsedV6;
  let count = 0;
  let gap = -1; // index in `groups` where `::` stands
  let i = start;
  if (end - start >= 2 && s.charCodeAt(i) === 58 && s.charCodeAt(i + 1) === 58) {
    gap = 0;
    i += 2;
  } else if (i < end && s.charCodeAt(i) === 58) {
    return false;
  }
  while (i < end) {
    const groupStart = i;
    let value = 0;
    while (i < end && i - groupStart < 5) {
      const h = hexValue(s.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
      i++;
    }
    if (i < end && s.charCodeAt(i) === 46) {
      // Dotted-quad tail (`::ffff:192.0.2.1`): two groups, and the last thing in the address.
      const v4 = count <= 6 ? parseIpv4(s, groupStart, end) : -1;
      if (v4 < 0) return false;
      groups[count++] = Math.floor(v4 / 65536);
      groups[count++] = v4 % 65536;
      i = end;
      break;
    }
    if (i === groupStart || i - groupStart > 4 || count === 8) return false;
    groups[count++] = value;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false; // :
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false; // a second `::`
      gap = count;
      i++;
    } else if (i === end) {
      return false; // a single trailing `:`
    }
  }
  if (gap < 0) return count === 8;
  if (count > 7) return false;
  // Move the groups after `::` to the end and zero the gap.
  const tail = count - gap;
  for (let k = 0; k < tail; k++) groups[7 - k] = groups[count - 1 - k];
  for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  return true;
}

/** Whether `parsedV6` holds an IPv4-mapped address `::ffff:a.b.c.d`. */
function isMappedV4(): boolean {
  const g = parsedV6;
  return g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff;
}

/**
 * Parses an address in s[start, end): an IPv4 address (including an IPv4-mapped IPv6 one) as a number >= 0, IPV6
 * (groups in `parsedV6`), or NOT_AN_ADDRESS.
 */
function parseAddress(s: string, start: number, end: number): number {
  const colon = s.indexOf(':', start);
  if (colon < 0 || colon >= end) return parseIpv4(s, start, end);
  if (!parseIpv6(s, start, end)) return NOT_AN_ADDRESS;
  return isMappedV4() ? parsedV6[6] * 65536 + parsedV6[7] : IPV6;
}

// A request's aws:SourceIp is usually tested by several conditions: remember the last request value parsed.
let lastRequestText: string | undefined;
let lastRequestAddress = NOT_AN_ADDRESS;

/** parseAddress for a whole request value, through the one-entry cache. */
function parseRequestAddress(s: string): number {
  if (s !== lastRequestText) {
    lastRequestAddress = parseAddress(s, 0, s.length);
    lastRequestText = s;
  }
  return lastRequestAddress;
}

class Ipv4Range {
  private readonly divisor: number;
  private readonly network: number;

  public constructor(address: number, prefix: number) {
    this.divisor = 2 ** (32 - prefix);
    this.network = Math.floor(address / this.divisor);
  }

  public contains(address: number): boolean {
    return Math.floor(address / this.divisor) === this.network;
  }
}

class Ipv6Range {
  private readonly groups: Uint16Array;
  private readonly fullGroups: number;
  private readonly divisor: number;

  public constructor(groups: Uint16Array, prefix: number) {
    this.groups = Uint16Array.from(groups);
    this.fullGroups = Math.floor(prefix / 16);
    this.divisor = 2 ** (16 - (prefix % 16));
  }

  public contains(address: Uint16Array): boolean {
    const full = this.fullGroups;
    for (let i = 0; i < full; i++) {
      if (address[i] !== this.groups[i]) return false;
    }
    return full === 8 || Math.floor(address[full] / this.divisor) === Math.floor(this.groups[full] / this.divisor);
  }
}

/** A parsed policy range. */
type IpRange = { readonly family: 4; readonly range: Ipv4Range } | { readonly family: 6; readonly range: Ipv6Range };

/** Parses `address[/prefix]` as written in a policy, or undefined. */
export function parseCidr(text: string): IpRange | undefined {
  lastRequestText = undefined; // parsing below overwrites `parsedV6`
  const slash = text.indexOf('/');
  const end = slash < 0 ? text.length : slash;
  const address = parseAddress(text, 0, end);
  if (address === NOT_AN_ADDRESS) return undefined;
  const family = address === IPV6 ? 6 : 4;
  const mapped = family === 4 && text.lastIndexOf(':', end) >= 0;
  const max = family === 6 || mapped ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const digits = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(digits)) return undefined;
    prefix = Number(digits);
    if (prefix > max) return undefined;
  }
  if (mapped) {
    // [choice] `::ffff:a.b.c.d/n` is the IPv4 range a.b.c.d/(n-96); a shorter prefix is an IPv6 range.
    if (prefix >= 96) return { family: 4, range: new Ipv4Range(address, prefix - 96) };
    return { family: 6, range: new Ipv6Range(parsedV6, prefix) };
  }
  return family === 4 ? { family: 4, range: new Ipv4Range(address, prefix) } : { family: 6, range: new Ipv6Range(parsedV6, prefix) };
}

class IpMatcher implements ValueMatcher {
  public constructor(private readonly v4: readonly Ipv4Range[], private readonly v6: readonly Ipv6Range[]) {}

  public anyMatch(s: string): boolean {
    const address = parseRequestAddress(s);
    if (address >= 0) {
      for (let i = 0; i < this.v4.length; i++) {
        if (this.v4[i].contains(address)) return true;
      }
    } else if (address === IPV6) {
      for (let i = 0; i < this.v6.length; i++) {
        if (this.v6[i].contains(parsedV6)) return true;
      }
    }
    return false;
  }
}

function compileIp(values: readonly PolicyValue[], reject: RejectValue): ValueMatcher {
  const v4: Ipv4Range[] = [];
  const v6: Ipv6Range[] = [];
  values.forEach((v, i) => {
    const cidr = typeof v === 'string' ? parseCidr(v) : undefined;
    if (cidr === undefined) reject(i, EXPECTED);
    else if (cidr.family === 4) v4.push(cidr.range);
    else v6.push(cidr.range);
  });
  return new IpMatcher(v4, v6);
}

export const IP_OPERATORS: readonly ValueOperator[] = [
  { kind: 'value', name: 'IpAddress', negated: false, acceptsVariables: false, keyTypes: ['IpAddress'], compile: compileIp },
  { kind: 'value', name: 'NotIpAddress', negated: true, acceptsVariables: false, keyTypes: ['IpAddress'], compile: compileIp },
];
