/**
 * `kms-guard diff OLD_DIR NEW_DIR [--format text|json|markdown] [--fail-on-new-access]`: analyses two synthesized
 * versions of an app (the effective-access analysis of `kms-guard report`) and prints the access added and removed,
 * per key, principal, actions and condition set (src/report/access-diff.ts says how they are compared). Made for a
 * pull request: synthesize the base and the change, and fail the build when the change gives anyone new access.
 *
 * Exit status: 0; 1 with `--fail-on-new-access` when some access was added or became uncertain (see
 * failsOnNewAccess), or on a usage error; 2 when either cloud assembly cannot be read.
 */
import { CAPABILITIES } from '../analysis/access/capabilities';
import { KeyAccess, Requirement } from '../analysis/access/model';
import { analyzeKeys } from '../analysis/effective-access';
import { buildAppModel } from '../app-model/app-model';
import { readCloudAssembly } from '../app-model/cloud-assembly';
import { AccessChange, AccessDiff, diffAccess, failsOnNewAccess } from '../report/access-diff';
import { requirementText } from '../report/describe';

export const DIFF_USAGE = 'kms-guard diff OLD_DIR NEW_DIR [--format text|json|markdown] [--fail-on-new-access]';

export interface DiffArgs {
  readonly oldDir: string;
  readonly newDir: string;
  readonly format: 'text' | 'json' | 'markdown';
  readonly failOnNewAccess: boolean;
}

export interface DiffIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const FORMATS = ['text', 'json', 'markdown'] as const;

/** Parses the arguments after `diff`; a string is the usage error. */
export function parseDiffArgs(args: readonly string[]): DiffArgs | string {
  const dirs: string[] = [];
  let format: DiffArgs['format'] = 'text';
  let failOnNewAccess = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--format') {
      const v = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (!FORMATS.includes(v as DiffArgs['format'])) return `--format needs one of ${FORMATS.join(', ')}, got ${JSON.stringify(v ?? '')}`;
      format = v as DiffArgs['format'];
    } else if (arg === '--fail-on-new-access') {
      failOnNewAccess = true;
    } else if (arg.startsWith('-') && arg !== '-') {
      return `unknown option ${arg}`;
    } else {
      dirs.push(arg);
    }
  }
  if (dirs.length !== 2) return `diff needs two cloud assembly directories, OLD_DIR and NEW_DIR, got ${dirs.length}${dirs.length > 0 ? ` (${dirs.map((d) => JSON.stringify(d)).join(', ')})` : ''}`;
  return { oldDir: dirs[0], newDir: dirs[1], format, failOnNewAccess };
}

/** Runs `diff` and returns the exit status. */
export function runDiff(args: DiffArgs, io: DiffIo): number {
  const sides: KeyAccess[][] = [];
  for (const dir of [args.oldDir, args.newDir]) {
    try {
      sides.push([...analyzeKeys(buildAppModel(readCloudAssembly(dir)))]);
    } catch (e) {
      io.err(`kms-guard: ${dir}: cannot read a cloud assembly: ${(e as Error).message}`);
      return 2;
    }
  }
  const diff = diffAccess(sides[0], sides[1]);
  const lines = args.format === 'json'
    ? [JSON.stringify({ tool: 'kms-guard', old: args.oldDir, new: args.newDir, ...diff }, undefined, 2)]
    : args.format === 'markdown' ? diffMarkdown(diff, args) : diffText(diff, args);
  for (const line of lines) io.out(line);
  const fails = args.failOnNewAccess && failsOnNewAccess(diff);
  if (fails) io.err(`kms-guard: diff: new access (${diff.counts.added} added, ${diff.counts.becameUncertain} became uncertain${diff.keysNotEvaluated.some((k) => k.side === 'new') ? ', a key that cannot be evaluated' : ''}) and --fail-on-new-access`);
  return fails ? 1 : 0;
}

const MARK: Record<AccessChange['kind'], string> = { 'added': '+', 'removed': '-', 'became-uncertain': '?', 'no-longer-uncertain': '~' };

/** `decrypt (Decrypt, ReEncryptFrom), describe (DescribeKey)`. */
export function actionsText(c: AccessChange): string {
  const byCapability = new Map<string, string[]>();
  for (const a of c.actions) {
    const cap = CAPABILITY_BY_ACTION.get(a) ?? c.capabilities[0];
    byCapability.set(cap, [...byCapability.get(cap) ?? [], a.replace(/^kms:/, '')]);
  }
  return [...byCapability.entries()].map(([cap, actions]) => `${cap} (${actions.join(', ')})`).join(', ');
}

