/**
 * The condition keys of one authorization check, derived lazily from the scenario: a condition only pays for the keys
 * it reads. `request.context` entries override derived values.
 *
 * Which keys exist for which operation: kms-developer-guide conditions-kms.md and conditions-aws.md, summarised in
 * kms-semantics.md §3 and the README's scenario format.
 */
import { ActionProfile } from './action-profile';
import { ConditionKey, ContextValue } from './context';
import { Environment, KeyModel, RequestModel } from './scenario';
import { SearchTarget } from './statement-match';
import { parseAliasArn } from '../policy/arn';
import { Caller } from '../policy/principal';

type Deriver = (c: RequestContext) => ContextValue | undefined;

const CALLER_TYPES: Record<string, string | undefined> = {
  'user': 'User',
  'role': 'AssumedRole',
  'assumed-role': 'AssumedRole',
  'federated-user': 'FederatedUser',
  'root': 'Account',
};

const bool = (b: boolean): string => (b ? 'true' : 'false');

const DERIVED = new Map<string, Deriver>([
  ['kms:calleraccount', (c) => c.env.caller.identity.account],
  ['aws:principalaccount', (c) => c.env.caller.identity.account],
  ['aws:principalarn', (c) => c.env.caller.identity.principalArn],
  ['aws:principalorgid', (c) => (c.isService ? undefined : c.env.caller.orgId)],
  ['aws:principaltype', (c) => CALLER_TYPES[c.env.caller.identity.kind]],
  ['aws:username', (c) => (c.env.caller.identity.kind === 'user' ? c.env.caller.identity.name : undefined)],
  ['aws:principalisawsservice', (c) => bool(c.isService)],
  ['aws:principalservicename', (c) => c.env.caller.identity.service],
  // A request an integrated service makes on the principal's behalf carries kms:ViaService (conditions-kms.md).
  ['aws:viaawsservice', (c) => bool(c.request.context.has('kms:viaservice'))],
  ['aws:sourcevpce', (c) => c.env.endpoint?.id],
  ['aws:sourcevpc', (c) => c.env.endpoint?.vpcId],
  ['aws:requestedregion', (c) => c.key?.parsed.region],
  ['aws:resourceaccount', (c) => c.key?.parsed.account],
  // KMS accepts only TLS connections.
  ['aws:securetransport', () => 'true'],
  ['kms:encryptioncontextkeys', (c) => {
    const ec = c.encryptionContext;
    return ec && Object.keys(ec).length > 0 ? Object.keys(ec) : undefined;
  }],
  ['kms:grantoperations', (c) => (c.isCreateGrant ? c.request.createGrant?.operations : undefined)],
  ['kms:granteeprincipal', (c) => (c.isCreateGrant ? c.request.createGrant?.granteeText : undefined)],
  ['kms:retiringprincipal', (c) => (c.isCreateGrant ? c.request.createGrant?.retiringText : undefined)],
  ['kms:grantconstrainttype', (c) => {
    const constraints = c.isCreateGrant ? c.request.createGrant?.constraints : undefined;
    return constraints ? (constraints.type === 'equals' ? 'EncryptionContextEquals' : 'EncryptionContextSubset') : undefined;
  }],
  // [choice] Direct calls carry "false" (not an absent key): conditions-kms.md describes the key as true only when an
  // integrated service makes the call, and "Bool false" denies then block direct calls as their authors intend.
  ['kms:grantisforawsresource', (c) => (c.profile.grantIsForAwsResource ? bool(c.request.context.has('kms:viaservice')) : undefined)],
  ['kms:requestalias', (c) => (c.profile.requestAlias ? requestAlias(c.request.keyId) : undefined)],
  ['kms:resourcealiases', (c) => (c.keyResource && !c.keyPolicyView ? c.key?.aliases : undefined)],
  ['kms:keyspec', (c) => c.keyProperty('keySpec')],
  ['kms:keyusage', (c) => c.keyProperty('keyUsage')],
  // The deprecated names "work the same way" (conditions-kms.md; condition-keys.ts DEPRECATED_KEY_REPLACEMENTS).
  ['kms:customermasterkeyspec', (c) => c.keyProperty('keySpec')],
  ['kms:customermasterkeyusage', (c) => c.keyProperty('keyUsage')],
  ['kms:keyorigin', (c) => c.keyProperty('keyOrigin')],
  ['kms:multiregion', (c) => c.keyProperty('multiRegion')],
  ['kms:multiregionkeytype', (c) => c.keyProperty('multiRegionKeyType')],
  ['kms:encryptionalgorithm', (c) => (c.profile.encryptionAlgorithm && c.key?.keySpec === 'SYMMETRIC_DEFAULT' ? 'SYMMETRIC_DEFAULT' : undefined)],
  ['kms:bypasspolicylockoutsafetycheck', (c) => {
    const b = c.request.bypassPolicyLockoutSafetyCheck;
    return b === undefined || (c.lowerAction !== 'kms:putkeypolicy' && c.lowerAction !== 'kms:createkey') ? undefined : bool(b);
  }],
  ['kms:reencryptonsamekey', (c) => (c.lowerAction === 'kms:reencryptfrom' || c.lowerAction === 'kms:reencryptto')
    ? bool((c.request.destinationKey?.arn ?? c.env.key?.arn) === c.env.key?.arn)
    : undefined],
]);

