/**
 * KmsGuard-IdentityResourceWildcard (warning): an identity-policy Allow of KMS key operations names keys, not every
 * key. `"Resource": "*"`, `arn:aws:kms:*` or `arn:...:key/*` without a condition that narrows to keys
 * (kms:ResourceAliases, aws:ResourceTag/*, kms:RequestAlias, or kms:ViaService: the use through one service) lets the
 * principal use every key whose key policy delegates to IAM: each plain kms.Key of its account (its default policy
 * does), every such key created later, and, for a pattern naming another account, that account's delegating keys.
 * "When possible, specify the KMS keys in the Resource element ... avoid the wildcard" (iam-policies-best-practices.md;
 * cmks-in-iam-policies.md; ABAC: abac.md).
 *
 * A pattern is wide when it matches a key id that no key has, in the account and Region of the principal or of a key
 * of the app: it then matches any key there. The IAM-only operations (CreateKey, ListKeys, ListAliases) need
 * `Resource: "*"` and are not judged. The message names the keys of the app, in the principal's account, that the
 * statement reaches and whose key policy delegates to IAM: the ones the principal can use through this statement alone.
 *
 * Severity warning, as issue 8 asks: IAM decides only where a key policy delegates to it, so the statement gives
 * nothing on a key whose policy names its users (GuardedKmsKey's); the finding is the breadth, which the app may mean
 * (an operator role), and then acknowledges. A Resource unknown offline is not judged wide: the finding would be a
 * guess; the statement is reported as "cannot verify" instead, unless the value is an attribute of a resource
 * (`Fn::GetAtt Key.Arn`), which is one resource's ARN, never a pattern. Pure.
 */
import { Finding } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { KEY_POLICY_ACTIONS, usesFirst } from './support/actions';
import { TakenIds, identityFinding } from './support/identity-finding';
import { keyName, principalName } from './support/key-finding';
import { delegatesToIam } from './support/principals';
import { StatementRef, conditionEntriesOf, isAllow, isPositive, kmsActionsOf, listOf, listText, statementJson, statementsOf } from './support/statements';
import { AppModel, KmsKeyModel, PrincipalModel } from '../app-model/app-model';
import { isUnresolvedText } from '../app-model/unresolved';
import { matchesWildcard } from '../policy/wildcard';

const ID = 'KmsGuard-IdentityResourceWildcard';

/** A key id no key has: a pattern matching it matches any key of that account and Region. */
const NO_KEY_ID = 'kms-guard-any-key';

export const IdentityResourceWildcard: Rule = {
  id: ID,
  severity: 'warning',
  summary: 'An identity-policy Allow of KMS key operations names the keys (their ARNs), or narrows a wildcard Resource to keys with kms:ResourceAliases, aws:ResourceTag, kms:RequestAlias or kms:ViaService.',
  explanation: 'IAM decides a key\'s use wherever its key policy delegates to IAM (KMS\'s default policy, every plain kms.Key), so an Allow of key operations on "*" or arn:aws:kms:* reaches every such key of the account, including keys created later, not only the ones the principal needs. Name the keys, or narrow the statement with a condition on the key\'s aliases or tags.',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index> (on the principal whose identity policy holds it)'],
  sources: [kmsGuide('iam-policies-best-practices'), kmsGuide('cmks-in-iam-policies'), kmsGuide('abac'), kmsGuide('key-policy-default')],
  check: (model: AppModel): Finding[] => model.principals.flatMap((p) => principalFindings(model, p)),
};

function principalFindings(model: AppModel, principal: PrincipalModel): Finding[] {
  const out: Finding[] = [];
  const taken: TakenIds = new Map();
  principal.identityPolicies.forEach((doc, index) => {
    const source = principal.identityPolicySources[index] ?? `identity policy #${index}`;
    for (const ref of statementsOf(doc)) {
      const verdict = judge(model, principal, ref.statement);
      if (verdict === undefined) continue;
      out.push(identityFinding(ID, 'warning', { principal, source, index, ref }, 'Resource', taken, (id) => message(principal, ref, source, verdict, id)));
    }
  });
  return out;
}

interface Verdict {
  readonly actions: readonly string[];
  /** The wide patterns, or undefined when the Resource is unknown offline. */
  readonly patterns?: readonly string[];
  /** Keys of the app the statement reaches and whose key policy delegates to IAM. */
  readonly keys: readonly KmsKeyModel[];
}

