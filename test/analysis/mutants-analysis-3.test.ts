/**
 * The effective-access analysis on whole keys (docs/mutation-testing.md, "src/analysis, the access analysis"): how one
 * subject is decided (access/evaluate-subject.ts: answers, paths, the conditions that decide them, notes, explainRequest)
 * and the analysis of a key (effective-access.ts: who is asked, in which order, the key's notes, lockout, organizations,
 * grants, options). Who is asked, function by function (access/subjects.ts), is tested directly in
 * mutants-analysis-2.test.ts, without the evaluator. Models are built from hand-written templates (no aws-cdk-lib);
 * each test builds its own, so that what it asserts is in its own coverage (the mutation run's per-test coverage). Each
 * case says what the AWS page cited documents (files of /work/shared/reference/aws-docs/, or kms-semantics.md sections),
 * and where a text was all a mutant changed, the whole text is asserted. Expected answers follow
 * docs/access-analysis.md: what the strict reading allows is certain, what only the permissive one allows is
 * `uncertain`, never `denied` and never `allowed`. Two tests pin bugs found on the way and fixed since (their comments).
 */
import {
  ACCOUNT, APP, DEPLOYER, KEY_ARN, OTHER, REGION, ROOT, ROOT_STATEMENT, actionOf, allow, analyse,
  doc, granted, ids, inline, keyIn, keyOf, model1, modelOf, role, stack, subjectOf,
} from './access-kit';
import { explainRequest } from '../../src/analysis/access/evaluate-subject';
import { PROBE_ROLE, namedSpec, rootSpec, serviceSpec } from '../../src/analysis/access/subjects';
import {
  ACCESS_REPORT_VERSION, CAPABILITIES, accessAnalysisHeader, analyzeEffectiveAccess, analyzeKeys, keySubjects,
} from '../../src/analysis/effective-access';
import { ADMINISTRATOR_STAND_IN } from '../../src/analysis/readiness-finding';
const DEPLOYER_UNKNOWN = `the IAM policies of the deploying role ${DEPLOYER}, which are not in the app (the default bootstrap role has AdministratorAccess)`;

/**
 * One subject's answers (access/evaluate-subject.ts). key-policy-default.md: the account statement delegates to IAM
 * policies, which must allow the action too; an explicit Deny wins (kms-semantics.md §4), so a path that avoids a Deny
 * a plain request hits names it; conditions-kms.md: kms:EncryptionContext:*, kms:ViaService.
 */
describe('evaluate-subject.ts: answers, paths and the conditions that decide them', () => {
  const decryptOnlyThroughS3 = { Sid: 'OnlyS3', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } };
  const identity = inline({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: KEY_ARN, Condition: { StringEquals: { 'kms:EncryptionContext:app': 'orders' } } });
  const IDENTITY = 'identity policy #0 (inline policy kms of the role)';
  const contextCondition = { policy: IDENTITY, statement: 'statement #0', effect: 'Allow', operator: 'StringEquals', key: 'kms:EncryptionContext:app', values: ['orders'], category: 'encryption-context' };

  test('GIVEN an IAM policy requiring an encryption context and a Deny outside S3 THEN each action\'s minimal paths, with the statements and conditions that decide them', () => {
    const k = analyse({ Key: keyOf([ROOT_STATEMENT, decryptOnlyThroughS3]), App: role('App', 'app', identity) });
    const app = subjectOf(k, 'app:S/App');
    expect(granted(app)).toStrictEqual({ 'kms:Encrypt': 'conditional', 'kms:Decrypt': 'conditional' });
    expect(app.answer).toBe('conditional');
    expect(actionOf(app, 'kms:Encrypt')).toStrictEqual({
      action: 'kms:Encrypt',
      answer: 'conditional',
      paths: [{
        requires: [{ kind: 'encryption-context', key: 'kms:EncryptionContext:app', value: 'orders', match: 'equals' }],
        certain: true,
        decidedBy: [{ policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' }, { policy: IDENTITY, statement: 'statement #0', effect: 'Allow' }],
        conditions: [contextCondition],
      }],
    });
    expect(actionOf(app, 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt',
      answer: 'conditional',
      paths: [{
        requires: [
          { kind: 'context', key: 'kms:ViaService', value: 's3.us-east-1.amazonaws.com', match: 'equals' },
          { kind: 'encryption-context', key: 'kms:EncryptionContext:app', value: 'orders', match: 'equals' },
        ],
        certain: true,
        decidedBy: [
          { policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' },
          { policy: IDENTITY, statement: 'statement #0', effect: 'Allow' },
          { policy: 'key policy', statement: 'Sid "OnlyS3"', effect: 'Deny' },
        ],
        conditions: [
          contextCondition,
          { policy: 'key policy', statement: 'Sid "OnlyS3"', effect: 'Deny', operator: 'StringNotEquals', key: 'kms:ViaService', values: ['s3.us-east-1.amazonaws.com'], category: 'service' },
        ],
      }],
    });
    // A subject allowed something keeps the explanation of each denial; an action the key cannot serve says so.
    expect(actionOf(app, 'kms:DescribeKey')).toStrictEqual({
      action: 'kms:DescribeKey',
      answer: 'denied',
      missing: `implicitly denied: Sid "Root" of the key policy delegates kms:DescribeKey to account ${ACCOUNT}, but no identity policy of ${APP} allows kms:DescribeKey on this key; no grant applies`,
    });
    expect(actionOf(app, 'kms:Sign')).toMatchObject({ action: 'kms:Sign', answer: 'denied', usable: false });
    expect(app.capabilities.map((c) => `${c.capability} ${c.answer} ${c.usable}`)).toStrictEqual(CAPABILITIES.map((c) => `${c.id} ${
      c.id === 'encrypt' || c.id === 'decrypt' ? 'conditional' : 'denied'} ${!['sign', 'verify', 'mac', 'key-agreement'].includes(c.id)}`));
    expect(app).not.toHaveProperty('missing');
    expect(app.unknowns).toStrictEqual([]);
    expect(app.notes).toStrictEqual([]);
  });

  test('GIVEN a subject denied everything THEN its actions carry no explanation, the subject the one of a plain DescribeKey', () => {
    const k = analyse({ Key: keyOf([ROOT_STATEMENT, decryptOnlyThroughS3]) });
    const anyone = subjectOf(k, 'anyone');
    expect(anyone.answer).toBe('denied');
    expect(anyone.missing).toBe('implicitly denied: an identity policy in account 999999999999 allows kms:DescribeKey, but the key policy of account 111122223333 allows neither '
      + `arn:aws:iam::999999999999:role/${PROBE_ROLE} nor account 999999999999 to call it: a cross-account user needs both; no grant applies`);
    expect(actionOf(anyone, 'kms:Decrypt')).toStrictEqual({ action: 'kms:Decrypt', answer: 'denied' });
    expect(actionOf(anyone, 'kms:Sign')).toStrictEqual({ action: 'kms:Sign', answer: 'denied', usable: false });
    expect(anyone.capabilities.find((c) => c.capability === 'sign')).toStrictEqual({ capability: 'sign', answer: 'denied', usable: false, actions: expect.any(Array) });
  });

  test('GIVEN a role allowed only actions its key cannot serve THEN its answer counts only what the key can serve (symm-asymm-compare.md)', () => {
    const k = analyse({ Key: keyOf([ROOT_STATEMENT, { Sid: 'SignOnly', ...allow({ AWS: APP }, ['kms:Sign', 'kms:GetPublicKey']) }]), App: role('App', 'app') });
    const app = subjectOf(k, 'app:S/App');
    expect(granted(app)).toStrictEqual({ 'kms:Sign': 'allowed', 'kms:GetPublicKey': 'allowed' });
    expect(app.answer).toBe('denied');
    expect(app.capabilities.find((c) => c.capability === 'sign')).toMatchObject({ answer: 'allowed', usable: false });
    // It is allowed something (though nothing usable): its denials keep their explanation; denied over what the key
    // serves, the subject gives the explanation of a plain DescribeKey.
    expect(actionOf(app, 'kms:Decrypt').missing).toMatch(/^implicitly denied: /);
    expect(app.missing).toBe(`implicitly denied: Sid "Root" of the key policy delegates kms:DescribeKey to account ${ACCOUNT}, but no identity policy of ${APP} allows kms:DescribeKey on this key; no grant applies`);
  });

  /**
   * The evaluator names the statements that allow a request (key policy, identity policy), not the guardrails it passes
   * (a boundary's or an endpoint policy's Allow); a Deny of a guardrail that a plain request hits is named.
   */
  test('GIVEN a boundary of the app that denies outside a network THEN the path names the boundary\'s Deny and its condition (access_policies_boundaries.md)', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', { ...inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), PermissionsBoundary: { Ref: 'Boundary' } }),
      Boundary: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          PolicyDocument: doc(
            { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
            { Sid: 'Fence', Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
          ),
        },
      },
    });
    const decrypt = actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt');
    expect(decrypt.answer).toBe('conditional');
    expect(decrypt.paths).toStrictEqual([{
      requires: [{ kind: 'context', key: 'aws:SourceIp', value: '10.0.0.0/8', match: 'cidr', tried: '10.0.0.1' }],
      certain: true,
      decidedBy: [
        { policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' },
        { policy: 'identity policy #0 (inline policy kms of the role)', statement: 'statement #0', effect: 'Allow' },
        { policy: 'permissions boundary', statement: 'Sid "Fence"', effect: 'Deny' },
      ],
      conditions: [{ policy: 'permissions boundary', statement: 'Sid "Fence"', effect: 'Deny', operator: 'NotIpAddress', key: 'aws:SourceIp', values: ['10.0.0.0/8'], category: 'source-ip' }],
    }]);
  });
});

