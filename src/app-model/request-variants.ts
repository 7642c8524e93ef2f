/**
 * Which request contexts the summary tries, beyond a plain request: encryption contexts, kms:ViaService values and
 * VPC endpoints that the policies mention.
 *
 * Rule (kept simple on purpose): a policy condition that compares kms:EncryptionContext:<k> or kms:ViaService with a
 * String operator names values worth trying; a condition on aws:SourceVpce or aws:SourceVpc makes each KMS endpoint of
 * the key's account and region worth trying. Variants are tried fewest requirements first, and an action is reported
 * only under the variants that allow it and that no smaller allowed variant contains: "allowed" when a plain request
 * is, else "allowed with encryption context app=orders", "only via s3.us-east-1.amazonaws.com", "through vpce-...".
 * Values that statements for other principals mention cost evaluations but cannot change this principal's answers.
 */
import { isUnresolvedText } from './unresolved';
import { combinations, product } from '../policy/combinatorics';

export interface RequestVariant {
  readonly via?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** The endpoint id. */
  readonly endpoint?: string;
}

/** Values the policies mention. */
export interface Mentions {
  /** Context key (spelled as first written) -> values. */
  readonly encryptionContext: Map<string, Set<string>>;
  readonly viaServices: Set<string>;
  readonly sourceVpc: boolean;
}

const EC_PREFIX = 'kms:encryptioncontext:';

/** Collects the mentions of every statement's Condition in `documents` (any policy kind, either effect). */
export function collectMentions(documents: readonly unknown[]): Mentions {
  const mentions: Mentions = { encryptionContext: new Map(), viaServices: new Set(), sourceVpc: false };
  const ecKeys = new Map<string, string>();
  let sourceVpc = false;
  for (const doc of documents) {
    for (const st of statementsOf(doc)) {
      if (!isRecord(st.Condition)) continue;
      for (const [operator, block] of Object.entries(st.Condition)) {
        if (!isRecord(block)) continue;
        const base = operator.replace(/^For(All|Any)Values:/i, '').replace(/IfExists$/i, '');
        const like = /like$/i.test(base);
        for (const [conditionKey, raw] of Object.entries(block)) {
          const lower = conditionKey.toLowerCase();
          if (lower === 'aws:sourcevpce' || lower === 'aws:sourcevpc') sourceVpc = true;
          if (!/^string/i.test(base)) continue;
          const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string' && usable(v, like));
          if (lower.startsWith(EC_PREFIX) && lower.length > EC_PREFIX.length) {
            // Context keys are case-insensitive in conditions (conditions-kms.md): one entry per key, first spelling.
            const name = conditionKey.slice(EC_PREFIX.length);
            const spelled = ecKeys.get(name.toLowerCase()) ?? name;
            ecKeys.set(name.toLowerCase(), spelled);
            const set = mentions.encryptionContext.get(spelled) ?? new Set<string>();
            values.forEach((v) => set.add(v));
            if (set.size > 0) mentions.encryptionContext.set(spelled, set);
          } else if (lower === 'kms:viaservice') {
            values.forEach((v) => mentions.viaServices.add(v));
          }
        }
      }
    }
  }
  return { ...mentions, sourceVpc };
}

/** A value a request could carry as is: no wildcard of a Like operator, no policy variable, nothing unresolved. */
function usable(v: string, like: boolean): boolean {
  return v !== '' && !isUnresolvedText(v) && !v.includes('${') && !(like && /[*?]/.test(v));
}

interface Dimension {
  readonly kind: 'ec' | 'via' | 'endpoint';
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * The variants to try, the plain request first, then by increasing number of requirements, at most `limit` (the
 * product of many context keys grows fast; `truncated` says when some were left out).
 */
export function requestVariants(
  mentions: Mentions, endpointIds: readonly string[], withContext: boolean, limit = 64,
): { variants: RequestVariant[]; truncated: boolean } {
  const dims: Dimension[] = [];
  if (withContext) for (const [name, values] of mentions.encryptionContext) dims.push({ kind: 'ec', name, values: [...values] });
  if (mentions.viaServices.size > 0) dims.push({ kind: 'via', name: 'via', values: [...mentions.viaServices] });
  if (mentions.sourceVpc && endpointIds.length > 0) dims.push({ kind: 'endpoint', name: 'endpoint', values: [...endpointIds] });
  const variants: RequestVariant[] = [{}];
  let truncated = false;
  for (let size = 1; size <= dims.length && !truncated; size++) {
    for (const chosen of combinations(dims, size)) {
      for (const values of product(chosen.map((d) => d.values))) {
        if (variants.length >= limit) {
          truncated = true;
          break;
        }
        variants.push(toVariant(chosen, values));
      }
      if (truncated) break;
    }
  }
  return { variants, truncated };
}

function toVariant(dims: readonly Dimension[], values: readonly string[]): RequestVariant {
  let via: string | undefined;
  let endpoint: string | undefined;
  const ec: Record<string, string> = {};
  dims.forEach((d, i) => {
    if (d.kind === 'via') via = values[i];
    else if (d.kind === 'endpoint') endpoint = values[i];
    else ec[d.name] = values[i];
  });
  return {
    ...(via !== undefined ? { via } : {}),
    ...(Object.keys(ec).length > 0 ? { encryptionContext: ec } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
  };
}

/** Whether every requirement of `small` is also one of `big` (then `big` tells nothing `small` did not). */
export function isContainedIn(small: RequestVariant, big: RequestVariant): boolean {
  if (small.via !== undefined && small.via !== big.via) return false;
  if (small.endpoint !== undefined && small.endpoint !== big.endpoint) return false;
  for (const [k, v] of Object.entries(small.encryptionContext ?? {})) {
    if (big.encryptionContext?.[k] !== v) return false;
  }
  return true;
}

function statementsOf(doc: unknown): Record<string, any>[] {
  if (!isRecord(doc)) return [];
  const list: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return list.filter(isRecord);
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
