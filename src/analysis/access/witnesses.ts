/**
 * Which request contexts the access analysis tries, and why the answers are exact on them (docs/access-analysis.md).
 *
 * Every condition of a statement that covers the action is classified by its key:
 * - **derived**: the evaluator derives the value from the caller, the key and the request (kms:CallerAccount,
 *   aws:PrincipalArn, aws:PrincipalOrgID from the organization membership, an app principal's tags, kms:KeySpec, ...):
 *   nothing to try, the answer is exact;
 * - **witnessed**: the caller (or the path the request takes) chooses the value: the encryption context, kms:ViaService,
 *   the VPC endpoint (aws:SourceVpce, aws:SourceVpc), aws:SourceIp, a representative's principal tags, and any other
 *   key compared with String, Arn, Bool, IpAddress or Null operators. Each value a policy compares the key with gives
 *   one witness (a pattern's witness is a string the pattern matches; a CIDR's, an address inside it). Conditions
 *   compare a key with finitely many constants, so a request carrying none of them (the plain request) or one of them
 *   per key meets every combination of the conditions that can be met: trying the plain request and the combinations
 *   of witnesses, fewest first, finds every minimal way the action is allowed;
 * - **unknown**: Numeric, Date and Binary comparisons, and values holding policy variables, on keys the request
 *   chooses: the analysis bounds them with two readings (readings.ts) and reports what depends on them as uncertain.
 * Pure.
 */
import { Requirement } from './model';
import { PolicyInfo, ConditionEntry } from './statements';
import { hexDigits } from '../../app-model/hash';
import { isUnresolvedText } from '../../app-model/unresolved';
import { DERIVED_CONDITION_KEYS } from '../../evaluator/request-context';
import { combinations, product } from '../../policy/combinatorics';
import { isEndpointOnlyKey } from '../../policy/endpoint-keys';

export type ConditionClass = 'derived' | 'ec' | 'ec-keys' | 'context' | 'via-any' | 'endpoint' | 'tags' | 'alias' | 'grantee' | 'unknown';

/** Who is asking, as far as classifying conditions goes. */
export interface ClassifySetting {
  /** The subject is an AWS service principal: aws:SourceArn and aws:SourceAccount exist (key-policy-services.md). */
  readonly service: boolean;
  /** The subject is a representative: any tag may be put on such a principal. */
  readonly anyTags: boolean;
  /** The key is SYMMETRIC_DEFAULT: kms:EncryptionAlgorithm is derived (SYMMETRIC_DEFAULT is the only one). */
  readonly symmetric: boolean;
}

const DERIVED = new Set(DERIVED_CONDITION_KEYS);
const EC_PREFIX = 'kms:encryptioncontext:';
const WITNESS = 'kms-guard';

/** Values that hold a policy variable or an unresolved value cannot be witnessed. */
const opaque = (values: readonly string[]): boolean => values.some((v) => v.includes('${') || isUnresolvedText(v));

/** Classifies one condition entry. */
export function classify(entry: ConditionEntry, s: ClassifySetting): ConditionClass {
  const k = entry.lowerKey;
  const b = entry.base.toLowerCase();
  const stringLike = b.startsWith('string') || b.startsWith('arn') || b === 'null';
  if (k.startsWith(EC_PREFIX) && k.length > EC_PREFIX.length) return stringLike && !opaque(entry.values) ? 'ec' : 'unknown';
  if (k === 'kms:encryptioncontextkeys') return b.startsWith('string') && !opaque(entry.values) ? 'ec-keys' : 'unknown';
  if (k === 'aws:viaawsservice' || k === 'kms:grantisforawsresource') return 'via-any';
  if (k === 'aws:sourcevpce' || k === 'aws:sourcevpc') return 'endpoint';
  if (k.startsWith('aws:principaltag/')) return s.anyTags ? (stringLike && !opaque(entry.values) ? 'tags' : 'unknown') : 'derived';
  if (k === 'kms:requestalias') return 'alias';
  if (k === 'kms:granteeprincipal') return 'grantee';
  if (k === 'aws:sourcearn' || k === 'aws:sourceaccount') return s.service ? witnessable(b, entry.values) : 'derived';
  if (k === 'kms:encryptionalgorithm' && !s.symmetric) return witnessable(b, entry.values);
  if (DERIVED.has(k) || k.startsWith('aws:resourcetag/')) return 'derived';
  return witnessable(b, entry.values);
}

