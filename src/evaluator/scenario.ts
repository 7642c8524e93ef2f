/**
 * Reads a scenario (the evaluator's JSON input, documented in the README) into the typed model the engine uses.
 * Never throws: every problem becomes an issue naming the field, the value received and what was expected.
 */
import { ActionProfile, catalogueProfile } from './action-profile';
import { CompiledPolicy } from './compiled-policy';
import { ContextValue } from './context';
import { sessionRolePathIssue } from './session-role-path';
import { KeyArn, isAccountId, parseAliasArn, parseKeyArn } from '../policy/arn';
import { ALIAS_AND_KEY_ACTIONS, actionFacts } from '../policy/catalogue';
import { hasOwn } from '../policy/has-own';
import { InputBoundCodes, IssueCollector, MAX_STRING_LENGTH, NoSilentAllowCodes, clip, show, tooLongMessage } from '../policy/issues';
import { isObject, parsePolicyDocument } from '../policy/policy-document';
import { PolicyKind } from '../policy/policy-kind';
import { Caller, PrincipalEntry, isServicePrincipal, parseAwsPrincipal, parseCaller, withRoleArn } from '../policy/principal';

export interface KeyModel {
  readonly arn: string;
  readonly parsed: KeyArn;
  readonly policy: CompiledPolicy;
  /** The scenario gave no policy: allowed only for CreateKey, where `key` describes the key to be created. */
  readonly policyMissing?: boolean;
  readonly keySpec: string;
  readonly keyUsage: string;
  readonly keyOrigin: string;
  readonly multiRegion: boolean;
  readonly multiRegionKeyType?: string;
  /** Alias names (`alias/x`). */
  readonly aliases: readonly string[];
  /** Tag keys lower-cased -> value (aws:ResourceTag key names are case-insensitive). */
  readonly tags: ReadonlyMap<string, string>;
}

export interface CallerModel {
  readonly identity: Caller;
  /** `caller.roleArn`: the ARN of a session's role, with its path (aws:PrincipalArn); session-role-path.ts. */
  readonly roleArn?: string;
  readonly identityPolicies: readonly CompiledPolicy[];
  readonly permissionsBoundary?: CompiledPolicy;
  readonly sessionPolicy?: CompiledPolicy;
  readonly tags: ReadonlyMap<string, string>;
  readonly orgId?: string;
}

export interface GrantConstraints {
  readonly type: 'equals' | 'subset';
  readonly context: Readonly<Record<string, string>>;
}

export interface GrantModel {
  readonly grantId: string;
  readonly grantee: PrincipalEntry;
  readonly retiring?: PrincipalEntry;
  /** Operation names in catalogue spelling (`Decrypt`). */
  readonly operations: ReadonlySet<string>;
  readonly constraints?: GrantConstraints;
  readonly issuingAccount: string;
}

export interface EndpointModel {
  readonly id: string;
  readonly vpcId?: string;
  /** Undefined: the default policy, which allows everything (kms-vpc-endpoint.md). */
  readonly policy?: CompiledPolicy;
}

/** Everything about a request except the request itself: reusable across many requests. */
export interface Environment {
  readonly key?: KeyModel;
  readonly caller: CallerModel;
  readonly scps: readonly CompiledPolicy[];
  readonly rcps: readonly CompiledPolicy[];
  readonly endpoint?: EndpointModel;
  readonly grants: readonly GrantModel[];
}

export interface CreateGrantModel {
  readonly grantee: PrincipalEntry;
  readonly granteeText: string;
  readonly retiring?: PrincipalEntry;
  readonly retiringText?: string;
  readonly operations: readonly string[];
  readonly constraints?: GrantConstraints;
}

export interface RequestModel {
  /** Canonical spelling, `kms:Decrypt`; `kms:ReEncrypt` stands for the ReEncrypt API (two checks). */
  readonly action: string;
  /** The action's profile, with its catalogue facts (undefined for the `kms:ReEncrypt` API), looked up once per request. */
  readonly profile?: ActionProfile;
  readonly keyId?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly grantId?: string;
  readonly createGrant?: CreateGrantModel;
  readonly newKeyPolicy?: CompiledPolicy;
  readonly bypassPolicyLockoutSafetyCheck?: boolean;
  readonly aliasArn?: string;
  readonly destinationKey?: KeyModel;
  /** request.context, keys lower-cased. */
  readonly context: ReadonlyMap<string, ContextValue>;
}

