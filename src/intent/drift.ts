/**
 * Intent drift: the effective access the analysis computes for a key (src/analysis/effective-access.ts, over the final
 * templates: every grant, escape hatch, override and IAM policy of the app) against the intent its construct declared
 * (declared-intent.ts). Pure.
 *
 * For each subject of the analysis, the actions the intent declares for it are the actions of every declared grant
 * whose principal it is, less the actions a declared Deny takes from everyone but its exceptions. Then:
 * - `extra`: an action allowed or conditional that is not declared for the subject;
 * - `missing`: a declared (principal, action) that no subject standing for the principal is allowed;
 * - `weakened`: a declared action allowed through a path that does not carry a condition the grant declared
 *   (encryption context, kms:ViaService, kms:CallerAccount, ...), at the declared values or narrower;
 * - `unverified`: undeclared access that depends on values unknown offline (`uncertain`), an intent principal that
 *   cannot be resolved, or a key the analysis could not evaluate: reported as "cannot verify", never as a pass. A
 *   declared action answered `uncertain` is not reported: the app grants it, and only values outside the app (the
 *   principal's own IAM policies, say) decide whether it works.
 *
 * A principal named by an account root (`arn:aws:iam::111122223333:root`) stands for every principal of that account
 * whose IAM policies allow it (key-policy-default.md): a declared account grant covers them all. Alias operations,
 * ReplicateKey and UpdatePrimaryRegion need an authorization besides this key's (OTHER_HALF_ACTIONS): a declared one
 * that the analysis denies is not `missing`, since the intent declares the key half only.
 */
import { declaredActions, expandActions } from './declared-actions';
import { hasDeclaredDeny } from './declared-deny';
import { DeclaredIntent, IntentDeny, IntentGrant, IntentPrincipal } from './declared-intent';
import { AccessPath, ActionAccess, KeyAccess, SubjectAccess } from '../analysis/access/model';
import { AppModel } from '../app-model/app-model';
import { isUnresolvedText } from '../app-model/unresolved';
import { ENCRYPTION_CONTEXT_ACTIONS } from '../policy/catalogue';
import { parseAwsPrincipal } from '../policy/principal';

export type DriftKind = 'extra' | 'missing' | 'weakened' | 'unverified';

/** One difference between the intent and the effective access, about one principal. */
export interface DriftItem {
  readonly kind: DriftKind;
  /** Who: the subject's label, or the declared principal's. */
  readonly principal: string;
  /** What identifies the principal in a finding id, without an account or a Region: a construct path, `role/NAME`, `Deployer`. */
  readonly idValue: string;
  readonly actions: readonly string[];
  /** For `weakened`: the declared conditions that a path lacks; for the others: why. */
  readonly detail: string;
  /** The key-policy statement that allowed it, when one did. */
  readonly statement?: string;
}

/**
 * Operations that need an authorization besides this key's: the intent declares the key half only, so one the analysis
 * denies for lack of the other half is not `missing`. Alias operations need permission on the alias, which only IAM
 * gives (alias-access.md); ReplicateKey needs kms:CreateKey in an IAM policy effective in the replica Region, and
 * UpdatePrimaryRegion needs the permission on the replica key too (multi-region-keys-auth.md).
 */
const OTHER_HALF_ACTIONS = ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias', 'kms:ReplicateKey', 'kms:UpdatePrimaryRegion'];
const EC_ACTIONS = new Set(ENCRYPTION_CONTEXT_ACTIONS);
const GRANTING: ReadonlySet<string> = new Set(['allowed', 'conditional']);

