import { readPolicy, unresolvedStatements } from '../../src/app-model/policy-readings';

const U = '<unresolved:Fn::If>';
const doc = (...statements: unknown[]): Record<string, unknown> => ({ Version: '2012-10-17', Statement: statements });
const NOTHING = { Effect: 'Allow', Principal: '*', NotAction: '*', Resource: '*' };

describe('readPolicy', () => {
  test('GIVEN an unnamed statement after one the reading drops WHEN read THEN it keeps its index, which names it in explanations', () => {
    // Dropping the statement used to renumber the ones after it: the strict reading's explanations named "statement #0"
    // for what the template has as statement #1 (found by mutation testing, 2026-12-01).
    const encrypt = { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' };
    const policy = doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: U }, encrypt);
    expect(readPolicy(policy, 'strict', false)).toEqual(doc({ Effect: 'Allow', NotAction: '*', Resource: '*' }, encrypt));
    expect(readPolicy(doc({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: U }, encrypt), 'permissive', true)).toEqual(doc(NOTHING, encrypt));
  });

  test('GIVEN a policy without placeholders WHEN read either way THEN it is returned as it is', () => {
    const policy = doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' });
    expect(readPolicy(policy, 'strict', true)).toBe(policy);
    expect(readPolicy(policy, 'permissive', true)).toBe(policy);
  });

  test('GIVEN an Allow with an unresolved principal WHEN read THEN strict puts a statement that matches nothing in its place and permissive opens it to everyone', () => {
    const known = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/a' }, Action: 'kms:Decrypt', Resource: '*' };
    const policy = doc(known, { Sid: 'X', Effect: 'Allow', Principal: { AWS: [U, 'arn:aws:iam::111122223333:role/b'] }, Action: 'kms:Encrypt', Resource: '*' });
    expect(readPolicy(policy, 'strict', true)).toEqual(doc(known, NOTHING));
    expect(readPolicy(policy, 'permissive', true)).toEqual(doc(known, { Sid: 'X', Effect: 'Allow', Principal: '*', Action: 'kms:Encrypt', Resource: '*' }));
  });

  test('GIVEN a Deny with unresolved condition values WHEN read THEN strict widens it (the unknown keys go) and permissive drops it', () => {
    const deny = {
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': `vpce-${U}`, 'aws:SourceVpc': 'vpc-1' }, Bool: { [`aws:${U}`]: 'true' } },
    };
    expect(readPolicy(doc(deny), 'strict', true)).toEqual(doc({ ...deny, Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } } }));
    expect(readPolicy(doc(deny), 'permissive', true)).toEqual(doc(NOTHING));
  });

  test('GIVEN unresolved Action, Resource and Not-elements WHEN widened THEN X becomes "*", unknown NotX entries go, an emptied NotX becomes X "*"', () => {
    const st = { Effect: 'Allow', Action: ['kms:Decrypt', U], NotResource: [U], NotPrincipal: { AWS: [U, '111122223333'] } };
    expect(readPolicy(doc(st), 'permissive', false)).toEqual(doc({ Effect: 'Allow', Action: '*', Resource: '*', NotPrincipal: { AWS: ['111122223333'] } }));
    const onlyUnknown = { Effect: 'Allow', NotAction: U, Resource: U, NotPrincipal: { AWS: U }, Condition: U };
    expect(readPolicy(doc(onlyUnknown), 'permissive', false)).toEqual(doc({ Effect: 'Allow', Action: '*', Resource: '*', Principal: '*' }));
  });

  test('GIVEN unknown statements, effects and documents WHEN read THEN strict denies everything and permissive allows everything', () => {
    expect(readPolicy(U, 'strict', true)).toEqual(doc({ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }));
    expect(readPolicy({ Statement: U }, 'permissive', false)).toEqual(doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
    expect(readPolicy(doc(U), 'permissive', false)).toEqual(doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
    const unknownEffect = { Effect: U, Action: 'kms:Decrypt', Resource: '*' };
    expect(readPolicy(doc(unknownEffect), 'strict', false)).toEqual(doc({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }));
    expect(readPolicy(doc(unknownEffect), 'permissive', false)).toEqual(doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }));
  });
});

describe('unresolvedStatements', () => {
  test('GIVEN statements with placeholders WHEN listed THEN each is named by Sid or index, with its placeholders', () => {
    const policy = doc({ Sid: 'A', Effect: 'Allow', Principal: { AWS: U } }, { Effect: 'Allow', Resource: '*' }, { Effect: 'Deny', Resource: ['<unresolved:Ref X>', U] });
    expect(unresolvedStatements(policy)).toEqual(['Sid "A" (<unresolved:Fn::If>)', 'statement #2 (<unresolved:Ref X>, <unresolved:Fn::If>)']);
    expect(unresolvedStatements(U)).toEqual(['the whole document (<unresolved:Fn::If>)']);
    expect(unresolvedStatements(doc({ Effect: 'Allow' }))).toEqual([]);
  });
});
