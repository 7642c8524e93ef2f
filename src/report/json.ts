/**
 * `kms-guard report --format json`: one JSON document, written key by key so that it streams. The shape (documented
 * in docs/access-analysis.md) is `{version, tool, source, stacks, actions, capabilities, grantsDeclared, keys: [...],
 * findings: [...], warnings: [...], summary}`; each key is a `KeyAccess` (src/analysis/access/model.ts) on one line,
 * each finding a rule `Finding` (src/rules/finding.ts). `version` is REPORT_VERSION: it changes when a field changes
 * meaning or goes away. Pure.
 */
import { ReportFooter, ReportHeader, ReportRenderer } from './report-model';
import { KeyAccess } from '../analysis/effective-access';

export class JsonRenderer implements ReportRenderer {
  private count = 0;

  public begin(h: ReportHeader): string[] {
    this.count = 0;
    const head = {
      version: h.version,
      tool: 'kms-guard',
      source: h.source,
      stacks: h.stacks,
      actions: h.actions,
      capabilities: h.capabilities,
      grantsDeclared: h.grantsDeclared,
    };
    const text = JSON.stringify(head);
    return [`${text.slice(0, -1)},"keys":[`];
  }

  public key(k: KeyAccess): string[] {
    return [`${this.count++ === 0 ? '' : ','}${JSON.stringify(k)}`];
  }

  public end(f: ReportFooter): string[] {
    const errors = f.findings.filter((x) => x.severity === 'error').length;
    // The finding objects as the rules made them: ruleId, findingId, severity, location, message.
    const tail = { findings: f.findings, warnings: f.warnings, summary: { keys: this.count, errors, warnings: f.findings.length - errors } };
    return [`],${JSON.stringify(tail).slice(1)}`];
  }
}
