/**
 * Which principals can reach a key, found without asking the evaluator about every principal of the app: the ones a
 * key policy names, and the app's principals whose identity policies could allow a KMS action on the key. The
 * evaluator then decides for those only. Pure.
 */
import { awsPrincipalsOf, isAllow, isRecord, kmsActionsOf, listOf, statementsOf } from './statements';
import { AppModel, KmsKeyModel, PrincipalModel } from '../../app-model/app-model';
import { principalLookup } from '../../app-model/principal-lookup';
import { isUnresolvedText } from '../../app-model/unresolved';
import { ALL_KMS_ACTIONS } from '../../policy/catalogue';
import { parseAwsPrincipal } from '../../policy/principal';
import { LITERAL_QUESTION, LITERAL_STAR, hasWildcard, matchesWildcard } from '../../policy/wildcard';

/** An identity Allow statement that grants KMS actions, read once: its actions and the resources it names. */
export interface KmsGrant {
  readonly actions: readonly string[];
  /** Resource patterns; undefined when any resource may match (NotResource, a value unknown offline). */
  readonly resources?: readonly string[];
}

/** The KMS grants of each identity document, read once per document (the rules ask about every key of the app). */
const grantsByDocument = new WeakMap<object, KmsGrant[]>();

export function kmsGrantsOf(doc: unknown): KmsGrant[] {
  if (typeof doc !== 'object' || doc === null) return [];
  let grants = grantsByDocument.get(doc);
  if (!grants) {
    grants = [];
    for (const { statement } of statementsOf(doc)) {
      if (!isAllow(statement)) continue;
      // An action unknown offline (a parameter) may be any KMS action: the evaluator then decides under both readings.
      const actions = listOf(statement.Action ?? statement.NotAction).some((a) => typeof a !== 'string' || isUnresolvedText(a))
        ? ALL_KMS_ACTIONS : kmsActionsOf(statement);
      if (actions.length === 0) continue;
      const patterns = listOf(statement.Resource);
      // A policy variable (`${aws:PrincipalAccount}`) is filled in per request: the pattern is not the ARN it reads as,
      // so the grant may name any key (the evaluator then decides with the variable's value).
      const unknown = statement.NotResource !== undefined
        || patterns.some((r) => typeof r !== 'string' || isUnresolvedText(r) || r.includes('${'));
      grants.push({ actions, ...(unknown ? {} : { resources: patterns as string[] }) });
    }
    grantsByDocument.set(doc, grants);
  }
  return grants;
}

/**
 * The KMS actions an identity document's Allow statements may grant on the key (by Action and Resource only). Several
 * rules ask it of the same principal and key: the answer is kept per document list (a principal's, from the app
 * model, never changed) and key ARN. Read only.
 */
export function identityActionsOn(documents: readonly unknown[], keyArn: string): ReadonlySet<string> {
  let byKey = actionsOnKey.get(documents);
  if (!byKey) {
    byKey = new Map();
    actionsOnKey.set(documents, byKey);
  }
  let out = byKey.get(keyArn);
  if (!out) {
    const found = new Set<string>();
    for (const doc of documents) {
      for (const grant of kmsGrantsOf(doc)) {
        if (grant.resources !== undefined && !grant.resources.some((r) => matchesWildcard(r, keyArn))) continue;
        for (const a of grant.actions) found.add(a);
      }
    }
    out = found.size === 0 ? NO_ACTIONS : found;
    byKey.set(keyArn, out);
  }
  return out;
}

const actionsOnKey = new WeakMap<readonly unknown[], Map<string, ReadonlySet<string>>>();
const NO_ACTIONS: ReadonlySet<string> = new Set();

/** Whether the key policy has an Allow naming the key's account (its root, the bare id) or everyone: IAM can then add. */
export function delegatesToIam(key: KmsKeyModel): boolean {
  return statementsOf(key.policy).some(({ statement }) => isAllow(statement)
    && (statement.NotPrincipal !== undefined || awsPrincipalsOf(statement).some((p) => p === '*' || (accountOf(p) === key.account && isAccountPrincipal(p)))));
}

/** The account of an account principal (`111122223333` or its root ARN), or of an IAM/STS ARN. */
export function accountOf(value: string): string | undefined {
  const entry = parseAwsPrincipal(value);
  return 'account' in entry ? entry.account : undefined;
}

export function isAccountPrincipal(value: string): boolean {
  const entry = parseAwsPrincipal(value);
  return 'type' in entry && entry.type === 'account';
}

