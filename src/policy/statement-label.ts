/**
 * How every layer names a policy statement: `Sid "X"`, or `statement #2` for one without a Sid. The evaluator's
 * explanations and issues, the access analysis, the readiness checks and the rules' finding ids (`Statement::X`,
 * `Statement::2`) all name statements this way, and some find a statement again by its name, so the naming lives here
 * once.
 *
 * A Sid does not always name one statement. Two statements may share it: IAM rejects that in an identity policy ("In
 * IAM, the Sid value must be unique within a JSON policy", reference_policies_elements_sid.md), and the KMS pages do not
 * say whether a key policy may. Or a Sid may be the index of a statement without a Sid (`"Sid": "2"` beside an unnamed
 * statement #2), and both would get the finding id `Statement::2`. Named by the Sid alone, such statements would share
 * their explanations and their finding id, so acknowledging one finding would silence the other. Such a Sid is named
 * with the statement's index: `Sid "X" (statement #3)`, finding id `Statement::X#3`. Pure.
 */
import { MAX_STRING_LENGTH } from './issues';

const NONE: ReadonlySet<string> = new Set();

/** The Sid a statement is named by: a non-empty string within the reader's length bound; otherwise none. */
export function sidOf(statement: unknown): string | undefined {
  if (typeof statement !== 'object' || statement === null) return undefined;
  const sid = (statement as Record<string, unknown>).Sid;
  return typeof sid === 'string' && sid !== '' && sid.length <= MAX_STRING_LENGTH ? sid : undefined;
}

/**
 * The Sids of `statements` that do not name one statement alone: shared by two statements, or equal to the index of
 * a statement without a Sid. `sid` reads a statement's Sid (a caller may leave out Sids unknown offline). Linear: a
 * policy read from an app may hold any number of statements.
 */
export function ambiguousSids(statements: readonly unknown[], sid: (statement: unknown) => string | undefined = sidOf): ReadonlySet<string> {
  if (statements.length < 2) return NONE;
  const seen = new Set<string>();
  let out: Set<string> | undefined;
  let unnamed = false;
  for (const statement of statements) {
    const s = sid(statement);
    if (s === undefined) unnamed = true;
    else if (seen.has(s)) (out ??= new Set()).add(s);
    else seen.add(s);
  }
  if (unnamed) {
    for (let i = 0; i < statements.length; i++) {
      if (sid(statements[i]) === undefined && seen.has(String(i))) (out ??= new Set()).add(String(i));
    }
  }
  return out ?? NONE;
}

/** `Sid "X"`, `Sid "X" (statement #3)` for an ambiguous Sid (`ambiguousSids`), or `statement #3` without a Sid. */
export function statementLabel(sid: string | undefined, index: number, ambiguous: boolean): string {
  if (sid === undefined) return `statement #${index}`;
  return ambiguous ? `Sid "${sid}" (statement #${index})` : `Sid "${sid}"`;
}

/** The label of each statement of a list, in order. */
export function statementLabels(statements: readonly unknown[], sid: (statement: unknown) => string | undefined = sidOf): string[] {
  const ambiguous = ambiguousSids(statements, sid);
  return statements.map((s, i) => {
    const own = sid(s);
    return statementLabel(own, i, own !== undefined && ambiguous.has(own));
  });
}

const INDEX_ONLY = /^statement #(\d+)$/;
const SID_AND_INDEX = /^Sid "(.*)" \(statement #(\d+)\)$/s;
const SID_ONLY = /^Sid "(.*)"$/s;

/**
 * The part of a finding id (`Statement::<part>`) that names the statement of a label: `X`, `X#3` for an ambiguous Sid,
 * `3` without a Sid.
 */
export function statementIdPart(label: string): string {
  const index = INDEX_ONLY.exec(label);
  if (index) return index[1];
  const both = SID_AND_INDEX.exec(label);
  if (both) return `${both[1]}#${both[2]}`;
  const sid = SID_ONLY.exec(label);
  return sid ? sid[1] : label;
}

/** The statement index a label gives (`statement #3`, `Sid "X" (statement #3)`); undefined for `Sid "X"`. */
export function labelIndex(label: string): number | undefined {
  const m = INDEX_ONLY.exec(label) ?? SID_AND_INDEX.exec(label);
  return m ? Number(m[m.length - 1]) : undefined;
}
