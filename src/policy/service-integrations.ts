/**
 * How AWS services use a customer managed KMS key, per CloudFormation resource type, as data: which properties name
 * the key, what CloudFormation's deploying role must be allowed on the key to create the resource, which service
 * principal calls KMS as itself, and the encryption-context keys the service sets. The deploy-readiness check, the
 * builders and the tests read these facts from here, so that they cannot drift apart.
 *
 * Every entry cites the AWS pages it comes from (`sources`): a page of the KMS Developer Guide by its stored name
 * (`kms-developer-guide/<page>.md`, see test/scenarios/known-doc-pages.txt) or the service guide's URL. Where those
 * pages are silent, the comment on the entry says which choice was made and why.
 *
 * Pure: no CDK import.
 */

/** A service that calls KMS as itself (its service principal), not on behalf of the caller. */
export interface ServicePrincipalUse {
  /** e.g. 'logs.{region}.amazonaws.com' or 'cloudtrail.amazonaws.com'; `{region}` is replaced by the key's Region. */
  readonly principal: string;
  readonly actions: readonly string[];
  /**
   * Confused-deputy guard: condition block(s) with placeholders {partition} {region} {account} (and {resourceArn} if
   * needed), e.g. { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:{partition}:logs:{region}:{account}:log-group:*' } }
   * or { StringEquals: { 'aws:SourceAccount': '{account}' } }.
   */
  readonly guard: Record<string, Record<string, string>>;
}

/** How one CloudFormation resource type uses a customer managed key. */
export interface ServiceIntegration {
  /** e.g. 'AWS::Logs::LogGroup'. */
  readonly resourceType: string;
  /**
   * Property paths that hold the key id, ARN or alias, '.'-separated, '[]' after a list:
   * 'KmsKeyId', 'SSESpecification.KMSMasterKeyId',
   * 'BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.KMSMasterKeyID'.
   */
  readonly keyProperties: readonly string[];
  /** kms:ViaService short name: 'dynamodb', 'rds', 'ec2', 'lambda', 'secretsmanager', 's3', 'sqs', 'sns', 'logs', 'cloudtrail'. */
  readonly service: string;
  /**
   * What CloudFormation's deploying role (the CDK bootstrap's cfn-exec-role) must be allowed on the key, through the
   * service (kms:ViaService = service.{region}.amazonaws.com), for CloudFormation to CREATE the resource. Empty when
   * creating it makes no KMS call as the caller. kms:CreateGrant here is always conditioned with
   * kms:GrantIsForAWSResource=true by the builder.
   */
  readonly deployerActions: readonly string[];
  /** When the service calls KMS as itself (not on a caller's behalf), e.g. CloudWatch Logs, CloudTrail. */
  readonly servicePrincipal?: ServicePrincipalUse;
  /**
   * Encryption-context keys the service sets on its requests (so a key-wide required context on other keys can never
   * be met through this service), e.g. ['aws:logs:arn'], ['aws:s3:arn'], ['SecretARN','SecretVersionId'].
   */
  readonly encryptionContextKeys: readonly string[];
  /** The AWS doc page(s) each fact comes from. */
  readonly sources: readonly string[];
}

const KMS_GUIDE = (page: string): string => `kms-developer-guide/${page}.md`;

