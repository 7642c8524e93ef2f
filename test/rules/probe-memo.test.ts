import { kmsInlinePolicy, modelOfResources, policyDocument, roleResource } from './helpers';
import { AccountWideDelegation } from '../../src/rules/KmsGuard-AccountWideDelegation';
import * as probe from '../../src/rules/support/probe';
import { ProbeMemo, resourceMatches } from '../../src/rules/support/probe-memo';

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/1111aaaa-2222-bbbb-3333-cccc4444dddd';
const OTHER = 'arn:aws:kms:us-east-1:111122223333:key/9999aaaa-2222-bbbb-3333-cccc4444dddd';
const doc = policyDocument;

describe('resourceMatches: which statements match a key by Resource, as the evaluator matches them', () => {
  test.each([
    ['Resource "*"', doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), '1|'],
    ['the key\'s own ARN', doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: ARN }), '1|'],
    ['another key\'s ARN', doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: OTHER }), '0|'],
    ['a list holding the key', doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: [OTHER, ARN] }), '1|'],
    ['a pattern for every key of the account', doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:*:111122223333:key/*' }), '1|'],
    ['a pattern for another account', doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:*:444455556666:key/*' }), '0|'],
    ['NotResource of another key', doc({ Effect: 'Allow', Action: 'kms:Decrypt', NotResource: OTHER }), '1|'],
    ['NotResource of the key', doc({ Effect: 'Allow', Action: 'kms:Decrypt', NotResource: ARN }), '0|'],
    ['no Resource', doc({ Effect: 'Allow', Action: 'kms:Decrypt' }), '0|'],
    ['two statements, two documents', [doc({ Effect: 'Allow', Resource: '*' }, { Effect: 'Deny', Resource: OTHER }), doc({ Effect: 'Deny', Resource: ARN })], '10|1|'],
    // The evaluator refuses it whatever the key: nothing to tell keys apart by.
    ['a document that is not an object', 'not a policy', '|'],
  ])('%s', (_name, documents, expected) => {
    expect(resourceMatches(Array.isArray(documents) ? documents : [documents], ARN)).toBe(expected);
  });

  test.each([
    ['a policy variable', doc({ Effect: 'Allow', Resource: 'arn:aws:kms:*:${aws:PrincipalAccount}:key/*' })],
    ['an escaped wildcard', doc({ Effect: 'Allow', Resource: 'arn:aws:kms:*:111122223333:key/${*}' })],
    ['a value that is not a string', doc({ Effect: 'Allow', Resource: { 'Fn::GetAtt': ['Key', 'Arn'] } })],
  ])('%s: cannot be matched ahead of time (undefined: the probe is not shared)', (_name, document) => {
    expect(resourceMatches([document], ARN)).toBeUndefined();
  });
});

describe('ProbeMemo.setting: keys the evaluator decides alike, apart from Resource matching, share a setting', () => {
  const key = (arn: string, extra: Record<string, unknown> = {}) => ({ arn, ...extra }) as any;
  const properties = { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', aliases: [], tags: {} };
  const policy = doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' });

  test('same policy, properties and environment: one setting; any difference: another', () => {
    const memo = new ProbeMemo();
    const base = memo.setting(key(ARN), policy, { arn: ARN, policy, ...properties });
    expect(base).toBeDefined();
    expect(memo.setting(key(OTHER), policy, { arn: OTHER, policy, ...properties })).toBe(base);
    const others = [
      memo.setting(key(ARN.replace('us-east-1', 'eu-west-1')), policy, properties),
      memo.setting(key(ARN.replace('111122223333', '444455556666')), policy, properties),
      memo.setting(key(ARN.replace('arn:aws:', 'arn:aws-cn:')), policy, properties),
      memo.setting(key(ARN), policy, { ...properties, aliases: ['alias/orders'] }),
      memo.setting(key(ARN), policy, { ...properties, tags: { team: 'orders' } }),
      memo.setting(key(ARN), policy, { ...properties, keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }),
      memo.setting(key(ARN), policy, { ...properties, multiRegion: true }),
      memo.setting(key(ARN), doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:Decrypt', Resource: '*' }), properties),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  test('a key ARN that is not a plain key ARN (a token, a wildcard) gets no setting: its probes are not shared', () => {
    const memo = new ProbeMemo();
    expect(memo.setting(key('${Token[TOKEN.12]}'), policy, properties)).toBeUndefined();
    expect(memo.setting(key('arn:aws:kms:us-east-1:111122223333:key/*'), policy, properties)).toBeUndefined();
  });
});

/**
 * Keys that differ in what the evaluator reads (aliases, tags, spec, policy) and principals whose IAM policies reach
 * them in every way the memo must tell apart: "*", an account pattern, a literal ARN, NotResource, a policy variable,
 * conditions on the key's tags and aliases, a Deny of one key, a permissions boundary naming one key.
 */
function sharingApp() {
  const arnOf = (k: string) => ({ 'Fn::GetAtt': [k, 'Arn'] });
  const defaultKey = (properties: Record<string, unknown> = {}) => ({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, ...properties } });
  const role = (name: string, statements: unknown[], extra: Record<string, unknown> = {}) =>
    roleResource(name, name, [kmsInlinePolicy(...statements)], extra);
  const orgKey = () => ({
    Type: 'AWS::KMS::Key',
    Properties: {
      EnableKeyRotation: true,
      KeyPolicy: doc(
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': { 'Fn::ImportValue': 'org-id' } } } },
      ),
    },
  });
  return modelOfResources({
    K0: defaultKey(),
    K1: defaultKey(),
    K2: defaultKey(),
    K3: defaultKey(),
    K3Alias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/orders', TargetKeyId: { Ref: 'K3' } } },
    K4: defaultKey({ Tags: [{ Key: 'team', Value: 'orders' }] }),
    K5: defaultKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
    K6: {
      Type: 'AWS::KMS::Key',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: doc(
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111122223333:role/Star' }, Action: 'kms:Decrypt', Resource: '*' },
        ),
      },
    },
    // A value unknown offline: the key policies are read strictly, and their probes are not shared, though K7 and K8
    // are alike.
    K7: orgKey(),
    K8: orgKey(),
    Boundary: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { PolicyDocument: doc({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: arnOf('K3') }) },
    },
    NotRes: role('NotRes', [{ Effect: 'Allow', Action: 'kms:Decrypt', NotResource: arnOf('K2') }]),
    TagCond: role('TagCond', [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'orders' } } }]),
    AliasCond: role('AliasCond', [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' } } }]),
    SpecCond: role('SpecCond', [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Sign'], Resource: '*', Condition: { StringEquals: { 'kms:KeySpec': 'RSA_2048' } } }]),
    Bounded: role('Bounded', [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' }], { PermissionsBoundary: { Ref: 'Boundary' } }),
    DenyOne: role('DenyOne', [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }, { Effect: 'Deny', Action: 'kms:Decrypt', Resource: arnOf('K0') }]),
    Star: role('Star', [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' }]),
    Pattern: role('Pattern', [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:*:111122223333:key/*' }]),
    Literal: role('Literal', [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: arnOf('K1') }, { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }]),
    Variable: role('Variable', [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:*:${aws:PrincipalAccount}:key/*' }]),
  });
}

describe('KmsGuard-AccountWideDelegation with the memo decides as without it', () => {
  test('the same findings, word for word, with fewer probes', () => {
    const model = sharingApp();
    const spy = jest.spyOn(probe, 'probeActions');
    const shared = AccountWideDelegation.check(model);
    const sharedProbes = spy.mock.calls.length;
    spy.mockClear();
    const noSharing = jest.spyOn(ProbeMemo.prototype, 'setting').mockReturnValue(undefined);
    const alone = AccountWideDelegation.check(model);
    const aloneProbes = spy.mock.calls.length;
    noSharing.mockRestore();
    spy.mockRestore();
    expect(shared).toEqual(alone);
    expect(alone.length).toBe(9);
    // Keys K0-K2 share their setting: Star, Pattern, TagCond, AliasCond, SpecCond and Bounded are asked once for them.
    expect(sharedProbes).toBeLessThan(aloneProbes);
  });

  /** What each key's finding says about who can use it (at most five named, the rest counted). */
  const WHO: Record<string, string> = {
    // The default policy; NotRes excludes only K2, DenyOne denies itself Decrypt on K0, Literal decrypts with K1 only.
    K0: 'role S/NotRes (kms:Decrypt); role S/DenyOne (kms:DeriveSharedSecret, kms:Encrypt, kms:GenerateDataKey and 39 more); role S/Star (kms:Decrypt, kms:Encrypt); role S/Pattern (kms:Decrypt); role S/Literal (kms:Encrypt); and 1 more',
    K1: 'role S/NotRes (kms:Decrypt); role S/DenyOne (kms:Decrypt, kms:DeriveSharedSecret, kms:Encrypt and 40 more); role S/Star (kms:Decrypt, kms:Encrypt); role S/Pattern (kms:Decrypt); role S/Literal (kms:Decrypt, kms:Encrypt); and 1 more',
    K2: 'role S/DenyOne (kms:Decrypt, kms:DeriveSharedSecret, kms:Encrypt and 40 more); role S/Star (kms:Decrypt, kms:Encrypt); role S/Pattern (kms:Decrypt); role S/Literal (kms:Encrypt); role S/Variable (kms:Decrypt)',
    // The alias lets AliasCond in; the boundary names K3 only.
    K3: 'role S/NotRes (kms:Decrypt); role S/AliasCond (kms:Decrypt); role S/Bounded (kms:Decrypt, kms:Encrypt); role S/DenyOne (kms:Decrypt, kms:DeriveSharedSecret, kms:Encrypt and 40 more); role S/Star (kms:Decrypt, kms:Encrypt); and 3 more',
    K4: 'role S/NotRes (kms:Decrypt); role S/TagCond (kms:Decrypt); role S/DenyOne (kms:Decrypt, kms:DeriveSharedSecret, kms:Encrypt and 40 more); role S/Star (kms:Decrypt, kms:Encrypt); role S/Pattern (kms:Decrypt); and 2 more',
    K5: 'role S/NotRes (kms:Decrypt); role S/SpecCond (kms:Decrypt, kms:Sign); role S/DenyOne (kms:Decrypt, kms:DeriveSharedSecret, kms:Encrypt and 40 more); role S/Star (kms:Decrypt, kms:Encrypt); role S/Pattern (kms:Decrypt); and 2 more',
    // The key policy denies Star kms:Decrypt.
    K6: 'role S/NotRes (kms:Decrypt); role S/DenyOne (kms:Decrypt, kms:DeriveSharedSecret, kms:Encrypt and 40 more); role S/Star (kms:Encrypt); role S/Pattern (kms:Decrypt); role S/Literal (kms:Encrypt); and 1 more',
  };

  test('K7 and K8, read strictly (an unknown organization id): each principal asked for each key, the Deny taken as applying', () => {
    const model = sharingApp();
    const spy = jest.spyOn(probe, 'probeActions');
    const findings = AccountWideDelegation.check(model);
    const probed = (id: string) => spy.mock.calls.filter(([key]) => key.logicalId === id).length;
    const counts = [probed('K7'), probed('K8'), probed('K1'), probed('K2')];
    spy.mockRestore();
    // K1 and K2 (the default policy) share most of their probes with K0; K7 and K8 share none.
    expect(counts[0]).toBe(10);
    expect(counts[1]).toBe(10);
    expect(counts[2] + counts[3]).toBeLessThan(10);
    for (const id of ['K7', 'K8']) expect(findings.find((f) => f.location.logicalId === id)?.message).toContain('role S/Star (kms:Encrypt)');
  });

  test.each(Object.entries(WHO))('%s: who can use it, told apart from the keys it shares nothing with', (keyId, who) => {
    const finding = AccountWideDelegation.check(sharingApp()).find((f) => f.location.logicalId === keyId);
    expect(finding?.message).toContain(`Who can: in this app: ${who}; and any principal of 111122223333`);
  });
});

describe('mutation survivors of sample 2 (docs/mutation-testing.md): what the memo must not share', () => {
  test('resourceMatches: an empty NotResource list matches no key, as the evaluator reads it (no patterns: the statement never applies, compiled-policy.ts)', () => {
    expect(resourceMatches([doc({ Effect: 'Allow', Action: 'kms:Decrypt', NotResource: [] })], ARN)).toBe('0|');
  });

  test('ProbeMemo.probe: documents that cannot be matched ahead of time (a policy variable in a Resource) are asked for every key, even in one setting', () => {
    const memo = new ProbeMemo();
    const caller = {};
    // The variable is filled in per request (IAM UG reference_policies_variables.md): whether the statement covers a
    // key is known only then, so two keys of one setting may get different outcomes.
    const documents = [doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:*:*:key/${aws:PrincipalTag/key-id}' })];
    const outcomes = [{ allowed: [{ action: 'kms:Decrypt' }] }, { allowed: [] }] as any[];
    let asked = 0;
    const ask = jest.fn((): any => outcomes[asked++]);
    expect(memo.probe(0, caller, ['kms:Decrypt'], documents, ARN, ask)).toBe(outcomes[0]);
    expect(memo.probe(0, caller, ['kms:Decrypt'], documents, OTHER, ask)).toBe(outcomes[1]);
    expect(ask).toHaveBeenCalledTimes(2);
  });

  test('ProbeMemo.probe: one setting, one caller, the same actions and Resource matches: asked once; another caller: asked again', () => {
    const memo = new ProbeMemo();
    const documents = [doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })];
    const ask = jest.fn(() => ({ allowed: [] }) as any);
    const first = {};
    memo.probe(0, first, ['kms:Decrypt', 'kms:Encrypt'], documents, ARN, ask);
    memo.probe(0, first, ['kms:Decrypt', 'kms:Encrypt'], documents, OTHER, ask);
    expect(ask).toHaveBeenCalledTimes(1);
    memo.probe(0, {}, ['kms:Decrypt', 'kms:Encrypt'], documents, OTHER, ask);
    memo.probe(0, first, ['kms:Decrypt'], documents, OTHER, ask);
    expect(ask).toHaveBeenCalledTimes(3);
  });

  test('KmsGuard-AccountWideDelegation: a permissions boundary naming one of two keys of one setting is told apart (the boundary is among the documents the memo matches)', () => {
    // A boundary caps what the identity policy allows (IAM UG reference_policies_evaluation-logic.md): the role may
    // use K1 only, though its identity policy names every key, and K0 and K1 are otherwise alike.
    const model = modelOfResources({
      K0: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
      K1: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
      Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['K1', 'Arn'] } }) } },
      Bounded: roleResource('Bounded', 'Bounded', [kmsInlinePolicy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })], { PermissionsBoundary: { Ref: 'Boundary' } }),
    });
    const who = (id: string) => AccountWideDelegation.check(model).find((f) => f.location.logicalId === id)?.message.replace(/^.*Who can: /, '').replace(/; and any principal.*$/, '');
    expect(who('K0')).toBe('no principal of this app is allowed through it yet');
    expect(who('K1')).toBe('in this app: role S/Bounded (kms:Decrypt)');
  });
});
