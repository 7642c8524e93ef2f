/**
 * Probes that the evaluator cannot tell apart, asked once. A rule that asks the same caller about many keys (an IAM
 * policy granting KMS actions on `Resource: "*"`, which aws-cdk-lib writes for a grant across environments, or a
 * role with AdministratorAccess) asks the same question again and again when those keys share their policy and
 * properties: only their ARNs differ, and nothing in the policies distinguishes the ARNs.
 *
 * What a probe's outcome depends on (probe.ts: the key with its policy, the caller, the actions):
 * - the key policy as probed (its content);
 * - the key's partition, Region and account (cross-account rules, aws:ResourceAccount, aws:RequestedRegion, the alias
 *   ARN a probe uses) and its properties the request context carries (spec, usage, multi-Region, aliases, tags:
 *   kms:KeySpec, kms:ResourceAliases, aws:ResourceTag/*, ...; src/evaluator/request-context.ts);
 * - the key's ARN only through the Resource and NotResource elements of the statements, which the evaluator matches
 *   against it (src/evaluator/compiled-policy.ts matchesResource): no condition key carries the key's id.
 * So two keys with the same policy, the same properties and the same environment, for which every statement of every
 * document in play matches or does not match alike, get the same outcome for the same caller and actions. A Resource
 * the evaluator matches with request values (a policy variable, `${*}`) or one that is not a string cannot be
 * compared ahead of time: such a probe is not shared. Errors are shared too: they come from the documents, the caller
 * and the key's properties, never from the key's id. Pure (the memo is made per rule run and dropped with it).
 */
import { ProbeOutcome } from './probe';
import { isRecord, listOf, statementsOf } from './statements';
import { KmsKeyModel } from '../../app-model/app-model';
import { matchesWildcard } from '../../policy/wildcard';

/** A key ARN whose environment can be read, and whose id holds no character a pattern could read as special. */
const KEY_ARN = /^arn:([a-z][a-z0-9-]*):kms:([a-z0-9-]+):(\d{12}):key\/[A-Za-z0-9-]+$/;

/** The outcomes of one rule run, by key setting, caller, actions and the statements that match the key. */
export class ProbeMemo {
  /** A number per key setting (policy, environment, properties), so that outcome ids stay short. */
  private readonly settings = new Map<string, number>();
  /** A number per caller object (an app principal). */
  private readonly callers = new WeakMap<object, number>();
  private callerCount = 0;
  private readonly outcomes = new Map<string, ProbeOutcome>();

  /**
   * The id of the setting a probe of `key` with `keyPolicy` runs in (`keyProperties`: the evaluator's key object; its
   * ARN and policy are left out): the same for keys the evaluator decides alike apart from Resource matching.
   * Undefined when the key's ARN is not a plain key ARN.
   */
  public setting(key: KmsKeyModel, keyPolicy: unknown, keyProperties: Readonly<Record<string, unknown>>): number | undefined {
    const env = KEY_ARN.exec(key.arn);
    if (!env) return undefined;
    const { arn: _arn, policy: _policy, ...properties } = keyProperties;
    const text = JSON.stringify([env[1], env[2], env[3], properties, keyPolicy]);
    let id = this.settings.get(text);
    if (id === undefined) {
      id = this.settings.size;
      this.settings.set(text, id);
    }
    return id;
  }

  /**
   * The outcome of a probe of `caller` for `actions` on the key `arn` in `setting`, with `documents` in play (the key
   * policy, the caller's identity policies and boundary): asked only if no probe of the same setting, caller, actions
   * and Resource matches was asked before. The probe may read the documents differently (drop conditions, or
   * statements) as long as it does so alike for every key and never changes a Resource. `setting` undefined: asked
   * every time.
   */
  public probe(
    setting: number | undefined, caller: object, actions: readonly string[], documents: readonly unknown[], arn: string, ask: () => ProbeOutcome,
  ): ProbeOutcome {
    if (setting === undefined) return ask();
    const matches = resourceMatches(documents, arn);
    if (matches === undefined) return ask();
    let callerId = this.callers.get(caller);
    if (callerId === undefined) {
      callerId = this.callerCount++;
      this.callers.set(caller, callerId);
    }
    const id = `${setting}#${callerId}#${actions.join(',')}#${matches}`;
    let outcome = this.outcomes.get(id);
    if (outcome === undefined) {
      outcome = ask();
      this.outcomes.set(id, outcome);
    }
    return outcome;
  }
}

/**
 * Which statements of the documents match `arn` by their Resource or NotResource, as a string of 0s and 1s per
 * document. Undefined when one of them cannot be matched ahead of time (a policy variable, `${*}`, a value that is
 * not a string).
 */
export function resourceMatches(documents: readonly unknown[], arn: string): string | undefined {
  const marks: string[] = [];
  for (const doc of documents) {
    const resources = resourcesOf(doc);
    if (resources === undefined) return undefined;
    for (const { patterns, negated } of resources) {
      let hit = false;
      for (let i = 0; i < patterns.length && !hit; i++) hit = matchesWildcard(patterns[i], arn);
      marks.push(patterns.length > 0 && hit !== negated ? '1' : '0');
    }
    marks.push('|');
  }
  return marks.join('');
}

/** A statement's Resource (or NotResource) patterns. */
interface StatementResources {
  readonly patterns: readonly string[];
  readonly negated: boolean;
}

/** Each document's statements' resources, read once (the same documents are matched against many keys). */
const resourcesByDocument = new WeakMap<object, readonly StatementResources[] | null>();

/** The statements' resources of a document; undefined when one cannot be matched ahead of time. */
function resourcesOf(doc: unknown): readonly StatementResources[] | undefined {
  if (!isRecord(doc)) return [];
  let read = resourcesByDocument.get(doc);
  if (read === undefined) {
    const list: StatementResources[] = [];
    for (const { statement } of statementsOf(doc)) {
      const negated = statement.NotResource !== undefined;
      const patterns = listOf(negated ? statement.NotResource : statement.Resource);
      if (!patterns.every((p): p is string => typeof p === 'string' && !p.includes('${'))) {
        list.length = 0;
        read = null;
        break;
      }
      list.push({ patterns, negated });
    }
    if (read === undefined) read = list;
    resourcesByDocument.set(doc, read);
  }
  return read ?? undefined;
}
