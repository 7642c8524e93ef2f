/**
 * Cases added for the mutation run of the authorization engine (src/evaluator/engine.ts) and of the key-policy size
 * and character walk (src/evaluator/input-checks.ts, `checkKeyPolicy`): docs/mutation-testing.md, issue 10.
 *
 * Every row decides one small scenario through the public evaluator (KmsAccessEvaluator, imported from its own module,
 * not the package index, so that a mutant loads no aws-cdk-lib) and pins the whole explanation: the engine's messages
 * say which statement decided or what was missing, and a changed word there is a changed answer to the user.
 *
 * Semantics cited (/work/shared/reference/aws-docs/ and kms-semantics.md, which rebuilds the algorithm from them):
 * - §1.1, §1.3 (iam-policies-best-practices.md, alias-access.md, key-policy-default.md, multi-region-keys-auth.md):
 *   IAM-only actions, and the several authorizations of ReEncrypt, the alias operations, UpdatePrimaryRegion and
 *   ReplicateKey, all of which must pass;
 * - §2 (key-policy-modifying-external-accounts.md): the cross-account gate;
 * - §4 (key-policy-overview.md, key-policies.md, kms-vpc-endpoint.md): an explicit deny in any policy that takes part;
 * - §5 (policy-evaluation.md, kms-vpc-endpoint.md, IAM UG reference_policies_evaluation-logic.md): SCP levels, the
 *   endpoint policy, boundaries and session policies;
 * - §6 (key-policy-default.md, key-policies.md, key-policy-modifying-external-accounts.md, key-policy-services.md,
 *   determining-access-grants.md): the allow paths, and grants (§8, grants.md);
 * - §7.1 (grant-manage.md): RetireGrant;
 * - §9 (customer-managed-policies.md, API reference): the lockout safety check;
 * - docs/kms-authorization.md, "Choices where the documentation is silent": partitions, boundaries, RCPs, grants to an
 *   account, RetireGrant by the issuing account, the lockout check and CreateKey without a key;
 * - key-policy-overview.md ("Key policy format": up to 32 KB, printable ASCII and Latin-1, tab, line feed, carriage
 *   return) and resource-limits.md ("Key policy document size", not adjustable) for checkKeyPolicy.
 */
import {
  Obj, A, B, KEY, KEY2, ALICE, CAROL, ROLE, SESSION, ROOT_A, BOB, ROOT_B, SVC, ALIAS_ARN, policy, kpAllow, kpDeny, iamAllow, iamDeny, ENABLE_IAM,
} from './scenario-kit';
import { checkKeyPolicy } from '../../src/evaluator/input-checks';
import { KmsAccessEvaluator } from '../../src/evaluator/kms-access-evaluator';
import { Issue, IssueCollector } from '../../src/policy/issues';

const ALLOW_ALL_SCP = policy(iamAllow('FullAWSAccess', '*', '*'));
/** An RCP has a Principal; RCPs act only through Deny statements. */
const rcpDeny = (sid: string, action: string): Obj => policy({ Sid: sid, Effect: 'Deny', Principal: '*', Action: action, Resource: '*' });

interface Scenario {
  readonly key?: Obj | null;
  readonly keyPolicy?: Obj[];
  readonly caller?: Obj;
  readonly request?: Obj;
  readonly scps?: Obj[];
  readonly rcps?: Obj[];
  readonly vpcEndpoint?: Obj;
  readonly grants?: Obj[];
}

function scenario(s: Scenario): Obj {
  const raw: Obj = { caller: { arn: ALICE, ...s.caller }, request: { action: 'kms:Decrypt', ...s.request } };
  if (s.key !== null) raw.key = { arn: KEY, policy: policy(...(s.keyPolicy ?? [ENABLE_IAM])), ...s.key };
  if (s.scps) raw.serviceControlPolicies = s.scps;
  if (s.rcps) raw.resourceControlPolicies = s.rcps;
  if (s.vpcEndpoint) raw.vpcEndpoint = s.vpcEndpoint;
  if (s.grants) raw.grants = s.grants;
  return raw;
}

interface Expected {
  readonly decision: string;
  readonly explanation: string;
  /** Each check: action, resource, decision. Default: the one check of the request's action on KEY. */
  readonly checks?: Array<[string, string, string]>;
  /** Deciding statements of the first check, as `policy / statement / effect`. */
  readonly decidedBy?: string[];
  readonly lockout?: string;
}

interface Row {
  readonly name: string;
  readonly doc: string;
  readonly scenario: Scenario;
  readonly expected: Expected;
}

function decide(row: Row): void {
  const result = KmsAccessEvaluator.evaluate(scenario(row.scenario));
  expect(result.errors).toEqual([]);
  const e = row.expected;
  const action = row.scenario.request?.action ?? 'kms:Decrypt';
  expect({
    decision: result.decision,
    explanation: result.explanation,
    checks: result.checks.map((c) => [c.action, c.resource, c.decision]),
    lockout: result.lockoutSafetyCheck,
  }).toEqual({
    decision: e.decision,
    explanation: e.explanation,
    checks: e.checks ?? [[action, KEY, e.decision]],
    lockout: e.lockout,
  });
  if (e.decidedBy !== undefined) {
    expect(result.checks[0].decidedBy.map((d) => `${d.policy} / ${d.statement} / ${d.effect}`)).toEqual(e.decidedBy);
  }
}

const withRows = (rows: Row[]): Array<[string, Row]> => rows.map((r) => [r.name, r]);

