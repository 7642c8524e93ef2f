/**
 * `kms-guard diff` through `runCli`, on two versions of a real app synthesized by aws-cdk-lib: the second adds one
 * grant (Writer may encrypt) and removes another (Reader may no longer decrypt); exactly those appear. Formats, exit
 * codes (0; 1 with --fail-on-new-access when access was added, or on a usage error; 2 on an unreadable assembly).
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GuardedKmsKey } from '../../src';
import { runCli } from '../../src/cli/main';

const ENV = { account: '111122223333', region: 'us-east-1' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Version 1 grants Reader decrypt; version 2 grants Writer encrypt instead; version 0 neither. `extraKey` adds a second key. */
function synth(version: 0 | 1 | 2, extraKey = false): string {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), `kms-guard-diff-v${version}-`)) });
  const stack = new Stack(app, 'Orders', { env: ENV });
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const key = new GuardedKmsKey(stack, 'Key', { alias: 'orders', administrators: [admin] });
  if (version === 1) key.grantDecrypt(reader);
  if (version === 2) key.grantEncrypt(writer);
  if (extraKey) new GuardedKmsKey(stack, 'Other', { alias: 'other', administrators: [admin] });
  const dir = app.synth().directory;
  dirs.push(dir);
  return dir;
}

function run(args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), readFile: () => { throw new Error('diff reads no scenario file'); } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const v1 = synth(1);
const v2 = synth(2);

describe('kms-guard diff', () => {
  test('GIVEN v1 and v2 WHEN diffed as JSON THEN exactly the added grant and the removed grant appear', () => {
    const r = run(['diff', v1, v2, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ tool: 'kms-guard', keysAdded: [], keysRemoved: [], keysNotEvaluated: [], counts: { added: 1, removed: 1, becameUncertain: 0, noLongerUncertain: 0 } });
    expect(doc.changes.map((c: any) => ({ kind: c.kind, key: c.key, subject: c.subject, actions: c.actions, requires: c.requires }))).toEqual([
      {
        kind: 'added',
        key: 'Orders/Key',
        subject: 'app:Orders/Writer',
        actions: ['kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext'],
        requires: [],
      },
      { kind: 'removed', key: 'Orders/Key', subject: 'app:Orders/Reader', actions: ['kms:DescribeKey', 'kms:Decrypt', 'kms:ReEncryptFrom'], requires: [] },
    ]);
    expect(doc.changes[0].statements).toEqual([expect.stringMatching(/^Sid "Use[0-9a-f]+" of the key policy$/)]);
  });

  test('GIVEN v1 and v2 WHEN diffed as text THEN one + line and one - line under the key and each role', () => {
    const r = run(['diff', v1, v2]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/: 1 added, 1 removed, 0 became uncertain, 0 no longer uncertain; 0 key\(s\) added, 0 removed$/);
    expect(lines.slice(1)).toEqual([
      'key Orders/Key',
      '  role Orders/Reader',
      expect.stringMatching(/^ {4}- describe \(DescribeKey\), decrypt \(Decrypt, ReEncryptFrom\) with a plain request \[Sid "Use[0-9a-f]+" of the key policy\]$/),
      '  role Orders/Writer',
      expect.stringMatching(/^ {4}\+ describe \(DescribeKey\), encrypt \(Encrypt, ReEncryptTo\), data-keys \(GenerateDataKey, GenerateDataKeyWithoutPlaintext\) with a plain request \[Sid "Use[0-9a-f]+" of the key policy\]$/),
    ]);
  });

  test('GIVEN v1 and v2 WHEN diffed as markdown THEN a table row per change', () => {
    const r = run(['diff', v1, v2, '--format=markdown']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('| change | key | principal | actions | condition set | statements |');
    expect(r.out).toMatch(/\n\| added \| `Orders\/Key` \| role Orders\/Writer \| describe \(DescribeKey\), encrypt/);
    expect(r.out).toMatch(/\n\| removed \| `Orders\/Key` \| role Orders\/Reader \| describe \(DescribeKey\), decrypt/);
  });

  test('GIVEN --fail-on-new-access WHEN access was added THEN exit 1 and stderr says why; when only removed THEN exit 0', () => {
    const added = run(['diff', v1, v2, '--fail-on-new-access']);
    expect(added.code).toBe(1);
    expect(added.err).toMatch(/new access \(1 added, 0 became uncertain\) and --fail-on-new-access/);
    const removedOnly = run(['diff', v1, synth(0), '--fail-on-new-access']);
    expect(removedOnly.code).toBe(0);
    expect(removedOnly.out).toMatch(/: 0 added, 1 removed,/);
  });

  test('GIVEN the same app synthesized twice WHEN diffed THEN no change, exit 0 even with --fail-on-new-access', () => {
    const r = run(['diff', v1, synth(1), '--fail-on-new-access']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nno change in who can use the keys$/);
  });

  test('GIVEN a key added WHEN diffed THEN it is listed, its access is added, and --fail-on-new-access fails', () => {
    const r = run(['diff', v1, synth(1, true), '--fail-on-new-access', '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.keysAdded).toEqual([{ path: 'Orders/Other', stackName: 'Orders', logicalId: expect.stringMatching(/^Other/) }]);
    expect(doc.changes.length).toBeGreaterThan(0);
    expect(doc.changes.every((c: any) => c.key === 'Orders/Other' && (c.kind === 'added' || c.kind === 'became-uncertain'))).toBe(true);
    expect(doc.changes).toContainEqual(expect.objectContaining({ subject: 'app:Orders/Admin', kind: 'added', actions: expect.arrayContaining(['kms:PutKeyPolicy']) }));
    const back = run(['diff', synth(1, true), v1, '--format', 'json']);
    expect(JSON.parse(back.out).keysRemoved).toEqual([expect.objectContaining({ path: 'Orders/Other' })]);
  });

  test('GIVEN an unreadable directory WHEN diffed THEN exit 2 naming it; GIVEN one directory THEN a usage error, exit 1', () => {
    const missing = join(tmpdir(), 'kms-guard-no-such-assembly');
    const r = run(['diff', v1, missing]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`kms-guard: ${missing}: cannot read a cloud assembly`);
    const u = run(['diff', v1]);
    expect(u.code).toBe(1);
    expect(u.err).toMatch(/^kms-guard: diff: diff needs two cloud assembly directories, OLD_DIR and NEW_DIR, got 1/);
    expect(run(['diff', v1, v2, '--format', 'html']).err).toMatch(/--format needs one of text, json, markdown, got "html"/);
    expect(run(['diff', v1, v2, '--frobnicate']).code).toBe(1);
  });
});