/** The drift of one key whose analysis is `access`. */
export function intentDrift(model: AppModel, access: KeyAccess, intent: DeclaredIntent): DriftItem[] {
  const out: DriftItem[] = [];
  const key = access.key;
  if (!access.evaluated) {
    return [{ kind: 'unverified', principal: 'the key', idValue: 'Key', actions: [], detail: `the key could not be evaluated: ${access.notes[access.notes.length - 1] ?? 'no reason given'}` }];
  }
  // Each grant with the actions it can allow (declared-actions.ts): what its statement cannot allow is not declared.
  const grants = intent.grants.map((g) => ({
    grant: { ...g, actions: declaredActions(g) } as IntentGrant,
    refs: g.principals.map((p) => resolveRef(model, p, key.account)),
  }));
  for (const { grant, refs } of grants) {
    for (const ref of refs) {
      if (ref.kind === 'unknown') out.push({ kind: 'unverified', principal: ref.label, idValue: 'Unresolved', actions: [...grant.actions], detail: `the declared principal (${grant.purpose}) cannot be resolved offline` });
    }
  }
  const denies = intent.denies.map((d) => ({
    deny: { ...d, actions: expandActions(d.actions) },
    except: d.except.map((p) => resolveRef(model, p, key.account)),
    // Absent: everyone.
    principals: d.principals?.map((p) => resolveRef(model, p, key.account)),
  }));

  /**
   * The grants declared for a subject, and the actions denied to it for certain: a conditional Deny takes an action
   * away only from some requests, so an access allowed despite it is still the declared one.
   */
  const declaredFor = (s: SubjectAccess): { grants: IntentGrant[]; denied: Set<string> } => ({
    grants: grants.filter(({ refs }) => refs.some((r) => matches(r, s))).map(({ grant }) => grant),
    denied: new Set(denies
      .filter(({ deny, except, principals }) => !deny.conditional && (principals === undefined || principals.some((r) => matches(r, s)))
        && !except.some((r) => matches(r, s)))
      .flatMap(({ deny }) => deny.actions)),
  });

  for (const s of access.subjects) {
    const { grants: mine, denied } = declaredFor(s);
    const declared = new Set(mine.flatMap((g) => g.actions).filter((a) => !denied.has(a)));
    const extra: ActionAccess[] = [];
    const uncertain: ActionAccess[] = [];
    const weakened = new Map<string, string[]>();
    for (const a of s.capabilities.flatMap((c) => c.actions)) {
      if (a.usable === false || a.answer === 'denied') continue;
      if (!declared.has(a.action)) {
        if (s.subject.representative && onlyThroughReachTag(a)) continue;
        if (GRANTING.has(a.answer)) extra.push(a);
        else uncertain.push(a);
        continue;
      }
      if (!GRANTING.has(a.answer)) continue;
      const lacking = lackingConditions(a, mine.filter((g) => g.actions.includes(a.action)), s.subject.representative);
      if (lacking) weakened.set(lacking, [...weakened.get(lacking) ?? [], a.action]);
    }
    const idValue = subjectIdValue(s, key.account);
    if (extra.length > 0) {
      out.push({
        kind: 'extra',
        principal: s.subject.label,
        idValue,
        actions: extra.map((a) => a.action),
        detail: `allowed by ${through(extra[0])}${mine.length === 0 ? '; the intent declares nothing for it' : ''}`,
        ...statementOf(extra[0]),
      });
    }
    if (uncertain.length > 0) {
      out.push({
        kind: 'unverified',
        principal: s.subject.label,
        idValue,
        actions: uncertain.map((a) => a.action),
        detail: `not declared, and allowed only if values unknown offline turn out a certain way (${[...new Set(uncertain.flatMap((a) => a.unknowns ?? []))].slice(0, 3).join('; ') || 'unknown values'})`,
      });
    }
    for (const [lacking, actions] of weakened) {
      out.push({ kind: 'weakened', principal: s.subject.label, idValue, actions, detail: lacking });
    }
  }

  const keyModel = model.keys.find((k) => k.stackName === key.stackName && k.logicalId === key.logicalId);
  if (keyModel) out.push(...droppedDenies(keyModel.policy, denies));

  // Missing: each declared (principal, action) that no subject standing for the principal is allowed. Only the actions
  // the analysis asked (key actions: an expanded `kms:*` also names IAM-only ones such as kms:CreateKey).
  const asked = new Set(access.subjects.flatMap((s) => s.capabilities.flatMap((c) => c.actions.map((a) => a.action))));
  for (const { grant, refs } of grants) {
    for (const ref of refs) {
      if (ref.kind === 'unknown') continue;
      const subjects = access.subjects.filter((s) => matches(ref, s));
      const lacking: string[] = [];
      for (const action of grant.actions) {
        if (OTHER_HALF_ACTIONS.includes(action) || !asked.has(action)) continue;
        // A declared Deny (deletion protection, or one added through the key's addToResourcePolicy) that covers the
        // principal: its refusal is declared too.
        if (denies.some(({ deny, except, principals }) => deny.actions.includes(action)
          && (principals === undefined || principals.some((r) => sameRef(r, ref))) && !except.some((r) => sameRef(r, ref)))) continue;
        const answers = subjects.map((s) => answerOf(s, action)).filter((x): x is ActionAccess => x !== undefined);
        if (answers.some((x) => x.usable === false)) continue;
        // Uncertain: allowed if values unknown offline (IAM policies outside the app, ...) allow it. The intent is met
        // as far as the app can tell, so it is not `missing`; only undeclared access is reported as "cannot verify".
        if (answers.some((x) => x.answer !== 'denied')) continue;
        lacking.push(action);
      }
      // An account stands for many subjects: the finding names the account, not one of them.
      const shown = ref.kind === 'account' || ref.kind === 'everyone' ? undefined : subjects[0];
      const label = shown?.subject.label ?? ref.label;
      const idValue = shown ? subjectIdValue(shown, key.account) : ref.idValue;
      if (lacking.length > 0) {
        const why = subjects.length === 0
          ? 'no policy of the app reaches it'
          : subjects.map((s) => s.missing ?? answerOf(s, lacking[0])?.missing).find((m) => m !== undefined) ?? 'denied';
        out.push({ kind: 'missing', principal: label, idValue, actions: lacking, detail: `declared (${grant.purpose}) but denied: ${why}` });
      }
    }
  }
  return out;
}

