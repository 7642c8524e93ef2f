/**
 * Grants: which grant authorizes a request (kms-semantics.md §8), CreateGrant through a grant (§7.4), and who may
 * retire a grant (§7.1). Sources: kms-developer-guide grants.md, create-grant-overview.md, grant-manage.md,
 * determining-access-grants.md.
 */
import { CreateGrantModel, GrantConstraints, GrantModel } from './scenario';
import { Caller, PrincipalEntry, matchPrincipalEntry } from '../policy/principal';

/** Constraints do not apply to these operations (create-grant-overview.md, "Grant constraints"). */
const UNCONSTRAINED_OPERATIONS = new Set(['DescribeKey', 'RetireGrant']);

export interface GrantMatch {
  readonly grant: GrantModel;
  /** The grantee is an account: the caller also needs an IAM allow in that account ([choice], kms-semantics.md §8.2). */
  readonly viaAccount: boolean;
}

export interface GrantSearch {
  /**
   * Every grant that applies, those naming the caller exactly first. Grants have no order in KMS: any one that passes
   * the remaining checks (boundary, IAM allow for account grantees) is enough, so the engine tries them all.
   */
  readonly matches: readonly GrantMatch[];
  /** Why the closest grant did not apply: for explanations. */
  readonly nearMiss?: string;
}

/** Most scenarios have no grants: they share one empty answer. */
const NO_GRANTS: GrantSearch = Object.freeze({ matches: Object.freeze([]) });

/**
 * Whether a grantee/retiring principal entry names the caller: exactly, or through its account. A grant allows, so the
 * match is one AWS certainly makes (principal.ts: same partition and account, exact name and path).
 */
export function grantPrincipalMatch(entry: PrincipalEntry, caller: Caller): 'exact' | 'account' | undefined {
  const m = matchPrincipalEntry(entry, caller, false);
  return m === 'specific' ? 'exact' : m === 'account' ? 'account' : undefined;
}

/** Finds a grant that allows `operation` (e.g. `Decrypt`) to the caller under the request's encryption context. */
export function findGrant(
  grants: readonly GrantModel[],
  caller: Caller,
  operation: string,
  encryptionContext: Readonly<Record<string, string>> | undefined,
  createGrant: CreateGrantModel | undefined,
): GrantSearch {
  if (grants.length === 0) return NO_GRANTS;
  let nearMiss: string | undefined;
  const exact: GrantMatch[] = [];
  const viaAccount: GrantMatch[] = [];
  for (const grant of grants) {
    const who = grantPrincipalMatch(grant.grantee, caller);
    if (!who) continue;
    if (!grant.operations.has(operation)) {
      nearMiss ??= `grant ${grant.grantId} names the caller but does not include the ${operation} operation`;
      continue;
    }
    const problem = operation === 'CreateGrant'
      ? childGrantProblem(grant, createGrant)
      : UNCONSTRAINED_OPERATIONS.has(operation) ? undefined : constraintProblem(grant.constraints, encryptionContext);
    if (problem) {
      nearMiss ??= `grant ${grant.grantId} allows ${operation}, but ${problem}`;
      continue;
    }
    if (who === 'exact') exact.push({ grant, viaAccount: false });
    else viaAccount.push({ grant, viaAccount: true });
  }
  return { matches: exact.length === 0 ? viaAccount : viaAccount.length === 0 ? exact : [...exact, ...viaAccount], nearMiss };
}

/** Why a request's encryption context fails a grant constraint, or undefined when it satisfies it. */
export function constraintProblem(constraints: GrantConstraints | undefined, ec: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!constraints) return undefined;
  const request = ec ?? {};
  const required = Object.entries(constraints.context);
  // Pairs compare exactly and case-sensitively; order does not matter (create-grant-overview.md).
  const missing = required.find(([k, v]) => request[k] !== v);
  if (missing) return `the request's encryption context lacks the pair "${missing[0]}": "${missing[1]}" that its constraint requires`;
  if (constraints.type === 'equals' && Object.keys(request).length !== required.length) {
    return 'the request\'s encryption context has pairs beyond those of its EncryptionContextEquals constraint';
  }
  return undefined;
}

/**
 * CreateGrant through a grant: the child's operations must be a subset of the parent's, and its constraints at least
 * as strict (create-grant-overview.md, "Granting CreateGrant permission").
 */
function childGrantProblem(parent: GrantModel, child: CreateGrantModel | undefined): string | undefined {
  if (!child) return 'the request describes no grant to create';
  const extra = child.operations.find((op) => !parent.operations.has(op));
  if (extra) return `the new grant's operation ${extra} is not among the parent grant's operations`;
  const p = parent.constraints;
  if (!p) return undefined;
  const c = child.constraints;
  if (!c) return 'the new grant drops the parent grant\'s encryption context constraint';
  const pairs = Object.entries(p.context);
  if (p.type === 'equals') {
    const same = c.type === 'equals'
      && Object.keys(c.context).length === pairs.length
      && pairs.every(([k, v]) => c.context[k] === v);
    return same ? undefined : 'the parent grant has an EncryptionContextEquals constraint, and the new grant must carry the same one';
  }
  const missing = pairs.find(([k, v]) => c.context[k] !== v);
  return missing ? `the new grant's constraint does not keep the parent's pair "${missing[0]}": "${missing[1]}"` : undefined;
}

/**
 * RetireGrant rules that come from the grant itself (grant-manage.md, "Retiring and revoking grants"). Returns how the
 * caller may retire it: `direct` (retiring principal or grantee with RetireGrant), `account` (the caller is in the
 * retiring-principal account or the account that created the grant, and needs an IAM allow for kms:RetireGrant), or
 * undefined.
 */
export function retireRight(grant: GrantModel, caller: Caller): 'direct' | 'account' | undefined {
  if (grant.retiring && grantPrincipalMatch(grant.retiring, caller) === 'exact') return 'direct';
  if (grant.operations.has('RetireGrant') && grantPrincipalMatch(grant.grantee, caller) === 'exact') return 'direct';
  if (grant.retiring && grantPrincipalMatch(grant.retiring, caller) === 'account') return 'account';
  if (caller.account !== undefined && caller.account === grant.issuingAccount) return 'account';
  return undefined;
}
