/**
 * Cases for the 33 surviving mutants that docs/mutation-testing.md explains as "not equivalent, for new tests" in its
 * section on `evaluator-engine-rest` (src/evaluator/engine.ts lines 52-188 and 360-456) and `evaluator-scenario-rest`
 * (src/evaluator/scenario.ts lines 292-605): issue 10. Each row names the line and the mutant it kills.
 *
 * Every row decides a small scenario through the public evaluator (KmsAccessEvaluator, imported from its own module,
 * not the package index, so that a mutant loads no aws-cdk-lib): evaluate() catches what the engine throws and returns
 * it as an `internal-error`, so a mutant that crashes shows up as a changed result, which the whole-result assertions
 * below catch. Each row pins the decision, every check (action, resource, decision, deciding statements), the whole
 * explanation, the lockout check, and the errors and warnings (code, severity, field, whole message).
 *
 * Semantics cited (/work/shared/reference/aws-docs/ and kms-semantics.md):
 * - §1.3 (key-policy-default.md, alias-access.md, kms-api-permissions-reference.md): ReEncrypt needs kms:ReEncryptFrom
 *   on the source and kms:ReEncryptTo on the destination; UpdateAlias needs the alias, the current key and the new key;
 *   Decrypt needs the key alone;
 * - alias-using.md ("If the KMS key is in a different AWS account, you must use a key ARN or alias ARN") and
 *   find-cmk-id-arn.md: what a request's KeyId can name;
 * - §5 (kms-vpc-endpoint.md, "both the endpoint policy and a key policy, IAM policy or grant must allow"; IAM UG
 *   reference_policies_evaluation-logic.md: a session policy and the identity policy must both allow);
 * - §7.1 (grant-manage.md): RetireGrant by the retiring principal, or (d) by a principal of the retiring account with an
 *   IAM allow; tag-authorization.md: aws:ResourceTag "is supported only in IAM policies. It isn't supported in key
 *   policies";
 * - §9 (API reference, customer-managed-policies.md): the lockout safety check belongs to PutKeyPolicy and CreateKey;
 *   §3 (conditions-kms.md introduction): request keys take the parameter's default when it is omitted, and
 *   ForAnyValue is false on an empty set;
 * - create-grant-overview.md: a grant whose RetiringPrincipal is the service principal dynamodb.us-west-2.amazonaws.com;
 * - README "Scenario format" and docs/decisions.md: bad input is an error naming the field, the value received and what
 *   was expected, never an internal error or a silent pass.
 *
 * Rows named `[choice]` pin what the engine does where no AWS page gives the answer; the comment of each says which.
 *
 * Compiled conditions are cached by text (condition-cache.ts, the perTest blind spot of docs/mutation-testing.md): each
 * row with a condition has a condition of its own.
 */
import {
  Obj, A, KEY_ID, KEY, KEY2, ALICE, CAROL, SESSION, BOB, SVC, ALIAS_ARN, policy, kpAllow, kpDeny, iamAllow, ENABLE_IAM,
} from './scenario-kit';
import { KmsAccessEvaluator } from '../../src/evaluator/kms-access-evaluator';
import { show } from '../../src/policy/issues';


/** The grant principal of create-grant-overview.md's example. */
const DYNAMODB = 'dynamodb.us-west-2.amazonaws.com';
const ALICE_ALL = kpAllow('AliceAll', { AWS: ALICE }, 'kms:*');
/** A destination (or new target) key whose policy names alice for everything. */
const KEY2_ALICE = { arn: KEY2, policy: policy(ALICE_ALL) };
const CREATE_KEYS = iamAllow('Create', 'kms:CreateKey', '*');
const LOCKOUT_FAILED = 'kms:CreateKey is authorized, but KMS rejects it: the lockout safety check fails because the new key policy would not let the caller call kms:PutKeyPolicy on the key afterwards (MalformedPolicyDocumentException). Name the caller or an administrator role in the new policy with kms:PutKeyPolicy, or set BypassPolicyLockoutSafetyCheck only if you really mean to give up managing the key';
const CREATE_ALLOWED = 'allowed by Sid "Create" of the identity policy #0 (the key policy has no say over kms:CreateKey)';
const SERVICE_CREATE = `kms:CreateKey is authorized by IAM policies only, and the service principal ${SVC} has none`;

interface Scenario {
  /** Extra key fields (tags, aliases); null: no key (CreateKey, IAM-only actions). */
  readonly key?: Obj | null;
  readonly keyPolicy?: Obj[];
  readonly caller?: Obj;
  readonly request?: Obj;
  readonly vpcEndpoint?: Obj;
  readonly grants?: Obj[];
}

