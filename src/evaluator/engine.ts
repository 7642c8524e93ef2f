/**
 * The KMS authorization algorithm of kms-semantics.md, over validated input: a request becomes one or more checks
 * (an action on a resource), each decided by the cross-account gate, explicit denies, guardrails and the allow paths,
 * and explained. Assumes valid input and never throws on it.
 */
import { ActionProfile, profileOf } from './action-profile';
import { CompiledPolicy, CompiledStatement } from './compiled-policy';
import { describeCondition } from './conditions/compile-condition';
import { findGrant, retireRight } from './grants';
import { RequestContext } from './request-context';
import { Environment, KeyModel, RequestModel } from './scenario';
import { PrincipalReach, SearchTarget, StatementSearch, searchPolicy } from './statement-match';
import { parseAliasArn } from '../policy/arn';
import { Caller } from '../policy/principal';

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** A statement that decided a check. */
export interface StatementRef {
  readonly policy: string;
  readonly statement: string;
  readonly effect: 'Allow' | 'Deny';
}

export interface CheckOutcome {
  /** The action checked, e.g. `kms:ReEncryptFrom` for the source key of a ReEncrypt request. */
  readonly action: string;
  /** The key ARN, alias ARN, or `*` for actions without a resource. */
  readonly resource: string;
  readonly decision: Decision;
  readonly explanation: string;
  readonly decidedBy: readonly StatementRef[];
}

export type LockoutCheck = 'passed' | 'failed' | 'bypassed';

export interface Authorization {
  readonly decision: Decision;
  readonly explanation: string;
  readonly checks: readonly CheckOutcome[];
  /** For PutKeyPolicy and CreateKey requests that carry a new key policy. */
  readonly lockoutSafetyCheck?: LockoutCheck;
}

/** How results name a deciding statement: one frozen object per statement, shared by every result it decides. */
const ref = (policy: CompiledPolicy, s: CompiledStatement): StatementRef =>
  (s.decidingRef ??= Object.freeze({ policy: policy.label, statement: s.source.label, effect: s.source.effect }));
/** `Sid "X" of the key policy`: made once per statement, as explanations name the same statements again and again. */
const where = (policy: CompiledPolicy, s: CompiledStatement): string => (s.explanationName ??= `${s.source.label} of the ${policy.label}`);

/** Decides a request. */
export function authorize(env: Environment, req: RequestModel): Authorization {
  const checks = planChecks(env, req);
  let decision: Decision = 'allow';
  for (const c of checks) {
    if (c.decision === 'explicit-deny') decision = 'explicit-deny';
    else if (c.decision === 'implicit-deny' && decision === 'allow') decision = 'implicit-deny';
  }
  let lockoutSafetyCheck: LockoutCheck | undefined;
  let explanation = combineExplanations(checks, decision);
  if (req.newKeyPolicy && (req.action === 'kms:PutKeyPolicy' || req.action === 'kms:CreateKey')) {
    lockoutSafetyCheck = req.bypassPolicyLockoutSafetyCheck === true ? 'bypassed' : lockoutAllows(env, req, req.newKeyPolicy) ? 'passed' : 'failed';
    if (lockoutSafetyCheck === 'failed' && decision === 'allow') {
      decision = 'implicit-deny';
      explanation = `${req.action} is authorized, but KMS rejects it: the lockout safety check fails because the new key policy would not let ${req.action === 'kms:CreateKey' ? 'the caller' : describeCaller(env.caller.identity)} call kms:PutKeyPolicy on the key afterwards (MalformedPolicyDocumentException). Name the caller or an administrator role in the new policy with kms:PutKeyPolicy, or set BypassPolicyLockoutSafetyCheck only if you really mean to give up managing the key`;
    } else if (lockoutSafetyCheck === 'bypassed' && decision === 'allow') {
      explanation += '; the lockout safety check is bypassed (BypassPolicyLockoutSafetyCheck is true)';
    }
  }
  return { decision, explanation, checks, lockoutSafetyCheck };
}

