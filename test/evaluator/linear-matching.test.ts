/**
 * StringLike and ArnLike take O(pattern x value) steps whatever the input (issue 10, "no hang"): proved by the
 * matcher's own step counter (policy/wildcard.ts, countMatchSteps), never by a timer. The two cases of the issue run
 * through the public evaluator with encryption-context values of 4,000 and 8,000 characters (callers choose them);
 * a backtracking regular expression took seconds to minutes on them.
 */
import * as fc from 'fast-check';
import { KmsAccessEvaluator } from '../../src';
import { arnMatcher } from '../../src/evaluator/conditions/arn';
import { MatchCounter, countMatchSteps } from '../../src/policy/wildcard';

const ACCOUNT = '111122223333';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;

/** A key policy that lets ROLE decrypt when `operator` matches `pattern` against kms:EncryptionContext:x. */
function scenario(operator: string, pattern: string, value: string, extra: Record<string, unknown> = {}): unknown {
  return {
    key: {
      arn: KEY_ARN,
      policy: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'DecryptWithContext',
          Effect: 'Allow',
          Principal: { AWS: ROLE },
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: { [operator]: { 'kms:EncryptionContext:x': pattern } },
        }],
      },
    },
    caller: { arn: ROLE, ...extra },
    request: { action: 'kms:Decrypt', encryptionContext: { x: value } },
  };
}

/** Evaluates, counting every wildcard step taken meanwhile. */
function evaluateCounting(input: unknown): { decision: string; explanation: string; errors: unknown[]; steps: number } {
  const counter: MatchCounter = { steps: 0 };
  const result = countMatchSteps(counter, () => KmsAccessEvaluator.evaluate(input));
  return { decision: result.decision, explanation: result.explanation, errors: result.errors, steps: counter.steps };
}

/**
 * The steps one match may take (wildcard.ts: (|P| + 1) x (|S| + 2) per scan), times the number of times the evaluator
 * may test the condition for one request (deciding, then explaining a deny): a small constant, not a power of |S|.
 */
const budget = (pattern: string, value: string): number => 4 * (pattern.length + 1) * (value.length + 2);

const STAR_PATTERN = 'a*a*a*a*a*a*a*a*a*a*b';
const S3_PATTERN = 'arn:aws:s3:::bucket/*/*/*.csv';
/** An S3 object ARN of exactly `length` characters, full of slashes, ending `.cs` (no match) or `.csv` (match). */
const s3Arn = (length: number, suffix: '.cs' | '.csv'): string => {
  const head = 'arn:aws:s3:::bucket/';
  const body = 'a/'.repeat(Math.floor((length - head.length - suffix.length - 1) / 2));
  return `${head}${body}${'x'.repeat(length - head.length - body.length - suffix.length)}${suffix}`;
};

