/**
 * Deploy readiness (src/analysis/deploy-readiness.ts) on hand-written templates: for each check, apps that deploy
 * (compliant) next to apps that would fail (non-compliant), each case citing the AWS page its expectation comes from
 * (a page of ../shared/reference/aws-docs by name, or a docs.aws.amazon.com URL).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { READINESS_CHECKS, ReadinessFinding, checkDeployReadiness } from '../../src/analysis/deploy-readiness';
import { KEY_POLICY_TOO_LARGE, policyBytes } from '../../src/analysis/key-policy-too-large';
import { buildAppModel } from '../../src/app-model/app-model';
import { StackTemplate } from '../../src/app-model/stack-template';
import { KEY_POLICY_MAX_BYTES } from '../../src/policy/limits';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const REGION = 'us-east-1';
const execRole = (account: string): string => `arn:aws:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${REGION}`;
const DEPLOYER = execRole(ACCOUNT);
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/key-admin`;

/**
 * What CloudFormation needs to manage a key and its alias (the KMS resource types' handler permissions), and no more:
 * in particular not kms:CreateGrant, which the usual administrator wildcard `kms:Create*` would also allow.
 */
const MANAGE = [
  'kms:CreateAlias', 'kms:DeleteAlias', 'kms:DescribeKey', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:EnableKey', 'kms:EnableKeyRotation',
  'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags', 'kms:PutKeyPolicy', 'kms:TagResource', 'kms:UntagResource',
  'kms:UpdateAlias', 'kms:UpdateKeyDescription', 'kms:ScheduleKeyDeletion',
];

const allow = (sid: string, principal: unknown, action: string | string[], condition?: unknown): Record<string, unknown> => ({
  Sid: sid, Effect: 'Allow', Principal: principal, Action: action, Resource: '*', ...(condition ? { Condition: condition } : {}),
});
const DEPLOYER_MANAGES = allow('DeployerManagesKey', { AWS: DEPLOYER }, MANAGE);
const ADMIN_MANAGES = allow('AdminManagesKey', { AWS: ADMIN }, MANAGE);
const ROOT_ALL = allow('EnableIAMPolicies', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, 'kms:*');
const via = (service: string, region = REGION): Record<string, unknown> => ({ StringEquals: { 'kms:ViaService': `${service}.${region}.amazonaws.com` } });
/** CreateGrant through a service, only for AWS resources (conditions-kms.md, kms:GrantIsForAWSResource). */
const grantVia = (sid: string, principal: string, service: string): Record<string, unknown> =>
  allow(sid, { AWS: principal }, 'kms:CreateGrant', { ...via(service), Bool: { 'kms:GrantIsForAWSResource': 'true' } });

const keyResource = (...statements: unknown[]): Record<string, unknown> => ({
  Type: 'AWS::KMS::Key',
  Properties: { KeyPolicy: { Version: '2012-10-17', Statement: statements } },
  Metadata: { 'aws:cdk:path': 'KeyStack/Key/Resource' },
});
const KEY_ARN = { 'Fn::GetAtt': ['Key', 'Arn'] };

function stack(stackName: string, resources: Record<string, unknown>, extra: Partial<StackTemplate> = {}): StackTemplate {
  return { stackName, account: ACCOUNT, region: REGION, template: { Resources: resources }, artifactId: stackName, deployerArn: DEPLOYER, ...extra };
}
const readiness = (...stacks: StackTemplate[]): ReadinessFinding[] => checkDeployReadiness(buildAppModel(stacks));
const of = (findings: ReadinessFinding[], check: string): ReadinessFinding[] => findings.filter((f) => f.check === check);
const keyStack = (...statements: unknown[]): StackTemplate => stack('KeyStack', { Key: keyResource(...statements) });