/**
 * Conditional Denies that are no longer in the key policy as declared (declared-deny.ts): the effective access cannot
 * show them, since a request meeting their conditions is allowed with or without them.
 */
function droppedDenies(policy: unknown, denies: ReadonlyArray<{ deny: IntentDeny; principals?: readonly Ref[] }>): DriftItem[] {
  const out: DriftItem[] = [];
  for (const { deny, principals } of denies) {
    if (!deny.conditional || deny.conditions === undefined || Object.keys(deny.conditions).length === 0) continue;
    // Denies naming services or principals unknown offline are left to the access comparison.
    if (principals?.some((r) => r.kind !== 'arn' && !(r.kind === 'path' && r.arn !== undefined))) continue;
    const arns = (principals ?? []).map((r) => (r as { arn: string }).arn);
    if (hasDeclaredDeny(policy, deny, arns)) continue;
    const conditions = Object.entries(deny.conditions).flatMap(([operator, keys]) => Object.entries(keys).map(([k, v]) => `${operator} ${k} ${JSON.stringify(v)}`));
    out.push({
      kind: 'weakened',
      principal: principals === undefined ? 'everyone ("*")' : principals.map((r) => r.label).join(', '),
      idValue: principals === undefined ? 'Anyone' : (principals[0] as { idValue: string }).idValue,
      actions: [...deny.actions],
      detail: `the Deny declared through the key's addToResourcePolicy (${conditions.join('; ')}) is not in the key policy as declared: `
        + 'an override or escape hatch removed it or changed its actions, principals or conditions, so requests it refused (from outside the '
        + 'allowed networks, for VpceRestrictedKey) may now be allowed',
    });
  }
  return out;
}

