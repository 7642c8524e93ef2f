/**
 * Words for the access analysis, shared by the table and markdown renderers: what a subject can do, grouped by
 * capability and by what it requires; the requirements of each path, with the statements that impose them; the
 * header lines that say what was asked. Pure.
 */
import { ReportHeader } from './report-model';
import { AccessPath, ActionAccess, KeyAccess, Requirement, SubjectAccess } from '../analysis/effective-access';
import { Finding } from '../rules/finding';

/** Marks a name or id the analysis made up where CloudFormation assigns one at deploy. */
export const SYNTHETIC = '†';

/** One group of what a subject can do: the capabilities (and actions) that share an answer and the same paths. */
export interface AccessGroup {
  /** `decrypt, data keys (GenerateDataKey, GenerateDataKeyWithoutPlaintext)`. */
  readonly what: string;
  readonly answer: 'allowed' | 'conditional' | 'uncertain';
  /** The paths' footnote texts (for conditional and uncertain answers). */
  readonly paths: readonly AccessPath[];
}

/** The groups of what a subject can do with the key's usable capabilities, strongest answer first. */
export function accessGroups(s: SubjectAccess): AccessGroup[] {
  const groups = new Map<string, { answer: AccessGroup['answer']; paths: readonly AccessPath[]; actions: ActionAccess[] }>();
  for (const c of s.capabilities) {
    if (!c.usable) continue;
    for (const a of c.actions) {
      if (a.answer === 'denied' || a.usable === false) continue;
      const paths = a.answer === 'allowed' ? [] : a.paths ?? [];
      const id = `${a.answer}|${paths.map(pathSignature).join('|')}`;
      const g = groups.get(id);
      if (g) g.actions.push(a);
      else groups.set(id, { answer: a.answer, paths, actions: [a] });
    }
  }
  const order = { allowed: 0, conditional: 1, uncertain: 2 };
  return [...groups.values()]
    .sort((a, b) => order[a.answer] - order[b.answer])
    .map((g) => ({ what: capabilityText(s, new Set(g.actions.map((a) => a.action))), answer: g.answer, paths: g.paths }));
}

/** Capability titles, with the actions named when only some of a capability's actions are in the set. */
function capabilityText(s: SubjectAccess, actions: ReadonlySet<string>): string {
  const parts: string[] = [];
  for (const c of s.capabilities) {
    const usable = c.actions.filter((a) => a.usable !== false);
    const inSet = usable.filter((a) => actions.has(a.action)).map((a) => a.action.replace(/^kms:/, ''));
    if (inSet.length === 0) continue;
    const title = CAPABILITY_TITLES[c.capability] ?? c.capability;
    const outside = usable.filter((a) => !actions.has(a.action)).map((a) => a.action.replace(/^kms:/, ''));
    // Every action is named: the ones in the set, or (when shorter) the ones that are not.
    parts.push(outside.length === 0 ? title : inSet.length > outside.length + 1 ? `${title} (all but ${outside.join(', ')})` : `${title} (${inSet.join(', ')})`);
  }
  return parts.join(', ');
}

const CAPABILITY_TITLES: Readonly<Record<string, string>> = {
  'administer': 'administer',
  'lifecycle': 'delete or disable',
  'describe': 'describe',
  'encrypt': 'encrypt',
  'decrypt': 'decrypt',
  'data-keys': 'data keys',
  'sign': 'sign',
  'verify': 'verify',
  'mac': 'MAC',
  'key-agreement': 'key agreement',
  'grants': 'grant management',
};

/** A stable identity for a path's requirements and certainty. */
export function pathSignature(p: AccessPath): string {
  return `${p.certain ? '' : '?'}${p.requires.map((r) => `${r.kind}:${r.key ?? ''}=${r.value}`).sort().join('&')}`;
}

/** `encryption context app=payments and through endpoint vpce-0abc (KeyOwner/Vpc/Endpoint) †`. */
export function requirementsText(p: AccessPath): string {
  if (p.requires.length === 0) return 'with a plain request';
  return p.requires.map(requirementText).join(' and ');
}

export function requirementText(r: Requirement): string {
  const value = r.match === 'like' ? `like ${r.value}` : r.match === 'cidr' ? `in ${r.value}` : r.match === 'any' ? 'set (any value)' : `= ${r.value}`;
  switch (r.kind) {
    case 'encryption-context': {
      const name = (r.key ?? '').replace(/^kms:EncryptionContext:/i, '');
      return r.match === 'any' ? `encryption context with ${name}` : r.match === 'like' ? `encryption context ${name} like ${r.value}` : `encryption context ${name}=${r.value}`;
    }
    case 'context':
      if ((r.key ?? '').toLowerCase() === 'kms:viaservice') return r.match === 'any' ? 'via any AWS service' : r.match === 'like' ? `via a service like ${r.value}` : `via ${r.value}`;
      if ((r.key ?? '').toLowerCase() === 'aws:sourceip') return `from ${r.value}`;
      return `${r.key} ${value}`;
    case 'endpoint':
      return `through ${r.value}${r.synthetic ? ` ${SYNTHETIC}` : ''}`;
    case 'principal-tag':
      return `tagged ${(r.key ?? '').replace(/^aws:PrincipalTag\//i, '')}${r.match === 'like' ? ` like ${r.value}` : r.match === 'any' ? '' : `=${r.value}`}`;
    case 'organization':
      return `as a member of ${r.value}${r.assumed ? ' (assumed)' : ''}`;
    case 'alias':
      return `naming the key by ${r.value}`;
    case 'grantee':
      return `granting to ${r.value}`;
    default:
      return `${r.key} ${value}`;
  }
}