const SCENARIO_FIELDS = new Set(['name', '$comment', 'key', 'caller', 'serviceControlPolicies', 'resourceControlPolicies', 'vpcEndpoint', 'grants', 'request']);
const KEY_FIELDS = new Set(['arn', 'policy', 'keySpec', 'keyUsage', 'keyOrigin', 'multiRegion', 'multiRegionKeyType', 'aliases', 'tags']);
const CALLER_FIELDS = new Set(['arn', 'roleArn', 'identityPolicies', 'permissionsBoundary', 'sessionPolicy', 'tags', 'orgId']);
const REQUEST_FIELDS = new Set(['action', 'keyId', 'encryptionContext', 'grantId', 'createGrant', 'newKeyPolicy', 'bypassPolicyLockoutSafetyCheck', 'aliasArn', 'destinationKey', 'context']);

/** Reads the environment part of a scenario (all but `request`). */
export function readEnvironment(raw: Record<string, unknown>, issues: IssueCollector): Environment | undefined {
  for (const field in raw) {
    if (hasOwn(raw, field) && !SCENARIO_FIELDS.has(field)) issues.error('invalid-field', `unknown scenario field \`${clip(field)}\`: expected one of ${[...SCENARIO_FIELDS].join(', ')}`, { field: clip(field) });
  }
  const key = raw.key === undefined ? undefined : readKey(raw.key, 'key', issues);
  const caller = readCaller(raw.caller, issues);
  const scps = readPolicyList(raw.serviceControlPolicies, 'serviceControlPolicies', 'scp', 'SCP', issues);
  const rcps = readPolicyList(raw.resourceControlPolicies, 'resourceControlPolicies', 'rcp', 'RCP', issues);
  const endpoint = raw.vpcEndpoint === undefined ? undefined : readEndpoint(raw.vpcEndpoint, issues);
  const grants = readGrants(raw.grants, key, issues);
  // A key that was given but could not be read has its errors already: without an environment, the request is not
  // checked against it, so it draws no second, false error that the scenario has no key.
  if (!caller || (raw.key !== undefined && !key)) return undefined;
  const env: Environment = { key, caller, scps, rcps, endpoint, grants };
  const pathIssue = sessionRolePathIssue(env);
  if (pathIssue) issues.error(pathIssue.code, pathIssue.message, pathIssue, pathIssue.field);
  return env;
}

