/**
 * `kms-guard report --format html`: the access map as one self-contained page. An SVG draws the subjects (principals,
 * representatives, services) in the left column, the VPC endpoints that access goes through in the middle and the
 * keys on the right, with one numbered edge per access-graph edge (access-graph.ts); a table below gives each numbered
 * edge in words (answer, capabilities, every way it is allowed with its statements, what is unknown). A key filter, a
 * principal filter and a "show no access" switch hide the other edges, rows and nodes. Keys with findings have a red
 * (errors) or orange (warnings only) border and a badge; the findings are listed below, on their node.
 *
 * The file works offline and from anywhere: inline CSS and script, no font, image or request of any kind, and a
 * Content-Security-Policy that forbids all but that inline CSS and script (by their SHA-256), so a page opened from a
 * pull request cannot call out. Every text from the app (construct paths, ARNs, condition values: user input) is
 * HTML-escaped, and the script reads only `data-` attributes (never evaluates app text). Deterministic: the same
 * report gives the same bytes. Buffers the graph until `end`. Pure.
 */
import { createHash } from 'crypto';
import { AccessGraph, GraphEdge, GraphFinding, GraphNode, edgeLines, findingCounts } from './access-graph';
import { LEGEND, plural } from './describe';
import { GraphRenderer } from './graph-renderer';
import { ReportFooter, ReportHeader } from './report-model';

export class HtmlRenderer extends GraphRenderer {
  protected draw(graph: AccessGraph, header: ReportHeader, footer: ReportFooter): string[] {
    return htmlPage(graph, header, footer.warnings);
  }
}

/** Geometry of the map, in SVG user units (pixels at 100%). */
const G = {
  top: 40,
  rowHeight: 64,
  boxHeight: 54,
  subjectX: 10,
  subjectWidth: 380,
  endpointWidth: 280,
  keyWidth: 360,
  gap: 100,
  /** Characters of a label (12px) and of a detail line (10px) that fit in a box of the width above, per 100px. */
  labelChars: 13,
  detailChars: 17,
};