describe('READINESS_CHECKS', () => {
  const knownPages = new Set(readFileSync(join(__dirname, '..', 'scenarios', 'known-doc-pages.txt'), 'utf-8').split('\n').filter(Boolean));
  test('every check has stable ids, a description and AWS sources', () => {
    const ids = READINESS_CHECKS.flatMap((c) => c.ids);
    expect(ids).toEqual(['lockout', 'deployer-cannot-create', 'principal-not-yet-deployed', 'principal-invalid', 'service-without-access', 'service-without-guard', 'key-policy-too-large', 'duplicate-private-dns-endpoint', 'key-policy-malformed']);
    for (const c of READINESS_CHECKS) {
      expect(c.description).not.toBe('');
      expect(c.sources.filter((s) => !knownPages.has(s) && !s.startsWith('https://docs.aws.amazon.com/'))).toEqual([]);
    }
  });

  test('GIVEN an app with nothing to object to THEN no finding at all', () => {
    expect(readiness(keyStack(DEPLOYER_MANAGES, ADMIN_MANAGES))).toEqual([]);
  });
});

describe('lockout (customer-managed-policies.md: the CreateKey caller must be able to PutKeyPolicy; API_PutKeyPolicy: the lockout safety check)', () => {
  test('compliant: the key policy names the deploying role with kms:PutKeyPolicy', () => {
    expect(of(readiness(keyStack(DEPLOYER_MANAGES, ADMIN_MANAGES)), 'lockout')).toEqual([]);
  });

  test('non-compliant: only a key administrator is named, so CloudFormation\'s CreateKey and PutKeyPolicy are rejected', () => {
    const findings = of(readiness(keyStack(ADMIN_MANAGES)), 'lockout');
    expect(findings).toEqual([{
      check: 'lockout', severity: 'error', stackName: 'KeyStack', logicalId: 'Key', constructPath: 'KeyStack/Key/Resource', message: expect.any(String),
    }]);
    expect(findings[0].message).toContain(`\`${DEPLOYER}\``);
    expect(findings[0].message).toContain('KMS rejects kms:CreateKey and kms:PutKeyPolicy');
    expect(findings[0].message).toContain('Expected: a key-policy statement whose Principal names that role');
    expect(findings[0].message).not.toContain('delegation');
  });

  test('unknown: delegation to the account only (key-policy-default.md) passes only through the deployer\'s own IAM policies, which the app does not hold: a warning', () => {
    const [finding] = of(readiness(keyStack(ROOT_ALL)), 'lockout');
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('only through the key policy\'s delegation to the account');
  });

  test('compliant: behind an organization boundary, the deploying account is taken to be inside the organization the key names', () => {
    const boundary = { Sid: 'Org', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } };
    expect(of(readiness(keyStack(DEPLOYER_MANAGES, ADMIN_MANAGES, boundary)), 'lockout')).toEqual([]);
    // Two organizations named: membership cannot be chosen, so the deployer is outside both and locked out.
    const two = { ...boundary, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5', 'o-f6g7h8i9j0'] } } };
    expect(of(readiness(keyStack(DEPLOYER_MANAGES, ADMIN_MANAGES, two)), 'lockout')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('non-compliant: a Deny on kms:PutKeyPolicy for everyone but the administrator also locks the deployer out (policy-evaluation.md: an explicit deny wins)', () => {
    const deny = { Sid: 'OnlyAdminChangesPolicy', Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': ADMIN } } };
    expect(of(readiness(keyStack(DEPLOYER_MANAGES, ADMIN_MANAGES, deny)), 'lockout')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('a replica key (multi-region-keys-replicate.md) is created by ReplicateKey: the message says so', () => {
    const replica = { Type: 'AWS::KMS::ReplicaKey', Properties: { PrimaryKeyArn: `arn:aws:kms:us-west-2:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`, KeyPolicy: { Version: '2012-10-17', Statement: [ADMIN_MANAGES] } } };
    const [finding] = of(readiness(stack('KeyStack', { Replica: replica })), 'lockout');
    expect(finding.message).toContain('KMS rejects kms:ReplicateKey and kms:PutKeyPolicy');
  });

  test('no KeyPolicy in the template: KMS applies its default policy and checks nothing (key-policy-default.md)', () => {
    expect(of(readiness(stack('KeyStack', { Key: { Type: 'AWS::KMS::Key' } })), 'lockout')).toEqual([]);
  });

  test('the deployer is unknown (CliCredentialsStackSynthesizer: no role in the manifest): a warning that the check could not run', () => {
    const findings = of(readiness(stack('KeyStack', { Key: keyResource(ADMIN_MANAGES) }, { deployerArn: undefined })), 'lockout');
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('the deployer of stack KeyStack is unknown') })]);
  });

  test('a policy that cannot be evaluated (a wildcard inside a principal ARN, reference_policies_elements_principal.md) is a warning naming the problem', () => {
    const wild = allow('Wild', { AWS: `arn:aws:iam::${ACCOUNT}:role/admin-*` }, 'kms:*');
    const findings = of(readiness(keyStack(DEPLOYER_MANAGES, wild)), 'lockout');
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('could not be evaluated') })]);
  });
});