/** Reads `request`, checking it against the environment (a key operation needs a key, ...). */
export function readRequest(raw: unknown, env: Environment | undefined, issues: IssueCollector): RequestModel | undefined {
  if (!isObject(raw)) {
    issues.shapeError(raw, raw === undefined ? 'missing-field' : 'invalid-field', `request must be an object with at least an action, got ${show(raw)}`, { field: 'request' });
    return undefined;
  }
  // One pass over the request's keys picks up its fields: requests come in many shapes, and reading each field by
  // name from each shape costs more than this.
  let rawAction: unknown;
  let rawKeyId: unknown;
  let rawEncryptionContext: unknown;
  let rawGrantId: unknown;
  let rawCreateGrant: unknown;
  let rawNewKeyPolicy: unknown;
  let rawBypass: unknown;
  let rawAliasArn: unknown;
  let rawDestinationKey: unknown;
  let rawContext: unknown;
  for (const field in raw) {
    const value = raw[field];
    switch (field) {
      case 'action': rawAction = value; break;
      case 'keyId': rawKeyId = value; break;
      case 'encryptionContext': rawEncryptionContext = value; break;
      case 'grantId': rawGrantId = value; break;
      case 'createGrant': rawCreateGrant = value; break;
      case 'newKeyPolicy': rawNewKeyPolicy = value; break;
      case 'bypassPolicyLockoutSafetyCheck': rawBypass = value; break;
      case 'aliasArn': rawAliasArn = value; break;
      case 'destinationKey': rawDestinationKey = value; break;
      case 'context': rawContext = value; break;
      default: issues.error('invalid-field', `unknown request field \`${clip(field)}\`: expected one of ${[...REQUEST_FIELDS].join(', ')}`, { field: `request.${clip(field)}` });
    }
  }
  const profile = readAction(rawAction, issues);
  const action = profile === REENCRYPT_API ? 'kms:ReEncrypt' : profile?.canonical;
  const keyId = optionalString(rawKeyId, 'request.keyId', issues);
  const encryptionContext = rawEncryptionContext === undefined ? undefined : readStringMap(rawEncryptionContext, 'request.encryptionContext', issues);
  const grantId = optionalString(rawGrantId, 'request.grantId', issues);
  const aliasArn = optionalString(rawAliasArn, 'request.aliasArn', issues);
  if (aliasArn !== undefined && !parseAliasArn(aliasArn)) {
    issues.error('invalid-arn', `request.aliasArn \`${clip(aliasArn, SHOWN)}\` is not an alias ARN: expected arn:aws:kms:REGION:ACCOUNT:alias/NAME`, { field: 'request.aliasArn' });
  }
  let bypass: boolean | undefined;
  if (rawBypass !== undefined) {
    if (typeof rawBypass === 'boolean') bypass = rawBypass;
    else issues.shapeError(rawBypass, 'invalid-field', `request.bypassPolicyLockoutSafetyCheck is ${show(rawBypass)}: expected true or false`, { field: 'request.bypassPolicyLockoutSafetyCheck' });
  }
  const newKeyPolicy = rawNewKeyPolicy === undefined ? undefined : compilePolicy(rawNewKeyPolicy, 'key', 'new key policy', issues);
  const destinationKey = rawDestinationKey === undefined ? undefined : readKey(rawDestinationKey, 'request.destinationKey', issues);
  const createGrant = rawCreateGrant === undefined ? undefined : readCreateGrant(rawCreateGrant, issues);
  const context = readContext(rawContext, issues);
  if (!action) return undefined;

  const facts = profile === REENCRYPT_API ? undefined : profile!.facts;
  const needsKey = facts === undefined || facts.policyType !== 'iam-only';
  if (needsKey && env && !env.key) {
    issues.error('missing-field', `${action} is an operation on a KMS key, but the scenario has no key: add "key": {"arn": ..., "policy": ...}`, { field: 'key' });
  } else if (needsKey && env?.key?.policyMissing) {
    issues.error('missing-field', 'key.policy is missing: every KMS key has exactly one key policy', { field: 'key.policy' });
  }
  if (action === 'kms:CreateGrant' && !createGrant) {
    issues.error('missing-field', 'a kms:CreateGrant request needs request.createGrant with the grantee principal and operations', { field: 'request.createGrant' });
  }
  if (action === 'kms:RetireGrant' && grantId === undefined) {
    issues.error('missing-field', 'a kms:RetireGrant request needs request.grantId naming one of the scenario\'s grants', { field: 'request.grantId' });
  }
  if (ALIAS_AND_KEY_ACTIONS.includes(action) && aliasArn === undefined) {
    issues.error('missing-field', `${action} is authorized on the alias too: add request.aliasArn (arn:aws:kms:REGION:ACCOUNT:alias/NAME)`, { field: 'request.aliasArn' });
  }
  if ((action === 'kms:UpdateAlias' || action === 'kms:ReEncrypt') && rawDestinationKey === undefined) {
    const what = action === 'kms:ReEncrypt' ? 'kms:ReEncryptTo on the destination key' : 'the new target key';
    issues.error('missing-field', `${action} is authorized on ${what} too: add request.destinationKey (the same key object again when it is the same key)`, { field: 'request.destinationKey' });
  }
  if (action === 'kms:UpdatePrimaryRegion' && rawDestinationKey === undefined) {
    // Not an error, unlike UpdateAlias above: the rules and the access analysis ask this key's half on purpose (the
    // replica is another key, often of another stack or Region); a caller asking the whole request is told.
    issues.warning(NoSilentAllowCodes.REPLICA_KEY_NOT_CHECKED,
      'kms:UpdatePrimaryRegion is authorized on the replica key too (multi-region-keys-auth.md): without request.destinationKey (the replica that becomes the primary) only the primary key\'s policies were checked, and AWS may still deny the request on the replica\'s. Add request.destinationKey to check both',
      { field: 'request.destinationKey' });
  }
  return {
    action,
    profile: profile === REENCRYPT_API ? undefined : profile,
    keyId,
    encryptionContext,
    grantId,
    createGrant,
    newKeyPolicy,
    bypassPolicyLockoutSafetyCheck: bypass,
    aliasArn,
    destinationKey,
    context,
  };
}

/** Stands for the ReEncrypt API, which is two catalogue actions (ReEncryptFrom and ReEncryptTo): see planChecks. */
const REENCRYPT_API = 'ReEncrypt';

