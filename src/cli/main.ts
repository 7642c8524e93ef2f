#!/usr/bin/env node
/**
 * kms-guard: command-line entry.
 *
 *   kms-guard evaluate FILE...
 *   kms-guard report [CDK_OUT_DIR] [--format table|markdown|json] [--output FILE] [--fail-on error|warning]
 *   kms-guard summarize CDK_OUT_DIR   (= report CDK_OUT_DIR --format table)
 *   kms-guard readiness CDK_OUT_DIR
 *   kms-guard explain [CDK_OUT_DIR] --key PATH|ARN --principal PATH|ARN --action kms:X [--context k=v ...] [--via-service S] [--source-vpce ID] [--format text|json]
 *   kms-guard diff OLD_DIR NEW_DIR [--format text|json|markdown] [--fail-on-new-access]
 *
 * evaluate: each FILE holds one scenario object or an array of them. Prints one JSON result per scenario, in order, one
 * per line (JSON Lines). Exit status: 0 when every scenario was evaluated, 2 on invalid input (the errors go to stderr;
 * an invalid scenario still gets its line, an implicit deny carrying the errors), 1 on usage errors. A scenario whose
 * text names a key twice in one object (`"Effect": "Deny", "Effect": "Allow"`) is invalid input (error
 * `duplicate-json-key`, with the file and the JSON path): JSON.parse would keep the last value without a word. Only the
 * CLI can see this, as it reads the text; KmsAccessEvaluator receives parsed objects.
 *
 * report: reads a synthesized cloud assembly and prints who can use each KMS key, over every KMS key action, under
 * which conditions, decided by the evaluator (src/analysis/effective-access.ts), with the deploy-readiness findings
 * beside it (src/report/report-command.ts). Exit status 0; 1 when findings at or above --fail-on exist, or on a usage
 * error; 2 when the assembly cannot be read or the output file cannot be written.
 *
 * summarize: the same as `report --format table` (kept as an alias).
 *
 * readiness: reads a synthesized cloud assembly and prints what would make its deployment fail on KMS (lockout safety
 * check, the deploying role's and services' access, principals not yet deployed, key policy size, duplicate private-DNS
 * endpoints): one line per finding, then a count. Exit status 1 when there is an error, 0 otherwise, 2 when the
 * assembly cannot be read.
 *
 * explain: one request of one principal on one key, decided over the scenario the access analysis builds for it, with
 * the decision trace (src/cli/explain.ts). Exit status 0 when explained, 1 on a usage error (a key, principal or action
 * the app does not have: the nearest names are listed), 2 when the assembly cannot be read.
 *
 * diff: the access added and removed between two synthesized versions of an app (src/cli/diff.ts). Exit status 0; 1
 * with --fail-on-new-access when some access was added or became uncertain, or on a usage error; 2 when an assembly
 * cannot be read.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'fs';
import { DIFF_USAGE, parseDiffArgs, runDiff } from './diff';
import { DuplicateJsonKey, findDuplicateJsonKeys } from './duplicate-json-keys';
import { EXPLAIN_USAGE, parseExplainArgs, runExplain } from './explain';
import { ReadinessFinding, checkDeployReadiness } from '../analysis/deploy-readiness';
import { buildAppModel } from '../app-model/app-model';
import { readCloudAssembly } from '../app-model/cloud-assembly';
import { EvaluationIssue, EvaluationResult, KmsAccessEvaluator, KmsDecision } from '../evaluator/kms-access-evaluator';
import { NoSilentAllowCodes } from '../policy/issues';
import { REPORT_USAGE, parseReportArgs, runReport } from '../report/report-command';

const USAGE = [
  'usage: kms-guard evaluate FILE...      each FILE holds one scenario object or an array of them; prints one JSON result per line',
  `       ${REPORT_USAGE}`,
  '                                        prints who can use each KMS key of a synthesized CDK app (default cdk.out), over every KMS key action,',
  '                                        under which conditions, with the rule findings (docs/rules.md); exits 1 on findings at or above --fail-on',
  '       kms-guard summarize CDK_OUT_DIR  the same as report CDK_OUT_DIR --format table',
  '       kms-guard readiness CDK_OUT_DIR  prints what would make deploying a synthesized CDK app fail on its KMS keys; exits 1 on any error',
  `       ${EXPLAIN_USAGE}`,
  '                                        decides one request of one principal on one key as the report does, and prints why: each check, the',
  '                                        statements that cover the action and their conditions, the request values assumed',
  `       ${DIFF_USAGE}`,
  '                                        the access added and removed per key, principal, action and condition set between two synthesized',
  '                                        versions of an app; with --fail-on-new-access exits 1 when access was added or became uncertain',
].join('\n');

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly readFile: (path: string) => string;
  /** Opens a file for `report --output`. @default - the file system */
  readonly openOutput?: (path: string) => { write(text: string): void; close(): void };
  /** Whether standard error is a terminal (`report` then shows a progress line for large apps). @default false */
  readonly isTTY?: boolean;
  /** Writes to standard error without a line break (the progress line). @default - no progress line */
  readonly writeErr?: (text: string) => void;
}