/**
 * Endpoints (kms-vpc-endpoint.md): aws:SourceVpce carries the endpoint's id and aws:SourceVpc its VPC's; an endpoint
 * policy is a guardrail on every request through the endpoint. The app's KMS endpoints of the key's account and Region
 * are tried, and endpoints the key policy admits by id or by VPC, whose policies are unknown (uncertain paths).
 */
describe('effective-access.ts: endpoints', () => {
  const net = {
    Sid: 'Net',
    Effect: 'Deny',
    Principal: '*',
    Action: 'kms:Decrypt',
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:SourceVpce': ['vpce-0admitted', 'vpce-0admitted', 'bad id'], 'aws:SourceVpc': ['vpc-0abc', 'vpc-0def0', 'vpc-BAD'] } },
  };
  const endpoint = (region: string, props: Record<string, unknown> = {}): Record<string, unknown> => ({
    Type: 'AWS::EC2::VPCEndpoint', Metadata: { 'aws:cdk:path': 'S/Ep/Resource' }, Properties: { ServiceName: `com.amazonaws.${region}.kms`, VpcId: 'vpc-0def0', ...props },
  });
  const resources = {
    Key: keyOf([ROOT_STATEMENT, net]),
    Ep: endpoint(REGION, { PolicyDocument: doc({ Sid: 'EpOnly', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:k': 'v' } } }) }),
    West: endpoint('us-west-2'),
    App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })),
  };

  test('GIVEN a Deny outside admitted endpoints and VPCs THEN a path through each: the app\'s (certain, its policy applied), the admitted ones (uncertain, their policies unknown)', () => {
    const model = model1(resources);
    const own = model.endpoints.find((e) => e.region === REGION)!.id;
    const k = analyzeEffectiveAccess(model).keys[0];
    const app = subjectOf(k, 'app:S/App');
    const decrypt = actionOf(app, 'kms:Decrypt');
    expect(decrypt.answer).toBe('conditional');
    expect(decrypt.paths!.map((p) => [p.certain, p.requires])).toStrictEqual([
      [true, [
        { kind: 'encryption-context', key: 'kms:EncryptionContext:k', value: 'v', match: 'equals' },
        { kind: 'endpoint', value: `endpoint ${own} (S/Ep)`, match: 'equals', vpcId: 'vpc-0def0', inApp: true, synthetic: true },
      ]],
      [false, [{ kind: 'endpoint', value: 'endpoint vpce-0admitted (admitted by id; not in the app)', match: 'equals', inApp: false, synthetic: false }]],
      [false, [{ kind: 'endpoint', value: 'a KMS endpoint in vpc-0abc (admitted by VPC; not in the app)', match: 'equals', vpcId: 'vpc-0abc', inApp: false, synthetic: false }]],
    ]);
    expect(decrypt.paths![0].decidedBy).toContainEqual({ policy: 'key policy', statement: 'Sid "Net"', effect: 'Deny' });
    expect(app.unknowns).toStrictEqual([
      'the policy of endpoint vpce-0admitted (admitted by id; not in the app)',
      'the policy of a KMS endpoint in vpc-0abc (admitted by VPC; not in the app)',
    ]);
    // The plain request is denied by Sid "Net": no subject other than through endpoints is allowed Decrypt.
    expect(actionOf(subjectOf(k, `root:${ACCOUNT}`), 'kms:Decrypt').paths!.every((p) => p.requires.some((r) => r.kind === 'endpoint'))).toBe(true);
  });

  test('GIVEN the key policy mentions no endpoint THEN no request is tried through one, though the app has endpoints', () => {
    const k = analyse({ ...resources, Key: keyOf([ROOT_STATEMENT]) });
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt',
      answer: 'allowed',
      paths: [{ requires: [], certain: true, decidedBy: [{ policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' }, { policy: 'identity policy #0 (inline policy kms of the role)', statement: 'statement #0', effect: 'Allow' }], conditions: [] }],
    });
    expect(subjectOf(k, 'app:S/App').unknowns).toStrictEqual([]);
  });

  /**
   * Was a gap (fixed: effective-access.ts reads the endpoints the app's identity policies test too): an IAM policy that
   * allows a KMS action only through a VPC endpoint (aws:SourceVpce or aws:SourceVpc in the identity policy,
   * kms-vpc-endpoint.md and conditions-aws.md) was reported `denied` when the key policy did not itself mention an
   * endpoint: the endpoints to try came from the key policy alone, so no request through the endpoint was tried.
   * AWS allows the request through that endpoint (the key policy delegates to the account; the IAM policy's condition
   * holds): the answer should be conditional on the endpoint, or at least uncertain, never denied.
   */
  test('GIVEN an IAM policy allowing Decrypt only through an endpoint the key policy does not mention THEN the answer is not denied', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0abc' } } })),
    });
    const decrypt = actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt');
    // Through that endpoint, whose own policy is outside the app (unknown): uncertain, as for an endpoint a key policy names.
    expect([decrypt.answer, decrypt.paths?.map((p) => p.requires.map((r) => r.value))]).toStrictEqual(['uncertain', [['endpoint vpce-0abc (admitted by id; not in the app)']]]);
    expect(decrypt.unknowns).toStrictEqual(['the policy of endpoint vpce-0abc (admitted by id; not in the app)']);
  });
});

