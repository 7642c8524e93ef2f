import { EndpointPolicySids, endpointOnlyStatement, sharedEndpointStatements } from '../../src/builders/endpoint-statements';
import { KeyReference } from '../../src/builders/identity-statements';

const ACCOUNT = '111122223333';
const byArn = (keyArn: string): KeyReference => ({ kind: 'arn', keyArn });
const byAlias = (aliasName: string, account = ACCOUNT, region = 'us-east-1'): KeyReference => ({ kind: 'alias', partition: 'aws', region, account, aliasName });

describe('sharedEndpointStatements', () => {
  test('by default, allows the guarded keys and every other KMS use, both for the endpoint principals only', () => {
    // GIVEN / WHEN
    const statements = sharedEndpointStatements({ keys: [byArn('arn:aws:kms:us-east-1:111122223333:key/a')], principals: [ACCOUNT], restrictToGuardedKeys: false });
    // THEN
    expect(statements).toEqual([
      { Sid: 'AllowGuardedKeys', Effect: 'Allow', Principal: { AWS: [ACCOUNT] }, Action: 'kms:*', Resource: ['arn:aws:kms:us-east-1:111122223333:key/a'] },
      { Sid: 'AllowOtherKmsUse', Effect: 'Allow', Principal: { AWS: [ACCOUNT] }, Action: 'kms:*', Resource: '*' },
    ]);
  });

  test('restricted, allows only the guarded keys', () => {
    const statements = sharedEndpointStatements({ keys: [byArn('k1'), byArn('k2')], principals: [ACCOUNT], restrictToGuardedKeys: true });
    expect(statements.map((s) => s.Sid)).toEqual([EndpointPolicySids.guardedKeys]);
    expect(statements[0].Resource).toEqual(['k1', 'k2']);
  });

  test('names keys by alias with kms:ResourceAliases, one statement per account and Region, in the order they appear', () => {
    const statements = sharedEndpointStatements({
      keys: [byAlias('alias/a'), byAlias('alias/b', '444455556666'), byAlias('alias/c')],
      principals: [ACCOUNT],
      restrictToGuardedKeys: true,
    });
    expect(statements).toEqual([
      {
        Sid: 'AllowGuardedKeysByAlias',
        Effect: 'Allow',
        Principal: { AWS: [ACCOUNT] },
        Action: 'kms:*',
        Resource: 'arn:aws:kms:us-east-1:111122223333:key/*',
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/a', 'alias/c'] } },
      },
      {
        Sid: 'AllowGuardedKeysByAlias2',
        Effect: 'Allow',
        Principal: { AWS: [ACCOUNT] },
        Action: 'kms:*',
        Resource: 'arn:aws:kms:us-east-1:444455556666:key/*',
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/b' } },
      },
    ]);
  });

  test('lists a key or a principal once however often it is given', () => {
    const statements = sharedEndpointStatements({
      keys: [byArn('k1'), byArn('k1'), byAlias('alias/a'), byAlias('alias/a')],
      principals: [ACCOUNT, ACCOUNT],
      restrictToGuardedKeys: true,
    });
    expect(statements[0]).toMatchObject({ Principal: { AWS: [ACCOUNT] }, Resource: ['k1'] });
    expect(statements[1].Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/a' } });
  });

  test('only grows as keys are added: earlier statements keep their Sids, and new ones come after them', () => {
    const keys = [byAlias('alias/a'), byArn('k1'), byAlias('alias/x', '444455556666')];
    const sidsAfter = (n: number) => sharedEndpointStatements({ keys: keys.slice(0, n), principals: [ACCOUNT], restrictToGuardedKeys: true })
      .map((s) => s.Sid);
    expect(sidsAfter(1)).toEqual(['AllowGuardedKeysByAlias']);
    expect(sidsAfter(2)).toEqual(['AllowGuardedKeys', 'AllowGuardedKeysByAlias']);
    expect(sidsAfter(3)).toEqual(['AllowGuardedKeys', 'AllowGuardedKeysByAlias', 'AllowGuardedKeysByAlias2']);
  });

  describe('fails', () => {
    test('without principals', () => {
      expect(() => sharedEndpointStatements({ keys: [byArn('k1')], principals: [], restrictToGuardedKeys: false })).toThrow(/at least one principal/);
    });

    test('restricted to guarded keys without any key', () => {
      expect(() => sharedEndpointStatements({ keys: [], principals: [ACCOUNT], restrictToGuardedKeys: true })).toThrow(/at least one key/);
    });
  });
});

describe('endpointOnlyStatement', () => {
  test('denies use unless through a listed endpoint or from a listed VPC, exempting AWS services', () => {
    expect(endpointOnlyStatement(['vpce-1'], ['vpc-1'])).toMatchObject({
      Sid: 'DenyUseOutsideAllowedNetworks',
      Effect: 'Deny',
      Condition: {
        StringNotEquals: { 'aws:SourceVpce': ['vpce-1'], 'aws:SourceVpc': ['vpc-1'] },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' },
      },
    });
  });

  test('fails without an endpoint or a VPC', () => {
    expect(() => endpointOnlyStatement([], [])).toThrow(/at least one endpoint or VPC/);
  });
});