function planChecks(env: Environment, req: RequestModel): CheckOutcome[] {
  const key = env.key;
  const action = req.action;
  if (action === 'kms:ReEncrypt') {
    // ReEncrypt needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination (key-policy-default.md).
    return [keyCheck(env, req, 'kms:ReEncryptFrom', key!, true), keyCheck(env, req, 'kms:ReEncryptTo', req.destinationKey!, false)];
  }
  const facts = req.profile!.facts;
  if (action === 'kms:RetireGrant') return [retireCheck(env, req, key!)];
  if (facts.policyType === 'iam-only') return [iamOnlyCheck(env, req, action, '*')];
  // Array literals, not push on []: V8 gives a pushed-to empty array room for 17 elements, and most requests need one.
  const checks: CheckOutcome[] = facts.resources.includes('alias') && req.aliasArn
    ? [iamOnlyCheck(env, req, action, req.aliasArn), keyCheck(env, req, action, key!, true)]
    : [keyCheck(env, req, action, key!, true)];
  // UpdateAlias: the new target key; UpdatePrimaryRegion: the replica being promoted (alias-access.md, DG permissions table).
  if ((action === 'kms:UpdateAlias' || action === 'kms:UpdatePrimaryRegion') && req.destinationKey) {
    checks.push(keyCheck(env, req, action, req.destinationKey, false));
  }
  // ReplicateKey also needs kms:CreateKey in an IAM policy in the replica Region (multi-region-keys-auth.md).
  if (action === 'kms:ReplicateKey') checks.push(iamOnlyCheck(env, req, 'kms:CreateKey', '*'));
  return checks;
}

/** The profile of an action a request needs: the request's own, looked up once, or another (ReEncryptFrom, CreateKey, ...). */
function profileFor(req: RequestModel, action: string): ActionProfile {
  return action === req.action ? req.profile! : profileOf(action);
}

function combineExplanations(checks: readonly CheckOutcome[], decision: Decision): string {
  if (checks.length === 1) return checks[0].explanation;
  const relevant = decision === 'allow' ? checks : checks.filter((c) => c.decision === decision);
  const prefix = decision === 'allow' ? `all ${checks.length} authorizations the request needs pass` : 'the request needs several authorizations and one fails';
  return `${prefix}: ${relevant.map((c) => `[${c.action} on ${c.resource}] ${c.explanation}`).join('; ')}`;
}

export function describeCaller(c: Caller): string {
  return c.description;
}

interface Outcome {
  decision: Decision;
  explanation: string;
  decidedBy: StatementRef[];
}

function toCheck(action: string, resource: string, o: Outcome): CheckOutcome {
  return { action, resource, decision: o.decision, explanation: o.explanation, decidedBy: o.decidedBy };
}

const implicit = (explanation: string, decidedBy: StatementRef[] = []): Outcome => ({ decision: 'implicit-deny', explanation, decidedBy });

function denyIn(policy: CompiledPolicy | undefined, t: SearchTarget): Outcome | undefined {
  if (!policy) return undefined;
  const s = searchPolicy(policy, false, t).statement;
  return s ? { decision: 'explicit-deny', explanation: `explicitly denied by ${where(policy, s)}`, decidedBy: [ref(policy, s)] } : undefined;
}

/** Explicit denies in every policy that takes part (step 4). */
function findExplicitDeny(
  env: Environment, key: KeyModel | undefined, keyTarget: SearchTarget | undefined, iamTarget: SearchTarget,
): Outcome | undefined {
  const service = env.caller.identity.kind === 'service';
  let found = key && keyTarget ? denyIn(key.policy, keyTarget) : undefined;
  if (!service) {
    for (const p of env.caller.identityPolicies) found ??= denyIn(p, iamTarget);
    found ??= denyIn(env.caller.permissionsBoundary, iamTarget);
    found ??= denyIn(env.caller.sessionPolicy, iamTarget);
    for (const p of env.scps) found ??= denyIn(p, iamTarget);
    // [choice] RCPs are resource-side guardrails of the key's account and do not bind AWS service principals (IAM UG).
    if (key) for (const p of env.rcps) found ??= denyIn(p, iamTarget);
  }
  return found ?? denyIn(env.endpoint?.policy, iamTarget);
}

