/**
 * The decision corpus: every JSON file under test/scenarios/ holds cases, each a scenario with the decision AWS KMS
 * makes and the AWS documentation page that says so. One runner walks them all.
 *
 * Every case pins its explanation: `explanationIncludes` lists text the explanation must contain (the statement that
 * decided, the condition that failed, the field that is invalid), or `explanationUnchecked` says why the case does not
 * check it. A case with neither fails.
 */
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { KmsAccessEvaluator } from '../src';

interface Case {
  readonly name: string;
  readonly doc: string | string[];
  readonly choice?: string;
  readonly scenario: unknown;
  readonly expect: {
    readonly decision: string;
    readonly explanationIncludes?: string[];
    /** Why this case does not check its explanation; only when no text of it can be pinned. */
    readonly explanationUnchecked?: string;
    readonly errorCodes?: string[];
  };
}

const dir = join(__dirname, 'scenarios');
const knownPages = new Set(readFileSync(join(dir, 'known-doc-pages.txt'), 'utf-8').split('\n').filter(Boolean));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const corpus: Array<[string, Case]> = files.flatMap((f) => {
  const parsed = JSON.parse(readFileSync(join(dir, f), 'utf-8')) as { cases: Case[] };
  return parsed.cases.map((c): [string, Case] => [f, c]);
});

describe('scenario corpus', () => {
  // A citation is a stored page of ../shared/reference/aws-docs (listed in known-doc-pages.txt) or an AWS docs URL.
  const citable = (d: unknown): boolean => typeof d === 'string' && (knownPages.has(d.split('#')[0]) || d.startsWith('https://docs.aws.amazon.com/'));

  test('holds at least 150 cases with unique names, each citing an AWS documentation page', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    const names = corpus.map(([, c]) => c.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const badCitations = corpus.flatMap(([f, c]) => (Array.isArray(c.doc) ? c.doc : [c.doc])
      .filter((d) => !citable(d))
      .map((d) => `${f}: ${c.name}: ${d}`));
    expect(badCitations).toEqual([]);
  });

  test('every case pins text of its explanation, or says why it does not (never both, never neither)', () => {
    const pins = (c: Case): number => c.expect.explanationIncludes?.length ?? 0;
    const reasoned = (c: Case): boolean => typeof c.expect.explanationUnchecked === 'string' && c.expect.explanationUnchecked.trim() !== '';
    const unpinned = corpus.filter(([, c]) => pins(c) === 0 && !reasoned(c)).map(([f, c]) => `${f}: ${c.name}`);
    const both = corpus.filter(([, c]) => pins(c) > 0 && c.expect.explanationUnchecked !== undefined).map(([f, c]) => `${f}: ${c.name}`);
    const emptyPins = corpus.filter(([, c]) => (c.expect.explanationIncludes ?? []).some((t) => typeof t !== 'string' || t.trim() === '')).map(([f, c]) => `${f}: ${c.name}`);
    expect({ unpinned, both, emptyPins }).toEqual({ unpinned: [], both: [], emptyPins: [] });
  });

  test.each(corpus.map(([f, c]) => [`${f}: ${c.name}`, c]))('%s', (_, c) => {
    const result = KmsAccessEvaluator.evaluate(c.scenario);
    const codes = result.errors.map((e) => e.code);
    if (c.expect.errorCodes) {
      expect(codes).toEqual(expect.arrayContaining(c.expect.errorCodes));
    } else {
      expect({ errors: result.errors, decision: result.decision }).toEqual({ errors: [], decision: c.expect.decision });
    }
    expect(result.decision).toBe(c.expect.decision);
    const pinned = c.expect.explanationIncludes ?? [];
    if (c.expect.explanationUnchecked === undefined) expect(pinned.length).toBeGreaterThan(0);
    for (const text of pinned) expect(result.explanation).toContain(text);
    // The compiled form must agree with the one-shot form.
    expect(KmsAccessEvaluator.compile(c.scenario).evaluate()).toEqual(result);
  });
});
