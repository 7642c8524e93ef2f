/**
 * The duplicate-key scan the CLI runs over scenario files: one pass, paths only for duplicates (issue 10).
 */
import { findDuplicateJsonKeys, formatPath } from '../../src/cli/duplicate-json-keys';

describe('findDuplicateJsonKeys', () => {
  test.each([
    ['no duplicate', '{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}', []],
    ['a duplicate at the top', '{"a": 1, "a": 2}', [['a', '$']]],
    ['a duplicate in a nested object', '{"key": {"policy": {"Statement": [{"Effect": "Deny"}, {"Effect": "Deny", "Effect": "Allow"}]}}}', [['Effect', '$.key.policy.Statement[1]']]],
    ['a duplicate in an array of scenarios', '[{}, {"x": {"y": 1, "y": 2}}]', [['y', '$[1].x']]],
    ['an escaped spelling of the same key', '{"Effect": 1, "\\u0045ffect": 2}', [['Effect', '$']]],
    ['keys that differ only in case are different', '{"Effect": 1, "effect": 2}', []],
    ['a key name inside a string value', '{"a": "\\"a\\": 1", "b": ["a", "a"]}', []],
    ['an escaped quote and backslash in keys', '{"a\\"b": 1, "c\\\\": 2, "a\\"b": 3}', [['a"b', '$']]],
    ['a key with characters that need quoting in a path', '{"odd key": {"k": 1, "k": 2}}', [['k', '$["odd key"]']]],
    ['condition keys keep their colon in the path', '{"Condition": {"StringEquals": {"aws:SourceVpce": {"x": 1, "x": 1}}}}', [['x', '$.Condition.StringEquals.aws:SourceVpce']]],
    ['three of a kind are two duplicates', '{"a": 1, "a": 2, "a": 3}', [['a', '$'], ['a', '$']]],
  ])('%s', (_, text, expected) => {
    JSON.parse(text); // the scan runs on valid JSON only
    expect(findDuplicateJsonKeys(text).map((d) => [d.key, d.path])).toEqual(expected);
  });

  test('reports at most `limit` duplicates', () => {
    const text = `{${Array.from({ length: 50 }, () => '"a": 1').join(', ')}}`;
    expect(findDuplicateJsonKeys(text, 5)).toHaveLength(5);
  });

  test('stays linear on a large flat object and on deep nesting', () => {
    const wide = `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}": ${i}`).join(',')}}`;
    const deep = `${'['.repeat(5_000)}{"a": 1, "a": 2}${']'.repeat(5_000)}`;
    const start = Date.now();
    expect(findDuplicateJsonKeys(wide)).toEqual([]);
    expect(findDuplicateJsonKeys(deep)).toEqual([expect.objectContaining({ key: 'a', path: `$${'[0]'.repeat(5_000)}` })]);
    expect(Date.now() - start).toBeLessThan(5_000);
  });

  test('formatPath', () => {
    expect(formatPath([])).toBe('$');
    expect(formatPath([0, 'key', 'policy', 'Statement', 2, 'Condition', 'StringEquals', 'kms:CallerAccount'])).toBe('$[0].key.policy.Statement[2].Condition.StringEquals.kms:CallerAccount');
    expect(formatPath(['a b', '1x'])).toBe('$["a b"]["1x"]');
  });
});