/** Guardrails that must each allow (step 5): every SCP level and the VPC endpoint policy. */
function guardrailProblem(env: Environment, t: SearchTarget, action: string): string | undefined {
  const service = env.caller.identity.kind === 'service';
  if (!service) {
    for (const scp of env.scps) {
      if (!searchPolicy(scp, true, t).statement) return `${scp.label} allows no ${action} here, and every level of the organization's SCPs must allow it (SCPs only restrict)`;
    }
    // RCPs restrict only through Deny statements: the AWS managed RCPFullAWSAccess is attached to every root, OU and
    // account and cannot be detached, so every level always has an Allow (IAM UG, resource control policies).
  }
  const ep = env.endpoint?.policy;
  if (ep && !searchPolicy(ep, true, t).statement) {
    return `the request goes through VPC endpoint ${env.endpoint!.id}, whose policy does not allow ${describeCaller(env.caller.identity)} to call ${action} on ${t.resource} (kms-vpc-endpoint.md: both the endpoint policy and a key policy, IAM policy or grant must allow)`;
  }
  return undefined;
}

/** First Allow among the caller's identity policies, or `root` for the account root user (IAM allows root implicitly). */
function identityAllow(env: Environment, t: SearchTarget): { ref?: StatementRef; root: boolean; nearMiss?: string } | undefined {
  if (env.caller.identity.kind === 'root') return { root: true };
  let nearMiss: string | undefined;
  for (const p of env.caller.identityPolicies) {
    const s = searchPolicy(p, true, t);
    if (s.statement) return { ref: ref(p, s.statement), root: false };
    nearMiss ??= conditionMiss(p, s);
  }
  return nearMiss ? { root: false, nearMiss } : undefined;
}

/** Why the permissions boundary or session policy does not allow, or undefined when both allow (or are absent). */
function boundaryProblem(env: Environment, t: SearchTarget, action: string): string | undefined {
  const { permissionsBoundary, sessionPolicy } = env.caller;
  if (permissionsBoundary && !searchPolicy(permissionsBoundary, true, t).statement) return `the ${permissionsBoundary.label} does not allow ${action} on this key`;
  if (sessionPolicy && !searchPolicy(sessionPolicy, true, t).statement) return `the ${sessionPolicy.label} does not allow ${action} on this key`;
  return undefined;
}

function conditionMiss(policy: CompiledPolicy, s: StatementSearch): string | undefined {
  return s.nearMiss && s.failedCondition
    ? `${where(policy, s.nearMiss)} would allow it, but its condition \`${describeCondition(s.failedCondition)}\` is not met`
    : undefined;
}

/** Whether the request's KeyId can reach the key: another account's key must be named by key ARN or alias ARN. */
function keyIdProblem(keyId: string | undefined, key: KeyModel, crossAccount: boolean): string | undefined {
  if (keyId === undefined || keyId === key.arn) return undefined;
  const alias = keyId.startsWith('alias/') ? keyId : parseAliasArn(keyId)?.aliasName;
  if (alias !== undefined) {
    const aliasArn = parseAliasArn(keyId);
    if (!key.aliases.includes(alias)) return `the request names ${keyId}, which is not an alias of this key (its aliases: ${key.aliases.join(', ') || 'none'})`;
    if (!aliasArn && crossAccount) return `the request names the key by alias name ${keyId}, which KMS resolves in the caller's own account: a key in another account must be named by its key ARN or alias ARN (find-cmk-id-arn.md)`;
    const { partition, account, region } = key.parsed;
    if (aliasArn && (aliasArn.partition !== partition || aliasArn.account !== account || aliasArn.region !== region)) {
      return `the alias ARN ${keyId} is not in the key's partition, account and Region`;
    }
    return undefined;
  }
  if (keyId === key.parsed.keyId) {
    return crossAccount ? `the request names the key by key ID ${keyId}, which KMS resolves in the caller's own account: a key in another account must be named by its key ARN or alias ARN` : undefined;
  }
  return `the request's keyId ${keyId} does not identify this key (${key.arn})`;
}

function keyCheck(env: Environment, req: RequestModel, action: string, key: KeyModel, primary: boolean): CheckOutcome {
  const callerPartition = env.caller.identity.partition;
  if (callerPartition !== undefined && callerPartition !== key.parsed.partition) {
    return toCheck(action, key.arn, implicit(partitionProblem(env.caller.identity, key.parsed.partition, 'the key')!));
  }
  return toCheck(action, key.arn, decideKey(env, req, action, key, primary));
}