describe('engine: the allow paths of one key (kms-semantics.md §6)', () => {
  const rows: Row[] = [
    {
      name: 'GIVEN a key-policy statement naming the user THEN allowed directly, no IAM policy needed (§6.1)',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: { keyPolicy: [kpAllow('UseByAlice', { AWS: ALICE }, 'kms:Decrypt')] },
      expected: {
        decision: 'allow',
        explanation: `allowed by Sid "UseByAlice" of the key policy, which names ${ALICE} directly`,
        decidedBy: ['key policy / Sid "UseByAlice" / Allow'],
      },
    },
    {
      name: 'GIVEN Principal "*" narrowed by aws:PrincipalArn to the role, and a boundary without kms:Decrypt THEN allowed: boundaries do not limit such a grant',
      doc: 'iam-user-guide/reference_policies_elements_principal.md',
      scenario: {
        caller: { arn: SESSION, permissionsBoundary: policy(iamAllow('OnlyEncrypt', 'kms:Encrypt', '*')) },
        keyPolicy: [kpAllow('AnyWithArn', { AWS: '*' }, 'kms:Decrypt', { Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE } } })],
      },
      expected: {
        decision: 'allow',
        explanation: `allowed by Sid "AnyWithArn" of the key policy, whose Principal "*" is narrowed to ${SESSION} (a session of role app) by an aws:PrincipalArn condition (a permissions boundary or session policy does not limit such a grant)`,
        decidedBy: ['key policy / Sid "AnyWithArn" / Allow'],
      },
    },
    {
      name: 'GIVEN Principal "*" with kms:CallerAccount of the key\'s account THEN allowed: the principal covers the caller',
      doc: 'kms-developer-guide/conditions-kms.md',
      scenario: { keyPolicy: [kpAllow('CallerAccountA', { AWS: '*' }, 'kms:Decrypt', { Condition: { StringEquals: { 'kms:CallerAccount': A } } })] },
      expected: {
        decision: 'allow',
        explanation: `allowed by Sid "CallerAccountA" of the key policy, whose principal covers ${ALICE}`,
        decidedBy: ['key policy / Sid "CallerAccountA" / Allow'],
      },
    },
    {
      name: 'GIVEN Principal "*" and a boundary without kms:Decrypt THEN implicitly denied: the boundary limits a grant through "*"',
      doc: 'iam-user-guide/reference_policies_evaluation-logic.md',
      scenario: {
        caller: { permissionsBoundary: policy(iamAllow('OnlyEncrypt', 'kms:Encrypt', '*')) },
        keyPolicy: [kpAllow('Everyone', { AWS: '*' }, 'kms:Decrypt', { Condition: { StringEquals: { 'kms:CallerAccount': A } } })],
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: Sid "Everyone" of the key policy covers ${ALICE}, but the permissions boundary does not allow kms:Decrypt on this key, and a permissions boundary or session policy limits key-policy grants to a role ARN or "*" (IAM UG reference_policies_evaluation-logic.md); no grant applies`,
        decidedBy: ['key policy / Sid "Everyone" / Allow'],
      },
    },
    {
      name: 'GIVEN the account root user and a statement enabling IAM policies THEN allowed without an IAM policy (§6.2)',
      doc: 'kms-developer-guide/key-policies.md',
      scenario: { caller: { arn: ROOT_A } },
      expected: {
        decision: 'allow',
        explanation: `allowed: Sid "EnableIAM" of the key policy enables IAM policies for account ${A}, and IAM implicitly allows the account's root user`,
        decidedBy: ['key policy / Sid "EnableIAM" / Allow'],
      },
    },
    {
      name: 'GIVEN delegation and the second identity policy allowing THEN allowed, both statements deciding (§6.2)',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: { caller: { identityPolicies: [policy(iamAllow('OnlyEncrypt', 'kms:Encrypt')), policy(iamAllow('AliceDecrypt', 'kms:Decrypt'))] } },
      expected: {
        decision: 'allow',
        explanation: `allowed: Sid "EnableIAM" of the key policy delegates kms:Decrypt to account ${A}, and Sid "AliceDecrypt" of the identity policy #1 allows it`,
        decidedBy: ['key policy / Sid "EnableIAM" / Allow', 'identity policy #1 / Sid "AliceDecrypt" / Allow'],
      },
    },
    {
      name: 'GIVEN delegation and an identity allow but a boundary without kms:Decrypt THEN implicitly denied, naming the boundary',
      doc: 'iam-user-guide/reference_policies_evaluation-logic.md',
      scenario: {
        caller: { identityPolicies: [policy(iamAllow('AliceDecrypt', 'kms:Decrypt'))], permissionsBoundary: policy(iamAllow('OnlyEncrypt', 'kms:Encrypt', '*')) },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: Sid "EnableIAM" of the key policy delegates kms:Decrypt to account ${A} and an identity policy allows it, but the permissions boundary does not allow kms:Decrypt on this key; no grant applies`,
        decidedBy: ['key policy / Sid "EnableIAM" / Allow'],
      },
    },
    {
      name: 'GIVEN delegation and an identity allow but a session policy without kms:Decrypt THEN implicitly denied, naming the session policy',
      doc: 'iam-user-guide/reference_policies_evaluation-logic.md',
      scenario: {
        caller: {
          arn: SESSION,
          identityPolicies: [policy(iamAllow('AppDecrypt', 'kms:Decrypt'))],
          permissionsBoundary: policy(iamAllow('BoundaryAll', 'kms:*', '*')),
          sessionPolicy: policy(iamAllow('SessionEncrypt', 'kms:Encrypt', '*')),
        },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: Sid "EnableIAM" of the key policy delegates kms:Decrypt to account ${A} and an identity policy allows it, but the session policy does not allow kms:Decrypt on this key; no grant applies`,
      },
    },
    {
      name: 'GIVEN delegation and an identity allow whose condition fails THEN implicitly denied, naming the near miss',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: {
        caller: { identityPolicies: [policy(iamAllow('OnlyBilling', 'kms:Decrypt', KEY, { Condition: { StringEquals: { 'kms:EncryptionContext:row9': 'billing' } } }))] },
        request: { encryptionContext: { row9: 'other' } },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: Sid "EnableIAM" of the key policy delegates kms:Decrypt to account ${A}, but no identity policy of ${ALICE} allows kms:Decrypt on this key (Sid "OnlyBilling" of the identity policy #0 would allow it, but its condition \`StringEquals kms:EncryptionContext:row9 in ["billing"]\` is not met); no grant applies`,
      },
    },
    {
      name: 'GIVEN an identity allow but no key-policy delegation THEN implicitly denied: IAM policies have no effect (key-policy-default.md)',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: {
        keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:Decrypt')],
        caller: { identityPolicies: [policy(iamAllow('AliceDecrypt', 'kms:Decrypt'))] },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: Sid "AliceDecrypt" of the identity policy #0 allows kms:Decrypt, but IAM policies have no effect here because no key-policy statement delegates kms:Decrypt to account ${A} (key-policy-default.md); no grant applies`,
        decidedBy: [],
      },
    },
    {
      name: 'GIVEN an identity allow and a key-policy statement naming the user whose condition fails THEN the key policy\'s near miss follows',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: {
        keyPolicy: [kpAllow('AliceInVpc', { AWS: ALICE }, 'kms:Decrypt', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-row11' } } })],
        caller: { identityPolicies: [policy(iamAllow('AliceDecrypt', 'kms:Decrypt'))] },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: Sid "AliceDecrypt" of the identity policy #0 allows kms:Decrypt, but IAM policies have no effect here because no key-policy statement delegates kms:Decrypt to account ${A} (key-policy-default.md); Sid "AliceInVpc" of the key policy would allow it, but its condition \`StringEquals aws:SourceVpc in ["vpc-row11"]\` is not met; no grant applies`,
      },
    },
    {
      name: 'GIVEN neither a key-policy statement nor an identity policy THEN implicitly denied, saying so',
      doc: 'kms-developer-guide/policy-evaluation.md',
      scenario: { keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:Decrypt')] },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: no statement of the key policy allows ${ALICE} to call kms:Decrypt, and no identity policy allows it either; no grant applies`,
      },
    },
    {
      name: 'GIVEN near misses on both sides and no delegation THEN both are named',
      doc: 'kms-developer-guide/policy-evaluation.md',
      scenario: {
        keyPolicy: [kpAllow('AliceRow13', { AWS: ALICE }, 'kms:Decrypt', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-row13' } } })],
        caller: { identityPolicies: [policy(iamAllow('IamRow13', 'kms:Decrypt', KEY, { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-row13' } } }))] },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: no statement of the key policy allows ${ALICE} to call kms:Decrypt (Sid "AliceRow13" of the key policy would allow it, but its condition \`StringEquals aws:SourceVpc in ["vpc-row13"]\` is not met), and no identity policy allows it either (Sid "IamRow13" of the identity policy #0 would allow it, but its condition \`StringEquals aws:SourceVpce in ["vpce-row13"]\` is not met); no grant applies`,
      },
    },
    {
      name: 'GIVEN delegation and no identity policy at all THEN implicitly denied, with no near miss to name',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: {},
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: Sid "EnableIAM" of the key policy delegates kms:Decrypt to account ${A}, but no identity policy of ${ALICE} allows kms:Decrypt on this key; no grant applies`,
        decidedBy: ['key policy / Sid "EnableIAM" / Allow'],
      },
    },
    {
      name: 'GIVEN an identity policy conditioned on aws:ResourceTag THEN it sees the key\'s tags: IAM policies are read with the IAM view (abac.md)',
      doc: 'kms-developer-guide/abac.md',
      scenario: {
        key: { tags: { team: 'row-tag' } },
        caller: { identityPolicies: [policy(iamAllow('TagAllow', 'kms:Decrypt', KEY, { Condition: { StringEquals: { 'aws:ResourceTag/team': 'row-tag' } } }))] },
      },
      expected: {
        decision: 'allow',
        explanation: `allowed: Sid "EnableIAM" of the key policy delegates kms:Decrypt to account ${A}, and Sid "TagAllow" of the identity policy #0 allows it`,
      },
    },
    {
      name: 'GIVEN a key-policy statement conditioned on aws:ResourceTag THEN it never matches: the key is tagged, but that condition key exists only for IAM policies (abac.md)',
      doc: 'kms-developer-guide/abac.md',
      scenario: {
        key: { tags: { team: 'row-kp-tag' } },
        keyPolicy: [kpAllow('TagInKeyPolicy', { AWS: ALICE }, 'kms:Decrypt', { Condition: { StringEquals: { 'aws:ResourceTag/team': 'row-kp-tag' } } })],
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: no statement of the key policy allows ${ALICE} to call kms:Decrypt (Sid "TagInKeyPolicy" of the key policy would allow it, but its condition \`StringEquals aws:ResourceTag/team in ["row-kp-tag"]\` is not met), and no identity policy allows it either; no grant applies`,
      },
    },
    {
      name: 'GIVEN a caller of another partition THEN implicitly denied before any policy (partitions choice)',
      doc: 'iam-user-guide/reference_policies_elements_principal.md',
      scenario: { caller: { arn: `arn:aws-cn:iam::${A}:user/alice` }, keyPolicy: [kpAllow('Everyone', { AWS: '*' }, 'kms:*')] },
      expected: {
        decision: 'implicit-deny',
        explanation: `arn:aws-cn:iam::${A}:user/alice is in partition aws-cn and the key in partition aws: a principal of one AWS partition can never use a resource of another, whatever the policies say`,
        decidedBy: [],
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: AWS service principals (kms-semantics.md §6.5)', () => {
  const CLOUDTRAIL = kpAllow('CloudTrail', { Service: SVC }, 'kms:GenerateDataKey*');
  const rows: Row[] = [
    {
      name: 'GIVEN a key-policy statement naming the service principal THEN allowed',
      doc: 'kms-developer-guide/key-policy-services.md',
      scenario: { caller: { arn: SVC }, keyPolicy: [CLOUDTRAIL], request: { action: 'kms:GenerateDataKey' } },
      expected: {
        decision: 'allow',
        explanation: `allowed by Sid "CloudTrail" of the key policy, which names the service principal ${SVC}`,
        decidedBy: ['key policy / Sid "CloudTrail" / Allow'],
      },
    },
    {
      name: 'GIVEN Principal "*" THEN a service principal is covered too: "*" is every principal',
      doc: 'iam-user-guide/reference_policies_elements_principal.md',
      scenario: { caller: { arn: SVC }, keyPolicy: [kpAllow('EveryoneRow', '*', 'kms:GenerateDataKey')], request: { action: 'kms:GenerateDataKey' } },
      expected: {
        decision: 'allow',
        explanation: `allowed by Sid "EveryoneRow" of the key policy, which names the service principal ${SVC}`,
        decidedBy: ['key policy / Sid "EveryoneRow" / Allow'],
      },
    },
    {
      name: 'GIVEN SCPs without an allow and an RCP Deny THEN a service principal is still allowed: neither binds it',
      doc: 'kms-developer-guide/key-policy-services.md',
      scenario: {
        caller: { arn: SVC },
        keyPolicy: [CLOUDTRAIL],
        request: { action: 'kms:GenerateDataKey' },
        scps: [policy(iamDeny('ScpNoKms', 'kms:*'))],
        rcps: [rcpDeny('RcpNoKms', 'kms:*')],
      },
      expected: { decision: 'allow', explanation: `allowed by Sid "CloudTrail" of the key policy, which names the service principal ${SVC}` },
    },
    {
      name: 'GIVEN a VPC endpoint policy Deny THEN a service principal is explicitly denied',
      doc: 'kms-developer-guide/kms-vpc-endpoint.md',
      scenario: {
        caller: { arn: SVC },
        keyPolicy: [CLOUDTRAIL],
        request: { action: 'kms:GenerateDataKey' },
        vpcEndpoint: { id: 'vpce-1a2b3c4d', vpcId: 'vpc-1', policy: policy(kpDeny('EndpointNoKms', '*', 'kms:*')) },
      },
      expected: {
        decision: 'explicit-deny',
        explanation: 'explicitly denied by Sid "EndpointNoKms" of the VPC endpoint policy',
        decidedBy: ['VPC endpoint policy / Sid "EndpointNoKms" / Deny'],
      },
    },
    {
      name: 'GIVEN a service principal that no statement names THEN implicitly denied: it has no IAM policies',
      doc: 'kms-developer-guide/key-policy-services.md',
      scenario: { caller: { arn: SVC }, keyPolicy: [ENABLE_IAM] },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: no statement of the key policy names the service principal ${SVC} for kms:Decrypt, and AWS service principals have no IAM policies; no grant applies`,
      },
    },
    {
      name: 'GIVEN a statement naming the service principal whose condition fails THEN the near miss is named',
      doc: 'kms-developer-guide/key-policy-services.md',
      scenario: {
        caller: { arn: SVC },
        request: { action: 'kms:GenerateDataKey' },
        keyPolicy: [kpAllow('TrailRow18', { Service: SVC }, 'kms:GenerateDataKey*', { Condition: { StringEquals: { 'aws:SourceAccount': B } } })],
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: no statement of the key policy names the service principal ${SVC} for kms:GenerateDataKey (Sid "TrailRow18" of the key policy would allow it, but its condition \`StringEquals aws:SourceAccount in ["${B}"]\` is not met), and AWS service principals have no IAM policies; no grant applies`,
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: across accounts (kms-semantics.md §2, §6.3)', () => {
  const EXTERNAL = kpAllow('External', { AWS: ROOT_B }, 'kms:Decrypt');
  const BOB_DECRYPT = policy(iamAllow('BobDecrypt', 'kms:Decrypt'));
  const rows: Row[] = [
    {
      name: 'GIVEN another account\'s user and kms:ScheduleKeyDeletion THEN implicitly denied by the cross-account gate',
      doc: 'kms-developer-guide/key-policy-modifying-external-accounts.md',
      scenario: { caller: { arn: BOB, identityPolicies: [policy(iamAllow('All', 'kms:*'))] }, keyPolicy: [kpAllow('External', { AWS: ROOT_B }, 'kms:*')], request: { action: 'kms:ScheduleKeyDeletion' } },
      expected: {
        decision: 'implicit-deny',
        explanation: `kms:ScheduleKeyDeletion cannot be used across accounts: the caller is in ${B} and the key in ${A}, and KMS ignores cross-account permissions for this operation whatever the policies say (key-policy-modifying-external-accounts.md)`,
        decidedBy: [],
      },
    },
    {
      name: 'GIVEN the key policy names the other account and the user\'s IAM policy allows THEN allowed across accounts',
      doc: 'kms-developer-guide/key-policy-modifying-external-accounts.md',
      scenario: { caller: { arn: BOB, identityPolicies: [BOB_DECRYPT] }, keyPolicy: [EXTERNAL] },
      expected: {
        decision: 'allow',
        explanation: `allowed across accounts: Sid "External" of the key policy of account ${A} allows account ${B}, and Sid "BobDecrypt" of the identity policy #0 in account ${B} allows it`,
        decidedBy: ['key policy / Sid "External" / Allow', 'identity policy #0 / Sid "BobDecrypt" / Allow'],
      },
    },
    {
      name: 'GIVEN the key policy names the external user itself THEN the explanation names the user',
      doc: 'kms-developer-guide/key-policy-modifying-external-accounts.md',
      scenario: { caller: { arn: BOB, identityPolicies: [BOB_DECRYPT] }, keyPolicy: [kpAllow('BobByName', { AWS: BOB }, 'kms:Decrypt')] },
      expected: {
        decision: 'allow',
        explanation: `allowed across accounts: Sid "BobByName" of the key policy of account ${A} allows ${BOB}, and Sid "BobDecrypt" of the identity policy #0 in account ${B} allows it`,
      },
    },
    {
      name: 'GIVEN the other account\'s root user THEN allowed across accounts by its implicit IAM allow, the key policy deciding',
      doc: 'kms-developer-guide/key-policy-modifying-external-accounts.md',
      scenario: { caller: { arn: ROOT_B }, keyPolicy: [EXTERNAL] },
      expected: {
        decision: 'allow',
        explanation: `allowed across accounts: Sid "External" of the key policy of account ${A} allows account ${B}, and IAM implicitly allows the root user`,
        decidedBy: ['key policy / Sid "External" / Allow'],
      },
    },
    {
      name: 'GIVEN both sides allow but a boundary does not THEN implicitly denied, naming the boundary',
      doc: 'iam-user-guide/reference_policies_evaluation-logic-cross-account.md',
      scenario: { caller: { arn: BOB, identityPolicies: [BOB_DECRYPT], permissionsBoundary: policy(iamAllow('OnlyEncrypt', 'kms:Encrypt', '*')) }, keyPolicy: [EXTERNAL] },
      expected: {
        decision: 'implicit-deny',
        explanation: 'implicitly denied: both sides allow kms:Decrypt, but the permissions boundary does not allow kms:Decrypt on this key; no grant applies',
      },
    },
    {
      name: 'GIVEN the key side allows but the IAM allow\'s condition fails THEN implicitly denied: a cross-account user needs both',
      doc: 'kms-developer-guide/key-policy-modifying-external-accounts.md',
      scenario: {
        caller: { arn: BOB, identityPolicies: [policy(iamAllow('BobRow24', 'kms:Decrypt', KEY, { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-row24' } } }))] },
        keyPolicy: [EXTERNAL],
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: Sid "External" of the key policy of account ${A} allows kms:Decrypt, but no identity policy in account ${B} allows ${BOB} to call kms:Decrypt on this key: a cross-account user needs both (key-policy-modifying-external-accounts.md) (Sid "BobRow24" of the identity policy #0 would allow it, but its condition \`StringEquals aws:SourceVpc in ["vpc-row24"]\` is not met); no grant applies`,
        decidedBy: ['key policy / Sid "External" / Allow'],
      },
    },
    {
      name: 'GIVEN the key side allows and no IAM policy THEN implicitly denied, with no near miss',
      doc: 'kms-developer-guide/key-policy-modifying-external-accounts.md',
      scenario: { caller: { arn: BOB }, keyPolicy: [EXTERNAL] },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: Sid "External" of the key policy of account ${A} allows kms:Decrypt, but no identity policy in account ${B} allows ${BOB} to call kms:Decrypt on this key: a cross-account user needs both (key-policy-modifying-external-accounts.md); no grant applies`,
      },
    },
    {
      name: 'GIVEN the IAM policy allows but the key policy names neither the user nor its account THEN implicitly denied',
      doc: 'kms-developer-guide/key-policy-modifying-external-accounts.md',
      scenario: {
        caller: { arn: BOB, identityPolicies: [BOB_DECRYPT] },
        keyPolicy: [ENABLE_IAM, kpAllow('BobRow26', { AWS: BOB }, 'kms:Decrypt', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-row26' } } })],
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: an identity policy in account ${B} allows kms:Decrypt, but the key policy of account ${A} allows neither ${BOB} nor account ${B} to call it: a cross-account user needs both (Sid "BobRow26" of the key policy would allow it, but its condition \`StringEquals aws:SourceVpc in ["vpc-row26"]\` is not met); no grant applies`,
        decidedBy: [],
      },
    },
    {
      name: 'GIVEN the IAM policy allows, a boundary does not, and the key policy names neither THEN the missing key side is named, not the boundary',
      doc: 'kms-developer-guide/key-policy-modifying-external-accounts.md',
      scenario: { caller: { arn: BOB, identityPolicies: [BOB_DECRYPT], permissionsBoundary: policy(iamAllow('OnlyEncrypt', 'kms:Encrypt', '*')) }, keyPolicy: [ENABLE_IAM] },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: an identity policy in account ${B} allows kms:Decrypt, but the key policy of account ${A} allows neither ${BOB} nor account ${B} to call it: a cross-account user needs both; no grant applies`,
      },
    },
    {
      name: 'GIVEN neither side allows an external user THEN implicitly denied, saying so',
      doc: 'kms-developer-guide/key-policy-modifying-external-accounts.md',
      scenario: { caller: { arn: BOB }, keyPolicy: [ENABLE_IAM] },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: neither the key policy of account ${A} nor any identity policy in account ${B} allows ${BOB} to call kms:Decrypt; no grant applies`,
      },
    },
    {
      name: 'GIVEN neither side allows and the key policy\'s statement for the user fails its condition THEN the near miss is named',
      doc: 'kms-developer-guide/key-policy-modifying-external-accounts.md',
      scenario: { caller: { arn: BOB }, keyPolicy: [kpAllow('BobRow28', { AWS: BOB }, 'kms:Decrypt', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-row28' } } })] },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: neither the key policy of account ${A} nor any identity policy in account ${B} allows ${BOB} to call kms:Decrypt (Sid "BobRow28" of the key policy would allow it, but its condition \`StringEquals aws:SourceVpc in ["vpc-row28"]\` is not met); no grant applies`,
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: explicit denies and guardrails (kms-semantics.md §4, §5)', () => {
  const ALICE_DECRYPT = policy(iamAllow('AliceDecrypt', 'kms:Decrypt'));
  const rows: Row[] = [
    {
      name: 'GIVEN a Deny in the key policy THEN explicitly denied even for the root user',
      doc: 'kms-developer-guide/key-policy-overview.md',
      scenario: { caller: { arn: ROOT_A }, keyPolicy: [ENABLE_IAM, kpDeny('DenyDecrypt', '*', 'kms:Decrypt')] },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "DenyDecrypt" of the key policy', decidedBy: ['key policy / Sid "DenyDecrypt" / Deny'] },
    },
    {
      name: 'GIVEN a Deny in the second identity policy THEN explicitly denied by it',
      doc: 'kms-developer-guide/key-policies.md',
      scenario: { caller: { identityPolicies: [ALICE_DECRYPT, policy(iamDeny('NoDecrypt', 'kms:Decrypt'))] } },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "NoDecrypt" of the identity policy #1', decidedBy: ['identity policy #1 / Sid "NoDecrypt" / Deny'] },
    },
    {
      name: 'GIVEN a Deny in the permissions boundary THEN explicitly denied by it',
      doc: 'iam-user-guide/reference_policies_evaluation-logic.md',
      scenario: { caller: { identityPolicies: [ALICE_DECRYPT], permissionsBoundary: policy(iamAllow('All', '*', '*'), iamDeny('BoundaryNoDecrypt', 'kms:Decrypt')) } },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "BoundaryNoDecrypt" of the permissions boundary' },
    },
    {
      name: 'GIVEN a Deny in the session policy THEN explicitly denied by it',
      doc: 'iam-user-guide/reference_policies_evaluation-logic.md',
      scenario: { caller: { arn: SESSION, identityPolicies: [ALICE_DECRYPT], sessionPolicy: policy(iamAllow('All', '*', '*'), iamDeny('SessionNoDecrypt', 'kms:Decrypt')) } },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "SessionNoDecrypt" of the session policy' },
    },
    {
      name: 'GIVEN a Deny in the second SCP level THEN explicitly denied by it',
      doc: 'kms-developer-guide/policy-evaluation.md',
      scenario: { caller: { identityPolicies: [ALICE_DECRYPT] }, scps: [ALLOW_ALL_SCP, policy(iamAllow('All', '*', '*'), iamDeny('ScpNoDecrypt', 'kms:Decrypt'))] },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "ScpNoDecrypt" of the SCP #1', decidedBy: ['SCP #1 / Sid "ScpNoDecrypt" / Deny'] },
    },
    {
      name: 'GIVEN a Deny in the second RCP THEN explicitly denied by it (RCPs bind requests on the key)',
      doc: 'kms-developer-guide/policy-evaluation.md',
      scenario: { caller: { identityPolicies: [ALICE_DECRYPT] }, rcps: [rcpDeny('RcpNoSign', 'kms:Sign'), rcpDeny('RcpNoDecrypt', 'kms:Decrypt')] },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "RcpNoDecrypt" of the RCP #1' },
    },
    {
      name: 'GIVEN a Deny in the VPC endpoint policy THEN explicitly denied by it',
      doc: 'kms-developer-guide/kms-vpc-endpoint.md',
      scenario: { caller: { identityPolicies: [ALICE_DECRYPT] }, vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1', policy: policy(kpAllow('All', '*', '*'), kpDeny('VpceNoDecrypt', '*', 'kms:Decrypt')) } },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "VpceNoDecrypt" of the VPC endpoint policy' },
    },
    {
      name: 'GIVEN a Deny in every policy THEN the key policy\'s is named, the first looked at',
      doc: 'kms-developer-guide/key-policy-overview.md',
      scenario: {
        keyPolicy: [ENABLE_IAM, kpDeny('KpNo', '*', 'kms:Decrypt')],
        caller: {
          arn: SESSION,
          identityPolicies: [policy(iamDeny('IdNo', 'kms:Decrypt'))],
          permissionsBoundary: policy(iamDeny('PbNo', 'kms:Decrypt')),
          sessionPolicy: policy(iamDeny('SpNo', 'kms:Decrypt')),
        },
        scps: [policy(iamDeny('ScpNo', 'kms:Decrypt'))],
        rcps: [rcpDeny('RcpNo', 'kms:Decrypt')],
        vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1', policy: policy(kpDeny('VpceNo', '*', 'kms:Decrypt')) },
      },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "KpNo" of the key policy' },
    },
    {
      name: 'GIVEN a Deny in every IAM-side policy THEN the identity policy\'s is named',
      doc: 'kms-developer-guide/key-policies.md',
      scenario: {
        caller: {
          arn: SESSION,
          identityPolicies: [policy(iamDeny('IdNo', 'kms:Decrypt')), policy(iamDeny('IdNo2', 'kms:Decrypt'))],
          permissionsBoundary: policy(iamDeny('PbNo', 'kms:Decrypt')),
          sessionPolicy: policy(iamDeny('SpNo', 'kms:Decrypt')),
        },
        scps: [policy(iamDeny('ScpNo', 'kms:Decrypt')), policy(iamDeny('ScpNo2', 'kms:Decrypt'))],
        rcps: [rcpDeny('RcpNo', 'kms:Decrypt'), rcpDeny('RcpNo2', 'kms:Decrypt')],
        vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1', policy: policy(kpDeny('VpceNo', '*', 'kms:Decrypt')) },
      },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "IdNo" of the identity policy #0' },
    },
    {
      name: 'GIVEN a Deny in the boundary, session policy, SCPs, RCPs and endpoint THEN the boundary\'s is named',
      doc: 'iam-user-guide/reference_policies_evaluation-logic.md',
      scenario: {
        caller: { arn: SESSION, permissionsBoundary: policy(iamDeny('PbNo', 'kms:Decrypt')), sessionPolicy: policy(iamDeny('SpNo', 'kms:Decrypt')) },
        scps: [policy(iamDeny('ScpNo', 'kms:Decrypt'))],
        rcps: [rcpDeny('RcpNo', 'kms:Decrypt')],
        vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1', policy: policy(kpDeny('VpceNo', '*', 'kms:Decrypt')) },
      },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "PbNo" of the permissions boundary' },
    },
    {
      name: 'GIVEN a Deny in the session policy, SCPs, RCPs and endpoint THEN the session policy\'s is named',
      doc: 'iam-user-guide/reference_policies_evaluation-logic.md',
      scenario: {
        caller: { arn: SESSION, sessionPolicy: policy(iamDeny('SpNo', 'kms:Decrypt')) },
        scps: [policy(iamDeny('ScpNo', 'kms:Decrypt')), policy(iamDeny('ScpNo2', 'kms:Decrypt'))],
        rcps: [rcpDeny('RcpNo', 'kms:Decrypt')],
        vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1', policy: policy(kpDeny('VpceNo', '*', 'kms:Decrypt')) },
      },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "SpNo" of the session policy' },
    },
    {
      name: 'GIVEN a Deny in two SCP levels, the RCPs and the endpoint THEN the first SCP level\'s is named',
      doc: 'kms-developer-guide/policy-evaluation.md',
      scenario: {
        scps: [policy(iamDeny('ScpNo', 'kms:Decrypt')), policy(iamDeny('ScpNo2', 'kms:Decrypt'))],
        rcps: [rcpDeny('RcpNo', 'kms:Decrypt'), rcpDeny('RcpNo2', 'kms:Decrypt')],
        vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1', policy: policy(kpDeny('VpceNo', '*', 'kms:Decrypt')) },
      },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "ScpNo" of the SCP #0' },
    },
    {
      name: 'GIVEN a Deny in two RCPs and the endpoint THEN the first RCP\'s is named',
      doc: 'kms-developer-guide/kms-vpc-endpoint.md',
      scenario: {
        rcps: [rcpDeny('RcpNo', 'kms:Decrypt'), rcpDeny('RcpNo2', 'kms:Decrypt')],
        vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1', policy: policy(kpDeny('VpceNo', '*', 'kms:Decrypt')) },
      },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "RcpNo" of the RCP #0' },
    },
    {
      name: 'GIVEN an SCP level without an Allow for the action THEN implicitly denied: every level must allow',
      doc: 'kms-developer-guide/policy-evaluation.md',
      scenario: { caller: { identityPolicies: [ALICE_DECRYPT] }, scps: [ALLOW_ALL_SCP, policy(iamAllow('OnlyEncrypt', 'kms:Encrypt', '*'))] },
      expected: {
        decision: 'implicit-deny',
        explanation: 'SCP #1 allows no kms:Decrypt here, and every level of the organization\'s SCPs must allow it (SCPs only restrict)',
        decidedBy: [],
      },
    },
    {
      name: 'GIVEN every SCP level allows THEN the SCPs do not stand in the way',
      doc: 'kms-developer-guide/policy-evaluation.md',
      scenario: { caller: { identityPolicies: [ALICE_DECRYPT] }, scps: [ALLOW_ALL_SCP, policy(iamAllow('KmsOnly', 'kms:*', '*'))] },
      expected: { decision: 'allow', explanation: `allowed: Sid "EnableIAM" of the key policy delegates kms:Decrypt to account ${A}, and Sid "AliceDecrypt" of the identity policy #0 allows it` },
    },
    {
      name: 'GIVEN an endpoint policy that does not allow the caller THEN implicitly denied: both the endpoint and a policy must allow',
      doc: 'kms-developer-guide/kms-vpc-endpoint.md',
      scenario: { caller: { identityPolicies: [ALICE_DECRYPT] }, vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1', policy: policy(kpAllow('CarolOnly', { AWS: CAROL }, 'kms:*')) } },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request goes through VPC endpoint vpce-0a1b2c3d, whose policy does not allow ${ALICE} to call kms:Decrypt on ${KEY} (kms-vpc-endpoint.md: both the endpoint policy and a key policy, IAM policy or grant must allow)`,
      },
    },
    {
      name: 'GIVEN an endpoint without a policy THEN its default policy allows everything',
      doc: 'kms-developer-guide/kms-vpc-endpoint.md',
      scenario: { caller: { identityPolicies: [ALICE_DECRYPT] }, vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1' } },
      expected: { decision: 'allow', explanation: `allowed: Sid "EnableIAM" of the key policy delegates kms:Decrypt to account ${A}, and Sid "AliceDecrypt" of the identity policy #0 allows it` },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: grants (kms-semantics.md §6.4, §8)', () => {
  const grant = (grantId: string, grantee: string, operations: string[] = ['Decrypt']): Obj => ({ grantId, granteePrincipal: grantee, operations });
  const NO_DECRYPT_BOUNDARY = policy(iamAllow('OnlyEncrypt', 'kms:Encrypt', '*'));
  const rows: Row[] = [
    {
      name: 'GIVEN a grant to the user THEN allowed by the grant, no statement deciding',
      doc: 'kms-developer-guide/determining-access-grants.md',
      scenario: { keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:Decrypt')], grants: [grant('g-user', ALICE)] },
      expected: { decision: 'allow', explanation: `allowed by grant g-user, which gives ${ALICE} the Decrypt operation`, decidedBy: [] },
    },
    {
      name: 'GIVEN a grant to the user and a boundary without kms:Decrypt THEN still allowed: a grant naming the user is not limited',
      doc: 'kms-developer-guide/grants.md',
      scenario: { keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:Decrypt')], caller: { permissionsBoundary: NO_DECRYPT_BOUNDARY }, grants: [grant('g-user2', ALICE)] },
      expected: { decision: 'allow', explanation: `allowed by grant g-user2, which gives ${ALICE} the Decrypt operation` },
    },
    {
      name: 'GIVEN a grant to the role and a boundary without kms:Decrypt THEN implicitly denied, the grant named (grants and boundaries choice)',
      doc: 'kms-developer-guide/grants.md',
      scenario: { caller: { arn: SESSION, permissionsBoundary: NO_DECRYPT_BOUNDARY }, keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:Decrypt')], grants: [grant('g-role', ROLE)] },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: no statement of the key policy allows ${SESSION} (a session of role app) to call kms:Decrypt, and no identity policy allows it either; grant g-role applies, but the permissions boundary does not allow kms:Decrypt on this key`,
      },
    },
    {
      name: 'GIVEN a grant to the caller\'s account and an IAM allow THEN allowed by the grant and the identity policy',
      doc: 'kms-developer-guide/grants.md',
      scenario: {
        keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:Decrypt')],
        caller: { identityPolicies: [policy(iamAllow('AliceDecrypt', 'kms:Decrypt'))] },
        grants: [grant('g-account', ROOT_A)],
      },
      expected: {
        decision: 'allow',
        explanation: `allowed by grant g-account, which names account ${A}, and Sid "AliceDecrypt" of the identity policy #0 allows it`,
        decidedBy: ['identity policy #0 / Sid "AliceDecrypt" / Allow'],
      },
    },
    {
      name: 'GIVEN a grant to the other account and its root user THEN allowed by the grant and the root user\'s implicit allow',
      doc: 'kms-developer-guide/grants.md',
      scenario: { caller: { arn: ROOT_B }, keyPolicy: [ENABLE_IAM], grants: [grant('g-external', ROOT_B)] },
      expected: { decision: 'allow', explanation: `allowed by grant g-external, which names account ${B}, and IAM implicitly allows the root user`, decidedBy: [] },
    },
    {
      name: 'GIVEN a grant to the caller\'s account and no IAM allow THEN implicitly denied, the grant named',
      doc: 'kms-developer-guide/grants.md',
      scenario: { keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:Decrypt')], grants: [grant('g-account2', ROOT_A)] },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: no statement of the key policy allows ${ALICE} to call kms:Decrypt, and no identity policy allows it either; grant g-account2 names account ${A}, but no identity policy of the caller allows kms:Decrypt on this key`,
      },
    },
    {
      name: 'GIVEN a grant to the caller\'s account and an identity allow whose condition fails THEN implicitly denied, the grant named',
      doc: 'kms-developer-guide/grants.md',
      scenario: {
        keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:Decrypt')],
        caller: { identityPolicies: [policy(iamAllow('GrantRow', 'kms:Decrypt', KEY, { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-grantrow' } } }))] },
        grants: [grant('g-account3', ROOT_A)],
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: no statement of the key policy allows ${ALICE} to call kms:Decrypt, and no identity policy allows it either (Sid "GrantRow" of the identity policy #0 would allow it, but its condition \`StringEquals aws:SourceVpc in ["vpc-grantrow"]\` is not met); grant g-account3 names account ${A}, but no identity policy of the caller allows kms:Decrypt on this key`,
      },
    },
    {
      name: 'GIVEN two grants of which the first is limited by the boundary THEN the first miss is kept and the second grant allows',
      doc: 'kms-developer-guide/grants.md',
      scenario: {
        caller: { arn: SESSION, permissionsBoundary: NO_DECRYPT_BOUNDARY },
        keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:Decrypt')],
        grants: [grant('g-role2', ROLE), grant('g-session', SESSION)],
      },
      expected: { decision: 'allow', explanation: `allowed by grant g-session, which gives ${SESSION} (a session of role app) the Decrypt operation` },
    },
    {
      name: 'GIVEN a grant to an external user and a boundary without kms:Decrypt THEN implicitly denied: a cross-account grant is limited',
      doc: 'kms-developer-guide/grants.md',
      scenario: { caller: { arn: BOB, permissionsBoundary: NO_DECRYPT_BOUNDARY }, keyPolicy: [ENABLE_IAM], grants: [grant('g-bob', BOB)] },
      expected: {
        decision: 'implicit-deny',
        explanation: `implicitly denied: neither the key policy of account ${A} nor any identity policy in account ${B} allows ${BOB} to call kms:Decrypt; grant g-bob applies, but the permissions boundary does not allow kms:Decrypt on this key`,
      },
    },
    {
      name: 'GIVEN a grant to an external user and no boundary THEN allowed by the grant alone',
      doc: 'kms-developer-guide/grants.md',
      scenario: { caller: { arn: BOB }, keyPolicy: [ENABLE_IAM], grants: [grant('g-bob2', BOB)] },
      expected: { decision: 'allow', explanation: `allowed by grant g-bob2, which gives ${BOB} the Decrypt operation` },
    },
    {
      name: 'GIVEN ReEncrypt and a grant of ReEncryptFrom only THEN the source check is allowed by the grant (its own operation name)',
      doc: 'kms-developer-guide/grants.md',
      scenario: {
        keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:*')],
        grants: [grant('g-from', ALICE, ['ReEncryptFrom'])],
        request: { action: 'kms:ReEncrypt', destinationKey: { arn: KEY2, policy: policy(kpAllow('AliceTo', { AWS: ALICE }, 'kms:ReEncryptTo')) } },
      },
      expected: {
        decision: 'allow',
        explanation: `all 2 authorizations the request needs pass: [kms:ReEncryptFrom on ${KEY}] allowed by grant g-from, which gives ${ALICE} the ReEncryptFrom operation; [kms:ReEncryptTo on ${KEY2}] allowed by Sid "AliceTo" of the key policy of the destination key, which names ${ALICE} directly`,
        checks: [['kms:ReEncryptFrom', KEY, 'allow'], ['kms:ReEncryptTo', KEY2, 'allow']],
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: requests needing several authorizations (kms-semantics.md §1.3)', () => {
  const ALLOW_ALICE = kpAllow('AliceAll', { AWS: ALICE }, 'kms:*');
  const DEST_ALLOW = { arn: KEY2, policy: policy(kpAllow('AliceTo', { AWS: ALICE }, 'kms:*')) };
  const rows: Row[] = [
    {
      name: 'GIVEN ReEncrypt with the source denied explicitly and the destination implicitly THEN explicit deny, only the explicit one explained',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: {
        keyPolicy: [ALLOW_ALICE, kpDeny('NoFrom', '*', 'kms:ReEncryptFrom')],
        request: { action: 'kms:ReEncrypt', destinationKey: { arn: KEY2, policy: policy(kpAllow('CarolTo', { AWS: CAROL }, 'kms:*')) } },
      },
      expected: {
        decision: 'explicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:ReEncryptFrom on ${KEY}] explicitly denied by Sid "NoFrom" of the key policy`,
        checks: [['kms:ReEncryptFrom', KEY, 'explicit-deny'], ['kms:ReEncryptTo', KEY2, 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN ReEncrypt with the source denied implicitly and the destination explicitly THEN explicit deny',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: {
        keyPolicy: [kpAllow('CarolAll', { AWS: CAROL }, 'kms:*')],
        request: { action: 'kms:ReEncrypt', destinationKey: { arn: KEY2, policy: policy(kpAllow('AliceTo', { AWS: ALICE }, 'kms:*'), kpDeny('NoTo', '*', 'kms:ReEncryptTo')) } },
      },
      expected: {
        decision: 'explicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:ReEncryptTo on ${KEY2}] explicitly denied by Sid "NoTo" of the key policy of the destination key`,
        checks: [['kms:ReEncryptFrom', KEY, 'implicit-deny'], ['kms:ReEncryptTo', KEY2, 'explicit-deny']],
      },
    },
    {
      name: 'GIVEN ReEncrypt with only the destination allowed THEN implicit deny, the source explained',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: { keyPolicy: [kpAllow('CarolAll', { AWS: CAROL }, 'kms:*')], request: { action: 'kms:ReEncrypt', destinationKey: DEST_ALLOW } },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:ReEncryptFrom on ${KEY}] implicitly denied: no statement of the key policy allows ${ALICE} to call kms:ReEncryptFrom, and no identity policy allows it either; no grant applies`,
        checks: [['kms:ReEncryptFrom', KEY, 'implicit-deny'], ['kms:ReEncryptTo', KEY2, 'allow']],
      },
    },
    {
      name: 'GIVEN ReEncrypt with the source allowed and the destination not THEN implicit deny, the destination explained',
      doc: 'kms-developer-guide/key-policy-default.md',
      scenario: { keyPolicy: [ALLOW_ALICE], request: { action: 'kms:ReEncrypt', destinationKey: { arn: KEY2, policy: policy(kpAllow('CarolTo', { AWS: CAROL }, 'kms:*')) } } },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:ReEncryptTo on ${KEY2}] implicitly denied: no statement of the key policy allows ${ALICE} to call kms:ReEncryptTo, and no identity policy allows it either; no grant applies`,
        checks: [['kms:ReEncryptFrom', KEY, 'allow'], ['kms:ReEncryptTo', KEY2, 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN CreateAlias on an alias of the account THEN the alias (IAM only) and the key are both checked',
      doc: 'kms-developer-guide/alias-access.md',
      scenario: {
        keyPolicy: [ENABLE_IAM],
        caller: { identityPolicies: [policy(iamAllow('AliasSide', 'kms:CreateAlias', ALIAS_ARN), iamAllow('KeySide', 'kms:CreateAlias'))] },
        request: { action: 'kms:CreateAlias', aliasArn: ALIAS_ARN },
      },
      expected: {
        decision: 'allow',
        explanation: `all 2 authorizations the request needs pass: [kms:CreateAlias on ${ALIAS_ARN}] allowed by Sid "AliasSide" of the identity policy #0 (the key policy has no say over the alias); [kms:CreateAlias on ${KEY}] allowed: Sid "EnableIAM" of the key policy delegates kms:CreateAlias to account ${A}, and Sid "KeySide" of the identity policy #0 allows it`,
        checks: [['kms:CreateAlias', ALIAS_ARN, 'allow'], ['kms:CreateAlias', KEY, 'allow']],
      },
    },
    {
      name: 'GIVEN CreateAlias with a key-policy allow but no IAM allow on the alias THEN implicitly denied: key policies cannot allow the alias',
      doc: 'kms-developer-guide/alias-access.md',
      scenario: { keyPolicy: [ALLOW_ALICE], request: { action: 'kms:CreateAlias', aliasArn: ALIAS_ARN } },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:CreateAlias on ${ALIAS_ARN}] no identity policy of ${ALICE} allows kms:CreateAlias on the alias ${ALIAS_ARN}; key policies cannot allow it`,
        checks: [['kms:CreateAlias', ALIAS_ARN, 'implicit-deny'], ['kms:CreateAlias', KEY, 'allow']],
      },
    },
    {
      name: 'GIVEN UpdateAlias with a new target key THEN the alias, the current key and the new key are checked',
      doc: 'kms-developer-guide/alias-access.md',
      scenario: {
        keyPolicy: [ALLOW_ALICE],
        caller: { identityPolicies: [policy(iamAllow('AliasSide', 'kms:UpdateAlias', ALIAS_ARN))] },
        request: { action: 'kms:UpdateAlias', aliasArn: ALIAS_ARN, destinationKey: { arn: KEY2, policy: policy(kpAllow('CarolTo', { AWS: CAROL }, 'kms:*')) } },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:UpdateAlias on ${KEY2}] implicitly denied: no statement of the key policy allows ${ALICE} to call kms:UpdateAlias, and no identity policy allows it either; no grant applies`,
        checks: [['kms:UpdateAlias', ALIAS_ARN, 'allow'], ['kms:UpdateAlias', KEY, 'allow'], ['kms:UpdateAlias', KEY2, 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN UpdatePrimaryRegion with the replica THEN both keys are checked',
      doc: 'kms-developer-guide/multi-region-keys-auth.md',
      scenario: { keyPolicy: [ALLOW_ALICE], request: { action: 'kms:UpdatePrimaryRegion', destinationKey: DEST_ALLOW } },
      expected: {
        decision: 'allow',
        explanation: `all 2 authorizations the request needs pass: [kms:UpdatePrimaryRegion on ${KEY}] allowed by Sid "AliceAll" of the key policy, which names ${ALICE} directly; [kms:UpdatePrimaryRegion on ${KEY2}] allowed by Sid "AliceTo" of the key policy of the destination key, which names ${ALICE} directly`,
        checks: [['kms:UpdatePrimaryRegion', KEY, 'allow'], ['kms:UpdatePrimaryRegion', KEY2, 'allow']],
      },
    },
    {
      name: 'GIVEN ReplicateKey without kms:CreateKey in an IAM policy THEN implicitly denied by the IAM-only CreateKey check',
      doc: 'kms-developer-guide/multi-region-keys-auth.md',
      scenario: { keyPolicy: [ALLOW_ALICE], request: { action: 'kms:ReplicateKey' } },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:CreateKey on *] no identity policy of ${ALICE} allows kms:CreateKey (an IAM-only action, which needs "Resource": "*"); key policies cannot allow it`,
        checks: [['kms:ReplicateKey', KEY, 'allow'], ['kms:CreateKey', '*', 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN ReplicateKey with kms:CreateKey in an IAM policy THEN both pass',
      doc: 'kms-developer-guide/multi-region-keys-auth.md',
      scenario: { keyPolicy: [ALLOW_ALICE], caller: { identityPolicies: [policy(iamAllow('CreateKeys', 'kms:CreateKey', '*'))] }, request: { action: 'kms:ReplicateKey' } },
      expected: {
        decision: 'allow',
        explanation: `all 2 authorizations the request needs pass: [kms:ReplicateKey on ${KEY}] allowed by Sid "AliceAll" of the key policy, which names ${ALICE} directly; [kms:CreateKey on *] allowed by Sid "CreateKeys" of the identity policy #0 (the key policy has no say over kms:CreateKey)`,
        checks: [['kms:ReplicateKey', KEY, 'allow'], ['kms:CreateKey', '*', 'allow']],
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: IAM-only actions and the alias half (kms-semantics.md §1.1, §1.3)', () => {
  const rows: Row[] = [
    {
      name: 'GIVEN CreateKey by a service principal THEN implicitly denied: it has no IAM policies',
      doc: 'kms-developer-guide/iam-policies.md',
      scenario: { key: null, caller: { arn: SVC }, request: { action: 'kms:CreateKey' } },
      expected: {
        decision: 'implicit-deny',
        explanation: `kms:CreateKey is authorized by IAM policies only, and the service principal ${SVC} has none`,
        checks: [['kms:CreateKey', '*', 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN ListKeys by the root user THEN allowed by IAM\'s implicit allow',
      doc: 'kms-developer-guide/iam-policies-best-practices.md',
      scenario: { key: null, caller: { arn: ROOT_A }, request: { action: 'kms:ListKeys' } },
      expected: { decision: 'allow', explanation: `allowed: IAM implicitly allows the root user of ${A}`, checks: [['kms:ListKeys', '*', 'allow']], decidedBy: [] },
    },
    {
      name: 'GIVEN ListKeys allowed by an identity policy THEN allowed by it',
      doc: 'kms-developer-guide/iam-policies-best-practices.md',
      scenario: { key: null, caller: { identityPolicies: [policy(iamAllow('List', 'kms:ListKeys', '*'))] }, request: { action: 'kms:ListKeys' } },
      expected: {
        decision: 'allow',
        explanation: 'allowed by Sid "List" of the identity policy #0 (the key policy has no say over kms:ListKeys)',
        checks: [['kms:ListKeys', '*', 'allow']],
        decidedBy: ['identity policy #0 / Sid "List" / Allow'],
      },
    },
    {
      name: 'GIVEN ListKeys allowed by an identity policy but not by the boundary THEN implicitly denied, naming the boundary',
      doc: 'iam-user-guide/reference_policies_evaluation-logic.md',
      scenario: { key: null, caller: { identityPolicies: [policy(iamAllow('List', 'kms:ListKeys', '*'))], permissionsBoundary: policy(iamAllow('OnlyEncrypt', 'kms:Encrypt', '*')) }, request: { action: 'kms:ListKeys' } },
      expected: {
        decision: 'implicit-deny',
        explanation: 'an identity policy allows kms:ListKeys (an IAM-only action, which needs "Resource": "*"), but the permissions boundary does not allow kms:ListKeys on this key',
        checks: [['kms:ListKeys', '*', 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN ListKeys whose identity allow fails its condition THEN implicitly denied, naming the near miss',
      doc: 'kms-developer-guide/iam-policies-best-practices.md',
      scenario: { key: null, caller: { identityPolicies: [policy(iamAllow('ListRow', 'kms:ListKeys', '*', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-rowlist' } } }))] }, request: { action: 'kms:ListKeys' } },
      expected: {
        decision: 'implicit-deny',
        explanation: `no identity policy of ${ALICE} allows kms:ListKeys (an IAM-only action, which needs "Resource": "*") (Sid "ListRow" of the identity policy #0 would allow it, but its condition \`StringEquals aws:SourceVpc in ["vpc-rowlist"]\` is not met); key policies cannot allow it`,
        checks: [['kms:ListKeys', '*', 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN ListKeys denied by an identity policy THEN explicitly denied',
      doc: 'kms-developer-guide/key-policies.md',
      scenario: { key: null, caller: { arn: ROOT_A, identityPolicies: [policy(iamDeny('NoList', 'kms:ListKeys'))] }, request: { action: 'kms:ListKeys' } },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "NoList" of the identity policy #0', checks: [['kms:ListKeys', '*', 'explicit-deny']] },
    },
    {
      name: 'GIVEN ListKeys and an SCP without it THEN implicitly denied by the SCP',
      doc: 'kms-developer-guide/policy-evaluation.md',
      scenario: { key: null, caller: { arn: ROOT_A }, scps: [policy(iamAllow('OnlyEncrypt', 'kms:Encrypt', '*'))], request: { action: 'kms:ListKeys' } },
      expected: {
        decision: 'implicit-deny',
        explanation: 'SCP #0 allows no kms:ListKeys here, and every level of the organization\'s SCPs must allow it (SCPs only restrict)',
        checks: [['kms:ListKeys', '*', 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN CreateKey allowed by IAM and an RCP Deny of kms:* THEN allowed: RCPs bind only requests on the key (RCP choice)',
      doc: 'kms-developer-guide/iam-policies.md',
      scenario: { key: null, caller: { identityPolicies: [policy(iamAllow('Create', 'kms:CreateKey', '*'))] }, rcps: [rcpDeny('RcpNoKms', 'kms:*')], request: { action: 'kms:CreateKey' } },
      expected: { decision: 'allow', explanation: 'allowed by Sid "Create" of the identity policy #0 (the key policy has no say over kms:CreateKey)', checks: [['kms:CreateKey', '*', 'allow']] },
    },
    {
      name: 'GIVEN DeleteAlias on an alias of another account THEN implicitly denied: alias operations are not cross-account',
      doc: 'kms-developer-guide/alias-access.md',
      scenario: {
        caller: { arn: BOB, identityPolicies: [policy(iamAllow('All', 'kms:*', '*'))] },
        keyPolicy: [kpAllow('External', { AWS: ROOT_B }, 'kms:*')],
        request: { action: 'kms:DeleteAlias', aliasArn: ALIAS_ARN },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:DeleteAlias on ${ALIAS_ARN}] kms:DeleteAlias cannot be used across accounts: the alias ${ALIAS_ARN} is in account ${A} and the caller in ${B}; [kms:DeleteAlias on ${KEY}] kms:DeleteAlias cannot be used across accounts: the caller is in ${B} and the key in ${A}, and KMS ignores cross-account permissions for this operation whatever the policies say (key-policy-modifying-external-accounts.md)`,
        checks: [['kms:DeleteAlias', ALIAS_ARN, 'implicit-deny'], ['kms:DeleteAlias', KEY, 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN DeleteAlias by a caller of another partition THEN the alias half is denied by the partition',
      doc: 'iam-user-guide/reference_policies_elements_principal.md',
      scenario: {
        caller: { arn: `arn:aws-cn:iam::${A}:user/alice`, identityPolicies: [policy(iamAllow('All', 'kms:*', '*'))] },
        request: { action: 'kms:DeleteAlias', aliasArn: ALIAS_ARN },
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `the request needs several authorizations and one fails: [kms:DeleteAlias on ${ALIAS_ARN}] arn:aws-cn:iam::${A}:user/alice is in partition aws-cn and the alias ${ALIAS_ARN} in partition aws: a principal of one AWS partition can never use a resource of another, whatever the policies say; [kms:DeleteAlias on ${KEY}] arn:aws-cn:iam::${A}:user/alice is in partition aws-cn and the key in partition aws: a principal of one AWS partition can never use a resource of another, whatever the policies say`,
        checks: [['kms:DeleteAlias', ALIAS_ARN, 'implicit-deny'], ['kms:DeleteAlias', KEY, 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN DeleteAlias by the root user THEN the alias half is allowed by IAM\'s implicit allow',
      doc: 'kms-developer-guide/alias-access.md',
      scenario: { caller: { arn: ROOT_A }, request: { action: 'kms:DeleteAlias', aliasArn: ALIAS_ARN } },
      expected: {
        decision: 'allow',
        explanation: `all 2 authorizations the request needs pass: [kms:DeleteAlias on ${ALIAS_ARN}] allowed: IAM implicitly allows the root user of ${A}; [kms:DeleteAlias on ${KEY}] allowed: Sid "EnableIAM" of the key policy enables IAM policies for account ${A}, and IAM implicitly allows the account's root user`,
        checks: [['kms:DeleteAlias', ALIAS_ARN, 'allow'], ['kms:DeleteAlias', KEY, 'allow']],
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: RetireGrant (kms-semantics.md §7.1, grant-manage.md)', () => {
  const retire = (grantId: string): Obj => ({ action: 'kms:RetireGrant', grantId });
  const G = (extra: Obj): Obj => ({ grantId: 'g-1', granteePrincipal: CAROL, operations: ['Decrypt'], ...extra });
  const rows: Row[] = [
    {
      name: 'GIVEN a RetireGrant of a grant the key does not have THEN implicitly denied (NotFoundException)',
      doc: 'kms-developer-guide/grant-manage.md',
      scenario: { grants: [G({})], request: retire('g-none') },
      expected: { decision: 'implicit-deny', explanation: 'no grant with id g-none exists on this key, so there is nothing to retire (NotFoundException)', checks: [['kms:RetireGrant', KEY, 'implicit-deny']] },
    },
    {
      name: 'GIVEN the retiring principal THEN allowed, no policy needed',
      doc: 'kms-developer-guide/grant-manage.md',
      scenario: { keyPolicy: [kpAllow('CarolOnly', { AWS: CAROL }, 'kms:Decrypt')], grants: [G({ retiringPrincipal: ALICE })], request: retire('g-1') },
      expected: {
        decision: 'allow',
        explanation: `allowed: ${ALICE} is the retiring principal of grant g-1, or its grantee with the RetireGrant operation (grant-manage.md)`,
        checks: [['kms:RetireGrant', KEY, 'allow']],
        decidedBy: [],
      },
    },
    {
      name: 'GIVEN the retiring principal of another partition THEN implicitly denied by the partition',
      doc: 'iam-user-guide/reference_policies_elements_principal.md',
      scenario: { caller: { arn: `arn:aws-cn:iam::${A}:user/alice` }, grants: [G({ retiringPrincipal: ALICE })], request: retire('g-1') },
      expected: {
        decision: 'implicit-deny',
        explanation: `arn:aws-cn:iam::${A}:user/alice is in partition aws-cn and the key in partition aws: a principal of one AWS partition can never use a resource of another, whatever the policies say`,
        checks: [['kms:RetireGrant', KEY, 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN the retiring principal and a key-policy Deny of kms:RetireGrant THEN explicitly denied',
      doc: 'kms-developer-guide/grant-manage.md',
      scenario: { keyPolicy: [ENABLE_IAM, kpDeny('NoRetire', '*', 'kms:RetireGrant')], grants: [G({ retiringPrincipal: ALICE })], request: retire('g-1') },
      expected: { decision: 'explicit-deny', explanation: 'explicitly denied by Sid "NoRetire" of the key policy', checks: [['kms:RetireGrant', KEY, 'explicit-deny']] },
    },
    {
      name: 'GIVEN the retiring principal and an SCP without kms:RetireGrant THEN implicitly denied by the SCP',
      doc: 'kms-developer-guide/policy-evaluation.md',
      scenario: { grants: [G({ retiringPrincipal: ALICE })], scps: [policy(iamAllow('OnlyDecrypt', 'kms:Decrypt', '*'))], request: retire('g-1') },
      expected: {
        decision: 'implicit-deny',
        explanation: 'SCP #0 allows no kms:RetireGrant here, and every level of the organization\'s SCPs must allow it (SCPs only restrict)',
        checks: [['kms:RetireGrant', KEY, 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN a principal of the issuing account with an IAM allow of kms:RetireGrant THEN allowed by it',
      doc: 'kms-developer-guide/grant-manage.md',
      scenario: { caller: { identityPolicies: [policy(iamAllow('Retire', 'kms:RetireGrant'))] }, grants: [G({})], request: retire('g-1') },
      expected: {
        decision: 'allow',
        explanation: `allowed: account ${A} may retire grant g-1 and Sid "Retire" of the identity policy #0 delegates kms:RetireGrant to the caller`,
        checks: [['kms:RetireGrant', KEY, 'allow']],
        decidedBy: ['identity policy #0 / Sid "Retire" / Allow'],
      },
    },
    {
      name: 'GIVEN the root user of the issuing account THEN allowed without an IAM policy',
      doc: 'kms-developer-guide/grant-manage.md',
      scenario: { caller: { arn: ROOT_A }, grants: [G({})], request: retire('g-1') },
      expected: {
        decision: 'allow',
        explanation: `allowed: account ${A} may retire grant g-1 and IAM implicitly allows its root user`,
        checks: [['kms:RetireGrant', KEY, 'allow']],
        decidedBy: [],
      },
    },
    {
      name: 'GIVEN a principal of the issuing account without an IAM allow THEN implicitly denied: kms:RetireGrant in a key policy has no effect',
      doc: 'kms-developer-guide/grant-manage.md',
      scenario: { keyPolicy: [kpAllow('AliceRetire', { AWS: ALICE }, 'kms:RetireGrant')], grants: [G({})], request: retire('g-1') },
      expected: {
        decision: 'implicit-deny',
        explanation: `account ${A} may retire grant g-1, but no identity policy of ${ALICE} allows kms:RetireGrant on this key (kms:RetireGrant in a key policy has no effect)`,
        checks: [['kms:RetireGrant', KEY, 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN a principal of the issuing account with an IAM allow but a boundary without it THEN implicitly denied, naming the boundary',
      doc: 'kms-developer-guide/grant-manage.md',
      scenario: {
        caller: { identityPolicies: [policy(iamAllow('Retire', 'kms:RetireGrant'))], permissionsBoundary: policy(iamAllow('OnlyDecrypt', 'kms:Decrypt', '*')) },
        grants: [G({})],
        request: retire('g-1'),
      },
      expected: {
        decision: 'implicit-deny',
        explanation: `account ${A} may retire grant g-1, but the permissions boundary does not allow kms:RetireGrant on this key`,
        checks: [['kms:RetireGrant', KEY, 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN a principal of another account that is neither retiring principal nor grantee THEN implicitly denied',
      doc: 'kms-developer-guide/grant-manage.md',
      scenario: { caller: { arn: BOB, identityPolicies: [policy(iamAllow('Retire', 'kms:RetireGrant'))] }, grants: [G({})], request: retire('g-1') },
      expected: {
        decision: 'implicit-deny',
        explanation: `${BOB} is not the retiring principal of grant g-1, not a grantee with the RetireGrant operation, and not in the account that created the grant or the retiring account; kms:RetireGrant in a key policy has no effect (grant-manage.md)`,
        checks: [['kms:RetireGrant', KEY, 'implicit-deny']],
      },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

describe('engine: the lockout safety check (kms-semantics.md §9)', () => {
  const ADMIN = kpAllow('Admin', { AWS: ALICE }, ['kms:PutKeyPolicy', 'kms:CreateKey']);
  const rows: Row[] = [
    {
      name: 'GIVEN PutKeyPolicy with a new policy that still lets the caller call PutKeyPolicy THEN allowed, the check passed',
      doc: 'kms-developer-guide/customer-managed-policies.md',
      scenario: { keyPolicy: [ADMIN], request: { action: 'kms:PutKeyPolicy', newKeyPolicy: policy(kpAllow('AdminAgain', { AWS: ALICE }, 'kms:PutKeyPolicy')) } },
      expected: {
        decision: 'allow',
        lockout: 'passed',
        explanation: `allowed by Sid "Admin" of the key policy, which names ${ALICE} directly`,
      },
    },
    {
      name: 'GIVEN PutKeyPolicy with a new policy that locks the caller out THEN implicitly denied, naming the caller',
      doc: 'kms-developer-guide/customer-managed-policies.md',
      scenario: { keyPolicy: [ADMIN], request: { action: 'kms:PutKeyPolicy', bypassPolicyLockoutSafetyCheck: false, newKeyPolicy: policy(kpAllow('CarolAdmin', { AWS: CAROL }, 'kms:PutKeyPolicy')) } },
      expected: {
        decision: 'implicit-deny',
        lockout: 'failed',
        explanation: `kms:PutKeyPolicy is authorized, but KMS rejects it: the lockout safety check fails because the new key policy would not let ${ALICE} call kms:PutKeyPolicy on the key afterwards (MalformedPolicyDocumentException). Name the caller or an administrator role in the new policy with kms:PutKeyPolicy, or set BypassPolicyLockoutSafetyCheck only if you really mean to give up managing the key`,
        checks: [['kms:PutKeyPolicy', KEY, 'allow']],
      },
    },
    {
      name: 'GIVEN PutKeyPolicy locking the caller out with the bypass set THEN allowed, the check bypassed',
      doc: 'kms-developer-guide/conditions-kms.md',
      scenario: { keyPolicy: [ADMIN], request: { action: 'kms:PutKeyPolicy', bypassPolicyLockoutSafetyCheck: true, newKeyPolicy: policy(kpAllow('CarolAdmin', { AWS: CAROL }, 'kms:PutKeyPolicy')) } },
      expected: {
        decision: 'allow',
        lockout: 'bypassed',
        explanation: `allowed by Sid "Admin" of the key policy, which names ${ALICE} directly; the lockout safety check is bypassed (BypassPolicyLockoutSafetyCheck is true)`,
      },
    },
    {
      name: 'GIVEN an unauthorized PutKeyPolicy with the bypass set THEN the deny is explained without the bypass',
      doc: 'kms-developer-guide/conditions-kms.md',
      scenario: { keyPolicy: [kpAllow('CarolAdmin', { AWS: CAROL }, 'kms:PutKeyPolicy')], request: { action: 'kms:PutKeyPolicy', bypassPolicyLockoutSafetyCheck: true, newKeyPolicy: policy(kpAllow('CarolAdmin', { AWS: CAROL }, 'kms:PutKeyPolicy')) } },
      expected: {
        decision: 'implicit-deny',
        lockout: 'bypassed',
        explanation: `implicitly denied: no statement of the key policy allows ${ALICE} to call kms:PutKeyPolicy, and no identity policy allows it either; no grant applies`,
      },
    },
    {
      name: 'GIVEN an unauthorized PutKeyPolicy that would also lock the caller out THEN the deny is explained, the check failed',
      doc: 'kms-developer-guide/customer-managed-policies.md',
      scenario: { keyPolicy: [kpAllow('CarolAdmin', { AWS: CAROL }, 'kms:PutKeyPolicy')], request: { action: 'kms:PutKeyPolicy', newKeyPolicy: policy(kpAllow('CarolAdmin', { AWS: CAROL }, 'kms:PutKeyPolicy')) } },
      expected: {
        decision: 'implicit-deny',
        lockout: 'failed',
        explanation: `implicitly denied: no statement of the key policy allows ${ALICE} to call kms:PutKeyPolicy, and no identity policy allows it either; no grant applies`,
      },
    },
    {
      name: 'GIVEN PutKeyPolicy denied by an SCP THEN the lockout check ignores guardrails and passes',
      doc: 'kms-developer-guide/customer-managed-policies.md',
      scenario: {
        keyPolicy: [ADMIN],
        scps: [policy(iamAllow('All', '*', '*'), iamDeny('NoPut', 'kms:PutKeyPolicy'))],
        vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1', policy: policy(kpAllow('Nothing', { AWS: CAROL }, 'kms:Decrypt')) },
        request: { action: 'kms:PutKeyPolicy', newKeyPolicy: policy(kpAllow('AdminAgain', { AWS: ALICE }, 'kms:PutKeyPolicy')) },
      },
      expected: { decision: 'explicit-deny', lockout: 'passed', explanation: 'explicitly denied by Sid "NoPut" of the SCP #0' },
    },
    {
      name: 'GIVEN PutKeyPolicy with a new policy whose Deny is lifted only by a VPC condition THEN the lockout check ignores the endpoint',
      doc: 'kms-developer-guide/customer-managed-policies.md',
      scenario: {
        keyPolicy: [ADMIN],
        vpcEndpoint: { id: 'vpce-0a1b2c3d', vpcId: 'vpc-1' },
        request: {
          action: 'kms:PutKeyPolicy',
          newKeyPolicy: policy(kpAllow('AdminAgain', { AWS: ALICE }, 'kms:PutKeyPolicy'), kpDeny('OnlyOutsideVpce', '*', 'kms:PutKeyPolicy', { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } } })),
        },
      },
      expected: { decision: 'allow', lockout: 'passed', explanation: `allowed by Sid "Admin" of the key policy, which names ${ALICE} directly` },
    },
    {
      name: 'GIVEN CreateKey with a new policy that locks the caller out THEN implicitly denied, naming "the caller"',
      doc: 'kms-developer-guide/customer-managed-policies.md',
      scenario: {
        key: null,
        caller: { identityPolicies: [policy(iamAllow('Create', 'kms:CreateKey', '*'))] },
        request: { action: 'kms:CreateKey', newKeyPolicy: policy(kpAllow('CarolAdmin', { AWS: CAROL }, 'kms:PutKeyPolicy')) },
      },
      expected: {
        decision: 'implicit-deny',
        lockout: 'failed',
        explanation: 'kms:CreateKey is authorized, but KMS rejects it: the lockout safety check fails because the new key policy would not let the caller call kms:PutKeyPolicy on the key afterwards (MalformedPolicyDocumentException). Name the caller or an administrator role in the new policy with kms:PutKeyPolicy, or set BypassPolicyLockoutSafetyCheck only if you really mean to give up managing the key',
        checks: [['kms:CreateKey', '*', 'allow']],
      },
    },
    {
      name: 'GIVEN CreateKey without a key, delegating to IAM, and an identity policy on keys of eu-west-1 THEN the stand-in key is in the requested Region and the check passes',
      doc: 'kms-developer-guide/customer-managed-policies.md',
      scenario: {
        key: null,
        caller: { identityPolicies: [policy(iamAllow('Create', 'kms:CreateKey', '*'), iamAllow('PutInEu', 'kms:PutKeyPolicy', `arn:aws:kms:eu-west-1:${A}:key/*`))] },
        request: { action: 'kms:CreateKey', context: { 'aws:RequestedRegion': 'eu-west-1' }, newKeyPolicy: policy(ENABLE_IAM) },
      },
      expected: { decision: 'allow', lockout: 'passed', explanation: 'allowed by Sid "Create" of the identity policy #0 (the key policy has no say over kms:CreateKey)', checks: [['kms:CreateKey', '*', 'allow']] },
    },
    {
      name: 'GIVEN CreateKey without a key or a requested Region THEN the stand-in key is in us-east-1, outside an identity policy on eu-west-1 keys',
      doc: 'kms-developer-guide/customer-managed-policies.md',
      scenario: {
        key: null,
        caller: { identityPolicies: [policy(iamAllow('Create', 'kms:CreateKey', '*'), iamAllow('PutInEu', 'kms:PutKeyPolicy', `arn:aws:kms:eu-west-1:${A}:key/*`))] },
        request: { action: 'kms:CreateKey', newKeyPolicy: policy(ENABLE_IAM) },
      },
      expected: {
        decision: 'implicit-deny',
        lockout: 'failed',
        explanation: 'kms:CreateKey is authorized, but KMS rejects it: the lockout safety check fails because the new key policy would not let the caller call kms:PutKeyPolicy on the key afterwards (MalformedPolicyDocumentException). Name the caller or an administrator role in the new policy with kms:PutKeyPolicy, or set BypassPolicyLockoutSafetyCheck only if you really mean to give up managing the key',
        checks: [['kms:CreateKey', '*', 'allow']],
      },
    },
    {
      name: 'GIVEN CreateKey by a caller of aws-cn without a key THEN the stand-in key is in the caller\'s partition and account',
      doc: 'kms-developer-guide/customer-managed-policies.md',
      scenario: {
        key: null,
        caller: { arn: `arn:aws-cn:iam::${B}:user/li`, identityPolicies: [policy(iamAllow('Create', 'kms:CreateKey', '*'), iamAllow('PutHere', 'kms:PutKeyPolicy', `arn:aws-cn:kms:us-east-1:${B}:key/*`))] },
        request: { action: 'kms:CreateKey', newKeyPolicy: policy(kpAllow('EnableIAM', { AWS: `arn:aws-cn:iam::${B}:root` }, 'kms:*')) },
      },
      expected: { decision: 'allow', lockout: 'passed', explanation: 'allowed by Sid "Create" of the identity policy #0 (the key policy has no say over kms:CreateKey)', checks: [['kms:CreateKey', '*', 'allow']] },
    },
    {
      name: 'GIVEN PutKeyPolicy by a caller of another partition THEN the lockout check fails on the partition',
      doc: 'iam-user-guide/reference_policies_elements_principal.md',
      scenario: {
        caller: { arn: `arn:aws-cn:iam::${A}:user/alice` },
        request: { action: 'kms:PutKeyPolicy', newKeyPolicy: policy(kpAllow('Everyone', '*', 'kms:*')) },
      },
      expected: {
        decision: 'implicit-deny',
        lockout: 'failed',
        explanation: `arn:aws-cn:iam::${A}:user/alice is in partition aws-cn and the key in partition aws: a principal of one AWS partition can never use a resource of another, whatever the policies say`,
        checks: [['kms:PutKeyPolicy', KEY, 'implicit-deny']],
      },
    },
    {
      name: 'GIVEN PutKeyPolicy by a service principal named in the new policy THEN the check passes',
      doc: 'kms-developer-guide/key-policy-services.md',
      scenario: {
        caller: { arn: 'cloudformation.amazonaws.com' },
        keyPolicy: [kpAllow('Cfn', { Service: 'cloudformation.amazonaws.com' }, 'kms:PutKeyPolicy')],
        request: { action: 'kms:PutKeyPolicy', newKeyPolicy: policy(kpAllow('CfnAgain', { Service: 'cloudformation.amazonaws.com' }, 'kms:PutKeyPolicy')) },
      },
      expected: { decision: 'allow', lockout: 'passed', explanation: 'allowed by Sid "Cfn" of the key policy, which names the service principal cloudformation.amazonaws.com' },
    },
  ];
  test.each(withRows(rows))('%s', (_, row) => decide(row));
});

/**
 * checkKeyPolicy (input-checks.ts): the size and characters of a key policy, called directly. Sizes are checked
 * against Node's own compact JSON and UTF-8 (`Buffer.byteLength(JSON.stringify(p))`), the size KMS measures: "Up to 32
 * kilobytes (32,768 bytes)" (key-policy-overview.md, "Key policy format"; resource-limits.md: not adjustable). Each
 * row measures one policy just at the limit and one byte over it, no more: these policies are walked character by
 * character, slowly under instrumentation.
 */
describe('checkKeyPolicy: size at the limit, one byte over (key-policy-overview.md, "Key policy format")', () => {
  const LIMIT = 32_768;
  const bytes = (p: unknown): number => Buffer.byteLength(JSON.stringify(p), 'utf8');
  const issuesOf = (raw: unknown, label = 'key policy'): Issue[] => {
    const issues = new IssueCollector();
    checkKeyPolicy(raw, label, issues);
    return [...issues.issues];
  };
  const sizeMessages = (raw: unknown, label = 'key policy'): string[] => issuesOf(raw, label).filter((i) => i.code === 'key-policy-too-large').map((i) => i.message);
  const tooLarge = (label: string, size: string): string =>
    `the ${label} is ${size}, and KMS rejects a key policy over 32,768 bytes (key-policy-overview.md, "Key policy format"; a quota that cannot be raised, `
    + 'resource-limits.md). merge statements that share a principal and actions, or move per-principal permissions to IAM policies or grants';
  const OVER_JSON = tooLarge('key policy', 'over 32,768 bytes even as compact JSON');

  /**
   * A policy of exactly `target` bytes as compact JSON, `n` copies of a filler (its size per copy measured) padded by
   * the Id: the filler is the bulk, so a miscount of its parts shows however little text the policy holds.
   */
  function sized(target: number, make: (n: number, pad: string) => Obj): Obj {
    const one = bytes(make(1, ''));
    const per = bytes(make(2, '')) - one;
    const n = Math.max(1, Math.floor((target - 64 - one) / per) + 1);
    const p = make(n, 'x'.repeat(target - bytes(make(n, ''))));
    expect(bytes(p)).toBe(target);
    return p;
  }
  const STATEMENT = { Sid: 'S', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' };
  const inCondition = (values: (n: number) => unknown) => (n: number, pad: string): Obj =>
    ({ Version: '2012-10-17', Id: pad, Statement: [{ ...STATEMENT, Condition: { NumericLessThan: { 'kms:x': values(n) } } }] });
  const times = (n: number, item: (i: number) => unknown): unknown[] => Array.from({ length: n }, (_, i) => item(i));
  /** An object of `n` members, each named by `name` and holding `value`. */
  const members = (n: number, name: (i: number) => string, value: unknown): Obj =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [name(i), value]));
  /** One of each character class JSON.stringify and UTF-8 write differently, each edge of the classes included. */
  const EVERY_CLASS = [
    '\b\t\n\f\r', '\u0000\u0001\u0007\u000b\u000e\u001f', '\u007f', '\u0080\u00df\u07ff', '\u0800\ud7ff\ue000\uffff',
    '\ud800\udc00', '\udbff\udfff', '\ud83d\ude00', 'a\ud800b', '\udc00', '\udfff', 'x\udbff', '\ud800\ud800\udc00', 'é"\\',
    // A lone low surrogate after another character, a high one before a character past the low ones.
    'é\udc00', '\ud800\ue000',
  ];

  test.each<[string, (n: number, pad: string) => Obj]>([
    ['finite numbers, NaN and Infinity (written null)', inCondition((n) => times(n, () => [1.5, NaN, -Infinity, 7, -0.25, 1e21]))],
    // Each of these is shorter (NaN: 3 characters, written null: 4) or longer (4 or more) than "null": a count that
    // took one for the other would come out low.
    ['NaN and numbers of four characters or more', inCondition((n) => times(n, () => [NaN, NaN, -0.25, 1e21, 123456]))],
    ['false', inCondition((n) => times(n, () => false))],
    ['true, false, null, and undefined and a function in a list (written null)', inCondition((n) => times(n, () => [true, false, null, undefined, () => 1]))],
    ['empty lists and objects only', inCondition((n) => times(n, () => [[], {}]))],
    ['empty lists and objects, and members JSON leaves out', inCondition((n) => times(n, () => [[], {}, { a: undefined, f: () => 1, s: Symbol('s'), k: 0 }]))],
    ['nested lists', inCondition((n) => times(n, () => [[[1]], [2, [3]]]))],
    ['quotes and backslashes in printable texts', inCondition((n) => times(n, () => '"\\"'))],
    ['condition keys (depth 4)', (n, pad) => ({ Version: '2012-10-17', Id: pad, Statement: [{ ...STATEMENT, Condition: { NumericLessThan: members(n, (i) => `k${String(i).padStart(5, '0')}`, 1) } }] })],
    ['statement members (depth 2)', (n, pad) => ({ Version: '2012-10-17', Id: pad, Statement: [{ ...STATEMENT, ...members(n, (i) => `K${String(i).padStart(5, '0')}`, 0) }] })],
    ['many statements', (n, pad) => ({ Version: '2012-10-17', Id: pad, Statement: times(n, () => STATEMENT) })],
    ['a single statement object', (n, pad) => ({ Version: '2012-10-17', Id: pad, Statement: { ...STATEMENT, Condition: { NumericLessThan: { 'kms:x': times(n, () => 8) } } } })],
    ['every character class in texts', inCondition((n) => times(n, () => EVERY_CLASS))],
    ['every character class in keys', (n, pad) => ({ Version: '2012-10-17', Id: pad, Statement: [{ ...STATEMENT, Condition: { StringEquals: members(n, (i) => `${String(i).padStart(5, '0')}${EVERY_CLASS.join('')}`, 'v') } }] })],
  ])('GIVEN a key policy of %s WHEN it is 32,768 bytes as compact JSON THEN it passes; at 32,769 it is over', (_what, make) => {
    expect(sizeMessages(sized(LIMIT, make))).toEqual([]);
    expect(sizeMessages(sized(LIMIT + 1, make))).toEqual([OVER_JSON]);
  });

  test('GIVEN a policy of only the filler past its end WHEN over the limit THEN the walk stops there: one issue, over the limit', () => {
    const p = { Version: '2012-10-17', Id: 'x'.repeat(LIMIT), Statement: [{ ...STATEMENT, Sid: 'é\u200b' }] };
    expect(issuesOf(p).map((i) => [i.code, i.message])).toEqual([['key-policy-too-large', OVER_JSON]]);
  });

  test('GIVEN a statement list over the limit after its first statement THEN the walk stops there too, and the issue is the policy\'s', () => {
    const p = { Statement: [{ ...STATEMENT, Sid: 'x'.repeat(LIMIT) }, { ...STATEMENT, Sid: 'late\u0100' }] };
    expect(issuesOf(p)).toEqual([{ code: 'key-policy-too-large', severity: 'error', policy: 'key policy', message: OVER_JSON }]);
  });

  // Written after the re-run (not measured): the survivors input-checks.ts 276, 376 and 391.
  test('GIVEN a list of texts over the limit after its first item THEN the walk stops in the list: the next item is not looked at', () => {
    expect(issuesOf({ Id: ['x'.repeat(LIMIT), 'late\u0100'] })).toEqual([{ code: 'key-policy-too-large', severity: 'error', policy: 'key policy', message: OVER_JSON }]);
  });

  test('GIVEN a lone high surrogate before U+E000 (no pair: six bytes escaped, then three) THEN one byte over is over', () => {
    const tail = '\ud800\ue000';
    const p = { Id: 'x'.repeat(LIMIT + 1 - bytes({ Id: '', Z: tail })), Z: tail };
    expect(bytes(p)).toBe(LIMIT + 1);
    expect(sizeMessages(p)).toEqual([OVER_JSON]);
  });

  test('GIVEN a policy that is exactly 32,768 bytes after its first member and goes on THEN it is over: the limit itself is allowed, not more', () => {
    // The policy with its first member alone is exactly the limit; the second member goes past it.
    const p = { Id: 'x'.repeat(LIMIT - 9), Z: 'é' };
    expect(bytes({ Id: p.Id })).toBe(LIMIT);
    expect(sizeMessages(p)).toEqual([OVER_JSON]);
  });

  test.each<[string, string, string | undefined]>([
    ['32,768 ASCII characters', 'a'.repeat(LIMIT), undefined],
    ['32,769 ASCII characters', 'a'.repeat(LIMIT + 1), 'over 32,768 bytes as written'],
    ['32,768 characters of which one is two bytes', `é${'a'.repeat(LIMIT - 1)}`, '32,769 bytes as written'],
    ['32,767 characters of which one is two bytes', `é${'a'.repeat(LIMIT - 2)}`, undefined],
    ['two-byte characters to the limit', 'ÿ'.repeat(LIMIT / 2), undefined],
    ['two-byte characters one byte over', `${'\u07ff'.repeat(LIMIT / 2)}a`, '32,769 bytes as written'],
    ['one-byte DEL and two-byte U+0080', `${'\u007f\u0080'.repeat(LIMIT / 3)}${'a'.repeat(LIMIT % 3)}`, undefined],
    ['one-byte DEL and two-byte U+0080, one byte over', `${'\u007f\u0080'.repeat(LIMIT / 3)}${'a'.repeat((LIMIT % 3) + 1)}`, '32,769 bytes as written'],
    ['three-byte characters to the limit', `${'\u0800\uffff'.repeat(Math.floor(LIMIT / 6))}${'a'.repeat(LIMIT % 6)}`, undefined],
    ['three-byte characters one byte over', `${'\u0800\uffff'.repeat(Math.floor(LIMIT / 6))}${'a'.repeat((LIMIT % 6) + 1)}`, '32,769 bytes as written'],
    ['surrogate pairs (four bytes) to the limit', '\ud800\udc00\udbff\udfff'.repeat(LIMIT / 8), undefined],
    ['surrogate pairs one byte over', `${'\ud800\udc00\udbff\udfff'.repeat(LIMIT / 8)}a`, '32,769 bytes as written'],
    // Lone: a low one, a high one before a letter or before another high one; 16 bytes a copy.
    ['lone surrogates (three bytes, as an encoder writes them) to the limit', '\udfffa\ud800\udbffa\udc00aa'.repeat(LIMIT / 16), undefined],
    ['lone surrogates one byte over', `${'\udfffa\ud800\udbffa\udc00aa'.repeat(LIMIT / 16)}a`, '32,769 bytes as written'],
    // A lone low surrogate after a three-byte character and after another low one, a high one before U+E000: 18 bytes.
    ['lone surrogates at the edges of a pair, to the limit', `${'\u0800\udc00\udc00\udc00\ud800\ue000'.repeat(Math.floor(LIMIT / 18))}${'a'.repeat(LIMIT % 18)}`, undefined],
    ['lone surrogates at the edges of a pair, one byte over', `${'\u0800\udc00\udc00\udc00\ud800\ue000'.repeat(Math.floor(LIMIT / 18))}${'a'.repeat((LIMIT % 18) + 1)}`, '32,769 bytes as written'],
    ['a high surrogate at the very end', `${'a'.repeat(LIMIT - 3)}\ud800`, undefined],
    ['a high surrogate at the very end, one byte over', `${'a'.repeat(LIMIT - 2)}\ud800`, '32,769 bytes as written'],
  ])('GIVEN a key policy written as text of %s THEN it is measured as written, in UTF-8', (_what, text, size) => {
    // Not JSON: only the size is checked here (the reader reports the syntax).
    expect(sizeMessages(text, 'new key policy')).toEqual(size === undefined ? [] : [tooLarge('new key policy', size)]);
  });

  test('GIVEN JSON text within the limit whose compact JSON is not (lone surrogates, escaped by JSON.stringify) THEN it is measured as written: no size issue', () => {
    const text = JSON.stringify({ Id: 'x' }).replace('x', '\ud800'.repeat(9_000));
    expect(Buffer.byteLength(text.replace(/\ud800/g, '\ufffd'), 'utf8')).toBeLessThan(LIMIT);
    expect(bytes(JSON.parse(text))).toBeGreaterThan(LIMIT);
    expect(issuesOf(text).map((i) => i.code)).toEqual(['key-policy-invalid-character']);
  });

  test.each<[string, unknown]>([['undefined', undefined], ['null', null], ['a number', 7], ['JSON text of a number', '7'], ['JSON text of a string holding a bad character', '"\\u200b"'], ['text that is no JSON', '{"Id": "\u200b"']])(
    'GIVEN a key policy that is %s THEN nothing is reported here', (_what, raw) => {
      expect(issuesOf(raw)).toEqual([]);
    });
});

describe('checkKeyPolicy: characters (key-policy-overview.md, "Key policy format": printable ASCII, printable Latin-1, tab, LF, CR)', () => {
  const issuesOf = (raw: unknown, label = 'key policy'): Issue[] => {
    const issues = new IssueCollector();
    checkKeyPolicy(raw, label, issues);
    return [...issues.issues];
  };
  const invalid = (what: string, label: string, character: string, more = ''): string =>
    `${what} of the ${label} holds ${character}, and a key policy may hold only printable ASCII, printable Latin-1 characters, tab, line feed and carriage return, `
    + `so KMS rejects it (key-policy-overview.md, "Key policy format"). remove the character${more}`;
  const invisible = (what: string, label: string, character: string, more = ''): string =>
    `${what} of the ${label} holds ${character}, which KMS accepts but nobody reading the policy can see: a name, ARN or key holding it matches nothing written without it. remove the character${more}`;
  const withAction = (action: string): Obj => ({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt', action], Resource: '*' }] });

  test.each<[string, string, string | undefined]>([
    ['tab', 'x\ty', undefined],
    ['line feed', 'x\ny', undefined],
    ['carriage return', 'x\ry', undefined],
    ['space and tilde (printable ASCII edges)', ' ~', undefined],
    ['no-break space and ÿ (printable Latin-1 edges)', '\u00a0\u00ff', undefined],
    ['backspace', 'x\by', 'U+0008 (a control character)'],
    ['vertical tab', 'x\u000by', 'U+000B (a control character)'],
    ['form feed', 'x\fy', 'U+000C (a control character)'],
    ['unit separator', 'x\u001fy', 'U+001F (a control character)'],
    ['NUL', 'x\u0000y', 'U+0000 (NUL)'],
    ['DEL', 'x\u007fy', 'U+007F (DEL)'],
    ['a C1 control', 'x\u009fy', 'U+009F (a control character)'],
    ['U+0100 (outside Latin-1)', 'x\u0100y', 'U+0100'],
    ['a character beyond the BMP', 'x\ud83d\ude00', 'U+1F600'],
    ['a lone high surrogate', 'x\ud800y', 'a lone surrogate U+D800 (not valid Unicode, so it has no UTF-8 form)'],
    ['a lone low surrogate', 'x\udfff', 'a lone surrogate U+DFFF (not valid Unicode, so it has no UTF-8 form)'],
  ])('GIVEN a value holding %s THEN the issue is exactly that', (_what, action, character) => {
    // The issue echoes the value up to the character (the whole of a pair), printable ASCII as it is, the rest \uXXXX.
    const upTo = action.endsWith('y') ? action.slice(0, -1) : action;
    const echo = (s: string): string => Array.from({ length: s.length }, (_, k) => s.charCodeAt(k))
      .map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`)).join('');
    expect(issuesOf(withAction(action))).toEqual(character === undefined ? [] : [{
      code: 'key-policy-invalid-character',
      severity: 'error',
      policy: 'key policy',
      statement: 'Sid "A"',
      field: 'Action[1]',
      message: invalid(`the value \`${echo(upTo)}\``, 'key policy', character),
    }]);
  });

  test('GIVEN the soft hyphen THEN a warning: KMS accepts it, nobody sees it', () => {
    expect(issuesOf(withAction('x\u00ad'), 'new key policy')).toEqual([{
      code: 'invisible-character',
      severity: 'warning',
      policy: 'new key policy',
      statement: 'Sid "A"',
      field: 'Action[1]',
      message: invisible('the value `x\\u00AD`', 'new key policy', 'U+00AD (soft hyphen)'),
    }]);
  });

  test('GIVEN six bad values THEN five issues, the fifth saying that no more are reported', () => {
    const p = { Statement: [{ Sid: 'A', Effect: 'Allow', Principal: '*', Action: ['a\u0100', 'b\u00ad', 'c\u0100', 'd\u0100', 'e\u00ad', 'f\u0100'], Resource: '*' }] };
    const issues = issuesOf(p);
    expect(issues.map((i) => i.message)).toEqual([
      invalid('the value `a\\u0100`', 'key policy', 'U+0100'),
      invisible('the value `b\\u00AD`', 'key policy', 'U+00AD (soft hyphen)'),
      invalid('the value `c\\u0100`', 'key policy', 'U+0100'),
      invalid('the value `d\\u0100`', 'key policy', 'U+0100'),
      invisible('the value `e\\u00AD`', 'key policy', 'U+00AD (soft hyphen)', ' (further characters of this policy are not reported)'),
    ]);
    expect(issues.map((i) => i.field)).toEqual(['Action[0]', 'Action[1]', 'Action[2]', 'Action[3]', 'Action[4]']);
  });

  test('GIVEN bad characters outside, inside and after the statements THEN each issue is located: policy, statement, field', () => {
    const issues = issuesOf({
      'Id\u0001': 'top',
      'Statement': [
        { Sid: 'First', Effect: 'Allow', Principal: { AWS: ['a', 'b\u0100'] }, Action: 'kms:Decrypt', Resource: '*' },
        { Sid: 7, Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { kā: ['v', 'w\u0102'] } } },
        'text\u0103',
      ],
      'Other': [['x\u0104']],
    });
    expect(issues.map((i) => [i.policy, i.statement, i.field, i.message.slice(0, i.message.indexOf(' of the key policy'))])).toEqual([
      ['key policy', undefined, 'Id\\u0001', 'the key `Id\\u0001`'],
      ['key policy', 'Sid "First"', 'Principal.AWS[1]', 'the value `b\\u0100`'],
      ['key policy', 'statement #1', 'Condition.StringEquals.k\\u0101', 'the key `k\\u0101`'],
      ['key policy', 'statement #1', 'Condition.StringEquals.k\\u0101[1]', 'the value `w\\u0102`'],
      ['key policy', 'statement #2', undefined, 'the value `text\\u0103`'],
    ]);
    // A statement's location ends with it: what follows the Statement element is the policy's own.
    expect(issuesOf({ Statement: [{ Sid: 'S', Effect: 'Allow' }], Other: [['x\u0104']], Id: 'y\u0105' }).map((i) => [i.policy, i.statement, i.field])).toEqual([
      ['key policy', undefined, 'Other[0][0]'],
      ['key policy', undefined, 'Id'],
    ]);
  });

  test('GIVEN a single statement object with an empty Sid, and a policy that is a list THEN statement #0, and no statement', () => {
    expect(issuesOf({ Statement: { Sid: '', Action: 'x\u0100' } }).map((i) => [i.statement, i.field])).toEqual([['statement #0', 'Action']]);
    expect(issuesOf({ Statement: { Sid: 'Sid\u0100', Action: 'x' } }).map((i) => [i.statement, i.field])).toEqual([['Sid "Sid\\u0100"', 'Sid']]);
    expect(issuesOf([{ Action: 'x\u0100' }, 'y\u0100']).map((i) => [i.statement, i.field])).toEqual([[undefined, '[0].Action'], [undefined, '[1]']]);
    expect(issuesOf({ Statement: 'z\u0100' }).map((i) => [i.statement, i.field])).toEqual([[undefined, 'Statement']]);
  });

  test('GIVEN a Sid longer than an echo THEN the statement is named by its first 40 characters; a Sid of 40 whole', () => {
    const sid = (n: number): string => 'S'.repeat(n);
    expect(issuesOf({ Statement: [{ Sid: `${sid(40)}\u0100`, Action: 'x' }] }).map((i) => i.statement)).toEqual([`Sid "${sid(40)}..."`]);
    expect(issuesOf({ Statement: [{ Sid: sid(40), Action: 'x\u0100' }] }).map((i) => i.statement)).toEqual([`Sid "${sid(40)}"`]);
  });

  test('GIVEN an element named Statement inside a statement THEN it is a field of that statement, not a statement of its own', () => {
    expect(issuesOf({ Statement: [{ Sid: 'Outer', Statement: { Sid: 'Inner', Action: 'x\u0100' } }] }).map((i) => [i.statement, i.field])).toEqual([['Sid "Outer"', 'Statement.Action']]);
    expect(issuesOf({ Statement: { Sid: 'Outer', Statement: { Sid: 'Inner', Action: 'x\u0100' } } }).map((i) => [i.statement, i.field])).toEqual([['Sid "Outer"', 'Statement.Action']]);
    expect(issuesOf({ Statement: { Sid: 'Outer', X: { Statement: { Sid: 'Inner', Action: 'x\u0100' } } } }).map((i) => [i.statement, i.field])).toEqual([['Sid "Outer"', 'X.Statement.Action']]);
    // Another top-level element holding an object is the policy's own.
    expect(issuesOf({ Other: { Sid: 'O', Action: 'x\u0100' } }).map((i) => [i.statement, i.field])).toEqual([[undefined, 'Other.Action']]);
  });

  test('GIVEN a policy object with an inherited member THEN the member is not looked at: JSON.stringify leaves it out', () => {
    const p = Object.assign(Object.create({ Inherited: 'x\u0100' }), { Id: 'y\u0101' });
    expect(issuesOf(p).map((i) => i.field)).toEqual(['Id']);
  });

  test('GIVEN a bad character only in a condition key (depth 4 in a statement list, 3 in a single statement) THEN it is found', () => {
    const condition = { StringEquals: { 'kms:EncryptionContext:k\u0100': 'v' } };
    expect(issuesOf({ Statement: [{ Sid: 'L', Condition: condition }] }).map((i) => [i.statement, i.field])).toEqual([['Sid "L"', 'Condition.StringEquals.kms:EncryptionContext:k\\u0100']]);
    expect(issuesOf({ Statement: { Sid: 'O', Condition: condition } }).map((i) => [i.statement, i.field])).toEqual([['Sid "O"', 'Condition.StringEquals.kms:EncryptionContext:k\\u0100']]);
  });

  test('GIVEN a bad character nested 11 and 12 lists deep THEN the first is reported; the second is beyond any policy\'s depth and left to the reader', () => {
    const nest = (depth: number, v: unknown): unknown => (depth === 0 ? v : [nest(depth - 1, v)]);
    expect(issuesOf({ Id: nest(11, 'x\u0100') }).map((i) => i.field)).toEqual([`Id${'[0]'.repeat(11)}`]);
    expect(issuesOf({ Id: nest(12, 'x\u0100') })).toEqual([]);
    // With another bad character the walk runs, and still stops at that depth.
    expect(issuesOf({ Other: 'y\u0101', Id: nest(12, 'x\u0100') }).map((i) => i.field)).toEqual(['Other']);
  });
});
