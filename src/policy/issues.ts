/**
 * Problems found in the input: a malformed policy, an unknown operator, a bad ARN, a scenario missing a field.
 *
 * Errors make the input unevaluable (the evaluator then refuses to allow anything); warnings flag input that
 * evaluates but probably does not do what its author meant (a condition key that KMS ignores in a key policy).
 * Codes are stable: tests, rule packs and users match on them, so never rename one.
 */
export type IssueSeverity = 'error' | 'warning';

export interface Issue {
  /** Stable, kebab-case code, e.g. `unknown-condition-operator`. */
  readonly code: string;
  readonly severity: IssueSeverity;
  /** Lower-case sentence: what is wrong, the value received, what was expected, how to fix it. */
  readonly message: string;
  /** Which policy: `key policy`, `identity policy #0`, `SCP #1`, `permissions boundary`, `VPC endpoint policy`, ... */
  readonly policy?: string;
  /** `Sid "Foo"` or `statement #2` when the problem is inside a statement. */
  readonly statement?: string;
  /** JSON-path-like field inside the policy or scenario: `Condition.StringEquals.kms:CallerAccount`. */
  readonly field?: string;
}

/** Where in the input a problem is: filled into every issue raised while reading that part. */
export interface IssueLocation {
  readonly policy?: string;
  readonly statement?: string;
  readonly field?: string;
}

/** Collects issues while a piece of input is read; the reader never throws on bad input. */
export class IssueCollector {
  /** Made by the first issue: most input has none, and a collector is made for every request evaluated. */
  private list: Issue[] | undefined = undefined;
  private errors = 0;

  /** The issues collected so far, in order. */
  public get issues(): readonly Issue[] {
    return this.list ?? NO_ISSUES;
  }

  /**
   * @param field when given, replaces `where.field`: a reader keeps one location per policy or statement and names
   *   the field only when something is wrong, rather than building a location object per field up front.
   */
  public error(code: string, message: string, where: IssueLocation = NOWHERE, field?: string): void {
    this.errors++;
    (this.list ??= []).push(makeIssue(code, 'error', message, where, field));
  }

  /**
   * An error about a value of the wrong shape (`code`, `message`), except that a value nesting arrays or objects more
   * than {@link MAX_NESTING_DEPTH} deep is reported as `nesting-too-deep` instead: no policy or scenario nests that
   * deep, so the value is broken or hostile, and saying so is clearer than describing the shape it should have.
   * @param field as for {@link error}
   */
  public shapeError(value: unknown, code: string, message: string, where: IssueLocation = NOWHERE, field?: string): void {
    if (!nestedDeeperThan(value)) {
      this.error(code, message, where, field);
      return;
    }
    const name = field ?? where.field;
    const what = name !== undefined ? `\`${clip(name)}\``
      : where.statement !== undefined ? `${where.statement} of the ${where.policy ?? 'policy'}`
        : where.policy !== undefined ? `the ${where.policy}` : 'the value';
    this.error(InputBoundCodes.NESTING_TOO_DEEP, `${what} nests arrays or objects more than ${MAX_NESTING_DEPTH} levels deep, ` +
      'which no policy or scenario element does (a Condition has three levels: operator, key, values): write it in its documented shape', where, field);
  }

  /** @param field as for {@link error} */
  public warning(code: string, message: string, where: IssueLocation = NOWHERE, field?: string): void {
    (this.list ??= []).push(makeIssue(code, 'warning', message, where, field));
  }

  public get hasErrors(): boolean {
    return this.errors > 0;
  }

  /** How many errors have been collected: a reader compares counts to learn whether a part of the input added one. */
  public get errorCount(): number {
    return this.errors;
  }
}

const NOWHERE: IssueLocation = {};
const NO_ISSUES: readonly Issue[] = Object.freeze([]);

/**
 * Bounds on what the readers accept (docs/kms-authorization.md, "Matching complexity and input bounds"). Within them,
 * no legitimate policy or scenario is refused; beyond them, the input is refused with an error that names the field,
 * rather than read.
 *
 * MAX_STRING_LENGTH: KMS accepts no key policy longer than 32 KB (32,768 bytes; kms-developer-guide
 * resource-limits.md, "Key policy document size", and key-policy-overview.md), and IAM policies are smaller still, so
 * no string of a policy (a pattern, an ARN, a condition key) can be longer. The same bound serves request values: an
 * encryption context or a tag value is far smaller.
 *
 * MAX_NESTING_DEPTH: no element of a policy or scenario nests arrays or objects more than a few levels (a Condition
 * is three: operator, key, list of values); 64 leaves room and keeps every walk over a value shallow.
 */
export const MAX_STRING_LENGTH = 32_768;
export const MAX_NESTING_DEPTH = 64;

