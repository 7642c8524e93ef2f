/**
 * Does a statement apply to a request? Principal/NotPrincipal, Action (already indexed by the compiled policy),
 * Resource/NotResource and Condition, per IAM User Guide reference_policies_elements_*.md and kms-semantics.md §3.
 */
import { ActionProfile } from './action-profile';
import { CompiledPolicy, CompiledStatement, firstFailingCondition, matchesResource } from './compiled-policy';
import { Caller, PrincipalEntry, matchPrincipalEntry } from '../policy/principal';
import { CompiledCondition } from './conditions/compile-condition';
import { ConditionContext } from './context';
import { appendShort } from './short-list';

/**
 * How a statement's Principal element reaches the caller, strongest last:
 * NONE; ACCOUNT (the caller's account principal: delegation to IAM, key-policy-default.md);
 * BROAD ("*" or a role ARN: a direct grant that a permissions boundary or session policy still limits,
 * IAM UG reference_policies_evaluation-logic.md);
 * PRINCIPAL_ARN ("*" narrowed by an aws:PrincipalArn condition: "Identity-based policy types, such as permissions
 * boundaries or session policies, do not limit permissions granted using the aws:PrincipalArn condition key with a
 * wildcard (*) in the Principal element", IAM UG reference_policies_elements_principal.md, IAM role principals);
 * EXACT (the user, session, federated user or service itself).
 */
export const enum PrincipalReach { NONE = 0, ACCOUNT = 1, BROAD = 2, PRINCIPAL_ARN = 3, EXACT = 4 }

/**
 * The reach of a Principal element. `loose` for Deny statements: a deny applies whenever AWS might take an entry for
 * the caller (principal.ts, matchPrincipalEntry).
 */
export function principalReach(entries: readonly PrincipalEntry[], caller: Caller, loose = false): PrincipalReach {
  let best = PrincipalReach.NONE;
  for (const entry of entries) {
    const m = matchPrincipalEntry(entry, caller, loose);
    if (m === 'account') {
      if (best < PrincipalReach.ACCOUNT) best = PrincipalReach.ACCOUNT;
    } else if (m === 'specific') {
      const reach = entry.type === 'everyone' || entry.type === 'role' ? PrincipalReach.BROAD : PrincipalReach.EXACT;
      if (reach > best) best = reach;
    }
  }
  return best;
}

/**
 * NotPrincipal with Deny: the statement applies to everyone the element does not exclude. [choice] Following IAM UG
 * reference_policies_elements_notprincipal.md, a caller is excluded only when the element names its whole chain: the
 * user (or the session and its role) and the account, each exactly (partition, case and path: an exclusion is an
 * escape from a deny, so it must be certain); and a caller with a permissions boundary is never excluded.
 * NotPrincipal with Allow is refused when the policy is read (compiled-policy.ts); should one reach the engine, it
 * applies to nobody.
 */
export function notPrincipalApplies(entries: readonly PrincipalEntry[], caller: Caller, hasBoundary: boolean): boolean {
  if (hasBoundary) return true;
  let account = caller.account === undefined;
  let role = false;
  let session = false;
  let named = false;
  for (const e of entries) {
    const m = matchPrincipalEntry(e, caller, false);
    if (m === 'account') {
      account = true;
    } else if (m === 'specific' && e.type !== 'everyone') {
      if (e.type === 'role') role = true;
      else if (e.type === 'session') session = true;
      else named = true;
    }
  }
  switch (caller.kind) {
    case 'service':
      return !named;
    case 'root':
      return !account;
    case 'assumed-role':
      return !(account && role && session);
    default:
      return !(account && (named || role));
  }
}

function notPrincipalReach(entries: readonly PrincipalEntry[], t: SearchTarget): PrincipalReach {
  return notPrincipalApplies(entries, t.caller, t.hasBoundary) ? PrincipalReach.BROAD : PrincipalReach.NONE;
}

/** The result of looking for applicable statements of one effect in one policy. */
export interface StatementSearch {
  /** The first applicable statement with the strongest principal reach. */
  readonly statement?: CompiledStatement;
  readonly reach: PrincipalReach;
  /**
   * The first statement that applies in every respect but a condition, and that condition: for explanations. Allow
   * searches only.
   */
  readonly nearMiss?: CompiledStatement;
  readonly failedCondition?: CompiledCondition;
}

/** A search result being filled in: made by searchPolicy for one search, never shared. */
type SearchInProgress = { -readonly [K in keyof StatementSearch]: StatementSearch[K] };

const NOTHING: StatementSearch = Object.freeze({ reach: PrincipalReach.NONE });

/** What a search is about: an action on a resource by a caller, and the request context that conditions read. */
export interface SearchTarget extends ConditionContext {
  readonly profile: ActionProfile;
  readonly resource: string;
  readonly caller: Caller;
  readonly hasBoundary: boolean;
}

