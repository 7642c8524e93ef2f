/**
 * Evaluator benchmark (run on demand: `npx projen bench`). Prints:
 *  (a) raw scenarios/s through KmsAccessEvaluator.evaluate(), each scenario a fresh object (no caching by identity);
 *  (a2) the same, but every scenario has its own accounts, role names, key id, org id, tag and encryption-context
 *       values, so no cache of small recurring pieces (ARNs, principals, condition values) can hit;
 *  (b) compiled decisions/s: a key policy with its principals' policies compiled once, many requests evaluated;
 *  (c) heap bytes per compiled scenario.
 * Single-threaded, so it uses one core. Figures vary on a shared machine: compare ratios from one run.
 */
import { KmsAccessEvaluator } from '../src';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const keyPolicy = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'EnableIAMPolicies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
    {
      Sid: 'KeyAdministrators',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/KeyAdmin' },
      Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'],
      Resource: '*',
    },
    {
      Sid: 'AppUse',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/orders-app' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:app': 'orders', 'kms:CallerAccount': '111122223333' } },
    },
    {
      Sid: 'ConsumerDecrypt',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': '444455556666' }, StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
    },
    {
      Sid: 'DenyOutsideOrg',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-exampleorga' }, Bool: { 'aws:PrincipalIsAWSService': 'false' } },
    },
  ],
};

const identityPolicy = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: KEY_ARN, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'orders' } } },
    { Effect: 'Deny', Action: 'kms:ScheduleKeyDeletion', Resource: '*' },
  ],
};

function scenario(i: number): Record<string, unknown> {
  return {
    key: { arn: KEY_ARN, policy: keyPolicy, aliases: ['alias/orders'] },
    caller: {
      arn: i % 2 === 0 ? 'arn:aws:sts::111122223333:assumed-role/orders-app/s1' : 'arn:aws:sts::111122223333:assumed-role/analyst/s2',
      identityPolicies: [identityPolicy],
      tags: { team: 'orders' },
      orgId: 'o-exampleorga',
    },
    request: { action: i % 3 === 0 ? 'kms:Decrypt' : 'kms:Encrypt', encryptionContext: { app: i % 5 === 0 ? 'billing' : 'orders' } },
  };
}

/**
 * The scenario of `scenario(i)` with every identifier and condition value unique to `i`: accounts, role and session
 * names, key id, alias, org id, principal tag, encryption-context and kms:ViaService values. Same shape, same
 * decisions. What still recurs is what cannot differ: action names, `"*"`, and the Bool condition's `"false"`.
 */
function uniqueScenario(i: number): Record<string, unknown> {
  const account = String(100_000_000_000 + i);
  const consumer = String(200_000_000_000 + i);
  const keyArn = `arn:aws:kms:us-east-1:${account}:key/${(0x10000000 + i).toString(16)}-12ab-34cd-56ef-1234567890ab`;
  const org = `o-org${i}`;
  const app = `orders-${i}`;
  const team = `team-${i}`;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'EnableIAMPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      { ...keyPolicy.Statement[1], Principal: { AWS: `arn:aws:iam::${account}:role/KeyAdmin-${i}` } },
      {
        ...keyPolicy.Statement[2],
        Principal: { AWS: `arn:aws:iam::${account}:role/app-${i}` },
        Condition: { StringEquals: { 'kms:EncryptionContext:app': app, 'kms:CallerAccount': account } },
      },
      {
        ...keyPolicy.Statement[3],
        Principal: { AWS: `arn:aws:iam::${consumer}:root` },
        // No raw request goes through a service, so a per-scenario pattern decides nothing but defeats caching.
        Condition: { StringEquals: { 'kms:CallerAccount': consumer }, StringLike: { 'kms:ViaService': `s3-${i}.*.amazonaws.com` } },
      },
      {
        ...keyPolicy.Statement[4],
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': org }, Bool: { 'aws:PrincipalIsAWSService': 'false' } },
      },
    ],
  };
  const identity = {
    Version: '2012-10-17',
    Statement: [
      { ...identityPolicy.Statement[0], Resource: keyArn, Condition: { StringEquals: { 'aws:PrincipalTag/team': team } } },
      identityPolicy.Statement[1],
    ],
  };
  return {
    key: { arn: keyArn, policy, aliases: [`alias/orders-${i}`] },
    caller: {
      arn: i % 2 === 0 ? `arn:aws:sts::${account}:assumed-role/app-${i}/s${i}` : `arn:aws:sts::${account}:assumed-role/analyst-${i}/s${i}`,
      identityPolicies: [identity],
      tags: { team },
      orgId: org,
    },
    request: { action: i % 3 === 0 ? 'kms:Decrypt' : 'kms:Encrypt', encryptionContext: { app: i % 5 === 0 ? `billing-${i}` : app } },
  };
}

