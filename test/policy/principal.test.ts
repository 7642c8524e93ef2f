import { matchPrincipalEntry, parseAwsPrincipal, parseCaller } from '../../src/policy/principal';

describe('parseCaller', () => {
  test.each([
    ['arn:aws:iam::111122223333:user/ops/alice', { kind: 'user', account: '111122223333', name: 'alice', path: '/ops/', principalArn: 'arn:aws:iam::111122223333:user/ops/alice' }],
    ['arn:aws:iam::111122223333:role/app', { kind: 'role', name: 'app', path: '/', partition: 'aws' }],
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
    // Wildcards make a pattern, never a caller; IAM paths have no empty segment.
    'arn:aws:iam::111122223333:role/*', 'arn:aws:iam::111122223333:user/a?', 'arn:aws:sts::111122223333:assumed-role/app/*',
    'arn:aws:iam::111122223333:user//alice',
  ])(
    'rejects %s', (arn) => {
      expect(parseCaller(arn)).toBeUndefined();
    });
});

describe('parseAwsPrincipal', () => {
  test.each([
    ['*', { type: 'everyone' }],
    ['111122223333', { type: 'account', account: '111122223333' }],
    ['arn:aws:iam::111122223333:root', { type: 'account', account: '111122223333', partition: 'aws' }],
    ['arn:aws-cn:iam::111122223333:root', { type: 'account', account: '111122223333', partition: 'aws-cn' }],
    ['arn:aws:iam::111122223333:role/path/app', { type: 'role', partition: 'aws', account: '111122223333', name: 'app', path: '/path/' }],
    ['arn:aws:iam::111122223333:user/alice', { type: 'user', partition: 'aws', account: '111122223333', name: 'alice', path: '/' }],
    ['arn:aws:iam::111122223333:user/a/b/alice', { type: 'user', partition: 'aws', account: '111122223333', name: 'alice', path: '/a/b/' }],
    ['arn:aws:sts::111122223333:assumed-role/app/s1', { type: 'session', partition: 'aws', account: '111122223333', name: 'app', sessionName: 's1' }],
  ])('classifies %s', (value, expected) => {
    expect(parseAwsPrincipal(value)).toEqual(expected);
  });

  test.each([
    ['arn:aws:iam::111122223333:role/*', 'principal-wildcard-arn'],
    ['arn:aws:sts::111122223333:assumed-role/app/*', 'principal-wildcard-arn'],
    ['arn:aws:iam::111122223333:group/admins', 'invalid-arn'],
    ['arn:aws:iam::111122223333:user//alice', 'invalid-arn'],
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

describe('matchPrincipalEntry: partitions, case and paths (strict for allows, loose for denies)', () => {
  const entry = (value: string) => {
    const e = parseAwsPrincipal(value);
    if ('error' in e) throw new Error(e.message);
    return e;
  };
  const caller = (arn: string) => parseCaller(arn)!;
  test.each([
    // [what, entry, caller, strict (Allow), loose (Deny)]
    ['the same role', 'arn:aws:iam::111122223333:role/App', 'arn:aws:iam::111122223333:role/App', 'specific', 'specific'],
    ['a role of another partition', 'arn:aws-cn:iam::111122223333:role/App', 'arn:aws:iam::111122223333:role/App', undefined, undefined],
    ['a session of a role of another partition', 'arn:aws-cn:iam::111122223333:role/App', 'arn:aws:sts::111122223333:assumed-role/App/s1', undefined, undefined],
    ['a user of another partition', 'arn:aws-us-gov:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:user/alice', undefined, undefined],
    ['the account of another partition', 'arn:aws-cn:iam::111122223333:root', 'arn:aws:iam::111122223333:user/alice', undefined, undefined],
    ['a session ARN of another partition', 'arn:aws-cn:sts::111122223333:assumed-role/App/s1', 'arn:aws:sts::111122223333:assumed-role/App/s1', undefined, undefined],
    ['a bare account id, in any partition (the resource decides)', '111122223333', 'arn:aws-cn:iam::111122223333:user/alice', 'account', 'account'],
    ['a role name in another case', 'arn:aws:iam::111122223333:role/app', 'arn:aws:iam::111122223333:role/App', undefined, 'specific'],
    ['a session of a role named in another case', 'arn:aws:iam::111122223333:role/app', 'arn:aws:sts::111122223333:assumed-role/App/s1', undefined, 'specific'],
    ['a user name in another case', 'arn:aws:iam::111122223333:user/Alice', 'arn:aws:iam::111122223333:user/alice', undefined, 'specific'],
    ['a session name in another case', 'arn:aws:sts::111122223333:assumed-role/App/S1', 'arn:aws:sts::111122223333:assumed-role/App/s1', undefined, 'specific'],
    ['a user with another path', 'arn:aws:iam::111122223333:user/div/carol', 'arn:aws:iam::111122223333:user/carol', undefined, 'specific'],
    ['a user without the path the caller has', 'arn:aws:iam::111122223333:user/carol', 'arn:aws:iam::111122223333:user/div/carol', undefined, 'specific'],
    ['a user with the same path', 'arn:aws:iam::111122223333:user/div/carol', 'arn:aws:iam::111122223333:user/div/carol', 'specific', 'specific'],
    ['a role with a path and a session of it (sessions carry no path)', 'arn:aws:iam::111122223333:role/team/App', 'arn:aws:sts::111122223333:assumed-role/App/s1', 'specific', 'specific'],
    ['a role with another path than the role caller', 'arn:aws:iam::111122223333:role/team/App', 'arn:aws:iam::111122223333:role/App', undefined, 'specific'],
    ['another user altogether', 'arn:aws:iam::111122223333:user/bob', 'arn:aws:iam::111122223333:user/alice', undefined, undefined],
  ])('%s', (_, value, arn, strict, loose) => {
    expect(matchPrincipalEntry(entry(value), caller(arn))).toBe(strict);
    expect(matchPrincipalEntry(entry(value), caller(arn), true)).toBe(loose);
  });
});
