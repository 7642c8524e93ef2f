import { hasArnWildcard, isAccountId, parseAliasArn, parseArn, parseKeyArn } from '../../src/policy/arn';

describe('ARN parsing', () => {
  test.each([
    ['arn:aws:kms:us-east-1:111122223333:key/1234abcd', { partition: 'aws', service: 'kms', region: 'us-east-1', account: '111122223333', resource: 'key/1234abcd' }],
    ['arn:aws-cn:iam::111122223333:role/a/b', { partition: 'aws-cn', service: 'iam', region: '', account: '111122223333', resource: 'role/a/b' }],
    ['arn:aws:s3:::bucket/with:colon', { partition: 'aws', service: 's3', region: '', account: '', resource: 'bucket/with:colon' }],
  ])('parses %s', (text, expected) => {
    expect(parseArn(text)).toEqual(expected);
  });

  test.each(['', 'arn', 'arn:aws:kms', 'arn:nope:kms:us-east-1:111122223333:key/x', 'urn:aws:kms:us-east-1:111122223333:key/x', 'arn:aws::us-east-1:111122223333:key/x'])(
    'rejects %j', (text) => {
      expect(parseArn(text)).toBeUndefined();
    });

  test.each([
    ['arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', '1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['arn:aws:kms:us-east-1:111122223333:alias/orders', undefined],
    ['arn:aws:kms::111122223333:key/x', undefined],
    ['arn:aws:kms:us-east-1:1111:key/x', undefined],
    ['arn:aws:kms:us-east-1:111122223333:key/', undefined],
  ])('key ARN %s has key id %s', (text, keyId) => {
    expect(parseKeyArn(text)?.keyId).toBe(keyId);
  });

  test.each([
    'arn:aws:kms:us-east-1:111122223333:key/*',
    'arn:aws:kms:*:111122223333:key/1234abcd',
    'arn:aws:kms:us-east-1:111122223333:key/1234abc?',
  ])('a key ARN pattern %s names no key (issue 10)', (text) => {
    expect(parseKeyArn(text)).toBeUndefined();
    expect(hasArnWildcard(text)).toBe(true);
  });

  test('an alias ARN pattern names no alias', () => {
    expect(parseAliasArn('arn:aws:kms:us-east-1:111122223333:alias/*')).toBeUndefined();
  });

  test('alias ARNs carry the alias name', () => {
    expect(parseAliasArn('arn:aws:kms:us-east-1:111122223333:alias/orders')?.aliasName).toBe('alias/orders');
    expect(parseAliasArn('arn:aws:kms:us-east-1:111122223333:key/x')).toBeUndefined();
  });

  test.each([['111122223333', true], ['11112222333', false], ['1111222233334', false], ['11112222333a', false]])('account id %s is %s', (text, ok) => {
    expect(isAccountId(text)).toBe(ok);
  });

  test('a key ARN read twice gives the same frozen result, and a text that is not one stays undefined', () => {
    const text = 'arn:aws:kms:eu-west-1:111122223333:key/abcd';
    const first = parseKeyArn(text)!;
    expect(parseKeyArn(`arn:aws:kms:eu-west-1:111122223333:${'key/abcd'}`)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({ partition: 'aws', service: 'kms', region: 'eu-west-1', account: '111122223333', resource: 'key/abcd', keyId: 'abcd' });
    expect(parseKeyArn('arn:aws:kms:eu-west-1:111122223333:alias/abcd')).toBeUndefined();
    expect(parseKeyArn('arn:aws:kms:eu-west-1:111122223333:alias/abcd')).toBeUndefined();
  });
});
