/**
 * The effective-access analysis on real synthesized apps (aws-cdk-lib constructs, the app model over the cloud
 * assembly), one describe per defect issue 9 lists, plus the abstraction's pieces. Expected answers come from the KMS
 * developer guide: key-policy-default.md (delegation to the account), key-policy-modifying-external-accounts.md
 * (cross-account needs both sides), conditions-kms.md (kms:ViaService, kms:EncryptionContext:*), kms-vpc-endpoint.md
 * (aws:SourceVpce / aws:SourceVpc, AWS services outside the VPC), and the IAM User Guide's condition operators.
 */
import { App, CfnOutput, CrossStackReferences, Fn, ReferenceStrength, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CrossAccountKeyShare, GuardedKmsKey, KeyCapability, VpceRestrictedKey } from '../../src';
import { CAPABILITIES, actionsAsked, isActionUsable } from '../../src/analysis/access/capabilities';
import { addressIn, witnessOf } from '../../src/analysis/access/witnesses';
import {
  AccessAnalysis, ActionAccess, KeyAccess, Requirement, SubjectAccess, analyzeEffectiveAccess, analyzeKeys,
} from '../../src/analysis/effective-access';
import { AppModel, buildAppModel } from '../../src/app-model/app-model';
import { readCloudAssembly } from '../../src/app-model/cloud-assembly';
import { ALL_KMS_ACTIONS, actionFacts } from '../../src/policy/catalogue';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const ENV = { account: ACCOUNT, region: 'us-east-1' };
const ORG = 'o-a1b2c3d4e5';

interface Analysed extends AccessAnalysis {
  readonly model: AppModel;
}

function analyse(app: App): Analysed {
  const model = buildAppModel(readCloudAssembly(app.synth().directory));
  return { ...analyzeEffectiveAccess(model), model };
}

function keyAt(a: AccessAnalysis, pathPrefix: string): KeyAccess {
  const k = a.keys.find((x) => x.key.constructPath?.startsWith(pathPrefix));
  if (!k) throw new Error(`no key under ${pathPrefix}: ${a.keys.map((x) => x.key.constructPath).join(', ')}`);
  return k;
}

/** The subject whose id, construct path prefix or label prefix is `match`. */
function subjectOf(k: KeyAccess, match: string): SubjectAccess {
  const s = k.subjects.find((x) => x.subject.id === match || x.subject.constructPath?.startsWith(match) || x.subject.label.startsWith(match));
  if (!s) throw new Error(`no subject ${match} in ${k.subjects.map((x) => x.subject.id).join(', ')}`);
  return s;
}

function actionOf(s: SubjectAccess, action: string): ActionAccess {
  const a = s.capabilities.flatMap((c) => c.actions).find((x) => x.action === action);
  if (!a) throw new Error(`${action} was not asked for ${s.subject.id}`);
  return a;
}

/** Every requirement of every path of the action. */
const requirements = (a: ActionAccess): Requirement[] => (a.paths ?? []).flatMap((p) => p.requires);
const admin = (stack: Stack, id = 'Admin'): iam.Role => new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });

