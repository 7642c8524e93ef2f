import { actionPattern } from '../../src/policy/action-pattern';
import { ALL_KMS_ACTIONS } from '../../src/policy/catalogue';
import { wildcardMatch } from '../../src/policy/wildcard';

/** The catalogue actions a pattern covers, by name. */
const covered = (text: string): string[] => ALL_KMS_ACTIONS.filter((_, i) => actionPattern(text).covers[i] === 1);

describe('action patterns', () => {
  // Action names compare case-insensitively, with * and ? as wildcards (IAM UG reference_policies_elements_action.md).
  test.each([
    ['kms:Decrypt', ['kms:Decrypt']],
    ['KMS:decrypt', ['kms:Decrypt']],
    ['kms:ReEncrypt*', ['kms:ReEncryptFrom', 'kms:ReEncryptTo']],
    ['kms:?ncrypt', ['kms:Encrypt']],
    ['kms:Generate*WithoutPlaintext', ['kms:GenerateDataKeyPairWithoutPlaintext', 'kms:GenerateDataKeyWithoutPlaintext']],
    ['kms:Decryptt', []],
    ['s3:GetObject', []],
    ['kms:Create*', ['kms:CreateAlias', 'kms:CreateCustomKeyStore', 'kms:CreateGrant', 'kms:CreateKey']],
  ])('%s covers %j', (text, expected) => {
    expect(covered(text).sort()).toEqual([...expected].sort());
  });

  test.each(['*', 'kms:*', '*:*', 'k*'])('%s covers every catalogue action', (text) => {
    expect(covered(text)).toEqual(ALL_KMS_ACTIONS);
  });

  test.each(['kms:*Key*', 'KMS:GET*', '*crypt', 'kms:?e*', 'kms:Describe?ey', 'kms:Decrypt'])(
    '%s covers exactly what case-insensitive wildcard matching covers', (text) => {
      expect(covered(text)).toEqual(ALL_KMS_ACTIONS.filter((a) => wildcardMatch(text, a, true)));
    });

  test.each([
    ['kms:Decrypt', undefined],
    ['*', undefined],
    ['kms:Create*', undefined],
    ['s3:GetObject', undefined],
    ['kms:Decryptt', 'unknown-kms-action'],
    ['KMS:NoSuchThing', 'unknown-kms-action'],
    ['Decrypt', 'not-an-action'],
    [':Decrypt', 'not-an-action'],
  ])('%s has problem %s', (text, problem) => {
    expect(actionPattern(text).problem).toBe(problem);
  });

  test('the same text gives the same pattern, and a pattern alone is a one-element list of itself', () => {
    const p = actionPattern('kms:Decrypt');
    expect(actionPattern('kms:Decrypt')).toBe(p);
    expect(p.alone).toEqual([p]);
    expect(Object.isFrozen(p)).toBe(true);
  });
});
