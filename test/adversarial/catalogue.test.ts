/**
 * The adversarial input catalogue (issue 10): hostile or malformed inputs to the evaluator API, the CLI, the cloud-assembly
 * reader and the constructs' props, kept as data in test/adversarial/*.json and walked here. Each entry says what it
 * attacks, where the expected outcome comes from (an AWS page of known-doc-pages.txt, or a documented choice), and the
 * outcome: a clear error (code, where, what) or a decision. None may crash, hang or pass silently.
 *
 * Hang guard: every surface's cases run in a child process (run-catalogue.ts) that reports each case as it starts and
 * ends; a case that does not end within HANG_GUARD_MS is killed with its process and fails by its id, and the walk goes
 * on with the next case. The guard is generous on purpose: it tells a hang from a slow case, never a speed target. The
 * evaluator's matching bound is asserted by counting wildcard steps (maxSteps), not by time.
 *
 * Entries marked `knownDefect` describe what the code does wrong today; they run as `test.failing`, so they pass while the
 * defect stands and fail (asking for the mark to be removed) once it is fixed.
 */
import { ChildProcess, spawn } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { CatalogueCase, Observed, ObservedIssue, loadCatalogue } from './run-catalogue';

const SURFACES = ['evaluator', 'cli', 'cloud-assembly', 'construct-props'] as const;
type Surface = typeof SURFACES[number];

/** Per case, after the child has loaded its modules; loading (ts-node, aws-cdk-lib) gets LOAD_GUARD_MS. */
const HANG_GUARD_MS = 120_000;
const LOAD_GUARD_MS = 300_000;
const ROOT = join(__dirname, '..', '..');
/**
 * Wildcard steps any one evaluator or CLI case may take, whatever it is: the largest input of the catalogue (10^5
 * statements) takes about 4 million. Cases that attack matching set their own, tighter `maxSteps` from the documented
 * bound, (|pattern| + 1) x (|value| + 2) per match (docs/kms-authorization.md, "Wildcards").
 */
const DEFAULT_MAX_STEPS = 20_000_000;

type Outcome = { readonly observed: Observed } | { readonly hung: true } | { readonly died: string };

/**
 * Runs the surface's cases from `from` in a child process; resolves with each case's outcome. A case that outlives the
 * guard, or whose process dies under it (a stack overflow that kills node, say), is recorded as such, and a fresh child
 * takes up the cases after it.
 */
async function runSurface(surface: Surface, count: number): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  let from = 0;
  while (from < count) {
    const { last, stopped } = await runChild(surface, from, outcomes);
    if (stopped === undefined) break;
    outcomes.set(last ?? from, stopped);
    from = (last ?? from) + 1;
  }
  return outcomes;
}

