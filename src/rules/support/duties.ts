/**
 * Separation of duties on each key, shared by KmsGuard-AdminCanUseKey and KmsGuard-UserCanAdministerKey: which
 * principals of the key's account may both administer the key (MANAGEMENT_ACTIONS) and use it (CRYPTO_ACTIONS).
 *
 * Candidates are the roles and users of the key's account that the key policy names, and the app's principals whose
 * identity policies grant both kinds of action on the key (through the key policy's delegation to the account, as
 * `key.grant(role, 'kms:*')` on a plain kms.Key does). The evaluator decides each, with the policies read
 * adversarially (support/probe.ts; the principal's own tags are kept). Principals of other accounts can never
 * administer a key (no management action works across accounts) and account principals are delegations
 * (KmsGuard-AccountWideDelegation), so neither is a candidate.
 *
 * The stack's deploying role is exempt when it holds only what deploying a key takes (PermissionSets.deployKey and
 * deleteKey) and uses the key only through AWS services, for the resources it creates. Pure.
 */
import { MANAGEMENT_ACTIONS, cryptoActionsFor } from './actions';
import { keyFinding, keyName, principalPath } from './key-finding';
import { accountOf, appPrincipalFor, identityActionsOn, identityCandidates, isAccountPrincipal, roleOrUser } from './principals';
import {
  Allowed, adversarialPolicy, boundaryReading, callerReadings, compileProbe, identityReading, keepAllButCallerRequestKeys, keepFixedAndPrincipalTags,
  probeActions, readingsOf, sessionCallerOf,
} from './probe';
import { awsPrincipalsOf, isAllow, kmsActionsOf, listText, statementsOf } from './statements';
import { stackOf } from '../../analysis/readiness-finding';
import { AppModel, KmsKeyModel, PrincipalModel } from '../../app-model/app-model';
import { isUnresolvedText } from '../../app-model/unresolved';
import { PermissionSets } from '../../policy/catalogue';
import { parseAwsPrincipal } from '../../policy/principal';
import { Finding, findingId } from '../finding';

export interface DutyCandidate {
  /** `role Stack/Admin` or `role admin` (a literal ARN of the key's account that the app does not define). */
  readonly label: string;
  /** For the finding id: the construct path, or `role/NAME` (never the account), or the statement's Sid or index. */
  readonly idValue: string;
  /** The finding id's kind. @default 'Principal' */
  readonly idKind?: 'Principal' | 'Statement';
  /** The statement naming it, when the candidate comes from one statement. */
  readonly statement?: string;
  readonly arn: string;
  readonly principal?: PrincipalModel;
}

export interface DutyOutcome {
  readonly candidate: DutyCandidate;
  readonly management: Allowed[];
  readonly crypto: Allowed[];
  /** Found only under the permissive reading of values unknown offline. */
  readonly uncertain: boolean;
  /** The scenario could not be evaluated (the first error). */
  readonly error?: string;
  /**
   * The principal is unknown offline (an unresolved value): what the statements naming it allow, conditions aside.
   * Reported as a warning, never decided.
   */
  readonly unknown?: { readonly management: string[]; readonly crypto: string[] };
}

const cache = new WeakMap<AppModel, Map<KmsKeyModel, DutyOutcome[]>>();

/** The principals of each key that may both administer and use it (memoized per model). */
export function dutyConflicts(model: AppModel, key: KmsKeyModel): DutyOutcome[] {
  let byKey = cache.get(model);
  if (!byKey) {
    byKey = new Map();
    cache.set(model, byKey);
  }
  let outcomes = byKey.get(key);
  if (!outcomes) {
    const candidates = candidatesOf(model, key);
    // Statements whose principal is unknown offline are reported on their own (unknownPrincipals): read as naming
    // everyone, they would make every candidate's answer uncertain.
    const readings = candidates.length > 0 ? readingsOf(withoutUnknownPrincipals(key.policy)) : [];
    const decided = candidates.map((c) => decide(model, key, c, readings)).filter((o): o is DutyOutcome => o !== undefined);
    outcomes = [...decided, ...unknownPrincipals(key)];
    byKey.set(key, outcomes);
  }
  return outcomes;
}

