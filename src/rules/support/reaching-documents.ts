/**
 * The identity policies that reach the app's keys: each document of a principal of the app whose KMS statements may
 * name a key of the model (by Action and Resource, support/principals.ts), once, however many keys it reaches. The
 * lint rules check these and leave the app's other IAM policies alone. Pure.
 */
import { identityActionsOn } from './principals';
import { AppModel, PrincipalModel } from '../../app-model/app-model';

export interface ReachingDocument {
  readonly principal: PrincipalModel;
  readonly document: unknown;
  /** Its index in the principal's identityPolicies. */
  readonly index: number;
  /** How the model names it: `policy Stack/LogicalId`, `managed policy ...`. */
  readonly source: string;
}

/** Keys x principals look-ups, each a read of the principal's cached KMS grants (principals.ts). */
export function reachingDocuments(model: AppModel): ReachingDocument[] {
  const out: ReachingDocument[] = [];
  const seen = new Set<string>();
  for (const key of model.keys) {
    for (const p of model.principals) {
      if (identityActionsOn(p.identityPolicies, key.arn).size === 0) continue;
      p.identityPolicies.forEach((document, index) => {
        const once = `${p.stackName}/${p.logicalId}#${index}`;
        if (seen.has(once) || identityActionsOn([document], key.arn).size === 0) return;
        seen.add(once);
        out.push({ principal: p, document, index, source: p.identityPolicySources[index] ?? `identity policy #${index}` });
      });
    }
  }
  return out;
}

/** A finding's location on a principal of the app, in one of its identity policies. */
export function principalLocation(p: PrincipalModel, policy: string, statement: string, field: string): Record<string, string> {
  return {
    stackName: p.stackName,
    logicalId: p.logicalId,
    ...(p.constructPath !== undefined ? { constructPath: p.constructPath } : {}),
    policy,
    statement,
    field,
  };
}
