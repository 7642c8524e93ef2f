/**
 * What `Ref` and `Fn::GetAtt` return for the resource types the analysis cares about, as realistic synthetic values:
 * the ARN formats AWS uses, the names CloudFormation generates, ids derived deterministically from where the resource
 * is declared. A type or attribute missing here yields undefined, and the caller leaves a placeholder.
 */
import { generatedName, hexDigits, uuidLike } from './hash';
import { isUnresolvedText } from './unresolved';

/** One resource, with its stack's environment and a way to read its properties as strings. */
export interface ResourceSite {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly logicalId: string;
  readonly type: string;
  /** The property resolved to a string; undefined when the property is absent. */
  readonly prop: (name: string) => string | undefined;
}

interface TypeRule {
  readonly ref: (s: ResourceSite) => string;
  readonly attributes: Readonly<Record<string, (s: ResourceSite) => string>>;
}

// The account and region take part in the seed: two stages may deploy stacks of the same name to different accounts.
const seed = (s: ResourceSite): string => `${s.account}/${s.region}/${s.stackName}/${s.logicalId}`;
/**
 * The resource's name: its name property, or the name CloudFormation would generate. A name property that cannot be
 * resolved (a parameter) also gets the generated name: every Ref and GetAtt of the resource then names the same
 * resource, as in the deployed stack, while the resolver has already recorded that the real name is unknown. A
 * placeholder inside the ARN instead would make the analysis treat the resource's own references as unknown principals.
 */
function named(s: ResourceSite, property: string, maxLength: number, lowerCase = false): string {
  const value = s.prop(property);
  return value === undefined || isUnresolvedText(value) ? generatedName(seed(s), s.stackName, s.logicalId, maxLength, lowerCase) : value;
}
const arn = (s: ResourceSite, service: string, regional: boolean, resource: string): string =>
  `arn:${s.partition}:${service}:${regional ? s.region : ''}:${s.account}:${resource}`;
