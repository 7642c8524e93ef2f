/**
 * The evaluator's compiled parts, shared by the probes of all rules: a key with one policy reading is compiled once
 * for all the callers asked about it, and a caller once for all the keys it is asked about
 * (KmsAccessEvaluator.compileForCallers, compileCaller, CompiledScenario.withCaller). The rules ask about the same
 * few hundred callers of an app for each key that they reach: compiling each scenario whole read every identity
 * policy again for every key. Pure (the caches only remember results of pure functions).
 *
 * Parts are found by the identity of the documents they are read from: the policies the rules pass are the app
 * model's, or adversarialPolicy's readings of them (cached per document), never changed once made (probe.ts).
 */
import type { ProbeCaller } from './probe';
import type { KmsKeyModel } from '../../app-model/app-model';
import { CompiledCaller, CompiledScenario, KmsAccessEvaluator } from '../../evaluator/kms-access-evaluator';

/** The key's part for each policy reading of a key (by the reading's object). */
const keyParts = new WeakMap<KmsKeyModel, WeakMap<object, CompiledScenario>>();

/**
 * The key with this policy, compiled for many callers. `scenarioKey` makes the scenario's key from them; it is called
 * only when the pair was not compiled yet.
 */
export function compiledKeyPart(key: KmsKeyModel, policy: unknown, scenarioKey: () => Record<string, unknown>): CompiledScenario {
  if (typeof policy !== 'object' || policy === null) return KmsAccessEvaluator.compileForCallers({ key: scenarioKey() });
  let byPolicy = keyParts.get(key);
  if (!byPolicy) {
    byPolicy = new WeakMap();
    keyParts.set(key, byPolicy);
  }
  let part = byPolicy.get(policy);
  if (!part) {
    part = KmsAccessEvaluator.compileForCallers({ key: scenarioKey() });
    byPolicy.set(policy, part);
  }
  return part;
}

/**
 * Compiled callers, under the first of their documents (its identity policy or boundary), then by all their documents
 * (ids), organization, tags and ARN: held as long as the app model's documents are, and no longer. Callers without a
 * document are few (a caller from outside the app, a service): kept in a small map of their own.
 */
const callersByDocument = new WeakMap<object, Map<string, CompiledCaller>>();
const callersWithoutDocument = new Map<string, CompiledCaller>();
/** How many callers without a document are kept before the map starts again (they cost little to compile). */
const MAX_WITHOUT_DOCUMENT = 256;

/** A number for each document object seen, to name a caller's documents in a cache key. */
const documentIds = new WeakMap<object, number>();
let nextDocumentId = 1;

function idOf(doc: object): number {
  let id = documentIds.get(doc);
  if (id === undefined) {
    id = nextDocumentId++;
    documentIds.set(doc, id);
  }
  return id;
}

/** The caller compiled: once per (ARN, documents, boundary, tags, organization) while its documents live. */
export function compiledCaller(caller: ProbeCaller): CompiledCaller {
  const raw = {
    arn: caller.arn,
    ...(caller.roleArn !== undefined ? { roleArn: caller.roleArn } : {}),
    identityPolicies: caller.identityPolicies ?? [],
    ...(caller.permissionsBoundary !== undefined ? { permissionsBoundary: caller.permissionsBoundary } : {}),
    ...(caller.tags !== undefined ? { tags: caller.tags } : {}),
    ...(caller.orgId !== undefined ? { orgId: caller.orgId } : {}),
  };
  const docs = [...raw.identityPolicies, ...(caller.permissionsBoundary !== undefined ? [caller.permissionsBoundary] : [])];
  // A document that is not an object (an error the evaluator reports) has no identity to cache by.
  if (!docs.every((d): d is object => typeof d === 'object' && d !== null)) return KmsAccessEvaluator.compileCaller(raw);
  const cacheKey = `${caller.arn}|${caller.roleArn ?? ''}|${raw.identityPolicies.map((d) => idOf(d as object)).join(',')}`
    + `|${caller.permissionsBoundary !== undefined ? idOf(caller.permissionsBoundary as object) : ''}|${caller.orgId ?? ''}|${caller.tags !== undefined ? JSON.stringify(caller.tags) : ''}`;
  let cache: Map<string, CompiledCaller> | undefined;
  if (docs.length === 0) {
    if (callersWithoutDocument.size >= MAX_WITHOUT_DOCUMENT) callersWithoutDocument.clear();
    cache = callersWithoutDocument;
  } else {
    cache = callersByDocument.get(docs[0] as object);
    if (!cache) {
      cache = new Map();
      callersByDocument.set(docs[0] as object, cache);
    }
  }
  let compiled = cache.get(cacheKey);
  if (!compiled) {
    compiled = KmsAccessEvaluator.compileCaller(raw);
    cache.set(cacheKey, compiled);
  }
  return compiled;
}

/** The scenario of a probe: the key's part and the caller's, each compiled once. */
export function compiledProbeScenario(
  key: KmsKeyModel, policy: unknown, caller: ProbeCaller, scenarioKey: () => Record<string, unknown>,
): CompiledScenario {
  return compiledKeyPart(key, policy, scenarioKey).withCaller(compiledCaller(caller));
}
