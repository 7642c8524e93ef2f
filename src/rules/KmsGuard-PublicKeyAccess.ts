/**
 * KmsGuard-PublicKeyAccess: no key-policy Allow lets everyone (`"*"`, `{"AWS": "*"}`, `NotPrincipal`) use the key
 * unless a condition narrows it to known accounts, an organization, VPC endpoints or an AWS service acting for the
 * key's account.
 *
 * Decided by the evaluator, not by reading the condition's text: for each such statement, a caller of an unrelated
 * account, in no organization, whose own IAM policy allows kms:*, asks for every operation another account can ever
 * be allowed, against the key policy read adversarially (support/probe.ts: conditions on values the caller chooses,
 * kms:ViaService among them, are assumed met), so `kms:CallerAccount` + `kms:ViaService` passes while `kms:ViaService`
 * alone, `aws:SecureTransport`, `StringLike kms:CallerAccount *` or `...IfExists` on aws:PrincipalOrgID do not. An
 * `aws:PrincipalArn` pattern with a wildcard account is tried with a role of that name in the unrelated account. Pure.
 */
import { Finding, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { CROSS_ACCOUNT_KEY_ACTIONS } from './support/actions';
import { keyFinding, keyName } from './support/key-finding';
import { ALLOW_ALL_KMS, Allowed, adversarialPolicy, isFixedKey, probeActions, probeSession, readingsOf, sessionCallerOf, stringsOf, unrelatedAccount, accountMatching } from './support/probe';
import { StatementRef, appliesToEveryone, conditionEntriesOf, isAllow, kmsActionsOf, listText, statementsOf } from './support/statements';
import { AppModel, KmsKeyModel } from '../app-model/app-model';
import { matchesWildcard } from '../policy/wildcard';

const ID = 'KmsGuard-PublicKeyAccess';

export const PublicKeyAccess: Rule = {
  id: ID,
  severity: 'error',
  summary: 'No key-policy statement lets everyone use the key unless a condition narrows it to known accounts, an organization, VPC endpoints or a service acting for the account.',
  explanation: 'A key policy is a resource policy: an Allow to "*" lets principals of every AWS account use the key, if their own IAM policies allow it. Conditions on values the caller chooses (kms:ViaService, the encryption context, aws:SecureTransport, aws:SourceIp) do not keep anyone out: only kms:CallerAccount, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID, aws:SourceVpce/aws:SourceVpc/aws:SourceVpcArn or aws:SourceAccount/aws:SourceArn do. The rule asks the bundled evaluator whether a caller of an unrelated account could be allowed any operation.',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index>'],
  sources: [kmsGuide('key-policy-overview'), kmsGuide('conditions-kms'), kmsGuide('key-policy-modifying-external-accounts')],
  check: (model: AppModel): Finding[] => model.keys.flatMap((key) => statementsOf(key.policy)
    .filter(({ statement }) => isAllow(statement) && appliesToEveryone(statement))
    .map((ref) => checkStatement(key, ref))
    .filter((f): f is Finding => f !== undefined)),
};

function checkStatement(key: KmsKeyModel, ref: StatementRef): Finding | undefined {
  const st = ref.statement;
  const actions = kmsActionsOf(st).filter((a) => CROSS_ACCOUNT_KEY_ACTIONS.includes(a));
  if (actions.length === 0) return undefined;
  if (st.NotPrincipal !== undefined) {
    // The evaluator refuses to decide Allow + NotPrincipal (IAM UG: not supported for most resource policies).
    return keyFinding(ID, key, findingId('Statement', ref.idPart), 'error',
      `${ref.label} of the key policy of ${keyName(key)} allows ${listText(actions)} to everyone but ${JSON.stringify(st.NotPrincipal)} ("Effect": "Allow" with NotPrincipal), principals of every other account and anonymous callers included. `
      + 'Expected: the principals that need the key, in Principal. Fix: name them in Principal, or write Principal "*" with a condition on kms:CallerAccount or aws:PrincipalArn.',
      { statement: ref.label, field: 'NotPrincipal' });
  }
  const account = unrelatedAccount(key.policy, key.account);
  const callers: Array<{ arn: string; roleArn?: string }> = [
    { arn: probeSession(key.partition, account) },
    ...accountPatternCallers(st, key, account),
    ...arnPatternCallers(st, account, key),
  ];
  // The statement alone, with the policy's Deny statements (which can still keep the caller out).
  const denies = statementsOf(key.policy).filter((s) => s.statement.Effect === 'Deny').map((s) => s.statement);
  const alone = { Version: '2012-10-17', Statement: [st, ...denies] };
  for (const { reading, policy } of readingsOf(alone)) {
    const adversarial = adversarialPolicy(policy);
    for (const caller of callers) {
      const outcome = probeActions(key, adversarial, { ...caller, identityPolicies: [ALLOW_ALL_KMS] }, actions);
      if (outcome.error !== undefined) {
        return keyFinding(ID, key, findingId('Statement', ref.idPart), 'warning',
          `whether ${ref.label} of the key policy of ${keyName(key)} lets everyone use the key could not be evaluated: ${outcome.error}. Fix the statement, or narrow it to known accounts with kms:CallerAccount or aws:PrincipalArn.`,
          { statement: ref.label, field: 'Principal' });
      }
      if (outcome.allowed.length === 0) continue;
      return keyFinding(ID, key, findingId('Statement', ref.idPart), reading === 'permissive' ? 'warning' : 'error',
        message(key, ref, caller.arn, /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(caller.arn)?.[1] ?? account, outcome.allowed, reading === 'permissive'),
        { statement: ref.label, field: 'Principal' });
    }
  }
  return undefined;
}

/**
 * Callers named after the statement's aws:PrincipalArn patterns, placed in the unrelated account: a session of a role
 * (with the role's ARN, so that a pattern with a path, `role/app/*`, is matched as AWS matches it) or a user.
 */
function arnPatternCallers(st: Record<string, any>, account: string, key: KmsKeyModel): Array<{ arn: string; roleArn?: string }> {
  const out = new Map<string, { arn: string; roleArn?: string }>();
  for (const entry of conditionEntriesOf(st)) {
    if (entry.key.toLowerCase() !== 'aws:principalarn') continue;
    for (const value of stringsOf(entry.values)) {
      const m = /^arn:([^:]+):iam::([^:]*):((?:role|user)\/.+)$/.exec(value);
      if (!m || !/[*?]/.test(m[2])) continue;
      // A partition pattern (`aws*`) admits the key's own partition; an account pattern (`1111*`), an account it
      // matches that is not the key's.
      const callerPartition = /[*?]/.test(m[1]) ? key.partition : m[1];
      const callerAccount = matchesWildcard(m[2], account) ? account : accountMatching(m[2], key.account) ?? account;
      const caller = sessionCallerOf(`arn:${callerPartition}:iam::${callerAccount}:${m[3].replace(/[*?]/g, 'x')}`);
      out.set(`${caller.arn} ${caller.roleArn ?? ''}`, caller);
    }
  }
  return [...out.values()];
}

/**
 * Callers of accounts that a kms:CallerAccount or aws:PrincipalAccount pattern admits (`StringLike "1111*"`): a
 * pattern names no known account, and every account it matches may use the key. One account per pattern, not the
 * key's own.
 */
function accountPatternCallers(st: Record<string, any>, key: KmsKeyModel, unrelated: string): Array<{ arn: string }> {
  const out = new Set<string>();
  for (const entry of conditionEntriesOf(st)) {
    if (!/^(kms:CallerAccount|aws:PrincipalAccount)$/i.test(entry.key)) continue;
    for (const value of stringsOf(entry.values)) {
      // The unrelated account's probe already asks for a pattern it matches.
      const account = /[*?]/.test(value) && !matchesWildcard(value, unrelated) ? accountMatching(value, key.account) : undefined;
      if (account !== undefined) out.add(probeSession(key.partition, account));
    }
  }
  return [...out].map((arn) => ({ arn }));
}

function message(key: KmsKeyModel, ref: StatementRef, caller: string, account: string, allowed: Allowed[], uncertain: boolean): string {
  const st = ref.statement;
  const everyone = 'everyone ("Principal": "*")';
  const entries = conditionEntriesOf(st);
  const chosen = [...new Set(entries.filter((e) => !isFixedKey(e.key)).map((e) => e.key))];
  const kept = [...new Set(entries.filter((e) => isFixedKey(e.key)).map((e) => `${e.operator} ${e.key}`))];
  const conditions = entries.length === 0
    ? 'It has no condition.'
    : [
      chosen.length > 0 ? `Its conditions on ${chosen.join(', ')} do not count: the caller chooses those values (the service it calls through, the encryption context, TLS, its address).` : '',
      kept.length > 0 ? `Its conditions ${kept.join(', ')} hold for that caller too.` : '',
    ].filter((x) => x !== '').join(' ');
  return `${ref.label} of the key policy of ${keyName(key)} allows ${everyone} ${listText(kmsActionsOf(st))}, and nothing narrows it to known accounts, an organization, VPC endpoints or a service: `
    + `a caller of an unrelated account (${caller}, account ${account}, in no organization) whose own IAM policy allows kms:* is allowed ${listText(allowed.map((a) => a.action))} (${allowed[0].result.explanation}). ${conditions}`
    + (uncertain ? ' The statement holds values unknown offline; this holds if they allow it, so it could not be verified.' : '')
    + ` Expected: a Principal naming the accounts or roles that need the key, or a condition on kms:CallerAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:SourceVpce, aws:SourceVpc or aws:SourceVpcArn. Fix: e.g. add "StringEquals": {"kms:CallerAccount": "${key.account}"} (and kms:ViaService for an AWS service's use on the account's behalf), or name the principals.`;
}
