import { existsSync, readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { App, Aws, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AppEvaluator } from './app-evaluator';
import { CrossAccountKeyShare, CrossAccountKeyShareProps, GuardedKmsKey, KeyCapability, KmsAccessEvaluator } from '../../src';
import { PermissionSets } from '../../src/policy/catalogue';

const OWNER = { account: '111122223333', region: 'us-east-1' };
const CONSUMER = { account: '444455556666', region: 'us-east-1' };
const THIRD_ACCOUNT = '777788889999';
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

function setup(env: { owner?: typeof OWNER; consumer?: typeof CONSUMER } = {}) {
  const app = new App();
  const owner = new Stack(app, 'Owner', { env: env.owner ?? OWNER });
  const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin], alias: 'orders', requiredEncryptionContext: { app: 'orders' } });
  const consumer = new Stack(app, 'Consumer', { env: env.consumer ?? CONSUMER });
  const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'orders-reader' });
  return { app, owner, key, consumer, reader };
}

function keyPolicy(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
}

function shareStatements(stack: Stack): any[] {
  return keyPolicy(stack).filter((s) => String(s.Sid).startsWith('Share'));
}

/** Every CloudFormation expression (a `Ref` or `Fn::` key) or token string anywhere in a JSON value, by location. */
function expressionsIn(value: unknown, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => expressionsIn(v, `${at}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [...(k === 'Ref' || k.startsWith('Fn::') ? [`${at}.${k}`] : []), ...expressionsIn(v, `${at}.${k}`)]);
  }
  return typeof value === 'string' && value.includes('${Token[') ? [at] : [];
}

/** The construct's error, checked to name the construct path and never to print a raw token. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    const message = (e as Error).message;
    expect(message).toMatch(/^Owner\/Share: /);
    expect(message).not.toContain('${Token[');
    return message;
  }
  throw new Error('expected an error');
}

describe('CrossAccountKeyShare', () => {
  test('generates both sides: a key-policy statement for the consumer account narrowed to the roles, and a managed policy in the consumer stack', () => {
    const { owner, key, consumer, reader } = setup();
    new CrossAccountKeyShare(owner, 'Share', {
      key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT], viaServices: ['s3'], organizationId: 'o-a1b2c3d4e5',
    });
    expect(shareStatements(owner)).toEqual([
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        Principal: { AWS: 'arn:aws:iam::444455556666:root' },
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::444455556666:role/orders-reader'] },
          StringEquals: {
            'kms:CallerAccount': '444455556666',
            'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
            'kms:ViaService': 's3.us-east-1.amazonaws.com',
            'kms:EncryptionContext:app': 'orders',
          },
        },
      }),
      expect.objectContaining({ Action: 'kms:DescribeKey', Principal: { AWS: 'arn:aws:iam::444455556666:root' } }),
    ]);
    const policies = Template.fromStack(consumer).findResources('AWS::IAM::ManagedPolicy');
    expect(Object.values(policies)).toHaveLength(1);
    const policy = Object.values(policies)[0].Properties;
    expect(policy.Roles).toEqual([{ Ref: expect.stringMatching(/^Reader/) }]);
    expect(policy.PolicyDocument.Statement[0]).toEqual({
      Sid: 'UseSharedKeyCtx',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      Resource: 'arn:aws:kms:us-east-1:111122223333:key/*',
      Condition: {
        'StringEquals': { 'kms:CallerAccount': '444455556666', 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:EncryptionContext:app': 'orders' },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' },
      },
    });
  });

  test('never writes Resource "*" on the consumer side', () => {
    const { owner, key, consumer, reader } = setup();
    new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.ENCRYPT_DECRYPT] });
    expect(JSON.stringify(Template.fromStack(consumer).toJSON())).not.toMatch(/"Resource":"\*"/);
  });

  test('with no roles, names the consumer account and writes the consumer policy to the assembly and an output', () => {
    const { app, owner, key } = setup();
    new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, capabilities: [KeyCapability.ENCRYPT] });
    const statement = shareStatements(owner)[0];
    expect(statement.Principal).toEqual({ AWS: 'arn:aws:iam::444455556666:root' });
    expect(statement.Condition.ArnEquals).toBeUndefined();
    Template.fromStack(owner).hasOutput('*', { Description: Match.stringLikeRegexp('IAM policy for principals of 444455556666') });
    const assembly = app.synth();
    const file = join(assembly.directory, 'kms-guard', 'Owner.Owner.Share.consumer-policy.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf-8')).Statement[0]).toMatchObject({ Resource: 'arn:aws:kms:us-east-1:111122223333:key/*' });
  });

  test('a key outside the app: the consumer side uses its ARN and the owner statements go to the assembly with a warning', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: OWNER });
    new CrossAccountKeyShare(owner, 'Share', { keyArn: KEY_ARN, consumerAccount: CONSUMER.account, consumerRoleArns: ['arn:aws:iam::444455556666:role/etl'], capabilities: [KeyCapability.DECRYPT] });
    Annotations.fromStack(owner).hasWarning('/Owner/Share', Match.stringLikeRegexp('cannot be changed from this app'));
    const dir = join(app.synth().directory, 'kms-guard');
    expect(JSON.parse(readFileSync(join(dir, 'Owner.Owner.Share.consumer-policy.json'), 'utf-8')).Statement[0].Resource).toBe(KEY_ARN);
    const ownerStatement = JSON.parse(readFileSync(join(dir, 'Owner.Owner.Share.owner-key-policy.json'), 'utf-8')).Statement[0];
    expect(ownerStatement.Principal).toEqual({ AWS: 'arn:aws:iam::444455556666:root' });
    expect(ownerStatement.Condition.ArnEquals).toEqual({ 'aws:PrincipalArn': ['arn:aws:iam::444455556666:role/etl'] });
  });

  test('matches the snapshot', () => {
    const { app, owner, key, consumer, reader } = setup();
    new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT] });
    // The owner side is what this construct adds (its key-policy statements and outputs), not the whole template: the
    // rest of the key's policy is GuardedKmsKey's, pinned by its own snapshot.
    const ownerSide = { keyPolicyStatements: shareStatements(owner), outputs: Template.fromStack(owner).toJSON().Outputs ?? {} };
    expect({ owner: ownerSide, consumer: Template.fromStack(consumer).toJSON() }).toMatchSnapshot();
    AppEvaluator.assertDeployable(app);
  });

  describe('principals need not exist when KMS reads the key policy', () => {
    test('in-app roles and roles by ARN are named by aws:PrincipalArn under the consumer account root, never as principals', () => {
      const { owner, key, consumer, reader } = setup();
      const pathRole = new iam.Role(consumer, 'Team', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'team-reader', path: '/team/' });
      const imported = iam.Role.fromRoleName(consumer, 'Imported', 'imported-reader');
      new CrossAccountKeyShare(owner, 'Share', {
        key,
        consumerAccount: CONSUMER.account,
        consumerRoles: [reader, pathRole, imported],
        consumerRoleArns: ['arn:aws:iam::444455556666:role/etl', `arn:${Aws.PARTITION}:iam::444455556666:role/batch`],
        capabilities: [KeyCapability.DECRYPT],
      });
      const statements = shareStatements(owner);
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) {
        expect(s.Principal).toEqual({ AWS: 'arn:aws:iam::444455556666:root' });
        expect(s.Condition.StringEquals['kms:CallerAccount']).toBe('444455556666');
        expect(s.Condition.ArnEquals).toEqual({
          'aws:PrincipalArn': [
            'arn:aws:iam::444455556666:role/orders-reader',
            'arn:aws:iam::444455556666:role/team/team-reader',
            'arn:aws:iam::444455556666:role/imported-reader',
            'arn:aws:iam::444455556666:role/etl',
            'arn:aws:iam::444455556666:role/batch',
          ],
        });
      }
      // The consumer account appears in the key policy only as its root, and the key's stack depends on no other stack.
      const consumerPrincipals = keyPolicy(owner).flatMap((s) => [].concat(s.Principal?.AWS ?? [])).filter((p: unknown) => JSON.stringify(p).includes('444455556666'));
      expect(new Set(consumerPrincipals)).toEqual(new Set(['arn:aws:iam::444455556666:root']));
      expect(owner.dependencies).toEqual([]);
    });

    test('a role of another Region of the consumer account is named in the key\'s partition', () => {
      const { owner, key, reader } = setup({ consumer: { account: CONSUMER.account, region: 'eu-west-1' } });
      new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT] });
      expect(shareStatements(owner)[0].Condition.ArnEquals['aws:PrincipalArn']).toEqual(['arn:aws:iam::444455556666:role/orders-reader']);
    });
  });

  describe('hand-apply files and the output hold literal JSON only', () => {
    test.each([
      ['a key of the app, roles inside and outside it, a pseudo parameter in viaServices', (_owner: Stack, key: kms.IKey, reader: iam.IRole) => ({
        key, consumerRoles: [reader], consumerRoleArns: ['arn:aws:iam::444455556666:role/etl'], viaServices: [`s3.${Aws.REGION}.amazonaws.com`],
      })],
      ['an imported key (its policy cannot be changed here) and a role of the app', (owner: Stack, _key: kms.IKey, reader: iam.IRole) => ({
        key: kms.Key.fromKeyArn(owner, 'Imported', KEY_ARN), consumerRoles: [reader], consumerRoleArns: [`arn:${Aws.PARTITION}:iam::444455556666:role/etl`],
      })],
      ['a key by ARN and no roles', () => ({ keyArn: KEY_ARN, viaServices: ['s3'], organizationId: 'o-a1b2c3d4e5' })],
    ])('%s', (_name, share) => {
      const { app, owner, key, reader } = setup();
      new CrossAccountKeyShare(owner, 'Share', { consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT], ...share(owner, key, reader) });
      const assembly = app.synth();
      const dir = join(assembly.directory, 'kms-guard');
      const files = readdirSync(dir);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const doc = JSON.parse(readFileSync(join(dir, file), 'utf-8'));
        expect({ file, expressions: expressionsIn(doc) }).toEqual({ file, expressions: [] });
        expect(JSON.stringify(doc)).toContain('444455556666');
      }
      const outputs = Object.values(assembly.getStackByName('Owner').template.Outputs ?? {}) as any[];
      const consumerOutput = outputs.find((o) => String(o.Description).startsWith('IAM policy for principals'));
      expect(typeof consumerOutput.Value).toBe('string');
      expect(expressionsIn(JSON.parse(consumerOutput.Value))).toEqual([]);
      expect(JSON.parse(consumerOutput.Value)).toEqual(JSON.parse(readFileSync(join(dir, 'Owner.Owner.Share.consumer-policy.json'), 'utf-8')));
    });

    test('the owner key-policy file names an imported key\'s consumer roles literally', () => {
      const { app, owner, reader } = setup();
      new CrossAccountKeyShare(owner, 'Share', { key: kms.Key.fromKeyArn(owner, 'Imported', KEY_ARN), consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT] });
      const doc = JSON.parse(readFileSync(join(app.synth().directory, 'kms-guard', 'Owner.Owner.Share.owner-key-policy.json'), 'utf-8'));
      expect(doc.Statement.map((s: any) => [s.Principal, s.Condition.ArnEquals])).toEqual(doc.Statement.map(() => [
        { AWS: 'arn:aws:iam::444455556666:root' }, { 'aws:PrincipalArn': ['arn:aws:iam::444455556666:role/orders-reader'] },
      ]));
    });

    test('fails on a consumer role without an explicit roleName', () => {
      const { owner, key, consumer } = setup();
      const anonymous = new iam.Role(consumer, 'Anonymous', { assumedBy: new iam.AccountRootPrincipal() });
      const message = errorOf(() => new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, consumerRoles: [anonymous], capabilities: [KeyCapability.DECRYPT] }));
      expect(message).toMatch(/consumer role Consumer\/Anonymous has no explicit roleName/);
      expect(message).toMatch(/Give the role a roleName/);
    });

    test('fails when a value of a hand-apply file is known only at deploy time, saying where it is and how to fix it', () => {
      const app = new App();
      const owner = new Stack(app, 'Owner', { env: OWNER });
      const orgId = new CfnParameter(owner, 'OrgId').valueAsString;
      const message = errorOf(() => new CrossAccountKeyShare(owner, 'Share', { keyArn: KEY_ARN, consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT], organizationId: orgId }));
      expect(message).toMatch(/the owner key-policy statements must be literal JSON: they are applied by hand/);
      expect(message).toContain('Statement[0].Condition.StringEquals["aws:PrincipalOrgID"] is {"Ref":"OrgId"}: a parameter or resource of stack Owner');
      expect(message).toMatch(/pass a literal value/);
    });

    test('fails when the consumer policy would hold a value of the owner\'s stack known only at deploy time', () => {
      const { owner, key, reader } = setup();
      const message = errorOf(() => new CrossAccountKeyShare(owner, 'Share', {
        key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT], viaServices: [Fn.importValue('ServiceName')],
      }));
      expect(message).toMatch(/the consumer policy must be literal JSON: it is deployed in the consumer's account/);
      expect(message).toContain('{"Fn::ImportValue":"ServiceName"}');
    });

    test('fails on role ARNs that are not literal roles of the consumer account', () => {
      const share = (arn: string) => () => {
        const { owner, key } = setup();
        return new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, consumerRoleArns: [arn], capabilities: [KeyCapability.DECRYPT] });
      };
      expect(errorOf(share('arn:aws:iam::444455556666:role/etl-*'))).toMatch(/consumerRoleArns\[0\] "arn:aws:iam::444455556666:role\/etl-\*" has a wildcard/);
      expect(errorOf(share('arn:aws:sts::444455556666:assumed-role/etl/s'))).toMatch(/not an IAM role ARN: expected arn:aws:iam::444455556666:role\/NAME/);
      expect(errorOf(share('arn:aws:iam::777788889999:role/etl'))).toMatch(/is not in consumerAccount 444455556666/);
      expect(errorOf(share(Fn.importValue('EtlRoleArn')))).toMatch(/consumerRoleArns\[0\] is not known at synth time[\s\S]*Fn::ImportValue/);
    });
  });

  describe('encryption context', () => {
    test('adds the share\'s own pairs to the key\'s required context, and accepts the same value again', () => {
      const { owner, key, reader } = setup();
      new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT], encryptionContext: { app: 'orders', team: 'reporting' } });
      expect(shareStatements(owner)[0].Condition.StringEquals).toMatchObject({ 'kms:EncryptionContext:app': 'orders', 'kms:EncryptionContext:team': 'reporting' });
    });

    test('fails when it sets a pair the key requires to another value', () => {
      const { owner, key, reader } = setup();
      const message = errorOf(() => new CrossAccountKeyShare(owner, 'Share', {
        key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT], encryptionContext: { app: 'billing' },
      }));
      expect(message).toMatch(/encryptionContext "app" is "billing" here, but key Owner\/Key requires "orders"/);
      expect(message).toMatch(/Leave "app" out of encryptionContext .* or set it to "orders"/);
    });

    test('fails when the two values cannot be compared at synth time', () => {
      const { owner, key, reader } = setup();
      const value = new CfnParameter(owner, 'App').valueAsString;
      const message = errorOf(() => new CrossAccountKeyShare(owner, 'Share', {
        key, consumerAccount: CONSUMER.account, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT], encryptionContext: { app: value },
      }));
      expect(message).toMatch(/encryptionContext "app" is \{"Ref":"App"\} here, but key Owner\/Key requires "orders".*cannot be compared at synth time/);
    });
  });

  describe('allowResourceWildcard', () => {
    function wildcardShare(organizationId?: string) {
      const app = new App();
      const owner = new Stack(app, 'Owner', { env: OWNER });
      const key = new kms.Key(owner, 'Plain');
      const consumer = new Stack(app, 'Consumer', { env: CONSUMER });
      const reader = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'orders-reader' });
      new CrossAccountKeyShare(owner, 'Share', {
        key,
        consumerAccount: CONSUMER.account,
        consumerRoles: [reader],
        capabilities: [KeyCapability.DECRYPT],
        viaServices: ['s3'],
        encryptionContext: { app: 'orders' },
        organizationId,
        allowResourceWildcard: true,
      });
      return { app, owner, consumer };
    }

    test('keeps the key side\'s conditions and narrows Resource "*" to keys of the owner account', () => {
      const { owner, consumer } = wildcardShare('o-a1b2c3d4e5');
      expect(shareStatements(owner)[0].Condition.StringEquals['aws:PrincipalOrgID']).toBe('o-a1b2c3d4e5');
      const statements = Object.values(Template.fromStack(consumer).findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement;
      const narrowing = { 'kms:CallerAccount': '444455556666', 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'aws:ResourceAccount': '111122223333' };
      expect(statements).toEqual([
        {
          Sid: 'UseSharedKeyCtx',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
          Resource: '*',
          Condition: { StringEquals: { ...narrowing, 'kms:EncryptionContext:app': 'orders' } },
        },
        { Sid: 'UseSharedKey', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: narrowing } },
      ]);
    });

    test('proved with the evaluator: the consumer can decrypt the owner\'s key, and the same policy allows no key of another account', () => {
      const { app } = wildcardShare();
      const evaluator = AppEvaluator.synth(app);
      const caller = evaluator.callerFor('Consumer/Reader');
      const request = { action: 'kms:Decrypt', encryptionContext: { app: 'orders' }, context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } };
      expect(evaluator.evaluate('Owner/Plain', caller, 'kms:Decrypt', { encryptionContext: { app: 'orders' }, viaService: 's3.us-east-1.amazonaws.com' }).decision).toBe('allow');
      // A key whose policy admits the whole consumer account: only the consumer's IAM policy stands between them.
      const openPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:*', Resource: '*' }] };
      const decide = (keyArn: string) => KmsAccessEvaluator.evaluate({
        key: { arn: keyArn, policy: openPolicy }, caller: { arn: caller.arn, identityPolicies: caller.identityPolicies ?? [] }, request,
      }).decision;
      expect(decide('arn:aws:kms:us-east-1:111122223333:key/0f0f0f0f-1111-2222-3333-444444444444')).toBe('allow');
      expect(decide(`arn:aws:kms:us-east-1:${THIRD_ACCOUNT}:key/0f0f0f0f-1111-2222-3333-444444444444`)).toBe('implicit-deny');
    });
  });

  describe('partition', () => {
    test('is derived from the Region, on both sides', () => {
      const china = { account: OWNER.account, region: 'cn-north-1' };
      const { app, owner, key, consumer, reader } = setup({ owner: china, consumer: { account: CONSUMER.account, region: 'cn-north-1' } });
      new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, consumerRoles: [reader], consumerRoleArns: ['arn:aws-cn:iam::444455556666:role/etl'], capabilities: [KeyCapability.DECRYPT] });
      const statement = shareStatements(owner)[0];
      expect(statement.Principal).toEqual({ AWS: 'arn:aws-cn:iam::444455556666:root' });
      expect(statement.Condition.ArnEquals['aws:PrincipalArn']).toEqual(['arn:aws-cn:iam::444455556666:role/orders-reader', 'arn:aws-cn:iam::444455556666:role/etl']);
      const policy = Object.values(Template.fromStack(consumer).findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument;
      expect(policy.Statement[0].Resource).toBe('arn:aws-cn:kms:cn-north-1:111122223333:key/*');
      const file = JSON.parse(readFileSync(join(app.synth().directory, 'kms-guard', 'Owner.Owner.Share.consumer-policy.json'), 'utf-8'));
      expect(file.Statement[0].Resource).toBe('arn:aws-cn:kms:cn-north-1:111122223333:key/*');
    });

    test('fails when the key\'s stack has no Region (and no account), rather than guessing aws', () => {
      const app = new App();
      const owner = new Stack(app, 'Owner');
      const key = new kms.Key(owner, 'Key');
      const message = errorOf(() => new CrossAccountKeyShare(owner, 'Share', { key, keyAlias: 'orders', consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT] }));
      expect(message).toMatch(/the account and Region \(and so its partition\) of key Owner\/Key are not known at synth time/);
      expect(message).toMatch(/Give stack Owner an explicit env/);
    });

    test('fails when the key\'s stack has a Region but no account', () => {
      const app = new App();
      const owner = new Stack(app, 'Owner', { env: { region: 'us-east-1' } });
      const key = new kms.Key(owner, 'Key');
      const message = errorOf(() => new CrossAccountKeyShare(owner, 'Share', { key, keyAlias: 'orders', consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT] }));
      expect(message).toMatch(/the account of key Owner\/Key is not known at synth time/);
    });

    test('fails on a consumer role of another partition', () => {
      const { owner, key } = setup();
      expect(errorOf(() => new CrossAccountKeyShare(owner, 'Share', {
        key, consumerAccount: CONSUMER.account, consumerRoleArns: ['arn:aws-cn:iam::444455556666:role/etl'], capabilities: [KeyCapability.DECRYPT],
      }))).toMatch(/is in partition aws-cn, but the key is in aws/);
    });
  });

  describe('fails', () => {
    test('on an action that does not work across accounts', () => {
      const { owner, key } = setup();
      expect(errorOf(() => new CrossAccountKeyShare(owner, 'Share', {
        key, consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT], additionalActions: ['kms:ScheduleKeyDeletion'],
      }))).toMatch(/kms:ScheduleKeyDeletion cannot be used from another account/);
    });

    test('on the key\'s own account', () => {
      const { owner, key } = setup();
      expect(errorOf(() => new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: OWNER.account, capabilities: [KeyCapability.DECRYPT] })))
        .toMatch(/consumerAccount 111122223333 is the key's own account: use GuardedKmsKey users/);
    });

    test('on a malformed account id', () => {
      const { owner, key } = setup();
      expect(errorOf(() => new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: '4444', capabilities: [KeyCapability.DECRYPT] }))).toMatch(/not a 12-digit/);
    });

    test('when both key and keyArn are given', () => {
      const { owner, key } = setup();
      expect(errorOf(() => new CrossAccountKeyShare(owner, 'Share', {
        key, keyArn: 'arn:aws:kms:us-east-1:111122223333:key/x', consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT],
      }))).toMatch(/exactly one of key and keyArn/);
    });

    test('when the consumer side cannot name the key and no wildcard is allowed', () => {
      const app = new App();
      const owner = new Stack(app, 'Owner', { env: OWNER });
      const key = new kms.Key(owner, 'Plain');
      expect(errorOf(() => new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT] })))
        .toMatch(/cannot name key Owner\/Plain: .*no keyAlias is given. Give a keyAlias .* or set allowResourceWildcard/);
    });

    test('on roles of another account than consumerAccount', () => {
      const { owner, key, reader } = setup();
      expect(errorOf(() => new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: THIRD_ACCOUNT, consumerRoles: [reader], capabilities: [KeyCapability.DECRYPT] })))
        .toMatch(/consumerRoles are in stack Consumer of account 444455556666, not in consumerAccount 777788889999/);
    });

    test('on a consumerAccount, keyArn or action known only at deploy time, showing the expression instead of a token', () => {
      const share = (props: Partial<CrossAccountKeyShareProps>) => () => {
        const { owner, key } = setup();
        return new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: CONSUMER.account, capabilities: [KeyCapability.DECRYPT], ...props });
      };
      expect(errorOf(share({ consumerAccount: Fn.importValue('ConsumerAccount') })))
        .toMatch(/consumerAccount is not known at synth time \(it resolves to \{"Fn::ImportValue":"ConsumerAccount"\}\): give the consumer's 12-digit account id literally/);
      expect(errorOf(share({ key: undefined, keyArn: Fn.importValue('KeyArn') })))
        .toMatch(/keyArn is not known at synth time \(it resolves to \{"Fn::ImportValue":"KeyArn"\}\).*Pass the key's literal ARN/);
      expect(errorOf(share({ additionalActions: [Fn.importValue('Action')] }))).toMatch(/additionalActions\[0\] is not known at synth time \(it resolves to \{"Fn::ImportValue":"Action"\}\): name the KMS action literally/);
    });
  });
});

describe('CrossAccountKeyShare, proved with the evaluator: the account root narrowed by aws:PrincipalArn', () => {
  const app = new App();
  const owner = new Stack(app, 'Owner', { env: OWNER });
  const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin], alias: 'orders', requiredEncryptionContext: { app: 'orders' } });
  const consumer = new Stack(app, 'Consumer', { env: CONSUMER });
  const reporting = new iam.Role(consumer, 'Reporting', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'reporting' });
  new CrossAccountKeyShare(owner, 'Share', {
    key, consumerAccount: CONSUMER.account, consumerRoles: [reporting], consumerRoleArns: ['arn:aws:iam::444455556666:role/etl'], capabilities: [KeyCapability.DECRYPT],
  });
  const evaluator = AppEvaluator.synth(app);
  const withContext = { encryptionContext: { app: 'orders' } };
  const reportingCaller = evaluator.callerFor('Consumer/Reporting');
  const sameIamPolicy = (arn: string) => ({ arn, identityPolicies: reportingCaller.identityPolicies });
  const consumerPolicyFile = JSON.parse(readFileSync(join(app.outdir, 'kms-guard', 'Owner.Owner.Share.consumer-policy.json'), 'utf-8'));

  test('the consumer role, with its generated policy, can decrypt through the share statement', () => {
    const result = evaluator.evaluate('Owner/Key', reportingCaller, 'kms:Decrypt', withContext);
    expect(result.decision).toBe('allow');
    expect(result.explanation).toMatch(/Share[0-9a-f]{8}Ctx/);
    expect(sorted(evaluator.allowedActions('Owner/Key', reportingCaller, withContext))).toEqual(sorted(PermissionSets.decrypt));
  });

  test('the role outside the app, with the policy written for it, can decrypt too', () => {
    expect(evaluator.evaluate('Owner/Key', { arn: 'arn:aws:sts::444455556666:assumed-role/etl/s', identityPolicies: [consumerPolicyFile] }, 'kms:Decrypt', withContext).decision)
      .toBe('allow');
  });

  test('another role of the consumer account with the same IAM policy cannot', () => {
    expect(evaluator.allowedActions('Owner/Key', sameIamPolicy('arn:aws:sts::444455556666:assumed-role/bystander/s'), withContext)).toEqual([]);
  });

  test('a role of the same name in a third account, with the same IAM policy, cannot', () => {
    expect(evaluator.allowedActions('Owner/Key', sameIamPolicy(`arn:aws:sts::${THIRD_ACCOUNT}:assumed-role/reporting/s`), withContext)).toEqual([]);
  });

  test('the consumer role cannot decrypt without the encryption context, nor without its IAM policy', () => {
    expect(evaluator.evaluate('Owner/Key', reportingCaller, 'kms:Decrypt').decision).toBe('implicit-deny');
    expect(evaluator.evaluate('Owner/Key', { ...reportingCaller, identityPolicies: [] }, 'kms:Decrypt', withContext).decision).toBe('implicit-deny');
  });
});
