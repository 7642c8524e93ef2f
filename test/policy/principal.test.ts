import { matchPrincipalEntry, parseAwsPrincipal, parseCaller } from '../../src/policy/principal';

describe('parseCaller', () => {
  test.each([
    ['arn:aws:iam::111122223333:user/ops/alice', { kind: 'user', account: '111122223333', name: 'alice', principalArn: 'arn:aws:iam::111122223333:user/ops/alice' }],
    ['arn:aws:iam::111122223333:role/app', { kind: 'role', name: 'app' }],
    ['arn:aws:sts::111122223333:assumed-role/app/i-123', { kind: 'assumed-role', name: 'app', sessionName: 'i-123', principalArn: 'arn:aws:iam::111122223333:role/app' }],
    ['arn:aws:sts::111122223333:federated-user/bob', { kind: 'federated-user', name: 'bob' }],
    ['arn:aws:iam::111122223333:root', { kind: 'root', account: '111122223333' }],
    ['cloudtrail.amazonaws.com', { kind: 'service', service: 'cloudtrail.amazonaws.com' }],
  ])('reads %s', (arn, expected) => {
    expect(parseCaller(arn)).toMatchObject(expected);
  });

  test.each([
    'arn:aws:iam::111122223333:group/admins', 'arn:aws:s3:::bucket', 'alice', 'arn:aws:iam::1111:user/x', 'arn:aws:sts::111122223333:assumed-role/app',
    // A session ARN has exactly a role name and a session name, both non-empty.
    'arn:aws:sts::111122223333:assumed-role//s1', 'arn:aws:sts::111122223333:assumed-role/app/', 'arn:aws:sts::111122223333:assumed-role/app/s1/x',
    'arn:aws:sts::111122223333:assumed-role/', 'arn:aws:sts::111122223333:assumed-rolex/app/s1',
  ])(
    'rejects %s', (arn) => {
      expect(parseCaller(arn)).toBeUndefined();
    });
});

describe('parseAwsPrincipal', () => {
  test.each([
    ['*', { type: 'everyone' }],
    ['111122223333', { type: 'account', account: '111122223333' }],
    ['arn:aws:iam::111122223333:root', { type: 'account', account: '111122223333' }],
    ['arn:aws:iam::111122223333:role/path/app', { type: 'role', account: '111122223333', name: 'app' }],
    ['arn:aws:iam::111122223333:user/alice', { type: 'user', account: '111122223333', name: 'alice' }],
    ['arn:aws:sts::111122223333:assumed-role/app/s1', { type: 'session', account: '111122223333', name: 'app', sessionName: 's1' }],
  ])('classifies %s', (value, expected) => {
    expect(parseAwsPrincipal(value)).toEqual(expected);
  });

  test.each([
    ['arn:aws:iam::111122223333:role/*', 'principal-wildcard-arn'],
    ['arn:aws:sts::111122223333:assumed-role/app/*', 'principal-wildcard-arn'],
    ['arn:aws:iam::111122223333:group/admins', 'invalid-arn'],
    ['arn:aws:s3:::bucket', 'invalid-arn'],
    ['bob', 'invalid-arn'],
  ])('rejects %s with %s', (value, code) => {
    expect(parseAwsPrincipal(value)).toMatchObject({ error: code });
  });
});

describe('matchPrincipalEntry', () => {
  const session = parseCaller('arn:aws:sts::111122223333:assumed-role/app/s1')!;
  const user = parseCaller('arn:aws:iam::111122223333:user/alice')!;
  test.each([
    ['a role ARN matches its sessions', 'arn:aws:iam::111122223333:role/app', session, 'specific'],
    ['a role ARN with a path matches its sessions', 'arn:aws:iam::111122223333:role/team/app', session, 'specific'],
    ['another role does not match', 'arn:aws:iam::111122223333:role/other', session, undefined],
    ['the same role name in another account does not match', 'arn:aws:iam::444455556666:role/app', session, undefined],
    ['a session ARN matches only that session', 'arn:aws:sts::111122223333:assumed-role/app/s2', session, undefined],
    ['the account principal matches through the account', '111122223333', session, 'account'],
    ['a user ARN matches the user', 'arn:aws:iam::111122223333:user/alice', user, 'specific'],
    ['a role ARN does not match a user of the same name', 'arn:aws:iam::111122223333:role/alice', user, undefined],
    ['"*" matches everyone', '*', user, 'specific'],
  ])('%s', (_, value, caller, expected) => {
    const entry = parseAwsPrincipal(value);
    if ('error' in entry) throw new Error(entry.message);
    expect(matchPrincipalEntry(entry, caller)).toBe(expected);
  });
});
