/**
 * Synth-time validation benchmark (run on demand; prints figures, it is not a timed test). On a generated app of
 * 300 KMS keys (plain `kms.Key` with ordinary CDK grants, some `GuardedKmsKey`s), 600 roles, 10 stacks and 2 accounts,
 * it times a whole `cdk synth` process (node start, loading aws-cdk-lib, building the app, `app.synth()`) in these modes:
 *
 *  - `none`: no kms-guard validation (the GuardedKmsKeys with `validation: false`), no cdk-nag;
 *  - `aspect`: `KmsGuardAspect.applyTo(app)` (the GuardedKmsKeys' own validation off);
 *  - `self`: only the GuardedKmsKeys validating themselves (the default);
 *  - `aspect+self`: both, as an app with the aspect and default constructs has them (the app is evaluated once);
 *  - `pack`: kms-guard's cdk-nag pack `KmsGuardChecks` as a validation plugin (`Validations.of(app).addPlugins(...)`);
 *  - `aspect+pack`: both (the pack reuses the aspect's evaluation when the written templates are the validated ones);
 *  - `nag`: cdk-nag's `AwsSolutionsChecks` as a validation plugin (`Validations.of(app).addPlugins(...)`).
 *
 * How it measures, and why:
 *  - The sources are transpiled once (no type check) into a temporary directory, so no measured process spends time
 *    compiling TypeScript; each measured process then runs plain `node` on the app (this file with `--child MODE`).
 *  - The machine is shared and one process can be 20% off: the modes are interleaved, each round running every mode
 *    once in a rotated order, over BENCH_ROUNDS rounds (default 5). Each figure is the median over the rounds; each
 *    ratio is the median of the per-round ratios to `none` of the same round (paired, so load changes cancel out).
 *  - Besides the whole process (wall time seen by the driver), each process reports its own phases: loading modules,
 *    building the app, and `app.synth()` (where validation runs), and the garbage collector's time and number of
 *    collections during `app.synth()` (`gc`, `gcs`): on a CDK app a young-generation collection costs milliseconds,
 *    so what a mode allocates shows there (docs/decisions.md).
 *
 * `node -r ts-node/register/transpile-only bench/validation.bench.ts` (env: BENCH_ROUNDS, BENCH_MODES=none,aspect,...;
 * BENCH_V8_FLAGS: V8 flags for the measured processes, e.g. `--max-opt=2` to leave V8's optimizing compiler out and see
 * how much of a mode's cost is compiling its code rather than running it: docs/decisions.md).
 */
import { spawnSync } from 'child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative } from 'path';
import { GCProfiler } from 'v8';

const MODES = ['none', 'aspect', 'self', 'aspect+self', 'pack', 'aspect+pack', 'nag'] as const;
export type BenchMode = typeof MODES[number];
type Mode = BenchMode;

const SHAPE = { stacks: 10, keysPerStack: 30, guardedPerStack: 3, rolesPerStack: 60, bucketsPerStack: 10, crossAccountRoles: 10 };
const ACCOUNTS = ['111122223333', '444455556666'];
const REGION = 'us-east-1';

interface ChildFigures {
  /** CPU time of the whole process (user + system, all threads), ms: less moved by other processes than wall time. */
  readonly cpu: number;
  readonly load: number;
  readonly build: number;
  readonly synth: number;
  /** Time V8's garbage collector spent during app.synth(), ms, and how many collections ran (v8.GCProfiler). */
  readonly gc: number;
  readonly gcs: number;
  readonly failed: boolean;
  readonly kmsGuardMessages: number;
}

