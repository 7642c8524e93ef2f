/**
 * Kills mutants of the key-policy composer, the endpoint statements and the service statements that survived
 * test/builders (issue 10, docs/mutation-testing.md): the exact shape of rendered statements, how Sids are derived
 * from content (users' deployed Sids depend on it: a change renames every statement), merging under fixed Sids,
 * narrowing next to other conditions, and the service-integration statements.
 */
import { createHash } from 'crypto';
import { endpointOnlyStatement } from '../../src/builders/endpoint-statements';
import { identityStatements } from '../../src/builders/identity-statements';
import { KeyPolicyComposer } from '../../src/builders/key-policy-composer';
import { StatementJson } from '../../src/builders/policy-json';
import { hasConfusedDeputyGuard, serviceGuard, serviceIntegrationStatements } from '../../src/builders/service-statements';
import { KmsAccessEvaluator } from '../../src/evaluator/kms-access-evaluator';
import { SERVICE_INTEGRATIONS, integrationFor, renderGuard } from '../../src/policy/service-integrations';

const ROLE_A = 'arn:aws:iam::111122223333:role/a';
const ROLE_B = 'arn:aws:iam::111122223333:role/b';
const ROOT = 'arn:aws:iam::111122223333:root';
const OTHER_ROOT = 'arn:aws:iam::444455556666:root';
const allow = (principal: StatementJson['Principal'], actions: string | string[], condition?: StatementJson['Condition']): StatementJson => ({
  Effect: 'Allow', Principal: principal, Action: actions, Resource: '*', ...(condition ? { Condition: condition } : {}),
});
const sha8 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8);

