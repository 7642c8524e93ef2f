/**
 * The survivors of the first mutation run of access/evaluate-subject.ts and effective-access.ts lines 1-346
 * (docs/mutation-testing.md, "src/analysis, the per-subject evaluation"), killed here: how one subject's policies are
 * read (markings, readings, endpoints, tags, boundaries), how its requests are built and decided (witnesses, paths, the
 * conditions that decide them, grants, organizations), and how the analysis of a key prepares them (endpoints, services,
 * organizations, notes). Models are built from hand-written templates (no aws-cdk-lib: a mutant costs about a second);
 * each test builds its own model, so that what it asserts is in its own per-test coverage (compiled conditions and
 * marked documents are cached per document). Each case cites the AWS page (files of /work/shared/reference/aws-docs/)
 * or the section of /work/shared/reference/kms-semantics.md that documents its answer; expected answers follow
 * docs/access-analysis.md (strict reading certain, what only the permissive one allows `uncertain`, never `denied`).
 */
import {
  ACCOUNT, APP, KEY_ARN, OTHER, REGION, ROOT, ROOT_STATEMENT, actionOf, allow, analyse,
  doc, endpointResource, granted, inline, keyIn, keyOf, model1, role, stack, subjectOf,
} from './access-kit';
import { explainRequest } from '../../src/analysis/access/evaluate-subject';
import {
  analyzeEffectiveAccess, keySubjects,
} from '../../src/analysis/effective-access';
import { buildAppModel } from '../../src/app-model/app-model';

const IDENTITY = 'identity policy #0 (inline policy kms of the role)';

/**
 * What the subject's requests carry (access/evaluate-subject.ts, markedSubject, decideAction, requestFor):
 * conditions-kms.md (kms:EncryptionAlgorithm: "the encryption algorithm that is used in the operation"; asymmetric keys
 * support several, SYMMETRIC_DEFAULT keys one; kms:RequestAlias: "the alias used in the request"), conditions-aws.md
 * (aws:PrincipalTag: "the tag attached to the principal making the request").
 */
describe('evaluate-subject.ts: the values a request is tried with', () => {
  test('GIVEN an RSA encryption key whose policy requires an algorithm THEN the algorithm is a requirement the caller chooses, not derived (conditions-kms.md kms:EncryptionAlgorithm)', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Oaep', ...allow({ AWS: APP }, 'kms:Decrypt', { Condition: { StringEquals: { 'kms:EncryptionAlgorithm': 'RSAES_OAEP_SHA_256' } } }) }],
        { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }),
      App: role('App', 'app'),
    });
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt',
      answer: 'conditional',
      paths: [{
        requires: [{ kind: 'context', key: 'kms:EncryptionAlgorithm', value: 'RSAES_OAEP_SHA_256', match: 'equals' }],
        certain: true,
        decidedBy: [{ policy: 'key policy', statement: 'Sid "Oaep"', effect: 'Allow' }],
        conditions: [{ policy: 'key policy', statement: 'Sid "Oaep"', effect: 'Allow', operator: 'StringEquals', key: 'kms:EncryptionAlgorithm', values: ['RSAES_OAEP_SHA_256'], category: 'other' }],
      }],
    });
  });

  test('GIVEN a policy allowing Decrypt only through an alias of the key THEN the request names the alias (conditions-kms.md kms:RequestAlias)', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'ByAlias', ...allow({ AWS: APP }, 'kms:Decrypt', { Condition: { StringEquals: { 'kms:RequestAlias': 'alias/orders' } } }) }]),
      Orders: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/orders', TargetKeyId: { Ref: 'Key' } } },
      App: role('App', 'app'),
    });
    const decrypt = actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt');
    expect([decrypt.answer, decrypt.paths!.map((p) => p.requires)]).toStrictEqual(['conditional', [[{ kind: 'alias', key: 'kms:RequestAlias', value: 'alias/orders', match: 'equals' }]]]);
  });

  test('GIVEN a key policy allowing anyone of the account tagged team=ops THEN the account\'s representative needs the tag, the tagged role of the app has it (conditions-aws.md aws:PrincipalTag)', () => {
    const k = analyse({
      Key: keyOf([{ ...ROOT_STATEMENT, Action: 'kms:PutKeyPolicy' }, { Sid: 'Ops', ...allow('*', 'kms:Decrypt', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops', 'kms:CallerAccount': ACCOUNT } } }) }]),
      Ops: role('Ops', 'ops', { Tags: [{ Key: 'team', Value: 'ops' }] }),
    });
    const ops = { policy: 'key policy', statement: 'Sid "Ops"', effect: 'Allow' };
    const conditions = [
      { ...ops, operator: 'StringEquals', key: 'aws:PrincipalTag/team', values: ['ops'], category: 'principal-tag' },
      { ...ops, operator: 'StringEquals', key: 'kms:CallerAccount', values: [ACCOUNT], category: 'principal' },
    ];
    expect(actionOf(subjectOf(k, 'account-principal'), 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt',
      answer: 'conditional',
      paths: [{ requires: [{ kind: 'principal-tag', key: 'aws:PrincipalTag/team', value: 'ops', match: 'equals' }], certain: true, decidedBy: [ops], conditions }],
    });
    expect(actionOf(subjectOf(k, 'app:S/Ops'), 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt',
      answer: 'allowed',
      paths: [{ requires: [], certain: true, decidedBy: [ops], conditions }],
    });
    expect(actionOf(subjectOf(k, 'anyone'), 'kms:Decrypt').answer).toBe('denied');
  });
});

/**
 * Values unknown offline (docs/access-analysis.md, "Values unknown at synth: two readings"): a Numeric or Date
 * comparison on a key the request chooses cannot be tried (witnesses.ts, class `unknown`); what depends on it is
 * `uncertain`, with the condition named. access_policies_boundaries.md: a permissions boundary limits what identity
 * policies give; kms-vpc-endpoint.md: an endpoint policy limits every request through the endpoint.
 */
describe('evaluate-subject.ts: unknowns of the boundary and of an endpoint\'s policy', () => {
  test('GIVEN a boundary that allows KMS only for a fresh MFA sign-in THEN Decrypt is uncertain, the boundary\'s condition named', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', { ...inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), PermissionsBoundary: { Ref: 'Boundary' } }),
      Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }) } },
    });
    const app = subjectOf(k, 'app:S/App');
    const unknown = 'aws:MultiFactorAuthAge (NumericLessThan in statement #0 of the permissions boundary: compared with 3600, a value known only when a request is made)';
    expect(app.unknowns).toStrictEqual([unknown]);
    expect(actionOf(app, 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt',
      answer: 'uncertain',
      unknowns: [unknown],
      paths: [{
        requires: [],
        certain: false,
        decidedBy: [{ policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' }, { policy: IDENTITY, statement: 'statement #0', effect: 'Allow' }],
        conditions: [],
      }],
    });
    expect(app.answer).toBe('uncertain');
  });

  test('GIVEN the app\'s endpoint, whose policy allows only before a date, and a key policy requiring it THEN Decrypt through it is uncertain, the date named', () => {
    const model = model1({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Vpc', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-0def0' } } }]),
      Ep: endpointResource({ PolicyDocument: doc(allow('*', 'kms:*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } })) }),
    });
    const id = model.endpoints[0].id;
    const root = subjectOf(analyzeEffectiveAccess(model).keys[0], `root:${ACCOUNT}`);
    const unknown = `aws:CurrentTime (DateLessThan in statement #0 of the policy of endpoint ${id} (S/Ep): compared with 2030-01-01T00:00:00Z, a value known only when a request is made)`;
    expect(root.unknowns).toStrictEqual([unknown]);
    // The strict reading of the endpoint's policy allows nothing and is still a valid endpoint policy: no note.
    expect(root.notes).toStrictEqual([]);
    const decrypt = actionOf(root, 'kms:Decrypt');
    expect([decrypt.answer, decrypt.unknowns, decrypt.paths!.map((p) => [p.certain, p.requires.map((r) => r.value)])]).toStrictEqual([
      'uncertain', [unknown], [[false, [`endpoint ${id} (S/Ep)`]]],
    ]);
    // Encrypt is not fenced by the key policy: allowed plainly, with no endpoint.
    expect(actionOf(root, 'kms:Encrypt').answer).toBe('allowed');
  });
});

