/**
 * Principals: who makes a request (the caller) and who a policy's Principal element names.
 *
 * Sources: kms-developer-guide key-policy-overview.md (account principal, service principals, groups never principals),
 * determining-access-key-policy.md (a role ARN matches the role's sessions), IAM User Guide
 * reference_policies_elements_principal.md (forms, no wildcards inside ARNs, session ARNs).
 *
 * How names compare (docs/kms-authorization.md, "principal names, paths and partitions"): the partition always takes
 * part. IAM names are unique within an account without regard to case, and a user's path can change, so an entry and a
 * caller that differ only in the case of a name, or in the path, might be the same principal to AWS, or might not
 * (the Principal element's user name is case-sensitive, reference_policies_elements_principal.md). An Allow therefore
 * matches only when AWS certainly would (`strict`: same partition, account, exact name and path), a Deny whenever AWS
 * might (`loose`: names compared without regard to case, paths ignored).
 */
import { Arn, isAccountId, parseArn } from './arn';
import { BoundedCache } from './bounded-cache';

export type CallerKind = 'user' | 'role' | 'assumed-role' | 'federated-user' | 'root' | 'service';

/** The principal making a request. */
export interface Caller {
  readonly arn: string;
  readonly kind: CallerKind;
  /** Undefined for AWS service principals, which belong to no account. */
  readonly account?: string;
  readonly partition?: string;
  /** User name, role name (also for sessions), federated user name. */
  readonly name?: string;
  /**
   * The IAM path of a user or role caller, `/` or `/division/`; undefined for other callers (a session ARN does not
   * carry its role's path).
   */
  readonly path?: string;
  readonly sessionName?: string;
  /** The value of aws:PrincipalArn: the role ARN (not the session ARN) for assumed-role sessions. */
  readonly principalArn?: string;
  /** The service principal name, lower-cased, e.g. `cloudtrail.amazonaws.com`. */
  readonly service?: string;
  /**
   * How explanations name the caller: `the root user of account 111122223333`, `ARN (a session of role NAME)`, ...
   * Made once with the caller, as nearly every explanation uses it.
   */
  readonly description: string;
}

const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/i;

/** Whether a string is written as an AWS service principal (`svc.amazonaws.com`). */
export function isServicePrincipal(text: string): boolean {
  return SERVICE_PRINCIPAL.test(text);
}

/** Callers by ARN: the same few principals call again and again. Caller objects are immutable. */
const callerCache = new BoundedCache<Caller | null>(31);

/** Parses a caller: an IAM user, role, root, an STS assumed-role or federated-user session, or a service principal. */
export function parseCaller(text: string): Caller | undefined {
  let caller = callerCache.get(text);
  if (caller === undefined) {
    caller = classifyCaller(text) ?? null;
    callerCache.set(text, caller);
  }
  return caller ?? undefined;
}

function classifyCaller(text: string): Caller | undefined {
  // An ARN holds colons, which a service principal cannot: skip the service-principal test for ARNs.
  if (!text.startsWith('arn:') && isServicePrincipal(text)) return makeCaller(text, 'service', undefined, undefined, undefined, undefined, undefined, undefined, text.toLowerCase());
  // IAM and STS names never hold a wildcard: a caller written with one is a pattern, not a principal.
  if (text.includes('*') || text.includes('?')) return undefined;
  const arn = parseArn(text);
  if (!arn || !isAccountId(arn.account) || arn.region !== '') return undefined;
  const { account, partition, resource } = arn;
  if (arn.service === 'iam') {
    if (resource === 'root') return makeCaller(text, 'root', account, partition, undefined, undefined, undefined, text);
    const named = IAM_NAMED.exec(resource);
    if (named) return makeCaller(text, named[1] as 'user' | 'role', account, partition, named[3], named[2], undefined, text);
    return undefined;
  }
  if (arn.service === 'sts') {
    const session = /^assumed-role\/([^/]+)\/([^/]+)$/.exec(resource);
    if (session) {
      // The session ARN carries no role path; aws:PrincipalArn is the role ARN (IAM UG, aws:PrincipalArn).
      const roleArn = `arn:${partition}:iam::${account}:role/${session[1]}`;
      return makeCaller(text, 'assumed-role', account, partition, session[1], undefined, session[2], roleArn);
    }
    const fed = /^federated-user\/([^/]+)$/.exec(resource);
    if (fed) return makeCaller(text, 'federated-user', account, partition, fed[1], undefined, undefined, text);
  }
  return undefined;
}

