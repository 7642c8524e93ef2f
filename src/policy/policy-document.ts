/**
 * Normalised policy documents: every element that may be a string or an array becomes an array, the Principal element
 * becomes classified entries, and malformed input becomes issues instead of exceptions.
 *
 * Grammar: IAM User Guide reference_policies_elements_*.md and reference_policies_grammar; key-policy specifics from
 * kms-developer-guide key-policy-overview.md (Version, required Principal, Resource "*" = this key).
 */
import { ActionPattern, actionPattern } from './action-pattern';
import { hasOwn } from './has-own';
import { InputBoundCodes, IssueCollector, IssueLocation, MAX_STRING_LENGTH, clip, show, tooLongMessage } from './issues';
import { PolicyKind, hasPrincipalElement } from './policy-kind';
import { PrincipalEntry, isServicePrincipal, parseAwsPrincipal } from './principal';
import { ambiguousSids, statementLabel } from './statement-label';

export type Effect = 'Allow' | 'Deny';

export interface PolicyStatement {
  readonly index: number;
  readonly sid?: string;
  /**
   * `Sid "EnableIAM"`, `Sid "EnableIAM" (statement #2)` when the Sid names more than one statement, or `statement #0`:
   * how explanations and errors name the statement (statement-label.ts).
   */
  readonly label: string;
  /** The policy and statement, for issues found later (conditions, policy variables). */
  readonly where: IssueLocation;
  readonly effect: Effect;
  /** Undefined when the element is absent. */
  readonly principal?: readonly PrincipalEntry[];
  readonly notPrincipal?: readonly PrincipalEntry[];
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  /** The Action or NotAction element (whichever the statement has), read into patterns. */
  readonly actionPatterns: readonly ActionPattern[];
  /** The statement has NotAction: `actionPatterns` are the actions it does not cover. */
  readonly actionNegated: boolean;
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  /** The raw Condition element; compiled by the evaluator. */
  readonly condition?: unknown;
}

export interface PolicyDocument {
  readonly kind: PolicyKind;
  /** `key policy`, `identity policy #0`, `SCP #1`, ...: used in every explanation and issue. */
  readonly label: string;
  readonly version?: string;
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

const POLICY_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const EVERYONE: PrincipalEntry = Object.freeze({ type: 'everyone' });

/** Reads a policy document. Never throws; problems go to `issues` with the policy label, statement and field. */
export function parsePolicyDocument(raw: unknown, kind: PolicyKind, label: string, issues: IssueCollector): PolicyDocument {
  const where: IssueLocation = { policy: label };
  const doc = { kind, label, statements: [] } as { kind: PolicyKind; label: string; version?: string; id?: string; statements: PolicyStatement[] };
  let parsed = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      issues.error('invalid-policy', `the ${label} is a string that is not JSON (${(e as Error).message}): pass the policy document as an object`, where);
      return doc;
    }
  }
  if (!isObject(parsed)) {
    issues.shapeError(parsed, 'invalid-policy', `the ${label} must be a JSON object with a Statement, got ${show(parsed)}`, where);
    return doc;
  }
  for (const field in parsed) {
    if (hasOwn(parsed, field) && !POLICY_FIELDS.has(field)) {
      issues.error('invalid-field', `unknown policy element \`${clip(field)}\` in the ${label}: expected Version, Id and Statement`, where, clip(field));
    }
  }
  if (parsed.Version !== undefined) {
    if (typeof parsed.Version !== 'string' || !VERSIONS.has(parsed.Version)) {
      issues.shapeError(parsed.Version, 'invalid-field', `Version is ${show(parsed.Version)}: expected "2012-10-17"`, where, 'Version');
    } else {
      doc.version = parsed.Version;
    }
  }
  if (parsed.Id !== undefined) {
    if (typeof parsed.Id !== 'string') issues.shapeError(parsed.Id, 'invalid-field', `Id is ${show(parsed.Id)}: expected a string`, where, 'Id');
    else if (parsed.Id.length > MAX_STRING_LENGTH) issues.error(InputBoundCodes.VALUE_TOO_LONG, tooLongMessage('Id', parsed.Id), where, 'Id');
    else doc.id = parsed.Id;
  }
  const rawStatements = parsed.Statement;
  if (rawStatements === undefined) {
    issues.error('invalid-policy', `the ${label} has no Statement element: add "Statement": [ ... ]`, where, 'Statement');
    return doc;
  }
  if (!Array.isArray(rawStatements) && !isObject(rawStatements)) {
    issues.shapeError(rawStatements, 'invalid-policy', `Statement is ${show(rawStatements)}: expected a statement object or an array of them`, where, 'Statement');
    return doc;
  }
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  if (list.length === 0) {
    issues.error('invalid-policy', `the ${label} has an empty Statement array: add at least one statement`, where, 'Statement');
    return doc;
  }
  // map rather than push onto []: V8 gives an array grown by push room for 17 elements, which is garbage per policy.
  const ambiguous = ambiguousSids(list);
  const parsedStatements = list.map((s, index) => parseStatement(s, index, kind, label, ambiguous, issues));
  // Invalid statements (and holes) are left out.
  doc.statements = parsedStatements.includes(undefined) ? parsedStatements.filter((s) => s !== undefined) : parsedStatements as PolicyStatement[];
  return doc;
}

