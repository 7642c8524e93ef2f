/**
 * A policy compiled for repeated evaluation: conditions compiled once, and statements indexed by action on first use,
 * so a decision only looks at statements that can apply to its action.
 */
import { ACTION_COUNT, ActionProfile } from './action-profile';
import { ActionPattern } from '../policy/action-pattern';
import { IssueCollector } from '../policy/issues';
import { PolicyDocument, PolicyStatement } from '../policy/policy-document';
import { PolicyKind } from '../policy/policy-kind';
import { matchesWildcard, wildcardMatcher } from '../policy/wildcard';
import { CompiledCondition, compileConditionBlock } from './conditions/compile-condition';
import { ConditionContext } from './context';
import { appendShort } from './short-list';
import { TemplateString, parseTemplate } from './variables';

/**
 * A statement ready for matching. What only explanations and candidate lists need (label, effect, Principal) is read
 * from `source`: a compiled statement carries just what searches use, as every raw scenario compiles several.
 */
export interface CompiledStatement extends ResourceMatcher {
  /** The statement as parsed: label, effect, Principal/NotPrincipal (undefined when absent), elements as written. */
  readonly source: PolicyStatement;
  readonly isAllow: boolean;
  /** Action or NotAction patterns (`notAction` tells which), matched when the policy is indexed. */
  readonly actions: readonly ActionPattern[];
  readonly notAction: boolean;
  readonly conditions: readonly CompiledCondition[];
  /** `Sid "X" of the key policy`, as explanations name the statement; made by the engine on first use. */
  explanationName?: string;
  /** The statement as results name it when it decides a check (frozen: results share it); made by the engine on first use. */
  decidingRef?: { readonly policy: string; readonly statement: string; readonly effect: 'Allow' | 'Deny' };
}

/** A statement's Resource or NotResource element. No patterns: the statement has neither (it never applies). */
export interface ResourceMatcher {
  /** NotResource. */
  readonly resourceNegated: boolean;
  /** True when some pattern holds a policy variable: matching then needs the request context. */
  readonly resourceDynamic: boolean;
  /** Wildcard patterns, or templates for patterns that hold policy variables. */
  readonly resourcePatterns: readonly (string | TemplateString)[];
}

/** What the policy knows about one action: its statements, and the candidate lists statement-match.ts keeps. */
export interface ActionIndex {
  /** The statements whose Action/NotAction covers the action. */
  readonly statements: readonly CompiledStatement[];
  /** Owned by statement-match.ts: per (caller, resource), the statements that can apply. */
  candidates: unknown[];
}

const NO_PATTERNS: readonly string[] = [];
const NO_CONDITIONS: readonly CompiledCondition[] = [];
const NO_STATEMENTS: readonly CompiledStatement[] = [];

export class CompiledPolicy {
  public readonly label: string;
  public readonly kind: PolicyKind;
  public readonly statements: readonly CompiledStatement[];
  /** The first action the policy was asked about and its index: a raw scenario asks each policy about one action. */
  private firstAction: ActionProfile | undefined;
  private firstIndex: ActionIndex | undefined;
  /** The indexes of further actions, by profile id. */
  private byId: Array<ActionIndex | undefined> | undefined;

  public constructor(doc: PolicyDocument, issues: IssueCollector) {
    this.label = doc.label;
    this.kind = doc.kind;
    const variables = doc.version === '2012-10-17';
    const conditionOptions = { variables, policyKind: doc.kind };
    // map rather than push onto []: V8 gives an array grown by push room for 17 elements.
    this.statements = doc.statements.map((s): CompiledStatement => {
      const where = s.where;
      const conditions = s.condition === undefined ? NO_CONDITIONS : compileConditionBlock(s.condition, where, conditionOptions, issues);
      const resourceList = s.resource ?? s.notResource ?? NO_PATTERNS;
      const resourceField = s.resource ? 'Resource' : 'NotResource';
      let patterns: (string | TemplateString)[] = resourceList as string[];
      let dynamic = false;
      if (variables) {
        // Templates only where a pattern holds `${`: most resources are plain patterns, kept as the written list.
        for (let i = 0; i < resourceList.length; i++) {
          const t = parseTemplate(resourceList[i], where, issues, resourceField);
          if (typeof t === 'string') continue;
          if (!dynamic) patterns = resourceList.slice();
          patterns[i] = t;
          dynamic = true;
        }
      }
      return {
        source: s,
        isAllow: s.effect === 'Allow',
        actions: s.actionPatterns,
        notAction: s.actionNegated,
        resourceNegated: s.resource === undefined && s.notResource !== undefined,
        resourceDynamic: dynamic,
        resourcePatterns: patterns,
        conditions,
      };
    });
  }

  /**
   * The statements whose Action/NotAction covers the action, and the candidate lists kept with them; built on first
   * use and memoised per action.
   */
  public actionIndex(action: ActionProfile): ActionIndex {
    if (action === this.firstAction) return this.firstIndex!;
    let index = this.byId?.[action.id];
    if (index === undefined) {
      index = this.buildIndex(action.id);
      if (this.firstAction === undefined) {
        this.firstAction = action;
        this.firstIndex = index;
      } else {
        (this.byId ??= new Array<ActionIndex | undefined>(ACTION_COUNT))[action.id] = index;
      }
    }
    return index;
  }

  /** The statements whose Action/NotAction covers the catalogue action `id`: each pattern knows which it covers. */
  private buildIndex(id: number): ActionIndex {
    let found: CompiledStatement[] | undefined;
    for (const s of this.statements) {
      const patterns = s.actions;
      let hit = false;
      for (let j = 0; j < patterns.length && !hit; j++) hit = patterns[j].covers[id] === 1;
      if (hit !== s.notAction) found = appendShort(found, s);
    }
    return { statements: found ?? NO_STATEMENTS, candidates: [] };
  }
}

/** Whether a statement's Resource/NotResource covers `resource` (a key or alias ARN, or `*` for IAM-only actions). */
export function matchesResource(r: ResourceMatcher, resource: string, ctx: ConditionContext): boolean {
  const patterns = r.resourcePatterns;
  let hit = false;
  for (let i = 0; i < patterns.length && !hit; i++) {
    const p = patterns[i];
    if (typeof p === 'string') {
      hit = matchesWildcard(p, resource);
    } else {
      // A variable without a value makes the pattern match nothing (IAM UG reference_policies_variables.md).
      const rendered = p.render(ctx, true);
      hit = rendered !== undefined && wildcardMatcher(rendered)(resource);
    }
  }
  if (patterns.length === 0) return false;
  return r.resourceNegated ? !hit : hit;
}

/** Whether every condition of a statement holds; returns the index of the first failing condition, or -1. */
export function firstFailingCondition(conditions: readonly CompiledCondition[], ctx: ConditionContext): number {
  for (let i = 0; i < conditions.length; i++) {
    if (!conditions[i].test(ctx)) return i;
  }
  return -1;
}
