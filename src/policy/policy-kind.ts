/** Which kind of policy a document is: decides which elements are allowed and which condition keys KMS fills. */
export type PolicyKind = 'key' | 'identity' | 'boundary' | 'session' | 'scp' | 'rcp' | 'endpoint';

/** Resource-based kinds carry a Principal element; identity-side kinds must not. */
export function hasPrincipalElement(kind: PolicyKind): boolean {
  return kind === 'key' || kind === 'endpoint' || kind === 'rcp';
}
