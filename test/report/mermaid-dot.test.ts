/**
 * The access map as Mermaid and Graphviz DOT (src/report/mermaid.ts, dot.ts), over a real synthesized app. Each output
 * is read back with a small parser of the syntax we emit: every id is valid, every label is one well-formed quoted
 * string, and unescaping it gives back exactly the graph's text (so nothing from the app can end a label or add markup).
 */
import { EVIL_ID, renderModel, reportParts, smallApp } from './access-map-fixtures';
import { AccessGraph, buildAccessGraph, drawnEdges, edgeLines, nodeLines } from '../../src/report/access-graph';
import { DotRenderer, dotLines } from '../../src/report/dot';
import { MermaidRenderer, mermaidLines, mermaidText } from '../../src/report/mermaid';

const model = smallApp();
const parts = reportParts(model);
const graph = buildAccessGraph('cdk.out', parts.keys, parts.footer.findings);

/** A graph by hand, for characters a construct path rarely has: backslashes, DOT escapes, line breaks, `end`. */
const odd: AccessGraph = {
  source: 'dir\nwith "quotes"',
  nodes: [
    { id: 'key:S/K', kind: 'key', label: 'key S/K\\N \\G \\l end', detail: '', findings: [], notes: [] },
    { id: 'app:S/a"b\\c', kind: 'principal', label: 'role S/a"b\\c\r\nnext line #35; &amp; `x` | y', detail: '', findings: [], notes: [] },
  ],
  edges: [{
    id: 'e0',
    kind: 'access',
    from: 'app:S/a"b\\c',
    to: 'key:S/K',
    capability: 'decrypt',
    answer: 'conditional',
    conditions: ['only encryption context k=v"|<br/>\\'],
    statements: [],
    unknowns: [],
    through: [],
    remarks: [],
  }],
  findings: [{ severity: 'error', id: 'KmsGuard-X[Y::Z]', where: 'S/\nK', message: 'line\nbreak' }],
};

interface MermaidEdge {
  readonly from: string;
  readonly to: string;
  readonly dotted: boolean;
  readonly lines: string[];
}