describe('deployer-cannot-create (cdk-ecosystem.md §8: CloudFormation creates encrypted resources with the deploying role\'s permissions)', () => {
  const table = { Type: 'AWS::DynamoDB::Table', Properties: { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN } } };

  test('compliant (services-dynamodb.md): the deployer may DescribeKey and CreateGrant through dynamodb', () => {
    const app = stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES, grantVia('DeployerGrantsToDynamoDB', DEPLOYER, 'dynamodb')), Table: table });
    expect(of(readiness(app), 'deployer-cannot-create')).toEqual([]);
  });

  test('non-compliant (services-dynamodb.md): without kms:CreateGrant through dynamodb the table cannot be created', () => {
    const app = stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES), Table: table });
    const findings = of(readiness(app), 'deployer-cannot-create');
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', stackName: 'KeyStack', logicalId: 'Table' })]);
    expect(findings[0].message).toContain('dynamodb calls kms:CreateGrant on the key KeyStack/Key/Resource');
    expect(findings[0].message).toContain('with kms:ViaService dynamodb.us-east-1.amazonaws.com');
    expect(findings[0].message).toContain('"kms:GrantIsForAWSResource": "true"');
  });

  test('non-compliant (conditions-kms.md, kms:ViaService): CreateGrant allowed through rds does not let dynamodb create its grant', () => {
    const app = stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES, grantVia('ViaRds', DEPLOYER, 'rds')), Table: table });
    expect(of(readiness(app), 'deployer-cannot-create')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('compliant (services-rds.md, Overview.Encryption.Keys): an RDS instance needs CreateGrant and DescribeKey through rds', () => {
    const db = { Type: 'AWS::RDS::DBInstance', Properties: { StorageEncrypted: true, KmsKeyId: { Ref: 'Key' } } };
    expect(of(readiness(stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES, grantVia('Rds', DEPLOYER, 'rds')), Db: db })), 'deployer-cannot-create')).toEqual([]);
    expect(of(readiness(stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES), Db: db })), 'deployer-cannot-create')).toHaveLength(1);
  });

  describe('Secrets Manager (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html: GenerateDataKey and Decrypt as the caller)', () => {
    const secret = { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: 'alias/app-secrets', GenerateSecretString: {} } };
    const alias = { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/app-secrets', TargetKeyId: { Ref: 'Key' } } };
    const secretsUse = allow('DeployerStoresSecrets', { AWS: DEPLOYER }, ['kms:GenerateDataKey', 'kms:Decrypt'], via('secretsmanager'));

    test('compliant: the deployer may GenerateDataKey and Decrypt through secretsmanager (the key named by its alias)', () => {
      expect(of(readiness(stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES, secretsUse), Alias: alias, Secret: secret })), 'deployer-cannot-create')).toEqual([]);
    });

    test('non-compliant: a key-wide required encryption context can never be met through Secrets Manager, whose context is SecretARN and SecretVersionId', () => {
      const withContext = allow('DeployerStoresSecrets', { AWS: DEPLOYER }, ['kms:GenerateDataKey', 'kms:Decrypt'], { ...via('secretsmanager'), StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:EncryptionContext:app': 'orders' } });
      const [finding] = of(readiness(stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES, withContext), Alias: alias, Secret: secret })), 'deployer-cannot-create');
      expect(finding.severity).toBe('error');
      expect(finding.message).toContain('kms:GenerateDataKey, kms:Decrypt');
    });
  });

  test('non-compliant (services-ebs.md, EBSEncryption: a volume is created with GenerateDataKeyWithoutPlaintext): GenerateDataKey alone is not enough', () => {
    const volume = { Type: 'AWS::EC2::Volume', Properties: { AvailabilityZone: 'us-east-1a', Size: 8, Encrypted: true, KmsKeyId: KEY_ARN } };
    const right = allow('Ebs', { AWS: DEPLOYER }, ['kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext'], via('ec2'));
    const wrong = allow('Ebs', { AWS: DEPLOYER }, ['kms:DescribeKey', 'kms:GenerateDataKey'], via('ec2'));
    expect(of(readiness(stack('KeyStack', { Key: keyResource(ADMIN_MANAGES, DEPLOYER_MANAGES, right), Volume: volume })), 'deployer-cannot-create')).toEqual([]);
    const [finding] = of(readiness(stack('KeyStack', { Key: keyResource(ADMIN_MANAGES, DEPLOYER_MANAGES, wrong), Volume: volume })), 'deployer-cannot-create');
    expect(finding.message).toContain('ec2 calls kms:GenerateDataKeyWithoutPlaintext on the key');
    expect(finding.message).toContain('ec2.us-east-1.amazonaws.com');
  });

  test('Lambda (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html): CreateGrant and Encrypt to configure the key', () => {
    const fn = { Type: 'AWS::Lambda::Function', Properties: { KmsKeyArn: KEY_ARN, Role: 'arn:aws:iam::111122223333:role/fn', Code: { ZipFile: 'x' }, Handler: 'index.handler', Runtime: 'nodejs20.x' } };
    const ok = [DEPLOYER_MANAGES, grantVia('Grant', DEPLOYER, 'lambda'), allow('Encrypt', { AWS: DEPLOYER }, 'kms:Encrypt', via('lambda'))];
    expect(of(readiness(stack('KeyStack', { Key: keyResource(...ok), Fn: fn })), 'deployer-cannot-create')).toEqual([]);
    const [finding] = of(readiness(stack('KeyStack', { Key: keyResource(ok[0], ok[1]), Fn: fn })), 'deployer-cannot-create');
    expect(finding.message).toContain('lambda calls kms:Encrypt on the key');
  });

  test('services whose resources are created without a KMS call as the caller (S3, SQS, SNS in service-integrations.ts) need nothing of the deployer', () => {
    const bucket = { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }] } } };
    const queue = { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: KEY_ARN } };
    expect(of(readiness(stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES), Bucket: bucket, Queue: queue })), 'deployer-cannot-create')).toEqual([]);
  });

  test('the table in another stack, deployed by another account\'s role (key-policy-modifying-external-accounts.md): the key policy must name that role', () => {
    const other = execRole(OTHER);
    const keyArn = buildAppModel([keyStack(DEPLOYER_MANAGES)]).keys[0].arn;
    const remote = stack('TableStack', { Table: { ...table, Properties: { SSESpecification: { SSEEnabled: true, KMSMasterKeyId: keyArn } } } }, { account: OTHER, deployerArn: other });
    const granted = keyStack(DEPLOYER_MANAGES, allow('RemoteDescribe', { AWS: other }, 'kms:DescribeKey'), grantVia('RemoteGrant', other, 'dynamodb'));
    expect(of(readiness(granted, remote), 'deployer-cannot-create')).toEqual([]);
    const [finding] = of(readiness(keyStack(DEPLOYER_MANAGES), remote), 'deployer-cannot-create');
    expect(finding).toMatchObject({ severity: 'error', stackName: 'TableStack' });
    expect(finding.message).toContain('The deployer is in another account');
  });

  test('the deployer is unknown: a warning per resource that the check could not run', () => {
    const app = stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES), Table: table }, { deployerArn: undefined });
    expect(of(readiness(app), 'deployer-cannot-create')).toEqual([expect.objectContaining({ severity: 'warning', logicalId: 'Table', message: expect.stringContaining('is unknown') })]);
  });
});