/** A declared principal, resolved against the app: what subjects of the analysis it stands for. */
type Ref =
  | { readonly kind: 'path'; readonly path: string; readonly arn?: string; readonly label: string; readonly idValue: string }
  | { readonly kind: 'arn'; readonly arn: string; readonly label: string; readonly idValue: string }
  | { readonly kind: 'account'; readonly account: string; readonly label: string; readonly idValue: string }
  | { readonly kind: 'service'; readonly service: string; readonly label: string; readonly idValue: string }
  /** `"*"` (a statement added through addToResourcePolicy for everyone): every subject. */
  | { readonly kind: 'everyone'; readonly label: string; readonly idValue: string }
  | { readonly kind: 'unknown'; readonly label: string };

function resolveRef(model: AppModel, p: IntentPrincipal, keyAccount: string): Ref {
  if (p.path !== undefined) {
    const principal = model.principals.find((m) => m.constructPath === p.path);
    const short = p.path.replace(/\/Resource$/, '');
    return { kind: 'path', path: p.path, ...(principal ? { arn: principal.arn.toLowerCase() } : {}), label: `${principal?.kind ?? 'principal'} ${short}`, idValue: short };
  }
  if (p.service !== undefined) {
    if (typeof p.service !== 'string' || isUnresolvedText(p.service)) return { kind: 'unknown', label: `service ${JSON.stringify(p.service)}` };
    return { kind: 'service', service: p.service.toLowerCase(), label: `service ${p.service}`, idValue: serviceIdValue(p.service) };
  }
  if (typeof p.arn !== 'string' || isUnresolvedText(p.arn)) return { kind: 'unknown', label: `principal ${JSON.stringify(p.arn)}` };
  if (p.arn === '*') return { kind: 'everyone', label: 'everyone ("*")', idValue: 'Anyone' };
  const entry = parseAwsPrincipal(p.arn);
  if ('type' in entry && entry.type === 'account') {
    return { kind: 'account', account: entry.account, label: `account ${entry.account} (its principals whose IAM policies allow it)`, idValue: entry.account === keyAccount ? 'Account' : 'OtherAccount' };
  }
  const named = 'type' in entry && (entry.type === 'role' || entry.type === 'user') ? `${entry.type}/${entry.name}` : undefined;
  return { kind: 'arn', arn: p.arn.toLowerCase(), label: p.arn, idValue: named ?? 'Unnamed' };
}

/**
 * A principal of another stack whose name is generated is reached through its account, narrowed by a tag the grant
 * puts on it (`kms-guard:<key hash>`, README "How the key policy names a principal"). The representative "any
 * principal of the account" is allowed when it carries that tag: that is the declared principal's reach, not extra
 * access, as long as every path needs the tag.
 */
function onlyThroughReachTag(a: ActionAccess): boolean {
  const paths = a.paths ?? [];
  return paths.length > 0 && paths.every(throughReachTag);
}

function throughReachTag(p: AccessPath): boolean {
  return p.requires.some((r) => r.kind === 'principal-tag' && /^aws:PrincipalTag\/kms-guard:/i.test(r.key ?? ''));
}

function matches(ref: Ref, s: SubjectAccess): boolean {
  const subject = s.subject;
  const arn = subject.arn.toLowerCase();
  switch (ref.kind) {
    case 'path': return subject.constructPath === ref.path || (ref.arn !== undefined && arn === ref.arn);
    case 'arn': return arn === ref.arn;
    case 'account': return subject.kind !== 'service' && subject.kind !== 'any-service' && subject.account === ref.account;
    case 'service': return subject.kind === 'service' && arn === ref.service;
    case 'everyone': return true;
    default: return false;
  }
}

function sameRef(a: Ref, b: Ref): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function answerOf(s: SubjectAccess, action: string): ActionAccess | undefined {
  for (const c of s.capabilities) for (const a of c.actions) if (a.action === action) return a;
  return undefined;
}

