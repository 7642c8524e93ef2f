/**
 * Reads synthesized stack templates into a model of what KMS access depends on: the keys with their resolved key
 * policies and aliases, the IAM roles and users with every identity policy that reaches them, and the KMS VPC
 * endpoints. Values are resolved with intrinsics.ts; whatever stays unknown is listed, never guessed.
 */
import { ResolveContext, resolveContexts, resolveValue } from './intrinsics';
import { hasUnknownName } from './physical-ids';
import { principalLookup } from './principal-lookup';
import { PLACEHOLDER_ACCOUNT, PLACEHOLDER_REGION, StackTemplate } from './stack-template';
import { containsUnresolved, isUnresolvedText } from './unresolved';
import { INTENT_METADATA_KEY } from '../intent/declared-intent';
import { parseAliasArn, parseKeyArn } from '../policy/arn';
import { parseAwsPrincipal } from '../policy/principal';
import { ServiceIntegration, integrationFor, keyReferencesOf } from '../policy/service-integrations';
import { statementLabels } from '../policy/statement-label';

/** Where a resource is declared. */
export interface ResourceLocation {
  readonly stackName: string;
  readonly logicalId: string;
  /** The construct path (`Stack/Key/Resource`) when the template or the caller gives it. */
  readonly constructPath?: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  /** The resource's `Condition`: it exists only when that condition holds at deploy time. */
  readonly condition?: string;
}

export interface KmsKeyModel extends ResourceLocation {
  readonly type: 'AWS::KMS::Key' | 'AWS::KMS::ReplicaKey';
  readonly arn: string;
  readonly keyId: string;
  /** The resolved key policy. */
  readonly policy: any;
  /** The template sets no KeyPolicy, so KMS applies its default: the account, kms:* (key-policy-default.md). */
  readonly defaultPolicy?: boolean;
  readonly keySpec: string;
  readonly keyUsage: string;
  /**
   * Where the key material comes from (`Origin`): `AWS_KMS` (the default), `EXTERNAL` (imported), `AWS_CLOUDHSM` or
   * `EXTERNAL_KEY_STORE`; undefined when the template's value cannot be resolved.
   */
  readonly origin?: string;
  /** Undefined when the template's value cannot be resolved (also for `enabled` and `enableKeyRotation`). */
  readonly multiRegion: boolean | undefined;
  readonly multiRegionKeyType?: 'PRIMARY' | 'REPLICA';
  readonly enabled: boolean | undefined;
  readonly enableKeyRotation: boolean | undefined;
  /** `BypassPolicyLockoutSafetyCheck` of the template (absent: false; undefined when it cannot be resolved). */
  readonly bypassPolicyLockoutSafetyCheck: boolean | undefined;
  /** Names (`alias/x`) of the AWS::KMS::Alias resources, in any stack, whose TargetKeyId is this key. */
  readonly aliases: string[];
  readonly tags: Record<string, string>;
  /** The AWS principals the key policy's `Principal` elements name, each with where it comes from. */
  readonly policyPrincipals: KeyPolicyPrincipal[];
  readonly unresolved: string[];
  /**
   * The declared intent a cdk-kms-guard construct recorded in the key's Metadata (`cdk-kms-guard:intent`), resolved;
   * read by src/intent/key-intent.ts. Absent for keys no construct of this library made.
   */
  readonly intent?: unknown;
  /** Values of the intent that could not be resolved offline. */
  readonly intentUnresolved?: readonly string[];
}

/**
 * An AWS principal named in a key policy. KMS rejects a key policy whose principals do not exist or are not visible
 * to it (kms-semantics.md §9, cdk-ecosystem.md §8 "Principals must exist"), so where each one comes from decides
 * whether the key's stack can deploy.
 */
export interface KeyPolicyPrincipal {
  /** The value as resolved, e.g. `arn:aws:iam::111122223333:role/admin` or `111122223333`. */
  readonly arn: string;
  /** The statement naming it: `Sid "X"` or `statement #2`. */
  readonly statement: string;
  /**
   * `app-principal`: a role or user of the app (`stackName`, `logicalId`); `account-root`: an account (its root);
   * `external`: a literal role, user or session ARN that the app does not define; `unresolved`: a value that cannot be
   * known offline; `invalid`: a value IAM rejects (a wildcard inside an ARN, a group).
   */
  readonly origin: 'app-principal' | 'account-root' | 'external' | 'unresolved' | 'invalid';
  /** For `app-principal`: where the role or user is declared. */
  readonly stackName?: string;
  readonly logicalId?: string;
  readonly constructPath?: string;
  /** For `app-principal`: the Region of its stack (IAM is global, but stack names repeat across Regions). */
  readonly region?: string;
  readonly account?: string;
}