const s3Arn = (s: ResourceSite, name: string): string => `arn:${s.partition}:s3:::${name}`;
const urlSuffix = (s: ResourceSite): string => (s.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com');

/** IAM paths are `/` or `/a/b/`; the ARN carries the path between the resource type and the name. */
function iamPath(s: ResourceSite): string {
  const path = s.prop('Path');
  if (path === undefined || isUnresolvedText(path)) return '/';
  return path.startsWith('/') ? path : `/${path}`;
}

const iamArn = (s: ResourceSite, kind: string, nameProperty: string): string =>
  arn(s, 'iam', false, `${kind}${iamPath(s)}${named(s, nameProperty, 64)}`);

/** Unique ids of IAM entities: a 4-letter prefix and 17 upper-case characters (AROA... for roles). */
const iamUniqueId = (s: ResourceSite, prefix: string): string => `${prefix}${hexDigits(seed(s), 17).toUpperCase()}`;

/** Multi-Region keys have ids starting with `mrk-` (multi-region-keys-overview.md). */
function keyId(s: ResourceSite): string {
  const multiRegion = s.prop('MultiRegion');
  return multiRegion === 'true' ? `mrk-${hexDigits(seed(s), 32)}` : uuidLike(seed(s));
}

/** A replica has the id of its primary key, in another region (multi-region-keys-overview.md). */
function replicaKeyId(s: ResourceSite): string {
  const primary = s.prop('PrimaryKeyArn');
  const id = primary?.split(':key/')[1];
  return id === undefined || isUnresolvedText(id) ? `mrk-${hexDigits(seed(s), 32)}` : id;
}

const keyArn = (s: ResourceSite, id: string): string => arn(s, 'kms', true, `key/${id}`);
const sqsName = (s: ResourceSite): string => {
  const fifo = s.prop('FifoQueue') === 'true';
  const name = s.prop('QueueName');
  return name !== undefined && !isUnresolvedText(name) ? name : `${generatedName(seed(s), s.stackName, s.logicalId, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
};
const secretArn = (s: ResourceSite): string =>
  arn(s, 'secretsmanager', true, `secret:${named(s, 'Name', 512)}-${hexDigits(`${seed(s)}/suffix`, 6)}`);

const RULES: Readonly<Record<string, TypeRule>> = {
  'AWS::IAM::Role': {
    ref: (s) => named(s, 'RoleName', 64),
    attributes: { Arn: (s) => iamArn(s, 'role', 'RoleName'), RoleId: (s) => iamUniqueId(s, 'AROA') },
  },
  'AWS::IAM::User': {
    ref: (s) => named(s, 'UserName', 64),
    attributes: { Arn: (s) => iamArn(s, 'user', 'UserName') },
  },
  'AWS::IAM::Group': {
    ref: (s) => named(s, 'GroupName', 128),
    attributes: { Arn: (s) => iamArn(s, 'group', 'GroupName') },
  },
  'AWS::IAM::ManagedPolicy': {
    ref: (s) => iamArn(s, 'policy', 'ManagedPolicyName'),
    attributes: { PolicyArn: (s) => iamArn(s, 'policy', 'ManagedPolicyName'), PolicyId: (s) => iamUniqueId(s, 'ANPA') },
  },
  'AWS::IAM::Policy': {
    ref: (s) => generatedName(seed(s), s.stackName, s.logicalId, 128),
    attributes: { Id: (s) => generatedName(seed(s), s.stackName, s.logicalId, 128) },
  },
  'AWS::IAM::InstanceProfile': {
    ref: (s) => named(s, 'InstanceProfileName', 128),
    attributes: { Arn: (s) => iamArn(s, 'instance-profile', 'InstanceProfileName') },
  },
  'AWS::KMS::Key': {
    ref: keyId,
    attributes: { Arn: (s) => keyArn(s, keyId(s)), KeyId: keyId },
  },
  'AWS::KMS::ReplicaKey': {
    ref: replicaKeyId,
    attributes: { Arn: (s) => keyArn(s, replicaKeyId(s)), KeyId: replicaKeyId },
  },
  'AWS::KMS::Alias': {
    ref: (s) => named(s, 'AliasName', 256),
    attributes: {},
  },
  'AWS::EC2::VPCEndpoint': {
    ref: (s) => `vpce-${hexDigits(seed(s), 17)}`,
    attributes: { Id: (s) => `vpce-${hexDigits(seed(s), 17)}` },
  },
  'AWS::EC2::VPC': {
    ref: (s) => `vpc-${hexDigits(seed(s), 17)}`,
    attributes: { VpcId: (s) => `vpc-${hexDigits(seed(s), 17)}`, CidrBlock: (s) => s.prop('CidrBlock') ?? '10.0.0.0/16' },
  },
  'AWS::EC2::Subnet': {
    ref: (s) => `subnet-${hexDigits(seed(s), 17)}`,
    attributes: { SubnetId: (s) => `subnet-${hexDigits(seed(s), 17)}` },
  },
  'AWS::EC2::SecurityGroup': {
    ref: (s) => `sg-${hexDigits(seed(s), 17)}`,
    attributes: { GroupId: (s) => `sg-${hexDigits(seed(s), 17)}` },
  },
  'AWS::Lambda::Function': {
    ref: (s) => named(s, 'FunctionName', 64),
    attributes: { Arn: (s) => arn(s, 'lambda', true, `function:${named(s, 'FunctionName', 64)}`) },
  },
  'AWS::S3::Bucket': {
    ref: (s) => named(s, 'BucketName', 63, true),
    attributes: {
      Arn: (s) => s3Arn(s, named(s, 'BucketName', 63, true)),
      DomainName: (s) => `${named(s, 'BucketName', 63, true)}.s3.${urlSuffix(s)}`,
      RegionalDomainName: (s) => `${named(s, 'BucketName', 63, true)}.s3.${s.region}.${urlSuffix(s)}`,
    },
  },
  'AWS::SQS::Queue': {
    ref: (s) => `https://sqs.${s.region}.${urlSuffix(s)}/${s.account}/${sqsName(s)}`,
    attributes: {
      Arn: (s) => arn(s, 'sqs', true, sqsName(s)),
      QueueName: sqsName,
      QueueUrl: (s) => `https://sqs.${s.region}.${urlSuffix(s)}/${s.account}/${sqsName(s)}`,
    },
  },
  'AWS::SNS::Topic': {
    ref: (s) => arn(s, 'sns', true, named(s, 'TopicName', 256)),
    attributes: { TopicArn: (s) => arn(s, 'sns', true, named(s, 'TopicName', 256)), TopicName: (s) => named(s, 'TopicName', 256) },
  },
  'AWS::DynamoDB::Table': {
    ref: (s) => named(s, 'TableName', 255),
    attributes: {
      Arn: (s) => arn(s, 'dynamodb', true, `table/${named(s, 'TableName', 255)}`),
      StreamArn: (s) => arn(s, 'dynamodb', true, `table/${named(s, 'TableName', 255)}/stream/1970-01-01T00:00:00.000`),
    },
  },
  'AWS::Logs::LogGroup': {
    ref: (s) => named(s, 'LogGroupName', 512),
    attributes: { Arn: (s) => arn(s, 'logs', true, `log-group:${named(s, 'LogGroupName', 512)}:*`) },
  },
  'AWS::SecretsManager::Secret': {
    ref: secretArn,
    attributes: { Id: secretArn },
  },
  // CloudTrail calls KMS as itself with aws:SourceArn = the trail ARN (create-kms-key-policy-for-cloudtrail).
  'AWS::CloudTrail::Trail': {
    ref: (s) => named(s, 'TrailName', 128),
    attributes: { Arn: (s) => arn(s, 'cloudtrail', true, `trail/${named(s, 'TrailName', 128)}`) },
  },
};

/** Whether `Ref`/`Fn::GetAtt` of this resource type are modelled at all. */
export function isModelledType(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(RULES, type);
}

/** What `Ref` returns for the resource, or undefined when the type is not modelled. */
export function physicalRef(site: ResourceSite): string | undefined {
  return isModelledType(site.type) ? RULES[site.type].ref(site) : undefined;
}

/**
 * Whether the resource's name (the property its `Ref` reads, `LogGroupName`, `BucketName`, ...) is a value unknown
 * offline: its `Ref` and ARN then hold the name CloudFormation would generate (see `named`), which a check must not
 * compare with a literal name in a policy as if it were the deployed one.
 */
export function hasUnknownName(site: ResourceSite): boolean {
  if (!isModelledType(site.type)) return false;
  let unknown = false;
  RULES[site.type].ref({
    ...site,
    prop: (name) => {
      const value = site.prop(name);
      if (value !== undefined && isUnresolvedText(value)) unknown = true;
      return value;
    },
  });
  return unknown;
}

/** What `Fn::GetAtt` returns for the resource's attribute, or undefined when the type or attribute is not modelled. */
export function physicalAttribute(site: ResourceSite, attribute: string): string | undefined {
  if (!isModelledType(site.type)) return undefined;
  const rule = RULES[site.type].attributes;
  return Object.prototype.hasOwnProperty.call(rule, attribute) ? rule[attribute](site) : undefined;
}