/** The subjects of a key, in report order, and what the key says about itself (docs/access-analysis.md). */
describe('effective-access.ts: the subjects of a key and its notes', () => {
  test('GIVEN principals the policies name, a deployer, another account, services and "*" THEN each is asked once, in report order', () => {
    const k = analyse({
      Key: keyOf([
        ROOT_STATEMENT,
        { Sid: 'Named', ...allow({ AWS: [`arn:aws:iam::${ACCOUNT}:role/b-team`, `arn:aws:iam::${ACCOUNT}:role/a-team`, DEPLOYER.replace('cdk-hnb659fds-cfn-exec-role', 'CDK-HNB659FDS-CFN-EXEC-ROLE'), OTHER] }, 'kms:Decrypt') },
        { Sid: 'Logs', ...allow({ Service: 'logs.us-east-1.amazonaws.com' }, ['kms:Encrypt', 'kms:Decrypt']) },
        { Sid: 'Open', ...allow('*', 'kms:DescribeKey', { Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }) },
        { Sid: 'NoDelete', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:ScheduleKeyDeletion', Resource: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': APP } } },
      ]),
      Second: role('Second', 'second', inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })),
      App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })),
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: KEY_ARN } },
    });
    expect(ids(k)).toStrictEqual([
      'app:S/Second allowed',
      'app:S/App allowed',
      `arn:aws:iam::${ACCOUNT}:role/b-team allowed`,
      `arn:aws:iam::${ACCOUNT}:role/a-team allowed`,
      'deployer:S allowed',
      `root:${ACCOUNT} allowed`,
      `root:${OTHER} allowed`,
      'account-principal allowed',
      'anyone denied',
      'service:logs.us-east-1.amazonaws.com allowed',
      'any-service denied',
    ]);
    // A principal a key-policy statement names in the key's account needs no IAM policy (key-policy-overview.md); what
    // only the account statement could give it depends on its IAM policies, unknown (uncertain); an account's root
    // user has every IAM permission, so the account named may decrypt.
    const aTeam = subjectOf(k, `arn:aws:iam::${ACCOUNT}:role/a-team`);
    expect([actionOf(aTeam, 'kms:Decrypt').answer, actionOf(aTeam, 'kms:DescribeKey').answer, actionOf(aTeam, 'kms:PutKeyPolicy').answer]).toStrictEqual(['allowed', 'allowed', 'uncertain']);
    expect(granted(subjectOf(k, `root:${OTHER}`))).toStrictEqual({ 'kms:Decrypt': 'allowed' });
    expect(subjectOf(k, 'app:S/App').subject.exemptFrom).toStrictEqual(['Sid "NoDelete"']);
    expect(subjectOf(k, 'app:S/Second').subject).not.toHaveProperty('exemptFrom');
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:ScheduleKeyDeletion').answer).toBe('allowed');
    expect(actionOf(subjectOf(k, 'app:S/Second'), 'kms:ScheduleKeyDeletion').answer).toBe('denied');
    expect(subjectOf(k, 'anyone').subject.label).toBe('anyone: a principal of an account outside the app (its IAM policies allowing kms:*)');
    expect(subjectOf(k, 'account-principal').subject.label).toBe(`any principal of ${ACCOUNT} given an IAM policy allowing kms:*`);
    expect(subjectOf(k, 'any-service').subject.label).toBe('any AWS service the policies do not name, acting as itself');
    expect(k.notes).toStrictEqual([
      `Sid "Open" of the key policy allows Principal "*": every principal it admits is represented by the rows "any principal of ${ACCOUNT}", "anyone" and the services; principals of the app appear by name only where another statement or their IAM policies reach the key`,
    ]);
  });

  test('GIVEN a log group encrypted with a key no policy names it in THEN the service its integration uses is asked, in the key\'s Region', () => {
    const k = analyse({ Key: keyOf([ROOT_STATEMENT]), Logs: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: KEY_ARN } } });
    expect(k.subjects.map((s) => s.subject.id)).toStrictEqual(['deployer:S', `root:${ACCOUNT}`, 'account-principal', 'anyone', 'service:logs.us-east-1.amazonaws.com', 'any-service']);
  });

  test('GIVEN the representatives\' preferred accounts in the policy\'s text THEN anyone is an account the policy does not mention', () => {
    const k = analyse({ Key: keyOf([ROOT_STATEMENT, { Sid: 'Far', ...allow({ AWS: 'arn:aws:iam::999999999999:root' }, 'kms:Decrypt') }]) });
    expect(subjectOf(k, 'anyone').subject.account).toBe('999999999998');
    // The account the policy names is asked as itself: its root user may decrypt (the key policy names the account).
    expect(subjectOf(k, 'root:999999999999').answer).toBe('allowed');
  });

  test('GIVEN the template sets no key policy and disables the key THEN both notes (key-policy-default.md); the default policy delegates to the account', () => {
    const k = analyse({ Key: { Type: 'AWS::KMS::Key', Properties: { Enabled: false } } });
    expect(k.notes).toStrictEqual([
      'the template sets no key policy, so KMS applies its default one: the account, kms:* (key-policy-default.md)',
      'the key is disabled: KMS refuses cryptographic operations until it is enabled, whatever the policies allow',
    ]);
    expect(ids(k)).toStrictEqual(['deployer:S uncertain', `root:${ACCOUNT} allowed`, 'account-principal allowed', 'anyone denied', 'any-service denied']);
    expect(k.evaluated).toBe(true);
    expect(k).not.toHaveProperty('organization');
  });

  test('GIVEN an environment-agnostic stack THEN the placeholder account is noted and marked', () => {
    const k = analyse({ Key: keyOf([{ Sid: 'Root', ...allow({ AWS: 'arn:aws:iam::123456789012:root' }, 'kms:*') }]) }, { account: 'unknown-account', deployerArn: 'arn:aws:iam::123456789012:role/deployer' });
    expect(k.key).toMatchObject({ account: '123456789012', accountIsPlaceholder: true });
    expect(k.notes).toStrictEqual(['account 123456789012 is a placeholder (environment-agnostic stack): read it as "the account the stack is deployed to"; ARNs built from it are synthetic']);
    expect(subjectOf(k, 'root:123456789012').subject.syntheticArn).toBe(true);
    expect(subjectOf(k, 'deployer:S').subject.syntheticArn).toBe(true);
  });

  test('GIVEN a key policy statement unknown offline THEN notes and unknowns name it, answers it decides are uncertain, and the lockout is only possible', () => {
    const k = analyse({ Key: keyOf([allow({ AWS: { Ref: 'P' } }, 'kms:*')]) });
    expect(k.notes).toStrictEqual([
      'statement #0 (<unresolved:Ref P>) of the key policy cannot be fully resolved: answers marked uncertain depend on it, and an unresolved principal is never taken for a specific one',
      'possibly locked out: only if values unknown offline turn out a certain way can anyone call kms:PutKeyPolicy',
    ]);
    const root = subjectOf(k, `root:${ACCOUNT}`);
    expect(root.answer).toBe('uncertain');
    expect(root.unknowns).toStrictEqual(['statement #0 (<unresolved:Ref P>) of the key policy, which holds values unknown offline']);
    expect(actionOf(root, 'kms:PutKeyPolicy')).toStrictEqual({
      action: 'kms:PutKeyPolicy',
      answer: 'uncertain',
      unknowns: root.unknowns,
      paths: [{ requires: [], certain: false, decidedBy: [{ policy: 'key policy', statement: 'statement #0', effect: 'Allow' }], conditions: [] }],
    });
  });

  test('GIVEN an invalid key policy THEN nobody is evaluated, and the note says why and where (KMS rejects it: key-policy-overview.md)', () => {
    const k = analyse({ Key: keyOf([allow({ AWS: `arn:aws:iam::${ACCOUNT}:group/admins` }, 'kms:*'), { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }]) });
    expect(k.evaluated).toBe(false);
    expect(k.notes).toStrictEqual([
      'the key policy is invalid, so KMS would reject it and nobody\'s access is evaluated: `arn:aws:iam::111122223333:group/admins` is an IAM group, and groups are never principals in a policy (key policies and VPC endpoint policies included): name the users or roles, or delegate to the account and attach an IAM policy to the group (statement #0)',
    ]);
    expect(k.organization).toMatchObject({ id: 'o-a1b2c3d4e5' });
    expect(k.subjects.map((s) => s.subject.id)).toStrictEqual(['deployer:S', `root:${ACCOUNT}`, 'account-principal', 'organization-principal', 'anyone', 'any-service']);
    expect(subjectOf(k, 'deployer:S')).toStrictEqual({ subject: expect.objectContaining({ id: 'deployer:S' }), answer: 'denied', capabilities: [], unknowns: [], notes: [] });
  });

  test('GIVEN a key policy KMS rejects as a whole (a character outside its format) THEN the note gives the error without a statement', () => {
    const k = analyse({ Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Version: '2012-10-17\u200b', Statement: [ROOT_STATEMENT] } } } });
    expect(k.evaluated).toBe(false);
    expect(k.notes).toStrictEqual([
      'the key policy is invalid, so KMS would reject it and nobody\'s access is evaluated: the value `2012-10-17\\u200B` of the key policy holds U+200B (zero-width space), '
      + 'and a key policy may hold only printable ASCII, printable Latin-1 characters, tab, line feed and carriage return, so KMS rejects it (key-policy-overview.md, "Key policy format"). remove the character',
    ]);
  });

  test('GIVEN no deploying role in the cloud assembly THEN the deployer is not asked about, and the note says why', () => {
    const k = analyse({ Key: keyOf([ROOT_STATEMENT]) }, { deployerArn: undefined });
    expect(k.notes).toStrictEqual(['the deployer of stack S is unknown (no cloudFormationExecutionRoleArn in the cloud assembly: the credentials of whoever deploys): not asked about']);
    expect(k.subjects.map((s) => s.subject.id)).toStrictEqual([`root:${ACCOUNT}`, 'account-principal', 'anyone', 'any-service']);
  });

  /**
   * Was a bug (fixed): a grant the evaluator refuses (passed in `options.grants`) left every subject unevaluated, each
   * was counted `denied`, and the key was reported "locked out ... only AWS Support can restore access", though its
   * policy lets the root user call PutKeyPolicy (key-policy-default.md). The key is now checked with its grants, so the
   * grant's error makes the key not evaluated, said once, and nobody's access is claimed.
   */
  test('GIVEN a grant the evaluator refuses THEN the key is not evaluated, and not reported locked out', () => {
    const model = model1({ Key: keyOf([ROOT_STATEMENT]) });
    const k = analyzeEffectiveAccess(model, { grants: { [keyIn(model).arn]: [{ grantId: 'g-1', granteePrincipal: 7, operations: ['Decrypt'] }] } }).keys[0];
    expect(k.evaluated).toBe(false);
    expect(k.notes).toStrictEqual([
      'the key cannot be evaluated, so nobody\'s access is evaluated: grants[0].granteePrincipal is 7: expected a principal ARN, an account id, or a service principal',
    ]);
    expect(k.notes.join('\n')).not.toMatch(/locked out/);
  });

  test('GIVEN two statements with one Sid THEN the evaluator\'s warning is a note of the key', () => {
    const k = analyse({ Key: keyOf([ROOT_STATEMENT, { Sid: 'Root', ...allow({ AWS: APP }, 'kms:Decrypt') }]) });
    expect(k.notes).toStrictEqual([
      'key policy, Sid "Root" (statement #1): statements #0 and #1 of the key policy share the Sid "Root", so explanations and finding ids name each with '
        + 'its index (Sid "Root" (statement #1)), and IAM rejects an identity policy whose Sids are not unique. give each statement its own Sid',
    ]);
  });
});

