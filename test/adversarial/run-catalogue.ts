/**
 * Runs the adversarial catalogue's cases of one surface in a child process and reports what each did, one JSON line per
 * case, so that catalogue.test.ts can watch every case with a hang guard: a case that never returns is killed with its
 * process and reported by its id, instead of hanging the test run (a synchronous loop cannot be interrupted in-process).
 *
 *   node -r ts-node/register/transpile-only test/adversarial/run-catalogue.ts SURFACE FROM_INDEX
 *
 * Writes `{"ready":true}` once the modules are loaded, then `{"start":i}` before case i and `{"index":i,"observed":...}`
 * after it. The observations are plain facts (decision, issues, thrown message, exit code); the assertions are made by
 * the test, against the catalogue's expectations.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each surface's modules are required lazily, so that a child
   loads only what its surface needs (aws-cdk-lib alone takes seconds), with their types from `typeof import(...)` */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expand } from './expand';

/** What a case did, as catalogue.test.ts reads it. */
export interface Observed {
  /** Evaluator: the decision; CLI: the decision of each output line. */
  readonly decision?: string;
  readonly decisions?: string[];
  readonly errors?: ObservedIssue[];
  readonly warnings?: ObservedIssue[];
  /** Wildcard scan steps counted while the case ran (evaluator and CLI evaluate). */
  readonly steps?: number;
  readonly explanation?: string;
  /** CLI: exit status and the lines written. */
  readonly exit?: number;
  readonly stdout?: string[];
  readonly stderr?: string[];
  /** An exception that escaped: its class and message. */
  readonly threw?: { readonly name: string; readonly message: string; readonly phase?: string };
  /** Cloud assembly: the stacks read, and the readiness findings' count (the reader's output was usable). */
  readonly stacks?: string[];
  readonly findings?: number;
  /** Cloud assembly: the app model's warnings and the findings' messages, for the test to search. */
  readonly notes?: string[];
  /** Constructs: synthesis succeeded. */
  readonly synthesized?: boolean;
}

export interface ObservedIssue {
  readonly code: string;
  /** policy, statement and field joined by ', '. */
  readonly where: string;
  readonly message: string;
}

export interface CatalogueCase {
  readonly id: string;
  readonly attacks: string;
  readonly source: string;
  readonly input: any;
  readonly expect: any;
  readonly knownDefect?: string;
}

export interface Catalogue {
  readonly surface: 'evaluator' | 'cli' | 'cloud-assembly' | 'construct-props';
  readonly cases: CatalogueCase[];
}

export const CATALOGUE_DIR = __dirname;

export function loadCatalogue(surface: string): Catalogue {
  return JSON.parse(fs.readFileSync(path.join(CATALOGUE_DIR, `${surface}.json`), 'utf8')) as Catalogue;
}

const clipText = (s: string): string => s.length <= 2000 ? s : `${s.slice(0, 2000)}...(${s.length} characters)`;

/** The first 50 issues (a case may raise 100,000 warnings; the assertions look for one). */
function issuesOf(list: ReadonlyArray<{ code: string; message: string; policy?: string; statement?: string; field?: string }>): ObservedIssue[] {
  return list.slice(0, 50).map((i) => ({ code: i.code, where: [i.policy, i.statement, i.field].filter((x) => x !== undefined).join(', '), message: clipText(i.message) }));
}

