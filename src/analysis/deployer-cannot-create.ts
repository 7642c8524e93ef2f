/**
 * Check `deployer-cannot-create`: CloudFormation creates CMK-encrypted DynamoDB tables, RDS databases, EBS volumes,
 * Lambda functions and Secrets Manager secrets with the deploying role's permissions on the key, through the service
 * (service-integrations.ts `deployerActions`; cdk-ecosystem.md §8, "Services as the deploying role"). The key policy
 * must allow each of those calls, or the resource fails to create. Pure.
 */
import {
  ADMINISTRATOR_STAND_IN, ReadinessFinding, accountOfArn, deployerOrganization, deployerSession,
  describeLocation, findingAt, firstError, keyScenario, stackOf,
} from './readiness-finding';
import { SERVICE_GRANT_OPERATIONS, mayRestOnUnknownName, serviceEncryptionContext, unknownNameNote, viaServiceOf } from './service-requests';
import { AppModel, EncryptedResourceModel, KmsKeyModel } from '../app-model/app-model';
import { EvaluationResult, KmsAccessEvaluator } from '../evaluator/kms-access-evaluator';
import { sessionRoleArn } from '../policy/principal';

export const DEPLOYER_CANNOT_CREATE = 'deployer-cannot-create';

export function checkDeployerCanCreate(model: AppModel): ReadinessFinding[] {
  const findings: ReadinessFinding[] = [];
  for (const resource of model.encryptedResources) {
    const needs = resource.integration.deployerActions;
    const key = model.keys.find((k) => k.arn === resource.keyArn);
    if (needs.length === 0 || !key) continue;
    const at = resource.location;
    const deployerArn = stackOf(model, at)?.deployerArn;
    const session = deployerArn === undefined ? undefined : deployerSession(deployerArn);
    if (deployerArn === undefined || session === undefined) {
      findings.push(aboutKey(key, findingAt(at, DEPLOYER_CANNOT_CREATE, 'warning',
        `the deployer of stack ${at.stackName} is ${deployerArn === undefined ? 'unknown (no cloudFormationExecutionRoleArn in the cloud assembly: the CLI\'s own credentials)' : `\`${deployerArn}\`, not an IAM role or user ARN`}, so whether it may call ${needs.join(', ')} on ${describeLocation(key)} through ${resource.integration.service} to create this ${resource.resourceType} could not be checked`)));
      continue;
    }
    const finding = checkResource(resource, key, deployerArn, session);
    if (finding) findings.push(finding);
  }
  return findings;
}

function checkResource(resource: EncryptedResourceModel, key: KmsKeyModel, deployerArn: string, session: string): ReadinessFinding | undefined {
  const at = resource.location;
  const via = viaServiceOf(resource.integration.service, key.region);
  // Same account: the key policy alone must allow it, as for the lockout check (the bootstrap role's own policies are
  // not part of the app). Another account's deployer also needs its own IAM allow, which cannot be seen here: it is
  // assumed, so that the finding is about what the key policy decides.
  const crossAccount = accountOfArn(deployerArn) !== key.account;
  const decide = (action: string, identityPolicies: unknown[]): EvaluationResult => KmsAccessEvaluator.evaluate({
    key: keyScenario(key),
    caller: { arn: session, ...sessionRoleArn(deployerArn), identityPolicies, ...deployerOrganization(key.policy) },
    request: requestFor(resource, action, via),
  });
  const denied: Array<{ action: string; result: EvaluationResult }> = [];
  for (const action of resource.integration.deployerActions) {
    const result = decide(action, crossAccount ? [ADMINISTRATOR_STAND_IN] : []);
    if (result.errors.length > 0) {
      return aboutKey(key, findingAt(at, DEPLOYER_CANNOT_CREATE, 'warning',
        `whether the deployer may call ${action} on ${describeLocation(key)} to create this ${resource.resourceType} could not be evaluated: ${firstError(result.errors)}`));
    }
    if (result.decision !== 'allow') denied.push({ action, result });
  }
  if (denied.length === 0) return undefined;
  const throughIam = !crossAccount && denied.every(({ action }) => decide(action, [ADMINISTRATOR_STAND_IN]).decision === 'allow');
  const actions = denied.map((d) => d.action);
  const grant = actions.includes('kms:CreateGrant') ? ' (kms:CreateGrant with "Bool": {"kms:GrantIsForAWSResource": "true"})' : '';
  // Through the account delegation the outcome rests on the deployer's IAM policies, unknown offline: a warning; so it
  // is when it may rest on the resource's name, unknown offline too.
  const nameDecides = mayRestOnUnknownName(resource, key.policy);
  return aboutKey(key, findingAt(at, DEPLOYER_CANNOT_CREATE, throughIam || nameDecides ? 'warning' : 'error',
    `CloudFormation creates this ${resource.resourceType} as \`${deployerArn}\`, on whose behalf ${resource.integration.service} calls ${actions.join(', ')} on the key ${describeLocation(key)} (${key.arn}) with kms:ViaService ${via}, but the key policy does not allow ${denied.length === 1 ? 'it' : 'them'}: ${denied[0].result.explanation}. `
    + (throughIam
      ? 'It would pass only through the key policy\'s delegation to the account, if the deployer\'s own IAM policies allow it (the default bootstrap role has AdministratorAccess), and those policies are not part of the app. '
      : '')
    + (nameDecides ? unknownNameNote(resource) : '')
    + `Expected: a key-policy statement naming that role, allowing ${actions.join(', ')}${grant} under "StringEquals": {"kms:ViaService": "${via}"}.`
    + (crossAccount ? ' (The deployer is in another account: its own IAM policies must allow these actions too; they are assumed to.)' : '')));
}

/** The finding with the key it is about: a resource may name several keys of the app, one finding each. */
function aboutKey(key: KmsKeyModel, finding: ReadinessFinding): ReadinessFinding {
  return { ...finding, keyArn: key.arn };
}

/** The request the service makes as the caller: through the service, with the service's encryption context. */
function requestFor(resource: EncryptedResourceModel, action: string, via: string): Record<string, unknown> {
  const encryptionContext = serviceEncryptionContext(resource, resource.location.account);
  if (action === 'kms:CreateGrant') {
    // The service creates its grant for its own principal in the key's Region, constrained to its context
    // (services-dynamodb.md's grants, EBS). kms:GrantIsForAWSResource is derived as true from kms:ViaService.
    const grantee = via;
    return {
      action,
      createGrant: {
        granteePrincipal: grantee,
        retiringPrincipal: grantee,
        operations: SERVICE_GRANT_OPERATIONS,
        constraints: { encryptionContextSubset: encryptionContext },
      },
      context: { 'kms:ViaService': via },
    };
  }
  return { action, encryptionContext, context: { 'kms:ViaService': via } };
}