function scenario(s: Scenario): Obj {
  const raw: Obj = { caller: { arn: ALICE, ...s.caller }, request: { action: 'kms:Decrypt', ...s.request } };
  if (s.key !== null) raw.key = { arn: KEY, policy: policy(...(s.keyPolicy ?? [ALICE_ALL])), ...s.key };
  if (s.vpcEndpoint) raw.vpcEndpoint = s.vpcEndpoint;
  if (s.grants) raw.grants = s.grants;
  return raw;
}

/** One check: action, resource, decision, and its deciding statements as `policy / statement / effect`. */
type Check = [string, string, string, string[]];

interface Expected {
  readonly decision: string;
  readonly explanation: string;
  readonly checks: Check[];
  readonly lockout?: string;
  /** Whole issues; default none. */
  readonly errors?: Obj[];
}

interface Row {
  readonly name: string;
  /** The mutant the row kills: file line, and what it changes. */
  readonly mutant: string;
  readonly doc: string;
  readonly scenario: Scenario;
  readonly expected: Expected;
}

function decide(row: Row): void {
  const result = KmsAccessEvaluator.evaluate(scenario(row.scenario));
  const e = row.expected;
  expect({
    decision: result.decision,
    explanation: result.explanation,
    checks: result.checks.map((c) => [c.action, c.resource, c.decision, c.decidedBy.map((d) => `${d.policy} / ${d.statement} / ${d.effect}`)]),
    lockout: result.lockoutSafetyCheck,
    errors: result.errors,
    warnings: result.warnings,
  }).toEqual({
    decision: e.decision,
    explanation: e.explanation,
    checks: e.checks,
    lockout: e.lockout,
    errors: e.errors ?? [],
    warnings: [],
  });
}

const withRows = (rows: Row[]): Array<[string, Row]> => rows.map((r) => [`${r.name} (kills ${r.mutant})`, r]);