function judge(model: AppModel, p: PrincipalModel, st: Record<string, any>): Verdict | undefined {
  if (!isAllow(st)) return undefined;
  const actions = kmsActionsOf(st).filter((a) => KEY_POLICY_ACTIONS.includes(a));
  if (actions.length === 0 || narrowsToKeys(st)) return undefined;
  if (st.NotResource !== undefined) return undefined; // NotResource names what is left out: not this rule's question
  // An attribute of a resource (`Fn::GetAtt Key.Arn`, unknown offline) is that one resource's ARN, never a pattern.
  const resources = listOf(st.Resource).filter((r): r is string => typeof r === 'string' && !isResourceAttribute(r));
  if (resources.some(isUnresolvedText)) {
    // A value unknown offline may be "*": when the known ones are not wide, it is what decides, so "cannot verify".
    return verdictFor(model, p, actions, resources.filter((r) => !isUnresolvedText(r))) ?? { actions, keys: [] };
  }
  return verdictFor(model, p, actions, resources);
}

function verdictFor(model: AppModel, p: PrincipalModel, actions: readonly string[], resources: readonly string[]): Verdict | undefined {
  const own = noKeyArn(p);
  const places = keyPlacesOf(model);
  const wide = resources.filter((r) => matchesWildcard(r, own) || places.some((arn) => matchesWildcard(r, arn)));
  if (wide.length === 0) return undefined;
  // A key of another account delegates to its own account's IAM, not to this principal's.
  const keys = model.keys.filter((k) => k.account === p.account && delegatesToIam(k) && wide.some((r) => matchesWildcard(r, k.arn)));
  return { actions, patterns: wide, keys };
}

/** A key ARN with a key id no key has, in the account and Region of `at`. */
function noKeyArn(at: { partition: string; account: string; region: string }): string {
  return `arn:${at.partition}:kms:${at.region}:${at.account}:key/${NO_KEY_ID}`;
}

const placesByModel = new WeakMap<AppModel, string[]>();

/** noKeyArn of each account and Region that holds a key of the app, once per model. */
function keyPlacesOf(model: AppModel): string[] {
  let places = placesByModel.get(model);
  if (!places) {
    places = [...new Set(model.keys.map(noKeyArn))];
    placesByModel.set(model, places);
  }
  return places;
}

/** The whole value is the placeholder of a resource attribute (`<unresolved:Logical.Attr>`, app-model/intrinsics.ts). */
function isResourceAttribute(value: string): boolean {
  return /^<unresolved:[A-Za-z0-9]+\.[A-Za-z0-9.]+>$/.test(value);
}

/** A positive condition on what identifies keys, or on the one service the use goes through. */
function narrowsToKeys(st: Record<string, any>): boolean {
  return conditionEntriesOf(st).some((e) => isPositive(e)
    && (/^(kms:resourcealiases|kms:requestalias|kms:viaservice)$/i.test(e.key) || /^aws:resourcetag\//i.test(e.key)));
}

function message(p: PrincipalModel, ref: StatementRef, source: string, v: Verdict, id: string): string {
  const what = `${ref.label} of ${source}, an identity policy of ${principalName(p)}, allows ${listText(usesFirst(v.actions))}`;
  const tail = `Received: ${statementJson(ref.statement)}. `
    + 'Expected: "Resource" naming the keys (their ARNs), or the wildcard narrowed by "ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/..."]}, aws:ResourceTag/<tag>, kms:RequestAlias or kms:ViaService. '
    + `Fix: name the keys (key.grant*() does), or add the condition; if the principal is meant to use every such key (an operator role), acknowledge ${ID}[${id}] on it with the reason.`;
  if (v.patterns === undefined) {
    return `${what} on a Resource unknown offline, with no condition that narrows to keys, so whether it names every key cannot be verified. ${tail}`;
  }
  const reached = v.keys.length === 0
    ? 'no key of this app delegates to IAM, so it reaches none of them now'
    : `in this app: ${listText(v.keys.map(keyName), 5)}`;
  return `${what} on ${v.patterns.map((r) => JSON.stringify(r)).join(', ')}, which matches every key there, with no condition that narrows to keys: the principal can use every key whose key policy delegates to IAM (KMS's default policy and every plain kms.Key do), now or created later. Keys it can use through this statement: ${reached}. ${tail}`;
}