function witnessable(base: string, values: readonly string[]): ConditionClass {
  if (opaque(values)) return 'unknown';
  return base.startsWith('string') || base.startsWith('arn') || base === 'bool' || base === 'null' || base.endsWith('ipaddress') ? 'context' : 'unknown';
}

/** A value to try, and the requirement it stands for. */
export interface Witness {
  readonly send: string;
  readonly requirement: Requirement;
}

export interface Dimension {
  readonly kind: 'ec' | 'context' | 'endpoint' | 'tags' | 'alias' | 'grantee';
  /** The encryption context key, condition key or tag key; `endpoint`, `alias`, `grantee` for those. */
  readonly name: string;
  readonly values: Witness[];
}

/** A KMS endpoint a request may go through: one of the app, or one a policy admits by id or by VPC. */
export interface EndpointOption {
  readonly id: string;
  readonly vpcId?: string;
  readonly policy?: unknown;
  readonly inApp: boolean;
  /** `vpce-0abc (KeyOwner/Vpc/KmsEndpoint)`, `vpce-0abc (admitted by id; not in the app)`, `an endpoint in vpc-0abc (not in the app)`. */
  readonly label: string;
}

export interface DimensionSetting extends ClassifySetting {
  /** The action takes an encryption context (for CreateGrant: the grant constraint). */
  readonly encryptionContext: boolean;
  readonly createGrant: boolean;
  readonly aliases: readonly string[];
  readonly endpoints: readonly EndpointOption[];
  readonly region: string;
}

/** The "any AWS service" value of kms:ViaService: matches no condition naming a specific service. */
export function anyServiceValue(region: string): string {
  return `kms-guard-any-service.${region}.amazonaws.com`;
}

/** The dimensions worth trying for an action: from every statement of `policies` that covers it. */
export function dimensionsFor(actionIndex: number, policies: readonly PolicyInfo[], s: DimensionSetting): Dimension[] {
  const dims = new Map<string, Dimension>();
  const ecNames = new Map<string, string>();
  const add = (kind: Dimension['kind'], name: string, w: Witness): void => {
    const id = `${kind}/${name.toLowerCase()}`;
    let d = dims.get(id);
    if (!d) dims.set(id, d = { kind, name, values: [] });
    if (!d.values.some((x) => x.send === w.send)) d.values.push(w);
  };
  const ecName = (name: string): string => {
    // Context keys are case-insensitive in conditions (conditions-kms.md): one dimension per key, first spelling.
    const spelled = ecNames.get(name.toLowerCase()) ?? name;
    ecNames.set(name.toLowerCase(), spelled);
    return spelled;
  };
  let endpoints = false;
  for (const policy of policies) {
    for (const st of policy.statements) {
      if (st.effect === undefined || st.covers[actionIndex] !== 1) continue;
      for (const c of st.conditions) {
        switch (classify(c, s)) {
          case 'ec': {
            if (!s.encryptionContext) break;
            const name = ecName(c.key.slice(EC_PREFIX.length));
            for (const w of stringWitnesses(c, `kms:EncryptionContext:${name}`, 'encryption-context')) add('ec', name, w);
            break;
          }
          case 'ec-keys':
            if (!s.encryptionContext) break;
            for (const v of c.values) {
              const name = ecName(v);
              add('ec', name, { send: WITNESS, requirement: { kind: 'encryption-context', key: `kms:EncryptionContext:${name}`, value: '*', match: 'any', tried: WITNESS } });
            }
            break;
          case 'context':
            for (const w of contextWitnesses(c)) add('context', c.key, w);
            break;
          case 'via-any':
            add('context', 'kms:ViaService', { send: anyServiceValue(s.region), requirement: { kind: 'context', key: 'kms:ViaService', value: 'any AWS service', match: 'any', tried: anyServiceValue(s.region) } });
            break;
          case 'endpoint':
            endpoints = true;
            break;
          case 'tags': {
            const tag = c.key.slice('aws:PrincipalTag/'.length);
            for (const w of stringWitnesses(c, c.key, 'principal-tag')) add('tags', tag, w);
            break;
          }
          case 'alias':
            for (const alias of s.aliases) {
              if (c.values.some((v) => matchesPattern(v, alias, c.base))) add('alias', 'alias', { send: alias, requirement: { kind: 'alias', key: 'kms:RequestAlias', value: alias, match: 'equals' } });
            }
            break;
          case 'grantee':
            if (!s.createGrant) break;
            for (const w of stringWitnesses(c, c.key, 'grantee')) if (!w.send.includes(WITNESS)) add('grantee', 'grantee', w);
            break;
          default:
            break;
        }
      }
    }
  }
  if (endpoints) {
    for (const e of s.endpoints) {
      add('endpoint', 'endpoint', {
        send: e.id,
        requirement: { kind: 'endpoint', value: e.label, match: 'equals', ...(e.vpcId ? { vpcId: e.vpcId } : {}), inApp: e.inApp, synthetic: e.inApp },
      });
    }
  }
  return [...dims.values()];
}

