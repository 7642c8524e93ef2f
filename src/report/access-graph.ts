/**
 * The access map as a graph: one model that the HTML page, Mermaid and Graphviz DOT all draw, so that what an edge
 * means is decided here once. Nodes are the keys, the principals that a key's analysis asked about (roles and users,
 * named principals, the deployer, account roots), the representatives (any principal of an account, of the
 * organization, anyone), AWS services, and the VPC endpoints that access goes through. Edges go from a subject to a
 * key, one per group of capabilities that share an answer and the same conditions (describe.ts `accessGroups`, the
 * grouping the table and markdown use): labelled with the capabilities, the answer (allowed, conditional with the
 * requirements of each path and the statements that impose them, uncertain with what is unknown), or `denied` when the
 * subject can do nothing with the key (renderers leave those out or hide them). An endpoint that some path requires gets
 * an `endpoint` edge to the key. Rule findings (src/rules/finding.ts) are attached to the key they are located on, and
 * also to the principal a `Principal::<...>` finding names; the others stay on the graph.
 *
 * Built incrementally (`AccessGraphBuilder`), because the report streams its keys: the builder keeps only the graph,
 * never the keys' full analyses. Deterministic: the same keys and findings in the same order give the same graph, node
 * ids included (renderers can be snapshot tested). Pure.
 */
import { SYNTHETIC, accessGroups, keyTitle, pathSignature, pathText } from './describe';
import { ANSWER_ORDER, AccessAnswer, AccessPath, KeyAccess, SubjectAccess } from '../analysis/effective-access';
import { Finding, acknowledgementId } from '../rules/finding';

export type GraphNodeKind = 'key' | 'principal' | 'representative' | 'service' | 'endpoint';

/** A finding as the map shows it. */
export interface GraphFinding {
  readonly severity: Finding['severity'];
  /** `KmsGuard-Rule[Kind::Value]`: what acknowledges it. */
  readonly id: string;
  /** `Stack/Key/Resource (key policy, Sid "X")`. */
  readonly where: string;
  readonly message: string;
}

export interface GraphNode {
  /** Stable within a graph: `key:Stack/LogicalId`, the subject's id (`app:Stack/Role`, `root:111122223333`, ...), `endpoint:...`. */
  readonly id: string;
  readonly kind: GraphNodeKind;
  /** `role KeyOwner/KeyAdmin`, `key KeyOwner/DataKey (alias/orders-data)`; `†` when the name is made up. */
  readonly label: string;
  /** The ARN (or the endpoint's VPC): a second line, for people. */
  readonly detail: string;
  readonly findings: GraphFinding[];
  /** Notes about the node (a key's notes: lockout, placeholders, ...). */
  readonly notes: string[];
}

export interface GraphEdge {
  /** `e0`, `e1`, ... in the order the edges were added. */
  readonly id: string;
  readonly kind: 'access' | 'endpoint';
  /** The subject (or endpoint) node id. */
  readonly from: string;
  /** The key node id. */
  readonly to: string;
  /** `encrypt, decrypt, data keys (GenerateDataKey, GenerateDataKeyWithoutPlaintext)`; `no access` for `denied`. */
  readonly capability: string;
  readonly answer: AccessAnswer;
  /**
   * For `conditional` and `uncertain`: one entry per minimal way it is allowed, with the statements that impose it
   * (`only encryption context app=payments (Sid "UseCtx1" of the key policy)`), as describe.ts `pathText` words it.
   */
  readonly conditions: readonly string[];
  /** The statements that decide it, `Sid "X" of the key policy`, each once. */
  readonly statements: readonly string[];
  /** For `uncertain`: the values unknown at synth it depends on. */
  readonly unknowns: readonly string[];
  /** The endpoint node ids some path goes through. */
  readonly through: readonly string[];
  /** `the only one that can call PutKeyPolicy`, `exempt from Sid "X"`, why a plain request is denied. */
  readonly remarks: readonly string[];
}

export interface AccessGraph {
  /** Where the app was read from. */
  readonly source: string;
  /** Keys first, then endpoints, then the other nodes, each in order of first appearance. */
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Findings located on no node of the graph (a stack, an endpoint, the app). */
  readonly findings: readonly GraphFinding[];
}