/** Grants (grants.md; grant-manage.md "Retiring and revoking grants": the grant's retiring principal may retire it). */
describe('evaluate-subject.ts: RetireGrant over several grants', () => {
  test.each<[string, number]>([['first', 0], ['second', 1]])('GIVEN the worker\'s grant is the %s of two THEN it may retire it', (_name, at) => {
    const model = model1({ Key: keyOf([ROOT_STATEMENT]), Worker: role('Worker', 'worker') });
    const worker = `arn:aws:iam::${ACCOUNT}:role/worker`;
    const other = `arn:aws:iam::${ACCOUNT}:role/other`;
    const grants = [
      { grantId: 'g-other', granteePrincipal: other, retiringPrincipal: other, operations: ['Encrypt'] },
      { grantId: 'g-worker', granteePrincipal: worker, retiringPrincipal: worker, operations: ['Decrypt'] },
    ];
    if (at === 0) grants.reverse();
    const k = analyzeEffectiveAccess(model, { grants: { [keyIn(model).arn]: grants } }).keys[0];
    expect(granted(subjectOf(k, 'app:S/Worker'))).toStrictEqual({ 'kms:Decrypt': 'allowed', 'kms:RetireGrant': 'allowed' });
    // The other grantee, not in the app, is allowed through its own grant; what only its unknown IAM policies could
    // give (the key policy delegates to the account) is uncertain.
    const o = subjectOf(k, other);
    expect([actionOf(o, 'kms:Encrypt').answer, actionOf(o, 'kms:RetireGrant').answer, actionOf(o, 'kms:Decrypt').answer]).toStrictEqual(['allowed', 'allowed', 'uncertain']);
  });
});

/**
 * `kms-guard explain` through an endpoint the key policy admits but the app does not define (kms-vpc-endpoint.md: the
 * endpoint policy "determines" which principals may use the endpoint; unknown here): the strict reading sends the
 * request through an endpoint whose policy allows nothing, the permissive one through an endpoint without a policy
 * (the default policy allows everything: vpc-endpoints-access.md via kms-vpc-endpoint.md, "default VPC endpoint policy").
 */
describe('evaluate-subject.ts: explainRequest through an endpoint outside the app', () => {
  const DENY_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }] };
  const vpce = (values: unknown): Record<string, unknown> => ({
    Sid: 'Net', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: values },
  });

  test.each<[string, Record<string, unknown>, string, Record<string, unknown>, string]>([
    ['by id', { 'aws:SourceVpce': 'vpce-0admitted' }, 'vpce-0admitted', { id: 'vpce-0admitted' }, 'endpoint vpce-0admitted (admitted by id; not in the app)'],
    ['by VPC', { 'aws:SourceVpc': 'vpc-0abc' }, '', { vpcId: 'vpc-0abc' }, 'a KMS endpoint in vpc-0abc (admitted by VPC; not in the app)'],
  ])('GIVEN a key policy admitting an endpoint %s THEN strict: its policy allows nothing; permissive: it has none', (_name, condition, given, expected, label) => {
    const model = model1({ Key: keyOf([ROOT_STATEMENT, vpce(condition)]) });
    const s = keySubjects(model, keyIn(model));
    const option = s.setting.endpoints.find((e) => e.label === label)!;
    expect(option).toMatchObject({ ...expected, inApp: false });
    const id = given === '' ? option.id : given;
    const root = s.subjects.find((x) => x.spec.access.id === `root:${ACCOUNT}`)!;
    const e = explainRequest(s.setting, root.spec, root.member, { action: 'kms:Decrypt', endpoint: id }, []);
    expect(e.evaluations.map((x) => [x.reading, x.result?.decision, (x.scenario as { vpcEndpoint: unknown }).vpcEndpoint])).toStrictEqual([
      ['strict', 'explicit-deny', { id, ...(option.vpcId ? { vpcId: option.vpcId } : {}), policy: DENY_ALL }],
      ['permissive', 'allow', { id, ...(option.vpcId ? { vpcId: option.vpcId } : {}) }],
    ]);
    expect(e.unknowns).toStrictEqual([`the policy of ${label}`]);
    // Without the endpoint: the Deny applies, and nothing is unknown.
    const plain = explainRequest(s.setting, root.spec, root.member, { action: 'kms:Decrypt' }, []);
    expect([plain.evaluations.map((x) => [x.reading, x.result?.decision]), plain.unknowns]).toStrictEqual([[['strict', 'explicit-deny']], []]);
  });
});

