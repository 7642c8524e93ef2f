/**
 * Property tests for the rules of issue 10 (fast-check, fixed seeds, a few hundred runs each):
 *
 *  (a) every StringLike/ArnLike match is bounded: at most (|pattern| + 1) x (|value| + 2) wildcard steps (policy/wildcard.ts,
 *      docs/kms-authorization.md "Wildcards"), so for a given pattern the work grows linearly with the value, and it
 *      agrees with a reference matcher;
 *  (b) partitions never cross: a caller never uses a key of another partition, and a policy or grant that names
 *      principals and resources only in partition P never allows a caller or key of partition Q != P;
 *  (c) a permissions boundary never limits an Allow whose Principal is "*" narrowed by a positive operator on
 *      aws:PrincipalArn (same account), while it does limit one that names the caller's role ARN or a bare "*";
 *  (d) deny matching is never narrower than AWS's: a Deny that names the caller's principal in another case or with
 *      another path, or the action in another case, still denies, and so does one whose NotPrincipal exemption names
 *      the caller only in another case or path.
 *
 * Sources: docs/kms-authorization.md ("Choices where the documentation is silent": principal names, partitions,
 * permissions boundary); iam-user-guide/reference_policies_elements_principal.md ("IAM role principals");
 * iam-user-guide/reference_policies_elements_condition_operators.md; iam-user-guide/reference_policies_evaluation-logic.md.
 */
import * as fc from 'fast-check';
import { EvaluationResult, KmsAccessEvaluator } from '../../src';
import { arnMatcher } from '../../src/evaluator/conditions/arn';
import { MatchCounter, countMatchSteps, wildcardMatcher } from '../../src/policy/wildcard';

type Obj = Record<string, any>;

/** Runs per property; raise it locally for a deeper search: `KMS_GUARD_PROPERTY_RUNS=3000 npx jest test/evaluator/properties-boundaries`. */
const NUM_RUNS = Number(process.env.KMS_GUARD_PROPERTY_RUNS ?? 300);
const options = (seed: number): fc.Parameters<unknown> => ({ numRuns: NUM_RUNS, seed });

const ACCOUNT = '111122223333';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
const REGION: Record<string, string> = { 'aws': 'us-east-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1' };
const keyArn = (partition: string, account = ACCOUNT): string => `arn:${partition}:kms:${REGION[partition]}:${account}:key/${KEY_ID}`;
const policy = (...statements: Obj[]): Obj => ({ Version: '2012-10-17', Statement: statements });
const ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:ReEncryptFrom', 'kms:GetKeyPolicy'];

/** The decision, after checking that the scenario was valid (an invalid one would be a deny for the wrong reason). */
function decide(s: Obj): EvaluationResult['decision'] {
  const r = KmsAccessEvaluator.evaluate(s);
  if (r.errors.length > 0) throw new Error(`generated scenario is invalid: ${r.errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`);
  return r.decision;
}

// ---------------------------------------------------------------------------------------------------------------------
// (a) bounded wildcard matching
// ---------------------------------------------------------------------------------------------------------------------

/** Reference semantics of `*` and `?` (IAM UG condition operators page): a plain dynamic programme, O(|p| x |s|). */
function referenceMatch(pattern: string, subject: string): boolean {
  let row: boolean[] = new Array(subject.length + 1).fill(false);
  row[0] = true;
  for (const ch of pattern) {
    const next: boolean[] = new Array(subject.length + 1).fill(false);
    if (ch === '*') {
      let seen = false;
      for (let j = 0; j <= subject.length; j++) {
        seen = seen || row[j];
        next[j] = seen;
      }
    } else {
      for (let j = 1; j <= subject.length; j++) next[j] = row[j - 1] && (ch === '?' || ch === subject[j - 1]);
    }
    row = next;
  }
  return row[subject.length];
}

