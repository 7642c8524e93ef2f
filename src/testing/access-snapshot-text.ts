/**
 * The text of an access snapshot (KeyAccessSnapshot): one line per key, then per subject and capability its answer
 * with the condition sets that allow it, in the analysis' order. It is meant to be committed (jest
 * `toMatchSnapshot()`), so it holds nothing that changes between environments or syntheses: principals of the app by
 * construct path, representatives by what they stand for, account ids and Regions of the app as `${Account}` /
 * `${Region}` (numbered when the app has several), VPC endpoint ids by the endpoint's construct path, and no Sid
 * (GuardedKmsKey derives Sids from statement content, which holds ARNs). Pure: imports no aws-cdk-lib.
 */
import { ANSWER_ORDER, AccessPath, KeyAccess, SubjectAccess } from '../analysis/access/model';
import { displayPath } from '../analysis/access/subjects';
import { AppModel } from '../app-model/app-model';
import { requirementText } from '../report/describe';

/** Replaces environment-specific values (accounts, Regions, endpoint ids) by stable names. */
export class EnvironmentScrubber {
  private readonly replacements: Array<[RegExp, string]> = [];

  public constructor(model: AppModel) {
    const accounts = unique([...model.stacks.map((s) => s.account), ...model.keys.map((k) => k.account), ...model.principals.map((p) => p.account)]);
    const regions = unique([...model.stacks.map((s) => s.region), ...model.keys.map((k) => k.region)]);
    // Endpoint ids first: they are derived from the account and Region, so they must go before those do.
    for (const e of model.endpoints) this.replacements.push([new RegExp(escape(e.id), 'g'), `<endpoint ${displayPath(e)}>`]);
    accounts.forEach((a, i) => this.replacements.push([new RegExp(`(?<!\\d)${escape(a)}(?!\\d)`, 'g'), accounts.length === 1 ? '${Account}' : `\${Account${i + 1}}`]));
    // Longest first, so that `us-east-1` is not replaced inside `us-east-10` (not a real Region, but cheap to be safe).
    [...regions].sort((a, b) => b.length - a.length).forEach((r) => {
      const n = regions.indexOf(r);
      this.replacements.push([new RegExp(`(?<![a-z0-9-])${escape(r)}(?![a-z0-9])`, 'g'), regions.length === 1 ? '${Region}' : `\${Region${n + 1}}`]);
    });
  }

  public scrub(text: string): string {
    let out = text;
    for (const [pattern, name] of this.replacements) out = out.replace(pattern, name);
    return out;
  }
}

/** How a subject is named in a snapshot: stable across accounts, Regions and generated names. */
export function subjectName(s: SubjectAccess['subject']): string {
  switch (s.kind) {
    case 'app-principal': return s.label;
    case 'deployer': return `deployer of ${s.stackName ?? s.id.replace(/^deployer:/, '')}`;
    case 'account-root': return `root of account ${s.account}`;
    case 'account-principal': return "any principal of the key's account given an IAM policy allowing kms:*";
    case 'organization-principal': return "a principal of another account of the key's organization";
    case 'anyone': return 'anyone outside the app';
    case 'any-service': return 'any AWS service the policies do not name';
    case 'service': return `service ${s.arn}`;
    default: return `${s.arn} (not in the app)`;
  }
}

/** `encryption context app=orders and via s3.${Region}.amazonaws.com`, or `plain request`; `?` marks uncertain paths. */
export function pathConditions(p: AccessPath): string {
  const text = p.requires.length === 0 ? 'plain request' : p.requires.map(requirementText).join(' and ');
  return p.certain ? text : `${text} (if values unknown offline allow it)`;
}

/** The snapshot text of analysed keys. */
export function snapshotText(model: AppModel, keys: readonly KeyAccess[]): string {
  const scrubber = new EnvironmentScrubber(model);
  const lines: string[] = [];
  for (const k of keys) {
    const path = k.key.constructPath?.replace(/\/Resource$/, '') ?? `${k.key.stackName}/${k.key.logicalId}`;
    const aliases = k.key.aliases.length > 0 ? ` (${k.key.aliases.join(', ')})` : '';
    lines.push(`key ${path}${aliases} ${k.key.keySpec} ${k.key.keyUsage}${k.evaluated ? '' : ': NOT EVALUATED'}`);
    for (const s of k.subjects) {
      const who = subjectName(s.subject);
      const shown = s.capabilities.filter((c) => c.usable && c.answer !== 'denied');
      if (shown.length === 0) {
        lines.push(`  ${who}: denied`);
        continue;
      }
      for (const c of shown) {
        const usable = c.actions.filter((a) => a.usable !== false);
        // One line per answer of the capability; the actions are named when the answer is not every action's.
        for (const answer of ANSWER_ORDER.filter((x) => x !== 'denied')) {
          const actions = usable.filter((a) => a.answer === answer);
          if (actions.length === 0) continue;
          const paths = actions.flatMap((a) => a.paths ?? []);
          const conditions = answer === 'allowed' ? [] : unique(paths.filter((p) => answer === 'uncertain' || p.certain).map(pathConditions));
          const some = actions.length < usable.length ? ` (${actions.map((a) => a.action.replace(/^kms:/, '')).join(', ')})` : '';
          lines.push(`  ${who}: ${c.capability}${some} ${answer}${conditions.length > 0 ? `: ${conditions.join(' | ')}` : ''}`);
        }
      }
    }
  }
  return scrubber.scrub(lines.join('\n')) + '\n';
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
