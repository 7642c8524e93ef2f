/**
 * Finds what a person names on the command line or in a test (a key, a principal, an action) in an app model and
 * in the subjects the effective-access analysis asks about, the way the report shows them: construct paths (with or
 * without the trailing `/Resource`), `Stack/LogicalId`, ARNs, alias names, subject ids (`anyone`, `deployer:Stack`).
 * Shared by `kms-guard explain` and the access snapshots (src/testing), so both read a name the same way. When
 * nothing matches, the error names what was given and lists the nearest names that would have matched. Pure.
 */
import { SubjectSpec, displayPath, namedSpec, rootSpec, serviceSpec } from '../analysis/access/subjects';
import { AppModel, KmsKeyModel, PrincipalModel } from '../app-model/app-model';
import { ALL_KMS_ACTIONS, canonicalAction, actionFacts } from '../policy/catalogue';
import { parseAwsPrincipal, isServicePrincipal } from '../policy/principal';

/** A name that matched nothing: the message says what was given, what was expected, and the nearest candidates. */
export class LookupError extends Error {
  public constructor(message: string, public readonly candidates: readonly string[]) {
    super(message);
    this.name = 'LookupError';
  }
}

/** The names a key answers to: its construct path (with and without `/Resource`), `Stack/LogicalId`, ARN, aliases. */
export function keyNames(key: KmsKeyModel): string[] {
  return [displayPath(key), ...(key.constructPath ? [key.constructPath] : []), `${key.stackName}/${key.logicalId}`, key.arn, ...key.aliases];
}

/**
 * The key `ref` names. Without `ref`, the app's only key.
 * @throws LookupError when no key (or several) answer to it
 */
export function findKey(model: AppModel, ref: string | undefined): KmsKeyModel {
  const all = model.keys.map(displayPath);
  if (ref === undefined) {
    if (model.keys.length === 1) return model.keys[0];
    throw new LookupError(model.keys.length === 0
      ? 'the app has no KMS key (AWS::KMS::Key or AWS::KMS::ReplicaKey) to ask about'
      : `the app has ${model.keys.length} KMS keys: name one by construct path (${all.slice(0, 5).join(', ')}${all.length > 5 ? ', ...' : ''})`, all);
  }
  const found = model.keys.filter((k) => keyNames(k).some((n) => sameName(n, ref)));
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new LookupError(`${JSON.stringify(ref)} names ${found.length} keys (${found.map(displayPath).join(', ')}): give the construct path`, found.map(displayPath));
  }
  throw notFound('key', ref, all, 'a construct path (Stack/Key), Stack/LogicalId, a key ARN or an alias name (alias/x)');
}

/**
 * The subject `ref` names, among the subjects the analysis asks about for a key, else an app principal the key's
 * policies do not reach (asked like any other: its policies are known), else a principal outside the app named by
 * ARN (an account, a role, a user, a session: its IAM policies are unknown) or a service principal.
 * @throws LookupError when `ref` is none of these
 */
export function findSubject(
  model: AppModel, key: KmsKeyModel, subjects: readonly SubjectSpec[], ref: string, placeholderAccount: boolean,
): { readonly spec: SubjectSpec; readonly asked: boolean } | { readonly principal: PrincipalModel } {
  const asked = subjects.find((s) => subjectNames(s).some((n) => sameName(n, ref)));
  if (asked) return { spec: asked, asked: true };
  const own = model.principals.filter((p) => principalNames(p).some((n) => sameName(n, ref)));
  if (own.length === 1) return { principal: own[0] };
  if (own.length > 1) {
    throw new LookupError(`${JSON.stringify(ref)} names ${own.length} principals of the app (${own.map(displayPath).join(', ')}): give the construct path`, own.map(displayPath));
  }
  if (isServicePrincipal(ref)) return { spec: serviceSpec(ref.toLowerCase(), false), asked: false };
  if (ref.startsWith('arn:')) {
    const entry = parseAwsPrincipal(ref);
    if (!('error' in entry)) {
      if (entry.type === 'account') return { spec: rootSpec(key.partition, entry.account, key, placeholderAccount), asked: false };
      if (entry.type === 'role' || entry.type === 'user' || entry.type === 'session' || entry.type === 'federated-user') {
        return { spec: namedSpec(ref, key, placeholderAccount, undefined), asked: false };
      }
    }
  } else if (/^\d{12}$/.test(ref)) {
    return { spec: rootSpec(key.partition, ref, key, placeholderAccount), asked: false };
  }
  const candidates = [...subjects.map((s) => s.access.constructPath ? displayPath({ stackName: '', logicalId: '', constructPath: s.access.constructPath }) : s.access.id), ...model.principals.map(displayPath)];
  throw notFound('principal', ref, [...new Set(candidates)],
    'the construct path of a role or user of the app (Stack/Role), a role, user or session ARN, an account id, a service principal (logs.us-east-1.amazonaws.com) or a subject of the report (anyone, account-principal, deployer:Stack)');
}

/**
 * The catalogue's spelling of a KMS key action (`kms:decrypt` and `Decrypt` are `kms:Decrypt`).
 * @throws LookupError for an action KMS does not have, or one that takes no key
 */
export function findKeyAction(action: string): string {
  const withPrefix = action.includes(':') ? action : `kms:${action}`;
  const canonical = canonicalAction(withPrefix);
  const keyActions = ALL_KMS_ACTIONS.filter((a) => actionFacts(a)?.keyResource);
  if (canonical !== undefined && actionFacts(canonical)?.keyResource) return canonical;
  if (canonical !== undefined) {
    throw new LookupError(`${canonical} does not act on a key (its resource is "*"), so no key's policies decide it: ask about a key action such as kms:Decrypt`, []);
  }
  throw notFound('action', action, keyActions, 'a KMS key action such as kms:Decrypt or kms:GenerateDataKey');
}

function subjectNames(s: SubjectSpec): string[] {
  const a = s.access;
  const names = [a.id, a.arn];
  if (a.constructPath !== undefined) names.push(a.constructPath, a.constructPath.replace(/\/Resource$/, ''));
  if (a.stackName !== undefined && a.logicalId !== undefined) names.push(`${a.stackName}/${a.logicalId}`);
  if (a.id.startsWith('app:')) names.push(a.id.slice('app:'.length));
  return names;
}

function principalNames(p: PrincipalModel): string[] {
  return [displayPath(p), ...(p.constructPath ? [p.constructPath] : []), `${p.stackName}/${p.logicalId}`, p.arn];
}

/** ARNs compare without regard to case (IAM names are case-insensitive); paths and ids exactly. */
function sameName(name: string, ref: string): boolean {
  return name === ref || (ref.startsWith('arn:') && name.toLowerCase() === ref.toLowerCase());
}

function notFound(what: string, ref: string, names: readonly string[], expected: string): LookupError {
  const nearest = nearestNames(ref, names, 5);
  return new LookupError(
    `no ${what} ${JSON.stringify(ref)} in the app: expected ${expected}.${nearest.length > 0 ? ` Nearest: ${nearest.join(', ')}` : ''}`,
    nearest,
  );
}

/** The `limit` names closest to `ref` by edit distance (case-insensitive), closest first, ties in the given order. */
export function nearestNames(ref: string, names: readonly string[], limit: number): string[] {
  const r = ref.toLowerCase();
  return [...new Set(names)]
    .map((n, i) => ({ n, i, d: editDistance(r, n.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.n);
}

/** Levenshtein distance, two rows; names are short (paths, ARNs), so O(n*m) is cheap. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_x, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
