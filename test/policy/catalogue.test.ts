import { ALL_KMS_ACTIONS, CROSS_ACCOUNT_ACTIONS, GRANT_OPERATIONS, PermissionSets, actionFacts, canonicalAction, conditionKeyFacts, isMultiValuedKey } from '../../src/policy/catalogue';

describe('KMS catalogue', () => {
  test('holds every action of the permissions reference, once', () => {
    expect(ALL_KMS_ACTIONS.length).toBe(56);
    expect(new Set(ALL_KMS_ACTIONS).size).toBe(56);
  });

  test('cross-account actions are exactly those the permissions table marks Yes', () => {
    expect([...CROSS_ACCOUNT_ACTIONS].sort()).toEqual([
      'kms:CreateGrant', 'kms:Decrypt', 'kms:DeriveSharedSecret', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey',
      'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:GenerateDataKeyWithoutPlaintext',
      'kms:GenerateMac', 'kms:GetKeyRotationStatus', 'kms:GetPublicKey', 'kms:ListGrants', 'kms:ReEncryptFrom',
      'kms:ReEncryptTo', 'kms:RetireGrant', 'kms:RevokeGrant', 'kms:Sign', 'kms:Verify', 'kms:VerifyMac',
    ]);
  });

  test('grant operations are those of grants.md', () => {
    expect([...GRANT_OPERATIONS].sort()).toEqual([
      'CreateGrant', 'Decrypt', 'DescribeKey', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair',
      'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'GetPublicKey',
      'ReEncryptFrom', 'ReEncryptTo', 'RetireGrant', 'Sign', 'Verify', 'VerifyMac',
    ]);
  });

  test.each([
    ['kms:CreateKey', 'iam-only', []],
    ['kms:ListAliases', 'iam-only', []],
    ['kms:Decrypt', 'key-policy', ['key']],
    ['kms:CreateAlias', 'key-policy', ['alias', 'key']],
    ['kms:UpdateAlias', 'key-policy', ['alias', 'key', 'key']],
    ['kms:RetireGrant', 'iam-only-retire', ['key']],
  ])('%s is decided by %s on %j', (action, policyType, resources) => {
    expect(actionFacts(action)).toMatchObject({ policyType, resources });
  });

  test('action names are case-insensitive', () => {
    expect(canonicalAction('KMS:decrypt')).toBe('kms:Decrypt');
    expect(canonicalAction('kms:Decryptt')).toBeUndefined();
  });

  test.each([
    ['kms:EncryptionContextKeys', true],
    ['kms:GrantOperations', true],
    ['kms:ResourceAliases', true],
    ['aws:TagKeys', true],
    ['kms:EncryptionContext:Department', false],
    ['kms:CallerAccount', false],
  ])('%s multi-valued: %s', (key, multi) => {
    expect(isMultiValuedKey(key)).toBe(multi);
  });

  test('key families are recognised by prefix, case-insensitively', () => {
    expect(conditionKeyFacts('KMS:encryptioncontext:dept')).toMatchObject({ name: 'kms:EncryptionContext:', type: 'String' });
    expect(conditionKeyFacts('aws:PrincipalTag/team')).toMatchObject({ prefix: true });
    expect(conditionKeyFacts('kms:EncryptionContext:')).toBeUndefined();
  });

  test('administrators never get cryptographic operations, and always keep PutKeyPolicy', () => {
    expect(PermissionSets.administer.filter((a) => actionFacts(a)?.cryptographic)).toEqual([]);
    expect(PermissionSets.administer).toContain('kms:PutKeyPolicy');
  });

  test('every action in every permission set exists', () => {
    for (const set of Object.values(PermissionSets)) {
      for (const a of set) expect(canonicalAction(a)).toBe(a);
    }
  });
});
