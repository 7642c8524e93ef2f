/**
 * What changed in who can use the keys of an app between two analyses (src/analysis/effective-access.ts): the access
 * added and removed, per key, subject, action and condition set. Pure: two lists of KeyAccess in, plain JSON out.
 *
 * Identities are what stays the same when the app is synthesized again, for another account or after an unrelated
 * change: keys by construct path (falling back to stack name and logical id for keys without one), subjects by the
 * analysis' subject id, which is the construct path for principals of the app (`app:Stack/Role`), the ARN for
 * principals outside it, and the kind for representatives (`anyone`, `account-principal`), never a generated name.
 *
 * Access is compared as condition sets. Each allowed answer of an action is a set of paths (AccessPath), each the
 * requirements of one minimal way a request is allowed (empty: a plain request). A path needs fewer or the same
 * requirements as another when its set is a subset: it allows at least what the other allows. So:
 * - a certain path of NEW that no certain path of OLD covers (a subset of its requirements) is access **added**:
 *   'conditional under X' -> 'allowed' adds the plain path and removes nothing (the plain path covers X);
 * - a certain path of OLD that no certain path of NEW covers is access **removed**: 'allowed' -> 'conditional under X'
 *   removes the plain path (`narrowed` when the action is still allowed some other way);
 * - an uncertain path (allowed only if values unknown at synth turn out a certain way) of NEW that nothing of OLD
 *   covers **became uncertain**; one of OLD that nothing of NEW covers is **no longer uncertain**.
 * Actions the key cannot serve (usable false) are left out: KMS rejects them whatever the policies say. Inclusion is
 * sound for the requirements the analysis reports because each is a condition a request must meet on top of the
 * others (IAM ANDs the conditions of a statement, aws-docs/iam-user-guide/reference_policies_evaluation-logic.md): a
 * request that meets a superset of requirements meets the subset.
 */
import { AccessPath, AccessSubject, ActionAccess, KeyAccess, Requirement, SubjectAccess } from '../analysis/access/model';

export type AccessChangeKind = 'added' | 'removed' | 'became-uncertain' | 'no-longer-uncertain';

/** A key as the diff names it. */
export interface DiffKey {
  /** The construct path without `/Resource`, or `Stack/LogicalId`. */
  readonly path: string;
  readonly stackName: string;
  readonly logicalId: string;
}

/** One change: the actions of one subject on one key that gained or lost the same condition set. */
export interface AccessChange {
  readonly key: string;
  /** The subject's stable id (`app:Stack/Role`, an ARN, `deployer:Stack`, `anyone`, `service:logs...`). */
  readonly subject: string;
  readonly subjectLabel: string;
  readonly kind: AccessChangeKind;
  /** Canonical action names, in catalogue (capability) order. */
  readonly actions: readonly string[];
  /** The capability ids of those actions. */
  readonly capabilities: readonly string[];
  /** The condition set: what a request must carry (empty: a plain request). */
  readonly requires: readonly Requirement[];
  /** The statements that allowed it, on the side it comes from: `Sid "X" of the key policy`. */
  readonly statements: readonly string[];
  /**
   * For `removed`: the actions are still allowed some other way (with other requirements) in NEW: narrowed, not gone.
   * @default - false
   */
  readonly narrowed?: boolean;
  /** For `removed`: NEW may still allow it, depending on values unknown offline. @default - false */
  readonly nowUncertain?: boolean;
}

export interface AccessDiff {
  readonly keysAdded: readonly DiffKey[];
  readonly keysRemoved: readonly DiffKey[];
  /** Keys whose policies could not be evaluated on one side (an invalid key policy): what they allow there is unknown. */
  readonly keysNotEvaluated: ReadonlyArray<{ readonly key: string; readonly side: 'old' | 'new'; readonly reason: string }>;
  /** Added, removed, then uncertain changes; by key, subject and actions within each. */
  readonly changes: readonly AccessChange[];
  readonly counts: { readonly added: number; readonly removed: number; readonly becameUncertain: number; readonly noLongerUncertain: number };
}