/**
 * [choice] A principal of one partition (aws, aws-cn, aws-us-gov, ...) never reaches a resource of another: the
 * partitions are separate, and credentials of one are not valid in another (IAM UG reference_policies_elements_principal.md
 * names principals by partition-qualified ARNs; an ARN's partition is part of its identity). Undefined for service
 * principals, which belong to no account.
 */
function partitionProblem(caller: Caller, partition: string, resource: string): string | undefined {
  return caller.partition !== undefined && caller.partition !== partition
    ? `${describeCaller(caller)} is in partition ${caller.partition} and ${resource} in partition ${partition}: a principal of one AWS partition can never use a resource of another, whatever the policies say`
    : undefined;
}

function decideKey(env: Environment, req: RequestModel, action: string, key: KeyModel, primary: boolean): Outcome {
  const caller = env.caller.identity;
  const profile = profileFor(req, action);
  const facts = profile.facts;
  const keyAccount = key.parsed.account;
  const crossAccount = caller.account !== undefined && caller.account !== keyAccount;
  if (crossAccount && !facts.crossAccount) {
    return implicit(`${action} cannot be used across accounts: the caller is in ${caller.account} and the key in ${keyAccount}, and KMS ignores cross-account permissions for this operation whatever the policies say (key-policy-modifying-external-accounts.md)`);
  }
  if (primary) {
    const problem = keyIdProblem(req.keyId, key, crossAccount);
    if (problem) return implicit(problem);
  }
  const keyTarget = new RequestContext(env, req, profile, key, key.arn, true);
  const iamTarget = keyTarget.withKeyPolicyView(false);

  const deny = findExplicitDeny(env, key, keyTarget, iamTarget);
  if (deny) return deny;
  const guard = guardrailProblem(env, iamTarget, action);
  if (guard) return implicit(guard);

  const kp = searchPolicy(key.policy, true, keyTarget);
  const kpRef = kp.statement ? [ref(key.policy, kp.statement)] : [];
  const kpWhere = kp.statement ? where(key.policy, kp.statement) : '';

  // Service principals: only a key-policy statement naming them, or a grant (key-policy-services.md).
  if (caller.kind === 'service') {
    if (kp.reach >= PrincipalReach.BROAD) return { decision: 'allow', explanation: `allowed by ${kpWhere}, which names ${describeCaller(caller)}`, decidedBy: kpRef };
  } else if (!crossAccount) {
    if (kp.reach === PrincipalReach.EXACT) return { decision: 'allow', explanation: `allowed by ${kpWhere}, which names ${describeCaller(caller)} directly`, decidedBy: kpRef };
    if (kp.reach === PrincipalReach.PRINCIPAL_ARN) {
      // IAM UG reference_policies_elements_principal.md: boundaries and session policies do not limit such a grant.
      return {
        decision: 'allow',
        explanation: `allowed by ${kpWhere}, whose Principal "*" is narrowed to ${describeCaller(caller)} by an aws:PrincipalArn condition (a permissions boundary or session policy does not limit such a grant)`,
        decidedBy: kpRef,
      };
    }
    const boundary = boundaryProblem(env, iamTarget, action);
    if (kp.reach === PrincipalReach.BROAD && !boundary) {
      return { decision: 'allow', explanation: `allowed by ${kpWhere}, whose principal covers ${describeCaller(caller)}`, decidedBy: kpRef };
    }
    if (kp.reach >= PrincipalReach.ACCOUNT) {
      const iam = identityAllow(env, iamTarget);
      if (iam && (iam.root || iam.ref) && !boundary) {
        return iam.root
          ? { decision: 'allow', explanation: `allowed: ${kpWhere} enables IAM policies for account ${keyAccount}, and IAM implicitly allows the account's root user`, decidedBy: kpRef }
          : { decision: 'allow', explanation: `allowed: ${kpWhere} delegates ${action} to account ${keyAccount}, and ${iam.ref!.statement} of the ${iam.ref!.policy} allows it`, decidedBy: kp.statement ? [kpRef[0], iam.ref!] : [iam.ref!] };
      }
    }
  } else {
    // Cross-account: the key policy (naming the caller or its account) AND the caller's IAM policies must both allow
    // the same action (key-policy-modifying-external-accounts.md).
    const iam = identityAllow(env, iamTarget);
    const boundary = boundaryProblem(env, iamTarget, action);
    if (kp.reach >= PrincipalReach.ACCOUNT && iam && (iam.root || iam.ref) && !boundary) {
      const iamText = iam.root ? 'IAM implicitly allows the root user' : `${iam.ref!.statement} of the ${iam.ref!.policy} in account ${caller.account} allows it`;
      const whom = kp.reach === PrincipalReach.ACCOUNT ? `account ${caller.account}` : describeCaller(caller);
      return { decision: 'allow', explanation: `allowed across accounts: ${kpWhere} of account ${keyAccount} allows ${whom}, and ${iamText}`, decidedBy: iam.ref ? (kp.statement ? [kpRef[0], iam.ref] : [iam.ref]) : kpRef };
    }
  }

  // Grants (step 6.4): an alternative to the policies.
  const grants = findGrant(env.grants, caller, facts.name, keyTarget.encryptionContext, req.createGrant);
  let grantMiss = grants.nearMiss;
  for (const match of grants.matches) {
    const g = match.grant;
    const needsBoundary = crossAccount || match.viaAccount || g.grantee.type === 'role';
    const boundary = needsBoundary && caller.kind !== 'service' ? boundaryProblem(env, iamTarget, action) : undefined;
    const iam = match.viaAccount ? identityAllow(env, iamTarget) : undefined;
    if (boundary) {
      grantMiss ??= `grant ${g.grantId} applies, but ${boundary}`;
    } else if (!match.viaAccount) {
      return { decision: 'allow', explanation: `allowed by grant ${g.grantId}, which gives ${describeCaller(caller)} the ${facts.name} operation`, decidedBy: [] };
    } else if (iam && (iam.root || iam.ref)) {
      const iamText = iam.root ? 'IAM implicitly allows the root user' : `${iam.ref!.statement} of the ${iam.ref!.policy} allows it`;
      return { decision: 'allow', explanation: `allowed by grant ${g.grantId}, which names account ${caller.account}, and ${iamText}`, decidedBy: iam.ref ? [iam.ref] : [] };
    } else {
      grantMiss ??= `grant ${g.grantId} names account ${caller.account}, but no identity policy of the caller allows ${action} on this key`;
    }
  }
  return implicit(explainImplicitDeny(env, key, action, kp, iamTarget, crossAccount, grantMiss), kpRef);
}

