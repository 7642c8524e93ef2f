/**
 * Cases added for the mutation run of `numeric.ts`, `operator-name.ts`, `condition-cache.ts` and `registry.ts`
 * (docs/mutation-testing.md, "src/evaluator/conditions, part 3"; issue 10).
 *
 * Semantics cited: reference_policies_elements_condition_operators.md ("Numeric condition operators": a key compared
 * to "an integer or decimal value"; "...IfExists condition operators": `IfExists` can be added to "any condition
 * operator name except the `Null` condition"), reference_policies_multi-value-conditions.md (`ForAnyValue:` and
 * `ForAllValues:` prefixes), reference_policies_variables.md (policy variables are substituted only in policies of
 * Version 2012-10-17).
 *
 * Two module-level memos hide code from Stryker's per-test coverage (docs/mutation-testing.md, the perTest blind spot):
 * - the list of valid operator names for suggestions is built by the first call that needs it, so the first test of
 *   this file that asks for a suggestion checks every spelling of that list at once;
 * - compiled conditions are cached by operator, key, values and options, so every case below compiles a condition of
 *   its own (a fresh key or value), except where sharing is what the case is about.
 */
import { check, codes, compile } from './helpers';
import { CompiledCondition, compileConditionBlock } from '../../../src/evaluator/conditions/compile-condition';
import { closestOperatorName, parseOperatorName } from '../../../src/evaluator/conditions/operator-name';
import { OPERATORS } from '../../../src/evaluator/conditions/registry';
import { ContextValue, MapContext } from '../../../src/evaluator/context';
import { textHash } from '../../../src/policy/bounded-cache';
import { IssueCollector } from '../../../src/policy/issues';
import { PolicyKind } from '../../../src/policy/policy-kind';

