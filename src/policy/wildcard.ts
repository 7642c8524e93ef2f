/**
 * IAM wildcard matching: `*` matches any run of characters (including none), `?` exactly one, everything else
 * literally. The one matcher behind Action, Resource, StringLike and ArnLike (arn.ts matches ARNs component by
 * component with {@link matchesWildcardRange}).
 *
 * Every match runs in O(pattern length x subject length) steps, whatever the input: no regular expression is built
 * from a pattern, since a backtracking regex takes time that grows as a power of the subject's length (one power per
 * `*`) on patterns such as `a*a*a*a*a*b`, and both a policy's patterns and a caller's encryption context are input.
 * {@link countMatchSteps} counts the steps, so tests can prove the bound.
 *
 * Patterns repeat across policies ("kms:*", "*", "kms:Decrypt"), so compiled matchers are cached by pattern: the
 * cache is what keeps raw, uncompiled scenarios fast. It is bounded so arbitrary input cannot grow it forever.
 */
export type StringMatcher = (subject: string) => boolean;

/**
 * Stand-ins for a literal `*` and `?` inside a pattern. Policy variables `${*}` and `${?}` render to these so the
 * character is matched literally rather than as a wildcard (IAM User Guide, reference_policies_variables.md,
 * "Special characters"). Private-use code points never occur in ARNs, actions or AWS identifiers.
 */
export const LITERAL_STAR = '\uE000';
export const LITERAL_QUESTION = '\uE001';

/** Where {@link countMatchSteps} adds the steps of the matches it watches. */
export interface MatchCounter {
  /** Pattern positions compared with subject positions, summed over the matches counted. */
  steps: number;
}

const MAX_CACHED = 10_000;
const sensitiveCache = new Map<string, StringMatcher>();
const insensitiveCache = new Map<string, StringMatcher>();

const matchAll: StringMatcher = () => true;

/** The counter of the innermost {@link countMatchSteps} under way, if any. */
let activeCounter: MatchCounter | undefined;

/**
 * Runs `fn`, adding to `counter` the steps of every wildcard scan made meanwhile (through any matcher of this module,
 * the evaluator's included). A scan of pattern P over subject S takes at most (|P| + 1) x (|S| + 2) steps. Matches
 * decided by one native comparison (no wildcard, a single trailing or leading `*`) scan nothing and count nothing.
 */
export function countMatchSteps<T>(counter: MatchCounter, fn: () => T): T {
  const outer = activeCounter;
  activeCounter = counter;
  try {
    return fn();
  } finally {
    activeCounter = outer;
  }
}

/** Whether the pattern holds a `*` or `?`. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * Compiles a wildcard pattern.
 * @param caseInsensitive compare ignoring case (actions, StringEqualsIgnoreCase); subjects must then be passed
 *   lower-cased by the caller, which lets the hot path skip a toLowerCase per comparison.
 */
export function wildcardMatcher(pattern: string, caseInsensitive = false): StringMatcher {
  const cache = caseInsensitive ? insensitiveCache : sensitiveCache;
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    matcher = build(caseInsensitive ? pattern.toLowerCase() : pattern);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher;
}

/**
 * Matches without building or caching a matcher, case-sensitively: for patterns tested once or twice, such as a
 * statement's Resource while candidate statements are collected. Caching those would fill the cache with one-off
 * patterns (every key ARN). Same semantics as {@link wildcardMatcher}; allocates nothing.
 */
export function matchesWildcard(pattern: string, subject: string): boolean {
  if (pattern === '*') return true;
  return isPlain(pattern) ? pattern === subject : scan(pattern, 0, pattern.length, subject, 0, subject.length);
}

/**
 * Matches `pattern[patternStart, patternEnd)` against `subject[subjectStart, subjectEnd)`, case-sensitively, as
 * {@link matchesWildcard} matches whole strings: for matchers that compare parts separately (ARN components).
 */
