import consumerStack from './fixtures/consumer-stack.template.json';
import keyStack from './fixtures/key-stack.template.json';
import { AccessEntry, KeyAccessSummary, PROBE_ROLE_NAME, actionsForKey, formatSummary, summarizeAccess } from '../../src/app-model/access-summary';
import { buildAppModel } from '../../src/app-model/app-model';
import { StackTemplate } from '../../src/app-model/stack-template';

const ACCOUNT = '111122223333';
const env = { account: ACCOUNT, region: 'us-east-1' };
const ROOT = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] };
const PROBE = `arn:aws:iam::${ACCOUNT}:role/${PROBE_ROLE_NAME}`;
const MANAGE = ['kms:DescribeKey', 'kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey'];
const SYMMETRIC = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', ...MANAGE];

const fixture = summarizeAccess(buildAppModel([
  { stackName: 'KeyStack', ...env, template: keyStack },
  { stackName: 'ConsumerStack', ...env, template: consumerStack },
]));

const summaryOf = (summaries: KeyAccessSummary[], logicalId: string): KeyAccessSummary => summaries.find((s) => s.key.logicalId === logicalId)!;
const entryOf = (s: KeyAccessSummary, match: string): AccessEntry => {
  const found = s.entries.find((e) => e.principal.arn === match || e.principal.logicalId === match || e.principal.label === match);
  if (!found) throw new Error(`no entry ${match} in ${s.entries.map((e) => e.principal.label).join(', ')}`);
  return found;
};
/** The actions allowed plainly: certain, and needing no service, endpoint or encryption context. */
const actions = (e: AccessEntry): string[] =>
  e.allowed.filter((a) => !a.uncertain && !a.via && !a.endpoint && !a.encryptionContext).map((a) => a.action);

/** A one-stack app: a key with `policy`, and `resources` beside it. */
function app(policy: unknown, resources: Record<string, unknown> = {}, stack: Partial<StackTemplate> = {}): KeyAccessSummary {
  return summarizeAccess(buildAppModel([{
    stackName: 'S',
    ...env,
    ...stack,
    template: { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: policy } }, ...resources } },
  }]))[0];
}
const doc = (...statements: unknown[]): unknown => ({ Version: '2012-10-17', Statement: statements });
const allowRoot = { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };
const role = (policy?: unknown, extra: Record<string, unknown> = {}): unknown => ({
  Type: 'AWS::IAM::Role',
  Properties: { ...(policy ? { Policies: [{ PolicyName: 'p', PolicyDocument: policy }] } : {}), ...extra },
});

