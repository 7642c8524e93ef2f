/**
 * `kms-guard explain` through `runCli`, on a real app synthesized by aws-cdk-lib: the decision trace (checks, the
 * statements covering the action, their conditions), the request values given and assumed, agreement with the
 * report's analysis (the same scenario), and errors for unknown keys, principals, actions and endpoints (exit 1, the
 * nearest names listed) and unreadable assemblies (exit 2).
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { analyzeKeys } from '../../src/analysis/effective-access';
import { buildAppModel } from '../../src/app-model/app-model';
import { readCloudAssembly } from '../../src/app-model/cloud-assembly';
import { explain } from '../../src/cli/explain';
import { runCli } from '../../src/cli/main';

const ENV = { account: '111122223333', region: 'us-east-1' };
let dir: string;

beforeAll(() => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'kms-guard-explain-')) });
  const stack = new Stack(app, 'Orders', { env: ENV });
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new iam.Role(stack, 'Outsider', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const key = new GuardedKmsKey(stack, 'Key', {
    alias: 'orders',
    administrators: [admin],
    users: [{ grantee: writer, capabilities: [KeyCapability.ENCRYPT_DECRYPT], encryptionContext: { app: 'orders' } }],
  });
  key.grantDecrypt(reader);
  new kms.Key(stack, 'Plain');
  dir = app.synth().directory;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), readFile: () => { throw new Error('explain reads no scenario file'); } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('kms-guard explain', () => {
  test('GIVEN a user bound to an encryption context WHEN Decrypt without it THEN denied, with the statement and its condition', () => {
    const r = run(['explain', dir, '--key', 'Orders/Key', '--principal', 'Orders/Writer', '--action', 'kms:Decrypt']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^explain kms:Decrypt on key Orders\/Key by role Orders\/Writer\nverdict: DENIED\n/);
    expect(r.out).toContain('  kms:EncryptionContext = (none) [absent]: the request carries no encryption context (--context k=v to add one)');
    expect(r.out).toContain('  kms:ViaService = (none) [absent]: a direct call, not through an AWS service');
    expect(r.out).toMatch(/\n {2}caller = arn:aws:iam::111122223333:role\/Orders-Writer[^ ]* \[assumed\]: holds a value assigned at deploy/);
    expect(r.out).toContain('strict reading (values unknown offline allow nothing): implicit-deny');
    // The statement that would allow it, with the condition the request did not meet.
    expect(r.out).toMatch(/\n {4}- Sid "UseCtx[0-9a-f]+" of the key policy \(Allow\): not named by the evaluator .*\n {8}StringEquals kms:EncryptionContext:app orders\n/);
  });

  test('GIVEN --context app=orders WHEN Decrypt THEN allowed, decided by the UseCtx statement, and the value is marked given', () => {
    const r = run(['explain', dir, '--key', 'Orders/Key', '--principal', 'Orders/Writer', '--action', 'Decrypt', '--context', 'app=orders']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nverdict: ALLOWED\n/);
    expect(r.out).toContain('  kms:EncryptionContext:app = orders [given]');
    expect(r.out).toMatch(/\n {2}check kms:Decrypt on arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f-]+: allow\n/);
    expect(r.out).toMatch(/\n {4}decided by Sid "UseCtx[0-9a-f]+" of the key policy \(Allow\)\n/);
    expect(r.out).toMatch(/\n {4}\* Sid "UseCtx[0-9a-f]+" of the key policy \(Allow\): decided\n/);
    // The role's own IAM policy, named by where it comes from; KMS did not need it (the key policy names the role).
    expect(r.out).toMatch(/\n {4}- statement #0 of the identity policy #0 \([^)]*Writer[^)]*\) \(Allow\): not named by the evaluator/);
  });

  test('GIVEN --format json and --via-service s3 WHEN explained THEN one JSON document with the scenario the evaluator was given', () => {
    const r = run(['explain', dir, '--key', 'Orders/Key', '--principal', 'Orders/Reader', '--action', 'kms:Decrypt', '--via-service', 's3', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ key: { path: 'Orders/Key' }, principal: { id: 'app:Orders/Reader', askedByReport: true }, action: 'kms:Decrypt', verdict: 'allowed' });
    expect(doc.request).toContainEqual(expect.objectContaining({ name: 'kms:ViaService', value: 's3.us-east-1.amazonaws.com', source: 'given' }));
    expect(doc.evaluations).toHaveLength(1);
    expect(doc.evaluations[0].scenario.request).toEqual({ action: 'kms:Decrypt', context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } });
    expect(doc.evaluations[0].result.decision).toBe('allow');
  });

  test('GIVEN a role outside the app on a key that delegates to IAM WHEN explained THEN uncertain: the readings disagree', () => {
    const r = run(['explain', dir, '--key', 'Orders/Plain', '--principal', 'arn:aws:iam::111122223333:role/Elsewhere', '--action', 'kms:Decrypt']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nverdict: UNCERTAIN /);
    expect(r.out).toContain('strict reading (values unknown offline allow nothing): implicit-deny');
    expect(r.out).toContain('permissive reading (values unknown offline allow what they could): allow');
    expect(r.out).toContain('unknown: the IAM policies of arn:aws:iam::111122223333:role/Elsewhere, which are not in the app');
  });

  test('GIVEN the key by alias and the principal by its ARN in another case WHEN explained THEN the same subject as by path', () => {
    const byPath = run(['explain', dir, '--key', 'Orders/Key', '--principal', 'Orders/Reader', '--action', 'kms:Decrypt', '--format', 'json']);
    const arn = JSON.parse(byPath.out).principal.arn as string;
    const byArn = run(['explain', dir, '--key', 'alias/orders', '--principal', arn.toUpperCase().replace(/^ARN:AWS:IAM::/, 'arn:aws:iam::'), '--action', 'kms:Decrypt', '--format', 'json']);
    expect(byArn.code).toBe(0);
    expect(JSON.parse(byArn.out)).toMatchObject({ key: { path: 'Orders/Key' }, principal: { id: 'app:Orders/Reader' }, verdict: 'allowed' });
  });

  test('GIVEN a role of the app that no policy of the key reaches WHEN explained THEN denied, and said to be outside the report', () => {
    const r = run(['explain', dir, '--key', 'Orders/Key', '--principal', 'Orders/Outsider', '--action', 'kms:Decrypt']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nverdict: DENIED\nnote: the report does not list this principal for this key/);
  });

  test('GIVEN the analysis WHEN each subject of the report is explained for a few actions THEN the plain answers agree', () => {
    const model = buildAppModel(readCloudAssembly(dir));
    let compared = 0;
    const verdicts = new Set<string>();
    for (const k of analyzeKeys(model)) {
      for (const s of k.subjects) {
        for (const a of s.capabilities.flatMap((c) => c.actions)) {
          if (!['kms:Decrypt', 'kms:PutKeyPolicy', 'kms:DescribeKey', 'kms:ScheduleKeyDeletion'].includes(a.action)) continue;
          const x = explain(model, { key: k.key.constructPath!, principal: s.subject.id, action: a.action, encryptionContext: {} });
          compared++;
          verdicts.add(x.verdict);
          const plain = a.answer === 'allowed' ? 'allowed' : a.answer === 'uncertain' && a.paths?.some((p) => p.requires.length === 0) ? 'uncertain' : 'denied';
          // A conditional answer is denied as a plain request; an uncertain one with a plain path is uncertain.
          expect(`${k.key.constructPath} ${s.subject.id} ${a.action} ${x.verdict}`).toBe(`${k.key.constructPath} ${s.subject.id} ${a.action} ${plain}`);
        }
      }
    }
    // Every subject of both keys, four actions each; all three verdicts occur.
    expect(compared).toBeGreaterThan(40);
    expect([...verdicts].sort()).toEqual(['allowed', 'denied', 'uncertain']);
  });

  test('GIVEN unknown names WHEN explained THEN exit 1 with what was given and the nearest names', () => {
    const key = run(['explain', dir, '--key', 'Orders/Kye', '--principal', 'Orders/Writer', '--action', 'kms:Decrypt']);
    expect(key.code).toBe(1);
    expect(key.err).toMatch(/^kms-guard: explain: no key "Orders\/Kye" in the app: expected .*\. Nearest: Orders\/Key, /);
    const who = run(['explain', dir, '--key', 'Orders/Key', '--principal', 'Orders/Writter', '--action', 'kms:Decrypt']);
    expect(who.code).toBe(1);
    expect(who.err).toMatch(/no principal "Orders\/Writter" in the app: .* Nearest: Orders\/Writer/);
    const act = run(['explain', dir, '--key', 'Orders/Key', '--principal', 'Orders/Writer', '--action', 'kms:Decrpyt']);
    expect(act.code).toBe(1);
    expect(act.err).toMatch(/no action "kms:Decrpyt" in the app: .* Nearest: kms:Decrypt/);
    const retire = run(['explain', dir, '--key', 'Orders/Key', '--principal', 'Orders/Writer', '--action', 'kms:RetireGrant']);
    expect(retire.code).toBe(1);
    expect(retire.err).toMatch(/kms:RetireGrant is not asked about: /);
    const vpce = run(['explain', dir, '--key', 'Orders/Key', '--principal', 'Orders/Writer', '--action', 'kms:Decrypt', '--source-vpce', 'vpce-0abc']);
    expect(vpce.code).toBe(1);
    expect(vpce.err).toMatch(/--source-vpce "vpce-0abc": the analysis knows no KMS VPC endpoint for key Orders\/Key/);
  });

  test('GIVEN missing or bad options WHEN explained THEN a usage error, exit 1; GIVEN no assembly THEN exit 2', () => {
    expect(run(['explain', dir, '--key', 'Orders/Key', '--action', 'kms:Decrypt']).err).toMatch(/^kms-guard: explain: --principal is required/);
    expect(run(['explain', dir, '--key', 'Orders/Key', '--principal', 'x', '--action', 'kms:Decrypt', '--context', 'novalue']).err)
      .toMatch(/--context needs KEY=VALUE .*got "novalue"/);
    expect(run(['explain', dir, '--key', 'a', '--key', 'b', '--principal', 'x', '--action', 'y']).code).toBe(1);
    const missing = join(tmpdir(), 'kms-guard-no-such-assembly');
    const r = run(['explain', missing, '--key', 'k', '--principal', 'p', '--action', 'kms:Decrypt']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`kms-guard: ${missing}: cannot read a cloud assembly`);
  });
});