/** The condition keys this file derives from the scenario, lower-cased (any other key exists only through request.context). */
export const DERIVED_CONDITION_KEYS: readonly string[] = [...DERIVED.keys()];

/**
 * AWS global condition keys that a request may carry and that the scenario does not derive (set them in
 * request.context), beyond those in the catalogue (catalogue-data.ts): known, so that a policy naming them draws no
 * unknown-key warning. Source: IAM User Guide, reference_policies_condition-keys ("AWS global condition context keys").
 */
export const OTHER_GLOBAL_CONDITION_KEYS: readonly string[] = [
  'aws:Ec2InstanceSourcePrivateIPv4', 'aws:Ec2InstanceSourceVpc', 'aws:FederatedProvider', 'aws:MultiFactorAuthAge',
  'aws:PrincipalServiceNamesList', 'aws:Referer', 'aws:ResourceOrgPaths', 'aws:SourceIdentity', 'aws:SourceOrgPaths',
  'aws:SourceVpcArn', 'aws:TokenIssueTime', 'aws:UserAgent', 'aws:VpceAccount', 'aws:VpceOrgID', 'aws:VpceOrgPaths',
];

type KeyProperty = 'keySpec' | 'keyUsage' | 'keyOrigin' | 'multiRegion' | 'multiRegionKeyType';
type KeyProperties = Pick<KeyModel, 'keySpec' | 'keyUsage' | 'keyOrigin' | 'multiRegion' | 'multiRegionKeyType'>;
const NEW_KEY_DEFAULTS: KeyProperties = { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', keyOrigin: 'AWS_KMS', multiRegion: false };

function keyPropertyValue(key: KeyProperties, property: KeyProperty): string | undefined {
  const value = key[property];
  return typeof value === 'boolean' ? bool(value) : value;
}

const EC_PREFIX = 'kms:encryptioncontext:';
const PRINCIPAL_TAG_PREFIX = 'aws:principaltag/';
const RESOURCE_TAG_PREFIX = 'aws:resourcetag/';

/** The alias name a request's KeyId names (`alias/x` from `alias/x` or an alias ARN), if it names an alias. */
function requestAlias(keyId: string | undefined): string | undefined {
  if (keyId === undefined) return undefined;
  if (keyId.startsWith('alias/')) return keyId;
  return parseAliasArn(keyId)?.aliasName;
}

const ABSENT: Deriver = () => undefined;

/** The reader of a key of a family: `kms:EncryptionContext:<k>`, `aws:PrincipalTag/<k>`, `aws:ResourceTag/<k>`. */
function familyReader(lowerKey: string): Deriver {
  if (lowerKey.startsWith(EC_PREFIX)) {
    const name = lowerKey.slice(EC_PREFIX.length);
    return (c) => c.encryptionContextValue(name);
  }
  if (lowerKey.startsWith(PRINCIPAL_TAG_PREFIX)) {
    const tag = lowerKey.slice(PRINCIPAL_TAG_PREFIX.length);
    return (c) => c.env.caller.tags.get(tag);
  }
  if (lowerKey.startsWith(RESOURCE_TAG_PREFIX)) {
    const tag = lowerKey.slice(RESOURCE_TAG_PREFIX.length);
    return (c) => (c.keyResource && !c.keyPolicyView ? c.key?.tags.get(tag) : undefined);
  }
  return ABSENT;
}

/**
 * Every key's reader by lower-cased name, so that reading a key is one look-up: the derived keys, and the family keys
 * met so far (the family and the name inside it resolved once, not per read). Family keys are few in practice;
 * arbitrary input cannot grow the map beyond a bound.
 */
let readers = new Map<string, Deriver>(DERIVED);
const MAX_FAMILY_READERS = 1_000;

function readerFor(lowerKey: string): Deriver {
  let reader = readers.get(lowerKey);
  if (reader === undefined) {
    reader = familyReader(lowerKey);
    if (readers.size >= DERIVED.size + MAX_FAMILY_READERS) readers = new Map(DERIVED);
    readers.set(lowerKey, reader);
  }
  return reader;
}

/** One authorization check: an action on a resource, with the request's condition keys as a policy sees them. */
export class RequestContext implements SearchTarget {
  /** The request's encryption context, or for CreateGrant the requested grant constraint's context. */
  public readonly encryptionContext?: Readonly<Record<string, string>>;

  /**
   * @param keyPolicyView true while evaluating a key policy: aws:ResourceTag/* and kms:ResourceAliases work in IAM
   *   policies only (abac.md, conditions-kms.md), so the key policy sees them absent.
   */
  public constructor(
    public readonly env: Environment,
    public readonly request: RequestModel,
    /** The action checked. */
    public readonly profile: ActionProfile,
    public readonly key: KeyModel | undefined,
    /** The key ARN, alias ARN, or `*` for actions without a resource. */
    public readonly resource: string,
    public readonly keyPolicyView: boolean,
  ) {
    if (profile.encryptionContext) {
      this.encryptionContext = this.isCreateGrant ? request.createGrant?.constraints?.context : request.encryptionContext;
    }
  }

  // Derived on read rather than stored: a check makes two contexts, and smaller ones mean less garbage per request.
  public get lowerAction(): string {
    return this.profile.lowerAction;
  }

  public get caller(): Caller {
    return this.env.caller.identity;
  }

  public get hasBoundary(): boolean {
    return this.env.caller.permissionsBoundary !== undefined;
  }

  public get isService(): boolean {
    return this.env.caller.identity.kind === 'service';
  }

  public get isCreateGrant(): boolean {
    return this.profile.lowerAction === 'kms:creategrant';
  }

  public get keyResource(): boolean {
    return this.profile.keyResource;
  }

  /** The same check seen from a key policy, or from IAM-side policies. */
  public withKeyPolicyView(keyPolicyView: boolean): RequestContext {
    if (keyPolicyView === this.keyPolicyView) return this;
    return new RequestContext(this.env, this.request, this.profile, this.key, this.resource, keyPolicyView);
  }

  public get(key: ConditionKey): ContextValue | undefined {
    const overrides = this.request.context;
    if (overrides.size > 0) {
      const override = overrides.get(key.lower);
      if (override !== undefined) return override;
    }
    // The reader is the same for a name whatever the request: remembered on the key, it is looked up once.
    return ((key.reader ??= readerFor(key.lower)) as Deriver)(this);
  }

  /**
   * Key-property keys exist only for KMS key resource operations, and for CreateKey, where they describe the requested
   * key and take the parameter defaults when omitted (conditions-kms.md, introduction).
   */
  public keyProperty(property: KeyProperty): string | undefined {
    if (this.lowerAction === 'kms:createkey') return keyPropertyValue(this.key ?? NEW_KEY_DEFAULTS, property);
    return this.keyResource && this.key ? keyPropertyValue(this.key, property) : undefined;
  }

  /** The value of `kms:EncryptionContext:<lowerName>`. */
  public encryptionContextValue(lowerName: string): string | undefined {
    const ec = this.encryptionContext;
    if (!ec) return undefined;
    // The condition key name, including the context key, is case-insensitive (conditions-kms.md). Context keys are
    // nearly always written in one case, so try the exact name before comparing case-insensitively.
    const exact = ec[lowerName];
    if (exact !== undefined && Object.prototype.hasOwnProperty.call(ec, lowerName)) return exact;
    for (const k in ec) {
      // No length test first: lower-casing can change a name's length ('İ' becomes 'i' and a combining dot), so a
      // context key spelt exactly as the policy spells it would be skipped, and a Deny on it escaped.
      if (k.toLowerCase() === lowerName) return ec[k];
    }
    return undefined;
  }
}