function candidatesOf(model: AppModel, key: KmsKeyModel): DutyCandidate[] {
  const out = new Map<string, DutyCandidate>();
  const add = (arn: string, principal: PrincipalModel | undefined): void => {
    const named = roleOrUser(arn) ?? roleSession(arn);
    if (!named || named.account !== key.account) return;
    // The bootstrap role's name holds the account and Region, which a finding id must not.
    const deployer = isDeployerArn(model, key, arn);
    const idValue = principal ? principalPath(principal) : deployer ? 'Deployer' : `${named.type}/${named.name}`;
    const label = principal ? `${principal.kind} ${idValue}` : deployer ? `the role that deploys stack ${key.stackName} (${arn})` : `${named.type} ${named.name} (${arn}, not defined in the app)`;
    out.set(idValue.toLowerCase(), { label, idValue, arn: principal?.arn ?? arn, ...(principal ? { principal } : {}) });
  };
  for (const named of key.policyPrincipals) {
    if (named.origin === 'app-principal' || named.origin === 'external') add(named.arn, appPrincipalFor(model, named.arn));
  }
  const usable = cryptoActionsFor(key);
  const both = (actions: ReadonlySet<string>): boolean => MANAGEMENT_ACTIONS.some((a) => actions.has(a)) && usable.some((a) => actions.has(a));
  for (const p of identityCandidates(model, key, both)) add(p.arn, p);
  // Only principals that some statement could give both kinds of action are asked about (the evaluator costs).
  return [...out.values()].filter((c) => both(reachableActions(key, c)));
}

/**
 * The key policy without the principals unknown offline of its Allow statements. Only those values go: the literal
 * principals a statement names beside one are still given what it allows (a statement naming `role/app` and a
 * parameter gives `role/app` its actions for certain), and a statement left naming nobody is dropped.
 */
/**
 * A role session a key policy names (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, reference_policies_elements_principal.md
 * "Role sessions"): a principal that may hold both duties like a role or user. Named `assumed-role/ROLE/SESSION`.
 */
function roleSession(arn: string): { type: 'assumed-role'; account: string; name: string; role: string } | undefined {
  const entry = parseAwsPrincipal(arn);
  return 'type' in entry && entry.type === 'session'
    ? { type: 'assumed-role', account: entry.account, name: `${entry.name}/${entry.sessionName}`, role: entry.name }
    : undefined;
}

function withoutUnknownPrincipals(policy: unknown): unknown {
  const refs = statementsOf(policy);
  const naming = (st: Record<string, any>): boolean => isAllow(st) && awsPrincipalsOf(st).some(isUnresolvedText);
  if (!refs.some((r) => naming(r.statement))) return policy;
  const kept: unknown[] = [];
  for (const { statement } of refs) {
    if (!naming(statement)) {
      kept.push(statement);
      continue;
    }
    const { AWS: _unknown, ...others } = statement.Principal as Record<string, unknown>;
    const known = awsPrincipalsOf(statement).filter((v) => !isUnresolvedText(v));
    if (known.length === 0 && Object.keys(others).length === 0) continue;
    kept.push({ ...statement, Principal: { ...others, ...(known.length > 0 ? { AWS: known } : {}) } });
  }
  // A policy needs a statement: this one matches no action, so it allows nothing (as policy-readings.ts does).
  return { ...(policy as Record<string, unknown>), Statement: kept.length > 0 ? kept : [{ Effect: 'Allow', Principal: '*', NotAction: '*', Resource: '*' }] };
}

/** Principals of the key policy unknown offline that its statements would give both duties: "cannot verify". */
function unknownPrincipals(key: KmsKeyModel): DutyOutcome[] {
  const usable = cryptoActionsFor(key);
  const out: DutyOutcome[] = [];
  for (const ref of statementsOf(key.policy)) {
    if (!isAllow(ref.statement)) continue;
    for (const value of awsPrincipalsOf(ref.statement).filter((v) => isUnresolvedText(v))) {
      const actions = kmsActionsOf(ref.statement);
      const management = putKeyPolicyFirst(MANAGEMENT_ACTIONS.filter((a) => actions.includes(a)));
      const crypto = usable.filter((a) => actions.includes(a));
      if (management.length === 0 || crypto.length === 0) continue;
      out.push({
        candidate: { label: `the principal \`${value}\` that ${ref.label} names, unknown offline,`, idValue: ref.idPart, idKind: 'Statement', statement: ref.label, arn: value },
        management: [],
        crypto: [],
        uncertain: true,
        unknown: { management, crypto },
      });
      break;
    }
  }
  return out;
}