describe('capabilities and the actions asked', () => {
  test('GIVEN the catalogue WHEN grouped THEN every action on a key is in exactly one capability, and no other action is', () => {
    const keyActions = ALL_KMS_ACTIONS.filter((a) => actionFacts(a)!.keyResource && actionFacts(a)!.policyType !== 'internal');
    const grouped = CAPABILITIES.flatMap((c) => c.actions);
    expect([...grouped].sort()).toEqual([...keyActions].sort());
    expect(new Set(grouped).size).toBe(grouped.length);
  });

  test('GIVEN no grants WHEN the actions are chosen THEN all key actions but RetireGrant are asked, and each one not asked says why', () => {
    const { asked, notAsked } = actionsAsked(false);
    expect(asked).toHaveLength(ALL_KMS_ACTIONS.length - notAsked.length);
    expect(notAsked.map((n) => n.action)).toEqual(expect.arrayContaining(['kms:RetireGrant', 'kms:CreateKey', 'kms:ListAliases', 'kms:SynchronizeMultiRegionKey']));
    expect(notAsked.every((n) => n.reason.length > 10)).toBe(true);
    expect(actionsAsked(true).asked).toContain('kms:RetireGrant');
  });

  test('GIVEN key specs WHEN usability is asked THEN only what the key type serves (symm-asymm-compare.md)', () => {
    const symmetric = { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' };
    expect(isActionUsable('kms:GenerateDataKeyPair', symmetric)).toBe(true);
    expect(isActionUsable('kms:GetPublicKey', symmetric)).toBe(false);
    expect(isActionUsable('kms:Sign', symmetric)).toBe(false);
    expect(isActionUsable('kms:GenerateDataKey', { keySpec: 'RSA_2048', keyUsage: 'ENCRYPT_DECRYPT' })).toBe(false);
    expect(isActionUsable('kms:GetPublicKey', { keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' })).toBe(true);
    expect(isActionUsable('kms:Sign', { keySpec: '<unresolved:Ref Spec>', keyUsage: '<unresolved:Ref Usage>' })).toBe(true);
  });

  test('GIVEN patterns and CIDRs WHEN witnessed THEN the witness matches', () => {
    expect(witnessOf('s3.*.amazonaws.com')).toBe('s3.kms-guard.amazonaws.com');
    expect(witnessOf('acme-?')).toBe('acme-x');
    expect(addressIn('203.0.113.0/24')).toBe('203.0.113.1');
    expect(addressIn('10.1.2.3/32')).toBe('10.1.2.3');
    expect(addressIn('2001:db8::/32')).toBe('2001:db8::1');
  });
});

describe('a plain kms.Key with grants (delegation to the account)', () => {
  const app = new App();
  const stack = new Stack(app, 'Plain', { env: ENV });
  const key = new kms.Key(stack, 'Key');
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  key.grantDecrypt(reader);
  const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new kms.Key(stack, 'OtherKey').grantEncrypt(other);
  const a = analyse(app);
  const k = keyAt(a, 'Plain/Key/');

  test('GIVEN grantDecrypt WHEN analysed THEN the role can decrypt (key-policy-default.md: the account statement and its IAM policy)', () => {
    const s = subjectOf(k, 'Plain/Reader');
    expect(actionOf(s, 'kms:Decrypt').answer).toBe('allowed');
    expect(actionOf(s, 'kms:Encrypt').answer).toBe('denied');
    expect(actionOf(s, 'kms:Encrypt').missing).toMatch(/no identity policy/);
    expect(s.subject.syntheticArn).toBe(true);
  });

  test('GIVEN a role whose IAM policies reach only another key WHEN analysed THEN it is not asked about this key (linear cost)', () => {
    expect(k.subjects.some((s) => s.subject.constructPath?.startsWith('Plain/Other'))).toBe(false);
    expect(subjectOf(keyAt(a, 'Plain/OtherKey/'), 'Plain/Other').answer).toBe('allowed');
  });

  test('GIVEN the default key policy WHEN analysed THEN any principal of the account given an IAM policy, and the root user, can do everything', () => {
    for (const id of ['account-principal', `root:${ACCOUNT}`]) {
      const s = subjectOf(k, id);
      expect(s.answer).toBe('allowed');
      expect(s.capabilities.filter((c) => c.usable).every((c) => c.answer === 'allowed')).toBe(true);
    }
    expect(subjectOf(k, 'anyone').answer).toBe('denied');
  });

  test('GIVEN the deployer, whose IAM policies are not in the app WHEN the key only delegates THEN its access is uncertain, naming them', () => {
    const s = subjectOf(k, 'deployer:Plain');
    expect(s.answer).toBe('uncertain');
    expect(actionOf(s, 'kms:PutKeyPolicy').unknowns?.join()).toMatch(/IAM policies of the deploying role .*cfn-exec-role/);
  });

  test('GIVEN every action asked WHEN analysed THEN each subject answers for each of them', () => {
    const asked = actionsAsked(false).asked;
    for (const s of k.subjects) expect(s.capabilities.flatMap((c) => c.actions).map((x) => x.action).sort()).toEqual([...asked].sort());
  });
});

describe('issue 9: a key with organizationId', () => {
  const app = new App();
  const stack = new Stack(app, 'Org', { env: ENV });
  const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
  new GuardedKmsKey(stack, 'Key', { administrators: [admin(stack)], users: [{ grantee: user, capabilities: [KeyCapability.DECRYPT] }], organizationId: ORG });
  const a = analyse(app);
  const k = keyAt(a, 'Org/Key/');

  test('GIVEN principals of the app WHEN analysed THEN they are evaluated as members, and the key says so', () => {
    expect(k.organization).toEqual({ id: ORG, alsoNamed: [], assumption: expect.stringContaining(`evaluated as members of organization ${ORG}`) });
    const decrypt = actionOf(subjectOf(k, 'Org/User'), 'kms:Decrypt');
    expect(decrypt.answer).toBe('conditional');
    expect(requirements(decrypt)).toContainEqual({ kind: 'organization', key: 'aws:PrincipalOrgID', value: ORG, match: 'equals', assumed: true });
    expect(decrypt.paths![0].decidedBy).toContainEqual({ policy: 'key policy', statement: 'Sid "DenyPrincipalsOutsideOrganization"', effect: 'Deny' });
    expect(subjectOf(k, 'Org/User').subject).not.toHaveProperty('organization');
  });

  test('GIVEN the administrator and the deployer WHEN analysed THEN they can call PutKeyPolicy, and no false lockout is reported', () => {
    expect(actionOf(subjectOf(k, 'Org/Admin'), 'kms:PutKeyPolicy').answer).toBe('conditional');
    expect(actionOf(subjectOf(k, 'deployer:Org'), 'kms:PutKeyPolicy').answer).toBe('conditional');
    expect(k.notes.join('\n')).not.toMatch(/locked out/);
  });

  test('GIVEN anyone outside the organization WHEN analysed THEN the organization Deny denies them, and a member of another account is denied by the key policy', () => {
    expect(subjectOf(k, 'anyone').missing).toMatch(/DenyPrincipalsOutsideOrganization/);
    expect(subjectOf(k, 'organization-principal').answer).toBe('denied');
  });
});

describe('issue 9: Principal "*" and conditions the summary used to hide', () => {
  const app = new App();
  const stack = new Stack(app, 'Raw', { env: ENV });
  const app1 = new iam.Role(stack, 'App', { roleName: 'orders-app', assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const root = `arn:aws:iam::${ACCOUNT}:root`;
  new kms.CfnKey(stack, 'Open', {
    keyPolicy: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' },
        { Sid: 'AnyoneFromOffice', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
      ],
    },
  });
  new kms.CfnKey(stack, 'Narrow', {
    keyPolicy: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'FromOffice', Effect: 'Allow', Principal: { AWS: app1.roleArn }, Action: 'kms:Encrypt', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } } },
        { Sid: 'TenantContext', Effect: 'Allow', Principal: { AWS: app1.roleArn }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:tenant': 'acme-*' } } },
        { Sid: 'ThroughS3', Effect: 'Allow', Principal: { AWS: app1.roleArn }, Action: 'kms:GenerateDataKey', Resource: '*', Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } } },
        { Sid: 'WithMfa', Effect: 'Allow', Principal: { AWS: app1.roleArn }, Action: 'kms:Sign', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
        { Sid: 'BeforeDate', Effect: 'Allow', Principal: { AWS: app1.roleArn }, Action: 'kms:ReEncryptFrom', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } },
      ],
    },
  });
  const a = analyse(app);

  test('GIVEN Principal "*" under aws:SourceIp WHEN analysed THEN anyone can decrypt, from that network, naming the statement', () => {
    const anyone = subjectOf(keyAt(a, 'Raw/Open'), 'anyone');
    const decrypt = actionOf(anyone, 'kms:Decrypt');
    expect(anyone.answer).toBe('conditional');
    expect(decrypt.answer).toBe('conditional');
    expect(requirements(decrypt)).toEqual([{ kind: 'context', key: 'aws:SourceIp', value: '203.0.113.0/24', match: 'cidr', tried: '203.0.113.1' }]);
    expect(decrypt.paths![0].conditions).toContainEqual({
      policy: 'key policy', statement: 'Sid "AnyoneFromOffice"', effect: 'Allow', operator: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'], category: 'source-ip',
    });
    expect(keyAt(a, 'Raw/Open').notes.join()).toMatch(/Sid "AnyoneFromOffice" of the key policy allows Principal "\*"/);
  });

  test('GIVEN an Allow under aws:SourceIp WHEN analysed THEN the role is allowed from that network, never silently denied', () => {
    const encrypt = actionOf(subjectOf(keyAt(a, 'Raw/Narrow'), 'Raw/App'), 'kms:Encrypt');
    expect(encrypt.answer).toBe('conditional');
    expect(requirements(encrypt)).toEqual([expect.objectContaining({ key: 'aws:SourceIp', value: '10.0.0.0/8', match: 'cidr' })]);
  });

  test('GIVEN a StringLike encryption context WHEN analysed THEN the role may decrypt with a matching context', () => {
    const decrypt = actionOf(subjectOf(keyAt(a, 'Raw/Narrow'), 'Raw/App'), 'kms:Decrypt');
    expect(decrypt.answer).toBe('conditional');
    expect(requirements(decrypt)).toEqual([{ kind: 'encryption-context', key: 'kms:EncryptionContext:tenant', value: 'acme-*', match: 'like', tried: 'acme-kms-guard' }]);
  });

  test('GIVEN a StringLike kms:ViaService WHEN analysed THEN the role may generate data keys through a matching service', () => {
    const g = actionOf(subjectOf(keyAt(a, 'Raw/Narrow'), 'Raw/App'), 'kms:GenerateDataKey');
    expect(g.answer).toBe('conditional');
    expect(requirements(g)).toEqual([expect.objectContaining({ kind: 'context', key: 'kms:ViaService', value: 's3.*.amazonaws.com', match: 'like' })]);
  });

  test('GIVEN any other key compared with a Bool WHEN analysed THEN the answer is conditional on that value', () => {
    const sign = actionOf(subjectOf(keyAt(a, 'Raw/Narrow'), 'Raw/App'), 'kms:Sign');
    expect(sign.answer).toBe('conditional');
    expect(requirements(sign)).toEqual([{ kind: 'context', key: 'aws:MultiFactorAuthPresent', value: 'true', match: 'equals' }]);
  });

  test('GIVEN a date condition, whose value is known only at request time WHEN analysed THEN the answer is uncertain and names the key', () => {
    const r = actionOf(subjectOf(keyAt(a, 'Raw/Narrow'), 'Raw/App'), 'kms:ReEncryptFrom');
    expect(r.answer).toBe('uncertain');
    expect(r.unknowns?.join()).toMatch(/aws:CurrentTime \(DateLessThan in Sid "BeforeDate"/);
  });

  test('GIVEN a role named only in a key policy WHEN the key is analysed THEN no action of it is denied silently', () => {
    const s = subjectOf(keyAt(a, 'Raw/Narrow'), 'Raw/App');
    for (const action of ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:Sign', 'kms:ReEncryptFrom']) expect(actionOf(s, action).answer).not.toBe('denied');
  });
});

describe('issue 9: a VPC key with endpoints admitted by id and by VPC', () => {
  const app = new App();
  const stack = new Stack(app, 'Vpce', { env: ENV });
  const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a'], natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const admitted = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Admitted', { vpcEndpointId: 'vpce-0123456789abcdef0', port: 443 });
  new VpceRestrictedKey(stack, 'Key', {
    administrators: [admin(stack)],
    vpcs: [vpc],
    endpoints: [admitted],
    allowedVpcIds: ['vpc-0abc1234def567890'],
    users: [{ grantee: user, capabilities: [KeyCapability.DECRYPT] }],
  });
  const a = analyse(app);
  const decrypt = actionOf(subjectOf(keyAt(a, 'Vpce/Key/'), 'Vpce/User'), 'kms:Decrypt');
  const endpoints = (decrypt.paths ?? []).filter((p) => p.requires.some((r) => r.kind === 'endpoint'));

  test('GIVEN the app\'s own endpoint WHEN analysed THEN decrypting through it is allowed, its id marked synthetic', () => {
    expect(decrypt.answer).toBe('conditional');
    const own = endpoints.find((p) => p.certain);
    expect(own?.requires).toEqual([expect.objectContaining({ kind: 'endpoint', inApp: true, synthetic: true, value: expect.stringMatching(/^endpoint vpce-[0-9a-f]+ \(Vpce\/Vpc\//) })]);
    expect(own?.decidedBy.map((d) => d.statement)).toContain('Sid "DenyUseOutsideAllowedNetworks"');
  });

  test('GIVEN endpoints admitted by id and by VPC WHEN analysed THEN they appear, as uncertain paths naming their unknown policies', () => {
    const labels = endpoints.filter((p) => !p.certain).flatMap((p) => p.requires.map((r) => r.value));
    expect(labels).toEqual(expect.arrayContaining([
      'endpoint vpce-0123456789abcdef0 (admitted by id; not in the app)',
      'a KMS endpoint in vpc-0abc1234def567890 (admitted by VPC; not in the app)',
    ]));
    expect(subjectOf(keyAt(a, 'Vpce/Key/'), 'Vpce/User').unknowns).toContain('the policy of endpoint vpce-0123456789abcdef0 (admitted by id; not in the app)');
  });

  test('GIVEN the exemption for AWS services WHEN analysed THEN the path through an AWS service is visible', () => {
    expect(decrypt.paths).toContainEqual(expect.objectContaining({
      certain: true,
      requires: [{ kind: 'context', key: 'kms:ViaService', value: 'any AWS service', match: 'any', tried: 'kms-guard-any-service.us-east-1.amazonaws.com' }],
    }));
  });
});

describe('issue 9: break-glass principals, deployer, services', () => {
  const app = new App();
  const stack = new Stack(app, 'Glass', { env: ENV });
  const breakGlass = iam.Role.fromRoleArn(stack, 'BreakGlass', `arn:aws:iam::${ACCOUNT}:role/break-glass`);
  const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin(stack)], breakGlassPrincipals: [breakGlass] });
  new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
  const a = analyse(app);
  const k = keyAt(a, 'Glass/Key/');

  test('GIVEN an imported break-glass role WHEN analysed THEN it appears, exempt from the deletion Deny, able to schedule deletion', () => {
    const s = subjectOf(k, `arn:aws:iam::${ACCOUNT}:role/break-glass`);
    expect(s.subject).toMatchObject({ kind: 'named-principal', exemptFrom: ['Sid "DenyKeyDeletionExceptBreakGlass"'] });
    expect(actionOf(s, 'kms:ScheduleKeyDeletion').answer).toBe('allowed');
    expect(actionOf(subjectOf(k, 'Glass/Admin'), 'kms:ScheduleKeyDeletion').answer).toBe('denied');
  });

  test('GIVEN a log group encrypted with the key WHEN analysed THEN CloudWatch Logs can use it, only for this account\'s log groups', () => {
    const service = subjectOf(k, 'service:logs.us-east-1.amazonaws.com');
    const encrypt = actionOf(service, 'kms:Encrypt');
    expect(encrypt.answer).toBe('conditional');
    expect(requirements(encrypt).map((r) => r.key)).toContain('kms:EncryptionContext:aws:logs:arn');
    expect(subjectOf(k, 'any-service').answer).toBe('denied');
  });
});

describe('issue 9: weak cross-stack references and environment-agnostic stacks', () => {
  test('GIVEN a key policy naming a role of another stack by a weak reference (Fn::GetStackOutput) WHEN analysed THEN it resolves: allowed, not uncertain', () => {
    const app = new App();
    const roles = new Stack(app, 'Roles', { env: ENV });
    const role = new iam.Role(roles, 'Consumer', { assumedBy: new iam.AccountRootPrincipal() });
    CrossStackReferences.of(role).produce(ReferenceStrength.WEAK);
    const keys = new Stack(app, 'Keys', { env: ENV });
    new kms.Key(keys, 'Key', {
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions: ['kms:*'], resources: ['*'] }),
          new iam.PolicyStatement({ principals: [role], actions: ['kms:Decrypt'], resources: ['*'] }),
        ],
      }),
    });
    const assembly = app.synth();
    expect(JSON.stringify(assembly.getStackByName('Keys').template)).toContain('Fn::GetStackOutput');
    const model = buildAppModel(readCloudAssembly(assembly.directory));
    expect(model.warnings.join('\n')).not.toMatch(/GetStackOutput/);
    const k = [...analyzeKeys(model)][0];
    const s = subjectOf(k, 'Roles/Consumer');
    expect(actionOf(s, 'kms:Decrypt').answer).toBe('allowed');
    expect(s.unknowns).toEqual([]);
  });

  test('GIVEN a stack output read by Fn::GetStackOutput naming another account\'s role WHEN resolved THEN the producer\'s output value is used', () => {
    const app = new App();
    const producer = new Stack(app, 'Producer', { env: { account: OTHER, region: 'us-east-1' } });
    new CfnOutput(producer, 'RoleArnOut', { value: `arn:aws:iam::${OTHER}:role/reporting` });
    const keys = new Stack(app, 'Keys', { env: ENV });
    const fromOutput = Fn.getStackOutput('Producer', 'RoleArnOut', 'us-east-1', `arn:aws:iam::${OTHER}:role/reader`);
    new kms.CfnKey(keys, 'Key', {
      keyPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
          { Sid: 'Share', Effect: 'Allow', Principal: { AWS: fromOutput }, Action: 'kms:Decrypt', Resource: '*' },
        ],
      },
    });
    const k = analyse(app).keys[0];
    const s = subjectOf(k, `arn:aws:iam::${OTHER}:role/reporting`);
    expect(s.subject.kind).toBe('named-principal');
    expect(actionOf(s, 'kms:Decrypt').answer).toBe('uncertain');
    expect(s.unknowns).toEqual([`the IAM policies of arn:aws:iam::${OTHER}:role/reporting, which are not in the app`]);
  });

  test('GIVEN an environment-agnostic stack WHEN analysed THEN its account is a placeholder and ARNs built from it are marked synthetic', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const key = new kms.Key(stack, 'Key');
    key.grantDecrypt(new iam.Role(stack, 'Reader', { roleName: 'reader', assumedBy: new iam.AccountRootPrincipal() }));
    const k = analyse(app).keys[0];
    expect(k.key.accountIsPlaceholder).toBe(true);
    expect(k.notes.join()).toMatch(/placeholder \(environment-agnostic stack\)/);
    expect(subjectOf(k, 'Agnostic/Reader').subject.syntheticArn).toBe(true);
    expect(subjectOf(k, 'Agnostic/Reader').answer).toBe('allowed');
  });
});