function readAction(raw: unknown, issues: IssueCollector): ActionProfile | typeof REENCRYPT_API | undefined {
  if (raw === undefined) {
    issues.error('missing-field', 'request.action is missing: name the KMS operation, e.g. "kms:Decrypt"', { field: 'request.action' });
    return undefined;
  }
  if (typeof raw !== 'string') {
    issues.shapeError(raw, 'invalid-field', `request.action is ${show(raw)}: expected a string such as "kms:Decrypt"`, { field: 'request.action' });
    return undefined;
  }
  // Only a 13-character name can lower-case to kms:reencrypt: skip the lower-casing for every other action.
  if (raw.length === 13 && raw.toLowerCase() === 'kms:reencrypt') return REENCRYPT_API;
  const profile = catalogueProfile(raw);
  if (!profile) {
    issues.error('unknown-action', `request.action \`${clip(raw, SHOWN)}\` is not a KMS action: expected one of the operations in the KMS permissions reference, e.g. "kms:Decrypt"`, { field: 'request.action' });
  }
  return profile;
}

function readKey(raw: unknown, field: string, issues: IssueCollector): KeyModel | undefined {
  if (!isObject(raw)) {
    issues.shapeError(raw, 'invalid-field', `${field} must be an object with arn and policy, got ${show(raw)}`, { field });
    return undefined;
  }
  for (const f in raw) {
    if (hasOwn(raw, f) && !KEY_FIELDS.has(f)) issues.error('invalid-field', `unknown key field \`${clip(f)}\`: expected one of ${[...KEY_FIELDS].join(', ')}`, { field: `${field}.${clip(f)}` });
  }
  let parsed: KeyArn | undefined;
  if (typeof raw.arn !== 'string') {
    issues.shapeError(raw.arn, 'missing-field', `${field}.arn is ${show(raw.arn)}: expected the key ARN, arn:aws:kms:REGION:ACCOUNT:key/ID`, { field: `${field}.arn` });
  } else if (raw.arn.length > MAX_STRING_LENGTH) {
    tooLong(raw.arn, `${field}.arn`, issues);
  } else {
    parsed = parseKeyArn(raw.arn);
    if (!parsed) issues.error('invalid-arn', `${field}.arn \`${clip(raw.arn, SHOWN)}\` is not a KMS key ARN: expected arn:aws:kms:REGION:ACCOUNT:key/ID`, { field: `${field}.arn` });
  }
  if (raw.policy === undefined && field !== 'key') {
    issues.error('missing-field', `${field}.policy is missing: every KMS key has exactly one key policy`, { field: `${field}.policy` });
  }
  const label = field === 'key' ? 'key policy' : 'key policy of the destination key';
  // A missing key policy is checked against the action in readRequest: CreateKey's `key` describes a key to be created.
  const policy = raw.policy === undefined
    ? new CompiledPolicy({ kind: 'key', label, statements: [] }, issues)
    : compilePolicy(raw.policy, 'key', label, issues);
  const keySpec = optionalString(raw.keySpec, field, issues, 'keySpec') ?? 'SYMMETRIC_DEFAULT';
  const keyUsage = optionalString(raw.keyUsage, field, issues, 'keyUsage') ?? 'ENCRYPT_DECRYPT';
  const keyOrigin = optionalString(raw.keyOrigin, field, issues, 'keyOrigin') ?? 'AWS_KMS';
  const multiRegionKeyType = optionalString(raw.multiRegionKeyType, field, issues, 'multiRegionKeyType');
  let multiRegion = false;
  if (raw.multiRegion !== undefined) {
    if (typeof raw.multiRegion === 'boolean') multiRegion = raw.multiRegion;
    else issues.shapeError(raw.multiRegion, 'invalid-field', `${field}.multiRegion is ${show(raw.multiRegion)}: expected true or false`, { field: `${field}.multiRegion` });
  }
  const aliases = readStringList(raw.aliases, `${field}.aliases`, issues) ?? [];
  for (const a of aliases) {
    if (!a.startsWith('alias/') || a.startsWith('alias/aws/')) {
      issues.error('invalid-field', `${field}.aliases has \`${clip(a, SHOWN)}\`: expected an alias name such as "alias/orders" (alias/aws/ names belong to AWS managed keys)`, { field: `${field}.aliases` });
    }
  }
  const tags = raw.tags === undefined ? undefined : readStringMap(raw.tags, `${field}.tags`, issues);
  if (!parsed || !policy) return undefined;
  return {
    arn: raw.arn as string,
    parsed,
    policy,
    policyMissing: raw.policy === undefined,
    keySpec,
    keyUsage,
    keyOrigin,
    multiRegion,
    multiRegionKeyType,
    aliases,
    tags: lowerKeyed(tags),
  };
}

