/**
 * Key-policy statements from declared intent. Pure: principals arrive as ARN strings (possibly CDK tokens) and the
 * result is plain policy JSON.
 *
 * Sources: key-policy-default.md (administrators, the account principal as delegation), conditions-kms.md
 * (kms:ViaService, kms:CallerAccount, kms:GrantIsForAWSResource, kms:EncryptionContext:*), kms-vpc-endpoint.md
 * (aws:SourceVpce), IAM UG aws:PrincipalOrgID / aws:PrincipalIsAWSService / aws:ViaAWSService.
 */
import { splitByEncryptionContext } from './capabilities';
import { ConditionJson, StatementJson, mergeConditionsOrThrow } from './policy-json';
import { PermissionSets } from '../policy/catalogue';

/** Key administrators: every management action, no cryptographic use, and always PutKeyPolicy (no lockout). */
export function administratorStatement(adminArns: readonly string[]): StatementJson {
  return { Sid: 'KeyAdministration', Effect: 'Allow', Principal: { AWS: [...adminArns] }, Action: [...PermissionSets.administer], Resource: '*' };
}

/**
 * Deletion protection: nobody but the break-glass principals may schedule deletion or disable the key. PutKeyPolicy is
 * deliberately not denied, so administrators can always lift the protection through a reviewed policy change.
 */
export function deletionProtectionStatement(breakGlassArns: readonly string[]): StatementJson {
  const statement: StatementJson = {
    Sid: 'DenyKeyDeletionExceptBreakGlass',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'],
    Resource: '*',
  };
  if (breakGlassArns.length > 0) statement.Condition = { ArnNotEquals: { 'aws:PrincipalArn': [...breakGlassArns] } };
  return statement;
}

/** Deny every principal outside the organization, except AWS services acting as themselves. */
export function organizationBoundaryStatement(organizationId: string): StatementJson {
  return {
    Sid: 'DenyPrincipalsOutsideOrganization',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: 'kms:*',
    Resource: '*',
    Condition: {
      StringNotEquals: { 'aws:PrincipalOrgID': organizationId },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    },
  };
}

/** How a usage statement reaches its principal. */
export type PrincipalTarget =
  /** Named in the Principal element (user, role, service, or an account when the user asked for delegation). */
  | { readonly kind: 'named'; readonly principal: Record<string, string | string[]> }
  /**
   * Delegated to the account, narrowed by a condition to exactly the intended principal(s), for principals the key's
   * stack cannot reference without a dependency cycle. The identity side must then grant the same actions.
   */
  | { readonly kind: 'delegated'; readonly account: string; readonly partition: string; readonly narrowing: ConditionJson };

export interface UsageIntent {
  /** Statement id prefix, unique within the key policy; `Ctx` is appended to the encryption-context half. */
  readonly sid: string;
  readonly target: PrincipalTarget;
  readonly actions: readonly string[];
  /** Conditions on every action (principal conditions, kms:ViaService, kms:CallerAccount, ...). */
  readonly conditions?: ConditionJson;
  /** Required encryption context, enforced on the actions that take one. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
}

/**
 * Usage statements: one for the actions that take an encryption context (with the required context as
 * `kms:EncryptionContext:<k>` conditions) and one for the rest, because a context condition on DescribeKey or
 * GetPublicKey can never be met (key-policy-services.md). Throws on contradictory conditions.
 */
export function usageStatements(intent: UsageIntent): StatementJson[] {
  const principal = intent.target.kind === 'named'
    ? intent.target.principal
    : { AWS: `arn:${intent.target.partition}:iam::${intent.target.account}:root` };
  const base = mergeConditionsOrThrow(intent.conditions, intent.target.kind === 'delegated' ? intent.target.narrowing : undefined);
  const context = encryptionContextConditions(intent.encryptionContext);
  const { withContext, withoutContext } = splitByEncryptionContext(intent.actions, context !== undefined);
  const statements: StatementJson[] = [];
  if (withContext.length > 0) statements.push(allowStatement(`${intent.sid}Ctx`, principal, withContext, mergeConditionsOrThrow(base, context)));
  if (withoutContext.length > 0) statements.push(allowStatement(intent.sid, principal, withoutContext, base));
  return statements;
}

/** `{ StringEquals: { 'kms:EncryptionContext:k': 'v' } }` for each required pair; undefined when none. */
export function encryptionContextConditions(context: Readonly<Record<string, string>> | undefined): ConditionJson | undefined {
  if (!context || Object.keys(context).length === 0) return undefined;
  const equals: Record<string, string> = {};
  for (const [k, v] of Object.entries(context)) equals[`kms:EncryptionContext:${k}`] = v;
  return { StringEquals: equals };
}

/** `kms:ViaService` values for service short names (`s3`) or full names (`s3.eu-west-1.amazonaws.com`). */
export function viaServiceCondition(services: readonly string[], region: string): ConditionJson | undefined {
  if (services.length === 0) return undefined;
  const names = services.map((s) => (s.includes('.') ? s : `${s}.${region}.amazonaws.com`));
  return { StringEquals: { 'kms:ViaService': names.length === 1 ? names[0] : names } };
}

type PrincipalJson = Record<string, string | string[]>;

function allowStatement(sid: string, principal: PrincipalJson, actions: readonly string[], conditions?: ConditionJson): StatementJson {
  const s: StatementJson = { Sid: sid, Effect: 'Allow', Principal: principal, Action: actions.length === 1 ? actions[0] : [...actions], Resource: '*' };
  if (conditions) s.Condition = conditions;
  return s;
}