/**
 * The actions the key-policy statements that may apply to the candidate (naming it, its account, or everyone) and its
 * identity policies (on this key) mention, conditions aside: an upper bound of what the evaluator can allow it.
 */
function reachableActions(key: KmsKeyModel, candidate: DutyCandidate): Set<string> {
  // A role session is reached by the statements naming it and those naming its role (key-policy-default.md: a role
  // named in a key policy gives its sessions what it allows).
  const session = roleSession(candidate.arn);
  const named = roleOrUser(candidate.arn) ?? (session ? { type: 'role' as const, account: session.account, name: session.role } : undefined);
  const out = new Set<string>(candidate.principal ? identityActionsOn(candidate.principal.identityPolicies, key.arn) : []);
  for (const { statement } of statementsOf(key.policy)) {
    if (!isAllow(statement)) continue;
    const applies = statement.NotPrincipal !== undefined || awsPrincipalsOf(statement).some((v) => {
      if (v === '*' || isUnresolvedText(v) || v === candidate.arn) return true;
      const entry = roleOrUser(v);
      if (entry) return named !== undefined && sameIdentity(entry, named);
      return isAccountPrincipal(v) && accountOf(v) === named?.account;
    });
    if (applies) for (const a of kmsActionsOf(statement)) out.add(a);
  }
  return out;
}

function decide(model: AppModel, key: KmsKeyModel, candidate: DutyCandidate, readings: ReturnType<typeof readingsOf>): DutyOutcome | undefined {
  const p = candidate.principal;
  for (const { reading, policy } of callerReadings(readings, [...p?.identityPolicies ?? [], p?.permissionsBoundary])) {
    const caller = (keep: (k: string) => boolean) => ({
      ...sessionCallerOf(candidate.arn),
      identityPolicies: identityReading(p?.identityPolicies ?? [], reading).map((d) => adversarialPolicy(d, keep)),
      ...(p?.permissionsBoundary !== undefined ? { permissionsBoundary: boundaryReading(p.permissionsBoundary, reading) } : {}),
      ...(p ? { tags: p.tags } : {}),
    });
    const read = adversarialPolicy(policy, keepFixedAndPrincipalTags);
    const probe = compileProbe(key, read, caller(keepFixedAndPrincipalTags));
    const management = probe.ask(MANAGEMENT_ACTIONS);
    if (management.error !== undefined) return { candidate, management: [], crypto: [], uncertain: false, error: management.error };
    if (management.allowed.length === 0) continue;
    const crypto = probe.ask(cryptoActionsFor(key));
    if (crypto.error !== undefined) return { candidate, management: [], crypto: [], uncertain: false, error: crypto.error };
    if (crypto.allowed.length === 0) continue;
    if (isDeployerArn(model, key, candidate.arn)) {
      const deploy: readonly string[] = [...PermissionSets.deployKey, ...PermissionSets.deleteKey];
      const directPolicy = adversarialPolicy(policy, keepAllButCallerRequestKeys);
      const direct = probeActions(key, directPolicy, caller(keepAllButCallerRequestKeys), cryptoActionsFor(key));
      if (management.allowed.every((a) => deploy.includes(a.action)) && direct.allowed.length === 0 && direct.error === undefined) return undefined;
    }
    return { candidate, management: management.allowed, crypto: crypto.allowed, uncertain: reading === 'permissive' };
  }
  return undefined;
}

/** Whether the ARN is the role CloudFormation deploys the key's stack with. */
function isDeployerArn(model: AppModel, key: KmsKeyModel, arn: string): boolean {
  const deployer = stackOf(model, key)?.deployerArn;
  if (deployer === undefined) return false;
  const a = roleOrUser(deployer);
  const b = roleOrUser(arn);
  return a !== undefined && b !== undefined && sameIdentity(a, b);
}

