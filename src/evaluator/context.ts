/**
 * The request context as conditions see it. Keys are looked up lower-cased (condition key names are
 * case-insensitive, IAM User Guide reference_policies_elements_condition.md); values keep their case.
 * A multi-valued key (kms:EncryptionContextKeys, kms:GrantOperations, ...) yields an array, possibly empty.
 * `undefined` means the key is absent from the request.
 */
export type ContextValue = string | readonly string[];

export interface ConditionContext {
  get(lowerKey: string): ContextValue | undefined;
}

/** A context over a plain map, for tests and for callers that already hold every value. */
export class MapContext implements ConditionContext {
  private readonly values = new Map<string, ContextValue>();

  public constructor(entries: Record<string, ContextValue> = {}) {
    for (const [k, v] of Object.entries(entries)) this.values.set(k.toLowerCase(), v);
  }

  public get(lowerKey: string): ContextValue | undefined {
    return this.values.get(lowerKey);
  }
}