/** A resource encrypted under a key of the app, through a service integration (service-integrations.ts). */
export interface EncryptedResourceModel {
  readonly location: ResourceLocation;
  readonly resourceType: string;
  readonly integration: ServiceIntegration;
  /** The ARN of the app's key it names. */
  readonly keyArn: string;
  /**
   * The resource's ARN as the service puts it in its encryption context and `aws:SourceArn` (for a log group, the
   * ARN without the trailing `:*`), when the resource type's ARN is modelled.
   * @default - not modelled
   */
  readonly resourceArn?: string;
  /** What `Ref` returns (a table name, a queue URL, ...), when modelled. @default - not modelled */
  readonly resourceRef?: string;
  /**
   * The resource's name is a value unknown offline (a parameter): `resourceArn` and `resourceRef` then hold the name
   * CloudFormation would generate, not the deployed one. @default - the name is known (or not modelled)
   */
  readonly nameUnknown?: boolean;
}

export interface PrincipalModel extends ResourceLocation {
  readonly kind: 'role' | 'user';
  readonly arn: string;
  readonly name: string;
  /** Resolved policy documents: inline, AWS::IAM::Policy, in-app managed policies, and the same through groups. */
  readonly identityPolicies: any[];
  /** Where each of `identityPolicies` comes from, same order. */
  readonly identityPolicySources: string[];
  /**
   * Policies that may attach to this principal: their role, user or group list holds a name that cannot be resolved,
   * so they could attach to any principal of this kind in the account. The summary counts them as uncertain.
   */
  readonly possibleIdentityPolicies: any[];
  readonly possibleIdentityPolicySources: string[];
  /** The boundary's document, when it is a managed policy of the app. */
  readonly permissionsBoundary?: any;
  readonly permissionsBoundaryArn?: string;
  /** The principal has a permissions boundary whose document is not in the app (AWS managed, another stack's, unresolved). */
  readonly boundaryUnknown?: boolean;
  /** Attached managed policies whose contents are unknown offline: AWS managed ones, or customer ones outside the app. */
  readonly externalManagedPolicies: string[];
  /** Roles: the resolved AssumeRolePolicyDocument. */
  readonly trustPolicy?: any;
  readonly tags: Record<string, string>;
  readonly unresolved: string[];
}

export interface KmsEndpointModel extends ResourceLocation {
  /** The endpoint id (`vpce-...`), what aws:SourceVpce carries. */
  readonly id: string;
  /** What aws:SourceVpc carries. */
  readonly vpcId: string;
  readonly serviceName: string;
  /** The endpoint policy; undefined means the default policy, which allows everything (kms-vpc-endpoint.md). */
  readonly policy?: any;
  /**
   * Whether the endpoint answers for the service's public DNS name in its VPC. A VPC can have only one such endpoint
   * per service. CloudFormation's default is false; aws-cdk-lib writes the property explicitly (true unless told
   * otherwise). Undefined when the template's value cannot be resolved.
   */
  readonly privateDnsEnabled: boolean | undefined;
  readonly unresolved: string[];
}

export interface StackInfo {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly accountIsPlaceholder: boolean;
  readonly regionIsPlaceholder: boolean;
  /** The cloud assembly artifact id, which `dependencies` name. @default - not read from a cloud assembly */
  readonly artifactId?: string;
  /** The role CloudFormation deploys the stack with. @default - unknown: the CLI's own credentials */
  readonly deployerArn?: string;
  /** Artifact ids of the stacks this stack's deployment waits for (directly). @default - none known */
  readonly dependencies?: string[];
}

export interface AppModel {
  readonly stacks: StackInfo[];
  readonly keys: KmsKeyModel[];
  readonly principals: PrincipalModel[];
  readonly endpoints: KmsEndpointModel[];
  /** Resources encrypted under a key of the app, by integration (only references that name an app's key). */
  readonly encryptedResources: EncryptedResourceModel[];
  /** Unresolved values (with where they are), placeholder environments, policies attached to principals outside the app. */
  readonly warnings: string[];
}

/** Builds the model of a set of stacks (usually one app's). Never throws on template content. */
export function buildAppModel(stacks: StackTemplate[]): AppModel {
  const warnings: string[] = [];
  const normalized = stacks.map((s) => normalizeStack(s, warnings));
  const { contexts, unresolved } = resolveContexts(normalized);
  warnings.push(...unresolved);
  const readers = normalized.map((s, i) => new StackReader(s, contexts[i]));

  const collected = collect(readers);
  const principals = buildPrincipals(collected, warnings);
  const keys = buildKeys(collected, principals);
  const endpoints = buildEndpoints(collected, warnings);
  const encryptedResources = buildEncryptedResources(collected, keys, warnings);

  for (const item of [...keys, ...principals, ...endpoints]) {
    const where = `${item.stackName}/${item.constructPath ?? item.logicalId}`;
    for (const message of item.unresolved) warnings.push(`${where}: ${message}`);
    if (item.condition) warnings.push(`${where} exists only when condition ${item.condition} holds at deploy time; it is analysed as if it exists`);
  }
  return {
    stacks: normalized.map((s) => ({
      stackName: s.stackName,
      account: s.account,
      region: s.region,
      partition: s.partition ?? 'aws',
      accountIsPlaceholder: s.accountIsPlaceholder === true,
      regionIsPlaceholder: s.regionIsPlaceholder === true,
      ...(s.artifactId !== undefined ? { artifactId: s.artifactId } : {}),
      ...(s.deployerArn !== undefined ? { deployerArn: s.deployerArn } : {}),
      ...(s.dependencies !== undefined ? { dependencies: [...s.dependencies] } : {}),
    })),
    keys,
    principals,
    endpoints,
    encryptedResources,
    warnings: [...new Set(warnings)],
  };
}