/** A fresh name per call, so that no two cases share a compiled condition. */
let counter = 0;
function fresh(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}`;
}

/** Every valid operator spelling: each base name, with or without a set operator, with IfExists except on Null. */
function validSpellings(): string[] {
  const names: string[] = [];
  for (const [base, definition] of OPERATORS) {
    for (const prefix of ['', 'ForAnyValue:', 'ForAllValues:']) {
      names.push(`${prefix}${base}`);
      if (definition.kind !== 'existence') names.push(`${prefix}${base}IfExists`);
    }
  }
  return names;
}

describe('closestOperatorName: the list of valid spellings it suggests from', () => {
  // Keep this the first test of the file that asks for a suggestion: it is the one that builds the list.
  test('GIVEN every valid spelling in lower case, and NullIfExists, WHEN the closest name is sought THEN each gets its own spelling, and NullIfExists is not one', () => {
    const spellings = validSpellings();
    const got = [...spellings.map((s) => s.toLowerCase()), 'nullifexists', 'forallvalues:nullifexists'].map(closestOperatorName);
    // NullIfExists is no valid spelling ("except the Null condition"), so the nearest by edit distance is BoolIfExists
    // (3 edits); parseOperatorName itself suggests `Null` for it (next block).
    expect(got).toEqual([...spellings, 'BoolIfExists', 'ForAllValues:BoolIfExists']);
    // Free text near no operator name gets no suggestion: the list holds operator names only.
    expect(['Stryker was here', 'kms:ViaService', 'Condition', 'Allow'].map(closestOperatorName)).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('GIVEN the registry WHEN read THEN it holds the 27 operators of the condition operators page, by their exact names', () => {
    expect([...OPERATORS.keys()].sort()).toEqual([
      'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'BinaryEquals', 'Bool',
      'DateEquals', 'DateGreaterThan', 'DateGreaterThanEquals', 'DateLessThan', 'DateLessThanEquals', 'DateNotEquals',
      'IpAddress', 'NotIpAddress', 'Null',
      'NumericEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericNotEquals',
      'StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike',
    ].sort());
    for (const [name, definition] of OPERATORS) expect(definition.name).toBe(name);
  });

  test('GIVEN every valid spelling WHEN parsed THEN it parses to its base operator, set operator and IfExists', () => {
    for (const spelling of validSpellings()) {
      const match = /^(?:(ForAnyValue|ForAllValues):)?(.*?)(IfExists)?$/.exec(spelling)!;
      const parsed = parseOperatorName(spelling);
      expect(parsed).toEqual({ definition: OPERATORS.get(match[2]), setOperator: match[1], ifExists: match[3] !== undefined });
    }
  });
});

describe('parseOperatorName: the whole problem of an invalid name (reference_policies_elements_condition_operators.md)', () => {
  const ifExistsOnNull = (written: string) => `${JSON.stringify(written)} is not a condition operator: \`IfExists\` can be added to every operator ` +
    'except `Null`, which already tests whether the key exists';
  test.each([
    ['NullIfExists', ifExistsOnNull('NullIfExists'), 'Null'],
    ['ForAnyValue:NullIfExists', ifExistsOnNull('ForAnyValue:NullIfExists'), 'ForAnyValue:Null'],
    ['ForAllValues:NullIfExists', ifExistsOnNull('ForAllValues:NullIfExists'), 'ForAllValues:Null'],
    // Only one set operator is taken off: the rest, `ForAllValues:NullIfExists`, is no base operator.
    ['ForAnyValue:ForAllValues:NullIfExists', 'unknown condition operator "ForAnyValue:ForAllValues:NullIfExists"', undefined],
    // Eight characters after Null that are not `IfExists`: an unknown name, not the IfExists-on-Null problem.
    ['NullIfExistX', 'unknown condition operator "NullIfExistX"', 'Null'],
    ['NullABCDEFGH', 'unknown condition operator "NullABCDEFGH"', 'Null'],
    ['StringEqualsIfExistsIfExists', 'unknown condition operator "StringEqualsIfExistsIfExists"', 'StringEqualsIfExists'],
    ['FooIfExists', 'unknown condition operator "FooIfExists"', 'BoolIfExists'],
    ['ForAnyValue:Foo', 'unknown condition operator "ForAnyValue:Foo"', 'ForAnyValue:Bool'],
    ['Fo', 'unknown condition operator "Fo"', undefined],
  ])('GIVEN %j WHEN parsed THEN the problem and the suggestion are given', (written, problem, suggestion) => {
    expect(parseOperatorName(written)).toEqual({ problem, suggestion });
  });
});

describe('closestOperatorName: how close a suggestion must be', () => {
  test.each([
    // Within a quarter of the length (at least 1), case ignored.
    ['StrngEqual', 'StringEquals'], // 2 edits in 10 characters
    ['arnlik', 'ArnLike'], // 1 edit in 6 characters
    ['Bol', 'Bool'], // 1 edit in 3 characters
    ['NumericLessThanEqualsIfExits', 'NumericLessThanEqualsIfExists'],
    ['ForAllValues:StringNotEqualsIgnoreCaseIfExistsXYZ', 'ForAllValues:StringNotEqualsIgnoreCaseIfExists'],
    // Otherwise the longest valid name the text starts with.
    ['NumericLessThanEqualsOrSo', 'NumericLessThanEquals'],
    ['BooleanValue', 'Bool'],
    ['DateLessThanEqualsToday', 'DateLessThanEquals'],
    // Nothing close, and no valid name it starts with.
    ['Bo', undefined],
    ['StrEq', undefined],
    ['XStringEquals', 'StringEquals'],
    ['kms:ViaService', undefined],
  ])('GIVEN %j WHEN the closest name is sought THEN it is %j', (written, expected) => {
    expect(closestOperatorName(written)).toBe(expected);
  });
});

