/**
 * The identity policies that reach the app's keys: each document of a principal of the app whose KMS statements may
 * name a key of the model (by Action and Resource, support/principals.ts), once, however many keys it reaches. The
 * lint rules check these and leave the app's other IAM policies alone. Pure.
 */
import { isLiteral, kmsGrantsOf } from './principals';
import { AppModel, PrincipalModel } from '../../app-model/app-model';
import { matchesWildcard } from '../../policy/wildcard';

export interface ReachingDocument {
  readonly principal: PrincipalModel;
  readonly document: unknown;
  /** Its index in the principal's identityPolicies. */
  readonly index: number;
  /** How the model names it: `policy Stack/LogicalId`, `managed policy ...`. */
  readonly source: string;
}

/**
 * Each document once, in the order a walk of keys, then principals, then documents meets it: ordered by the first key
 * it reaches, then by principal and document. Linear in the documents' KMS grants: a literal resource is looked up
 * among the keys' ARNs, and only a pattern (`arn:aws:kms:*:111122223333:key/*`) or a resource unknown offline is
 * compared with the keys. Computed once per model (the lint rules share it).
 */
export function reachingDocuments(model: AppModel): readonly ReachingDocument[] {
  let out = cache.get(model);
  if (out) return out;
  const keyIndexByArn = new Map<string, number>();
  model.keys.forEach((k, i) => {
    if (!keyIndexByArn.has(k.arn)) keyIndexByArn.set(k.arn, i);
  });
  const firstByPattern = new Map<string, number>();
  const firstKeyOf = (pattern: string): number => {
    if (isLiteral(pattern)) return keyIndexByArn.get(pattern) ?? NONE;
    let first = firstByPattern.get(pattern);
    if (first === undefined) {
      first = model.keys.findIndex((k) => matchesWildcard(pattern, k.arn));
      if (first < 0) first = NONE;
      firstByPattern.set(pattern, first);
    }
    return first;
  };
  const found: Array<ReachingDocument & { firstKey: number }> = [];
  for (const p of model.principals) {
    p.identityPolicies.forEach((document, index) => {
      let firstKey = NONE;
      for (const grant of kmsGrantsOf(document)) {
        // A grant on a resource unknown offline may name any key: the first.
        if (grant.resources === undefined) firstKey = Math.min(firstKey, model.keys.length > 0 ? 0 : NONE);
        else for (const r of grant.resources) firstKey = Math.min(firstKey, firstKeyOf(r));
      }
      if (firstKey === NONE) return;
      found.push({ principal: p, document, index, source: p.identityPolicySources[index] ?? `identity policy #${index}`, firstKey });
    });
  }
  // Array.prototype.sort is stable: principals and documents keep their order within a key.
  out = found.sort((a, b) => a.firstKey - b.firstKey).map(({ firstKey: _, ...doc }) => doc);
  cache.set(model, out);
  return out;
}

const NONE = Number.MAX_SAFE_INTEGER;
const cache = new WeakMap<AppModel, readonly ReachingDocument[]>();