describe('principal-not-yet-deployed (API_CreateKey / API_PutKeyPolicy: the principals in the key policy must exist)', () => {
  const READER = `arn:aws:iam::${ACCOUNT}:role/reader`;
  const role = (name: string): Record<string, unknown> => ({ Type: 'AWS::IAM::Role', Properties: { RoleName: name, AssumeRolePolicyDocument: {} }, Metadata: { 'aws:cdk:path': `${name}/Role/Resource` } });
  const readerUse = allow('ReaderDecrypts', { AWS: READER }, 'kms:Decrypt');
  const keys = (extra: Partial<StackTemplate> = {}): StackTemplate => stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES, readerUse) }, extra);
  const readers = (extra: Partial<StackTemplate> = {}): StackTemplate => stack('ReaderStack', { Reader: role('reader') }, extra);

  test('compliant: the role is in the key\'s own stack (CloudFormation creates it first, as the policy refers to it)', () => {
    const app = stack('KeyStack', { Reader: role('reader'), Key: keyResource(DEPLOYER_MANAGES, allow('R', { AWS: { 'Fn::GetAtt': ['Reader', 'Arn'] } }, 'kms:Decrypt')) });
    expect(of(readiness(app), 'principal-not-yet-deployed')).toEqual([]);
  });

  test('compliant: the role\'s stack is a dependency of the key\'s stack, directly or through another', () => {
    expect(of(readiness(keys({ dependencies: ['ReaderStack'] }), readers()), 'principal-not-yet-deployed')).toEqual([]);
    const middle = stack('Middle', {}, { dependencies: ['ReaderStack'] });
    expect(of(readiness(keys({ dependencies: ['Middle'] }), middle, readers()), 'principal-not-yet-deployed')).toEqual([]);
  });

  test('non-compliant: the role is in another stack of the app that the key\'s stack does not depend on', () => {
    const findings = of(readiness(keys(), readers()), 'principal-not-yet-deployed');
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', stackName: 'KeyStack', logicalId: 'Key' })]);
    expect(findings[0].message).toContain(`\`${READER}\`, a role of stack ReaderStack (reader/Role/Resource) (Sid "ReaderDecrypts")`);
    expect(findings[0].message).toContain('add KeyStack.addDependency(ReaderStack)');
  });

  test('non-compliant: the role\'s stack depends on the key\'s stack, so adding the dependency would be a cycle; the message says how to avoid it', () => {
    const [finding] = of(readiness(keys(), readers({ dependencies: ['KeyStack'] })), 'principal-not-yet-deployed');
    expect(finding.message).toContain('would be a cycle');
    expect(finding.message).toContain('aws:PrincipalArn');
  });

  test('compliant: account roots and ARNs the app does not define are assumed to exist (managed outside the app)', () => {
    const outside = allow('Outside', { AWS: [`arn:aws:iam::${OTHER}:root`, `arn:aws:iam::${OTHER}:role/partner`, OTHER] }, 'kms:Decrypt');
    expect(of(readiness(keyStack(DEPLOYER_MANAGES, outside)), 'principal-not-yet-deployed')).toEqual([]);
  });

  test('a principal that cannot be resolved offline (a parameter) is a warning', () => {
    const app = stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES, allow('P', { AWS: { Ref: 'Who' } }, 'kms:Decrypt')) });
    (app.template as any).Parameters = { Who: { Type: 'String' } };
    expect(of(readiness(app), 'principal-not-yet-deployed')).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('cannot be resolved offline') })]);
  });

  test('templates without a cloud assembly manifest: the deploy order is unknown, a warning', () => {
    const noManifest = (s: StackTemplate): StackTemplate => ({ ...s, artifactId: undefined, dependencies: undefined });
    expect(of(readiness(noManifest(keys()), noManifest(readers())), 'principal-not-yet-deployed')).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('deploy order of the stacks is unknown') })]);
  });

  test('principal-invalid (key-policy-overview.md: groups are never principals): an IAM group in Principal is an error', () => {
    const group = allow('Group', { AWS: `arn:aws:iam::${ACCOUNT}:group/admins` }, 'kms:Decrypt');
    expect(of(readiness(keyStack(DEPLOYER_MANAGES, group)), 'principal-invalid')).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('which IAM rejects') })]);
  });
});

