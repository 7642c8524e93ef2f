/**
 * KmsGuard-AccountWideDelegation (warning): a key-policy Allow for the key's own account (its root, its id, or "*"
 * with kms:CallerAccount) that no aws:PrincipalArn or aws:PrincipalTag condition narrows lets any principal of the
 * account use the key once an IAM policy allows it. That is KMS's default policy (`kms:*` to the account, what a plain
 * kms.Key writes) and the kms:ViaService delegations aws-cdk-lib's secretsmanager.Secret and ec2.Volume add. The
 * finding says who in the app can then use the key, decided by the evaluator for the app's principals whose identity
 * policies grant the statement's actions on the key. A principal for which the evaluator fails (a policy it cannot read)
 * is never dropped: it gets a "cannot verify" warning of its own, `Principal::<construct path>`, naming the error. Pure.
 */
import { Finding, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { KEY_POLICY_ACTIONS, usesFirst } from './support/actions';
import { keyFinding, keyName, principalName, principalPath } from './support/key-finding';
import { accountOf, identityActionsOn, identityCandidates, isAccountPrincipal } from './support/principals';
import {
  adversarialPolicy, boundaryReading, callerReadings, identityReading, keepFixedAndPrincipalTags, probeActions, readingsOf, scenarioKey,
  sessionCallerOf, stringsOf,
} from './support/probe';
import { ProbeMemo } from './support/probe-memo';
import { ConditionEntry, StatementRef, awsPrincipalsOf, conditionEntriesOf, isAllow, isPositive, kmsActionsOf, listText, statementsOf } from './support/statements';
import { AppModel, KmsKeyModel, PrincipalModel } from '../app-model/app-model';

const ID = 'KmsGuard-AccountWideDelegation';

const KEY_POLICY = new Set(KEY_POLICY_ACTIONS);

/** At most this many principals are named in a message. */
const NAMED = 5;

export const AccountWideDelegation: Rule = {
  id: ID,
  severity: 'warning',
  summary: 'A key-policy Allow for the whole account (the default kms:* to the account root, an account-wide kms:ViaService delegation) is narrowed to the principals that need the key.',
  explanation: 'An Allow naming the key\'s own account delegates to IAM: any principal of the account that an IAM policy allows, now or later, can use (or administer) the key, and the key policy no longer says who. It is KMS\'s default key policy and what a plain kms.Key writes; aws-cdk-lib\'s Secret and Volume add the same through their service. Narrow it with aws:PrincipalArn, or acknowledge the finding when IAM is meant to decide.',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index>', 'Principal::<construct path> (a principal of the app whose use of the key through the delegation could not be evaluated: cannot verify)'],
  sources: [kmsGuide('key-policy-default'), kmsGuide('conditions-kms'), kmsGuide('iam-policies-best-practices')],
  check: (model: AppModel): Finding[] => {
    // A principal whose IAM policy grants on many keys (Resource "*") is asked once per kind of key (probe-memo.ts).
    const memo = new ProbeMemo();
    return model.keys.flatMap((key) => keyFindings(model, key, memo));
  },
};

function keyFindings(model: AppModel, key: KmsKeyModel, memo: ProbeMemo): Finding[] {
  const unverified: Unverified = new Map();
  const findings = statementsOf(key.policy)
    .filter(({ statement }) => isAllow(statement) && isAccountWide(key, statement))
    .map((ref) => finding(model, key, ref, unverified, memo));
  return [...findings, ...[...unverified].map(([p, failures]) => unverifiedFinding(key, p, failures))];
}

function isAccountWide(key: KmsKeyModel, st: Record<string, any>): boolean {
  const entries = conditionEntriesOf(st);
  const principals = awsPrincipalsOf(st);
  const ownAccount = principals.some((p) => p !== '*' && isAccountPrincipal(p) && accountOf(p) === key.account)
    || (principals.includes('*') && entries.some((e) => isPositive(e) && /^(kms:CallerAccount|aws:PrincipalAccount)$/i.test(e.key) && stringsOf(e.values).includes(key.account)));
  return ownAccount && !entries.some(narrowsToPrincipals) && kmsActionsOf(st).some((a) => KEY_POLICY.has(a));
}

/** aws:PrincipalArn naming principals (not `role/*`), aws:PrincipalTag/*, aws:userid: the statement is for some principals only. */
function narrowsToPrincipals(entry: ConditionEntry): boolean {
  if (!isPositive(entry)) return false;
  const key = entry.key.toLowerCase();
  if (key.startsWith('aws:principaltag/') || key === 'aws:userid') return true;
  return key === 'aws:principalarn' && stringsOf(entry.values).length > 0
    && stringsOf(entry.values).every((v) => /^arn:[^:]+:(iam|sts)::\d{12}:(role|user|assumed-role)\/(?![*?]*$).+/.test(v));
}

/** Principals whose evaluation failed, with the statements and errors: reported as "cannot verify". */
type Unverified = Map<PrincipalModel, Array<{ statement: string; error: string }>>;

function finding(model: AppModel, key: KmsKeyModel, ref: StatementRef, unverified: Unverified, memo: ProbeMemo): Finding {
  const st = ref.statement;
  const actions = usesFirst(kmsActionsOf(st).filter((a) => KEY_POLICY.has(a)));
  const via = conditionEntriesOf(st).filter((e) => e.key.toLowerCase() === 'kms:viaservice').flatMap((e) => stringsOf(e.values));
  const { users, userCount, failed } = whoCanUse(model, key, st, actions, memo);
  for (const { principal, error } of failed) {
    const list = unverified.get(principal) ?? [];
    unverified.set(principal, list);
    list.push({ statement: ref.label, error });
  }
  const kind = key.defaultPolicy
    ? 'the template sets no key policy, so KMS applies its default one'
    : st.Action === 'kms:*' && st.Condition === undefined ? 'KMS\'s default key-policy statement, which a plain kms.Key writes' : via.length > 0 ? 'an account-wide delegation through a service, as aws-cdk-lib\'s Secret and Volume add' : 'a delegation to the account';
  const named = (userCount === 0
    ? 'no principal of this app is allowed through it yet'
    : `in this app: ${users.join('; ')}${userCount > NAMED ? `; and ${userCount - NAMED} more` : ''}`)
    + (failed.length > 0 ? ` (not verified for ${listText(failed.map((f) => principalName(f.principal)), 3)}: see ${ID}[Principal::...])` : '');
  return keyFinding(ID, key, findingId('Statement', ref.idPart), 'warning',
    `${ref.label} of the key policy of ${keyName(key)} allows account ${key.account} ${listText(actions)}${via.length > 0 ? ` through ${via.join(', ')}` : ''} with no aws:PrincipalArn or aws:PrincipalTag condition (${kind}): any principal of the account whose IAM policies allow it can then use the key, now or later, and the key policy does not say who. Who can: ${named}; and any principal of ${key.account} outside the app given such an IAM policy. `
    + 'Expected: the principals that need the key, named in the key policy or kept to by "ArnEquals": {"aws:PrincipalArn": [...]}. '
    + `Fix: narrow the statement, or give the key an explicit policy (GuardedKmsKey does); if IAM is meant to decide, acknowledge ${ID}[${findingId('Statement', ref.idPart)}] on the key with the reason.`,
    { statement: ref.label, field: 'Principal' });
}

/**
 * `role Stack/Worker/ServiceRole (kms:Decrypt, kms:Encrypt)` for each principal of the app this statement lets in, and
 * the principals for which the evaluator could not decide (with its error): never dropped, they are reported.
 */
function whoCanUse(
  model: AppModel, key: KmsKeyModel, st: Record<string, any>, actions: readonly string[], memo: ProbeMemo,
): { users: string[]; userCount: number; failed: Array<{ principal: PrincipalModel; error: string }> } {
  const order = new Map(actions.map((a, i) => [a, i]));
  const wanted = new Set(actions);
  const failed: Array<{ principal: PrincipalModel; error: string }> = [];
  const onKeyOf = new Map<PrincipalModel, ReadonlySet<string>>();
  const candidates = identityCandidates(model, key, (granted) => [...granted].some((a) => wanted.has(a)), onKeyOf);
  if (candidates.length === 0) return { users: [], userCount: 0, failed };
  const denies = statementsOf(key.policy).filter((s) => s.statement.Effect === 'Deny').map((s) => s.statement);
  // The strict reading: what the principal can certainly do through this statement.
  const [{ reading, policy }] = readingsOf({ Version: '2012-10-17', Statement: [st, ...denies] });
  const keyPolicy = adversarialPolicy(policy, keepFixedAndPrincipalTags);
  const setting = memo.setting(key, keyPolicy, scenarioKey(key, undefined));
  // Only the first NAMED users are named in the message: the others are counted.
  const users: string[] = [];
  let userCount = 0;
  for (const p of candidates) {
    // The identity policies may allow the action on this key (by Action and Resource: a cheap filter before asking the
    // evaluator, the one identityCandidates chose the principal by).
    const onKey = onKeyOf.get(p) ?? identityActionsOn(p.identityPolicies, key.arn);
    // In the statement's order (the few the identity policies name, not the statement's 43 of kms:* each time).
    const asked = [...onKey].filter((a) => wanted.has(a)).sort((a, b) => order.get(a)! - order.get(b)!);
    if (asked.length === 0) continue;
    // The memo compares the Resource elements of the principal's own documents: the readings below change conditions
    // and drop statements the same way for every key, never a Resource. A reading of unknown values may rewrite a
    // Resource, so such probes are not shared.
    const documents = [keyPolicy, ...p.identityPolicies, ...(p.permissionsBoundary !== undefined ? [p.permissionsBoundary] : [])];
    // A principal whose own policies hold values unknown offline is asked under both readings of them: one allowed
    // only under the permissive one is named as such, never left out.
    for (const { reading: read } of callerReadings([{ reading, policy: keyPolicy }], [...p.identityPolicies, p.permissionsBoundary])) {
      const outcome = memo.probe(read === 'exact' ? setting : undefined, p, asked, documents, key.arn, () => probeActions(key, keyPolicy, {
        ...sessionCallerOf(p.arn),
        identityPolicies: identityReading(p.identityPolicies, read).map((d) => adversarialPolicy(d, keepFixedAndPrincipalTags)),
        ...(p.permissionsBoundary !== undefined ? { permissionsBoundary: boundaryReading(p.permissionsBoundary, read) } : {}),
        tags: p.tags,
      }, asked));
      if (outcome.error !== undefined) failed.push({ principal: p, error: outcome.error });
      if (outcome.allowed.length > 0) {
        const uncertain = read === 'permissive' ? ', if values unknown offline in its policies allow it' : '';
        if (userCount++ < NAMED) users.push(`${principalName(p)} (${listText(outcome.allowed.map((a) => a.action), 3)}${uncertain})`);
      }
      if (outcome.allowed.length > 0 || outcome.error !== undefined) break;
    }
  }
  return { users, userCount, failed };
}

/** A principal whose use of the key through the delegation the evaluator could not decide: cannot verify. */
function unverifiedFinding(key: KmsKeyModel, p: PrincipalModel, failures: ReadonlyArray<{ statement: string; error: string }>): Finding {
  const id = findingId('Principal', principalPath(p));
  const first = failures[0];
  return keyFinding(ID, key, id, 'warning',
    `cannot verify whether ${principalName(p)} can use the key ${keyName(key)} through the account-wide delegation (${failures.map((f) => f.statement).join(', ')} of the key policy): its identity policies allow KMS actions on the key, but the evaluator could not evaluate its requests: ${first.error}. `
    + 'Expected: identity policies the evaluator can read (each error names the policy, statement and field). '
    + `Fix: correct the policy the error names, or narrow the key policy to the principals that need the key; if the principal is meant to be left unchecked, acknowledge ${ID}[${id}] on the key with the reason.`,
    { statement: first.statement, field: 'Principal' });
}