/** effective-access.ts: what the key's setting is built from (prepareKey, endpointOptions). */
describe('effective-access.ts: the key\'s endpoints and organization', () => {
  test('GIVEN the organization named only in the app\'s endpoint policy THEN members are evaluated in it (docs/access-analysis.md, "Organization boundaries")', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      Ep: endpointResource({ PolicyDocument: doc(allow('*', 'kms:*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-endpoint01' } } })) }),
    });
    expect(k.organization).toMatchObject({ id: 'o-endpoint01', alsoNamed: [] });
    expect(k.subjects.map((s) => s.subject.id)).toContain('organization-principal');
  });

  test('GIVEN the app\'s endpoint in a VPC unknown offline THEN its requirement carries no VPC id (kms-vpc-endpoint.md aws:SourceVpc)', () => {
    const model = model1({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Net', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { Null: { 'aws:SourceVpce': 'true' } } }]),
      Ep: endpointResource({ VpcId: { Ref: 'P' } }),
    });
    const id = model.endpoints[0].id;
    const s = keySubjects(model, keyIn(model));
    expect(s.setting.endpoints).toStrictEqual([{ id, inApp: true, label: `endpoint ${id} (S/Ep)` }]);
    const root = subjectOf(analyzeEffectiveAccess(model).keys[0], `root:${ACCOUNT}`);
    // An endpoint of the app without a policy: the default policy allows every request through it; nothing unknown.
    expect(root.unknowns).toStrictEqual([]);
    const decrypt = actionOf(root, 'kms:Decrypt');
    expect([decrypt.answer, decrypt.paths!.map((p) => p.requires)]).toStrictEqual([
      'conditional', [[{ kind: 'endpoint', value: `endpoint ${id} (S/Ep)`, match: 'equals', inApp: true, synthetic: true }]],
    ]);
  });

  test('GIVEN endpoints of another Region and of another account THEN only the app\'s endpoints of the key\'s account and Region are tried', () => {
    const model = buildAppModel([
      stack('S', {
        Key: keyOf([ROOT_STATEMENT, { Sid: 'Net', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { Null: { 'aws:SourceVpce': 'true' } } }]),
        Ep: endpointResource(),
        West: { ...endpointResource({}, 'us-west-2'), Metadata: { 'aws:cdk:path': 'S/West/Resource' } },
      }),
      stack('T', { Far: { ...endpointResource(), Metadata: { 'aws:cdk:path': 'T/Far/Resource' } } }, {}, OTHER),
    ]);
    const own = model.endpoints.find((e) => e.stackName === 'S' && e.region === REGION)!;
    expect(keySubjects(model, keyIn(model)).setting.endpoints.map((e) => e.id)).toStrictEqual([own.id]);
  });
});

/**
 * An identity policy holding a value unknown offline (a parameter in its Resource): the strict reading drops its Allow,
 * the permissive one widens it (policy-readings.ts), so what only it allows is `uncertain` (docs/access-analysis.md,
 * "Values unknown at synth: two readings").
 */
describe('evaluate-subject.ts: an identity policy unknown offline', () => {
  const resources = (): Record<string, unknown> => ({
    Key: keyOf([ROOT_STATEMENT]),
    App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { Ref: 'P' } })),
  });

  test('GIVEN a role allowed Decrypt on a resource named by a parameter THEN Decrypt is uncertain, never allowed nor denied', () => {
    const app = subjectOf(analyse(resources()), 'app:S/App');
    // The strict reading's policy allows nothing, and is still a valid identity policy (no Principal): no note.
    expect(app.notes).toStrictEqual([]);
    const decrypt = actionOf(app, 'kms:Decrypt');
    expect([decrypt.answer, decrypt.paths]).toStrictEqual(['uncertain', [{
      requires: [], certain: false, decidedBy: [{ policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' }, { policy: IDENTITY, statement: 'statement #0', effect: 'Allow' }], conditions: [],
    }]]);
  });

  /**
   * Fixed 2026-12-01 (subjects.ts appPrincipalSpec names them); was a BUG (evaluate-subject.ts, uncertaintiesOf): the answer was `uncertain` but its
   * `unknowns` (and the subject's) are empty. docs/access-analysis.md: "`uncertain` | allowed only if values unknown at
   * synth turn out a certain way; `unknowns` names them". The unknowns collect the key policy's unresolved statements
   * (ks.unknowns, effective-access.ts prepareKey) and the conditions made unknown (markUnknownConditions), but not the
   * unresolved statements of the subject's identity policies (nor of its boundary or of an endpoint policy of the app):
   * a reader is told the answer depends on unknown values without being told which. Expected: something like
   * "statement #0 (<unresolved:Ref P>) of inline policy kms of the role, which holds values unknown offline".
   */
  test('GIVEN the same THEN the unknowns name the identity policy\'s unresolved statement', () => {
    const app = subjectOf(analyse(resources()), 'app:S/App');
    expect(actionOf(app, 'kms:Decrypt').unknowns).toStrictEqual(['statement #0 (<unresolved:Ref P>) of inline policy kms of the role, which holds values unknown offline']);
    expect(app.unknowns.join('\n')).toMatch(/<unresolved:Ref P>/);
  });
});

/**
 * Who is evaluated how (markedSubject, uncertaintiesOf, compile): key-policy-services.md (aws:SourceAccount and
 * aws:SourceArn are in the request context only when an AWS service calls), conditions-kms.md (kms:EncryptionAlgorithm;
 * a SYMMETRIC_DEFAULT key has one algorithm), access_policies_boundaries.md (a boundary the app does not define: the
 * strict reading gives it no KMS action, the permissive one no limit), reference_policies_variables.md (a policy
 * variable is resolved only when a request is made).
 */
