/**
 * `kms-guard report --format table` (and `kms-guard summarize`): plain text for a terminal. Per key, one row per
 * subject that can do something (who, then what), the subjects with no access on one line (every one of them), the
 * conditions as numbered footnotes with the statements that impose them, then the key's notes; after the keys, the
 * rule findings (src/rules, deploy readiness included), one line each as `formatFinding` writes them. Pure.
 */
import { LEGEND, askedText, findingCounts, keyArnText, keyRows, keyTitle, plural, unusableCapabilities } from './describe';
import { ReportFooter, ReportHeader, ReportRenderer } from './report-model';
import { KeyAccess } from '../analysis/effective-access';
import { formatFinding } from '../rules/finding';

/** Labels longer than this are not padded: the access follows after two spaces. */
const LABEL_COLUMN = 56;

export class TableRenderer implements ReportRenderer {
  public begin(h: ReportHeader): string[] {
    return [
      `kms-guard report of ${h.source}: ${plural(h.keys, 'key')} in ${plural(h.stacks, 'stack')} (report version ${h.version})`,
      ...askedText(h).map((l) => `  ${l}`),
      `  legend: ${LEGEND.join('; ')}`,
    ];
  }

  public key(k: KeyAccess): string[] {
    const lines = ['', `key ${keyTitle(k)}`, `  ${keyArnText(k)}`];
    if (k.organization) lines.push(`  organization: ${k.organization.assumption}`);
    const { rows: subjects, none, footnotes } = keyRows(k);
    const rows = subjects.map((r): [string, string, string[]] => [r.label, r.what, [...r.remarks, ...r.notes.map((n) => `note: ${n}`)]]);
    const width = Math.min(LABEL_COLUMN, Math.max(0, ...rows.map(([label]) => label.length)));
    for (const [label, what, extra] of rows) {
      lines.push(`  ${label.length <= width ? label.padEnd(width) : label}  ${what}`);
      for (const e of extra) lines.push(`      ${e}`);
    }
    if (!k.evaluated) lines.push('  not evaluated: see the note below');
    if (none.length > 0) lines.push(`  no access: ${none.join('; ')}`);
    for (const [text, n] of footnotes) lines.push(`  [${n}] ${text}`);
    for (const n of k.notes) lines.push(`  note: ${n}`);
    const unusable = unusableCapabilities(k);
    if (unusable.length > 0) lines.push(`  not shown: ${unusable.join(', ')} (a ${k.key.keySpec} ${k.key.keyUsage} key cannot serve them; the JSON format has every action)`);
    return lines;
  }

  public end(f: ReportFooter): string[] {
    return [
      '',
      `findings: ${findingCounts(f.findings)}`,
      ...f.findings.map((x) => `  ${formatFinding(x)}`),
    ];
  }
}
