/**
 * Asking the evaluator what a caller could do on a key, when the caller picks every request value it controls.
 *
 * A rule asks "can X ever do A on the key?", not "is this one request allowed?". A caller chooses the encryption
 * context, the service it calls through (kms:ViaService), TLS, its source IP, the time, its own tags and user names: a
 * condition on such a key narrows nothing against a caller who wants in. So before asking, the policies are read
 * adversarially: condition entries on keys the caller chooses are dropped from Allow statements (assumed satisfied),
 * and Deny statements with such an entry are dropped (assumed avoided). What is kept is decided by the evaluator, with
 * its real semantics: the keys that identify the caller (kms:CallerAccount, aws:PrincipalArn, aws:PrincipalOrgID,
 * ...), the network endpoint (aws:SourceVpce, aws:SourceVpc, aws:SourceVpcArn; not aws:VpcSourceIp: a private address is
 * not unique across VPCs), an AWS service acting as itself (aws:SourceAccount,
 * aws:SourceArn, aws:PrincipalIsAWSService) and the key's own properties. Values unknown offline are bounded by the
 * strict and permissive readings of app-model/policy-readings.ts. Pure.
 */
import { compiledProbeScenario } from './compiled-parts';
import { isRecord, listOf, statementsOf } from './statements';
import { evaluatorKey } from '../../analysis/evaluator-key';
import { KmsKeyModel } from '../../app-model/app-model';
import { Reading, readPolicy } from '../../app-model/policy-readings';
import { containsUnresolved, isUnresolvedText } from '../../app-model/unresolved';
import { CompiledScenario, EvaluationResult } from '../../evaluator/kms-access-evaluator';
import { ALIAS_AND_KEY_ACTIONS, GRANT_OPERATIONS } from '../../policy/catalogue';
import { sessionRoleArn } from '../../policy/principal';

/** Keys a caller cannot choose (lower case; `aws:resourcetag/` is a family). */
const FIXED_KEYS = new Set([
  'kms:calleraccount', 'aws:principalaccount', 'aws:principalarn', 'aws:principalorgid', 'aws:principalorgpaths',
  'aws:principalisawsservice', 'aws:principalservicename', 'aws:principalservicenameslist', 'aws:userid',
  'aws:sourcevpce', 'aws:sourcevpc', 'aws:sourcevpcarn', 'aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceorgpaths',
  'aws:resourceaccount', 'aws:resourceorgid', 'aws:resourceorgpaths',
  'kms:keyspec', 'kms:keyusage', 'kms:keyorigin', 'kms:multiregion', 'kms:multiregionkeytype', 'kms:resourcealiases',
]);

/** Whether a condition key is one the caller cannot choose. */
export function isFixedKey(key: string): boolean {
  const lower = key.toLowerCase();
  return FIXED_KEYS.has(lower) || lower.startsWith('aws:resourcetag/');
}

/**
 * The policy as a caller who picks every value it controls sees it. `keep` says which condition keys stay (default:
 * the fixed ones); pass one that also keeps kms:ViaService to ask what a caller can do without going through a service.
 */
export function adversarialPolicy(policy: unknown, keep: (key: string) => boolean = isFixedKey): unknown {
  if (!isRecord(policy)) return policy;
  // The rules read the same documents for many keys and principals: once per document and reading.
  let byKeep = adversarialReadings.get(policy);
  if (!byKeep) {
    byKeep = new Map();
    adversarialReadings.set(policy, byKeep);
  }
  let read = byKeep.get(keep);
  if (read === undefined) {
    read = readAdversarially(policy, keep);
    byKeep.set(keep, read);
  }
  return read;
}

/** adversarialPolicy's results, shared: the evaluator and the rules only read them. */
const adversarialReadings = new WeakMap<object, Map<(key: string) => boolean, unknown>>();

