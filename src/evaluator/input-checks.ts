/**
 * Checks of the raw scenario that the readers do not make, each an issue with a stable code (NoSilentAllowCodes in
 * policy/issues.ts): AWS limits (a key policy over 32 KB, more aliases or grants than the default quotas), characters a
 * key policy may not hold or that nobody can see (zero-width, bidi controls, lone surrogates), and wildcards or
 * invisible characters in the ARNs that name the key and the caller.
 *
 * Where: key policies (the key's, the destination key's, a PutKeyPolicy/CreateKey request's new policy) must hold only
 * the key-policy characters (key-policy-overview.md, "Key policy format"): anything else is an error, as KMS rejects
 * the policy. request.context keys draw a warning for invisible characters; other policies are checked where they are
 * compiled (compiled-policy.ts, compile-condition.ts). ARNs and principals of the scenario itself (key, caller,
 * grantees) are errors: no IAM or KMS name holds such a character, so the input does not describe a real request.
 *
 * Cost: one pass over each key policy's strings and keys, with one comparison per printable ASCII character, measuring
 * it (compact JSON, as JSON.stringify would write it) in the same pass, which stops as soon as the policy is over the
 * limit. Depth is bounded: policies are at most six levels deep, and deeper input is the reader's to reject.
 */
import { RequestModel } from './scenario';
import { ECHO_MAX_CHARS, describeCharacter, echoUpTo, escapeText, firstBadCharacter, isPrintableAscii } from '../policy/characters';
import { hasOwn } from '../policy/has-own';
import { IssueCollector, IssueLocation, NoSilentAllowCodes as Codes } from '../policy/issues';
import { ALIASES_PER_KEY_DEFAULT_QUOTA, GRANTS_PER_KEY_DEFAULT_QUOTA, KEY_POLICY_MAX_BYTES } from '../policy/limits';
import { isObject } from '../policy/policy-document';
import { ambiguousSids, sidOf, statementLabel } from '../policy/statement-label';

/** At most this many character issues per policy: the first ones locate the problem; a flood helps nobody. */
const MAX_CHARACTER_ISSUES_PER_POLICY = 5;
/** Deeper than any valid policy (Statement, statement, Condition, operator, key, value list). */
const MAX_DEPTH = 12;

/** Checks the environment part of a raw scenario (all but `request`). */
export function checkScenarioInput(raw: Record<string, unknown>, issues: IssueCollector): void {
  const key = raw.key;
  if (isObject(key)) checkKey(key, 'key', 'key policy', issues);
  const caller = raw.caller;
  if (isObject(caller)) {
    const arn = caller.arn;
    if (typeof arn === 'string') {
      if (arn.includes('*') || arn.includes('?')) {
        issues.error(Codes.CALLER_ARN_WILDCARD, `caller.arn \`${shortText(arn)}\` holds a wildcard: a caller is one principal, and IAM and STS names never hold \`*\` or \`?\`. name the principal that makes the request`, { field: 'caller.arn' });
      } else {
        checkArnCharacters(arn, 'caller.arn', issues);
      }
    }
  }
  const grants = raw.grants;
  if (Array.isArray(grants)) {
    if (grants.length > GRANTS_PER_KEY_DEFAULT_QUOTA) {
      issues.warning(Codes.GRANT_QUOTA_EXCEEDED, `the scenario has ${grants.length} grants, more than the ${GRANTS_PER_KEY_DEFAULT_QUOTA} grants a KMS key can have under the default quota (resource-limits.md, "Grants per KMS key"): unless the quota was raised, KMS refuses the grants beyond it`, { field: 'grants' });
    }
    for (let i = 0; i < grants.length; i++) {
      const g = grants[i];
      if (!isObject(g)) continue;
      if (typeof g.granteePrincipal === 'string') checkArnCharacters(g.granteePrincipal, `grants[${i}].granteePrincipal`, issues);
      if (typeof g.retiringPrincipal === 'string') checkArnCharacters(g.retiringPrincipal, `grants[${i}].retiringPrincipal`, issues);
    }
  }
}

/**
 * Checks the parts of a request that the request reader does not: the new key policy, the destination key, ARNs and
 * context keys. Guided by the request as read (`req`), so that a request without such parts costs no property look-up
 * on the raw object (requests come in many shapes); when the reader failed, the raw request is checked in full.
 */