/** Checks the environment; a malformed account becomes the placeholder so that ARNs stay parseable. */
function normalizeStack(s: StackTemplate, warnings: string[]): StackTemplate {
  let out: StackTemplate = { ...s, partition: s.partition ?? 'aws' };
  if (!/^\d{12}$/.test(s.account)) {
    warnings.push(`${s.stackName}: account ${JSON.stringify(s.account)} is not a 12-digit id; ${PLACEHOLDER_ACCOUNT} stands in for it`);
    out = { ...out, account: PLACEHOLDER_ACCOUNT, accountIsPlaceholder: true };
  }
  if (typeof s.region !== 'string' || s.region === '' || s.region.startsWith('unknown')) {
    warnings.push(`${s.stackName}: region ${JSON.stringify(s.region)} is not known; ${PLACEHOLDER_REGION} stands in for it`);
    out = { ...out, region: PLACEHOLDER_REGION, regionIsPlaceholder: true };
  }
  if (out.accountIsPlaceholder) {
    warnings.push(`${s.stackName} is environment-agnostic: account ${out.account} is a placeholder, so every ARN built from it is synthetic`);
  }
  if (out.regionIsPlaceholder) warnings.push(`${s.stackName} is environment-agnostic: region ${out.region} is a placeholder`);
  if (!isRecord(s.template) || !isRecord(s.template.Resources)) warnings.push(`${s.stackName}: the template has no Resources section`);
  return out;
}

/** One stack's resources, with resolution in that stack's context. */
class StackReader {
  public constructor(public readonly stack: StackTemplate, public readonly ctx: ResolveContext) {}

  public get resources(): Array<[string, Record<string, any>]> {
    const resources = isRecord(this.stack.template) && isRecord(this.stack.template.Resources) ? this.stack.template.Resources : {};
    return Object.entries(resources).filter((e): e is [string, Record<string, any>] => isRecord(e[1]));
  }

  public location(logicalId: string, resource: Record<string, any>): ResourceLocation {
    const metadataPath = isRecord(resource.Metadata) && typeof resource.Metadata['aws:cdk:path'] === 'string' ? resource.Metadata['aws:cdk:path'] : undefined;
    const constructPath = this.stack.constructPaths?.[logicalId] ?? metadataPath;
    return {
      stackName: this.stack.stackName,
      logicalId,
      ...(constructPath !== undefined ? { constructPath } : {}),
      account: this.stack.account,
      region: this.stack.region,
      partition: this.stack.partition ?? 'aws',
      ...(typeof resource.Condition === 'string' ? { condition: resource.Condition } : {}),
    };
  }

  /** Resolves a value; messages go to `notes`. */
  public resolve(value: unknown, notes: string[]): any {
    const r = resolveValue(value, this.ctx);
    for (const m of r.unresolved) if (!notes.includes(m)) notes.push(m);
    return r.value;
  }

  /** Resolves to a string (placeholders included); undefined when absent. */
  public string(value: unknown, notes: string[]): string | undefined {
    const v = this.resolve(value, notes);
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  }

  /** Resolves a list of strings (Roles, ManagedPolicyArns, ...). */
  public strings(value: unknown, notes: string[]): string[] {
    const v = this.resolve(value, notes);
    const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
    return list.filter((x): x is string => typeof x === 'string');
  }
}

/** A policy document attached by name to roles, users or groups, in one account. */
interface Attachment {
  readonly account: string;
  readonly source: string;
  readonly document: any;
  readonly roles: string[];
  readonly users: string[];
  readonly groups: string[];
  /** Managed policies: the ARN, for ManagedPolicyArns and PermissionsBoundary. */
  readonly arn?: string;
  /** Unresolved values inside the policy or its targets: they surface on the principals it reaches. */
  readonly notes: string[];
}

interface Collected {
  readonly keys: Array<{ reader: StackReader; id: string; resource: Record<string, any> }>;
  readonly aliases: Array<{ account: string; name: string; target: string }>;
  readonly principals: Array<{ reader: StackReader; id: string; resource: Record<string, any>; kind: 'role' | 'user' }>;
  readonly groups: Array<{ reader: StackReader; id: string; resource: Record<string, any> }>;
  readonly attachments: Attachment[];
  /** Users added to groups by AWS::IAM::UserToGroupAddition: account/group -> user names. */
  readonly groupAdditions: Array<{ account: string; group: string; users: string[] }>;
  readonly endpoints: Array<{ reader: StackReader; id: string; resource: Record<string, any> }>;
  /** Resources whose type has a service integration (service-integrations.ts). */
  readonly integrated: Array<{ reader: StackReader; id: string; resource: Record<string, any>; integration: ServiceIntegration }>;
  /** Unresolved values of resources that are not themselves in the model (aliases, group additions). */
  readonly notes: string[];
}

