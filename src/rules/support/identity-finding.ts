/**
 * A finding about a statement of an identity policy, placed on the principal whose policy holds it. Its id is
 * `Statement::<Sid or index>`, made unique among the principal's policies (two of them may both have a `statement #0`):
 * the rules that judge identity statements (InvalidAction, IneffectiveStatement, IdentityResourceWildcard) name them
 * alike, so one acknowledgement id means the same statement for each. Pure.
 */
import { StatementRef } from './statements';
import { PrincipalModel } from '../../app-model/app-model';
import { Finding, Severity, findingId } from '../finding';

/** The finding ids already given on each principal, by one rule's run. */
export type TakenIds = Map<PrincipalModel, Set<string>>;

export interface IdentityStatement {
  readonly principal: PrincipalModel;
  /** How the model names the policy: `policy Stack/LogicalId`, `managed policy ...`. */
  readonly source: string;
  /** The policy's index among the principal's identity policies. */
  readonly index: number;
  readonly ref: StatementRef;
}

/** The finding, its id made unique on the principal; `message` gets the id (for the acknowledgement it names). */
export function identityFinding(
  ruleId: string, severity: Severity, at: IdentityStatement, field: string, taken: TakenIds, message: (id: string) => string,
): Finding {
  const { principal: p, source, index, ref } = at;
  let ids = taken.get(p);
  if (!ids) taken.set(p, ids = new Set());
  let id = findingId('Statement', ref.idPart);
  if (ids.has(id)) id = findingId('Statement', `${ref.idPart} of identity policy ${index}`);
  ids.add(id);
  return { ruleId, findingId: id, severity, location: principalLocation(p, source, ref.label, field), message: message(id) };
}

/** A finding's location on a principal of the app, in one of its identity policies. */
export function principalLocation(p: PrincipalModel, policy: string, statement: string, field: string): Finding['location'] {
  return {
    stackName: p.stackName,
    logicalId: p.logicalId,
    ...(p.constructPath !== undefined ? { constructPath: p.constructPath } : {}),
    policy,
    statement,
    field,
  };
}