/**
 * `{ roleArn }` for an IAM role ARN, to give with a caller that is a session of it (the scenario's `caller.roleArn`):
 * aws:PrincipalArn of the session is the role's ARN with its path, which the session ARN does not carry. Nothing for
 * other ARNs.
 */
export function sessionRoleArn(arn: string): { roleArn?: string } {
  return /^arn:[^:]+:iam::\d{12}:role\//.test(arn) ? { roleArn: arn } : {};
}

/**
 * A session caller whose role's ARN (with its path) is known: aws:PrincipalArn is that ARN. `roleArn` must be the
 * ARN of the session's role (checked by the scenario reader).
 */
export function withRoleArn(caller: Caller, roleArn: string): Caller {
  return makeCaller(caller.arn, caller.kind, caller.account, caller.partition, caller.name, caller.path, caller.sessionName, roleArn, caller.service);
}

/**
 * Every caller gets the same object shape (absent fields undefined), built without spreads: the engine reads callers
 * on every check, and one shape keeps those reads fast.
 */
function makeCaller(
  arn: string, kind: CallerKind, account: string | undefined, partition: string | undefined, name: string | undefined,
  path: string | undefined, sessionName: string | undefined, principalArn: string | undefined, service?: string,
): Caller {
  return { arn, kind, account, partition, name, path, sessionName, principalArn, service, description: describeCaller(arn, kind, account, name) };
}

/**
 * `user/NAME`, `role/NAME` or either with a path (`role/division/team/NAME`): the type, the path with its slashes
 * (`/`, `/division/team/`) and the name. IAM paths hold no empty segment.
 */
const IAM_NAMED = /^(user|role)(\/(?:[^/]+\/)*)([^/]+)$/;

function describeCaller(arn: string, kind: CallerKind, account: string | undefined, name: string | undefined): string {
  switch (kind) {
    case 'service': return `the service principal ${arn}`;
    case 'assumed-role': return `${arn} (a session of role ${name})`;
    case 'root': return `the root user of account ${account}`;
    default: return arn;
  }
}

/**
 * One entry of a Principal element, classified. `partition` is that of the ARN; a bare account id has none (it means
 * the account in the partition of the resource, and a caller of another partition never reaches the resource).
 */
export type PrincipalEntry =
  | { readonly type: 'everyone' }
  | { readonly type: 'account'; readonly account: string; readonly partition?: string }
  | { readonly type: 'user' | 'role'; readonly partition: string; readonly account: string; readonly name: string; readonly path: string }
  | { readonly type: 'session'; readonly partition: string; readonly account: string; readonly name: string; readonly sessionName: string }
  | { readonly type: 'federated-user'; readonly partition: string; readonly account: string; readonly name: string }
  | { readonly type: 'service'; readonly service: string }
  /** Federated identity providers and canonical users: valid in some policies, never a KMS caller. */
  | { readonly type: 'other'; readonly value: string };

/** A principal value IAM rejects, and why. */
export interface PrincipalError {
  readonly error: 'principal-wildcard-arn' | 'invalid-arn';
  readonly message: string;
}

/**
 * Principal values by text: policies name the same accounts and roles over and over. Entries and errors are
 * immutable; the location of an error is added by the caller.
 */
const principalCache = new BoundedCache<PrincipalEntry | PrincipalError>(127);

/**
 * Classifies one AWS principal value (`"*"`, `"111122223333"`, an IAM/STS ARN). Returns an error text for values that
 * IAM rejects, in particular wildcards inside an ARN.
 */
export function parseAwsPrincipal(value: string): PrincipalEntry | PrincipalError {
  let entry = principalCache.get(value);
  if (entry === undefined) {
    entry = classifyAwsPrincipal(value);
    principalCache.set(value, entry);
  }
  return entry;
}