function thrown(e: unknown, phase?: string): Observed['threw'] {
  const err = e as Error;
  return { name: err?.constructor?.name ?? typeof e, message: clipText(String(err?.message ?? e)), ...(phase ? { phase } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Surfaces
// ---------------------------------------------------------------------------------------------------------------------

function runEvaluator(input: any): Observed {
  // Loaded here so that the child pays only for the surface it runs.
  const { KmsAccessEvaluator } = require('../../src') as typeof import('../../src');
  const { countMatchSteps } = require('../../src/policy/wildcard') as typeof import('../../src/policy/wildcard');
  const counter = { steps: 0 };
  const scenario = expand(input.scenario);
  try {
    const result = countMatchSteps(counter, () => input.requests
      ? (() => {
        const compiled = KmsAccessEvaluator.compile(scenario);
        const results = (expand(input.requests) as unknown[]).map((r) => compiled.evaluate(r));
        return results[results.length - 1];
      })()
      : KmsAccessEvaluator.evaluate(scenario));
    return {
      decision: result.decision,
      errors: issuesOf(result.errors),
      warnings: issuesOf(result.warnings),
      steps: counter.steps,
      explanation: clipText(result.explanation),
    };
  } catch (e) {
    return { threw: thrown(e), steps: counter.steps };
  }
}

function runCliCase(input: any, dir: string | undefined): Observed {
  const { runCli } = require('../../src/cli/main') as typeof import('../../src/cli/main');
  const { countMatchSteps } = require('../../src/policy/wildcard') as typeof import('../../src/policy/wildcard');
  const files = (input.files ?? {}) as Record<string, unknown>;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const counter = { steps: 0 };
  const args = (input.args as string[]).map((a) => dir === undefined ? a : a.split('$DIR').join(dir));
  try {
    const exit = countMatchSteps(counter, () => runCli(args, {
      out: (line) => stdout.push(line),
      err: (line) => stderr.push(line),
      readFile: (p) => {
        if (!Object.prototype.hasOwnProperty.call(files, p)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
        const content = expand(files[p]);
        if (content !== null && typeof content === 'object' && 'readError' in (content as object)) throw new Error((content as { readError: string }).readError);
        return content as string;
      },
      openOutput: (p) => {
        if (p.includes('unwritable')) throw new Error(`EACCES: permission denied, open '${p}'`);
        return { write: (text) => stdout.push(text), close: () => undefined };
      },
    }));
    const decisions = stdout.map((l) => {
      try {
        return (JSON.parse(l) as { decision?: string }).decision ?? '';
      } catch {
        return '';
      }
    });
    return { exit, decisions, stdout: stdout.map(clipText), stderr: stderr.map(clipText), steps: counter.steps };
  } catch (e) {
    return { threw: thrown(e), stdout: stdout.map(clipText), stderr: stderr.map(clipText) };
  }
}

/**
 * Writes `tree` under a fresh `base/cdk.out` (`base/outside/secret.json` beside it, for escapes) and returns cdk.out.
 * Entries: path -> text, `{"$json": value}` (written as JSON), `{"$symlink": target}` (`$OUT`/`$OUTSIDE` in the
 * target are the two directories), `{"$mkdir": true}`.
 */
export function writeTree(tree: Record<string, unknown>): { base: string; out: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-guard-adversarial-'));
  const out = path.join(base, 'cdk.out');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(out);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.json'), 'root:x:0:0:TOP-SECRET-CONTENT:/root:/bin/bash');
  fs.writeFileSync(path.join(outside, 'manifest.json'), JSON.stringify({ artifacts: {} }));
  for (const [name, raw] of Object.entries(tree)) {
    const file = path.join(out, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const entry = raw as Record<string, unknown>;
    if (typeof raw === 'string') {
      fs.writeFileSync(file, raw);
    } else if ('$symlink' in entry) {
      fs.symlinkSync(String(entry.$symlink).split('$OUTSIDE').join(outside).split('$OUT').join(out), file);
    } else if ('$mkdir' in entry) {
      fs.mkdirSync(file, { recursive: true });
    } else {
      fs.writeFileSync(file, expand(raw) as string);
    }
  }
  return { base, out };
}

function runCloudAssembly(input: any): Observed {
  const { readCloudAssembly } = require('../../src/app-model/cloud-assembly') as typeof import('../../src/app-model/cloud-assembly');
  const { buildAppModel } = require('../../src/app-model/app-model') as typeof import('../../src/app-model/app-model');
  const { checkDeployReadiness } = require('../../src/analysis/deploy-readiness') as typeof import('../../src/analysis/deploy-readiness');
  const { base, out } = writeTree(input.tree);
  try {
    let stacks;
    try {
      stacks = readCloudAssembly(out);
    } catch (e) {
      return { threw: thrown(e, 'read') };
    }
    try {
      const model = buildAppModel(stacks);
      const findings = checkDeployReadiness(model);
      return {
        stacks: stacks.map((s) => s.artifactId ?? s.stackName),
        findings: findings.length,
        notes: [...model.warnings, ...findings.map((f) => `${f.severity} [${f.check}] ${f.message}`)].map(clipText),
      };
    } catch (e) {
      return { threw: thrown(e, 'analyse'), stacks: stacks.map((s) => s.artifactId ?? s.stackName) };
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

/**
 * Builds one construct from the catalogue's description, then synthesizes the app. Values in props:
 *   {"$role": "Id"} / {"$role": "Id", "roleName": "n", "stack": "Consumer"}   an iam.Role (assumed by the account root)
 *   {"$arnPrincipal": "arn"}, {"$anyPrincipal": true}, {"$accountPrincipal": "id"}, {"$servicePrincipal": "name"}
 *   {"$token": "text"}   a string token that resolves to text only at deploy time (a CfnParameter's value)
 *   {"$key": "Id"}       a GuardedKmsKey in the owner stack;  {"$vpc": "Id"}  an ec2.Vpc in the owner stack
 *   {"$capability": "DECRYPT"}, {"$removalPolicy": "DESTROY"}, {"$duration": 3}  (days)
 * and `input.manyUsers: {count, path}` sets props.users to that many literal role ARNs with DECRYPT.
 */
function runConstruct(input: any): Observed {
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const iam = require('aws-cdk-lib/aws-iam') as typeof import('aws-cdk-lib/aws-iam');
  const ec2 = require('aws-cdk-lib/aws-ec2') as typeof import('aws-cdk-lib/aws-ec2');
  const lib = require('../../src') as typeof import('../../src');
  const env = input.env === null ? undefined : (input.env ?? { account: '111122223333', region: 'us-east-1' });
  const app = new cdk.App({
    context: {
      'availability-zones:account=111122223333:region=us-east-1': ['us-east-1a', 'us-east-1b'],
      ...(input.context ?? {}),
    },
  });
  const stacks: Record<string, import('aws-cdk-lib').Stack> = {};
  const stackOf = (name: string | undefined): import('aws-cdk-lib').Stack => {
    const n = name ?? 'Owner';
    return stacks[n] ??= new cdk.Stack(app, n, {
      env: n === 'Owner' ? env : { account: input.consumerAccount ?? '444455556666', region: 'us-east-1' },
    });
  };
  const owner = stackOf('Owner');
  const build = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(build);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, any>;
    if ('$role' in o) {
      const scope = stackOf(o.stack);
      const roleName = o.roleName !== undefined ? { roleName: build(o.roleName) as string } : {};
      return scope.node.tryFindChild(o.$role) ?? new iam.Role(scope, o.$role, { assumedBy: new iam.AccountRootPrincipal(), ...roleName });
    }
    if ('$arnPrincipal' in o) return new iam.ArnPrincipal(build(o.$arnPrincipal) as string);
    if ('$anyPrincipal' in o) return new iam.AnyPrincipal();
    if ('$accountPrincipal' in o) return new iam.AccountPrincipal(o.$accountPrincipal);
    if ('$servicePrincipal' in o) return new iam.ServicePrincipal(o.$servicePrincipal);
    if ('$token' in o) {
      const param = new cdk.CfnParameter(owner, `P${Object.keys(owner.node.children).length}`, { type: 'String', default: o.$token });
      return param.valueAsString;
    }
    if ('$key' in o) {
      return owner.node.tryFindChild(o.$key) ?? new lib.GuardedKmsKey(owner, o.$key, { administrators: [build({ $role: 'KeyAdmin' }) as import('aws-cdk-lib/aws-iam').IGrantable], alias: 'shared' });
    }
    if ('$vpc' in o) return owner.node.tryFindChild(o.$vpc) ?? new ec2.Vpc(owner, o.$vpc, { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0 });
    if ('$capability' in o) return (lib.KeyCapability as Record<string, unknown>)[o.$capability] ?? o.$capability;
    if ('$removalPolicy' in o) return (cdk.RemovalPolicy as Record<string, unknown>)[o.$removalPolicy];
    if ('$duration' in o) return cdk.Duration.days(o.$duration);
    if ('$str' in o || '$array' in o || '$special' in o) return build(expand(o));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) Object.defineProperty(out, k, { value: build(o[k]), enumerable: true, writable: true, configurable: true });
    return out;
  };
  const Construct = (lib as Record<string, any>)[input.construct];
  try {
    const props = build(input.props) as Record<string, unknown>;
    // `manyUsers: {count, path}`: that many literal role ARNs (arn:aws:iam::111122223333:role/PATHuser-i), each a user
    // with DECRYPT: too long a list to write out in the catalogue, and no Role resources (a stack holds at most 500).
    if (input.manyUsers !== undefined) {
      const { count, path: rolePath } = input.manyUsers as { count: number; path: string };
      props.users = Array.from({ length: count }, (_, i) => ({
        grantee: new iam.ArnPrincipal(`arn:aws:iam::111122223333:role/${rolePath}user-${i}`),
        capabilities: [lib.KeyCapability.DECRYPT],
      }));
    }
    new Construct(owner, input.id ?? 'Target', props);
  } catch (e) {
    return { threw: thrown(e, 'construct') };
  }
  try {
    app.synth();
    return { synthesized: true };
  } catch (e) {
    return { threw: thrown(e, 'synth') };
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The child's main loop
// ---------------------------------------------------------------------------------------------------------------------

function runCase(surface: string, c: CatalogueCase): Observed {
  switch (surface) {
    case 'evaluator': return runEvaluator(c.input);
    case 'cli': {
      if (!c.input.tree) return runCliCase(c.input, undefined);
      const { base, out } = writeTree(c.input.tree);
      try {
        return runCliCase(c.input, out);
      } finally {
        fs.rmSync(base, { recursive: true, force: true });
      }
    }
    case 'cloud-assembly': return runCloudAssembly(c.input);
    case 'construct-props': return runConstruct(c.input);
    default: throw new Error(`unknown surface ${surface}`);
  }
}

/**
 * Writes all of `data` to stdout, synchronously, so that a case's line is out before the next case starts (the parent's
 * watchdog counts from it). stdout is a pipe, which node may have made non-blocking: a full pipe gives EAGAIN, and the
 * write is retried after a short sleep until the parent has read enough.
 */
function writeAll(data: Buffer): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += fs.writeSync(1, data, offset, data.length - offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

if (require.main === module) {
  const [surface, from] = process.argv.slice(2);
  const catalogue = loadCatalogue(surface);
  const write = (x: unknown): void => writeAll(Buffer.from(`${JSON.stringify(x)}\n`, 'utf8'));
  // Warm the modules the surface needs before announcing readiness, so the per-case watchdog does not count loading.
  const warm: CatalogueCase = surface === 'construct-props'
    ? { id: 'warm-up', attacks: '', source: '', expect: {}, input: { construct: 'GuardedKmsKey', props: { administrators: [{ $role: 'Admin' }] } } }
    : { id: 'warm-up', attacks: '', source: '', expect: {}, input: surface === 'cloud-assembly' ? { tree: { 'manifest.json': '{}' } } : surface === 'cli' ? { args: ['--help'] } : { scenario: {} } };
  runCase(surface, warm);
  write({ ready: true });
  for (let i = Number(from ?? 0); i < catalogue.cases.length; i++) {
    write({ start: i });
    let observed: Observed;
    try {
      observed = runCase(surface, catalogue.cases[i]);
    } catch (e) {
      observed = { threw: thrown(e, 'harness') };
    }
    write({ index: i, observed });
  }
}
