/**
 * Normalised policy documents: every element that may be a string or an array becomes an array, the Principal element
 * becomes classified entries, and malformed input becomes issues instead of exceptions.
 *
 * Grammar: IAM User Guide reference_policies_elements_*.md and reference_policies_grammar; key-policy specifics from
 * kms-developer-guide key-policy-overview.md (Version, required Principal, Resource "*" = this key).
 */
import { canonicalAction } from './catalogue';
import { IssueCollector, IssueLocation, show } from './issues';
import { PolicyKind, hasPrincipalElement } from './policy-kind';
import { PrincipalEntry, isServicePrincipal, parseAwsPrincipal } from './principal';

export type Effect = 'Allow' | 'Deny';

export interface PolicyStatement {
  readonly index: number;
  readonly sid?: string;
  /** `Sid "EnableIAM"` or `statement #0`: how explanations and errors name the statement. */
  readonly label: string;
  readonly effect: Effect;
  /** Undefined when the element is absent. */
  readonly principal?: readonly PrincipalEntry[];
  readonly notPrincipal?: readonly PrincipalEntry[];
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
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

/** Reads a policy document. Never throws; problems go to `issues` with the policy label, statement and field. */
export function parsePolicyDocument(raw: unknown, kind: PolicyKind, label: string, issues: IssueCollector): PolicyDocument {
  const where: IssueLocation = { policy: label };
  const statements: PolicyStatement[] = [];
  const doc = { kind, label, statements } as { kind: PolicyKind; label: string; version?: string; id?: string; statements: PolicyStatement[] };
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
    issues.error('invalid-policy', `the ${label} must be a JSON object with a Statement, got ${show(parsed)}`, where);
    return doc;
  }
  for (const field of Object.keys(parsed)) {
    if (!POLICY_FIELDS.has(field)) {
      issues.error('invalid-field', `unknown policy element \`${field}\` in the ${label}: expected Version, Id and Statement`, { ...where, field });
    }
  }
  if (parsed.Version !== undefined) {
    if (typeof parsed.Version !== 'string' || !VERSIONS.has(parsed.Version)) {
      issues.error('invalid-field', `Version is ${show(parsed.Version)}: expected "2012-10-17"`, { ...where, field: 'Version' });
    } else {
      doc.version = parsed.Version;
    }
  }
  if (parsed.Id !== undefined) {
    if (typeof parsed.Id === 'string') doc.id = parsed.Id;
    else issues.error('invalid-field', `Id is ${show(parsed.Id)}: expected a string`, { ...where, field: 'Id' });
  }
  const rawStatements = parsed.Statement;
  if (rawStatements === undefined) {
    issues.error('invalid-policy', `the ${label} has no Statement element: add "Statement": [ ... ]`, { ...where, field: 'Statement' });
    return doc;
  }
  if (!Array.isArray(rawStatements) && !isObject(rawStatements)) {
    issues.error('invalid-policy', `Statement is ${show(rawStatements)}: expected a statement object or an array of them`, { ...where, field: 'Statement' });
    return doc;
  }
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  if (list.length === 0) {
    issues.error('invalid-policy', `the ${label} has an empty Statement array: add at least one statement`, { ...where, field: 'Statement' });
    return doc;
  }
  list.forEach((s, index) => {
    const statement = parseStatement(s, index, kind, label, issues);
    if (statement) statements.push(statement);
  });
  return doc;
}