describe('cross-account sharing and values unknown offline', () => {
  test('GIVEN a consumer role of another account in the app WHEN analysed THEN both sides decide, only cross-account actions are possible', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: ENV });
    const consumer = new Stack(app, 'Consumer', { env: { account: OTHER, region: 'us-east-1' } });
    const reporting = new iam.Role(consumer, 'Reporting', { roleName: 'reporting', assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
    const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin(owner)] });
    new CrossAccountKeyShare(owner, 'Share', { key, consumerAccount: OTHER, consumerRoles: [reporting], capabilities: [KeyCapability.DECRYPT], viaServices: ['s3'] });
    const k = keyAt(analyse(app), 'Owner/Key/');
    const s = subjectOf(k, 'Consumer/Reporting');
    expect(actionOf(s, 'kms:Decrypt')).toMatchObject({ answer: 'conditional', paths: [{ requires: [expect.objectContaining({ key: 'kms:ViaService', value: 's3.us-east-1.amazonaws.com' })] }] });
    expect(actionOf(s, 'kms:PutKeyPolicy').missing).toMatch(/cannot be used across accounts/);
    expect(subjectOf(k, `root:${OTHER}`).answer).toBe('denied');
  });

  test('GIVEN a key-policy principal chosen by Fn::If WHEN analysed THEN the roles of the app are possibly allowed, never certainly, and the placeholder is nobody', () => {
    const app = new App();
    const stack = new Stack(app, 'Cond', { env: ENV });
    new iam.Role(stack, 'Prod', { roleName: 'prod-app', assumedBy: new iam.AccountRootPrincipal() });
    new kms.CfnKey(stack, 'Key', {
      keyPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` }, Action: 'kms:*', Resource: '*' },
          { Sid: 'StageApp', Effect: 'Allow', Principal: { AWS: Fn.conditionIf('IsProd', `arn:aws:iam::${ACCOUNT}:role/prod-app`, `arn:aws:iam::${ACCOUNT}:role/dev-app`) }, Action: 'kms:Decrypt', Resource: '*' },
        ],
      },
    });
    const k = analyse(app).keys[0];
    expect(k.subjects.some((s) => s.subject.arn.includes('unresolved'))).toBe(false);
    const decrypt = actionOf(subjectOf(k, 'Cond/Prod'), 'kms:Decrypt');
    expect(decrypt.answer).toBe('uncertain');
    expect(decrypt.unknowns?.join()).toMatch(/Sid "StageApp"/);
  });

  test('GIVEN a grant passed with the app WHEN analysed THEN its grantee is asked, allowed what it grants, and RetireGrant is asked (grants.md)', () => {
    const app = new App();
    const stack = new Stack(app, 'Granted', { env: ENV });
    new iam.Role(stack, 'Worker', { roleName: 'worker', assumedBy: new iam.AccountRootPrincipal() });
    new GuardedKmsKey(stack, 'Key', { administrators: [admin(stack)] });
    const model = buildAppModel(readCloudAssembly(app.synth().directory));
    const worker = `arn:aws:iam::${ACCOUNT}:role/worker`;
    const grants = { [model.keys[0].arn]: [{ grantId: 'g-1', granteePrincipal: worker, retiringPrincipal: worker, operations: ['Decrypt'] }] };
    const k = analyzeEffectiveAccess(model, { grants }).keys[0];
    const s = subjectOf(k, 'Granted/Worker');
    expect(actionOf(s, 'kms:Decrypt').answer).toBe('allowed');
    expect(actionOf(s, 'kms:Decrypt').paths![0].decidedBy).toEqual([]);
    expect(actionOf(s, 'kms:RetireGrant').answer).toBe('allowed');
    expect(actionOf(s, 'kms:Encrypt').answer).toBe('denied');
    expect(analyzeEffectiveAccess(model, { grants }).grantsDeclared).toBe(true);
  });

  test('GIVEN an invalid key policy WHEN analysed THEN it is not evaluated and the note says why', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad', { env: ENV });
    new kms.CfnKey(stack, 'Key', { keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:group/admins` }, Action: 'kms:*', Resource: '*' }] } });
    const k = analyse(app).keys[0];
    expect(k.evaluated).toBe(false);
    expect(k.subjects.every((s) => s.answer === 'denied')).toBe(true);
    expect(k.notes.join()).toMatch(/the key policy is invalid/);
  });

  test('GIVEN a key policy nobody can change WHEN analysed THEN it is reported locked out', () => {
    const app = new App();
    const stack = new Stack(app, 'Locked', { env: ENV });
    new kms.CfnKey(stack, 'Key', { keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` }, Action: 'kms:Decrypt', Resource: '*' }] } });
    expect(analyse(app).keys[0].notes.join()).toMatch(/^locked out: /m);
  });
});

describe('usableOnly: only the actions the key can serve are asked (what KmsGuard-IntentDrift asks)', () => {
  function twoKeys(): AppModel {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const user = admin(stack, 'User');
    const symmetric = new kms.Key(stack, 'Symmetric');
    const signing = new kms.Key(stack, 'Signing', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY });
    symmetric.grant(user, 'kms:*');
    signing.grant(user, 'kms:*');
    return buildAppModel(readCloudAssembly(app.synth().directory));
  }
  const asked = (k: KeyAccess): string[] => [...new Set(k.subjects.flatMap((s) => s.capabilities.flatMap((c) => c.actions.map((a) => a.action))))]
    .sort();

  test('a symmetric key is not asked Sign, Verify, GenerateMac or GetPublicKey; a signing key is not asked Encrypt; the answers asked are the same', () => {
    const model = twoKeys();
    const all = [...analyzeKeys(model)];
    const usable = [...analyzeKeys(model, { usableOnly: true })];
    const [symmetric, signing] = ['S/Symmetric', 'S/Signing'].map((p) => usable.find((k) => k.key.constructPath?.startsWith(p))!);
    for (const a of ['kms:Sign', 'kms:Verify', 'kms:GenerateMac', 'kms:VerifyMac', 'kms:GetPublicKey', 'kms:DeriveSharedSecret']) {
      expect(asked(symmetric)).not.toContain(a);
    }
    expect(asked(symmetric)).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:PutKeyPolicy']));
    expect(asked(signing)).toEqual(expect.arrayContaining(['kms:Sign', 'kms:Verify', 'kms:GetPublicKey']));
    expect(asked(signing)).not.toContain('kms:Encrypt');
    // Every action usableOnly asks is answered as the full analysis answers it, and the full analysis marks the others unusable.
    for (const k of usable) {
      const full = all.find((x) => x.key.logicalId === k.key.logicalId)!;
      for (const s of k.subjects) {
        const fullSubject = full.subjects.find((x) => x.subject.id === s.subject.id)!;
        expect(s.answer).toBe(fullSubject.answer);
        for (const a of s.capabilities.flatMap((c) => c.actions)) expect(actionOf(fullSubject, a.action)).toEqual(a);
        const dropped = fullSubject.capabilities.flatMap((c) => c.actions).filter((a) => !asked(k).includes(a.action));
        expect(dropped.length).toBeGreaterThan(0);
        expect(dropped.every((a) => a.usable === false)).toBe(true);
      }
    }
  });
});
