/**
 * Evaluator benchmark (run on demand: `npx projen bench`). Prints:
 *  (a) raw scenarios/s through KmsAccessEvaluator.evaluate(), each scenario a fresh object (no caching by identity);
 *  (a2) the same, but every scenario has its own accounts, role names, key id, org id, tag and encryption-context
 *       values, so no cache of small recurring pieces (ARNs, principals, condition values) can hit;
 *  (b) compiled decisions/s: a key policy with its principals' policies compiled once, many requests evaluated;
 *  (c) heap bytes per compiled scenario.
 *
 * How it measures, and why:
 *  - Each measurement runs in its own node process (this file, given the measurement's name), so that the garbage
 *    one leaves behind does not slow the next down. The driver (this file without arguments) starts them in turn.
 *  - Each measurement is repeated (BENCH_REPEATS, default 3) and printed as the median with the range: the machine is
 *    shared, and one repetition can be 20% off. Targets are judged on the median.
 *  - Raw inputs are made fresh (a JSON round trip, as if read from a file) in batches of 1,000 outside the timer, so the
 *    figure is the evaluator's, not the cost of keeping 200,000 parsed documents alive for the garbage collector.
 *  - The raw mix has allows, implicit denies and explicit denies (printed under each raw line): deny paths build
 *    longer explanations, and a benchmark of allows only would flatter the evaluator.
 * Single-threaded, so it uses one core.
 */
import { spawnSync } from 'child_process';
import { KmsAccessEvaluator } from '../src';

/** What differs between scenarios: fixed for (a), unique per scenario for (a2). */
interface Ids {
  readonly account: string;
  readonly consumer: string;
  readonly keyArn: string;
  readonly org: string;
  readonly app: string;
  readonly team: string;
  readonly appRole: string;
  readonly adminRole: string;
  readonly viaService: string;
}

const FIXED: Ids = {
  account: '111122223333',
  consumer: '444455556666',
  keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  org: 'o-exampleorga',
  app: 'orders',
  team: 'orders',
  appRole: 'orders-app',
  adminRole: 'KeyAdmin',
  viaService: 's3.*.amazonaws.com',
};

function uniqueIds(i: number): Ids {
  const account = String(100_000_000_000 + i);
  return {
    account,
    consumer: String(200_000_000_000 + i),
    keyArn: `arn:aws:kms:us-east-1:${account}:key/${(0x10000000 + i).toString(16)}-12ab-34cd-56ef-1234567890ab`,
    org: `o-org${i}`,
    app: `orders-${i}`,
    team: `team-${i}`,
    appRole: `app-${i}`,
    adminRole: `KeyAdmin-${i}`,
    // No raw request goes through a service, so a per-scenario pattern decides nothing but defeats caching.
    viaService: `s3-${i}.*.amazonaws.com`,
  };
}

const ADMIN_ACTIONS = ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'];