function explainImplicitDeny(
  env: Environment, key: KeyModel, action: string, kp: StatementSearch, iamTarget: SearchTarget,
  crossAccount: boolean, grantMiss: string | undefined,
): string {
  const caller = env.caller.identity;
  const who = describeCaller(caller);
  const keyAccount = key.parsed.account;
  /** What the policies lack; the grants' side follows. */
  let missing: string;
  const kpWhere = kp.statement ? where(key.policy, kp.statement) : '';
  const iam = caller.kind === 'service' ? undefined : identityAllow(env, iamTarget);
  const iamAllows = iam !== undefined && (iam.root || iam.ref !== undefined);
  const boundary = caller.kind === 'service' ? undefined : boundaryProblem(env, iamTarget, action);
  const kpMiss = conditionMiss(key.policy, kp);

  if (caller.kind === 'service') {
    missing = `no statement of the key policy names ${who} for ${action}${kpMiss ? ` (${kpMiss})` : ''}, and AWS service principals have no IAM policies`;
  } else if (!crossAccount) {
    if (kp.reach === PrincipalReach.BROAD && boundary) {
      missing = `${kpWhere} covers ${who}, but ${boundary}, and a permissions boundary or session policy limits key-policy grants to a role ARN or "*" (IAM UG reference_policies_evaluation-logic.md)`;
    } else if (kp.reach >= PrincipalReach.ACCOUNT) {
      if (!iamAllows) {
        missing = `${kpWhere} delegates ${action} to account ${keyAccount}, but no identity policy of ${who} allows ${action} on this key${iam?.nearMiss ? ` (${iam.nearMiss})` : ''}`;
      } else {
        missing = `${kpWhere} delegates ${action} to account ${keyAccount} and an identity policy allows it, but ${boundary}`;
      }
    } else if (iamAllows && iam?.ref) {
      missing = `${iam.ref.statement} of the ${iam.ref.policy} allows ${action}, but IAM policies have no effect here because no key-policy statement delegates ${action} to account ${keyAccount} (key-policy-default.md)${kpMiss ? `; ${kpMiss}` : ''}`;
    } else {
      missing = `no statement of the key policy allows ${who} to call ${action}${kpMiss ? ` (${kpMiss})` : ''}, and no identity policy allows it either${iam?.nearMiss ? ` (${iam.nearMiss})` : ''}`;
    }
  } else {
    const keySide = kp.reach >= PrincipalReach.ACCOUNT;
    if (keySide && !iamAllows) {
      missing = `${kpWhere} of account ${keyAccount} allows ${action}, but no identity policy in account ${caller.account} allows ${who} to call ${action} on this key: a cross-account user needs both (key-policy-modifying-external-accounts.md)${iam?.nearMiss ? ` (${iam.nearMiss})` : ''}`;
    } else if (keySide && boundary) {
      missing = `both sides allow ${action}, but ${boundary}`;
    } else if (iamAllows) {
      missing = `an identity policy in account ${caller.account} allows ${action}, but the key policy of account ${keyAccount} allows neither ${who} nor account ${caller.account} to call it: a cross-account user needs both${kpMiss ? ` (${kpMiss})` : ''}`;
    } else {
      missing = `neither the key policy of account ${keyAccount} nor any identity policy in account ${caller.account} allows ${who} to call ${action}${kpMiss ? ` (${kpMiss})` : ''}`;
    }
  }
  return `implicitly denied: ${missing}; ${grantMiss ?? 'no grant applies'}`;
}

