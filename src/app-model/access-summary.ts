/**
 * Superseded by the effective-access analysis (src/analysis/effective-access.ts), which `kms-guard report` and its
 * alias `summarize` use: this module is kept only so that bench/report.bench.ts can compare the two on the same app,
 * and can be deleted with that comparison. It asks every key about every principal of the app, over 14 actions.
 *
 * Who can do what on each key of an app, decided by the evaluator (KmsAccessEvaluator) rather than by reading policies.
 *
 * For each key, every principal of the app is asked about a fixed list of actions, together with: extra principals the
 * caller names; principals the key policy names that the app does not define (other accounts, imported roles, AWS
 * services); a probe role of the key's account whose IAM policy allows kms:* on * (if it can act, so can any principal
 * of the account that is given an IAM policy: account-wide delegation); and the root user of the key's account.
 * Requests are tried plain and with the encryption contexts, kms:ViaService values and VPC endpoints that the policies
 * mention (request-variants.ts). Unresolved values are bounded by two readings of the policies (policy-readings.ts):
 * what the strict reading allows is reported as allowed, what only the permissive one allows as `uncertain`.
 */
import { AppModel, KmsEndpointModel, KmsKeyModel, PrincipalModel } from './app-model';
import { ManagedPolicyKnowledge, managedPolicyKnowledge } from './aws-managed-policies';
import { Reading, readPolicy, unresolvedStatements } from './policy-readings';
import { RequestVariant, collectMentions, isContainedIn, requestVariants } from './request-variants';
import { containsUnresolved, isUnresolvedText } from './unresolved';
import { CompiledScenario, KmsAccessEvaluator, KmsDecision } from '../evaluator/kms-access-evaluator';
import { CROSS_ACCOUNT_ACTIONS, ENCRYPTION_CONTEXT_ACTIONS, canonicalAction } from '../policy/catalogue';
import { isServicePrincipal, parseAwsPrincipal, parseCaller } from '../policy/principal';

export { formatSummary } from './format-summary';

/** The actions every principal is asked about (those a key's usage cannot serve are skipped: see `actionsForKey`). */
export const SUMMARY_ACTIONS: readonly string[] = [
  'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:Sign', 'kms:Verify',
  'kms:GenerateMac', 'kms:VerifyMac', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
];

export interface ExtraPrincipal {
  /** An IAM or STS ARN, or a service principal. */
  readonly arn: string;
  readonly identityPolicies?: any[];
  /** @default the ARN */
  readonly label?: string;
}

export interface SummaryOptions {
  readonly extraPrincipals?: ExtraPrincipal[];
  /** Actions to ask about instead of `SUMMARY_ACTIONS` filtered by key usage. */
  readonly actions?: string[];
}

export type SummaryPrincipalKind = 'role' | 'user' | 'extra' | 'named' | 'service' | 'probe-role' | 'root';

export interface SummaryPrincipal {
  readonly arn: string;
  /** `role KeyStack/AppRole`, `root of 111122223333`, ... */
  readonly label: string;
  readonly kind: SummaryPrincipalKind;
  readonly constructPath?: string;
  readonly stackName?: string;
  readonly logicalId?: string;
}

export interface AllowedAction {
  readonly action: string;
  /** Allowed only when an AWS service makes the request (kms:ViaService). */
  readonly via?: string;
  /** Allowed only with this encryption context (for CreateGrant: this grant constraint). */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** Allowed only through this VPC endpoint (its id). */
  readonly endpoint?: string;
  /** Allowed only under the permissive reading of unresolved values: it depends on what they turn out to be. */
  readonly uncertain?: boolean;
}

export interface AccessEntry {
  readonly principal: SummaryPrincipal;
  readonly allowed: AllowedAction[];
  /** The only principal that can call kms:PutKeyPolicy: if it goes, nobody can manage the key. */
  readonly lockoutRisk?: boolean;
  readonly notes: string[];
}

export interface KeyAccessSummary {
  readonly key: {
    readonly stackName: string;
    readonly logicalId: string;
    readonly constructPath?: string;
    readonly arn: string;
    readonly aliases: string[];
  };
  readonly entries: AccessEntry[];
  readonly notes: string[];
}