export function checkRequestInput(raw: unknown, req: RequestModel | undefined, issues: IssueCollector): void {
  if (req !== undefined && req.newKeyPolicy === undefined && req.destinationKey === undefined && req.keyId === undefined
    && req.aliasArn === undefined && req.createGrant === undefined && req.context.size === 0) return;
  if (!isObject(raw)) return;
  const full = req === undefined;
  if (full || req.newKeyPolicy !== undefined) {
    const newKeyPolicy = raw.newKeyPolicy;
    if (newKeyPolicy !== undefined) checkKeyPolicy(newKeyPolicy, 'new key policy', issues);
  }
  if (full || req.destinationKey !== undefined) {
    const destinationKey = raw.destinationKey;
    if (isObject(destinationKey)) checkKey(destinationKey, 'request.destinationKey', 'key policy of the destination key', issues);
  }
  const keyId = full ? raw.keyId : req.keyId;
  if (typeof keyId === 'string') checkArnCharacters(keyId, 'request.keyId', issues);
  const aliasArn = full ? raw.aliasArn : req.aliasArn;
  if (typeof aliasArn === 'string') checkArnCharacters(aliasArn, 'request.aliasArn', issues);
  if (full || req.createGrant !== undefined) {
    const createGrant = raw.createGrant;
    if (isObject(createGrant)) {
      if (typeof createGrant.granteePrincipal === 'string') checkArnCharacters(createGrant.granteePrincipal, 'request.createGrant.granteePrincipal', issues);
      if (typeof createGrant.retiringPrincipal === 'string') checkArnCharacters(createGrant.retiringPrincipal, 'request.createGrant.retiringPrincipal', issues);
    }
  }
  if (full || req.context.size > 0) {
    const context = raw.context;
    if (!isObject(context)) return;
    for (const k in context) {
      if (!hasOwn(context, k) || isPrintableAscii(k)) continue;
      const bad = firstBadCharacter(k, false);
      if (bad) {
        issues.warning(Codes.INVISIBLE_CHARACTER, `the context key \`${echoUpTo(k, bad.index)}\` holds ${describeCharacter(bad)}: no policy that names the key as it looks will see this value. remove the character`, { field: `request.context.${escapeText(k)}` });
      }
    }
  }
}

/** A key of the scenario (`key`, `request.destinationKey`): its ARN, policy and aliases. */
function checkKey(key: Record<string, unknown>, field: string, label: string, issues: IssueCollector): void {
  const arn = key.arn;
  if (typeof arn === 'string') {
    if (arn.includes('*') || arn.includes('?')) {
      issues.error(Codes.KEY_ARN_WILDCARD, `${field}.arn \`${shortText(arn)}\` holds a wildcard, so it is a pattern that may cover many keys, not a key: a scenario decides a request on one key. name the key by its ARN, arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`, { field: `${field}.arn` });
    } else {
      checkArnCharacters(arn, `${field}.arn`, issues);
    }
  }
  checkKeyPolicy(key.policy, label, issues);
  const aliases = key.aliases;
  if (Array.isArray(aliases) && aliases.length > ALIASES_PER_KEY_DEFAULT_QUOTA) {
    issues.warning(Codes.ALIAS_QUOTA_EXCEEDED, `${field} has ${aliases.length} aliases, more than the ${ALIASES_PER_KEY_DEFAULT_QUOTA} of the default quota: unless the quota was raised, KMS refuses the aliases beyond it, and a key over the quota denies principals that only kms:ResourceAliases allows (resource-limits.md, "Aliases per KMS key"; the evaluator does not model that denial)`, { field: `${field}.aliases` });
  }
}

function checkArnCharacters(text: string, field: string, issues: IssueCollector): void {
  if (isPrintableAscii(text)) return;
  const bad = firstBadCharacter(text, false);
  if (bad) {
    issues.error(Codes.INVALID_CHARACTER_IN_ARN, `${field} \`${echoUpTo(text, bad.index)}\` holds ${describeCharacter(bad)}, which no IAM or KMS name or ARN can hold: the scenario does not describe a real principal or key, and a policy naming the same text without it would not match. remove the character`, { field });
  }
}

