import * as fc from 'fast-check';
import {
  LITERAL_QUESTION, LITERAL_STAR, MatchCounter, countMatchSteps, matchesWildcard, matchesWildcardRange, wildcardMatch, wildcardMatcher,
  withoutLiteralMarkers,
} from '../../src/policy/wildcard';

describe('wildcardMatch', () => {
  test.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['kms:Decrypt', 'kms:Decrypt', true],
    ['kms:Decrypt', 'kms:Decrypts', false],
    ['kms:*', 'kms:Decrypt', true],
    ['kms:*', 'kms:', true],
    ['kms:*', 's3:GetObject', false],
    ['kms:Describe*', 'kms:DescribeKey', true],
    ['kms:ReEncrypt*', 'kms:ReEncryptFrom', true],
    ['kms:?ecrypt', 'kms:Decrypt', true],
    ['kms:?ecrypt', 'kms:Encrypt', false],
    ['*Key', 'kms:DescribeKey', true],
    ['*Key', 'kms:DescribeKeys', false],
    ['arn:aws:kms:*:111122223333:key/*', 'arn:aws:kms:us-east-1:111122223333:key/1234', true],
    ['arn:aws:kms:*:111122223333:key/*', 'arn:aws:kms:us-east-1:444455556666:key/1234', false],
    ['a.b', 'aXb', false],
    ['a+b(c)[d]{e}|f^g$h\\i/j-k', 'a+b(c)[d]{e}|f^g$h\\i/j-k', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['line*', 'line\nbreak', true],
  ])('pattern %j against %j is %s', (pattern, subject, expected) => {
    expect(wildcardMatch(pattern, subject)).toBe(expected);
  });

  test.each([
    ['KMS:decrypt', 'kms:Decrypt', true],
    ['kms:DESCRIBE*', 'kms:describekey', true],
    ['kms:decrypt', 'kms:encrypt', false],
  ])('case-insensitive pattern %j against %j is %s', (pattern, subject, expected) => {
    expect(wildcardMatch(pattern, subject, true)).toBe(expected);
  });

  test('is case-sensitive by default', () => {
    expect(wildcardMatch('arn:aws:kms:*:111122223333:key/ABC', 'arn:aws:kms:us-east-1:111122223333:key/abc')).toBe(false);
  });

  test('literal markers match only the literal character', () => {
    const pattern = `tag${LITERAL_STAR}x${LITERAL_QUESTION}`;
    expect(wildcardMatch(pattern, 'tag*x?')).toBe(true);
    expect(wildcardMatch(pattern, 'tagABCx?')).toBe(false);
    expect(wildcardMatch(pattern, 'tag*xY')).toBe(false);
    expect(withoutLiteralMarkers(pattern)).toBe('tag*x?');
  });
});

/**
 * A reference matcher that is obviously right and obviously O(pattern x subject): the textbook table of "pattern
 * prefix i matches subject prefix j". The scan in wildcard.ts must agree with it on every input.
 */
function referenceMatch(pattern: string, subject: string): boolean {
  let row = new Array<boolean>(subject.length + 1).fill(false);
  row[0] = true;
  for (const c of pattern) {
    const next = new Array<boolean>(subject.length + 1).fill(false);
    next[0] = c === '*' && row[0];
    for (let j = 1; j <= subject.length; j++) {
      const s = subject[j - 1];
      if (c === '*') next[j] = row[j] || next[j - 1];
      else if (c === '?') next[j] = row[j - 1];
      else if (c === LITERAL_STAR) next[j] = row[j - 1] && s === '*';
      else if (c === LITERAL_QUESTION) next[j] = row[j - 1] && s === '?';
      else next[j] = row[j - 1] && s === c;
    }
    row = next;
  }
  return row[subject.length];
}

/** Steps of one match, counted by the matcher itself. */
function stepsOf(pattern: string, subject: string): { matched: boolean; steps: number } {
  const counter: MatchCounter = { steps: 0 };
  const matched = countMatchSteps(counter, () => matchesWildcard(pattern, subject));
  return { matched, steps: counter.steps };
}

/** The documented bound of one scan: (|P| + 1) x (|S| + 2). */
const bound = (pattern: string, subject: string): number => (pattern.length + 1) * (subject.length + 2);

describe('wildcard matching agrees with the reference table', () => {
  test('GIVEN random patterns over a, b, *, ? and the literal markers WHEN matched THEN every matcher agrees with the table', () => {
    const pattern = fc.array(fc.constantFrom('a', 'b', '*', '?', LITERAL_STAR, LITERAL_QUESTION), { maxLength: 10 }).map((cs) => cs.join(''));
    const subject = fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 12 }).map((cs) => cs.join(''));
    fc.assert(fc.property(pattern, subject, (p, s) => {
      const expected = referenceMatch(p, s);
      expect(matchesWildcard(p, s)).toBe(expected);
      expect(wildcardMatch(p, s)).toBe(expected);
      expect(matchesWildcardRange(`x${p}y`, 1, p.length + 1, `zz${s}`, 2, s.length + 2)).toBe(expected);
    }), { numRuns: 2_000 });
  });

  test('GIVEN a pattern and subject in other case WHEN matched case-insensitively THEN it agrees with the table on lower-cased text', () => {
    const pattern = fc.array(fc.constantFrom('a', 'B', '*', '?'), { maxLength: 8 }).map((cs) => cs.join(''));
    const subject = fc.array(fc.constantFrom('A', 'b'), { maxLength: 10 }).map((cs) => cs.join(''));
    fc.assert(fc.property(pattern, subject, (p, s) => {
      expect(wildcardMatch(p, s, true)).toBe(referenceMatch(p.toLowerCase(), s.toLowerCase()));
    }), { numRuns: 500 });
  });
});

