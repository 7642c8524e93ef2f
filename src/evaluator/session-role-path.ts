/**
 * The path of a session's role. aws:PrincipalArn of an assumed-role session is the ARN of its role
 * (IAM UG, reference_policies_condition-keys.html#condition-keys-principalarn: "For IAM roles, the request context
 * returns the ARN of the role, not the ARN of the user that assumed the role"), and a role's ARN holds its path
 * (`role/app/team/NAME`), which the session ARN (`assumed-role/NAME/SESSION`) does not carry.
 *
 * The evaluator takes the path as `/` (most roles have no other) unless the scenario gives `caller.roleArn`. When a
 * policy of the scenario compares aws:PrincipalArn with a role of the session's account and name under another path
 * (`arn:aws:iam::111122223333:role/app/team/NAME`, or a pattern that may name it under some path, `role/app/*`), that
 * assumption decides the request: a Deny meant for the role would be escaped, an Allow refused. Neither is a safe
 * guess, so the evaluation is an error that asks for `caller.roleArn` (a decision never rests on the unknown path).
 */
import { CompiledPolicy } from './compiled-policy';
import { Environment } from './scenario';
import { Issue } from '../policy/issues';
import { matchesWildcard } from '../policy/wildcard';

export const SessionRolePathCodes = {
  /** Error: a policy compares aws:PrincipalArn with the session's role under a path the session ARN does not tell. */
  UNKNOWN_ROLE_PATH: 'unknown-role-path',
} as const;

/** The error for a session whose role path decides the request, or undefined. */
export function sessionRolePathIssue(env: Environment): Issue | undefined {
  const caller = env.caller.identity;
  if (caller.kind !== 'assumed-role' || env.caller.roleArn !== undefined || caller.account === undefined || caller.name === undefined) return undefined;
  const policies: Array<CompiledPolicy | undefined> = [
    env.key?.policy, ...env.caller.identityPolicies, env.caller.permissionsBoundary, env.caller.sessionPolicy,
    ...env.scps, ...env.rcps, env.endpoint?.policy,
  ];
  for (const policy of policies) {
    if (!policy) continue;
    for (const s of policy.statements) {
      for (const c of s.conditions) {
        if (c.key.toLowerCase() !== 'aws:principalarn') continue;
        const named = c.values.find((v) => namesRoleUnderPath(v, caller.account!, caller.name!));
        if (named === undefined) continue;
        return {
          code: SessionRolePathCodes.UNKNOWN_ROLE_PATH,
          severity: 'error',
          message: `${s.source.label} of the ${policy.label} compares aws:PrincipalArn with \`${named}\`, the caller's role ${caller.name} under a path; `
            + 'a session ARN does not carry its role\'s path, and aws:PrincipalArn of the session is the role\'s ARN with it, so whether the condition holds is unknown. '
            + `Give caller.roleArn, the role's ARN with its path (arn:${caller.partition}:iam::${caller.account}:role/PATH/${caller.name}), or give the role's ARN as caller.arn`,
          policy: policy.label,
          statement: s.source.label,
          field: 'Condition',
        };
      }
    }
  }
  return undefined;
}

/**
 * Whether a condition value may name the session's role under a path: an IAM role ARN of the session's account (or
 * any, `*`) whose resource is `role/<one or more path segments>/<last>`, where `<last>` is the role's name or a
 * pattern matching it (names compared without regard to case, as IAM names are unique so). Other patterns
 * (`role/*`) are decided with the path `/`: the synth-time checks always give the role's ARN (caller.roleArn), so
 * this assumption only meets hand-written scenarios, and the README says to give caller.roleArn there.
 */
function namesRoleUnderPath(value: string, account: string, name: string): boolean {
  const m = /^arn:[^:]*:iam::([^:]*):role\/(.+)\/([^/]+)$/.exec(value);
  return m !== null && matchesWildcard(m[1], account) && matchesWildcard(m[3].toLowerCase(), name.toLowerCase());
}
