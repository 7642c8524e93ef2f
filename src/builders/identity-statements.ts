/**
 * Identity-policy statements that mirror a key-policy grant: the same actions and conditions, scoped to the key. Pure.
 *
 * When the key's ARN cannot be named from the principal's stack (another account or Region: the key ID is only known
 * after deployment), the statement is scoped by the owner account and Region and narrowed to the key's alias with
 * kms:ResourceAliases, which works in IAM policies (abac.md, conditions-kms.md) and fails closed when the alias moves.
 */
import { splitByEncryptionContext } from './capabilities';
import { encryptionContextConditions } from './key-policy-statements';
import { ConditionJson, StatementJson, mergeConditionsOrThrow } from './policy-json';

/** How the identity side names the key. */
export type KeyReference =
  | { readonly kind: 'arn'; readonly keyArn: string }
  | { readonly kind: 'alias'; readonly partition: string; readonly region: string; readonly account: string; readonly aliasName: string };

export interface IdentityIntent {
  readonly sid: string;
  readonly key: KeyReference;
  readonly actions: readonly string[];
  readonly conditions?: ConditionJson;
  readonly encryptionContext?: Readonly<Record<string, string>>;
}

export function identityStatements(intent: IdentityIntent): StatementJson[] {
  const resource = intent.key.kind === 'arn'
    ? intent.key.keyArn
    : `arn:${intent.key.partition}:kms:${intent.key.region}:${intent.key.account}:key/*`;
  const aliasCondition: ConditionJson | undefined = intent.key.kind === 'alias'
    ? { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': intent.key.aliasName } }
    : undefined;
  const base = mergeConditionsOrThrow(intent.conditions, aliasCondition);
  const context = encryptionContextConditions(intent.encryptionContext);
  const { withContext, withoutContext } = splitByEncryptionContext(intent.actions, context !== undefined);
  const out: StatementJson[] = [];
  if (withContext.length > 0) out.push(statement(`${intent.sid}Ctx`, withContext, resource, mergeConditionsOrThrow(base, context)));
  if (withoutContext.length > 0) out.push(statement(intent.sid, withoutContext, resource, base));
  return out;
}

function statement(sid: string, actions: readonly string[], resource: string, conditions?: ConditionJson): StatementJson {
  const s: StatementJson = { Sid: sid, Effect: 'Allow', Action: actions.length === 1 ? actions[0] : [...actions], Resource: resource };
  if (conditions) s.Condition = conditions;
  return s;
}