function readCaller(raw: unknown, issues: IssueCollector): CallerModel | undefined {
  if (!isObject(raw)) {
    issues.shapeError(raw, raw === undefined ? 'missing-field' : 'invalid-field', `caller must be an object with at least an arn, got ${show(raw)}`, { field: 'caller' });
    return undefined;
  }
  for (const f in raw) {
    if (hasOwn(raw, f) && !CALLER_FIELDS.has(f)) issues.error('invalid-field', `unknown caller field \`${clip(f)}\`: expected one of ${[...CALLER_FIELDS].join(', ')}`, { field: `caller.${clip(f)}` });
  }
  let identity: Caller | undefined;
  if (typeof raw.arn !== 'string') {
    issues.shapeError(raw.arn, 'missing-field', `caller.arn is ${show(raw.arn)}: expected an IAM or STS ARN, or a service principal such as cloudtrail.amazonaws.com`, { field: 'caller.arn' });
  } else if (raw.arn.length > MAX_STRING_LENGTH) {
    tooLong(raw.arn, 'caller.arn', issues);
  } else {
    identity = parseCaller(raw.arn);
    if (!identity) {
      issues.error('invalid-arn', `caller.arn \`${clip(raw.arn, SHOWN)}\` is not a caller: expected arn:aws:iam::ACCOUNT:user/NAME, role/NAME or root, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or federated-user/NAME, or a service principal such as cloudtrail.amazonaws.com`, { field: 'caller.arn' });
    }
  }
  const identityPolicies = readPolicyList(raw.identityPolicies, 'caller.identityPolicies', 'identity', 'identity policy', issues);
  const permissionsBoundary = raw.permissionsBoundary === undefined ? undefined : compilePolicy(raw.permissionsBoundary, 'boundary', 'permissions boundary', issues);
  const sessionPolicy = raw.sessionPolicy === undefined ? undefined : compilePolicy(raw.sessionPolicy, 'session', 'session policy', issues);
  const tags = raw.tags === undefined ? undefined : readStringMap(raw.tags, 'caller.tags', issues);
  const orgId = optionalString(raw.orgId, 'caller.orgId', issues);
  if (identity?.kind === 'service' && (identityPolicies.length > 0 || permissionsBoundary || sessionPolicy)) {
    issues.warning('service-principal-policies', 'an AWS service principal has no IAM policies, permissions boundary or session policy: they are ignored', { field: 'caller' });
  }
  if (!identity) return undefined;
  const roleArn = raw.roleArn === undefined ? undefined : readRoleArn(raw.roleArn, identity, issues);
  return {
    identity: roleArn ? withRoleArn(identity, roleArn) : identity,
    ...(roleArn ? { roleArn } : {}),
    identityPolicies,
    permissionsBoundary,
    sessionPolicy,
    tags: lowerKeyed(tags),
    orgId,
  };
}

/**
 * `caller.roleArn`: for an assumed-role session, its role's ARN with the role's path, which the session ARN does not
 * carry and aws:PrincipalArn holds (session-role-path.ts). It must name the session's role: same partition, account
 * and name (IAM role names are unique in an account without regard to case).
 */
function readRoleArn(raw: unknown, caller: Caller, issues: IssueCollector): string | undefined {
  const where = { field: 'caller.roleArn' };
  if (caller.kind !== 'assumed-role') {
    issues.error('invalid-field', `caller.roleArn is for an assumed-role session (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), and caller.arn is ${caller.description}: remove caller.roleArn`, where);
    return undefined;
  }
  const entry = typeof raw === 'string' && raw.length <= MAX_STRING_LENGTH ? parseAwsPrincipal(raw) : undefined;
  const role = entry && 'type' in entry && entry.type === 'role' ? entry : undefined;
  if (!role || role.partition !== caller.partition || role.account !== caller.account || role.name.toLowerCase() !== caller.name?.toLowerCase()) {
    issues.error('invalid-field', `caller.roleArn is ${show(raw)}: expected the ARN of the session's role ${caller.name} with its path, `
      + `arn:${caller.partition}:iam::${caller.account}:role/PATH/${caller.name} (or role/${caller.name} when it has none)`, where);
    return undefined;
  }
  return raw as string;
}

