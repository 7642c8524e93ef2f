/** Shared helpers for the condition tests: compile one condition block and evaluate it against a request context. */
import { CompiledCondition, ConditionCompileOptions, compileConditionBlock } from '../../../src/evaluator/conditions/compile-condition';
import { ContextValue, MapContext } from '../../../src/evaluator/context';
import { Issue, IssueCollector } from '../../../src/policy/issues';

export interface Compiled {
  readonly conditions: CompiledCondition[];
  readonly issues: readonly Issue[];
}

export function compile(block: unknown, options: Partial<ConditionCompileOptions> = {}): Compiled {
  const issues = new IssueCollector();
  const conditions = compileConditionBlock(
    block,
    { policy: 'key policy', statement: 'statement #0' },
    { variables: options.variables ?? true, policyKind: options.policyKind ?? 'identity' },
    issues,
  );
  return { conditions, issues: issues.issues };
}

/** Issue codes, with severity, for compact assertions: `error:invalid-condition-value`. */
export function codes(issues: readonly Issue[]): string[] {
  return issues.map((i) => `${i.severity}:${i.code}`);
}

/**
 * Compiles `{ operator: { key: values } }` (which must compile without errors) and tests it against a request in
 * which `key` has `request` (absent when undefined) plus any `extra` keys.
 */
export function check(
  operator: string,
  key: string,
  values: unknown,
  request: ContextValue | undefined,
  extra: Record<string, ContextValue> = {},
): boolean {
  const { conditions, issues } = compile({ [operator]: { [key]: values } });
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(`unexpected errors: ${JSON.stringify(errors)}`);
  if (conditions.length !== 1) throw new Error(`expected one condition, got ${conditions.length}`);
  const ctx = new MapContext(request === undefined ? extra : { ...extra, [key]: request });
  return conditions[0].test(ctx);
}

/** Renders a request value for test titles. */
export function showRequest(request: ContextValue | undefined): string {
  return request === undefined ? 'no such key' : JSON.stringify(request);
}

/** One table row: operator, policy value(s), request value (undefined: key absent), expected result. */
export type Row = [operator: string, values: unknown, request: ContextValue | undefined, expected: boolean];

/** Prefixes each row with a GIVEN/WHEN/THEN title for `test.each(...)('%s', ...)`. */
export function titled(key: string, rows: readonly Row[]): Array<[string, ...Row]> {
  return rows.map((r) => [
    `GIVEN ${r[0]} ${key} ${JSON.stringify(r[1])} WHEN the request has ${showRequest(r[2])} THEN the condition is ${r[3]}`,
    ...r,
  ]);
}
