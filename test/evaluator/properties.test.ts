/**
 * Property tests of the public evaluator API (`KmsAccessEvaluator.evaluate` / `compile().evaluate`).
 *
 * The arbitraries below generate VALID scenarios with real variety: key policies whose Allow and Deny statements name
 * principals as "*", account ids, account root ARNs, and role, user, session and federated-user ARNs of three accounts;
 * actions with wildcards and NotAction; conditions from a small pool; identity policies, a permissions boundary, a
 * session policy, SCP levels, an RCP, a VPC endpoint, grants; and requests of many kinds. The properties are the
 * algebra of AWS authorization (kms-semantics.md): adding an Allow (or a grant) or dropping an Allow's condition never
 * takes access away, adding a Deny never gives it, evaluation is a pure function, the cross-account gate holds whatever
 * the policies say, and no input, however malformed, throws or allows.
 */
import * as fc from 'fast-check';
import { EvaluationIssue, EvaluationResult, KmsAccessEvaluator, KmsDecision } from '../../src';
import { ALL_KMS_ACTIONS, CROSS_ACCOUNT_ACTIONS, actionFacts } from '../../src/policy/catalogue';

type Obj = Record<string, any>;
type Path = ReadonlyArray<string | number>;

// ---------------------------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------------------------

const KEY_ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const THIRD_ACCOUNT = '777788889999';
const ACCOUNTS = [KEY_ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT];
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-east-1:${KEY_ACCOUNT}:key/${KEY_ID}`;
const SECOND_KEY_ARN = `arn:aws:kms:us-east-1:${KEY_ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
const ALIAS = 'alias/orders';
const ALIAS_ARN = `arn:aws:kms:us-east-1:${KEY_ACCOUNT}:alias/orders`;
const ENDPOINT_ID = 'vpce-0a1b2c3d';
const SERVICE = 'cloudtrail.amazonaws.com';
const VIA_SERVICE = 's3.us-east-1.amazonaws.com';

/** Identity forms of one account; `{a}` is the account id. */
const IDENTITY_FORMS = [
  'iam::{a}:root',
  'iam::{a}:user/alice',
  'iam::{a}:user/ops/bob',
  'iam::{a}:role/app',
  'iam::{a}:role/admin',
  'sts::{a}:assumed-role/app/s1',
  'sts::{a}:assumed-role/admin/s2',
  'sts::{a}:federated-user/fed',
];
const arnOf = (account: string, form: string): string => `arn:aws:${form.replace('{a}', account)}`;

const ACTION_PATTERNS = [
  'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:CreateGrant',
  'kms:RetireGrant', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:CreateAlias',
  'kms:ListAliases', 'kms:CreateKey', 'kms:GetKeyPolicy', 'kms:*', '*', 'kms:Decrypt*', 'kms:Generate*', 'kms:ReEncrypt*',
  'kms:*Grant*', 'kms:Describe*', 'kms:?ncrypt', 'kms:Put*', 'KMS:decrypt',
];

/** [operator, key, values]: the condition pool. */
const CONDITIONS: ReadonlyArray<readonly [string, string, string]> = [
  ['StringEquals', 'kms:CallerAccount', KEY_ACCOUNT],
  ['StringEquals', 'kms:CallerAccount', OTHER_ACCOUNT],
  ['StringEquals', 'kms:EncryptionContext:app', 'orders'],
  ['StringEquals', 'kms:EncryptionContext:app', 'billing'],
  ['Bool', 'aws:PrincipalIsAWSService', 'true'],
  ['Bool', 'aws:PrincipalIsAWSService', 'false'],
  ['StringNotEquals', 'aws:SourceVpce', ENDPOINT_ID],
  ['StringEqualsIfExists', 'aws:SourceVpce', ENDPOINT_ID],
  ['StringEquals', 'kms:ViaService', VIA_SERVICE],
  ['ArnLike', 'aws:PrincipalArn', `arn:aws:iam::${KEY_ACCOUNT}:role/*`],
  ['Null', 'kms:EncryptionContextKeys', 'false'],
];

const GRANT_OPS = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant', 'RetireGrant'];

const REQUEST_ACTIONS = [
  'kms:Decrypt', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:ReEncrypt', 'kms:CreateGrant', 'kms:RetireGrant',
  'kms:ListGrants', 'kms:RevokeGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:CreateAlias', 'kms:ListAliases', 'kms:CreateKey',
  'kms:GetKeyPolicy',
];

// ---------------------------------------------------------------------------------------------------------------------
// Arbitraries of valid scenarios
// ---------------------------------------------------------------------------------------------------------------------

const chance = (percent: number): fc.Arbitrary<boolean> => fc.integer({ min: 0, max: 99 }).map((n) => n < percent);
const optional = <T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> =>
  fc.tuple(chance(percent), arb).map(([present, v]) => (present ? v : undefined));

const account = fc.constantFrom(...ACCOUNTS);
const identityArn = fc.tuple(account, fc.constantFrom(...IDENTITY_FORMS)).map(([a, f]) => arnOf(a, f));
/**
 * Principals written relative to the caller, resolved once the caller is known (see `resolveCallerRefs`): random ARNs
 * alone would rarely name the caller, and the interesting interactions (a grant to the role and one to the session, a
 * Deny naming the caller's account, ...) need them to.
 */
const CALLER_REFS = ['{caller}', '{callerRole}', '{callerAccount}', '{callerRoot}'] as const;
const callerRef = fc.constantFrom(...CALLER_REFS);
/** A value of a Principal element's AWS list: everyone, an account id, or any identity ARN (root ARNs included). */
const principalValue = fc.oneof(
  { weight: 1, arbitrary: fc.constant('*') },
  { weight: 2, arbitrary: account },
  { weight: 4, arbitrary: identityArn },
  { weight: 4, arbitrary: callerRef },
);
/** A grant's grantee or retiring principal: never "*". */
const grantPrincipal = fc.oneof({ weight: 1, arbitrary: account }, { weight: 3, arbitrary: identityArn }, { weight: 4, arbitrary: callerRef });
/** Callers: half of them in the key's account, some in the two others, a few AWS service principals. */
const callerAccount = fc.constantFrom(KEY_ACCOUNT, KEY_ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT);
const anyCaller = fc.oneof(
  { weight: 16, arbitrary: fc.tuple(callerAccount, fc.constantFrom(...IDENTITY_FORMS)).map(([a, f]) => arnOf(a, f)) },
  { weight: 1, arbitrary: fc.constant(SERVICE) },
);

const principalElement: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.constant('*') },
  { weight: 6, arbitrary: fc.uniqueArray(principalValue, { minLength: 1, maxLength: 3 }).map((v) => ({ AWS: v.length === 1 ? v[0] : v })) },
  { weight: 1, arbitrary: fc.constant({ Service: SERVICE }) },
);
const notPrincipalElement = fc.uniqueArray(fc.oneof(account, identityArn, callerRef), { minLength: 1, maxLength: 3 }).map((v) => ({ AWS: v }));