/** kms:PutKeyPolicy decides who can manage the key (kms-semantics.md §9, key-policy-default.md "allows access to the AWS account"). */
describe('effective-access.ts: lockout', () => {
  test('GIVEN only one role of the app can change the key policy THEN it is marked, and the note names it', () => {
    const k = analyse({ Key: keyOf([allow({ AWS: APP }, 'kms:*')]), App: role('App', 'app') });
    expect(k.notes).toStrictEqual(['only role S/App can call kms:PutKeyPolicy: if it is deleted or loses that permission, the key is locked out']);
    expect(k.subjects.filter((s) => s.lockoutRisk).map((s) => s.subject.id)).toStrictEqual(['app:S/App']);
    expect(subjectOf(k, 'app:S/App').lockoutRisk).toBe(true);
  });

  test('GIVEN nobody can change the key policy THEN locked out', () => {
    const k = analyse({ Key: keyOf([allow({ AWS: APP }, 'kms:Decrypt')]), App: role('App', 'app') });
    expect(k.notes).toStrictEqual([`locked out: no principal of the app, none the policies name, not the deployer and not the root user of ${ACCOUNT} can call kms:PutKeyPolicy; only AWS Support can restore access`]);
    expect(k.subjects.some((s) => s.lockoutRisk)).toBe(false);
  });

  test.each<[string, unknown[]]>([
    ['the root user alone', [ROOT_STATEMENT]],
    ['a role with a condition, and the root user', [allow({ AWS: APP }, 'kms:PutKeyPolicy', { Condition: { StringEquals: { 'kms:ViaService': 'cloudformation.us-east-1.amazonaws.com' } } }), { ...ROOT_STATEMENT, Action: 'kms:Decrypt' }, allow({ AWS: `arn:aws:iam::${ACCOUNT}:role/other` }, 'kms:PutKeyPolicy')]],
  ])('GIVEN %s can change the key policy THEN no lockout note and no risk', (_name, statements) => {
    const k = analyse({ Key: keyOf(statements), App: role('App', 'app') });
    expect(k.notes).toStrictEqual([]);
    expect(k.subjects.some((s) => s.lockoutRisk)).toBe(false);
  });

  test('GIVEN only a role the app does not define, with a condition, can change the key policy THEN it is named (conditional counts)', () => {
    const k = analyse({ Key: keyOf([allow({ AWS: `arn:aws:iam::${ACCOUNT}:role/other` }, 'kms:PutKeyPolicy', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })]) });
    expect(k.notes).toStrictEqual([`only arn:aws:iam::${ACCOUNT}:role/other (not in the app) can call kms:PutKeyPolicy: if it is deleted or loses that permission, the key is locked out`]);
    expect(subjectOf(k, `arn:aws:iam::${ACCOUNT}:role/other`).lockoutRisk).toBe(true);
  });

  /** The root user cannot be deleted: the key's account keeps access through it (key-policy-default.md). */
  test('GIVEN the root user alone can change the key policy THEN it is not reported at risk', () => {
    const k = analyse({ Key: keyOf([{ ...ROOT_STATEMENT, Condition: { ArnEquals: { 'aws:PrincipalArn': ROOT } } }]) });
    expect(k.subjects.map((s) => `${s.subject.id} ${s.answer}`)).toStrictEqual(['deployer:S denied', `root:${ACCOUNT} allowed`, 'account-principal denied', 'anyone denied', 'any-service denied']);
    expect(k.notes).toStrictEqual([]);
    expect(k.subjects.some((s) => s.lockoutRisk)).toBe(false);
  });

  test('GIVEN only the representatives can change the key policy THEN no one principal is at risk', () => {
    const k = analyse({ Key: keyOf([allow('*', 'kms:PutKeyPolicy')]) });
    expect(k.subjects.some((s) => s.lockoutRisk)).toBe(false);
    expect(k.notes.join('\n')).not.toMatch(/locked out/);
  });
});

