/**
 * `kms-guard report` (and its alias `summarize`) through `runCli`, over cloud assemblies synthesized by aws-cdk-lib:
 * formats, --output, exit codes (0 ok, 1 findings at or above --fail-on or a usage error, 2 unreadable input).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { GuardedKmsKey } from '../../src';
import { CliIo, runCli } from '../../src/cli/main';

const ENV = { account: '111122223333', region: 'us-east-1' };

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

function run(args: string[], extra: Partial<CliIo> = {}): Run {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readFile: () => {
      throw new Error('report reads no scenario files');
    },
    ...extra,
  });
  return { code, out, err };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A deployable app: a GuardedKmsKey with an administrator. */
function goodApp(): string {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'kms-guard-report-good-')) });
  const stack = new Stack(app, 'Good', { env: ENV });
  new GuardedKmsKey(stack, 'Key', { administrators: [new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() })] });
  const dir = app.synth().directory;
  dirs.push(dir);
  return dir;
}

/** An app whose key policy locks out the deploying role: a readiness error (lockout). */
function lockedApp(): string {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'kms-guard-report-locked-')) });
  const stack = new Stack(app, 'Locked', { env: ENV });
  new kms.CfnKey(stack, 'Key', { keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'kms:Decrypt', Resource: '*' }] } });
  const dir = app.synth().directory;
  dirs.push(dir);
  return dir;
}

const good = goodApp();
const locked = lockedApp();

describe('kms-guard report', () => {
  test('GIVEN a cloud assembly WHEN reported as a table THEN the access per key and the readiness count are printed, exit 0', () => {
    const r = run(['report', good]);
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(text).toMatch(/^kms-guard report of .*: 1 key in 1 stack \(report version 1\)/);
    expect(text).toMatch(/\nkey Good\/Key \(alias\/Good-Key-[0-9A-F]+\)\n/);
    expect(text).toMatch(/\n {2}role Good\/Admin .* +administer/);
    expect(text).toContain('\ndeploy readiness: 0 errors, 0 warnings');
  });

  test('GIVEN --format json WHEN reported THEN stdout is one JSON document with a version', () => {
    const r = run(['report', good, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out.join('\n'));
    expect(doc).toMatchObject({ version: 1, tool: 'kms-guard', keys: [expect.objectContaining({ evaluated: true })], findings: [], summary: { keys: 1, errors: 0, warnings: 0 } });
  });

  test('GIVEN --format=markdown WHEN reported THEN a markdown document', () => {
    const r = run(['report', good, '--format=markdown']);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('# KMS key access report');
  });

  test('GIVEN --output FILE WHEN reported THEN the file holds the report, stdout nothing, and stderr says where it went', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kms-guard-report-out-')), 'report.json');
    dirs.push(join(file, '..'));
    const r = run(['report', good, '--format', 'json', '--output', file]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
    expect(r.err).toContain(`kms-guard: report of 1 key(s) written to ${file}`);
  });

  test('GIVEN a readiness error WHEN reported with --fail-on error THEN exit 1; without --fail-on exit 0; with --fail-on warning exit 1', () => {
    expect(run(['report', locked]).code).toBe(0);
    const failing = run(['report', locked, '--fail-on', 'error']);
    expect(failing.code).toBe(1);
    expect(failing.out.join('\n')).toMatch(/\n {2}ERROR Locked\/Key \[lockout\]/);
    expect(failing.err).toContain('kms-guard: 1 finding(s) at or above --fail-on error');
    expect(run(['report', locked, '--fail-on', 'warning']).code).toBe(1);
    expect(run(['report', good, '--fail-on', 'warning']).code).toBe(0);
  });

  test('GIVEN a directory that is not a cloud assembly WHEN reported THEN exit 2 with the reason', () => {
    const r = run(['report', join(tmpdir(), 'kms-guard-no-such-assembly')]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/cannot read a cloud assembly: cannot read .*manifest\.json/);
  });

  test('GIVEN an output file that cannot be opened WHEN reported THEN exit 2', () => {
    const r = run(['report', good, '--output', 'x'], { openOutput: () => { throw new Error('EACCES'); } });
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['kms-guard: cannot write x: EACCES']);
  });

  test.each([
    [['report', good, '--format', 'sarif'], /--format needs one of table, markdown, json/],
    [['report', good, '--fail-on', 'info'], /--fail-on needs error or warning/],
    [['report', good, '--verbose'], /unknown option --verbose/],
    [['report', good, good], /one cloud assembly directory at a time/],
    [['report', good, '--output'], /--output needs a file name/],
  ])('GIVEN %j THEN a usage error, exit 1 (as for evaluate and readiness)', (args, message) => {
    const r = run(args);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(message);
    expect(r.err.join('\n')).toContain('usage: kms-guard evaluate');
  });

  test('GIVEN no directory WHEN reported THEN cdk.out is read', () => {
    const r = run(['report']);
    expect(r.code).toBe(existsSync('cdk.out/manifest.json') ? 0 : 2);
    if (r.code === 2) expect(r.err[0]).toMatch(/^kms-guard: cdk\.out: cannot read a cloud assembly/);
  });

  test('GIVEN summarize WHEN run THEN it prints what report --format table prints', () => {
    const summarize = run(['summarize', good]);
    expect(summarize.code).toBe(0);
    expect(summarize.out).toEqual(run(['report', good, '--format', 'table']).out);
    expect(run(['summarize']).code).toBe(1);
  });

  test('--help lists report and the summarize alias', () => {
    const help = run(['--help']).out.join('\n');
    expect(help).toContain('kms-guard report [CDK_OUT_DIR] [--format table|markdown|json] [--output FILE] [--fail-on error|warning]');
    expect(help).toContain('kms-guard summarize CDK_OUT_DIR  the same as report CDK_OUT_DIR --format table');
  });
});