/** Compares two analyses of the same app: OLD before, NEW after. */
export function diffAccess(oldKeys: readonly KeyAccess[], newKeys: readonly KeyAccess[]): AccessDiff {
  const pairs = matchKeys(oldKeys, newKeys);
  const keysAdded: DiffKey[] = [];
  const keysRemoved: DiffKey[] = [];
  const keysNotEvaluated: Array<{ key: string; side: 'old' | 'new'; reason: string }> = [];
  const raw: AccessChange[] = [];
  for (const { before, after } of pairs) {
    const key = keyOf((after ?? before)!);
    if (!before) keysAdded.push(key);
    if (!after) keysRemoved.push(key);
    for (const [side, k] of [['old', before], ['new', after]] as const) {
      if (k && !k.evaluated) keysNotEvaluated.push({ key: key.path, side, reason: k.notes[k.notes.length - 1] ?? 'the key could not be evaluated' });
    }
    // A key that could not be evaluated on one side has no answers there: comparing would invent changes.
    if ((before && !before.evaluated) || (after && !after.evaluated)) continue;
    raw.push(...diffKey(key.path, before, after));
  }
  const changes = group(raw);
  const count = (kind: AccessChangeKind): number => changes.filter((c) => c.kind === kind).length;
  return {
    keysAdded,
    keysRemoved,
    keysNotEvaluated,
    changes,
    counts: { added: count('added'), removed: count('removed'), becameUncertain: count('became-uncertain'), noLongerUncertain: count('no-longer-uncertain') },
  };
}

/**
 * Whether `--fail-on-new-access` fails: access was added, or became uncertain, or a key could not be evaluated on the
 * NEW side. An uncertain answer means the deployed app may allow it, depending on values the templates do not hold:
 * a gate that cannot show the access is not granted must not pass it silently (unknown is reported as unknown, never
 * as safe); the reviewer who knows the values can accept it. A key NEW cannot evaluate is the same case.
 */
export function failsOnNewAccess(diff: AccessDiff): boolean {
  return diff.counts.added > 0 || diff.counts.becameUncertain > 0 || diff.keysNotEvaluated.some((k) => k.side === 'new');
}

/** `Stack/Key` (construct path without `/Resource`) or `Stack/LogicalId`. */
export function keyPath(k: KeyAccess): string {
  return k.key.constructPath?.replace(/\/Resource$/, '') ?? `${k.key.stackName}/${k.key.logicalId}`;
}

function keyOf(k: KeyAccess): DiffKey {
  return { path: keyPath(k), stackName: k.key.stackName, logicalId: k.key.logicalId };
}

/** Pairs keys by construct path; the rest by stack name and logical id; then the unmatched of each side alone. */
function matchKeys(oldKeys: readonly KeyAccess[], newKeys: readonly KeyAccess[]): Array<{ before?: KeyAccess; after?: KeyAccess }> {
  const out: Array<{ before?: KeyAccess; after?: KeyAccess }> = [];
  const unmatchedOld = new Set(oldKeys);
  const pair = (identity: (k: KeyAccess) => string | undefined): void => {
    const byIdentity = new Map<string, KeyAccess>();
    for (const k of unmatchedOld) {
      const id = identity(k);
      if (id !== undefined && !byIdentity.has(id)) byIdentity.set(id, k);
    }
    for (const k of newKeys) {
      if (out.some((p) => p.after === k)) continue;
      const id = identity(k);
      const before = id === undefined ? undefined : byIdentity.get(id);
      if (before && unmatchedOld.has(before)) {
        unmatchedOld.delete(before);
        out.push({ before, after: k });
      }
    }
  };
  pair((k) => k.key.constructPath);
  pair((k) => `${k.key.stackName}/${k.key.logicalId}`);
  for (const k of newKeys) if (!out.some((p) => p.after === k)) out.push({ after: k });
  for (const k of unmatchedOld) out.push({ before: k });
  return out;
}

interface ActionPaths {
  readonly subject: AccessSubject;
  readonly capability: string;
  readonly certain: readonly AccessPath[];
  readonly uncertain: readonly AccessPath[];
}

/** subject id -> action -> its paths, over the actions the key can serve. */
function accessMap(k: KeyAccess | undefined): Map<string, Map<string, ActionPaths>> {
  const map = new Map<string, Map<string, ActionPaths>>();
  for (const s of k?.subjects ?? []) {
    const actions = new Map<string, ActionPaths>();
    for (const c of s.capabilities) {
      for (const a of c.actions) {
        if (a.usable === false || a.answer === 'denied') continue;
        actions.set(a.action, { subject: s.subject, capability: c.capability, ...pathsOf(a) });
      }
    }
    map.set(subjectId(s), actions);
  }
  return map;
}