function stringWitnesses(c: ConditionEntry, key: string, kind: Requirement['kind']): Witness[] {
  const base = c.base.toLowerCase();
  if (base === 'null') {
    // Null false: the key must be present, with any value.
    return c.values.some((v) => v.toLowerCase() === 'false') ? [{ send: WITNESS, requirement: { kind, key, value: '*', match: 'any', tried: WITNESS } }] : [];
  }
  const like = base.endsWith('like');
  return c.values.map((v) => {
    const send = like ? witnessOf(v) : v;
    return { send, requirement: { kind, key, value: v, match: like && send !== v ? 'like' : 'equals', ...(send !== v ? { tried: send } : {}) } };
  });
}

function contextWitnesses(c: ConditionEntry): Witness[] {
  const base = c.base.toLowerCase();
  if (base.endsWith('ipaddress')) {
    return c.values.map((v) => {
      const send = addressIn(v);
      return { send, requirement: { kind: 'context', key: c.key, value: v, match: 'cidr', ...(send !== v ? { tried: send } : {}) } };
    });
  }
  if (base === 'bool') return c.values.map((v) => ({ send: v.toLowerCase(), requirement: { kind: 'context', key: c.key, value: v.toLowerCase(), match: 'equals' } }));
  return stringWitnesses(c, c.key, 'context');
}

/** A string the wildcard pattern matches: `*` becomes `kms-guard`, `?` becomes `x`. */
export function witnessOf(pattern: string): string {
  return pattern.replace(/\*/g, WITNESS).replace(/\?/g, 'x');
}