/** Runs the CLI and returns its exit code; all I/O goes through `io` so tests can drive it. */
export function runCli(args: readonly string[], io: CliIo): number {
  const [command, ...files] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (command === 'report' || (command === 'summarize' && files.length >= 1)) return report(command, files, io);
  if (command === 'readiness' && files.length === 1) return readiness(files[0], io);
  if (command === 'explain' || command === 'diff') {
    const parsed = command === 'explain' ? parseExplainArgs(files) : parseDiffArgs(files);
    if (typeof parsed === 'string') {
      io.err(`kms-guard: ${command}: ${parsed}\n${USAGE}`);
      return 1;
    }
    return 'key' in parsed ? runExplain(parsed, io) : runDiff(parsed, io);
  }
  if (command !== 'evaluate' || files.length === 0) {
    io.err(command === undefined ? USAGE : `kms-guard: unknown command or missing FILE: ${args.join(' ')}\n${USAGE}`);
    return 1;
  }
  let status = 0;
  for (const file of files) {
    let parsed: unknown;
    let text: string;
    try {
      text = io.readFile(file);
      parsed = JSON.parse(text);
    } catch (e) {
      io.err(`kms-guard: ${file}: cannot read a JSON scenario: ${(e as Error).message}`);
      status = 2;
      continue;
    }
    const scenarios = Array.isArray(parsed) ? parsed : [parsed];
    const duplicates = duplicatesByScenario(findDuplicateJsonKeys(text), Array.isArray(parsed));
    scenarios.forEach((scenario, index) => {
      const evaluated = KmsAccessEvaluator.evaluate(scenario);
      const found = duplicates.get(index);
      const result = found === undefined ? evaluated : withDuplicateKeys(evaluated, found);
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

/** Duplicate keys by the index of the scenario that holds them (0 for a file holding one scenario). */
function duplicatesByScenario(found: readonly DuplicateJsonKey[], array: boolean): Map<number, DuplicateJsonKey[]> {
  const map = new Map<number, DuplicateJsonKey[]>();
  for (const d of found) {
    const index = array ? d.segments[0] as number | undefined : 0;
    // A duplicate outside every scenario cannot happen: a file is an object or an array of them.
    if (index === undefined) continue;
    const list = map.get(index);
    if (list) list.push(d);
    else map.set(index, [d]);
  }
  return map;
}

/** The scenario's result made invalid by its duplicate keys: an implicit deny carrying them first, then its own errors. */
function withDuplicateKeys(result: EvaluationResult, found: readonly DuplicateJsonKey[]): EvaluationResult {
  const errors: EvaluationIssue[] = found.map((d) => ({
    code: NoSilentAllowCodes.DUPLICATE_JSON_KEY,
    severity: 'error',
    message: `the object at ${d.path} names the key ${JSON.stringify(d.key)} twice, and JSON.parse keeps only the last value (a "Deny" followed by an "Allow" reads as an Allow), so the scenario is not evaluated. keep one ${JSON.stringify(d.key)}`,
    field: d.path,
  }));
  const first = errors[0];
  return {
    ...(result.name !== undefined ? { name: result.name } : {}),
    decision: KmsDecision.IMPLICIT_DENY,
    explanation: `the scenario is invalid and was not evaluated: ${first.message} (${first.field})${errors.length + result.errors.length > 1 ? `, and ${errors.length + result.errors.length - 1} more error(s)` : ''}`,
    checks: [],
    errors: [...errors, ...result.errors],
    warnings: result.warnings,
  };
}

/** `report` and its alias `summarize` (= `report --format table`). */
function report(command: string, args: readonly string[], io: CliIo): number {
  const parsed = parseReportArgs(command === 'summarize' ? [...args, '--format', 'table'] : args);
  if (typeof parsed === 'string') {
    io.err(`kms-guard: ${command}: ${parsed}\n${USAGE}`);
    return 1;
  }
  return runReport(parsed, { out: io.out, err: io.err, openOutput: io.openOutput ?? openFile, isTTY: io.isTTY, writeErr: io.writeErr });
}

function openFile(path: string): { write(text: string): void; close(): void } {
  const fd = openSync(path, 'w');
  return { write: (text) => writeSync(fd, text), close: () => closeSync(fd) };
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
    isTTY: process.stderr.isTTY === true,
    writeErr: (text) => process.stderr.write(text),
  });
}
