/**
 * KmsGuard-CreateGrantUnrestricted: kms:CreateGrant is allowed only for AWS services acting for the caller
 * (kms:GrantIsForAWSResource, kms:ViaService) or with limits on what the grant gives and to whom
 * (kms:GrantOperations, kms:GranteePrincipal). Control Tower's CT.KMS.PR.3 asks the same of key policies.
 *
 * Decided by the evaluator: the caller asks for a grant of every grant operation, without constraints, to a principal
 * of an unrelated account, calling KMS directly; the policies are read adversarially (support/probe.ts) with the four
 * keys above kept. Checked in key-policy statements (a statement that only delegates to the key's own account is
 * KmsGuard-AccountWideDelegation's), and in the identity policies of the app's principals that reach the key through
 * such a delegation. Pure.
 */
import { Finding, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { allowedThrough } from './support/duties';
import { keyFinding, keyName, principalName, principalPath } from './support/key-finding';
import { accountOf, identityCandidates, isAccountPrincipal, roleOrUser } from './support/principals';
import {
  ALLOW_ALL_KMS, ProbeCaller, adversarialPolicy, boundaryReading, callerReadings, identityReading, keepFixedAndPrincipalTags, probeActions,
  probeSession, readingsOf, sessionCallerOf, unrelatedAccount,
} from './support/probe';
import { appliesToEveryone, awsPrincipalsOf, isAllow, kmsActionsOf, statementsOf } from './support/statements';
import { AppModel, KmsKeyModel, PrincipalModel } from '../app-model/app-model';
import { isUnresolvedText } from '../app-model/unresolved';

const ID = 'KmsGuard-CreateGrantUnrestricted';
const CREATE_GRANT = ['kms:CreateGrant'];

/** The condition keys that restrict CreateGrant: kept when the policies are read adversarially. */
const RESTRICTING = new Set(['kms:grantisforawsresource', 'kms:viaservice', 'kms:grantoperations', 'kms:granteeprincipal']);
const keep = (key: string): boolean => keepFixedAndPrincipalTags(key) || RESTRICTING.has(key.toLowerCase());

export const CreateGrantUnrestricted: Rule = {
  id: ID,
  severity: 'error',
  summary: 'kms:CreateGrant is allowed only with kms:GrantIsForAWSResource (or kms:ViaService), or with kms:GrantOperations / kms:GranteePrincipal limits.',
  explanation: 'A grant gives its grantee the grant\'s operations on the key without any key-policy or IAM statement, and a principal allowed CreateGrant without limits can give any operation, CreateGrant included, to anyone, including principals of other accounts. AWS services that encrypt resources need CreateGrant only on the caller\'s behalf, which kms:GrantIsForAWSResource expresses (Control Tower CT.KMS.PR.3).',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index> (a key-policy statement)', 'Principal::<construct path> (an identity policy, through the account delegation)'],
  sources: [kmsGuide('grants'), kmsGuide('conditions-kms'), kmsGuide('create-grant-overview'), 'https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html'],
  check: (model: AppModel): Finding[] => model.keys.flatMap((key) => [...keyPolicyFindings(key), ...identityFindings(model, key)]),
};

function keyPolicyFindings(key: KmsKeyModel): Finding[] {
  const out: Finding[] = [];
  const denies = statementsOf(key.policy).filter((s) => s.statement.Effect === 'Deny').map((s) => s.statement);
  const grantee = probeSession(key.partition, unrelatedAccount(key.policy, key.account), 'kms-guard-probe-grantee');
  for (const ref of statementsOf(key.policy)) {
    const st = ref.statement;
    if (!isAllow(st) || !kmsActionsOf(st).includes('kms:CreateGrant') || isOwnAccountDelegation(key, st)) continue;
    for (const { reading, policy } of readingsOf({ Version: '2012-10-17', Statement: [st, ...denies] })) {
      const read = adversarialPolicy(policy, keep);
      const hit = callersOf(key, st).map((caller) => ({ caller, outcome: probeActions(key, read, caller, CREATE_GRANT, [], grantee) }))
        .find(({ outcome }) => outcome.allowed.length > 0);
      if (!hit) continue;
      out.push(keyFinding(ID, key, findingId('Statement', ref.idPart), reading === 'permissive' ? 'warning' : 'error',
        `${ref.label} of the key policy of ${keyName(key)} allows kms:CreateGrant with no kms:GrantIsForAWSResource, kms:ViaService, kms:GrantOperations or kms:GranteePrincipal limit: ${hit.caller.arn} may create a grant of every grant operation (kms:CreateGrant included), without constraints, for a principal of an unrelated account (${hit.outcome.allowed[0].result.explanation}). ${advice(reading === 'permissive')}`,
        { statement: ref.label, field: 'Condition' }));
      break;
    }
  }
  return out;
}

/** An Allow naming only the key's own account: what IAM policies then allow is checked in identityFindings. */
function isOwnAccountDelegation(key: KmsKeyModel, st: Record<string, any>): boolean {
  const principals = awsPrincipalsOf(st);
  return principals.length > 0 && !appliesToEveryone(st) && principals.every((p) => isAccountPrincipal(p) && accountOf(p) === key.account);
}

/** Callers the statement can let in: its named roles and users, a role of each account it names, anyone for "*". */
function callersOf(key: KmsKeyModel, st: Record<string, any>): ProbeCaller[] {
  const callers: ProbeCaller[] = [];
  const iam = (account: string | undefined): unknown[] => (account === key.account ? [] : [ALLOW_ALL_KMS]);
  for (const p of awsPrincipalsOf(st)) {
    if (p === '*' || isUnresolvedText(p)) continue;
    const named = roleOrUser(p);
    if (named) callers.push({ ...sessionCallerOf(p), identityPolicies: iam(named.account) });
    else if (isAccountPrincipal(p)) callers.push({ arn: probeSession(key.partition, accountOf(p)!), identityPolicies: [ALLOW_ALL_KMS] });
    // A role session or federated user named as it is: it calls KMS as that principal.
    else if (accountOf(p) !== undefined) callers.push({ arn: p, identityPolicies: iam(accountOf(p)) });
  }
  if (appliesToEveryone(st)) {
    callers.push({ arn: probeSession(key.partition, key.account), identityPolicies: [ALLOW_ALL_KMS] });
    callers.push({ arn: probeSession(key.partition, unrelatedAccount(key.policy, key.account)), identityPolicies: [ALLOW_ALL_KMS] });
  }
  return callers;
}

/** The app's principals that may create unrestricted grants through the key policy's delegation to the account. */
function identityFindings(model: AppModel, key: KmsKeyModel): Finding[] {
  const delegations = statementsOf(key.policy).filter((s) => isAllow(s.statement) && isOwnAccountDelegation(key, s.statement) && kmsActionsOf(s.statement).includes('kms:CreateGrant'));
  if (delegations.length === 0) return [];
  const denies = statementsOf(key.policy).filter((s) => s.statement.Effect === 'Deny').map((s) => s.statement);
  const grantee = probeSession(key.partition, unrelatedAccount(key.policy, key.account), 'kms-guard-probe-grantee');
  const out: Finding[] = [];
  const candidates = identityCandidates(model, key, (actions) => actions.has('kms:CreateGrant'));
  if (candidates.length === 0) return out;
  const readings = readingsOf({ Version: '2012-10-17', Statement: [...delegations.map((d) => d.statement), ...denies] })
    .map(({ reading, policy }) => ({ reading, policy: adversarialPolicy(policy, keep) }));
  for (const p of candidates) {
    for (const { reading, policy } of callerReadings(readings, [...p.identityPolicies, p.permissionsBoundary])) {
      const outcome = probeActions(key, policy, callerOf(p, reading), CREATE_GRANT, [], grantee);
      if (outcome.allowed.length === 0) continue;
      const through = allowedThrough(outcome.allowed[0], p);
      const identity = outcome.allowed[0].result.checks.flatMap((c) => c.decidedBy).find((d) => /^identity policy #\d+$/.test(d.policy));
      const source = identity ? p.identityPolicySources[Number(/#(\d+)$/.exec(identity.policy)![1])] : undefined;
      out.push(keyFinding(ID, key, findingId('Principal', principalPath(p)), reading === 'permissive' ? 'warning' : 'error',
        `${principalName(p)} may call kms:CreateGrant on the key ${keyName(key)} with no kms:GrantIsForAWSResource, kms:ViaService, kms:GrantOperations or kms:GranteePrincipal limit (allowed by ${through}): it may create a grant of every grant operation (kms:CreateGrant included), without constraints, for a principal of an unrelated account. ${advice(reading === 'permissive')}`,
        { ...(source !== undefined ? { policy: source } : {}), ...(identity ? { statement: identity.statement } : {}), field: 'Action' }));
      break;
    }
  }
  return out;
}

function callerOf(p: PrincipalModel, reading: 'strict' | 'permissive' | 'exact'): ProbeCaller {
  return {
    ...sessionCallerOf(p.arn),
    identityPolicies: identityReading(p.identityPolicies, reading).map((d) => adversarialPolicy(d, keep)),
    ...(p.permissionsBoundary !== undefined ? { permissionsBoundary: boundaryReading(p.permissionsBoundary, reading) } : {}),
    tags: p.tags,
  };
}

function advice(uncertain: boolean): string {
  return (uncertain ? 'This holds if the values unknown offline allow it, so it could not be verified. ' : '')
    + 'Expected: kms:CreateGrant only for AWS services acting for the caller, "Bool": {"kms:GrantIsForAWSResource": "true"} (Control Tower CT.KMS.PR.3), or limited with "ForAllValues:StringEquals": {"kms:GrantOperations": [...]} or kms:GranteePrincipal. '
    + 'Fix: add the condition to the statement that allows kms:CreateGrant (GuardedKmsKey\'s grant-for-aws-resource capability does), or remove kms:CreateGrant from it (key.grant(x, \'kms:*\') includes it).';
}