function collect(readers: StackReader[]): Collected {
  const c: Collected = {
    keys: [], aliases: [], principals: [], groups: [], attachments: [], groupAdditions: [], endpoints: [], integrated: [], notes: [],
  };
  for (const reader of readers) {
    const account = reader.stack.account;
    for (const [id, resource] of reader.resources) {
      const props: Record<string, any> = isRecord(resource.Properties) ? resource.Properties : {};
      const notes: string[] = [];
      const where = `${reader.stack.stackName}/${id}`;
      switch (resource.Type) {
        case 'AWS::KMS::Key':
        case 'AWS::KMS::ReplicaKey':
          c.keys.push({ reader, id, resource });
          break;
        case 'AWS::KMS::Alias': {
          const name = reader.string(props.AliasName, notes);
          const target = reader.string(props.TargetKeyId, notes);
          if (name !== undefined && target !== undefined) c.aliases.push({ account, name, target });
          break;
        }
        case 'AWS::IAM::Role':
        case 'AWS::IAM::User':
          c.principals.push({ reader, id, resource, kind: resource.Type === 'AWS::IAM::Role' ? 'role' : 'user' });
          break;
        case 'AWS::IAM::Group':
          c.groups.push({ reader, id, resource });
          break;
        case 'AWS::IAM::Policy':
        case 'AWS::IAM::ManagedPolicy': {
          const managed = resource.Type === 'AWS::IAM::ManagedPolicy';
          c.attachments.push({
            account,
            source: `${managed ? 'managed policy' : 'policy'} ${where}`,
            document: reader.resolve(props.PolicyDocument, notes),
            roles: reader.strings(props.Roles, notes),
            users: reader.strings(props.Users, notes),
            groups: reader.strings(props.Groups, notes),
            ...(managed ? { arn: reader.string({ Ref: id }, notes) } : {}),
            notes,
          });
          break;
        }
        case 'AWS::IAM::RolePolicy':
        case 'AWS::IAM::UserPolicy':
        case 'AWS::IAM::GroupPolicy': {
          const target = (name: string): string[] => reader.strings(props[name], notes);
          c.attachments.push({
            account,
            source: `policy ${where}`,
            document: reader.resolve(props.PolicyDocument, notes),
            roles: resource.Type === 'AWS::IAM::RolePolicy' ? target('RoleName') : [],
            users: resource.Type === 'AWS::IAM::UserPolicy' ? target('UserName') : [],
            groups: resource.Type === 'AWS::IAM::GroupPolicy' ? target('GroupName') : [],
            notes,
          });
          break;
        }
        case 'AWS::IAM::UserToGroupAddition': {
          const group = reader.string(props.GroupName, notes);
          if (group !== undefined) c.groupAdditions.push({ account, group, users: reader.strings(props.Users, notes) });
          break;
        }
        case 'AWS::EC2::VPCEndpoint':
          c.endpoints.push({ reader, id, resource });
          break;
        default: {
          const integration = typeof resource.Type === 'string' ? integrationFor(resource.Type) : undefined;
          if (integration) c.integrated.push({ reader, id, resource, integration });
          break;
        }
      }
      if (resource.Type === 'AWS::KMS::Alias' || resource.Type === 'AWS::IAM::UserToGroupAddition') c.notes.push(...notes.map((m) => `${where}: ${m}`));
    }
  }
  return c;
}

/** The default key policy KMS applies when a template gives none (key-policy-default.md). */
function defaultKeyPolicy(partition: string, account: string): any {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
  };
}