describe('evaluate-subject.ts: the subject\'s classification, boundary and readings', () => {
  test('GIVEN a key policy letting CloudWatch Logs encrypt for the account only THEN the service must send aws:SourceAccount; a role is never asked for it', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Logs', ...allow({ Service: 'logs.us-east-1.amazonaws.com' }, 'kms:Encrypt', { Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }) }]),
    });
    const logs = subjectOf(k, 'service:logs.us-east-1.amazonaws.com');
    expect(actionOf(logs, 'kms:Encrypt')).toStrictEqual({
      action: 'kms:Encrypt',
      answer: 'conditional',
      paths: [{
        requires: [{ kind: 'context', key: 'aws:SourceAccount', value: ACCOUNT, match: 'equals' }],
        certain: true,
        decidedBy: [{ policy: 'key policy', statement: 'Sid "Logs"', effect: 'Allow' }],
        conditions: [{ policy: 'key policy', statement: 'Sid "Logs"', effect: 'Allow', operator: 'StringEquals', key: 'aws:SourceAccount', values: [ACCOUNT], category: 'source' }],
      }],
    });
    // A service has no IAM policies and nothing unknown here.
    expect([logs.unknowns, logs.notes, logs.answer]).toStrictEqual([[], [], 'conditional']);
  });

  test('GIVEN a symmetric key whose policy requires SYMMETRIC_DEFAULT THEN the algorithm is derived: Decrypt is allowed plainly', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Sym', ...allow({ AWS: APP }, 'kms:Decrypt', { Condition: { StringEquals: { 'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT' } } }) }]),
      App: role('App', 'app'),
    });
    const decrypt = actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt');
    expect([decrypt.answer, decrypt.paths!.map((p) => p.requires)]).toStrictEqual(['allowed', [[]]]);
  });

  test('GIVEN a symmetric key whose policy requires an RSA algorithm THEN Decrypt is denied: a symmetric key uses SYMMETRIC_DEFAULT only, no request can choose another', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Oaep', ...allow({ AWS: APP }, 'kms:Decrypt', { Condition: { StringEquals: { 'kms:EncryptionAlgorithm': 'RSAES_OAEP_SHA_256' } } }) }]),
      App: role('App', 'app'),
    });
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt').answer).toBe('denied');
  });

  test('GIVEN a role whose boundary is a managed policy outside the app THEN what it allows is uncertain, the boundary named (strict: no KMS; permissive: no limit)', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', { ...inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/outside-boundary` }),
    });
    const app = subjectOf(k, 'app:S/App');
    const unknown = `its permissions boundary arn:aws:iam::${ACCOUNT}:policy/outside-boundary, which is not in the app`;
    expect(app.unknowns).toStrictEqual([unknown]);
    expect(actionOf(app, 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt',
      answer: 'uncertain',
      unknowns: [unknown],
      paths: [{ requires: [], certain: false, decidedBy: [{ policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' }, { policy: IDENTITY, statement: 'statement #0', effect: 'Allow' }], conditions: [] }],
    });
    expect(actionOf(app, 'kms:Encrypt').answer).toBe('denied');
    // explain asks both readings: strict with the stand-in boundary (no KMS), permissive without one.
    const model = model1({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', { ...inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/outside-boundary` }),
    });
    const s = keySubjects(model, keyIn(model));
    const spec = s.subjects.find((x) => x.spec.access.id === 'app:S/App')!;
    const e = explainRequest(s.setting, spec.spec, spec.member, { action: 'kms:Decrypt' }, []);
    expect(e.evaluations.map((x) => [x.reading, x.result?.decision, 'permissionsBoundary' in (x.scenario as { caller: object }).caller])).toStrictEqual([
      ['strict', 'implicit-deny', true], ['permissive', 'allow', false],
    ]);
  });

  test('GIVEN a boundary that allows every action but Decrypt, and Decrypt allowed only under an unknown condition THEN Decrypt is denied under both readings', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', {
        ...inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }),
        PermissionsBoundary: { Ref: 'Boundary' },
      }),
      Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', NotAction: 'kms:Decrypt', Resource: '*' }) } },
    });
    const app = subjectOf(k, 'app:S/App');
    expect(app.unknowns).toStrictEqual([
      'aws:MultiFactorAuthAge (NumericLessThan in statement #0 of the identity policy #0 (inline policy kms of the role): compared with 3600, a value known only when a request is made)',
    ]);
    expect(actionOf(app, 'kms:Decrypt').answer).toBe('denied');
    expect(app.answer).toBe('denied');
  });

  test('GIVEN a key policy comparing a principal tag with a policy variable THEN a representative (any tag) is uncertain on it; a role of the app (its own tags) is decided', () => {
    const k = analyse({
      Key: keyOf([
        { ...ROOT_STATEMENT, Action: 'kms:PutKeyPolicy' },
        { Sid: 'Own', ...allow('*', 'kms:Decrypt', { Condition: { StringEquals: { 'aws:PrincipalTag/owner': '${aws:username}', 'kms:CallerAccount': ACCOUNT } } }) },
        { Sid: 'Ops', ...allow({ AWS: APP }, 'kms:Encrypt', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops' } } }) },
      ]),
      App: role('App', 'app', { Tags: [{ Key: 'team', Value: 'ops' }] }),
    });
    const unknown = 'aws:PrincipalTag/owner (StringEquals in Sid "Own" of the key policy: compared with ${aws:username}, a value known only when a request is made)';
    const representative = subjectOf(k, 'account-principal');
    expect(representative.unknowns).toStrictEqual([unknown]);
    expect(actionOf(representative, 'kms:Decrypt').answer).toBe('uncertain');
    const app = subjectOf(k, 'app:S/App');
    expect([app.unknowns, actionOf(app, 'kms:Decrypt').answer, actionOf(app, 'kms:Encrypt').answer]).toStrictEqual([[], 'denied', 'allowed']);
  });

  test('GIVEN a key policy allowing only before a date THEN the unknown names the key policy\'s statement', () => {
    const k = analyse({ Key: keyOf([ROOT_STATEMENT, { Sid: 'Until', ...allow({ AWS: APP }, 'kms:Decrypt', { Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } }) }]), App: role('App', 'app') });
    expect(subjectOf(k, 'app:S/App').unknowns).toStrictEqual([
      'aws:CurrentTime (DateLessThan in Sid "Until" of the key policy: compared with 2030-01-01T00:00:00Z, a value known only when a request is made)',
    ]);
  });

  test('GIVEN a boundary holding only a statement unknown offline THEN strict: it allows nothing (never invalid); permissive: it allows (uncertain)', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', { ...inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), PermissionsBoundary: { Ref: 'Boundary' } }),
      Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:*', Resource: { Ref: 'P' } }) } },
    });
    const app = subjectOf(k, 'app:S/App');
    expect([app.notes, actionOf(app, 'kms:Decrypt').answer]).toStrictEqual([[], 'uncertain']);
  });
});

/** `kms-guard explain` (explainRequest): the scenario the analysis builds, as given to the evaluator. */
describe('evaluate-subject.ts: explainRequest, more requests', () => {
  test('GIVEN the root user THEN its caller is its ARN alone; an endpoint id the key does not know is ignored', () => {
    const model = model1({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Net', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-0def0' } } }]),
      Ep: endpointResource(),
    });
    const s = keySubjects(model, keyIn(model));
    const root = s.subjects.find((x) => x.spec.access.id === `root:${ACCOUNT}`)!;
    const e = explainRequest(s.setting, root.spec, root.member, { action: 'kms:Decrypt', endpoint: 'vpce-0unknown' }, []);
    expect(e.evaluations.map((x) => [x.reading, x.result?.decision, x.scenario])).toStrictEqual([
      ['strict', 'explicit-deny', { key: { ...s.setting.scenarioKey, policy: keyIn(model).policy }, caller: { arn: ROOT }, request: { action: 'kms:Decrypt' } }],
    ]);
  });

  test('GIVEN a subject whose boundary the evaluator refuses THEN explain gives the reading without a scenario, and the note', () => {
    const model = model1({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', { ...inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), PermissionsBoundary: { Ref: 'B' } }),
      B: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }) } },
    });
    const s = keySubjects(model, keyIn(model));
    const app = s.subjects.find((x) => x.spec.access.id === 'app:S/App')!;
    const notes: string[] = [];
    const e = explainRequest(s.setting, app.spec, app.member, { action: 'kms:Decrypt' }, notes);
    expect(e.evaluations).toStrictEqual([{ reading: 'strict' }]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^it cannot be evaluated: .*Principal/);
  });
});