/**
 * The declared conditions some path of the action lacks, as text, when no declared grant is met by every path; undefined
 * when each path carries all the conditions of at least one grant (a path may be narrower than declared, never wider).
 * For a representative (any principal of the account), a path that needs a reach tag (`kms-guard:<key hash>`) is the
 * access of the app principal the grant tagged, judged against that principal's own grants when it is evaluated; it
 * does not widen what the account was declared (an account-wide grant through Secrets Manager, say).
 */
function lackingConditions(a: ActionAccess, grants: readonly IntentGrant[], representative: boolean): string | undefined {
  for (const path of a.paths ?? []) {
    if (representative && throughReachTag(path)) continue;
    const lacks = grants.map((g) => required(g, a.action).filter((c) => !carries(path, c)));
    if (lacks.some((l) => l.length === 0)) continue;
    const fewest = lacks.reduce((x, y) => (y.length < x.length ? y : x));
    return `allowed without ${fewest.map((c) => `${c.key} = ${c.values.join(' or ')}`).join(', ')} (by ${path.decidedBy.filter((d) => d.effect === 'Allow').map((d) => `${d.statement} of the ${d.policy}`).join(' and ') || 'the policies'})`;
  }
  return undefined;
}

interface RequiredCondition {
  readonly key: string;
  readonly values: readonly string[];
}

/** What the grant requires of a request for the action: its conditions, and its encryption context where one applies. */
function required(g: IntentGrant, action: string): RequiredCondition[] {
  const out: RequiredCondition[] = [];
  for (const block of Object.values(g.conditions ?? {})) {
    for (const [key, value] of Object.entries(block)) out.push({ key, values: strings(value) });
  }
  if (EC_ACTIONS.has(action)) {
    for (const [k, v] of Object.entries(g.encryptionContext ?? {})) out.push({ key: `kms:EncryptionContext:${k}`, values: strings(v) });
  }
  return out;
}

/** Whether an Allow that decided the path has the condition, at the declared values or a subset of them. */
function carries(path: AccessPath, c: RequiredCondition): boolean {
  const lower = c.key.toLowerCase();
  const declared = new Set(c.values.map((v) => v.toLowerCase()));
  return path.conditions.some((d) => d.effect === 'Allow' && d.key.toLowerCase() === lower
    && d.values.length > 0 && d.values.every((v) => declared.has(v.toLowerCase())));
}

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function through(a: ActionAccess): string {
  const parts = (a.paths ?? []).flatMap((p) => p.decidedBy).filter((d) => d.effect === 'Allow').map((d) => `${d.statement} of the ${d.policy}`);
  return [...new Set(parts)].join(' and ') || 'the policies';
}

function statementOf(a: ActionAccess): { statement?: string } {
  const d = (a.paths ?? []).flatMap((p) => p.decidedBy).find((x) => x.policy === 'key policy' && x.effect === 'Allow');
  return d ? { statement: d.statement } : {};
}

/** A finding id's value for a subject: never an account or a Region (finding.ts). */
function subjectIdValue(s: SubjectAccess, keyAccount: string): string {
  const subject = s.subject;
  switch (subject.kind) {
    case 'app-principal': return (subject.constructPath ?? subject.id.replace(/^app:/, '')).replace(/\/Resource$/, '');
    case 'deployer': return 'Deployer';
    case 'account-root': return subject.account === keyAccount ? 'Account' : 'OtherAccount';
    case 'account-principal': return 'AnyPrincipalOfAccount';
    case 'organization-principal': return 'OrganizationPrincipal';
    case 'anyone': return 'Anyone';
    case 'any-service': return 'AnyService';
    case 'service': return serviceIdValue(subject.arn);
    default: {
      const entry = parseAwsPrincipal(subject.arn);
      return 'type' in entry && (entry.type === 'role' || entry.type === 'user') ? `${entry.type}/${entry.name}` : 'Unnamed';
    }
  }
}

/** `service/logs` for `logs.us-east-1.amazonaws.com`: the Region left out. */
function serviceIdValue(service: string): string {
  return `service/${service.split('.')[0]}`;
}