function runChild(surface: Surface, from: number, outcomes: Map<number, Outcome>): Promise<{ last?: number; stopped?: Outcome }> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register', join(__dirname, 'run-catalogue.ts'), surface, String(from)], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: join(ROOT, 'test', 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let started: number | undefined;
    let buffer = '';
    let stderr = '';
    let settled = false;
    let timer: NodeJS.Timeout;
    const finish = (result: { last?: number; stopped?: Outcome }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const arm = (ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({ last: started ?? from, stopped: { hung: true } });
      }, ms);
    };
    arm(LOAD_GUARD_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let msg: { ready?: true; start?: number; index?: number; observed?: Observed };
        try {
          msg = JSON.parse(line);
        } catch {
          continue; // a module writing to stdout: not the runner's protocol
        }
        if (msg.start !== undefined) {
          started = msg.start;
          arm(HANG_GUARD_MS);
        } else if (msg.index !== undefined) {
          outcomes.set(msg.index, { observed: msg.observed! });
          started = undefined;
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    // 'close', not 'exit': every line the child wrote has been read by then.
    child.on('close', (code, signal) => {
      if (started === undefined && code === 0) finish({});
      else finish({ last: started ?? from, stopped: { died: `exit ${code ?? signal}: ${stderr}` } });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Assertions, per surface
// ---------------------------------------------------------------------------------------------------------------------

const DECISIONS: Record<string, string> = { ALLOW: 'allow', IMPLICIT_DENY: 'implicit-deny', EXPLICIT_DENY: 'explicit-deny' };

/** An error is "clear" when it says what and where, and is short enough to read (bounded echoes). */
function expectIssue(list: readonly ObservedIssue[], expected: { code: string; where: string; what: string }): void {
  const found = list.find((i) => i.code === expected.code && i.where.includes(expected.where) && i.message.includes(expected.what));
  if (!found) throw new Error(`no issue matches ${JSON.stringify(expected)}; got ${JSON.stringify(list.slice(0, 5), undefined, 2)}`);
}

function assertEvaluator(c: CatalogueCase, o: Observed): void {
  expect(o.threw).toBeUndefined();
  // The evaluator never throws: a crash inside it comes back as `internal-error`, which no case may produce.
  expect(o.errors!.map((e) => e.code)).not.toContain('internal-error');
  for (const e of [...o.errors!, ...o.warnings!]) expect(e.message.length).toBeLessThan(1000);
  expect(o.explanation!.length).toBeGreaterThan(0);
  const x = c.expect;
  if (x.error) {
    expect(o.decision).toBe('implicit-deny');
    expectIssue(o.errors!, x.error);
  } else {
    expect({ decision: o.decision, errors: o.errors }).toEqual({ decision: DECISIONS[x.decision], errors: [] });
    for (const w of x.warnings ?? []) expect(o.warnings!.map((i) => i.code)).toContain(w);
  }
  expect(o.steps).toBeLessThanOrEqual(x.maxSteps ?? DEFAULT_MAX_STEPS);
}

function assertCli(c: CatalogueCase, o: Observed): void {
  expect(o.threw).toBeUndefined();
  const x = c.expect;
  expect(o.steps).toBeLessThanOrEqual(DEFAULT_MAX_STEPS);
  expect(o.exit).toBe(x.exit);
  if (x.decisions) expect(o.decisions).toEqual(x.decisions);
  if (x.decisionCount !== undefined) expect(o.decisions).toHaveLength(x.decisionCount);
  if (x.decisionsAll !== undefined) expect(new Set(o.decisions)).toEqual(new Set([x.decisionsAll]));
  // Every result line is one JSON object (JSON Lines), also for invalid input.
  for (const line of o.stdout ?? []) if (line.startsWith('{')) expect(line).not.toContain('\n');
  for (const s of x.stderr ?? []) expect(o.stderr!.some((l) => l.includes(s))).toBe(true);
  if (x.error) {
    const { code, where, what } = x.error;
    const line = o.stderr!.find((l) => (code === undefined || l.includes(`error ${code}:`)) && l.includes(where) && l.includes(what));
    if (!line) throw new Error(`no stderr line matches ${JSON.stringify(x.error)}; got ${JSON.stringify(o.stderr!.slice(0, 4), undefined, 2)}`);
  }
  // A non-zero exit always says why on stderr; exit 0 means every scenario was evaluated.
  if (o.exit !== 0) expect(o.stderr!.length).toBeGreaterThan(0);
}

function assertCloudAssembly(c: CatalogueCase, o: Observed): void {
  const x = c.expect;
  if (x.error) {
    expect(o.threw).toBeDefined();
    // A clear error is an Error the reader threw on purpose, never a TypeError or RangeError from inside it.
    expect(o.threw!.name).toBe('Error');
    expect(o.threw!.phase).toBe('read');
    expect(o.threw!.message).toContain(x.error.where);
    expect(o.threw!.message).toContain(x.error.what);
    // The reader never echoes what a file holds.
    expect(o.threw!.message).not.toContain('TOP-SECRET');
  } else {
    expect(o.threw).toBeUndefined();
    expect(o.stacks).toEqual(x.accepted.stacks);
  }
}

function assertConstruct(c: CatalogueCase, o: Observed): void {
  const x = c.expect;
  if (x.throws) {
    expect(o.threw).toBeDefined();
    expect(['TypeError', 'RangeError', 'ReferenceError']).not.toContain(o.threw!.name);
    const { message } = o.threw!;
    const missing = (['path', 'prop', 'value'] as const).filter((f) => !message.includes(x.throws[f]));
    if (missing.length > 0) throw new Error(`the error does not name the ${missing.join(', ')} (${missing.map((f) => JSON.stringify(x.throws[f])).join(', ')}): ${message}`);
    expect(message).not.toContain('${Token[');
  } else {
    expect(o.threw).toBeUndefined();
    expect(o.synthesized).toBe(true);
  }
}

const ASSERT: Record<Surface, (c: CatalogueCase, o: Observed) => void> = {
  'evaluator': assertEvaluator,
  'cli': assertCli,
  'cloud-assembly': assertCloudAssembly,
  'construct-props': assertConstruct,
};

// ---------------------------------------------------------------------------------------------------------------------
// The catalogue itself
// ---------------------------------------------------------------------------------------------------------------------

const catalogues = SURFACES.map((s) => ({ surface: s, cases: loadCatalogue(s).cases }));
const knownPages = new Set(readFileSync(join(ROOT, 'test', 'scenarios', 'known-doc-pages.txt'), 'utf-8').split('\n').filter(Boolean));

describe('the catalogue', () => {
  test('holds at least 60 entries, at least 10 per surface, each with a unique id, what it attacks, a source and an expected outcome', () => {
    const all = catalogues.flatMap((k) => k.cases);
    expect(all.length).toBeGreaterThanOrEqual(60);
    for (const k of catalogues) expect({ surface: k.surface, count: k.cases.length >= 10 }).toEqual({ surface: k.surface, count: true });
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const c of all) {
      expect(typeof c.attacks === 'string' && c.attacks.length > 10).toBe(true);
      expect(c.input).toBeDefined();
      expect(Object.keys(c.expect).length).toBeGreaterThan(0);
      if (c.knownDefect !== undefined) expect(c.knownDefect.length).toBeGreaterThan(10);
    }
  });

  test('every source cites a stored AWS page (known-doc-pages.txt) or a documented choice', () => {
    for (const c of catalogues.flatMap((k) => k.cases)) {
      const pages = c.source.match(/(kms-developer-guide|iam-user-guide)\/[\w.-]+\.md/g) ?? [];
      expect({ id: c.id, unknown: pages.filter((p) => !knownPages.has(p)) }).toEqual({ id: c.id, unknown: [] });
      expect({ id: c.id, cited: pages.length > 0 || c.source.includes('[choice') }).toEqual({ id: c.id, cited: true });
    }
  });

  test('every expected outcome has the shape its surface asserts', () => {
    for (const { surface, cases } of catalogues) {
      for (const c of cases) {
        const x = c.expect;
        const ok = surface === 'evaluator' ? (x.error ? ['code', 'where', 'what'].every((f) => typeof x.error[f] === 'string') : x.decision in DECISIONS)
          : surface === 'cli' ? typeof x.exit === 'number'
            : surface === 'cloud-assembly' ? (x.error ? typeof x.error.where === 'string' && typeof x.error.what === 'string' : Array.isArray(x.accepted?.stacks))
              : (x.throws ? ['path', 'prop', 'value'].every((f) => typeof x.throws[f] === 'string') : x.accepted === true);
        expect({ id: c.id, ok }).toEqual({ id: c.id, ok: true });
      }
    }
  });
});

/** Every surface's child starts at once (the construct surface, which loads aws-cdk-lib, takes longest). */
const pending = new Map<Surface, Promise<Map<number, Outcome>>>();
beforeAll(() => {
  for (const { surface, cases } of catalogues) pending.set(surface, runSurface(surface, cases.length));
});

for (const { surface, cases } of catalogues) {
  describe(`${surface}: each hostile input comes back, with its expected clear error or decision`, () => {
    let outcomes: Map<number, Outcome>;
    beforeAll(async () => {
      outcomes = await pending.get(surface)!;
    }, LOAD_GUARD_MS + cases.length * HANG_GUARD_MS);

    test('every case returned within the hang guard, its process alive (known defects included: they must fail on the expectation, not by hanging)', () => {
      const stuck = cases.filter((_, i) => !outcomes.has(i) || !('observed' in outcomes.get(i)!)).map((c) => c.id);
      expect(stuck).toEqual([]);
    });

    cases.forEach((c, i) => {
      const run = c.knownDefect === undefined ? test : test.failing;
      run(`${c.id}: ${c.attacks}${c.knownDefect === undefined ? '' : ` [known defect: ${c.knownDefect}]`}`, () => {
        const outcome = outcomes.get(i);
        expect(outcome).toBeDefined();
        if (outcome && 'hung' in outcome) throw new Error(`${c.id} did not return within ${HANG_GUARD_MS / 1000} s (hang guard)`);
        if (outcome && 'died' in outcome) throw new Error(`${c.id} killed its process: ${outcome.died}`);
        ASSERT[surface](c, (outcome as { observed: Observed }).observed);
      });
    });
  });
}