function buildKeys(c: Collected, principals: readonly PrincipalModel[]): KmsKeyModel[] {
  const primaries = new Map<string, { keySpec: string; keyUsage: string }>();
  const keys = c.keys.map(({ reader, id, resource }) => {
    const props: Record<string, any> = isRecord(resource.Properties) ? resource.Properties : {};
    const notes: string[] = [];
    const location = reader.location(id, resource);
    const replica = resource.Type === 'AWS::KMS::ReplicaKey';
    const arn = reader.string({ 'Fn::GetAtt': [id, 'Arn'] }, notes) ?? '';
    const keyId = reader.string({ Ref: id }, notes) ?? '';
    let policy = props.KeyPolicy === undefined ? undefined : reader.resolve(props.KeyPolicy, notes);
    if (typeof policy === 'string' && !isUnresolvedText(policy)) policy = parseJsonOr(policy);
    const multiRegion = replica ? true : bool(reader.resolve(props.MultiRegion, notes), false, 'MultiRegion', notes);
    const intent = isRecord(resource.Metadata) ? resource.Metadata[INTENT_METADATA_KEY] : undefined;
    const intentNotes: string[] = [];
    const key: KmsKeyModel = {
      ...location,
      type: resource.Type,
      arn,
      keyId,
      policy: policy ?? defaultKeyPolicy(location.partition, location.account),
      ...(policy === undefined ? { defaultPolicy: true } : {}),
      keySpec: reader.string(props.KeySpec, notes) ?? 'SYMMETRIC_DEFAULT',
      keyUsage: reader.string(props.KeyUsage, notes) ?? 'ENCRYPT_DECRYPT',
      origin: props.Origin === undefined ? 'AWS_KMS' : reader.string(props.Origin, notes),
      multiRegion,
      ...(multiRegion ? { multiRegionKeyType: replica ? 'REPLICA' as const : 'PRIMARY' as const } : {}),
      enabled: bool(reader.resolve(props.Enabled, notes), true, 'Enabled', notes),
      enableKeyRotation: bool(reader.resolve(props.EnableKeyRotation, notes), false, 'EnableKeyRotation', notes),
      bypassPolicyLockoutSafetyCheck: bool(reader.resolve(props.BypassPolicyLockoutSafetyCheck, notes), false, 'BypassPolicyLockoutSafetyCheck', notes),
      aliases: [],
      tags: tagsOf(reader.resolve(props.Tags, notes)),
      policyPrincipals: policy === undefined ? [] : policyPrincipalsOf(policy, principals),
      unresolved: notes,
      ...(intent !== undefined ? { intent: reader.resolve(intent, intentNotes), intentUnresolved: intentNotes } : {}),
    };
    if (!replica) primaries.set(arn, { keySpec: key.keySpec, keyUsage: key.keyUsage });
    return { key, primaryArn: replica ? reader.string(props.PrimaryKeyArn, notes) : undefined };
  });
  // The aliases by account and target (a key id or ARN), so that each key finds its own without reading them all.
  const aliasesByTarget = new Map<string, string[]>();
  for (const a of c.aliases) {
    const id = `${a.account}|${a.target}`;
    const names = aliasesByTarget.get(id);
    if (names) names.push(a.name);
    else aliasesByTarget.set(id, [a.name]);
  }
  return keys.map(({ key, primaryArn }) => {
    // A replica shares its primary's key material, so its spec and usage (replica templates do not repeat them).
    const primary = primaryArn !== undefined ? primaries.get(primaryArn) : undefined;
    if (primaryArn !== undefined && !primary) key.unresolved.push(`the primary key ${primaryArn} is not in the app: key spec and usage are assumed symmetric`);
    const aliases = [...aliasesByTarget.get(`${key.account}|${key.keyId}`) ?? [], ...aliasesByTarget.get(`${key.account}|${key.arn}`) ?? []];
    return { ...key, ...(primary ?? {}), aliases: [...new Set(aliases)].sort() };
  });
}

/** The AWS principals of a resolved key policy's `Principal` elements (not `NotPrincipal`, not `"*"`, not services). */
function policyPrincipalsOf(policy: unknown, principals: readonly PrincipalModel[]): KeyPolicyPrincipal[] {
  const list = isRecord(policy) ? policy.Statement : undefined;
  const statements = Array.isArray(list) ? list : list === undefined ? [] : [list];
  const out: KeyPolicyPrincipal[] = [];
  const appPrincipal = principalLookup(principals);
  const labels = statementLabels(statements);
  statements.forEach((st, index) => {
    if (!isRecord(st) || !isRecord(st.Principal)) return;
    const statement = labels[index];
    const aws = st.Principal.AWS;
    for (const value of Array.isArray(aws) ? aws : aws === undefined ? [] : [aws]) {
      if (typeof value !== 'string') {
        out.push({ arn: JSON.stringify(value), statement, origin: 'invalid' });
        continue;
      }
      if (value === '*') continue;
      if (isUnresolvedText(value)) {
        out.push({ arn: value, statement, origin: 'unresolved' });
        continue;
      }
      const entry = parseAwsPrincipal(value);
      if ('error' in entry) {
        out.push({ arn: value, statement, origin: 'invalid' });
      } else if (entry.type === 'account') {
        out.push({ arn: value, statement, origin: 'account-root', account: entry.account });
      } else if (entry.type === 'role' || entry.type === 'user') {
        // IAM names are unique without regard to case; the ARN's path does not take part (as in the evaluator).
        const own = appPrincipal(entry.type, entry.account, entry.name);
        out.push(own
          ? {
            arn: value,
            statement,
            origin: 'app-principal',
            account: entry.account,
            region: own.region,
            stackName: own.stackName,
            logicalId: own.logicalId,
            ...(own.constructPath !== undefined ? { constructPath: own.constructPath } : {}),
          }
          : { arn: value, statement, origin: 'external', account: entry.account });
      } else if (entry.type !== 'everyone') {
        out.push({ arn: value, statement, origin: 'external', ...('account' in entry ? { account: entry.account } : {}) });
      }
    }
  });
  return out;
}

/**
 * Resources encrypted under a key of the app. Each key reference is resolved and matched to a key by key ARN, key id
 * (same account and Region), alias name (same account and Region) or alias ARN. A reference that cannot be resolved,
 * or that names a key the app does not define (an AWS managed key, an imported key), becomes a warning: its deploy
 * needs cannot be checked.
 */
