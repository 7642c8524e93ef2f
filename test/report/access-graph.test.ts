/**
 * The access map's graph model (src/report/access-graph.ts) over a real synthesized app: which nodes and edges the
 * analysis gives, how findings are attached, and that the same input gives the same graph.
 */
import { EVIL_ID, reportParts, smallApp } from './access-map-fixtures';
import { AccessGraph, AccessGraphBuilder, GraphEdge, buildAccessGraph, drawnEdges, edgeLines, nodeLines } from '../../src/report/access-graph';
import { SYNTHETIC } from '../../src/report/describe';
import { Finding } from '../../src/rules/finding';

const parts = reportParts(smallApp());
const graph = buildAccessGraph('cdk.out', parts.keys, parts.footer.findings);
const dataKey = graph.nodes.find((n) => n.label === 'key Keys/Data (alias/data)')!;
const plainKey = graph.nodes.find((n) => n.label === 'key Keys/Plain')!;

function edgesOf(g: AccessGraph, from: string, to: string): GraphEdge[] {
  return g.edges.filter((e) => e.from === from && e.to === to);
}

describe('nodes', () => {
  test('GIVEN two keys WHEN graphed THEN both are key nodes, first, with their ARN marked synthetic', () => {
    expect(graph.nodes.slice(0, 2).map((n) => n.kind)).toEqual(['key', 'key']);
    expect(dataKey.detail).toMatch(new RegExp(`^arn:aws:kms:us-east-1:111122223333:key/[0-9a-f-]+ ${SYNTHETIC}$`));
    expect(plainKey).toBeDefined();
  });

  test('GIVEN principals, representatives and services WHEN graphed THEN each is one node of its kind, shared by both keys', () => {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(byId.get('app:Keys/Admin')).toMatchObject({ kind: 'principal', label: 'role Keys/Admin', detail: 'arn:aws:iam::111122223333:role/key-admin' });
    expect(byId.get('app:Keys/User')?.label).toBe(`role Keys/User ${SYNTHETIC}`);
    expect(byId.get('account-principal:111122223333')?.kind).toBe('representative');
    expect(byId.get('anyone:999999999999')?.kind).toBe('representative');
    expect(byId.get('any-service')?.kind).toBe('service');
    expect(new Set(graph.nodes.map((n) => n.id)).size).toBe(graph.nodes.length);
    // The account representative reaches both keys through one node.
    expect(graph.edges.filter((e) => e.from === 'account-principal:111122223333').map((e) => e.to).sort()).toEqual([dataKey.id, plainKey.id].sort());
  });

  test('GIVEN a construct id with markup and quotes WHEN graphed THEN the model keeps it as it is (renderers escape it)', () => {
    const evil = graph.nodes.find((n) => n.label.includes('Ops<script>'))!;
    expect(evil.label).toBe(`role Keys/${EVIL_ID.replace('/', '--')} ${SYNTHETIC}`);
  });
});