function readAdversarially(policy: Record<string, any>, keep: (key: string) => boolean): unknown {
  const statements: unknown[] = [];
  for (const { statement } of statementsOf(policy)) {
    if (!isRecord(statement.Condition)) {
      statements.push(statement);
      continue;
    }
    const kept: Record<string, Record<string, unknown>> = {};
    let dropped = false;
    for (const [operator, block] of Object.entries(statement.Condition)) {
      if (!isRecord(block)) continue;
      for (const [key, values] of Object.entries(block)) {
        if (keep(key)) kept[operator] = { ...(kept[operator] ?? {}), [key]: values };
        else dropped = true;
      }
    }
    if (statement.Effect === 'Deny' && dropped) continue;
    const { Condition: _omit, ...rest } = statement;
    statements.push(Object.keys(kept).length > 0 ? { ...rest, Condition: kept } : rest);
  }
  return { ...policy, Statement: statements };
}

/**
 * Keeps the fixed keys and the caller's tags: for principals of the app's own account, whose tags its administrators
 * set (the model knows them), unlike a caller from outside, who tags itself as it likes.
 */
export function keepFixedAndPrincipalTags(key: string): boolean {
  return isFixedKey(key) || key.toLowerCase().startsWith('aws:principaltag/');
}

/** Keeps the fixed keys, the caller's tags and kms:ViaService: what a principal can do calling KMS directly. */
export function keepAllButCallerRequestKeys(key: string): boolean {
  return keepFixedAndPrincipalTags(key) || key.toLowerCase() === 'kms:viaservice';
}

/** Accounts used for callers from outside: the first that the given values do not mention is used. */
const PROBE_ACCOUNTS = ['999999999999', '999999999998', '999999999997', '999999999996'];

/** An account of no one: not the key's, not named anywhere in `mentions`. */
export function unrelatedAccount(...mentions: unknown[]): string {
  const text = JSON.stringify(mentions);
  return PROBE_ACCOUNTS.find((a) => !text.includes(a)) ?? PROBE_ACCOUNTS[0];
}

/**
 * A 12-digit account that the pattern matches and that is not `avoid`, when the pattern holds a wildcard: `?` becomes
 * a digit, the first `*` as many digits as make twelve, any other `*` nothing. Undefined for a literal or for a
 * pattern no account matches.
 */
export function accountMatching(pattern: string, avoid: string): string | undefined {
  if (!/[*?]/.test(pattern)) return undefined;
  for (const digit of ['0', '9']) {
    const fixed = pattern.replace(/\?/g, digit);
    const star = fixed.indexOf('*');
    const bare = fixed.replace(/\*/g, '');
    const account = star < 0 ? bare : `${fixed.slice(0, star).replace(/\*/g, '')}${digit.repeat(Math.max(0, 12 - bare.length))}${fixed.slice(star + 1).replace(/\*/g, '')}`;
    if (/^\d{12}$/.test(account) && account !== avoid) return account;
  }
  return undefined;
}

/** The role the probes use, and a session of it (KMS sees sessions, which a role ARN in a policy matches). */
export const PROBE_ROLE = 'kms-guard-probe';
export function probeSession(partition: string, account: string, role = PROBE_ROLE): string {
  return `arn:${partition}:sts::${account}:assumed-role/${role}/kms-guard-probe`;
}

/** A session of an IAM role ARN; a user ARN (or anything else) is returned as it is. */
export function sessionOf(arn: string): string {
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return role ? `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/kms-guard-probe` : arn;
}

/** The caller fields of a session of an IAM role ARN (with the role's ARN, path included), or of the ARN itself. */
export function sessionCallerOf(arn: string): { arn: string; roleArn?: string } {
  return { arn: sessionOf(arn), ...sessionRoleArn(arn) };
}