/** Summarizes every key of the model. */
export function summarizeAccess(model: AppModel, options: SummaryOptions = {}): KeyAccessSummary[] {
  return model.keys.map((key) => summarizeKey(model, key, options));
}

/** The summary actions that the key's usage can serve: KMS rejects the others whatever the policies say. */
export function actionsForKey(key: Pick<KmsKeyModel, 'keySpec' | 'keyUsage'>): string[] {
  const crypto: Record<string, readonly string[]> = {
    ENCRYPT_DECRYPT: key.keySpec === 'SYMMETRIC_DEFAULT'
      ? ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey']
      // Asymmetric encryption keys cannot generate data keys (symm-asymm-compare.md).
      : ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
    SIGN_VERIFY: ['kms:Sign', 'kms:Verify'],
    GENERATE_VERIFY_MAC: ['kms:GenerateMac', 'kms:VerifyMac'],
    KEY_AGREEMENT: [],
  };
  const usable = Object.prototype.hasOwnProperty.call(crypto, key.keyUsage) ? crypto[key.keyUsage] : undefined;
  const management = ['kms:DescribeKey', 'kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey'];
  // An unknown usage (unresolved) keeps every action: better a meaningless line than a hidden permission.
  return SUMMARY_ACTIONS.filter((a) => usable === undefined || usable.includes(a) || management.includes(a));
}

const ALLOW_KMS: any = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
/** A permissions boundary known to allow no KMS action. */
const NO_KMS_BOUNDARY: any = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'kms:*', Resource: '*' }] };
export const PROBE_ROLE_NAME = 'kms-guard-probe-any-role';

interface Caller {
  readonly principal: SummaryPrincipal;
  readonly identityPolicies: Array<{ readonly source: string; readonly document: unknown }>;
  /** Policies that may or may not be attached: only the permissive reading counts them. */
  readonly possibleIdentityPolicies?: Array<{ readonly source: string; readonly document: unknown }>;
  readonly boundary?: unknown;
  readonly tags?: Record<string, string>;
  readonly notes: string[];
}

interface KeySetting {
  readonly key: KmsKeyModel;
  /** The `key` object of a scenario, without the policy (which depends on the reading). */
  readonly scenarioKey: Record<string, unknown>;
  readonly actions: readonly string[];
  readonly endpoints: readonly KmsEndpointModel[];
  readonly grantOperation: string;
}

function summarizeKey(model: AppModel, key: KmsKeyModel, options: SummaryOptions): KeyAccessSummary {
  const notes: string[] = [];
  const actions = chooseActions(key, options, notes);
  const setting: KeySetting = {
    key,
    scenarioKey: {
      arn: key.arn,
      keySpec: key.keySpec,
      keyUsage: key.keyUsage,
      multiRegion: key.multiRegion ?? false,
      ...(key.multiRegionKeyType ? { multiRegionKeyType: key.multiRegionKeyType } : {}),
      // The evaluator rejects alias names it cannot use (unresolved, or alias/aws/...), so only real ones go in.
      aliases: key.aliases.filter((a) => a.startsWith('alias/') && !a.startsWith('alias/aws/') && !isUnresolvedText(a)),
      tags: key.tags,
    },
    actions,
    endpoints: model.endpoints.filter((e) => e.account === key.account && e.region === key.region && /^vpce-[0-9a-z]+$/.test(e.id)),
    grantOperation: key.keyUsage === 'SIGN_VERIFY' ? 'Sign' : key.keyUsage === 'GENERATE_VERIFY_MAC' ? 'GenerateMac' : 'Decrypt',
  };
  const summaryKey = {
    stackName: key.stackName,
    logicalId: key.logicalId,
    ...(key.constructPath !== undefined ? { constructPath: key.constructPath } : {}),
    arn: key.arn,
    aliases: key.aliases,
  };
  notes.push(...keyNotes(model, key));

  const callers = callersFor(model, key, options);
  const problem = keyProblem(setting, notes);
  if (problem) {
    notes.push(problem);
    return { key: summaryKey, entries: callers.map((c) => ({ principal: c.principal, allowed: [], notes: c.notes })), notes };
  }

  let truncated = false;
  const entries = callers.map((caller) => {
    const result = evaluateCaller(setting, caller);
    truncated ||= result.truncated;
    return result.entry;
  });
  if (truncated) notes.push('the policies mention many encryption context, kms:ViaService or endpoint values: only the first combinations were tried');
  return { key: summaryKey, entries: markLockout(key, entries, notes), notes: [...notes, ...delegationNotes(key, entries, actions)] };
}

