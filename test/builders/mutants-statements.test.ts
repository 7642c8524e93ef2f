/**
 * Kills mutants of the statement builders that only the construct tests reached (issue 10, docs/mutation-testing.md):
 * contradictory conditions, the split of a grant around its required encryption context, the alias-scoped identity
 * statement, and the capability table. Where a statement's meaning matters, the bundled evaluator decides requests
 * against it, so a test fails when the JSON says something else, not only when its spelling changes.
 */
import { capabilityActions, splitByEncryptionContext } from '../../src/builders/capabilities';
import { identityStatements } from '../../src/builders/identity-statements';
import {
  administratorStatement, deletionProtectionStatement, encryptionContextConditions, organizationBoundaryStatement, usageStatements,
  viaServiceCondition,
} from '../../src/builders/key-policy-statements';
import { StatementJson, mergeConditions, mergeConditionsOrThrow } from '../../src/builders/policy-json';
import { KmsAccessEvaluator } from '../../src/evaluator/kms-access-evaluator';
import { ENCRYPTION_CONTEXT_ACTIONS, PermissionSets } from '../../src/policy/catalogue';

const ACCOUNT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;

/** The decision for `action` by `caller` on KEY, whose key policy is exactly `statements`. */
function decide(
  statements: StatementJson[], caller: string, action: string, encryptionContext?: Record<string, string>, identity?: StatementJson[],
): string {
  const result = KmsAccessEvaluator.evaluate({
    key: { arn: KEY, policy: { Version: '2012-10-17', Statement: statements } },
    caller: { arn: caller, ...(identity ? { identityPolicies: [{ Version: '2012-10-17', Statement: identity }] } : {}) },
    request: { action, ...(encryptionContext ? { encryptionContext } : {}) },
  });
  expect(result.errors).toEqual([]);
  return result.decision;
}

