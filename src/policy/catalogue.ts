/**
 * The KMS action and condition-key catalogue: look-ups over the generated facts, and the permission sets the
 * builders, rules, evaluator and tests share (so they cannot drift apart).
 */
import { ACTION_FACTS, CONDITION_KEY_FACTS } from './catalogue-data';
import type { ActionFacts, ConditionKeyFacts } from './catalogue-types';

export type { ActionFacts, ConditionKeyFacts } from './catalogue-types';

const byLowerName = new Map<string, ActionFacts>(ACTION_FACTS.map((a) => [`kms:${a.name.toLowerCase()}`, a]));
// Exact spellings first: the engine asks with canonical or lower-cased names, and a hit avoids a toLowerCase.
const bySpelling = new Map<string, ActionFacts>([...byLowerName, ...ACTION_FACTS.map((a): [string, ActionFacts] => [`kms:${a.name}`, a])]);

/** Every kms: action, with its `kms:` prefix, in catalogue order. */
export const ALL_KMS_ACTIONS: readonly string[] = ACTION_FACTS.map((a) => `kms:${a.name}`);

/** Whether the text is a kms: action as the catalogue spells it (`kms:Decrypt`) or in lower case: one look-up, no lower-casing. */
export function isCatalogueSpelling(action: string): boolean {
  return bySpelling.has(action);
}

/** Facts for an action such as `kms:Decrypt` (any case), or undefined when KMS has no such action. */
export function actionFacts(action: string): ActionFacts | undefined {
  return bySpelling.get(action) ?? byLowerName.get(action.toLowerCase());
}

/**
 * Canonical names by facts, built once: returning the same string every time (rather than building `kms:${name}` per
 * call) spares an allocation, and later map look-ups with it reuse its cached hash.
 */
const canonicalNames = new Map<ActionFacts, string>(ACTION_FACTS.map((a) => [a, `kms:${a.name}`]));

/** The canonical spelling of a kms: action (`KMS:decrypt` -> `kms:Decrypt`), or undefined. */
export function canonicalAction(action: string): string | undefined {
  const facts = actionFacts(action);
  return facts ? canonicalNames.get(facts) : undefined;
}

const exactKeys = new Map<string, ConditionKeyFacts>();
const prefixKeys: Array<{ readonly lowerPrefix: string; readonly facts: ConditionKeyFacts }> = [];
for (const k of CONDITION_KEY_FACTS) {
  if (k.prefix) prefixKeys.push({ lowerPrefix: k.name.toLowerCase(), facts: k });
  else exactKeys.set(k.name.toLowerCase(), k);
}

/** Facts for a condition key (any case), including families such as `kms:EncryptionContext:<k>`. */
export function conditionKeyFacts(key: string): ConditionKeyFacts | undefined {
  const lower = key.toLowerCase();
  const exact = exactKeys.get(lower);
  if (exact) return exact;
  for (const { lowerPrefix, facts } of prefixKeys) {
    if (lower.length > facts.name.length && lower.startsWith(lowerPrefix)) return facts;
  }
  return undefined;
}

/** Multi-valued keys (kms:EncryptionContextKeys, kms:GrantOperations, kms:ResourceAliases, aws:TagKeys, ...). */
export function isMultiValuedKey(key: string): boolean {
  return conditionKeyFacts(key)?.multiValued ?? false;
}

/** The operations a grant can allow (grants.md, "Grant operations"). */
export const GRANT_OPERATIONS: readonly string[] = ACTION_FACTS.filter((a) => a.grantOperation).map((a) => a.name);

/** Actions whose `Cross-account use` is Yes: the only ones a principal of another account can ever be allowed. */
export const CROSS_ACCOUNT_ACTIONS: readonly string[] = ACTION_FACTS.filter((a) => a.crossAccount).map((a) => `kms:${a.name}`);

/**
 * Operations that take an EncryptionContext parameter, so kms:EncryptionContext:* and kms:EncryptionContextKeys exist
 * for them (conditions-kms.md). CreateGrant's keys refer to the grant constraint in the request.
 */
export const ENCRYPTION_CONTEXT_ACTIONS: readonly string[] = [
  'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:CreateGrant',
];