const requests = [
  { action: 'kms:Decrypt', encryptionContext: { app: 'orders' } },
  { action: 'kms:Encrypt', encryptionContext: { app: 'billing' } },
  { action: 'kms:GenerateDataKey', encryptionContext: { app: 'orders' } },
  { action: 'kms:ScheduleKeyDeletion' },
  { action: 'kms:DescribeKey' },
  { action: 'kms:Decrypt', keyId: 'alias/orders', encryptionContext: { app: 'orders' } },
  { action: 'kms:PutKeyPolicy' },
  { action: 'kms:Encrypt', encryptionContext: { app: 'orders' }, context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
];

function time(label: string, n: number, fn: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i); // warm-up
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < n; i++) sink += fn(i) === undefined ? 0 : 1;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = n / seconds;
  console.log(`${label.padEnd(80)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} /s  (${n.toLocaleString('en-US')} in ${seconds.toFixed(2)} s${sink < 0 ? '' : ''})`);
  return rate;
}

function heapPerCompiled(count: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const kept: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const compiled = KmsAccessEvaluator.compile(JSON.parse(JSON.stringify(scenario(i))));
    compiled.evaluate(); // index the statements for the request's action, as real use does
    kept.push(compiled);
  }
  gc?.();
  const after = process.memoryUsage().heapUsed;
  return kept.length > 0 ? (after - before) / count : 0;
}

/** How often each decision occurs over `count` scenarios, e.g. `allow 10, implicit-deny 20`; errors are counted apart. */
function decisionMix(count: number, make: (i: number) => unknown): string {
  const mix = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const result = KmsAccessEvaluator.evaluate(make(i));
    const d = result.errors.length > 0 ? 'ERROR' : result.decision;
    mix.set(d, (mix.get(d) ?? 0) + 1);
  }
  return [...mix].map(([d, n]) => `${d} ${n}`).join(', ');
}

/**
 * Raw scenarios/s. Fresh objects for every evaluation (a JSON round trip, as if read from a file), prepared outside
 * the timed loop, so no cache keyed by object identity helps; they are dropped when the run ends.
 */
function rawRate(label: string, count: number, make: (i: number) => unknown): number {
  const inputs = Array.from({ length: count }, (_, i) => JSON.parse(JSON.stringify(make(i))));
  return time(label, count, (i) => KmsAccessEvaluator.evaluate(inputs[i]).decision);
}

const RAW = Number(process.env.BENCH_RAW ?? 200_000);
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
const raw = rawRate('(a) raw scenarios through KmsAccessEvaluator.evaluate', RAW, scenario);
rawRate('(a2) raw scenarios with unique ARNs, accounts and condition values per scenario', RAW, uniqueScenario);
console.log(`    decision mix over 30 raw scenarios: (a) ${decisionMix(30, scenario)}; (a2) ${decisionMix(30, uniqueScenario)}`);

const COMPILED = Number(process.env.BENCH_COMPILED ?? 3_000_000);
const compiledScenarios = [0, 1].map((i) => KmsAccessEvaluator.compile(scenario(i)));
const compiled = time('(b) compiled decisions (2 principals x 8 requests)', COMPILED, (i) => compiledScenarios[i % 2].evaluate(requests[i % 8]).decision);

const decisions = new Map<string, number>();
for (let i = 0; i < 16; i++) {
  const d = compiledScenarios[i % 2].evaluate(requests[i % 8]).decision;
  decisions.set(d, (decisions.get(d) ?? 0) + 1);
}
console.log(`    decision mix over one cycle: ${[...decisions].map(([d, n]) => `${d} ${n}`).join(', ')}`);
const bytes = heapPerCompiled(2_000);
console.log(`${'(c) heap per compiled scenario (key policy + identity policy)'.padEnd(80)} ${Math.round(bytes).toLocaleString('en-US').padStart(12)} bytes${(globalThis as { gc?: unknown }).gc ? '' : ' (run node with --expose-gc for a steadier figure)'}`);
console.log(`targets: raw (a) >= 100,000/s ${raw >= 100_000 ? 'met' : 'NOT met'}; compiled >= 1,000,000/s ${compiled >= 1_000_000 ? 'met' : 'NOT met'}`);