function pathsOf(a: ActionAccess): { certain: AccessPath[]; uncertain: AccessPath[] } {
  const paths = a.paths ?? [];
  return { certain: paths.filter((p) => p.certain), uncertain: paths.filter((p) => !p.certain) };
}

/** The analysis' subject id: a construct path for principals of the app, never their (possibly generated) ARN. */
function subjectId(s: SubjectAccess): string {
  return s.subject.id;
}

function diffKey(key: string, before: KeyAccess | undefined, after: KeyAccess | undefined): AccessChange[] {
  const old = accessMap(before);
  const now = accessMap(after);
  const out: AccessChange[] = [];
  const none = new Map<string, ActionPaths>();
  for (const subject of new Set([...old.keys(), ...now.keys()])) {
    const o = old.get(subject) ?? none;
    const n = now.get(subject) ?? none;
    for (const action of new Set([...o.keys(), ...n.keys()])) {
      const was = o.get(action);
      const is = n.get(action);
      const who = (is ?? was)!;
      const change = (kind: AccessChangeKind, p: AccessPath, extra: Partial<AccessChange> = {}): void => {
        out.push({
          key,
          subject,
          subjectLabel: who.subject.label,
          kind,
          actions: [action],
          capabilities: [who.capability],
          requires: p.requires,
          statements: p.decidedBy.map((d) => `${d.statement} of the ${d.policy}`),
          ...extra,
        });
      };
      const wasCertain = was?.certain ?? [];
      const isCertain = is?.certain ?? [];
      const wasAny = [...wasCertain, ...was?.uncertain ?? []];
      const isAny = [...isCertain, ...is?.uncertain ?? []];
      for (const p of isCertain) if (!coveredBy(p, wasCertain)) change('added', p);
      for (const p of wasCertain) {
        if (coveredBy(p, isCertain)) continue;
        change('removed', p, {
          ...(isCertain.length > 0 ? { narrowed: true } : {}),
          ...(coveredBy(p, is?.uncertain ?? []) ? { nowUncertain: true } : {}),
        });
      }
      for (const p of is?.uncertain ?? []) if (!coveredBy(p, wasAny)) change('became-uncertain', p);
      for (const p of was?.uncertain ?? []) if (!coveredBy(p, isAny)) change('no-longer-uncertain', p);
    }
  }
  return out;
}

/** Some path of `others` needs no requirement that `p` does not (a subset): it allows at least what `p` allows. */
function coveredBy(p: AccessPath, others: readonly AccessPath[]): boolean {
  const mine = new Set(p.requires.map(requirementId));
  return others.some((q) => q.requires.every((r) => mine.has(requirementId(r))));
}

/** A requirement's identity: kind, key (case-insensitive, as condition keys are), how it compares, the value. */
export function requirementId(r: Requirement): string {
  return `${r.kind}|${(r.key ?? '').toLowerCase()}|${r.match}|${r.value}`;
}

const KIND_ORDER: Record<AccessChangeKind, number> = { 'added': 0, 'removed': 1, 'became-uncertain': 2, 'no-longer-uncertain': 3 };

/** Merges the changes of one key, subject, kind and condition set into one, listing its actions. */
function group(changes: readonly AccessChange[]): AccessChange[] {
  const groups = new Map<string, AccessChange>();
  for (const c of changes) {
    const id = [c.key, c.subject, c.kind, c.requires.map(requirementId).sort().join('&'), c.narrowed ?? false, c.nowUncertain ?? false].join('\u0000');
    const g = groups.get(id);
    groups.set(id, g === undefined ? c : {
      ...g,
      actions: [...g.actions, ...c.actions],
      capabilities: g.capabilities.includes(c.capabilities[0]) ? g.capabilities : [...g.capabilities, ...c.capabilities],
      statements: [...new Set([...g.statements, ...c.statements])],
    });
  }
  return [...groups.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]
    || a.key.localeCompare(b.key) || a.subject.localeCompare(b.subject) || a.actions[0].localeCompare(b.actions[0]));
}