/** What a subject's answer says when the evaluator could not decide (docs/access-analysis.md: `uncertain`, never `denied`). */
describe('evaluate-subject.ts: undecided requests', () => {
  test('GIVEN a subject the evaluator cannot evaluate THEN every action is uncertain, saying why', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', { ...inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }), PermissionsBoundary: { Ref: 'B' } }),
      B: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }) } },
    });
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt', answer: 'uncertain', unknowns: ['the evaluator could not evaluate this subject\'s requests (see the notes)'],
    });
  });
});

/** Capabilities (capabilities.ts; symm-asymm-compare.md: GetPublicKey needs an asymmetric key). */
describe('evaluate-subject.ts: capabilities', () => {
  test('GIVEN a role allowed GetPublicKey only, on a symmetric key THEN the describe capability is denied: only DescribeKey is usable', () => {
    const k = analyse({ Key: keyOf([ROOT_STATEMENT, { Sid: 'Pub', ...allow({ AWS: APP }, 'kms:GetPublicKey') }]), App: role('App', 'app') });
    const app = subjectOf(k, 'app:S/App');
    expect(app.capabilities.find((c) => c.capability === 'describe')).toStrictEqual({
      capability: 'describe',
      answer: 'denied',
      usable: true,
      actions: [
        { action: 'kms:DescribeKey', answer: 'denied', missing: expect.stringMatching(/^implicitly denied: /) },
        { action: 'kms:GetPublicKey', answer: 'allowed', paths: expect.any(Array), usable: false },
      ],
    });
  });

  test('GIVEN usableOnly on a symmetric key THEN capabilities with no usable action are left out', () => {
    const model = model1({ Key: keyOf([ROOT_STATEMENT]) });
    const k = analyzeEffectiveAccess(model, { usableOnly: true }).keys[0];
    // Sign, Verify, MAC and key agreement need an asymmetric or HMAC key (symm-asymm-compare.md).
    expect(subjectOf(k, `root:${ACCOUNT}`).capabilities.map((c) => c.capability)).toStrictEqual(['administer', 'lifecycle', 'describe', 'encrypt', 'decrypt', 'data-keys', 'grants']);
    expect(subjectOf(k, `root:${ACCOUNT}`).capabilities.every((c) => c.actions.length > 0)).toBe(true);
  });
});

/** Paths and the conditions they quote (toPath, conditionsOf, policyName, withOrganization). */
describe('evaluate-subject.ts: paths, more cases', () => {
  test('GIVEN a role with twelve inline policies THEN the eleventh decides Decrypt with its condition, the last two (invalid) are left out, each with its own error: labels past #9', () => {
    const policies = [
      ...Array.from({ length: 10 }, (_x, i) => ({ PolicyName: `p${i}`, PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }) })),
      { PolicyName: 'p10', PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'orders' } } }) },
      { PolicyName: 'p11', PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 'kms:Encrypt', Resource: '*' }) },
      { PolicyName: 'p12', PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 'kms:Encrypt', Resource: '*' }) },
    ];
    const app = subjectOf(analyse({ Key: keyOf([ROOT_STATEMENT]), App: role('App', 'app', { Policies: policies }) }), 'app:S/App');
    expect(app.notes).toStrictEqual([11, 12].map((i) =>
      `inline policy p${i} of the role is invalid and left out (IAM would refuse it): the identity policy #${i} is attached to a principal and cannot have a Principal element: remove it`));
    const p10 = 'identity policy #10 (inline policy p10 of the role)';
    expect(actionOf(app, 'kms:Decrypt').paths).toStrictEqual([{
      requires: [{ kind: 'encryption-context', key: 'kms:EncryptionContext:app', value: 'orders', match: 'equals' }],
      certain: true,
      decidedBy: [{ policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' }, { policy: p10, statement: 'statement #0', effect: 'Allow' }],
      conditions: [{ policy: p10, statement: 'statement #0', effect: 'Allow', operator: 'StringEquals', key: 'kms:EncryptionContext:app', values: ['orders'], category: 'encryption-context' }],
    }]);
  });

  test('GIVEN UpdateAlias, which KMS authorizes on the alias, the current key and the new key (alias-access.md) THEN each statement is named once, though the identity policy allows all three', () => {
    const app = subjectOf(analyse({ Key: keyOf([ROOT_STATEMENT]), App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:UpdateAlias', Resource: '*' })) }), 'app:S/App');
    expect(actionOf(app, 'kms:UpdateAlias').paths).toStrictEqual([{
      requires: [],
      certain: true,
      decidedBy: [
        { policy: IDENTITY, statement: 'statement #0', effect: 'Allow' },
        { policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' },
        { policy: 'key policy of the destination key', statement: 'Sid "Root"', effect: 'Allow' },
      ],
      conditions: [],
    }]);
  });

  test('GIVEN a Deny for principals outside the organization THEN a member\'s path requires the membership and quotes that Deny\'s organization condition only (conditions-aws.md aws:PrincipalOrgID)', () => {
    const ORG = 'o-a1b2c3d4e5';
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, {
        Sid: 'OrgOnly', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG, 'kms:CallerAccount': '999999999990' } },
      }]),
      App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })),
    });
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt')).toStrictEqual({
      action: 'kms:Decrypt',
      answer: 'conditional',
      paths: [{
        requires: [{ kind: 'organization', key: 'aws:PrincipalOrgID', value: ORG, match: 'equals', assumed: true }],
        certain: true,
        decidedBy: [
          { policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' },
          { policy: IDENTITY, statement: 'statement #0', effect: 'Allow' },
          { policy: 'key policy', statement: 'Sid "OrgOnly"', effect: 'Deny' },
        ],
        conditions: [{ policy: 'key policy', statement: 'Sid "OrgOnly"', effect: 'Deny', operator: 'StringNotEquals', key: 'aws:PrincipalOrgID', values: [ORG], category: 'organization' }],
      }],
    });
    expect(actionOf(subjectOf(k, 'anyone'), 'kms:Decrypt').answer).toBe('denied');
  });
});

/**
 * effective-access.ts: the endpoints tried. kms-vpc-endpoint.md: aws:SourceVpce and aws:SourceVpc work "in a key policy
 * or IAM policy" (a permissions boundary too), compared with String operators on an endpoint id (`vpce-...`) or a VPC
 * id (`vpc-...`); an endpoint id is no ARN, so an Arn operator never matches it
 * (reference_policies_elements_condition_operators.md, "Amazon Resource Name (ARN) condition operators").
 */
