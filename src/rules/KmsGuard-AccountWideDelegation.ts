/**
 * KmsGuard-AccountWideDelegation (warning): a key-policy Allow for the key's own account (its root, its id, or "*"
 * with kms:CallerAccount) that no aws:PrincipalArn or aws:PrincipalTag condition narrows lets any principal of the
 * account use the key once an IAM policy allows it. That is KMS's default policy (`kms:*` to the account, what a plain
 * kms.Key writes) and the kms:ViaService delegations aws-cdk-lib's secretsmanager.Secret and ec2.Volume add. The
 * finding says who in the app can then use the key, decided by the evaluator for the app's principals whose identity
 * policies grant the statement's actions on the key. Pure.
 */
import { Finding, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { KEY_POLICY_ACTIONS, usesFirst } from './support/actions';
import { keyFinding, keyName, principalName } from './support/key-finding';
import { accountOf, identityCandidates, isAccountPrincipal } from './support/principals';
import { adversarialPolicy, identityReading, keepFixedAndPrincipalTags, probeActions, readingsOf, sessionOf, stringsOf } from './support/probe';
import { ConditionEntry, StatementRef, awsPrincipalsOf, conditionEntriesOf, isAllow, isPositive, kmsActionsOf, listText, statementsOf } from './support/statements';
import { AppModel, KmsKeyModel } from '../app-model/app-model';

const ID = 'KmsGuard-AccountWideDelegation';

/** At most this many principals are named in a message. */
const NAMED = 5;

export const AccountWideDelegation: Rule = {
  id: ID,
  severity: 'warning',
  summary: 'A key-policy Allow for the whole account (the default kms:* to the account root, an account-wide kms:ViaService delegation) is narrowed to the principals that need the key.',
  explanation: 'An Allow naming the key\'s own account delegates to IAM: any principal of the account that an IAM policy allows, now or later, can use (or administer) the key, and the key policy no longer says who. It is KMS\'s default key policy and what a plain kms.Key writes; aws-cdk-lib\'s Secret and Volume add the same through their service. Narrow it with aws:PrincipalArn, or acknowledge the finding when IAM is meant to decide.',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index>'],
  sources: [kmsGuide('key-policy-default'), kmsGuide('conditions-kms'), kmsGuide('iam-policies-best-practices')],
  check: (model: AppModel): Finding[] => model.keys.flatMap((key) => statementsOf(key.policy)
    .filter(({ statement }) => isAllow(statement) && isAccountWide(key, statement))
    .map((ref) => finding(model, key, ref))),
};

function isAccountWide(key: KmsKeyModel, st: Record<string, any>): boolean {
  const entries = conditionEntriesOf(st);
  const principals = awsPrincipalsOf(st);
  const ownAccount = principals.some((p) => p !== '*' && isAccountPrincipal(p) && accountOf(p) === key.account)
    || (principals.includes('*') && entries.some((e) => isPositive(e) && /^(kms:CallerAccount|aws:PrincipalAccount)$/i.test(e.key) && stringsOf(e.values).includes(key.account)));
  return ownAccount && !entries.some(narrowsToPrincipals) && kmsActionsOf(st).some((a) => KEY_POLICY_ACTIONS.includes(a));
}

/** aws:PrincipalArn naming principals (not `role/*`), aws:PrincipalTag/*, aws:userid: the statement is for some principals only. */
function narrowsToPrincipals(entry: ConditionEntry): boolean {
  if (!isPositive(entry)) return false;
  const key = entry.key.toLowerCase();
  if (key.startsWith('aws:principaltag/') || key === 'aws:userid') return true;
  return key === 'aws:principalarn' && stringsOf(entry.values).length > 0
    && stringsOf(entry.values).every((v) => /^arn:[^:]+:(iam|sts)::\d{12}:(role|user|assumed-role)\/(?![*?]*$).+/.test(v));
}

function finding(model: AppModel, key: KmsKeyModel, ref: StatementRef): Finding {
  const st = ref.statement;
  const actions = usesFirst(kmsActionsOf(st).filter((a) => KEY_POLICY_ACTIONS.includes(a)));
  const via = conditionEntriesOf(st).filter((e) => e.key.toLowerCase() === 'kms:viaservice').flatMap((e) => stringsOf(e.values));
  const users = whoCanUse(model, key, st, actions);
  const kind = key.defaultPolicy
    ? 'the template sets no key policy, so KMS applies its default one'
    : st.Action === 'kms:*' && st.Condition === undefined ? 'KMS\'s default key-policy statement, which a plain kms.Key writes' : via.length > 0 ? 'an account-wide delegation through a service, as aws-cdk-lib\'s Secret and Volume add' : 'a delegation to the account';
  const named = users.length === 0
    ? 'no principal of this app is allowed through it yet'
    : `in this app: ${users.slice(0, NAMED).join('; ')}${users.length > NAMED ? `; and ${users.length - NAMED} more` : ''}`;
  return keyFinding(ID, key, findingId('Statement', ref.idPart), 'warning',
    `${ref.label} of the key policy of ${keyName(key)} allows account ${key.account} ${listText(actions)}${via.length > 0 ? ` through ${via.join(', ')}` : ''} with no aws:PrincipalArn or aws:PrincipalTag condition (${kind}): any principal of the account whose IAM policies allow it can then use the key, now or later, and the key policy does not say who. Who can: ${named}; and any principal of ${key.account} outside the app given such an IAM policy. `
    + 'Expected: the principals that need the key, named in the key policy or kept to by "ArnEquals": {"aws:PrincipalArn": [...]}. '
    + `Fix: narrow the statement, or give the key an explicit policy (GuardedKmsKey does); if IAM is meant to decide, acknowledge ${ID}[${findingId('Statement', ref.idPart)}] on the key with the reason.`,
    { statement: ref.label, field: 'Principal' });
}

/** `role Stack/Worker/ServiceRole (kms:Decrypt, kms:Encrypt)` for each principal of the app this statement lets in. */
function whoCanUse(model: AppModel, key: KmsKeyModel, st: Record<string, any>, actions: readonly string[]): string[] {
  const wanted = new Set(actions);
  const candidates = identityCandidates(model, key, (granted) => [...granted].some((a) => wanted.has(a)));
  if (candidates.length === 0) return [];
  const denies = statementsOf(key.policy).filter((s) => s.statement.Effect === 'Deny').map((s) => s.statement);
  // The strict reading: what the principal can certainly do through this statement.
  const [{ reading, policy }] = readingsOf({ Version: '2012-10-17', Statement: [st, ...denies] });
  const keyPolicy = adversarialPolicy(policy, keepFixedAndPrincipalTags);
  const out: string[] = [];
  for (const p of candidates) {
    // The identity policies mention the action at all (a cheap filter before asking the evaluator).
    const asked = actions.filter((a) => p.identityPolicies.some((d) => allowedActionsOf(d).has(a)));
    if (asked.length === 0) continue;
    const outcome = probeActions(key, keyPolicy, {
      arn: sessionOf(p.arn),
      identityPolicies: identityReading(p.identityPolicies, reading).map((d) => adversarialPolicy(d, keepFixedAndPrincipalTags)),
      ...(p.permissionsBoundary !== undefined ? { permissionsBoundary: p.permissionsBoundary } : {}),
      tags: p.tags,
    }, asked);
    if (outcome.allowed.length > 0) out.push(`${principalName(p)} (${listText(outcome.allowed.map((a) => a.action), 3)})`);
  }
  return out;
}

const allowedByDocument = new WeakMap<object, ReadonlySet<string>>();
const NOTHING: ReadonlySet<string> = new Set();

/** The KMS actions an identity document's Allow statements mention, on any resource (read once per document). */
function allowedActionsOf(doc: unknown): ReadonlySet<string> {
  if (typeof doc !== 'object' || doc === null) return NOTHING;
  let actions = allowedByDocument.get(doc);
  if (!actions) {
    actions = new Set(statementsOf(doc).filter(({ statement }) => isAllow(statement)).flatMap(({ statement }) => kmsActionsOf(statement)));
    allowedByDocument.set(doc, actions);
  }
  return actions;
}
