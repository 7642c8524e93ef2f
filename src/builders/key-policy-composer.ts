/**
 * Composes a key policy from statements added one at a time, so that it stays small and stable as grants are added.
 * Pure: values may be CDK token strings, which are compared as text and only resolved by the caller's `resolve`.
 *
 * - Statements that differ only in their principal merge into one statement with a principal list; statements that
 *   reach principals through the account principal narrowed by one condition (`aws:PrincipalArn`,
 *   `aws:PrincipalTag/...`) merge into one statement whose narrowing lists every principal. Forty functions with the
 *   same three grants make three statements, not 120 (KMS rejects key policies over 32 KB, key-policy-overview.md).
 * - Sids derive from content (effect, actions, conditions, principal kind), never from position or from the merged
 *   principal list: adding a grant changes only the statement it lands in, so snapshots and `cdk diff` stay quiet.
 */
import { createHash } from 'crypto';
import { ConditionJson, StatementJson } from './policy-json';

type PrincipalJson = Record<string, string | string[]>;

/** A narrowing condition whose values accumulate: `{ operator: 'ArnEquals', key: 'aws:PrincipalArn' }`. */
export interface Narrowing {
  readonly operator: string;
  readonly key: string;
}

interface Entry {
  /** Fixed Sid (unique statements such as KeyAdministration) or a prefix to which a content hash is appended. */
  readonly sid: string;
  readonly fixedSid: boolean;
  readonly effect: 'Allow' | 'Deny';
  readonly principal: Record<string, string[]>;
  readonly actions: string[];
  readonly conditions?: ConditionJson;
  readonly narrowing?: Narrowing & { readonly values: string[] };
}

export interface ComposeOptions {
  /** Sid prefix (a content hash is appended) or, with `fixedSid`, the whole Sid. */
  readonly sid: string;
  readonly fixedSid?: boolean;
}

export class KeyPolicyComposer {
  private readonly entries: Entry[] = [];
  private readonly byMergeKey = new Map<string, Entry>();

  /** Adds a statement; one that differs from an earlier one only in its principals is merged into it. */
  public add(statement: StatementJson, options: ComposeOptions): void {
    const principal = normalisePrincipal(statement.Principal);
    const actions = toList(statement.Action);
    const key = mergeKey(options, statement.Effect, actions, statement.Condition, Object.keys(principal));
    const existing = this.byMergeKey.get(key);
    if (existing) {
      const content = (effect: string, acts: string[], conditions: unknown): string => JSON.stringify([effect, acts, conditions]);
      const same = content(existing.effect, existing.actions, existing.conditions) === content(statement.Effect, actions, statement.Condition);
      if (existing.fixedSid && !same) {
        throw new Error(`the key policy already has a statement with Sid ${JSON.stringify(options.sid)} and different content`);
      }
      for (const [kind, values] of Object.entries(principal)) addAll((existing.principal[kind] ??= []), values);
      return;
    }
    this.push(key, entryOf(statement, principal, actions, options));
  }

  /**
   * Adds a statement whose principal is fixed (the account principal) and which reaches its principals through a
   * narrowing condition; statements equal but for the narrowing values merge, and the values accumulate.
   */
  public addNarrowed(statement: StatementJson, narrowing: Narrowing & { readonly values: readonly string[] }, options: ComposeOptions): void {
    const principal = normalisePrincipal(statement.Principal);
    const actions = toList(statement.Action);
    if (statement.Condition?.[narrowing.operator]?.[narrowing.key] !== undefined) {
      throw new Error(`contradictory conditions: ${narrowing.operator} ${narrowing.key} is both given and used to narrow the statement to its principals`);
    }
    const key = mergeKey(options, statement.Effect, actions, statement.Condition, principal, narrowing.operator, narrowing.key);
    const existing = this.byMergeKey.get(key);
    if (existing) {
      addAll(existing.narrowing!.values, narrowing.values);
      return;
    }
    this.push(key, {
      ...entryOf(statement, principal, actions, options),
      narrowing: { operator: narrowing.operator, key: narrowing.key, values: [...new Set(narrowing.values)] },
    });
  }

