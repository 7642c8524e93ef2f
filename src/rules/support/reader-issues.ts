/**
 * What the evaluator's own policy reader says about a policy: its warnings (a condition key no KMS request carries, a
 * key that exists for none of the statement's actions, a statement without Resource, ForAllValues on a single-valued
 * key, an action KMS does not have) are the knowledge the lint rules build on, so that there is one list of keys and
 * actions, the catalogue's, and one reading of each, the evaluator's. Read once per document and policy kind. Pure.
 */
import { StatementRef, statementsOf } from './statements';
import { compilePolicy } from '../../evaluator/scenario';
import { Issue, IssueCollector } from '../../policy/issues';

/** The policy kinds the rules lint: a key policy, or an identity policy of a principal of the app. */
export type LintedKind = 'key' | 'identity';

const byKind: Record<LintedKind, WeakMap<object, readonly Issue[]>> = { key: new WeakMap(), identity: new WeakMap() };

/**
 * The issues the evaluator's reader raises on a document of this kind (labelled `key policy` / `identity policy`).
 * A document that is not an object has none here: the model's readers report it.
 */
export function readerIssues(doc: unknown, kind: LintedKind): readonly Issue[] {
  if (typeof doc !== 'object' || doc === null) return [];
  const cache = byKind[kind];
  let issues = cache.get(doc);
  if (issues === undefined) {
    const collector = new IssueCollector();
    compilePolicy(doc, kind, kind === 'key' ? 'key policy' : 'identity policy', collector);
    issues = collector.issues;
    cache.set(doc, issues);
  }
  return issues;
}

/** The statement an issue is about (matched by the label the evaluator gives it), or undefined. */
export function statementOfIssue(statements: readonly StatementRef[], issue: Issue): StatementRef | undefined {
  if (issue.statement === undefined) return undefined;
  // The reader labels statements as statementsOf does (statement-label.ts): a duplicated Sid with its index.
  return statements.find((s) => s.label === issue.statement);
}

/** `Condition.<operator>.<key>` (an issue's field) as operator and key; undefined for other fields. */
export function conditionOfField(field: string | undefined): { operator: string; key: string } | undefined {
  if (field === undefined || !field.startsWith('Condition.')) return undefined;
  const rest = field.slice('Condition.'.length);
  const dot = rest.indexOf('.');
  return dot <= 0 ? undefined : { operator: rest.slice(0, dot), key: rest.slice(dot + 1) };
}

export { statementsOf };