describe('mergeConditions', () => {
  test('blocks on different operators and keys merge into one block that requires all of them', () => {
    expect(mergeConditions(
      { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      undefined,
      { StringEquals: { 'kms:CallerAccount': ACCOUNT }, Bool: { 'aws:SecureTransport': 'true' } },
    )).toEqual({
      merged: {
        StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT },
        Bool: { 'aws:SecureTransport': 'true' },
      },
    });
  });

  test('the same operator and key with the same value is no conflict', () => {
    const block = { StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com', 'sqs.us-east-1.amazonaws.com'] } };
    expect(mergeConditions(block, { StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com', 'sqs.us-east-1.amazonaws.com'] } }))
      .toEqual({ merged: block });
  });

  test('nothing to merge gives no condition block at all, not an empty one', () => {
    expect(mergeConditions()).toEqual({ merged: undefined });
    expect(mergeConditions(undefined, {})).toEqual({ merged: undefined });
    expect(mergeConditionsOrThrow(undefined)).toBeUndefined();
  });

  test('the same operator and key with another value is a conflict that names both values: IAM would OR them', () => {
    const result = mergeConditions(
      { StringEquals: { 'kms:EncryptionContext:app': 'orders' } },
      { StringEquals: { 'kms:EncryptionContext:app': 'billing' } },
    );
    expect(result).toEqual({ conflict: 'StringEquals kms:EncryptionContext:app is required to be both "orders" and "billing"' });
    expect(() => mergeConditionsOrThrow(
      { StringEquals: { 'kms:EncryptionContext:app': 'orders' } },
      { StringEquals: { 'kms:EncryptionContext:app': 'billing' } },
    )).toThrow('contradictory conditions: StringEquals kms:EncryptionContext:app is required to be both "orders" and "billing"');
  });

  test('a conflict in a later block is found after earlier blocks merged', () => {
    expect(mergeConditions(
      { Bool: { 'aws:SecureTransport': 'true' } },
      { StringEquals: { 'kms:ViaService': 'a' } },
      { StringEquals: { 'kms:ViaService': 'b' } },
    ).conflict).toBe('StringEquals kms:ViaService is required to be both "a" and "b"');
  });

  test('merging does not change the blocks it was given', () => {
    const first = { StringEquals: { 'kms:ViaService': 'a' } };
    mergeConditions(first, { StringEquals: { 'kms:CallerAccount': ACCOUNT } });
    expect(first).toEqual({ StringEquals: { 'kms:ViaService': 'a' } });
  });
});

describe('usageStatements', () => {
  const named = { kind: 'named' as const, principal: { AWS: ROLE } };

  test('without a required encryption context: one statement with every action and the given conditions', () => {
    expect(usageStatements({ sid: 'Use', target: named, actions: ['kms:Decrypt', 'kms:DescribeKey'], conditions: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }))
      .toEqual([{
        Sid: 'Use',
        Effect: 'Allow',
        Principal: { AWS: ROLE },
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      }]);
  });

  test('a single action is written as a string, and no conditions means no Condition element', () => {
    const statements = usageStatements({ sid: 'Use', target: named, actions: ['kms:Decrypt'] });
    expect(statements).toEqual([{ Sid: 'Use', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*' }]);
    expect(Object.keys(statements[0])).toEqual(['Sid', 'Effect', 'Principal', 'Action', 'Resource']);
  });

  test('with a required encryption context: the context half carries it, DescribeKey stays usable without one', () => {
    const statements = usageStatements({ sid: 'Use', target: named, actions: ['kms:Decrypt', 'kms:DescribeKey'], encryptionContext: { app: 'orders' } });
    expect(statements).toEqual([
      { Sid: 'UseCtx', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'orders' } } },
      { Sid: 'Use', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:DescribeKey', Resource: '*' },
    ]);
    // What the statements mean (conditions-kms.md, kms:EncryptionContext:context-key).
    expect(decide(statements, ROLE, 'kms:Decrypt', { app: 'orders' })).toBe('allow');
    expect(decide(statements, ROLE, 'kms:Decrypt', { app: 'billing' })).toBe('implicit-deny');
    expect(decide(statements, ROLE, 'kms:Decrypt')).toBe('implicit-deny');
    expect(decide(statements, ROLE, 'kms:DescribeKey')).toBe('allow');
  });

  test('only context actions: no context-free statement is written', () => {
    expect(usageStatements({ sid: 'Use', target: named, actions: ['kms:Decrypt'], encryptionContext: { app: 'orders' } }).map((s) => s.Sid)).toEqual(['UseCtx']);
  });

  test('a delegated target is the account principal narrowed by its condition, ANDed with the given conditions', () => {
    const statements = usageStatements({
      sid: 'Use',
      target: { kind: 'delegated', account: ACCOUNT, partition: 'aws', narrowing: { ArnEquals: { 'aws:PrincipalArn': ROLE } } },
      actions: ['kms:Decrypt'],
      conditions: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
    expect(statements).toEqual([{
      Sid: 'Use',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }, ArnEquals: { 'aws:PrincipalArn': ROLE } },
    }]);
    // The account principal delegates to IAM: the narrowed role with an IAM allow may decrypt, another role may not.
    const narrowedOnly = usageStatements({
      sid: 'Use', target: { kind: 'delegated', account: ACCOUNT, partition: 'aws', narrowing: { ArnEquals: { 'aws:PrincipalArn': ROLE } } }, actions: ['kms:Decrypt'],
    });
    const iam: StatementJson[] = [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }];
    expect(decide(narrowedOnly, ROLE, 'kms:Decrypt', undefined, iam)).toBe('allow');
    expect(decide(narrowedOnly, `arn:aws:iam::${ACCOUNT}:role/other`, 'kms:Decrypt', undefined, iam)).toBe('implicit-deny');
  });

  test('a delegated target in another partition names that partition\'s account principal', () => {
    const [s] = usageStatements({ sid: 'Use', target: { kind: 'delegated', account: ACCOUNT, partition: 'aws-cn', narrowing: { ArnEquals: { 'aws:PrincipalArn': 'x' } } }, actions: ['kms:Decrypt'] });
    expect(s.Principal).toEqual({ AWS: `arn:aws-cn:iam::${ACCOUNT}:root` });
  });

  test('conflicting conditions are an error: a given condition against the narrowing, and a given context against the required one', () => {
    expect(() => usageStatements({
      sid: 'Use',
      target: { kind: 'delegated', account: ACCOUNT, partition: 'aws', narrowing: { ArnEquals: { 'aws:PrincipalArn': ROLE } } },
      actions: ['kms:Decrypt'],
      conditions: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/other` } },
    })).toThrow(/^contradictory conditions: ArnEquals aws:PrincipalArn is required to be both/);
    expect(() => usageStatements({
      sid: 'Use',
      target: named,
      actions: ['kms:Decrypt'],
      conditions: { StringEquals: { 'kms:EncryptionContext:app': 'billing' } },
      encryptionContext: { app: 'orders' },
    })).toThrow('contradictory conditions: StringEquals kms:EncryptionContext:app is required to be both "billing" and "orders"');
  });
});

describe('identityStatements', () => {
  test('by key ARN: the statement is scoped to the key and carries the conditions', () => {
    expect(identityStatements({ sid: 'Use', key: { kind: 'arn', keyArn: KEY }, actions: ['kms:Decrypt', 'kms:DescribeKey'], conditions: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }))
      .toEqual([{ Sid: 'Use', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: KEY, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }]);
    expect(identityStatements({ sid: 'Use', key: { kind: 'arn', keyArn: KEY }, actions: ['kms:Decrypt'] }))
      .toEqual([{ Sid: 'Use', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }]);
  });

  test('by alias: every key of the owner account and Region, narrowed by kms:ResourceAliases, split around the context', () => {
    const statements = identityStatements({
      sid: 'Use',
      key: { kind: 'alias', partition: 'aws', region: 'us-east-1', account: ACCOUNT, aliasName: 'alias/orders' },
      actions: ['kms:Decrypt', 'kms:DescribeKey'],
      encryptionContext: { app: 'orders' },
    });
    const scoped = { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' } };
    expect(statements).toEqual([
      { Sid: 'UseCtx', Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`, Condition: { ...scoped, StringEquals: { 'kms:EncryptionContext:app': 'orders' } } },
      { Sid: 'Use', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`, Condition: scoped },
    ]);
  });

  test('a given kms:ResourceAliases condition that names another alias contradicts the alias scope', () => {
    expect(() => identityStatements({
      sid: 'Use',
      key: { kind: 'alias', partition: 'aws', region: 'us-east-1', account: ACCOUNT, aliasName: 'alias/orders' },
      actions: ['kms:Decrypt'],
      conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/other' } },
    })).toThrow('contradictory conditions: ForAnyValue:StringEquals kms:ResourceAliases is required to be both "alias/other" and "alias/orders"');
  });

  test('a given encryption-context condition that contradicts the required context is an error', () => {
    expect(() => identityStatements({
      sid: 'Use',
      key: { kind: 'arn', keyArn: KEY },
      actions: ['kms:Encrypt'],
      conditions: { StringEquals: { 'kms:EncryptionContext:team': 'a' } },
      encryptionContext: { team: 'b' },
    })).toThrow(/contradictory conditions/);
  });
});

describe('fixed key-policy statements', () => {
  test('administrators may manage the key and put its policy, and use it for nothing cryptographic', () => {
    const s = administratorStatement([ROLE]);
    expect(s).toEqual({ Sid: 'KeyAdministration', Effect: 'Allow', Principal: { AWS: [ROLE] }, Action: [...PermissionSets.administer], Resource: '*' });
    expect(decide([s], ROLE, 'kms:PutKeyPolicy')).toBe('allow');
    expect(decide([s], ROLE, 'kms:Decrypt')).toBe('implicit-deny');
  });

  test('deletion protection denies everyone but the break-glass principals', () => {
    const breakGlass = `arn:aws:iam::${ACCOUNT}:role/break-glass`;
    const deny = deletionProtectionStatement([breakGlass]);
    expect(deny).toEqual({
      Sid: 'DenyKeyDeletionExceptBreakGlass',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'],
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [breakGlass] } },
    });
    const allowAll: StatementJson = { Effect: 'Allow', Principal: { AWS: [ROLE, breakGlass] }, Action: 'kms:*', Resource: '*' };
    expect(decide([allowAll, deny], ROLE, 'kms:ScheduleKeyDeletion')).toBe('explicit-deny');
    expect(decide([allowAll, deny], breakGlass, 'kms:ScheduleKeyDeletion')).toBe('allow');
    // Without break-glass principals the deny is unconditional.
    expect(deletionProtectionStatement([]).Condition).toBeUndefined();
  });

  test('the organization boundary denies principals of other organizations, not AWS services', () => {
    expect(organizationBoundaryStatement('o-a1b2c3d4e5')).toEqual({
      Sid: 'DenyPrincipalsOutsideOrganization',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    });
  });
});

describe('condition helpers', () => {
  test('encryptionContextConditions: one StringEquals key per pair, none for an empty or absent context', () => {
    expect(encryptionContextConditions({ app: 'orders', team: 'a' })).toEqual({ StringEquals: { 'kms:EncryptionContext:app': 'orders', 'kms:EncryptionContext:team': 'a' } });
    expect(encryptionContextConditions({})).toBeUndefined();
    expect(encryptionContextConditions(undefined)).toBeUndefined();
  });

  test('viaServiceCondition: short names get the Region\'s endpoint, full names stay, one value is a string', () => {
    expect(viaServiceCondition([], 'eu-west-1')).toBeUndefined();
    expect(viaServiceCondition(['s3'], 'eu-west-1')).toEqual({ StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } });
    expect(viaServiceCondition(['s3', 'secretsmanager.us-east-1.amazonaws.com'], 'eu-west-1'))
      .toEqual({ StringEquals: { 'kms:ViaService': ['s3.eu-west-1.amazonaws.com', 'secretsmanager.us-east-1.amazonaws.com'] } });
  });
});

describe('capabilities', () => {
  test.each([
    ['encrypt', PermissionSets.encrypt],
    ['decrypt', PermissionSets.decrypt],
    ['generate-data-key', PermissionSets.generateDataKey],
    ['generate-data-key-pair', PermissionSets.generateDataKeyPair],
    ['sign', PermissionSets.sign],
    ['verify', PermissionSets.verify],
    ['generate-mac', PermissionSets.generateMac],
    ['verify-mac', PermissionSets.verifyMac],
    ['grant-for-aws-resource', PermissionSets.grantManagement],
  ] as const)('%s is its permission set', (name, actions) => {
    expect(capabilityActions([name])).toEqual([...actions]);
  });

  test('combined capabilities are the union, de-duplicated, in declaration order', () => {
    expect(capabilityActions(['encrypt-decrypt'])).toEqual(['kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey', 'kms:Decrypt', 'kms:ReEncryptFrom']);
    expect(capabilityActions(['sign-verify'])).toEqual(['kms:Sign', 'kms:GetPublicKey', 'kms:DescribeKey', 'kms:Verify']);
    expect(capabilityActions(['decrypt', 'decrypt'])).toEqual([...PermissionSets.decrypt]);
    expect(capabilityActions([])).toEqual([]);
  });

  test('splitByEncryptionContext: every action stays together without a context; with one, only context actions carry it', () => {
    const actions = ['kms:Decrypt', 'kms:DescribeKey', 'kms:GetPublicKey', 'kms:Encrypt'];
    expect(splitByEncryptionContext(actions, false)).toEqual({ withContext: [], withoutContext: actions });
    expect(splitByEncryptionContext(actions, true)).toEqual({ withContext: ['kms:Decrypt', 'kms:Encrypt'], withoutContext: ['kms:DescribeKey', 'kms:GetPublicKey'] });
    for (const a of splitByEncryptionContext(actions, true).withContext) expect(ENCRYPTION_CONTEXT_ACTIONS).toContain(a);
  });
});
