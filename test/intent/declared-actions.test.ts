import { declaredActions, expandActions } from '../../src/intent/declared-actions';
import { IntentGrant } from '../../src/intent/declared-intent';

const grant = (actions: string[], conditions?: IntentGrant['conditions']): IntentGrant => ({
  purpose: 'use', principals: [{ service: 'logs.us-east-1.amazonaws.com' }], actions, ...(conditions ? { conditions } : {}),
});

describe('the actions a declared grant can allow', () => {
  test('patterns are expanded against the catalogue, case-insensitively; a pattern naming no KMS action names nothing', () => {
    expect(expandActions(['kms:GenerateDataKey*'])).toEqual(expect.arrayContaining([
      'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext',
    ]));
    expect(expandActions(['kms:GenerateDataKey*'])).not.toContain('kms:Decrypt');
    expect(expandActions(['KMS:decrypt'])).toEqual(['kms:Decrypt']);
    expect(expandActions(['s3:GetObject', 'kms:NoSuchAction'])).toEqual([]);
  });

  test('a condition on the encryption context removes the actions that take none (DescribeKey)', () => {
    const conditions = { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:*' } };
    expect(declaredActions(grant(['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'], conditions))).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(declaredActions(grant(['kms:DescribeKey'], { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'app' } }))).toEqual([]);
  });

  test('operators that match an absent key remove nothing', () => {
    for (const operator of ['StringEqualsIfExists', 'ForAllValues:StringEquals', 'Null']) {
      expect(declaredActions(grant(['kms:DescribeKey', 'kms:Decrypt'], { [operator]: { 'kms:EncryptionContextKeys': 'app' } }))).toEqual(['kms:DescribeKey', 'kms:Decrypt']);
    }
  });

  test('kms:GrantIsForAWSResource keeps only CreateGrant, ListGrants and RevokeGrant; other keys keep every action', () => {
    expect(declaredActions(grant(['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:Decrypt'], { Bool: { 'kms:GrantIsForAWSResource': 'true' } })))
      .toEqual(['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant']);
    expect(declaredActions(grant(['kms:DescribeKey', 'kms:Decrypt'], { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }))).toEqual(['kms:DescribeKey', 'kms:Decrypt']);
  });
});