describe('wildcard matching takes O(pattern x subject) steps, counted, on pathological input', () => {
  // Patterns on which a backtracking regular expression takes time exponential in the number of `*`s.
  const cases: Array<[title: string, pattern: (n: number) => string, subject: (n: number) => string]> = [
    ['a*a*a*a*a*a*a*a*a*a*b against a^n (the issue\'s case, no match)', () => 'a*a*a*a*a*a*a*a*a*a*b', (n) => 'a'.repeat(n)],
    ['*a*a*a*a*a*a*a*a*a*a*a*a*? against a^n (matches)', () => `${'*a'.repeat(12)}*?`, (n) => 'a'.repeat(n)],
    ['an S3 ARN pattern with three *s against a long key of slashes (the issue\'s case)', () => 'arn:aws:s3:::bucket/*/*/*.csv', (n) => `arn:aws:s3:::bucket/${'a/'.repeat(n)}x.cs`],
    ['*?*?*?*?*?*b against a^n', () => '*?*?*?*?*?*b', (n) => 'a'.repeat(n)],
  ];

  test.each(cases)('GIVEN %s WHEN the subject doubles THEN the steps stay within the bound and at most double', (_title, pattern, subject) => {
    const sizes = [500, 1_000, 2_000, 4_000, 8_000];
    const runs = sizes.map((n) => ({ p: pattern(n), s: subject(n), ...stepsOf(pattern(n), subject(n)) }));
    expect(runs.length).toBe(sizes.length);
    for (const r of runs) {
      expect(r.matched).toBe(referenceMatch(r.p, r.s));
      expect(r.steps).toBeGreaterThan(0);
      expect(r.steps).toBeLessThanOrEqual(bound(r.p, r.s));
    }
    // The pattern is fixed, so the steps grow linearly with the subject: doubling it at most doubles them (+ slack).
    for (let i = 1; i < runs.length; i++) expect(runs[i].steps).toBeLessThanOrEqual(2.2 * runs[i - 1].steps);
  });

  test.each([
    ['k times *a then *b against a^4k (linear: at most x2.2 per doubling)', (n: number) => `${'*a'.repeat(n)}*b`, (n: number) => 'a'.repeat(4 * n), 2.2],
    // The scan's worst case: every resumption after the one `*` re-reads the literal run, so steps ~ |P| x |S|.
    ['* then a^k then b against a^2k (quadratic: at most x4.4 per doubling)', (n: number) => `*${'a'.repeat(n)}b`, (n: number) => 'a'.repeat(2 * n), 4.4],
  ])('GIVEN %s, k doubling WHEN matched THEN the steps stay within the bound and grow as expected, never exponentially', (_title, pattern, subject, growth) => {
    const sizes = [25, 50, 100, 200, 400];
    const runs = sizes.map((n) => ({ p: pattern(n), s: subject(n), ...stepsOf(pattern(n), subject(n)) }));
    expect(runs.length).toBe(sizes.length);
    for (const r of runs) {
      expect(r.matched).toBe(false);
      expect(r.steps).toBeLessThanOrEqual(bound(r.p, r.s));
    }
    for (let i = 1; i < runs.length; i++) expect(runs[i].steps).toBeLessThanOrEqual(growth * runs[i - 1].steps);
  });

  test('GIVEN the worst case for the scan WHEN pattern and subject double THEN the steps quadruple: the bound is tight, not loose', () => {
    const at = (n: number): number => stepsOf(`*${'a'.repeat(n)}b`, 'a'.repeat(2 * n)).steps;
    expect(at(400) / at(200)).toBeGreaterThan(3.5);
    expect(at(400)).toBeGreaterThan(bound(`*${'a'.repeat(400)}b`, 'a'.repeat(800)) / 3);
  });

  test('GIVEN a counter WHEN matches run inside and outside countMatchSteps THEN only those inside are counted, and nesting restores the outer counter', () => {
    const outer: MatchCounter = { steps: 0 };
    const inner: MatchCounter = { steps: 0 };
    matchesWildcard('a*b', 'aaab');
    expect(outer.steps).toBe(0);
    countMatchSteps(outer, () => {
      matchesWildcard('a*b', 'aaab');
      const afterFirst = outer.steps;
      expect(afterFirst).toBeGreaterThan(0);
      countMatchSteps(inner, () => wildcardMatcher('x*y*z')('xxyyzz'));
      expect(outer.steps).toBe(afterFirst);
      matchesWildcard('a*b', 'aaab');
      expect(outer.steps).toBe(2 * afterFirst);
    });
    expect(inner.steps).toBeGreaterThan(0);
  });
});