describe('effective-access.ts: endpoint options', () => {
  const endpointsOf = (resources: Record<string, unknown>): unknown[] => {
    const model = model1(resources);
    return keySubjects(model, keyIn(model)).setting.endpoints.map((e) => [e.id, e.vpcId ?? null, e.inApp, e.label]);
  };

  test('GIVEN endpoint-looking values of other keys, under other operators, or not whole THEN only whole ids compared by String operators on the endpoint keys count, each once', () => {
    expect(endpointsOf({
      Key: keyOf([ROOT_STATEMENT, {
        Sid: 'Net',
        Effect: 'Deny',
        Principal: '*',
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: {
          StringNotEquals: { 'aws:SourceVpce': ['vpce-0good', 'vpce-0good', 'xvpce-0bad', 'vpce-0bad!'], 'aws:SourceVpc': ['vpc-0good', 'vpc-0good', 'xvpc-0bad', 'vpc-0bad!'], 'kms:EncryptionContext:x': ['vpce-0ctx', 'vpc-0ctx'] },
          ArnNotLike: { 'aws:SourceVpce': 'vpce-0arn', 'aws:SourceVpc': 'vpc-0arn' },
        },
      }]),
    })).toStrictEqual([
      ['vpce-0good', null, false, 'endpoint vpce-0good (admitted by id; not in the app)'],
      [expect.stringMatching(/^vpce-0kmsguard[0-9a-f]{8}$/), 'vpc-0good', false, 'a KMS endpoint in vpc-0good (admitted by VPC; not in the app)'],
    ]);
  });

  test('GIVEN a key policy requiring a VPC only THEN Decrypt is tried through a stand-in endpoint in it, uncertain (its policy is unknown)', () => {
    const k = analyse({ Key: keyOf([ROOT_STATEMENT, { Sid: 'Net', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-0abc' } } }]) });
    const root = subjectOf(k, `root:${ACCOUNT}`);
    const label = 'a KMS endpoint in vpc-0abc (admitted by VPC; not in the app)';
    expect(root.unknowns).toStrictEqual([`the policy of ${label}`]);
    expect(actionOf(root, 'kms:Decrypt').paths!.map((p) => [p.certain, p.requires.map((r) => r.value)])).toStrictEqual([[false, [label]]]);
  });

  test.each<[string, Record<string, unknown>]>([
    ['a boundary', { PermissionsBoundary: { Ref: 'B' } }],
    ['an identity policy comparing aws:SourceVpc', {}],
  ])('GIVEN %s allowing KMS only through an endpoint THEN it is tried (kms-vpc-endpoint.md)', (name, extra) => {
    const viaBoundary = name === 'a boundary';
    const condition = viaBoundary ? { StringEquals: { 'aws:SourceVpce': 'vpce-0bnd' } } : { StringEquals: { 'aws:SourceVpc': 'vpc-0idp' } };
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', { ...inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', ...(viaBoundary ? {} : { Condition: condition }) }), ...extra }),
      B: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: condition }) } },
    });
    const label = viaBoundary ? 'endpoint vpce-0bnd (admitted by id; not in the app)' : 'a KMS endpoint in vpc-0idp (admitted by VPC; not in the app)';
    const decrypt = actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt');
    expect([decrypt.answer, decrypt.unknowns, decrypt.paths!.map((p) => p.requires.map((r) => r.value))]).toStrictEqual(['uncertain', [`the policy of ${label}`], [[label]]]);
  });

  test('GIVEN no policy mentions an endpoint THEN the app\'s endpoints are not in play: their policies\' unknowns are not the subjects\'', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })),
      Ep: endpointResource({ PolicyDocument: doc(allow('*', 'kms:*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } })) }),
    });
    const root = subjectOf(k, `root:${ACCOUNT}`);
    expect([root.unknowns, actionOf(root, 'kms:Decrypt').answer]).toStrictEqual([[], 'allowed']);
    // The role's identity policy compares no endpoint key: it does not put the endpoints in play either.
    const app = subjectOf(k, 'app:S/App');
    expect([app.unknowns, actionOf(app, 'kms:Decrypt').answer]).toStrictEqual([[], 'allowed']);
  });
});

/** effective-access.ts: the key's own record and the services asked (docs/access-analysis.md, "Who is asked"). */
describe('effective-access.ts: the key\'s record, services, keySubjects', () => {
  test('GIVEN keys with and without a construct path THEN the key record carries it only when known', () => {
    const model = model1({ Key: keyOf([ROOT_STATEMENT]), Tagged: { ...keyOf([ROOT_STATEMENT]), Metadata: { 'aws:cdk:path': 'S/Tagged/Resource' } } });
    const [plain, tagged] = analyzeEffectiveAccess(model).keys;
    expect(plain.key).toStrictEqual({
      stackName: 'S', logicalId: 'Key', arn: keyIn(model).arn, accountIsPlaceholder: false, aliases: [], account: ACCOUNT, region: REGION, keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT',
    });
    expect(tagged.key.constructPath).toBe('S/Tagged/Resource');
  });

  test('GIVEN a queue encrypted with the key (SQS uses no service principal of its own) beside a log group THEN only CloudWatch Logs is asked as a service', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      Queue: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: KEY_ARN } },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: KEY_ARN } },
    });
    expect(k.subjects.filter((s) => s.subject.kind === 'service').map((s) => s.subject.id)).toStrictEqual(['service:logs.us-east-1.amazonaws.com']);
  });

  test('keySubjects: a key KMS would reject has a problem; a valid one has none', () => {
    const bad = model1({ Key: keyOf([allow({ AWS: `arn:aws:iam::${ACCOUNT}:group/admins` }, 'kms:*')]) });
    expect(keySubjects(bad, keyIn(bad)).problem).toMatch(/^the key policy is invalid, so KMS would reject it and nobody's access is evaluated: /);
    const good = model1({ Key: keyOf([ROOT_STATEMENT]) });
    expect(Object.keys(keySubjects(good, keyIn(good)))).not.toContain('problem');
  });
});

/**
 * A request the evaluator refuses (docs/access-analysis.md, "Values unknown at synth": an action the evaluator could not
 * decide is `uncertain`, with the evaluator's error in `unknowns`, never `denied`). A CreateGrant is tried with the
 * grantee a policy's kms:GranteePrincipal names (conditions-kms.md); a value that is no principal cannot be sent.
 */
