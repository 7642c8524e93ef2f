/**
 * The actions a declared grant can actually allow. A grant lists the actions its construct wrote, but a condition on a
 * key that some action's request never carries makes the statement inapplicable to that action: a `kms:DescribeKey`
 * in a statement conditioned on `kms:EncryptionContext:aws:logs:arn` is never allowed by it, because DescribeKey takes
 * no encryption context (conditions-kms.md, "kms:EncryptionContext:context-key": the key exists only for operations
 * with an EncryptionContext parameter), and `kms:GrantIsForAWSResource` exists only for CreateGrant, ListGrants and
 * RevokeGrant. Such an action is not declared: the construct's statement does not allow it, so its absence is not
 * `missing`, and an access to it from elsewhere is `extra`. Pure.
 *
 * A condition is unmet for a key absent from the request unless its operator says otherwise
 * (reference_policies_elements_condition_operators.md, reference_policies_multi-value-conditions.md): `...IfExists`
 * matches then, `ForAllValues:` matches an absent multi-valued key, and `Null` tests absence itself. Those never remove
 * an action.
 */
import { IntentGrant } from './declared-intent';
import { ALL_KMS_ACTIONS, ENCRYPTION_CONTEXT_ACTIONS, GRANT_IS_FOR_AWS_RESOURCE_ACTIONS } from '../policy/catalogue';
import { wildcardMatch } from '../policy/wildcard';

const EC_ACTIONS: ReadonlySet<string> = new Set(ENCRYPTION_CONTEXT_ACTIONS.map((a) => a.toLowerCase()));
const GRANT_ACTIONS: ReadonlySet<string> = new Set(GRANT_IS_FOR_AWS_RESOURCE_ACTIONS.map((a) => a.toLowerCase()));

/** Condition keys present only in the requests of some actions: the key's test, and those actions. */
const ACTION_SPECIFIC_KEYS: ReadonlyArray<{ readonly test: RegExp; readonly actions: ReadonlySet<string> }> = [
  { test: /^kms:encryptioncontext(:|keys$)/i, actions: EC_ACTIONS },
  { test: /^kms:grantisforawsresource$/i, actions: GRANT_ACTIONS },
];

/** Whether a condition with this operator can match a request that lacks its key. */
function matchesWhenAbsent(operator: string): boolean {
  return /IfExists$/i.test(operator) || /^ForAllValues:/i.test(operator) || /^Null$/i.test(operator);
}

/**
 * The KMS actions a list of action patterns names, as the catalogue spells them: a statement added through
 * `addToResourcePolicy` may say `kms:GenerateDataKey*` (S3 notifications do), and IAM matches actions without regard
 * to case (IAM UG reference_policies_elements_action.md, as src/policy/action-pattern.ts). A pattern that names no KMS
 * action names nothing.
 */
export function expandActions(patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const pattern of patterns) for (const action of ALL_KMS_ACTIONS) if (wildcardMatch(pattern, action, true)) out.add(action);
  return [...out];
}

/** The grant's actions whose requests can carry every condition key it requires; the others it cannot allow. */
export function declaredActions(grant: IntentGrant): string[] {
  const actions = expandActions(grant.actions);
  const required: Array<ReadonlySet<string>> = [];
  for (const [operator, block] of Object.entries(grant.conditions ?? {})) {
    if (matchesWhenAbsent(operator)) continue;
    for (const key of Object.keys(block)) {
      const specific = ACTION_SPECIFIC_KEYS.find((k) => k.test.test(key));
      if (specific) required.push(specific.actions);
    }
  }
  return actions.filter((a) => required.every((set) => set.has(a.toLowerCase())));
}
