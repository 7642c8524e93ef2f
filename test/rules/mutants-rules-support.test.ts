/**
 * Tests written for the mutation run of the rules' shared helpers (src/rules/support: statements.ts, principals.ts,
 * probe.ts, reaching-documents.ts, reader-issues.ts, nearest-action.ts, compiled-parts.ts, actions.ts; the section
 * "src/rules/support" of docs/mutation-testing.md). The tests that reached these files before synthesize CDK apps or
 * load aws-cdk-lib (seconds per mutant), so this file calls the helpers directly, on hand-written policies and models
 * (template-helpers.ts, no aws-cdk-lib). Each row asserts what the AWS page it cites documents, or, for the helpers'
 * own choices (caches, probe accounts, message texts), what the helper's comment says.
 *
 * The helpers remember results per object (documents, statements, models, keys): each row builds its own objects, so
 * that a row's result is computed in that row (Stryker's perTest coverage sees only the first computation).
 */
import { DEFAULT_POLICY_KEY, keyResource, modelOfResources, roleResource } from './template-helpers';
import { AppModel, KmsKeyModel, PrincipalModel } from '../../src/app-model/app-model';
import { KmsAccessEvaluator } from '../../src/evaluator/kms-access-evaluator';
import { ALL_KMS_ACTIONS, CROSS_ACCOUNT_ACTIONS } from '../../src/policy/catalogue';
import {
  CROSS_ACCOUNT_KEY_ACTIONS, CRYPTO_ACTIONS, KEY_POLICY_ACTIONS, MANAGEMENT_ACTIONS, SAME_ACCOUNT_ONLY_ACTIONS, cryptoActionsFor, usesFirst,
} from '../../src/rules/support/actions';
import { compiledCaller, compiledKeyPart, compiledProbeScenario } from '../../src/rules/support/compiled-parts';
import { nearestKmsAction } from '../../src/rules/support/nearest-action';
import {
  accountOf, appPrincipalFor, delegatesToIam, identityActionsOn, identityCandidates, isAccountPrincipal, isLiteral, kmsGrantsOf, roleOrUser,
} from '../../src/rules/support/principals';
import {
  ALLOW_ALL_KMS, PROBE_ROLE, ProbeCaller, accountMatching, adversarialPolicy, boundaryReading, callerReadings, compileProbe, identityReading,
  isFixedKey, keepAllButCallerRequestKeys, keepFixedAndPrincipalTags, probeActions, probeSession, readingsOf, scenarioKey, sessionCallerOf,
  sessionOf, stringsOf, unrelatedAccount, viaServicesIn,
} from '../../src/rules/support/probe';
import { reachingDocuments } from '../../src/rules/support/reaching-documents';
import { conditionOfField, readerIssues, statementOfIssue } from '../../src/rules/support/reader-issues';
import {
  appliesToEveryone, awsPrincipalsOf, conditionEntriesOf, isAllow, isPositive, isRecord, kmsActionsOf, listOf, listText, servicePrincipalsOf,
  statementJson, statementsOf,
} from '../../src/rules/support/statements';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1`;
const KEY_ARN = (i: number): string => `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000000${i}-aaaa-bbbb-cccc-000000000000`;

// ---------------------------------------------------------------------------------------------------------------------
// statements.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('statementsOf: the statements of a policy, objects only, named as the evaluator names them', () => {
  test.each<[string, unknown, Array<[string, string, number]>]>([
    // The Statement element is one statement or a list of them (reference_policies_elements.md grammar).
    ['a list', { Statement: [{ Sid: 'A', Effect: 'Allow' }, { Effect: 'Deny' }] }, [['Sid "A"', 'A', 0], ['statement #1', '1', 1]]],
    ['one statement object, not in a list', { Statement: { Sid: 'One', Effect: 'Allow' } }, [['Sid "One"', 'One', 0]]],
    ['no Statement element', { Version: '2012-10-17' }, []],
    ['a Statement that is text: no statement object', { Statement: 'Allow everything' }, []],
    // Entries that are not objects are skipped but keep their place in the numbering (statement #2 is the third).
    ['entries that are not objects', { Statement: ['x', null, { Effect: 'Allow' }, [{ Effect: 'Allow' }]] }, [['statement #2', '2', 2]]],
    ['an empty Sid, a Sid that is not text: named by index', { Statement: [{ Sid: '' }, { Sid: 7 }] }, [['statement #0', '0', 0], ['statement #1', '1', 1]]],
    ['a document that is a list', [{ Effect: 'Allow' }], []],
    ['a document that is text', 'policy', []],
    ['null', null, []],
  ])('%s', (_name, policy, expected) => {
    const refs = statementsOf(policy);
    expect(refs.map((r) => [r.label, r.idPart, r.index])).toEqual(expected);
    // The statement itself is handed on, not a copy: the caches are keyed by statement object.
    for (const r of refs) {
      const list = (policy as any).Statement;
      expect(r.statement).toBe(Array.isArray(list) ? list[r.index] : list);
    }
  });
});

describe('small readers of statement elements', () => {
  // key-policy-overview.md: Effect "Valid values are Allow or Deny" (the reader takes them case-sensitively).
  test.each([['Allow', true], ['Deny', false], ['allow', false], [undefined, false]])('isAllow(Effect %s) is %s', (effect, expected) => {
    expect(isAllow({ Effect: effect })).toBe(expected);
  });

  test.each<[unknown, unknown[]]>([[['a', 'b'], ['a', 'b']], ['a', ['a']], [undefined, []], [null, [null]], [0, [0]]])('listOf(%j)', (value, expected) => {
    expect(listOf(value)).toEqual(expected);
  });

  test('listOf hands back the list itself', () => {
    const list = ['a'];
    expect(listOf(list)).toBe(list);
  });

  // reference_policies_elements_principal.md: `"Principal": "*"` is the same as `{"AWS": "*"}`; AWS and Service take a
  // value or a list.
  test.each<[string, unknown, string[], string[], boolean]>([
    ['"*"', '*', ['*'], [], true],
    ['{"AWS": "*"}', { AWS: '*' }, ['*'], [], true],
    ['a list of AWS principals, one of them "*"', { AWS: [ROLE, '*'] }, [ROLE, '*'], [], true],
    ['AWS principals with a value that is not text', { AWS: [ROLE, 5, ROOT] }, [ROLE, ROOT], [], false],
    ['a service principal', { Service: 'logs.amazonaws.com' }, [], ['logs.amazonaws.com'], false],
    ['both kinds', { AWS: ROOT, Service: ['a.amazonaws.com', 3, 'b.amazonaws.com'] }, [ROOT], ['a.amazonaws.com', 'b.amazonaws.com'], false],
    ['a Principal that is an ARN as text (not the grammar)', ROLE, [], [], false],
    ['a Principal that is a list', [ROLE], [], [], false],
    ['no Principal', undefined, [], [], false],
  ])('Principal %s', (_name, principal, aws, services, everyone) => {
    const st = { Effect: 'Allow', Principal: principal };
    expect(awsPrincipalsOf(st)).toEqual(aws);
    expect(servicePrincipalsOf(st)).toEqual(services);
    expect(appliesToEveryone(st)).toBe(everyone);
  });

  // reference_policies_elements_notprincipal.md: NotPrincipal applies to every principal but the listed ones.
  test('any NotPrincipal applies to everyone', () => {
    expect(appliesToEveryone({ Effect: 'Allow', NotPrincipal: { AWS: ROLE } })).toBe(true);
    expect(appliesToEveryone({ Effect: 'Deny', NotPrincipal: { AWS: ROLE }, Principal: { AWS: ROLE } })).toBe(true);
  });

  test.each<[unknown, boolean]>([[{}, true], [{ a: 1 }, true], [[], false], [null, false], ['x', false], [1, false], [undefined, false]])('isRecord(%j) is %s', (v, expected) => {
    expect(isRecord(v)).toBe(expected);
  });
});

describe('kmsActionsOf: the KMS actions a statement covers (kms-semantics.md §3: case-insensitive, wildcards, NotAction)', () => {
  const CREATE = ['kms:CreateAlias', 'kms:CreateCustomKeyStore', 'kms:CreateGrant', 'kms:CreateKey'];
  test.each<[string, Record<string, unknown>, readonly string[]]>([
    ['one action', { Action: 'kms:Decrypt' }, ['kms:Decrypt']],
    // Action names ignore case (reference_policies_elements_action.md); the catalogue's spelling comes back.
    ['an action in another case', { Action: 'KMS:decrypt' }, ['kms:Decrypt']],
    ['a wildcard, with a value that is not text', { Action: ['kms:create*', 7] }, CREATE],
    ['a list in catalogue order', { Action: ['kms:Encrypt', 'kms:Decrypt'] }, ['kms:Decrypt', 'kms:Encrypt']],
    ['"*"', { Action: '*' }, ALL_KMS_ACTIONS],
    ['another service', { Action: 's3:GetObject' }, []],
    // reference_policies_elements_notaction.md: NotAction matches every action except those listed.
    ['NotAction kms:*', { NotAction: 'kms:*' }, []],
    ['NotAction kms:Create* and s3:*', { NotAction: ['kms:Create*', 's3:*'] }, ALL_KMS_ACTIONS.filter((a) => !CREATE.includes(a))],
    ['NotAction of another service', { NotAction: 'sqs:*' }, ALL_KMS_ACTIONS],
    ['Action wins over NotAction (both is outside the grammar)', { Action: 'kms:Sign', NotAction: 'kms:Sign' }, ['kms:Sign']],
    ['neither Action nor NotAction', { Effect: 'Allow' }, []],
  ])('%s', (_name, st, expected) => {
    const actions = kmsActionsOf(st);
    expect(actions).toEqual(expected);
    // Shared between callers: frozen, so that no caller can change another's answer.
    expect(Object.isFrozen(actions)).toBe(true);
  });

  test('the same text as Action and as NotAction are two readings, and two texts joined are not one text', () => {
    expect(kmsActionsOf({ Action: ['kms:Verify'] })).toEqual(['kms:Verify']);
    expect(kmsActionsOf({ NotAction: ['kms:Verify'] })).toEqual(ALL_KMS_ACTIONS.filter((a) => a !== 'kms:Verify'));
    expect(kmsActionsOf({ Action: ['kms:Get*', 'kms:List*'] })).toHaveLength(12);
    // One pattern made of both texts matches no action.
    expect(kmsActionsOf({ Action: ['kms:Get*kms:List*'] })).toEqual([]);
    expect(kmsActionsOf({ Action: 'kms:Get*kms:List*' })).toEqual([]);
    // Texts that are no action, spelt like the other element's text with its letter in front: read for themselves.
    expect(kmsActionsOf({ Action: ['kms:Encrypt'] })).toEqual(['kms:Encrypt']);
    expect(kmsActionsOf({ NotAction: ['Akms:Encrypt'] })).toEqual(ALL_KMS_ACTIONS);
    expect(kmsActionsOf({ NotAction: ['kms:Sign'] })).toEqual(ALL_KMS_ACTIONS.filter((a) => a !== 'kms:Sign'));
    expect(kmsActionsOf({ Action: ['Nkms:Sign'] })).toEqual([]);
  });
});

describe('conditionEntriesOf and isPositive (reference_policies_elements_condition_operators.md)', () => {
  test('each operator, key and list of values, in order; blocks that are not objects are skipped', () => {
    const st = {
      Condition: {
        StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': ['a', 'b'] },
        Bool: 'true',
        ArnLike: { 'aws:PrincipalArn': [ROLE] },
      },
    };
    expect(conditionEntriesOf(st)).toEqual([
      { operator: 'StringEquals', key: 'kms:CallerAccount', values: [ACCOUNT] },
      { operator: 'StringEquals', key: 'kms:ViaService', values: ['a', 'b'] },
      { operator: 'ArnLike', key: 'aws:PrincipalArn', values: [ROLE] },
    ]);
  });

  test.each<[unknown]>([[undefined], ['x'], [[{ StringEquals: { a: 'b' } }]]])('a Condition %j that is not an object: no entries', (condition) => {
    expect(conditionEntriesOf({ Condition: condition })).toEqual([]);
  });

  test.each<[string, boolean]>([
    ['StringEquals', true],
    ['ArnLike', true],
    ['Bool', true],
    ['NumericLessThan', true],
    ['ForAnyValue:StringEquals', true],
    // ForAllValues is true when the key is absent (reference_policies_multi-value-conditions.md, conditions-kms.md).
    ['ForAllValues:StringEquals', false],
    ['forallvalues:StringLike', false],
    // "...IfExists": true when the key is absent.
    ['StringEqualsIfExists', false],
    ['stringequalsifexists', false],
    ['ForAnyValue:ArnLikeIfExists', false],
    // Negated operators are true for every value but the listed ones, and when the key is absent.
    ['StringNotEquals', false],
    ['ForAnyValue:StringNotLike', false],
    ['ArnNotLike', false],
    // Null tests presence, not a value.
    ['Null', false],
    ['null', false],
    ['ForAnyValue:Null', false],
    ['NullEquals', true],
  ])('%s: positive %s', (operator, expected) => {
    expect(isPositive({ operator, key: 'kms:ViaService', values: ['x'] })).toBe(expected);
  });
});

describe('statementJson and listText: the compact texts messages quote', () => {
  test.each<[string, Record<string, unknown>, number | undefined, string]>([
    ['short: whole', { a: 'xx' }, 10, '{"a":"xx"}'],
    ['one over: cut to the limit, "..." included', { a: 'xxx' }, 10, '{"a":"x...'],
    ['long', { Effect: 'Allow', Action: 'kms:Decrypt' }, 20, '{"Effect":"Allow"...'],
  ])('%s', (_name, st, max, expected) => {
    expect(statementJson(st, max)).toBe(expected);
  });

  test('by default, at most 400 characters', () => {
    const long = { Sid: 'x'.repeat(500) };
    expect(statementJson(long)).toBe(`${JSON.stringify(long).slice(0, 397)}...`);
    const exact = { Sid: 'y'.repeat(400 - '{"Sid":""}'.length) };
    expect(statementJson(exact)).toBe(JSON.stringify(exact));
  });

  test.each<[string[], number | undefined, string]>([
    [[], undefined, ''],
    [['kms:Decrypt'], undefined, 'kms:Decrypt'],
    [['a', 'b', 'c', 'd'], undefined, 'a, b, c, d'],
    [['a', 'b', 'c', 'd', 'e'], undefined, 'a, b, c, d and 1 more'],
    [['a', 'b', 'c', 'd', 'e', 'f', 'g'], undefined, 'a, b, c, d and 3 more'],
    [['a', 'b', 'c'], 2, 'a, b and 1 more'],
    [['a', 'b'], 2, 'a, b'],
  ])('listText(%j, %s)', (items, max, expected) => {
    expect(listText(items, max)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// principals.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('kmsGrantsOf: the KMS grants of an identity document (Allow statements, by Action and Resource)', () => {
  test.each<[string, unknown, Array<[number | string[], string[] | undefined]>]>([
    ['an Allow on a key pattern', [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:111122223333:key/*' }], [[['kms:Decrypt'], ['arn:aws:kms:us-east-1:111122223333:key/*']]]],
    // reference_policies_evaluation-logic.md: a Deny never grants; another service's actions are no KMS grant.
    ['a Deny, another service', [{ Effect: 'Deny', Action: 'kms:*', Resource: '*' }, { Effect: 'Allow', Action: 's3:*', Resource: '*' }], []],
    // An action unknown offline may be any KMS action.
    ['an Action unknown offline', [{ Effect: 'Allow', Action: '<unresolved:Ref A>', Resource: '*' }], [[ALL_KMS_ACTIONS.length, ['*']]]],
    ['an Action that is not text', [{ Effect: 'Allow', Action: [3], Resource: 'r' }], [[ALL_KMS_ACTIONS.length, ['r']]]],
    ['a NotAction unknown offline', [{ Effect: 'Allow', NotAction: ['kms:Decrypt', '<unresolved:Ref B>'], Resource: 'r' }], [[ALL_KMS_ACTIONS.length, ['r']]]],
    ['a NotAction', [{ Effect: 'Allow', NotAction: 'kms:Decrypt', Resource: 'r' }], [[ALL_KMS_ACTIONS.length - 1, ['r']]]],
    // reference_policies_elements_notresource.md: NotResource matches every resource but the listed ones.
    ['a NotResource', [{ Effect: 'Allow', Action: 'kms:Decrypt', NotResource: 'x' }], [[['kms:Decrypt'], undefined]]],
    // reference_policies_variables.md: a policy variable is replaced per request.
    ['a Resource with a policy variable', [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: ['a', 'arn:aws:kms:*:${aws:PrincipalAccount}:key/*'] }], [[['kms:Decrypt'], undefined]]],
    ['a Resource unknown offline', [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: ['a', 'arn:aws:kms:<unresolved:Ref R>'] }], [[['kms:Decrypt'], undefined]]],
    ['a Resource that is not text', [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: [5] }], [[['kms:Decrypt'], undefined]]],
    ['no Resource: names no key', [{ Effect: 'Allow', Action: 'kms:Decrypt' }], [[['kms:Decrypt'], []]]],
  ])('%s', (_name, statements, expected) => {
    const grants = kmsGrantsOf({ Version: '2012-10-17', Statement: statements });
    // An expected number is how many actions (all of them, or all but one): the list itself is long.
    expect(grants.map((g, i) => [typeof expected[i]?.[0] === 'number' ? g.actions.length : g.actions, g.resources])).toEqual(expected);
    for (const g of grants) expect('resources' in g).toBe(g.resources !== undefined);
  });

  test('a document that is not an object has no grants; a document is read once', () => {
    expect(kmsGrantsOf('policy')).toEqual([]);
    expect(kmsGrantsOf(null)).toEqual([]);
    const doc = { Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }] };
    expect(kmsGrantsOf(doc)).toBe(kmsGrantsOf(doc));
  });
});

describe('identityActionsOn: what identity documents may grant on one key (by Action and Resource)', () => {
  const docs = (): unknown[] => [
    { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN(1) }] },
    { Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: 'arn:aws:kms:*:111122223333:key/*' }] },
    { Statement: [{ Effect: 'Allow', Action: 'kms:Sign', NotResource: KEY_ARN(2) }] },
    { Statement: [{ Effect: 'Allow', Action: 'kms:Verify', Resource: 'arn:aws:kms:us-east-1:444455556666:key/*' }] },
  ];
  test.each<[string, string, string[]]>([
    ['the key the first names', KEY_ARN(1), ['kms:Decrypt', 'kms:Encrypt', 'kms:Sign']],
    // NotResource is taken as "any resource" here (the evaluator decides the rest).
    ['another key of the account', KEY_ARN(2), ['kms:Encrypt', 'kms:Decrypt', 'kms:Sign']],
    ['a key of another account', `arn:aws:kms:us-east-1:${OTHER}:key/k`, ['kms:Sign', 'kms:Verify']],
  ])('%s', (_name, keyArn, expected) => {
    expect([...identityActionsOn(docs(), keyArn)].sort()).toEqual(expected.sort());
  });

  test('a grant naming several resources reaches each of them', () => {
    const list = [{ Statement: [{ Effect: 'Allow', Action: 'kms:GenerateMac', Resource: [KEY_ARN(5), KEY_ARN(6)] }] }];
    expect([...identityActionsOn(list, KEY_ARN(6))]).toEqual(['kms:GenerateMac']);
    expect([...identityActionsOn(list, KEY_ARN(5))]).toEqual(['kms:GenerateMac']);
    expect([...identityActionsOn(list, KEY_ARN(7))]).toEqual([]);
  });

  test('kept per document list and key; an empty answer is the one shared empty set', () => {
    const list = docs();
    const a = identityActionsOn(list, KEY_ARN(1));
    expect(identityActionsOn(list, KEY_ARN(1))).toBe(a);
    expect(identityActionsOn(list, KEY_ARN(3))).not.toBe(a);
    const none1 = identityActionsOn([], KEY_ARN(1));
    const none2 = identityActionsOn([{ Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN(4) }] }], KEY_ARN(1));
    expect(none1.size).toBe(0);
    expect(none2).toBe(none1);
  });
});

describe('principal values (reference_policies_elements_principal.md: "111122223333" and its root ARN both name the account)', () => {
  test.each<[string, string | undefined, boolean, ReturnType<typeof roleOrUser>]>([
    [ACCOUNT, ACCOUNT, true, undefined],
    [ROOT, ACCOUNT, true, undefined],
    ['arn:aws:iam::111122223333:role/a/b', ACCOUNT, false, { type: 'role', account: ACCOUNT, name: 'b' }],
    ['arn:aws:iam::444455556666:user/u', OTHER, false, { type: 'user', account: OTHER, name: 'u' }],
    [SESSION, ACCOUNT, false, undefined],
    ['arn:aws:sts::111122223333:federated-user/f', ACCOUNT, false, undefined],
    ['*', undefined, false, undefined],
    ['logs.amazonaws.com', undefined, false, undefined],
    // key-policy-overview.md: groups are never principals.
    ['arn:aws:iam::111122223333:group/g', undefined, false, undefined],
  ])('%s', (value, account, isAccount, named) => {
    expect(accountOf(value)).toBe(account);
    expect(isAccountPrincipal(value)).toBe(isAccount);
    expect(roleOrUser(value)).toEqual(named);
  });
});

describe('delegatesToIam: the key policy lets IAM policies add access (key-policy-default.md, determining-access-key-policy.md)', () => {
  const key = (...statements: unknown[]): KmsKeyModel => ({ account: ACCOUNT, policy: { Version: '2012-10-17', Statement: statements } } as unknown as KmsKeyModel);
  const allow = (principal: unknown): Record<string, unknown> => ({ Effect: 'Allow', Principal: principal, Action: 'kms:*', Resource: '*' });
  test.each<[string, unknown[], boolean]>([
    ['the account root', [allow({ AWS: ROOT })], true],
    ['the bare account id', [allow({ AWS: [ROLE, ACCOUNT] })], true],
    ['everyone', [allow('*')], true],
    ['any NotPrincipal', [{ Effect: 'Allow', NotPrincipal: { AWS: ROLE }, Action: 'kms:*', Resource: '*' }], true],
    ['another account\'s root', [allow({ AWS: `arn:aws:iam::${OTHER}:root` })], false],
    ['a role of the account', [allow({ AWS: ROLE })], false],
    ['a Deny naming the root', [{ ...allow({ AWS: ROOT }), Effect: 'Deny' }], false],
    ['no statement', [], false],
  ])('%s: %s', (_name, statements, expected) => {
    expect(delegatesToIam(key(...statements))).toBe(expected);
  });
});

describe('isLiteral: a Resource pattern that matches only itself', () => {
  test.each<[string, boolean]>([
    [KEY_ARN(1), true],
    ['${aws:username}', true],
    ['*', false],
    ['arn:aws:kms:*:111122223333:key/k', false],
    ['arn:aws:kms:us-east-1:111122223333:key/k?', false],
    // The wildcard module's stand-ins for a literal `*` and `?` (`${*}`, `${?}` in a policy): not compared as text.
    ['a\uE000b', false],
    ['a\uE001b', false],
  ])('%j: %s', (pattern, expected) => {
    expect(isLiteral(pattern)).toBe(expected);
  });
});

describe('identityCandidates and appPrincipalFor', () => {
  interface P { id: string; account?: string; arn?: string; statements: unknown[][] }
  function model(keys: Array<{ arn: string; account?: string; policy?: unknown }>, principals: P[]): AppModel {
    return {
      keys: keys.map((k) => ({ account: ACCOUNT, policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }] }, ...k })),
      principals: principals.map((p) => ({
        logicalId: p.id,
        account: p.account ?? ACCOUNT,
        arn: p.arn ?? `arn:aws:iam::${p.account ?? ACCOUNT}:role/${p.id}`,
        identityPolicies: p.statements.map((Statement) => ({ Version: '2012-10-17', Statement })),
        identityPolicySources: p.statements.map((_s, i) => `policy S/${p.id}${i}`),
      })),
    } as unknown as AppModel;
  }
  const grant = (Resource: unknown, Action: unknown = 'kms:Decrypt'): Record<string, unknown> => ({ Effect: 'Allow', Action, Resource });
  const ids = (ps: PrincipalModel[]): string[] => ps.map((p) => p.logicalId);

  test('the principals of the key\'s account whose grants name the key or a pattern, in the model\'s order', () => {
    const m = model([{ arn: KEY_ARN(1) }, { arn: KEY_ARN(2) }], [
      { id: 'NamesTwo', statements: [[grant(KEY_ARN(2))]] },
      { id: 'Pattern', statements: [[grant('arn:aws:kms:us-east-1:111122223333:key/*')]] },
      { id: 'NamesOne', statements: [[grant(KEY_ARN(1))]] },
      // A grant naming the key from another account: identity policies of another account are not the key's account's.
      { id: 'Outsider', account: OTHER, statements: [[grant(KEY_ARN(1))]] },
      { id: 'OpenOutsider', account: OTHER, statements: [[grant('*')]] },
      { id: 'Unknown', statements: [[grant('<unresolved:Ref K>')]] },
      { id: 'NoArn', arn: '', statements: [[grant('*')]] },
      { id: 'TokenArn', arn: 'arn:aws:iam::111122223333:role/<unresolved:Ref N>', statements: [[grant('*')]] },
      { id: 'OnlyS3', statements: [[grant('*', 's3:GetObject')]] },
      { id: 'TwoDocs', statements: [[grant(KEY_ARN(2))], [grant(KEY_ARN(1), 'kms:Encrypt'), grant('arn:aws:kms:*:*:key/*', 'kms:Sign')]] },
    ]);
    const keyOne = m.keys[0];
    const actions = new Map<PrincipalModel, ReadonlySet<string>>();
    expect(ids(identityCandidates(m, keyOne, (a) => a.has('kms:Decrypt'), actions))).toEqual(['Pattern', 'NamesOne', 'Unknown']);
    expect([...actions.keys()].map((p) => p.logicalId)).toEqual(['Pattern', 'NamesOne', 'Unknown']);
    expect([...actions.get(m.principals[1])!]).toEqual(['kms:Decrypt']);
    expect(ids(identityCandidates(m, keyOne, (a) => a.has('kms:Encrypt') || a.has('kms:Sign')))).toEqual(['TwoDocs']);
    expect(ids(identityCandidates(m, m.keys[1], (a) => a.size > 0))).toEqual(['NamesTwo', 'Pattern', 'Unknown', 'TwoDocs']);
    // A need that even no action meets asks every principal of the account with a known ARN, in the model's order.
    expect(ids(identityCandidates(m, keyOne, () => true))).toEqual(['NamesTwo', 'Pattern', 'NamesOne', 'Unknown', 'OnlyS3', 'TwoDocs']);
    expect(ids(identityCandidates(m, keyOne, (a) => a.size === 0))).toEqual(['NamesTwo', 'OnlyS3']);
  });

  test('a key of an account none of the app\'s principals is in: no candidate', () => {
    const m = model([{ arn: `arn:aws:kms:us-east-1:${OTHER}:key/k`, account: OTHER, policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'kms:*', Resource: '*' }] } }], [
      { id: 'app', statements: [[grant('*')]] },
    ]);
    expect(identityCandidates(m, m.keys[0], () => true)).toEqual([]);
    expect(identityCandidates(m, m.keys[0], (a) => a.size > 0)).toEqual([]);
  });

  test('a key policy that does not delegate to IAM: no identity policy reaches the key', () => {
    const m = model([{ arn: KEY_ARN(1), policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:*', Resource: '*' }] } }], [
      { id: 'app', statements: [[grant('*')]] },
    ]);
    expect(identityCandidates(m, m.keys[0], () => true)).toEqual([]);
  });

  test('appPrincipalFor: the app\'s role or user by account, kind and name, whatever the case and path', () => {
    const m = modelOfResources({ K: DEFAULT_POLICY_KEY, R: roleResource('R', 'App', []) });
    const role = m.principals.find((p) => p.logicalId === 'R');
    expect(role).toBeDefined();
    expect(appPrincipalFor(m, 'arn:aws:iam::111122223333:role/app')).toBe(role);
    expect(appPrincipalFor(m, 'arn:aws:iam::111122223333:role/some/path/App')).toBe(role);
    expect(appPrincipalFor(m, 'arn:aws:iam::111122223333:user/App')).toBeUndefined();
    expect(appPrincipalFor(m, 'arn:aws:iam::444455556666:role/App')).toBeUndefined();
    expect(appPrincipalFor(m, 'arn:aws:sts::111122223333:assumed-role/App/s')).toBeUndefined();
    expect(appPrincipalFor(m, ROOT)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// reaching-documents.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('reachingDocuments: each identity document that may name a key of the app, once, ordered by the first key it reaches', () => {
  function model(keys: string[], principals: Array<{ id: string; docs: unknown[][]; sources?: string[] }>): AppModel {
    return {
      keys: keys.map((arn) => ({ arn })),
      principals: principals.map((p) => ({
        logicalId: p.id,
        identityPolicies: p.docs.map((Statement) => ({ Version: '2012-10-17', Statement })),
        identityPolicySources: p.sources ?? p.docs.map((_d, i) => `policy S/${p.id}${i}`),
      })),
    } as unknown as AppModel;
  }
  const grant = (Resource: unknown, Action: unknown = 'kms:Decrypt'): Record<string, unknown> => ({ Effect: 'Allow', Action, Resource });
  const shown = (m: AppModel): string[] => reachingDocuments(m).map((d) => `${d.principal.logicalId}#${d.index} ${d.source}`);

  test('literal ARNs, patterns and values unknown offline', () => {
    const m = model([KEY_ARN(1), KEY_ARN(2), KEY_ARN(2), KEY_ARN(3)], [
      { id: 'A', docs: [[grant(KEY_ARN(3))], [grant(KEY_ARN(2)), grant(KEY_ARN(1), 'kms:Encrypt')]] },
      { id: 'B', docs: [[grant('arn:aws:kms:us-east-1:111122223333:key/00000003-*')], [grant('arn:aws:kms:eu-west-1:*')]] },
      { id: 'C', docs: [[grant('arn:aws:kms:us-east-1:111122223333:key/00000003-*')], [grant('<unresolved:Ref K>')], [grant(KEY_ARN(2))]] },
      { id: 'D', docs: [[grant(KEY_ARN(9))], [grant('*', 's3:*')], [{ Effect: 'Deny', Action: 'kms:*', Resource: '*' }]] },
      { id: 'E', docs: [[grant(KEY_ARN(2))]], sources: [] },
    ]);
    expect(shown(m)).toEqual([
      // Key 1 first: A's second document (its second grant names key 1), then C's unknown resource (any key: the first).
      'A#1 policy S/A1',
      'C#1 policy S/C1',
      // Key 2 (listed twice: the first place counts), in the order of principals and documents.
      'C#2 policy S/C2',
      'E#0 identity policy #0',
      // Key 3: by literal ARN and by pattern.
      'A#0 policy S/A0',
      'B#0 policy S/B0',
      'C#0 policy S/C0',
    ]);
    expect(reachingDocuments(m)).toBe(reachingDocuments(m));
    expect(reachingDocuments(m)[0].document).toBe(m.principals[0].identityPolicies[1]);
    expect(Object.keys(reachingDocuments(m)[0]).sort()).toEqual(['document', 'index', 'principal', 'source']);
  });

  test('a pattern met twice is matched once, the same way; a value unknown offline reaches nothing in an app without keys', () => {
    const pattern = 'arn:aws:kms:us-east-1:111122223333:key/00000002-*';
    const m = model([KEY_ARN(1), KEY_ARN(2)], [
      { id: 'A', docs: [[grant(pattern)], [grant('<unresolved:Ref K>')]] },
      { id: 'B', docs: [[grant(pattern)]] },
    ]);
    expect(shown(m)).toEqual(['A#1 policy S/A1', 'A#0 policy S/A0', 'B#0 policy S/B0']);
    expect(shown(model([], [{ id: 'A', docs: [[grant('<unresolved:Ref K>')], [grant('*')]] }]))).toEqual([]);
  });

  test('a key ARN listed twice counts at its first place, for a literal as for a pattern', () => {
    const m = model([KEY_ARN(1), KEY_ARN(2), KEY_ARN(2)], [
      { id: 'Literal', docs: [[grant(KEY_ARN(2))]] },
      { id: 'Pattern', docs: [[grant('arn:aws:kms:us-east-1:111122223333:key/00000002-*')]] },
      { id: 'All', docs: [[grant('arn:aws:kms:us-east-1:111122223333:key/*')]] },
    ]);
    // `All` reaches the first key (index 0); the others first reach the second (index 1), in the model's order.
    expect(shown(m)).toEqual(['All#0 policy S/All0', 'Literal#0 policy S/Literal0', 'Pattern#0 policy S/Pattern0']);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// reader-issues.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('readerIssues: the evaluator\'s own reading of a key or identity policy', () => {
  const UNKNOWN_ACTION = 'Action `kms:Decrpyt` is not a KMS action, so it matches nothing: check the spelling against the KMS permissions reference';
  test('the same document read as a key policy and as an identity policy: each kind its own issues and label', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'kms:Decrpyt', Resource: '*' }] };
    expect(readerIssues(doc, 'key')).toEqual([
      { code: 'unknown-action', severity: 'warning', message: UNKNOWN_ACTION, policy: 'key policy', statement: 'Sid "A"', field: 'Action' },
    ]);
    // An identity policy is attached to its principal and has no Principal element (reference_policies_elements_principal.md).
    expect(readerIssues(doc, 'identity')).toEqual([
      {
        code: 'invalid-statement',
        severity: 'error',
        message: 'the identity policy is attached to a principal and cannot have a Principal element: remove it',
        policy: 'identity policy',
        statement: 'Sid "A"',
        field: 'Principal',
      },
      { code: 'unknown-action', severity: 'warning', message: UNKNOWN_ACTION, policy: 'identity policy', statement: 'Sid "A"', field: 'Action' },
    ]);
    expect(readerIssues(doc, 'key')).toBe(readerIssues(doc, 'key'));
  });

  test('a document that is not an object: none here', () => {
    expect(readerIssues('{}', 'key')).toEqual([]);
    expect(readerIssues(null, 'identity')).toEqual([]);
  });

  test('statementOfIssue: by the label; a duplicated Sid is named with its index (statement-label.ts)', () => {
    const refs = statementsOf({ Statement: [{ Sid: 'A' }, { Sid: 'A' }, { Effect: 'Allow' }] });
    const at = (statement?: string): number | undefined => statementOfIssue(refs, { code: 'x', severity: 'warning', message: 'm', ...(statement !== undefined ? { statement } : {}) } as any)?.index;
    expect(at('Sid "A"')).toBeUndefined();
    expect(at('Sid "A" (statement #0)')).toBe(0);
    expect(at('Sid "A" (statement #1)')).toBe(1);
    expect(at('statement #2')).toBe(2);
    expect(at('statement #5')).toBeUndefined();
    expect(at(undefined)).toBeUndefined();
  });

  test.each<[string | undefined, { operator: string; key: string } | undefined]>([
    ['Condition.StringEquals.kms:EncryptionContext:a.b', { operator: 'StringEquals', key: 'kms:EncryptionContext:a.b' }],
    ['Condition.ForAnyValue:StringLike.aws:TagKeys', { operator: 'ForAnyValue:StringLike', key: 'aws:TagKeys' }],
    ['Condition.StringEquals', undefined],
    ['Condition..kms:ViaService', undefined],
    ['Condition.', undefined],
    ['Action', undefined],
    ['condition.StringEquals.kms:ViaService', undefined],
    ['xCondition.StringEquals.kms:ViaService', undefined],
    [undefined, undefined],
  ])('conditionOfField(%j)', (field, expected) => {
    expect(conditionOfField(field)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// nearest-action.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('nearestKmsAction: within a quarter of the name\'s length (1 to 3 edits), ignoring case', () => {
  test.each<[string, string | undefined]>([
    ['kms:decrypt', 'kms:Decrypt'],
    ['Decrypt', 'kms:Decrypt'],
    ['KMS:ENCRYPTT', 'kms:Encrypt'],
    // Another service's prefix is replaced by kms: (the name is what is compared).
    ['s3:Decrypt', 'kms:Decrypt'],
    ['kms:ReEncryptFromm', 'kms:ReEncryptFrom'],
    ['kms:CreateGrnt', 'kms:CreateGrant'],
    ['kms:GenerateDataKeyWithoutPlaintxt', 'kms:GenerateDataKeyWithoutPlaintext'],
    // Three letters: one edit allowed (the lower bound), "Sign" is one insertion away; "Sing" two substitutions.
    ['kms:Sig', 'kms:Sign'],
    ['kms:Sing', undefined],
    // A transposition is two edits; seven letters allow one.
    ['kms:Decrpyt', undefined],
    // Long names: at most 3 edits, whatever the length.
    ['kms:GenerateDataKeyWithoutPlaint', 'kms:GenerateDataKeyWithoutPlaintext'],
    ['kms:GenerateDataKeyWithoutPlain', undefined],
    ['kms:X', undefined],
    ['kms:', undefined],
    // Equally near: the first in catalogue order.
    ['kms:ecrypt', 'kms:Decrypt'],
    ['kms:ntagresource', 'kms:TagResource'],
    ['abc:kms:Dcrypt', undefined],
    [`kms:Decrypt${' '.repeat(70)}`, undefined],
  ])('%j -> %s', (text, expected) => {
    expect(nearestKmsAction(text)).toBe(expected);
  });

  test('edit distance counts insertions, deletions and substitutions anywhere in the name', () => {
    // Eleven letters: up to 2 edits; twenty: up to 3.
    expect(nearestKmsAction('kms:XXscribeKey')).toBe('kms:DescribeKey');
    expect(nearestKmsAction('kms:DescribeKeyXX')).toBe('kms:DescribeKey');
    expect(nearestKmsAction('kms:escribeKy')).toBe('kms:DescribeKey');
    expect(nearestKmsAction('kms:XXXcribeKey')).toBeUndefined();
    expect(nearestKmsAction('kms:XXXKeyRotationStatus')).toBe('kms:GetKeyRotationStatus');
    expect(nearestKmsAction('kms:GetKeyRotationStatusXXX')).toBe('kms:GetKeyRotationStatus');
    expect(nearestKmsAction('kms:etKeyRotationStaus')).toBe('kms:GetKeyRotationStatus');
    expect(nearestKmsAction('kms:XXXXeyRotationStatus')).toBeUndefined();
    expect(nearestKmsAction('kms:GetPublicKe')).toBe('kms:GetPublicKey');
    expect(nearestKmsAction('kms:etPublicKey')).toBe('kms:GetPublicKey');
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// actions.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('the action groups (the catalogue; symm-asymm-compare.md, key-policy-modifying-external-accounts.md)', () => {
  test('management operations: what changes the key, its policy, state or material, decided on one key', () => {
    expect(MANAGEMENT_ACTIONS).toEqual([
      'kms:CancelKeyDeletion', 'kms:DeleteImportedKeyMaterial', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:EnableKey', 'kms:EnableKeyRotation',
      'kms:ImportKeyMaterial', 'kms:PutKeyPolicy', 'kms:RotateKeyOnDemand', 'kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:UntagResource',
      'kms:UpdateKeyDescription',
    ]);
    expect(CRYPTO_ACTIONS).toEqual([
      'kms:Decrypt', 'kms:DeriveSharedSecret', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext',
      'kms:GenerateDataKeyWithoutPlaintext', 'kms:GenerateMac', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:Sign', 'kms:Verify', 'kms:VerifyMac',
    ]);
    expect([...CROSS_ACCOUNT_KEY_ACTIONS, ...SAME_ACCOUNT_ONLY_ACTIONS].sort()).toEqual([...KEY_POLICY_ACTIONS].sort());
    expect(CROSS_ACCOUNT_KEY_ACTIONS.every((a) => CROSS_ACCOUNT_ACTIONS.includes(a))).toBe(true);
    expect(SAME_ACCOUNT_ONLY_ACTIONS).toContain('kms:ScheduleKeyDeletion');
  });

  test.each<[string, string, string[]]>([
    ['ENCRYPT_DECRYPT', 'SYMMETRIC_DEFAULT', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo']],
    // An asymmetric encryption key cannot generate data keys (symm-asymm-compare.md).
    ['ENCRYPT_DECRYPT', 'RSA_2048', ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo']],
    ['SIGN_VERIFY', 'ECC_NIST_P256', ['kms:Sign', 'kms:Verify']],
    ['GENERATE_VERIFY_MAC', 'HMAC_256', ['kms:GenerateMac', 'kms:VerifyMac']],
    ['KEY_AGREEMENT', 'ECC_NIST_P384', ['kms:DeriveSharedSecret']],
    ['<unresolved:Ref Usage>', 'SYMMETRIC_DEFAULT', [
      'kms:Decrypt', 'kms:DeriveSharedSecret', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext',
      'kms:GenerateDataKeyWithoutPlaintext', 'kms:GenerateMac', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:Sign', 'kms:Verify', 'kms:VerifyMac',
    ]],
  ])('cryptoActionsFor(%s, %s)', (keyUsage, keySpec, expected) => {
    const actions = cryptoActionsFor({ keySpec, keyUsage });
    expect(actions).toEqual(expected);
    // A copy: the caller may change it.
    actions.push('x');
    expect(CRYPTO_ACTIONS).not.toContain('x');
  });

  test('usesFirst: cryptographic operations first, then the rest, each in the order given', () => {
    expect(usesFirst(['kms:PutKeyPolicy', 'kms:Sign', 'kms:DescribeKey', 'kms:Decrypt'])).toEqual(['kms:Sign', 'kms:Decrypt', 'kms:PutKeyPolicy', 'kms:DescribeKey']);
    expect(usesFirst([])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// probe.ts: the adversarial reading
// ---------------------------------------------------------------------------------------------------------------------

describe('which condition keys a caller cannot choose (probe.ts; conditions-kms.md, conditions-aws.md)', () => {
  test.each<[string, boolean, boolean, boolean]>([
    // key, fixed, kept with the caller's tags, kept with tags and kms:ViaService
    ['kms:CallerAccount', true, true, true],
    ['AWS:PrincipalArn', true, true, true],
    ['aws:SourceVpce', true, true, true],
    ['aws:ResourceTag/Env', true, true, true],
    ['AWS:RESOURCETAG/env', true, true, true],
    ['aws:ResourceTag', false, false, false],
    ['kms:KeySpec', true, true, true],
    ['aws:PrincipalTag/team', false, true, true],
    ['AWS:PRINCIPALTAG/team', false, true, true],
    ['aws:PrincipalTag', false, false, false],
    ['kms:ViaService', false, false, true],
    ['KMS:VIASERVICE', false, false, true],
    ['kms:ViaServices', false, false, false],
    ['kms:EncryptionContext:Project', false, false, false],
    ['aws:SourceIp', false, false, false],
    ['aws:VpcSourceIp', false, false, false],
    ['aws:RequestTag/Env', false, false, false],
  ])('%s', (key, fixed, withTags, withVia) => {
    expect(isFixedKey(key)).toBe(fixed);
    expect(keepFixedAndPrincipalTags(key)).toBe(withTags);
    expect(keepAllButCallerRequestKeys(key)).toBe(withVia);
  });
});

describe('adversarialPolicy: entries on keys the caller chooses are assumed satisfied in an Allow and avoided in a Deny', () => {
  const vpce = { StringEquals: { 'aws:SourceVpce': 'vpce-1' } };
  test('Allow and Deny statements, with and without conditions', () => {
    const plain = { Sid: 'Plain', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' };
    const policy = {
      Version: '2012-10-17',
      Id: 'p',
      Statement: [
        plain,
        {
          Sid: 'Mixed',
          Effect: 'Allow',
          Principal: '*',
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'aws:PrincipalOrgID': 'o-1' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
        },
        { Sid: 'ChosenOnly', Effect: 'Allow', Principal: '*', Action: 'kms:Encrypt', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
        { Sid: 'DenyChosen', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { ...vpce, StringNotEquals: { 'kms:EncryptionContext:a': 'b' } } },
        { Sid: 'DenyFixed', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } },
        { Sid: 'BadBlock', Effect: 'Allow', Principal: '*', Action: 'kms:Sign', Resource: '*', Condition: { StringEquals: 'x' } },
        'not a statement',
      ],
    };
    const read = adversarialPolicy(policy) as any;
    expect(read).toEqual({
      Version: '2012-10-17',
      Id: 'p',
      Statement: [
        plain,
        { Sid: 'Mixed', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'aws:PrincipalOrgID': 'o-1' } } },
        { Sid: 'ChosenOnly', Effect: 'Allow', Principal: '*', Action: 'kms:Encrypt', Resource: '*' },
        { Sid: 'DenyFixed', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } },
        { Sid: 'BadBlock', Effect: 'Allow', Principal: '*', Action: 'kms:Sign', Resource: '*' },
      ],
    });
    // A statement without condition is the statement itself; the original policy is unchanged.
    expect(read.Statement[0]).toBe(plain);
    expect(policy.Statement[1]).toHaveProperty('Condition.IpAddress');
    // Read once per policy and choice of keys.
    expect(adversarialPolicy(policy)).toBe(read);
    const withVia = adversarialPolicy(policy, keepAllButCallerRequestKeys) as any;
    expect(withVia).not.toBe(read);
    expect(withVia.Statement[1].Condition).toEqual({ StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'aws:PrincipalOrgID': 'o-1' } });
    expect(adversarialPolicy(policy, keepAllButCallerRequestKeys)).toBe(withVia);
  });

  test('one statement object (not a list); values that are not policies are handed back', () => {
    const policy = { Statement: { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } } };
    expect(adversarialPolicy(policy)).toEqual({ Statement: [] });
    expect(adversarialPolicy('text')).toBe('text');
    expect(adversarialPolicy(undefined)).toBeUndefined();
    const list = [{ Effect: 'Allow' }];
    expect(adversarialPolicy(list)).toBe(list);
  });
});

describe('probe accounts, sessions and caller fields', () => {
  test.each<[unknown[], string]>([
    [[], '999999999999'],
    [['999999999999'], '999999999998'],
    [[{ a: ['999999999999', 'arn:aws:iam::999999999998:root'] }], '999999999997'],
    [['999999999999', '999999999998', '999999999997'], '999999999996'],
    // Every probe account mentioned: the first (the caller must then not read more into it).
    [['999999999999 999999999998 999999999997 999999999996'], '999999999999'],
  ])('unrelatedAccount(%j)', (mentions, expected) => {
    expect(unrelatedAccount(...mentions)).toBe(expected);
  });

  test.each<[string, string, string | undefined]>([
    ['1111222233?3', ACCOUNT, '111122223303'],
    ['11112222333?', '111122223330', '111122223339'],
    ['*', '000000000000', '999999999999'],
    ['*', ACCOUNT, '000000000000'],
    ['1111*', ACCOUNT, '111100000000'],
    ['*3333', ACCOUNT, '000000003333'],
    ['1?2*3*', ACCOUNT, '102000000003'],
    ['1*2*3', ACCOUNT, '100000000023'],
    ['????????????', '000000000000', '999999999999'],
    // No wildcard: a literal names one account, not a pattern to fill.
    [ACCOUNT, '000000000000', undefined],
    // Twelve digits without the star, the only account is the one to avoid.
    ['111122223333*', ACCOUNT, undefined],
    ['12345678901234*', ACCOUNT, undefined],
    ['abc*', ACCOUNT, undefined],
    ['1234567890?', ACCOUNT, undefined],
  ])('accountMatching(%j, avoid %s)', (pattern, avoid, expected) => {
    expect(accountMatching(pattern, avoid)).toBe(expected);
  });

  test('sessions of roles (determining-access-key-policy.md: a role ARN in a policy matches the role\'s sessions)', () => {
    expect(PROBE_ROLE).toBe('kms-guard-probe');
    expect(probeSession('aws-cn', ACCOUNT)).toBe('arn:aws-cn:sts::111122223333:assumed-role/kms-guard-probe/kms-guard-probe');
    expect(probeSession('aws', OTHER, 'r')).toBe('arn:aws:sts::444455556666:assumed-role/r/kms-guard-probe');
    expect(sessionOf('arn:aws:iam::111122223333:role/a')).toBe('arn:aws:sts::111122223333:assumed-role/a/kms-guard-probe');
    // A session ARN carries the role's name, not its path.
    expect(sessionOf('arn:aws:iam::111122223333:role/p/q/a')).toBe('arn:aws:sts::111122223333:assumed-role/a/kms-guard-probe');
    expect(sessionOf('arn:aws-us-gov:iam::111122223333:role/x')).toBe('arn:aws-us-gov:sts::111122223333:assumed-role/x/kms-guard-probe');
    expect(sessionOf('arn:aws:iam::111122223333:role/team/app-role')).toBe('arn:aws:sts::111122223333:assumed-role/app-role/kms-guard-probe');
    expect(sessionOf(ROLE)).toBe('arn:aws:sts::111122223333:assumed-role/app/kms-guard-probe');
    for (const same of [
      'arn:aws:iam::111122223333:user/u', 'arn:aws:iam::11112222333:role/a', 'arn:aws:iam::111122223333:role/', 'arn:aws:iam::111122223333:role/app/', ROOT,
      'x arn:aws:iam::111122223333:role/a',
    ]) {
      expect(sessionOf(same)).toBe(same);
    }
    expect(sessionCallerOf('arn:aws:iam::111122223333:role/p/a')).toEqual({ arn: 'arn:aws:sts::111122223333:assumed-role/a/kms-guard-probe', roleArn: 'arn:aws:iam::111122223333:role/p/a' });
    expect(sessionCallerOf('arn:aws:iam::111122223333:user/u')).toEqual({ arn: 'arn:aws:iam::111122223333:user/u' });
  });

  test('ALLOW_ALL_KMS: every KMS action on every resource', () => {
    expect(ALLOW_ALL_KMS).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'ProbeAllowsAllKms', Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });
  });

  test.each<[unknown, string[]]>([[['a', 1, 'b'], ['a', 'b']], ['a', ['a']], [undefined, []], [7, []]])('stringsOf(%j)', (value, expected) => {
    expect(stringsOf(value)).toEqual(expected);
  });

  test('viaServicesIn: the kms:ViaService values compared with, whatever the case of the key, wildcards filled in, sorted', () => {
    expect(viaServicesIn(
      { Statement: [{ Condition: { StringLike: { 'kms:ViaService': ['s3.*.amazonaws.com', 'ec2.us-east-?.amazonaws.com', '<unresolved:Ref S>', '${aws:x}.amazonaws.com'] } } }] },
      [{ Condition: { StringEquals: { 'KMS:VIASERVICE': 'rds.us-east-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT } } }],
      { Condition: { StringEquals: { 'kms:ViaService': 's3.x.amazonaws.com' } } },
      'kms:ViaService',
      undefined,
    )).toEqual(['ec2.us-east-x.amazonaws.com', 'rds.us-east-1.amazonaws.com', 's3.x.amazonaws.com']);
    expect(viaServicesIn()).toEqual([]);
    // A value that is not text under the key (outside the grammar: the evaluator reports it) is no service.
    expect(viaServicesIn({ Condition: { StringEquals: { 'kms:ViaService': 5 } } }, { Condition: { StringEquals: { 'kms:ViaService': [null, true] } } })).toEqual([]);
  });
});

describe('readings of policies with values unknown offline (app-model/policy-readings.ts)', () => {
  const unknownPrincipal = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '<unresolved:Ref P>' }, Action: 'kms:Decrypt', Resource: '*' }] };
  const known = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }] };
  const unknownResource = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '<unresolved:Ref K>' }] };

  test('readingsOf: the policy itself when exact; else the strict and the permissive reading', () => {
    const exact = readingsOf(known);
    expect(exact).toEqual([{ reading: 'exact', policy: known }]);
    expect(exact[0].policy).toBe(known);
    expect(readingsOf(unknownPrincipal)).toEqual([
      // Strict: the unknown principal is nobody (the Allow is dropped; a statement that matches no action stands in).
      { reading: 'strict', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', NotAction: '*', Resource: '*' }] } },
      // Permissive: everybody.
      { reading: 'permissive', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }] } },
    ]);
  });

  test('a Statement element unknown offline: everything allowed (permissive) or denied (strict), to every principal of a key policy', () => {
    expect(readingsOf({ Version: '2012-10-17', Statement: '<unresolved:Ref Statements>' })).toEqual([
      { reading: 'strict', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }] } },
      { reading: 'permissive', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] } },
    ]);
  });

  test('identityReading and boundaryReading: without Principal; exact is the documents as they are', () => {
    const docs = [known, unknownResource];
    const exact = identityReading(docs, 'exact');
    expect(exact).toEqual(docs);
    expect(exact).not.toBe(docs);
    expect(exact[1]).toBe(unknownResource);
    expect(identityReading(docs, 'strict')).toEqual([known, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: '*', Resource: '*' }] }]);
    expect(identityReading(docs, 'permissive')).toEqual([known, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }]);
    expect(boundaryReading(undefined, 'strict')).toBeUndefined();
    expect(boundaryReading(unknownResource, 'exact')).toBe(unknownResource);
    expect(boundaryReading(unknownResource, 'permissive')).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] });
    expect(boundaryReading(unknownResource, 'strict')).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: '*', Resource: '*' }] });
  });

  test('callerReadings: an exact key policy is read strictly and permissively when the caller\'s documents hold an unknown value', () => {
    const exact = readingsOf(known);
    expect(callerReadings(exact, [known])).toBe(exact);
    expect(callerReadings(exact, [])).toBe(exact);
    expect(callerReadings(exact, [{ ...unknownResource }])).toEqual([{ reading: 'strict', policy: known }, { reading: 'permissive', policy: known }]);
    // A document that is not an object, holding a placeholder (the model's reader reports it).
    expect(callerReadings(exact, ['<unresolved:Ref Doc>'])).toEqual([{ reading: 'strict', policy: known }, { reading: 'permissive', policy: known }]);
    expect(callerReadings(exact, ['text', 3, null])).toBe(exact);
    // The key policy already has two readings: they stand.
    const two = readingsOf(unknownPrincipal);
    expect(callerReadings(two, [{ ...unknownResource }])).toBe(two);
    const none: Array<{ reading: 'exact'; policy: unknown }> = [];
    expect(callerReadings(none, [{ ...unknownResource }])).toBe(none);
    const strictOnly = [{ reading: 'strict' as const, policy: known }];
    expect(callerReadings(strictOnly, [{ ...unknownResource }])).toBe(strictOnly);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// probe.ts: asking the evaluator, and compiled-parts.ts
// ---------------------------------------------------------------------------------------------------------------------

/** A key of the model of these resources (`K`), with the key policy's statements, and an alias or key properties. */
function keyWith(statements: unknown[], properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): KmsKeyModel {
  const model = modelOfResources({ K: keyResource(statements, properties), ...extra });
  return model.keys.find((k) => k.logicalId === 'K')!;
}

const allowRole = (Action: unknown, Condition?: unknown, principal: unknown = { AWS: ROLE }): Record<string, unknown> => ({
  Effect: 'Allow', Principal: principal, Action, Resource: '*', ...(Condition !== undefined ? { Condition } : {}),
});
const sessionCaller = (extra: Partial<ProbeCaller> = {}): ProbeCaller => ({ arn: SESSION, roleArn: ROLE, identityPolicies: [], ...extra });
const actionsOf = (outcome: { allowed: Array<{ action: string; via?: string }> }): string[] => outcome.allowed.map((a) => (a.via !== undefined ? `${a.action} via ${a.via}` : a.action));

describe('scenarioKey: the key as the evaluator\'s scenario describes it', () => {
  test('aliases the evaluator can use only; multi-Region fields when known', () => {
    const key = {
      arn: KEY_ARN(1),
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      multiRegion: true,
      multiRegionKeyType: 'PRIMARY',
      aliases: ['alias/app', 'alias/aws/ebs', 'alias/<unresolved:Ref A>', 'app', 'alias/other'],
      tags: { team: 'blue' },
    } as unknown as KmsKeyModel;
    expect(scenarioKey(key, { p: 1 })).toStrictEqual({
      arn: KEY_ARN(1),
      policy: { p: 1 },
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      multiRegion: true,
      multiRegionKeyType: 'PRIMARY',
      aliases: ['alias/app', 'alias/other'],
      tags: { team: 'blue' },
    });
    const unknown = { ...key, multiRegion: undefined, multiRegionKeyType: undefined, aliases: [] } as unknown as KmsKeyModel;
    expect(scenarioKey(unknown, 'p')).toStrictEqual({ arn: KEY_ARN(1), policy: 'p', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', aliases: [], tags: { team: 'blue' } });
  });

  test('the key\'s properties reach the evaluator: kms:KeySpec, kms:MultiRegion, kms:ResourceAliases and aws:ResourceTag are decided on them (conditions-kms.md)', () => {
    // kms:ResourceAliases and aws:ResourceTag work in IAM policies only (conditions-kms.md, abac.md): asked through the
    // caller's identity policy, under the default key policy's delegation.
    const key = keyWith([allowRole('kms:*', undefined, { AWS: ROOT })], { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', MultiRegion: true, Tags: [{ Key: 'team', Value: 'blue' }] }, {
      A: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/app', TargetKeyId: { Ref: 'K' } } },
    });
    const iam = (Condition: unknown): ProbeCaller => ({ arn: 'arn:aws:iam::111122223333:user/u', identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Sign', Resource: '*', Condition }] }] });
    const signs = (Condition: unknown): string[] => actionsOf(probeActions(key, key.policy, iam(Condition), ['kms:Sign']));
    expect(signs({ StringEquals: { 'kms:KeySpec': 'RSA_2048' } })).toEqual(['kms:Sign']);
    expect(signs({ StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT' } })).toEqual([]);
    expect(signs({ Bool: { 'kms:MultiRegion': 'true' } })).toEqual(['kms:Sign']);
    expect(signs({ StringEquals: { 'kms:MultiRegionKeyType': 'PRIMARY' } })).toEqual(['kms:Sign']);
    expect(signs({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/app' } })).toEqual(['kms:Sign']);
    expect(signs({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/other' } })).toEqual([]);
    expect(signs({ StringEquals: { 'aws:ResourceTag/team': 'blue' } })).toEqual(['kms:Sign']);
    expect(signs({ StringEquals: { 'aws:ResourceTag/team': 'red' } })).toEqual([]);
  });
});

describe('probe.ts scenarioKey: the key\'s Origin reaches the evaluator (was a bug, fixed: src/analysis/evaluator-key.ts)', () => {
  // conditions-kms.md "kms:KeyOrigin": it "controls access to operations based on the value of the Origin property of
  // the KMS key that is ... used in the operation" (KMS key resource operations). scenarioKey gave the evaluator no
  // keyOrigin, so it assumed AWS_KMS (scenario.ts): for an imported key (Origin EXTERNAL) the probe denied what AWS
  // allows and allowed what AWS denies.
  const key = keyWith([allowRole('kms:*', undefined, { AWS: ROOT })], { Origin: 'EXTERNAL' });
  const iam = (origin: string): ProbeCaller => ({
    arn: 'arn:aws:iam::111122223333:user/u',
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:KeyOrigin': origin } } }] }],
  });
  test('the model knows the Origin', () => {
    expect(key.origin).toBe('EXTERNAL');
  });
  test('an IAM policy allowing Decrypt on keys of Origin EXTERNAL allows it on this key', () => {
    expect(actionsOf(probeActions(key, key.policy, iam('EXTERNAL'), ['kms:Decrypt']))).toEqual(['kms:Decrypt']);
  });
  test('an IAM policy allowing Decrypt on keys of Origin AWS_KMS does not allow it on this key', () => {
    expect(actionsOf(probeActions(key, key.policy, iam('AWS_KMS'), ['kms:Decrypt']))).toEqual([]);
  });
});

describe('compileProbe and probeActions: which actions a caller is allowed, plainly or through a service', () => {
  test('a plain request first; a service only when the plain one is refused; kms:ViaService from the list given (conditions-kms.md)', () => {
    const key = keyWith([
      allowRole('kms:Decrypt', { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }),
      allowRole(['kms:Encrypt', 'kms:DescribeKey']),
    ]);
    const probe = compileProbe(key, key.policy, sessionCaller());
    expect(probe.error).toBeUndefined();
    const outcome = probe.ask(['kms:Decrypt', 'kms:Encrypt', 'kms:Sign', 'kms:DescribeKey'], ['ec2.us-east-1.amazonaws.com', 's3.us-east-1.amazonaws.com', 'rds.us-east-1.amazonaws.com']);
    expect(actionsOf(outcome)).toEqual(['kms:Decrypt via s3.us-east-1.amazonaws.com', 'kms:Encrypt', 'kms:DescribeKey']);
    expect(outcome.error).toBeUndefined();
    expect(Object.keys(outcome)).toEqual(['allowed']);
    expect(Object.keys(outcome.allowed[1]).sort()).toEqual(['action', 'result']);
    expect(outcome.allowed.every((a) => a.result.decision === 'allow')).toBe(true);
    // Without the service, the Decrypt is refused; with no list, no service is tried.
    expect(actionsOf(probe.ask(['kms:Decrypt']))).toEqual([]);
    expect(actionsOf(probeActions(key, key.policy, sessionCaller(), ['kms:Decrypt'], ['s3.us-east-1.amazonaws.com']))).toEqual(['kms:Decrypt via s3.us-east-1.amazonaws.com']);
  });

  test('with no list of services, no service is tried (kms:ViaService is absent from a direct request, conditions-kms.md)', () => {
    const key = keyWith([allowRole('kms:Decrypt', { StringLike: { 'kms:ViaService': '*' } })]);
    expect(compileProbe(key, key.policy, sessionCaller()).ask(['kms:Decrypt'])).toEqual({ allowed: [] });
    expect(probeActions(key, key.policy, sessionCaller(), ['kms:Decrypt'])).toEqual({ allowed: [] });
    expect(actionsOf(probeActions(key, key.policy, sessionCaller(), ['kms:Decrypt'], ['ec2.us-east-1.amazonaws.com']))).toEqual(['kms:Decrypt via ec2.us-east-1.amazonaws.com']);
  });

  test('kms:CreateGrant: a grant of every grant operation, never through a service, to the caller unless a grantee is given (grants.md, conditions-kms.md)', () => {
    const GRANTEE = 'arn:aws:iam::111122223333:role/grantee';
    const key = keyWith([
      allowRole('kms:CreateGrant', { StringEquals: { 'kms:GranteePrincipal': GRANTEE } }),
      allowRole('kms:CreateGrant', { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }),
      allowRole('kms:CreateGrant', { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } }),
    ]);
    const probe = compileProbe(key, key.policy, sessionCaller());
    // The grantee is named by the first statement only; through S3 the second would allow, but grants are not asked so.
    expect(actionsOf(probe.ask(['kms:CreateGrant'], ['s3.us-east-1.amazonaws.com']))).toEqual([]);
    expect(actionsOf(probe.ask(['kms:CreateGrant'], [], GRANTEE))).toEqual(['kms:CreateGrant']);
    // The caller itself as grantee (the default).
    const selfKey = keyWith([allowRole('kms:CreateGrant', { StringEquals: { 'kms:GranteePrincipal': SESSION } })]);
    expect(actionsOf(probeActions(selfKey, selfKey.policy, sessionCaller(), ['kms:CreateGrant']))).toEqual(['kms:CreateGrant']);
    expect(actionsOf(probeActions(selfKey, selfKey.policy, sessionCaller(), ['kms:CreateGrant'], [], GRANTEE))).toEqual([]);
    // Every grant operation is asked for: a policy that allows only a Decrypt grant does not allow it.
    const decryptOnly = keyWith([allowRole('kms:CreateGrant', { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt', 'Encrypt'] } })]);
    expect(actionsOf(probeActions(decryptOnly, decryptOnly.policy, sessionCaller(), ['kms:CreateGrant']))).toEqual([]);
    const all = keyWith([allowRole('kms:CreateGrant', { 'ForAnyValue:StringEquals': { 'kms:GrantOperations': ['GenerateDataKeyPairWithoutPlaintext'] } })]);
    expect(actionsOf(probeActions(all, all.policy, sessionCaller(), ['kms:CreateGrant']))).toEqual(['kms:CreateGrant']);
  });

  test('alias operations are asked on an alias of the key\'s account and Region, and UpdateAlias on the same key as the new target (alias-access.md)', () => {
    const key = keyWith([allowRole(['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'])]);
    const onAlias = (Resource: string): ProbeCaller => sessionCaller({
      identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'], Resource }] }],
    });
    const ALIAS_OPS = ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'];
    expect(actionsOf(probeActions(key, key.policy, onAlias('arn:aws:kms:us-east-1:111122223333:alias/kms-guard-probe'), ALIAS_OPS))).toEqual(ALIAS_OPS);
    expect(actionsOf(probeActions(key, key.policy, onAlias('arn:aws:kms:us-east-1:111122223333:alias/*'), ALIAS_OPS))).toEqual(ALIAS_OPS);
    expect(actionsOf(probeActions(key, key.policy, onAlias('arn:aws:kms:us-east-1:111122223333:alias/other'), ALIAS_OPS))).toEqual([]);
    expect(actionsOf(probeActions(key, key.policy, onAlias('arn:aws:kms:eu-west-1:111122223333:alias/*'), ALIAS_OPS))).toEqual([]);
    expect(actionsOf(probeActions(key, key.policy, onAlias('arn:aws:kms:us-east-1:444455556666:alias/*'), ALIAS_OPS))).toEqual([]);
    // UpdateAlias needs the permission on the new target key too: here the same key, whose policy allows it.
    const noUpdate = keyWith([allowRole(['kms:CreateAlias', 'kms:DeleteAlias'])]);
    expect(actionsOf(probeActions(noUpdate, noUpdate.policy, onAlias('*'), ALIAS_OPS))).toEqual(['kms:CreateAlias', 'kms:DeleteAlias']);
  });

  test('the alias asked about is in the key\'s own partition, Region and account', () => {
    const role = 'arn:aws:iam::444455556666:role/app';
    const key = {
      arn: 'arn:aws:kms:eu-west-1:444455556666:key/0000000a-aaaa-bbbb-cccc-000000000000',
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      multiRegion: false,
      aliases: [],
      tags: {},
      policy: { Version: '2012-10-17', Statement: [allowRole(['kms:CreateAlias', 'kms:DeleteAlias'], undefined, { AWS: role })] },
    } as unknown as KmsKeyModel;
    const caller = (Resource: string): ProbeCaller => ({
      arn: 'arn:aws:sts::444455556666:assumed-role/app/s',
      roleArn: role,
      identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:CreateAlias', 'kms:DeleteAlias'], Resource }] }],
    });
    expect(actionsOf(probeActions(key, key.policy, caller('arn:aws:kms:eu-west-1:444455556666:alias/kms-guard-probe'), ['kms:CreateAlias', 'kms:DeleteAlias'])))
      .toEqual(['kms:CreateAlias', 'kms:DeleteAlias']);
    expect(actionsOf(probeActions(key, key.policy, caller('arn:aws:kms:us-east-1:111122223333:alias/kms-guard-probe'), ['kms:CreateAlias', 'kms:DeleteAlias']))).toEqual([]);
  });

  test('the first evaluation error stops the probe, with what was allowed before it and where the error is', () => {
    const key = keyWith([allowRole(['kms:Decrypt', 'kms:Encrypt'])]);
    const outcome = probeActions(key, key.policy, sessionCaller(), ['kms:Decrypt', 'kms:Bogus', 'kms:Encrypt']);
    expect(actionsOf(outcome)).toEqual(['kms:Decrypt']);
    expect(outcome.error).toBe('request.action `kms:Bogus` is not a KMS action: expected one of the operations in the KMS permissions reference, e.g. "kms:Decrypt" (request.action)');
  });

  test('a scenario that does not compile: its first error, with where it is, for every question', () => {
    const key = keyWith([allowRole('kms:Decrypt')]);
    const bad = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: 'x' } }] };
    const probe = compileProbe(key, bad, sessionCaller());
    const error = 'condition operator `StringEquals` must map at least one condition key to its value(s), e.g. `{"kms:CallerAccount": "111122223333"}`; received "x" (key policy, statement #0, Condition.StringEquals)';
    expect(probe.error).toBe(error);
    expect(probe.ask(['kms:Decrypt'])).toEqual({ allowed: [], error });
    expect(probeActions(key, bad, sessionCaller(), ['kms:Encrypt'])).toEqual({ allowed: [], error });
    // An error with no statement or field: where is the policy alone.
    expect(compileProbe(key, 'not json', sessionCaller()).error)
      .toBe('the key policy is a string that is not JSON (Unexpected token \'o\', "not json" is not valid JSON): pass the policy document as an object (key policy)');
    expect(compileProbe(key, key.policy, { arn: 'nobody' }).error).toBe('caller.arn `nobody` is not a caller: expected arn:aws:iam::ACCOUNT:user/NAME, role/NAME or root, '
      + 'arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or federated-user/NAME, or a service principal such as cloudtrail.amazonaws.com (caller.arn)');
  });
});

describe('compiled-parts.ts: each part compiled once, the decisions those of the whole scenario', () => {
  const PATH_ROLE = 'arn:aws:iam::111122223333:role/team/app';
  /** The caller's fields each decide something: path (aws:PrincipalArn), tags, organization, identity policies, boundary. */
  const keyPolicy = (): Record<string, unknown> => ({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
      // aws:PrincipalArn of a session is its role's ARN with the path (conditions-aws.md).
      allowRole('kms:Decrypt', { ArnEquals: { 'aws:PrincipalArn': PATH_ROLE } }, '*'),
      allowRole('kms:Encrypt', { StringEquals: { 'aws:PrincipalTag/team': 'blue' } }, '*'),
      allowRole('kms:Sign', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } }, '*'),
    ],
  });
  const ASK = ['kms:Decrypt', 'kms:Encrypt', 'kms:Sign', 'kms:GenerateMac', 'kms:Verify'];

  test('callers that differ in one field each get their own decisions, asked against one compiled key', () => {
    const key = keyWith(keyPolicy().Statement as unknown[]);
    const mac = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:GenerateMac', Resource: '*' }] };
    const verify = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Verify', Resource: '*' }] };
    const boundaryVerify = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Verify', Resource: '*' }] };
    const boundaryMac = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:GenerateMac', Resource: '*' }] };
    const session = 'arn:aws:sts::111122223333:assumed-role/app/s';
    const ask = (caller: ProbeCaller): string[] => actionsOf(probeActions(key, key.policy, caller, ASK));
    expect(ask({ arn: session, roleArn: PATH_ROLE, identityPolicies: [mac] })).toEqual(['kms:Decrypt', 'kms:GenerateMac']);
    // Without the role's ARN the path is unknown, and the evaluator says so rather than guess.
    expect(probeActions(key, key.policy, { arn: session, identityPolicies: [mac] }, ASK)).toEqual({
      allowed: [],
      error: 'statement #1 of the key policy compares aws:PrincipalArn with `arn:aws:iam::111122223333:role/team/app`, the caller\'s role app under a path; '
        + 'a session ARN does not carry its role\'s path, and aws:PrincipalArn of the session is the role\'s ARN with it, so whether the condition holds is unknown. '
        + 'Give caller.roleArn, the role\'s ARN with its path (arn:aws:iam::111122223333:role/PATH/app), or give the role\'s ARN as caller.arn (key policy, statement #1, Condition)',
    });
    const caller = (extra: Partial<ProbeCaller>): ProbeCaller => ({ arn: session, roleArn: 'arn:aws:iam::111122223333:role/app', identityPolicies: [mac], ...extra });
    expect(ask(caller({}))).toEqual(['kms:GenerateMac']);
    expect(ask(caller({ tags: { team: 'blue' } }))).toEqual(['kms:Encrypt', 'kms:GenerateMac']);
    expect(ask(caller({ tags: { team: 'red' } }))).toEqual(['kms:GenerateMac']);
    expect(ask(caller({ orgId: 'o-abc' }))).toEqual(['kms:Sign', 'kms:GenerateMac']);
    expect(ask(caller({ orgId: 'o-xyz' }))).toEqual(['kms:GenerateMac']);
    expect(ask(caller({ identityPolicies: [mac, verify] }))).toEqual(['kms:GenerateMac', 'kms:Verify']);
    expect(ask(caller({ identityPolicies: [verify, mac] }))).toEqual(['kms:GenerateMac', 'kms:Verify']);
    // A permissions boundary limits what the identity policies grant (reference_policies_evaluation-logic.md).
    expect(ask(caller({ identityPolicies: [mac, verify], permissionsBoundary: boundaryVerify }))).toEqual(['kms:Verify']);
    expect(ask(caller({ identityPolicies: [mac, verify], permissionsBoundary: boundaryMac }))).toEqual(['kms:GenerateMac']);
    // No document at all: by ARN alone.
    const userKey = keyWith([allowRole('kms:Decrypt', undefined, { AWS: 'arn:aws:iam::111122223333:user/u' })]);
    expect(actionsOf(probeActions(userKey, userKey.policy, { arn: 'arn:aws:iam::111122223333:user/u' }, ['kms:Decrypt']))).toEqual(['kms:Decrypt']);
    expect(actionsOf(probeActions(userKey, userKey.policy, { arn: 'arn:aws:iam::111122223333:user/v' }, ['kms:Decrypt']))).toEqual([]);
    // The same as a scenario compiled whole.
    const whole = KmsAccessEvaluator.compile({ key: scenarioKey(key, key.policy), caller: { arn: session, roleArn: PATH_ROLE, identityPolicies: [mac], tags: { team: 'blue' } } });
    expect(ASK.filter((action) => whole.evaluate({ action }).decision === 'allow')).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateMac']);
    expect(ask({ arn: session, roleArn: PATH_ROLE, identityPolicies: [mac], tags: { team: 'blue' } })).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateMac']);
  });

  test('compiledKeyPart: once per key and policy object; scenarioKey called only to compile', () => {
    const key = keyWith([allowRole('kms:Decrypt')]);
    const other = keyWith([allowRole('kms:Decrypt')]);
    let calls = 0;
    const make = (k: KmsKeyModel, policy: unknown) => (): Record<string, unknown> => {
      calls++;
      return scenarioKey(k, policy);
    };
    const policy = key.policy;
    const part = compiledKeyPart(key, policy, make(key, policy));
    expect(calls).toBe(1);
    expect(compiledKeyPart(key, policy, make(key, policy))).toBe(part);
    expect(calls).toBe(1);
    const read = adversarialPolicy(policy);
    expect(compiledKeyPart(key, read, make(key, read))).not.toBe(part);
    expect(compiledKeyPart(other, policy, make(other, policy))).not.toBe(part);
    expect(calls).toBe(3);
    // A policy that is not an object has no identity to remember it by: compiled at each call (the evaluator reports it).
    const first = compiledKeyPart(key, 'text', make(key, 'text'));
    expect(compiledKeyPart(key, 'text', make(key, 'text'))).not.toBe(first);
    expect(calls).toBe(5);
    expect(first.errors.map((e) => e.message)).toEqual(['the key policy is a string that is not JSON (Unexpected token \'e\', "text" is not valid JSON): pass the policy document as an object']);
    expect(compiledKeyPart(key, null, make(key, null)).errors).toHaveLength(1);
  });

  test('compiledCaller: once per ARN, role ARN, documents, boundary, organization and tags', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] };
    const doc2 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }] };
    const base: ProbeCaller = { arn: SESSION, roleArn: ROLE, identityPolicies: [doc], permissionsBoundary: doc2, tags: { a: 'b' }, orgId: 'o-1' };
    const compiled = compiledCaller(base);
    expect(compiledCaller({ ...base, identityPolicies: [doc], tags: { a: 'b' } })).toBe(compiled);
    for (const changed of [
      { arn: 'arn:aws:sts::111122223333:assumed-role/app/s2' },
      { roleArn: 'arn:aws:iam::111122223333:role/p/app' },
      { identityPolicies: [doc, doc2] },
      { identityPolicies: [{ ...doc }] },
      { permissionsBoundary: { ...doc2 } },
      { permissionsBoundary: undefined },
      { tags: { a: 'c' } },
      { tags: undefined },
      { orgId: 'o-2' },
      { orgId: undefined },
    ] as Array<Partial<ProbeCaller>>) {
      expect(compiledCaller({ ...base, ...changed })).not.toBe(compiled);
    }
    const doc3 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Sign', Resource: '*' }] };
    expect(compiledCaller({ ...base, identityPolicies: [doc, doc3] })).not.toBe(compiledCaller({ ...base, identityPolicies: [doc, doc2] }));
    // A boundary alone is a document to cache under.
    const boundaryOnly: ProbeCaller = { arn: SESSION, permissionsBoundary: doc2 };
    expect(compiledCaller({ ...boundaryOnly })).toBe(compiledCaller(boundaryOnly));
    // Documents that are not objects: no identity to cache by; the evaluator reports them.
    const bad: ProbeCaller = { arn: SESSION, identityPolicies: ['x'] };
    expect(compiledCaller(bad)).not.toBe(compiledCaller(bad));
    expect(compiledCaller(bad).errors.map((e) => e.message)).toEqual(['the identity policy #0 is a string that is not JSON (Unexpected token \'x\', "x" is not valid JSON): pass the policy document as an object']);
    expect(compiledCaller({ arn: SESSION, permissionsBoundary: null })).not.toBe(compiledCaller({ arn: SESSION, permissionsBoundary: null }));
  });

  test('callers without a document: 256 kept, then the map starts again', () => {
    // A fresh copy of the module, so that the count starts from an empty map (the tests above kept callers too).
    let fresh!: typeof import('../../src/rules/support/compiled-parts');
    jest.isolateModules(() => {
      fresh = jest.requireActual('../../src/rules/support/compiled-parts');
    });
    const first: ProbeCaller = { arn: 'arn:aws:iam::111122223333:user/first' };
    const compiled = fresh.compiledCaller(first);
    expect(fresh.compiledCaller({ arn: 'arn:aws:iam::111122223333:user/first' })).toBe(compiled);
    // The same ARN with an organization or tags is another caller.
    expect(fresh.compiledCaller({ ...first, orgId: 'o-1' })).not.toBe(compiled);
    expect(fresh.compiledCaller({ ...first, tags: {} })).not.toBe(compiled);
    // 3 kept so far; 252 more make 255 and one more 256, all kept (first too); the call after that starts again.
    for (let i = 0; i < 252; i++) fresh.compiledCaller({ arn: `arn:aws:iam::111122223333:user/u${i}` });
    expect(fresh.compiledCaller(first)).toBe(compiled);
    fresh.compiledCaller({ arn: 'arn:aws:iam::111122223333:user/last' });
    expect(fresh.compiledCaller(first)).not.toBe(compiled);
  });

  test('callers with documents are kept under their first document, apart from the callers without one, each by all its documents', () => {
    let fresh!: typeof import('../../src/rules/support/compiled-parts');
    jest.isolateModules(() => {
      fresh = jest.requireActual('../../src/rules/support/compiled-parts');
    });
    // Documents numbered in the order they are first seen: 1 to 12.
    const docs = Array.from({ length: 12 }, (_, i) => ({ Version: '2012-10-17', Statement: [{ Sid: `D${i + 1}`, Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }));
    const withDocs: ProbeCaller = { arn: SESSION, identityPolicies: docs };
    const compiled = fresh.compiledCaller(withDocs);
    // Documents 1 and 12, and 1, 1 and 2: two lists whose numbers written without a separator read alike.
    const oneTwelve = fresh.compiledCaller({ arn: SESSION, identityPolicies: [docs[0], docs[11]] });
    expect(fresh.compiledCaller({ arn: SESSION, identityPolicies: [docs[0], docs[0], docs[1]] })).not.toBe(oneTwelve);
    expect(fresh.compiledCaller({ arn: SESSION, identityPolicies: [docs[0], docs[11]] })).toBe(oneTwelve);
    // 256 callers without a document start their own map again; the callers with documents stay.
    for (let i = 0; i < 257; i++) fresh.compiledCaller({ arn: `arn:aws:iam::111122223333:user/n${i}` });
    expect(fresh.compiledCaller(withDocs)).toBe(compiled);
  });

  test('compiledProbeScenario: the key\'s part with the caller\'s', () => {
    const key = keyWith([allowRole('kms:Decrypt')]);
    const scenario = compiledProbeScenario(key, key.policy, sessionCaller(), () => scenarioKey(key, key.policy));
    expect(scenario.errors).toEqual([]);
    expect(scenario.evaluate({ action: 'kms:Decrypt' }).decision).toBe('allow');
    expect(scenario.evaluate({ action: 'kms:Encrypt' }).decision).not.toBe('allow');
  });
});