function readEndpoint(raw: unknown, issues: IssueCollector): EndpointModel | undefined {
  if (!isObject(raw)) {
    issues.shapeError(raw, 'invalid-field', `vpcEndpoint must be an object with an id, got ${show(raw)}`, { field: 'vpcEndpoint' });
    return undefined;
  }
  for (const f of Object.keys(raw)) {
    if (!['id', 'vpcId', 'policy'].includes(f)) issues.error('invalid-field', `unknown vpcEndpoint field \`${clip(f)}\`: expected id, vpcId, policy`, { field: `vpcEndpoint.${clip(f)}` });
  }
  if (typeof raw.id !== 'string' || !/^vpce-[0-9a-z]+$/.test(raw.id)) {
    issues.shapeError(raw.id, 'invalid-field', `vpcEndpoint.id is ${show(raw.id)}: expected an endpoint id such as "vpce-1234abcd"`, { field: 'vpcEndpoint.id' });
    return undefined;
  }
  const vpcId = optionalString(raw.vpcId, 'vpcEndpoint.vpcId', issues);
  const policy = raw.policy === undefined ? undefined : compilePolicy(raw.policy, 'endpoint', 'VPC endpoint policy', issues);
  return { id: raw.id, vpcId, policy };
}

const NO_GRANTS: GrantModel[] = [];

function readGrants(raw: unknown, key: KeyModel | undefined, issues: IssueCollector): GrantModel[] {
  if (raw === undefined) return NO_GRANTS;
  if (!Array.isArray(raw)) {
    issues.shapeError(raw, 'invalid-field', `grants must be an array of grants, got ${show(raw)}`, { field: 'grants' });
    return [];
  }
  const grants: GrantModel[] = [];
  raw.forEach((g, i) => {
    const field = `grants[${i}]`;
    if (!isObject(g)) {
      issues.shapeError(g, 'invalid-field', `${field} must be an object, got ${show(g)}`, { field });
      return;
    }
    for (const f of Object.keys(g)) {
      if (!['grantId', 'granteePrincipal', 'retiringPrincipal', 'operations', 'constraints', 'issuingAccount', 'name'].includes(f)) {
        issues.error('invalid-field', `unknown grant field \`${clip(f)}\`: expected grantId, granteePrincipal, retiringPrincipal, operations, constraints, issuingAccount`, { field: `${field}.${clip(f)}` });
      }
    }
    const grantId = typeof g.grantId === 'string' && !tooLong(g.grantId, 'grantId', issues, field) ? g.grantId : `grant-${i}`;
    const grantee = readGrantPrincipal(g.granteePrincipal, `${field}.granteePrincipal`, true, issues);
    const retiring = g.retiringPrincipal === undefined ? undefined : readGrantPrincipal(g.retiringPrincipal, `${field}.retiringPrincipal`, true, issues);
    const operations = readOperations(g.operations, `${field}.operations`, issues);
    const constraints = g.constraints === undefined ? undefined : readConstraints(g.constraints, `${field}.constraints`, issues);
    let issuingAccount = key?.parsed.account ?? '';
    if (g.issuingAccount !== undefined) {
      if (typeof g.issuingAccount === 'string' && isAccountId(g.issuingAccount)) issuingAccount = g.issuingAccount;
      else issues.shapeError(g.issuingAccount, 'invalid-field', `${field}.issuingAccount is ${show(g.issuingAccount)}: expected a 12-digit account id`, { field: `${field}.issuingAccount` });
    }
    if (grantee && operations) grants.push({ grantId, grantee, retiring, operations: new Set(operations), constraints, issuingAccount });
  });
  return grants;
}

function readCreateGrant(raw: unknown, issues: IssueCollector): CreateGrantModel | undefined {
  const field = 'request.createGrant';
  if (!isObject(raw)) {
    issues.shapeError(raw, 'invalid-field', `${field} must be an object, got ${show(raw)}`, { field });
    return undefined;
  }
  const grantee = readGrantPrincipal(raw.granteePrincipal, `${field}.granteePrincipal`, true, issues);
  const retiring = raw.retiringPrincipal === undefined ? undefined : readGrantPrincipal(raw.retiringPrincipal, `${field}.retiringPrincipal`, true, issues);
  const operations = readOperations(raw.operations, `${field}.operations`, issues);
  const constraints = raw.constraints === undefined ? undefined : readConstraints(raw.constraints, `${field}.constraints`, issues);
  if (!grantee || !operations) return undefined;
  return {
    grantee,
    granteeText: raw.granteePrincipal as string,
    retiring,
    retiringText: raw.retiringPrincipal as string | undefined,
    operations,
    constraints,
  };
}