function buildEncryptedResources(c: Collected, keys: readonly KmsKeyModel[], warnings: string[]): EncryptedResourceModel[] {
  const out: EncryptedResourceModel[] = [];
  for (const { reader, id, resource, integration } of c.integrated) {
    const props: Record<string, any> = isRecord(resource.Properties) ? resource.Properties : {};
    const location = reader.location(id, resource);
    const where = `${location.stackName}/${location.constructPath ?? id}`;
    for (const reference of keyReferencesOf(integration, props)) {
      const notes: string[] = [];
      const value = reader.resolve(reference, notes);
      // `Ref: AWS::NoValue` removes the property: no key named.
      if (value === undefined) continue;
      if (typeof value !== 'string' || isUnresolvedText(value)) {
        warnings.push(`${where}: the KMS key of this ${integration.resourceType} cannot be resolved (${notes[0] ?? JSON.stringify(value)}): what deploying it needs of the key is not checked`);
        continue;
      }
      const key = findKey(keys, value, location);
      if (!key) {
        warnings.push(`${where}: the ${integration.resourceType} is encrypted under ${value}, which is not a key of the app: what deploying it needs of that key is not checked`);
        continue;
      }
      const scratch: string[] = [];
      const known = (v: string | undefined): string | undefined => (v === undefined || isUnresolvedText(v) ? undefined : v);
      const resourceRef = known(reader.string({ Ref: id }, scratch));
      out.push({
        location,
        resourceType: integration.resourceType,
        integration,
        keyArn: key.arn,
        ...optional('resourceArn', known(contextArnOf(integration.resourceType, id, reader, resourceRef, location, scratch))),
        ...optional('resourceRef', resourceRef),
        ...(nameIsUnknown(location, integration.resourceType, (name) => reader.string(props[name], scratch)) ? { nameUnknown: true } : {}),
      });
    }
  }
  return out;
}

/** Whether the resource's name (the property its `Ref` reads) is a value unknown offline: physical-ids.ts decides. */
function nameIsUnknown(location: ResourceLocation, type: string, prop: (name: string) => string | undefined): boolean {
  return hasUnknownName({ ...location, type, prop });
}

function optional<K extends string>(name: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: string };
}

/** The key a reference names: key ARN, alias ARN, `alias/name` or key id (these two in the resource's account and Region). */
function findKey(keys: readonly KmsKeyModel[], value: string, at: ResourceLocation): KmsKeyModel | undefined {
  const keyArn = parseKeyArn(value);
  if (keyArn) return keys.find((k) => k.arn === value);
  const aliasArn = parseAliasArn(value);
  if (aliasArn) return keys.find((k) => k.account === aliasArn.account && k.region === aliasArn.region && k.aliases.includes(aliasArn.aliasName));
  if (value.startsWith('alias/')) return keys.find((k) => k.account === at.account && k.region === at.region && k.aliases.includes(value));
  return keys.find((k) => k.account === at.account && k.region === at.region && k.keyId === value);
}

/**
 * The ARN a service puts in its encryption context and `aws:SourceArn` for the resource. CloudWatch Logs uses the log
 * group's ARN without the `:*` that `Fn::GetAtt Arn` ends with (encrypt-log-data-kms.md: "the ARN of the log group",
 * `arn:aws:logs:REGION:ACCOUNT:log-group:NAME`); SNS topics and Secrets Manager secrets return their ARN from `Ref`.
 */
function contextArnOf(
  type: string, id: string, reader: StackReader, ref: string | undefined, at: ResourceLocation, notes: string[],
): string | undefined {
  switch (type) {
    case 'AWS::Logs::LogGroup':
      return ref === undefined ? undefined : `arn:${at.partition}:logs:${at.region}:${at.account}:log-group:${ref}`;
    case 'AWS::SNS::Topic':
    case 'AWS::SecretsManager::Secret':
      return ref;
    default:
      return reader.string({ 'Fn::GetAtt': [id, 'Arn'] }, notes);
  }
}

interface GroupInfo {
  readonly account: string;
  readonly name: string;
  readonly inline: Array<{ source: string; document: any }>;
  readonly managedArns: string[];
  readonly unresolved: string[];
}

