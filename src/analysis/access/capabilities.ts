/**
 * The capabilities the access analysis groups KMS actions into, as data, and which actions it asks about. Every KMS
 * key action of the catalogue (policy/catalogue.ts) belongs to exactly one capability (a test holds this, so a new
 * catalogue action cannot be left out silently). Capability names follow the KMS permissions reference's grouping
 * (kms-api-permissions-reference, "AWS KMS permissions") and the key-policy-default.md roles (administrators, users).
 */
import { ActionsAsked } from './model';
import { ALL_KMS_ACTIONS, actionFacts } from '../../policy/catalogue';

export interface Capability {
  /** Stable id, e.g. `decrypt`. */
  readonly id: string;
  /** For people: `decrypt`, `data keys`, `grant management`. */
  readonly title: string;
  readonly actions: readonly string[];
  /** Key usages whose keys can serve these actions; undefined: any key. */
  readonly usages?: readonly string[];
  /** Only symmetric encryption keys (key spec SYMMETRIC_DEFAULT) can serve them. */
  readonly symmetricOnly?: boolean;
}

export const CAPABILITIES: readonly Capability[] = [
  {
    id: 'administer',
    title: 'administer',
    actions: [
      'kms:PutKeyPolicy', 'kms:GetKeyPolicy', 'kms:ListKeyPolicies', 'kms:UpdateKeyDescription', 'kms:TagResource',
      'kms:UntagResource', 'kms:ListResourceTags', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation',
      'kms:GetKeyRotationStatus', 'kms:ListKeyRotations', 'kms:RotateKeyOnDemand', 'kms:CreateAlias', 'kms:DeleteAlias',
      'kms:UpdateAlias', 'kms:GetKeyLastUsage', 'kms:ImportKeyMaterial', 'kms:DeleteImportedKeyMaterial',
      'kms:GetParametersForImport', 'kms:ReplicateKey', 'kms:UpdatePrimaryRegion',
    ],
  },
  { id: 'lifecycle', title: 'delete or disable', actions: ['kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:DisableKey', 'kms:EnableKey'] },
  { id: 'describe', title: 'describe', actions: ['kms:DescribeKey', 'kms:GetPublicKey'] },
  { id: 'encrypt', title: 'encrypt', actions: ['kms:Encrypt', 'kms:ReEncryptTo'], usages: ['ENCRYPT_DECRYPT'] },
  { id: 'decrypt', title: 'decrypt', actions: ['kms:Decrypt', 'kms:ReEncryptFrom'], usages: ['ENCRYPT_DECRYPT'] },
  {
    id: 'data-keys',
    title: 'data keys',
    actions: ['kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext'],
    usages: ['ENCRYPT_DECRYPT'],
    // Data keys and data key pairs are protected by a symmetric encryption KMS key (symm-asymm-compare.md).
    symmetricOnly: true,
  },
  { id: 'sign', title: 'sign', actions: ['kms:Sign'], usages: ['SIGN_VERIFY'] },
  { id: 'verify', title: 'verify', actions: ['kms:Verify'], usages: ['SIGN_VERIFY'] },
  { id: 'mac', title: 'MAC', actions: ['kms:GenerateMac', 'kms:VerifyMac'], usages: ['GENERATE_VERIFY_MAC'] },
  { id: 'key-agreement', title: 'key agreement', actions: ['kms:DeriveSharedSecret'], usages: ['KEY_AGREEMENT'] },
  { id: 'grants', title: 'grant management', actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:RetireGrant'] },
];

const BY_ACTION = new Map<string, Capability>(CAPABILITIES.flatMap((c) => c.actions.map((a): [string, Capability] => [a, c])));

/** The capability of a catalogue action (canonical spelling), or undefined for actions without a key. */
export function capabilityOf(action: string): Capability | undefined {
  return BY_ACTION.get(action);
}

const KNOWN_USAGES = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'];

/**
 * Whether a key of this spec and usage can serve the action (symm-asymm-compare.md, "Key type reference"): the
 * cryptographic operations of its usage only, data keys and data key pairs only with symmetric encryption keys, the
 * public key only of asymmetric keys. Every other action any key serves; so does any action when the usage or spec
 * is unknown (an unresolved value): better a line too many than a permission hidden.
 */
export function isActionUsable(action: string, key: { readonly keySpec: string; readonly keyUsage: string }): boolean {
  if (!KNOWN_USAGES.includes(key.keyUsage) || key.keySpec.startsWith('<')) return true;
  const symmetric = key.keySpec === 'SYMMETRIC_DEFAULT';
  if (action === 'kms:GetPublicKey') return !symmetric && !key.keySpec.startsWith('HMAC_');
  const c = capabilityOf(action);
  if (c === undefined || c.usages === undefined) return true;
  return c.usages.includes(key.keyUsage) && (!c.symmetricOnly || symmetric);
}

/** Whether a key of this spec and usage can serve some of the capability's actions. */
export function isUsable(c: Capability, key: { readonly keySpec: string; readonly keyUsage: string }): boolean {
  return c.actions.some((a) => isActionUsable(a, key));
}

/**
 * The actions asked about for a key: every catalogue action on a KMS key. Not asked: actions without a key resource
 * (only IAM policies decide them), KMS's own SynchronizeMultiRegionKey, and RetireGrant when the app declares no
 * grant (retiring is authorized by the grant itself, grant-manage.md).
 */
export function actionsAsked(hasGrants: boolean): ActionsAsked {
  const asked: string[] = [];
  const notAsked: Array<{ action: string; reason: string }> = [];
  for (const action of ALL_KMS_ACTIONS) {
    const facts = actionFacts(action)!;
    if (facts.policyType === 'iam-only') notAsked.push({ action, reason: 'no KMS key: only IAM policies decide it' });
    else if (facts.policyType === 'internal') notAsked.push({ action, reason: 'called by KMS itself, never by a principal' });
    else if (action === 'kms:RetireGrant' && !hasGrants) notAsked.push({ action, reason: 'the grant being retired decides it, and the app declares no grant' });
    else asked.push(action);
  }
  // Report order: by capability, then as the capability lists them.
  const order = (a: string): number => {
    const c = capabilityOf(a);
    return c === undefined ? 1e6 : CAPABILITIES.indexOf(c) * 100 + c.actions.indexOf(a);
  };
  return { asked: asked.sort((a, b) => order(a) - order(b)), notAsked };
}
