/**
 * What `kms-guard report` costs as an app grows: generated apps of 10, 100 and 1,000 KMS keys (2 roles each, 10 stacks,
 * 2 accounts; half plain `kms.Key`s with ordinary grants, half `GuardedKmsKey`s), synthesized once with aws-cdk-lib,
 * then measured, each measurement in its own process so that its peak memory is its own:
 *
 * - `report`: reading the cloud assembly and building the app model, the effective-access analysis of every key
 *   (src/analysis/effective-access.ts, keys streamed and dropped as a report renders them), rendering the table, and
 *   the rules (src/rules, deploy readiness included) whose findings follow it (all that `kms-guard report` does);
 *
 * The previous `summarize` (every key asked about every principal of the app, over 14 actions) was measured beside it
 * until it was deleted; its last figures (124 s and 1.5 GB at 1,000 keys, against 6.6 s and 253 MB for `report`, in one
 * run on 2026-11-30) are in docs/access-analysis.md.
 *
 * Prints time (ms), peak RSS and peak heap (MB) and the evaluator's work. Not a timed test: figures depend on the
 * machine; compare them within one run.
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/report.bench.ts [--sizes 10,100,1000]
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

interface Measurement {
  readonly what: string;
  readonly keys: number;
  readonly principals: number;
  readonly modelMs: number;
  readonly analysisMs: number;
  readonly rulesMs: number;
  readonly totalMs: number;
  readonly peakRssMb: number;
  readonly peakHeapMb: number;
  readonly subjects: number;
  readonly evaluations: number;
  readonly compilations: number;
}

const ACCOUNTS = ['111122223333', '444455556666'];
const STACKS = 10;

/** Synthesizes the generated app of `keys` keys into `dir`. */
function synthesize(keys: number, dir: string): number {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App, Stack } = require('aws-cdk-lib');
  const iam = require('aws-cdk-lib/aws-iam');
  const kms = require('aws-cdk-lib/aws-kms');
  const { GuardedKmsKey, KeyCapability } = require('../src');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const start = Date.now();
  // 100 keys per stack hold about 600 resources: over CloudFormation's 500 per stack, which the analysis does not care
  // about (the app is never deployed), so CDK's check is switched off.
  const app = new App({ outdir: dir, context: { '@aws-cdk/core:stackResourceLimit': 0 } });
  const stacks = Array.from({ length: STACKS }, (_, i) => new Stack(app, `Stack${i}`, { env: { account: ACCOUNTS[i < STACKS / 2 ? 0 : 1], region: 'us-east-1' } }));
  for (let k = 0; k < keys; k++) {
    const stack = stacks[k % STACKS];
    const admin = new iam.Role(stack, `Admin${k}`, { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, `User${k}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    if (k % 2 === 0) {
      const key = new kms.Key(stack, `Key${k}`, { alias: `plain-${k}` });
      key.grantAdmin(admin);
      key.grantEncryptDecrypt(user);
    } else {
      new GuardedKmsKey(stack, `Key${k}`, {
        alias: `guarded-${k}`,
        administrators: [admin],
        users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT], encryptionContext: { app: `app-${k}` } }],
      });
    }
  }
  app.synth();
  return Date.now() - start;
}

/** Child process: one measurement of one assembly. */
function measure(dir: string): Measurement {
  // Every module is loaded (and compiled by ts-node) before the clock starts.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { buildAppModel } = require('../src/app-model/app-model');
  const { readCloudAssembly } = require('../src/app-model/cloud-assembly');
  const { analyzeKeys } = require('../src/analysis/effective-access');
  const { reportHeader } = require('../src/report/report-model');
  const { TableRenderer } = require('../src/report/table');
  const { runRules } = require('../src/rules');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const gc = (global as { gc?: () => void }).gc;
  gc?.();
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = (): void => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const t0 = performance.now();
  const model = buildAppModel(readCloudAssembly(dir));
  const t1 = performance.now();
  sample();
  let subjects = 0;
  let rulesMs = 0;
  const counter = { evaluations: 0, compilations: 0 };
  {
    const renderer = new TableRenderer();
    let bytes = renderer.begin(reportHeader(dir, model.stacks.length, model.keys.length)).join('\n').length;
    let n = 0;
    for (const key of analyzeKeys(model, { counter })) {
      subjects += key.subjects.length;
      bytes += renderer.key(key).join('\n').length;
      if (++n % 10 === 0) sample();
    }
    const r0 = performance.now();
    const findings = runRules(model);
    rulesMs = Math.round(performance.now() - r0);
    bytes += renderer.end({ findings, warnings: model.warnings }).join('\n').length;
    if (bytes === 0) throw new Error('nothing rendered');
  }
  const t2 = performance.now();
  sample();
  return {
    what: 'report',
    keys: model.keys.length,
    principals: model.principals.length,
    modelMs: Math.round(t1 - t0),
    analysisMs: Math.round(t2 - t1) - rulesMs,
    rulesMs,
    totalMs: Math.round(t2 - t0),
    // maxRSS is in kilobytes.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    peakHeapMb: Math.round(peakHeap / 1024 / 1024),
    subjects,
    evaluations: counter.evaluations,
    compilations: counter.compilations,
  };
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--measure') {
    process.stdout.write(`${JSON.stringify(measure(args[1]))}\n`);
    return;
  }
  const option = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
  };
  const sizes = option('--sizes', '10,100,1000').split(',').map(Number);
  const rows: string[] = [];
  for (const size of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `kms-guard-bench-${size}-`));
    try {
      const synthMs = synthesize(size, dir);
      process.stderr.write(`synthesized ${size} keys in ${synthMs} ms\n`);
      {
        const out = execFileSync(process.execPath, [...process.execArgv, __filename, '--measure', dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const m = JSON.parse(out.trim().split('\n').pop()!) as Measurement;
        rows.push(`| ${size} | ${m.what} | ${m.principals} | ${synthMs} | ${m.modelMs} | ${m.analysisMs} | ${m.rulesMs || '-'} | ${m.totalMs} | ${m.peakRssMb} | ${m.peakHeapMb} | ${m.subjects} | ${m.evaluations || '-'} |`);
        process.stderr.write(`${rows[rows.length - 1]}\n`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write([
    `node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
    '',
    '| keys | run | principals | synth ms | model ms | access analysis + render ms | rules ms | total ms | peak RSS MB | peak heap MB | (key, subject) pairs | evaluations |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'));
}

main();
