import { collectMentions, isContainedIn, requestVariants } from '../../src/app-model/request-variants';

const doc = (...statements: unknown[]): unknown => ({ Version: '2012-10-17', Statement: statements });

describe('collectMentions', () => {
  test('GIVEN String conditions on encryption context and kms:ViaService WHEN collected THEN their literal values are candidates', () => {
    const m = collectMentions([
      doc({ Effect: 'Allow', Condition: { StringEquals: { 'kms:EncryptionContext:app': ['orders', 'billing'], 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }),
      doc({ Effect: 'Deny', Condition: { 'StringNotEqualsIfExists': { 'KMS:EncryptionContext:APP': 'audit' }, 'ForAnyValue:StringLike': { 'kms:ViaService': 'rds.*.amazonaws.com' } } }),
      doc({ Effect: 'Allow', Condition: { StringLike: { 'kms:EncryptionContext:tenant': ['t-*', '${aws:PrincipalTag/tenant}', 'fixed'] }, Null: { 'aws:SourceVpce': 'false' } } }),
    ]);
    expect([...m.encryptionContext].map(([k, v]) => [k, [...v]])).toEqual([['app', ['orders', 'billing', 'audit']], ['tenant', ['fixed']]]);
    expect([...m.viaServices]).toEqual(['s3.us-east-1.amazonaws.com']);
    expect(m.sourceVpc).toBe(true);
  });

  test('GIVEN policies without such conditions, or not policies at all WHEN collected THEN nothing is mentioned', () => {
    const m = collectMentions([undefined, 'x', doc({ Effect: 'Allow', Condition: { NumericLessThan: { 'kms:EncryptionContext:n': '3' } } })]);
    expect(m).toEqual({ encryptionContext: new Map(), viaServices: new Set(), sourceVpc: false });
  });
});

describe('requestVariants', () => {
  const mentions = collectMentions([doc({
    Effect: 'Allow',
    Condition: { StringEquals: { 'kms:EncryptionContext:app': 'orders', 'kms:EncryptionContext:env': 'prod', 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'aws:SourceVpce': 'vpce-1' } },
  })]);

  test('GIVEN mentions WHEN variants are built THEN the plain request comes first, then by number of requirements', () => {
    const { variants, truncated } = requestVariants(mentions, ['vpce-1'], true);
    expect(truncated).toBe(false);
    expect(variants).toHaveLength(16);
    expect(variants.slice(0, 5)).toEqual([
      {},
      { encryptionContext: { app: 'orders' } },
      { encryptionContext: { env: 'prod' } },
      { via: 's3.us-east-1.amazonaws.com' },
      { endpoint: 'vpce-1' },
    ]);
    expect(variants[15]).toEqual({ via: 's3.us-east-1.amazonaws.com', encryptionContext: { app: 'orders', env: 'prod' }, endpoint: 'vpce-1' });
  });

  test('GIVEN an action without encryption context, no endpoints, or a low limit WHEN variants are built THEN they shrink accordingly', () => {
    expect(requestVariants(mentions, [], false).variants).toEqual([{}, { via: 's3.us-east-1.amazonaws.com' }]);
    expect(requestVariants(mentions, ['vpce-1'], true, 3)).toEqual({ variants: [{}, { encryptionContext: { app: 'orders' } }, { encryptionContext: { env: 'prod' } }], truncated: true });
  });

  test('GIVEN two variants WHEN compared THEN one is contained in another when all its requirements are', () => {
    expect(isContainedIn({}, { via: 'x' })).toBe(true);
    expect(isContainedIn({ encryptionContext: { a: '1' } }, { encryptionContext: { a: '1', b: '2' }, endpoint: 'e' })).toBe(true);
    expect(isContainedIn({ encryptionContext: { a: '1' } }, { encryptionContext: { a: '2' } })).toBe(false);
    expect(isContainedIn({ via: 'x' }, {})).toBe(false);
    expect(isContainedIn({ endpoint: 'e' }, { endpoint: 'f' })).toBe(false);
  });
});