/** `Sid "UseCtx" and Sid "DenyOutside" of the key policy`: the statements that decided a path. */
export function statementsText(p: AccessPath): string {
  const byPolicy = new Map<string, string[]>();
  for (const d of p.decidedBy) byPolicy.set(d.policy, [...byPolicy.get(d.policy) ?? [], d.statement]);
  return [...byPolicy.entries()].map(([policy, statements]) => `${statements.join(', ')} of the ${policy}`).join('; ');
}

/** A footnote: the requirements, then the statements. */
export function pathText(p: AccessPath): string {
  const statements = statementsText(p);
  const prefix = p.requires.length === 0 ? (p.certain ? 'allowed' : 'possibly') : p.certain ? 'only' : 'possibly, only';
  return `${prefix} ${requirementsText(p)}${statements ? ` (${statements})` : ''}`;
}

/** The subject's label, with the synthetic mark when its ARN is made up. */
export function subjectLabel(s: SubjectAccess): string {
  const exempt = s.subject.exemptFrom && s.subject.exemptFrom.length > 0 ? ` (exempt from ${s.subject.exemptFrom.join(', ')})` : '';
  return `${s.subject.label}${s.subject.syntheticArn ? ` ${SYNTHETIC}` : ''}${exempt}`;
}

/** `key Stack/Path (alias/x)` */
export function keyTitle(k: KeyAccess): string {
  const path = k.key.constructPath?.replace(/\/Resource$/, '') ?? `${k.key.stackName}/${k.key.logicalId}`;
  return `${path}${k.key.aliases.length > 0 ? ` (${k.key.aliases.join(', ')})` : ''}`;
}

/** The key ARN with its mark: KMS assigns key ids at deploy, so every key ARN of a synthesized app is synthetic. */
export function keyArnText(k: KeyAccess): string {
  return `${k.key.arn} ${SYNTHETIC}${k.key.accountIsPlaceholder ? ' (account and key id are placeholders)' : ''}`;
}

/** Capabilities the key cannot serve (left out of the table and markdown; the JSON has them). */
export function unusableCapabilities(k: KeyAccess): string[] {
  const ids = new Set<string>();
  for (const s of k.subjects) for (const c of s.capabilities) if (!c.usable) ids.add(c.capability);
  return [...ids].map((id) => CAPABILITY_TITLES[id] ?? id);
}

/** What the header says was asked. */
export function askedText(h: ReportHeader): string[] {
  const iamOnly = h.actions.notAsked.filter((n) => n.reason.startsWith('no KMS key')).map((n) => n.action.replace(/^kms:/, ''));
  const others = h.actions.notAsked.filter((n) => !n.reason.startsWith('no KMS key'));
  return [
    `asked about every KMS action on a key: ${h.actions.asked.length} actions (${h.actions.asked.map((a) => a.replace(/^kms:/, '')).join(', ')})`,
    `not asked: ${[
      ...others.map((n) => `${n.action.replace(/^kms:/, '')} (${n.reason})`),
      ...(iamOnly.length > 0 ? [`${iamOnly.join(', ')} (no KMS key: only IAM policies decide them)`] : []),
    ].join('; ')}`,
    h.grantsDeclared ? 'grants given with the app count as declared' : 'grants: CloudFormation declares none, so none are counted (grants that services create at run time are not seen)',
  ];
}

export const LEGEND = [
  'allowed: a plain request is allowed',
  'only ...: allowed only when the request carries these values or the caller is so (the statements that impose it in brackets)',
  'possibly: allowed only if values unknown at synth turn out a certain way ("depends on" names them)',
  `${SYNTHETIC}: a name or id CloudFormation assigns at deploy; the analysis used a stand-in`,
];

/** How many findings are errors and how many warnings: `2 errors, 1 warning`. */
export function findingCounts(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return `${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One subject that can do something: who, what (with footnote marks), remarks on its access, and its own notes. */
export interface SubjectRow {
  readonly label: string;
  readonly what: string;
  readonly remarks: string[];
  readonly notes: readonly string[];
}

/**
 * What the text renderers show of a key: a row per subject that can do something, the labels of those that can do
 * nothing, and the conditions as numbered footnotes (each distinct path text once, numbered in order of first use).
 */
export function keyRows(k: KeyAccess): { rows: SubjectRow[]; none: string[]; footnotes: Map<string, number> } {
  const footnotes = new Map<string, number>();
  const ref = (text: string): number => {
    let n = footnotes.get(text);
    if (n === undefined) footnotes.set(text, n = footnotes.size + 1);
    return n;
  };
  const rows: SubjectRow[] = [];
  const none: string[] = [];
  for (const s of k.subjects) {
    const groups = accessGroups(s);
    if (groups.length === 0) {
      none.push(subjectLabel(s));
      continue;
    }
    const what = groups.map((g) => {
      const refs = g.paths.map((p) => ref(pathText(p)));
      const marks = refs.length > 0 ? ` [${refs.join(' or ')}]` : '';
      return `${g.answer === 'uncertain' ? 'possibly: ' : ''}${g.what}${marks}`;
    }).join('; ');
    const remarks = [
      ...(s.lockoutRisk ? ['the only one that can call PutKeyPolicy'] : []),
      ...(groups.some((g) => g.answer === 'uncertain') && s.unknowns.length > 0 ? [`depends on: ${s.unknowns.join('; ')}`] : []),
    ];
    rows.push({ label: subjectLabel(s), what, remarks, notes: s.notes });
  }
  return { rows, none, footnotes };
}
