/**
 * Whether a conditional Deny a guarded key declared (VpceRestrictedKey's network restriction, a user's Deny added
 * through `addToResourcePolicy`) is still in the key policy as declared. The effective access cannot show it: a
 * request that meets the Deny's conditions is allowed either way, so removing the Deny, or widening it (another VPC
 * in its `StringNotEquals`, a condition added that makes it apply less), changes nothing the analysis decides for
 * the requests it tries. So the Deny is looked for, statement by statement, in the final key policy. Pure.
 *
 * A statement keeps the declared Deny when it denies (Effect Deny) at least the declared actions, to at least the
 * declared principals (everyone when none are declared), on every resource, under exactly the declared conditions:
 * the same operators, keys (compared without regard to case, as IAM does) and values, and no other condition but
 * those the construct could not record (values referring to another stack). A stricter Deny is a change too: what it
 * refuses beyond the intent is reported by the comparison of the effective access.
 */
import { expandActions } from './declared-actions';
import { IntentDeny } from './declared-intent';

export function hasDeclaredDeny(policy: unknown, deny: IntentDeny, principalArns: readonly string[]): boolean {
  const list = isRecord(policy) ? policy.Statement : undefined;
  const statements = Array.isArray(list) ? list : list === undefined ? [] : [list];
  return statements.some((st) => isRecord(st) && st.Effect === 'Deny' && coversActions(st, deny.actions)
    && coversPrincipals(st, principalArns) && onEveryResource(st) && sameConditions(st.Condition, deny));
}

function coversActions(st: Record<string, unknown>, declared: readonly string[]): boolean {
  if (st.NotAction !== undefined) return false;
  const denied = new Set(expandActions(strings(st.Action)));
  return expandActions(declared).every((a) => denied.has(a));
}

/** `principalArns` empty: the declared Deny is for everyone, so the statement's Principal must be `*`. */
function coversPrincipals(st: Record<string, unknown>, principalArns: readonly string[]): boolean {
  if (st.NotPrincipal !== undefined) return false;
  const p = st.Principal;
  const aws = p === '*' ? ['*'] : isRecord(p) ? strings(p.AWS) : [];
  if (aws.includes('*')) return true;
  const named = new Set(aws.map((a) => a.toLowerCase()));
  return principalArns.length > 0 && principalArns.every((a) => named.has(a.toLowerCase()));
}

function onEveryResource(st: Record<string, unknown>): boolean {
  return st.NotResource === undefined && strings(st.Resource).includes('*');
}

function sameConditions(condition: unknown, deny: IntentDeny): boolean {
  const declared = entries(deny.conditions);
  const unrecorded = new Set((deny.unrecorded ?? []).map((k) => k.toLowerCase()));
  const written = entries(isRecord(condition) ? condition : undefined).filter((e) => !unrecorded.has(e.key));
  if (written.length !== declared.length) return false;
  return declared.every((d) => written.some((w) => w.operator === d.operator && w.key === d.key
    && w.values.length === d.values.length && d.values.every((v) => w.values.includes(v))));
}

/** The condition entries of a block: operator, key (lower case) and values, one per operator and key. */
function entries(block: Readonly<Record<string, unknown>> | undefined): Array<{ operator: string; key: string; values: string[] }> {
  const out: Array<{ operator: string; key: string; values: string[] }> = [];
  for (const [operator, keys] of Object.entries(block ?? {})) {
    if (!isRecord(keys)) continue;
    for (const [key, value] of Object.entries(keys)) out.push({ operator, key: key.toLowerCase(), values: [...new Set(strings(value).map(String))] });
  }
  return out;
}

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
