/**
 * What a deploy-readiness check reports, and the small pieces every check shares: where a finding is, which stack a
 * resource belongs to, and how CloudFormation's deploying role appears to KMS. Pure.
 */
import { evaluatorKey } from './evaluator-key';
import { AppModel, KmsKeyModel, ResourceLocation, StackInfo } from '../app-model/app-model';

/** One thing that would make a deployment fail (error) or that could not be checked (warning). */
export interface ReadinessFinding {
  /** Stable id of the check, e.g. `lockout`, `deployer-cannot-create`. */
  readonly check: string;
  readonly severity: 'error' | 'warning';
  readonly stackName: string;
  readonly logicalId: string;
  /** The construct path, when the template or the cloud assembly gives it. */
  readonly constructPath?: string;
  /** What is wrong, the value, what was expected and how to fix it. */
  readonly message: string;
  /** The policy statement the finding is about (`Sid "X"`, `statement #2`), for a check that knows it. */
  readonly statement?: string;
  /** The element of that statement (`Effect`, `Principal.AWS`, `Condition.StringEquals.kms:ViaService`). */
  readonly field?: string;
  /** The key the finding is about, for a check about a resource that may name several keys. */
  readonly keyArn?: string;
}

export function findingAt(at: ResourceLocation, check: string, severity: 'error' | 'warning', message: string): ReadinessFinding {
  return {
    check,
    severity,
    stackName: at.stackName,
    logicalId: at.logicalId,
    ...(at.constructPath !== undefined ? { constructPath: at.constructPath } : {}),
    message,
  };
}

/** The stack a resource is declared in (stack names repeat across accounts and Regions, e.g. in stages). */
export function stackOf(model: AppModel, at: ResourceLocation): StackInfo | undefined {
  return model.stacks.find((s) => s.stackName === at.stackName && s.account === at.account && s.region === at.region);
}

/** `Stack/Construct/Path` or `Stack/LogicalId`, for messages. */
export function describeLocation(at: ResourceLocation): string {
  return at.constructPath ?? `${at.stackName}/${at.logicalId}`;
}

/**
 * The session KMS sees when CloudFormation acts with a service role: CloudFormation assumes the role with the session
 * name `AWSCloudFormation`. A user ARN (or an ARN already naming a session) is the caller itself. Undefined when the
 * text is not an IAM role or user ARN.
 */
export function deployerSession(deployerArn: string): string | undefined {
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(deployerArn);
  if (role) return `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/AWSCloudFormation`;
  if (/^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?[^/]+$/.test(deployerArn)) return deployerArn;
  if (/^arn:[^:]+:sts::\d{12}:assumed-role\/[^/]+\/[^/]+$/.test(deployerArn)) return deployerArn;
  return undefined;
}

/** The account of an IAM or STS ARN. */
export function accountOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
}

/** The key as the evaluator's scenario describes it. */
export function keyScenario(key: KmsKeyModel): Record<string, unknown> {
  return evaluatorKey(key, { policy: key.policy });
}

/**
 * A stand-in for the deploying role's own IAM policies, which are not part of the app. The CDK bootstrap's
 * cfn-exec-role has AdministratorAccess by default: used only to tell, in a message, whether a request that the key
 * policy alone does not allow would pass through the key policy's delegation to the account.
 */
export const ADMINISTRATOR_STAND_IN = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'StandInForAdministratorAccess', Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
};

/** The first error of an evaluation, with where it is, for "could not be checked" messages. */
export function firstError(errors: ReadonlyArray<{ message: string; policy?: string; statement?: string; field?: string }>): string {
  const e = errors[0];
  if (!e) return 'the evaluator could not read the scenario';
  const where = [e.policy, e.statement, e.field].filter((x) => x !== undefined).join(', ');
  return `${e.message}${where ? ` (${where})` : ''}`;
}

/**
 * The organization the deploying account is taken to belong to: the one the key policy itself names in
 * `aws:PrincipalOrgID` (when it names exactly one). The app cannot tell an account's organization offline; the account
 * that deploys a key with an organization boundary is, in every sane setup, inside it, and treating it as outside
 * would report every such key as undeployable (kms-guard's principals of the app are members of the key's
 * organization, as in the access report).
 */
export function deployerOrganization(policy: unknown): { orgId?: string } {
  const ids = new Set<string>();
  const visit = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) visit(x, k);
    else if (typeof v === 'string' && key !== undefined && key.toLowerCase() === 'aws:principalorgid' && /^o-[a-z0-9]{10,32}$/.test(v)) ids.add(v);
  };
  visit(policy);
  return ids.size === 1 ? { orgId: [...ids][0] } : {};
}