/**
 * Checks one key policy: its size and its characters (key-policy-overview.md, "Key policy format"). A policy given as
 * JSON text is measured as that text and its characters checked once parsed (escapes decoded); a policy given as an
 * object is measured as compact JSON, the smallest text that holds it. Other policies are checked where they are
 * compiled (compiled-policy.ts: Sids, Resource ARNs and principal names; compile-condition.ts: condition keys).
 */
export function checkKeyPolicy(raw: unknown, label: string, issues: IssueCollector): void {
  if (raw === undefined || raw === null) return;
  let doc = raw;
  let measure = true;
  if (typeof raw === 'string') {
    const textBytes = raw.length > KEY_POLICY_MAX_BYTES ? raw.length : utf8Length(raw);
    if (textBytes > KEY_POLICY_MAX_BYTES) {
      reportTooLarge(label, raw.length > KEY_POLICY_MAX_BYTES ? 'text-over' : 'text', textBytes, issues);
      return;
    }
    measure = false;
    try {
      doc = JSON.parse(raw);
    } catch {
      return; // the reader reports it
    }
  }
  if (typeof doc !== 'object' || doc === null) return;
  // The usual policy is printable ASCII and well under the limit: one quick pass says so, measuring only bounds. Any
  // other policy is walked again, slowly, to locate each character and measure exactly.
  const scan: QuickScan = { bytes: 0, texts: 0, attention: false };
  quickScan(doc, 0, scan);
  if (!scan.attention && scan.bytes + scan.texts <= KEY_POLICY_MAX_BYTES) return;
  const walk = new KeyPolicyWalk(label, measure, issues);
  walk.value(doc, 0);
  if (measure && walk.bytes > KEY_POLICY_MAX_BYTES) reportTooLarge(label, walk.stopped ? 'json-over' : 'json', walk.bytes, issues);
}

interface QuickScan {
  /**
   * Compact-JSON bytes with every text counted unescaped: a lower bound, exact unless a text holds `"` or `\`, each of
   * which takes one byte more. `bytes + texts` is an upper bound for printable ASCII.
   */
  bytes: number;
  /** Characters of the texts counted, each of which may take one byte more when escaped. */
  texts: number;
  /** Some text holds a character other than printable ASCII: the located walk decides. */
  attention: boolean;
}

/**
 * Bounds the compact-JSON size and looks for any character outside printable ASCII, without locations; stops at the
 * first such character or once over the limit. No allocation. The bounds hold for a policy the readers accept (whose
 * element names are plain ASCII); any other policy is invalid anyway.
 */
function quickScan(v: unknown, depth: number, scan: QuickScan): void {
  if (typeof v === 'string') {
    quickText(v, scan);
  } else if (typeof v === 'object' && v !== null) {
    if (depth >= MAX_DEPTH) return;
    if (Array.isArray(v)) {
      scan.bytes += v.length === 0 ? 2 : 1 + v.length;
      for (let i = 0; i < v.length && !scan.attention && scan.bytes <= KEY_POLICY_MAX_BYTES; i++) quickScan(v[i], depth + 1, scan);
    } else {
      scan.bytes += 1;
      const o = v as Record<string, unknown>;
      let empty = true;
      for (const k in o) {
        if (!hasOwn(o, k)) continue;
        const item = o[k];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        empty = false;
        // Keys above depth 3 are element names, principal types and condition operators: the readers reject any
        // they do not know, so only their length counts here. Condition keys (depth 3 or 4) are checked.
        if (depth < 3) scan.bytes += k.length + 2;
        else quickText(k, scan);
        scan.bytes += 2; // the colon, and a comma or the closing brace
        quickScan(item, depth + 1, scan);
        if (scan.attention || scan.bytes > KEY_POLICY_MAX_BYTES) return;
      }
      if (empty) scan.bytes += 1;
    }
  } else if (typeof v === 'number') {
    scan.bytes += Number.isFinite(v) ? String(v).length : 4;
  } else {
    scan.bytes += v === true ? 4 : v === false ? 5 : 4;
  }
}

function quickText(s: string, scan: QuickScan): void {
  scan.bytes += s.length + 2;
  scan.texts += s.length;
  if (!isPrintableAscii(s)) scan.attention = true;
}

/**
 * How the size was measured: `text`/`json` exactly (as written, or as compact JSON); `text-over`/`json-over` only as
 * far as needed to know that it is over the limit.
 */
