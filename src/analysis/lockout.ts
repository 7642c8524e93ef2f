/**
 * Check `lockout`: the key policy must let the role that deploys it call PutKeyPolicy afterwards, or KMS rejects the
 * CreateKey (first deployment) and every PutKeyPolicy (updates) CloudFormation makes with it
 * (kms-semantics.md §9; cdk-ecosystem.md §8, "Who calls CreateKey"). Pure.
 */
import {
  ADMINISTRATOR_STAND_IN, ReadinessFinding, deployerSession, describeLocation, findingAt, firstError, keyScenario, deployerOrganization, stackOf,
} from './readiness-finding';
import { AppModel, KmsKeyModel } from '../app-model/app-model';
import { readPolicy } from '../app-model/policy-readings';
import { containsUnresolved, findPlaceholders } from '../app-model/unresolved';
import { CompiledScenario, EvaluationResult, KmsAccessEvaluator } from '../evaluator/kms-access-evaluator';
import { sessionRoleArn } from '../policy/principal';

export const LOCKOUT = 'lockout';

/** CloudFormation creates the key with CreateKey and replaces its policy with PutKeyPolicy on updates. */
const WRITES = ['kms:CreateKey', 'kms:PutKeyPolicy'] as const;

export function checkLockout(model: AppModel): ReadinessFinding[] {
  const findings: ReadinessFinding[] = [];
  for (const key of model.keys) {
    // No KeyPolicy in the template: CloudFormation sends none, KMS applies its default policy, and the lockout safety
    // check only judges a policy the caller sends (key-policy-default.md).
    if (key.defaultPolicy) continue;
    // BypassPolicyLockoutSafetyCheck: true is the CreateKey and PutKeyPolicy parameter that skips the check (the
    // AWS::KMS::Key property of that name; conditions-kms.md, kms:BypassPolicyLockoutSafetyCheck): the key deploys
    // whatever its policy says. KmsGuard-BypassLockoutCheck reports the bypass itself.
    if (key.bypassPolicyLockoutSafetyCheck === true) continue;
    const stack = stackOf(model, key);
    if (stack?.deployerArn === undefined) {
      findings.push(findingAt(key, LOCKOUT, 'warning',
        `the deployer of stack ${key.stackName} is unknown (the cloud assembly names no cloudFormationExecutionRoleArn: CloudFormation deploys with the CLI's own credentials), so whether ${describeLocation(key)}'s key policy passes the lockout safety check could not be checked; synthesize with the DefaultStackSynthesizer, or make sure the credentials you deploy with are named in the key policy with kms:PutKeyPolicy`));
      continue;
    }
    const session = deployerSession(stack.deployerArn);
    if (session === undefined) {
      findings.push(findingAt(key, LOCKOUT, 'warning',
        `the deployer of stack ${key.stackName}, \`${stack.deployerArn}\`, is not an IAM role or user ARN, so the lockout safety check of ${describeLocation(key)} could not be checked`));
      continue;
    }
    const finding = lockoutFinding(key, stack.deployerArn, session);
    if (finding) findings.push(finding);
  }
  return findings;
}