/** Collects keys one at a time, then the findings, into an AccessGraph. */
export class AccessGraphBuilder {
  private readonly keys: GraphNode[] = [];
  private readonly endpoints: GraphNode[] = [];
  private readonly others: GraphNode[] = [];
  private readonly byId = new Map<string, GraphNode>();
  /** Principal nodes of the app by construct path (without `/Resource`), for `Principal::<path>` findings. */
  private readonly byPath = new Map<string, GraphNode>();
  /** Named principals (not in the app) by ARN, for `Principal::role/<name>` findings. */
  private readonly named = new Map<string, { node: GraphNode; account: string }>();
  /** The account of each key node. */
  private readonly keyAccounts = new Map<string, string>();
  private readonly edges: GraphEdge[] = [];
  private readonly loose: GraphFinding[] = [];

  public addKey(k: KeyAccess): void {
    const keyId = keyNodeId(k.key.stackName, k.key.logicalId);
    this.keyAccounts.set(keyId, k.key.account);
    this.node(this.keys, {
      id: keyId,
      kind: 'key',
      label: `key ${keyTitle(k)}`,
      detail: `${k.key.arn} ${SYNTHETIC}`,
      findings: [],
      notes: [...k.notes, ...(k.evaluated ? [] : ['not evaluated: nobody\'s access could be decided'])],
    });
    const endpointAnswers = new Map<string, AccessAnswer>();
    for (const s of k.subjects) {
      const from = this.subjectNode(s);
      const groups = accessGroups(s);
      const remarks = [
        ...(s.lockoutRisk ? ['the only one that can call PutKeyPolicy'] : []),
        ...(s.subject.exemptFrom && s.subject.exemptFrom.length > 0 ? [`exempt from ${s.subject.exemptFrom.join(', ')}`] : []),
      ];
      if (groups.length === 0) {
        this.edge({
          kind: 'access',
          from,
          to: keyId,
          capability: 'no access',
          answer: 'denied',
          conditions: [],
          statements: [],
          unknowns: [],
          through: [],
          remarks: [...remarks, ...(s.missing ? [s.missing] : [])],
        });
        continue;
      }
      for (const g of groups) {
        const through = [...new Set(g.paths.flatMap((p) => p.requires.filter((r) => r.kind === 'endpoint').map((r) => {
          const id = `endpoint:${r.value}`;
          this.node(this.endpoints, {
            id,
            kind: 'endpoint',
            label: `${r.value}${r.synthetic ? ` ${SYNTHETIC}` : ''}`,
            detail: r.vpcId ? `in ${r.vpcId}${r.inApp ? '' : ' (not in the app)'}` : r.inApp === false ? 'not in the app' : 'in the app',
            findings: [],
            notes: [],
          });
          return id;
        })))];
        for (const id of through) endpointAnswers.set(id, strongest(endpointAnswers.get(id), g.answer));
        this.edge({
          kind: 'access',
          from,
          to: keyId,
          capability: g.what,
          answer: g.answer,
          conditions: uniquePaths(g.paths).map(pathText),
          statements: [...new Set(g.paths.flatMap((p) => p.decidedBy.map((d) => `${d.statement} of the ${d.policy}`)))],
          unknowns: g.answer === 'uncertain' ? s.unknowns : [],
          through,
          remarks,
        });
      }
    }
    for (const [from, answer] of endpointAnswers) {
      this.edge({
        kind: 'endpoint', from, to: keyId, capability: 'requests through this endpoint', answer, conditions: [], statements: [], unknowns: [], through: [], remarks: [],
      });
    }
  }

  /** Attaches each finding to the key it is located on (and the principal it names), or keeps it on the graph. */
  public addFindings(findings: readonly Finding[]): void {
    for (const f of findings) {
      const shown = graphFinding(f);
      const targets: GraphNode[] = [];
      const key = this.byId.get(keyNodeId(f.location.stackName, f.location.logicalId));
      if (key) targets.push(key);
      const principal = /^Principal::(.+)$/.exec(f.findingId)?.[1];
      if (principal !== undefined) targets.push(...this.principalNodes(principal, f.location.stackName, key));
      if (targets.length === 0) this.loose.push(shown);
      for (const t of targets) t.findings.push(shown);
    }
  }

  public graph(source: string): AccessGraph {
    return { source, nodes: [...this.keys, ...this.endpoints, ...this.others], edges: [...this.edges], findings: [...this.loose] };
  }

