/**
 * The catalogue's small generator notation: hostile inputs too large for a data file (10^5 statements, 40,000-character
 * values, nesting 5,000 deep) or not expressible in JSON (NaN, a cycle) are written as `$`-objects and expanded here.
 *
 * Keys are copied with Object.defineProperty, never by assignment: a catalogue key `__proto__` must stay an own
 * property of the input (as JSON.parse made it), not replace the object's prototype here in the test harness.
 *
 *   {"$str": ["arn:", {"repeat": "a", "times": 40000}]}   a string built from parts; with "indexed": true, `{i}` in the
 *                                                          repeated text is each copy's index (distinct JSON keys)
 *   {"$array": {"item": X, "times": 100000}}              an array of n copies of X (shared: the evaluator never mutates input)
 *   {"$deep": {"leaf": X, "depth": 5000}}                 X inside `depth` arrays
 *   {"$json": X}                                          X expanded, then written as JSON text
 *   {"$special": "NaN" | "Infinity" | "undefined" | "cycle" | "bigint" | "function" | "symbol"}
 */
export function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0].startsWith('$')) {
    const arg = obj[keys[0]];
    switch (keys[0]) {
      case '$str':
        return (arg as unknown[]).map(part).join('');
      case '$array': {
        const { item, times } = arg as { item: unknown; times: number };
        const one = expand(item);
        return new Array(times).fill(one);
      }
      case '$deep': {
        const { leaf, depth } = arg as { leaf: unknown; depth: number };
        let v = expand(leaf);
        for (let i = 0; i < depth; i++) v = [v];
        return v;
      }
      case '$json':
        return JSON.stringify(expand(arg));
      case '$special':
        return special(arg as string);
      default:
        break;
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(out, k, { value: expand(obj[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

function part(p: unknown): string {
  if (typeof p === 'string') return p;
  const { repeat, times, indexed } = p as { repeat: string; times: number; indexed?: boolean };
  if (!indexed) return repeat.repeat(times);
  const out: string[] = [];
  for (let i = 0; i < times; i++) out.push(repeat.split('{i}').join(String(i)));
  return out.join('');
}

function special(name: string): unknown {
  switch (name) {
    case 'NaN': return NaN;
    case 'Infinity': return Infinity;
    case 'undefined': return undefined;
    case 'bigint': return BigInt(10) ** BigInt(30);
    case 'function': return () => 'kms:Decrypt';
    case 'symbol': return Symbol('kms:Decrypt');
    case 'cycle': {
      const a: Record<string, unknown> = { Effect: 'Allow' };
      a.self = a;
      return a;
    }
    default: throw new Error(`catalogue: unknown $special ${JSON.stringify(name)}`);
  }
}