function lockoutFinding(key: KmsKeyModel, deployerArn: string, session: string): ReadinessFinding | undefined {
  // The deployer's own IAM policies are not part of the app (the bootstrap stack owns them), so the check must pass
  // from the key policy alone: no identity policies. A policy that only delegates to the account passes in AWS only
  // if those unseen policies allow kms:PutKeyPolicy; the message says so, but the check does not rely on it.
  // Each scenario is compiled once for the actions asked of it (CreateKey and PutKeyPolicy).
  const compiled = new Map<unknown[], CompiledScenario>();
  const decide = (action: string, identityPolicies: unknown[]): EvaluationResult => {
    let scenario = compiled.get(identityPolicies);
    if (!scenario) {
      scenario = KmsAccessEvaluator.compile({
        key: keyScenario(key),
        caller: { arn: session, ...sessionRoleArn(deployerArn), identityPolicies, ...deployerOrganization(key.policy) },
      });
      compiled.set(identityPolicies, scenario);
    }
    return scenario.evaluate({ action, newKeyPolicy: key.policy });
  };
  const NO_POLICIES: unknown[] = [];
  const failed: string[] = [];
  for (const action of WRITES) {
    const result = decide(action, NO_POLICIES);
    if (result.errors.length > 0) {
      return findingAt(key, LOCKOUT, 'warning',
        `the key policy of ${describeLocation(key)} could not be evaluated for the lockout safety check: ${firstError(result.errors)}; fix the policy or the value that could not be resolved`);
    }
    // A replica is created by ReplicateKey, whose Policy parameter gets the same safety check as CreateKey's.
    if (result.lockoutSafetyCheck === 'failed') failed.push(action === 'kms:CreateKey' && key.type === 'AWS::KMS::ReplicaKey' ? 'kms:ReplicateKey' : action);
  }
  if (failed.length === 0) return undefined;
  if (key.bypassPolicyLockoutSafetyCheck === undefined) {
    // The bypass is unknown offline (a parameter): true at deploy time skips the check, false keeps it. Cannot verify,
    // never an error that may be false (docs/decisions.md, "Unknown values never make a false error").
    return findingAt(key, LOCKOUT, 'warning',
      `the key policy of ${describeLocation(key)} does not allow the role that deploys stack ${key.stackName}, \`${deployerArn}\`, to call kms:PutKeyPolicy, so KMS rejects ${failed.join(' and ')} with it (lockout safety check) unless the key's BypassPolicyLockoutSafetyCheck, which is unknown offline, is true at deploy time. `
      + 'Expected: a key-policy statement whose Principal names that role and allows it kms:PutKeyPolicy, and BypassPolicyLockoutSafetyCheck false or absent.');
  }
  if (containsUnresolved(key.policy)) {
    // Values unknown offline (a parameter for the organization id, say) decide: the strict reading above lets them
    // match nothing. When the permissive reading (each unknown condition dropped, each unknown principal widened)
    // passes, the outcome depends on the deploy-time values: "cannot verify", never an error that may be false.
    const permissive = readPolicy(key.policy, 'permissive', true);
    const passes = WRITES.every((action) => {
      const result = KmsAccessEvaluator.evaluate({
        key: { ...keyScenario(key), policy: permissive },
        caller: { arn: session, ...sessionRoleArn(deployerArn), identityPolicies: [], ...deployerOrganization(key.policy) },
        request: { action, newKeyPolicy: permissive },
      });
      return result.errors.length === 0 && result.lockoutSafetyCheck !== 'failed';
    });
    if (passes) {
      return findingAt(key, LOCKOUT, 'warning',
        `whether the key policy of ${describeLocation(key)} lets the role that deploys stack ${key.stackName}, \`${deployerArn}\`, call kms:PutKeyPolicy depends on values unknown offline (${findPlaceholders(key.policy).join(', ')}): with values that match nothing KMS would reject ${failed.join(' and ')} (lockout safety check), with values that match the deployer it would not. `
        + 'Expected: a key-policy statement that names that role for kms:PutKeyPolicy whatever those values are (for an organization condition: a deployer inside the organization, or a Deny that exempts it).');
    }
  }
  const throughIam = decide('kms:PutKeyPolicy', [ADMINISTRATOR_STAND_IN]).lockoutSafetyCheck === 'passed';
  const unknown = containsUnresolved(key.policy) ? ' The policy holds values that are unknown offline, which this result treats as matching nothing.' : '';
  // Through the account delegation, the outcome rests on the deployer's IAM policies, which are not in the app: with
  // the default bootstrap (AdministratorAccess) the key deploys, with a narrowed execution policy it may not. Unknown,
  // so a warning, never a pass.
  return findingAt(key, LOCKOUT, throughIam ? 'warning' : 'error',
    `the key policy of ${describeLocation(key)} does not allow the role that deploys stack ${key.stackName}, \`${deployerArn}\`, to call kms:PutKeyPolicy, so KMS rejects ${failed.join(' and ')} with it (lockout safety check, MalformedPolicyDocumentException). `
    + (throughIam
      ? 'It would pass only through the key policy\'s delegation to the account, if the deployer\'s own IAM policies allow kms:PutKeyPolicy (the default bootstrap role has AdministratorAccess), and those policies are not part of the app. '
      : '')
    + `Expected: a key-policy statement whose Principal names that role and allows it kms:PutKeyPolicy (with the other actions CloudFormation needs to manage the key).${unknown}`);
}