describe('evaluate-subject.ts: a request the evaluator refuses', () => {
  test('GIVEN CreateGrant allowed only for a grantee that is no principal THEN CreateGrant is uncertain, the evaluator\'s error noted and named', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'G', ...allow({ AWS: APP }, 'kms:CreateGrant', { Condition: { StringEquals: { 'kms:GranteePrincipal': 'not-an-arn' } } }) }]),
      App: role('App', 'app'),
    });
    const app = subjectOf(k, 'app:S/App');
    const error = 'request.createGrant.granteePrincipal: `not-an-arn` is not an AWS principal: expected "*", a 12-digit account id, or an IAM user, role, root or STS session ARN';
    expect(app.notes).toStrictEqual([`kms:CreateGrant could not be evaluated: ${error}`]);
    expect(actionOf(app, 'kms:CreateGrant')).toStrictEqual({ action: 'kms:CreateGrant', answer: 'uncertain', unknowns: [`the evaluator could not evaluate kms:CreateGrant: ${error}`] });
  });
});

/** Aliases (alias-about.md; conditions-kms.md kms:RequestAlias): only the key's own alias names are tried. */
describe('evaluate-subject.ts: the aliases tried', () => {
  test('GIVEN an alias whose name is unknown offline beside alias/orders, and a policy allowing any alias THEN only alias/orders is tried', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'ByAlias', ...allow({ AWS: APP }, 'kms:Decrypt', { Condition: { StringLike: { 'kms:RequestAlias': '*' } } }) }]),
      Orders: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/orders', TargetKeyId: { Ref: 'Key' } } },
      Unknown: { Type: 'AWS::KMS::Alias', Properties: { AliasName: { Ref: 'P' }, TargetKeyId: { Ref: 'Key' } } },
      App: role('App', 'app'),
    });
    const app = subjectOf(k, 'app:S/App');
    expect(app.notes).toStrictEqual([]);
    expect(actionOf(app, 'kms:Decrypt').paths!.map((p) => p.requires)).toStrictEqual([[{ kind: 'alias', key: 'kms:RequestAlias', value: 'alias/orders', match: 'equals' }]]);
  });
});

describe('evaluate-subject.ts and effective-access.ts: more settings', () => {
  test('GIVEN a key policy whose only statement is unknown offline THEN its strict reading allows nothing and is still valid: the root user has no note', () => {
    const k = analyse({ Key: keyOf([allow({ AWS: { Ref: 'P' } }, 'kms:*')]) });
    const root = subjectOf(k, `root:${ACCOUNT}`);
    expect([root.notes, root.answer]).toStrictEqual([[], 'uncertain']);
  });

  test('GIVEN CreateGrant allowed only for grants to one grantee (conditions-kms.md kms:GranteePrincipal) THEN the request is tried with that grantee', () => {
    const worker = `arn:aws:iam::${ACCOUNT}:role/worker`;
    const k = analyse({ Key: keyOf([ROOT_STATEMENT, { Sid: 'G', ...allow({ AWS: APP }, 'kms:CreateGrant', { Condition: { StringEquals: { 'kms:GranteePrincipal': worker } } }) }]), App: role('App', 'app') });
    const grant = actionOf(subjectOf(k, 'app:S/App'), 'kms:CreateGrant');
    expect([grant.answer, grant.paths!.map((p) => p.requires)]).toStrictEqual(['conditional', [[{ kind: 'grantee', key: 'kms:GranteePrincipal', value: worker, match: 'equals' }]]]);
  });

  test('GIVEN the deployer (IAM policies unknown) and a key naming an organization THEN what only its stand-in policies allow is uncertain, without the membership', () => {
    const ORG = 'o-a1b2c3d4e5';
    const k = analyse({ Key: keyOf([ROOT_STATEMENT, { Sid: 'Org', ...allow('*', 'kms:Decrypt', { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } }) }]) });
    expect(actionOf(subjectOf(k, 'deployer:S'), 'kms:Encrypt').paths).toStrictEqual([{
      requires: [],
      certain: false,
      decidedBy: [
        { policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' },
        { policy: 'identity policy #0 (a stand-in for its IAM policies: AdministratorAccess, as the default bootstrap role has)', statement: 'Sid "StandInForAdministratorAccess"', effect: 'Allow' },
      ],
      conditions: [],
    }]);
  });

  test('GIVEN a key with more aliases than the default quota THEN only the key policy\'s warnings become the key\'s notes', () => {
    const aliases = Object.fromEntries(Array.from({ length: 51 }, (_x, i) => [`A${i}`, { Type: 'AWS::KMS::Alias', Properties: { AliasName: `alias/a${i}`, TargetKeyId: { Ref: 'Key' } } }]));
    const k = analyse({ Key: keyOf([ROOT_STATEMENT]), ...aliases }, {}, { usableOnly: true });
    expect(k.key.aliases).toHaveLength(51);
    expect(k.notes).toStrictEqual([]);
  });
});

/** kms-vpc-endpoint.md: an endpoint policy names principals as a key policy does; IAM groups are never principals (reference_policies_elements_principal.md). */
describe('evaluate-subject.ts: an endpoint policy the evaluator refuses', () => {
  test('GIVEN the app\'s endpoint with a policy naming a group, and a key policy requiring its VPC THEN requests through it are uncertain, the note names the endpoint', () => {
    const model = model1({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Net', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-0def0' } } }]),
      Ep: endpointResource({ PolicyDocument: doc(allow({ AWS: `arn:aws:iam::${ACCOUNT}:group/g` }, 'kms:*')) }),
    });
    const id = model.endpoints[0].id;
    const root = subjectOf(analyzeEffectiveAccess(model).keys[0], `root:${ACCOUNT}`);
    expect(root.notes).toHaveLength(1);
    expect(root.notes[0]).toMatch(new RegExp(`^requests through endpoint ${id} \\(S/Ep\\) cannot be evaluated: \`arn:aws:iam::${ACCOUNT}:group/g\` is an IAM group`));
    expect(actionOf(root, 'kms:Decrypt')).toStrictEqual({ action: 'kms:Decrypt', answer: 'uncertain', unknowns: ['the evaluator could not evaluate this subject\'s requests (see the notes)'] });
    // Not through the endpoint, Encrypt is decided.
    expect(actionOf(root, 'kms:Encrypt').answer).toBe('allowed');
  });
});

