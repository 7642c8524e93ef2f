/**
 * A policy compiled for repeated evaluation: wildcard matchers built once, conditions parsed once, and statements
 * indexed by action on first use, so a decision only looks at statements that can apply to its action.
 */
import { IssueCollector } from '../policy/issues';
import { PolicyDocument, PolicyStatement } from '../policy/policy-document';
import { PolicyKind } from '../policy/policy-kind';
import { PrincipalEntry } from '../policy/principal';
import { StringMatcher, wildcardMatcher } from '../policy/wildcard';
import { CompiledCondition, compileConditionBlock } from './conditions/compile-condition';
import { ConditionContext } from './context';
import { TemplateString, parseTemplate } from './variables';

export interface CompiledStatement {
  readonly index: number;
  readonly label: string;
  readonly effect: 'Allow' | 'Deny';
  readonly isAllow: boolean;
  /** Undefined when the statement has no Principal element (identity-side policies). */
  readonly principal?: readonly PrincipalEntry[];
  readonly notPrincipal?: readonly PrincipalEntry[];
  /** Resource patterns; `negated` for NotResource. Empty patterns: the statement has no Resource (never applies). */
  readonly resources: ResourceMatcher;
  readonly conditions: readonly CompiledCondition[];
  readonly source: PolicyStatement;
}

export interface ResourceMatcher {
  readonly negated: boolean;
  /** True when some pattern holds a policy variable: matching then needs the request context. */
  readonly dynamic: boolean;
  readonly patterns: readonly (StringMatcher | TemplateString)[];
  readonly written: readonly string[];
}

export class CompiledPolicy {
  public readonly label: string;
  public readonly kind: PolicyKind;
  public readonly statements: readonly CompiledStatement[];
  private readonly actionMatchers: ReadonlyArray<{ readonly negated: boolean; readonly matchers: readonly StringMatcher[] }>;
  private readonly byAction = new Map<string, readonly CompiledStatement[]>();
  /** Per action: the statements that can apply to a (caller, resource) pair; owned by statement-match.ts. */
  public readonly candidateCache = new Map<string, unknown>();

  public constructor(doc: PolicyDocument, issues: IssueCollector) {
    this.label = doc.label;
    this.kind = doc.kind;
    const variables = doc.version === '2012-10-17';
    const statements: CompiledStatement[] = [];
    const actionMatchers: Array<{ negated: boolean; matchers: StringMatcher[] }> = [];
    for (const s of doc.statements) {
      const where = { policy: doc.label, statement: s.label };
      const conditions = s.condition === undefined ? [] : compileConditionBlock(s.condition, where, { variables, policyKind: doc.kind }, issues);
      const resourceList = s.resource ?? s.notResource ?? [];
      const patterns = resourceList.map((r) => {
        const t = variables ? parseTemplate(r, { ...where, field: s.resource ? 'Resource' : 'NotResource' }, issues) : r;
        return typeof t === 'string' ? wildcardMatcher(t) : t;
      });
      statements.push({
        index: s.index,
        label: s.label,
        effect: s.effect,
        isAllow: s.effect === 'Allow',
        principal: s.principal,
        notPrincipal: s.notPrincipal,
        resources: {
          negated: s.resource === undefined && s.notResource !== undefined,
          dynamic: patterns.some((p) => typeof p !== 'function'),
          patterns,
          written: resourceList,
        },
        conditions,
        source: s,
      });
      const actions = s.action ?? s.notAction ?? [];
      actionMatchers.push({ negated: s.action === undefined, matchers: actions.map((a) => wildcardMatcher(a, true)) });
    }
    this.statements = statements;
    this.actionMatchers = actionMatchers;
  }

  /** The statements whose Action/NotAction covers `lowerAction` (e.g. `kms:decrypt`), memoised per action. */
  public forAction(lowerAction: string): readonly CompiledStatement[] {
    let list = this.byAction.get(lowerAction);
    if (list === undefined) {
      list = this.statements.filter((_, i) => {
        const { negated, matchers } = this.actionMatchers[i];
        const hit = matchers.some((m) => m(lowerAction));
        return negated ? !hit : hit;
      });
      this.byAction.set(lowerAction, list);
    }
    return list;
  }
}

/** Whether a statement's Resource/NotResource covers `resource` (a key or alias ARN, or `*` for IAM-only actions). */
export function matchesResource(r: ResourceMatcher, resource: string, ctx: ConditionContext): boolean {
  const patterns = r.patterns;
  let hit = false;
  for (let i = 0; i < patterns.length && !hit; i++) {
    const p = patterns[i];
    if (typeof p === 'function') {
      hit = p(resource);
    } else {
      // A variable without a value makes the pattern match nothing (IAM UG reference_policies_variables.md).
      const rendered = p.render(ctx, true);
      hit = rendered !== undefined && wildcardMatcher(rendered)(resource);
    }
  }
  if (patterns.length === 0) return false;
  return r.negated ? !hit : hit;
}

/** Whether every condition of a statement holds; returns the index of the first failing condition, or -1. */
export function firstFailingCondition(conditions: readonly CompiledCondition[], ctx: ConditionContext): number {
  for (let i = 0; i < conditions.length; i++) {
    if (!conditions[i].test(ctx)) return i;
  }
  return -1;
}
