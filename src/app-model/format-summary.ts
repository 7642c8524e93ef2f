/**
 * A short human-readable rendering of access summaries: a line per key, a line per principal that can do something,
 * then the notes. Actions are grouped by what they need ("with encryption context app=orders"), the plain ones first.
 */
import type { AllowedAction, KeyAccessSummary } from './access-summary';

/** Renders the summaries, keys separated by a blank line. */
export function formatSummary(summaries: readonly KeyAccessSummary[]): string {
  return summaries.map(formatKey).join('\n\n');
}

function formatKey(s: KeyAccessSummary): string {
  const path = s.key.constructPath?.replace(/\/Resource$/, '') ?? `${s.key.stackName}/${s.key.logicalId}`;
  const lines = [`key ${path}${s.key.aliases.length > 0 ? ` (${s.key.aliases.join(', ')})` : ''}: ${s.key.arn}`];
  const without: string[] = [];
  for (const e of s.entries) {
    if (e.allowed.length === 0) without.push(e.principal.label);
    else lines.push(`  ${e.principal.label}: ${formatAllowed(e.allowed)}${e.lockoutRisk ? ' (the only one that can call PutKeyPolicy)' : ''}`);
    for (const n of e.notes) if (e.allowed.length > 0) lines.push(`    note: ${n}`);
  }
  if (without.length > 0) lines.push(`  no access: ${without.length <= 6 ? without.join('; ') : `${without.slice(0, 6).join('; ')} and ${without.length - 6} more`}`);
  for (const n of s.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

/** `Decrypt, Encrypt; GenerateDataKey [with encryption context app=orders]; Sign [possibly: depends on unresolved values]`. */
export function formatAllowed(allowed: readonly AllowedAction[]): string {
  const groups = new Map<string, string[]>();
  for (const a of allowed) {
    const qualifier = qualifierOf(a);
    const list = groups.get(qualifier) ?? [];
    const name = a.action.replace(/^kms:/, '');
    if (!list.includes(name)) list.push(name);
    groups.set(qualifier, list);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : 0));
  return ordered.map(([qualifier, names]) => `${names.join(', ')}${qualifier ? ` [${qualifier}]` : ''}`).join('; ');
}

function qualifierOf(a: AllowedAction): string {
  const parts: string[] = [];
  if (a.uncertain) parts.push('possibly: depends on unresolved values');
  if (a.encryptionContext) parts.push(`with encryption context ${Object.entries(a.encryptionContext).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (a.via) parts.push(`only via ${a.via}`);
  if (a.endpoint) parts.push(`only through ${a.endpoint}`);
  return parts.join(', ');
}
