/**
 * What `kms-guard report` prints, whatever the format: a header (what was asked), the effective access of each key
 * (src/analysis/effective-access.ts), and a footer with the rule findings (`runRules`, src/rules: the deploy-readiness
 * checks are rules too) and the app model's warnings. Keys are rendered one at a time as the analysis yields them,
 * so output streams and memory stays bounded by one key (SARIF buffers only its per-key counts). Pure.
 */
import { AccessAnalysisHeader, EffectiveAccessOptions, KeyAccess, accessAnalysisHeader } from '../analysis/effective-access';
import { Finding } from '../rules/finding';

/**
 * The version of the JSON report (`version`); it changes when a field changes meaning or goes away.
 * It covers the whole document, `keys` included: when ACCESS_REPORT_VERSION changes, this changes too.
 * 2: `findings` holds rule findings (`ruleId`, `findingId`, `severity`, `location`, `message`; src/rules/finding.ts)
 * instead of deploy-readiness findings (`check`, `stackName`, `logicalId`, `constructPath`).
 */
export const REPORT_VERSION = 2;

export interface ReportHeader extends AccessAnalysisHeader {
  /**
   * The report's version, REPORT_VERSION (not the access analysis' ACCESS_REPORT_VERSION, which covers `keys` only):
   * renderers print this one.
   */
  readonly version: number;
  /** Where the app was read from, as given: the cloud assembly directory, or the template files separated by spaces. */
  readonly source: string;
  readonly stacks: number;
  readonly keys: number;
}

export interface ReportFooter {
  /** The rule findings of the app, in the order of ALL_RULES. */
  readonly findings: readonly Finding[];
  readonly warnings: readonly string[];
}

/** The header of a report of `source`: what the analysis asks, with the report's own version. */
export function reportHeader(source: string, stacks: number, keys: number, options: EffectiveAccessOptions = {}): ReportHeader {
  return { ...accessAnalysisHeader(options), version: REPORT_VERSION, source, stacks, keys };
}

/** A renderer: lines for the header, each key and the footer. */
export interface ReportRenderer {
  begin(header: ReportHeader): string[];
  key(key: KeyAccess): string[];
  end(footer: ReportFooter): string[];
}

/** Severity thresholds of `--fail-on`. */
export type FailOn = 'error' | 'warning';

/** How many findings are at or above the threshold. */
export function failingFindings(findings: readonly Finding[], failOn: FailOn | undefined): number {
  if (failOn === undefined) return 0;
  return findings.filter((f) => f.severity === 'error' || failOn === 'warning').length;
}

/** Renders a whole report at once (tests, small apps). */
export function renderReport(renderer: ReportRenderer, header: ReportHeader, keys: Iterable<KeyAccess>, footer: ReportFooter): string {
  const lines = renderer.begin(header);
  for (const k of keys) lines.push(...renderer.key(k));
  lines.push(...renderer.end(footer));
  return lines.join('\n');
}