describe('engine: which checks a request needs (planChecks, authorize; kms-semantics.md §1.3, §9)', () => {
  const rows: Row[] = [
    {
      name: 'GIVEN DescribeKey with a newKeyPolicy that would lock the caller out THEN allowed, no lockout check: it belongs to PutKeyPolicy and CreateKey',
      mutant: 'engine.ts 61, (PutKeyPolicy or CreateKey) -> true',
      doc: 'kms-semantics.md §9 (API reference, PutKeyPolicy and CreateKey BypassPolicyLockoutSafetyCheck)',
      scenario: { request: { action: 'kms:DescribeKey', newKeyPolicy: policy(kpAllow('CarolAdmin', { AWS: CAROL }, 'kms:PutKeyPolicy')) } },
      expected: {
        decision: 'allow',
        explanation: `allowed by Sid "AliceAll" of the key policy, which names ${ALICE} directly`,
        checks: [['kms:DescribeKey', KEY, 'allow', ['key policy / Sid "AliceAll" / Allow']]],
      },
    },
    {
      name: 'GIVEN ReEncrypt whose keyId is the ARN of another key THEN the ReEncryptFrom check is denied: the KeyId does not identify the source key',
      mutant: 'engine.ts 78 col 59, ReEncryptFrom primary true -> false',
      doc: 'kms-developer-guide/key-policy-default.md; find-cmk-id-arn.md',
      scenario: { request: { action: 'kms:ReEncrypt', keyId: KEY2, destinationKey: KEY2_ALICE } },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:ReEncryptFrom on ${KEY}] the request's keyId ${KEY2} does not identify this key (${KEY})`,
        checks: [
          ['kms:ReEncryptFrom', KEY, 'implicit-deny', []],
          ['kms:ReEncryptTo', KEY2, 'allow', ['key policy of the destination key / Sid "AliceAll" / Allow']],
        ],
      },
    },
    {
      name: 'GIVEN ReEncrypt whose keyId is an alias the source key does not have THEN the ReEncryptFrom check is denied',
      mutant: 'engine.ts 78 col 59, ReEncryptFrom primary true -> false',
      doc: 'kms-developer-guide/alias-using.md',
      scenario: { request: { action: 'kms:ReEncrypt', keyId: 'alias/none', destinationKey: KEY2_ALICE } },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:ReEncryptFrom on ${KEY}] the request names alias/none, which is not an alias of this key (its aliases: none)`,
        checks: [
          ['kms:ReEncryptFrom', KEY, 'implicit-deny', []],
          ['kms:ReEncryptTo', KEY2, 'allow', ['key policy of the destination key / Sid "AliceAll" / Allow']],
        ],
      },
    },
    {
      name: 'GIVEN ReEncrypt whose keyId names the source key, to another key THEN both checks pass: the KeyId is not checked against the destination',
      mutant: 'engine.ts 78 col 125, ReEncryptTo primary false -> true',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: { request: { action: 'kms:ReEncrypt', keyId: KEY, destinationKey: KEY2_ALICE } },
      expected: {
        decision: 'allow',
        explanation: `all 2 authorizations the request needs pass: [kms:ReEncryptFrom on ${KEY}] allowed by Sid "AliceAll" of the key policy, which names ${ALICE} directly; [kms:ReEncryptTo on ${KEY2}] allowed by Sid "AliceAll" of the key policy of the destination key, which names ${ALICE} directly`,
        checks: [
          ['kms:ReEncryptFrom', KEY, 'allow', ['key policy / Sid "AliceAll" / Allow']],
          ['kms:ReEncryptTo', KEY2, 'allow', ['key policy of the destination key / Sid "AliceAll" / Allow']],
        ],
      },
    },
    {
      name: 'GIVEN Decrypt with an aliasArn THEN one check on the key: Decrypt is not authorized on an alias',
      mutant: 'engine.ts 84, includes(\'alias\') && aliasArn -> ||',
      doc: 'kms-developer-guide/kms-api-permissions-reference.md (Decrypt: KMS key only)',
      scenario: { request: { action: 'kms:Decrypt', aliasArn: ALIAS_ARN } },
      expected: {
        decision: 'allow',
        explanation: `allowed by Sid "AliceAll" of the key policy, which names ${ALICE} directly`,
        checks: [['kms:Decrypt', KEY, 'allow', ['key policy / Sid "AliceAll" / Allow']]],
      },
    },
    {
      name: 'GIVEN CreateAlias whose keyId is the ARN of another key THEN the key check is denied though both policies allow',
      mutant: 'engine.ts 85, keyCheck(..., true) -> false',
      doc: 'kms-developer-guide/alias-access.md; find-cmk-id-arn.md',
      scenario: {
        caller: { identityPolicies: [policy(iamAllow('AliasSide', 'kms:CreateAlias', ALIAS_ARN))] },
        request: { action: 'kms:CreateAlias', aliasArn: ALIAS_ARN, keyId: KEY2 },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:CreateAlias on ${KEY}] the request's keyId ${KEY2} does not identify this key (${KEY})`,
        checks: [
          ['kms:CreateAlias', ALIAS_ARN, 'allow', ['identity policy #0 / Sid "AliasSide" / Allow']],
          ['kms:CreateAlias', KEY, 'implicit-deny', []],
        ],
      },
    },
    {
      name: 'GIVEN Decrypt whose keyId is an alias name the key does not have THEN implicitly denied',
      mutant: 'engine.ts 86, keyCheck(..., true) -> false',
      doc: 'kms-developer-guide/alias-using.md',
      scenario: { request: { action: 'kms:Decrypt', keyId: 'alias/other' } },
      expected: {
        decision: 'implicit-deny',
        explanation: 'the request names alias/other, which is not an alias of this key (its aliases: none)',
        checks: [['kms:Decrypt', KEY, 'implicit-deny', []]],
      },
    },
    {
      name: 'GIVEN Decrypt from another account naming the key by its bare key ID THEN implicitly denied, though both sides allow',
      mutant: 'engine.ts 86, keyCheck(..., true) -> false',
      doc: 'kms-developer-guide/alias-using.md ("you must use a key ARN or alias ARN"); key-policy-modifying-external-accounts.md',
      scenario: {
        keyPolicy: [kpAllow('Bob', { AWS: BOB }, 'kms:Decrypt')],
        caller: { arn: BOB, identityPolicies: [policy(iamAllow('BobDecrypt', 'kms:Decrypt'))] },
        request: { action: 'kms:Decrypt', keyId: KEY_ID },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request names the key by key ID ${KEY_ID}, which KMS resolves in the caller's own account: a key in another account must be named by its key ARN or alias ARN`,
        checks: [['kms:Decrypt', KEY, 'implicit-deny', []]],
      },
    },
    {
      name: 'GIVEN Decrypt with a destinationKey that does not allow the caller THEN one check, allowed: Decrypt uses one key',
      mutant: 'engine.ts 88 col 7, (UpdateAlias || UpdatePrimaryRegion) && destinationKey -> ||; col 8, -> true',
      doc: 'kms-developer-guide/kms-api-permissions-reference.md (Decrypt: KMS key only)',
      scenario: { request: { action: 'kms:Decrypt', destinationKey: { arn: KEY2, policy: policy(kpAllow('Carol', { AWS: CAROL }, 'kms:*')) } } },
      expected: {
        decision: 'allow',
        explanation: `allowed by Sid "AliceAll" of the key policy, which names ${ALICE} directly`,
        checks: [['kms:Decrypt', KEY, 'allow', ['key policy / Sid "AliceAll" / Allow']]],
      },
    },
    {
      name: 'GIVEN UpdateAlias whose keyId names the current key, to a new key THEN all three checks pass: the KeyId is not checked against the new key',
      mutant: 'engine.ts 89, destination keyCheck(..., false) -> true',
      doc: 'kms-developer-guide/alias-access.md (UpdateAlias: the alias, the current key and the new key)',
      scenario: {
        caller: { identityPolicies: [policy(iamAllow('AliasSide', 'kms:UpdateAlias', ALIAS_ARN))] },
        request: { action: 'kms:UpdateAlias', aliasArn: ALIAS_ARN, keyId: KEY, destinationKey: KEY2_ALICE },
      },
      expected: {
        decision: 'allow',
        explanation: `all 3 authorizations the request needs pass: [kms:UpdateAlias on ${ALIAS_ARN}] allowed by Sid "AliasSide" of the identity policy #0 (the key policy has no say over the alias); [kms:UpdateAlias on ${KEY}] allowed by Sid "AliceAll" of the key policy, which names ${ALICE} directly; [kms:UpdateAlias on ${KEY2}] allowed by Sid "AliceAll" of the key policy of the destination key, which names ${ALICE} directly`,
        checks: [
          ['kms:UpdateAlias', ALIAS_ARN, 'allow', ['identity policy #0 / Sid "AliasSide" / Allow']],
          ['kms:UpdateAlias', KEY, 'allow', ['key policy / Sid "AliceAll" / Allow']],
          ['kms:UpdateAlias', KEY2, 'allow', ['key policy of the destination key / Sid "AliceAll" / Allow']],
        ],
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: guardrails and boundaries that allow (kms-semantics.md §5)', () => {
  const rows: Row[] = [
    {
      name: 'GIVEN a VPC endpoint whose policy allows everything and a key policy naming the caller THEN allowed',
      mutant: 'engine.ts 158, endpoint searchPolicy(ep, true, t) -> false',
      doc: 'kms-developer-guide/kms-vpc-endpoint.md (the endpoint policy and a key policy, IAM policy or grant must both allow)',
      scenario: {
        keyPolicy: [kpAllow('AliceDecrypt', { AWS: ALICE }, 'kms:Decrypt')],
        vpcEndpoint: { id: 'vpce-0a1b2c3d', policy: policy(kpAllow('EndpointAll', '*', 'kms:*')) },
      },
      expected: {
        decision: 'allow',
        explanation: `allowed by Sid "AliceDecrypt" of the key policy, which names ${ALICE} directly`,
        checks: [['kms:Decrypt', KEY, 'allow', ['key policy / Sid "AliceDecrypt" / Allow']]],
      },
    },
    {
      name: 'GIVEN a role session whose identity policy and session policy both allow Decrypt, under a key policy enabling IAM THEN allowed',
      mutant: 'engine.ts 180, session policy searchPolicy(sp, true, t) -> false',
      doc: 'iam-user-guide/reference_policies_evaluation-logic.md (session policies); kms-developer-guide/key-policy-default.md',
      scenario: {
        keyPolicy: [ENABLE_IAM],
        caller: { arn: SESSION, identityPolicies: [policy(iamAllow('RoleDecrypt', 'kms:Decrypt'))], sessionPolicy: policy(iamAllow('SessionDecrypt', 'kms:Decrypt')) },
      },
      expected: {
        decision: 'allow',
        explanation: `allowed: Sid "EnableIAM" of the key policy delegates kms:Decrypt to account ${A}, and Sid "RoleDecrypt" of the identity policy #0 allows it`,
        checks: [['kms:Decrypt', KEY, 'allow', ['key policy / Sid "EnableIAM" / Allow', 'identity policy #0 / Sid "RoleDecrypt" / Allow']]],
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: RetireGrant (kms-semantics.md §7.1, grant-manage.md, tag-authorization.md)', () => {
  const retire = { action: 'kms:RetireGrant', grantId: 'g-1' };
  /** A grant to carol whose retiring principal is `retiring` (an ARN or an account id). */
  const grant = (retiring: string): Obj => ({ grantId: 'g-1', granteePrincipal: CAROL, retiringPrincipal: retiring, operations: ['Decrypt'] });
  const rows: Row[] = [
    {
      name: 'GIVEN the retiring principal and a key-policy Deny of RetireGrant on a key tag THEN allowed: aws:ResourceTag is not supported in key policies',
      mutant: 'engine.ts 369, RetireGrant key target keyPolicyView true -> false',
      doc: 'kms-developer-guide/tag-authorization.md ("isn\'t supported in key policies"); grant-manage.md',
      scenario: {
        key: { tags: { Project: 'row369' } },
        keyPolicy: [ALICE_ALL, kpDeny('NoRetireTagged', '*', 'kms:RetireGrant', { Condition: { StringEquals: { 'aws:ResourceTag/Project': 'row369' } } })],
        grants: [grant(ALICE)],
        request: retire,
      },
      expected: {
        decision: 'allow',
        explanation: `allowed: ${ALICE} is the retiring principal of grant g-1, or its grantee with the RetireGrant operation (grant-manage.md)`,
        checks: [['kms:RetireGrant', KEY, 'allow', []]],
      },
    },
    {
      name: 'GIVEN a grant retired by the account and an identity policy allowing RetireGrant on a key tag THEN allowed: the tag works in IAM policies',
      mutant: 'engine.ts 370, withKeyPolicyView(false) -> true',
      doc: 'kms-semantics.md §7.1(d); kms-developer-guide/tag-authorization.md',
      scenario: {
        key: { tags: { Project: 'row370' } },
        keyPolicy: [ENABLE_IAM],
        caller: { identityPolicies: [policy(iamAllow('RetireTagged', 'kms:RetireGrant', KEY, { Condition: { StringEquals: { 'aws:ResourceTag/Project': 'row370' } } }))] },
        grants: [grant(A)],
        request: retire,
      },
      expected: {
        decision: 'allow',
        explanation: `allowed: account ${A} may retire grant g-1 and Sid "RetireTagged" of the identity policy #0 delegates kms:RetireGrant to the caller`,
        checks: [['kms:RetireGrant', KEY, 'allow', ['identity policy #0 / Sid "RetireTagged" / Allow']]],
      },
    },
    {
      name: 'GIVEN a grant retired by the account and an identity allow of RetireGrant whose condition fails THEN implicitly denied, not an internal error',
      mutant: 'engine.ts 382, (iam.root || iam.ref) -> true',
      doc: 'kms-semantics.md §7.1(d); kms-developer-guide/grant-manage.md',
      scenario: {
        keyPolicy: [ENABLE_IAM],
        caller: { identityPolicies: [policy(iamAllow('RetireOps', 'kms:RetireGrant', KEY, { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'row382' } } }))] },
        grants: [grant(A)],
        request: retire,
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `account ${A} may retire grant g-1, but no identity policy of ${ALICE} allows kms:RetireGrant on this key (kms:RetireGrant in a key policy has no effect)`,
        checks: [['kms:RetireGrant', KEY, 'implicit-deny', []]],
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: the alias half of an alias operation, a [choice]', () => {
  // [choice] Whether aws:ResourceTag (and kms:ResourceAliases) have the target key's values when the resource matched is
  // the alias ARN of CreateAlias/DeleteAlias/UpdateAlias. alias-access.md speaks of condition keys limiting "the KMS
  // key" of an alias operation and tag-authorization.md of operations "that use a particular KMS key"; no page says
  // whether the alias half sees the key's tags. The engine lets it (engine.ts 401, keyPolicyView false: the IAM view
  // of the target key); this row pins that choice, so that changing it is a decision, not an accident.
  const rows: Row[] = [
    {
      name: '[choice] GIVEN CreateAlias allowed on "*" by an identity policy only for keys tagged Project=row401, on a key with that tag THEN the alias half allows too',
      mutant: 'engine.ts 401, IAM-only target keyPolicyView false -> true',
      doc: 'kms-developer-guide/alias-access.md, tag-authorization.md (silent on the alias half)',
      scenario: {
        key: { tags: { Project: 'row401' } },
        caller: { identityPolicies: [policy(iamAllow('AliasTagged', 'kms:CreateAlias', '*', { Condition: { StringEquals: { 'aws:ResourceTag/Project': 'row401' } } }))] },
        request: { action: 'kms:CreateAlias', aliasArn: ALIAS_ARN },
      },
      expected: {
        decision: 'allow',
        explanation: `all 2 authorizations the request needs pass: [kms:CreateAlias on ${ALIAS_ARN}] allowed by Sid "AliasTagged" of the identity policy #0 (the key policy has no say over the alias); [kms:CreateAlias on ${KEY}] allowed by Sid "AliceAll" of the key policy, which names ${ALICE} directly`,
        checks: [
          ['kms:CreateAlias', ALIAS_ARN, 'allow', ['identity policy #0 / Sid "AliasTagged" / Allow']],
          ['kms:CreateAlias', KEY, 'allow', ['key policy / Sid "AliceAll" / Allow']],
        ],
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: the lockout check of CreateKey without a key, on the stand-in key (kms-semantics.md §9)', () => {
  // [choice] CreateKey without `key` is checked on a stand-in key (engine.ts syntheticKey): an ARN in the caller's
  // partition and account, or `aws` and 000000000000 for an AWS service principal, which has neither, with key ID
  // 00000000-0000-0000-0000-000000000000. The new key's ARN is not known before CreateKey returns, and no page says
  // what a service principal's new key would be: customer-managed-policies.md and the API reference (§9) ask only
  // that the new policy let the caller call PutKeyPolicy. These rows pin that the stand-in has a partition, an account
  // and a key ID (a Resource that needs each matches it), so that a change of the stand-in is seen. The decision is
  // an implicit deny either way (CreateKey is IAM-only, and a service principal has no IAM policies).
  const svcCreate = (sid: string, resource: string): Scenario => ({
    key: null,
    caller: { arn: SVC },
    request: { action: 'kms:CreateKey', newKeyPolicy: policy(kpAllow(sid, { Service: SVC }, 'kms:PutKeyPolicy', { Resource: resource })) },
  });
  const svcRow = (name: string, mutant: string, sid: string, resource: string): Row => ({
    name,
    mutant,
    doc: 'kms-developer-guide/customer-managed-policies.md, kms-semantics.md §9 (silent on the stand-in)',
    scenario: svcCreate(sid, resource),
    expected: { decision: 'implicit-deny', lockout: 'passed', explanation: SERVICE_CREATE, checks: [['kms:CreateKey', '*', 'implicit-deny', []]] },
  });
  const choiceRows: Row[] = [
    svcRow('[choice] GIVEN CreateKey by a service principal, no key, a new policy naming it on keys of partition aws THEN the lockout check passes: the stand-in is in partition aws',
      'engine.ts 442, partition ?? \'aws\' -> ""', 'SvcAwsKeys', 'arn:aws:kms:*:*:key/*'),
    svcRow('[choice] GIVEN CreateKey by a service principal, no key, a new policy naming it on keys of a non-empty account THEN the lockout check passes: the stand-in has an account',
      'engine.ts 443, account ?? \'000000000000\' -> ""', 'SvcAnyAccount', 'arn:*:kms:*:?*:key/*'),
    svcRow('[choice] GIVEN CreateKey by a service principal, no key, a new policy naming it on keys with a non-empty id THEN the lockout check passes: the stand-in has a key ID',
      'engine.ts 444, keyId -> ""', 'SvcAnyKeyId', 'arn:*:kms:*:*:key/?*'),
  ];
  test.each(withRows(choiceRows))('%s', (_, row) => decide(row));

  // Not a choice: a CreateKey request without KeySpec, KeyUsage, Origin or MultiRegion makes a key with their defaults,
  // and the key-property keys then have those values (kms-semantics.md §3: request keys take the parameter's default
  // when it is omitted; conditions-kms.md, introduction). A new key has no alias (aliases come from CreateAlias), and
  // ForAnyValue is false on an empty set (§3).
  const adminOnly = (sid: string, condition: Obj): Scenario => ({
    key: null,
    caller: { identityPolicies: [policy(CREATE_KEYS)] },
    request: { action: 'kms:CreateKey', newKeyPolicy: policy(kpAllow(sid, { AWS: ALICE }, 'kms:PutKeyPolicy', { Condition: condition })) },
  });
  const passed: Expected = { decision: 'allow', lockout: 'passed', explanation: CREATE_ALLOWED, checks: [['kms:CreateKey', '*', 'allow', ['identity policy #0 / Sid "Create" / Allow']]] };
  const rows: Row[] = [
    {
      name: 'GIVEN CreateKey with no key and a new policy letting alice PutKeyPolicy only on SYMMETRIC_DEFAULT keys THEN passed: the default key spec',
      mutant: 'engine.ts 449, keySpec -> ""',
      doc: 'kms-developer-guide/conditions-kms.md (kms:KeySpec; introduction: defaults), kms-semantics.md §3',
      scenario: adminOnly('AdminSymmetric', { StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT' } }),
      expected: passed,
    },
    {
      name: 'GIVEN CreateKey with no key and a new policy letting alice PutKeyPolicy only on ENCRYPT_DECRYPT keys THEN passed: the default key usage',
      mutant: 'engine.ts 450, keyUsage -> ""',
      doc: 'kms-developer-guide/conditions-kms.md (kms:KeyUsage; introduction: defaults), kms-semantics.md §3',
      scenario: adminOnly('AdminEncryptDecrypt', { StringEquals: { 'kms:KeyUsage': 'ENCRYPT_DECRYPT' } }),
      expected: passed,
    },
    {
      name: 'GIVEN CreateKey with no key and a new policy letting alice PutKeyPolicy only on AWS_KMS keys THEN passed: the default origin',
      mutant: 'engine.ts 451, keyOrigin -> ""',
      doc: 'kms-developer-guide/conditions-kms.md (kms:KeyOrigin; introduction: defaults), kms-semantics.md §3',
      scenario: adminOnly('AdminAwsKms', { StringEquals: { 'kms:KeyOrigin': 'AWS_KMS' } }),
      expected: passed,
    },
    {
      name: 'GIVEN CreateKey with no key and a new policy letting alice PutKeyPolicy only on single-Region keys THEN passed: MultiRegion defaults to false',
      mutant: 'engine.ts 452, multiRegion false -> true',
      doc: 'kms-developer-guide/conditions-kms.md (kms:MultiRegion; introduction: defaults), kms-semantics.md §3',
      scenario: adminOnly('AdminSingleRegion', { Bool: { 'kms:MultiRegion': 'false' } }),
      expected: passed,
    },
    {
      name: 'GIVEN CreateKey with no key, a new policy enabling IAM, and alice\'s PutKeyPolicy allowed only on keys with an alias THEN failed: a new key has no alias',
      mutant: 'engine.ts 453, aliases [] -> ["Stryker was here"]',
      doc: 'kms-developer-guide/conditions-kms.md (kms:ResourceAliases), kms-semantics.md §3 (ForAnyValue on an empty set)',
      scenario: {
        key: null,
        caller: { identityPolicies: [policy(CREATE_KEYS, iamAllow('PutAliased', 'kms:PutKeyPolicy', '*', { Condition: { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': ['*', 'alias/row453'] } } }))] },
        request: { action: 'kms:CreateKey', newKeyPolicy: policy(ENABLE_IAM) },
      },
      expected: { decision: 'implicit-deny', lockout: 'failed', explanation: LOCKOUT_FAILED, checks: [['kms:CreateKey', '*', 'allow', ['identity policy #0 / Sid "Create" / Allow']]] },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('scenario reader: odd input types are errors naming the field, never internal errors or silent passes', () => {
  /** An invalid scenario: implicit deny, no check, these errors (the explanation quotes the first). */
  const invalid = (error: Obj): Expected => ({
    decision: 'implicit-deny',
    explanation: `the scenario is invalid and was not evaluated: ${error.message} (${error.field})`,
    checks: [],
    errors: [{ severity: 'error', ...error }],
  });
  const LONG_KEY = 'k'.repeat(32_768);
  const rows: Row[] = [
    {
      name: 'GIVEN caller.roleArn null THEN invalid-field at caller.roleArn',
      mutant: 'scenario.ts 346, typeof raw === \'string\' -> true',
      doc: 'README "Scenario format" (caller.roleArn: the ARN of the session\'s role)',
      scenario: { caller: { arn: SESSION, roleArn: null } },
      expected: invalid({ code: 'invalid-field', field: 'caller.roleArn', message: `caller.roleArn is null: expected the ARN of the session's role app with its path, arn:aws:iam::${A}:role/PATH/app (or role/app when it has none)` }),
    },
    {
      name: 'GIVEN caller.roleArn an array holding the role ARN THEN invalid-field at caller.roleArn',
      mutant: 'scenario.ts 346, typeof raw === \'string\' -> true',
      doc: 'README "Scenario format" (caller.roleArn: the ARN of the session\'s role)',
      scenario: { caller: { arn: SESSION, roleArn: [`arn:aws:iam::${A}:role/app`] } },
      expected: invalid({ code: 'invalid-field', field: 'caller.roleArn', message: `caller.roleArn is ["arn:aws:iam::${A}:role/app"]: expected the ARN of the session's role app with its path, arn:aws:iam::${A}:role/PATH/app (or role/app when it has none)` }),
    },
    {
      name: 'GIVEN vpcEndpoint.id an array holding a valid id THEN invalid-field at vpcEndpoint.id: an endpoint id is a string',
      mutant: 'scenario.ts 364, typeof raw.id !== \'string\' -> false',
      doc: 'kms-developer-guide/kms-vpc-endpoint.md (aws:SourceVpce, an endpoint id such as vpce-1234abcd)',
      scenario: { vpcEndpoint: { id: ['vpce-1a2b3c4d'] } },
      expected: invalid({ code: 'invalid-field', field: 'vpcEndpoint.id', message: 'vpcEndpoint.id is ["vpce-1a2b3c4d"]: expected an endpoint id such as "vpce-1234abcd"' }),
    },
    {
      name: 'GIVEN a grant whose retiring principal is a service principal, retired by that service THEN read, and allowed',
      mutant: 'scenario.ts 395, readGrantPrincipal(retiringPrincipal, ..., true) -> false',
      doc: 'kms-developer-guide/create-grant-overview.md ("RetiringPrincipal": "dynamodb.us-west-2.amazonaws.com"); grant-manage.md',
      scenario: {
        caller: { arn: DYNAMODB },
        grants: [{ grantId: 'g-1', granteePrincipal: ALICE, retiringPrincipal: DYNAMODB, operations: ['Decrypt'] }],
        request: { action: 'kms:RetireGrant', grantId: 'g-1' },
      },
      expected: {
        decision: 'allow',
        explanation: `allowed: the service principal ${DYNAMODB} is the retiring principal of grant g-1, or its grantee with the RetireGrant operation (grant-manage.md)`,
        checks: [['kms:RetireGrant', KEY, 'allow', []]],
      },
    },
    {
      name: 'GIVEN a CreateGrant request whose retiring principal is a service principal THEN read, and allowed by the key policy',
      mutant: 'scenario.ts 415, readGrantPrincipal(retiringPrincipal, ..., true) -> false',
      doc: 'kms-developer-guide/create-grant-overview.md ("RetiringPrincipal": "dynamodb.us-west-2.amazonaws.com")',
      scenario: { request: { action: 'kms:CreateGrant', createGrant: { granteePrincipal: `arn:aws:iam::${A}:role/app`, retiringPrincipal: DYNAMODB, operations: ['Decrypt'] } } },
      expected: {
        decision: 'allow',
        explanation: `allowed by Sid "AliceAll" of the key policy, which names ${ALICE} directly`,
        checks: [['kms:CreateGrant', KEY, 'allow', ['key policy / Sid "AliceAll" / Allow']]],
      },
    },
    {
      name: 'GIVEN a grant issuingAccount that is an array of 12 digits THEN invalid-field at grants[0].issuingAccount',
      mutant: 'scenario.ts 400, typeof g.issuingAccount === \'string\' -> true',
      doc: 'README "Scenario format" (a grant\'s issuingAccount: a 12-digit account id)',
      scenario: { grants: [{ grantId: 'g-1', granteePrincipal: CAROL, operations: ['Decrypt'], issuingAccount: A.split('') }] },
      expected: invalid({ code: 'invalid-field', field: 'grants[0].issuingAccount', message: 'grants[0].issuingAccount is ["1","1","1","1","2","2","2","2","3","3","3","3"]: expected a 12-digit account id' }),
    },
    {
      name: 'GIVEN a grant operation with kms: after the name THEN invalid-field: not a grant operation',
      mutant: 'scenario.ts 457, /^kms:/i -> /kms:/i',
      doc: 'kms-developer-guide/grants.md (grant operations); API reference CreateGrant Operations',
      scenario: { grants: [{ grantId: 'g-1', granteePrincipal: CAROL, operations: ['Decryptkms:'] }] },
      expected: invalid({ code: 'invalid-field', field: 'grants[0].operations', message: 'grants[0].operations has `Decryptkms:`, which is not a grant operation: expected names such as "Decrypt", "Encrypt", "GenerateDataKey", "CreateGrant", "RetireGrant", "DescribeKey"' }),
    },
    {
      name: 'GIVEN a grant operation with kms: inside the name THEN invalid-field: not a grant operation',
      mutant: 'scenario.ts 457, /^kms:/i -> /kms:/i',
      doc: 'kms-developer-guide/grants.md (grant operations); API reference CreateGrant Operations',
      scenario: { grants: [{ grantId: 'g-1', granteePrincipal: CAROL, operations: ['Dekms:crypt'] }] },
      expected: invalid({ code: 'invalid-field', field: 'grants[0].operations', message: 'grants[0].operations has `Dekms:crypt`, which is not a grant operation: expected names such as "Decrypt", "Encrypt", "GenerateDataKey", "CreateGrant", "RetireGrant", "DescribeKey"' }),
    },
    {
      name: 'GIVEN a request.context value that is an array holding a number THEN invalid-field at the key',
      mutant: 'scenario.ts 501, v.every(...) -> v.some(...); typeof x === \'string\' -> true',
      doc: 'README "Scenario format" (request.context: a string, number, boolean or array of strings per key)',
      scenario: { request: { action: 'kms:Decrypt', context: { 'aws:SourceVpc': ['vpc-1', 5] } } },
      expected: invalid({ code: 'invalid-field', field: 'request.context.aws:SourceVpc', message: 'request.context["aws:SourceVpc"] is ["vpc-1",5]: expected a string, number, boolean, or an array of strings' }),
    },
    {
      name: 'GIVEN grant operations holding a number THEN invalid-field at grants[0].operations, not an internal error',
      mutant: 'scenario.ts 543, typeof x === \'string\' -> true',
      doc: 'README "Scenario format" (a grant\'s operations: an array of operation names)',
      scenario: { grants: [{ grantId: 'g-1', granteePrincipal: CAROL, operations: [5] }] },
      expected: invalid({ code: 'invalid-field', field: 'grants[0].operations', message: 'grants[0].operations is [5]: expected an array of strings' }),
    },
    {
      name: 'GIVEN an encryption context with a key of exactly 32,768 characters and a number value THEN invalid-field for the value, not value-too-long for the key',
      mutant: 'scenario.ts 552, bad.length > MAX_STRING_LENGTH -> >=',
      doc: 'README "Scenario format" (request.encryptionContext: an object of string values); issues.ts MAX_STRING_LENGTH',
      scenario: { request: { action: 'kms:Decrypt', encryptionContext: { [LONG_KEY]: 5 } } },
      expected: invalid({
        code: 'invalid-field',
        field: 'request.encryptionContext',
        message: `request.encryptionContext is ${show({ [LONG_KEY]: 5 })}: expected an object of string values, e.g. {"Department": "IT"}`,
      }),
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});
