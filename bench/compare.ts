/**
 * Compares the evaluator of the work tree with the evaluator of another commit, in one process, on the same inputs
 * (run on demand: `npx projen bench:compare REF`, REF defaulting to HEAD). Prints, for raw scenarios and for
 * compiled decisions, the median over paired rounds of (work tree time / REF time), with the quartiles: below 1 means
 * the work tree is faster.
 *
 * Why paired rounds: this machine is shared, and figures from two separate benchmark runs can differ by 20% with no
 * change to the code. Each round times both evaluators back to back on equal inputs, in alternating order, so load
 * changes between rounds cancel out of the ratio.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fixedScenario, requests } from './evaluator.bench';
import { KmsAccessEvaluator as WorkTree } from '../src/evaluator/kms-access-evaluator';

type Evaluator = typeof WorkTree;

/** Nanoseconds to evaluate 1,000 fresh raw scenarios (made outside the timer). */
function rawRound(evaluator: Evaluator, round: number): number {
  const inputs = JSON.parse(JSON.stringify(Array.from({ length: 1_000 }, (_, i) => fixedScenario(round * 1_000 + i)))) as unknown[];
  const start = process.hrtime.bigint();
  for (let i = 0; i < inputs.length; i++) evaluator.evaluate(inputs[i]);
  return Number(process.hrtime.bigint() - start);
}

/** Nanoseconds for 50,000 decisions on two compiled scenarios. */
function compiledRound(evaluator: Evaluator): number {
  const compiled = [0, 1].map((i) => evaluator.compile(fixedScenario(i)));
  for (let i = 0; i < 1_000; i++) compiled[i & 1].evaluate(requests[i & 7]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < 50_000; i++) compiled[i & 1].evaluate(requests[i & 7]);
  return Number(process.hrtime.bigint() - start);
}

function compare(other: Evaluator, round: (e: Evaluator, round: number) => number): string {
  const WARM_UP = 20;
  const ROUNDS = 200;
  const ratios: number[] = [];
  for (let r = 0; r < WARM_UP + ROUNDS; r++) {
    // Alternate which goes first, so neither always runs on a heap the other has just filled.
    const first = r % 2 === 0;
    const a = first ? round(WorkTree, r) : 0;
    const b = round(other, r);
    const work = first ? a : round(WorkTree, r);
    if (r >= WARM_UP) ratios.push(work / b);
  }
  ratios.sort((x, y) => x - y);
  const q = (f: number): string => ratios[Math.floor(f * (ratios.length - 1))].toFixed(3);
  return `median ratio ${q(0.5)} (quartiles ${q(0.25)}-${q(0.75)}, ${ROUNDS} paired rounds)`;
}

const ref = process.argv.slice(2).find((a) => a !== '--') ?? 'HEAD';
const dir = mkdtempSync(join(tmpdir(), 'kms-guard-compare-'));
try {
  const repo = join(__dirname, '..');
  // src/ is over a megabyte as a tar: lift execFileSync's default 1 MB output limit.
  const archive = execFileSync('git', ['-C', repo, 'archive', ref, 'src'], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive, maxBuffer: 256 * 1024 * 1024 });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const other = (require(join(dir, 'src/evaluator/kms-access-evaluator')) as { KmsAccessEvaluator: Evaluator }).KmsAccessEvaluator;
  console.log(`work tree against ${ref}; ratio = work tree time / ${ref} time (below 1: the work tree is faster)`);
  console.log(`raw scenarios:      ${compare(other, rawRound)}`);
  console.log(`compiled decisions: ${compare(other, compiledRound)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
