/**
 * `kms-guard report [CLOUD_ASSEMBLY_DIR | TEMPLATE...] [--format table|markdown|json|sarif|html|mermaid|dot] [--output FILE]
 * [--fail-on error|warning]`: the effective access of every KMS key of a synthesized app, with the rule findings
 * (src/rules, the deploy-readiness checks included) beside it.
 *
 * The app is a cloud assembly directory (default `cdk.out`) or one or more CloudFormation template files (loose
 * templates: no environment, no deploying role, so both are reported as unknown).
 *
 * Exit status, following the CLI's conventions (src/cli/main.ts): 0 when the report was written and no finding is at
 * or above `--fail-on` (without `--fail-on`, findings never fail the run); 1 when some are, or on a usage error (as
 * for `evaluate` and `readiness`); 2 when the app cannot be read or the output file cannot be written.
 * Keys are rendered as they are analysed (streamed), to standard output or FILE; on a terminal, more than
 * PROGRESS_MIN_KEYS keys get a progress line on standard error. The app model's warnings go to standard error, as
 * `readiness` prints them. Reads files only through cloud-assembly.ts (and package.json, for the tool version) and
 * writes only through `io`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DotRenderer } from './dot';
import { HtmlRenderer } from './html';
import { JsonRenderer } from './json';
import { MarkdownRenderer } from './markdown';
import { MermaidRenderer } from './mermaid';
import { progressFor } from './progress';
import { FailOn, ReportRenderer, failingFindings, reportHeader } from './report-model';
import { SarifRenderer } from './sarif';
import { TableRenderer } from './table';
import { analyzeKeys } from '../analysis/effective-access';
import { AppModel, buildAppModel } from '../app-model/app-model';
import { AppFiles, readAppFiles } from '../app-model/cloud-assembly';
import { runRules } from '../rules';

export const REPORT_USAGE = 'kms-guard report [CDK_OUT_DIR | TEMPLATE.json...] [--format table|markdown|json|sarif|html|mermaid|dot] [--output FILE] [--fail-on error|warning]';

export interface ReportIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Opens FILE for `--output`; throws when it cannot. */
  readonly openOutput: (path: string) => { write(text: string): void; close(): void };
  /** Whether standard error is a terminal: only then is a progress line drawn. @default false */
  readonly isTTY?: boolean;
  /** Writes to standard error as is, without a line break (the progress line). @default - no progress line */
  readonly writeErr?: (text: string) => void;
}

export interface ReportArgs {
  /** One cloud assembly directory (`cdk.out` when none is given), or CloudFormation template files, as given. */
  readonly inputs: readonly string[];
  readonly format: typeof FORMATS[number];
  readonly output?: string;
  readonly failOn?: FailOn;
}

const FORMATS = ['table', 'markdown', 'json', 'sarif', 'html', 'mermaid', 'dot'] as const;

/** Parses the arguments after `report`; a string is the usage error. */
export function parseReportArgs(args: readonly string[]): ReportArgs | string {
  const inputs: string[] = [];
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
    } else {
      inputs.push(arg);
    }
  }
  // Several names are template files; a directory among them is refused when they are read (readAppFiles).
  const notJson = inputs.find((n) => !/\.json$/i.test(n));
  if (inputs.length > 1 && notJson !== undefined) {
    return `one cloud assembly directory, or CloudFormation template files (.json) only: got ${JSON.stringify(notJson)} among ${inputs.length} names`;
  }
  if (inputs.length === 0) inputs.push('cdk.out');
  return { inputs, format, ...(output !== undefined ? { output } : {}), ...(failOn !== undefined ? { failOn } : {}) };
}

/** Runs `report` and returns the exit status. */
export function runReport(args: ReportArgs, io: ReportIo): number {
  const inputs = args.inputs;
  const source = inputs.join(' ');
  let files: AppFiles;
  let model: AppModel;
  try {
    files = readAppFiles(inputs);
    model = buildAppModel(files.stacks);
  } catch (e) {
    const what = inputs.length === 1 && !/\.json$/i.test(inputs[0]) ? 'a cloud assembly' : 'CloudFormation templates';
    io.err(`kms-guard: ${source}: cannot read ${what}: ${(e as Error).message}`);
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
  const renderer = rendererFor(args.format, files);
  const findings = runRules(model);
  const progress = progressFor(model.keys.length, io.isTTY, io.writeErr);
  try {
    for (const line of renderer.begin(reportHeader(source, model.stacks.length, model.keys.length))) sink.write(line);
    let n = 0;
    progress?.show(++n);
    for (const key of analyzeKeys(model)) {
      const lines = renderer.key(key);
      // The report may go to the same terminal: the progress line leaves it while the key's lines are written.
      if (lines.length > 0 && args.output === undefined) progress?.clear();
      for (const line of lines) sink.write(line);
      if (n < model.keys.length) progress?.show(++n);
    }
    progress?.clear();
    for (const line of renderer.end({ findings, warnings: model.warnings })) sink.write(line);
  } catch (e) {
    progress?.clear();
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

function rendererFor(format: ReportArgs['format'], files: AppFiles): ReportRenderer {
  switch (format) {
    case 'json': return new JsonRenderer();
    case 'markdown': return new MarkdownRenderer();
    case 'sarif': return new SarifRenderer({
      ...(toolVersion() !== undefined ? { toolVersion: toolVersion() } : {}),
      stacks: files.stacks,
      fromCloudAssembly: files.kind === 'cloud-assembly',
    });
    case 'html': return new HtmlRenderer();
    case 'mermaid': return new MermaidRenderer();
    case 'dot': return new DotRenderer();
    default: return new TableRenderer();
  }
}

let cachedVersion: { value: string | undefined } | undefined;

/**
 * kms-guard's version, from the package.json two directories up (the package root, from src/report and from
 * lib/report alike), read once. Undefined when it cannot be read: the SARIF log then states no version rather than
 * a wrong one.
 */
export function toolVersion(): string | undefined {
  if (cachedVersion === undefined) {
    let value: string | undefined;
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
      value = pkg?.name === 'cdk-kms-guard' && typeof pkg.version === 'string' ? pkg.version : undefined;
    } catch {
      value = undefined;
    }
    cachedVersion = { value };
  }
  return cachedVersion.value;
}