function buildPrincipals(c: Collected, warnings: string[]): PrincipalModel[] {
  const lower = (account: string, name: string): string => `${account}/${name.toLowerCase()}`;
  const managedByArn = new Map<string, Attachment>();
  for (const a of c.attachments) if (a.arn !== undefined) managedByArn.set(a.arn, a);

  // Attachments that reach some principal report their unresolved values there; the others report them as warnings.
  const reached = new Set<Attachment>();
  const reachedGroups = new Set<GroupInfo>();
  const groups = new Map<string, GroupInfo>();
  for (const { reader, id, resource } of c.groups) {
    const props: Record<string, any> = isRecord(resource.Properties) ? resource.Properties : {};
    const notes: string[] = [];
    const name = reader.string({ Ref: id }, notes) ?? id;
    groups.set(lower(reader.stack.account, name), {
      account: reader.stack.account,
      name,
      inline: inlinePolicies(reader, props.Policies, `group ${reader.stack.stackName}/${id}`, notes),
      managedArns: reader.strings(props.ManagedPolicyArns, notes),
      unresolved: notes,
    });
  }

  // The attachments and group additions naming each role, user and group (`role:account/name`), in the template
  // order, and those whose target list holds an unresolved name: looked up per principal rather than scanned.
  const byTarget = new Map<string, Attachment[]>();
  const addTarget = (target: string, a: Attachment): void => {
    const list = byTarget.get(target);
    if (!list) byTarget.set(target, [a]);
    else if (list[list.length - 1] !== a) list.push(a);
  };
  for (const a of c.attachments) {
    for (const n of a.roles) addTarget(`role:${lower(a.account, n)}`, a);
    for (const n of a.users) addTarget(`user:${lower(a.account, n)}`, a);
    for (const n of a.groups) addTarget(`group:${lower(a.account, n)}`, a);
  }
  const additionsByUser = new Map<string, Array<{ account: string; group: string }>>();
  for (const add of c.groupAdditions) {
    for (const u of new Set(add.users.map((n) => lower(add.account, n)))) additionsByUser.set(u, [...additionsByUser.get(u) ?? [], add]);
  }
  const unresolvedTargets = {
    role: c.attachments.filter((a) => a.document !== undefined && a.roles.some(isUnresolvedText)),
    user: c.attachments.filter((a) => a.document !== undefined && [...a.users, ...a.groups].some(isUnresolvedText)),
  };

  const principals = c.principals.map(({ reader, id, resource, kind }) => {
    const props: Record<string, any> = isRecord(resource.Properties) ? resource.Properties : {};
    const notes: string[] = [];
    const location = reader.location(id, resource);
    const name = reader.string({ Ref: id }, notes) ?? id;
    const arn = reader.string({ 'Fn::GetAtt': [id, 'Arn'] }, notes) ?? '';
    const documents: Array<{ source: string; document: any }> = [...inlinePolicies(reader, props.Policies, `the ${kind}`, notes)];
    const external: string[] = [];
    const attachedManaged = new Set<Attachment>();
    const attach = (a: Attachment, via: string): void => {
      if (a.document === undefined) notes.push(`${a.source} has no PolicyDocument`);
      else documents.push({ source: `${a.source}${via}`, document: a.document });
      reached.add(a);
      for (const m of a.notes) if (!notes.includes(`${a.source}: ${m}`)) notes.push(`${a.source}: ${m}`);
    };
    const addManaged = (arns: string[], via: string): void => {
      for (const policyArn of arns) {
        const managed = managedByArn.get(policyArn);
        if (managed && managed.account === location.account) {
          if (!attachedManaged.has(managed)) attach(managed, via);
          attachedManaged.add(managed);
        } else {
          external.push(policyArn);
          if (isUnresolvedText(policyArn)) notes.push(`a managed policy ARN cannot be resolved (${policyArn})`);
        }
      }
    };

    const key = lower(location.account, name);
    for (const a of byTarget.get(`${kind}:${key}`) ?? []) {
      if (!(a.arn !== undefined && attachedManaged.has(a))) {
        attach(a, '');
        if (a.arn !== undefined) attachedManaged.add(a);
      }
    }
    addManaged(reader.strings(props.ManagedPolicyArns, notes), '');

    // Groups: a user gets every policy of the groups it belongs to (IAM UG, id_groups).
    if (kind === 'user') {
      const groupNames = new Set(reader.strings(props.Groups, notes).map((g) => lower(location.account, g)));
      for (const add of additionsByUser.get(key) ?? []) groupNames.add(lower(add.account, add.group));
      for (const groupKey of groupNames) {
        const group = groups.get(groupKey);
        const groupName = group?.name ?? groupKey.slice(groupKey.indexOf('/') + 1);
        const via = ` (through group ${groupName})`;
        if (group) {
          reachedGroups.add(group);
          for (const p of group.inline) documents.push({ source: `${p.source}${via}`, document: p.document });
          addManaged(group.managedArns, via);
          notes.push(...group.unresolved.filter((m) => !notes.includes(m)));
        } else {
          notes.push(`group ${groupName} is not in the app: its policies are unknown`);
        }
        for (const a of byTarget.get(`group:${groupKey}`) ?? []) {
          if (a.arn === undefined || !attachedManaged.has(a)) attach(a, via);
          if (a.arn !== undefined) attachedManaged.add(a);
        }
      }
    }

    // A policy whose target list holds an unresolved name may attach to any principal of this kind in the account.
    const possible: Array<{ source: string; document: any }> = [];
    for (const a of unresolvedTargets[kind]) {
      if (a.account !== location.account) continue;
      if (!documents.some((d) => d.document === a.document)) {
        possible.push({ source: `${a.source} (its ${kind === 'role' ? 'role' : 'user or group'} list cannot be resolved)`, document: a.document });
      }
    }

    const boundaryArn = reader.string(props.PermissionsBoundary, notes);
    const boundary = boundaryArn !== undefined ? managedByArn.get(boundaryArn) : undefined;
    const boundaryInApp = boundary !== undefined && boundary.account === location.account;
    const principal: PrincipalModel = {
      ...location,
      kind,
      arn,
      name,
      identityPolicies: documents.map((d) => d.document),
      identityPolicySources: documents.map((d) => d.source),
      possibleIdentityPolicies: possible.map((d) => d.document),
      possibleIdentityPolicySources: possible.map((d) => d.source),
      ...(boundaryArn !== undefined ? { permissionsBoundaryArn: boundaryArn } : {}),
      ...(boundaryInApp ? { permissionsBoundary: boundary.document } : {}),
      ...(boundaryArn !== undefined && !boundaryInApp ? { boundaryUnknown: true } : {}),
      externalManagedPolicies: [...new Set(external)],
      ...(kind === 'role' ? { trustPolicy: reader.resolve(props.AssumeRolePolicyDocument, notes) } : {}),
      tags: tagsOf(reader.resolve(props.Tags, notes)),
      unresolved: notes,
    };
    return principal;
  });

  // Policies naming a role or user that is not in the app: worth knowing (an imported role), not an error.
  const known = new Set(principals.map((p) => `${p.kind}:${lower(p.account, p.name)}`));
  const knownGroups = new Set(groups.keys());
  warnings.push(...c.notes);
  for (const g of groups.values()) if (!reachedGroups.has(g)) warnings.push(...g.unresolved.map((m) => `group ${g.name}: ${m}`));
  for (const a of c.attachments) {
    if (!reached.has(a)) warnings.push(...a.notes.map((m) => `${a.source}: ${m}`));
    const unresolvedName = (n: string): boolean => isUnresolvedText(n);
    const outside = [
      ...a.roles.filter((n) => !unresolvedName(n) && !known.has(`role:${lower(a.account, n)}`)).map((n) => `role ${n}`),
      ...a.users.filter((n) => !unresolvedName(n) && !known.has(`user:${lower(a.account, n)}`)).map((n) => `user ${n}`),
      ...a.groups.filter((n) => !unresolvedName(n) && !knownGroups.has(lower(a.account, n))).map((n) => `group ${n}`),
    ];
    if ([...a.roles, ...a.users, ...a.groups].some(isUnresolvedText)) {
      warnings.push(`${a.source} attaches to a principal whose name cannot be resolved: it is counted as possibly attached to every principal of that kind in ${a.account}`);
    }
    if (outside.length > 0) warnings.push(`${a.source} attaches to ${outside.join(', ')}, which the app does not define`);
  }
  return principals;
}