describe('Numeric condition operators, one compiled condition per case (reference_policies_elements_condition_operators.md, "Numeric condition operators")', () => {
  // "comparing a key to an integer or decimal value": integers, decimals, signs and exponents compare by value; any
  // other text is no number, so it matches no policy value (the positive operators are false, NumericNotEquals true).
  const rows: Array<[string, unknown, ContextValue | undefined, boolean]> = [
    ['NumericEquals', '0', '0', true],
    ['NumericEquals', '0', '-0', true],
    ['NumericEquals', '9', '9.0', true],
    ['NumericEquals', '90', '9e1', true],
    ['NumericEquals', '0.09', '9E-2', true],
    ['NumericEquals', '-90', '-9e+1', true],
    ['NumericEquals', '19', '1/9', false],
    ['NumericEquals', '19', '1:9', false],
    ['NumericEquals', '0', '', false],
    ['NumericEquals', '0', '.', false],
    ['NumericEquals', '0', '-', false],
    ['NumericEquals', '5', '5e', false],
    ['NumericEquals', '5', '5 ', false],
    ['NumericEquals', '15', '0xF', false],
    ['NumericEquals', ['1', '2', '3'], '3', true],
    ['NumericEquals', ['1', '2', '3'], '4', false],
    ['NumericEquals', '2.5', '2.50', true],
    ['NumericEquals', '2.5', '25', false],
    ['NumericNotEquals', '2.5', '2.50', false],
    ['NumericNotEquals', '2.5', '2.5x', true],
    ['NumericNotEquals', ['1', '2'], ['1', '2'], false],
    ['NumericLessThan', '0', '-1', true],
    ['NumericLessThan', '0', '0', false],
    ['NumericLessThan', '0', '-0.5', true],
    ['NumericLessThan', '-1', '-1', false],
    ['NumericLessThanEquals', '-1', '-1', true],
    ['NumericLessThanEquals', '-1', '-0.9', false],
    ['NumericGreaterThan', '-1', '-0.9', true],
    ['NumericGreaterThan', '-1', '-1', false],
    ['NumericGreaterThanEquals', '1.5', '1.5', true],
    ['NumericGreaterThanEquals', '1.5', '1.49', false],
    ['NumericGreaterThanEquals', '1.5', 'Infinity', false],
    ['NumericLessThan', '1.5', '-Infinity', false],
    ['NumericEqualsIfExists', '3', undefined, true],
    ['NumericNotEqualsIfExists', '3', '3', false],
  ];

  test.each(rows.map((r, i) => [...r, i] as const))('GIVEN %s %j WHEN the request value is %j THEN the condition is %s', (operator, values, request, expected, i) => {
    expect(check(operator, `example:Number${i}`, values, request)).toBe(expected);
  });

  test.each([
    ['', 0], ['+', 0], ['1.2.3', 0], ['1e', 0], ['e1', 0], ['1e+', 0], ['0x10', 0], ['Infinity', 0], ['10 ', 0], [' 10', 0], ['1/2', 0], ['1:2', 0],
  ])('GIVEN NumericEquals with the value %j WHEN compiled THEN the condition is refused with an error naming the value', (value) => {
    const key = fresh('example:BadNumber');
    const { conditions, issues } = compile({ NumericEquals: { [key]: ['1', value] } });
    expect(conditions).toEqual([]);
    expect(issues.map((i) => [i.severity, i.code, i.field, i.message])).toEqual([[
      'error', 'invalid-condition-value', `Condition.NumericEquals.${key}[1]`,
      `\`NumericEquals\` on \`${key}\` cannot use the value ${JSON.stringify(value)}; expected an integer or decimal number such as \`10\`, \`-3\` or \`2.5\``,
    ]]);
  });
});

