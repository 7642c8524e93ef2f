/**
 * Ordered comparison of a request value with policy values, shared by the Numeric and Date families (both compare
 * numbers: dates as epoch milliseconds).
 *
 * Several policy values OR together (reference_policies_multi-value-conditions.md), so `x < v1 OR x < v2` is
 * `x < max(v1, v2)`: the bound is computed once at compile time and a test is one parse and one comparison.
 */
import { ValueMatcher } from './types';

export type ComparisonOperator = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

/** Parses a request value; NaN when it does not parse (it then matches nothing). */
export type NumberParser = (text: string) => number;

class EqualsAny implements ValueMatcher {
  public constructor(private readonly values: readonly number[], private readonly parse: NumberParser) {}

  public anyMatch(s: string): boolean {
    const x = this.parse(s);
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === x) return true;
    }
    return false;
  }
}

class Below implements ValueMatcher {
  public constructor(private readonly bound: number, private readonly inclusive: boolean, private readonly parse: NumberParser) {}

  public anyMatch(s: string): boolean {
    const x = this.parse(s);
    return this.inclusive ? x <= this.bound : x < this.bound; // NaN compares false
  }
}

class Above implements ValueMatcher {
  public constructor(private readonly bound: number, private readonly inclusive: boolean, private readonly parse: NumberParser) {}

  public anyMatch(s: string): boolean {
    const x = this.parse(s);
    return this.inclusive ? x >= this.bound : x > this.bound;
  }
}

export function compileComparison(operator: ComparisonOperator, values: readonly number[], parse: NumberParser): ValueMatcher {
  switch (operator) {
    case 'eq':
      return new EqualsAny(values, parse);
    case 'lt':
    case 'le':
      return new Below(Math.max(...values), operator === 'le', parse);
    case 'gt':
    case 'ge':
      return new Above(Math.min(...values), operator === 'ge', parse);
  }
}
