import { LITERAL_QUESTION, LITERAL_STAR, wildcardMatch, withoutLiteralMarkers } from '../../src/policy/wildcard';

describe('wildcardMatch', () => {
  test.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['kms:Decrypt', 'kms:Decrypt', true],
    ['kms:Decrypt', 'kms:Decrypts', false],
    ['kms:*', 'kms:Decrypt', true],
    ['kms:*', 'kms:', true],
    ['kms:*', 's3:GetObject', false],
    ['kms:Describe*', 'kms:DescribeKey', true],
    ['kms:ReEncrypt*', 'kms:ReEncryptFrom', true],
    ['kms:?ecrypt', 'kms:Decrypt', true],
    ['kms:?ecrypt', 'kms:Encrypt', false],
    ['*Key', 'kms:DescribeKey', true],
    ['*Key', 'kms:DescribeKeys', false],
    ['arn:aws:kms:*:111122223333:key/*', 'arn:aws:kms:us-east-1:111122223333:key/1234', true],
    ['arn:aws:kms:*:111122223333:key/*', 'arn:aws:kms:us-east-1:444455556666:key/1234', false],
    ['a.b', 'aXb', false],
    ['a+b(c)[d]{e}|f^g$h\\i/j-k', 'a+b(c)[d]{e}|f^g$h\\i/j-k', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['line*', 'line\nbreak', true],
  ])('pattern %j against %j is %s', (pattern, subject, expected) => {
    expect(wildcardMatch(pattern, subject)).toBe(expected);
  });

  test.each([
    ['KMS:decrypt', 'kms:Decrypt', true],
    ['kms:DESCRIBE*', 'kms:describekey', true],
    ['kms:decrypt', 'kms:encrypt', false],
  ])('case-insensitive pattern %j against %j is %s', (pattern, subject, expected) => {
    expect(wildcardMatch(pattern, subject, true)).toBe(expected);
  });

  test('is case-sensitive by default', () => {
    expect(wildcardMatch('arn:aws:kms:*:111122223333:key/ABC', 'arn:aws:kms:us-east-1:111122223333:key/abc')).toBe(false);
  });

  test('literal markers match only the literal character', () => {
    const pattern = `tag${LITERAL_STAR}x${LITERAL_QUESTION}`;
    expect(wildcardMatch(pattern, 'tag*x?')).toBe(true);
    expect(wildcardMatch(pattern, 'tagABCx?')).toBe(false);
    expect(wildcardMatch(pattern, 'tag*xY')).toBe(false);
    expect(withoutLiteralMarkers(pattern)).toBe('tag*x?');
  });
});
