/**
 * The app's role or user of a given account and name, found through an index built once per principal list: the
 * model reader and the rules look up the principals that key policies and findings name, and a scan of every
 * principal per name made reading a large app quadratic. IAM names are unique without regard to case; the ARN's
 * path takes no part (as in the evaluator). Pure.
 */
import type { PrincipalModel } from './app-model';

type Lookup = (kind: 'role' | 'user', account: string, name: string) => PrincipalModel | undefined;

const lookups = new WeakMap<readonly PrincipalModel[], Lookup>();

/** The first principal of `principals` (in their order) of this kind, account and name, ignoring case. */
export function principalLookup(principals: readonly PrincipalModel[]): Lookup {
  let lookup = lookups.get(principals);
  if (!lookup) {
    const index = new Map<string, PrincipalModel>();
    for (const p of principals) {
      const id = idOf(p.kind, p.account, p.name);
      if (!index.has(id)) index.set(id, p);
    }
    lookup = (kind, account, name) => index.get(idOf(kind, account, name));
    lookups.set(principals, lookup);
  }
  return lookup;
}

function idOf(kind: string, account: string, name: string): string {
  return `${kind}:${account}/${name.toLowerCase()}`;
}
