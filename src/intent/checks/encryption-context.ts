/**
 * The one encryption-context merge: a key's required context plus a grant's or a share's. A pair required with two
 * values can never be met (a request carries one value per key, conditions-kms.md kms:EncryptionContext:), so it is a
 * conflict; values compared by the caller's `compare`, since construct values may be tokens known only at deploy
 * time (`unknown` is a conflict too: it cannot be shown to agree). Pure.
 */

export type Comparison = 'same' | 'different' | 'unknown';

export interface ContextConflict {
  readonly key: string;
  /** The value the base (the key) requires. */
  readonly required: string;
  /** The value the grant or share gives. */
  readonly given: string;
  /** Whether both are known at synth (so they truly differ), or cannot be compared. */
  readonly comparable: boolean;
}

export interface ContextMerge {
  /** The merged context; undefined when empty or on a conflict. */
  readonly merged?: Record<string, string>;
  readonly conflict?: ContextConflict;
}

/** Merges `extra` into `base`; the first pair set to two values is the conflict. */
export function mergeEncryptionContext(
  base: Readonly<Record<string, string>> | undefined, extra: Readonly<Record<string, string>> | undefined,
  compare: (a: string, b: string) => Comparison = (a, b) => (a === b ? 'same' : 'different'),
): ContextMerge {
  const merged: Record<string, string> = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (k in merged) {
      const c = compare(merged[k], v);
      if (c !== 'same') return { conflict: { key: k, required: merged[k], given: v, comparable: c === 'different' } };
    }
    merged[k] = v;
  }
  return Object.keys(merged).length > 0 ? { merged } : {};
}
