/**
 * `kms-guard report [CDK_OUT_DIR] [--format table|markdown|json] [--output FILE] [--fail-on error|warning]`: the
 * effective access of every KMS key of a synthesized app, with the deploy-readiness findings beside it.
 *
 * Exit status, following the CLI's conventions (src/cli/main.ts): 0 when the report was written and no finding is at
 * or above `--fail-on` (without `--fail-on`, findings never fail the run); 1 when some are, or on a usage error (as
 * for `evaluate` and `readiness`); 2 when the cloud assembly cannot be read or the output file cannot be written.
 * Keys are rendered as they are analysed (streamed), to standard output or FILE. The app model's warnings go to
 * standard error, as `readiness` prints them. Reads files only through cloud-assembly.ts and writes only through `io`.
 */
import { JsonRenderer } from './json';
import { MarkdownRenderer } from './markdown';
import { FailOn, ReportRenderer, failingFindings } from './report-model';
import { TableRenderer } from './table';
import { checkDeployReadiness } from '../analysis/deploy-readiness';
import { accessAnalysisHeader, analyzeKeys } from '../analysis/effective-access';
import { AppModel, buildAppModel } from '../app-model/app-model';
import { readCloudAssembly } from '../app-model/cloud-assembly';

export const REPORT_USAGE = 'kms-guard report [CDK_OUT_DIR] [--format table|markdown|json] [--output FILE] [--fail-on error|warning]';

export interface ReportIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Opens FILE for `--output`; throws when it cannot. */
  readonly openOutput: (path: string) => { write(text: string): void; close(): void };
}

export interface ReportArgs {
  readonly dir: string;
  readonly format: 'table' | 'markdown' | 'json';
  readonly output?: string;
  readonly failOn?: FailOn;
}

const FORMATS = ['table', 'markdown', 'json'] as const;

/** Parses the arguments after `report`; a string is the usage error. */
export function parseReportArgs(args: readonly string[]): ReportArgs | string {
  let dir: string | undefined;
  let format: ReportArgs['format'] = 'table';
  let output: string | undefined;
  let failOn: FailOn | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : args[++i]);
    if (name === '--format') {
      const v = value();
      if (!FORMATS.includes(v as ReportArgs['format'])) return `--format needs one of ${FORMATS.join(', ')}, got ${JSON.stringify(v ?? '')}`;
      format = v as ReportArgs['format'];
    } else if (name === '--output' || name === '-o') {
      output = value();
      if (!output) return `${name} needs a file name`;
    } else if (name === '--fail-on') {
      const v = value();
      if (v !== 'error' && v !== 'warning') return `--fail-on needs error or warning, got ${JSON.stringify(v ?? '')}`;
      failOn = v;
    } else if (arg.startsWith('-') && arg !== '-') {
      return `unknown option ${arg}`;
    } else if (dir === undefined) {
      dir = arg;
    } else {
      return `one cloud assembly directory at a time, got ${JSON.stringify(dir)} and ${JSON.stringify(arg)}`;
    }
  }
  return { dir: dir ?? 'cdk.out', format, ...(output !== undefined ? { output } : {}), ...(failOn !== undefined ? { failOn } : {}) };
}

/** Runs `report` and returns the exit status. */
export function runReport(args: ReportArgs, io: ReportIo): number {
  let model: AppModel;
  try {
    model = buildAppModel(readCloudAssembly(args.dir));
  } catch (e) {
    io.err(`kms-guard: ${args.dir}: cannot read a cloud assembly: ${(e as Error).message}`);
    return 2;
  }
  let sink: { write(line: string): void; close(): void };
  if (args.output === undefined) {
    sink = { write: io.out, close: () => undefined };
  } else {
    try {
      const file = io.openOutput(args.output);
      sink = { write: (line) => file.write(`${line}\n`), close: () => file.close() };
    } catch (e) {
      io.err(`kms-guard: cannot write ${args.output}: ${(e as Error).message}`);
      return 2;
    }
  }
  const renderer = rendererFor(args.format);
  const findings = checkDeployReadiness(model);
  try {
    const header = { ...accessAnalysisHeader(), source: args.dir, stacks: model.stacks.length, keys: model.keys.length };
    for (const line of renderer.begin(header)) sink.write(line);
    for (const key of analyzeKeys(model)) for (const line of renderer.key(key)) sink.write(line);
    for (const line of renderer.end({ findings, warnings: model.warnings })) sink.write(line);
  } catch (e) {
    io.err(`kms-guard: cannot write ${args.output ?? 'the report'}: ${(e as Error).message}`);
    return 2;
  } finally {
    sink.close();
  }
  for (const warning of model.warnings) io.err(`kms-guard: warning: ${warning}`);
  const failing = failingFindings(findings, args.failOn);
  if (args.output !== undefined) io.err(`kms-guard: report of ${model.keys.length} key(s) written to ${args.output}`);
  if (failing > 0) io.err(`kms-guard: ${failing} finding(s) at or above --fail-on ${args.failOn}`);
  return failing > 0 ? 1 : 0;
}

function rendererFor(format: ReportArgs['format']): ReportRenderer {
  switch (format) {
    case 'json': return new JsonRenderer();
    case 'markdown': return new MarkdownRenderer();
    default: return new TableRenderer();
  }
}