/** Mermaid: `id<open>"label"<close>` and `a -->|"label"| b`, labels decoded. */
function parseMermaid(text: string): { nodes: Map<string, string[]>; edges: MermaidEdge[] } {
  const decode = (label: string): string[] => {
    // Only our own line breaks and entity codes may appear: no quote, markup or pipe of the app's.
    expect(label.replace(/<br\/>/g, '')).not.toMatch(/["<>|`\\]|#(?!\d+;)/);
    return label.split('<br/>').map((l) => l.replace(/#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))));
  };
  const nodes = new Map<string, string[]>();
  const edges: MermaidEdge[] = [];
  const lines = text.split('\n');
  expect(lines[0]).toBe('flowchart LR');
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if (/^ {2}%%/.test(line) || /^ {2}(classDef|class) /.test(line)) {
      continue;
    } else if ((m = /^ {2}(n\d+)(?:\[\["(.*)"\]\]|\(\["(.*)"\]\)|\{\{"(.*)"\}\}|\[\/"(.*)"\/\]|\("(.*)"\))$/.exec(line))) {
      nodes.set(m[1], decode(m.slice(2).find((x) => x !== undefined)!));
    } else if ((m = /^ {2}(n\d+) (-->|-\.->)\|"(.*)"\| (n\d+)$/.exec(line))) {
      edges.push({ from: m[1], to: m[4], dotted: m[2] === '-.->', lines: decode(m[3]) });
    } else {
      throw new Error(`not a line of the Mermaid we emit: ${JSON.stringify(line)}`);
    }
  }
  return { nodes, edges };
}

/** DOT: a tokenizer for quoted strings, words and punctuation, then `ID [attrs];` and `ID -> ID [attrs];`. */
interface ParsedDot {
  readonly nodes: Map<string, Record<string, string>>;
  readonly edges: Array<{ from: string; to: string; attrs: Record<string, string> }>;
}

function parseDot(text: string): ParsedDot {
  const body = text.split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n');
  const tokens: Array<{ quoted: boolean; text: string }> = [];
  const re = /\s*(?:"((?:[^"\\]|\\[\s\S])*)"|(->|[{}[\];=,])|([A-Za-z0-9_.#-]+))/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < body.trimEnd().length && (m = re.exec(body))) {
    tokens.push(m[1] !== undefined ? { quoted: true, text: m[1] } : { quoted: false, text: m[2] ?? m[3] });
  }
  expect(re.lastIndex).toBeGreaterThanOrEqual(body.trimEnd().length);
  const unescape = (s: string): string => s.replace(/\\([\\"n])/g, (_, c) => (c === 'n' ? '\n' : c));
  const nodes = new Map<string, Record<string, string>>();
  const edges: Array<{ from: string; to: string; attrs: Record<string, string> }> = [];
  let i = 0;
  const next = (): { quoted: boolean; text: string } => tokens[i++];
  const expectToken = (t: string): void => expect(next()).toEqual({ quoted: false, text: t });
  expect(next().text).toBe('digraph');
  expect(next().quoted).toBe(true);
  expectToken('{');
  const attrs = (): Record<string, string> => {
    const out: Record<string, string> = {};
    expectToken('[');
    for (;;) {
      const name = next();
      expectToken('=');
      const value = next();
      out[name.text] = value.quoted ? unescape(value.text) : value.text;
      const sep = next().text;
      if (sep === ']') break;
      expect(sep).toBe(',');
    }
    expectToken(';');
    return out;
  };
  while (tokens[i].text !== '}' || tokens[i].quoted) {
    const first = next();
    if (!first.quoted) {
      // rankdir=LR; node [...]; edge [...];
      if (tokens[i].text === '=') { next(); next(); expectToken(';'); } else {attrs();}
      continue;
    }
    if (tokens[i].text === '->' && !tokens[i].quoted) {
      next();
      const to = next();
      expect(to.quoted).toBe(true);
      edges.push({ from: unescape(first.text), to: unescape(to.text), attrs: attrs() });
    } else {
      nodes.set(unescape(first.text), attrs());
    }
  }
  expect(i).toBe(tokens.length - 1);
  return { nodes, edges };
}

describe('Mermaid', () => {
  const text = renderModel(new MermaidRenderer(), model);
  const parsed = parseMermaid(text);
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));

  test('GIVEN the small app WHEN rendered THEN every node is there with valid ids and its exact label', () => {
    expect(parsed.nodes.size).toBe(graph.nodes.length);
    for (const n of graph.nodes) expect(parsed.nodes.get(ids.get(n.id)!)).toEqual(nodeLines(n));
    expect(text).toContain('[["key Keys/Data (alias/data)"]]');
  });

  test('GIVEN allowed, conditional, uncertain and denied edges WHEN rendered THEN all but denied are drawn, uncertain dotted, labels exact', () => {
    expect(parsed.edges).toEqual(drawnEdges(graph).map((e) => ({ from: ids.get(e.from), to: ids.get(e.to), dotted: e.answer === 'uncertain', lines: edgeLines(e) })));
    expect(parsed.edges.length).toBeLessThan(graph.edges.length);
    expect(text).toContain(`%% not drawn: ${graph.edges.length - drawnEdges(graph).length} subject-key pair(s) with no access`);
  });

  test('GIVEN the evil construct id and a context value with quote, pipe, hash and brackets WHEN rendered THEN they are entity codes', () => {
    expect(text).not.toContain('<script>');
    expect(text).toContain(mermaidText(`role Keys/${EVIL_ID.replace('/', '--')}`));
    expect(text).toContain('app=a#124;b#34;#35;#60;x#62;');
  });

  test('GIVEN warnings on a key WHEN rendered THEN the key has the warning class', () => {
    const warned = /^ {2}class (\S+) warning$/m.exec(text)![1].split(',');
    expect(warned).toContain(ids.get(graph.nodes.find((n) => n.label === 'key Keys/Plain')!.id));
    expect(warned).not.toContain(ids.get(graph.nodes.find((n) => n.label === 'key Keys/Data (alias/data)')!.id));
    expect(text).not.toMatch(/^ {2}class \S+ error$/m);
  });

  test('GIVEN backslashes, line breaks, entity look-alikes and `end` WHEN rendered THEN the labels still read back exactly', () => {
    const back = parseMermaid(mermaidLines(odd).join('\n'));
    expect(back.nodes.get('n0')).toEqual(nodeLines(odd.nodes[0]));
    expect(back.nodes.get('n1')).toEqual(['role S/a"b\\c next line #35; &amp; `x` | y']);
    expect(back.edges[0].lines).toEqual(['conditional: decrypt', 'only encryption context k=v"|<br/>\\']);
    expect(mermaidLines(odd).filter((l) => l.includes('%%')).every((l) => !l.includes('\n'))).toBe(true);
  });

  test('GIVEN the same report WHEN rendered twice THEN the bytes are the same', () => {
    expect(renderModel(new MermaidRenderer(), model)).toBe(text);
  });
});

describe('DOT', () => {
  const text = renderModel(new DotRenderer(), model);
  const parsed = parseDot(text);

  test('GIVEN the small app WHEN rendered THEN it is a digraph whose quoted ids are the graph ids and labels are exact', () => {
    expect(text.split('\n')[0]).toBe('digraph "kms-guard access map" {');
    expect(text.endsWith('}')).toBe(true);
    expect([...parsed.nodes.keys()]).toEqual(graph.nodes.map((n) => n.id));
    for (const n of graph.nodes) expect(parsed.nodes.get(n.id)!.label).toBe(nodeLines(n).join('\n'));
  });

  test('GIVEN the edges WHEN rendered THEN every drawn edge is there with its label, colour by answer, denied left out', () => {
    expect(parsed.edges.map((e) => [e.from, e.to, e.attrs.label])).toEqual(drawnEdges(graph).map((e) => [e.from, e.to, edgeLines(e).join('\n')]));
    const uncertain = parsed.edges.find((e) => e.attrs.label.startsWith('uncertain'))!;
    expect(uncertain.attrs.style).toBe('dashed');
    expect(parsed.edges.find((e) => e.attrs.label.startsWith('allowed'))!.attrs.color).toBe('#1b7f3a');
  });

  test('GIVEN warnings on a key WHEN rendered THEN its border is orange and thick', () => {
    const plain = graph.nodes.find((n) => n.label === 'key Keys/Plain')!;
    expect(parsed.nodes.get(plain.id)).toMatchObject({ color: '#b26a00', penwidth: '3' });
  });

  test('GIVEN backslashes (\\N, \\G, \\l), quotes and line breaks WHEN rendered THEN they are escaped and read back exactly', () => {
    const back = parseDot(dotLines(odd).join('\n'));
    expect(back.nodes.get('key:S/K')!.label).toBe('key S/K\\N \\G \\l end');
    expect(back.nodes.get('app:S/a"b\\c')!.label).toBe('role S/a"b\\c next line #35; &amp; `x` | y');
    expect(back.edges[0]).toMatchObject({ from: 'app:S/a"b\\c', to: 'key:S/K' });
    expect(back.edges[0].attrs.label).toBe('conditional: decrypt\nonly encryption context k=v"|<br/>\\');
  });

  test('GIVEN the same report WHEN rendered twice THEN the bytes are the same', () => {
    expect(renderModel(new DotRenderer(), model)).toBe(text);
  });
});