const CAPABILITY_BY_ACTION = new Map<string, string>(CAPABILITIES.flatMap((cap) => cap.actions.map((a): [string, string] => [a, cap.id])));

export function conditionSetText(requires: readonly Requirement[]): string {
  return requires.length === 0 ? 'with a plain request' : `only ${requires.map(requirementText).join(' and ')}`;
}

function changeText(c: AccessChange): string {
  const extra = c.kind === 'removed' ? (c.nowUncertain ? ' (NEW may still allow it: uncertain)' : c.narrowed ? ' (narrowed: still allowed under other conditions)' : '') : '';
  return `${actionsText(c)} ${conditionSetText(c.requires)}${extra}${c.statements.length > 0 ? ` [${c.statements.join('; ')}]` : ''}`;
}

function summary(diff: AccessDiff): string {
  const c = diff.counts;
  return `${c.added} added, ${c.removed} removed, ${c.becameUncertain} became uncertain, ${c.noLongerUncertain} no longer uncertain; ${diff.keysAdded.length} key(s) added, ${diff.keysRemoved.length} removed`;
}

/** One line per change, under its key and subject: `+` added, `-` removed, `?` became uncertain, `~` no longer uncertain. */
export function diffText(diff: AccessDiff, args: Pick<DiffArgs, 'oldDir' | 'newDir'>): string[] {
  const lines = [`kms-guard diff ${args.oldDir} -> ${args.newDir}: ${summary(diff)}`];
  for (const k of diff.keysAdded) lines.push(`key added: ${k.path}`);
  for (const k of diff.keysRemoved) lines.push(`key removed: ${k.path}`);
  for (const k of diff.keysNotEvaluated) lines.push(`key ${k.key} cannot be evaluated in ${k.side === 'old' ? 'OLD' : 'NEW'}: ${k.reason}`);
  let lastKey: string | undefined;
  let lastSubject: string | undefined;
  for (const c of [...diff.changes].sort((a, b) => a.key.localeCompare(b.key) || a.subject.localeCompare(b.subject))) {
    if (c.key !== lastKey) {
      lines.push(`key ${c.key}`);
      lastKey = c.key;
      lastSubject = undefined;
    }
    if (c.subject !== lastSubject) {
      lines.push(`  ${c.subjectLabel}`);
      lastSubject = c.subject;
    }
    lines.push(`    ${MARK[c.kind]} ${changeText(c)}`);
  }
  if (diff.changes.length === 0 && diff.keysAdded.length === 0 && diff.keysRemoved.length === 0) lines.push('no change in who can use the keys');
  return lines;
}

/** A markdown section for a pull request: the summary, then a table of changes. */
export function diffMarkdown(diff: AccessDiff, args: Pick<DiffArgs, 'oldDir' | 'newDir'>): string[] {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`## KMS key access: ${cell(args.oldDir)} → ${cell(args.newDir)}`, '', summary(diff), ''];
  for (const k of diff.keysAdded) lines.push(`- key added: \`${cell(k.path)}\``);
  for (const k of diff.keysRemoved) lines.push(`- key removed: \`${cell(k.path)}\``);
  for (const k of diff.keysNotEvaluated) lines.push(`- key \`${cell(k.key)}\` cannot be evaluated in ${k.side === 'old' ? 'OLD' : 'NEW'}: ${cell(k.reason)}`);
  if (diff.keysAdded.length + diff.keysRemoved.length + diff.keysNotEvaluated.length > 0) lines.push('');
  if (diff.changes.length === 0) {
    lines.push('No change in who can use the keys.');
    return lines;
  }
  const words: Record<AccessChange['kind'], string> = { 'added': 'added', 'removed': 'removed', 'became-uncertain': 'became uncertain', 'no-longer-uncertain': 'no longer uncertain' };
  lines.push('| change | key | principal | actions | condition set | statements |', '|---|---|---|---|---|---|');
  for (const c of diff.changes) {
    const kind = c.kind === 'removed' && c.narrowed ? 'narrowed' : words[c.kind];
    lines.push(`| ${kind} | \`${cell(c.key)}\` | ${cell(c.subjectLabel)} | ${cell(actionsText(c))} | ${cell(conditionSetText(c.requires))} | ${cell(c.statements.join('; '))} |`);
  }
  return lines;
}