/** RetireGrant (kms-semantics.md §7.1): the grant decides who may retire it; kms:RetireGrant in a key policy has no effect. */
function retireCheck(env: Environment, req: RequestModel, key: KeyModel): CheckOutcome {
  const action = 'kms:RetireGrant';
  const result = (o: Outcome): CheckOutcome => toCheck(action, key.arn, o);
  const caller = env.caller.identity;
  const grant = env.grants.find((g) => g.grantId === req.grantId);
  if (!grant) return result(implicit(`no grant with id ${req.grantId} exists on this key, so there is nothing to retire (NotFoundException)`));
  const partition = partitionProblem(caller, key.parsed.partition, 'the key');
  if (partition) return result(implicit(partition));
  const keyTarget = new RequestContext(env, req, profileFor(req, action), key, key.arn, true);
  const iamTarget = keyTarget.withKeyPolicyView(false);
  const deny = findExplicitDeny(env, key, keyTarget, iamTarget);
  if (deny) return result(deny);
  const guard = guardrailProblem(env, iamTarget, action);
  if (guard) return result(implicit(guard));
  const right = retireRight(grant, caller);
  if (right === 'direct') {
    return result({ decision: 'allow', explanation: `allowed: ${describeCaller(caller)} is the retiring principal of grant ${grant.grantId}, or its grantee with the RetireGrant operation (grant-manage.md)`, decidedBy: [] });
  }
  if (right === 'account') {
    const iam = identityAllow(env, iamTarget);
    const boundary = boundaryProblem(env, iamTarget, action);
    if (iam && (iam.root || iam.ref) && !boundary) {
      return result({ decision: 'allow', explanation: `allowed: account ${caller.account} may retire grant ${grant.grantId} and ${iam.root ? 'IAM implicitly allows its root user' : `${iam.ref!.statement} of the ${iam.ref!.policy} delegates kms:RetireGrant to the caller`}`, decidedBy: iam.ref ? [iam.ref] : [] });
    }
    return result(implicit(`account ${caller.account} may retire grant ${grant.grantId}, but ${boundary ?? `no identity policy of ${describeCaller(caller)} allows kms:RetireGrant on this key (kms:RetireGrant in a key policy has no effect)`}`));
  }
  return result(implicit(`${describeCaller(caller)} is not the retiring principal of grant ${grant.grantId}, not a grantee with the RetireGrant operation, and not in the account that created the grant or the retiring account; kms:RetireGrant in a key policy has no effect (grant-manage.md)`));
}