/** What the analysis notes about one subject's requests (docs/access-analysis.md, "Which requests are tried"). */
describe('evaluate-subject.ts: notes on what was tried', () => {
  test('GIVEN many context values, several patterns of one key and an identity policy IAM refuses THEN each is noted', () => {
    const many = Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((i) => [`kms:EncryptionContext:k${i}`, `v${i}`]));
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', {
        Policies: [
          { PolicyName: 'many', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: many } }) },
          { PolicyName: 'like', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:app': ['a*', 'b*'] } } }) },
          { PolicyName: 'bad', PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 'kms:DescribeKey', Resource: '*' }) },
        ],
      }),
    });
    const app = subjectOf(k, 'app:S/App');
    expect(app.notes).toStrictEqual([
      'inline policy bad of the role is invalid and left out (IAM would refuse it): the identity policy #2 is attached to a principal and cannot have a Principal element: remove it',
      'kms:EncryptionContext:app is compared with several patterns or address ranges: each was tried alone, not a value matching two of them at once',
      'kms:Decrypt: the policies mention many values (encryption context, service, endpoint, ...): only the first 64 combinations were tried',
    ]);
    // The refused policy is left out, not the subject: the others still decide.
    expect(granted(app)).toStrictEqual({ 'kms:Encrypt': 'conditional' });
    expect(actionOf(app, 'kms:Encrypt').paths!.map((p) => p.requires.map((r) => r.tried))).toStrictEqual([['akms-guard'], ['bkms-guard']]);
    expect(actionOf(app, 'kms:Encrypt').paths![0].decidedBy[1]).toStrictEqual({ policy: 'identity policy #1 (inline policy like of the role)', statement: 'statement #0', effect: 'Allow' });
  });

  test('GIVEN a boundary the evaluator refuses THEN the subject cannot be evaluated, and the note says why', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', { ...inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), PermissionsBoundary: { Ref: 'B' } }),
      B: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }) } },
    });
    const app = subjectOf(k, 'app:S/App');
    // Not "denied": the evaluator could not decide, and AWS might allow (never call denied what AWS allows).
    expect(app.answer).toBe('uncertain');
    expect(app.notes).toHaveLength(1);
    expect(app.notes[0]).toMatch(/^it cannot be evaluated: .*Principal/);
  });
});