/**
 * Where a statement is, for issues: the policy, and the statement's label (`Sid "X"`, or `statement #2` without a Sid).
 * The label is made on first use: most statements are never named (no issue, and they decide nothing).
 */
class StatementLocation implements IssueLocation {
  private label: string | undefined;

  public constructor(
    public readonly policy: string,
    private readonly sid: string | undefined,
    private readonly index: number,
    private readonly ambiguous: ReadonlySet<string>,
  ) {}

  public get statement(): string {
    const sid = this.sid !== '' ? this.sid : undefined;
    return this.label ??= statementLabel(sid, this.index, sid !== undefined && this.ambiguous.has(sid));
  }
}

class ParsedStatement implements PolicyStatement {
  public constructor(
    public readonly index: number,
    public readonly sid: string | undefined,
    public readonly where: StatementLocation,
    public readonly effect: Effect,
    public readonly principal: readonly PrincipalEntry[] | undefined,
    public readonly notPrincipal: readonly PrincipalEntry[] | undefined,
    public readonly actionPatterns: readonly ActionPattern[],
    public readonly actionNegated: boolean,
    public readonly resource: readonly string[] | undefined,
    public readonly notResource: readonly string[] | undefined,
    public readonly condition: unknown,
  ) {}

  public get label(): string {
    return this.where.statement;
  }

  /** Action as written, made on read: the evaluator reads `actionPatterns`. */
  public get action(): readonly string[] | undefined {
    return this.actionNegated ? undefined : this.actionPatterns.map((p) => p.text);
  }

  /** NotAction as written, made on read. */
  public get notAction(): readonly string[] | undefined {
    return this.actionNegated ? this.actionPatterns.map((p) => p.text) : undefined;
  }
}