/** Issue codes for input beyond those bounds (errors, raised by the readers: policy-document.ts, scenario.ts). */
export const InputBoundCodes = {
  /** A value nests arrays or objects more than MAX_NESTING_DEPTH deep. */
  NESTING_TOO_DEEP: 'nesting-too-deep',
  /** A string (a value, a pattern, a field or condition-key name) is longer than MAX_STRING_LENGTH. */
  VALUE_TOO_LONG: 'value-too-long',
} as const;

/** How much of a value an error about its size or depth echoes: enough to recognise it, never the whole of it. */
const ECHO_LENGTH = 64;

/**
 * Text from the input for a message, cut to `max` characters (then `...`): field names come from the input (the key of
 * an unknown element, a condition key), and so do the values echoed in backticks; an error must not echo a hostile one
 * whole. Names are cut at 64 characters; values at 120, as {@link show} cuts them.
 */
export function clip(text: string, max: number = ECHO_LENGTH): string {
  return text.length <= max ? text : `${prefix(text, max)}...`;
}

/** The first `max` UTF-16 code units of `text`, one fewer when the last would be half of a surrogate pair. */
function prefix(text: string, max: number): string {
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** The value's first {@link ECHO_LENGTH} characters, quoted, then how long it was: for errors about a value's size. */
export function showPrefix(text: string): string {
  return text.length <= ECHO_LENGTH ? JSON.stringify(text) : `${JSON.stringify(prefix(text, ECHO_LENGTH))}... (${text.length.toLocaleString('en-US')} characters)`;
}

/** The error for a string longer than {@link MAX_STRING_LENGTH}, naming `what` (a field, or `a key of request.context`). */
export function tooLongMessage(what: string, text: string): string {
  return `${what} is ${text.length.toLocaleString('en-US')} characters long, more than the ${MAX_STRING_LENGTH.toLocaleString('en-US')} ` +
    `this evaluator reads (AWS KMS accepts no key policy longer than 32 KB, resource-limits.md): ${showPrefix(text)}. shorten it`;
}

/**
 * Whether `value` nests arrays or objects more than `limit` levels deep (a string or number is level 0, `[]` level 1).
 * Never recurses more than `limit` levels, and gives up (false) after visiting 10,000 values, so that it stays cheap
 * on values built in code with shared parts; a cycle counts as too deep. Never throws.
 */
export function nestedDeeperThan(value: unknown, limit: number = MAX_NESTING_DEPTH): boolean {
  try {
    return deeperThan(value, limit, { visits: 10_000 });
  } catch {
    // A getter that throws (a value built in code): not known to be too deep.
    return false;
  }
}

function deeperThan(value: unknown, limit: number, budget: { visits: number }): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit <= 0) return true;
  if (--budget.visits < 0) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (deeperThan(value[i], limit - 1, budget)) return true;
    return false;
  }
  for (const k in value) {
    if (Object.prototype.hasOwnProperty.call(value, k) && deeperThan((value as Record<string, unknown>)[k], limit - 1, budget)) return true;
  }
  return false;
}

/**
 * Renders a value for an error message: JSON, at most 120 characters, never throws. The work is bounded by that
 * length, not by the value: a value nested thousands of levels deep, or megabytes long, is rendered only as far as
 * the first 120 characters go (JSON.stringify would recurse through all of it, and overflow the stack).
 */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const out = { text: '' };
  if (typeof value === 'function' || typeof value === 'symbol') {
    out.text = String(value);
  } else {
    try {
      render(value, out);
    } catch {
      // A getter or toJSON that throws: what was written so far stands, marked as cut.
      out.text += '...';
    }
  }
  return out.text.length > SHOW_LENGTH ? `${out.text.slice(0, SHOW_LENGTH - 3)}...` : out.text;
}

const SHOW_LENGTH = 120;

/**
 * Appends `value` as JSON.stringify writes it (toJSON applied, non-finite numbers as null, undefined and functions
 * left out of objects and null in arrays), stopping once the text is longer than SHOW_LENGTH. Each nesting level
 * writes at least one character, so recursion never goes deeper than SHOW_LENGTH + 1 levels.
 */