/** The same, for ARNs: six components split at the first five colons, each matched alone (IAM UG, ArnLike). */
function referenceArnMatch(pattern: string, subject: string): boolean {
  const split = (t: string): string[] | undefined => {
    const parts = t.split(':');
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const s = split(subject);
  if (!p || !s || p[0] !== 'arn') return false;
  return p.every((part, i) => referenceMatch(part, s[i]));
}

const stepsOf = (fn: () => unknown): number => {
  const counter: MatchCounter = { steps: 0 };
  countMatchSteps(counter, fn);
  return counter.steps;
};

/** Patterns and values over a small alphabet, so that matches and near-misses are common; long values for the bound. */
const pattern = fc.array(fc.constantFrom('a', 'b', '*', '?', '*a', 'a*b'), { minLength: 1, maxLength: 24 }).map((parts) => parts.join(''));
const value = fc.oneof(
  fc.array(fc.constantFrom('a', 'b'), { maxLength: 40 }).map((xs) => xs.join('')),
  fc.tuple(fc.constantFrom('a', 'ab', 'aab', 'ba'), fc.integer({ min: 50, max: 3000 }), fc.constantFrom('', 'b', 'c')).map(([unit, n, tail]) => unit.repeat(n) + tail),
);

describe('(a) StringLike and ArnLike matching is bounded by (|pattern| + 1) x (|value| + 2) steps', () => {
  test('GIVEN random patterns and values WHEN matched (case-sensitive and -insensitive) THEN the steps stay within the bound and the result is the reference result', () => {
    fc.assert(fc.property(pattern, value, fc.boolean(), (p, v, insensitive) => {
      let matched = false;
      const steps = stepsOf(() => {
        matched = wildcardMatcher(p, insensitive)(insensitive ? v.toLowerCase() : v);
      });
      expect(steps).toBeLessThanOrEqual((p.length + 1) * (v.length + 2));
      expect(matched).toBe(referenceMatch(p, v));
    }), options(1001));
  });

  test('GIVEN random ARN patterns and ARNs WHEN matched by ArnLike THEN the steps stay within the bound and each component is matched alone', () => {
    const component = fc.array(fc.constantFrom('a', 'b', '/', '*', '?'), { maxLength: 6 }).map((xs) => xs.join(''));
    const arnPattern = fc.array(component, { minLength: 5, maxLength: 5 }).map((cs) => `arn:${cs.join(':')}`);
    const arnValue = fc.tuple(fc.array(fc.array(fc.constantFrom('a', 'b', '/'), { maxLength: 5 }).map((xs) => xs.join('')), { minLength: 5, maxLength: 6 }), fc.integer({ min: 0, max: 2000 }))
      .map(([cs, n]) => `arn:${cs.join(':')}${'ab/'.repeat(n)}`);
    fc.assert(fc.property(arnPattern, arnValue, (p, v) => {
      let matched = false;
      const steps = stepsOf(() => {
        matched = arnMatcher(p)(v);
      });
      expect(steps).toBeLessThanOrEqual((p.length + 1) * (v.length + 2));
      expect(matched).toBe(referenceArnMatch(p, v));
    }), options(1002));
  });

  test('GIVEN a StringLike or ArnLike condition in a key policy and a caller-chosen value WHEN evaluated THEN the whole evaluation stays within a small multiple of the bound', () => {
    const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
    fc.assert(fc.property(pattern, value, fc.constantFrom('StringLike', 'StringNotLike', 'ArnLike'), (p, v, operator) => {
      const arn = operator === 'ArnLike';
      const condPattern = arn ? `arn:aws:s3:::${p}` : p;
      const condValue = arn ? `arn:aws:s3:::${v}` : v;
      const s = {
        key: { arn: keyArn('aws'), policy: policy({ Sid: 'Use', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*', Condition: { [operator]: { 'kms:EncryptionContext:x': condPattern } } }) },
        caller: { arn: ROLE },
        request: { action: 'kms:Decrypt', encryptionContext: { x: condValue } },
      };
      let result: EvaluationResult | undefined;
      const steps = stepsOf(() => {
        result = KmsAccessEvaluator.evaluate(s);
      });
      expect(result!.errors).toEqual([]);
      // Deciding, then explaining a deny: the condition is tested a few times, never a power of the value's length.
      expect(steps).toBeLessThanOrEqual(4 * (condPattern.length + 1) * (condValue.length + 2));
      const matches = arn ? referenceArnMatch(condPattern, condValue) : referenceMatch(condPattern, condValue);
      expect(result!.decision).toBe((operator === 'StringNotLike' ? !matches : matches) ? 'allow' : 'implicit-deny');
    }), options(1003));
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// (b) partitions never cross
// ---------------------------------------------------------------------------------------------------------------------

/** Two different partitions: the key's (Q) and the one the policies name (P). */
const partitionPair = fc.tuple(fc.constantFrom(...PARTITIONS), fc.constantFrom(...PARTITIONS)).filter(([q, p]) => q !== p);
const callerForm = fc.constantFrom('iam::{a}:role/app', 'iam::{a}:user/alice', 'sts::{a}:assumed-role/app/s1', 'iam::{a}:root', 'sts::{a}:federated-user/fed');
const arnIn = (partition: string, form: string): string => `arn:${partition}:${form.replace('{a}', ACCOUNT)}`;
/** What a statement's Principal names, all in partition P. */
const principalIn = (partition: string): fc.Arbitrary<unknown> => fc.constantFrom(
  { AWS: arnIn(partition, 'iam::{a}:root') },
  { AWS: arnIn(partition, 'iam::{a}:role/app') },
  { AWS: arnIn(partition, 'iam::{a}:user/alice') },
  { AWS: arnIn(partition, 'sts::{a}:assumed-role/app/s1') },
  { AWS: [arnIn(partition, 'iam::{a}:role/app'), arnIn(partition, 'iam::{a}:user/alice')] },
);

interface PartitionCase {
  readonly q: string;
  readonly p: string;
  readonly form: string;
  readonly principals: unknown[];
  readonly actions: string[];
  readonly resourceInP: boolean;
  readonly withIdentityPolicy: boolean;
  readonly withGrant: boolean;
  readonly action: string;
}

const partitionCase: fc.Arbitrary<PartitionCase> = partitionPair.chain(([q, p]) => fc.record({
  q: fc.constant(q),
  p: fc.constant(p),
  form: callerForm,
  principals: fc.array(principalIn(p), { minLength: 1, maxLength: 3 }),
  actions: fc.array(fc.constantFrom('kms:*', '*', ...ACTIONS), { minLength: 1, maxLength: 3 }),
  resourceInP: fc.boolean(),
  withIdentityPolicy: fc.boolean(),
  withGrant: fc.boolean(),
  action: fc.constantFrom(...ACTIONS),
}));

/**
 * A key and caller in partition Q whose key policy, identity policy and grant name principals and resources of partition
 * `named`: the partition property sets `named` = P != Q; the control sets `named` = Q, and must then allow some of them.
 */
function partitionScenario(c: PartitionCase, named: string): Obj {
  const resource = c.resourceInP ? `arn:${named}:kms:*:${ACCOUNT}:key/*` : '*';
  const grantee = arnIn(named, c.form === 'iam::{a}:root' ? 'iam::{a}:role/app' : c.form);
  return {
    key: { arn: keyArn(c.q), policy: policy(...c.principals.map((principal, i) => ({ Sid: `Allow${i}`, Effect: 'Allow', Principal: JSON.parse(JSON.stringify(principal).split(`arn:${c.p}:`).join(`arn:${named}:`)), Action: c.actions, Resource: resource }))) },
    caller: {
      arn: arnIn(c.q, c.form),
      ...(c.withIdentityPolicy ? { identityPolicies: [policy({ Effect: 'Allow', Action: 'kms:*', Resource: `arn:${named}:kms:*:${ACCOUNT}:key/*` })] } : {}),
    },
    ...(c.withGrant ? { grants: [{ grantId: 'g1', granteePrincipal: grantee, operations: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey', 'ReEncryptFrom'] }] } : {}),
    request: { action: c.action },
  };
}

describe('(b) partitions never cross', () => {
  test('GIVEN a caller of partition P and a key of partition Q != P WHEN the key policy allows "*" everything THEN nothing is allowed', () => {
    fc.assert(fc.property(partitionPair, fc.constantFrom('iam::{a}:role/app', 'iam::{a}:user/alice', 'sts::{a}:assumed-role/app/s1', 'iam::{a}:root'), fc.constantFrom(...ACTIONS), ([q, p], form, action) => {
      const s = {
        key: { arn: keyArn(q), policy: policy({ Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }, { Sid: 'Root', Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'kms:*', Resource: '*' }) },
        caller: { arn: arnIn(p, form), identityPolicies: [policy({ Effect: 'Allow', Action: '*', Resource: '*' })] },
        grants: [{ grantId: 'g1', granteePrincipal: arnIn(p, 'iam::{a}:role/app'), operations: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey'] }],
        request: { action },
      };
      expect(decide(s)).not.toBe('allow');
    }), options(2001));
  });

  test('GIVEN policies and grants naming principals and resources of partition P only WHEN a caller of partition Q != P uses a key of Q THEN nothing is allowed (and with P = Q the same scenarios do allow)', () => {
    let controlAllowed = 0;
    fc.assert(fc.property(partitionCase, (c) => {
      expect(decide(partitionScenario(c, c.p))).not.toBe('allow');
      if (decide(partitionScenario(c, c.q)) === 'allow') controlAllowed++;
    }), options(2002));
    // Guards against vacuity: the partition, and nothing else in the generated scenarios, is what denies.
    expect(controlAllowed).toBeGreaterThan(NUM_RUNS / 10);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// (c) permissions boundaries and Principal "*" narrowed by aws:PrincipalArn
// ---------------------------------------------------------------------------------------------------------------------

const ROLE_PATHS = ['/', '/team/', '/a/b/'];
/** A boundary that allows no KMS action on the key: whatever it limits, it limits to nothing. */
const boundary = fc.constantFrom(
  policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
  policy({ Effect: 'Allow', Action: 'kms:*', Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/other` }),
  policy({ Effect: 'Allow', Action: 'kms:ListAliases', Resource: '*' }),
);
/** A positive String or ARN operator (not negated, not ForAllValues:) on aws:PrincipalArn that the caller satisfies. */
const narrowing = (roleArn: string): fc.Arbitrary<Obj> => fc.constantFrom(
  { ArnEquals: { 'aws:PrincipalArn': roleArn } },
  { ArnLike: { 'aws:PrincipalArn': roleArn } },
  { StringEquals: { 'aws:PrincipalArn': roleArn } },
  { StringLike: { 'aws:PrincipalArn': roleArn } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/*` } },
  { StringLike: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/nobody`, roleArn] } },
  { 'ForAnyValue:StringEquals': { 'aws:PrincipalArn': roleArn } },
  { ArnEqualsIfExists: { 'aws:PrincipalArn': roleArn } },
);

interface BoundaryCase {
  readonly path: string;
  readonly session: boolean;
  readonly action: string;
  readonly boundary: Obj;
  readonly condition: Obj;
  readonly useSessionPolicy: boolean;
}

/**
 * A session ARN carries no role path, so the evaluator derives aws:PrincipalArn = `role/NAME` for a session (principal.ts):
 * a session's role is given the path `/` here, since a scenario cannot say that it has another.
 */
const boundaryCase: fc.Arbitrary<BoundaryCase> = fc
  .record({
    path: fc.constantFrom(...ROLE_PATHS), session: fc.boolean(), action: fc.constantFrom(...ACTIONS), boundary, useSessionPolicy: fc.boolean(),
  })
  .map((b) => {
    const session = b.session || b.useSessionPolicy;
    return { ...b, session, path: session ? '/' : b.path };
  })
  .chain((b) => narrowing(`arn:aws:iam::${ACCOUNT}:role${b.path}app`).map((condition) => ({ ...b, condition })));

/** The caller (role app, or a session of it), its boundary (or session policy), and a key policy of `statements`. */
function boundaryScenario(c: BoundaryCase, statement: Obj, extraBoundary: Obj[] = []): Obj {
  const limit = { ...c.boundary, Statement: [...c.boundary.Statement, ...extraBoundary] };
  return {
    key: { arn: keyArn('aws'), policy: policy({ Sid: 'Use', Effect: 'Allow', Action: c.action, Resource: '*', ...statement }) },
    caller: {
      arn: c.session ? `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1` : `arn:aws:iam::${ACCOUNT}:role${c.path}app`,
      ...(c.useSessionPolicy ? { sessionPolicy: limit } : { permissionsBoundary: limit }),
    },
    request: { action: c.action },
  };
}

describe('(c) a permissions boundary or session policy and Principal "*" narrowed by aws:PrincipalArn', () => {
  test('GIVEN an Allow to Principal "*" narrowed to the caller by a positive operator on aws:PrincipalArn WHEN the boundary allows nothing of KMS THEN the request is still allowed', () => {
    fc.assert(fc.property(boundaryCase, (c) => {
      expect(decide(boundaryScenario(c, { Principal: '*', Condition: c.condition }))).toBe('allow');
      // The same with Principal {"AWS": "*"}, the other spelling of everyone.
      expect(decide(boundaryScenario(c, { Principal: { AWS: '*' }, Condition: c.condition }))).toBe('allow');
    }), options(3001));
  });

  test('GIVEN the same boundary WHEN the Allow names the caller\'s role ARN, or is a bare "*" THEN the boundary limits it: an implicit deny', () => {
    fc.assert(fc.property(boundaryCase, (c) => {
      expect(decide(boundaryScenario(c, { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role${c.path}app` } }))).toBe('implicit-deny');
      expect(decide(boundaryScenario(c, { Principal: '*' }))).toBe('implicit-deny');
    }), options(3002));
  });

  test('GIVEN the same boundary on a user WHEN the Allow names the user itself THEN the boundary does not limit it (it limits only grants through a role ARN or "*")', () => {
    fc.assert(fc.property(boundaryCase, fc.constantFrom('/', '/ops/'), (c, path) => {
      const user = `arn:aws:iam::${ACCOUNT}:user${path}carol`;
      const s = boundaryScenario({ ...c, session: false, useSessionPolicy: false }, { Principal: { AWS: user } });
      s.caller.arn = user;
      expect(decide(s)).toBe('allow');
    }), options(3005));
  });

  test('GIVEN the narrowed "*" Allow WHEN the boundary holds an explicit Deny of the action THEN it denies (explicit denies always count)', () => {
    fc.assert(fc.property(boundaryCase, (c) => {
      const deny = { Effect: 'Deny', Action: c.action, Resource: '*' };
      expect(decide(boundaryScenario(c, { Principal: '*', Condition: c.condition }, [deny]))).toBe('explicit-deny');
    }), options(3003));
  });

  test('GIVEN the narrowed "*" Allow WHEN the caller is of another account THEN the exemption does not apply (cross-account allows need both sides)', () => {
    fc.assert(fc.property(boundaryCase, (c) => {
      const other = '444455556666';
      const s = boundaryScenario({ ...c, condition: JSON.parse(JSON.stringify(c.condition).split(ACCOUNT).join(other)) }, { Principal: '*', Condition: JSON.parse(JSON.stringify(c.condition).split(ACCOUNT).join(other)) });
      s.caller.arn = s.caller.arn.replace(ACCOUNT, other);
      expect(decide(s)).not.toBe('allow');
    }), options(3004));
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// (d) deny matching is never narrower than AWS's
// ---------------------------------------------------------------------------------------------------------------------

/** `text` with the case of the letters at `flips` (indexes modulo its length) swapped: at least one letter changes. */
function recase(text: string, flips: readonly number[]): string {
  const letters = [...text].map((ch, i) => (/[a-z]/i.test(ch) ? i : -1)).filter((i) => i >= 0);
  if (letters.length === 0) return text;
  const chosen = new Set(flips.map((f) => letters[f % letters.length]));
  return [...text].map((ch, i) => (chosen.has(i) ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch)).join('');
}

interface DenyCase {
  readonly kind: 'role' | 'user' | 'session';
  readonly name: string;
  readonly callerPath: string;
  readonly denyPath: string;
  readonly flips: number[];
  readonly action: string;
  readonly actionFlips: number[];
  readonly where: 'key' | 'identity' | 'scp' | 'boundary';
}

const denyCase: fc.Arbitrary<DenyCase> = fc.record({
  kind: fc.constantFrom('role', 'user', 'session'),
  name: fc.constantFrom('app', 'Orders-Reader', 'ci_deployer', 'x.y@z'),
  callerPath: fc.constantFrom('/', '/team/', '/a/b/'),
  denyPath: fc.constantFrom('/', '/other/', '/team/'),
  flips: fc.array(fc.nat(), { minLength: 0, maxLength: 4 }),
  action: fc.constantFrom(...ACTIONS),
  actionFlips: fc.array(fc.nat(), { minLength: 0, maxLength: 6 }),
  where: fc.constantFrom('key', 'identity', 'scp', 'boundary'),
});

/** The caller's own ARN, and what a Deny names: the same principal, recased in its name and with another path. */
function denyPrincipals(c: DenyCase): { caller: string; exact: string; variant: string } {
  const type = c.kind === 'user' ? 'user' : 'role';
  const caller = c.kind === 'session' ? `arn:aws:sts::${ACCOUNT}:assumed-role/${c.name}/s1` : `arn:aws:iam::${ACCOUNT}:${type}${c.callerPath}${c.name}`;
  const exact = c.kind === 'session' ? `arn:aws:iam::${ACCOUNT}:role/${c.name}` : caller;
  const variant = `arn:aws:iam::${ACCOUNT}:${type}${c.denyPath}${recase(c.name, c.flips)}`;
  return { caller, exact, variant };
}

/** A key policy that allows the caller exactly, through the key policy and through IAM; plus `edit`. */
function denyScenario(c: DenyCase, edit: (s: Obj) => void): Obj {
  const { caller, exact } = denyPrincipals(c);
  const s: Obj = {
    key: {
      arn: keyArn('aws'),
      policy: policy(
        { Sid: 'Use', Effect: 'Allow', Principal: { AWS: exact }, Action: c.action, Resource: '*' },
        { Sid: 'EnableIAM', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
      ),
    },
    caller: { arn: caller, identityPolicies: [policy({ Effect: 'Allow', Action: c.action, Resource: keyArn('aws') })] },
    request: { action: c.action },
  };
  edit(s);
  return s;
}

describe('(d) deny matching is never narrower than AWS\'s', () => {
  test('GIVEN the scenarios without any Deny THEN they allow (so a deny below comes from the Deny)', () => {
    fc.assert(fc.property(denyCase, (c) => {
      expect(decide(denyScenario(c, () => undefined))).toBe('allow');
    }), options(4000));
  });

  test('GIVEN a key-policy Deny naming the caller\'s principal in another case and with another path THEN it denies', () => {
    fc.assert(fc.property(denyCase, (c) => {
      const { variant } = denyPrincipals(c);
      const s = denyScenario(c, (x) => x.key.policy.Statement.push({ Sid: 'NoThem', Effect: 'Deny', Principal: { AWS: variant }, Action: c.action, Resource: '*' }));
      expect(decide(s)).toBe('explicit-deny');
    }), options(4001));
  });

  test('GIVEN a Deny in any policy (key, identity, SCP, boundary) whose action is the requested one in another case, or a wildcard over it THEN it denies', () => {
    fc.assert(fc.property(denyCase, fc.boolean(), (c, wildcard) => {
      const action = wildcard ? `${recase('kms', c.actionFlips)}:${recase(c.action.slice(4, 7), c.actionFlips)}*` : recase(c.action, c.actionFlips);
      const deny = { Effect: 'Deny', Action: action, Resource: '*' };
      const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
      const s = denyScenario(c, (x) => {
        if (c.where === 'key') x.key.policy.Statement.push({ Sid: 'NoAction', Principal: '*', ...deny });
        else if (c.where === 'identity') x.caller.identityPolicies.push(policy(deny));
        else if (c.where === 'scp') x.serviceControlPolicies = [policy(allowAll, deny)];
        else x.caller.permissionsBoundary = policy(allowAll, deny);
      });
      expect(decide(s)).toBe('explicit-deny');
    }), options(4002));
  });

  test('GIVEN a Deny whose NotPrincipal exempts the caller only in another case or with another path THEN the exemption does not apply: it denies', () => {
    // Variants that differ from the caller: a session's role only by case (a role entry matches its sessions whatever the
    // path), a user or role by case or path.
    const differs = (c: DenyCase): boolean => c.flips.length > 0 || (c.kind !== 'session' && c.denyPath !== c.callerPath);
    fc.assert(fc.property(denyCase.filter(differs), (c) => {
      const { variant } = denyPrincipals(c);
      const exempt = c.kind === 'session' ? [variant, `arn:aws:sts::${ACCOUNT}:assumed-role/${recase(c.name, c.flips)}/s1`] : [variant];
      const s = denyScenario(c, (x) => x.key.policy.Statement.push({ Sid: 'OnlyThem', Effect: 'Deny', NotPrincipal: { AWS: [...exempt, `arn:aws:iam::${ACCOUNT}:root`] }, Action: c.action, Resource: '*' }));
      expect(decide(s)).toBe('explicit-deny');
    }), options(4003));
  });
});
