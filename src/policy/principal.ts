/**
 * Principals: who makes a request (the caller) and who a policy's Principal element names.
 *
 * Sources: kms-developer-guide key-policy-overview.md (account principal, service principals, groups never principals),
 * determining-access-key-policy.md (a role ARN matches the role's sessions), IAM User Guide
 * reference_policies_elements_principal.md (forms, no wildcards inside ARNs, session ARNs).
 */
import { Arn, isAccountId, parseArn } from './arn';

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
  readonly sessionName?: string;
  /** The value of aws:PrincipalArn: the role ARN (not the session ARN) for assumed-role sessions. */
  readonly principalArn?: string;
  /** The service principal name, lower-cased, e.g. `cloudtrail.amazonaws.com`. */
  readonly service?: string;
}

const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/i;

/** Whether a string is written as an AWS service principal (`svc.amazonaws.com`). */
export function isServicePrincipal(text: string): boolean {
  return SERVICE_PRINCIPAL.test(text);
}

/** Parses a caller: an IAM user, role, root, an STS assumed-role or federated-user session, or a service principal. */
export function parseCaller(text: string): Caller | undefined {
  if (isServicePrincipal(text)) return { arn: text, kind: 'service', service: text.toLowerCase() };
  const arn = parseArn(text);
  if (!arn || !isAccountId(arn.account) || arn.region !== '') return undefined;
  const base = { arn: text, account: arn.account, partition: arn.partition };
  if (arn.service === 'iam') {
    if (arn.resource === 'root') return { ...base, kind: 'root', principalArn: text };
    const user = /^user\/(?:.*\/)?([^/]+)$/.exec(arn.resource);
    if (user) return { ...base, kind: 'user', name: user[1], principalArn: text };
    const role = /^role\/(?:.*\/)?([^/]+)$/.exec(arn.resource);
    if (role) return { ...base, kind: 'role', name: role[1], principalArn: text };
    return undefined;
  }
  if (arn.service === 'sts') {
    const session = /^assumed-role\/([^/]+)\/([^/]+)$/.exec(arn.resource);
    if (session) {
      return {
        ...base,
        kind: 'assumed-role',
        name: session[1],
        sessionName: session[2],
        // The session ARN carries no role path; aws:PrincipalArn is the role ARN (IAM UG, aws:PrincipalArn).
        principalArn: `arn:${arn.partition}:iam::${arn.account}:role/${session[1]}`,
      };
    }
    const fed = /^federated-user\/([^/]+)$/.exec(arn.resource);
    if (fed) return { ...base, kind: 'federated-user', name: fed[1], principalArn: text };
  }
  return undefined;
}

/** One entry of a Principal element, classified. */
export type PrincipalEntry =
  | { readonly type: 'everyone' }
  | { readonly type: 'account'; readonly account: string }
  | { readonly type: 'user' | 'role'; readonly account: string; readonly name: string }
  | { readonly type: 'session'; readonly account: string; readonly name: string; readonly sessionName: string }
  | { readonly type: 'federated-user'; readonly account: string; readonly name: string }
  | { readonly type: 'service'; readonly service: string }
  /** Federated identity providers and canonical users: valid in some policies, never a KMS caller. */
  | { readonly type: 'other'; readonly value: string };

/**
 * Classifies one AWS principal value (`"*"`, `"111122223333"`, an IAM/STS ARN). Returns an error text for values that
 * IAM rejects, in particular wildcards inside an ARN.
 */
export function parseAwsPrincipal(value: string): PrincipalEntry | { readonly error: 'principal-wildcard-arn' | 'invalid-arn'; readonly message: string } {
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
  if (arn.service === 'iam') {
    if (arn.resource === 'root') return { type: 'account', account: arn.account };
    const m = /^(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn.resource);
    if (m) return { type: m[1] as 'user' | 'role', account: arn.account, name: m[2] };
    if (arn.resource.startsWith('group/')) {
      return { error: 'invalid-arn', message: `\`${value}\` is an IAM group, and groups are never principals in a key policy: name the users or roles, or delegate to the account and attach an IAM policy to the group` };
    }
  } else {
    const s = /^assumed-role\/([^/]+)\/([^/]+)$/.exec(arn.resource);
    if (s) return { type: 'session', account: arn.account, name: s[1], sessionName: s[2] };
    const f = /^federated-user\/([^/]+)$/.exec(arn.resource);
    if (f) return { type: 'federated-user', account: arn.account, name: f[1] };
  }
  return { error: 'invalid-arn', message: `\`${value}\` is not a principal ARN: expected user/, role/, root, assumed-role/ROLE/SESSION or federated-user/` };
}

/** How a principal entry applies to a caller. `specific`: it names the caller (or everyone); `account`: the caller's account. */
export type PrincipalMatch = 'specific' | 'account' | undefined;

export function matchPrincipalEntry(entry: PrincipalEntry, caller: Caller): PrincipalMatch {
  switch (entry.type) {
    case 'everyone':
      return 'specific';
    case 'account':
      return caller.account === entry.account ? 'account' : undefined;
    case 'user':
      return caller.kind === 'user' && caller.account === entry.account && caller.name === entry.name ? 'specific' : undefined;
    case 'role':
      // A role ARN matches the role and every session of it (determining-access-key-policy.md).
      return (caller.kind === 'role' || caller.kind === 'assumed-role') && caller.account === entry.account && caller.name === entry.name
        ? 'specific'
        : undefined;
    case 'session':
      return caller.kind === 'assumed-role' && caller.account === entry.account && caller.name === entry.name && caller.sessionName === entry.sessionName
        ? 'specific'
        : undefined;
    case 'federated-user':
      return caller.kind === 'federated-user' && caller.account === entry.account && caller.name === entry.name ? 'specific' : undefined;
    case 'service':
      return caller.kind === 'service' && caller.service === entry.service ? 'specific' : undefined;
    default:
      return undefined;
  }
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