type Measure = 'text' | 'text-over' | 'json' | 'json-over';

function reportTooLarge(label: string, measure: Measure, bytes: number, issues: IssueCollector): void {
  const limit = KEY_POLICY_MAX_BYTES.toLocaleString('en-US');
  const size = measure === 'text' ? `${bytes.toLocaleString('en-US')} bytes as written`
    : measure === 'json' ? `${bytes.toLocaleString('en-US')} bytes even as compact JSON`
      : measure === 'text-over' ? `over ${limit} bytes as written` : `over ${limit} bytes even as compact JSON`;
  issues.error(Codes.KEY_POLICY_TOO_LARGE,
    `the ${label} is ${size}, and KMS rejects a key policy over ${limit} bytes (key-policy-overview.md, "Key policy format"; a quota that cannot be raised, resource-limits.md). merge statements that share a principal and actions, or move per-principal permissions to IAM policies or grants`,
    { policy: label });
}

/**
 * One pass over a key policy: every string and key checked against the key-policy characters and, when `measure`,
 * counted as compact JSON. Printable ASCII, nearly every policy's only characters, costs one comparison per character;
 * locations (statement, field path) are made only for an issue.
 */
class KeyPolicyWalk {
  public bytes = 0;
  /** The walk stopped early because the policy is over the limit. */
  public stopped = false;
  private reported = 0;
  /** Field path segments, for issues only; those from `base` on are inside the current statement. */
  private readonly path: Array<string | number> = [];
  private base = 0;
  /** The statement being walked: its index (-1 outside the Statement element) and Sid. */
  private statementIndex = -1;
  private statementSid: string | undefined = undefined;
  /** The statement list, and its Sids that need the statement's index to name it (statement-label.ts), read on first use. */
  private statementList: readonly unknown[] = [];
  private ambiguous: ReadonlySet<string> | undefined;

  public constructor(private readonly label: string, private readonly measure: boolean, private readonly issues: IssueCollector) {}

  public value(v: unknown, depth: number): void {
    if (typeof v === 'string') {
      this.text(v, false);
    } else if (typeof v === 'object' && v !== null) {
      if (depth >= MAX_DEPTH) return;
      if (Array.isArray(v)) this.array(v, depth);
      else this.object(v as Record<string, unknown>, depth);
    } else if (this.measure) {
      if (typeof v === 'number') this.bytes += Number.isFinite(v) ? String(v).length : 4;
      else if (typeof v === 'boolean') this.bytes += v ? 4 : 5;
      else this.bytes += 4; // null, and what JSON.stringify writes as null in an array
    }
  }

  private array(list: readonly unknown[], depth: number): void {
    const statements = depth === 1 && this.statementIndex < 0 && this.path.length === 1 && this.path[0] === 'Statement';
    if (this.measure) this.bytes += list.length === 0 ? 2 : 1 + list.length;
    // Only a reported character needs the statements' names: a policy over the size limit is not read to its end.
    if (statements) this.statementList = list;
    for (let i = 0; i < list.length; i++) {
      if (statements) {
        this.statement(list[i], i, depth + 1);
      } else {
        this.path.push(i);
        this.value(list[i], depth + 1);
        this.path.pop();
      }
      if (this.measure && this.bytes > KEY_POLICY_MAX_BYTES) this.stopped = true;
      if (this.stopped) return;
    }
  }

  private object(o: Record<string, unknown>, depth: number): void {
    if (this.measure) this.bytes += 2;
    let first = true;
    for (const k in o) {
      if (!hasOwn(o, k)) continue;
      const item = o[k];
      // JSON.stringify leaves such members out.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (this.measure) this.bytes += first ? 1 : 2; // the colon, and the comma before every member but the first
      first = false;
      this.path.push(k);
      this.text(k, true);
      if (depth === 0 && k === 'Statement' && isObject(item)) {
        this.statement(item, 0, depth + 1); // a single statement object is statement #0
      } else {
        this.value(item, depth + 1);
      }
      this.path.pop();
      if (this.measure && this.bytes > KEY_POLICY_MAX_BYTES) this.stopped = true;
      if (this.stopped) return;
    }
  }

