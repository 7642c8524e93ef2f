/**
 * hasDeclaredDeny (src/intent/declared-deny.ts): a conditional Deny a guarded key declared is kept by a statement of the
 * final key policy only when that statement denies at least the declared actions to at least the declared principals,
 * on every resource, under exactly the declared conditions.
 */
import { hasDeclaredDeny } from '../../src/intent/declared-deny';
import { IntentDeny } from '../../src/intent/declared-intent';

const DENY: IntentDeny = {
  purpose: 'resource-policy',
  actions: ['kms:Decrypt', 'kms:Encrypt'],
  except: [],
  conditional: true,
  conditions: { StringNotEquals: { 'aws:SourceVpc': ['vpc-0a1b2c3d'] }, BoolIfExists: { 'aws:ViaAWSService': 'false' } },
};
const STATEMENT = {
  Sid: 'DenyUseOutsideAllowedNetworks',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: ['kms:Encrypt', 'kms:Decrypt'],
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-0a1b2c3d' }, BoolIfExists: { 'aws:ViaAWSService': 'false' } },
};
const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });
const ALLOW = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };

describe('hasDeclaredDeny', () => {
  test.each([
    ['the statement as the key wrote it (a single value for a list of one)', policy(ALLOW, STATEMENT), true],
    ['with another Sid, a bare "*" principal, kms:* for the actions and the key spelled in another case', policy({ ...STATEMENT, Sid: 'X', Principal: '*', Action: 'kms:*', Condition: { StringNotEquals: { 'AWS:SourceVPC': 'vpc-0a1b2c3d' }, BoolIfExists: { 'aws:ViaAWSService': 'false' } } }), true],
    ['removed', policy(ALLOW), false],
    ['an Allow with the same content', policy({ ...STATEMENT, Effect: 'Allow' }), false],
    ['fewer actions', policy({ ...STATEMENT, Action: 'kms:Encrypt' }), false],
    ['a named principal instead of everyone', policy({ ...STATEMENT, Principal: { AWS: 'arn:aws:iam::111122223333:role/App' } }), false],
    ['NotPrincipal', policy({ ...STATEMENT, Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/App' } }), false],
    ['NotAction', policy({ ...STATEMENT, Action: undefined, NotAction: 'kms:Sign' }), false],
    ['one resource instead of every one', policy({ ...STATEMENT, Resource: 'arn:aws:kms:us-east-1:111122223333:key/other' }), false],
    ['another VPC admitted', policy({ ...STATEMENT, Condition: { ...STATEMENT.Condition, StringNotEquals: { 'aws:SourceVpc': ['vpc-0a1b2c3d', 'vpc-0ffff'] } } }), false],
    ['a condition added (the Deny applies to fewer requests)', policy({ ...STATEMENT, Condition: { ...STATEMENT.Condition, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }), false],
    ['a condition dropped', policy({ ...STATEMENT, Condition: { StringNotEquals: STATEMENT.Condition.StringNotEquals } }), false],
    ['another operator', policy({ ...STATEMENT, Condition: { ...STATEMENT.Condition, StringNotEqualsIgnoreCase: STATEMENT.Condition.StringNotEquals, StringNotEquals: undefined } }), false],
    ['a policy that is not an object', 'not a policy', false],
  ])('%s', (_label, keyPolicy, expected) => {
    expect(hasDeclaredDeny(JSON.parse(JSON.stringify(keyPolicy)), DENY, [])).toBe(expected);
  });

  test('a Deny declared for named principals is kept by a statement naming at least them (ARNs compared without regard to case)', () => {
    const deny: IntentDeny = { ...DENY, principals: [{ arn: 'arn:aws:iam::111122223333:role/App' }] };
    const named = { ...STATEMENT, Principal: { AWS: ['arn:aws:iam::111122223333:role/app', 'arn:aws:iam::111122223333:role/Other'] } };
    expect(hasDeclaredDeny(policy(named), deny, ['arn:aws:iam::111122223333:role/App'])).toBe(true);
    expect(hasDeclaredDeny(policy({ ...named, Principal: { AWS: 'arn:aws:iam::111122223333:role/Other' } }), deny, ['arn:aws:iam::111122223333:role/App'])).toBe(false);
  });

  test('a condition key the construct could not record (another stack\'s value) may be in the statement', () => {
    const deny: IntentDeny = { ...DENY, unrecorded: ['aws:SourceVpce'] };
    const st = { ...STATEMENT, Condition: { ...STATEMENT.Condition, StringNotEquals: { ...STATEMENT.Condition.StringNotEquals, 'aws:SourceVpce': 'vpce-0abc' } } };
    // The operator block holds both keys: the recorded one must match, the unrecorded one is not compared.
    expect(hasDeclaredDeny(policy(st), deny, [])).toBe(true);
  });
});