describe('the issue\'s patterns through KmsAccessEvaluator.evaluate', () => {
  const cases: Array<[title: string, operator: string, pattern: string, value: (n: number) => string, decision: string]> = [
    ['StringLike a*a*a*a*a*a*a*a*a*a*b, a value of only a\'s', 'StringLike', STAR_PATTERN, (n) => 'a'.repeat(n), 'implicit-deny'],
    ['StringLike a*a*a*a*a*a*a*a*a*a*b, a value of a\'s ending in b', 'StringLike', STAR_PATTERN, (n) => `${'a'.repeat(n - 1)}b`, 'allow'],
    ['StringNotLike a*a*a*a*a*a*a*a*a*a*b, a value of only a\'s', 'StringNotLike', STAR_PATTERN, (n) => 'a'.repeat(n), 'allow'],
    ['ArnLike arn:aws:s3:::bucket/*/*/*.csv, an ARN of slashes not ending .csv', 'ArnLike', S3_PATTERN, (n) => s3Arn(n, '.cs'), 'implicit-deny'],
    ['ArnLike arn:aws:s3:::bucket/*/*/*.csv, an ARN of slashes ending .csv', 'ArnLike', S3_PATTERN, (n) => s3Arn(n, '.csv'), 'allow'],
    ['StringLike arn:aws:s3:::bucket/*/*/*.csv, an ARN of slashes not ending .csv', 'StringLike', S3_PATTERN, (n) => s3Arn(n, '.cs'), 'implicit-deny'],
  ];

  test.each(cases)('GIVEN %s WHEN the value has 4,000 and then 8,000 characters THEN the decision is right, the steps stay within O(pattern x value) and grow linearly', (_title, operator, pattern, value, decision) => {
    const runs = [4_000, 8_000].map((n) => {
      const v = value(n);
      expect(v.length).toBe(n);
      return { v, ...evaluateCounting(scenario(operator, pattern, v)) };
    });
    expect(runs.length).toBe(2);
    for (const r of runs) {
      expect(r.errors).toEqual([]);
      expect(r.decision).toBe(decision);
      expect(r.explanation).toContain('DecryptWithContext');
      expect(r.steps).toBeGreaterThan(0);
      expect(r.steps).toBeLessThanOrEqual(budget(pattern, r.v));
    }
    // The pattern is fixed: twice the value, at most about twice the steps.
    expect(runs[1].steps).toBeLessThanOrEqual(2.2 * runs[0].steps);
  });

  test('GIVEN a StringLike pattern built from a policy variable WHEN the value is pathological THEN the variable is substituted first and the match stays linear', () => {
    const pattern = '${aws:PrincipalTag/p}*a*a*a*a*a*a*a*a*a*b';
    const tags = { tags: { p: 'a' } };
    const deny = evaluateCounting(scenario('StringLike', pattern, 'a'.repeat(8_000), tags));
    const allow = evaluateCounting(scenario('StringLike', pattern, `${'a'.repeat(7_999)}b`, tags));
    expect([deny.decision, allow.decision]).toEqual(['implicit-deny', 'allow']);
    expect(deny.steps).toBeLessThanOrEqual(budget('a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(8_000)));
    // Without the tag the variable has no value: the pattern matches nothing, whatever the value.
    expect(evaluateCounting(scenario('StringLike', pattern, `${'a'.repeat(7_999)}b`)).decision).toBe('implicit-deny');
  });
});

/**
 * ArnLike as it was before the linear matcher: one regular expression, `[^:]` in the first five components (the
 * reference for "keep the existing semantics exactly"; fine on the short inputs generated here).
 */
function regexArnLike(pattern: string, value: string): boolean {
  let colons = 0;
  for (const c of pattern) if (c === ':') colons++;
  if (colons < 5) return false;
  let source = '';
  let component = 0;
  for (const c of pattern) {
    const inResource = component >= 5;
    if (c === '*') source += inResource ? '.*' : '[^:]*';
    else if (c === '?') source += inResource ? '.' : '[^:]';
    else source += c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    if (c === ':' && !inResource) component++;
  }
  return new RegExp(`^${source}$`, 's').test(value);
}

describe('ArnLike keeps its component-by-component semantics', () => {
  test('GIVEN random ARN-like patterns and values over a, b, :, /, * and ? WHEN matched THEN the matcher agrees with the regular expression it replaces', () => {
    const text = (chars: string[], maxLength: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...chars), { maxLength }).map((cs) => cs.join(''));
    fc.assert(fc.property(text(['a', 'b', ':', '/', '*', '?'], 14), text(['a', 'b', ':', '/'], 14), (pattern, value) => {
      expect(arnMatcher(pattern)(value)).toBe(regexArnLike(pattern, value));
    }), { numRuns: 3_000 });
  });

  test('GIVEN patterns with five colons and values with six or more WHEN matched THEN the matcher agrees with the regular expression', () => {
    const component = fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 3 }).map((cs) => cs.join(''));
    const valueComponent = fc.array(fc.constantFrom('a', 'b'), { maxLength: 3 }).map((cs) => cs.join(''));
    fc.assert(fc.property(
      fc.array(component, { minLength: 6, maxLength: 7 }), fc.array(valueComponent, { minLength: 6, maxLength: 8 }),
      (p, v) => {
        const pattern = p.join(':');
        const value = v.join(':');
        expect(arnMatcher(pattern)(value)).toBe(regexArnLike(pattern, value));
      },
    ), { numRuns: 3_000 });
  });
});
