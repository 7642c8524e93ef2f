/**
 * IAM wildcard matching: `*` matches any run of characters (including none), `?` exactly one, everything else
 * literally. Used for Action, Resource, StringLike and ArnLike.
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

const MAX_CACHED = 10_000;
const sensitiveCache = new Map<string, StringMatcher>();
const insensitiveCache = new Map<string, StringMatcher>();

const matchAll: StringMatcher = () => true;

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
  return isPlain(pattern) ? pattern === subject : globMatch(pattern, subject);
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
 * Iterative wildcard matching over UTF-16 code units (as the regex form does, without its `u` flag): on a mismatch,
 * resume after the last `*` with one more subject character consumed by it. The literal stand-ins match `*` and `?`.
 */
function globMatch(pattern: string, subject: string): boolean {
  let p = 0;
  let s = 0;
  let starAt = -1;
  let starConsumed = 0;
  while (s < subject.length) {
    if (p < pattern.length) {
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
    if (starAt < 0) return false;
    p = starAt + 1;
    s = ++starConsumed;
  }
  while (p < pattern.length && pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
}

/** One-off match; prefer {@link wildcardMatcher} in loops. */
export function wildcardMatch(pattern: string, subject: string, caseInsensitive = false): boolean {
  return wildcardMatcher(pattern, caseInsensitive)(caseInsensitive ? subject.toLowerCase() : subject);
}

function build(pattern: string): StringMatcher {
  if (pattern === '*') return matchAll;
  if (pattern.includes(LITERAL_STAR) || pattern.includes(LITERAL_QUESTION)) return buildRegex(pattern);
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
  return buildRegex(pattern);
}

function buildRegex(pattern: string): StringMatcher {
  let source = '';
  for (const c of pattern) {
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === LITERAL_STAR) source += '\\*';
    else if (c === LITERAL_QUESTION) source += '\\?';
    else source += c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (s) => regex.test(s);
}

/** Turns the literal stand-ins back into plain characters, for operators that compare without wildcards. */
export function withoutLiteralMarkers(text: string): string {
  return text.includes(LITERAL_STAR) || text.includes(LITERAL_QUESTION)
    ? text.split(LITERAL_STAR).join('*').split(LITERAL_QUESTION).join('?')
    : text;
}