/** The generated app, with the validation of `mode`, not synthesized. */
export function buildBenchApp(mode: BenchMode, outdir?: string): import('aws-cdk-lib').App {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const iam = require('aws-cdk-lib/aws-iam') as typeof import('aws-cdk-lib/aws-iam');
  const kms = require('aws-cdk-lib/aws-kms') as typeof import('aws-cdk-lib/aws-kms');
  const s3 = require('aws-cdk-lib/aws-s3') as typeof import('aws-cdk-lib/aws-s3');
  const nag = require('cdk-nag') as typeof import('cdk-nag');
  const guard = require('../src') as typeof import('../src');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = new cdk.App(outdir !== undefined ? { outdir } : {});
  const selfValidation = mode === 'self' || mode === 'aspect+self';
  const stacks: InstanceType<typeof cdk.Stack>[] = [];
  const keys: Array<Array<import('aws-cdk-lib/aws-kms').IKey>> = [];
  const roles: Array<Array<import('aws-cdk-lib/aws-iam').Role>> = [];
  for (let s = 0; s < SHAPE.stacks; s++) {
    const account = ACCOUNTS[s < SHAPE.stacks / 2 ? 0 : 1];
    const stack = new cdk.Stack(app, `Stack${s}`, { env: { account, region: REGION } });
    stacks.push(stack);
    const stackRoles: import('aws-cdk-lib/aws-iam').Role[] = [];
    for (let r = 0; r < SHAPE.rolesPerStack; r++) {
      stackRoles.push(new iam.Role(stack, `Role${r}`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        // The roles used from the other account need a name (a cross-environment reference).
        ...(r < SHAPE.crossAccountRoles ? { roleName: `app-s${s}-role${r}` } : {}),
      }));
    }
    roles.push(stackRoles);
    const stackKeys: import('aws-cdk-lib/aws-kms').IKey[] = [];
    const admin = new iam.Role(stack, 'KeyAdmin', { assumedBy: new iam.AccountRootPrincipal(), roleName: `app-s${s}-key-admin` });
    for (let k = 0; k < SHAPE.keysPerStack; k++) {
      if (k < SHAPE.guardedPerStack) {
        stackKeys.push(new guard.GuardedKmsKey(stack, `Guarded${k}`, { administrators: [admin], validation: selfValidation }));
      } else {
        // Most keys rotate; some do not (a warning).
        stackKeys.push(new kms.Key(stack, `Key${k}`, { enableKeyRotation: k % 10 !== 9 }));
      }
    }
    keys.push(stackKeys);
    for (let b = 0; b < SHAPE.bucketsPerStack; b++) {
      const bucket = new s3.Bucket(stack, `Bucket${b}`, { encryptionKey: stackKeys[SHAPE.guardedPerStack + b], enforceSSL: true });
      bucket.grantRead(stackRoles[b * 6]);
    }
  }
  for (let s = 0; s < SHAPE.stacks; s++) {
    // The next stack of the same account (none for the last: stack dependencies must not form a cycle).
    const next = s % (SHAPE.stacks / 2) === SHAPE.stacks / 2 - 1 ? undefined : s + 1;
    roles[s].forEach((role, r) => {
      const k = r % SHAPE.keysPerStack;
      const key = keys[s][k];
      if (k < SHAPE.guardedPerStack) (key as InstanceType<typeof guard.GuardedKmsKey>).grantCapabilities(role, [guard.KeyCapability.ENCRYPT_DECRYPT]);
      else key.grantEncryptDecrypt(role);
      // A key of another stack of the same account (a cross-stack reference), not a guarded one.
      if (next !== undefined && r % 3 === 0) keys[next][SHAPE.guardedPerStack + ((r + 7) % (SHAPE.keysPerStack - SHAPE.guardedPerStack))].grantDecrypt(role);
    });
  }
  // Roles of the second account that decrypt with keys of the first: the key policy names them, so the key's stack
  // deploys after theirs (KmsGuard-PrincipalNotYetDeployed otherwise).
  for (let s = SHAPE.stacks / 2; s < SHAPE.stacks; s++) {
    for (let r = 0; r < SHAPE.crossAccountRoles; r++) keys[s - SHAPE.stacks / 2][SHAPE.guardedPerStack + r].grantDecrypt(roles[s][r]);
    stacks[s - SHAPE.stacks / 2].addDependency(stacks[s]);
  }
  if (mode === 'aspect' || mode === 'aspect+self' || mode === 'aspect+pack') guard.KmsGuardAspect.applyTo(app);
  if (mode === 'pack' || mode === 'aspect+pack') cdk.Validations.of(app).addPlugins(new guard.KmsGuardChecks(app));
  if (mode === 'nag') cdk.Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app));
  return app;
}