describe('KeyPolicyComposer: rendered statements', () => {
  test('one principal and one action render as strings, on Resource "*", with no Condition element when there is none', () => {
    const c = new KeyPolicyComposer();
    c.add(allow({ AWS: ROLE_A }, ['kms:Decrypt']), { sid: 'Use' });
    const [s] = c.render();
    expect(Object.keys(s)).toEqual(['Sid', 'Effect', 'Principal', 'Action', 'Resource']);
    expect(s).toEqual({ Sid: s.Sid, Effect: 'Allow', Principal: { AWS: ROLE_A }, Action: 'kms:Decrypt', Resource: '*' });
  });

  test('the Sid is the prefix and 8 hex digits of the SHA-256 of the canonical content (sorted keys, no undefined)', () => {
    // Deployed key policies carry these Sids: a change of the canonical form renames every statement of every user.
    const c = new KeyPolicyComposer();
    c.add(allow({ AWS: ROLE_A }, ['kms:Decrypt', 'kms:DescribeKey'], { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': '111122223333' } }), { sid: 'Use' });
    const canonical = '{"actions":["kms:Decrypt","kms:DescribeKey"],'
      + '"conditions":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"s3.us-east-1.amazonaws.com"}},'
      + '"effect":"Allow","principalKinds":["AWS"]}';
    expect(c.render()[0].Sid).toBe(`Use${sha8(canonical)}`);
  });

  test('several actions render as a list, in the order given', () => {
    const c = new KeyPolicyComposer();
    c.add(allow({ AWS: ROLE_A }, ['kms:Decrypt', 'kms:DescribeKey']), { sid: 'Use' });
    expect(c.render()[0].Action).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
  });

  test('a statement without conditions hashes an empty conditions object', () => {
    const c = new KeyPolicyComposer();
    c.add(allow({ AWS: ROLE_A }, 'kms:Decrypt'), { sid: 'Use' });
    expect(c.render()[0].Sid).toBe(`Use${sha8('{"actions":["kms:Decrypt"],"conditions":{},"effect":"Allow","principalKinds":["AWS"]}')}`);
  });

  test('a narrowed statement hashes its principal and the narrowing operator and key, not the narrowing values', () => {
    const c = new KeyPolicyComposer();
    c.addNarrowed(allow({ AWS: ROOT }, ['kms:Decrypt']), { operator: 'ArnEquals', key: 'aws:PrincipalArn', values: [ROLE_A] }, { sid: 'Use' });
    const canonical = '{"actions":["kms:Decrypt"],"conditions":{},"effect":"Allow","narrowing":"ArnEquals:aws:PrincipalArn",'
      + `"principalKinds":{"AWS":["${ROOT}"]}}`;
    expect(c.render()[0].Sid).toBe(`Use${sha8(canonical)}`);
  });

  test('the same content in another key order has the same Sid; other conditions or another narrowing key give another', () => {
    const sids = (add: (c: KeyPolicyComposer) => void): string[] => {
      const c = new KeyPolicyComposer();
      add(c);
      return c.render().map((s) => s.Sid!);
    };
    const [a] = sids((c) => c.add(allow({ AWS: ROLE_A }, 'kms:Decrypt', { StringEquals: { 'kms:ViaService': 'x', 'kms:CallerAccount': '1' } }), { sid: 'Use' }));
    const [b] = sids((c) => c.add(allow({ AWS: ROLE_A }, 'kms:Decrypt', { StringEquals: { 'kms:CallerAccount': '1', 'kms:ViaService': 'x' } }), { sid: 'Use' }));
    expect(a).toBe(b);
    const two = sids((c) => {
      c.add(allow({ AWS: ROLE_A }, 'kms:Decrypt', { StringEquals: { 'kms:ViaService': 'x' } }), { sid: 'Use' });
      c.add(allow({ AWS: ROLE_A }, 'kms:Decrypt', { StringEquals: { 'kms:ViaService': 'y' } }), { sid: 'Use' });
      c.addNarrowed(allow({ AWS: ROOT }, 'kms:Decrypt'), { operator: 'ArnEquals', key: 'aws:PrincipalArn', values: [ROLE_A] }, { sid: 'Use' });
      c.addNarrowed(allow({ AWS: ROOT }, 'kms:Decrypt'), { operator: 'StringEquals', key: 'aws:PrincipalTag/team', values: ['a'] }, { sid: 'Use' });
    });
    // Four contents, four hashes: none needed the numeric suffix that only a collision adds.
    expect(two).toHaveLength(4);
    for (const sid of two) expect(sid).toMatch(/^Use[0-9a-f]{8}$/);
    expect(new Set(two).size).toBe(4);
  });

  test('a narrowing next to other conditions of the same operator keeps both keys', () => {
    const c = new KeyPolicyComposer();
    c.addNarrowed(allow({ AWS: ROOT }, 'kms:Decrypt', { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::b' }, StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }),
      { operator: 'ArnEquals', key: 'aws:PrincipalArn', values: [ROLE_A, ROLE_B] }, { sid: 'Use' });
    expect(c.render()[0].Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::b', 'aws:PrincipalArn': [ROLE_A, ROLE_B] },
      StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
    });
  });

  test('a narrowing whose operator has no block yet is no contradiction', () => {
    const c = new KeyPolicyComposer();
    expect(() => c.addNarrowed(allow({ AWS: ROOT }, 'kms:Decrypt', { StringEquals: { 'kms:ViaService': 'x' } }),
      { operator: 'ArnEquals', key: 'aws:PrincipalArn', values: [ROLE_A] }, { sid: 'Use' })).not.toThrow();
    expect(c.render()[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': 'x' }, ArnEquals: { 'aws:PrincipalArn': ROLE_A } });
  });

  test('"*" as the principal renders as {"AWS": "*"}; a statement without Principal is refused', () => {
    const c = new KeyPolicyComposer();
    c.add({ Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*' }, { sid: 'Deny' });
    expect(c.render()[0].Principal).toEqual({ AWS: '*' });
    expect(() => c.add({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }, { sid: 'Use' })).toThrow('a key-policy statement needs a Principal');
  });
});

describe('KeyPolicyComposer: fixed Sids', () => {
  test('different fixed Sids stay apart', () => {
    const c = new KeyPolicyComposer();
    c.add(allow({ AWS: ROLE_A }, 'kms:PutKeyPolicy'), { sid: 'KeyAdministration', fixedSid: true });
    c.add(allow({ AWS: ROLE_A }, 'kms:PutKeyPolicy'), { sid: 'KeyDeployment', fixedSid: true });
    expect(c.render().map((s) => s.Sid)).toEqual(['KeyAdministration', 'KeyDeployment']);
  });

  test('a fixed Sid merges principals of another kind into the same statement', () => {
    const c = new KeyPolicyComposer();
    c.add(allow({ AWS: ROLE_A }, 'kms:Decrypt'), { sid: 'Fixed', fixedSid: true });
    c.add(allow({ Service: 'logs.us-east-1.amazonaws.com' }, 'kms:Decrypt'), { sid: 'Fixed', fixedSid: true });
    expect(c.render()).toEqual([{ Sid: 'Fixed', Effect: 'Allow', Principal: { AWS: ROLE_A, Service: 'logs.us-east-1.amazonaws.com' }, Action: 'kms:Decrypt', Resource: '*' }]);
  });

  test('a fixed narrowed Sid merges the values of one account and keeps another account apart, numbered', () => {
    const c = new KeyPolicyComposer();
    const narrowing = (v: string) => ({ operator: 'ArnEquals', key: 'aws:PrincipalArn', values: [v] });
    c.addNarrowed(allow({ AWS: ROOT }, 'kms:Decrypt'), narrowing(ROLE_A), { sid: 'Share', fixedSid: true });
    c.addNarrowed(allow({ AWS: ROOT }, 'kms:Decrypt'), narrowing(ROLE_B), { sid: 'Share', fixedSid: true });
    c.addNarrowed(allow({ AWS: OTHER_ROOT }, 'kms:Decrypt'), narrowing('arn:aws:iam::444455556666:role/c'), { sid: 'Share', fixedSid: true });
    const third = new KeyPolicyComposer();
    for (const account of ['111111111111', '222222222222', '333333333333']) {
      third.addNarrowed(allow({ AWS: `arn:aws:iam::${account}:root` }, 'kms:Decrypt'), narrowing(`arn:aws:iam::${account}:role/r`), { sid: 'Share', fixedSid: true });
    }
    expect(third.render().map((s) => s.Sid)).toEqual(['Share', 'Share2', 'Share3']);
    expect(c.render()).toEqual([
      { Sid: 'Share', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:Decrypt', Resource: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': [ROLE_A, ROLE_B] } } },
      { Sid: 'Share2', Effect: 'Allow', Principal: { AWS: OTHER_ROOT }, Action: 'kms:Decrypt', Resource: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:role/c' } } },
    ]);
  });
});

describe('endpointOnlyStatement', () => {
  const deny = (notFrom: Record<string, string[]>): StatementJson => ({
    Sid: 'DenyUseOutsideAllowedNetworks',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Sign', 'kms:Verify', 'kms:GenerateMac', 'kms:VerifyMac', 'kms:DeriveSharedSecret', 'kms:CreateGrant'],
    Resource: '*',
    Condition: { StringNotEquals: notFrom, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' } },
  });

  test('endpoints only: the condition names aws:SourceVpce and nothing about VPCs', () => {
    expect(endpointOnlyStatement(['vpce-1'], [])).toEqual(deny({ 'aws:SourceVpce': ['vpce-1'] }));
  });

  test('VPCs only: the condition names aws:SourceVpc and nothing about endpoints', () => {
    expect(endpointOnlyStatement([], ['vpc-1'])).toEqual(deny({ 'aws:SourceVpc': ['vpc-1'] }));
  });

  test('a request through an allowed endpoint passes, one from outside is denied (kms-vpc-endpoint.md)', () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const decide = (endpoint?: string) => KmsAccessEvaluator.evaluate({
      key: { arn: key, policy: { Version: '2012-10-17', Statement: [allow({ AWS: ROLE_A }, 'kms:Decrypt'), endpointOnlyStatement(['vpce-1'], [])] } },
      caller: { arn: ROLE_A },
      ...(endpoint ? { vpcEndpoint: { id: endpoint } } : {}),
      request: { action: 'kms:Decrypt' },
    });
    const through = decide('vpce-1');
    expect(through.errors).toEqual([]);
    expect(through.decision).toBe('allow');
    expect(decide().decision).toBe('explicit-deny');
    expect(decide('vpce-2').decision).toBe('explicit-deny');
  });
});

describe('serviceIntegrationStatements and guards', () => {
  const ENV = { partition: 'aws', region: 'eu-west-1', account: '111122223333' };
  const DEPLOYER = 'arn:aws:iam::111122223333:role/deployer';

  test('each integration\'s deployer actions other than CreateGrant, through its service; CreateGrant for AWS resources only', () => {
    const table = integrationFor('AWS::DynamoDB::Table')!;
    const statements = serviceIntegrationStatements(DEPLOYER, [table], ENV);
    const rest = table.deployerActions.filter((a) => a !== 'kms:CreateGrant');
    const expected = [];
    if (rest.length > 0) {
      expected.push({
        sid: 'DeployerCreatesEncryptedResources',
        statement: { Effect: 'Allow', Principal: { AWS: DEPLOYER }, Action: rest, Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } } },
      });
    }
    if (table.deployerActions.includes('kms:CreateGrant')) {
      expected.push({
        sid: 'DeployerCreatesGrantsForResources',
        statement: {
          Effect: 'Allow',
          Principal: { AWS: DEPLOYER },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        },
      });
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(statements).toEqual(expected);
  });

  test('a service acting as itself gets exactly its actions on Resource "*", with its guard', () => {
    const logs = integrationFor('AWS::Logs::LogGroup')!;
    expect(serviceIntegrationStatements(DEPLOYER, [logs], ENV)).toEqual([{
      sid: 'ServiceUsesKey',
      statement: {
        Effect: 'Allow',
        Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
        Action: [...logs.servicePrincipal!.actions],
        Resource: '*',
        Condition: renderGuard(logs.servicePrincipal!.guard, ENV),
      },
    }]);
  });

  test('a service principal without a Region in its name is recognised by its exact name', () => {
    const trail = integrationFor('AWS::CloudTrail::Trail')!;
    expect(serviceGuard(trail.servicePrincipal!.principal, SERVICE_INTEGRATIONS, ENV)).toEqual(renderGuard(trail.servicePrincipal!.guard, ENV));
  });

  test('a condition block that holds a guard key among others counts as a guard', () => {
    expect(hasConfusedDeputyGuard({ StringEquals: { 'kms:ViaService': 'x', 'aws:SourceAccount': '111122223333' } })).toBe(true);
  });
});

describe('identity statements: no empty halves, no empty Condition', () => {
  test('only context actions: one statement, no context-free one with an empty action list', () => {
    const statements = identityStatements({ sid: 'Use', key: { kind: 'arn', keyArn: 'k' }, actions: ['kms:Decrypt'], encryptionContext: { app: 'a' } });
    expect(statements.map((s) => s.Sid)).toEqual(['UseCtx']);
  });

  test('without conditions the statement has no Condition key at all', () => {
    const [s] = identityStatements({ sid: 'Use', key: { kind: 'arn', keyArn: 'k' }, actions: ['kms:Decrypt'] });
    expect(Object.keys(s)).toEqual(['Sid', 'Effect', 'Action', 'Resource']);
  });
});
