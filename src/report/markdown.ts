/**
 * `kms-guard report --format markdown`: the same content as the table, for pull requests and docs. Per key, a table
 * of who can do what and under which conditions (numbered, with the statements that impose them), the subjects with
 * no access, the notes; then the deploy-readiness findings. Table cells escape `|` and line breaks. Pure.
 */
import {
  LEGEND, accessGroups, askedText, keyArnText, keyTitle, pathText, plural, subjectLabel, unusableCapabilities,
} from './describe';
import { ReportFooter, ReportHeader, ReportRenderer } from './report-model';
import { KeyAccess } from '../analysis/effective-access';

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
    const footnotes = new Map<string, number>();
    const ref = (text: string): number => {
      let n = footnotes.get(text);
      if (n === undefined) footnotes.set(text, n = footnotes.size + 1);
      return n;
    };
    const rows: string[] = [];
    const none: string[] = [];
    for (const s of k.subjects) {
      const groups = accessGroups(s);
      if (groups.length === 0) {
        none.push(subjectLabel(s));
        continue;
      }
      const can = groups.map((g) => {
        const refs = g.paths.map((p) => ref(pathText(p)));
        const marks = refs.length > 0 ? ` [${refs.join(' or ')}]` : '';
        return `${g.answer === 'uncertain' ? 'possibly: ' : ''}${g.what}${marks}`;
      }).join('; ');
      const notes = [
        ...(s.lockoutRisk ? ['the only one that can call PutKeyPolicy'] : []),
        ...(groups.some((g) => g.answer === 'uncertain') && s.unknowns.length > 0 ? [`depends on: ${s.unknowns.join('; ')}`] : []),
        ...s.notes,
      ];
      rows.push(`| ${cell(subjectLabel(s))} | ${cell(can)} | ${cell(notes.join('; '))} |`);
    }
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
    const errors = f.findings.filter((x) => x.severity === 'error').length;
    const lines = ['', '## Deploy readiness', '', `${plural(errors, 'error')}, ${plural(f.findings.length - errors, 'warning')}.`];
    if (f.findings.length > 0) {
      lines.push('', '| severity | where | check | message |', '|---|---|---|---|');
      for (const x of f.findings) lines.push(`| ${x.severity} | \`${cell(x.constructPath ?? `${x.stackName}/${x.logicalId}`)}\` | ${x.check} | ${cell(x.message)} |`);
    }
    return lines;
  }
}

/** Text safe inside a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
