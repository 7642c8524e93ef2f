/**
 * `kms-guard report --format dot`: the access map (access-graph.ts) as a Graphviz `digraph`, left to right, for
 * `dot -Tsvg`. Node ids are the graph's own ids, quoted; every label is a quoted string with `\` and `"` escaped and
 * line breaks as `\n` between the lines we make (a backslash from the app is doubled, so that `\N`, `\G` or `\l` in a
 * construct path stay literal). Edges that allow something are drawn (green allowed, orange conditional, grey dashed
 * uncertain, dotted for an endpoint's edge to a key), labelled with `edgeLines`; `denied` edges are left out and
 * counted in a comment. Keys with findings get a red (errors) or orange (warnings only) border and the finding ids.
 * Buffers the graph until `end`. Pure.
 */
import { AccessGraph, GraphEdge, GraphNodeKind, drawnEdges, edgeLines, findingCounts, nodeLines } from './access-graph';
import { GraphRenderer } from './graph-renderer';
import { ReportFooter, ReportHeader } from './report-model';

export class DotRenderer extends GraphRenderer {
  protected draw(graph: AccessGraph, _header: ReportHeader, f: ReportFooter): string[] {
    const lines = dotLines(graph);
    const close = lines.pop()!;
    for (const w of f.warnings) lines.push(`  // warning: ${comment(w)}`);
    lines.push(close);
    return lines;
  }
}

const SHAPES: Readonly<Record<GraphNodeKind, string>> = {
  key: 'shape=box, style="rounded,filled", fillcolor="#eef4ff", color="#2b59c3"',
  principal: 'shape=box',
  representative: 'shape=box, style=dashed',
  service: 'shape=hexagon',
  endpoint: 'shape=parallelogram',
};

/** The graph as DOT lines, ending with the closing brace. */
export function dotLines(g: AccessGraph): string[] {
  const lines = [
    'digraph "kms-guard access map" {',
    `  // kms-guard access map of ${comment(g.source)}`,
    '  rankdir=LR;',
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const n of g.nodes) {
    const c = findingCounts(n.findings);
    const border = c.errors > 0 ? ', color="#b00020", penwidth=3' : c.warnings > 0 ? ', color="#b26a00", penwidth=3' : '';
    lines.push(`  ${quoted(n.id)} [label=${label(nodeLines(n))}, ${SHAPES[n.kind]}${border}];`);
  }
  for (const e of drawnEdges(g)) lines.push(`  ${quoted(e.from)} -> ${quoted(e.to)} [label=${label(edgeLines(e))}, ${edgeStyle(e)}];`);
  const denied = g.edges.length - drawnEdges(g).length;
  if (denied > 0) lines.push(`  // not drawn: ${denied} subject-key pair(s) with no access`);
  for (const f of g.findings) lines.push(`  // ${f.severity} ${comment(`${f.where} ${f.id}: ${f.message}`)}`);
  lines.push('}');
  return lines;
}

function edgeStyle(e: GraphEdge): string {
  if (e.kind === 'endpoint') return 'style=dotted, color="#555555"';
  if (e.answer === 'allowed') return 'color="#1b7f3a"';
  if (e.answer === 'conditional') return 'color="#c26a00"';
  return 'style=dashed, color="#777777"';
}

/** A DOT quoted string: backslash and double quote escaped, line breaks as spaces. */
export function quoted(text: string): string {
  return `"${text.replace(/[\r\n]+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A label of several lines: each line quoted-escaped, joined by DOT's `\n`. */
function label(lines: readonly string[]): string {
  return `"${lines.map((l) => quoted(l).slice(1, -1)).join('\\n')}"`;
}

/** Text for a `//` comment: one line. */
function comment(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