describe('the compiled-condition cache (condition-cache.ts): what may be shared', () => {
  const where = { policy: 'key policy', statement: 'statement #0' };

  /** Compiles a block that must hold one clean condition, and returns it. */
  function one(block: unknown, options: { variables?: boolean; policyKind?: PolicyKind } = {}): CompiledCondition {
    const issues = new IssueCollector();
    const conditions = compileConditionBlock(block, where, { variables: options.variables ?? true, policyKind: options.policyKind ?? 'identity' }, issues);
    expect(codes(issues.issues)).toEqual([]);
    expect(conditions).toHaveLength(1);
    return conditions[0];
  }

  const decide = (c: CompiledCondition, request: Record<string, ContextValue>) => c.test(new MapContext(request));

  /**
   * Texts of one length that differ only at a character the slot hash does not read (bounded-cache.ts `textHash` reads
   * the length and 4 characters), so that they fall into the same pair of cache slots.
   */
  function sameSlotTexts(prefix: string, count: number): string[] {
    const base = `${prefix}-abcdefghijklmnop`;
    const read = new Set([0, 1, 2, 3].map((i) => base.length - 1 - Math.floor((i * base.length) / 4)));
    const at = [...base].findIndex((_c, i) => i >= prefix.length && !read.has(i));
    const texts = 'QRSTUVWXYZ'.slice(0, count).split('').map((c) => `${base.slice(0, at)}${c}${base.slice(at + 1)}`);
    expect(new Set(texts).size).toBe(count);
    expect(new Set(texts.map(textHash)).size).toBe(1);
    return texts;
  }

  test.each([
    ['one string value of several characters', (v: string) => v],
    ['a list of one value', (v: string) => [v]],
    ['a list of three values', (v: string) => ['first', v, 'third']],
  ])('GIVEN a clean condition (%s) compiled twice WHEN compiled THEN the second compile returns the first object', (_what, value) => {
    const key = fresh('example:Shared');
    const v = fresh('some-value-');
    const first = one({ StringEquals: { [key]: value(v) } });
    expect(one({ StringEquals: { [key]: value(v) } })).toBe(first);
    expect(decide(first, { [key]: v })).toBe(true);
  });

  test('GIVEN a string value and a list holding only that value WHEN compiled THEN both are one condition', () => {
    const key = fresh('example:Shared');
    const first = one({ StringEquals: { [key]: 'one-value' } });
    expect(one({ StringEquals: { [key]: ['one-value'] } })).toBe(first);
  });

  test.each([true, false])('GIVEN StringEquals ${aws:username} compiled with variables %s first WHEN compiled again with the other setting THEN each compile reads `${` its own way (reference_policies_variables.md)', (variablesFirst) => {
    const key = fresh('example:Variables');
    const block = { StringEquals: { [key]: '${aws:username}' } };
    const firstCompiled = one(block, { variables: variablesFirst });
    const second = one(block, { variables: !variablesFirst });
    const [withVariables, literal] = variablesFirst ? [firstCompiled, second] : [second, firstCompiled];
    expect(decide(withVariables, { [key]: 'bob', 'aws:username': 'bob' })).toBe(true);
    expect(decide(withVariables, { [key]: '${aws:username}', 'aws:username': 'bob' })).toBe(false);
    expect(decide(literal, { [key]: 'bob', 'aws:username': 'bob' })).toBe(false);
    expect(decide(literal, { [key]: '${aws:username}', 'aws:username': 'bob' })).toBe(true);
  });

  test.each([
    ['NumericEquals', 'StringNotLike'],
    ['StringNotLike', 'NumericEquals'],
    ['DateLessThan', 'StringEquals'],
  ])('GIVEN %s then %s (names of one length) on one key and value WHEN compiled THEN each keeps its own operator', (a, b) => {
    expect(a.length).toBe(b.length);
    const key = fresh('example:SameLength');
    const value = a.startsWith('Date') || b.startsWith('Date') ? '2024-01-01T00:00:00Z' : '5';
    const first = one({ [a]: { [key]: value } });
    const second = one({ [b]: { [key]: value } });
    const decisions = (c: CompiledCondition) => [decide(c, { [key]: value }), decide(c, { [key]: '2020-01-01T00:00:00Z' })];
    const expected: Record<string, boolean[]> = {
      NumericEquals: [true, false], StringNotLike: [false, true], DateLessThan: [false, true], StringEquals: [true, false],
    };
    expect([decisions(first), decisions(second)]).toEqual([expected[a], expected[b]]);
  });

  test('GIVEN one condition on two keys that share a pair of cache slots WHEN the second is compiled THEN it tests its own key', () => {
    const [a, b] = sameSlotTexts(fresh('example:Slot'), 2);
    const first = one({ StringEquals: { [a]: 'v' } });
    const second = one({ StringEquals: { [b]: 'v' } });
    expect(second).not.toBe(first);
    expect([decide(first, { [b]: 'v' }), decide(second, { [b]: 'v' }), decide(second, { [a]: 'v' })]).toEqual([false, true, false]);
  });

  test.each([
    ['a string value', (v: string) => v],
    ['the second of two values', (v: string) => ['first', v]],
  ])('GIVEN one key with two values that share a pair of cache slots (%s) WHEN the second is compiled THEN it tests its own value', (_what, value) => {
    const key = fresh('example:Values');
    const [v1, v2] = sameSlotTexts('value', 2);
    const first = one({ StringEquals: { [key]: value(v1) } });
    const second = one({ StringEquals: { [key]: value(v2) } });
    expect(second).not.toBe(first);
    expect([decide(first, { [key]: v2 }), decide(second, { [key]: v2 }), decide(second, { [key]: v1 })]).toEqual([false, true, false]);
  });

  test('GIVEN eight conditions on keys of their own WHEN each is compiled again THEN each is still cached: the cache holds many pairs, not one', () => {
    const keys = Array.from({ length: 8 }, () => fresh('example:Many'));
    const first = keys.map((key) => one({ StringEquals: { [key]: 'v' } }));
    keys.forEach((key, i) => expect(one({ StringEquals: { [key]: 'v' } })).toBe(first[i]));
  });

  test('GIVEN a list of two values cached in the pair of its first value alone WHEN that value alone is compiled THEN it gets its own condition, not the list\'s', () => {
    const key = fresh('example:Mate');
    const v = 'first-value';
    // Find w such that [v, w] hashes into the pair of [v]: compiling [v, w] and a same-slot twin of it then evicts [v],
    // which nothing else can (two newer conditions in its own pair).
    let alone = one({ StringEquals: { [key]: [v] } });
    let mate: string | undefined;
    for (let j = 0; j < 2000 && mate === undefined; j++) {
      const w = `w-${1000 + j}`; // 6 characters: the hash reads 4 of them, 3 of them digits that vary with j
      const twin = `W${w.slice(1)}`; // differs only at the first character, which the hash does not read
      expect(textHash(twin)).toBe(textHash(w));
      one({ StringEquals: { [key]: [v, w] } });
      one({ StringEquals: { [key]: [v, twin] } });
      const again = one({ StringEquals: { [key]: [v] } });
      if (again !== alone) mate = w;
      alone = again;
    }
    expect(mate).toBeDefined();
    const list = one({ StringEquals: { [key]: [v, mate!] } }); // the pair now holds [v, w] first, then [v]
    const asString = one({ StringEquals: { [key]: v } });
    const asList = one({ StringEquals: { [key]: [v] } });
    expect(asString).toBe(alone);
    expect(asList).toBe(alone);
    expect([decide(list, { [key]: mate! }), decide(asString, { [key]: mate! }), decide(asList, { [key]: mate! }), decide(asList, { [key]: v })])
      .toEqual([true, false, false, true]);
  });

  test('GIVEN three conditions that share a pair of cache slots WHEN compiled in turn THEN the pair keeps the last two and the oldest is compiled anew', () => {
    const [a, b, c] = sameSlotTexts(fresh('example:Evict'), 3);
    const compileOn = (key: string) => one({ StringEquals: { [key]: 'v' } });
    const a1 = compileOn(a);
    const b1 = compileOn(b);
    expect(compileOn(a)).toBe(a1);
    expect(compileOn(b)).toBe(b1);
    const c1 = compileOn(c); // the pair now holds c and b; a is gone
    expect(compileOn(b)).toBe(b1);
    expect(compileOn(c)).toBe(c1);
    const a2 = compileOn(a); // compiled anew: the pair now holds a2 and c; b is gone
    expect(a2).not.toBe(a1);
    expect(decide(a2, { [a]: 'v' })).toBe(true);
    expect(compileOn(c)).toBe(c1);
    expect(compileOn(b)).not.toBe(b1);
  });
});