  public get statementCount(): number {
    return this.entries.length;
  }

  /**
   * The statements, in the order they were first added. `resolve` turns token strings into their final values (the
   * identity when there are none); Sids are hashed from resolved content, so they do not depend on token numbering.
   */
  public render(resolve: (value: unknown) => unknown = (v) => v): StatementJson[] {
    const used = new Set<string>();
    return this.entries.map((e) => {
      const sid = uniqueSid(e.fixedSid ? e.sid : `${e.sid}${contentHash(resolve(sidContent(e)))}`, used);
      used.add(sid);
      const principal: PrincipalJson = {};
      for (const [kind, values] of Object.entries(e.principal)) principal[kind] = values.length === 1 ? values[0] : [...values];
      const statement: StatementJson = {
        Sid: sid,
        Effect: e.effect,
        Principal: principal,
        Action: e.actions.length === 1 ? e.actions[0] : [...e.actions],
        Resource: '*',
      };
      const conditions = withNarrowing(e);
      if (conditions) statement.Condition = conditions;
      return statement;
    });
  }

  private push(key: string, entry: Entry): void {
    this.entries.push(entry);
    this.byMergeKey.set(key, entry);
  }
}

function entryOf(statement: StatementJson, principal: Record<string, string[]>, actions: string[], options: ComposeOptions): Entry {
  return {
    sid: options.sid,
    fixedSid: options.fixedSid === true,
    effect: statement.Effect,
    principal,
    actions,
    ...(statement.Condition ? { conditions: statement.Condition } : {}),
  };
}

/** What a content Sid is computed from: everything but the merged principals or narrowing values. */
function sidContent(e: Entry): unknown {
  return {
    effect: e.effect,
    actions: e.actions,
    conditions: e.conditions ?? {},
    principalKinds: e.narrowing ? e.principal : Object.keys(e.principal),
    narrowing: e.narrowing ? `${e.narrowing.operator}:${e.narrowing.key}` : undefined,
  };
}

function withNarrowing(e: Entry): ConditionJson | undefined {
  if (!e.narrowing) return e.conditions;
  const conditions: ConditionJson = {};
  for (const [op, block] of Object.entries(e.conditions ?? {})) conditions[op] = { ...block };
  const values = e.narrowing.values.length === 1 ? e.narrowing.values[0] : [...e.narrowing.values];
  conditions[e.narrowing.operator] = { ...(conditions[e.narrowing.operator] ?? {}), [e.narrowing.key]: values };
  return conditions;
}

function mergeKey(
  options: ComposeOptions, effect: string, actions: string[], conditions: unknown, principal: unknown, ...narrowing: string[]
): string {
  // A fixed Sid is its own merge key (the same unique statement added twice merges its principals), except that
  // narrowed statements for different accounts stay apart.
  if (options.fixedSid) return JSON.stringify(['fixed', options.sid, ...(narrowing.length > 0 ? [principal] : [])]);
  return JSON.stringify([options.sid, effect, actions, conditions, principal, ...narrowing]);
}

function contentHash(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 8);
}

/** JSON with object keys sorted, so that the hash does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function uniqueSid(sid: string, used: Set<string>): string {
  if (!used.has(sid)) return sid;
  for (let i = 2; ; i++) if (!used.has(`${sid}${i}`)) return `${sid}${i}`;
}

function normalisePrincipal(principal: StatementJson['Principal']): Record<string, string[]> {
  if (principal === undefined) throw new Error('a key-policy statement needs a Principal');
  if (principal === '*') return { AWS: ['*'] };
  const out: Record<string, string[]> = {};
  for (const [kind, values] of Object.entries(principal)) out[kind] = [...new Set(toList(values))];
  return out;
}

function addAll(target: string[], values: readonly string[]): void {
  for (const v of values) if (!target.includes(v)) target.push(v);
}

function toList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value];
}
