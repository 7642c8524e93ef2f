/**
 * Key-policy statements for the app's resources encrypted with a key, from the service-integration data
 * (src/policy/service-integrations.ts). Pure: values may be CDK token strings.
 *
 * - The deployer (CloudFormation's execution role) creates those resources; their service calls KMS on its behalf, so
 *   the deployer gets exactly the integration's `deployerActions`, only through that service (`kms:ViaService`), and
 *   CreateGrant only for AWS resources (`kms:GrantIsForAWSResource`, conditions-kms.md).
 * - Services that use the key as themselves (CloudWatch Logs, CloudTrail) get their actions, guarded against confused
 *   deputies by the condition their documentation gives (the service's encryption-context key, `aws:SourceArn`).
 */
import { ConditionJson, StatementJson } from './policy-json';
import { CONFUSED_DEPUTY_CONDITION_KEYS, ServiceIntegration, renderGuard } from '../policy/service-integrations';

export const GRANT_IS_FOR_AWS_RESOURCE: ConditionJson = { Bool: { 'kms:GrantIsForAWSResource': 'true' } };

export interface KeyEnvironment {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** A statement and the Sid prefix under which the key-policy composer files it. */
export interface PrefixedStatement {
  readonly sid: string;
  readonly statement: StatementJson;
}

export function serviceIntegrationStatements(
  deployerArn: string, integrations: readonly ServiceIntegration[], env: KeyEnvironment,
): PrefixedStatement[] {
  const viaService = (service: string): string => `${service}.${env.region}.amazonaws.com`;
  const out: PrefixedStatement[] = [];
  // Services whose creation needs the same actions share one statement (a list of kms:ViaService values).
  const byActions = new Map<string, { actions: string[]; services: string[] }>();
  const grantVia: string[] = [];
  for (const i of integrations) {
    if (i.deployerActions.includes('kms:CreateGrant')) grantVia.push(viaService(i.service));
    const actions = i.deployerActions.filter((a) => a !== 'kms:CreateGrant');
    if (actions.length === 0) continue;
    const key = JSON.stringify(actions);
    const entry = byActions.get(key) ?? { actions, services: [] };
    entry.services.push(viaService(i.service));
    byActions.set(key, entry);
  }
  for (const { actions, services } of byActions.values()) {
    out.push({
      sid: 'DeployerCreatesEncryptedResources',
      statement: { Effect: 'Allow', Principal: { AWS: deployerArn }, Action: actions, Resource: '*', Condition: { StringEquals: { 'kms:ViaService': one(services) } } },
    });
  }
  if (grantVia.length > 0) {
    out.push({
      sid: 'DeployerCreatesGrantsForResources',
      statement: {
        Effect: 'Allow',
        Principal: { AWS: deployerArn },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': one(grantVia) }, ...GRANT_IS_FOR_AWS_RESOURCE },
      },
    });
  }
  for (const i of integrations) {
    if (!i.servicePrincipal) continue;
    out.push({
      sid: 'ServiceUsesKey',
      statement: {
        Effect: 'Allow',
        Principal: { Service: i.servicePrincipal.principal.split('{region}').join(env.region) },
        Action: [...i.servicePrincipal.actions],
        Resource: '*',
        Condition: renderGuard(i.servicePrincipal.guard, env),
      },
    });
  }
  return out;
}

/**
 * The confused-deputy guard for a service principal given the key: the one its documentation gives when the service is
 * a known integration, or `aws:SourceAccount` = the key's account (IAM UG, "The confused deputy problem").
 */
export function serviceGuard(servicePrincipal: string, integrations: readonly ServiceIntegration[], env: KeyEnvironment): ConditionJson {
  const known = integrations.find((i) => i.servicePrincipal && principalMatches(i.servicePrincipal.principal, servicePrincipal));
  return known?.servicePrincipal ? renderGuard(known.servicePrincipal.guard, env) : { StringEquals: { 'aws:SourceAccount': env.account } };
}

/** Whether conditions already keep a service principal to one account's or one resource's requests. */
export function hasConfusedDeputyGuard(conditions: ConditionJson | undefined): boolean {
  return Object.values(conditions ?? {}).some((block) => Object.keys(block).some((k) => CONFUSED_DEPUTY_CONDITION_KEYS.test(k)));
}

/** `logs.{region}.amazonaws.com` against `logs.us-east-1.amazonaws.com`. */
function principalMatches(pattern: string, service: string): boolean {
  const [prefix, suffix] = pattern.split('{region}');
  if (suffix === undefined) return pattern === service;
  return service.startsWith(prefix) && service.endsWith(suffix) && service.length > prefix.length + suffix.length;
}

function one(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}
