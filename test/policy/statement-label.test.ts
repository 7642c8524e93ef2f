/**
 * How statements are named (src/policy/statement-label.ts): by Sid, by index without one, and by Sid and index when the
 * Sid does not name one statement alone. reference_policies_elements_sid.md: "In IAM, the Sid value must be unique
 * within a JSON policy"; a key policy's Sids are not documented as unique, and finding ids must still tell them apart.
 */
import { KmsAccessEvaluator } from '../../src';
import { ambiguousSids, labelIndex, sidOf, statementIdPart, statementLabel, statementLabels } from '../../src/policy/statement-label';

const sid = (s: string | undefined): Record<string, unknown> => (s === undefined ? { Effect: 'Allow' } : { Sid: s, Effect: 'Allow' });

describe('sidOf: the Sid a statement is named by', () => {
  test.each<[string, unknown, string | undefined]>([
    ['a string', { Sid: 'Use' }, 'Use'],
    ['an empty string: none', { Sid: '' }, undefined],
    ['a number: none (the reader reports it)', { Sid: 7 }, undefined],
    ['no Sid', {}, undefined],
    ['not an object', 'Use', undefined],
    ['null', null, undefined],
    ['longer than the reader reads (32,768 characters): none', { Sid: 'x'.repeat(32_769) }, undefined],
    ['exactly the reader\'s bound', { Sid: 'x'.repeat(32_768) }, 'x'.repeat(32_768)],
  ])('%s', (_, statement, expected) => {
    expect(sidOf(statement)).toBe(expected);
  });
});

describe('ambiguousSids: Sids that do not name one statement alone', () => {
  test.each<[string, Array<string | undefined>, string[]]>([
    ['no statement', [], []],
    ['one statement', ['A'], []],
    ['distinct Sids', ['A', 'B', 'C'], []],
    ['two statements share a Sid', ['A', 'B', 'A'], ['A']],
    ['three share one, two share another', ['A', 'B', 'A', 'B', 'A'], ['A', 'B']],
    ['Sids are case-sensitive', ['A', 'a'], []],
    ['a Sid equal to the index of a statement without Sid', ['2', 'A', undefined], ['2']],
    ['a Sid equal to the index of a statement with a Sid is fine', ['1', 'A'], []],
    ['a Sid equal to its own index is fine', [undefined, '1'], []],
    ['statements without Sid only', [undefined, undefined], []],
  ])('%s', (_, sids, expected) => {
    expect([...ambiguousSids(sids.map(sid))].sort()).toEqual(expected);
  });

  test('linear: 50,000 statements sharing one Sid are read at once', () => {
    const statements = Array.from({ length: 50_000 }, () => ({ Sid: 'Same' }));
    expect([...ambiguousSids(statements)]).toEqual(['Same']);
  });

  test('the reader of Sids can leave some out (a Sid unknown offline)', () => {
    const unknown = (s: unknown): string | undefined => (sidOf(s)?.startsWith('${') ? undefined : sidOf(s));
    expect([...ambiguousSids([{ Sid: '${Token[1]}' }, { Sid: '0' }], unknown)]).toEqual(['0']);
  });
});

describe('labels and finding-id parts', () => {
  test.each<[string, string | undefined, number, boolean, string, string, number | undefined]>([
    ['a Sid', 'Use', 3, false, 'Sid "Use"', 'Use', undefined],
    ['an ambiguous Sid', 'Use', 3, true, 'Sid "Use" (statement #3)', 'Use#3', 3],
    ['no Sid', undefined, 3, false, 'statement #3', '3', 3],
    ['a Sid with quotes and spaces', 'Say "hi" now', 0, false, 'Sid "Say "hi" now"', 'Say "hi" now', undefined],
    ['an ambiguous Sid with a line break', 'a\nb', 12, true, 'Sid "a\nb" (statement #12)', 'a\nb#12', 12],
  ])('%s', (_, s, index, ambiguous, label, idPart, labelled) => {
    expect(statementLabel(s, index, ambiguous)).toBe(label);
    expect(statementIdPart(label)).toBe(idPart);
    expect(labelIndex(label)).toBe(labelled);
  });

  test('statementLabels names each statement of a list', () => {
    expect(statementLabels([sid('A'), sid(undefined), sid('A'), sid('1'), sid('B')])).toEqual([
      'Sid "A" (statement #0)', 'statement #1', 'Sid "A" (statement #2)', 'Sid "1" (statement #3)', 'Sid "B"',
    ]);
  });

  test('a text that is no label is its own id part', () => {
    expect(statementIdPart('whatever')).toBe('whatever');
    expect(labelIndex('whatever')).toBeUndefined();
  });
});

describe('the evaluator names statements the same way', () => {
  const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const ROOT = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
  const deny = (action: string) => ({ Sid: 'NoUse', Effect: 'Deny', Principal: '*', Action: action, Resource: '*' });

  test('an explicit deny by one of two statements sharing a Sid names it with its index', () => {
    const r = KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: { Version: '2012-10-17', Statement: [ROOT, deny('kms:Encrypt'), deny('kms:Decrypt')] } },
      caller: { arn: 'arn:aws:iam::111122223333:root' },
      request: { action: 'kms:Decrypt' },
    });
    expect(r.decision).toBe('explicit-deny');
    expect(r.explanation).toContain('Sid "NoUse" (statement #2) of the key policy');
    expect(r.explanation).not.toContain('(statement #1)');
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'duplicate-sid', statement: 'Sid "NoUse" (statement #2)', field: 'Sid' })]);
  });
});
