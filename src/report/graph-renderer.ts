/**
 * The shell every access-map renderer shares (HTML, Mermaid, DOT): nothing is printed per key, the keys' analyses are
 * folded into one access graph (access-graph.ts) as they stream in, and the whole document is drawn at the end, once
 * the findings are known. Subclasses only draw. Pure.
 */
import { AccessGraph, AccessGraphBuilder } from './access-graph';
import { ReportFooter, ReportHeader, ReportRenderer } from './report-model';
import { KeyAccess } from '../analysis/effective-access';

export abstract class GraphRenderer implements ReportRenderer {
  private builder = new AccessGraphBuilder();
  private header?: ReportHeader;

  public begin(h: ReportHeader): string[] {
    this.builder = new AccessGraphBuilder();
    this.header = h;
    return [];
  }

  public key(k: KeyAccess): string[] {
    this.builder.addKey(k);
    return [];
  }

  public end(f: ReportFooter): string[] {
    if (this.header === undefined) throw new Error(`${this.constructor.name}.end() was called before begin(): call begin(header), then key() for each key, then end(footer)`);
    this.builder.addFindings(f.findings);
    return this.draw(this.builder.graph(this.header.source), this.header, f);
  }

  /** The document's lines for the whole graph. */
  protected abstract draw(graph: AccessGraph, header: ReportHeader, footer: ReportFooter): string[];
}