describe('summarizeAccess: the fixture app', () => {
  const orders = summaryOf(fixture, 'OrdersKey5B2E6B5F');
  const shared = summaryOf(fixture, 'SharedKey17AFBB84');
  const vault = summaryOf(fixture, 'VaultKey8F3A4C21');

  test('GIVEN three keys WHEN summarized THEN each summary names its key, path and aliases', () => {
    expect(fixture.map((s) => s.key)).toEqual([
      { stackName: 'KeyStack', logicalId: 'OrdersKey5B2E6B5F', constructPath: 'KeyStack/OrdersKey/Resource', arn: expect.stringMatching(/:key\//), aliases: ['alias/orders'] },
      { stackName: 'KeyStack', logicalId: 'SharedKey17AFBB84', constructPath: 'KeyStack/SharedKey/Resource', arn: expect.stringMatching(/:key\//), aliases: ['alias/shared'] },
      { stackName: 'KeyStack', logicalId: 'VaultKey8F3A4C21', constructPath: 'KeyStack/VaultKey/Resource', arn: expect.stringMatching(/:key\//), aliases: [] },
    ]);
  });

  test('GIVEN the role named in the key policy WHEN summarized THEN it can Decrypt, and Encrypt/GenerateDataKey only with the encryption context', () => {
    expect(entryOf(orders, 'AppRoleDC883459').allowed).toEqual([
      { action: 'kms:Encrypt', encryptionContext: { app: 'orders' } },
      { action: 'kms:Decrypt' },
      { action: 'kms:GenerateDataKey', encryptionContext: { app: 'orders' } },
    ]);
  });

  test('GIVEN a key policy without account delegation WHEN summarized THEN the probe role and the root user can do nothing, and IAM-only grants do not count', () => {
    expect(entryOf(orders, PROBE).allowed).toEqual([]);
    expect(entryOf(orders, `arn:aws:iam::${ACCOUNT}:root`).allowed).toEqual([]);
    // The role's managed policy allows DescribeKey on this key, but without delegation IAM policies have no effect.
    expect(actions(entryOf(orders, 'AppRoleDC883459'))).not.toContain('kms:DescribeKey');
    expect(orders.notes.some((n) => n.includes('any principal'))).toBe(false);
  });

  test('GIVEN one administrator role in the key policy WHEN summarized THEN it is the only one that can PutKeyPolicy: a lockout risk', () => {
    const admin = entryOf(orders, 'KeyAdminRoleA1B2C3D4');
    expect(actions(admin)).toEqual(['kms:DescribeKey', 'kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey']);
    expect(admin.lockoutRisk).toBe(true);
    expect(orders.entries.filter((e) => e.lockoutRisk)).toHaveLength(1);
    expect(orders.notes).toContain('only role KeyStack/KeyAdminRole can call kms:PutKeyPolicy: if it is deleted or loses that permission, the key is locked out');
  });

  test('GIVEN the CDK default key policy (kms:* to the account root) WHEN summarized THEN the probe role can do everything and the delegation is noted', () => {
    expect(actions(entryOf(shared, PROBE))).toEqual(SYMMETRIC);
    expect(actions(entryOf(shared, `arn:aws:iam::${ACCOUNT}:root`))).toEqual(SYMMETRIC);
    expect(shared.notes).toEqual(['any principal in account 111122223333 with an IAM policy can use this key: the key policy delegates all of these actions to the account']);
    expect(shared.entries.some((e) => e.lockoutRisk)).toBe(false);
  });

  test('GIVEN roles with identity policies on a delegated key WHEN summarized THEN each gets what its policies allow, across stacks too', () => {
    expect(actions(entryOf(shared, 'AppRoleDC883459'))).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(actions(entryOf(shared, 'Consumer8D6BE417'))).toEqual(['kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey']);
    expect(entryOf(shared, 'KeyAdminRoleA1B2C3D4').allowed).toEqual([]);
    expect(entryOf(shared, 'AppRoleDC883459').principal).toEqual({
      arn: 'arn:aws:iam::111122223333:role/KeyStack-AppRoleDC883459-3D8A36780368',
      label: 'role KeyStack/AppRole',
      kind: 'role',
      constructPath: 'KeyStack/AppRole/Resource',
      stackName: 'KeyStack',
      logicalId: 'AppRoleDC883459',
    });
    // AWSLambdaBasicExecutionRole is known to allow no KMS action: no note about it.
    expect(entryOf(shared, 'AppRoleDC883459').notes).toEqual([]);
  });

  test('GIVEN a Deny of Decrypt outside the KMS endpoint WHEN summarized THEN Decrypt is allowed only through that endpoint', () => {
    const endpoint = expect.stringMatching(/^vpce-[0-9a-f]{17}$/);
    expect(entryOf(vault, 'AppRoleDC883459').allowed).toEqual([{ action: 'kms:Decrypt', endpoint }]);
    expect(entryOf(vault, PROBE).allowed).toContainEqual({ action: 'kms:Decrypt', endpoint });
    expect(actions(entryOf(vault, PROBE))).not.toContain('kms:Decrypt');
    expect(vault.notes).toEqual([
      'any principal in account 111122223333 with an IAM policy allowing it can call Encrypt, Decrypt, ReEncryptFrom, ReEncryptTo, GenerateDataKey, DescribeKey, CreateGrant, PutKeyPolicy, ScheduleKeyDeletion, DisableKey (some only under conditions)',
    ]);
  });

  test('GIVEN the fixture WHEN formatted THEN a few lines per key say who can do what', () => {
    const text = formatSummary([summaryOf(fixture, 'OrdersKey5B2E6B5F')]);
    expect(text.split('\n')).toEqual([
      `key KeyStack/OrdersKey (alias/orders): ${fixture[0].key.arn}`,
      '  role KeyStack/KeyAdminRole: DescribeKey, CreateGrant, PutKeyPolicy, ScheduleKeyDeletion, DisableKey (the only one that can call PutKeyPolicy)',
      '  role KeyStack/AppRole: Decrypt; Encrypt, GenerateDataKey [with encryption context app=orders]',
      '  no access: role ConsumerStack/Consumer; any role of 111122223333 given an IAM policy allowing kms:*; root of 111122223333',
      '  note: only role KeyStack/KeyAdminRole can call kms:PutKeyPolicy: if it is deleted or loses that permission, the key is locked out',
    ]);
    expect(formatSummary(fixture).split('\n\n')).toHaveLength(3);
    expect(formatSummary(fixture)).toContain(`  role KeyStack/AppRole: Decrypt [only through ${entryOf(vault, 'AppRoleDC883459').allowed[0].endpoint}]`);
  });
});

describe('summarizeAccess: unresolved values', () => {
  const conditional = app(
    doc(allowRoot, {
      Sid: 'StageApp',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::If': ['IsProd', { 'Fn::GetAtt': ['ProdRole', 'Arn'] }, { 'Fn::GetAtt': ['DevRole', 'Arn'] }] } },
      Action: 'kms:Decrypt',
      Resource: '*',
    }),
    { ProdRole: role(undefined, { RoleName: 'prod-app' }), DevRole: role(undefined, { RoleName: 'dev-app' }) },
  );

  test('GIVEN a key-policy principal chosen by Fn::If WHEN summarized THEN the placeholder is never a principal and the roles are only possibly allowed', () => {
    expect(conditional.entries.some((e) => e.principal.arn.includes('unresolved') || e.principal.label.includes('unresolved'))).toBe(false);
    for (const name of ['prod-app', 'dev-app']) {
      const entry = entryOf(conditional, `arn:aws:iam::${ACCOUNT}:role/${name}`);
      expect(entry.allowed).toEqual([{ action: 'kms:Decrypt', uncertain: true }]);
    }
    expect(conditional.notes).toContain(
      'Sid "StageApp" (<unresolved:Fn::If>) of the key policy cannot be fully resolved: entries marked "possibly" depend on it, and an unresolved principal is never listed as a principal',
    );
    expect(formatSummary([conditional])).toContain('  role S/ProdRole: Decrypt [possibly: depends on unresolved values]');
  });

  test('GIVEN a key whose only PutKeyPolicy grant has an unresolved principal WHEN summarized THEN it is possibly locked out, not declared manageable', () => {
    const s = app(doc({ Effect: 'Allow', Principal: { AWS: { 'Fn::If': ['C', 'arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b'] } }, Action: 'kms:*', Resource: '*' }));
    expect(entryOf(s, `arn:aws:iam::${ACCOUNT}:root`).allowed).toContainEqual({ action: 'kms:PutKeyPolicy', uncertain: true });
    expect(s.entries.flatMap((e) => e.allowed).every((a) => a.uncertain)).toBe(true);
    expect(s.notes).toContain('possibly locked out: only the permissive reading of unresolved values lets anyone call kms:PutKeyPolicy');
  });

  test('GIVEN a Deny whose condition is unresolved WHEN summarized THEN the denied action is possibly allowed, never certainly', () => {
    const s = app(
      doc(allowRoot, { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': { Ref: 'EndpointParam' } } } }),
    );
    const root = entryOf(s, `arn:aws:iam::${ACCOUNT}:root`);
    expect(root.allowed).toContainEqual({ action: 'kms:Decrypt', uncertain: true });
    expect(actions(root)).not.toContain('kms:Decrypt');
  });

  test('GIVEN a policy attached by an unresolved role name WHEN summarized THEN every role of the account is possibly allowed what it allows', () => {
    const s = app(doc(allowRoot), {
      App: role(undefined, { RoleName: 'app' }),
      P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), Roles: [{ Ref: 'Target' }] } },
    });
    const entry = entryOf(s, `arn:aws:iam::${ACCOUNT}:role/app`);
    expect(entry.allowed).toEqual([{ action: 'kms:Decrypt', uncertain: true }]);
    expect(entry.notes).toEqual(['policy S/P (its role list cannot be resolved) may be attached to it']);
  });

  test('GIVEN an identity policy whose Resource is unresolved WHEN summarized THEN the role is possibly allowed, with a note', () => {
    const s = app(doc(allowRoot), {
      App: role(doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::ImportValue': 'Nowhere' } }), { RoleName: 'app' }),
    });
    const entry = entryOf(s, `arn:aws:iam::${ACCOUNT}:role/app`);
    expect(entry.allowed).toEqual([{ action: 'kms:Decrypt', uncertain: true }]);
    expect(entry.notes).toEqual(['statement #0 (<unresolved:Fn::ImportValue Nowhere>) of inline policy of role p cannot be fully resolved']);
  });
});

describe('summarizeAccess: request variants', () => {
  test('GIVEN the CDK "through S3 for all principals in the account" statement WHEN summarized THEN every role can Decrypt only via S3', () => {
    const s = app(
      doc(
        { Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['Admin', 'Arn'] } }, Action: 'kms:*', Resource: '*' },
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: {
            StringEquals: {
              'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
              'kms:CallerAccount': { Ref: 'AWS::AccountId' },
            },
          },
        },
      ),
      { Admin: role(undefined, { RoleName: 'admin' }), App: role(undefined, { RoleName: 'app' }) },
    );
    const via = 's3.us-east-1.amazonaws.com';
    expect(entryOf(s, `arn:aws:iam::${ACCOUNT}:role/app`).allowed).toEqual([{ action: 'kms:Decrypt', via }, { action: 'kms:GenerateDataKey', via }]);
    expect(actions(entryOf(s, `arn:aws:iam::${ACCOUNT}:role/admin`))).toEqual(SYMMETRIC);
    expect(entryOf(s, PROBE).allowed).toEqual([{ action: 'kms:Decrypt', via }, { action: 'kms:GenerateDataKey', via }]);
    expect(s.notes).toEqual([
      'only role S/Admin can call kms:PutKeyPolicy: if it is deleted or loses that permission, the key is locked out',
      'any principal in account 111122223333 with an IAM policy allowing it can call Decrypt, GenerateDataKey (some only under conditions)',
    ]);
    expect(formatSummary([s])).toContain(`  role S/App: Decrypt, GenerateDataKey [only via ${via}]`);
  });

  test('GIVEN a grant statement for AWS resources WHEN summarized THEN CreateGrant is allowed only via the service', () => {
    const s = app(doc(allowRoot), {
      App: role(doc({
        Effect: 'Allow',
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': true }, StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
      }), { RoleName: 'app' }),
    });
    expect(entryOf(s, `arn:aws:iam::${ACCOUNT}:role/app`).allowed).toEqual([{ action: 'kms:CreateGrant', via: 'ec2.us-east-1.amazonaws.com' }]);
  });
});

describe('summarizeAccess: principals beyond the app', () => {
  test('GIVEN a key policy naming another account\'s role and root WHEN summarized THEN they appear, asked only cross-account actions', () => {
    const s = app(doc(
      allowRoot,
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:role/reporting' }, Action: ['kms:Decrypt', 'kms:ScheduleKeyDeletion'], Resource: '*' },
      { Effect: 'Allow', Principal: { AWS: '777788889999' }, Action: 'kms:Encrypt', Resource: '*' },
      { Effect: 'Allow', Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'], Resource: '*' },
    ));
    const reporting = entryOf(s, 'arn:aws:iam::444455556666:role/reporting');
    expect(reporting).toMatchObject({ principal: { kind: 'named' }, allowed: [{ action: 'kms:Decrypt' }] });
    expect(reporting.notes).toEqual(['named in the key policy, in account 444455556666: shown as if that account\'s IAM policies allow it']);
    expect(entryOf(s, 'root of 777788889999').allowed).toEqual([{ action: 'kms:Encrypt' }]);
    expect(actions(entryOf(s, 'service logs.us-east-1.amazonaws.com'))).toEqual(['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']);
  });

  test('GIVEN a role in another account\'s stack WHEN summarized THEN both its IAM policy and the key policy must allow', () => {
    const keyArnRef = { 'Fn::ImportValue': 'never-found-cross-account' };
    const model = buildAppModel([
      { stackName: 'Keys', ...env, template: { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: doc(allowRoot, { Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'kms:Decrypt', Resource: '*' }) } } } } },
      {
        stackName: 'Consumer',
        account: '444455556666',
        region: 'us-east-1',
        template: {
          Resources: {
            Yes: role(doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), { RoleName: 'yes' }),
            No: role(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), { RoleName: 'no' }),
            Maybe: role(doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArnRef }), { RoleName: 'maybe' }),
          },
        },
      },
    ]);
    const s = summarizeAccess(model)[0];
    expect(entryOf(s, 'arn:aws:iam::444455556666:role/yes').allowed).toEqual([{ action: 'kms:Decrypt' }]);
    expect(entryOf(s, 'arn:aws:iam::444455556666:role/no').allowed).toEqual([]);
    expect(entryOf(s, 'arn:aws:iam::444455556666:role/maybe').allowed).toEqual([{ action: 'kms:Decrypt', uncertain: true }]);
  });

  test('GIVEN extra principals WHEN summarized THEN they are evaluated with their identity policies and labels', () => {
    const model = buildAppModel([{ stackName: 'S', ...env, template: { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: doc(allowRoot) } } } } }]);
    const [s] = summarizeAccess(model, {
      extraPrincipals: [
        { arn: 'arn:aws:iam::111122223333:role/imported', label: 'imported role', identityPolicies: [doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: model.keys[0].arn })] },
        { arn: 'not-an-arn' },
      ],
    });
    expect(entryOf(s, 'imported role')).toMatchObject({ principal: { kind: 'extra', arn: 'arn:aws:iam::111122223333:role/imported' }, allowed: [{ action: 'kms:Decrypt' }] });
    expect(entryOf(s, 'not-an-arn').notes[0]).toMatch(/^cannot be evaluated: caller\.arn `not-an-arn` is not a caller/);
  });
});