function chooseActions(key: KmsKeyModel, options: SummaryOptions, notes: string[]): string[] {
  if (!options.actions) return actionsForKey(key);
  const out: string[] = [];
  for (const a of options.actions) {
    const canonical = canonicalAction(a);
    if (canonical) out.push(canonical);
    else notes.push(`${a} is not a KMS action: skipped`);
  }
  return [...new Set(out)];
}

function keyNotes(model: AppModel, key: KmsKeyModel): string[] {
  const notes: string[] = [];
  if (key.defaultPolicy) notes.push('the template sets no key policy, so KMS applies its default one: the account, kms:* (key-policy-default.md)');
  if (key.enabled === false) notes.push('the key is disabled: KMS refuses cryptographic operations until it is enabled, whatever the policies allow');
  const stack = model.stacks.find((s) => s.stackName === key.stackName && s.account === key.account);
  if (stack?.accountIsPlaceholder) notes.push(`account ${key.account} is a placeholder (environment-agnostic stack): read it as "the account the stack is deployed to"`);
  for (const where of unresolvedStatements(key.policy)) {
    notes.push(`${where} of the key policy cannot be fully resolved: entries marked "possibly" depend on it, and an unresolved principal is never listed as a principal`);
  }
  return notes;
}

/** Why the key (its strict reading) cannot be evaluated at all, or undefined; key-policy warnings become notes. */
function keyProblem(s: KeySetting, notes: string[]): string | undefined {
  const root = `arn:${s.key.partition}:iam::${s.key.account}:root`;
  const scenario = { key: { ...s.scenarioKey, policy: readPolicy(s.key.policy, 'strict', true) }, caller: { arn: root }, request: { action: 'kms:DescribeKey' } };
  const result = KmsAccessEvaluator.evaluate(scenario);
  for (const w of result.warnings) if (w.policy === 'key policy') notes.push(`key policy, ${w.statement ?? 'document'}: ${w.message}`);
  const error = result.errors[0];
  if (!error) return undefined;
  const detail = `${error.message}${error.statement ? ` (${error.statement})` : ''}`;
  return error.policy === 'key policy'
    ? `the key policy is invalid, so KMS would reject it and no access is reported: ${detail}`
    : `the key cannot be evaluated, so no access is reported: ${detail}`;
}

function displayPath(item: { stackName: string; logicalId: string; constructPath?: string }): string {
  return item.constructPath?.replace(/\/Resource$/, '') ?? `${item.stackName}/${item.logicalId}`;
}

function callersFor(model: AppModel, key: KmsKeyModel, options: SummaryOptions): Caller[] {
  const callers = new Map<string, Caller>();
  const add = (c: Caller): void => {
    if (!callers.has(c.principal.arn)) callers.set(c.principal.arn, c);
  };
  for (const p of model.principals) add(fromModel(p));
  for (const x of options.extraPrincipals ?? []) {
    add({
      principal: { arn: x.arn, label: x.label ?? x.arn, kind: 'extra' },
      identityPolicies: (x.identityPolicies ?? []).map((document, i) => ({ source: `identity policy #${i} given for ${x.label ?? x.arn}`, document })),
      notes: [],
    });
  }
  for (const c of namedInKeyPolicy(key)) add(c);
  add({
    principal: { arn: `arn:${key.partition}:iam::${key.account}:role/${PROBE_ROLE_NAME}`, label: `any role of ${key.account} given an IAM policy allowing kms:*`, kind: 'probe-role' },
    identityPolicies: [{ source: 'the probe\'s IAM policy (kms:* on *)', document: ALLOW_KMS }],
    notes: [],
  });
  add(rootOf(key.partition, key.account, key.account));
  return [...callers.values()];
}

function rootOf(partition: string, account: string, keyAccount: string): Caller {
  return {
    principal: { arn: `arn:${partition}:iam::${account}:root`, label: `root of ${account}`, kind: 'root' },
    identityPolicies: [],
    notes: account === keyAccount ? [] : [`another account: what its root user can do, its administrators can delegate to any principal of ${account}`],
  };
}