function keyPolicy(ids: Ids): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'EnableIAMPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ids.account}:root` }, Action: 'kms:*', Resource: '*' },
      { Sid: 'KeyAdministrators', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ids.account}:role/${ids.adminRole}` }, Action: ADMIN_ACTIONS, Resource: '*' },
      {
        Sid: 'AppUse',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ids.account}:role/${ids.appRole}` },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:EncryptionContext:app': ids.app, 'kms:CallerAccount': ids.account } },
      },
      {
        Sid: 'ConsumerDecrypt',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ids.consumer}:root` },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': ids.consumer }, StringLike: { 'kms:ViaService': ids.viaService } },
      },
      {
        Sid: 'DenyOutsideOrg',
        Effect: 'Deny',
        Principal: '*',
        Action: 'kms:*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ids.org }, Bool: { 'aws:PrincipalIsAWSService': 'false' } },
      },
    ],
  };
}

function identityPolicy(ids: Ids): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: ids.keyArn, Condition: { StringEquals: { 'aws:PrincipalTag/team': ids.team } } },
      { Effect: 'Deny', Action: 'kms:ScheduleKeyDeletion', Resource: '*' },
    ],
  };
}

/**
 * Scenario `i`, one of six cases in turn (the decision each gets, and why):
 *  0 allow: the application role decrypts with its encryption context (key policy statement AppUse);
 *  1 allow: an analyst with the team tag encrypts (the key policy delegates to the account, its IAM policy allows);
 *  2 implicit deny: an analyst of another team (its IAM policy's tag condition fails);
 *  3 explicit deny: the application role schedules key deletion (its IAM policy denies it);
 *  4 implicit deny: a consumer account decrypts, but not through S3 (ConsumerDecrypt's kms:ViaService condition);
 *  5 explicit deny: a role of an account outside the organization (DenyOutsideOrg).
 */
function scenario(i: number, ids: Ids): Record<string, unknown> {
  const key = { arn: ids.keyArn, policy: keyPolicy(ids), aliases: [`alias/${ids.app}`] };
  const caller = (account: string, role: string, team: string, org: string): Record<string, unknown> => ({
    arn: `arn:aws:sts::${account}:assumed-role/${role}/s${i}`,
    identityPolicies: [identityPolicy(ids)],
    tags: { team },
    orgId: org,
  });
  const context = { app: ids.app };
  switch (i % 6) {
    case 0: return { key, caller: caller(ids.account, ids.appRole, ids.team, ids.org), request: { action: 'kms:Decrypt', encryptionContext: context } };
    case 1: return { key, caller: caller(ids.account, 'analyst', ids.team, ids.org), request: { action: 'kms:Encrypt', encryptionContext: { app: `billing-${ids.app}` } } };
    case 2: return { key, caller: caller(ids.account, 'analyst', `other-${ids.team}`, ids.org), request: { action: 'kms:Decrypt', encryptionContext: context } };
    case 3: return { key, caller: caller(ids.account, ids.appRole, ids.team, ids.org), request: { action: 'kms:ScheduleKeyDeletion' } };
    case 4: return { key, caller: caller(ids.consumer, 'reader', ids.team, ids.org), request: { action: 'kms:Decrypt', keyId: ids.keyArn, encryptionContext: context } };
    default: return { key, caller: caller(ids.account, ids.appRole, ids.team, `${ids.org}-other`), request: { action: 'kms:Encrypt', encryptionContext: context } };
  }
}

export const fixedScenario = (i: number): Record<string, unknown> => scenario(i, FIXED);
export const uniqueScenario = (i: number): Record<string, unknown> => scenario(i, uniqueIds(i));

export const requests = [
  { action: 'kms:Decrypt', encryptionContext: { app: 'orders' } },
  { action: 'kms:Encrypt', encryptionContext: { app: 'billing' } },
  { action: 'kms:GenerateDataKey', encryptionContext: { app: 'orders' } },
  { action: 'kms:ScheduleKeyDeletion' },
  { action: 'kms:DescribeKey' },
  { action: 'kms:Decrypt', keyId: 'alias/orders', encryptionContext: { app: 'orders' } },
  { action: 'kms:PutKeyPolicy' },
  { action: 'kms:Encrypt', encryptionContext: { app: 'orders' }, context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
];

const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));

/** The median of the repetitions' results, with their range, as `{ median, min, max }`. */
function repeat(run: () => number): { median: number; min: number; max: number } {
  const results = Array.from({ length: REPEATS }, run).sort((x, y) => x - y);
  return { median: results[Math.floor(results.length / 2)], min: results[0], max: results[results.length - 1] };
}

function mix(decisions: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const d of decisions) counts.set(d, (counts.get(d) ?? 0) + 1);
  return [...counts].map(([d, n]) => `${d} ${n}`).join(', ');
}

/**
 * Raw scenarios/s over `count` scenarios. Fresh objects for every evaluation, made in batches outside the timer, so no
 * cache keyed by object identity helps; a batch is dropped once evaluated.
 */
function rawRate(count: number, make: (i: number) => unknown): number {
  const BATCH = 1_000;
  let nanos = 0n;
  for (let done = 0; done < count; done += BATCH) {
    const inputs = JSON.parse(JSON.stringify(Array.from({ length: Math.min(BATCH, count - done) }, (_, i) => make(done + i)))) as unknown[];
    const start = process.hrtime.bigint();
    for (let i = 0; i < inputs.length; i++) KmsAccessEvaluator.evaluate(inputs[i]);
    nanos += process.hrtime.bigint() - start;
  }
  return count / (Number(nanos) / 1e9);
}

function compiledRate(count: number): number {
  const compiled = [0, 1].map((i) => KmsAccessEvaluator.compile(fixedScenario(i)));
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) compiled[i & 1].evaluate(requests[i & 7]);
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

function heapPerCompiled(count: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc: the heap figure needs a full collection before and after');
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const compiled = KmsAccessEvaluator.compile(JSON.parse(JSON.stringify(fixedScenario(i))));
    compiled.evaluate(); // index the statements for the request's action, as real use does
    kept.push(compiled);
  }
  gc();
  return (process.memoryUsage().heapUsed - before) / count;
}

interface Measurement {
  readonly label: string;
  readonly unit: string;
  /** The target the median must reach, if any. */
  readonly target?: number;
  readonly run: () => number;
  /** A line on what was measured (the decision mix). */
  readonly note: () => string;
}

const RAW = Number(process.env.BENCH_RAW ?? 200_000);
const COMPILED = Number(process.env.BENCH_COMPILED ?? 3_000_000);

const MEASUREMENTS: Record<string, Measurement> = {
  'a': {
    label: '(a) raw scenarios through KmsAccessEvaluator.evaluate',
    unit: '/s',
    target: 100_000,
    run: () => rawRate(RAW, fixedScenario),
    note: () => `decision mix per 6 scenarios: ${mix(Array.from({ length: 6 }, (_, i) => KmsAccessEvaluator.evaluate(fixedScenario(i)).decision))}`,
  },
  'a2': {
    label: '(a2) raw scenarios, unique ARNs, accounts and condition values each',
    unit: '/s',
    run: () => rawRate(RAW, uniqueScenario),
    note: () => `decision mix per 6 scenarios: ${mix(Array.from({ length: 6 }, (_, i) => KmsAccessEvaluator.evaluate(uniqueScenario(i)).decision))}`,
  },
  'b': {
    label: '(b) compiled decisions (2 principals x 8 requests)',
    unit: '/s',
    target: 1_000_000,
    run: () => compiledRate(COMPILED),
    note: () => {
      const compiled = [0, 1].map((i) => KmsAccessEvaluator.compile(fixedScenario(i)));
      return `decision mix per 16 decisions: ${mix(Array.from({ length: 16 }, (_, i) => compiled[i & 1].evaluate(requests[i & 7]).decision))}`;
    },
  },
  'c': {
    label: '(c) heap per compiled scenario (key policy + identity policy)',
    unit: 'bytes',
    run: () => heapPerCompiled(2_000),
    note: () => 'after a full collection, 2,000 compiled scenarios kept alive',
  },
};

function measure(name: string): void {
  const m = MEASUREMENTS[name];
  m.run(); // warm-up
  const r = repeat(m.run);
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  const verdict = m.target === undefined ? '' : r.median >= m.target ? `  target ${n(m.target)}: met` : `  target ${n(m.target)}: NOT met`;
  console.log(`${m.label.padEnd(70)} ${n(r.median).padStart(10)} ${m.unit.padEnd(5)} (median of ${REPEATS}, ${n(r.min)}-${n(r.max)})${verdict}`);
  console.log(`    ${m.note()}`);
}

const which = process.argv[2];
if (require.main !== module) {
  // Imported (by a profiling script, say): only the scenario makers are wanted.
} else if (which !== undefined) {
  if (!(which in MEASUREMENTS)) {
    console.error(`unknown measurement ${which}: expected one of ${Object.keys(MEASUREMENTS).join(', ')}`);
    process.exit(1);
  }
  measure(which);
} else {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}; each line from its own process`);
  let failed = false;
  for (const name of Object.keys(MEASUREMENTS)) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, name], { stdio: 'inherit' });
    failed ||= child.status !== 0;
  }
  if (failed) process.exit(1);
}