const conditionBlock = fc.uniqueArray(fc.constantFrom(...CONDITIONS), { minLength: 1, maxLength: 2 }).map((list) => {
  const block: Record<string, Record<string, string>> = {};
  for (const [op, key, value] of list) block[op] = { ...block[op], [key]: value };
  return block;
});

type Side = 'resource' | 'identity';

/** A valid statement of a resource-based policy (with a Principal) or of an identity-side policy. */
function statement(side: Side, effect?: 'Allow' | 'Deny'): fc.Arbitrary<Obj> {
  return fc.record({
    sid: optional(fc.constantFrom('One', 'Two', 'Three', 'Use the key'), 40),
    effect: effect ? fc.constant(effect) : fc.constantFrom('Allow', 'Allow', 'Deny'),
    principal: principalElement,
    notPrincipal: optional(notPrincipalElement, 15),
    actions: fc.uniqueArray(fc.constantFrom(...ACTION_PATTERNS), { minLength: 1, maxLength: 3 }),
    notAction: chance(12),
    resource: side === 'resource' ? fc.constant('*') : fc.constantFrom('*', '*', KEY_ARN, `arn:aws:kms:*:${KEY_ACCOUNT}:key/*`),
    condition: optional(conditionBlock, 40),
  }).map((r) => {
    const s: Obj = {};
    if (r.sid !== undefined) s.Sid = r.sid;
    s.Effect = r.effect;
    if (side === 'resource') {
      // NotPrincipal only with Deny: that is where IAM documents it.
      if (r.effect === 'Deny' && r.notPrincipal) s.NotPrincipal = r.notPrincipal;
      else s.Principal = r.principal;
    }
    s[r.notAction ? 'NotAction' : 'Action'] = r.actions.length === 1 ? r.actions[0] : r.actions;
    s.Resource = r.resource;
    if (r.condition) s.Condition = r.condition;
    return s;
  });
}