describe('service principals (key-policy-services.md: allow the service, guarded by aws:SourceArn / aws:SourceAccount / its encryption context)', () => {
  describe('CloudWatch Logs (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)', () => {
    const LOGS = { Service: `logs.${REGION}.amazonaws.com` };
    const ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'];
    const logGroup = { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: 'app-logs', KmsKeyId: KEY_ARN }, Metadata: { 'aws:cdk:path': 'KeyStack/Logs/Resource' } };
    const app = (...statements: unknown[]): StackTemplate => stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES, ...statements), Logs: logGroup });

    test('compliant: the page\'s account-wide statement (ArnLike on kms:EncryptionContext:aws:logs:arn)', () => {
      const guarded = allow('Logs', LOGS, ACTIONS, { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:*` } });
      const findings = readiness(app(guarded));
      expect([...of(findings, 'service-without-access'), ...of(findings, 'service-without-guard')]).toEqual([]);
    });

    test('compliant: the page\'s single-log-group statement (ArnEquals on the log group\'s ARN)', () => {
      const exact = allow('Logs', LOGS, ACTIONS, { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:app-logs` } });
      expect(readiness(app(exact)).filter((f) => f.check.startsWith('service-'))).toEqual([]);
    });

    test('non-compliant: no statement for logs.REGION.amazonaws.com (aws-cdk-lib adds none for an encrypted LogGroup): the log group cannot use the key', () => {
      const findings = of(readiness(app()), 'service-without-access');
      expect(findings).toEqual([expect.objectContaining({ severity: 'error', logicalId: 'Logs', constructPath: 'KeyStack/Logs/Resource' })]);
      expect(findings[0].message).toContain(`as the service principal logs.${REGION}.amazonaws.com`);
      expect(findings[0].message).toContain(`(arn:aws:logs:${REGION}:${ACCOUNT}:log-group:app-logs)`);
      expect(findings[0].message).toContain(`{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:${REGION}:${ACCOUNT}:log-group:*"}}`);
    });

    test('non-compliant: a statement for another log group does not cover this one', () => {
      const other = allow('Logs', LOGS, ACTIONS, { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:other` } });
      expect(of(readiness(app(other)), 'service-without-access')).toHaveLength(1);
    });

    test('non-compliant: a statement without a condition lets any account\'s log group use the key (confused deputy)', () => {
      const findings = readiness(app(allow('Logs', LOGS, ACTIONS)));
      expect(of(findings, 'service-without-access')).toEqual([]);
      const [finding] = of(findings, 'service-without-guard');
      expect(finding.severity).toBe('error');
      expect(finding.message).toContain('for a resource of another account (999999999999)');
    });
  });

  describe('CloudTrail (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html; services-cloudtrail.md)', () => {
    const CT = { Service: 'cloudtrail.amazonaws.com' };
    const trail = { Type: 'AWS::CloudTrail::Trail', Properties: { TrailName: 'audit', IsLogging: true, S3BucketName: 'audit-bucket', KMSKeyId: { Ref: 'Key' } } };
    const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/audit`;
    const app = (...statements: unknown[]): StackTemplate => stack('KeyStack', { Key: keyResource(DEPLOYER_MANAGES, ...statements), Trail: trail });

    test('compliant: the page\'s statements, guarded by aws:SourceArn and the aws:cloudtrail:arn context', () => {
      const encrypt = allow('CloudTrailEncrypts', CT, 'kms:GenerateDataKey*', {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
        StringEquals: { 'aws:SourceArn': TRAIL_ARN },
      });
      const describe = allow('CloudTrailDescribes', CT, 'kms:DescribeKey', { StringEquals: { 'aws:SourceArn': TRAIL_ARN } });
      expect(readiness(app(encrypt, describe)).filter((f) => f.check.startsWith('service-'))).toEqual([]);
    });

    test('compliant: guarded by aws:SourceAccount ("supported, but not recommended")', () => {
      const bySource = allow('CloudTrail', CT, ['kms:GenerateDataKey*', 'kms:DescribeKey'], { StringEquals: { 'aws:SourceAccount': ACCOUNT } });
      expect(readiness(app(bySource)).filter((f) => f.check.startsWith('service-'))).toEqual([]);
    });

    test('non-compliant: DescribeKey missing, so configuring the trail fails', () => {
      const encryptOnly = allow('CloudTrailEncrypts', CT, 'kms:GenerateDataKey*', { StringEquals: { 'aws:SourceArn': TRAIL_ARN } });
      const [finding] = of(readiness(app(encryptOnly)), 'service-without-access');
      expect(finding.message).toContain('must be allowed kms:DescribeKey');
    });

    test('non-compliant: no condition at all, so another account\'s trail can use the key', () => {
      const open = allow('CloudTrail', CT, ['kms:GenerateDataKey*', 'kms:DescribeKey']);
      const [finding] = of(readiness(app(open)), 'service-without-guard');
      expect(finding.message).toContain('kms:GenerateDataKey, kms:DescribeKey');
      expect(finding.message).toContain(`{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:${ACCOUNT}:trail/*"}}`);
    });
  });
});

