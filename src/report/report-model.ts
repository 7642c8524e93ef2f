/**
 * What `kms-guard report` prints, whatever the format: a header (what was asked), the effective access of each key
 * (src/analysis/effective-access.ts), and a footer with the deploy-readiness findings (src/analysis/deploy-readiness.ts)
 * and the app model's warnings. Keys are rendered one at a time as the analysis yields them, so output streams and
 * memory stays bounded by one key. Pure.
 */
import { AccessAnalysisHeader, KeyAccess } from '../analysis/effective-access';
import { ReadinessFinding } from '../analysis/readiness-finding';

/** The version of the JSON report (`version`); it changes when a field changes meaning or goes away. */
export const REPORT_VERSION = 1;

export interface ReportHeader extends AccessAnalysisHeader {
  /** Where the app was read from (the cloud assembly directory), as given. */
  readonly source: string;
  readonly stacks: number;
  readonly keys: number;
}

export interface ReportFooter {
  readonly findings: readonly ReadinessFinding[];
  readonly warnings: readonly string[];
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
export function failingFindings(findings: readonly ReadinessFinding[], failOn: FailOn | undefined): number {
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