/** An identity policy allowing every KMS action on every key: the caller's own account does not stand in the way. */
export const ALLOW_ALL_KMS = { Version: '2012-10-17', Statement: [{ Sid: 'ProbeAllowsAllKms', Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };

/** The key as the evaluator's scenario describes it, with the given policy. */
export function scenarioKey(key: KmsKeyModel, policy: unknown): Record<string, unknown> {
  // The evaluator rejects alias names it cannot use (unresolved, or alias/aws/...), so only real ones go in.
  return evaluatorKey(key, { policy, usableAliasesOnly: true });
}

export interface ProbeCaller {
  readonly arn: string;
  /** When `arn` is a session: its role's ARN with the role's path (the evaluator's `caller.roleArn`). */
  readonly roleArn?: string;
  readonly identityPolicies?: unknown[];
  readonly permissionsBoundary?: unknown;
  readonly tags?: Record<string, string>;
  readonly orgId?: string;
}

/** One allowed request: the action, the service it went through (if any), and the evaluator's result. */
export interface Allowed {
  readonly action: string;
  readonly via?: string;
  readonly result: EvaluationResult;
}

/** What a probe found; `error` when the scenario could not be evaluated (its first error, with where it is). */
export interface ProbeOutcome {
  readonly allowed: Allowed[];
  readonly error?: string;
}

/** A key, its policy (already read as wanted) and a caller, compiled once: ask about many actions. */
export interface Probe {
  /** The compile error (its first), when the scenario could not be compiled. */
  readonly error?: string;
  /**
   * Which of `actions` the caller is allowed, trying a plain request and one through each of `viaServices`.
   * kms:CreateGrant is asked for a grant of every grant operation, without constraints, not through a service, to
   * `grantee` (default: the caller itself).
   */
  ask(actions: readonly string[], viaServices?: readonly string[], grantee?: string): ProbeOutcome;
}

/**
 * Compiles the scenario of a probe once (the evaluator's cost is the compilation): see {@link Probe.ask}. The key's
 * part and the caller's are each compiled once for all probes (compiled-parts.ts): the decisions are those of the
 * whole scenario compiled at once.
 */
export function compileProbe(key: KmsKeyModel, policy: unknown, caller: ProbeCaller): Probe {
  const compiled: CompiledScenario = compiledProbeScenario(key, policy, caller, () => scenarioKey(key, policy));
  const compileErrors = compiled.errors;
  if (compileErrors.length > 0) {
    const error = describeError(compileErrors[0]);
    return { error, ask: () => ({ allowed: [], error }) };
  }
  return {
    ask: (actions, viaServices = [], grantee) => {
      const allowed: Allowed[] = [];
      for (const action of actions) {
        for (const via of [undefined, ...viaServices]) {
          if (action === 'kms:CreateGrant' && via !== undefined) continue;
          const request = action === 'kms:CreateGrant'
            ? { action, createGrant: { granteePrincipal: grantee ?? caller.arn, operations: [...GRANT_OPERATIONS] } }
            : {
              action,
              // Alias operations are authorized on an alias too (alias-access.md): an alias of the key's account.
              ...(ALIAS_AND_KEY_ACTIONS.includes(action) ? { aliasArn: probeAliasArn(key.arn) } : {}),
              // UpdateAlias is authorized on the new target key too: the same key (alias-access.md).
              ...(action === 'kms:UpdateAlias' ? { destinationKey: scenarioKey(key, policy) } : {}),
              ...(via !== undefined ? { context: { 'kms:ViaService': via } } : {}),
            };
          const result = compiled.evaluate(request);
          if (result.errors.length > 0) return { allowed, error: describeError(result.errors[0]) };
          if (result.decision === 'allow') {
            allowed.push({ action, ...(via !== undefined ? { via } : {}), result });
            break;
          }
        }
      }
      return { allowed };
    },
  };
}

/** An alias in the key's account and Region, for alias operations a probe asks. */
function probeAliasArn(keyArn: string): string {
  const m = /^arn:([^:]+):kms:([^:]*):([^:]*):key\//.exec(keyArn);
  return m ? `arn:${m[1]}:kms:${m[2]}:${m[3]}:alias/kms-guard-probe` : 'arn:aws:kms:us-east-1:111122223333:alias/kms-guard-probe';
}

/**
 * Which of `actions` the caller is allowed on the key under `policy` (already read as wanted), trying a plain request
 * and one through each of `viaServices`. kms:CreateGrant is asked for a grant of every grant operation, without
 * constraints, not through a service, to `grantee` (default: the caller itself).
 */
export function probeActions(
  key: KmsKeyModel, policy: unknown, caller: ProbeCaller, actions: readonly string[], viaServices: readonly string[] = [], grantee?: string,
): ProbeOutcome {
  return compileProbe(key, policy, caller).ask(actions, viaServices, grantee);
}

/** The kms:ViaService values the documents compare with (wildcards filled in), for probes that go through a service. */
export function viaServicesIn(...documents: unknown[]): string[] {
  const found = new Set<string>();
  const visit = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) {v.forEach((x) => visit(x, key));} else if (isRecord(v)) {for (const [k, x] of Object.entries(v)) visit(x, k);} else if (typeof v === 'string' && key?.toLowerCase() === 'kms:viaservice' && !isUnresolvedText(v) && !v.includes('${')) {
      found.add(v.replace(/\*/g, 'x').replace(/\?/g, 'x'));
    }
  };
  documents.forEach((d) => visit(d));
  return [...found].sort();
}

