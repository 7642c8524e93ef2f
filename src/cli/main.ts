#!/usr/bin/env node
/**
 * kms-guard: command-line entry.
 *
 *   kms-guard evaluate FILE...
 *   kms-guard summarize CDK_OUT_DIR
 *   kms-guard readiness CDK_OUT_DIR
 *
 * evaluate: each FILE holds one scenario object or an array of them. Prints one JSON result per scenario, in order, one
 * per line (JSON Lines). Exit status: 0 when every scenario was evaluated, 2 on invalid input (the errors go to stderr;
 * an invalid scenario still gets its line, an implicit deny carrying the errors), 1 on usage errors.
 *
 * summarize: reads a synthesized cloud assembly and prints who can use each KMS key, decided by the evaluator.
 * Exit status 0, or 2 when the assembly cannot be read.
 *
 * readiness: reads a synthesized cloud assembly and prints what would make its deployment fail on KMS (lockout safety
 * check, the deploying role's and services' access, principals not yet deployed, key policy size, duplicate private-DNS
 * endpoints): one line per finding, then a count. Exit status 1 when there is an error, 0 otherwise, 2 when the
 * assembly cannot be read.
 */
import { readFileSync } from 'fs';
import { ReadinessFinding, checkDeployReadiness } from '../analysis/deploy-readiness';
import { formatSummary, summarizeAccess } from '../app-model/access-summary';
import { buildAppModel } from '../app-model/app-model';
import { readCloudAssembly } from '../app-model/cloud-assembly';
import { KmsAccessEvaluator } from '../evaluator/kms-access-evaluator';

const USAGE = [
  'usage: kms-guard evaluate FILE...      each FILE holds one scenario object or an array of them; prints one JSON result per line',
  '       kms-guard summarize CDK_OUT_DIR  prints who can use each KMS key of a synthesized CDK app',
  '       kms-guard readiness CDK_OUT_DIR  prints what would make deploying a synthesized CDK app fail on its KMS keys; exits 1 on any error',
].join('\n');

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly readFile: (path: string) => string;
}

/** Runs the CLI and returns its exit code; all I/O goes through `io` so tests can drive it. */
export function runCli(args: readonly string[], io: CliIo): number {
  const [command, ...files] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (command === 'summarize' && files.length === 1) return summarize(files[0], io);
  if (command === 'readiness' && files.length === 1) return readiness(files[0], io);
  if (command !== 'evaluate' || files.length === 0) {
    io.err(command === undefined ? USAGE : `kms-guard: unknown command or missing FILE: ${args.join(' ')}\n${USAGE}`);
    return 1;
  }
  let status = 0;
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(io.readFile(file));
    } catch (e) {
      io.err(`kms-guard: ${file}: cannot read a JSON scenario: ${(e as Error).message}`);
      status = 2;
      continue;
    }
    const scenarios = Array.isArray(parsed) ? parsed : [parsed];
    scenarios.forEach((scenario, index) => {
      const result = KmsAccessEvaluator.evaluate(scenario);
      io.out(JSON.stringify(result));
      for (const e of result.errors) {
        const where = [e.policy, e.statement, e.field].filter((x) => x !== undefined).join(', ');
        io.err(`kms-guard: ${file}${Array.isArray(parsed) ? `[${index}]` : ''}: error ${e.code}: ${e.message}${where ? ` (${where})` : ''}`);
        status = 2;
      }
    });
  }
  return status;
}

function summarize(dir: string, io: CliIo): number {
  let model;
  try {
    model = buildAppModel(readCloudAssembly(dir));
  } catch (e) {
    io.err(`kms-guard: ${dir}: cannot read a cloud assembly: ${(e as Error).message}`);
    return 2;
  }
  io.out(formatSummary(summarizeAccess(model)));
  for (const warning of model.warnings) io.err(`kms-guard: warning: ${warning}`);
  return 0;
}

function readiness(dir: string, io: CliIo): number {
  let model;
  try {
    model = buildAppModel(readCloudAssembly(dir));
  } catch (e) {
    io.err(`kms-guard: ${dir}: cannot read a cloud assembly: ${(e as Error).message}`);
    return 2;
  }
  const findings = checkDeployReadiness(model);
  for (const f of findings) io.out(formatFinding(f));
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  io.out(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  // The model's own notes (values unknown offline, ...) explain some warnings; they go where summarize puts them.
  for (const warning of model.warnings) io.err(`kms-guard: warning: ${warning}`);
  return errors > 0 ? 1 : 0;
}

/** `ERROR|WARN <stack>/<construct path or logical id> [<check>] <message>`; the path without its leading stack name. */
export function formatFinding(f: ReadinessFinding): string {
  const path = f.constructPath === undefined ? f.logicalId : f.constructPath.startsWith(`${f.stackName}/`) ? f.constructPath.slice(f.stackName.length + 1) : f.constructPath;
  return `${f.severity === 'error' ? 'ERROR' : 'WARN'} ${f.stackName}/${path} [${f.check}] ${f.message}`;
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readFile: (path) => readFileSync(path, 'utf-8'),
  });
}