/** DynamoDB: the same facts for tables and global tables (one key per replica, in the replica's Region). */
const DYNAMODB = {
  service: 'dynamodb',
  // "DynamoDB uses a DescribeKey operation to determine whether the KMS key you selected exists" and creates its
  // grants "on behalf of the user who created the encrypted table"; the table key itself is generated under those
  // grants by the DynamoDB service account, not by the caller (DynamoDB encryption at rest, "Monitoring DynamoDB
  // interaction with AWS KMS"). The other permissions the page lists (Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*)
  // are for using the table, not for creating it.
  deployerActions: ['kms:DescribeKey', 'kms:CreateGrant'],
  encryptionContextKeys: ['aws:dynamodb:tableName', 'aws:dynamodb:subscriberId'],
  sources: [KMS_GUIDE('services-dynamodb'), 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html'],
} as const;

/** RDS and Aurora: "To create an RDS resource using a customer managed key ... kms:CreateGrant, kms:DescribeKey". */
const RDS = {
  service: 'rds',
  deployerActions: ['kms:CreateGrant', 'kms:DescribeKey'],
  // Both pairs appear: aws:rds:db-id always, aws:ebs:id when EBS uses the key on behalf of RDS (services-rds.md).
  encryptionContextKeys: ['aws:rds:db-id', 'aws:ebs:id'],
} as const;

/**
 * Condition keys that keep a service principal to the requests of one account or one resource: the global
 * `aws:Source*` keys services set when they act for a resource (IAM UG, "The confused deputy problem"), and the
 * service's own encryption-context keys (conditions-kms.md, kms:EncryptionContext:).
 */
export const CONFUSED_DEPUTY_CONDITION_KEYS = /^(aws:SourceAccount|aws:SourceArn|aws:SourceOrgID|aws:SourceOrgPaths|kms:EncryptionContext:.+)$/i;

export const SERVICE_INTEGRATIONS: readonly ServiceIntegration[] = [
  { resourceType: 'AWS::DynamoDB::Table', keyProperties: ['SSESpecification.KMSMasterKeyId'], ...DYNAMODB },
  // A global table names a key per replica; each replica's key is in that replica's Region.
  { resourceType: 'AWS::DynamoDB::GlobalTable', keyProperties: ['Replicas[].SSESpecification.KMSMasterKeyId'], ...DYNAMODB },
  {
    resourceType: 'AWS::RDS::DBCluster',
    // Only the storage key. PerformanceInsightsKmsKeyId and MasterUserSecret.KmsKeyId are other integrations
    // (Performance Insights, Secrets Manager) with their own permissions, not modelled here.
    keyProperties: ['KmsKeyId'],
    ...RDS,
    sources: [KMS_GUIDE('services-rds'), 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.Keys.html'],
  },
  {
    resourceType: 'AWS::RDS::DBInstance',
    keyProperties: ['KmsKeyId'],
    ...RDS,
    sources: [KMS_GUIDE('services-rds'), 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html'],
  },
  {
    resourceType: 'AWS::EC2::Volume',
    keyProperties: ['KmsKeyId'],
    // EBS volumes are created through EC2: kms:ViaService is ec2.REGION.amazonaws.com (conditions-kms.md, "EBS only").
    service: 'ec2',
    // Creating a volume sends GenerateDataKeyWithoutPlaintext for the key ("How EBS encryption works"); CreateGrant and
    // Decrypt are sent when the volume is attached, by whoever attaches it, and ReEncrypt only for a volume made from a
    // snapshot under another key. DescribeKey is in the page's list of permissions for using EBS encryption, and
    // aws-cdk-lib's ec2.Volume grants it with GenerateDataKeyWithoutPlaintext for creation: kept as a creation need.
    deployerActions: ['kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext'],
    encryptionContextKeys: ['aws:ebs:id'],
    sources: [KMS_GUIDE('services-ebs'), 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/EBSEncryption.html'],
  },
  {
    resourceType: 'AWS::Lambda::Function',
    // Environment-variable encryption. Code.SourceKMSKeyArn (.zip package encryption) is another use with other
    // permissions (Lambda calls the key as its service principal, without a grant) and is not modelled here.
    keyProperties: ['KmsKeyArn'],
    service: 'lambda',
    // "kms:CreateGrant, kms:Encrypt – To configure a customer managed key on a function" (Securing Lambda environment
    // variables, "Managing permissions to your server-side encryption KMS key").
    deployerActions: ['kms:CreateGrant', 'kms:Encrypt'],
    // The pages read do not name the context; Lambda's Encrypt/Decrypt events in CloudTrail carry
    // aws:lambda:FunctionArn. A choice: it only serves to recognise contexts a required-context key cannot match.
    encryptionContextKeys: ['aws:lambda:FunctionArn'],
    sources: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html'],
  },
  {
    resourceType: 'AWS::SecretsManager::Secret',
    keyProperties: ['KmsKeyId'],
    service: 'secretsmanager',
    // "When you establish or change the KMS key that is associated with secret, Secrets Manager calls the
    // GenerateDataKey and Decrypt operations ... to confirm that the caller has permission", and CreateSecret with a
    // value generates a data key as the caller (Secret encryption and decryption in AWS Secrets Manager).
    deployerActions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    encryptionContextKeys: ['SecretARN', 'SecretVersionId'],
    sources: [KMS_GUIDE('services-secrets-manager'), 'https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html'],
  },
  {
    resourceType: 'AWS::Logs::LogGroup',
    keyProperties: ['KmsKeyId'],
    // CloudWatch Logs is not in the kms:ViaService table: it calls KMS as logs.REGION.amazonaws.com. The short name
    // is kept for messages and for grouping.
    service: 'logs',
    // Associating the key is a CloudWatch Logs permission (logs:CreateLogGroup / logs:AssociateKmsKey); the KMS calls
    // are made by the service principal, which must be "in the same AWS Region where the CMK is stored".
    deployerActions: [],
    servicePrincipal: {
      principal: 'logs.{region}.amazonaws.com',
      // The page's statement allows kms:Encrypt*, Decrypt*, ReEncrypt*, GenerateDataKey* and Describe*, all under a
      // kms:EncryptionContext:aws:logs:arn condition. Required here: the operations those patterns name that wrap or
      // unwrap symmetric data keys. Not the key-pair ones (Logs encrypts with symmetric data keys), and not
      // DescribeKey: the page's own condition can never match it (DescribeKey carries no encryption context,
      // key-policy-services.md), so Logs cannot depend on it.
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext'],
      // The account-wide form of the page's guard ("limits the use of the KMS to the specified account, but it can be
      // used for any log group"); the context value is the log group's ARN.
      guard: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:{partition}:logs:{region}:{account}:log-group:*' } },
    },
    encryptionContextKeys: ['aws:logs:arn'],
    sources: ['https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html', KMS_GUIDE('key-policy-services')],
  },
  {
    resourceType: 'AWS::CloudTrail::Trail',
    keyProperties: ['KMSKeyId'],
    // Not in the kms:ViaService table either: CloudTrail calls KMS as cloudtrail.amazonaws.com.
    service: 'cloudtrail',
    // Configuring the key makes CloudTrail send a GenerateDataKey "to verify that the KMS key exists and that
    // CloudTrail has permission to use it", as itself (services-cloudtrail.md). The caller needs kms:Decrypt only
    // with an existing bucket that uses an S3 Bucket Key, which the template cannot tell: not required here.
    deployerActions: [],
    servicePrincipal: {
      principal: 'cloudtrail.amazonaws.com',
      // "Granting encrypt permissions" (kms:GenerateDataKey*; services-cloudtrail.md shows GenerateDataKey) and
      // "Enable CloudTrail to describe KMS key properties" (kms:DescribeKey) are the statements a trail requires of the
      // service principal.
      actions: ['kms:GenerateDataKey', 'kms:DescribeKey'],
      // The page's best practice is aws:SourceArn set to the trail ARN; both required statements carry it, and
      // DescribeKey carries no encryption context, so the guard is on aws:SourceArn, account-wide. (An organization
      // trail's ARN is the management account's.)
      guard: { ArnLike: { 'aws:SourceArn': 'arn:{partition}:cloudtrail:*:{account}:trail/*' } },
    },
    encryptionContextKeys: ['aws:cloudtrail:arn', 'aws:s3:arn'],
    sources: [KMS_GUIDE('services-cloudtrail'), KMS_GUIDE('key-policy-services'), 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html'],
  },
  {
    resourceType: 'AWS::SNS::Topic',
    keyProperties: ['KmsMasterKeyId'],
    service: 'sns',
    // The page names the key's users: publishers (GenerateDataKey, Decrypt) and AWS services that publish (in the key
    // policy). Creating the topic is not among the operations that use the key: a choice, as the page is silent on
    // CreateTopic. Which service publishes depends on the app, not on the topic: no service principal here.
    deployerActions: [],
    // The page read does not name the context; SNS's KMS events carry aws:sns:topicArn (a choice, as for Lambda).
    encryptionContextKeys: ['aws:sns:topicArn'],
    sources: ['https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html'],
  },
  {
    resourceType: 'AWS::SQS::Queue',
    keyProperties: ['KmsMasterKeyId'],
    service: 'sqs',
    // As for SNS: producers (GenerateDataKey, Decrypt) and consumers (Decrypt) use the key, from the first
    // SendMessage / ReceiveMessage on; the page is silent on CreateQueue (a choice). Producers that are AWS services
    // depend on the app: no service principal here.
    deployerActions: [],
    // The page read does not name the context; SQS's KMS events carry aws:sqs:arn (a choice, as for Lambda).
    encryptionContextKeys: ['aws:sqs:arn'],
    sources: ['https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html'],
  },
  {
    resourceType: 'AWS::S3::Bucket',
    keyProperties: ['BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.KMSMasterKeyID'],
    service: 's3',
    // S3 uses the key when an object is written or read, on behalf of that caller; setting a bucket's default
    // encryption is not among the operations that use it (a choice: the pages read are silent on
    // PutBucketEncryption).
    deployerActions: [],
    encryptionContextKeys: ['aws:s3:arn'],
    sources: [KMS_GUIDE('services-s3'), 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html'],
  },
];

const byType = new Map<string, ServiceIntegration>(SERVICE_INTEGRATIONS.map((i) => [i.resourceType, i]));

export function integrationFor(resourceType: string): ServiceIntegration | undefined {
  return byType.get(resourceType);
}

/**
 * The values found at an integration's keyProperties in a resource's Properties (raw JSON, may hold intrinsics).
 * A step of a path that meets an intrinsic instead of an object or list (an `Fn::If` choosing the whole encryption
 * configuration) yields that intrinsic: the caller resolves it and reports what cannot be known, rather than the key
 * reference disappearing unseen.
 */
export function keyReferencesOf(integration: ServiceIntegration, properties: unknown): unknown[] {
  const found: unknown[] = [];
  for (const path of integration.keyProperties) collect(properties, path.split('.'), found);
  return found;
}

function collect(value: unknown, steps: readonly string[], found: unknown[]): void {
  if (value === undefined || value === null) return;
  if (steps.length === 0) {
    found.push(value);
    return;
  }
  if (isIntrinsic(value)) {
    found.push(value);
    return;
  }
  if (!isRecord(value)) return;
  const [step, ...rest] = steps;
  const list = step.endsWith('[]');
  const name = list ? step.slice(0, -2) : step;
  const next = Object.prototype.hasOwnProperty.call(value, name) ? value[name] : undefined;
  if (!list) {
    collect(next, rest, found);
  } else if (Array.isArray(next)) {
    for (const item of next) collect(item, rest, found);
  } else if (isIntrinsic(next)) {
    found.push(next);
  }
}

/** Placeholders replaced: `{partition}`, `{region}` and `{account}`; any other (`{resourceArn}`) is left for the caller. */
export function renderGuard(guard: ServicePrincipalUse['guard'], env: { partition: string; region: string; account: string }): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [operator, block] of Object.entries(guard)) {
    out[operator] = {};
    for (const [key, value] of Object.entries(block)) {
      out[operator][key] = value.replace(/\{(partition|region|account)\}/g, (_m, name: 'partition' | 'region' | 'account') => env[name]);
    }
  }
  return out;
}

/** A single-key object `Ref` / `Fn::*` / `Condition`: CloudFormation replaces it before the service reads it. */
function isIntrinsic(v: unknown): boolean {
  if (!isRecord(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition');
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