describe(`key-policy-too-large (key-policy-overview.md: up to 32 KB, ${KEY_POLICY_MAX_BYTES} bytes)`, () => {
  const PARAMETERS = { Who: { Type: 'String' } };
  const app = (policy: unknown): StackTemplate => {
    const s = stack('KeyStack', { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: policy } } });
    (s.template as any).Parameters = PARAMETERS;
    return s;
  };
  /**
   * A key policy padded with a statement whose Sid makes the policy as deployed (resolved by the app model, values
   * unknown offline not counted) exactly `bytes` long.
   */
  function policyOfSize(bytes: number, ...extra: unknown[]): Record<string, unknown> {
    const policy = { Version: '2012-10-17', Statement: [DEPLOYER_MANAGES, { ...allow('Pad', { AWS: ADMIN }, 'kms:DescribeKey'), Sid: '' }, ...extra] };
    const measured = policyBytes(buildAppModel([app(policy)]).keys[0].policy).atLeast;
    (policy.Statement[1] as any).Sid = 'P'.repeat(bytes - measured);
    return policy;
  }

  test('compliant: exactly at the limit', () => {
    const policy = policyOfSize(KEY_POLICY_MAX_BYTES);
    expect(policyBytes(buildAppModel([app(policy)]).keys[0].policy).atLeast).toBe(KEY_POLICY_MAX_BYTES);
    expect(of(readiness(app(policy)), KEY_POLICY_TOO_LARGE)).toEqual([]);
  });

  test('non-compliant: one byte over the limit; the message names the largest statements', () => {
    const [finding] = of(readiness(app(policyOfSize(KEY_POLICY_MAX_BYTES + 1))), KEY_POLICY_TOO_LARGE);
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain(`is ${KEY_POLICY_MAX_BYTES + 1} bytes, over the ${KEY_POLICY_MAX_BYTES}-byte limit`);
    expect(finding.message).toMatch(/the largest statements: Sid "P+" \(\d+ bytes\)/);
  });

  test('non-compliant: many principals named one by one (each resolved role ARN counts as deployed)', () => {
    const roles = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`Role${i}`, { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } }]));
    const statements = Array.from({ length: 400 }, (_, i) => allow(`Use${i}`, { AWS: { 'Fn::GetAtt': [`Role${i}`, 'Arn'] } }, ['kms:Decrypt', 'kms:Encrypt']));
    const [finding] = of(readiness(stack('KeyStack', { ...roles, Key: keyResource(DEPLOYER_MANAGES, ...statements) })), KEY_POLICY_TOO_LARGE);
    expect(finding).toMatchObject({ severity: 'error', logicalId: 'Key' });
  });

  test('values unknown offline are counted at an estimate: over the limit only through them, a warning', () => {
    const policy = policyOfSize(KEY_POLICY_MAX_BYTES - 10, allow('Unknown', { AWS: { Ref: 'Who' } }, 'kms:Decrypt'));
    const [finding] = of(readiness(app(policy)), KEY_POLICY_TOO_LARGE);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('plus 1 value(s) unknown offline');
  });
});