/** A statement that can apply to a check once its conditions hold: action, principal and resource already match. */
interface Candidate {
  readonly statement: CompiledStatement;
  readonly reach: PrincipalReach;
  /** The Resource element holds a policy variable, so it is matched per request. */
  readonly dynamicResource: boolean;
  /** The search result naming this candidate, made on first use and then shared by every search it answers. */
  found?: StatementSearch;
}

interface Candidates {
  readonly caller: Caller;
  readonly resource: string;
  readonly hasBoundary: boolean;
  /** Strongest reach first, so the first candidate whose conditions hold is the answer. */
  readonly allows: readonly Candidate[];
  readonly denies: readonly Candidate[];
}

/**
 * The statements of a policy that can apply to (action, caller, resource), with their principal reach. Everything
 * here is independent of the request context, so it is computed once per combination and kept on the policy: a
 * compiled scenario then only tests conditions per request.
 */
function candidatesFor(policy: CompiledPolicy, t: SearchTarget): Candidates {
  const index = policy.actionIndex(t.profile);
  const list = index.candidates as Candidates[];
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c.caller === t.caller && c.resource === t.resource && c.hasBoundary === t.hasBoundary) return c;
  }
  const statements = index.statements;
  let allows: Candidate[] | undefined;
  let denies: Candidate[] | undefined;
  for (const s of statements) {
    const { principal, notPrincipal } = s.source;
    let reach: PrincipalReach;
    if (principal !== undefined) {
      // Allows match a principal only when AWS certainly would, denies whenever it might.
      reach = principalReach(principal, t.caller, !s.isAllow);
      if (reach === PrincipalReach.BROAD && s.principalArnNarrowed) reach = PrincipalReach.PRINCIPAL_ARN;
    } else if (notPrincipal !== undefined) {
      reach = s.isAllow ? PrincipalReach.NONE : notPrincipalReach(notPrincipal, t);
    } else {
      reach = PrincipalReach.EXACT;
    }
    if (reach === PrincipalReach.NONE) continue;
    const dynamicResource = s.resourceDynamic;
    if (!dynamicResource && !matchesResource(s, t.resource, t)) continue;
    const candidate: Candidate = { statement: s, reach, dynamicResource };
    if (!s.isAllow) {
      denies = appendShort(denies, candidate);
      continue;
    }
    allows = appendShort(allows, candidate);
    // Keep allows strongest reach first, in statement order within a reach (what a stable sort would give).
    for (let at = allows.length - 1; at > 0 && allows[at - 1].reach < reach; at--) {
      allows[at] = allows[at - 1];
      allows[at - 1] = candidate;
    }
  }
  // Most lists are empty (deny lists above all): share one empty list.
  const entry: Candidates = {
    caller: t.caller, resource: t.resource, hasBoundary: t.hasBoundary, allows: allows ?? NO_CANDIDATES, denies: denies ?? NO_CANDIDATES,
  };
  // A handful of (caller, resource) pairs per action in practice; bound it so a long-lived policy cannot grow forever.
  // The first pair gets a list of one (an empty array grown by push gets room for 17 elements in V8).
  if (list.length === 0) {
    index.candidates = [entry];
  } else {
    if (list.length >= 16) list.shift();
    list.push(entry);
  }
  return entry;
}

const NO_CANDIDATES: readonly Candidate[] = [];

/**
 * Finds an applicable statement with the given effect, preferring the strongest principal reach. For policies without
 * a Principal element every applicable statement has reach EXACT.
 */
export function searchPolicy(policy: CompiledPolicy, allow: boolean, t: SearchTarget): StatementSearch {
  const candidates = candidatesFor(policy, t);
  const list = allow ? candidates.allows : candidates.denies;
  // Most searches find nothing (deny searches above all): allocate a result only when there is something to say.
  let result: SearchInProgress | undefined;
  for (let i = 0; i < list.length; i++) {
    const candidate = list[i];
    const { statement: s, reach, dynamicResource } = candidate;
    if (dynamicResource && !matchesResource(s, t.resource, t)) continue;
    const failed = s.conditions.length === 0 ? -1 : firstFailingCondition(s.conditions, t);
    if (failed >= 0) {
      // Near misses explain implicit denies, so only allow searches record them.
      if (!allow) continue;
      result ??= { reach: PrincipalReach.NONE };
      if (!result.nearMiss) {
        result.nearMiss = s;
        result.failedCondition = s.conditions[failed];
      }
      continue;
    }
    // Shared by every search this candidate answers, so readonly by type.
    if (result === undefined) return candidate.found ??= { statement: s, reach };
    result.statement = s;
    result.reach = reach;
    return result;
  }
  return result ?? NOTHING;
}