function matchesPattern(pattern: string, value: string, base: string): boolean {
  if (!base.toLowerCase().endsWith('like')) return pattern === value;
  const re = new RegExp(`^${pattern.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
  return re.test(value);
}

/** An address inside a CIDR (the first host address), or the address itself. */
export function addressIn(cidr: string): string {
  const [address, bits] = cidr.split('/');
  if (address.includes(':')) return address.endsWith('::') ? `${address}1` : address;
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return address;
  const prefix = bits === undefined ? 32 : Number(bits);
  if (!Number.isInteger(prefix) || prefix >= 31) return address;
  // The network address plus one: inside the block for any prefix up to /30.
  const value = ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
  const size = 2 ** (32 - prefix);
  const host = Math.floor(value / size) * size + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(host / 2 ** shift) % 256).join('.');
}

/** One request variant: one witness for each of some dimensions. */
export interface Variant {
  readonly requires: readonly Requirement[];
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly context?: Readonly<Record<string, string>>;
  readonly endpoint?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly alias?: string;
  readonly grantee?: string;
  /** `dimension=value` pairs: a variant tells nothing that a smaller allowed one (a subset) did not. */
  readonly picks: readonly string[];
}

export const PLAIN: Variant = { requires: [], picks: [] };

/**
 * The variants to try, the plain request first, then by increasing number of dimensions, at most `limit` (a product of
 * many dimensions grows fast; `truncated` says when some were left out).
 */
export function variantsOf(dims: readonly Dimension[], limit = 64): { variants: Variant[]; truncated: boolean } {
  const variants: Variant[] = [PLAIN];
  let truncated = false;
  for (let size = 1; size <= dims.length && !truncated; size++) {
    for (const chosen of combinations(dims, size)) {
      if (!possibleTogether(chosen)) continue;
      for (const picked of product(chosen.map((d) => d.values))) {
        if (variants.length >= limit) {
          truncated = true;
          break;
        }
        variants.push(toVariant(chosen, picked));
      }
      if (truncated) break;
    }
  }
  return { variants, truncated };
}

/**
 * Whether a request can carry these dimensions together: aws:SourceIp is not effective for requests through a VPC
 * endpoint, and a request an AWS service makes for the caller comes from the service's addresses, not the caller's
 * (conditions-aws.md, "IP address conditions").
 */
function possibleTogether(dims: readonly Dimension[]): boolean {
  const ip = dims.some((d) => d.kind === 'context' && d.name.toLowerCase() === 'aws:sourceip');
  // aws:SourceVpcArn and aws:VpcSourceIp are context keys here, but like aws:SourceVpce they exist only on requests
  // through a VPC endpoint (policy/endpoint-keys.ts), where aws:SourceIp is absent.
  return !ip || !dims.some((d) => d.kind === 'endpoint' || (d.kind === 'context' && (d.name.toLowerCase() === 'kms:viaservice' || isEndpointOnlyKey(d.name))));
}

/** Keys compared with several patterns or CIDRs: a value matching two of them at once is not tried. */
export function overlappingPatterns(dims: readonly Dimension[]): string[] {
  return dims
    .filter((d) => d.values.filter((w) => w.requirement.match === 'like' || w.requirement.match === 'cidr').length > 1)
    .map((d) => d.values[0].requirement.key ?? d.name);
}

function toVariant(dims: readonly Dimension[], picked: readonly Witness[]): Variant {
  let ec: Record<string, string> | undefined;
  let context: Record<string, string> | undefined;
  let tags: Record<string, string> | undefined;
  let endpoint: string | undefined;
  let alias: string | undefined;
  let grantee: string | undefined;
  const picks: string[] = [];
  dims.forEach((d, i) => {
    const w = picked[i];
    picks.push(`${d.kind}/${d.name.toLowerCase()}=${w.send}`);
    if (d.kind === 'ec') (ec ??= {})[d.name] = w.send;
    else if (d.kind === 'context') (context ??= {})[d.name] = w.send;
    else if (d.kind === 'tags') (tags ??= {})[d.name] = w.send;
    else if (d.kind === 'endpoint') endpoint = w.send;
    else if (d.kind === 'alias') alias = w.send;
    else grantee = w.send;
  });
  return {
    requires: picked.map((w) => w.requirement),
    ...(ec ? { encryptionContext: ec } : {}),
    ...(context ? { context } : {}),
    ...(tags ? { tags } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(alias !== undefined ? { alias } : {}),
    ...(grantee !== undefined ? { grantee } : {}),
    picks,
  };
}

/** Whether every pick of `small` is also one of `big`. */
export function isContainedIn(small: Variant, big: Variant): boolean {
  return small.picks.every((p) => big.picks.includes(p));
}

/** A made-up endpoint id for "an endpoint in vpc-x" (a policy admits the VPC, not an endpoint): stable per VPC. */
export function standInEndpointId(vpcId: string): string {
  return `vpce-0kmsguard${hexDigits(vpcId, 8)}`;
}