/**
 * The readings of a policy to decide on: the policy itself when it holds no unresolved value; else the strict reading
 * (what the unknown values allow at least) and the permissive one (at most).
 */
export function readingsOf(policy: unknown): Array<{ reading: Reading | 'exact'; policy: unknown }> {
  if (!containsUnresolved(policy)) return [{ reading: 'exact', policy }];
  return [{ reading: 'strict', policy: readPolicy(policy, 'strict', true) }, { reading: 'permissive', policy: readPolicy(policy, 'permissive', true) }];
}

/** The same for identity policies (no Principal element). */
export function identityReading(documents: readonly unknown[], reading: Reading | 'exact'): unknown[] {
  return reading === 'exact' ? [...documents] : documents.map((d) => readPolicy(d, reading, false));
}

/** A permissions boundary under a reading (undefined stays undefined: no boundary). */
export function boundaryReading(boundary: unknown, reading: Reading | 'exact'): unknown {
  return boundary === undefined || reading === 'exact' ? boundary : readPolicy(boundary, reading, false);
}

/**
 * The readings to probe a caller with: the key policy's (readingsOf), or, when the key policy holds no value unknown
 * offline but the caller's own documents (identity policies, boundary) do, the strict and the permissive reading with
 * the key policy as it is. Read exactly, an unknown value is a placeholder that matches nothing: an IAM policy
 * granting kms:CreateGrant on a key ARN given as a parameter would look like it allows nothing, a silent pass.
 */
export function callerReadings(
  keyReadings: ReadonlyArray<{ reading: Reading | 'exact'; policy: unknown }>, documents: readonly unknown[],
): ReadonlyArray<{ reading: Reading | 'exact'; policy: unknown }> {
  if (keyReadings.length !== 1 || keyReadings[0].reading !== 'exact' || !documents.some(holdsUnresolved)) return keyReadings;
  const policy = keyReadings[0].policy;
  return [{ reading: 'strict', policy }, { reading: 'permissive', policy }];
}

/** containsUnresolved, kept per document: the rules ask it of the app model's documents (never changed) for every key. */
function holdsUnresolved(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return containsUnresolved(doc);
  let holds = unresolvedByDocument.get(doc);
  if (holds === undefined) {
    holds = containsUnresolved(doc);
    unresolvedByDocument.set(doc, holds);
  }
  return holds;
}

const unresolvedByDocument = new WeakMap<object, boolean>();

function describeError(e: { message: string; policy?: string; statement?: string; field?: string }): string {
  const where = [e.policy, e.statement, e.field].filter((x) => x !== undefined).join(', ');
  return `${e.message}${where ? ` (${where})` : ''}`;
}

/** Every value of a multi-valued field, as strings. */
export function stringsOf(value: unknown): string[] {
  return listOf(value).filter((v): v is string => typeof v === 'string');
}
