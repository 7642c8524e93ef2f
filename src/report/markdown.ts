/**
 * `kms-guard report --format markdown`: the same content as the table, for pull requests and docs. Per key, a table
 * of who can do what and under which conditions (numbered, with the statements that impose them), the subjects with
 * no access, the notes; then the rule findings (src/rules, deploy readiness included), with the id that acknowledges each. Table cells escape `|` and line breaks. Pure.
 */
import { LEGEND, askedText, findingCounts, keyArnText, keyRows, keyTitle, plural, unusableCapabilities } from './describe';
import { ReportFooter, ReportHeader, ReportRenderer } from './report-model';
import { KeyAccess } from '../analysis/effective-access';
import { acknowledgementId } from '../rules/finding';

export class MarkdownRenderer implements ReportRenderer {
  public begin(h: ReportHeader): string[] {
    return [
      '# KMS key access report',
      '',
      `${plural(h.keys, 'key')} in ${plural(h.stacks, 'stack')} of \`${h.source}\` (kms-guard report version ${h.version}).`,
      '',
      ...askedText(h).map((l) => `- ${l}`),
      '',
      ...LEGEND.map((l) => `- ${l}`),
    ];
  }

  public key(k: KeyAccess): string[] {
    const lines = ['', `## Key \`${keyTitle(k)}\``, '', `\`${k.key.arn}\` ${keyArnText(k).slice(k.key.arn.length + 1)}`];
    if (k.organization) lines.push('', `> Organization: ${k.organization.assumption}.`);
    const { rows: subjects, none, footnotes } = keyRows(k);
    const rows = subjects.map((r) => `| ${cell(r.label)} | ${cell(r.what)} | ${cell([...r.remarks, ...r.notes].join('; '))} |`);
    if (rows.length > 0) lines.push('', '| who | can | notes |', '|---|---|---|', ...rows);
    if (!k.evaluated) lines.push('', '**Not evaluated**: see the notes.');
    if (none.length > 0) lines.push('', `**No access:** ${none.map(cell).join('; ')}`);
    if (footnotes.size > 0) {
      lines.push('', '**Conditions:**', '');
      for (const [text, n] of footnotes) lines.push(`${n}. ${text}`);
    }
    const unusable = unusableCapabilities(k);
    const notes = [
      ...k.notes,
      ...(unusable.length > 0 ? [`not shown: ${unusable.join(', ')} (a ${k.key.keySpec} ${k.key.keyUsage} key cannot serve them; the JSON format has every action)`] : []),
    ];
    if (notes.length > 0) lines.push('', '**Notes:**', '', ...notes.map((n) => `- ${n}`));
    return lines;
  }

  public end(f: ReportFooter): string[] {
    const lines = ['', '## Findings', '', `${findingCounts(f.findings)}.`];
    if (f.findings.length > 0) {
      lines.push('', '| severity | where | finding | message |', '|---|---|---|---|');
      for (const x of f.findings) {
        const at = x.location;
        const where = [at.policy, at.statement, at.field].filter((w) => w !== undefined).join(', ');
        const path = `\`${cell(at.constructPath ?? `${at.stackName}/${at.logicalId}`)}\`${where ? ` (${cell(where)})` : ''}`;
        lines.push(`| ${x.severity} | ${path} | \`${cell(acknowledgementId(x))}\` | ${cell(x.message)} |`);
      }
    }
    return lines;
  }
}

/** Text safe inside a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