/** A role or user principal entry (not a session, account, service or `*`). */
export function roleOrUser(value: string): { type: 'role' | 'user'; account: string; name: string } | undefined {
  const entry = parseAwsPrincipal(value);
  return 'type' in entry && (entry.type === 'role' || entry.type === 'user') ? { type: entry.type, account: entry.account, name: entry.name } : undefined;
}

/** The app's principal for a role or user ARN, by account, kind and name (IAM names ignore case). */
export function appPrincipalFor(model: AppModel, arn: string): PrincipalModel | undefined {
  const named = roleOrUser(arn);
  return named ? principalLookup(model.principals)(named.type, named.account, named.name) : undefined;
}

/**
 * The app's principals that identity policies could let reach a key, indexed once per model: by the literal key ARNs
 * their KMS grants name, plus those with a grant on a pattern or on a resource unknown offline (asked about every key).
 * The principals no grant of which can name a key get an empty action set from identityActionsOn for it.
 */
interface ReachIndex {
  /** The principals that may be candidates (known ARN), by account, in the model's order. */
  readonly byAccount: Map<string, PrincipalModel[]>;
  /** Principals with a grant naming this literal resource. */
  readonly byResource: Map<string, Set<PrincipalModel>>;
  /** Principals with a grant on a pattern or on a resource unknown offline, by account, in the model's order. */
  readonly openByAccount: Map<string, PrincipalModel[]>;
  /** Each indexed principal's position in the model, to give candidates in the model's order. */
  readonly order: Map<PrincipalModel, number>;
}

const reachIndexes = new WeakMap<AppModel, ReachIndex>();

function reachIndexOf(model: AppModel): ReachIndex {
  let index = reachIndexes.get(model);
  if (index) return index;
  const built: ReachIndex = { byAccount: new Map(), byResource: new Map(), openByAccount: new Map(), order: new Map() };
  const append = (map: Map<string, PrincipalModel[]>, p: PrincipalModel): void => {
    const list = map.get(p.account);
    if (list) list.push(p);
    else map.set(p.account, [p]);
  };
  for (const p of model.principals) {
    if (p.arn === '' || isUnresolvedText(p.arn)) continue;
    built.order.set(p, built.order.size);
    append(built.byAccount, p);
    let open = false;
    for (const doc of p.identityPolicies) {
      for (const grant of kmsGrantsOf(doc)) {
        for (const r of grant.resources ?? ['*']) {
          if (!isLiteral(r)) {
            if (!open) append(built.openByAccount, p);
            open = true;
            continue;
          }
          const named = built.byResource.get(r);
          if (named) named.add(p);
          else built.byResource.set(r, new Set([p]));
        }
      }
    }
  }
  reachIndexes.set(model, built);
  return built;
}

/** A resource pattern that matches only itself (matchesWildcard compares it as it is). */
export function isLiteral(pattern: string): boolean {
  return !hasWildcard(pattern) && !pattern.includes(LITERAL_STAR) && !pattern.includes(LITERAL_QUESTION);
}

/**
 * Principals of the key's account, in the app, whose identity policies may grant KMS actions on the key. `actionsOf`,
 * when given, receives the actions each chosen principal may be granted on the key (identityActionsOn).
 */
export function identityCandidates(
  model: AppModel, key: KmsKeyModel, needs: (actions: ReadonlySet<string>) => boolean, actionsOf?: Map<PrincipalModel, ReadonlySet<string>>,
): PrincipalModel[] {
  if (!delegatesToIam(key)) return [];
  const index = reachIndexOf(model);
  const ofAccount = index.byAccount.get(key.account) ?? [];
  const chosen = (p: PrincipalModel): boolean => {
    const actions = identityActionsOn(p.identityPolicies, key.arn);
    if (!needs(actions)) return false;
    actionsOf?.set(p, actions);
    return true;
  };
  // Principals the index leaves out are given no action on the key: asked only when `needs` accepts none.
  if (needs(NO_ACTIONS)) return ofAccount.filter(chosen);
  // Otherwise only those whose grants can reach the key are looked at (not every principal of the account for every
  // key): the ones naming its ARN and the ones with a pattern, in the model's order.
  const reaching = new Set(index.openByAccount.get(key.account));
  for (const p of index.byResource.get(key.arn) ?? []) if (p.account === key.account) reaching.add(p);
  return [...reaching].sort((a, b) => index.order.get(a)! - index.order.get(b)!).filter(chosen);
}

export { isRecord };