/** `Sid "X" of the key policy, statement #0 of policy Stack/Role/DefaultPolicy`: what allowed a request. */
export function allowedThrough(allowed: Allowed, principal: PrincipalModel | undefined): string {
  const parts = allowed.result.checks.flatMap((c) => c.decidedBy).filter((d) => d.effect === 'Allow').map((d) => {
    const identity = /^identity policy #(\d+)$/.exec(d.policy);
    const source = identity && principal ? principal.identityPolicySources[Number(identity[1])] ?? d.policy : d.policy;
    return `${d.statement} of ${source === 'key policy' ? 'the key policy' : source}`;
  });
  return [...new Set(parts)].join(' and ') || 'the policies';
}

/** The key-policy statement that allowed a request, for the finding's location. */
export function keyPolicyStatement(allowed: Allowed | undefined): string | undefined {
  return allowed?.result.checks.flatMap((c) => c.decidedBy).find((d) => d.policy === 'key policy' && d.effect === 'Allow')?.statement;
}

/** The finding of either separation-of-duties rule. */
export function dutyFinding(ruleId: string, key: KmsKeyModel, o: DutyOutcome, role: 'administer' | 'use'): Finding {
  const id = findingId(o.candidate.idKind ?? 'Principal', o.candidate.idValue);
  if (o.unknown !== undefined) {
    return keyFinding(ruleId, key, id, 'warning',
      `whether ${o.candidate.label} may both administer the key ${keyName(key)} (${listText(o.unknown.management)}) and use it (${listText(o.unknown.crypto)}) could not be verified: the statement gives it both, and who it is cannot be known offline. `
      + 'Expected: separation of duties, with principals that can be read from the template. Fix: name the principal with a literal ARN or a role of the app, and give administration and use to different principals.',
      { ...(o.candidate.statement !== undefined ? { statement: o.candidate.statement } : {}), field: 'Principal' });
  }
  if (o.error !== undefined) {
    return keyFinding(ruleId, key, id, 'warning',
      `whether ${o.candidate.label} may both administer and use the key ${keyName(key)} could not be evaluated: ${o.error}`, { field: 'Action' });
  }
  const management = putKeyPolicyFirst(o.management.map((a) => a.action));
  const crypto = o.crypto.map((a) => `${a.action}${a.via ? ` (through ${a.via})` : ''}`);
  const statement = keyPolicyStatement(o.management[0]) ?? keyPolicyStatement(o.crypto[0]);
  const p = o.candidate.principal;
  const message = `${o.candidate.label} may ${role === 'administer' ? 'change the policy of and administer' : 'administer'} the key ${keyName(key)} (${listText(management)}, allowed by ${allowedThrough(o.management[0], p)}) and also use it (${listText(crypto)}, allowed by ${allowedThrough(o.crypto[0], p)}). `
    + (o.uncertain ? 'This holds if the values unknown offline allow it, so it could not be verified. ' : '')
    + 'Expected: separation of duties: principals that administer a key do not use it, and principals that use it do not administer it. '
    + 'Fix: give the two duties to different principals: grant only the actions each needs (never key.grant(x, \'kms:*\'); key.grantAdmin for administrators, key.grantEncryptDecrypt and the like for users), or use GuardedKmsKey\'s administrators and users.';
  return keyFinding(ruleId, key, id, o.uncertain ? 'warning' : 'error', message, { ...(statement !== undefined ? { statement } : {}), field: 'Action' });
}

function putKeyPolicyFirst(actions: readonly string[]): string[] {
  return [...actions.filter((a) => a === 'kms:PutKeyPolicy'), ...actions.filter((a) => a !== 'kms:PutKeyPolicy')];
}

/** The same role or user (IAM names ignore case). */
function sameIdentity(a: { type: string; account: string; name: string }, b: { type: string; account: string; name: string }): boolean {
  return a.type === b.type && a.account === b.account && a.name.toLowerCase() === b.name.toLowerCase();
}
