/**
 * ARN condition operators (reference_policies_elements_condition_operators.md, "Amazon Resource Name (ARN) condition
 * operators"): "Each of the six colon-delimited components of the ARN is checked separately and each can include
 * multi-character match wildcards (*) or single-character match wildcards (?)". "The ArnEquals and ArnLike condition
 * operators behave identically", as do ArnNotEquals and ArnNotLike. Matching is case-sensitive; policy variables are
 * allowed (same page, and reference_policies_variables.md).
 *
 * The six components are `arn`, partition, service, region, account and resource; the resource is everything after
 * the fifth colon and may itself hold colons (`function:my-fn:prod`). A wildcard in the first five components stays
 * inside its component (the page's example: `*` in the region position matches `us-east-2` but not
 * `us-east-2:999999999999:store/abc:`); in the resource it may match colons.
 * [choice] A pattern or request value with fewer than six components is not an ARN and matches nothing (ArnLike
 * false, ArnNotLike true); a fixed pattern of that kind (even a bare `*`) draws an `invalid-arn-pattern` warning, and
 * StringLike is the operator for whole-string wildcards.
 */
import { MAX_STRING_LENGTH, show } from '../../policy/issues';
import { StringMatcher, matchesWildcardRange, withoutLiteralMarkers } from '../../policy/wildcard';
import { ConditionContext } from '../context';
import { TemplateString } from '../variables';
import { splitValues } from './policy-values';
import { rejectLongPatterns } from './string';
import { KeyType, PolicyValue, RejectValue, ValueMatcher, ValueOperator, WarnValue } from './types';

const COMPONENT_COLONS = 5;
const MAX_CACHED = 10_000;
const cache = new Map<string, StringMatcher>();
const matchNothing: StringMatcher = () => false;

/** Whether `pattern` has the six components of an ARN (at least five colons). */
export function hasArnShape(pattern: string): boolean {
  let colons = 0;
  for (let i = pattern.indexOf(':'); i >= 0 && colons < COMPONENT_COLONS; i = pattern.indexOf(':', i + 1)) colons++;
  return colons === COMPONENT_COLONS;
}

/**
 * A matcher for an ARN pattern, component by component; cached by pattern (bounded) because patterns rendered from
 * policy variables repeat across requests. LITERAL_STAR / LITERAL_QUESTION (from `${*}` / `${?}`) match literally.
 */
export function arnMatcher(pattern: string): StringMatcher {
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    matcher = buildArnMatcher(pattern);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher;
}

function buildArnMatcher(pattern: string): StringMatcher {
  if (!hasArnShape(pattern)) return matchNothing;
  const star = pattern.indexOf('*');
  const question = pattern.indexOf('?');
  if (star < 0 && question < 0) {
    // Equal components means equal text, once both have six components.
    const exact = withoutLiteralMarkers(pattern);
    return (s) => s === exact;
  }
  const bounds = componentBounds(pattern);
  if (question < 0 && star === pattern.length - 1 && bounds[COMPONENT_COLONS] <= star) {
    // `arn:aws:iam::111122223333:role/*`: the fixed part holds all five colons, so a prefix test is exact.
    const prefix = withoutLiteralMarkers(pattern.slice(0, -1));
    return (s) => s.startsWith(prefix);
  }
  // General case: each of the six components matched on its own (wildcard.ts, linear in pattern x value), so a
  // wildcard never crosses one of the first five colons: `*` in the region matches `us-east-2`, never
  // `us-east-2:999999999999:store/abc`. The resource component (after the fifth colon) may hold colons.
  return (s) => {
    let valueStart = 0;
    for (let c = 0; c < COMPONENT_COLONS; c++) {
      const colon = s.indexOf(':', valueStart);
      if (colon < 0 || !matchesWildcardRange(pattern, bounds[c], bounds[c + 1] - 1, s, valueStart, colon)) return false;
      valueStart = colon + 1;
    }
    return matchesWildcardRange(pattern, bounds[COMPONENT_COLONS], pattern.length, s, valueStart, s.length);
  };
}

/**
 * Where each component of an ARN-shaped pattern starts: 0, then one past each of the first five colons (so component
 * `c` is `[bounds[c], bounds[c + 1] - 1)`, and the resource `[bounds[5], length)`).
 */
function componentBounds(pattern: string): number[] {
  const bounds = [0];
  for (let c = 0; c < COMPONENT_COLONS; c++) bounds.push(pattern.indexOf(':', bounds[c]) + 1);
  return bounds;
}

/** Fixed patterns; matchers are built on the first test (like FixedLike in string.ts: many conditions are never tested). */
class FixedArn implements ValueMatcher {
  private matchers: readonly StringMatcher[] | undefined;

  public constructor(private readonly patterns: readonly string[]) {}

  public anyMatch(s: string): boolean {
    const matchers = this.matchers ??= this.patterns.map(arnMatcher);
    for (let i = 0; i < matchers.length; i++) {
      if (matchers[i](s)) return true;
    }
    return false;
  }
}

/** Patterns with policy variables render per request; an unrendered pattern matches nothing. */
class VariableArn implements ValueMatcher {
  public constructor(private readonly fixed: FixedArn, private readonly templates: readonly TemplateString[]) {}

  public anyMatch(s: string, ctx: ConditionContext): boolean {
    if (this.fixed.anyMatch(s)) return true;
    for (let i = 0; i < this.templates.length; i++) {
      const rendered = this.templates[i].render(ctx, true);
      if (rendered !== undefined && arnMatcher(rendered)(s)) return true;
    }
    return false;
  }
}

function compileArn(values: readonly PolicyValue[], reject: RejectValue, warn: WarnValue): ValueMatcher {
  rejectLongPatterns(values, reject);
  values.forEach((v, i) => {
    if (typeof v === 'string' && v.length <= MAX_STRING_LENGTH && !hasArnShape(v)) {
      warn(i, 'invalid-arn-pattern', `ARN pattern ${show(v)} does not have the six colon-separated components of an ARN ` +
        '(`arn:partition:service:region:account:resource`), so it matches no request value; write every component, using `*` ' +
        'for any (e.g. `arn:aws:iam::*:role/*`), or use `StringLike` to match the whole text');
    }
  });
  const { fixed, dynamic } = splitValues(values, true);
  const matcher = new FixedArn(fixed);
  return dynamic.length > 0 ? new VariableArn(matcher, dynamic) : matcher;
}

/** ARN operators suit ARN keys, and String keys that hold ARNs (kms:GranteePrincipal, kms:RetiringPrincipal). */
const ARN_KEYS: readonly KeyType[] = ['ARN', 'String'];

function arnOperator(name: string, negated: boolean): ValueOperator {
  return { kind: 'value', name, negated, acceptsVariables: true, keyTypes: ARN_KEYS, compile: compileArn };
}

export const ARN_OPERATORS: readonly ValueOperator[] = [
  arnOperator('ArnEquals', false),
  arnOperator('ArnLike', false),
  arnOperator('ArnNotEquals', true),
  arnOperator('ArnNotLike', true),
];