function fromModel(p: PrincipalModel): Caller {
  const notes: string[] = [];
  const identityPolicies = p.identityPolicies.map((document, i) => ({ source: p.identityPolicySources[i] ?? `identity policy #${i}`, document }));
  for (const arn of p.externalManagedPolicies) {
    const known: ManagedPolicyKnowledge = managedPolicyKnowledge(arn);
    if (known.kind === 'document') identityPolicies.push({ source: `${arn} (AWS managed, content assumed)`, document: known.document });
    else if (known.kind === 'unknown') notes.push(`managed policy ${arn} is not in the app and its contents are unknown offline: it may be allowed more than shown`);
  }
  let boundary: unknown = p.permissionsBoundary;
  if (p.boundaryUnknown && p.permissionsBoundaryArn !== undefined) {
    const known = managedPolicyKnowledge(p.permissionsBoundaryArn);
    if (known.kind === 'document') boundary = known.document;
    else if (known.kind === 'no-kms') boundary = NO_KMS_BOUNDARY;
    else notes.push(`its permissions boundary ${p.permissionsBoundaryArn} is not in the app: it may be allowed less than shown`);
  }
  return {
    principal: {
      arn: p.arn,
      label: `${p.kind} ${displayPath(p)}`,
      kind: p.kind,
      ...(p.constructPath !== undefined ? { constructPath: p.constructPath } : {}),
      stackName: p.stackName,
      logicalId: p.logicalId,
    },
    identityPolicies,
    possibleIdentityPolicies: p.possibleIdentityPolicies.map((document, i) => ({ source: p.possibleIdentityPolicySources[i], document })),
    ...(boundary !== undefined ? { boundary } : {}),
    tags: p.tags,
    notes: [...notes, ...p.possibleIdentityPolicySources.map((source) => `${source} may be attached to it`)],
  };
}

/** Principals named by Allow statements of the key policy; unresolved ones are skipped (they are nobody in particular). */
function namedInKeyPolicy(key: KmsKeyModel): Caller[] {
  const out: Caller[] = [];
  for (const st of statementsOf(key.policy)) {
    if (st.Effect !== 'Allow' || !isRecord(st.Principal)) continue;
    for (const value of stringList(st.Principal.Service)) {
      if (isServicePrincipal(value)) {
        out.push({ principal: { arn: value.toLowerCase(), label: `service ${value.toLowerCase()}`, kind: 'service' }, identityPolicies: [], notes: [] });
      }
    }
    for (const value of stringList(st.Principal.AWS)) {
      if (value === '*' || isUnresolvedText(value)) continue;
      const entry = parseAwsPrincipal(value);
      if ('error' in entry) continue;
      if (entry.type === 'account') {
        out.push(rootOf(key.partition, entry.account, key.account));
      } else if (entry.type !== 'everyone' && entry.type !== 'service' && entry.type !== 'other' && parseCaller(value)) {
        const own = entry.account === key.account;
        out.push({
          principal: { arn: value, label: value, kind: 'named' },
          // Another account's principal also needs its own IAM policies to allow: assume they do, to show what the key
          // policy opens. A principal of the key's account outside the app: its IAM policies are unknown.
          identityPolicies: own ? [] : [{ source: 'assumed IAM policy of its own account (kms:* on *)', document: ALLOW_KMS }],
          notes: [own
            ? 'named in the key policy but not defined in the app: its IAM policies are unknown'
            : `named in the key policy, in account ${entry.account}: shown as if that account's IAM policies allow it`],
        });
      }
    }
  }
  return out;
}

interface CallerResult {
  readonly entry: AccessEntry;
  readonly truncated: boolean;
}