/** The inline policies of a role, user or group: `inline policy <PolicyName> of <owner>` (the owner as messages name it). */
function inlinePolicies(reader: StackReader, raw: unknown, owner: string, notes: string[]): Array<{ source: string; document: any }> {
  const list = reader.resolve(raw, notes);
  if (!Array.isArray(list)) return [];
  return list
    .filter((p): p is Record<string, any> => isRecord(p) && p.PolicyDocument !== undefined)
    .map((p) => ({ source: `inline policy ${typeof p.PolicyName === 'string' ? p.PolicyName : '(unnamed)'} of ${owner}`, document: p.PolicyDocument }));
}

/** KMS interface endpoints: service `com.amazonaws.REGION.kms`, or `kms-fips` (kms-vpc-endpoint.md). */
const KMS_SERVICE = /^(?:[a-z0-9.-]*\.)?([a-z]{2}(?:-[a-z]+)+-\d+)\.kms(?:-fips)?$/;

function buildEndpoints(c: Collected, warnings: string[]): KmsEndpointModel[] {
  const endpoints: KmsEndpointModel[] = [];
  for (const { reader, id, resource } of c.endpoints) {
    const props: Record<string, any> = isRecord(resource.Properties) ? resource.Properties : {};
    const notes: string[] = [];
    const serviceName = reader.string(props.ServiceName, notes) ?? '';
    const location = reader.location(id, resource);
    if (isUnresolvedText(serviceName)) {
      warnings.push(`${location.stackName}/${location.constructPath ?? id}: the VPC endpoint's service name cannot be resolved (${serviceName}); if it is a KMS endpoint it is missing from the analysis`);
      continue;
    }
    const match = KMS_SERVICE.exec(serviceName);
    if (!match) continue;
    let policy = props.PolicyDocument === undefined ? undefined : reader.resolve(props.PolicyDocument, notes);
    if (typeof policy === 'string' && !isUnresolvedText(policy)) policy = parseJsonOr(policy);
    endpoints.push({
      ...location,
      region: match[1],
      id: reader.string({ Ref: id }, notes) ?? '',
      vpcId: reader.string(props.VpcId, notes) ?? '',
      serviceName,
      ...(policy !== undefined ? { policy } : {}),
      // CloudFormation's default for PrivateDnsEnabled is false (AWS::EC2::VPCEndpoint reference).
      privateDnsEnabled: bool(reader.resolve(props.PrivateDnsEnabled, notes), false, 'PrivateDnsEnabled', notes),
      unresolved: notes,
    });
  }
  return endpoints;
}

/** CloudFormation booleans are `true`/`false` or their strings; anything else is unknown (undefined, with a note). */
function bool(v: unknown, dflt: boolean, property: string, notes: string[]): boolean | undefined {
  if (v === undefined) return dflt;
  if (v === true || v === false) return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  notes.push(`${property} is ${containsUnresolved(v) ? 'not known offline' : `not a boolean (${JSON.stringify(v)})`}`);
  return undefined;
}

/** CloudFormation tags (`[{Key, Value}]`) as a record. */
function tagsOf(v: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!Array.isArray(v)) return tags;
  for (const t of v) if (isRecord(t) && typeof t.Key === 'string' && typeof t.Value === 'string') tags[t.Key] = t.Value;
  return tags;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