export function matchesWildcardRange(
  pattern: string, patternStart: number, patternEnd: number, subject: string, subjectStart: number, subjectEnd: number,
): boolean {
  return scan(pattern, patternStart, patternEnd, subject, subjectStart, subjectEnd);
}

/** One-off match; prefer {@link wildcardMatcher} in loops. */
export function wildcardMatch(pattern: string, subject: string, caseInsensitive = false): boolean {
  return wildcardMatcher(pattern, caseInsensitive)(caseInsensitive ? subject.toLowerCase() : subject);
}

/** Turns the literal stand-ins back into plain characters, for operators that compare without wildcards. */
export function withoutLiteralMarkers(text: string): string {
  return text.includes(LITERAL_STAR) || text.includes(LITERAL_QUESTION)
    ? text.split(LITERAL_STAR).join('*').split(LITERAL_QUESTION).join('?')
    : text;
}

const STAR = 42; // *
const QUESTION = 63; // ?
const LITERAL_STAR_CODE = LITERAL_STAR.charCodeAt(0);
const LITERAL_QUESTION_CODE = LITERAL_QUESTION.charCodeAt(0);

/** No wildcard and no literal stand-in: the pattern matches only itself. (Native searches: faster than a scan in JS.) */
function isPlain(pattern: string): boolean {
  return !hasWildcard(pattern) && !pattern.includes(LITERAL_STAR) && !pattern.includes(LITERAL_QUESTION);
}

/**
 * The scan: iterative wildcard matching over UTF-16 code units (`?` is one code unit). Pattern characters are taken
 * in order; on a mismatch, the scan resumes just after the last `*` seen, which now swallows one more subject
 * character. Only the last `*` is ever revisited: whatever an earlier `*` swallowed, the last one can swallow instead,
 * so no other choice needs to be tried. Each resumption moves the last `*`'s start one character on (at most |S| + 1
 * times), and between two resumptions the pattern position only advances (at most |P| + 1 steps): hence the bound.
 * The literal stand-ins match `*` and `?` only.
 */
function scan(pattern: string, p: number, pEnd: number, subject: string, s: number, sEnd: number): boolean {
  let starAt = -1;
  let starConsumed = 0;
  let steps = 0;
  let matched: boolean;
  for (;;) {
    steps++;
    if (s >= sEnd) {
      while (p < pEnd && pattern.charCodeAt(p) === STAR) p++;
      matched = p === pEnd;
      break;
    }
    if (p < pEnd) {
      const c = pattern.charCodeAt(p);
      if (c === STAR) {
        starAt = p++;
        starConsumed = s;
        continue;
      }
      const subjectChar = subject.charCodeAt(s);
      const literal = c === LITERAL_STAR_CODE ? subjectChar === STAR : c === LITERAL_QUESTION_CODE ? subjectChar === QUESTION : c === subjectChar;
      if (c === QUESTION || literal) {
        p++;
        s++;
        continue;
      }
    }
    if (starAt < 0) {
      matched = false;
      break;
    }
    p = starAt + 1;
    s = ++starConsumed;
  }
  if (activeCounter !== undefined) activeCounter.steps += steps;
  return matched;
}

function build(pattern: string): StringMatcher {
  if (pattern === '*') return matchAll;
  if (!pattern.includes(LITERAL_STAR) && !pattern.includes(LITERAL_QUESTION)) {
    const star = pattern.indexOf('*');
    const question = pattern.indexOf('?');
    if (star < 0 && question < 0) return (s) => s === pattern;
    if (question < 0 && star === pattern.length - 1) {
      const prefix = pattern.slice(0, -1);
      return (s) => s.startsWith(prefix);
    }
    if (question < 0 && star === 0 && pattern.indexOf('*', 1) < 0) {
      const suffix = pattern.slice(1);
      return (s) => s.endsWith(suffix);
    }
  }
  const end = pattern.length;
  return (s) => scan(pattern, 0, end, s, 0, s.length);
}
