/**
 * The request context as conditions see it. Keys are looked up lower-cased (condition key names are
 * case-insensitive, IAM User Guide reference_policies_elements_condition.md); values keep their case.
 * A multi-valued key (kms:EncryptionContextKeys, kms:GrantOperations, ...) yields an array, possibly empty.
 * `undefined` means the key is absent from the request.
 */
export type ContextValue = string | readonly string[];

/**
 * A condition key as a compiled condition or policy variable names it. `reader` is a slot the request context fills on
 * first read with how it reads this key, so later reads skip looking the name up: a pure memo, as compiled conditions
 * (and their keys) are shared by every policy that holds them.
 */
export class ConditionKey {
  public reader: unknown = undefined;

  public constructor(public readonly lower: string) {}
}

export interface ConditionContext {
  get(key: ConditionKey): ContextValue | undefined;
}

/** A context over a plain map, for tests and for callers that already hold every value. */
export class MapContext implements ConditionContext {
  private readonly values = new Map<string, ContextValue>();

  public constructor(entries: Record<string, ContextValue> = {}) {
    for (const [k, v] of Object.entries(entries)) this.values.set(k.toLowerCase(), v);
  }

  public get(key: ConditionKey): ContextValue | undefined {
    return this.values.get(key.lower);
  }
}
