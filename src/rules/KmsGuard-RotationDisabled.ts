/**
 * KmsGuard-RotationDisabled (warning): a symmetric encryption key rotates its key material automatically. Replica
 * keys rotate with their primary and are not checked. Pure.
 */
import { Finding, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { keyFinding, keyName } from './support/key-finding';
import { AppModel } from '../app-model/app-model';

const ID = 'KmsGuard-RotationDisabled';

export const RotationDisabled: Rule = {
  id: ID,
  severity: 'warning',
  summary: 'A symmetric encryption key has automatic rotation enabled.',
  explanation: 'Automatic rotation replaces the key material of a symmetric encryption key every year (or every rotation period) while keeping the old material to decrypt, which limits how much data one key material protects. Only symmetric encryption keys support it (Control Tower CT.KMS.PR.1; cdk-nag AwsSolutions-KMS5).',
  docLink: ruleDocLink(ID),
  findingIds: ['Key::Rotation'],
  sources: [kmsGuide('rotate-keys')],
  check: (model: AppModel): Finding[] => model.keys
    // Automatic rotation exists only for symmetric encryption keys whose material KMS generates (Origin AWS_KMS,
    // rotate-keys.md): imported material and custom key stores rotate by hand. An Origin unknown offline is checked.
    .filter((key) => key.type === 'AWS::KMS::Key' && key.keySpec === 'SYMMETRIC_DEFAULT' && key.keyUsage === 'ENCRYPT_DECRYPT'
      && (key.origin === undefined || key.origin === 'AWS_KMS') && key.enableKeyRotation !== true)
    .map((key) => keyFinding(ID, key, findingId('Key', 'Rotation'), 'warning', key.enableKeyRotation === undefined
      ? `whether the symmetric encryption key ${keyName(key)} rotates could not be verified: EnableKeyRotation is not known offline. Expected: true. Fix: set it to a literal true (enableKeyRotation: true).`
      : `the symmetric encryption key ${keyName(key)} has automatic rotation off (EnableKeyRotation is false or absent). Expected: true. Fix: set enableKeyRotation: true on the key (GuardedKmsKey turns it on by default).`,
    { policy: undefined, field: 'EnableKeyRotation' })),
};