describe('duplicate-private-dns-endpoint (kms-vpc-endpoint.md, private DNS names; one private-DNS endpoint per service and VPC)', () => {
  const endpoint = (vpc: unknown, extra: Record<string, unknown> = {}, service = 'kms'): Record<string, unknown> => ({
    Type: 'AWS::EC2::VPCEndpoint',
    Properties: { ServiceName: `com.amazonaws.${REGION}.${service}`, VpcEndpointType: 'Interface', VpcId: vpc, PrivateDnsEnabled: true, ...extra },
  });
  const VPC = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } };
  const findings = (resources: Record<string, unknown>, parameters?: Record<string, unknown>): ReadinessFinding[] => {
    const s = stack('Net', resources);
    if (parameters) (s.template as any).Parameters = parameters;
    return of(readiness(s), 'duplicate-private-dns-endpoint');
  };

  test('compliant: one KMS endpoint with private DNS per VPC', () => {
    expect(findings({ VpcA: VPC, VpcB: VPC, A: endpoint({ Ref: 'VpcA' }), B: endpoint({ Ref: 'VpcB' }) })).toEqual([]);
  });

  test('non-compliant: two KMS endpoints with private DNS in the same VPC: the second fails to create', () => {
    const found = findings({ Vpc: VPC, First: endpoint({ Ref: 'Vpc' }), Second: endpoint({ Ref: 'Vpc' }) });
    expect(found).toEqual([expect.objectContaining({ severity: 'error', logicalId: 'Second', message: expect.stringContaining('where Net/First already has it') })]);
  });

  test('compliant: the second endpoint without private DNS, or for kms-fips (another DNS name)', () => {
    expect(findings({ Vpc: VPC, First: endpoint({ Ref: 'Vpc' }), Second: endpoint({ Ref: 'Vpc' }, { PrivateDnsEnabled: false }) })).toEqual([]);
    expect(findings({ Vpc: VPC, First: endpoint({ Ref: 'Vpc' }), Fips: endpoint({ Ref: 'Vpc' }, {}, 'kms-fips') })).toEqual([]);
  });

  test('CloudFormation\'s default is no private DNS: an endpoint without the property does not conflict', () => {
    expect(findings({ Vpc: VPC, First: endpoint({ Ref: 'Vpc' }), Second: endpoint({ Ref: 'Vpc' }, { PrivateDnsEnabled: { Ref: 'AWS::NoValue' } }) })).toEqual([]);
  });

  test('non-compliant across stacks: the same VPC id reached through Fn::ImportValue', () => {
    const net = stack('Net', { Vpc: VPC, First: endpoint({ Ref: 'Vpc' }) });
    (net.template as any).Outputs = { VpcId: { Value: { Ref: 'Vpc' }, Export: { Name: 'Net:VpcId' } } };
    const app = stack('App', { Second: endpoint({ 'Fn::ImportValue': 'Net:VpcId' }) });
    expect(of(readiness(net, app), 'duplicate-private-dns-endpoint')).toEqual([expect.objectContaining({ severity: 'error', stackName: 'App', logicalId: 'Second' })]);
  });

  test('a second endpoint whose private DNS setting is unknown offline is a warning', () => {
    const found = findings({ Vpc: VPC, First: endpoint({ Ref: 'Vpc' }), Maybe: endpoint({ Ref: 'Vpc' }, { PrivateDnsEnabled: { Ref: 'Dns' } }) }, { Dns: { Type: 'String' } });
    expect(found).toEqual([expect.objectContaining({ severity: 'warning', logicalId: 'Maybe' })]);
  });
});
