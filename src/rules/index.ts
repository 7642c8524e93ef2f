/**
 * The rule registry: every rule, in the order reports list them (deploy readiness first, then access), and the one
 * function every surface calls. Pure.
 */
import { Finding } from './finding';
import { AccountWideDelegation } from './KmsGuard-AccountWideDelegation';
import { AdminCanUseKey } from './KmsGuard-AdminCanUseKey';
import { BypassLockoutCheck } from './KmsGuard-BypassLockoutCheck';
import { CreateGrantUnrestricted } from './KmsGuard-CreateGrantUnrestricted';
import { CrossAccountWithoutNarrowing } from './KmsGuard-CrossAccountWithoutNarrowing';
import { DeployerCannotCreate } from './KmsGuard-DeployerCannotCreate';
import { DuplicatePrivateDnsEndpoint } from './KmsGuard-DuplicatePrivateDnsEndpoint';
import { EndpointDenyBreaksServices } from './KmsGuard-EndpointDenyBreaksServices';
import { IdentityResourceWildcard } from './KmsGuard-IdentityResourceWildcard';
import { IneffectiveStatement } from './KmsGuard-IneffectiveStatement';
import { IntentDrift } from './KmsGuard-IntentDrift';
import { InvalidAction } from './KmsGuard-InvalidAction';
import { InvalidPrincipal } from './KmsGuard-InvalidPrincipal';
import { KeyPolicyLockout } from './KmsGuard-KeyPolicyLockout';
import { KeyPolicyTooLarge } from './KmsGuard-KeyPolicyTooLarge';
import { MalformedKeyPolicy } from './KmsGuard-MalformedKeyPolicy';
import { PrincipalNotYetDeployed } from './KmsGuard-PrincipalNotYetDeployed';
import { PublicKeyAccess } from './KmsGuard-PublicKeyAccess';
import { RotationDisabled } from './KmsGuard-RotationDisabled';
import { ServiceWithoutAccess } from './KmsGuard-ServiceWithoutAccess';
import { ServiceWithoutGuard } from './KmsGuard-ServiceWithoutGuard';
import { UserCanAdministerKey } from './KmsGuard-UserCanAdministerKey';
import { Rule } from './rule';
import { AppModel } from '../app-model/app-model';

export type { Finding, FindingLocation, Severity } from './finding';
export type { Rule, RuleInfo } from './rule';
export { acknowledgementId, findingId, formatFinding } from './finding';

export const ALL_RULES: readonly Rule[] = [
  KeyPolicyLockout,
  BypassLockoutCheck,
  DeployerCannotCreate,
  PrincipalNotYetDeployed,
  InvalidPrincipal,
  MalformedKeyPolicy,
  ServiceWithoutAccess,
  ServiceWithoutGuard,
  KeyPolicyTooLarge,
  DuplicatePrivateDnsEndpoint,
  PublicKeyAccess,
  AdminCanUseKey,
  UserCanAdministerKey,
  CrossAccountWithoutNarrowing,
  AccountWideDelegation,
  CreateGrantUnrestricted,
  EndpointDenyBreaksServices,
  IdentityResourceWildcard,
  IneffectiveStatement,
  InvalidAction,
  IntentDrift,
  RotationDisabled,
];

/** The rule with this id. */
export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}

/**
 * Runs the rules over a model. A rule that throws (a bug: rules never throw on content) becomes one error finding
 * saying so, never a silent pass.
 */
export function runRules(model: AppModel, rules: readonly Rule[] = ALL_RULES): Finding[] {
  return rules.flatMap((rule) => {
    try {
      return rule.check(model);
    } catch (e) {
      const stack = model.stacks[0];
      return [{
        ruleId: rule.id,
        findingId: 'Rule::failed',
        severity: 'error' as const,
        location: { stackName: stack?.stackName ?? '', logicalId: '' },
        message: `the rule failed on this app (${(e as Error)?.message ?? String(e)}): please report it; the app was not checked by this rule`,
      }];
    }
  });
}