const doc = (statements: Obj[]): Obj => ({ Version: '2012-10-17', Statement: statements });
const ENABLE_IAM: Obj = { Sid: 'EnableIAMPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${KEY_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
const FULL_ACCESS: Obj = { Effect: 'Allow', Action: '*', Resource: '*' };
const EVERYONE_FULL_ACCESS: Obj = { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' };

const keyPolicy = fc.tuple(chance(70), fc.array(statement('resource'), { maxLength: 3 }))
  .map(([enableIam, rest]) => doc(enableIam || rest.length === 0 ? [ENABLE_IAM, ...rest] : rest));
const identityPolicy = fc.tuple(chance(50), fc.array(statement('identity'), { minLength: 1, maxLength: 3 }))
  .map(([broad, rest]) => doc(broad ? [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }, ...rest] : rest));
const guardrailPolicy = fc.tuple(chance(70), fc.array(statement('identity'), { minLength: 1, maxLength: 2 }))
  .map(([full, rest]) => doc(full ? [FULL_ACCESS, ...rest] : rest));
/** Permissions boundaries and session policies: as often restrictive as not. */
const boundaryPolicy = fc.tuple(chance(50), fc.array(statement('identity'), { minLength: 1, maxLength: 2 }))
  .map(([full, rest]) => doc(full ? [FULL_ACCESS, ...rest] : rest));
const resourceGuardrailPolicy = fc.tuple(chance(70), fc.array(statement('resource'), { minLength: 1, maxLength: 2 }))
  .map(([full, rest]) => doc(full ? [EVERYONE_FULL_ACCESS, ...rest] : rest));

const encryptionContext = fc.oneof(
  fc.constant({ app: 'orders' }),
  fc.constant({ app: 'billing' }),
  fc.constant({ app: 'orders', env: 'prod' }),
);
const constraints = fc.tuple(fc.constantFrom('encryptionContextEquals', 'encryptionContextSubset'), encryptionContext).map(([k, ec]) => ({ [k]: ec }));

function grant(grantId: string): fc.Arbitrary<Obj> {
  return fc.record({
    grantee: grantPrincipal,
    retiring: optional(grantPrincipal, 30),
    operations: fc.uniqueArray(fc.constantFrom(...GRANT_OPS), { minLength: 1, maxLength: 3 }),
    constraints: optional(constraints, 30),
  }).map((r) => {
    const g: Obj = { grantId, granteePrincipal: r.grantee, operations: r.operations };
    if (r.retiring) g.retiringPrincipal = r.retiring;
    if (r.constraints) g.constraints = r.constraints;
    return g;
  });
}

const request: fc.Arbitrary<Obj> = fc.record({
  action: fc.constantFrom(...REQUEST_ACTIONS),
  encryptionContext: optional(encryptionContext, 50),
  viaService: chance(15),
  keyIdForm: fc.constantFrom('none', 'none', 'arn', 'id', 'alias', 'aliasArn'),
  createGrantee: grantPrincipal,
  createOps: fc.uniqueArray(fc.constantFrom(...GRANT_OPS), { minLength: 1, maxLength: 2 }),
  createConstraints: optional(constraints, 40),
  grantId: fc.constantFrom('g-0', 'g-1', 'g-missing'),
  newKeyPolicy: optional(keyPolicy, 60),
  bypass: optional(fc.boolean(), 20),
  sameDestination: chance(60),
  destinationPolicy: keyPolicy,
}).map((r) => {
  const req: Obj = { action: r.action };
  const keyId = { none: undefined, arn: KEY_ARN, id: KEY_ID, alias: ALIAS, aliasArn: ALIAS_ARN }[r.keyIdForm];
  if (keyId !== undefined && !['kms:ListAliases', 'kms:CreateKey'].includes(r.action)) req.keyId = keyId;
  if (r.encryptionContext) req.encryptionContext = r.encryptionContext;
  if (r.viaService) req.context = { 'kms:ViaService': VIA_SERVICE };
  switch (r.action) {
    case 'kms:CreateGrant':
      req.createGrant = { granteePrincipal: r.createGrantee, operations: r.createOps };
      if (r.createConstraints) req.createGrant.constraints = r.createConstraints;
      break;
    case 'kms:RetireGrant':
      req.grantId = r.grantId;
      break;
    case 'kms:CreateAlias':
      req.aliasArn = ALIAS_ARN;
      break;
    case 'kms:ReEncrypt':
      // Filled in by the scenario: the same key again, or a second key.
      req.destinationKey = r.sameDestination ? 'same' : { arn: SECOND_KEY_ARN, policy: r.destinationPolicy };
      break;
    case 'kms:PutKeyPolicy':
    case 'kms:CreateKey':
      if (r.newKeyPolicy) req.newKeyPolicy = r.newKeyPolicy;
      if (r.bypass !== undefined) req.bypassPolicyLockoutSafetyCheck = r.bypass;
      break;
    default:
      break;
  }
  return req;
});

const scenario: fc.Arbitrary<Obj> = fc.record({
  keyPolicy,
  callerArn: anyCaller,
  identityPolicies: fc.array(identityPolicy, { maxLength: 2 }),
  permissionsBoundary: optional(boundaryPolicy, 25),
  sessionPolicy: optional(boundaryPolicy, 20),
  scps: optional(fc.array(guardrailPolicy, { minLength: 1, maxLength: 2 }), 25),
  rcps: optional(fc.array(resourceGuardrailPolicy, { minLength: 1, maxLength: 1 }), 10),
  endpoint: optional(fc.record({ id: fc.constantFrom(ENDPOINT_ID, 'vpce-11112222'), policy: optional(resourceGuardrailPolicy, 60) }), 25),
  grants: fc.tuple(grant('g-0'), grant('g-1'), fc.integer({ min: 0, max: 2 })).map(([a, b, n]) => [a, b].slice(0, n)),
  request,
}).map((r) => {
  const key = { arn: KEY_ARN, policy: r.keyPolicy, aliases: [ALIAS] };
  const caller: Obj = { arn: r.callerArn };
  if (r.identityPolicies.length > 0 && r.callerArn !== SERVICE) caller.identityPolicies = r.identityPolicies;
  if (r.permissionsBoundary && r.callerArn !== SERVICE) caller.permissionsBoundary = r.permissionsBoundary;
  if (r.sessionPolicy && r.callerArn.includes(':assumed-role/')) caller.sessionPolicy = r.sessionPolicy;
  const s: Obj = { key, caller };
  if (r.scps) s.serviceControlPolicies = r.scps;
  if (r.rcps) s.resourceControlPolicies = r.rcps;
  if (r.endpoint) s.vpcEndpoint = r.endpoint.policy ? r.endpoint : { id: r.endpoint.id };
  if (r.grants.length > 0) s.grants = r.grants;
  s.request = requestFor(s, r.request);
  return resolveCallerRefs(s, r.callerArn);
});

/** The request of a scenario: `destinationKey: "same"` becomes the scenario's key again. */
function requestFor(s: Obj, r: Obj): Obj {
  const req = clone(r);
  if (req.destinationKey === 'same') req.destinationKey = clone(s.key);
  return req;
}

/** Replaces the caller-relative principals (`{caller}`, `{callerRole}`, ...) anywhere in `value`. */
function resolveCallerRefs<T>(value: T, callerArn: string): T {
  const session = /^arn:aws:sts::(\d+):assumed-role\/([^/]+)\//.exec(callerArn);
  const [arn, accountId] = callerArn === SERVICE ? [arnOf(KEY_ACCOUNT, 'iam::{a}:role/app'), KEY_ACCOUNT] : [callerArn, callerArn.split(':')[4]];
  const refs: Record<string, string> = {
    '{caller}': arn,
    '{callerRole}': session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : arn,
    '{callerAccount}': accountId,
    '{callerRoot}': `arn:aws:iam::${accountId}:root`,
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return refs[v] ?? v;
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

// ---------------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------------

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function getAt(root: Obj, path: Path): Obj {
  return path.reduce((o: Obj, k) => o[k], root);
}

interface Slot {
  readonly path: Path;
  readonly side: Side;
}

/** Every policy document of a scenario, with the form its statements take. */
function policySlots(s: Obj): Slot[] {
  const slots: Slot[] = [{ path: ['key', 'policy'], side: 'resource' }];
  (s.caller.identityPolicies ?? []).forEach((_: unknown, i: number) => slots.push({ path: ['caller', 'identityPolicies', i], side: 'identity' }));
  if (s.caller.permissionsBoundary) slots.push({ path: ['caller', 'permissionsBoundary'], side: 'identity' });
  if (s.caller.sessionPolicy) slots.push({ path: ['caller', 'sessionPolicy'], side: 'identity' });
  (s.serviceControlPolicies ?? []).forEach((_: unknown, i: number) => slots.push({ path: ['serviceControlPolicies', i], side: 'identity' }));
  (s.resourceControlPolicies ?? []).forEach((_: unknown, i: number) => slots.push({ path: ['resourceControlPolicies', i], side: 'resource' }));
  if (s.vpcEndpoint?.policy) slots.push({ path: ['vpcEndpoint', 'policy'], side: 'resource' });
  if (s.request.destinationKey?.policy) slots.push({ path: ['request', 'destinationKey', 'policy'], side: 'resource' });
  if (s.request.newKeyPolicy) slots.push({ path: ['request', 'newKeyPolicy'], side: 'resource' });
  return slots;
}

interface StatementAddition {
  readonly target: 'policy' | 'new-identity-policy' | 'grant';
  readonly slot: number;
  readonly position: number;
  readonly resourceStatement: Obj;
  readonly identityStatement: Obj;
  readonly grant: Obj;
}

function addition(effect: 'Allow' | 'Deny'): fc.Arbitrary<StatementAddition> {
  return fc.record({
    target: effect === 'Allow' ? fc.constantFrom('policy', 'policy', 'policy', 'new-identity-policy', 'grant') : fc.constantFrom('policy', 'policy', 'new-identity-policy'),
    slot: fc.nat(),
    position: fc.nat(),
    resourceStatement: statement('resource', effect),
    identityStatement: statement('identity', effect),
    grant: grant('g-added'),
  });
}

/** A copy of `s` with one statement (or grant) added; position matters not in AWS, so it is random. */
function withAddition(s: Obj, added: StatementAddition): Obj {
  const out = clone(s);
  const a = resolveCallerRefs(added, s.caller.arn);
  if (a.target === 'grant') {
    // Appended, not inserted: inserting before an existing grant exposes a known evaluator bug (see the skipped test
    // 'adding a grant anywhere in the list ...').
    out.grants = [...(out.grants ?? []), a.grant];
    return out;
  }
  if (a.target === 'new-identity-policy' && out.caller.arn !== SERVICE) {
    const policies: Obj[] = out.caller.identityPolicies ?? [];
    policies.push(doc([a.identityStatement]));
    out.caller.identityPolicies = policies;
    return out;
  }
  const slots = policySlots(out);
  const slot = slots[a.slot % slots.length];
  const policy = getAt(out, slot.path);
  const statements: Obj[] = policy.Statement;
  statements.splice(a.position % (statements.length + 1), 0, slot.side === 'resource' ? a.resourceStatement : a.identityStatement);
  return out;
}

/** A permutation of `list` driven by `seeds` (Fisher-Yates with the seeds as the random source). */
function permute<T>(list: readonly T[], seeds: readonly number[], offset: number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = seeds[(offset + i) % seeds.length] % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * A copy of `s` whose policies list their statements in another order, and whose identity policies and SCP levels
 * come in another order: none of these orders means anything in AWS. Labels such as `identity policy #0` and
 * `statement #2` change with the order, so only decisions can be compared.
 */
function shuffled(s: Obj, seeds: readonly number[]): Obj {
  const out = clone(s);
  if (out.caller.identityPolicies) out.caller.identityPolicies = permute(out.caller.identityPolicies, seeds, 1);
  if (out.serviceControlPolicies) out.serviceControlPolicies = permute(out.serviceControlPolicies, seeds, 2);
  policySlots(out).forEach((slot, i) => {
    const policy = getAt(out, slot.path);
    policy.Statement = permute(policy.Statement, seeds, 3 + i);
  });
  return out;
}

/** A copy of `s` with the Condition of one Allow statement removed (whole, or one operator block). */
function withoutAllowCondition(s: Obj, pick: number, wholeBlock: boolean): Obj {
  const out = clone(s);
  const conditioned: Obj[] = [];
  for (const slot of policySlots(out)) {
    for (const st of getAt(out, slot.path).Statement as Obj[]) if (st.Effect === 'Allow' && st.Condition) conditioned.push(st);
  }
  if (conditioned.length === 0) return out;
  const st = conditioned[pick % conditioned.length];
  const operators = Object.keys(st.Condition);
  if (wholeBlock || operators.length === 1) delete st.Condition;
  else delete st.Condition[operators[pick % operators.length]];
  return out;
}

/**
 * Scenarios where grants decide: a caller (often with a permissions boundary that allows nothing relevant), grants that
 * name it in several ways (its ARN, its role, its account, or someone else) with the requested operation, and one more
 * such grant to add. The general scenarios reach a grant-decided allow too rarely to exercise grant interactions.
 */
const GRANTABLE: Record<string, string> = { 'kms:Decrypt': 'Decrypt', 'kms:Encrypt': 'Encrypt', 'kms:GenerateDataKey': 'GenerateDataKey', 'kms:DescribeKey': 'DescribeKey' };
const RESTRICTIVE_BOUNDARY = doc([{ Effect: 'Allow', Action: 'kms:ListAliases', Resource: '*' }]);
const focusedGrant = fc.record({
  grantee: fc.oneof(callerRef, grantPrincipal),
  constraints: optional(constraints, 30),
  extraOperations: fc.uniqueArray(fc.constantFrom(...GRANT_OPS), { maxLength: 2 }),
});
interface GrantCase {
  readonly scenario: Obj;
  readonly added: Obj;
  readonly position: number;
}
const grantCase: fc.Arbitrary<GrantCase> = fc.record({
  keyPolicy,
  callerArn: anyCaller,
  identityPolicies: fc.array(identityPolicy, { maxLength: 1 }),
  boundary: fc.constantFrom(undefined, RESTRICTIVE_BOUNDARY, doc([FULL_ACCESS])),
  action: fc.constantFrom(...Object.keys(GRANTABLE)),
  encryptionContext: optional(encryptionContext, 50),
  grants: fc.array(focusedGrant, { minLength: 1, maxLength: 3 }),
  added: focusedGrant,
  position: fc.nat(),
}).map((r) => {
  const operation = GRANTABLE[r.action];
  const toGrant = (g: typeof r.added, grantId: string): Obj => ({
    grantId,
    granteePrincipal: g.grantee,
    operations: [...new Set([operation, ...g.extraOperations])],
    ...(g.constraints ? { constraints: g.constraints } : {}),
  });
  const caller: Obj = { arn: r.callerArn };
  if (r.callerArn !== SERVICE) {
    if (r.identityPolicies.length > 0) caller.identityPolicies = r.identityPolicies;
    if (r.boundary) caller.permissionsBoundary = r.boundary;
  }
  const s: Obj = {
    key: { arn: KEY_ARN, policy: r.keyPolicy },
    caller,
    grants: r.grants.map((g, i) => toGrant(g, `g-${i}`)),
    request: { action: r.action, ...(r.encryptionContext ? { encryptionContext: r.encryptionContext } : {}) },
  };
  return { scenario: resolveCallerRefs(s, r.callerArn), added: resolveCallerRefs(toGrant(r.added, 'g-added'), r.callerArn), position: r.position };
});

function withGrantAt(c: GrantCase, position: number): Obj {
  const out = clone(c.scenario);
  out.grants.splice(position % (out.grants.length + 1), 0, c.added);
  return out;
}

const DECISIONS: readonly string[] = [KmsDecision.ALLOW, KmsDecision.EXPLICIT_DENY, KmsDecision.IMPLICIT_DENY];
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The invariants every result must satisfy, whatever the input. */
function expectWellFormed(r: EvaluationResult): void {
  expect(DECISIONS).toContain(r.decision);
  expect(typeof r.explanation).toBe('string');
  expect(r.explanation.length).toBeGreaterThan(0);
  expect(Array.isArray(r.checks)).toBe(true);
  expect(Array.isArray(r.errors)).toBe(true);
  expect(Array.isArray(r.warnings)).toBe(true);
  const wellFormedIssue = (i: EvaluationIssue): boolean => typeof i.code === 'string' && KEBAB.test(i.code) && typeof i.message === 'string' && i.message.length > 0;
  expect(r.errors.filter((i) => !wellFormedIssue(i) || i.severity !== 'error')).toEqual([]);
  expect(r.warnings.filter((i) => !wellFormedIssue(i) || i.severity !== 'warning')).toEqual([]);
  // An internal error is the evaluator catching its own exception: a bug, even though nothing escaped.
  expect(r.errors.filter((i) => i.code === 'internal-error')).toEqual([]);
  if (r.errors.length > 0) {
    expect(r.decision).toBe(KmsDecision.IMPLICIT_DENY);
    expect(r.checks).toEqual([]);
  }
  // The CLI prints every result as one JSON line.
  expect(() => JSON.stringify(r)).not.toThrow();
}

function expectValidAndWellFormed(r: EvaluationResult): void {
  expect(r.errors).toEqual([]);
  expectWellFormed(r);
}

const evaluate = (s: unknown): EvaluationResult => KmsAccessEvaluator.evaluate(s);

/** The policy document a `decidedBy` entry names, looked up in the scenario. */
function policyByLabel(s: Obj, label: string): Obj | undefined {
  const fixed: Record<string, Obj | undefined> = {
    'key policy': s.key?.policy,
    'key policy of the destination key': s.request?.destinationKey?.policy,
    'new key policy': s.request?.newKeyPolicy,
    'permissions boundary': s.caller?.permissionsBoundary,
    'session policy': s.caller?.sessionPolicy,
    'VPC endpoint policy': s.vpcEndpoint?.policy,
  };
  if (label in fixed) return fixed[label];
  const m = /^(identity policy|SCP|RCP) #(\d+)$/.exec(label);
  if (!m) return undefined;
  const list = { 'identity policy': s.caller?.identityPolicies, 'SCP': s.serviceControlPolicies, 'RCP': s.resourceControlPolicies }[m[1]];
  return list?.[Number(m[2])];
}

/**
 * The statements a `decidedBy` statement label can refer to: `Sid "X"` (the Sid names one statement), `Sid "X"
 * (statement #2)` (a Sid two statements share: the one at that index) or `statement #2` (no Sid).
 */
function statementsByLabel(policy: Obj, label: string): Obj[] {
  const statements: Obj[] = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const shared = /^Sid "(.*)" \(statement #(\d+)\)$/s.exec(label);
  if (shared) {
    const at = statements[Number(shared[2])];
    const others = statements.filter((st, i) => i !== Number(shared[2]) && st.Sid === shared[1]);
    // Ambiguous: another statement has the Sid, or the Sid is the index of a statement without one.
    const unnamedAtSid = /^\d+$/.test(shared[1]) && statements[Number(shared[1])] !== undefined && !statements[Number(shared[1])].Sid;
    return at !== undefined && at.Sid === shared[1] && (others.length > 0 || unnamedAtSid) ? [at] : [];
  }
  const sid = /^Sid "(.*)"$/s.exec(label);
  // A Sid named alone names exactly one statement.
  if (sid) return statements.filter((st) => st.Sid === sid[1]).length === 1 ? statements.filter((st) => st.Sid === sid[1]) : [];
  const index = /^statement #(\d+)$/.exec(label);
  return index ? [statements[Number(index[1])]].filter((st) => st !== undefined && (st.Sid === undefined || st.Sid === '')) : [];
}

/** Runs per property; raise it locally for a deeper search, e.g. `KMS_GUARD_PROPERTY_RUNS=5000 npx jest test/evaluator/properties`. */
const NUM_RUNS = Number(process.env.KMS_GUARD_PROPERTY_RUNS ?? 300);

// ---------------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------------

describe('KmsAccessEvaluator properties', () => {
  test('GIVEN a generated scenario THEN it is valid, well-formed, and the generator reaches every decision', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(scenario, (s) => {
      const r = evaluate(s);
      expectValidAndWellFormed(r);
      seen.add(r.decision);
    }), { numRuns: NUM_RUNS });
    // Guards the other properties against vacuity: a generator that only produced implicit denies would prove nothing.
    expect([...seen].sort()).toEqual([...DECISIONS].sort());
  });

  describe('monotonicity', () => {
    test('adding an Allow statement to any policy, a new identity policy, or a grant never turns allow or explicit-deny into anything else', () => {
      fc.assert(fc.property(scenario, addition('Allow'), (s, a) => {
        const before = evaluate(s);
        const after = evaluate(withAddition(s, a));
        expectValidAndWellFormed(after);
        if (before.decision !== KmsDecision.IMPLICIT_DENY) expect(after.decision).toBe(before.decision);
      }), { numRuns: NUM_RUNS });
    });

    test('adding a Deny statement to any policy or a new identity policy never turns a deny into allow, nor explicit-deny into anything else', () => {
      fc.assert(fc.property(scenario, addition('Deny'), (s, a) => {
        const before = evaluate(s);
        const after = evaluate(withAddition(s, a));
        expectValidAndWellFormed(after);
        if (before.decision !== KmsDecision.ALLOW) expect(after.decision).not.toBe(KmsDecision.ALLOW);
        if (before.decision === KmsDecision.EXPLICIT_DENY) expect(after.decision).toBe(KmsDecision.EXPLICIT_DENY);
      }), { numRuns: NUM_RUNS });
    });

    test('adding a grant at the end of the grant list never turns allow or explicit-deny into anything else (grant-focused scenarios)', () => {
      fc.assert(fc.property(grantCase, (c) => {
        const before = evaluate(c.scenario);
        const after = evaluate(withGrantAt(c, c.scenario.grants.length));
        expectValidAndWellFormed(before);
        expectValidAndWellFormed(after);
        if (before.decision !== KmsDecision.IMPLICIT_DENY) expect(after.decision).toBe(before.decision);
      }), { numRuns: NUM_RUNS });
    });

    /*
     * Regression: findGrant once returned only the FIRST grant naming the caller exactly, and decideKey then applied the
     * permissions boundary when that grant named a role, so a later grant naming the session itself (which the boundary
     * does not limit) was never tried. Counterexample kept in `examples`: key policy only EnableIAMPolicies; caller
     * arn:aws:sts::111122223333:assumed-role/admin/s2 with a boundary allowing only kms:ListAliases; kms:Decrypt;
     * grants [role/admin Decrypt, session Decrypt] must allow like [session Decrypt] alone.
     */
    test('adding a grant anywhere in the grant list (grants are unordered) never turns allow into a deny', () => {
      const session = 'arn:aws:sts::111122223333:assumed-role/admin/s2';
      const counterexample: GrantCase = {
        scenario: {
          key: { arn: KEY_ARN, policy: doc([ENABLE_IAM]) },
          caller: { arn: session, permissionsBoundary: RESTRICTIVE_BOUNDARY },
          grants: [{ grantId: 'g-0', granteePrincipal: session, operations: ['Decrypt'] }],
          request: { action: 'kms:Decrypt' },
        },
        added: { grantId: 'g-added', granteePrincipal: 'arn:aws:iam::111122223333:role/admin', operations: ['Decrypt'] },
        position: 0,
      };
      fc.assert(fc.property(grantCase, (c) => {
        const before = evaluate(c.scenario);
        const after = evaluate(withGrantAt(c, c.position));
        if (before.decision !== KmsDecision.IMPLICIT_DENY) expect(after.decision).toBe(before.decision);
      }), { numRuns: 2000, examples: [[counterexample]] });
    });

    test('reordering the statements of every policy, the identity policies, or the SCP levels never changes the decision', () => {
      // Grants are left in order here: their order changes decisions today (the skipped test above).
      fc.assert(fc.property(scenario, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (s, seeds) => {
        const before = evaluate(s);
        const after = evaluate(shuffled(s, seeds));
        expectValidAndWellFormed(after);
        const outcome = (r: EvaluationResult): unknown => ({ decision: r.decision, lockout: r.lockoutSafetyCheck });
        expect(outcome(after)).toEqual(outcome(before));
      }), { numRuns: NUM_RUNS });
    });

    test('removing the Condition (or one operator of it) from an Allow statement never turns allow into a deny, nor explicit-deny into anything else', () => {
      // Not asserted for Deny statements: dropping a Deny's condition widens the Deny and can turn allow into deny.
      fc.assert(fc.property(scenario, fc.nat(), fc.boolean(), (s, pick, whole) => {
        const before = evaluate(s);
        const after = evaluate(withoutAllowCondition(s, pick, whole));
        expectValidAndWellFormed(after);
        if (before.decision !== KmsDecision.IMPLICIT_DENY) expect(after.decision).toBe(before.decision);
      }), { numRuns: NUM_RUNS });
    });
  });

  describe('determinism', () => {
    test('evaluating a scenario twice, a deep clone of it, or its compiled form gives equal results, and the input is not mutated', () => {
      fc.assert(fc.property(scenario, (s) => {
        const pristine = clone(s);
        const first = evaluate(s);
        expect(evaluate(s)).toEqual(first);
        expect(evaluate(clone(s))).toEqual(first);
        const compiled = KmsAccessEvaluator.compile(s);
        expect(compiled.errors).toEqual([]);
        expect(compiled.evaluate()).toEqual(first);
        expect(compiled.evaluate(s.request)).toEqual(first);
        expect(s).toEqual(pristine);
      }), { numRuns: NUM_RUNS });
    });

    test('evaluating other requests on the same compiled scenario changes neither its results nor theirs', () => {
      fc.assert(fc.property(scenario, fc.array(request, { minLength: 1, maxLength: 4 }), (s, others) => {
        const withRequest = (r: Obj): Obj => ({ ...s, request: resolveCallerRefs(requestFor(s, r), s.caller.arn) });
        const compiled = KmsAccessEvaluator.compile(s);
        const first = compiled.evaluate();
        for (const other of others) {
          const o = withRequest(other);
          expect(compiled.evaluate(o.request)).toEqual(evaluate(o));
        }
        expect(compiled.evaluate()).toEqual(first);
        // Interleave in reverse order too: caches filled by later requests must not leak into earlier ones.
        for (const other of [...others].reverse()) {
          const o = withRequest(other);
          expect(compiled.evaluate(o.request)).toEqual(evaluate(o));
          expect(compiled.evaluate()).toEqual(first);
        }
        expect(first).toEqual(evaluate(s));
      }), { numRuns: NUM_RUNS });
    });
  });

  describe('explanations name what decided', () => {
    test('a decision is the worst of its checks, an explicit-deny names a Deny statement that exists, and every decidedBy entry resolves to a statement of that effect', () => {
      fc.assert(fc.property(scenario, (s) => {
        const r = evaluate(s);
        expectValidAndWellFormed(r);
        expect(r.checks.length).toBeGreaterThan(0);
        const checkDecisions = r.checks.map((c) => c.decision);
        if (r.decision === KmsDecision.ALLOW) expect(checkDecisions.every((d) => d === KmsDecision.ALLOW)).toBe(true);
        if (r.decision === KmsDecision.EXPLICIT_DENY) expect(checkDecisions).toContain(KmsDecision.EXPLICIT_DENY);
        if (r.decision === KmsDecision.IMPLICIT_DENY) {
          expect(checkDecisions).not.toContain(KmsDecision.EXPLICIT_DENY);
          // Either some check is not allowed, or every check is but the lockout safety check fails.
          if (checkDecisions.every((d) => d === KmsDecision.ALLOW)) expect(r.lockoutSafetyCheck).toBe('failed');
        }
        for (const c of r.checks) {
          if (c.decision === KmsDecision.EXPLICIT_DENY) {
            // engine.ts deny(): an explicit deny is always decided by exactly one Deny statement.
            expect(c.decidedBy).toHaveLength(1);
            expect(c.decidedBy[0].effect).toBe('Deny');
          } else {
            // Allows and implicit denies only ever cite Allow statements (the key-policy or IAM statement that matched).
            expect(c.decidedBy.filter((d) => d.effect !== 'Allow')).toEqual([]);
          }
          for (const d of c.decidedBy) {
            const policy = policyByLabel(s, d.policy);
            expect({ decidedBy: d, policyFound: policy !== undefined }).toEqual({ decidedBy: d, policyFound: true });
            const matches = statementsByLabel(policy!, d.statement).filter((st) => st.Effect === d.effect);
            expect({ decidedBy: d, statementFound: matches.length > 0 }).toEqual({ decidedBy: d, statementFound: true });
          }
        }
      }), { numRuns: NUM_RUNS });
    });
  });

  describe('cross-account gate', () => {
    const notCrossAccount = ALL_KMS_ACTIONS.filter((a) => !CROSS_ACCOUNT_ACTIONS.includes(a) && actionFacts(a)!.policyType !== 'iam-only');

    /** Makes a scenario as permissive as possible for `callerArn` and the action, on top of whatever it already holds. */
    function permissive(s: Obj, callerArn: string, action: string): Obj {
      const out = clone(s);
      const accountOfCaller = callerArn.split(':')[4];
      out.key.policy.Statement.push(
        { Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: [callerArn.replace(/^arn:aws:sts::(\d+):assumed-role\/([^/]+)\/.*$/, 'arn:aws:iam::$1:role/$2'), accountOfCaller] }, Action: '*', Resource: '*' },
      );
      out.caller = { ...out.caller, arn: callerArn, identityPolicies: [...(out.caller.identityPolicies ?? []), doc([FULL_ACCESS])] };
      out.grants = [...(out.grants ?? []), { grantId: 'g-all', granteePrincipal: callerArn, operations: GRANT_OPS }];
      const req: Obj = { action };
      if (['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'].includes(action)) req.aliasArn = `arn:aws:kms:us-east-1:${accountOfCaller}:alias/orders`;
      if (['kms:UpdateAlias', 'kms:UpdatePrimaryRegion'].includes(action)) req.destinationKey = { arn: SECOND_KEY_ARN, policy: doc([EVERYONE_FULL_ACCESS]) };
      if (action === 'kms:PutKeyPolicy') req.newKeyPolicy = doc([EVERYONE_FULL_ACCESS]);
      out.request = req;
      return out;
    }

    test('the permissive setup allows every such action to a caller of the key\'s own account (so the gate is what denies below)', () => {
      expect(notCrossAccount.length).toBeGreaterThan(0);
      for (const action of notCrossAccount) {
        const r = evaluate(permissive({ key: { arn: KEY_ARN, policy: doc([ENABLE_IAM]) }, caller: { arn: '' } }, arnOf(KEY_ACCOUNT, 'iam::{a}:role/app'), action));
        expect({ action, decision: r.decision, errors: r.errors }).toEqual({ action, decision: KmsDecision.ALLOW, errors: [] });
      }
    });

    test('an action that is not cross-account capable is never allowed to a caller of another account, whatever the policies and grants', () => {
      const foreignCaller = fc.tuple(fc.constantFrom(OTHER_ACCOUNT, THIRD_ACCOUNT), fc.constantFrom(...IDENTITY_FORMS)).map(([a, f]) => arnOf(a, f));
      fc.assert(fc.property(scenario, foreignCaller, fc.constantFrom(...notCrossAccount), (s, caller, action) => {
        const r = evaluate(permissive(s, caller, action));
        expectValidAndWellFormed(r);
        expect(r.decision).not.toBe(KmsDecision.ALLOW);
        const keyCheck = r.checks.find((c) => c.action === action && c.resource === KEY_ARN);
        expect(keyCheck?.decision).toBe(KmsDecision.IMPLICIT_DENY);
        expect(keyCheck?.explanation).toContain('cannot be used across accounts');
      }), { numRuns: NUM_RUNS });
    });
  });

  describe('robustness: arbitrary input never throws and never allows an invalid scenario', () => {
    const both = (input: unknown): void => {
      expectWellFormed(KmsAccessEvaluator.evaluate(input));
      expectWellFormed(KmsAccessEvaluator.compile(input).evaluate());
    };

    test('fc.anything() as a scenario', () => {
      fc.assert(fc.property(fc.anything(), both), { numRuns: NUM_RUNS });
    });

    test('fc.jsonValue() as a scenario', () => {
      fc.assert(fc.property(fc.jsonValue(), both), { numRuns: NUM_RUNS });
    });

    test('a scenario object whose fields are arbitrary values', () => {
      const fields = fc.record({
        key: fc.anything(),
        caller: fc.anything(),
        request: fc.anything(),
        grants: fc.anything(),
        vpcEndpoint: fc.anything(),
        serviceControlPolicies: fc.anything(),
        resourceControlPolicies: fc.anything(),
        name: fc.anything(),
      }, { requiredKeys: ['caller', 'request'] });
      fc.assert(fc.property(fields, both), { numRuns: NUM_RUNS });
    });

    test('arbitrary requests against a valid compiled scenario', () => {
      fc.assert(fc.property(scenario, fc.anything(), (s, req) => {
        const compiled = KmsAccessEvaluator.compile(s);
        expectWellFormed(compiled.evaluate(req));
        expectWellFormed(compiled.evaluate({ ...s.request, ...(typeof req === 'object' && req !== null && !Array.isArray(req) ? req : {}) }));
      }), { numRuns: NUM_RUNS });
    });

    // Mutations of valid scenarios: a field deleted, replaced by arbitrary JSON or by a value of the wrong type, or an
    // unexpected field added (including names that shadow Object.prototype members).
    const WRONG_TYPES: unknown[] = [
      42, -1, 0, 1.5, 1e21, Number.NaN, true, false, null, '', 'x', '*', '2012-10-17', 'kms:*', `arn:aws:iam::${KEY_ACCOUNT}:root`, [], [1], ['x'], [null],
      {}, { a: 1 }, { AWS: 7 }, { StringEquals: 'x' },
    ];
    const ODD_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'length', '0', '', 'Statement', 'Effect', 'StringEquals', 'AWS', 'kms:EncryptionContext:app'];
    const mutation = fc.record({
      pick: fc.nat(),
      op: fc.constantFrom('delete', 'replace-json', 'wrong-type', 'add-field'),
      json: fc.jsonValue({ maxDepth: 2 }),
      wrong: fc.constantFrom(...WRONG_TYPES),
      key: fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 6 })),
    });
    type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

    function allPaths(value: unknown, path: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
      if (Array.isArray(value)) value.forEach((v, i) => { out.push([...path, i]); allPaths(v, [...path, i], out); });
      else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) { out.push([...path, k]); allPaths(v, [...path, k], out); }
      return out;
    }

    /** A fresh copy of a generated value: the pool values are shared, and mutating them in place could even create cycles. */
    const fresh = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(fresh);
      // Object.fromEntries defines own properties, so a `__proto__` key stays a plain key.
      if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fresh(x)]));
      return v;
    };

    function mutate(s: Obj, m: Mutation): void {
      const paths = allPaths(s);
      const path = paths[m.pick % paths.length];
      const parent = getAt(s, path.slice(0, -1));
      const last = path[path.length - 1];
      if (m.op === 'delete') {
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete parent[last];
      } else if (m.op === 'replace-json' || m.op === 'wrong-type') {
        parent[last] = fresh(m.op === 'replace-json' ? m.json : m.wrong);
      } else {
        const target = parent[last];
        const host = typeof target === 'object' && target !== null ? target : parent;
        if (Array.isArray(host)) host.push(fresh(m.json));
        // defineProperty: an own `__proto__` property, as JSON.parse would create, not a prototype change.
        else Object.defineProperty(host, m.key, { value: fresh(m.json), enumerable: true, writable: true, configurable: true });
      }
    }

    test('mutations of valid scenarios', () => {
      fc.assert(fc.property(scenario, fc.array(mutation, { minLength: 1, maxLength: 4 }), (s, mutations) => {
        const m = clone(s);
        for (const one of mutations) mutate(m, one);
        both(m);
        // A mutated scenario is either still valid or reported invalid; if it is invalid it is not allowed (checked above).
      }), { numRuns: NUM_RUNS });
    });
  });
});
