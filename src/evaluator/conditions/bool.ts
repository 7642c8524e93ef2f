/**
 * The Bool condition operator (reference_policies_elements_condition_operators.md, "Boolean condition operators"):
 * compares a key to "true" or "false". Both the policy value and the request value are read case-insensitively
 * (`"True"`, `"FALSE"`); JSON booleans in the policy arrive here stringified. A request value that is neither
 * matches nothing.
 *
 * Policy variables: the condition operators page says "You can use a policy variable with the Boolean condition
 * operator"; reference_policies_variables.md ("Condition element") lists Boolean among the operators that cannot.
 * [choice] Follow the operator page, which is specific to Bool: variables are substituted, and a rendered value
 * that is not true/false (or does not render) matches nothing.
 */
import { ConditionContext } from '../context';
import { TemplateString } from '../variables';
import { PolicyValue, RejectValue, ValueMatcher, ValueOperator } from './types';

const EXPECTED = '`true` or `false` (any case)';

/** 1 for "true", 0 for "false" (any case), -1 otherwise; never allocates. */
export function parseBool(s: string): number {
  if (s.length === 4 && equalsLowerAscii(s, 'true')) return 1;
  if (s.length === 5 && equalsLowerAscii(s, 'false')) return 0;
  return -1;
}

/** Whether `s` equals the lower-case ASCII word `lower`, ignoring case. */
function equalsLowerAscii(s: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = s.charCodeAt(i);
    const folded = c >= 65 && c <= 90 ? c + 32 : c;
    if (folded !== lower.charCodeAt(i)) return false;
  }
  return true;
}

class BoolMatcher implements ValueMatcher {
  public constructor(
    private readonly acceptTrue: boolean,
    private readonly acceptFalse: boolean,
    private readonly templates: readonly TemplateString[],
  ) {}

  public anyMatch(s: string, ctx: ConditionContext): boolean {
    const b = parseBool(s);
    if (b < 0) return false;
    if (b === 1 ? this.acceptTrue : this.acceptFalse) return true;
    for (let i = 0; i < this.templates.length; i++) {
      const rendered = this.templates[i].render(ctx, false);
      if (rendered !== undefined && parseBool(rendered) === b) return true;
    }
    return false;
  }
}

function compileBool(values: readonly PolicyValue[], reject: RejectValue): ValueMatcher {
  let acceptTrue = false;
  let acceptFalse = false;
  const templates: TemplateString[] = [];
  values.forEach((v, i) => {
    if (typeof v !== 'string') {
      templates.push(v);
      return;
    }
    const b = parseBool(v);
    if (b < 0) reject(i, EXPECTED);
    else if (b === 1) acceptTrue = true;
    else acceptFalse = true;
  });
  return new BoolMatcher(acceptTrue, acceptFalse, templates);
}

export const BOOL_OPERATORS: readonly ValueOperator[] = [
  { kind: 'value', name: 'Bool', negated: false, acceptsVariables: true, keyTypes: ['Bool'], compile: compileBool },
];