function render(value: unknown, out: { text: string }): void {
  if (out.text.length > SHOW_LENGTH) return;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    try {
      value = (value as { toJSON: () => unknown }).toJSON();
    } catch {
      value = String(value);
    }
  }
  switch (typeof value) {
    case 'string':
      out.text += JSON.stringify(value.length > SHOW_LENGTH ? value.slice(0, SHOW_LENGTH + 1) : value);
      return;
    case 'number':
      out.text += Number.isFinite(value) ? String(value) : 'null';
      return;
    case 'boolean':
    case 'bigint':
      out.text += String(value);
      return;
    case 'object':
      break;
    default:
      // undefined, functions and symbols: JSON.stringify leaves them out of objects and writes null in arrays.
      out.text += 'null';
      return;
  }
  if (value === null) {
    out.text += 'null';
  } else if (Array.isArray(value)) {
    out.text += '[';
    for (let i = 0; i < value.length && out.text.length <= SHOW_LENGTH; i++) {
      if (i > 0) out.text += ',';
      render(value[i], out);
    }
    out.text += ']';
  } else {
    out.text += '{';
    let first = true;
    for (const k in value) {
      if (out.text.length > SHOW_LENGTH) break;
      const v = (value as Record<string, unknown>)[k];
      if (!Object.prototype.hasOwnProperty.call(value, k) || v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (!first) out.text += ',';
      first = false;
      out.text += `${JSON.stringify(k.length > SHOW_LENGTH ? k.slice(0, SHOW_LENGTH + 1) : k)}:`;
      render(v, out);
    }
    out.text += '}';
  }
}

/** An issue with only the location fields that are set, in a fixed order: code, severity, message, policy, statement, field. */
function makeIssue(code: string, severity: IssueSeverity, message: string, where: IssueLocation, field: string | undefined): Issue {
  const issue: { -readonly [K in keyof Issue]: Issue[K] } = { code, severity, message };
  if (where.policy !== undefined) issue.policy = where.policy;
  if (where.statement !== undefined) issue.statement = where.statement;
  const f = field ?? where.field;
  if (f !== undefined) issue.field = f;
  return issue;
}

// ---------------------------------------------------------------------------------------------------------------------
// Codes of issue 10 ("no silent allow"): input that used to evaluate without a word although AWS would reject it, or
// would not read it the way it looks. Listed here so that tests, rule packs and the docs share one spelling; other
// codes stay where they are raised. Severity is fixed per code.
// ---------------------------------------------------------------------------------------------------------------------

/** Issue codes of the "no silent allow" checks (docs/kms-authorization.md, choices table). */
export const NoSilentAllowCodes = {
  /** Error: `Allow` with `NotPrincipal` in a policy with a Principal element (reference_policies_elements_notprincipal.md). */
  NOT_PRINCIPAL_WITH_ALLOW: 'not-principal-with-allow',
  /** Error: a scenario key ARN (`key.arn`, `request.destinationKey.arn`) with a wildcard: a pattern, not a key. */
  KEY_ARN_WILDCARD: 'key-arn-wildcard',
  /** Error: `caller.arn` with a wildcard: IAM and STS names never hold one. */
  CALLER_ARN_WILDCARD: 'caller-arn-wildcard',
  /** Error: a key policy over KEY_POLICY_MAX_BYTES (key-policy-overview.md, resource-limits.md). */
  KEY_POLICY_TOO_LARGE: 'key-policy-too-large',
  /** Error: a character outside KEY_POLICY_CHARACTER_RANGES in a key policy (key-policy-overview.md). */
  KEY_POLICY_INVALID_CHARACTER: 'key-policy-invalid-character',
  /** Error: an invisible character or lone surrogate in an ARN or principal of the scenario (key, caller, grants). */
  INVALID_CHARACTER_IN_ARN: 'invalid-character-in-arn',
  /** Warning: an invisible character or lone surrogate in another policy, a condition key or a request.context key. */
  INVISIBLE_CHARACTER: 'invisible-character',
  /** Warning: two statements of one policy share a Sid, so explanations cannot tell them apart. */
  DUPLICATE_SID: 'duplicate-sid',
  /** Error (CLI only): a JSON object with the same key twice; JSON.parse would silently keep the last. */
  DUPLICATE_JSON_KEY: 'duplicate-json-key',
  /** Warning: a condition key that no KMS request carries, with the nearest known key. */
  UNKNOWN_CONDITION_KEY: 'unknown-condition-key',
  /** Warning: a condition key that exists, but for none of the statement's actions (the catalogue's per-action keys). */
  CONDITION_KEY_NOT_APPLICABLE: 'condition-key-not-applicable',
  /** Warning: more aliases than the default quota: kms:ResourceAliases then stops allowing (resource-limits.md). */
  ALIAS_QUOTA_EXCEEDED: 'alias-quota-exceeded',
  /** Warning: more grants than the default quota of grants per key (resource-limits.md). */
  GRANT_QUOTA_EXCEEDED: 'grant-quota-exceeded',
  /**
   * Warning: a kms:UpdatePrimaryRegion request without request.destinationKey: decided on the primary key alone, though
   * AWS checks the replica key's policy too (multi-region-keys-auth.md).
   */
  REPLICA_KEY_NOT_CHECKED: 'replica-key-not-checked',
} as const;