/** The measured process: builds the app in `mode` and synthesizes it, printing its phases as JSON. */
function child(mode: Mode, outdir: string): void {
  const t0 = performance.now();
  // Everything the app needs, loaded before the clock's second reading (what `cdk synth` loads first).
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('aws-cdk-lib');
  for (const m of ['aws-iam', 'aws-kms', 'aws-s3']) require(`aws-cdk-lib/${m}`);
  require('cdk-nag');
  require('../src');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const t1 = performance.now();
  // As `cdk synth` runs an app: CDK_OUTDIR names the assembly directory (the App reads it).
  process.env.CDK_OUTDIR = outdir;
  const app = buildBenchApp(mode);
  const t2 = performance.now();

  let failed = false;
  let kmsGuardMessages = 0;
  // cdk-nag prints its report and sets process.exitCode on errors: both are part of what a user's synth pays.
  const print = console.error;
  let printed = 0;
  // A validation plugin's findings are printed in CDK's report, not kept in the assembly: counted from the text.
  console.error = (...args: unknown[]) => {
    printed += (args.map(String).join(' ').match(/KmsGuard-\w+\[/g) ?? []).length;
  };
  // The young generation is collected every ~16 MB allocated, and on this app each collection costs milliseconds (it
  // copies what survives): what a mode allocates shows here (docs/decisions.md).
  const gcProfiler = new GCProfiler();
  gcProfiler.start();
  try {
    const assembly = app.synth();
    kmsGuardMessages = assembly.stacks.flatMap((st) => st.messages).filter((m) => String(m.entry.data).includes('KmsGuard-')).length + printed;
  } catch (e) {
    failed = true;
    kmsGuardMessages = (String((e as Error).message).match(/KmsGuard-/g) ?? []).length;
    if (process.env.BENCH_SHOW_ERRORS) process.stderr.write(`${(e as Error).message}\n`);
  } finally {
    console.error = print;
  }
  const t3 = performance.now();
  const collections = gcProfiler.stop()?.statistics ?? [];
  process.exitCode = 0;
  const used = process.cpuUsage();
  const figures: ChildFigures = {
    cpu: (used.user + used.system) / 1000, load: t1 - t0, build: t2 - t1, synth: t3 - t2,
    gc: collections.reduce((sum, c) => sum + c.cost, 0) / 1000, gcs: collections.length, failed, kmsGuardMessages,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** Transpiles src/ and bench/ (and copies src's JSON) into `out`, keeping the layout; returns the bench's JS path. */
function transpileSources(root: string, out: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) {
        visit(file);
        continue;
      }
      const target = join(out, relative(root, file));
      mkdirSync(dirname(target), { recursive: true });
      if (name.endsWith('.json')) {
        copyFileSync(file, target);
      } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
        const js = ts.transpileModule(readFileSync(file, 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true },
          fileName: file,
        }).outputText;
        writeFileSync(target.replace(/\.ts$/, '.js'), js);
      }
    }
  };
  visit(join(root, 'src'));
  mkdirSync(join(out, 'bench'), { recursive: true });
  const bench = join(out, 'bench', 'validation.bench.js');
  writeFileSync(bench, ts.transpileModule(readFileSync(join(root, 'bench', 'validation.bench.ts'), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText);
  return bench;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function driver(): void {
  const root = join(__dirname, '..');
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const modes = (process.env.BENCH_MODES?.split(',') ?? [...MODES]) as Mode[];
  const work = mkdtempSync(join(tmpdir(), 'kms-guard-validation-bench-'));
  try {
    const bench = transpileSources(root, join(work, 'build'));
    const env = { ...process.env, NODE_PATH: join(root, 'node_modules') };
    const v8Flags = (process.env.BENCH_V8_FLAGS ?? '').split(/\s+/).filter((f) => f !== '');
    const run = (mode: Mode, round: number): { wall: number; figures: ChildFigures } => {
      const outdir = join(work, `cdk.out-${mode.replace('+', '-')}-${round}`);
      const start = performance.now();
      const result = spawnSync(process.execPath, [...v8Flags, bench, '--child', mode, outdir], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const wall = performance.now() - start;
      rmSync(outdir, { recursive: true, force: true });
      const line = result.stdout.trim().split('\n').pop() ?? '';
      if (result.status !== 0 || !line.startsWith('{')) throw new Error(`mode ${mode} failed (status ${result.status}): ${result.stderr.slice(0, 2000)}`);
      return { wall, figures: JSON.parse(line) as ChildFigures };
    };
    console.log(`App: ${SHAPE.stacks} stacks in ${ACCOUNTS.length} accounts, ${SHAPE.stacks * SHAPE.keysPerStack} keys `
      + `(${SHAPE.stacks * SHAPE.guardedPerStack} GuardedKmsKey), ${SHAPE.stacks * (SHAPE.rolesPerStack + 1)} roles, `
      + `${SHAPE.stacks * SHAPE.bucketsPerStack} buckets. ${rounds} rounds, modes interleaved; node ${process.version}`
      + `${v8Flags.length > 0 ? ` with ${v8Flags.join(' ')}` : ''}.`);
    run('none', -1); // warm the file cache
    const samples = new Map<Mode, Array<{ wall: number; figures: ChildFigures }>>(modes.map((m) => [m, []]));
    const ratios = new Map<Mode, { wall: number[]; cpu: number[]; synth: number[] }>(modes.map((m) => [m, { wall: [], cpu: [], synth: [] }]));
    for (let round = 0; round < rounds; round++) {
      const order = modes.map((_, i) => modes[(i + round) % modes.length]);
      const got = new Map<Mode, { wall: number; figures: ChildFigures }>();
      for (const mode of order) got.set(mode, run(mode, round));
      for (const mode of modes) {
        samples.get(mode)!.push(got.get(mode)!);
        const base = got.get('none');
        if (base) {
          ratios.get(mode)!.wall.push(got.get(mode)!.wall / base.wall);
          ratios.get(mode)!.cpu.push(got.get(mode)!.figures.cpu / base.figures.cpu);
          ratios.get(mode)!.synth.push(got.get(mode)!.figures.synth / base.figures.synth);
        }
      }
      process.stderr.write(`round ${round + 1}/${rounds}: ${order.map((m) => `${m} ${Math.round(got.get(m)!.wall)} ms`).join(', ')}\n`);
    }
    const ms = (v: number): string => `${Math.round(v)}`.padStart(7);
    const ratio = (values: number[], width: number): string => (values.length > 0 ? median(values).toFixed(3) : '-').padStart(width);
    console.log(`${'mode'.padEnd(12)} ${'process'.padStart(7)} ${'cpu'.padStart(7)} ${'load'.padStart(7)} ${'build'.padStart(7)} ${'synth'.padStart(7)} ${'gc'.padStart(5)} ${'gcs'.padStart(4)}`
      + '  process/none  cpu/none  synth/none  kms-guard messages  failed');
    for (const mode of modes) {
      const s = samples.get(mode)!;
      const r = ratios.get(mode)!;
      console.log(`${mode.padEnd(12)} ${ms(median(s.map((x) => x.wall)))} ${ms(median(s.map((x) => x.figures.cpu)))} ${ms(median(s.map((x) => x.figures.load)))} `
        + `${ms(median(s.map((x) => x.figures.build)))} ${ms(median(s.map((x) => x.figures.synth)))} `
        + `${`${Math.round(median(s.map((x) => x.figures.gc)))}`.padStart(5)} ${`${median(s.map((x) => x.figures.gcs))}`.padStart(4)}  ${ratio(r.wall, 12)} ${ratio(r.cpu, 9)} ${ratio(r.synth, 11)}  `
        + `${String(s[0].figures.kmsGuardMessages).padStart(18)}  ${s.some((x) => x.figures.failed)}`);
    }
    console.log('ms, medians over the rounds (process: wall time of the whole process; cpu: its CPU time; synth: app.synth() alone; gc, gcs: the garbage collector\'s time in app.synth() and its collections); ratios: median of the per-round ratios to `none`. Targets (issue 8): ours (aspect) adds at most 10% '
      + 'to the whole synth process and costs less than AwsSolutionsChecks.');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const at = process.argv.indexOf('--child');
  if (at >= 0) child(process.argv[at + 1] as Mode, process.argv[at + 2]);
  else driver();
}
