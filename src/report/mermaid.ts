/**
 * `kms-guard report --format mermaid`: the access map (access-graph.ts) as a Mermaid `flowchart LR`, for docs and pull
 * requests that render Mermaid. Keys, principals, representatives, services and endpoints are nodes of different
 * shapes; each edge that allows something is drawn (solid for allowed and conditional, dotted for uncertain), labelled
 * with its lines (`edgeLines`); `denied` edges are left out and counted in a comment. Keys with findings carry their
 * counts and finding ids and the class `error` or `warning`.
 *
 * Node ids are `n0`, `n1`, ... in the graph's order: always valid Mermaid identifiers (never a reserved word such as
 * `end`), whatever the construct paths. Every text from the app is in a quoted label with the characters Mermaid
 * reads (`"`, `#`, `<`, `>`, `&`, `|`, backtick, backslash) written as entity codes (`#quot;` style, numeric), and line
 * breaks as spaces; comments drop line breaks too. Buffers the graph (not the keys' analyses) until `end`. Pure.
 */
import { AccessGraph, GraphNodeKind, drawnEdges, edgeLines, findingCounts, nodeLines } from './access-graph';
import { GraphRenderer } from './graph-renderer';
import { ReportFooter, ReportHeader } from './report-model';

export class MermaidRenderer extends GraphRenderer {
  protected draw(graph: AccessGraph, _header: ReportHeader, f: ReportFooter): string[] {
    const lines = mermaidLines(graph);
    for (const w of f.warnings) lines.push(`  %% warning: ${comment(w)}`);
    return lines;
  }
}

/** The graph as Mermaid flowchart lines. */
export function mermaidLines(g: AccessGraph): string[] {
  const ids = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR', `  %% kms-guard access map of ${comment(g.source)}`];
  for (const n of g.nodes) lines.push(`  ${ids.get(n.id)}${shape(n.kind, nodeLines(n).map(mermaidText).join('<br/>'))}`);
  for (const e of drawnEdges(g)) {
    const arrow = e.kind === 'endpoint' || e.answer === 'uncertain' ? '-.->' : '-->';
    lines.push(`  ${ids.get(e.from)} ${arrow}|"${edgeLines(e).map(mermaidText).join('<br/>')}"| ${ids.get(e.to)}`);
  }
  const denied = g.edges.length - drawnEdges(g).length;
  if (denied > 0) lines.push(`  %% not drawn: ${denied} subject-key pair(s) with no access`);
  for (const f of g.findings) lines.push(`  %% ${f.severity} ${comment(`${f.where} ${f.id}: ${f.message}`)}`);
  lines.push(
    '  classDef key fill:#eef4ff,stroke:#2b59c3',
    '  classDef error stroke:#b00020,stroke-width:3px',
    '  classDef warning stroke:#b26a00,stroke-width:3px',
  );
  const keys = g.nodes.filter((n) => n.kind === 'key').map((n) => ids.get(n.id));
  if (keys.length > 0) lines.push(`  class ${keys.join(',')} key`);
  for (const severity of ['error', 'warning'] as const) {
    const marked = g.nodes.filter((n) => {
      const c = findingCounts(n.findings);
      return severity === 'error' ? c.errors > 0 : c.errors === 0 && c.warnings > 0;
    }).map((n) => ids.get(n.id));
    if (marked.length > 0) lines.push(`  class ${marked.join(',')} ${severity}`);
  }
  return lines;
}

function shape(kind: GraphNodeKind, label: string): string {
  switch (kind) {
    case 'key': return `[["${label}"]]`;
    case 'representative': return `(["${label}"])`;
    case 'service': return `{{"${label}"}}`;
    case 'endpoint': return `[/"${label}"/]`;
    default: return `("${label}")`;
  }
}

/** Text for inside a quoted Mermaid label: the characters Mermaid would read as markup become entity codes. */
export function mermaidText(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/["#<>&|`\\]/g, (c) => `#${c.codePointAt(0)};`);
}

/** Text for a `%%` comment: one line. */
function comment(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
