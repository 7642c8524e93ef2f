/**
 * The decision corpus: every JSON file under test/scenarios/ holds cases, each a scenario with the decision AWS KMS
 * makes and the AWS documentation page that says so. One runner walks them all.
 */
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { KmsAccessEvaluator } from '../src';

interface Case {
  readonly name: string;
  readonly doc: string | string[];
  readonly choice?: string;
  readonly scenario: unknown;
  readonly expect: { readonly decision: string; readonly explanationIncludes?: string[]; readonly errorCodes?: string[] };
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
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    const names = corpus.map(([, c]) => c.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const badCitations = corpus.flatMap(([f, c]) => (Array.isArray(c.doc) ? c.doc : [c.doc])
      .filter((d) => !citable(d))
      .map((d) => `${f}: ${c.name}: ${d}`));
    expect(badCitations).toEqual([]);
  });

  test.each(corpus.map(([f, c]) => [`${f}: ${c.name}`, c]))('%s', (_, c) => {
    const result = KmsAccessEvaluator.evaluate(c.scenario);
    const codes = result.errors.map((e) => e.code);
    if (c.expect.errorCodes) {
      expect(codes).toEqual(expect.arrayContaining(c.expect.errorCodes));
    } else {
      expect({ errors: result.errors, decision: result.decision }).toEqual({ errors: [], decision: c.expect.decision });
    }
    expect({ decision: result.decision, explanation: result.explanation }).toEqual({ decision: c.expect.decision, explanation: result.explanation });
    for (const text of c.expect.explanationIncludes ?? []) expect(result.explanation).toContain(text);
    // The compiled form must agree with the one-shot form.
    expect(KmsAccessEvaluator.compile(c.scenario).evaluate()).toEqual(result);
  });
});