function evaluateCaller(s: KeySetting, caller: Caller): CallerResult {
  const notes = [...caller.notes];
  const callerAccount = parseCaller(caller.principal.arn)?.account;
  // KMS refuses other operations across accounts whatever the policies say: no need to ask.
  const actions = callerAccount !== undefined && callerAccount !== s.key.account
    ? s.actions.filter((a) => CROSS_ACCOUNT_ACTIONS.includes(a))
    : s.actions;
  const possible = caller.possibleIdentityPolicies ?? [];
  const documents = [
    s.key.policy,
    ...caller.identityPolicies.map((p) => p.document),
    ...possible.map((p) => p.document),
    ...(caller.boundary !== undefined ? [caller.boundary] : []),
  ];
  const mentions = collectMentions([...documents, ...s.endpoints.map((e) => e.policy)]);
  const endpoints = mentions.sourceVpc ? s.endpoints : [];
  const uncertain = possible.length > 0 || containsUnresolved(documents) || endpoints.some((e) => containsUnresolved(e.policy));
  for (const p of caller.identityPolicies) {
    for (const where of unresolvedStatements(p.document)) notes.push(`${where} of ${p.source} cannot be fully resolved`);
  }

  let truncated = false;
  const results = new Map<Reading, AllowedAction[]>();
  for (const reading of (uncertain ? ['strict', 'permissive'] : ['strict']) as Reading[]) {
    const compiled = compileVariants(s, caller, reading, endpoints, notes);
    if (!compiled) {
      results.set(reading, []);
      continue;
    }
    const allowed: AllowedAction[] = [];
    for (const action of actions) {
      const { variants, truncated: cut } = requestVariants(mentions, endpoints.map((e) => e.id), ENCRYPTION_CONTEXT_ACTIONS.includes(action));
      truncated ||= cut;
      allowed.push(...allowedVariants(s, caller, compiled, action, variants, notes));
    }
    results.set(reading, allowed);
  }
  const strict = results.get('strict') ?? [];
  const possibly = (results.get('permissive') ?? [])
    .filter((p) => !strict.some((a) => a.action === p.action && isContainedIn(a, p)))
    .map((p) => ({ ...p, uncertain: true }));
  return { entry: { principal: caller.principal, allowed: [...strict, ...possibly], notes: [...new Set(notes)] }, truncated };
}

/** Minimal variants under which the action is allowed (see request-variants.ts). */
function allowedVariants(
  s: KeySetting, caller: Caller, compiled: ReadonlyMap<string, CompiledScenario>, action: string,
  variants: readonly RequestVariant[], notes: string[],
): AllowedAction[] {
  const allowed: AllowedAction[] = [];
  for (const variant of variants) {
    if (allowed.some((a) => isContainedIn(a, variant))) continue;
    const scenario = compiled.get(variant.endpoint ?? '');
    if (!scenario) continue;
    const result = scenario.evaluate(buildRequest(s, caller, action, variant));
    if (result.errors.length > 0) {
      notes.push(`${action} could not be evaluated: ${result.errors[0].message}`);
      continue;
    }
    if (result.decision === KmsDecision.ALLOW) allowed.push({ action, ...variant });
  }
  return allowed;
}

function buildRequest(s: KeySetting, caller: Caller, action: string, v: RequestVariant): Record<string, unknown> {
  const request: Record<string, unknown> = { action };
  if (v.via !== undefined) request.context = { 'kms:ViaService': v.via };
  if (action === 'kms:CreateGrant') {
    // The narrowest useful grant: to the caller itself, for the key's main operation, constrained to the context tried.
    request.createGrant = {
      granteePrincipal: caller.principal.arn,
      operations: [s.grantOperation],
      ...(v.encryptionContext ? { constraints: { encryptionContextEquals: v.encryptionContext } } : {}),
    };
  } else if (v.encryptionContext) {
    request.encryptionContext = v.encryptionContext;
  }
  return request;
}

/**
 * One compiled scenario per endpoint option ('' = not through an endpoint) for a reading. Invalid identity policies
 * are left out with a note (IAM would have refused to deploy them); other errors leave the principal unevaluated.
 */