/** Operations for which kms:EncryptionAlgorithm is set, to SYMMETRIC_DEFAULT on symmetric keys (conditions-kms.md). */
export const ENCRYPTION_ALGORITHM_ACTIONS: readonly string[] = [
  'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo',
];

/** Operations for which kms:RequestAlias is set when the KeyId is an alias: cryptographic ops, DescribeKey, GetPublicKey. */
export const REQUEST_ALIAS_ACTIONS: readonly string[] = [
  ...ACTION_FACTS.filter((a) => a.cryptographic && a.keyResource).map((a) => `kms:${a.name}`),
  'kms:DescribeKey', 'kms:GetPublicKey',
];

/** Operations authorized on an alias as well as on its key (alias-access.md): their requests name the alias. */
export const ALIAS_AND_KEY_ACTIONS: readonly string[] = ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'];

/** Grant-management operations for which kms:GrantIsForAWSResource exists (conditions-kms.md). */
export const GRANT_IS_FOR_AWS_RESOURCE_ACTIONS: readonly string[] = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'];

/**
 * Permission sets for declared intent. Each is the least set that lets a principal do the named job; administrators
 * never get cryptographic operations.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export const PermissionSets = {
  /**
   * Key administrators: manage, never use. Includes PutKeyPolicy so the key can never be locked out. IAM-only actions
   * (ListAliases, ...) are left out: a key policy cannot grant them.
   */
  administer: [
    'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:DeleteAlias', 'kms:DescribeKey', 'kms:DisableKey',
    'kms:DisableKeyRotation', 'kms:EnableKey', 'kms:EnableKeyRotation', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus',
    'kms:ListGrants', 'kms:ListKeyPolicies', 'kms:ListKeyRotations', 'kms:ListResourceTags',
    'kms:PutKeyPolicy', 'kms:RevokeGrant', 'kms:RotateKeyOnDemand', 'kms:ScheduleKeyDeletion', 'kms:TagResource',
    'kms:UntagResource', 'kms:UpdateAlias', 'kms:UpdateKeyDescription',
  ],
  encrypt: ['kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
  decrypt: ['kms:Decrypt', 'kms:ReEncryptFrom', 'kms:DescribeKey'],
  generateDataKey: ['kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
  generateDataKeyPair: ['kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:DescribeKey'],
  sign: ['kms:Sign', 'kms:GetPublicKey', 'kms:DescribeKey'],
  verify: ['kms:Verify', 'kms:GetPublicKey', 'kms:DescribeKey'],
  generateMac: ['kms:GenerateMac', 'kms:DescribeKey'],
  verifyMac: ['kms:VerifyMac', 'kms:DescribeKey'],
  /** For principals that hand the key to AWS services through grants (EBS, RDS, ...), with kms:GrantIsForAWSResource. */
  grantManagement: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
  /**
   * What CloudFormation's deploying role needs in the key policy to create, read and update an `AWS::KMS::Key` and its
   * `AWS::KMS::Alias`: the handler permissions of the two resource types' schemas
   * (aws-cloudformation-resource-providers-kms, `key/aws-kms-key.json` and `alias/aws-kms-alias.json`), without the
   * IAM-only actions (CreateKey, ListKeys, ListAliases). PutKeyPolicy is what the lockout safety check asks of the caller
   * of CreateKey and PutKeyPolicy (kms-semantics.md §9). No cryptographic operation.
   */
  deployKey: [
    'kms:CreateAlias', 'kms:DeleteAlias', 'kms:DescribeKey', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:EnableKey',
    'kms:EnableKeyRotation', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags', 'kms:PutKeyPolicy',
    'kms:TagResource', 'kms:UntagResource', 'kms:UpdateAlias', 'kms:UpdateKeyDescription',
  ],
  /** What deleting an `AWS::KMS::Key` takes (its schema's delete handler): only when the removal policy destroys the key. */
  deleteKey: ['kms:ScheduleKeyDeletion'],
  /** Break-glass principals: the operations deletion protection denies to everyone else, and their undo (deleting-keys.md). */
  breakGlass: ['kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:DisableKey', 'kms:EnableKey'],
} as const;