/**
 * Organizations (docs/access-analysis.md, "Organization boundaries"): the accounts of the app are assumed members of
 * the organization the key's policies name (the first aws:PrincipalOrgID), other accounts not; a path that holds only
 * for members requires the membership, assumed (conditions-aws.md, aws:PrincipalOrgID).
 */
describe('effective-access.ts and evaluate-subject.ts: organizations', () => {
  const ORG = 'o-a1b2c3d4e5';
  const statements = [
    ROOT_STATEMENT,
    { Sid: 'Org', ...allow('*', 'kms:Decrypt', { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } }) },
    { Sid: 'Org2', Effect: 'Deny', Principal: '*', Action: 'kms:Encrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ['o-zzzzzzzzzz'] } } },
  ];
  const orgRequirement = { kind: 'organization', key: 'aws:PrincipalOrgID', value: ORG, match: 'equals', assumed: true };
  const orgCondition = { policy: 'key policy', statement: 'Sid "Org"', effect: 'Allow', operator: 'StringEquals', key: 'aws:PrincipalOrgID', values: [ORG], category: 'organization' };

  test('GIVEN two organizations named THEN members are evaluated in the first, the note and the key say so', () => {
    const k = analyse({ Key: keyOf(statements), App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' })) });
    expect(k.organization).toStrictEqual({
      id: ORG,
      alsoNamed: ['o-zzzzzzzzzz'],
      assumption: `principals of the app's accounts (${ACCOUNT}) are evaluated as members of organization ${ORG}, the one the key's policies name; principals of other accounts as non-members (the app cannot know an account's organization offline)`,
    });
    expect(k.notes[0]).toBe(`the key's policies name several organizations (${ORG}, o-zzzzzzzzzz): members are evaluated in ${ORG} only`);
    expect(subjectOf(k, 'organization-principal').subject).toMatchObject({
      label: `a principal of another account of organization ${ORG} (its IAM policies allowing kms:*)`, account: '888888888888', representative: true,
    });
    expect(subjectOf(k, 'anyone').subject.label).toBe(`anyone: a principal of an account outside the app and outside ${ORG} (its IAM policies allowing kms:*)`);
  });

  test('GIVEN a statement allowing members only THEN an app role and the organization\'s representative are allowed as members (assumed), anyone is not', () => {
    const k = analyse({ Key: keyOf(statements), App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' })) });
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt',
      answer: 'conditional',
      paths: [{
        requires: [orgRequirement],
        certain: true,
        decidedBy: [{ policy: 'key policy', statement: 'Sid "Org"', effect: 'Allow' }, { policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' }],
        conditions: [orgCondition],
      }],
    });
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:Encrypt')).toStrictEqual({ action: 'kms:Encrypt', answer: 'denied', missing: 'explicitly denied by Sid "Org2" of the key policy' });
    expect(actionOf(subjectOf(k, 'organization-principal'), 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt',
      answer: 'conditional',
      paths: [{
        requires: [orgRequirement],
        certain: true,
        decidedBy: [{ policy: 'key policy', statement: 'Sid "Org"', effect: 'Allow' }, { policy: 'identity policy #0 (a stand-in IAM policy allowing kms:*)', statement: 'Sid "StandInAllowKms"', effect: 'Allow' }],
        conditions: [orgCondition],
      }],
    });
    expect(subjectOf(k, 'anyone').answer).toBe('denied');
    // Services are never members; the root user of an app account is one, but needs no membership for what Sid "Root" allows.
    expect(actionOf(subjectOf(k, `root:${ACCOUNT}`), 'kms:Decrypt').answer).toBe('allowed');
  });

  test('keySubjects: who is evaluated as a member', () => {
    const model = modelOf(stack('S', { Key: keyOf(statements), App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' })) }), stack('T', {}, {}, OTHER));
    const ks = keySubjects(model, keyIn(model));
    expect(ks.subjects.map(({ spec, member }) => `${spec.access.id} ${member}`)).toStrictEqual([
      'app:S/App true', 'deployer:S true', `root:${ACCOUNT} true`, 'account-principal true', 'organization-principal true', 'anyone false', 'any-service false',
    ]);
    expect(ks.memberOf(rootSpec('aws', OTHER, keyIn(model), false))).toBe(true);
    expect(ks.memberOf(rootSpec('aws', '555555555555', keyIn(model), false))).toBe(false);
    expect(ks.memberOf(serviceSpec('logs.us-east-1.amazonaws.com', false))).toBe(false);
    expect(ks.memberOf(namedSpec('not an arn', keyIn(model), false, undefined))).toBe(false);
    const none = model1({ Key: keyOf([ROOT_STATEMENT]) });
    expect(keySubjects(none, keyIn(none)).memberOf(rootSpec('aws', ACCOUNT, keyIn(none), false))).toBe(false);
  });
});

/** Cross-account use (key-policy-modifying-external-accounts.md): only some actions can be given to another account. */
describe('evaluate-subject.ts: another account', () => {
  test('GIVEN a role of another account with kms:* and a key policy naming its account THEN Decrypt is allowed, PutKeyPolicy never', () => {
    const model = modelOf(
      stack('S', { Key: keyOf([ROOT_STATEMENT, { Sid: 'Share', ...allow({ AWS: `arn:aws:iam::${OTHER}:root` }, ['kms:Decrypt', 'kms:PutKeyPolicy']) }]) }),
      stack('T', { Far: { ...role('Far', 'far', inline({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })), Metadata: { 'aws:cdk:path': 'T/Far/Resource' } } }, {}, OTHER),
    );
    const k = analyzeEffectiveAccess(model).keys[0];
    const far = subjectOf(k, 'app:T/Far');
    expect(granted(far)).toStrictEqual({ 'kms:Decrypt': 'allowed' });
    expect(actionOf(far, 'kms:PutKeyPolicy')).toStrictEqual({
      action: 'kms:PutKeyPolicy',
      answer: 'denied',
      missing: 'kms:PutKeyPolicy cannot be used across accounts: KMS ignores permissions for it given to principals of another account, whatever the policies say (key-policy-modifying-external-accounts.md)',
    });
    expect(granted(subjectOf(k, `root:${OTHER}`))).toStrictEqual({ 'kms:Decrypt': 'allowed' });
    expect(subjectOf(k, `root:${OTHER}`).subject.label).toBe(`account ${OTHER} (its root user, and whoever it delegates to)`);
  });
});

/** Grants (grants.md, grant-manage.md): the app model holds none; a caller passes them. */
describe('effective-access.ts: grants and options', () => {
  const GRANTEE = `arn:aws:iam::${ACCOUNT}:role/worker`;
  const grantOnly = (usage?: string): Record<string, unknown> => ({
    Key: keyOf([ROOT_STATEMENT, { Sid: 'Grants', ...allow({ AWS: APP }, 'kms:CreateGrant', { Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } } }) }],
      usage ? { KeyUsage: usage, KeySpec: usage === 'SIGN_VERIFY' ? 'RSA_2048' : 'HMAC_256' } : {}),
    App: role('App', 'app'),
  });

  test('GIVEN a grant THEN its grantee is asked, allowed what it grants and to retire it; RetireGrant is asked; the header says grants were declared', () => {
    const model = model1({ Key: keyOf([ROOT_STATEMENT]), Worker: role('Worker', 'worker') });
    const grants = { [keyIn(model).arn]: [{ grantId: 'g-1', granteePrincipal: GRANTEE, retiringPrincipal: GRANTEE, operations: ['Decrypt'] }] };
    const a = analyzeEffectiveAccess(model, { grants });
    expect(a.grantsDeclared).toBe(true);
    expect(a.actions.asked).toContain('kms:RetireGrant');
    const worker = subjectOf(a.keys[0], 'app:S/Worker');
    expect(granted(worker)).toStrictEqual({ 'kms:Decrypt': 'allowed', 'kms:RetireGrant': 'allowed' });
    expect(actionOf(worker, 'kms:Decrypt').paths).toStrictEqual([{ requires: [], certain: true, decidedBy: [], conditions: [] }]);
    expect(analyzeEffectiveAccess(model, { grants: { [keyIn(model).arn]: [] } }).grantsDeclared).toBe(false);
  });

  test.each<[string, string | undefined, string]>([
    ['a symmetric key: Decrypt', undefined, 'allowed'],
    ['a signing key: Sign', 'SIGN_VERIFY', 'denied'],
    ['an HMAC key: GenerateMac', 'GENERATE_VERIFY_MAC', 'denied'],
  ])('GIVEN CreateGrant allowed only for Decrypt grants THEN the plain CreateGrant asks for the key\'s main operation, %s (conditions-kms.md kms:GrantOperations)', (_name, usage, answer) => {
    expect(actionOf(subjectOf(analyse(grantOnly(usage)), 'app:S/App'), 'kms:CreateGrant').answer).toBe(answer);
  });

  test('header: the version, the actions asked and the capabilities', () => {
    expect(accessAnalysisHeader()).toStrictEqual({
      version: ACCESS_REPORT_VERSION,
      actions: expect.objectContaining({ asked: expect.not.arrayContaining(['kms:RetireGrant']) }),
      capabilities: CAPABILITIES.map((c) => ({ id: c.id, title: c.title, actions: c.actions })),
      grantsDeclared: false,
    });
    expect(ACCESS_REPORT_VERSION).toBe(1);
  });

  test('usableOnly asks only what the key can serve; the counter counts the evaluator\'s work', () => {
    const model = model1({ Key: keyOf([ROOT_STATEMENT]) });
    const counter = { evaluations: 0, compilations: 0 };
    const [k] = [...analyzeKeys(model, { usableOnly: true, counter })];
    const asked = subjectOf(k, `root:${ACCOUNT}`).capabilities.flatMap((c) => c.actions.map((a) => a.action));
    expect(asked).toContain('kms:Decrypt');
    expect(asked).not.toContain('kms:Sign');
    expect(asked).not.toContain('kms:GetPublicKey');
    expect(counter.evaluations).toBeGreaterThan(asked.length);
    expect(counter.compilations).toBeGreaterThan(0);
  });
});

/**
 * `kms-guard explain` evaluates one request as the analysis builds it (explainRequest): the request each action sends
 * (API_CreateGrant: grantee, operations, constraints; API_UpdateAlias: the alias and the destination key), the key's
 * aliases (an alias/aws/ name is AWS's, never the app's: alias-about.md), and the readings asked.
 */
describe('evaluate-subject.ts: explainRequest', () => {
  const model = model1({
    Key: keyOf([ROOT_STATEMENT]),
    Aws: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/aws/x', TargetKeyId: { Ref: 'Key' } } },
    Orders: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/orders', TargetKeyId: { Ref: 'Key' } } },
    App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })),
  });
  /** Built in each test: what a test does not run itself is not in its coverage (the mutation run's per-test coverage). */
  const subjects = (): ReturnType<typeof keySubjects> => keySubjects(model, keyIn(model));
  const explain = (id: string, request: Parameters<typeof explainRequest>[3]): ReturnType<typeof explainRequest> => {
    const ks = subjects();
    const s = ks.subjects.find((x) => x.spec.access.id === id)!;
    return explainRequest(ks.setting, s.spec, s.member, request, []);
  };
  const requestOf = (e: ReturnType<typeof explainRequest>): unknown => (e.evaluations[0].scenario as { request: unknown }).request;

  test('the key\'s setting: its own aliases only, the first for alias requests, Decrypt as the operation a grant asks for', () => {
    const ks = subjects();
    expect(ks.setting.scenarioKey).toStrictEqual({
      arn: keyIn(model).arn, keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', keyOrigin: 'AWS_KMS', multiRegion: false, aliases: ['alias/orders'], tags: {},
    });
    expect(ks.setting.aliasArn).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:alias/orders`);
    expect(ks.setting.grantOperation).toBe('Decrypt');
    expect([ks.notes, ks.placeholderAccount, ks.problem]).toStrictEqual([[], false, undefined]);
    const bare = model1({ Key: keyOf([ROOT_STATEMENT], { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT', MultiRegion: true }) });
    const setting = keySubjects(bare, keyIn(bare)).setting;
    expect(setting.aliasArn).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:alias/kms-guard-probe`);
    expect(setting.grantOperation).toBe('DescribeKey');
    expect(setting.scenarioKey).toMatchObject({ keySpec: 'ECC_NIST_P256', keyUsage: 'KEY_AGREEMENT', multiRegion: true, aliases: [] });
  });

  test('CreateGrant: a grant to the caller for the key\'s main operation, constrained to the context tried', () => {
    const e = explain('app:S/App', { action: 'kms:CreateGrant', encryptionContext: { a: 'b' } });
    expect(requestOf(e)).toStrictEqual({ action: 'kms:CreateGrant', createGrant: { granteePrincipal: APP, operations: ['Decrypt'], constraints: { encryptionContextEquals: { a: 'b' } } } });
    expect(e.evaluations.map((x) => [x.reading, x.result?.decision, x.identitySources])).toStrictEqual([['strict', 'allow', ['inline policy kms of the role']]]);
    expect(e.unknowns).toStrictEqual([]);
    expect(requestOf(explain('app:S/App', { action: 'kms:CreateGrant' }))).toStrictEqual({ action: 'kms:CreateGrant', createGrant: { granteePrincipal: APP, operations: ['Decrypt'] } });
  });

  test('Decrypt with a context and request keys; Encrypt without; an unknown endpoint id is ignored', () => {
    expect(requestOf(explain('app:S/App', { action: 'kms:Decrypt', encryptionContext: { a: 'b' }, context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } })))
      .toStrictEqual({ action: 'kms:Decrypt', context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }, encryptionContext: { a: 'b' } });
    const e = explain('app:S/App', { action: 'kms:Encrypt', endpoint: 'vpce-x' });
    expect(requestOf(e)).toStrictEqual({ action: 'kms:Encrypt' });
    expect(Object.keys(e.evaluations[0].scenario!)).toStrictEqual(['key', 'caller', 'request']);
    // DescribeKey takes no encryption context: none is sent.
    expect(requestOf(explain('app:S/App', { action: 'kms:DescribeKey', encryptionContext: { a: 'b' } }))).toStrictEqual({ action: 'kms:DescribeKey' });
  });

  test('alias actions name the key\'s alias; UpdateAlias sends the destination key with its policy', () => {
    expect(requestOf(explain('app:S/App', { action: 'kms:CreateAlias' }))).toStrictEqual({ action: 'kms:CreateAlias', aliasArn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/orders` });
    expect(requestOf(explain('app:S/App', { action: 'kms:DeleteAlias' }))).toStrictEqual({ action: 'kms:DeleteAlias', aliasArn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/orders` });
    expect(requestOf(explain('app:S/App', { action: 'kms:UpdateAlias' }))).toStrictEqual({
      action: 'kms:UpdateAlias', aliasArn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/orders`, destinationKey: { ...subjects().setting.scenarioKey, policy: doc(ROOT_STATEMENT) },
    });
  });

  test('the deployer, whose IAM policies are unknown: strict then permissive, the stand-in counted by the permissive reading only', () => {
    const e = explain('deployer:S', { action: 'kms:Decrypt' });
    expect(e.evaluations.map((x) => [x.reading, x.result?.decision, x.identitySources, (x.scenario as { caller: unknown }).caller])).toStrictEqual([
      ['strict', 'implicit-deny', [], { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}/AWSCloudFormation`, roleArn: DEPLOYER }],
      ['permissive', 'allow', ['a stand-in for its IAM policies: AdministratorAccess, as the default bootstrap role has'], {
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}/AWSCloudFormation`, roleArn: DEPLOYER, identityPolicies: [ADMINISTRATOR_STAND_IN],
      }],
    ]);
    expect(e.unknowns).toStrictEqual([DEPLOYER_UNKNOWN]);
  });

  test('an endpoint of the app: the scenario goes through it, with its policy', () => {
    const m = model1({
      Key: keyOf([ROOT_STATEMENT, { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-0def0' } } }]),
      Ep: { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: `com.amazonaws.${REGION}.kms`, VpcId: 'vpc-0def0', PolicyDocument: doc(allow('*', 'kms:*')) } },
    });
    const s = keySubjects(m, keyIn(m));
    const root = s.subjects.find((x) => x.spec.access.id === `root:${ACCOUNT}`)!;
    const id = m.endpoints[0].id;
    const e = explainRequest(s.setting, root.spec, root.member, { action: 'kms:Decrypt', endpoint: id }, []);
    expect((e.evaluations[0].scenario as { vpcEndpoint: unknown }).vpcEndpoint).toStrictEqual({ id, vpcId: 'vpc-0def0', policy: doc(allow('*', 'kms:*')) });
    expect(e.evaluations.map((x) => x.result?.decision)).toStrictEqual(['allow']);
    expect(explainRequest(s.setting, root.spec, root.member, { action: 'kms:Decrypt' }, []).evaluations.map((x) => x.result?.decision)).toStrictEqual(['explicit-deny']);
  });
});