function classifyAwsPrincipal(value: string): PrincipalEntry | PrincipalError {
  if (value === '*') return { type: 'everyone' };
  if (isAccountId(value)) return { type: 'account', account: value };
  const arn: Arn | undefined = parseArn(value);
  if (!arn || !isAccountId(arn.account) || (arn.service !== 'iam' && arn.service !== 'sts')) {
    return { error: 'invalid-arn', message: `\`${value}\` is not an AWS principal: expected "*", a 12-digit account id, or an IAM user, role, root or STS session ARN` };
  }
  if (value.includes('*') || value.includes('?')) {
    return {
      error: 'principal-wildcard-arn',
      message: `\`${value}\` has a wildcard inside a principal ARN, which IAM rejects: name the principal exactly, or use Principal "*" with an aws:PrincipalArn ArnLike condition`,
    };
  }
  const partition = arn.partition;
  if (arn.service === 'iam') {
    if (arn.resource === 'root') return { type: 'account', account: arn.account, partition };
    const m = IAM_NAMED.exec(arn.resource);
    if (m) return { type: m[1] as 'user' | 'role', partition, account: arn.account, name: m[3], path: m[2] };
    if (arn.resource.startsWith('group/')) {
      return { error: 'invalid-arn', message: `\`${value}\` is an IAM group, and groups are never principals in a policy (key policies and VPC endpoint policies included): name the users or roles, or delegate to the account and attach an IAM policy to the group` };
    }
  } else {
    const s = /^assumed-role\/([^/]+)\/([^/]+)$/.exec(arn.resource);
    if (s) return { type: 'session', partition, account: arn.account, name: s[1], sessionName: s[2] };
    const f = /^federated-user\/([^/]+)$/.exec(arn.resource);
    if (f) return { type: 'federated-user', partition, account: arn.account, name: f[1] };
  }
  return { error: 'invalid-arn', message: `\`${value}\` is not a principal ARN: expected user/, role/, root, assumed-role/ROLE/SESSION or federated-user/` };
}

/** How a principal entry applies to a caller. `specific`: it names the caller (or everyone); `account`: the caller's account. */
export type PrincipalMatch = 'specific' | 'account' | undefined;

/**
 * Whether an entry names the caller. `loose` is for Deny statements: it matches whenever AWS might take the entry for
 * the caller (names without regard to case, paths ignored); otherwise the match is one AWS certainly makes (exact
 * names and paths). Partitions and accounts are always compared. A role entry matches the role's sessions by name: a
 * session ARN does not carry its role's path, and a role name is unique in its account whatever the path.
 */
export function matchPrincipalEntry(entry: PrincipalEntry, caller: Caller, loose = false): PrincipalMatch {
  switch (entry.type) {
    case 'everyone':
      return 'specific';
    case 'account':
      return caller.account === entry.account && samePartition(entry.partition, caller.partition) ? 'account' : undefined;
    case 'user':
      return caller.kind === 'user' && sameHolder(entry, caller) && sameName(entry.name, caller.name, loose) && (loose || entry.path === caller.path)
        ? 'specific'
        : undefined;
    case 'role':
      // A role ARN matches the role and every session of it (determining-access-key-policy.md).
      if (caller.kind === 'role') {
        return sameHolder(entry, caller) && sameName(entry.name, caller.name, loose) && (loose || entry.path === caller.path) ? 'specific' : undefined;
      }
      return caller.kind === 'assumed-role' && sameHolder(entry, caller) && sameName(entry.name, caller.name, loose) ? 'specific' : undefined;
    case 'session':
      return caller.kind === 'assumed-role' && sameHolder(entry, caller) && sameName(entry.name, caller.name, loose)
        && sameName(entry.sessionName, caller.sessionName, loose)
        ? 'specific'
        : undefined;
    case 'federated-user':
      return caller.kind === 'federated-user' && sameHolder(entry, caller) && sameName(entry.name, caller.name, loose) ? 'specific' : undefined;
    case 'service':
      return caller.kind === 'service' && caller.service === entry.service ? 'specific' : undefined;
    default:
      return undefined;
  }
}

/** A partition absent on either side (a bare account id, a service principal) does not decide. */
function samePartition(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function sameHolder(entry: { readonly partition: string; readonly account: string }, caller: Caller): boolean {
  return caller.account === entry.account && samePartition(entry.partition, caller.partition);
}

/** Exact, or (loose) without regard to case: IAM names are unique within an account without regard to case. */
function sameName(a: string, b: string | undefined, loose: boolean): boolean {
  if (a === b) return true;
  return loose && b !== undefined && a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

/** Human text for a principal entry, for explanations. */
export function describePrincipalEntry(entry: PrincipalEntry): string {
  switch (entry.type) {
    case 'everyone': return 'everyone ("*")';
    case 'account': return `account ${entry.account}`;
    case 'user': return `user ${entry.name} of ${entry.account}`;
    case 'role': return `role ${entry.name} of ${entry.account}`;
    case 'session': return `session ${entry.sessionName} of role ${entry.name} of ${entry.account}`;
    case 'federated-user': return `federated user ${entry.name} of ${entry.account}`;
    case 'service': return `service ${entry.service}`;
    default: return entry.value;
  }
}
