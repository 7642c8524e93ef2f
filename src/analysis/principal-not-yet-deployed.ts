/**
 * Check `principal-not-yet-deployed`: KMS rejects a key policy whose principals do not exist or are not visible to it
 * (kms-semantics.md §9; cdk-ecosystem.md §8, "Principals must exist"). Every principal a key policy names must exist
 * when the key's stack deploys:
 * - a role or user of the same stack: CloudFormation creates it first, because the policy refers to it;
 * - a role or user of another stack of the app: that stack must be deployed first, i.e. be a dependency of the key's
 *   stack (transitively, from the manifest's `dependencies`);
 * - an account (root): always exists;
 * - a literal ARN the app does not define: assumed to exist (it is managed outside the app), not reported.
 * Also `principal-invalid`: a value IAM rejects. Pure.
 */
import { ReadinessFinding, describeLocation, findingAt, stackOf } from './readiness-finding';
import { AppModel, KeyPolicyPrincipal, StackInfo } from '../app-model/app-model';

export const PRINCIPAL_NOT_YET_DEPLOYED = 'principal-not-yet-deployed';
export const PRINCIPAL_INVALID = 'principal-invalid';

export function checkPrincipalsDeployed(model: AppModel): ReadinessFinding[] {
  const findings: ReadinessFinding[] = [];
  const byArtifact = new Map(model.stacks.filter((s) => s.artifactId !== undefined).map((s) => [s.artifactId!, s]));
  for (const key of model.keys) {
    const keyStack = stackOf(model, key);
    for (const [arn, named] of groupByArn(key.policyPrincipals)) {
      const first = named[0];
      const statements = named.map((p) => p.statement).join(', ');
      if (first.origin === 'unresolved') {
        findings.push(findingAt(key, PRINCIPAL_NOT_YET_DEPLOYED, 'warning',
          `the key policy of ${describeLocation(key)} names a principal that cannot be resolved offline, \`${arn}\` (${statements}), so whether it exists when stack ${key.stackName} deploys could not be checked`));
      } else if (first.origin === 'invalid') {
        findings.push(findingAt(key, PRINCIPAL_INVALID, 'error',
          `the key policy of ${describeLocation(key)} names \`${arn}\` as an AWS principal (${statements}), which IAM rejects: expected a 12-digit account, an account root, or an IAM role, user or STS session ARN without wildcards; KMS rejects the policy (MalformedPolicyDocumentException)`));
      } else if (first.origin === 'app-principal' && keyStack && !sameStack(keyStack, first)) {
        const finding = crossStackFinding(model, byArtifact, keyStack, key, first, statements);
        if (finding) findings.push(finding);
      }
    }
  }
  return findings;
}

function crossStackFinding(
  model: AppModel, byArtifact: ReadonlyMap<string, StackInfo>, keyStack: StackInfo, key: AppModel['keys'][number], principal: KeyPolicyPrincipal, statements: string,
): ReadinessFinding | undefined {
  const principalStack = model.stacks.find((s) => sameStack(s, principal));
  const what = `\`${principal.arn}\`, a ${principal.arn.includes(':user/') ? 'user' : 'role'} of stack ${principal.stackName} (${principal.constructPath ?? principal.logicalId})`;
  if (!principalStack || keyStack.artifactId === undefined || principalStack.artifactId === undefined) {
    return findingAt(key, PRINCIPAL_NOT_YET_DEPLOYED, 'warning',
      `the key policy of ${describeLocation(key)} names ${what} (${statements}); the deploy order of the stacks is unknown (no cloud assembly manifest), so whether it exists when stack ${key.stackName} deploys could not be checked`);
  }
  if (dependenciesOf(keyStack, byArtifact).has(principalStack.artifactId)) return undefined;
  const reverse = dependenciesOf(principalStack, byArtifact).has(keyStack.artifactId);
  return findingAt(key, PRINCIPAL_NOT_YET_DEPLOYED, 'error',
    `the key policy of ${describeLocation(key)} names ${what} (${statements}), but stack ${key.stackName} does not depend on stack ${principal.stackName}, so the principal may not exist when KMS reads the policy, and KMS rejects a policy whose principals do not exist. `
    + (reverse
      ? `Stack ${principal.stackName} already depends on ${key.stackName}, so the dependency would be a cycle: name the principal through its account (the account principal with an aws:PrincipalArn condition, which KMS does not resolve when it reads the policy), or move the principal into stack ${key.stackName}.`
      : `Expected: ${key.stackName} deploys after ${principal.stackName}: add ${key.stackName}.addDependency(${principal.stackName}), or name the principal through its account with an aws:PrincipalArn condition.`));
}

/** The same principal named by several statements is reported once, listing the statements. */
function groupByArn(principals: readonly KeyPolicyPrincipal[]): Map<string, KeyPolicyPrincipal[]> {
  const groups = new Map<string, KeyPolicyPrincipal[]>();
  for (const p of principals) groups.set(p.arn, [...(groups.get(p.arn) ?? []), p]);
  return groups;
}

function sameStack(stack: StackInfo, p: KeyPolicyPrincipal): boolean {
  return stack.stackName === p.stackName && stack.account === p.account && (p.region === undefined || stack.region === p.region);
}

/** Every stack `stack` waits for, directly or through others, by artifact id. */
function dependenciesOf(stack: StackInfo, byArtifact: ReadonlyMap<string, StackInfo>): Set<string> {
  const seen = new Set<string>();
  const pending = [...(stack.dependencies ?? [])];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...(byArtifact.get(id)?.dependencies ?? []));
  }
  return seen;
}