function compileVariants(
  s: KeySetting, caller: Caller, reading: Reading, endpoints: readonly KmsEndpointModel[], notes: string[],
): Map<string, CompiledScenario> | undefined {
  const attached = reading === 'permissive' ? [...caller.identityPolicies, ...caller.possibleIdentityPolicies ?? []] : caller.identityPolicies;
  let identity = attached.map((p) => ({ ...p, document: readPolicy(p.document, reading, false) }));
  const base = (): Record<string, unknown> => ({
    key: { ...s.scenarioKey, policy: readPolicy(s.key.policy, reading, true) },
    caller: {
      arn: caller.principal.arn,
      ...(identity.length > 0 ? { identityPolicies: identity.map((p) => p.document) } : {}),
      ...(caller.boundary !== undefined ? { permissionsBoundary: readPolicy(caller.boundary, reading, false) } : {}),
      ...(caller.tags && Object.keys(caller.tags).length > 0 ? { tags: caller.tags } : {}),
    },
  });
  let plain = KmsAccessEvaluator.compile(base());
  const invalid = new Set<number>();
  for (const e of plain.errors) {
    const m = /^identity policy #(\d+)$/.exec(e.policy ?? '');
    if (m) invalid.add(Number(m[1]));
  }
  if (invalid.size > 0) {
    for (const i of invalid) {
      const error = plain.errors.find((e) => e.policy === `identity policy #${i}`);
      notes.push(`${identity[i].source} is invalid and left out (IAM would refuse it): ${error?.message}`);
    }
    identity = identity.filter((_p, i) => !invalid.has(i));
    plain = KmsAccessEvaluator.compile(base());
  }
  if (plain.errors.length > 0) {
    notes.push(`cannot be evaluated: ${plain.errors[0].message}`);
    return undefined;
  }
  const compiled = new Map<string, CompiledScenario>([['', plain]]);
  for (const e of endpoints) {
    const vpcEndpoint = {
      id: e.id,
      ...(e.vpcId ? { vpcId: e.vpcId } : {}),
      ...(e.policy !== undefined ? { policy: readPolicy(e.policy, reading, true) } : {}),
    };
    const scenario = { ...base(), vpcEndpoint };
    const c = KmsAccessEvaluator.compile(scenario);
    if (c.errors.length > 0) notes.push(`requests through ${e.id} cannot be evaluated: ${c.errors[0].message}`);
    else compiled.set(e.id, c);
  }
  return compiled;
}

/** Marks the only principal able to call PutKeyPolicy, or notes that nobody can. */
function markLockout(key: KmsKeyModel, entries: AccessEntry[], notes: string[]): AccessEntry[] {
  const can = (e: AccessEntry, uncertain: boolean): boolean =>
    e.allowed.some((a) => a.action === 'kms:PutKeyPolicy' && (a.uncertain === true) === uncertain);
  const managers = entries.filter((e) => can(e, false));
  if (managers.length === 0) {
    const maybe = entries.some((e) => can(e, true));
    notes.push(maybe
      ? 'possibly locked out: only the permissive reading of unresolved values lets anyone call kms:PutKeyPolicy'
      : `locked out: no principal of the app, none named in the key policy, and not the root user of ${key.account} can call kms:PutKeyPolicy; only AWS Support can restore access`);
  }
  if (managers.length !== 1 || managers[0].principal.kind === 'root' || managers[0].principal.kind === 'probe-role') return entries;
  notes.push(`only ${managers[0].principal.label} can call kms:PutKeyPolicy: if it is deleted or loses that permission, the key is locked out`);
  return entries.map((e) => (e === managers[0] ? { ...e, lockoutRisk: true } : e));
}

/** Account-wide delegation: what the probe role (any role of the account with an IAM policy) can do. */
function delegationNotes(key: KmsKeyModel, entries: readonly AccessEntry[], actions: readonly string[]): string[] {
  const probe = entries.find((e) => e.principal.kind === 'probe-role');
  if (!probe || probe.allowed.length === 0) return [];
  const unconditional = new Set(probe.allowed.filter((a) => !a.uncertain && !a.via && !a.endpoint && !a.encryptionContext).map((a) => a.action));
  if (actions.every((a) => unconditional.has(a))) {
    return [`any principal in account ${key.account} with an IAM policy can use this key: the key policy delegates all of these actions to the account`];
  }
  const all = new Set(probe.allowed.map((a) => a.action));
  const list = [...all].map((a) => a.replace(/^kms:/, '')).join(', ');
  return [`any principal in account ${key.account} with an IAM policy allowing it can call ${list}${unconditional.size < all.size ? ' (some only under conditions)' : ''}`];
}

function statementsOf(doc: unknown): Record<string, any>[] {
  if (!isRecord(doc)) return [];
  const list: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return list.filter(isRecord);
}

function stringList(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
