/**
 * Finds the resources of an app that are encrypted with a given key, from the construct tree at synthesis.
 *
 * Each CloudFormation resource type that can be encrypted with a customer managed key is described once, as data, in
 * `src/policy/service-integrations.ts` (which property holds the key, which service uses it and how). A resource uses a
 * key when one of those properties holds the key's ARN or ID token (whatever stack the resource is in: a cross-stack
 * reference is still the key's own token until synthesis replaces it), or the key's alias name or alias ARN.
 *
 * The app is indexed once (per construct count, so constructs added later are seen): every key then looks up its own
 * tokens, so the work is linear in the app's resources, not keys times resources.
 */
import { CfnResource, IResolvable, IResolveContext, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { ServiceIntegration, integrationFor, keyReferencesOf } from '../../policy/service-integrations';

export interface EncryptedResourceUse {
  readonly resource: CfnResource;
  readonly integration: ServiceIntegration;
}

interface AppIndex {
  readonly constructCount: number;
  /** Token strings (`${Token[...]}`) and literal values found in key properties, to the resources holding them. */
  readonly byReference: Map<string, EncryptedResourceUse[]>;
}

const indexes = new WeakMap<IConstruct, AppIndex>();

/** The resources of the key's app whose key property names this key. */
export function resourcesEncryptedWith(key: kms.IKey & { readonly aliasName?: string }): EncryptedResourceUse[] {
  const index = appIndex(key.node.root);
  const found = new Set<EncryptedResourceUse>();
  const references = [...tokenStrings(key.keyArn), ...tokenStrings(key.keyId)];
  if (key.aliasName) {
    references.push(key.aliasName);
    const stack = Stack.of(key);
    if (!Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region) && !Token.isUnresolved(stack.partition)) {
      references.push(`arn:${stack.partition}:kms:${stack.region}:${stack.account}:${key.aliasName}`);
    }
  }
  for (const reference of references) for (const use of index.byReference.get(reference) ?? []) found.add(use);
  return [...found];
}

function appIndex(root: IConstruct): AppIndex {
  // Every key asks, at every rendering of its policy and at validation (about sixty times per synthesis for thirty
  // keys): counting the constructs without listing them keeps the check that the app has not grown cheap.
  const count = countConstructs(root);
  const cached = indexes.get(root);
  if (cached && cached.constructCount === count) return cached;
  const byReference = new Map<string, EncryptedResourceUse[]>();
  for (const construct of root.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) continue;
    const integration = integrationFor(construct.cfnResourceType);
    if (!integration) continue;
    const use = { resource: construct, integration };
    for (const value of keyReferencesOf(lowerCasedIntegration(integration), lowerCasedProperties(construct))) {
      for (const reference of referencesIn(value)) {
        const list = byReference.get(reference) ?? [];
        if (!list.includes(use)) list.push(use);
        byReference.set(reference, list);
      }
    }
  }
  const index = { constructCount: count, byReference };
  indexes.set(root, index);
  return index;
}

/**
 * The number of constructs in the tree under `root`, itself included. It reads the children the constructs library
 * keeps (`_children`, an object by id) where it can: `node.children` and `findAll` make an array per construct, which
 * cost three times as much on a 3,500-construct app. Anything else falls back to `node.children`.
 */
export function countConstructs(root: IConstruct): number {
  let n = 1;
  const kids = (root.node as unknown as { _children?: Record<string, IConstruct> })._children;
  if (kids !== null && typeof kids === 'object') {
    for (const id in kids) n += countConstructs(kids[id]);
  } else {
    for (const child of root.node.children) n += countConstructs(child);
  }
  return n;
}

/**
 * The resource's properties with every object key lower-cased, tokens left as they are, with property overrides
 * (escape hatches) applied on top. An L1's own properties are camelCase (`kmsMasterKeyId` for `KMSMasterKeyID`) and
 * overrides are PascalCase: lower-casing both lets the integration's CloudFormation paths find either.
 */
function lowerCasedProperties(resource: CfnResource): unknown {
  const internals = resource as unknown as { cfnProperties: Record<string, unknown>; rawOverrides?: { Properties?: Record<string, unknown> } };
  const own = lowerCaseKeys(internals.cfnProperties ?? {}, resource, 0) as Record<string, unknown>;
  const overrides = internals.rawOverrides?.Properties;
  return overrides ? deepMerge(own, lowerCaseKeys(overrides, resource, 0) as Record<string, unknown>) : own;
}

function lowerCaseKeys(value: unknown, scope: CfnResource, depth: number): unknown {
  if (depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => lowerCaseKeys(v, scope, depth + 1));
  // A lazy value (dynamodb.TableV2 renders its replicas lazily) is produced once, shallowly: what it produces still
  // holds the key's own token strings, which is what a key looks for.
  if (Tokenization.isResolvable(value)) return lowerCaseKeys(produceShallowly(value, scope), scope, depth + 1);
  if (!isRecord(value) || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k.toLowerCase()] = lowerCaseKeys(v, scope, depth + 1);
  return out;
}

/** One step of a token's resolution, with nested tokens left unresolved; the token itself when that fails. */
function produceShallowly(token: IResolvable, scope: CfnResource): unknown {
  const context: IResolveContext = {
    scope,
    preparing: false,
    documentPath: [],
    registerPostProcessor: () => undefined,
    resolve: (x: unknown) => x,
  };
  try {
    const produced = token.resolve(context);
    return produced === token ? undefined : produced;
  } catch {
    return undefined;
  }
}

function lowerCasedIntegration(integration: ServiceIntegration): ServiceIntegration {
  return { ...integration, keyProperties: integration.keyProperties.map((p) => p.toLowerCase()) };
}

/** The token strings and literal strings a property value holds. */
function referencesIn(value: unknown): string[] {
  if (typeof value === 'string') return Token.isUnresolved(value) ? [...tokenStrings(value), value] : [value];
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  return [];
}

/** The `${Token[...]}` markers in a string, each standing for one token whatever text surrounds it. */
function tokenStrings(value: string): string[] {
  return Tokenization.reverseString(value).tokens.map((t) => Token.asString(t));
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(source)) {
    const t = out[k];
    out[k] = isRecord(t) && isRecord(v) ? deepMerge(t, v) : v;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
