/**
 * KmsGuard-CrossAccountWithoutNarrowing: a key-policy Allow for another account names the principals that need the
 * key (an IAM role or user ARN, or the account narrowed by aws:PrincipalArn) or at least states the account with
 * kms:CallerAccount; and it grants only operations that can work across accounts. Pure.
 */
import { Finding, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { SAME_ACCOUNT_ONLY_ACTIONS } from './support/actions';
import { keyFinding, keyName } from './support/key-finding';
import { accountOf, isAccountPrincipal } from './support/principals';
import { stringsOf } from './support/probe';
import { ConditionEntry, StatementRef, awsPrincipalsOf, conditionEntriesOf, isAllow, isPositive, kmsActionsOf, listText, statementsOf } from './support/statements';
import { AppModel, KmsKeyModel } from '../app-model/app-model';
import { isUnresolvedText } from '../app-model/unresolved';
import { CROSS_ACCOUNT_ACTIONS } from '../policy/catalogue';

const ID = 'KmsGuard-CrossAccountWithoutNarrowing';

export const CrossAccountWithoutNarrowing: Rule = {
  id: ID,
  severity: 'error',
  summary: 'A key-policy Allow for another account names its principals (or narrows the account with aws:PrincipalArn or kms:CallerAccount), and grants only operations that work across accounts.',
  explanation: 'Naming another account\'s root hands the decision to that account\'s IAM administrators: any of its principals they choose can use the key. Narrow it to the roles that need the key with aws:PrincipalArn (as CrossAccountKeyShare does), or at least state the account with kms:CallerAccount. Operations whose "Cross-account use" is No in the KMS permissions reference (PutKeyPolicy, ScheduleKeyDeletion, TagResource, ...) never work for another account: granting them is a warning, as it reads as access that does not exist.',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index> (the account is not narrowed)', 'Actions::<Sid or index> (operations that never work across accounts, a warning)'],
  sources: [kmsGuide('key-policy-modifying-external-accounts'), kmsGuide('kms-api-permissions-reference'), kmsGuide('conditions-kms')],
  check: (model: AppModel): Finding[] => model.keys.flatMap((key) => statementsOf(key.policy)
    .filter(({ statement }) => isAllow(statement))
    .flatMap((ref) => checkStatement(key, ref))),
};

function checkStatement(key: KmsKeyModel, ref: StatementRef): Finding[] {
  const st = ref.statement;
  // A principal whose name is unknown offline still names its account when the account is literal
  // (`arn:aws:iam::444455556666:role/${Token}`): it is another account's principal all the same.
  const principals = awsPrincipalsOf(st).filter((p) => p !== '*' && (!isUnresolvedText(p) || accountOf(p) !== undefined));
  const foreign = principals.filter((p) => accountOf(p) !== undefined && accountOf(p) !== key.account);
  const entries = conditionEntriesOf(st);
  // "*" limited by kms:CallerAccount / aws:PrincipalAccount to other accounts is cross-account too (already narrowed).
  const callerAccounts = entries.filter((e) => isPositive(e) && /^(kms:CallerAccount|aws:PrincipalAccount)$/i.test(e.key))
    .flatMap((e) => stringsOf(e.values)).filter((a) => a !== key.account);
  const otherAccounts = [...new Set([...foreign.map((p) => accountOf(p)!), ...(awsPrincipalsOf(st).includes('*') ? callerAccounts : [])])];
  if (otherAccounts.length === 0) return [];
  const findings: Finding[] = [];

  const roots = foreign.filter(isAccountPrincipal);
  if (roots.length > 0 && !entries.some(narrows)) {
    findings.push(keyFinding(ID, key, findingId('Statement', ref.idPart), 'error',
      `${ref.label} of the key policy of ${keyName(key)} names ${roots.length === 1 ? 'another account' : 'other accounts'}, ${roots.join(', ')}, and allows ${listText(kmsActionsOf(st).filter((a) => CROSS_ACCOUNT_ACTIONS.includes(a)))} with no condition on aws:PrincipalArn or kms:CallerAccount: every principal of ${roots.length === 1 ? 'that account' : 'those accounts'} that its IAM administrators choose can use the key, and nothing in this app says which. `
      + 'Expected: the roles that need the key, named with "ArnEquals": {"aws:PrincipalArn": [...]} on the account principal (or named as Principal when they already exist), or at least "StringEquals": {"kms:CallerAccount": "<account>"}. '
      + 'Fix: share the key with CrossAccountKeyShare and its consumerRoles, or add the aws:PrincipalArn condition to the statement.',
      { statement: ref.label, field: 'Principal' }));
  }

  const ineffective = notableFirst(kmsActionsOf(st).filter((a) => SAME_ACCOUNT_ONLY_ACTIONS.includes(a)));
  if (ineffective.length > 0) {
    findings.push(keyFinding(ID, key, findingId('Actions', ref.idPart), 'warning',
      `${ref.label} of the key policy of ${keyName(key)} allows account${otherAccounts.length === 1 ? '' : 's'} ${otherAccounts.join(', ')} ${listText(ineffective)}, which KMS never allows a principal of another account ("Cross-account use" is No in the KMS permissions reference): for ${otherAccounts.length === 1 ? 'it' : 'them'} these permissions have no effect, whatever the policies say. `
      + `Expected: only operations that work across accounts (${listText(CROSS_ACCOUNT_ACTIONS.filter((a) => a !== 'kms:RetireGrant'), 6)}). Fix: list only the operations the other account needs (for example kms:Decrypt and kms:DescribeKey) instead of ${JSON.stringify(st.Action ?? st.NotAction)}.`,
      { statement: ref.label, field: 'Action' }));
  }
  return findings;
}

/** A condition that says which principals of the other account: aws:PrincipalArn with a literal account, or kms:CallerAccount. */
function narrows(entry: ConditionEntry): boolean {
  if (!isPositive(entry)) return false;
  const key = entry.key.toLowerCase();
  const values = stringsOf(entry.values);
  if (values.length === 0) return false;
  if (key === 'kms:calleraccount' || key === 'aws:principalaccount') return values.every((v) => /^\d{12}$/.test(v));
  if (key === 'aws:principalarn') return values.every((v) => /^arn:[^:]+:(iam|sts)::\d{12}:.+/.test(v));
  return false;
}

/** The operations people mean to grant first: the rest in catalogue order. */
function notableFirst(actions: readonly string[]): string[] {
  const notable = ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:TagResource'];
  return [...notable.filter((a) => actions.includes(a)), ...actions.filter((a) => !notable.includes(a))];
}
