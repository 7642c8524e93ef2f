/**
 * IAM policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, `${*}`, `${?}`, `${$}`.
 *
 * Source: IAM User Guide, reference_policies_variables.md. A template is parsed once, when the policy is compiled, into
 * text segments and variable references; rendering at request time only concatenates.
 */
import { ConditionContext, ConditionKey } from './context';
import { isMultiValuedKey } from '../policy/catalogue';
import { IssueCollector, IssueLocation, show } from '../policy/issues';
import { LITERAL_QUESTION, LITERAL_STAR } from '../policy/wildcard';

export interface TemplateString {
  readonly raw: string;
  /**
   * The condition keys the template reads, lower-cased, in order of appearance (empty when it only holds `${*}`,
   * `${?}` or `${$}`: such a template renders the same for every request).
   */
  readonly variableKeys: readonly string[];
  /**
   * Substitutes variables from ctx. forPattern=true renders ${*} and ${?} as LITERAL_STAR/LITERAL_QUESTION (for
   * wildcard matching); false renders them as plain '*'/'?'. ${$} renders '$'.
   *
   * Returns undefined when a variable has no value in ctx and no default, or when the variable's key is multi-valued
   * (the context holds an array). reference_policies_variables.md, "Policy variables with no value": such a value "is
   * effectively null. There is no equal or like value"; the caller must treat the rendered value as matching nothing.
   *
   * [choice] In pattern mode, a `*` or `?` that comes from the request context or from a default value is literal, not a
   * wildcard: a variable stands for a value, and request data must not be able to widen a pattern.
   */
  render(ctx: ConditionContext, forPattern: boolean): string | undefined;
}

/** A piece of a template: fixed text, or a condition key read from the request. */
type Segment = TextSegment | VariableSegment;

interface TextSegment {
  readonly kind: 'text';
  /** The text as a wildcard pattern: `${*}` already turned into LITERAL_STAR, `${?}` into LITERAL_QUESTION. */
  readonly pattern: string;
  /** The text with `${*}`, `${?}` rendered as plain `*`, `?`. */
  readonly plain: string;
}

interface VariableSegment {
  readonly kind: 'variable';
  readonly key: ConditionKey;
  /** The default value (`${key, 'default'}`), already escaped for pattern use in `fallbackPattern`. */
  readonly fallback: string | undefined;
  readonly fallbackPattern: string | undefined;
}

class Template implements TemplateString {
  public constructor(
    public readonly raw: string,
    private readonly segments: readonly Segment[],
    public readonly variableKeys: readonly string[],
  ) {}

  public render(ctx: ConditionContext, forPattern: boolean): string | undefined {
    const segments = this.segments;
    let out = '';
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      if (segment.kind === 'text') {
        out += forPattern ? segment.pattern : segment.plain;
        continue;
      }
      const value = ctx.get(segment.key);
      if (typeof value === 'string') {
        out += forPattern ? literal(value) : value;
      } else if (value === undefined && segment.fallback !== undefined) {
        out += forPattern ? segment.fallbackPattern : segment.fallback;
      } else {
        // Absent without a default, or multi-valued: "You can't use a multivalued condition key as a variable"
        // (reference_policies_variables.md, "Using variables in policies").
        return undefined;
      }
    }
    return out;
  }
}

/** The special variables of reference_policies_variables.md, "Special characters": pattern and plain renderings. */
const SPECIALS: Readonly<Record<string, readonly [string, string]>> = {
  '*': [LITERAL_STAR, '*'],
  '?': [LITERAL_QUESTION, '?'],
  '$': ['$', '$'],
};

/**
 * A condition key name as it may appear inside `${...}`: a service prefix, a colon, then the key name. Names may hold
 * `/` and `:` (aws:PrincipalTag/team, kms:EncryptionContext:Dept) and, for tag and encryption context keys, spaces
 * inside; they cannot hold the characters that delimit a variable (`$ { } , '`) or start or end with a space.
 */
const KEY_NAME = /^[A-Za-z0-9-]+:[^\s${},'"](?:[^${},'"\u0000-\u001f]*[^\s${},'"])?$/;

/**
 * Returns the string itself when it holds no `${...}`, else a TemplateString.
 *
 * Malformed sequences (`${` without `}`, an empty or invalid key name, a default not written `, 'value'`): the IAM
 * docs do not say what AWS does with them, so each one draws a `malformed-policy-variable` warning and its text is
 * kept literally (it then matches only the same literal text).
 * @param field when given, replaces `where.field` in those warnings (see IssueCollector.error)
 */