describe('edges', () => {
  test('GIVEN an administrator WHEN graphed THEN its edge is allowed and says administer, never a cryptographic capability', () => {
    const [admin] = edgesOf(graph, 'app:Keys/Admin', dataKey.id);
    expect(admin.answer).toBe('allowed');
    expect(admin.capability).toMatch(/^administer /);
    expect(admin.capability).not.toMatch(/encrypt|decrypt|data keys/);
  });

  test('GIVEN a user under an encryption context WHEN graphed THEN describe is allowed and the rest is conditional on the context, with the Sid', () => {
    const user = edgesOf(graph, 'app:Keys/User', dataKey.id);
    expect(user.map((e) => [e.answer, e.capability])).toEqual([
      ['allowed', 'describe'],
      ['conditional', 'encrypt, decrypt, data keys (GenerateDataKey, GenerateDataKeyWithoutPlaintext)'],
    ]);
    expect(user[1].conditions).toEqual([expect.stringMatching(/^only encryption context app=a\|b"#<x> \(Sid "UseCtx[0-9a-f]+" of the key policy\)$/)]);
    expect(user[1].statements).toEqual([expect.stringMatching(/^Sid "UseCtx[0-9a-f]+" of the key policy$/)]);
    expect(edgeLines(user[1])).toEqual([`conditional: ${user[1].capability}`, user[1].conditions[0]]);
  });

  test('GIVEN the deployer, whose IAM policies are not in the app WHEN graphed THEN what only they could allow is uncertain and names the unknown', () => {
    const uncertain = edgesOf(graph, 'deployer:Keys', dataKey.id).find((e) => e.answer === 'uncertain')!;
    expect(uncertain.capability).toBe('administer (CreateAlias, DeleteAlias, UpdateAlias)');
    expect(uncertain.unknowns).toEqual([expect.stringContaining('the IAM policies of the deploying role')]);
    expect(edgeLines(uncertain)).toContainEqual(expect.stringMatching(/^depends on: the IAM policies of the deploying role/));
  });

  test('GIVEN subjects with no access to a key WHEN graphed THEN each has one denied edge with the reason, and it is not drawn', () => {
    const anyone = edgesOf(graph, 'anyone:999999999999', dataKey.id);
    expect(anyone).toHaveLength(1);
    expect(anyone[0]).toMatchObject({ answer: 'denied', capability: 'no access' });
    expect(anyone[0].remarks[0]).toMatch(/^implicitly denied/);
    expect(drawnEdges(graph)).not.toContain(anyone[0]);
    expect(drawnEdges(graph).every((e) => e.answer !== 'denied')).toBe(true);
  });

  test('GIVEN a plain kms.Key WHEN graphed THEN its default policy shows as the account representative allowed everything', () => {
    const [edge] = edgesOf(graph, 'account-principal:111122223333', plainKey.id);
    expect(edge).toMatchObject({ answer: 'allowed', capability: 'administer, delete or disable, describe, encrypt, decrypt, data keys, grant management' });
  });
});

describe('findings', () => {
  test('GIVEN rule findings on a key WHEN graphed THEN they are attached to that key only', () => {
    expect(plainKey.findings.map((f) => f.id)).toEqual(expect.arrayContaining([
      'KmsGuard-RotationDisabled[Key::Rotation]',
      'KmsGuard-AccountWideDelegation[Statement::0]',
    ]));
    expect(plainKey.findings.every((f) => f.where.startsWith('Keys/Plain/Resource'))).toBe(true);
    expect(dataKey.findings).toEqual([]);
    expect(nodeLines(plainKey)[1]).toMatch(/^0 error\(s\), \d+ warning\(s\): .*KmsGuard-RotationDisabled\[Key::Rotation\]/);
  });

  test('GIVEN a KeyPolicyLockout finding (Principal::Deployer) WHEN graphed THEN it is on the key and on the deployer of the key\'s stack', () => {
    const deployer = graph.nodes.find((n) => n.id === 'deployer:Keys')!;
    expect(deployer.findings.map((f) => f.id)).toEqual(['KmsGuard-KeyPolicyLockout[Principal::Deployer]']);
    expect(plainKey.findings.map((f) => f.id)).toContain('KmsGuard-KeyPolicyLockout[Principal::Deployer]');
  });

  test('GIVEN a Principal:: finding and one on no node WHEN graphed THEN the first is also on the principal, the second on the graph', () => {
    const onKey: Finding = {
      ruleId: 'KmsGuard-AdminCanUseKey',
      findingId: 'Principal::Keys/User',
      severity: 'error',
      location: { stackName: 'Keys', logicalId: parts.keys[0].key.logicalId },
      message: 'm1',
    };
    const elsewhere: Finding = { ruleId: 'KmsGuard-DuplicatePrivateDnsEndpoint', findingId: 'Endpoint::x', severity: 'error', location: { stackName: 'Net', logicalId: 'Vpce' }, message: 'm2' };
    const g = buildAccessGraph('cdk.out', parts.keys, [onKey, elsewhere]);
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    expect(byId.get(dataKey.id)!.findings.map((f) => f.id)).toEqual(['KmsGuard-AdminCanUseKey[Principal::Keys/User]']);
    expect(byId.get('app:Keys/User')!.findings.map((f) => f.id)).toEqual(['KmsGuard-AdminCanUseKey[Principal::Keys/User]']);
    expect(g.findings).toEqual([{ severity: 'error', id: 'KmsGuard-DuplicatePrivateDnsEndpoint[Endpoint::x]', where: 'Net/Vpce', message: 'm2' }]);
  });
});

describe('determinism', () => {
  test('GIVEN the same keys and findings WHEN graphed twice, or one key at a time THEN the graphs are equal', () => {
    const again = buildAccessGraph('cdk.out', reportParts(smallApp()).keys, parts.footer.findings);
    expect(JSON.stringify(again)).toBe(JSON.stringify(graph));
    const builder = new AccessGraphBuilder();
    for (const k of parts.keys) builder.addKey(k);
    builder.addFindings(parts.footer.findings);
    expect(builder.graph('cdk.out')).toEqual(graph);
  });

  test('GIVEN edges WHEN numbered THEN ids follow the order they were added', () => {
    expect(graph.edges.map((e) => e.id)).toEqual(graph.edges.map((_, i) => `e${i}`));
  });
});
