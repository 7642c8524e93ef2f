/**
 * Organization boundaries. The app cannot know offline which organization an account belongs to, yet a key whose
 * policy requires `aws:PrincipalOrgID` (a GuardedKmsKey with `organizationId`, a CrossAccountKeyShare) decides every
 * request on it. The one assumption, made here and only here: **every account the app deploys to is a member of the
 * organization the key's policies name**, and every other account is not. So principals of the app, the deploying
 * role, the account root and the representative "principal of another account of the organization" are evaluated as
 * members; "anyone" and principals of accounts outside the app as non-members. Reports say so next to the key. The same
 * idea as readiness-finding.ts `deployerOrganization` (which the deploy-readiness checks use for the deployer), for
 * every subject. Pure.
 */
import { isRecord } from './statements';

const ORG_ID = /^o-[a-z0-9]{10,32}$/;

/** The organization ids that `aws:PrincipalOrgID` conditions of the documents compare with, in order of appearance. */
export function organizationsNamed(documents: readonly unknown[]): string[] {
  const ids: string[] = [];
  const visit = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (isRecord(v)) for (const [k, x] of Object.entries(v)) visit(x, k);
    else if (typeof v === 'string' && key !== undefined && key.toLowerCase() === 'aws:principalorgid' && ORG_ID.test(v) && !ids.includes(v)) ids.push(v);
  };
  for (const d of documents) visit(d);
  return ids;
}

/** The sentence a report shows next to a key whose policies name an organization. */
export function organizationAssumption(orgId: string, appAccounts: readonly string[]): string {
  return `principals of the app's accounts (${appAccounts.join(', ')}) are evaluated as members of organization ${orgId}, the one the key's policies name; principals of other accounts as non-members (the app cannot know an account's organization offline)`;
}