/** Actions without a key resource, and the alias half of alias operations: only IAM-side policies decide (§1.1, §1.3). */
function iamOnlyCheck(env: Environment, req: RequestModel, action: string, resource: string): CheckOutcome {
  const result = (o: Outcome): CheckOutcome => toCheck(action, resource, o);
  const caller = env.caller.identity;
  if (caller.kind === 'service') return result(implicit(`${action} is authorized by IAM policies only, and ${describeCaller(caller)} has none`));
  const alias = resource === '*' ? undefined : parseAliasArn(resource);
  const partition = alias ? partitionProblem(caller, alias.partition, `the alias ${resource}`) : undefined;
  if (partition) return result(implicit(partition));
  if (alias && alias.account !== caller.account) {
    return result(implicit(`${action} cannot be used across accounts: the alias ${resource} is in account ${alias.account} and the caller in ${caller.account}`));
  }
  const target = new RequestContext(env, req, profileFor(req, action), env.key, resource, false);
  const deny = findExplicitDeny(env, undefined, undefined, target);
  if (deny) return result(deny);
  const guard = guardrailProblem(env, target, action);
  if (guard) return result(implicit(guard));
  const iam = identityAllow(env, target);
  const boundary = boundaryProblem(env, target, action);
  if (iam && (iam.root || iam.ref) && !boundary) {
    return result({
      decision: 'allow',
      explanation: iam.root ? `allowed: IAM implicitly allows the root user of ${caller.account}` : `allowed by ${iam.ref!.statement} of the ${iam.ref!.policy} (the key policy has no say over ${resource === '*' ? action : 'the alias'})`,
      decidedBy: iam.ref ? [iam.ref] : [],
    });
  }
  const what = resource === '*' ? `${action} (an IAM-only action, which needs "Resource": "*")` : `${action} on the alias ${resource}`;
  return result(implicit(boundary && iam ? `an identity policy allows ${what}, but ${boundary}` : `no identity policy of ${describeCaller(caller)} allows ${what}${iam?.nearMiss ? ` (${iam.nearMiss})` : ''}; key policies cannot allow it`));
}

/**
 * The lockout safety check (kms-semantics.md §9): the new key policy must let the caller make a later PutKeyPolicy
 * request, through the key policy alone or delegated IAM policies. Guardrails and grants play no part.
 * [choice] An AWS service principal as the caller gets the same test: the new key policy must name that service
 * principal (or "*") for kms:PutKeyPolicy, as a key-policy statement is the only way a service principal is ever
 * allowed (key-policy-services.md); it has no IAM policies to delegate to.
 */
function lockoutAllows(env: Environment, req: RequestModel, newPolicy: CompiledPolicy): boolean {
  const base = env.key ?? syntheticKey(env, req, newPolicy);
  if (partitionProblem(env.caller.identity, base.parsed.partition, 'the key')) return false;
  const key: KeyModel = { ...base, policy: newPolicy };
  const lockoutEnv: Environment = { ...env, key, scps: [], rcps: [], endpoint: undefined, grants: [] };
  const lockoutReq: RequestModel = {
    ...req, action: 'kms:PutKeyPolicy', profile: profileOf('kms:PutKeyPolicy'), keyId: undefined, newKeyPolicy: undefined, bypassPolicyLockoutSafetyCheck: undefined,
  };
  return decideKey(lockoutEnv, lockoutReq, 'kms:PutKeyPolicy', key, false).decision === 'allow';
}

/** CreateKey without a described key: a stand-in ARN in the caller's account. */
function syntheticKey(env: Environment, req: RequestModel, policy: CompiledPolicy): KeyModel {
  const caller = env.caller.identity;
  const regionValue = req.context.get('aws:requestedregion');
  const region = typeof regionValue === 'string' ? regionValue : 'us-east-1';
  const partition = caller.partition ?? 'aws';
  const account = caller.account ?? '000000000000';
  const keyId = '00000000-0000-0000-0000-000000000000';
  return {
    arn: `arn:${partition}:kms:${region}:${account}:key/${keyId}`,
    parsed: { partition, service: 'kms', region, account, resource: `key/${keyId}`, keyId },
    policy,
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    keyOrigin: 'AWS_KMS',
    multiRegion: false,
    aliases: [],
    tags: new Map(),
  };
}
