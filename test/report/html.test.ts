/**
 * The access map page (src/report/html.ts) as text, over a real synthesized app: self-contained (no URL it could
 * load, a CSP that forbids the network and admits only its own inline style and script), every app text escaped,
 * findings highlighted, deterministic. What the page does in a browser is in html.browser.test.ts.
 */
import { createHash } from 'crypto';
import { EVIL_ID, renderModel, reportParts, smallApp } from './access-map-fixtures';
import { buildAccessGraph } from '../../src/report/access-graph';
import { HtmlRenderer, esc } from '../../src/report/html';

const model = smallApp();
const html = renderModel(new HtmlRenderer(), model, 'cdk.out/<b>"x"</b>');
const parts = reportParts(model);
const graph = buildAccessGraph('cdk.out', parts.keys, parts.footer.findings);

describe('self-contained', () => {
  test('GIVEN the page WHEN read THEN no attribute or CSS names anything to load (src, href, url(), @import)', () => {
    expect(html).not.toMatch(/\s(src|href|srcset|action|poster|data)=/i);
    expect(html).not.toMatch(/url\(|@import|<link|<iframe|<object|<embed|<img/i);
    // The only URL is the SVG namespace, which is a name and is never fetched.
    expect(html.match(/https?:\/\/[^\s"'<]*/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  test('GIVEN the CSP WHEN read THEN it forbids everything but the page\'s own style and script, by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1].replace(/&#39;/g, "'");
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    const hash = (t: string): string => `'sha256-${createHash('sha256').update(t).digest('base64')}'`;
    expect(csp.split('; ')).toEqual([
      "default-src 'none'", `style-src ${hash(style)}`, `script-src ${hash(script)}`,
      "img-src 'none'", "font-src 'none'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'",
    ]);
  });
});

describe('escaping', () => {
  test('GIVEN a construct id with <script> and quotes WHEN rendered THEN it appears only escaped, and the page has one script', () => {
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('alert("x")');
    const shown = esc(`role Keys/${EVIL_ID.replace('/', '--')}`);
    expect(shown).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;--script&gt;&#39;');
    expect(html).toContain(`<td>${shown} †</td>`);
  });

  test('GIVEN the source directory and a condition value with markup WHEN rendered THEN both are escaped', () => {
    expect(html).toContain('<title>KMS key access map: cdk.out/&lt;b&gt;&quot;x&quot;&lt;/b&gt;</title>');
    expect(html).toContain('only encryption context app=a|b&quot;#&lt;x&gt;');
    expect(html).not.toContain('<x>');
  });

  test('GIVEN esc WHEN given every special character THEN each becomes its entity', () => {
    expect(esc('&<>"\'')).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});

describe('content', () => {
  test('GIVEN the graph WHEN rendered THEN each edge is one numbered path, mark and row; denied ones start hidden', () => {
    expect(html.match(/<path class="edge /g)).toHaveLength(graph.edges.length);
    expect(html.match(/<tr class="a-/g)).toHaveLength(graph.edges.length);
    const denied = graph.edges.filter((e) => e.answer === 'denied').length;
    expect(denied).toBeGreaterThan(0);
    expect(html.match(/<path class="edge a-denied k-access off"/g)).toHaveLength(denied);
    expect(html.match(/<tr class="a-denied off"/g)).toHaveLength(denied);
  });

  test('GIVEN keys WHEN rendered THEN the key filter offers each, and the principal filter and the no-access switch are there', () => {
    expect(html).toContain('<option value="n0">key Keys/Data (alias/data)</option><option value="n1">key Keys/Plain</option>');
    expect(html).toContain('<input id="principal-filter" type="search"');
    expect(html).toContain('<input id="show-denied" type="checkbox">');
  });

  test('GIVEN warnings on a key WHEN rendered THEN its node is marked, has a badge, and the findings list them on it', () => {
    const plain = graph.nodes.find((n) => n.label === 'key Keys/Plain')!;
    const node = new RegExp(`<g class="node key has-warning" data-node="n1">[\\s\\S]*?<text class="badge warning"[^>]*>${plain.findings.length} warnings</text>`);
    expect(html).toMatch(node);
    expect(html).toContain(`<p class="meta">0 errors, ${plain.findings.length} warnings</p>`);
    expect(html).toMatch(/<li class="warning" data-node="n1"><strong>WARN<\/strong> <code>KmsGuard-RotationDisabled\[Key::Rotation\]<\/code> on key Keys\/Plain at Keys\/Plain\/Resource \(EnableKeyRotation\): /);
    // The lockout warning is on the key and on the deployer: listed once, naming both.
    expect(html.match(/<code>KmsGuard-KeyPolicyLockout\[Principal::Deployer\]<\/code>/g)).toHaveLength(1);
    expect(html).toContain('<code>KmsGuard-KeyPolicyLockout[Principal::Deployer]</code> on key Keys/Plain and deployer of Keys (');
  });

  test('GIVEN an error finding WHEN rendered THEN the key node is marked as having an error', () => {
    const r = new HtmlRenderer();
    const lines = [...r.begin(parts.header)];
    for (const k of parts.keys) lines.push(...r.key(k));
    lines.push(...r.end({ findings: [{ ruleId: 'KmsGuard-KeyPolicyLockout', findingId: 'Principal::Deployer', severity: 'error', location: { stackName: 'Keys', logicalId: parts.keys[0].key.logicalId }, message: 'locked' }], warnings: ['w<1>'] }));
    const page = lines.join('\n');
    expect(page).toContain('<g class="node key has-error" data-node="n0">');
    expect(page).toContain('<p class="meta">1 error, 0 warnings</p>');
    expect(page).toContain('<li>w&lt;1&gt;</li>');
  });

  test('GIVEN end before begin WHEN called THEN it says how to call the renderer', () => {
    expect(() => new HtmlRenderer().end({ findings: [], warnings: [] })).toThrow(/called before begin\(\): call begin\(header\), then key\(\) for each key, then end\(footer\)/);
  });

  test('GIVEN the same report WHEN rendered twice THEN the bytes are the same', () => {
    expect(renderModel(new HtmlRenderer(), model, 'cdk.out/<b>"x"</b>')).toBe(html);
  });
});