function parseStatement(
  raw: unknown, index: number, kind: PolicyKind, label: string, ambiguous: ReadonlySet<string>, issues: IssueCollector,
): PolicyStatement | undefined {
  if (!isObject(raw)) {
    issues.shapeError(raw, 'invalid-statement', `statement #${index} of the ${label} must be an object, got ${show(raw)}`, { policy: label, statement: `statement #${index}` });
    return undefined;
  }
  // One pass over the statement's own keys picks up its elements: statements come in many shapes, and reading each
  // element by name from each shape costs more than this (no key array either).
  let rawSid: unknown;
  let effect: unknown;
  let rawPrincipal: unknown;
  let rawNotPrincipal: unknown;
  let rawAction: unknown;
  let rawNotAction: unknown;
  let rawResource: unknown;
  let rawNotResource: unknown;
  let condition: unknown;
  let unknownFields = false;
  for (const field in raw) {
    if (!hasOwn(raw, field)) continue;
    const value = raw[field];
    switch (field) {
      case 'Sid': rawSid = value; break;
      case 'Effect': effect = value; break;
      case 'Principal': rawPrincipal = value; break;
      case 'NotPrincipal': rawNotPrincipal = value; break;
      case 'Action': rawAction = value; break;
      case 'NotAction': rawNotAction = value; break;
      case 'Resource': rawResource = value; break;
      case 'NotResource': rawNotResource = value; break;
      case 'Condition': condition = value; break;
      default: unknownFields = true;
    }
  }
  const sid = typeof rawSid === 'string' && rawSid.length <= MAX_STRING_LENGTH ? rawSid : undefined;
  // One location per statement; a field is named only when an issue is raised.
  const where = new StatementLocation(label, sid, index, ambiguous);
  const errorsBefore = issues.errorCount;

  if (unknownFields) {
    for (const field of Object.keys(raw)) {
      if (!STATEMENT_FIELDS.has(field)) {
        issues.error('invalid-field', `unknown statement element \`${clip(field)}\`: expected one of ${[...STATEMENT_FIELDS].join(', ')}`, where, clip(field));
      }
    }
  }
  if (rawSid !== undefined && typeof rawSid !== 'string') {
    issues.shapeError(rawSid, 'invalid-field', `Sid is ${show(rawSid)}: expected a string`, where, 'Sid');
  } else if (rawSid !== undefined && sid === undefined) {
    issues.error(InputBoundCodes.VALUE_TOO_LONG, tooLongMessage('Sid', rawSid as string), where, 'Sid');
  }
  if (effect !== 'Allow' && effect !== 'Deny') {
    issues.shapeError(effect, 'invalid-effect', `Effect is ${show(effect)}: expected exactly "Allow" or "Deny" (case-sensitive)`, where, 'Effect');
  }

  const principal = rawPrincipal === undefined ? undefined : parsePrincipalElement(rawPrincipal, 'Principal', where, issues);
  const notPrincipal = rawNotPrincipal === undefined ? undefined : parsePrincipalElement(rawNotPrincipal, 'NotPrincipal', where, issues);
  if (hasPrincipalElement(kind)) {
    if (rawPrincipal !== undefined && rawNotPrincipal !== undefined) {
      issues.error('conflicting-elements', 'the statement has both Principal and NotPrincipal: keep one', where, 'NotPrincipal');
    } else if (rawPrincipal === undefined && rawNotPrincipal === undefined) {
      issues.error('missing-field', `every statement of a ${kind === 'key' ? 'key' : 'resource-based'} policy needs a Principal: add "Principal": {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}`, where, 'Principal');
    }
  } else if (rawPrincipal !== undefined || rawNotPrincipal !== undefined) {
    const element = rawPrincipal !== undefined ? 'Principal' : 'NotPrincipal';
    issues.error('invalid-statement', `the ${label} is attached to a principal and cannot have a ${element} element: remove it`, where, element);
  }

  const action = rawAction === undefined ? undefined : parseActions(rawAction, 'Action', where, issues);
  const notAction = rawNotAction === undefined ? undefined : parseActions(rawNotAction, 'NotAction', where, issues);
  if (rawAction !== undefined && rawNotAction !== undefined) {
    issues.error('conflicting-elements', 'the statement has both Action and NotAction: keep one', where, 'NotAction');
  } else if (rawAction === undefined && rawNotAction === undefined) {
    issues.error('missing-field', 'the statement has no Action: add "Action": ["kms:Decrypt", ...]', where, 'Action');
  }

  const resource = rawResource === undefined ? undefined : parseStrings(rawResource, 'Resource', where, issues);
  const notResource = rawNotResource === undefined ? undefined : parseStrings(rawNotResource, 'NotResource', where, issues);
  if (rawResource !== undefined && rawNotResource !== undefined) {
    issues.error('conflicting-elements', 'the statement has both Resource and NotResource: keep one', where, 'NotResource');
  } else if (rawResource === undefined && rawNotResource === undefined) {
    if (kind === 'key') {
      // key-policy-overview.md: CreateKey/PutKeyPolicy accept it, but the statement has no effect.
      issues.warning('statement-without-resource', 'this key-policy statement has no Resource element, so KMS ignores it: add "Resource": "*"', where, 'Resource');
    } else if (kind !== 'scp') {
      issues.error('missing-field', 'the statement has no Resource: add "Resource" (the key ARN, or "*")', where, 'Resource');
    }
  }

  if (issues.errorCount > errorsBefore) return undefined;
  return new ParsedStatement(
    index,
    sid,
    where,
    effect as Effect,
    principal,
    notPrincipal,
    // Exactly one of the two is set: a statement with both or neither has an error and was left out above.
    (action ?? notAction)!,
    action === undefined,
    // SCPs may omit Resource (it then means "*", IAM UG reference_policies_scps_syntax).
    resource ?? (notResource === undefined && kind === 'scp' ? STAR : undefined),
    notResource,
    condition,
  );
}


/** `"*"` alone, the most common element value (`"Resource": "*"`): one shared list rather than one per statement. */
const STAR: readonly string[] = Object.freeze(['*']);

function parseStrings(raw: unknown, field: string, where: IssueLocation, issues: IssueCollector): readonly string[] | undefined {
  if (raw === '*') return STAR;
  const list = Array.isArray(raw) ? raw : [raw];
  if (!areNonEmptyStrings(list)) {
    issues.shapeError(raw, 'invalid-field', `${field} is ${show(raw)}: expected a non-empty string or an array of them`, where, field);
    return undefined;
  }
  const long = firstTooLong(list);
  if (long === undefined) return list;
  issues.error(InputBoundCodes.VALUE_TOO_LONG, tooLongMessage(field, long), where, field);
  return undefined;
}

/** Checks each action text; returns the element's patterns, or undefined when the element is not a list of strings. */
function parseActions(raw: unknown, field: string, where: IssueLocation, issues: IssueCollector): readonly ActionPattern[] | undefined {
  const list = parseStrings(raw, field, where, issues);
  if (!list) return undefined;
  // Usually one action, whose pattern carries a shared one-element list: no list is made per statement then.
  if (list.length === 1) {
    const pattern = actionPattern(list[0]);
    if (pattern.problem !== undefined) reportActionProblem(pattern, field, where, issues);
    return pattern.alone;
  }
  const patterns = new Array<ActionPattern>(list.length);
  for (let i = 0; i < list.length; i++) {
    const pattern = patterns[i] = actionPattern(list[i]);
    if (pattern.problem !== undefined) reportActionProblem(pattern, field, where, issues);
  }
  return patterns;
}