function readGrantPrincipal(raw: unknown, field: string, allowService: boolean, issues: IssueCollector): PrincipalEntry | undefined {
  if (typeof raw !== 'string') {
    issues.shapeError(raw, 'missing-field', `${field} is ${show(raw)}: expected a principal ARN, an account id, or a service principal`, { field });
    return undefined;
  }
  if (tooLong(raw, field, issues)) return undefined;
  if (allowService && isServicePrincipal(raw)) return { type: 'service', service: raw.toLowerCase() };
  const entry = parseAwsPrincipal(raw);
  if ('error' in entry) {
    issues.error(entry.error, entry.message.replace(/^/, `${field}: `), { field });
    return undefined;
  }
  if (entry.type === 'everyone') {
    issues.error('invalid-field', `${field} is "*": a grant names one principal`, { field });
    return undefined;
  }
  return entry;
}

function readOperations(raw: unknown, field: string, issues: IssueCollector): string[] | undefined {
  const list = readStringList(raw, field, issues);
  if (!list || list.length === 0) {
    if (list) issues.error('invalid-field', `${field} is empty: a grant allows at least one operation`, { field });
    else if (raw === undefined) issues.error('missing-field', `${field} is missing: list the grant operations, e.g. ["Decrypt"]`, { field });
    return undefined;
  }
  const out: string[] = [];
  for (const op of list) {
    const facts = actionFacts(`kms:${op.replace(/^kms:/i, '')}`);
    if (!facts || !facts.grantOperation) {
      issues.error('invalid-field', `${field} has \`${clip(op, SHOWN)}\`, which is not a grant operation: expected names such as "Decrypt", "Encrypt", "GenerateDataKey", "CreateGrant", "RetireGrant", "DescribeKey"`, { field });
    } else {
      out.push(facts.name);
    }
  }
  return out.length === list.length ? out : undefined;
}

function readConstraints(raw: unknown, field: string, issues: IssueCollector): GrantConstraints | undefined {
  if (!isObject(raw)) {
    issues.shapeError(raw, 'invalid-field', `${field} must be an object with encryptionContextEquals or encryptionContextSubset, got ${show(raw)}`, { field });
    return undefined;
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1 || (keys[0] !== 'encryptionContextEquals' && keys[0] !== 'encryptionContextSubset')) {
    issues.error('invalid-field', `${field} has ${show(keys)}: expected exactly one of encryptionContextEquals or encryptionContextSubset`, { field });
    return undefined;
  }
  const context = readStringMap(raw[keys[0]], `${field}.${keys[0]}`, issues);
  if (!context) return undefined;
  return { type: keys[0] === 'encryptionContextEquals' ? 'equals' : 'subset', context };
}

const NO_CONTEXT: ReadonlyMap<string, ContextValue> = new Map();

function readContext(raw: unknown, issues: IssueCollector): ReadonlyMap<string, ContextValue> {
  if (raw === undefined) return NO_CONTEXT;
  const map = new Map<string, ContextValue>();
  if (!isObject(raw)) {
    issues.shapeError(raw, 'invalid-field', `request.context must be an object of condition keys, got ${show(raw)}`, { field: 'request.context' });
    return map;
  }
  for (const k in raw) {
    if (!hasOwn(raw, k)) continue;
    const v = raw[k];
    if (k.length > MAX_STRING_LENGTH) {
      issues.error(InputBoundCodes.VALUE_TOO_LONG, tooLongMessage('a key of request.context', k), { field: `request.context.${clip(k)}` });
    } else if (typeof v === 'string') {
      if (v.length <= MAX_STRING_LENGTH) map.set(k.toLowerCase(), v);
      else tooLong(v, `request.context.${clip(k)}`, issues);
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      map.set(k.toLowerCase(), String(v));
    } else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
      const long = (v as string[]).find((x) => x.length > MAX_STRING_LENGTH);
      if (long === undefined) map.set(k.toLowerCase(), v as string[]);
      else tooLong(long, `request.context.${clip(k)}`, issues);
    } else {
      issues.shapeError(v, 'invalid-field', `request.context["${clip(k)}"] is ${show(v)}: expected a string, number, boolean, or an array of strings`, { field: `request.context.${clip(k)}` });
    }
  }
  return map;
}

/** No policies of a kind: one shared list (never modified) rather than a new empty one per scenario. */
const NO_POLICIES: CompiledPolicy[] = [];