const COLORS: Readonly<Record<string, string>> = {
  allowed: '#1b7f3a',
  conditional: '#c26a00',
  uncertain: '#6b6b6b',
  denied: '#b00020',
  endpoint: '#4a4a8a',
};

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:16px;color:#1d1d1f;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 6px}
.meta,.legend{color:#555;font-size:12px;margin:2px 0}
.controls{display:flex;gap:16px;align-items:center;flex-wrap:wrap;margin:10px 0;padding:8px;background:#f4f5f7;border-radius:6px}
.controls label{font-size:13px}
#map{border:1px solid #d0d4da;border-radius:6px;overflow:auto;max-width:100%}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.node rect{fill:#fff;stroke:#8a94a6;stroke-width:1.2}
.node.key rect{fill:#eef4ff;stroke:#2b59c3}
.node.representative rect{stroke-dasharray:5 3}
.node.service rect{fill:#f3fbf4}
.node.endpoint rect{fill:#f6f3ff;stroke:#4a4a8a}
.node.has-error rect{stroke:#b00020;stroke-width:3}
.node.has-warning rect{stroke:#b26a00;stroke-width:3}
.node .label{font-size:12px;font-weight:600}.node .detail{font-size:10px;fill:#555}
.badge{font-size:10px;font-weight:700}.badge.error{fill:#b00020}.badge.warning{fill:#b26a00}
.edge{fill:none;stroke-width:1.6}.edge.a-uncertain{stroke-dasharray:6 4}.edge.a-denied{stroke-dasharray:2 3}.edge.k-endpoint{stroke-dasharray:1 3}
.mark circle{stroke:#fff;stroke-width:1}.mark text{font-size:9px;fill:#fff;font-weight:700}
.off{display:none}
table{border-collapse:collapse;width:100%;font-size:12px}
th,td{border:1px solid #d0d4da;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f4f5f7}
td.answer{font-weight:600}.a-allowed td.answer{color:#1b7f3a}.a-conditional td.answer{color:#c26a00}.a-uncertain td.answer{color:#6b6b6b}.a-denied td.answer{color:#b00020}
td ul{margin:0;padding-left:16px}
.findings li.error{color:#b00020}.findings li.warning{color:#8a5300}
code{font-size:12px}
`;

/**
 * The filter: an edge is shown when its key is the one selected (or all), its subject's label contains the principal
 * text (case-insensitive), and it is not a "no access" edge unless those are switched on. Endpoint edges follow the
 * access edges that go through them; a node is shown when one of its edges is (a key also when selected, or when
 * nothing filters).
 */
const SCRIPT = `
(function(){
  var keySel=document.getElementById('key-filter'),who=document.getElementById('principal-filter'),denied=document.getElementById('show-denied'),shown=document.getElementById('shown');
  var rows=Array.prototype.slice.call(document.querySelectorAll('tr[data-edge]'));
  function each(sel,f){Array.prototype.forEach.call(document.querySelectorAll(sel),f);}
  function apply(){
    var key=keySel.value,text=who.value.trim().toLowerCase(),withDenied=denied.checked,visible={},nodes={},through={},count=0;
    rows.forEach(function(r){
      if(r.getAttribute('data-kind')!=='access')return;
      var ok=(key===''||r.getAttribute('data-to')===key)&&(text===''||r.getAttribute('data-who').indexOf(text)>=0)&&(withDenied||r.getAttribute('data-answer')!=='denied');
      if(!ok)return;
      visible[r.getAttribute('data-edge')]=true;nodes[r.getAttribute('data-from')]=true;nodes[r.getAttribute('data-to')]=true;
      (r.getAttribute('data-through')||'').split(' ').forEach(function(t){if(t)through[t+' '+r.getAttribute('data-to')]=true;});
    });
    rows.forEach(function(r){
      if(r.getAttribute('data-kind')!=='endpoint')return;
      if(through[r.getAttribute('data-from-ref')+' '+r.getAttribute('data-to')]){visible[r.getAttribute('data-edge')]=true;nodes[r.getAttribute('data-from')]=true;}
    });
    if(text===''){each('[data-node].key',function(n){if(key===''||n.getAttribute('data-node')===key)nodes[n.getAttribute('data-node')]=true;});}
    each('[data-edge]',function(e){var on=visible[e.getAttribute('data-edge')]===true;e.classList.toggle('off',!on);if(on&&e.tagName==='TR')count++;});
    each('[data-node]',function(n){n.classList.toggle('off',nodes[n.getAttribute('data-node')]!==true);});
    shown.textContent=count+' of '+rows.length+' edges shown';
  }
  keySel.addEventListener('change',apply);who.addEventListener('input',apply);denied.addEventListener('change',apply);apply();
})();
`;

/** The whole page, as lines. */
export function htmlPage(g: AccessGraph, h: ReportHeader, warnings: readonly string[]): string[] {
  const nodeRef = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const ref = (id: string): string => nodeRef.get(id)!;
  const keys = g.nodes.filter((n) => n.kind === 'key');
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(STYLE)}'`,
    `script-src '${sha256(SCRIPT)}'`,
    "img-src 'none'", "font-src 'none'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'",
  ].join('; ');
  const lines = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>KMS key access map: ${esc(g.source)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>KMS key access map</h1>',
    `<p class="meta">${esc(`${plural(h.keys, 'key')} in ${plural(h.stacks, 'stack')} of ${g.source} (kms-guard report version ${h.version}); `
      + `${h.actions.asked.length} KMS actions asked of every subject; grants: ${h.grantsDeclared ? 'those given with the app' : 'none declared (CloudFormation declares none)'}`)}</p>`,
    ...LEGEND.map((l) => `<p class="legend">${esc(l)}</p>`),
    '<div class="controls">',
    `<label>Key <select id="key-filter"><option value="">all keys</option>${keys.map((k) => `<option value="${esc(ref(k.id))}">${esc(k.label)}</option>`).join('')}</select></label>`,
    '<label>Principal <input id="principal-filter" type="search" placeholder="part of a name or ARN" autocomplete="off"></label>',
    '<label><input id="show-denied" type="checkbox"> show subjects with no access</label>',
    '<output id="shown"></output>',
    '</div>',
    '<div id="map">',
    ...svg(g, ref),
    '</div>',
    '<h2>Edges</h2>',
    ...edgeTable(g, ref),
    ...findingsSection(g, ref),
    ...keyNotes(keys, ref),
  ];
  if (warnings.length > 0) lines.push('<h2>Warnings of the app model</h2>', '<ul>', ...warnings.map((w) => `<li>${esc(w)}</li>`), '</ul>');
  lines.push(`<script>${SCRIPT}</script>`, '</body>', '</html>');
  return lines;
}

function svg(g: AccessGraph, ref: (id: string) => string): string[] {
  // Subjects with no access at all go last: they are hidden unless asked for, and must not leave gaps between the others.
  const all = g.nodes.filter((n) => n.kind !== 'key' && n.kind !== 'endpoint');
  const subjects = [...all.filter((n) => !onlyDenied(g, n)), ...all.filter((n) => onlyDenied(g, n))];
  const endpoints = g.nodes.filter((n) => n.kind === 'endpoint');
  const keys = g.nodes.filter((n) => n.kind === 'key');
  const endpointX = G.subjectX + G.subjectWidth + G.gap;
  const keyX = endpoints.length > 0 ? endpointX + G.endpointWidth + G.gap : endpointX;
  const rows = Math.max(subjects.length, endpoints.length, keys.length, 1);
  const height = G.top + rows * G.rowHeight + 10;
  const width = keyX + G.keyWidth + 10;
  // Keys and endpoints are spread over the height of the subjects shown at first, so that edges fan out rather than
  // pile up, and no key sits beside the rows of subjects with no access (hidden until asked for).
  const shownRows = Math.max(subjects.filter((n) => !onlyDenied(g, n)).length, endpoints.length, keys.length, 1);
  const spread = (i: number, n: number): number => G.top + (n === 0 ? 0 : ((i + 0.5) * shownRows) / n - 0.5) * G.rowHeight;
  const box = new Map<string, { x: number; y: number; w: number }>();
  subjects.forEach((n, i) => box.set(n.id, { x: G.subjectX, y: G.top + i * G.rowHeight, w: G.subjectWidth }));
  endpoints.forEach((n, i) => box.set(n.id, { x: endpointX, y: spread(i, endpoints.length), w: G.endpointWidth }));
  keys.forEach((n, i) => box.set(n.id, { x: keyX, y: spread(i, keys.length), w: G.keyWidth }));

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="access-map" width="${width}" height="${round(height)}" viewBox="0 0 ${width} ${round(height)}" role="img" aria-label="KMS key access map">`,
    `<text x="${G.subjectX}" y="22" font-size="13" font-weight="700">who</text>`,
    ...(endpoints.length > 0 ? [`<text x="${endpointX}" y="22" font-size="13" font-weight="700">through VPC endpoint</text>`] : []),
    `<text x="${keyX}" y="22" font-size="13" font-weight="700">KMS key</text>`,
  ];
  // Where edges leave and arrive on each box: spread along its side in edge order.
  const outOf = new Map<string, GraphEdge[]>();
  const into = new Map<string, GraphEdge[]>();
  for (const e of g.edges) {
    outOf.set(e.from, [...outOf.get(e.from) ?? [], e]);
    into.set(e.to, [...into.get(e.to) ?? [], e]);
  }
  const offset = (list: GraphEdge[], e: GraphEdge): number => {
    const i = list.indexOf(e);
    const step = Math.min(6, (G.boxHeight - 8) / Math.max(1, list.length - 1));
    return (i - (list.length - 1) / 2) * step;
  };
  const edgeMarks: string[] = [];
  g.edges.forEach((e, i) => {
    const a = box.get(e.from)!;
    const b = box.get(e.to)!;
    const x1 = a.x + a.w;
    const y1 = a.y + G.boxHeight / 2 + offset(outOf.get(e.from)!, e);
    const x2 = b.x;
    const y2 = b.y + G.boxHeight / 2 + offset(into.get(e.to)!, e);
    const dx = (x2 - x1) / 2;
    const color = e.kind === 'endpoint' ? COLORS.endpoint : COLORS[e.answer];
    const cls = `edge a-${e.answer} k-${e.kind}${e.answer === 'denied' ? ' off' : ''}`;
    const title = `${labelOf(g, e.from)} → ${labelOf(g, e.to)}: ${edgeLines(e).join('; ')}`;
    out.push(`<path class="${cls}" data-edge="${e.id}" d="M${round(x1)} ${round(y1)} C${round(x1 + dx)} ${round(y1)} ${round(x2 - dx)} ${round(y2)} ${round(x2)} ${round(y2)}" stroke="${color}"><title>${esc(title)}</title></path>`);
    // The edge's number, on the edge between 55% and 85% of the way to the key (staggered, so that the numbers of
    // edges converging on one key do not cover each other): the table below has its words.
    const siblings = into.get(e.to)!;
    const t = 0.55 + (0.3 * siblings.indexOf(e)) / Math.max(1, siblings.length - 1);
    const u = 1 - t;
    const mx = u * u * u * x1 + 3 * u * u * t * (x1 + dx) + 3 * u * t * t * (x2 - dx) + t * t * t * x2;
    const my = u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2;
    edgeMarks.push(`<g class="mark${e.answer === 'denied' ? ' off' : ''}" data-edge="${e.id}"><circle cx="${round(mx)}" cy="${round(my)}" r="7" fill="${color}"></circle>`
      + `<text x="${round(mx)}" y="${round(my + 3)}" text-anchor="middle">${i + 1}</text><title>${esc(title)}</title></g>`);
  });
  for (const n of [...subjects, ...endpoints, ...keys]) {
    const b = box.get(n.id)!;
    out.push(...nodeBox(n, b, ref(n.id), g));
  }
  // Numbers over the boxes: an edge may pass under the endpoint column.
  out.push(...edgeMarks, '</svg>');
  return out;
}

function nodeBox(n: GraphNode, b: { x: number; y: number; w: number }, ref: string, g: AccessGraph): string[] {
  const c = findingCounts(n.findings);
  const marked = c.errors > 0 ? ' has-error' : c.warnings > 0 ? ' has-warning' : '';
  const badge = n.findings.length === 0 ? [] : [
    `<text class="badge ${c.errors > 0 ? 'error' : 'warning'}" x="${round(b.x + b.w - 6)}" y="${round(b.y + 13)}" text-anchor="end">${esc([
      c.errors > 0 ? plural(c.errors, 'error') : '', c.warnings > 0 ? plural(c.warnings, 'warning') : '',
    ].filter((x) => x).join(', '))}</text>`,
  ];
  const labelRoom = Math.floor((b.w / 100) * G.labelChars) - (badge.length > 0 ? 12 : 0);
  return [
    `<g class="node ${n.kind}${marked}${onlyDenied(g, n) ? ' off' : ''}" data-node="${ref}">`,
    `<title>${esc([n.label, n.detail, ...n.findings.map((f) => `${f.severity}: ${f.id}`)].filter((x) => x).join('\n'))}</title>`,
    `<rect x="${round(b.x)}" y="${round(b.y)}" width="${b.w}" height="${G.boxHeight}" rx="6"></rect>`,
    `<text class="label" x="${round(b.x + 8)}" y="${round(b.y + 16)}">${wrap(n.label, labelRoom).map((l, i) => `<tspan x="${round(b.x + 8)}" y="${round(b.y + 16 + i * 15)}">${esc(l)}</tspan>`).join('')}</text>`,
    `<text class="detail" x="${round(b.x + 8)}" y="${round(b.y + 47)}">${esc(cut(n.detail, Math.floor((b.w / 100) * G.detailChars)))}</text>`,
    ...badge,
    '</g>',
  ];
}

function edgeTable(g: AccessGraph, ref: (id: string) => string): string[] {
  const out = [
    '<table id="edges">',
    '<thead><tr><th>#</th><th>who</th><th>key</th><th>answer</th><th>can</th><th>how (conditions, statements) and remarks</th></tr></thead>',
    '<tbody>',
  ];
  g.edges.forEach((e, i) => {
    const [, ...rest] = edgeLines(e);
    const who = labelOf(g, e.from);
    const detail = g.nodes.find((n) => n.id === e.from)?.detail ?? '';
    out.push(
      `<tr class="a-${e.answer}${e.answer === 'denied' ? ' off' : ''}" data-edge="${e.id}" data-kind="${e.kind}" data-answer="${e.answer}" data-from="${ref(e.from)}" `
      + `data-from-ref="${e.kind === 'endpoint' ? ref(e.from) : ''}" data-to="${ref(e.to)}" data-who="${esc(`${who} ${detail}`.toLowerCase())}" `
      + `data-through="${e.through.map(ref).join(' ')}">`
      + `<td>${i + 1}</td><td>${esc(who)}</td><td>${esc(labelOf(g, e.to))}</td><td class="answer">${e.answer}</td><td>${esc(e.capability)}</td>`
      + `<td>${rest.length > 0 ? `<ul>${rest.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : ''}</td></tr>`,
    );
  });
  out.push('</tbody>', '</table>');
  return out;
}

function findingsSection(g: AccessGraph, ref: (id: string) => string): string[] {
  // A finding on a key and on the principal it names is one finding: listed once, with both nodes.
  const nodesOf = new Map<GraphFinding, GraphNode[]>();
  for (const n of g.nodes) for (const f of n.findings) nodesOf.set(f, [...nodesOf.get(f) ?? [], n]);
  for (const f of g.findings) nodesOf.set(f, []);
  const errors = [...nodesOf.keys()].filter((f) => f.severity === 'error').length;
  const out = ['<h2>Findings</h2>', `<p class="meta">${plural(errors, 'error')}, ${plural(nodesOf.size - errors, 'warning')}</p>`];
  if (nodesOf.size === 0) return out;
  out.push('<ul class="findings">');
  for (const [f, nodes] of nodesOf) out.push(findingItem(f, nodes, ref));
  out.push('</ul>');
  return out;
}

/** A finding: hidden by the filters with the first node it is on (its key). */
function findingItem(f: GraphFinding, nodes: readonly GraphNode[], ref: (id: string) => string): string {
  return `<li class="${f.severity}"${nodes.length > 0 ? ` data-node="${ref(nodes[0].id)}"` : ''}><strong>${f.severity === 'error' ? 'ERROR' : 'WARN'}</strong> `
    + `<code>${esc(f.id)}</code> ${nodes.length > 0 ? `on ${esc(nodes.map((n) => n.label).join(' and '))} ` : ''}at ${esc(f.where)}: ${esc(f.message)}</li>`;
}

function keyNotes(keys: readonly GraphNode[], ref: (id: string) => string): string[] {
  const out = ['<h2>Keys</h2>', '<ul class="keys">'];
  for (const k of keys) {
    out.push(`<li data-node="${ref(k.id)}" class="key"><strong>${esc(k.label)}</strong> <code>${esc(k.detail)}</code>`
      + `${k.notes.length > 0 ? `<ul>${k.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}</li>`);
  }
  out.push('</ul>');
  return out;
}

/** A subject that can do nothing with any key: only its "no access" edges lead from it. */
function onlyDenied(g: AccessGraph, n: GraphNode): boolean {
  return n.kind !== 'key' && !g.edges.some((e) => e.from === n.id && e.answer !== 'denied');
}

function labelOf(g: AccessGraph, id: string): string {
  return g.nodes.find((n) => n.id === id)?.label ?? id;
}

/** HTML-escaped text, safe in element content and in double- or single-quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A label on at most two lines of `n` characters: broken after a space, `/` or `(` in the second half of the first
 * line when there is one (so that the lines read back as the label when joined), the rest cut.
 */
function wrap(text: string, n: number): string[] {
  if (text.length <= n) return [text];
  let at = n;
  for (let i = n; i > n / 2; i--) {
    if (' /('.includes(text[i - 1])) {
      at = i;
      break;
    }
  }
  return [text.slice(0, at), cut(text.slice(at), n)];
}

/** Text cut to `n` characters with an ellipsis (the node's tooltip and the table have it whole). */
function cut(text: string, n: number): string {
  return text.length <= n ? text : `${text.slice(0, Math.max(1, n - 1))}…`;
}

function round(x: number): string {
  return String(Math.round(x * 10) / 10);
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