  private statement(item: unknown, index: number, depth: number): void {
    const base = this.base;
    this.base = this.path.length;
    this.statementIndex = index;
    this.statementSid = sidOf(item);
    this.value(item, depth);
    this.statementIndex = -1;
    this.base = base;
  }

  /** A string value, or an object key (`isKey`: the field then ends with the key itself). */
  private text(s: string, isKey: boolean): void {
    const n = s.length;
    let escapes = 0;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) break;
      if (c === 0x22 || c === 0x5c) escapes++;
    }
    if (i === n) {
      this.bytes += n + 2 + escapes;
      return;
    }
    if (this.measure) this.bytes += jsonStringBytes(s);
    if (this.reported < MAX_CHARACTER_ISSUES_PER_POLICY) this.report(s, isKey);
  }

  private report(s: string, isKey: boolean): void {
    const bad = firstBadCharacter(s, true);
    if (bad === undefined) return;
    this.reported++;
    const segments = this.path.slice(this.base);
    let field: string | undefined;
    for (const segment of segments) {
      field = typeof segment === 'number' ? `${field ?? ''}[${segment}]` : field === undefined ? escapeText(segment) : `${field}.${escapeText(segment)}`;
    }
    const sid = this.statementSid;
    // The Sid as issues can show it: escaped and short, as it may itself hold what is reported.
    const shown = sid === undefined ? undefined : shortText(sid);
    const ambiguous = sid !== undefined && (this.ambiguous ??= ambiguousSids(this.statementList)).has(sid);
    const statement = statementLabel(shown, this.statementIndex, ambiguous);
    const location: IssueLocation = this.statementIndex < 0 ? { policy: this.label } : { policy: this.label, statement };
    const what = `${isKey ? 'the key' : 'the value'} \`${echoUpTo(s, bad.index)}\``;
    const more = this.reported === MAX_CHARACTER_ISSUES_PER_POLICY ? ' (further characters of this policy are not reported)' : '';
    if (!isInvisibleOnly(bad)) {
      this.issues.error(Codes.KEY_POLICY_INVALID_CHARACTER,
        `${what} of the ${this.label} holds ${describeCharacter(bad)}, and a key policy may hold only printable ASCII, printable Latin-1 characters, tab, line feed and carriage return, so KMS rejects it (key-policy-overview.md, "Key policy format"). remove the character${more}`,
        location, field);
    } else {
      this.issues.warning(Codes.INVISIBLE_CHARACTER,
        `${what} of the ${this.label} holds ${describeCharacter(bad)}, which KMS accepts but nobody reading the policy can see: a name, ARN or key holding it matches nothing written without it. remove the character${more}`,
        location, field);
    }
  }
}

/** A character a key policy accepts but nobody sees (the soft hyphen, U+00AD): a warning, not an error. */
function isInvisibleOnly(bad: { readonly codePoint: number; readonly loneSurrogate: boolean }): boolean {
  return !bad.loneSurrogate && bad.codePoint === 0xad;
}

/** Bytes of `s` as JSON.stringify writes it (quotes and escapes included), in UTF-8. */
function jsonStringBytes(s: string): number {
  let bytes = s.length + 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      if (c === 0x22 || c === 0x5c) bytes++;
    } else {
      bytes += extraBytes(s, i, c);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const next = s.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) i++;
      }
    }
  }
  return bytes;
}

/** Bytes beyond one for the character at `i` (code unit `c`, not printable ASCII) in JSON.stringify's UTF-8 output. */
function extraBytes(s: string, i: number, c: number): number {
  if (c < 0x20) return c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 1 : 5; // \n, or \u00XX
  if (c < 0x80) return 0; // DEL
  if (c < 0x800) return 1;
  if (c >= 0xd800 && c <= 0xdfff) {
    const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    // A pair is 4 bytes for its two units; a lone surrogate is written \uXXXX.
    return c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 5;
  }
  return 2;
}

/** UTF-8 length of a text, lone surrogates counted as the 3-byte replacement character an encoder writes. */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      bytes += 1;
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      bytes += 4;
      i++;
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

/** A value for a message: at most ECHO_MAX_CHARS characters, non-printable ones escaped. */
function shortText(s: string): string {
  return s.length > ECHO_MAX_CHARS ? `${escapeText(s.slice(0, ECHO_MAX_CHARS))}...` : escapeText(s);
}