function readPolicyList(raw: unknown, field: string, kind: PolicyKind, label: string, issues: IssueCollector): CompiledPolicy[] {
  if (raw === undefined) return NO_POLICIES;
  if (!Array.isArray(raw)) {
    issues.shapeError(raw, 'invalid-field', `${field} must be an array of policy documents, got ${show(raw)}`, { field });
    return [];
  }
  // map rather than push onto []: V8 gives an empty array grown by push room for 17 elements. Holes are left out.
  const compiled: Array<CompiledPolicy | undefined> = raw.map((p, i) => compilePolicy(p, kind, `${label} #${i}`, issues));
  return compiled.includes(undefined) ? compiled.filter((p): p is CompiledPolicy => p !== undefined) : compiled as CompiledPolicy[];
}

/** Parses and compiles one policy document. */
export function compilePolicy(raw: unknown, kind: PolicyKind, label: string, issues: IssueCollector): CompiledPolicy {
  const doc = parsePolicyDocument(raw, kind, label, issues);
  return new CompiledPolicy(doc, issues);
}

/** @param child appended to `field` (`key.keySpec`), only when there is something to report */
function optionalString(raw: unknown, field: string, issues: IssueCollector, child?: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return tooLong(raw, field, issues, undefined, child) ? undefined : raw;
  const at = child === undefined ? field : `${field}.${child}`;
  issues.shapeError(raw, 'invalid-field', `${at} is ${show(raw)}: expected a string`, { field: at });
  return undefined;
}

function readStringList(raw: unknown, field: string, issues: IssueCollector): string[] | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return tooLongIn(raw as string[], field, issues) ? undefined : raw as string[];
  issues.shapeError(raw, 'invalid-field', `${field} is ${show(raw)}: expected an array of strings`, { field });
  return undefined;
}

function readStringMap(raw: unknown, field: string, issues: IssueCollector): Record<string, string> | undefined {
  if (isObject(raw)) {
    const bad = firstBadEntry(raw);
    if (bad === undefined) return raw as Record<string, string>;
    if (bad.length > MAX_STRING_LENGTH) {
      issues.error(InputBoundCodes.VALUE_TOO_LONG, tooLongMessage(`a key of ${field}`, bad), { field: `${field}.${clip(bad)}` });
      return undefined;
    }
    if (typeof raw[bad] === 'string') {
      issues.error(InputBoundCodes.VALUE_TOO_LONG, tooLongMessage(`${field}.${clip(bad)}`, raw[bad] as string), { field: `${field}.${clip(bad)}` });
      return undefined;
    }
  }
  issues.shapeError(raw, 'invalid-field', `${field} is ${show(raw)}: expected an object of string values, e.g. {"Department": "IT"}`, { field });
  return undefined;
}

/** The first key whose value is not a string, or whose key or value is longer than MAX_STRING_LENGTH. */
function firstBadEntry(record: Record<string, unknown>): string | undefined {
  for (const k in record) {
    const v = record[k];
    if (typeof v !== 'string' || v.length > MAX_STRING_LENGTH || k.length > MAX_STRING_LENGTH) return k;
  }
  return undefined;
}

/** How much of an ARN or name an error echoes in backticks: as much as {@link show} echoes of a value. */
const SHOWN = 120;

/**
 * Reports `value-too-long` when `text` is longer than MAX_STRING_LENGTH; true then.
 * @param parent, child the field is `parent.field.child` (each when given), joined only when there is something to report
 */
function tooLong(text: string, field: string, issues: IssueCollector, parent?: string, child?: string): boolean {
  if (text.length <= MAX_STRING_LENGTH) return false;
  const at = `${parent === undefined ? '' : `${parent}.`}${field}${child === undefined ? '' : `.${child}`}`;
  issues.error(InputBoundCodes.VALUE_TOO_LONG, tooLongMessage(at, text), { field: at });
  return true;
}

/** {@link tooLong} for the first string of `list` that is too long. */
function tooLongIn(list: readonly string[], field: string, issues: IssueCollector): boolean {
  for (let i = 0; i < list.length; i++) {
    if (tooLong(list[i], field, issues)) return true;
  }
  return false;
}

const NO_TAGS: ReadonlyMap<string, string> = new Map();

/** Tags by lower-cased key (tag keys compare case-insensitively); no tags share one empty map. */
function lowerKeyed(record: Record<string, string> | undefined): ReadonlyMap<string, string> {
  let map: Map<string, string> | undefined;
  for (const k in record) {
    if (hasOwn(record, k)) (map ??= new Map()).set(k.toLowerCase(), record[k]);
  }
  return map ?? NO_TAGS;
}