function parseStatement(raw: unknown, index: number, kind: PolicyKind, label: string, issues: IssueCollector): PolicyStatement | undefined {
  if (!isObject(raw)) {
    issues.error('invalid-statement', `statement #${index} of the ${label} must be an object, got ${show(raw)}`, { policy: label, statement: `statement #${index}` });
    return undefined;
  }
  const sid = typeof raw.Sid === 'string' ? raw.Sid : undefined;
  const statementLabel = sid !== undefined && sid !== '' ? `Sid "${sid}"` : `statement #${index}`;
  const where = (field?: string): IssueLocation => ({ policy: label, statement: statementLabel, field });
  const errorsBefore = issues.issues.length;

  for (const field of Object.keys(raw)) {
    if (!STATEMENT_FIELDS.has(field)) {
      issues.error('invalid-field', `unknown statement element \`${field}\`: expected one of ${[...STATEMENT_FIELDS].join(', ')}`, where(field));
    }
  }
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') {
    issues.error('invalid-field', `Sid is ${show(raw.Sid)}: expected a string`, where('Sid'));
  }
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') {
    issues.error('invalid-effect', `Effect is ${show(raw.Effect)}: expected exactly "Allow" or "Deny" (case-sensitive)`, where('Effect'));
  }

  const principal = raw.Principal === undefined ? undefined : parsePrincipalElement(raw.Principal, 'Principal', where, issues);
  const notPrincipal = raw.NotPrincipal === undefined ? undefined : parsePrincipalElement(raw.NotPrincipal, 'NotPrincipal', where, issues);
  if (hasPrincipalElement(kind)) {
    if (raw.Principal !== undefined && raw.NotPrincipal !== undefined) {
      issues.error('conflicting-elements', 'the statement has both Principal and NotPrincipal: keep one', where('NotPrincipal'));
    } else if (raw.Principal === undefined && raw.NotPrincipal === undefined) {
      issues.error('missing-field', `every statement of a ${kind === 'key' ? 'key' : 'resource-based'} policy needs a Principal: add "Principal": {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}`, where('Principal'));
    }
  } else if (raw.Principal !== undefined || raw.NotPrincipal !== undefined) {
    issues.error('invalid-statement', `a ${label} is attached to a principal and cannot have a ${raw.Principal !== undefined ? 'Principal' : 'NotPrincipal'} element: remove it`, where(raw.Principal !== undefined ? 'Principal' : 'NotPrincipal'));
  }

  const action = raw.Action === undefined ? undefined : parseActions(raw.Action, 'Action', where, issues);
  const notAction = raw.NotAction === undefined ? undefined : parseActions(raw.NotAction, 'NotAction', where, issues);
  if (raw.Action !== undefined && raw.NotAction !== undefined) {
    issues.error('conflicting-elements', 'the statement has both Action and NotAction: keep one', where('NotAction'));
  } else if (raw.Action === undefined && raw.NotAction === undefined) {
    issues.error('missing-field', 'the statement has no Action: add "Action": ["kms:Decrypt", ...]', where('Action'));
  }

  const resource = raw.Resource === undefined ? undefined : parseStrings(raw.Resource, 'Resource', where, issues);
  const notResource = raw.NotResource === undefined ? undefined : parseStrings(raw.NotResource, 'NotResource', where, issues);
  if (raw.Resource !== undefined && raw.NotResource !== undefined) {
    issues.error('conflicting-elements', 'the statement has both Resource and NotResource: keep one', where('NotResource'));
  } else if (raw.Resource === undefined && raw.NotResource === undefined) {
    if (kind === 'key') {
      // key-policy-overview.md: CreateKey/PutKeyPolicy accept it, but the statement has no effect.
      issues.warning('statement-without-resource', 'this key-policy statement has no Resource element, so KMS ignores it: add "Resource": "*"', where('Resource'));
    } else if (kind !== 'scp') {
      issues.error('missing-field', 'the statement has no Resource: add "Resource" (the key ARN, or "*")', where('Resource'));
    }
  }

  if (issues.issues.length > errorsBefore && issues.issues.slice(errorsBefore).some((i) => i.severity === 'error')) return undefined;
  return {
    index,
    sid,
    label: statementLabel,
    effect: raw.Effect as Effect,
    principal,
    notPrincipal,
    action,
    notAction,
    // SCPs may omit Resource (it then means "*", IAM UG reference_policies_scps_syntax).
    resource: resource ?? (notResource === undefined && kind === 'scp' ? ['*'] : undefined),
    notResource,
    condition: raw.Condition,
  };
}

function parseStrings(raw: unknown, field: string, where: (f?: string) => IssueLocation, issues: IssueCollector): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
    issues.error('invalid-field', `${field} is ${show(raw)}: expected a non-empty string or an array of them`, where(field));
    return undefined;
  }
  return list as string[];
}

function parseActions(raw: unknown, field: string, where: (f?: string) => IssueLocation, issues: IssueCollector): string[] | undefined {
  const list = parseStrings(raw, field, where, issues);
  if (!list) return undefined;
  for (const action of list) {
    if (action === '*') continue;
    const colon = action.indexOf(':');
    if (colon <= 0) {
      issues.error('invalid-field', `${field} \`${action}\` is not an action: expected "service:Operation", e.g. "kms:Decrypt"`, where(field));
    } else if (action.slice(0, colon).toLowerCase() === 'kms' && !/[*?]/.test(action) && canonicalAction(action) === undefined) {
      issues.warning('unknown-action', `${field} \`${action}\` is not a KMS action, so it matches nothing: check the spelling against the KMS permissions reference`, where(field));
    }
  }
  return list;
}

type Locate = (field?: string) => IssueLocation;

function parsePrincipalElement(raw: unknown, field: string, where: Locate, issues: IssueCollector): PrincipalEntry[] | undefined {
  if (raw === '*') return [{ type: 'everyone' }];
  if (!isObject(raw)) {
    issues.error('invalid-field', `${field} is ${show(raw)}: expected "*" or an object such as {"AWS": "arn:aws:iam::111122223333:role/Name"}`, where(field));
    return undefined;
  }
  const entries: PrincipalEntry[] = [];
  let ok = true;
  for (const [type, value] of Object.entries(raw)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || !values.every((v) => typeof v === 'string' && v !== '')) {
      issues.error('invalid-field', `${field}.${type} is ${show(value)}: expected a string or an array of strings`, where(`${field}.${type}`));
      ok = false;
      continue;
    }
    for (const v of values as string[]) {
      if (type === 'AWS') {
        const entry = parseAwsPrincipal(v);
        if ('error' in entry) {
          issues.error(entry.error, entry.message, where(`${field}.AWS`));
          ok = false;
        } else {
          entries.push(entry);
        }
      } else if (type === 'Service') {
        if (!isServicePrincipal(v)) {
          issues.error('invalid-field', `${field}.Service \`${v}\` is not a service principal: expected a name such as "cloudtrail.amazonaws.com"`, where(`${field}.Service`));
          ok = false;
        } else {
          entries.push({ type: 'service', service: v.toLowerCase() });
        }
      } else if (type === 'Federated' || type === 'CanonicalUser') {
        entries.push({ type: 'other', value: `${type}:${v}` });
      } else {
        issues.error('invalid-field', `${field} has an unknown principal type \`${type}\`: expected AWS, Service, Federated or CanonicalUser`, where(`${field}.${type}`));
        ok = false;
      }
    }
  }
  return ok ? entries : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