describe('evaluate-subject.ts: the re-run\'s survivors', () => {
  /** conditions-aws.md aws:PrincipalOrgID in an IAM policy: a member's path requires the membership; nothing is named twice. */
  test('GIVEN an identity policy allowing Decrypt to members only THEN the path requires the membership and names each statement once', () => {
    const ORG = 'o-a1b2c3d4e5';
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Org2', Effect: 'Deny', Principal: '*', Action: 'kms:Encrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } }]),
      App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } })),
    });
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt').paths).toStrictEqual([{
      requires: [{ kind: 'organization', key: 'aws:PrincipalOrgID', value: ORG, match: 'equals', assumed: true }],
      certain: true,
      decidedBy: [{ policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' }, { policy: IDENTITY, statement: 'statement #0', effect: 'Allow' }],
      conditions: [{ policy: IDENTITY, statement: 'statement #0', effect: 'Allow', operator: 'StringEquals', key: 'aws:PrincipalOrgID', values: [ORG], category: 'organization' }],
    }]);
  });

  test('GIVEN an unnamed key-policy Deny for non-members labelled like the identity statement THEN the path still names and quotes it', () => {
    const ORG = 'o-a1b2c3d4e5';
    const k = analyse({
      Key: keyOf([{ Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } }, ROOT_STATEMENT]),
      App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })),
    });
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt').paths).toStrictEqual([{
      requires: [{ kind: 'organization', key: 'aws:PrincipalOrgID', value: ORG, match: 'equals', assumed: true }],
      certain: true,
      decidedBy: [
        { policy: 'key policy', statement: 'Sid "Root"', effect: 'Allow' },
        { policy: IDENTITY, statement: 'statement #0', effect: 'Allow' },
        { policy: 'key policy', statement: 'statement #0', effect: 'Deny' },
      ],
      conditions: [{ policy: 'key policy', statement: 'statement #0', effect: 'Deny', operator: 'StringNotEquals', key: 'aws:PrincipalOrgID', values: [ORG], category: 'organization' }],
    }]);
  });

  /**
   * A Deny under a condition unknown offline: the strict reading keeps it (widened), the permissive one drops it
   * (readings.ts). Denied under both, the explanation given is the strict reading's (docs/access-analysis.md: `missing`
   * is the evaluator's explanation of a plain request).
   */
  test('GIVEN a Deny under an unknown condition and no IAM policy allowing Decrypt THEN denied, explained by the strict reading (the Deny)', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Maybe', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } } }]),
      App: role('App', 'app', inline({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' })),
    });
    expect(actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt')).toStrictEqual({ action: 'kms:Decrypt', answer: 'denied', missing: 'explicitly denied by Sid "Maybe" of the key policy' });
  });
});

/**
 * Fixed (2026-12-01; was a BUG found while explaining the survivors of line 131; src/analysis/access/evaluate-subject.ts line 131 with
 * witnesses.ts's `alias` dimension and evaluator-key.ts `usableAliases`): an alias whose name holds a value unknown
 * offline (`Fn::Join ['alias/app-', Ref P]`, modelled as `alias/app-<unresolved:Ref P>`) matches the key policy's
 * `StringLike kms:RequestAlias "alias/app-*"`, so the analysis sends it as the request's KeyId; but the evaluator's key
 * lists only usable (resolved) aliases, so the request names no alias of the key and is denied. The answer is `denied`,
 * with no unknown. AWS allows Decrypt through that alias whatever P is (every alias name `alias/app-<P>` matches
 * `alias/app-*`: conditions-kms.md kms:RequestAlias, alias-authorization.md). Right: `conditional` on the alias, or at
 * least `uncertain` naming the alias whose name is unknown; never `denied`. The analysis now answers `uncertain`.
 */
describe('evaluate-subject.ts: an alias named by a parameter', () => {
  test('GIVEN Decrypt allowed through alias/app-* and an alias alias/app-<parameter> THEN Decrypt is uncertain, not denied', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'ByAlias', ...allow({ AWS: APP }, 'kms:Decrypt', { Condition: { StringLike: { 'kms:RequestAlias': 'alias/app-*' } } }) }]),
      Named: { Type: 'AWS::KMS::Alias', Properties: { AliasName: { 'Fn::Join': ['', ['alias/app-', { Ref: 'P' }]] }, TargetKeyId: { Ref: 'Key' } } },
      App: role('App', 'app'),
    });
    const decrypt = actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt');
    expect(decrypt.answer).toBe('uncertain');
    expect(decrypt.unknowns).toStrictEqual(['whether a request through alias/app-<unresolved:Ref P>, an alias of the key whose name is unknown offline, is allowed: the policies allow requests through aliases matching it (alias-authorization.md)']);
  });
});

/**
 * A policy that may or may not be attached (its role list holds a parameter) is used by the permissive reading: an
 * answer only it allows is uncertain, and its unknown conditions are among what the answer depends on
 * (docs/access-analysis.md: "`unknowns` names them"). Before 2026-12-01 only "whether it is attached" was named.
 */
describe('evaluate-subject.ts: the unknowns of a policy that may be attached', () => {
  test('GIVEN Decrypt allowed only by a policy whose role list is unknown, under aws:CurrentTime THEN uncertain, naming both the attachment and the condition', () => {
    const k = analyse({
      Key: keyOf([ROOT_STATEMENT]),
      App: role('App', 'app'),
      Maybe: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'maybe',
          Roles: [{ Ref: 'RoleName' }],
          PolicyDocument: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } }),
        },
      },
    });
    const decrypt = actionOf(subjectOf(k, 'app:S/App'), 'kms:Decrypt');
    expect(decrypt.answer).toBe('uncertain');
    expect(decrypt.unknowns).toStrictEqual([
      'whether policy S/Maybe (its role list cannot be resolved) is attached to it',
      'aws:CurrentTime (DateLessThan in statement #0 of the identity policy #0 (policy S/Maybe (its role list cannot be resolved)): compared with 2030-01-01T00:00:00Z, a value known only when a request is made)',
    ]);
  });
});

/**
 * UpdateAlias is authorized on the alias, the current key and the new key (alias-access.md); the analysis asks it with
 * this key as the new target, so the statement deciding the destination key's half is this key's, and its conditions
 * are quoted like the current key's (they were left out: no document was known for `key policy of the destination key`).
 */
describe('evaluate-subject.ts: the conditions of UpdateAlias\'s destination key', () => {
  test('GIVEN UpdateAlias allowed by a key-policy statement under aws:PrincipalTag THEN the path quotes the condition for both halves of the key', () => {
    const app = subjectOf(analyse({
      Key: keyOf([ROOT_STATEMENT, { Sid: 'Tagged', ...allow({ AWS: APP }, 'kms:UpdateAlias', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops' } } }) }]),
      App: role('App', 'app', { Tags: [{ Key: 'team', Value: 'ops' }], ...inline({ Effect: 'Allow', Action: 'kms:UpdateAlias', Resource: '*' }) }),
    }), 'app:S/App');
    const paths = actionOf(app, 'kms:UpdateAlias').paths!;
    const quoted = paths.flatMap((p) => p.conditions.map((c) => `${c.policy} ${c.statement} ${c.key}`));
    expect(quoted).toStrictEqual(['key policy Sid "Tagged" aws:PrincipalTag/team', 'key policy of the destination key Sid "Tagged" aws:PrincipalTag/team']);
  });
});