export function parseTemplate(raw: string, where: IssueLocation, issues: IssueCollector, field?: string): string | TemplateString {
  if (!raw.includes('${')) return raw;
  const segments: Segment[] = [];
  const keys: string[] = [];
  let pattern = '';
  let plain = '';
  let i = 0;
  while (i < raw.length) {
    const start = raw.indexOf('${', i);
    if (start < 0) {
      pattern += raw.slice(i);
      plain += raw.slice(i);
      break;
    }
    pattern += raw.slice(i, start);
    plain += raw.slice(i, start);
    const parsed = parseVariable(raw, start);
    if (typeof parsed === 'string') {
      issues.warning(
        'malformed-policy-variable',
        `malformed policy variable in ${show(raw)} at character ${start + 1}: ${parsed}; the text is kept literally. ` +
          'write a variable as `${service:KeyName}` or `${service:KeyName, \'default\'}`, or `${$}` for a literal `$`',
        where,
        field,
      );
      pattern += '${';
      plain += '${';
      i = start + 2;
      continue;
    }
    i = parsed.end;
    if (parsed.special !== undefined) {
      pattern += parsed.special[0];
      plain += parsed.special[1];
      continue;
    }
    if (pattern !== '' || plain !== '') segments.push({ kind: 'text', pattern, plain });
    pattern = '';
    plain = '';
    const lowerKey = parsed.key.toLowerCase();
    keys.push(lowerKey);
    if (isMultiValuedKey(lowerKey)) {
      issues.warning(
        'multi-valued-policy-variable',
        `policy variable \`\${${parsed.key}}\` in ${show(raw)} names a multi-valued condition key; IAM cannot substitute ` +
          'multi-valued keys (reference_policies_variables.md), so the value never matches. use a single-valued key',
        where,
        field,
      );
    }
    segments.push({
      kind: 'variable',
      key: new ConditionKey(lowerKey),
      fallback: parsed.fallback,
      fallbackPattern: parsed.fallback === undefined ? undefined : literal(parsed.fallback),
    });
  }
  if (pattern !== '' || plain !== '') segments.push({ kind: 'text', pattern, plain });
  return new Template(raw, segments, keys);
}

interface ParsedVariable {
  /** Index just past the closing `}`. */
  readonly end: number;
  readonly key: string;
  readonly fallback?: string;
  readonly special?: readonly [string, string];
}

/** Parses the variable whose `${` starts at `start`; returns a problem description when it is malformed. */
function parseVariable(raw: string, start: number): ParsedVariable | string {
  const open = start + 2;
  const special = SPECIALS[raw.charAt(open)];
  if (special !== undefined && raw.charAt(open + 1) === '}') return { end: open + 2, key: '', special };

  // The key name runs to the first `}` or `,`.
  let j = open;
  while (j < raw.length && raw[j] !== '}' && raw[j] !== ',') j++;
  if (j >= raw.length) return 'no closing `}`';
  const key = raw.slice(open, j);
  if (key === '') return 'the variable names no condition key';
  if (!KEY_NAME.test(key)) return `${show(key)} is not a condition key name (expected \`service:KeyName\`)`;
  if (raw[j] === '}') return { end: j + 1, key };

  // Default value: "surround the default value with single quotes, and separate the variable text and the default
  // value with a comma and space" (reference_policies_variables.md, "Specifying default values").
  // [choice] Any run of spaces after the comma (including none) is accepted; the quotes are required.
  let k = j + 1;
  while (raw[k] === ' ') k++;
  if (raw[k] !== '\'') return 'a default value must be written in single quotes after `, `, e.g. `${aws:username, \'guest\'}`';
  const close = raw.indexOf('\'', k + 1);
  if (close < 0) return 'the default value has no closing single quote';
  let m = close + 1;
  while (raw[m] === ' ') m++;
  if (raw[m] !== '}') return 'expected `}` right after the quoted default value';
  return { end: m + 1, key, fallback: raw.slice(k + 1, close) };
}

/** Marks `*` and `?` as literal characters so a substituted value cannot act as a wildcard. */
function literal(value: string): string {
  if (value.indexOf('*') < 0 && value.indexOf('?') < 0) return value;
  return value.split('*').join(LITERAL_STAR).split('?').join(LITERAL_QUESTION);
}