function reportActionProblem(pattern: ActionPattern, field: string, where: IssueLocation, issues: IssueCollector): void {
  if (pattern.problem === 'not-an-action') {
    issues.error('invalid-field', `${field} \`${pattern.text}\` is not an action: expected "service:Operation", e.g. "kms:Decrypt"`, where, field);
  } else {
    issues.warning('unknown-action', `${field} \`${pattern.text}\` is not a KMS action, so it matches nothing: check the spelling against the KMS permissions reference`, where, field);
  }
}

function parsePrincipalElement(raw: unknown, field: string, where: IssueLocation, issues: IssueCollector): PrincipalEntry[] | undefined {
  if (raw === '*') return [EVERYONE];
  if (!isObject(raw)) {
    issues.shapeError(raw, 'invalid-field', `${field} is ${show(raw)}: expected "*" or an object such as {"AWS": "arn:aws:iam::111122223333:role/Name"}`, where, field);
    return undefined;
  }
  // Usually one type with one value ({"AWS": "arn:..."}): the list is made by its first entry, as V8 gives an empty
  // array grown by push room for 17 elements.
  let entries: PrincipalEntry[] | undefined;
  let ok = true;
  for (const type in raw) {
    if (!hasOwn(raw, type)) continue;
    const value = raw[type];
    const values = typeof value === 'string' ? undefined : Array.isArray(value) ? value : [value];
    if (values === undefined ? value === '' : !areNonEmptyStrings(values)) {
      issues.shapeError(value, 'invalid-field', `${field}.${clip(type)} is ${show(value)}: expected a string or an array of strings`, where, `${field}.${clip(type)}`);
      ok = false;
      continue;
    }
    const long = values === undefined ? ((value as string).length > MAX_STRING_LENGTH ? value as string : undefined) : firstTooLong(values);
    if (long !== undefined) {
      issues.error(InputBoundCodes.VALUE_TOO_LONG, tooLongMessage(`${field}.${clip(type)}`, long), where, `${field}.${clip(type)}`);
      ok = false;
      continue;
    }
    const count = values === undefined ? 1 : values.length;
    for (let i = 0; i < count; i++) {
      const entry = parsePrincipalValue(type, values === undefined ? value as string : values[i], field, where, issues);
      if (entry === undefined) ok = false;
      else if (entries === undefined) entries = [entry];
      else entries.push(entry);
    }
  }
  if (ok && entries === undefined) {
    // `{}` names nobody. An empty value list (`{"AWS": []}`) is refused above as IAM refuses it; an element with no
    // principal type at all is refused the same way rather than read as a statement that applies to no one (which
    // would make a Deny silently void), so the policy is reported before KMS rejects it at deployment [choice: the
    // AWS pages do not say what KMS answers for it].
    issues.error('invalid-field', `${field} is {}: expected "*" or at least one principal type such as {"AWS": "arn:aws:iam::111122223333:role/Name"}`, where, field);
    return undefined;
  }
  return ok ? entries ?? [] : undefined;
}

/** One value of a Principal element of the given type; undefined (with an error) when it is not a valid principal. */
function parsePrincipalValue(type: string, v: string, field: string, where: IssueLocation, issues: IssueCollector): PrincipalEntry | undefined {
  if (type === 'AWS') {
    const entry = parseAwsPrincipal(v);
    if (!('error' in entry)) return entry;
    issues.error(entry.error, entry.message, where, `${field}.AWS`);
  } else if (type === 'Service') {
    if (isServicePrincipal(v)) return { type: 'service', service: v.toLowerCase() };
    issues.error('invalid-field', `${field}.Service \`${v}\` is not a service principal: expected a name such as "cloudtrail.amazonaws.com"`, where, `${field}.Service`);
  } else if (type === 'Federated' || type === 'CanonicalUser') {
    return { type: 'other', value: `${type}:${v}` };
  } else {
    issues.error('invalid-field', `${field} has an unknown principal type \`${clip(type)}\`: expected AWS, Service, Federated or CanonicalUser`, where, `${field}.${clip(type)}`);
  }
  return undefined;
}

/** The first string of `list` longer than MAX_STRING_LENGTH, if any. */
function firstTooLong(list: readonly string[]): string | undefined {
  for (let i = 0; i < list.length; i++) {
    if (list[i].length > MAX_STRING_LENGTH) return list[i];
  }
  return undefined;
}

/** A non-empty list of non-empty strings (a hole in a sparse array is not a string). */
function areNonEmptyStrings(list: readonly unknown[]): list is string[] {
  if (list.length === 0) return false;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'string' || v === '') return false;
  }
  return true;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