  private subjectNode(s: SubjectAccess): string {
    const sub = s.subject;
    // A representative stands for every principal of its account (and organization) that matches: the same kind in
    // another account is another node.
    const id = sub.representative ? [sub.id, sub.account, sub.organization?.id].filter((x) => x !== undefined).join(':') : sub.id;
    const kind: GraphNodeKind = sub.kind === 'service' || sub.kind === 'any-service' ? 'service' : sub.representative ? 'representative' : 'principal';
    const node = this.node(this.others, {
      id, kind, label: `${sub.label}${sub.syntheticArn ? ` ${SYNTHETIC}` : ''}`, detail: sub.representative ? '' : sub.arn, findings: [], notes: [],
    });
    if (sub.kind === 'app-principal' && sub.constructPath !== undefined) {
      // Finding ids name a principal of the app by its construct path without `/Resource` (rules/support/key-finding.ts).
      this.byPath.set(sub.constructPath.replace(/\/Resource$/, ''), node);
    }
    if (sub.kind === 'named-principal' && sub.account !== undefined) this.named.set(sub.arn, { node, account: sub.account });
    return id;
  }

  /**
   * The nodes a `Principal::<value>` finding on a key names, as the rules write the value (rules/support/duties.ts,
   * key-finding.ts): the construct path of a principal of the app, `Deployer` (the role that deploys the key's stack),
   * or `role/<name>` / `user/<name>` of a principal of the key's account that the app does not define.
   */
  private principalNodes(value: string, stackName: string, key: GraphNode | undefined): GraphNode[] {
    if (value === 'Deployer') {
      const deployer = this.byId.get(`deployer:${stackName}`);
      return deployer ? [deployer] : [];
    }
    const app = this.byPath.get(value);
    if (app) return [app];
    const account = key ? this.keyAccounts.get(key.id) : undefined;
    return [...this.named.entries()].filter(([arn, n]) => n.account === account && arn.endsWith(`:${value}`)).map(([, n]) => n.node);
  }

  private node(list: GraphNode[], node: GraphNode): GraphNode {
    const existing = this.byId.get(node.id);
    if (existing) return existing;
    this.byId.set(node.id, node);
    list.push(node);
    return node;
  }

  private edge(e: Omit<GraphEdge, 'id'>): void {
    this.edges.push({ id: `e${this.edges.length}`, ...e });
  }
}

/** The graph of a whole report at once (tests, small apps). */
export function buildAccessGraph(source: string, keys: Iterable<KeyAccess>, findings: readonly Finding[]): AccessGraph {
  const builder = new AccessGraphBuilder();
  for (const k of keys) builder.addKey(k);
  builder.addFindings(findings);
  return builder.graph(source);
}

/**
 * What an edge says, as lines: the answer and the capabilities, each way it is allowed (with its statements), what
 * is unknown, and the remarks. Every renderer labels edges with these lines (and may shorten them to the first).
 */
export function edgeLines(e: GraphEdge): string[] {
  const head = e.kind === 'endpoint' ? `${e.capability} (${e.answer})` : `${e.answer}: ${e.capability}`;
  return [
    head,
    ...e.conditions,
    ...(e.unknowns.length > 0 ? [`depends on: ${e.unknowns.join('; ')}`] : []),
    ...e.remarks,
  ];
}

/** A node's label lines: its name, then (when it has findings) their counts and ids. */
export function nodeLines(n: GraphNode): string[] {
  if (n.findings.length === 0) return [n.label];
  const c = findingCounts(n.findings);
  return [n.label, `${c.errors} error(s), ${c.warnings} warning(s): ${n.findings.map((f) => f.id).join(', ')}`];
}

/** Edges that are drawn: every one but `denied` (which says that nothing is allowed). */
export function drawnEdges(g: AccessGraph): GraphEdge[] {
  return g.edges.filter((e) => e.answer !== 'denied');
}

/** How many findings of each severity a node carries. */
export function findingCounts(findings: readonly GraphFinding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

export function keyNodeId(stackName: string, logicalId: string): string {
  return `key:${stackName}/${logicalId}`;
}

function graphFinding(f: Finding): GraphFinding {
  const at = f.location;
  const detail = [at.policy, at.statement, at.field].filter((x) => x !== undefined).join(', ');
  return {
    severity: f.severity,
    id: acknowledgementId(f),
    where: `${at.constructPath ?? (at.logicalId ? `${at.stackName}/${at.logicalId}` : at.stackName || 'the app')}${detail ? ` (${detail})` : ''}`,
    message: f.message,
  };
}

/** Paths with the same requirements and certainty once (they differ only in the statements that allowed them). */
function uniquePaths(paths: readonly AccessPath[]): AccessPath[] {
  const seen = new Set<string>();
  return paths.filter((p) => {
    const s = pathSignature(p);
    if (seen.has(s)) return false;
    seen.add(s);
    return true;
  });
}

function strongest(a: AccessAnswer | undefined, b: AccessAnswer): AccessAnswer {
  return a === undefined || ANSWER_ORDER.indexOf(b) < ANSWER_ORDER.indexOf(a) ? b : a;
}