describe('summarizeAccess: IAM details', () => {
  test('GIVEN AdministratorAccess and an unknown managed policy WHEN summarized THEN the first counts as allow-all and the second is noted', () => {
    const s = app(doc(allowRoot), {
      Admin: role(undefined, { RoleName: 'admin', ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess' }] }),
      Reader: role(undefined, { RoleName: 'reader', ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }),
    });
    expect(actions(entryOf(s, `arn:aws:iam::${ACCOUNT}:role/admin`))).toEqual(SYMMETRIC);
    expect(entryOf(s, `arn:aws:iam::${ACCOUNT}:role/reader`)).toMatchObject({
      allowed: [],
      notes: ['managed policy arn:aws:iam::aws:policy/ReadOnlyAccess is not in the app and its contents are unknown offline: it may be allowed more than shown'],
    });
  });

  test('GIVEN permissions boundaries WHEN summarized THEN an in-app boundary limits, an unknown one is noted', () => {
    const allowKms = doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' });
    const s = app(doc(allowRoot), {
      Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }) } },
      Bounded: role(allowKms, { RoleName: 'bounded', PermissionsBoundary: { Ref: 'Boundary' } }),
      Unknown: role(allowKms, { RoleName: 'unknown', PermissionsBoundary: 'arn:aws:iam::111122223333:policy/elsewhere' }),
    });
    expect(actions(entryOf(s, `arn:aws:iam::${ACCOUNT}:role/bounded`))).toEqual(['kms:Decrypt']);
    const unknown = entryOf(s, `arn:aws:iam::${ACCOUNT}:role/unknown`);
    expect(actions(unknown)).toEqual(SYMMETRIC);
    expect(unknown.notes).toEqual(['its permissions boundary arn:aws:iam::111122223333:policy/elsewhere is not in the app: it may be allowed less than shown']);
  });

  test('GIVEN a role with an invalid identity policy WHEN summarized THEN that policy is left out with a note and the others still count', () => {
    const s = app(doc(allowRoot), {
      App: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'app',
          Policies: [
            { PolicyName: 'bad', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Principal: '*' }) },
            { PolicyName: 'good', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }) },
          ],
        },
      },
    });
    const entry = entryOf(s, `arn:aws:iam::${ACCOUNT}:role/app`);
    expect(actions(entry)).toEqual(['kms:Decrypt']);
    expect(entry.notes).toEqual([expect.stringMatching(/^inline policy of role bad is invalid and left out \(IAM would refuse it\): /)]);
  });
});

