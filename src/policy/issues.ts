/**
 * Problems found in the input: a malformed policy, an unknown operator, a bad ARN, a scenario missing a field.
 *
 * Errors make the input unevaluable (the evaluator then refuses to allow anything); warnings flag input that
 * evaluates but probably does not do what its author meant (a condition key that KMS ignores in a key policy).
 * Codes are stable: tests, rule packs and users match on them, so never rename one.
 */
export type IssueSeverity = 'error' | 'warning';

export interface Issue {
  /** Stable, kebab-case code, e.g. `unknown-condition-operator`. */
  readonly code: string;
  readonly severity: IssueSeverity;
  /** Lower-case sentence: what is wrong, the value received, what was expected, how to fix it. */
  readonly message: string;
  /** Which policy: `key policy`, `identity policy #0`, `SCP #1`, `permissions boundary`, `VPC endpoint policy`, ... */
  readonly policy?: string;
  /** `Sid "Foo"` or `statement #2` when the problem is inside a statement. */
  readonly statement?: string;
  /** JSON-path-like field inside the policy or scenario: `Condition.StringEquals.kms:CallerAccount`. */
  readonly field?: string;
}

/** Where in the input a problem is: filled into every issue raised while reading that part. */
export interface IssueLocation {
  readonly policy?: string;
  readonly statement?: string;
  readonly field?: string;
}

/** Collects issues while a piece of input is read; the reader never throws on bad input. */
export class IssueCollector {
  /** Made by the first issue: most input has none, and a collector is made for every request evaluated. */
  private list: Issue[] | undefined = undefined;
  private errors = 0;

  /** The issues collected so far, in order. */
  public get issues(): readonly Issue[] {
    return this.list ?? NO_ISSUES;
  }

  /**
   * @param field when given, replaces `where.field`: a reader keeps one location per policy or statement and names
   *   the field only when something is wrong, rather than building a location object per field up front.
   */
  public error(code: string, message: string, where: IssueLocation = NOWHERE, field?: string): void {
    this.errors++;
    (this.list ??= []).push(makeIssue(code, 'error', message, where, field));
  }

  /** @param field as for {@link error} */
  public warning(code: string, message: string, where: IssueLocation = NOWHERE, field?: string): void {
    (this.list ??= []).push(makeIssue(code, 'warning', message, where, field));
  }

  public get hasErrors(): boolean {
    return this.errors > 0;
  }

  /** How many errors have been collected: a reader compares counts to learn whether a part of the input added one. */
  public get errorCount(): number {
    return this.errors;
  }
}

const NOWHERE: IssueLocation = {};
const NO_ISSUES: readonly Issue[] = Object.freeze([]);

/** Renders a value for an error message: short, JSON, never throws (cycles, BigInt). */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** An issue with only the location fields that are set, in a fixed order: code, severity, message, policy, statement, field. */
function makeIssue(code: string, severity: IssueSeverity, message: string, where: IssueLocation, field: string | undefined): Issue {
  const issue: { -readonly [K in keyof Issue]: Issue[K] } = { code, severity, message };
  if (where.policy !== undefined) issue.policy = where.policy;
  if (where.statement !== undefined) issue.statement = where.statement;
  const f = field ?? where.field;
  if (f !== undefined) issue.field = f;
  return issue;
}