describe('summarizeAccess: key-level findings', () => {
  test('GIVEN a key policy that lets nobody PutKeyPolicy WHEN summarized THEN it is reported locked out', () => {
    const s = app(doc({ Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['App', 'Arn'] } }, Action: 'kms:Decrypt', Resource: '*' }), { App: role() });
    expect(s.notes).toContain('locked out: no principal of the app, none named in the key policy, and not the root user of 111122223333 can call kms:PutKeyPolicy; only AWS Support can restore access');
  });

  test('GIVEN an invalid key policy WHEN summarized THEN no access is reported and the note says why', () => {
    const s = app(doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:group/admins' }, Action: 'kms:*', Resource: '*' }), { App: role() });
    expect(s.entries.every((e) => e.allowed.length === 0)).toBe(true);
    expect(s.notes).toEqual([expect.stringMatching(/^the key policy is invalid, so KMS would reject it and no access is reported: .*group/)]);
  });

  test('GIVEN a disabled key without a key policy in an environment-agnostic stack WHEN summarized THEN the notes say all three', () => {
    const [s] = summarizeAccess(buildAppModel([{
      stackName: 'Agnostic',
      account: '123456789012',
      region: 'us-east-1',
      accountIsPlaceholder: true,
      template: { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { Enabled: false } } } },
    }]));
    expect(s.notes.slice(0, 3)).toEqual([
      'the template sets no key policy, so KMS applies its default one: the account, kms:* (key-policy-default.md)',
      'the key is disabled: KMS refuses cryptographic operations until it is enabled, whatever the policies allow',
      'account 123456789012 is a placeholder (environment-agnostic stack): read it as "the account the stack is deployed to"',
    ]);
  });

  test('GIVEN keys of other usages WHEN the actions are chosen THEN only those the key can serve are asked, and options.actions override', () => {
    expect(actionsForKey({ keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' })).toEqual(['kms:Sign', 'kms:Verify', ...MANAGE]);
    expect(actionsForKey({ keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' })).toEqual(['kms:GenerateMac', 'kms:VerifyMac', ...MANAGE]);
    expect(actionsForKey({ keySpec: 'RSA_2048', keyUsage: 'ENCRYPT_DECRYPT' })).toEqual(['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', ...MANAGE]);
    expect(actionsForKey({ keySpec: 'X', keyUsage: '<unresolved:Ref Usage>' })).toHaveLength(14);
    const model = buildAppModel([{ stackName: 'S', ...env, template: { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: doc(allowRoot) } } } } }]);
    const [s] = summarizeAccess(model, { actions: ['KMS:decrypt', 'kms:Nope'] });
    expect(actions(entryOf(s, PROBE))).toEqual(['kms:Decrypt']);
    expect(s.notes[0]).toBe('kms:Nope is not a KMS action: skipped');
  });
});
