/**
 * Kills mutants of src/policy that its own unit tests (test/policy) left alive (issue 10, docs/mutation-testing.md,
 * "src/policy (unit tests only)"). The run measures src/policy against test/policy alone, so code that only the
 * evaluator, rules or construct tests reached (the character checks, the error rendering, the size estimate, the
 * enumerations) is pinned here, each case by a value, a decision or a whole message.
 *
 * Semantics cited: kms-developer-guide key-policy-overview.md ("Key policy format": 32 KB, the character set),
 * iam-user-guide reference_policies_elements_principal.md (principal forms, no wildcards in principal ARNs, user names
 * case-sensitive), reference_policies_elements_notprincipal.md.
 */
import { actionPattern } from '../../src/policy/action-pattern';
import { hasArnWildcard, isAccountId, parseAliasArn, parseArn, parseKeyArn } from '../../src/policy/arn';
import { BoundedCache, firstSlot, textHash } from '../../src/policy/bounded-cache';
import { ALL_KMS_ACTIONS, isMultiValuedKey } from '../../src/policy/catalogue';
import {
  CharacterProblem, ECHO_MAX_CHARS, describeCharacter, echoUpTo, escapeText, firstBadCharacter, isInvisibleCharacter, isKeyPolicyCharacter,
  isPrintableAscii, withoutInvisibleCharacters,
} from '../../src/policy/characters';
import { combinations, product } from '../../src/policy/combinatorics';
import {
  InputBoundCodes, IssueCollector, MAX_NESTING_DEPTH, MAX_STRING_LENGTH, clip, nestedDeeperThan, show, showPrefix, tooLongMessage,
} from '../../src/policy/issues';
import { PolicyDocument, parsePolicyDocument } from '../../src/policy/policy-document';
import { PolicyKind } from '../../src/policy/policy-kind';
import { estimatePolicySize } from '../../src/policy/policy-size';
import {
  Caller, PrincipalEntry, describePrincipalEntry, isServicePrincipal, matchPrincipalEntry, parseAwsPrincipal, parseCaller, sessionRoleArn,
  withRoleArn,
} from '../../src/policy/principal';
import { integrationFor, keyReferencesOf } from '../../src/policy/service-integrations';
import { LITERAL_QUESTION, LITERAL_STAR, matchesWildcard, matchesWildcardRange, wildcardMatcher, withoutLiteralMarkers } from '../../src/policy/wildcard';

/** A value nested `depth` levels deep: `[[...["x"]...]]` (or objects `{a: {a: ...}}`). */
function nested(depth: number, kind: 'array' | 'object' = 'array'): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

// ---------------------------------------------------------------------------------------------------------------------
// characters.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('characters: the key-policy character set (key-policy-overview.md, "Key policy format")', () => {
  // "Printable ASCII characters; printable characters in the Basic Latin and Latin-1 Supplement character set; the tab
  // (\u0009), line feed (\u000A), and carriage return (\u000D) special characters".
  test.each([
    [0x08, false], [0x09, true], [0x0a, true], [0x0b, false], [0x0c, false], [0x0d, true], [0x0e, false], [0x1f, false],
    [0x20, true], [0x41, true], [0x7e, true], [0x7f, false], [0x80, false], [0x9f, false], [0xa0, true], [0xe9, true], [0xff, true],
    [0x100, false], [0x200b, false], [0x1f600, false],
  ])('GIVEN code point %i WHEN checked THEN a key policy may hold it: %s', (c, ok) => {
    expect(isKeyPolicyCharacter(c)).toBe(ok);
  });
});

describe('characters: invisible characters', () => {
  test.each([
    // C0 controls except tab, LF, CR; DEL and C1 controls.
    [0x00, true], [0x08, true], [0x09, false], [0x0a, false], [0x0b, true], [0x0c, true], [0x0d, false], [0x1f, true],
    [0x20, false], [0x7e, false], [0x7f, true], [0x80, true], [0x9f, true], [0xa0, false], [0xac, false],
    // Format characters, at both ends of each range and just outside.
    [0xad, true], [0xae, false], [0x34e, false], [0x34f, true], [0x350, false], [0x61c, true], [0x61d, false], [0x115f, true],
    [0x1160, true], [0x1161, false], [0x17b4, true], [0x17b5, true], [0x17b6, false], [0x180a, false], [0x180b, true],
    [0x180f, true], [0x1810, false], [0x200a, false], [0x200b, true], [0x200f, true], [0x2010, false], [0x2027, false],
    [0x2028, true], [0x202e, true], [0x202f, false], [0x205f, false], [0x2060, true], [0x206f, true], [0x2070, false],
    [0x3163, false], [0x3164, true], [0x3165, false], [0xfdff, false], [0xfe00, true], [0xfe0f, true], [0xfe10, false],
    [0xfefe, false], [0xfeff, true], [0xff00, false], [0xfff8, false], [0xfff9, true], [0xfffb, true], [0xfffc, false],
    [0xdffff, false], [0xe0000, true], [0xe0041, true], [0xe0fff, true], [0xe1000, false], [0x1f600, false],
  ])('GIVEN code point %i WHEN checked THEN it is invisible: %s', (c, invisible) => {
    expect(isInvisibleCharacter(c)).toBe(invisible);
  });

  test.each([
    ['', true], ['arn:aws:kms:us-east-1:111122223333:key/x ~', true], ['a\x1fb', false], ['a\x7f', false], ['caf\u00e9', false], ['\t', false],
  ])('GIVEN %j WHEN checked THEN it is printable ASCII: %s', (text, ok) => {
    expect(isPrintableAscii(text)).toBe(ok);
  });
});

describe('characters: firstBadCharacter', () => {
  const none = undefined;
  const at = (index: number, codePoint: number, loneSurrogate = false): CharacterProblem => ({ index, codePoint, loneSurrogate });
  test.each<[string, string, CharacterProblem | undefined, CharacterProblem | undefined]>([
    // [what, text, anywhere (keyPolicy false), in a key policy (keyPolicy true)]
    ['printable ASCII', 'kms:Decrypt ~', none, none],
    ['tab, line feed, carriage return', 'a\tb\nc\rd', none, none],
    ['a Latin-1 letter (allowed in key policies)', 'caf\u00e9', none, none],
    ['a letter beyond Latin-1 (visible, but not in the key-policy set)', 'r\u0101le', none, at(1, 0x101)],
    ['a zero-width space', 'ab\u200bc', at(2, 0x200b), at(2, 0x200b)],
    ['a control character first', '\x01abc', at(0, 0x01), at(0, 0x01)],
    ['the unit below space', 'a\x1f', at(1, 0x1f), at(1, 0x1f)],
    ['DEL', 'a\x7f', at(1, 0x7f), at(1, 0x7f)],
    ['a lone high surrogate at the end', 'a\ud800', at(1, 0xd800, true), at(1, 0xd800, true)],
    ['a high surrogate before a letter', '\ud83dx', at(0, 0xd83d, true), at(0, 0xd83d, true)],
    ['a high surrogate before another high surrogate', '\ud800\udbff', at(0, 0xd800, true), at(0, 0xd800, true)],
    ['a high surrogate before U+E000 (just past the low surrogates)', '\ud800\ue000', at(0, 0xd800, true), at(0, 0xd800, true)],
    ['a lone low surrogate', 'x\udc00', at(1, 0xdc00, true), at(1, 0xdc00, true)],
    ['two low surrogates (a low one cannot start a pair)', '\udc00\udc00', at(0, 0xdc00, true), at(0, 0xdc00, true)],
    ['the last high surrogate with the first low one', '\udbff\udc00', none, at(0, 0x10fc00)],
    ['an emoji (a surrogate pair, visible)', 'a\u{1F600}b', none, at(1, 0x1f600)],
    ['an emoji then a zero-width space: the pair counts as one character', '\u{1F600}\u200b', at(2, 0x200b), at(0, 0x1f600)],
    ['a tag character (a pair, invisible)', 'ab\u{E0041}', at(2, 0xe0041), at(2, 0xe0041)],
    ['U+D7FF (just below the surrogates) before a low surrogate', '\ud7ff\udc00', at(1, 0xdc00, true), at(0, 0xd7ff)],
  ])('GIVEN %s WHEN scanned THEN the first bad character is found anywhere and in a key policy', (_what, text, anywhere, keyPolicy) => {
    expect(firstBadCharacter(text, false)).toEqual(anywhere);
    expect(firstBadCharacter(text, true)).toEqual(keyPolicy);
  });
});

describe('characters: how a problem is described and echoed', () => {
  test.each<[CharacterProblem, string]>([
    [{ index: 0, codePoint: 0x200b, loneSurrogate: false }, 'U+200B (zero-width space)'],
    [{ index: 0, codePoint: 0xfeff, loneSurrogate: false }, 'U+FEFF (zero-width no-break space (byte-order mark))'],
    [{ index: 0, codePoint: 0x00, loneSurrogate: false }, 'U+0000 (NUL)'],
    [{ index: 0, codePoint: 0x7f, loneSurrogate: false }, 'U+007F (DEL)'],
    [{ index: 0, codePoint: 0x07, loneSurrogate: false }, 'U+0007 (a control character)'],
    [{ index: 0, codePoint: 0x1f, loneSurrogate: false }, 'U+001F (a control character)'],
    [{ index: 0, codePoint: 0x80, loneSurrogate: false }, 'U+0080 (a control character)'],
    [{ index: 0, codePoint: 0x9f, loneSurrogate: false }, 'U+009F (a control character)'],
    [{ index: 0, codePoint: 0xa0, loneSurrogate: false }, 'U+00A0'],
    [{ index: 0, codePoint: 0x7e, loneSurrogate: false }, 'U+007E'],
    [{ index: 0, codePoint: 0x101, loneSurrogate: false }, 'U+0101'],
    [{ index: 0, codePoint: 0x1f600, loneSurrogate: false }, 'U+1F600'],
    [{ index: 3, codePoint: 0xd800, loneSurrogate: true }, 'a lone surrogate U+D800 (not valid Unicode, so it has no UTF-8 form)'],
  ])('GIVEN %j WHEN described THEN %s', (problem, text) => {
    expect(describeCharacter(problem)).toBe(text);
  });

  test.each([
    ['the text up to the character, escaped', 'abc\u200bdef', 3, 'abc\\u200B'],
    ['a character at index 0', '\u200bdef', 0, '\\u200B'],
    ['exactly 40 characters: no ellipsis', `${'x'.repeat(39)}\u200b`, 39, `${'x'.repeat(39)}\\u200B`],
    ['41 characters: the last 40 after an ellipsis', `${'x'.repeat(40)}\u200b`, 40, `...${'x'.repeat(39)}\\u200B`],
    ['a surrogate pair shown whole', 'ab\u{1F600}c', 2, 'ab\\uD83D\\uDE00'],
    ['the last high surrogate with a low one: shown whole', 'a\udbff\udc00', 1, 'a\\uDBFF\\uDC00'],
    ['a high surrogate before a letter: alone', 'a\ud83dxy', 1, 'a\\uD83D'],
    ['a high surrogate before another high one: alone', 'a\ud800\udbff', 1, 'a\\uD800'],
    ['a high surrogate before U+E000: alone', 'a\ud800\ue000', 1, 'a\\uD800'],
    ['a low surrogate before a low one: alone', 'a\udc00\udc00', 1, 'a\\uDC00'],
    ['U+D7FF before a low surrogate: alone', 'a\ud7ff\udc00', 1, 'a\\uD7FF'],
  ])('GIVEN %s WHEN echoed THEN the escaped text up to it remains', (_what, text, index, echo) => {
    expect(echoUpTo(text, index)).toBe(echo);
  });

  test('GIVEN a long text with the character far in WHEN echoed THEN at most ECHO_MAX_CHARS characters of it are', () => {
    expect(ECHO_MAX_CHARS).toBe(40);
    expect(echoUpTo(`${'a'.repeat(100)}${'b'.repeat(39)}\x00tail`, 139)).toBe(`...${'b'.repeat(39)}\\u0000`);
  });

  test.each([
    [' ~az', ' ~az'], ['a\x1fb', 'a\\u001Fb'], ['\x7f', '\\u007F'], ['caf\u00e9', 'caf\\u00E9'], ['\n', '\\u000A'], ['\u{1F600}', '\\uD83D\\uDE00'],
  ])('GIVEN %j WHEN escaped THEN %j', (text, escaped) => {
    expect(escapeText(text)).toBe(escaped);
  });

  test.each([
    ['no invisible character', 'kms:Decrypt', 'kms:Decrypt'],
    ['a zero-width space inside', 'kms:Encryption\u200bContext', 'kms:EncryptionContext'],
    ['several, first and last', '\u200ba\u200cb\u200d', 'ab'],
    ['only invisible characters', '\u200b\ufeff', ''],
    ['visible non-ASCII kept', 'caf\u00e9 \u{1F600}', 'caf\u00e9 \u{1F600}'],
    ['tab and line feed kept', 'a\tb\n', 'a\tb\n'],
    ['a control character and DEL dropped', 'a\x01b\x7f', 'ab'],
    ['a lone high surrogate dropped', 'a\ud800b', 'ab'],
    ['a lone high surrogate at the end dropped', 'ab\ud800', 'ab'],
    ['a lone low surrogate dropped', '\udc00ab', 'ab'],
    ['a high surrogate before a high one: both dropped', 'a\ud800\udbffb', 'ab'],
    ['a high surrogate before U+E000: the surrogate dropped', 'a\ud800\ue000', 'a\ue000'],
    ['an invisible tag character (a pair) dropped whole', 'a\u{E0041}b', 'ab'],
    ['U+D7FF kept before a lone low surrogate', '\ud7ff\udc00', '\ud7ff'],
    ['the last high surrogate with the first low one kept', 'a\udbff\udc00', 'a\udbff\udc00'],
  ])('GIVEN %s WHEN invisible characters are removed THEN the visible text remains', (_what, text, visible) => {
    expect(withoutInvisibleCharacters(text)).toBe(visible);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// issues.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('issues: IssueCollector', () => {
  test('GIVEN no issue WHEN read THEN the list is empty and frozen, and no error is counted', () => {
    const issues = new IssueCollector();
    expect(issues.issues).toEqual([]);
    expect(Object.isFrozen(issues.issues)).toBe(true);
    expect(issues.hasErrors).toBe(false);
    expect(issues.errorCount).toBe(0);
  });

  test('GIVEN errors and warnings WHEN collected THEN they keep their order, errors are counted, and each has only the location fields set, in a fixed order', () => {
    const issues = new IssueCollector();
    issues.warning('w1', 'first warning', { policy: 'key policy', statement: 'Sid "A"', field: 'Action' });
    expect(issues.hasErrors).toBe(false);
    expect(issues.errorCount).toBe(0);
    issues.error('e1', 'first error', { field: 'Resource', statement: 'statement #1', policy: 'key policy' }, 'NotResource');
    issues.error('e2', 'second error');
    issues.warning('w2', 'second warning', { policy: 'SCP #0' }, 'Statement');
    expect(issues.hasErrors).toBe(true);
    expect(issues.errorCount).toBe(2);
    expect(issues.issues).toEqual([
      { code: 'w1', severity: 'warning', message: 'first warning', policy: 'key policy', statement: 'Sid "A"', field: 'Action' },
      { code: 'e1', severity: 'error', message: 'first error', policy: 'key policy', statement: 'statement #1', field: 'NotResource' },
      { code: 'e2', severity: 'error', message: 'second error' },
      { code: 'w2', severity: 'warning', message: 'second warning', policy: 'SCP #0', field: 'Statement' },
    ]);
    expect(issues.issues.map((i) => Object.keys(i))).toEqual([
      ['code', 'severity', 'message', 'policy', 'statement', 'field'],
      ['code', 'severity', 'message', 'policy', 'statement', 'field'],
      ['code', 'severity', 'message'],
      ['code', 'severity', 'message', 'policy', 'field'],
    ]);
  });

  test('GIVEN a location with only a statement WHEN an issue is raised there THEN it names the statement alone', () => {
    const issues = new IssueCollector();
    issues.error('e', 'm', { statement: 'statement #0' });
    expect(issues.issues).toEqual([{ code: 'e', severity: 'error', message: 'm', statement: 'statement #0' }]);
    expect(Object.keys(issues.issues[0])).toEqual(['code', 'severity', 'message', 'statement']);
  });

  const deep = nested(MAX_NESTING_DEPTH + 1);
  const tail = ` nests arrays or objects more than ${MAX_NESTING_DEPTH} levels deep, which no policy or scenario element does `
    + '(a Condition has three levels: operator, key, values): write it in its documented shape';
  test.each([
    ['a field given', { policy: 'key policy', statement: 'Sid "A"' }, 'Condition', `\`Condition\`${tail}`, 'Condition'],
    ['the location\'s field', { policy: 'key policy', field: 'Principal' }, undefined, `\`Principal\`${tail}`, 'Principal'],
    ['a 100-character field name (clipped)', {}, 'F'.repeat(100), `\`${'F'.repeat(64)}...\`${tail}`, 'F'.repeat(100)],
    ['a statement of a policy', { policy: 'identity policy #0', statement: 'statement #2' }, undefined, `statement #2 of the identity policy #0${tail}`, undefined],
    ['a statement without a policy', { statement: 'Sid "X"' }, undefined, `Sid "X" of the policy${tail}`, undefined],
    ['a policy alone', { policy: 'key policy' }, undefined, `the key policy${tail}`, undefined],
    ['nowhere', {}, undefined, `the value${tail}`, undefined],
  ])('GIVEN a value nested too deep and %s WHEN a shape error is raised THEN it is nesting-too-deep with the whole message', (_what, where, field, message, issueField) => {
    const issues = new IssueCollector();
    issues.shapeError(deep, 'invalid-field', 'the shape message', where, field);
    expect(issues.errorCount).toBe(1);
    expect(issues.issues).toHaveLength(1);
    expect(issues.issues[0].code).toBe(InputBoundCodes.NESTING_TOO_DEEP);
    expect(issues.issues[0].code).toBe('nesting-too-deep');
    expect(issues.issues[0].severity).toBe('error');
    expect(issues.issues[0].message).toBe(message);
    expect(issues.issues[0].field).toBe(issueField);
  });

  test.each([
    ['a value at the depth limit', nested(MAX_NESTING_DEPTH)],
    ['a string', 'Permit'],
    ['null', null],
  ])('GIVEN %s WHEN a shape error is raised THEN the given code and message are kept', (_what, value) => {
    const issues = new IssueCollector();
    issues.shapeError(value, 'invalid-effect', 'Effect is wrong', { policy: 'key policy' }, 'Effect');
    expect(issues.issues).toEqual([{ code: 'invalid-effect', severity: 'error', message: 'Effect is wrong', policy: 'key policy', field: 'Effect' }]);
    expect(issues.errorCount).toBe(1);
  });
});

describe('issues: nestedDeeperThan', () => {
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  const throwing = { get x(): never { throw new Error('no'); } };
  const inheritedDeep = Object.create({ a: nested(10) }) as object;
  test.each<[string, unknown, number, boolean]>([
    ['a string at limit 0', 'x', 0, false],
    ['null at limit 0', null, 0, false],
    ['a number', 7, 1, false],
    ['an empty array at limit 0 (an array is level 1)', [], 0, true],
    ['an empty array at limit 1', [], 1, false],
    ['an empty object at limit 0', {}, 0, true],
    ['an empty object at limit 1', {}, 1, false],
    ['arrays 3 deep at limit 3', nested(3), 3, false],
    ['arrays 3 deep at limit 2', nested(3), 2, true],
    ['objects 3 deep at limit 3', nested(3, 'object'), 3, false],
    ['objects 3 deep at limit 2', nested(3, 'object'), 2, true],
    ['a deep element after shallow ones', ['a', 1, null, [], nested(3)], 3, true],
    ['a deep property after shallow ones', { a: 1, b: [], c: nested(3) }, 3, true],
    ['a cycle', cyclic, 5, true],
    ['a throwing getter', throwing, 5, false],
    ['an inherited deep property (own properties only)', inheritedDeep, 2, false],
    ['arrays 64 deep at the default limit', nested(MAX_NESTING_DEPTH), MAX_NESTING_DEPTH, false],
    ['arrays 65 deep at the default limit', nested(MAX_NESTING_DEPTH + 1), MAX_NESTING_DEPTH, true],
  ])('GIVEN %s WHEN measured THEN deeper than the limit: %s', (_what, value, limit, deeper) => {
    expect(nestedDeeperThan(value, limit)).toBe(deeper);
  });

  test('GIVEN no limit WHEN measured THEN the limit is MAX_NESTING_DEPTH (64)', () => {
    expect(MAX_NESTING_DEPTH).toBe(64);
    expect(nestedDeeperThan(nested(64))).toBe(false);
    expect(nestedDeeperThan(nested(65))).toBe(true);
    expect(nestedDeeperThan(nested(65, 'object'))).toBe(true);
  });

  test('GIVEN a value too deep only after 10,000 visits WHEN measured THEN it gives up (false); one visit earlier it finds it', () => {
    // The outer array is the first visit; then each [] is one.
    // At limit 2 the outer array is the first visit and each [] one more; the last element, [["x"]], is too deep only
    // if it is visited with the budget not yet spent.
    expect(nestedDeeperThan([...new Array<unknown>(9_999).fill([]), nested(2)], 2)).toBe(false);
    expect(nestedDeeperThan([...new Array<unknown>(9_998).fill([]), nested(2)], 2)).toBe(true);
  });
});

describe('issues: clip, showPrefix, tooLongMessage', () => {
  test.each([
    ['a short text', 'abc', undefined, 'abc'],
    ['64 characters', 'n'.repeat(64), undefined, 'n'.repeat(64)],
    ['65 characters', 'n'.repeat(65), undefined, `${'n'.repeat(64)}...`],
    ['a given maximum', 'abcd', 3, 'abc...'],
    ['a given maximum, reached exactly', 'abc', 3, 'abc'],
    ['a high surrogate at the cut (U+D800)', 'ab\ud800\udc00cd', 3, 'ab...'],
    ['a high surrogate at the cut (U+DBFF)', 'ab\udbff\udfffcd', 3, 'ab...'],
    ['a low surrogate at the cut (kept: the pair is whole)', 'a\ud800\udc00cd', 3, 'a\ud800\udc00...'],
    ['U+D7FF at the cut', 'ab\ud7ffcd', 3, 'ab\ud7ff...'],
    ['U+DC00 at the cut', 'ab\udc00cd', 3, 'ab\udc00...'],
  ])('GIVEN %s WHEN clipped THEN the expected prefix remains', (_what, text, max, clipped) => {
    expect(clip(text, max)).toBe(clipped);
  });

  test.each([
    ['a short value', 'abc', '"abc"'],
    ['64 characters: whole', 'v'.repeat(64), `"${'v'.repeat(64)}"`],
    ['65 characters: cut, with the length', 'v'.repeat(65), `"${'v'.repeat(64)}"... (65 characters)`],
    ['40,000 characters: the length with a separator', 'v'.repeat(40_000), `"${'v'.repeat(64)}"... (40,000 characters)`],
    ['a quote inside', 'a"b', '"a\\"b"'],
  ])('GIVEN %s WHEN shown by its prefix THEN the quoted prefix and the length', (_what, text, shown) => {
    expect(showPrefix(text)).toBe(shown);
  });

  test('GIVEN a Sid over the bound WHEN the error is written THEN it names the field, both lengths, the 32 KB limit and the prefix', () => {
    expect(MAX_STRING_LENGTH).toBe(32_768);
    expect(InputBoundCodes.VALUE_TOO_LONG).toBe('value-too-long');
    expect(tooLongMessage('Sid', 's'.repeat(32_769))).toBe(
      'Sid is 32,769 characters long, more than the 32,768 this evaluator reads (AWS KMS accepts no key policy longer than 32 KB, '
      + `resource-limits.md): "${'s'.repeat(64)}"... (32,769 characters). shorten it`,
    );
  });
});

describe('issues: show renders a value as JSON.stringify would, cut at 120 characters', () => {
  const withInherited = Object.create({ inherited: 1 }) as Record<string, unknown>;
  withInherited.own = 2;
  const throwingToJson = { toJSON(): never { throw new Error('no'); } };
  const throwingGetter = { a: 1, get b(): never { throw new Error('no'); } };
  const longKey = { ['k'.repeat(200)]: 1 };
  test.each<[string, unknown, string]>([
    ['undefined', undefined, 'nothing'],
    ['null', null, 'null'],
    ['a string', 'Permit', '"Permit"'],
    ['a string needing escapes', 'a"b\n', '"a\\"b\\n"'],
    ['a number', 42, '42'],
    ['NaN', NaN, 'null'],
    ['Infinity', Infinity, 'null'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['a bigint', BigInt(10), '10'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
    ['an empty array', [], '[]'],
    ['an array with holes-like values', [1, 'a', null, undefined, () => 1, Symbol('x')], '[1,"a",null,null,null,null]'],
    ['an empty object', {}, '{}'],
    ['an object without undefined, functions and symbols', { a: undefined, b: 2, c: () => 1, d: Symbol('x'), e: 'x' }, '{"b":2,"e":"x"}'],
    ['an object with an undefined first property', { a: undefined, b: 1 }, '{"b":1}'],
    ['own properties only', withInherited, '{"own":2}'],
    ['nested values', { a: [1, { b: [] }], c: {} }, '{"a":[1,{"b":[]}],"c":{}}'],
    ['a Date (toJSON)', new Date(0), '"1970-01-01T00:00:00.000Z"'],
    ['a 200-character string', 'x'.repeat(200), `"${'x'.repeat(116)}...`],
    ['a 119-character string (121 with quotes): cut', 'x'.repeat(119), `"${'x'.repeat(116)}...`],
    ['a 118-character string (120 with quotes): whole', 'x'.repeat(118), `"${'x'.repeat(118)}"`],
    ['a 200-character key', longKey, `{"${'k'.repeat(115)}...`],
    ['a long array', new Array<number>(100).fill(1), `[${new Array<string>(58).fill('1').join(',')},...`],
    ['a deep array', nested(200), `${'['.repeat(117)}...`],
  ])('GIVEN %s WHEN shown THEN it reads as the third column', (_what, value, shown) => {
    expect(show(value)).toBe(shown);
  });

  test('GIVEN a toJSON or a getter that throws WHEN shown THEN the text so far stands, marked as cut', () => {
    expect(show(throwingToJson)).toBe('"[object Object]"');
    expect(show(throwingGetter)).toBe('{"a":1...');
    expect(show([1, throwingGetter])).toBe('[1,{"a":1...');
  });

  test('GIVEN a function WHEN shown THEN its source text, cut at 120 characters', () => {
    function f(): number { return 1; }
    expect(show(f)).toBe(String(f).length > 120 ? `${String(f).slice(0, 117)}...` : String(f));
  });

  test('GIVEN an array of 10,000 long strings WHEN shown THEN only what fits is rendered (the loop stops past 120 characters)', () => {
    const items = new Array<string>(10_000).fill('y'.repeat(50));
    const shown = show(items);
    expect(shown).toBe(`["${'y'.repeat(50)}","${'y'.repeat(50)}","${'y'.repeat(9)}...`);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// policy-size.ts: KMS rejects a key policy over 32 KB (key-policy-overview.md, "Key policy format"); intrinsics are
// counted at an upper bound of what CloudFormation makes of them.
// ---------------------------------------------------------------------------------------------------------------------

describe('policy-size: estimatePolicySize', () => {
  const x = (n: number) => 'x'.repeat(n);
  const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');
  const ARN = 102;

  test.each<[string, unknown, unknown]>([
    ['a literal value', 'arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:root'],
    ['Ref AWS::AccountId (12 digits)', { Ref: 'AWS::AccountId' }, x(12)],
    ['Ref AWS::Partition (aws-us-gov)', { Ref: 'AWS::Partition' }, x(10)],
    ['Ref AWS::Region', { Ref: 'AWS::Region' }, x(14)],
    ['Ref AWS::URLSuffix (amazonaws.com.cn)', { Ref: 'AWS::URLSuffix' }, x(16)],
    ['Ref AWS::StackName', { Ref: 'AWS::StackName' }, x(128)],
    ['Ref AWS::StackId', { Ref: 'AWS::StackId' }, x(256)],
    ['Ref AWS::NoValue', { Ref: 'AWS::NoValue' }, ''],
    ['Ref of a resource or parameter (an ARN at most)', { Ref: 'AppRole' }, x(ARN)],
    ['Ref of a non-string', { Ref: 7 }, x(ARN)],
    ['Fn::GetAtt', { 'Fn::GetAtt': ['AppRole', 'Arn'] }, x(ARN)],
    ['Fn::If', { 'Fn::If': ['IsProd', 'a', 'b'] }, x(ARN)],
    ['Fn::Sub', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' }, x(ARN)],
    ['a Condition reference', { Condition: 'IsProd' }, x(ARN)],
    [
      'Fn::Join of literals and pseudo parameters',
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] },
      `arn:${x(10)}:iam::${x(12)}:root`,
    ],
    ['Fn::Join with a separator', { 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }, 'b']] }, `a-${x(14)}-b`],
    ['Fn::Join with a non-string separator (none)', { 'Fn::Join': [{ Ref: 'Sep' }, ['a', 'b']] }, 'ab'],
    ['Fn::Join with a part that stays an object', { 'Fn::Join': ['/', ['a', { k: 1, l: 2 }]] }, `a/${x(ARN)}`],
    ['Fn::Join with an intrinsic list (an ARN at most)', { 'Fn::Join': ['', { Ref: 'List' }] }, x(ARN)],
    ['Fn::Join that is not a list', { 'Fn::Join': 'ab' }, x(ARN)],
    // Only Fn::Join is joined: any other function over a list (Fn::Select) counts as an ARN at most.
    ['Fn::Select over a literal list', { 'Fn::Select': ['0', ['arn:aws:iam::111122223333:root', 'y']] }, x(ARN)],
    ['a one-key object over a list of lists (no intrinsic)', { AWS: ['a', ['b', { Ref: 'AWS::Region' }]] }, { AWS: ['a', ['b', x(14)]] }],
    ['a one-key object that is no intrinsic', { AWS: { Ref: 'AWS::AccountId' } }, { AWS: x(12) }],
    ['a key that only looks like Fn:', { 'Fn:Join': 'a' }, { 'Fn:Join': 'a' }],
    ['an object with Ref among other keys (no intrinsic)', { Ref: 'AppRole', Other: { Ref: 'AWS::Region' } }, { Ref: 'AppRole', Other: x(14) }],
    ['a list', [{ Ref: 'AWS::AccountId' }, 'b', [{ Condition: 'c' }]], [x(12), 'b', [x(ARN)]]],
    ['null and numbers', { a: null, b: 1 }, { a: null, b: 1 }],
  ])('GIVEN %s as the whole policy WHEN estimated THEN it counts as the literal form', (_what, value, literal) => {
    expect(estimatePolicySize(value).bytes).toBe(bytes(literal));
  });

  test('GIVEN a key policy with a Sid, an unnamed statement and intrinsics WHEN estimated THEN each statement is named and sized', () => {
    const named = { Sid: 'Use', Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['AppRole', 'Arn'] } }, Action: 'kms:Decrypt', Resource: '*' };
    const unnamed = { Effect: 'Allow', Principal: { AWS: { Ref: 'AWS::AccountId' } }, Action: 'kms:*', Resource: '*' };
    const numbered = { Sid: 7, Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' };
    const estimate = estimatePolicySize({ Version: '2012-10-17', Statement: [named, unnamed, numbered] });
    const namedLiteral = { ...named, Principal: { AWS: x(ARN) } };
    const unnamedLiteral = { ...unnamed, Principal: { AWS: x(12) } };
    expect(estimate).toEqual({
      bytes: bytes({ Version: '2012-10-17', Statement: [namedLiteral, unnamedLiteral, numbered] }),
      statements: [{ sid: 'Use', bytes: bytes(namedLiteral) }, { sid: '#1', bytes: bytes(unnamedLiteral) }, { sid: '#2', bytes: bytes(numbered) }],
    });
  });

  test.each<[string, unknown, Array<{ sid: string; bytes: number }>]>([
    ['one statement object', { Statement: { Sid: 'One', Effect: 'Allow' } }, [{ sid: 'One', bytes: bytes({ Sid: 'One', Effect: 'Allow' }) }]],
    ['no Statement', { Version: '2012-10-17' }, []],
    ['a statement that is not an object', { Statement: ['junk'] }, [{ sid: '#0', bytes: bytes('junk') }]],
    ['a policy that is a list', [{ Statement: [{ Sid: 'A' }] }], []],
    ['a policy that is a string', 'policy', []],
  ])('GIVEN %s WHEN estimated THEN the statements are listed as expected', (_what, policy, statements) => {
    const estimate = estimatePolicySize(policy);
    expect(estimate.statements).toEqual(statements);
    expect(estimate.bytes).toBe(bytes(policy));
  });

  test('GIVEN Latin-1 characters (allowed in key policies) WHEN estimated THEN they count in UTF-8 bytes, two each', () => {
    expect(estimatePolicySize({ Statement: [{ Sid: 'caf\u00e9' }] })).toEqual({
      bytes: JSON.stringify({ Statement: [{ Sid: 'caf\u00e9' }] }).length + 1,
      statements: [{ sid: 'caf\u00e9', bytes: JSON.stringify({ Sid: 'caf\u00e9' }).length + 1 }],
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// combinatorics.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('combinatorics', () => {
  test.each<[number[], number, number[][]]>([
    [[1, 2, 3], 0, [[]]],
    [[1, 2, 3], 1, [[1], [2], [3]]],
    [[1, 2, 3], 2, [[1, 2], [1, 3], [2, 3]]],
    [[1, 2, 3], 3, [[1, 2, 3]]],
    [[1, 2, 3], 4, []],
    [[1, 2, 3, 4], 2, [[1, 2], [1, 3], [1, 4], [2, 3], [2, 4], [3, 4]]],
    [[], 0, [[]]],
    [[], 1, []],
  ])('GIVEN %j WHEN the subsets of size %i are listed THEN they are %j, in order', (items, size, expected) => {
    expect([...combinations(items, size)]).toEqual(expected);
  });

  test.each<[string[][], string[][]]>([
    [[], [[]]],
    [[['a']], [['a']]],
    [[['a', 'b'], ['1', '2']], [['a', '1'], ['a', '2'], ['b', '1'], ['b', '2']]],
    [[['a', 'b'], [], ['1']], []],
    [[['a'], ['b'], ['c', 'd']], [['a', 'b', 'c'], ['a', 'b', 'd']]],
  ])('GIVEN the lists %j WHEN multiplied THEN the product is %j, in order', (lists, expected) => {
    expect([...product(lists)]).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// bounded-cache.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('bounded-cache', () => {
  test('GIVEN the documented hash (the length, then 4 characters from the last one back) WHEN computed THEN it has the hand-computed values', () => {
    expect(textHash('')).toBe(0);
    // "a": h = 1, then four times h = h * 31 + 97 (every position is the only character): 128, 4065, 126112, 3909569.
    expect(textHash('a')).toBe(3_909_569);
    // "ab": h = 2; positions 1, 1, 0, 0 (1 - floor(i * 2 / 4)): 160, 5058, 156895, 4863842.
    expect(textHash('ab')).toBe(4_863_842);
  });

  test('GIVEN an 8-character text WHEN one character changes THEN the hash changes exactly for the 4 positions it reads (7, 5, 3, 1)', () => {
    const base = 'abcdefgh';
    const changed = [0, 1, 2, 3, 4, 5, 6, 7].filter((i) => textHash(`${base.slice(0, i)}Z${base.slice(i + 1)}`) !== textHash(base));
    expect(changed).toEqual([1, 3, 5, 7]);
    expect(textHash('abcdefghi')).not.toBe(textHash('abcdefgh'));
  });

  test.each([[0, 7, 0], [6, 7, 12], [7, 7, 0], [13, 7, 12], [-1, 7, 12], [-8, 7, 12], [-7, 7, 0], [5, 1, 0], [-5, 1, 0], [3_909_569, 2, 2]])(
    'GIVEN hash %i and %i pairs WHEN a slot is chosen THEN the first slot of the pair is %i', (hash, pairs, slot) => {
      expect(firstSlot(hash, pairs)).toBe(slot);
    });

  test('GIVEN one pair of slots WHEN a third text comes THEN the oldest goes, and a re-set text moves to the front', () => {
    const cache = new BoundedCache<number | null>(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('')).toBeUndefined();
    cache.set('a', 1);
    expect(cache.get('a')).toBe(1);
    cache.set('b', null);
    expect([cache.get('a'), cache.get('b')]).toEqual([1, null]);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, null, 3]);
    cache.set('b', 4);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 4, 3]);
    cache.set('d', 5);
    expect([cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([4, undefined, 5]);
  });

  test('GIVEN two pairs WHEN texts of different pairs are set THEN they never evict each other', () => {
    // "a" falls into the pair at slot 2, "ab" into the pair at slot 0 (firstSlot(textHash(...), 2) above).
    const cache = new BoundedCache<string>(2);
    cache.set('a', 'A');
    cache.set('ab', 'AB');
    cache.set('abcdefgh', 'H'); // slot 0 too: "ab" moves to the second slot of its pair
    expect([cache.get('a'), cache.get('ab'), cache.get('abcdefgh')]).toEqual(['A', 'AB', 'H']);
    cache.set('role/app', 'R'); // slot 2: "a" moves to its second slot
    expect([cache.get('a'), cache.get('ab'), cache.get('abcdefgh'), cache.get('role/app')]).toEqual(['A', 'AB', 'H', 'R']);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// principal.ts (reference_policies_elements_principal.md; key-policy-overview.md)
// ---------------------------------------------------------------------------------------------------------------------

describe('principal: service principals', () => {
  test.each([
    ['cloudtrail.amazonaws.com', true], ['logs.us-east-1.amazonaws.com', true], ['CloudTrail.AmazonAWS.com', true], ['s3.amazonaws.com.cn', true],
    ['a.amazonaws.com', true], ['9a-b.c.amazonaws.com', true],
    ['amazonaws.com', false], ['.amazonaws.com', false], ['-x.amazonaws.com', false], ['a_b.amazonaws.com', false], ['x amazonaws.com', false],
    ['cloudtrail.amazonaws.com.evil.com', false], ['cloudtrail.amazonaws.comx', false], ['cloudtrail.amazonaws.com.cnx', false],
    ['evil.com/cloudtrail.amazonaws.com', false], ['cloudtrail', false], ['cloudtrailXamazonaws.com', false],
  ])('GIVEN %s WHEN checked THEN it is written as a service principal: %s', (text, ok) => {
    expect(isServicePrincipal(text)).toBe(ok);
  });
});

describe('principal: parseCaller reads every field of each kind of caller', () => {
  test.each<[string, Caller]>([
    ['cloudtrail.amazonaws.com', {
      arn: 'cloudtrail.amazonaws.com',
      kind: 'service',
      account: undefined,
      partition: undefined,
      name: undefined,
      path: undefined,
      sessionName: undefined,
      principalArn: undefined,
      service: 'cloudtrail.amazonaws.com',
      description: 'the service principal cloudtrail.amazonaws.com',
    }],
    ['Logs.AmazonAWS.com', {
      arn: 'Logs.AmazonAWS.com',
      kind: 'service',
      account: undefined,
      partition: undefined,
      name: undefined,
      path: undefined,
      sessionName: undefined,
      principalArn: undefined,
      service: 'logs.amazonaws.com',
      description: 'the service principal Logs.AmazonAWS.com',
    }],
    ['arn:aws:iam::111122223333:root', {
      arn: 'arn:aws:iam::111122223333:root',
      kind: 'root',
      account: '111122223333',
      partition: 'aws',
      name: undefined,
      path: undefined,
      sessionName: undefined,
      principalArn: 'arn:aws:iam::111122223333:root',
      service: undefined,
      description: 'the root user of account 111122223333',
    }],
    ['arn:aws-cn:iam::111122223333:user/ops/alice', {
      arn: 'arn:aws-cn:iam::111122223333:user/ops/alice',
      kind: 'user',
      account: '111122223333',
      partition: 'aws-cn',
      name: 'alice',
      path: '/ops/',
      sessionName: undefined,
      principalArn: 'arn:aws-cn:iam::111122223333:user/ops/alice',
      service: undefined,
      description: 'arn:aws-cn:iam::111122223333:user/ops/alice',
    }],
    ['arn:aws:iam::111122223333:role/app', {
      arn: 'arn:aws:iam::111122223333:role/app',
      kind: 'role',
      account: '111122223333',
      partition: 'aws',
      name: 'app',
      path: '/',
      sessionName: undefined,
      principalArn: 'arn:aws:iam::111122223333:role/app',
      service: undefined,
      description: 'arn:aws:iam::111122223333:role/app',
    }],
    ['arn:aws-us-gov:sts::111122223333:assumed-role/app/i-1', {
      arn: 'arn:aws-us-gov:sts::111122223333:assumed-role/app/i-1',
      kind: 'assumed-role',
      account: '111122223333',
      partition: 'aws-us-gov',
      name: 'app',
      path: undefined,
      sessionName: 'i-1',
      principalArn: 'arn:aws-us-gov:iam::111122223333:role/app',
      service: undefined,
      description: 'arn:aws-us-gov:sts::111122223333:assumed-role/app/i-1 (a session of role app)',
    }],
    ['arn:aws:sts::111122223333:federated-user/bob', {
      arn: 'arn:aws:sts::111122223333:federated-user/bob',
      kind: 'federated-user',
      account: '111122223333',
      partition: 'aws',
      name: 'bob',
      path: undefined,
      sessionName: undefined,
      principalArn: 'arn:aws:sts::111122223333:federated-user/bob',
      service: undefined,
      description: 'arn:aws:sts::111122223333:federated-user/bob',
    }],
  ])('GIVEN %s WHEN read as a caller THEN every field is as expected', (text, caller) => {
    expect(parseCaller(text)).toStrictEqual(caller);
    // A second read is served by the cache: the same object.
    expect(parseCaller(text)).toBe(parseCaller(text));
  });

  test.each([
    ['an IAM ARN with a Region', 'arn:aws:iam:us-east-1:111122223333:role/app'],
    ['an STS ARN with a Region', 'arn:aws:sts:us-east-1:111122223333:assumed-role/app/s1'],
    ['another service', 'arn:aws:kms:us-east-1:111122223333:key/k'],
    ['an S3 ARN with an account', 'arn:aws:s3::111122223333:bucket'],
    ['an STS ARN of another resource type', 'arn:aws:sts::111122223333:role/app'],
    ['a federated user without a name', 'arn:aws:sts::111122223333:federated-user/'],
    ['a federated user with a path', 'arn:aws:sts::111122223333:federated-user/a/b'],
    ['a federated-user prefix', 'arn:aws:sts::111122223333:xfederated-user/bob'],
    ['a role with a trailing slash', 'arn:aws:iam::111122223333:role/app/'],
    ['a role without a name', 'arn:aws:iam::111122223333:role/'],
    ['an IAM root with a suffix', 'arn:aws:iam::111122223333:rootx'],
    ['an IAM policy', 'arn:aws:iam::111122223333:policy/p'],
    ['an account pattern', 'arn:aws:iam::11112222333?:root'],
    ['a service principal pattern', 'cloud*.amazonaws.com'],
    ['a bare account id', '111122223333'],
    ['a session ARN of another service', 'arn:aws:s3::111122223333:assumed-role/app/s1'],
    ['a federated user of another service', 'arn:aws:s3::111122223333:federated-user/bob'],
    ['an assumed-role prefix', 'arn:aws:sts::111122223333:xassumed-role/app/s1'],
  ])('GIVEN %s WHEN read as a caller THEN it is none', (_what, text) => {
    expect(parseCaller(text)).toBeUndefined();
    expect(parseCaller(text)).toBeUndefined();
  });

  test.each([
    ['a role ARN', 'arn:aws:iam::111122223333:role/app', { roleArn: 'arn:aws:iam::111122223333:role/app' }],
    ['a role ARN with a path', 'arn:aws-cn:iam::111122223333:role/team/app', { roleArn: 'arn:aws-cn:iam::111122223333:role/team/app' }],
    ['a user ARN', 'arn:aws:iam::111122223333:user/app', {}],
    ['a session ARN', 'arn:aws:sts::111122223333:assumed-role/app/s1', {}],
    ['a role ARN with a short account', 'arn:aws:iam::11112222333:role/app', {}],
    ['a role ARN with a Region', 'arn:aws:iam:us-east-1:111122223333:role/app', {}],
    ['text before the ARN', 'xarn:aws:iam::111122223333:role/app', {}],
    ['an empty partition', 'arn::iam::111122223333:role/app', {}],
  ])('GIVEN %s WHEN its session role ARN is asked THEN %j', (_what, arn, expected) => {
    expect(sessionRoleArn(arn)).toEqual(expected);
  });

  test('GIVEN a session and its role\'s ARN with a path WHEN combined THEN only aws:PrincipalArn changes', () => {
    const session = parseCaller('arn:aws:sts::111122223333:assumed-role/app/s1')!;
    expect(withRoleArn(session, 'arn:aws:iam::111122223333:role/team/app')).toStrictEqual({
      ...session, principalArn: 'arn:aws:iam::111122223333:role/team/app',
    });
    const service = parseCaller('cloudtrail.amazonaws.com')!;
    expect(withRoleArn(service, 'x')).toStrictEqual({ ...service, principalArn: 'x' });
  });
});

describe('principal: parseAwsPrincipal refuses what IAM refuses, with the whole message', () => {
  const notPrincipal = (v: string) => `\`${v}\` is not an AWS principal: expected "*", a 12-digit account id, or an IAM user, role, root or STS session ARN`;
  const wildcard = (v: string) => `\`${v}\` has a wildcard inside a principal ARN, which IAM rejects: name the principal exactly, or use Principal "*" with an aws:PrincipalArn ArnLike condition`;
  const notPrincipalArn = (v: string) => `\`${v}\` is not a principal ARN: expected user/, role/, root, assumed-role/ROLE/SESSION or federated-user/`;
  test.each([
    ['bob', 'invalid-arn', notPrincipal('bob')],
    ['11112222333', 'invalid-arn', notPrincipal('11112222333')],
    ['arn:aws:s3:::bucket', 'invalid-arn', notPrincipal('arn:aws:s3:::bucket')],
    ['arn:aws:kms:us-east-1:111122223333:key/k', 'invalid-arn', notPrincipal('arn:aws:kms:us-east-1:111122223333:key/k')],
    ['arn:aws:iam::*:root', 'invalid-arn', notPrincipal('arn:aws:iam::*:root')],
    ['arn:aws:kms:*:111122223333:key/*', 'invalid-arn', notPrincipal('arn:aws:kms:*:111122223333:key/*')],
    // "You cannot use a wildcard to match part of a principal name or ARN" (reference_policies_elements_principal.md).
    ['arn:aws:iam::111122223333:role/*', 'principal-wildcard-arn', wildcard('arn:aws:iam::111122223333:role/*')],
    ['arn:aws:iam::111122223333:user/a?', 'principal-wildcard-arn', wildcard('arn:aws:iam::111122223333:user/a?')],
    ['arn:aws:sts::111122223333:assumed-role/app/*', 'principal-wildcard-arn', wildcard('arn:aws:sts::111122223333:assumed-role/app/*')],
    ['arn:aws:iam::111122223333:policy/p', 'invalid-arn', notPrincipalArn('arn:aws:iam::111122223333:policy/p')],
    ['arn:aws:iam::111122223333:rootx', 'invalid-arn', notPrincipalArn('arn:aws:iam::111122223333:rootx')],
    ['arn:aws:sts::111122223333:role/app', 'invalid-arn', notPrincipalArn('arn:aws:sts::111122223333:role/app')],
    ['arn:aws:sts::111122223333:assumed-role/app', 'invalid-arn', notPrincipalArn('arn:aws:sts::111122223333:assumed-role/app')],
    ['arn:aws:sts::111122223333:federated-user/a/b', 'invalid-arn', notPrincipalArn('arn:aws:sts::111122223333:federated-user/a/b')],
    ['arn:aws:sts::111122223333:federated-user/', 'invalid-arn', notPrincipalArn('arn:aws:sts::111122223333:federated-user/')],
    ['arn:aws:sts::111122223333:xfederated-user/bob', 'invalid-arn', notPrincipalArn('arn:aws:sts::111122223333:xfederated-user/bob')],
    ['arn:aws:sts::111122223333:group/admins', 'invalid-arn', notPrincipalArn('arn:aws:sts::111122223333:group/admins')],
    ['arn:aws:sts::111122223333:xassumed-role/app/s1', 'invalid-arn', notPrincipalArn('arn:aws:sts::111122223333:xassumed-role/app/s1')],
    ['arn:aws:sts::111122223333:assumed-role/app/s1/x', 'invalid-arn', notPrincipalArn('arn:aws:sts::111122223333:assumed-role/app/s1/x')],
    // key-policy-overview.md: an IAM group is never a principal in a key policy.
    ['arn:aws:iam::111122223333:group/admins', 'invalid-arn',
      '`arn:aws:iam::111122223333:group/admins` is an IAM group, and groups are never principals in a policy (key policies and VPC endpoint policies included): name the users or roles, or delegate to the account and attach an IAM policy to the group'],
    ['arn:aws:iam::111122223333:xgroup/admins', 'invalid-arn', notPrincipalArn('arn:aws:iam::111122223333:xgroup/admins')],
  ])('GIVEN %s WHEN read as a principal THEN %s with its message', (value, error, message) => {
    expect(parseAwsPrincipal(value)).toEqual({ error, message });
  });

  test.each<[string, PrincipalEntry]>([
    ['arn:aws:sts::111122223333:federated-user/bob', { type: 'federated-user', partition: 'aws', account: '111122223333', name: 'bob' }],
    ['arn:aws-cn:sts::111122223333:assumed-role/app/s1', { type: 'session', partition: 'aws-cn', account: '111122223333', name: 'app', sessionName: 's1' }],
    ['arn:aws-us-gov:iam::111122223333:role/app', { type: 'role', partition: 'aws-us-gov', account: '111122223333', name: 'app', path: '/' }],
  ])('GIVEN %s WHEN read as a principal THEN %j', (value, entry) => {
    expect(parseAwsPrincipal(value)).toStrictEqual(entry);
  });
});

describe('principal: matchPrincipalEntry for every kind of entry and caller', () => {
  const entry = (value: string): PrincipalEntry => {
    const e = parseAwsPrincipal(value);
    if ('error' in e) throw new Error(e.message);
    return e;
  };
  const caller = (text: string): Caller => parseCaller(text)!;
  const A = '111122223333';
  test.each<[string, PrincipalEntry, string, string | undefined, string | undefined]>([
    // [what, entry, caller, strict (Allow), loose (Deny)]
    ['a service entry and that service', { type: 'service', service: 'cloudtrail.amazonaws.com' }, 'CloudTrail.amazonaws.com', 'specific', 'specific'],
    ['a service entry and another service', { type: 'service', service: 'cloudtrail.amazonaws.com' }, 'logs.amazonaws.com', undefined, undefined],
    ['a service entry and a role', { type: 'service', service: 'cloudtrail.amazonaws.com' }, `arn:aws:iam::${A}:role/app`, undefined, undefined],
    ['a federated-identity entry (never a KMS caller)', { type: 'other', value: 'Federated:cognito-identity.amazonaws.com' }, 'cognito-identity.amazonaws.com', undefined, undefined],
    ['the account entry and a service (no account)', entry(A), 'cloudtrail.amazonaws.com', undefined, undefined],
    ['the account entry and its root user', entry(A), `arn:aws:iam::${A}:root`, 'account', 'account'],
    ['the account ARN of the partition and a user', entry(`arn:aws:iam::${A}:root`), `arn:aws:iam::${A}:user/alice`, 'account', 'account'],
    ['the account entry and another account', entry(A), 'arn:aws:iam::444455556666:user/alice', undefined, undefined],
    ['a user entry and a role of that name', entry(`arn:aws:iam::${A}:user/app`), `arn:aws:iam::${A}:role/app`, undefined, undefined],
    ['a user entry and a session of a role of that name', entry(`arn:aws:iam::${A}:user/app`), `arn:aws:sts::${A}:assumed-role/app/s1`, undefined, undefined],
    ['a user entry and that user in another account', entry(`arn:aws:iam::${A}:user/alice`), 'arn:aws:iam::444455556666:user/alice', undefined, undefined],
    ['a user entry and a longer name', entry(`arn:aws:iam::${A}:user/alice`), `arn:aws:iam::${A}:user/alice2`, undefined, undefined],
    ['a role entry and a user of that name', entry(`arn:aws:iam::${A}:role/app`), `arn:aws:iam::${A}:user/app`, undefined, undefined],
    ['a role entry and a federated user of that name', entry(`arn:aws:iam::${A}:role/app`), `arn:aws:sts::${A}:federated-user/app`, undefined, undefined],
    ['a role entry and that role in another account', entry(`arn:aws:iam::${A}:role/app`), 'arn:aws:iam::444455556666:role/app', undefined, undefined],
    ['a role entry and a session of that role in another account', entry(`arn:aws:iam::${A}:role/app`), 'arn:aws:sts::444455556666:assumed-role/app/s1', undefined, undefined],
    ['a role entry and a session of another role', entry(`arn:aws:iam::${A}:role/app`), `arn:aws:sts::${A}:assumed-role/other/s1`, undefined, undefined],
    ['a role entry and a role in another case', entry(`arn:aws:iam::${A}:role/app`), `arn:aws:iam::${A}:role/APP`, undefined, 'specific'],
    ['a session entry and that session', entry(`arn:aws:sts::${A}:assumed-role/app/s1`), `arn:aws:sts::${A}:assumed-role/app/s1`, 'specific', 'specific'],
    ['a session entry and the role', entry(`arn:aws:sts::${A}:assumed-role/app/s1`), `arn:aws:iam::${A}:role/app`, undefined, undefined],
    ['a session entry and that session in another account', entry(`arn:aws:sts::${A}:assumed-role/app/s1`), 'arn:aws:sts::444455556666:assumed-role/app/s1', undefined, undefined],
    ['a session entry and a session of that name of another role', entry(`arn:aws:sts::${A}:assumed-role/app/s1`), `arn:aws:sts::${A}:assumed-role/other/s1`, undefined, undefined],
    ['a session entry and a role name in another case', entry(`arn:aws:sts::${A}:assumed-role/APP/s1`), `arn:aws:sts::${A}:assumed-role/app/s1`, undefined, 'specific'],
    ['a federated-user entry and that user', entry(`arn:aws:sts::${A}:federated-user/bob`), `arn:aws:sts::${A}:federated-user/bob`, 'specific', 'specific'],
    ['a federated-user entry and the name in another case', entry(`arn:aws:sts::${A}:federated-user/Bob`), `arn:aws:sts::${A}:federated-user/bob`, undefined, 'specific'],
    ['a federated-user entry and another federated user', entry(`arn:aws:sts::${A}:federated-user/bob`), `arn:aws:sts::${A}:federated-user/eve`, undefined, undefined],
    ['a federated-user entry and an IAM user of that name', entry(`arn:aws:sts::${A}:federated-user/bob`), `arn:aws:iam::${A}:user/bob`, undefined, undefined],
    ['a federated-user entry and that user in another account', entry(`arn:aws:sts::${A}:federated-user/bob`), 'arn:aws:sts::444455556666:federated-user/bob', undefined, undefined],
    ['a federated-user entry of another partition', entry(`arn:aws-cn:sts::${A}:federated-user/bob`), `arn:aws:sts::${A}:federated-user/bob`, undefined, undefined],
    ['"*" and a service', { type: 'everyone' }, 'cloudtrail.amazonaws.com', 'specific', 'specific'],
  ])('%s', (_what, e, text, strict, loose) => {
    expect(matchPrincipalEntry(e, caller(text))).toBe(strict);
    expect(matchPrincipalEntry(e, caller(text), false)).toBe(strict);
    expect(matchPrincipalEntry(e, caller(text), true)).toBe(loose);
  });

  test('GIVEN a caller built without a partition (a scenario caller) WHEN matched THEN the partition does not decide', () => {
    const noPartition: Caller = { ...caller(`arn:aws:iam::${A}:user/alice`), partition: undefined };
    expect(matchPrincipalEntry(entry(`arn:aws-cn:iam::${A}:user/alice`), noPartition)).toBe('specific');
    expect(matchPrincipalEntry(entry(`arn:aws-cn:iam::${A}:root`), noPartition)).toBe('account');
  });
});

describe('principal: describePrincipalEntry', () => {
  test.each<[PrincipalEntry, string]>([
    [{ type: 'everyone' }, 'everyone ("*")'],
    [{ type: 'account', account: '111122223333' }, 'account 111122223333'],
    [{ type: 'user', partition: 'aws', account: '111122223333', name: 'alice', path: '/' }, 'user alice of 111122223333'],
    [{ type: 'role', partition: 'aws', account: '111122223333', name: 'app', path: '/team/' }, 'role app of 111122223333'],
    [{ type: 'session', partition: 'aws', account: '111122223333', name: 'app', sessionName: 's1' }, 'session s1 of role app of 111122223333'],
    [{ type: 'federated-user', partition: 'aws', account: '111122223333', name: 'bob' }, 'federated user bob of 111122223333'],
    [{ type: 'service', service: 'cloudtrail.amazonaws.com' }, 'service cloudtrail.amazonaws.com'],
    [{ type: 'other', value: 'Federated:cognito-identity.amazonaws.com' }, 'Federated:cognito-identity.amazonaws.com'],
  ])('GIVEN %j WHEN described THEN %s', (e, text) => {
    expect(describePrincipalEntry(e)).toBe(text);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// policy-document.ts (IAM UG reference_policies_elements_*.md; key-policy-overview.md)
// ---------------------------------------------------------------------------------------------------------------------

describe('policy-document: every issue, with its whole message and location', () => {
  const ROLE = 'arn:aws:iam::111122223333:role/app';
  const allow = { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*' };
  const identity = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' };
  const LONG = 'r'.repeat(MAX_STRING_LENGTH + 1);
  const LABELS: Record<PolicyKind, string> = {
    key: 'key policy', identity: 'identity policy #0', boundary: 'permissions boundary', session: 'session policy', scp: 'SCP #0', rcp: 'RCP #0', endpoint: 'VPC endpoint policy',
  };
  const at = (kind: PolicyKind) => ({ policy: LABELS[kind], statement: 'statement #0' });
  const read = (raw: unknown, kind: PolicyKind = 'key', label = LABELS[kind]) => {
    const issues = new IssueCollector();
    const doc = parsePolicyDocument(raw, kind, label, issues);
    return { doc, issues: issues.issues };
  };
  const KP = { policy: 'key policy' };
  const S0 = { policy: 'key policy', statement: 'statement #0' };
  const err = (code: string, message: string, where: object, field?: string) => ({ code, severity: 'error', message, ...where, ...(field ? { field } : {}) });
  const jsonError = (() => {
    try {
      JSON.parse('{nope');
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  })();

  test.each<[string, unknown, PolicyKind, object[]]>([
    ['a string that is not JSON', '{nope', 'key', [err('invalid-policy', `the key policy is a string that is not JSON (${jsonError}): pass the policy document as an object`, KP)]],
    ['a number', 42, 'key', [err('invalid-policy', 'the key policy must be a JSON object with a Statement, got 42', KP)]],
    ['an array', [allow], 'key', [err('invalid-policy', `the key policy must be a JSON object with a Statement, got [${JSON.stringify(allow)}]`, KP)]],
    ['null', null, 'key', [err('invalid-policy', 'the key policy must be a JSON object with a Statement, got null', KP)]],
    ['a JSON string holding an array', '[]', 'key', [err('invalid-policy', 'the key policy must be a JSON object with a Statement, got []', KP)]],
    ['an unknown element', { Statment: [], Statement: [allow] }, 'key',
      [err('invalid-field', 'unknown policy element `Statment` in the key policy: expected Version, Id and Statement', KP, 'Statment')]],
    ['a long unknown element', { ['E'.repeat(100)]: 1, Statement: [allow] }, 'key',
      [err('invalid-field', `unknown policy element \`${'E'.repeat(64)}...\` in the key policy: expected Version, Id and Statement`, KP, `${'E'.repeat(64)}...`)]],
    ['a Version that is not a string', { Version: 2012, Statement: [allow] }, 'key', [err('invalid-field', 'Version is 2012: expected "2012-10-17"', KP, 'Version')]],
    ['an unknown Version', { Version: '2012-10-18', Statement: [allow] }, 'key', [err('invalid-field', 'Version is "2012-10-18": expected "2012-10-17"', KP, 'Version')]],
    ['an Id that is not a string', { Id: 5, Statement: [allow] }, 'key', [err('invalid-field', 'Id is 5: expected a string', KP, 'Id')]],
    ['an Id over the bound', { Id: LONG, Statement: [allow] }, 'key', [err('value-too-long', tooLongMessage('Id', LONG), KP, 'Id')]],
    ['no Statement', { Version: '2012-10-17' }, 'key', [err('invalid-policy', 'the key policy has no Statement element: add "Statement": [ ... ]', KP, 'Statement')]],
    ['a Statement string', { Statement: 'x' }, 'key', [err('invalid-policy', 'Statement is "x": expected a statement object or an array of them', KP, 'Statement')]],
    ['a null Statement', { Statement: null }, 'key', [err('invalid-policy', 'Statement is null: expected a statement object or an array of them', KP, 'Statement')]],
    ['an empty Statement array', { Statement: [] }, 'key', [err('invalid-policy', 'the key policy has an empty Statement array: add at least one statement', KP, 'Statement')]],
    ['a statement that is a string', { Statement: [allow, 'x'] }, 'key',
      [err('invalid-statement', 'statement #1 of the key policy must be an object, got "x"', { policy: 'key policy', statement: 'statement #1' })]],
    ['a statement that is an array', { Statement: [[allow]] }, 'key',
      [err('invalid-statement', `statement #0 of the key policy must be an object, got [${JSON.stringify(allow)}]`, S0)]],
    ['an unknown statement element', { Statement: [{ ...allow, Conditions: {} }] }, 'key',
      [err('invalid-field', 'unknown statement element `Conditions`: expected one of Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition', S0, 'Conditions')]],
    ['two unknown statement elements', { Statement: [{ ...allow, A: 1, B: 2 }] }, 'key', [
      err('invalid-field', 'unknown statement element `A`: expected one of Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition', S0, 'A'),
      err('invalid-field', 'unknown statement element `B`: expected one of Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition', S0, 'B'),
    ]],
    ['a Sid that is not a string', { Statement: [{ ...allow, Sid: 7 }] }, 'key', [err('invalid-field', 'Sid is 7: expected a string', S0, 'Sid')]],
    ['a Sid over the bound', { Statement: [{ ...allow, Sid: LONG }] }, 'key', [err('value-too-long', tooLongMessage('Sid', LONG), S0, 'Sid')]],
    ['a lower-case Effect', { Statement: [{ ...allow, Sid: 'S', Effect: 'allow' }] }, 'key',
      [err('invalid-effect', 'Effect is "allow": expected exactly "Allow" or "Deny" (case-sensitive)', { policy: 'key policy', statement: 'Sid "S"' }, 'Effect')]],
    ['no Effect', { Statement: [{ ...allow, Effect: undefined }] }, 'key', [err('invalid-effect', 'Effect is nothing: expected exactly "Allow" or "Deny" (case-sensitive)', S0, 'Effect')]],
    ['a Principal that is a string other than "*"', { Statement: [{ ...allow, Principal: ROLE }] }, 'key',
      [err('invalid-field', `Principal is "${ROLE}": expected "*" or an object such as {"AWS": "arn:aws:iam::111122223333:role/Name"}`, S0, 'Principal')]],
    ['a Principal that is a list', { Statement: [{ ...allow, Principal: [ROLE] }] }, 'key',
      [err('invalid-field', `Principal is ["${ROLE}"]: expected "*" or an object such as {"AWS": "arn:aws:iam::111122223333:role/Name"}`, S0, 'Principal')]],
    ['a NotPrincipal that is a number', { Statement: [{ ...allow, Effect: 'Deny', Principal: undefined, NotPrincipal: 1 }] }, 'key',
      [err('invalid-field', 'NotPrincipal is 1: expected "*" or an object such as {"AWS": "arn:aws:iam::111122223333:role/Name"}', S0, 'NotPrincipal')]],
    ['an empty principal value', { Statement: [{ ...allow, Principal: { AWS: '' } }] }, 'key',
      [err('invalid-field', 'Principal.AWS is "": expected a string or an array of strings', S0, 'Principal.AWS')]],
    ['an empty principal list', { Statement: [{ ...allow, Principal: { AWS: [] } }] }, 'key',
      [err('invalid-field', 'Principal.AWS is []: expected a string or an array of strings', S0, 'Principal.AWS')]],
    ['a Principal with no principal type', { Statement: [{ ...allow, Principal: {} }] }, 'key',
      [err('invalid-field', 'Principal is {}: expected "*" or at least one principal type such as {"AWS": "arn:aws:iam::111122223333:role/Name"}', S0, 'Principal')]],
    ['a NotPrincipal with no principal type', { Statement: [{ ...allow, Effect: 'Deny', Principal: undefined, NotPrincipal: {} }] }, 'key',
      [err('invalid-field', 'NotPrincipal is {}: expected "*" or at least one principal type such as {"AWS": "arn:aws:iam::111122223333:role/Name"}', S0, 'NotPrincipal')]],
    ['a number among principal values', { Statement: [{ ...allow, Principal: { AWS: [ROLE, 1] } }] }, 'key',
      [err('invalid-field', `Principal.AWS is ["${ROLE}",1]: expected a string or an array of strings`, S0, 'Principal.AWS')]],
    ['an empty string among principal values', { Statement: [{ ...allow, Principal: { AWS: [ROLE, ''] } }] }, 'key',
      [err('invalid-field', `Principal.AWS is ["${ROLE}",""]: expected a string or an array of strings`, S0, 'Principal.AWS')]],
    ['a principal value that is an object', { Statement: [{ ...allow, Principal: { AWS: { Ref: 'R' } } }] }, 'key',
      [err('invalid-field', 'Principal.AWS is {"Ref":"R"}: expected a string or an array of strings', S0, 'Principal.AWS')]],
    ['a principal value over the bound', { Statement: [{ ...allow, Principal: { AWS: LONG } }] }, 'key',
      [err('value-too-long', tooLongMessage('Principal.AWS', LONG), S0, 'Principal.AWS')]],
    ['a principal value over the bound in a list', { Statement: [{ ...allow, Principal: { AWS: [ROLE, LONG] } }] }, 'key',
      [err('value-too-long', tooLongMessage('Principal.AWS', LONG), S0, 'Principal.AWS')]],
    ['a NotPrincipal value that is not a principal', { Statement: [{ ...allow, Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: 'bob' } }] }, 'key',
      [err('invalid-arn', '`bob` is not an AWS principal: expected "*", a 12-digit account id, or an IAM user, role, root or STS session ARN', S0, 'NotPrincipal.AWS')]],
    ['a service principal that is not one', { Statement: [{ ...allow, Principal: { Service: 'cloudtrail' } }] }, 'key',
      [err('invalid-field', 'Principal.Service `cloudtrail` is not a service principal: expected a name such as "cloudtrail.amazonaws.com"', S0, 'Principal.Service')]],
    ['an unknown principal type', { Statement: [{ ...allow, Principal: { Group: 'admins' } }] }, 'key',
      [err('invalid-field', 'Principal has an unknown principal type `Group`: expected AWS, Service, Federated or CanonicalUser', S0, 'Principal.Group')]],
    ['two bad principal types', { Statement: [{ ...allow, Principal: { Group: 'a', AWS: 'bob', Service: 's3.amazonaws.com' } }] }, 'key', [
      err('invalid-field', 'Principal has an unknown principal type `Group`: expected AWS, Service, Federated or CanonicalUser', S0, 'Principal.Group'),
      err('invalid-arn', '`bob` is not an AWS principal: expected "*", a 12-digit account id, or an IAM user, role, root or STS session ARN', S0, 'Principal.AWS'),
    ]],
    ['Principal and NotPrincipal', { Statement: [{ ...allow, NotPrincipal: { AWS: ROLE } }] }, 'key',
      [err('conflicting-elements', 'the statement has both Principal and NotPrincipal: keep one', S0, 'NotPrincipal')]],
    ['no Principal in a key policy', { Statement: [{ ...allow, Principal: undefined }] }, 'key',
      [err('missing-field', 'every statement of a key policy needs a Principal: add "Principal": {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}', S0, 'Principal')]],
    ['no Principal in a VPC endpoint policy', { Statement: [{ ...allow, Principal: undefined }] }, 'endpoint',
      [err('missing-field', 'every statement of a resource-based policy needs a Principal: add "Principal": {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}', at('endpoint'), 'Principal')]],
    ['no Principal in an RCP', { Statement: [{ ...allow, Principal: undefined }] }, 'rcp',
      [err('missing-field', 'every statement of a resource-based policy needs a Principal: add "Principal": {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}', at('rcp'), 'Principal')]],
    ['a Principal in an identity policy', { Statement: [allow] }, 'identity',
      [err('invalid-statement', 'the identity policy #0 is attached to a principal and cannot have a Principal element: remove it', at('identity'), 'Principal')]],
    ['a NotPrincipal in a permissions boundary', { Statement: [{ ...identity, NotPrincipal: { AWS: ROLE } }] }, 'boundary',
      [err('invalid-statement', 'the permissions boundary is attached to a principal and cannot have a NotPrincipal element: remove it', at('boundary'), 'NotPrincipal')]],
    ['a Principal in a session policy', { Statement: [{ ...identity, Principal: '*' }] }, 'session',
      [err('invalid-statement', 'the session policy is attached to a principal and cannot have a Principal element: remove it', at('session'), 'Principal')]],
    ['a Principal in an SCP', { Statement: [{ ...identity, Principal: '*' }] }, 'scp',
      [err('invalid-statement', 'the SCP #0 is attached to a principal and cannot have a Principal element: remove it', at('scp'), 'Principal')]],
    ['Action and NotAction', { Statement: [{ ...allow, NotAction: 'kms:Encrypt' }] }, 'key',
      [err('conflicting-elements', 'the statement has both Action and NotAction: keep one', S0, 'NotAction')]],
    ['no Action', { Statement: [{ ...allow, Action: undefined }] }, 'key', [err('missing-field', 'the statement has no Action: add "Action": ["kms:Decrypt", ...]', S0, 'Action')]],
    ['an action without a service', { Statement: [{ ...allow, Action: 'Decrypt' }] }, 'key',
      [err('invalid-field', 'Action `Decrypt` is not an action: expected "service:Operation", e.g. "kms:Decrypt"', S0, 'Action')]],
    ['a NotAction without a service, second in a list', { Statement: [{ ...allow, Action: undefined, NotAction: ['kms:Encrypt', ':Decrypt'] }] }, 'key',
      [err('invalid-field', 'NotAction `:Decrypt` is not an action: expected "service:Operation", e.g. "kms:Decrypt"', S0, 'NotAction')]],
    ['an Action that is a number', { Statement: [{ ...allow, Action: 3 }] }, 'key', [err('invalid-field', 'Action is 3: expected a non-empty string or an array of them', S0, 'Action')]],
    ['an empty Action string', { Statement: [{ ...allow, Action: '' }] }, 'key', [err('invalid-field', 'Action is "": expected a non-empty string or an array of them', S0, 'Action')]],
    ['an Action over the bound', { Statement: [{ ...allow, Action: ['kms:Decrypt', LONG] }] }, 'key', [err('value-too-long', tooLongMessage('Action', LONG), S0, 'Action')]],
    ['Resource and NotResource', { Statement: [{ ...allow, NotResource: '*' }] }, 'key',
      [err('conflicting-elements', 'the statement has both Resource and NotResource: keep one', S0, 'NotResource')]],
    ['no Resource in an identity policy', { Statement: [{ ...identity, Resource: undefined }] }, 'identity',
      [err('missing-field', 'the statement has no Resource: add "Resource" (the key ARN, or "*")', at('identity'), 'Resource')]],
    ['no Resource in an RCP', { Statement: [{ ...allow, Resource: undefined }] }, 'rcp',
      [err('missing-field', 'the statement has no Resource: add "Resource" (the key ARN, or "*")', at('rcp'), 'Resource')]],
    ['a NotResource list with a number', { Statement: [{ ...allow, Resource: undefined, NotResource: ['a', 1] }] }, 'key',
      [err('invalid-field', 'NotResource is ["a",1]: expected a non-empty string or an array of them', S0, 'NotResource')]],
    ['a Resource list with an empty string', { Statement: [{ ...allow, Resource: ['*', ''] }] }, 'key',
      [err('invalid-field', 'Resource is ["*",""]: expected a non-empty string or an array of them', S0, 'Resource')]],
    ['an empty Resource list', { Statement: [{ ...allow, Resource: [] }] }, 'key', [err('invalid-field', 'Resource is []: expected a non-empty string or an array of them', S0, 'Resource')]],
    ['a Resource over the bound', { Statement: [{ ...allow, Resource: LONG }] }, 'key', [err('value-too-long', tooLongMessage('Resource', LONG), S0, 'Resource')]],
  ])('GIVEN %s WHEN read THEN exactly these issues', (_what, raw, kind, expected) => {
    const { doc, issues } = read(raw, kind);
    expect(issues).toEqual(expected);
    // A statement with an error is left out; the documents above have no valid statement but `allow` ones.
    expect(doc.statements.every((st) => st.effect === 'Allow' || st.effect === 'Deny')).toBe(true);
  });

  test.each<[string, unknown, PolicyKind, object[]]>([
    ['no Resource in a key policy (KMS ignores the statement)', { Statement: [{ ...allow, Resource: undefined }] }, 'key',
      [{ code: 'statement-without-resource', severity: 'warning', message: 'this key-policy statement has no Resource element, so KMS ignores it: add "Resource": "*"', ...S0, field: 'Resource' }]],
    ['a misspelt KMS action', { Statement: [{ ...allow, Action: ['kms:Encrypt', 'kms:Decryptt'] }] }, 'key',
      [{ code: 'unknown-action', severity: 'warning', message: 'Action `kms:Decryptt` is not a KMS action, so it matches nothing: check the spelling against the KMS permissions reference', ...S0, field: 'Action' }]],
    ['a misspelt KMS action in NotAction', { Statement: [{ ...allow, Action: undefined, NotAction: 'KMS:Decryptt' }] }, 'key',
      [{ code: 'unknown-action', severity: 'warning', message: 'NotAction `KMS:Decryptt` is not a KMS action, so it matches nothing: check the spelling against the KMS permissions reference', ...S0, field: 'NotAction' }]],
    ['no Resource in an SCP (it means "*")', { Statement: [identity].map((st) => ({ ...st, Resource: undefined })) }, 'scp', []],
  ])('GIVEN %s WHEN read THEN only these warnings, and the statement is kept', (_what, raw, kind, expected) => {
    const { doc, issues } = read(raw, kind);
    expect(issues).toEqual(expected);
    expect(doc.statements).toHaveLength(1);
  });

  test('GIVEN a valid statement with every element WHEN read THEN every field of the document and statement is set', () => {
    const { doc, issues } = read({
      Version: '2008-10-17',
      Id: 'key-policy-1',
      Statement: [{ Sid: 'Use', Effect: 'Deny', Principal: { AWS: [ROLE, '111122223333'], Service: 'CloudTrail.amazonaws.com', Federated: 'cognito-identity.amazonaws.com', CanonicalUser: 'abc' }, Action: ['kms:Decrypt', 'kms:Encrypt'], NotResource: ['arn:aws:kms:*:*:key/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    });
    expect(issues).toEqual([]);
    expect(doc).toMatchObject({ kind: 'key', label: 'key policy', version: '2008-10-17', id: 'key-policy-1' });
    const st = doc.statements[0];
    expect(st).toMatchObject({ index: 0, sid: 'Use', label: 'Sid "Use"', effect: 'Deny', actionNegated: false, resource: undefined, notResource: ['arn:aws:kms:*:*:key/*'], notPrincipal: undefined });
    expect(st.where).toMatchObject({ policy: 'key policy', statement: 'Sid "Use"' });
    expect(st.principal).toEqual([
      { type: 'role', partition: 'aws', account: '111122223333', name: 'app', path: '/' },
      { type: 'account', account: '111122223333' },
      { type: 'service', service: 'cloudtrail.amazonaws.com' },
      { type: 'other', value: 'Federated:cognito-identity.amazonaws.com' },
      { type: 'other', value: 'CanonicalUser:abc' },
    ]);
    expect(st.action).toEqual(['kms:Decrypt', 'kms:Encrypt']);
    expect(st.notAction).toBeUndefined();
    expect(st.actionPatterns.map((p) => p.text)).toEqual(['kms:Decrypt', 'kms:Encrypt']);
    expect(st.condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  test('GIVEN NotAction, NotPrincipal and an empty Principal object WHEN read THEN they are kept as written', () => {
    const { doc, issues } = read({
      Statement: [
        { Effect: 'Deny', NotPrincipal: { AWS: ROLE }, NotAction: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:111122223333:key/k' },
        { Sid: '', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: ['*'] },
      ],
    });
    expect(issues).toEqual([]);
    const [deny, all] = doc.statements;
    expect(deny).toMatchObject({ effect: 'Deny', actionNegated: true, label: 'statement #0', principal: undefined, resource: ['arn:aws:kms:us-east-1:111122223333:key/k'] });
    expect(deny.notPrincipal).toEqual([{ type: 'role', partition: 'aws', account: '111122223333', name: 'app', path: '/' }]);
    expect(deny.notAction).toEqual(['kms:Decrypt']);
    expect(deny.action).toBeUndefined();
    // An empty Sid names nothing: the statement goes by its index.
    expect(all).toMatchObject({ sid: '', label: 'statement #1', principal: [{ type: 'everyone' }], resource: ['*'] });
  });

  test.each<[string, unknown, string[] | undefined, string[] | undefined]>([
    ['no Resource', undefined, ['*'], undefined],
    ['a NotResource', ['arn:aws:kms:*:*:key/k'], undefined, ['arn:aws:kms:*:*:key/k']],
  ])('GIVEN an SCP statement with %s WHEN read THEN Resource and NotResource are as expected (IAM UG reference_policies_scps_syntax)', (_what, notResource, resource, expectedNot) => {
    const { doc, issues } = read({ Statement: [{ Effect: 'Deny', Action: 'kms:*', ...(notResource ? { NotResource: notResource } : {}) }] }, 'scp');
    expect(issues).toEqual([]);
    expect(doc.statements[0].resource).toEqual(resource);
    expect(doc.statements[0].notResource).toEqual(expectedNot);
  });

  test('GIVEN a principal ARN exactly at the bound WHEN read THEN it is read as the role it names, not refused as too long', () => {
    const prefix = 'arn:aws:iam::111122223333:role/';
    const name = 'n'.repeat(MAX_STRING_LENGTH - prefix.length);
    const { doc, issues } = read({ Statement: [{ ...allow, Principal: { AWS: `${prefix}${name}` } }] });
    expect(issues).toEqual([]);
    expect(doc.statements[0].principal).toEqual([{ type: 'role', partition: 'aws', account: '111122223333', name, path: '/' }]);
  });

  test('GIVEN a Sid and an Id exactly at the bound WHEN read THEN they are kept', () => {
    const atBound = 's'.repeat(MAX_STRING_LENGTH);
    const { doc, issues } = read({ Id: atBound, Statement: [{ ...allow, Sid: atBound, Resource: atBound, Principal: { AWS: [ROLE] } }] });
    expect(issues).toEqual([]);
    expect(doc.id).toBe(atBound);
    expect(doc.statements[0].sid).toBe(atBound);
    expect(doc.statements[0].resource).toEqual([atBound]);
  });

  test('GIVEN inherited properties on the policy, a statement and a Principal WHEN read THEN only own properties count', () => {
    const policy = Object.create({ Junk: 1 }) as Record<string, unknown>;
    const statement = Object.create({ Extra: 1, Sid: 'Inherited' }) as Record<string, unknown>;
    const principal = Object.create({ Group: 'admins' }) as Record<string, unknown>;
    principal.AWS = ROLE;
    Object.assign(statement, { ...allow, Principal: principal });
    policy.Statement = [statement];
    const { doc, issues } = read(policy);
    expect(issues).toEqual([]);
    expect(doc.statements).toHaveLength(1);
    expect(doc.statements[0].sid).toBeUndefined();
    expect(doc.statements[0].principal).toEqual([{ type: 'role', partition: 'aws', account: '111122223333', name: 'app', path: '/' }]);
  });

  test('GIVEN an invalid statement and a hole between valid ones WHEN read THEN only the valid ones are kept, with their indexes', () => {
    // eslint-disable-next-line no-sparse-arrays
    const { doc, issues } = read({ Statement: [allow, , { ...allow, Effect: 'Permit' }, { ...allow, Sid: 'Last' }] });
    expect(issues.map((i) => i.code)).toEqual(['invalid-effect']);
    expect(doc.statements.map((st) => [st.index, st.label])).toEqual([[0, 'statement #0'], [3, 'Sid "Last"']]);
  });

  test('GIVEN a single statement object and a JSON string WHEN read THEN both give the statement', () => {
    const asObject = read({ Statement: allow }).doc;
    const asString = read(JSON.stringify({ Statement: [allow] })).doc;
    for (const d of [asObject, asString] as PolicyDocument[]) {
      expect(d.statements.map((st) => [st.index, st.effect, st.action])).toEqual([[0, 'Allow', ['kms:Decrypt']]]);
    }
    expect(asObject.version).toBeUndefined();
    expect(asObject.id).toBeUndefined();
  });

  test('GIVEN a statement with errors in several elements WHEN read THEN every error is reported and the statement left out', () => {
    const { doc, issues } = read({ Statement: [{ Sid: 5, Effect: 'allow', Principal: { AWS: 'bob' }, Action: 'Decrypt', Resource: [] }] });
    expect(issues.map((i) => [i.code, i.field])).toEqual([
      ['invalid-field', 'Sid'], ['invalid-effect', 'Effect'], ['invalid-arn', 'Principal.AWS'], ['invalid-field', 'Action'], ['invalid-field', 'Resource'],
    ]);
    expect(doc.statements).toEqual([]);
  });

  test('GIVEN one statement with a warning only WHEN read after a bad statement THEN it is kept (errors are counted per statement)', () => {
    const { doc, issues } = read({ Statement: [{ ...allow, Effect: 'x' }, { ...allow, Action: 'kms:Decryptt' }] });
    expect(issues.map((i) => [i.code, i.statement])).toEqual([['invalid-effect', 'statement #0'], ['unknown-action', 'statement #1']]);
    expect(doc.statements.map((st) => st.index)).toEqual([1]);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// action-pattern.ts: action names compare case-insensitively, * and ? are wildcards (IAM UG
// reference_policies_elements_action.md); an action is "service:Operation".
// ---------------------------------------------------------------------------------------------------------------------

describe('action-pattern: what is wrong with an action text', () => {
  test.each<[string, string | undefined]>([
    ['', 'not-an-action'], [':', 'not-an-action'], [':Decrypt', 'not-an-action'], ['Decrypt', 'not-an-action'], ['kms', 'not-an-action'],
    ['*', undefined], ['kms:decrypt', undefined], ['KMS:DECRYPT', undefined], ['kms:Decrypt', undefined],
    ['kms:', 'unknown-kms-action'], ['kms:Decryptt', 'unknown-kms-action'], ['Kms:Nope', 'unknown-kms-action'],
    ['kms:Decrypt*', undefined], ['kms:Decryp?', undefined], ['kms:*', undefined],
    ['km:Decryptt', undefined], ['kmsx:Decryptt', undefined], ['xms:Decryptt', undefined], ['s3:GetObject', undefined], ['a:b', undefined],
    ['k:', undefined], ['*:*', undefined],
  ])('GIVEN %j WHEN read as an action THEN its problem is %s', (text, problem) => {
    expect(actionPattern(text).problem).toBe(problem);
  });

  test.each([
    ['an exact action', 'kms:Decrypt', ['kms:Decrypt']],
    ['an action in another case', 'kMs:dEcRyPt', ['kms:Decrypt']],
    ['a misspelt action', 'kms:Decryptt', []],
    ['another service', 'kmsx:*', []],
    ['a pattern with ?', 'kms:Sig?', ['kms:Sign']],
  ])('GIVEN %s WHEN read THEN it covers exactly its actions, flagged 1 and the rest 0', (_what, text, actions) => {
    const pattern = actionPattern(text);
    expect(pattern.covers).toHaveLength(ALL_KMS_ACTIONS.length);
    expect([...pattern.covers].every((c) => c === 0 || c === 1)).toBe(true);
    expect(ALL_KMS_ACTIONS.filter((_, i) => pattern.covers[i] === 1)).toEqual(actions);
    expect(pattern.text).toBe(text);
    expect(Object.isFrozen(pattern.alone)).toBe(true);
    expect(pattern.alone).toHaveLength(1);
    expect(pattern.alone[0]).toBe(pattern);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// arn.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('arn: parsing every component', () => {
  test.each([
    ['the smallest ARN', 'arn:aws:s:::', { partition: 'aws', service: 's', region: '', account: '', resource: '' }],
    ['a partition of every kind', 'arn:aws-iso-b:kms:us-isob-east-1:111122223333:key/k', { partition: 'aws-iso-b', service: 'kms', region: 'us-isob-east-1', account: '111122223333', resource: 'key/k' }],
    ['aws-eusc', 'arn:aws-eusc:kms:eusc-de-east-1:111122223333:alias/a', { partition: 'aws-eusc', service: 'kms', region: 'eusc-de-east-1', account: '111122223333', resource: 'alias/a' }],
    ['aws-us-gov', 'arn:aws-us-gov:iam::111122223333:root', { partition: 'aws-us-gov', service: 'iam', region: '', account: '111122223333', resource: 'root' }],
    ['aws-iso', 'arn:aws-iso:s3:::b', { partition: 'aws-iso', service: 's3', region: '', account: '', resource: 'b' }],
    ['aws-iso-e', 'arn:aws-iso-e:s3:::b', { partition: 'aws-iso-e', service: 's3', region: '', account: '', resource: 'b' }],
    ['aws-iso-f', 'arn:aws-iso-f:s3:::b', { partition: 'aws-iso-f', service: 's3', region: '', account: '', resource: 'b' }],
    ['colons in the resource', 'arn:aws:logs:us-east-1:111122223333:log-group:/a:*', { partition: 'aws', service: 'logs', region: 'us-east-1', account: '111122223333', resource: 'log-group:/a:*' }],
  ])('GIVEN %s WHEN parsed THEN every component is as expected', (_what, text, arn) => {
    expect(parseArn(text)).toEqual(arn);
  });

  test.each([
    ['no colon after the partition', 'arn:aws'],
    ['no service end', 'arn:aws:kms'],
    ['no region end', 'arn:aws:kms:us-east-1'],
    ['no account end', 'arn:aws:kms:us-east-1:111122223333'],
    ['an empty partition', 'arn::kms:us-east-1:111122223333:key/k'],
    ['a partition in another case', 'arn:AWS:kms:us-east-1:111122223333:key/k'],
    ['an empty service', 'arn:aws::us-east-1:111122223333:key/k'],
    ['ARN in capitals', 'ARN:aws:kms:us-east-1:111122223333:key/k'],
    ['a leading space', ' arn:aws:kms:us-east-1:111122223333:key/k'],
  ])('GIVEN %s WHEN parsed THEN it is no ARN', (_what, text) => {
    expect(parseArn(text)).toBeUndefined();
  });

  test.each([
    ['000000000000', true], ['999999999999', true], ['11112222333/', false], ['11112222333:', false], ['/11122223333', false],
    ['', false], ['11112222333 ', false], ['１11122223333'.slice(0, 12), false],
  ])('GIVEN %j WHEN checked THEN it is an account id: %s', (text, ok) => {
    expect(isAccountId(text)).toBe(ok);
  });

  test.each([
    ['a one-character key id', 'arn:aws:kms:us-east-1:111122223333:key/x', { partition: 'aws', service: 'kms', region: 'us-east-1', account: '111122223333', resource: 'key/x', keyId: 'x' }],
    ['another service', 'arn:aws:s3:us-east-1:111122223333:key/x', undefined],
    ['a key path prefix', 'arn:aws:kms:us-east-1:111122223333:keys/x', undefined],
    ['no account', 'arn:aws:kms:us-east-1::key/x', undefined],
    ['a wildcard only in the account', 'arn:aws:kms:us-east-1:11112222333?:key/x', undefined],
    ['no ARN', 'key/x', undefined],
  ])('GIVEN %s WHEN read as a key ARN THEN %j', (_what, text, expected) => {
    expect(parseKeyArn(text)).toEqual(expected);
  });

  test.each([
    ['an alias ARN', 'arn:aws:kms:us-east-1:111122223333:alias/orders', { partition: 'aws', service: 'kms', region: 'us-east-1', account: '111122223333', resource: 'alias/orders', aliasName: 'alias/orders' }],
    ['another service', 'arn:aws:s3:us-east-1:111122223333:alias/orders', undefined],
    ['a short account', 'arn:aws:kms:us-east-1:11112222333:alias/orders', undefined],
    ['an alias pattern with ?', 'arn:aws:kms:us-east-1:111122223333:alias/order?', undefined],
    ['no ARN', 'alias/orders', undefined],
    ['an alias prefix without the slash', 'arn:aws:kms:us-east-1:111122223333:aliases', undefined],
  ])('GIVEN %s WHEN read as an alias ARN THEN %j', (_what, text, expected) => {
    expect(parseAliasArn(text)).toEqual(expected);
  });

  test.each([['a*', true], ['a?', true], ['*', true], ['?', true], ['a', false], ['', false], ['a\uE000', false]])(
    'GIVEN %j WHEN checked THEN it holds an ARN wildcard: %s', (text, wild) => {
      expect(hasArnWildcard(text)).toBe(wild);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// service-integrations.ts: the key references found at an integration's property paths
// ---------------------------------------------------------------------------------------------------------------------

describe('service-integrations: keyReferencesOf through intrinsics, lists and nulls', () => {
  const of = (type: string, properties: unknown): unknown[] => keyReferencesOf(integrationFor(type)!, properties);
  const KEY = 'arn:aws:kms:us-east-1:111122223333:key/k';
  test.each<[string, string, unknown, unknown[]]>([
    ['a null key property', 'AWS::DynamoDB::Table', { SSESpecification: { KMSMasterKeyId: null } }, []],
    ['a null step', 'AWS::DynamoDB::Table', { SSESpecification: null }, []],
    ['an object with Ref among other keys (no intrinsic) on the path', 'AWS::DynamoDB::Table', { SSESpecification: { Ref: 'X', KMSMasterKeyId: KEY } }, [KEY]],
    ['a Ref in place of a step', 'AWS::DynamoDB::Table', { SSESpecification: { Ref: 'Spec' } }, [{ Ref: 'Spec' }]],
    ['a Condition in place of a step', 'AWS::DynamoDB::Table', { SSESpecification: { Condition: 'C' } }, [{ Condition: 'C' }]],
    ['an Fn::If in place of a step', 'AWS::DynamoDB::Table', { SSESpecification: { 'Fn::If': ['C', {}, {}] } }, [{ 'Fn::If': ['C', {}, {}] }]],
    ['a one-key object that is no intrinsic in place of a step', 'AWS::DynamoDB::Table', { SSESpecification: { Other: KEY } }, []],
    ['a string in place of a list', 'AWS::DynamoDB::GlobalTable', { Replicas: 'x' }, []],
    ['null in place of a list', 'AWS::DynamoDB::GlobalTable', { Replicas: null }, []],
    ['an object in place of a list', 'AWS::DynamoDB::GlobalTable', { Replicas: { SSESpecification: { KMSMasterKeyId: KEY } } }, []],
    ['a Ref in place of a list', 'AWS::DynamoDB::GlobalTable', { Replicas: { Ref: 'List' } }, [{ Ref: 'List' }]],
    ['a list with a null replica and a key', 'AWS::DynamoDB::GlobalTable', { Replicas: [null, { SSESpecification: { KMSMasterKeyId: KEY } }] }, [KEY]],
  ])('GIVEN %s WHEN the key references are collected THEN they are as expected', (_what, type, properties, found) => {
    expect(of(type, properties)).toEqual(found);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// catalogue.ts, wildcard.ts
// ---------------------------------------------------------------------------------------------------------------------

describe('catalogue: a condition key the catalogue does not know', () => {
  test.each([['aws:NoSuchKey', false], ['kms:NoSuchKey', false], ['', false], ['kms:GrantOperations', true]])(
    'GIVEN %s WHEN asked whether it is multi-valued THEN %s (an unknown key is single-valued, not an exception)', (key, multi) => {
      expect(isMultiValuedKey(key)).toBe(multi);
    });
});

describe('wildcard: the literal stand-ins and ranges', () => {
  test.each([
    ['a literal question mark alone', `a${LITERAL_QUESTION}`, 'a?'],
    ['a literal star alone', `a${LITERAL_STAR}`, 'a*'],
    ['both', `${LITERAL_STAR}${LITERAL_QUESTION}`, '*?'],
    ['none', 'a*?', 'a*?'],
  ])('GIVEN %s WHEN the markers are removed THEN %j', (_what, text, plain) => {
    expect(withoutLiteralMarkers(text)).toBe(plain);
  });

  // reference_policies_variables.md, "Special characters": ${*} and ${?} stand for a literal * and ?.
  test.each([
    [`a${LITERAL_STAR}`, 'a*', true], [`a${LITERAL_STAR}`, 'ab', false], [`a${LITERAL_QUESTION}`, 'a?', true], [`a${LITERAL_QUESTION}`, 'ab', false],
  ])('GIVEN the pattern %j without wildcards WHEN matched against %j THEN %s (the stand-in matches only its character)', (pattern, subject, ok) => {
    expect(matchesWildcard(pattern, subject)).toBe(ok);
  });

  test('GIVEN no case argument WHEN a matcher is built THEN it is case-sensitive', () => {
    expect(wildcardMatcher('KMS:Decrypt')('KMS:Decrypt')).toBe(true);
    expect(wildcardMatcher('KMS:Decrypt')('kms:decrypt')).toBe(false);
  });

  test.each([
    // A range stops at its end even when a * follows it in the pattern (ARN components are matched this way).
    ['"a" of "a*" against "a"', 'a*', 0, 1, 'a', 0, 1, true],
    ['"a*" of "a*x" against "ax"', 'a*x', 0, 2, 'ax', 0, 2, true],
    ['"a*" of "a*x" against "axb"', 'a*x', 0, 2, 'axb', 0, 3, true],
    ['"a" of "ab" against "ab"', 'ab', 0, 1, 'ab', 0, 2, false],
    ['"*" of "x:*:y" against "z" of "q:z:r"', 'x:*:y', 2, 3, 'q:z:r', 2, 3, true],
  ])('GIVEN %s WHEN the ranges are matched THEN %s', (_what, pattern, p0, p1, subject, s0, s1, ok) => {
    expect(matchesWildcardRange(pattern, p0, p1, subject, s0, s1)).toBe(ok);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// A bug the survivors of policy-size.ts showed (fixed: hasOwn, not `in`)
// ---------------------------------------------------------------------------------------------------------------------

describe('policy-size: a Ref whose name is an Object.prototype property', () => {
  // `arg in PSEUDO_PARAMETER_BOUNDS` also found inherited names: a Ref to a parameter or resource whose logical id is
  // `constructor`, `toString` or `valueOf` (valid CloudFormation logical ids: alphanumeric) reads a function as its
  // bound, and 'x'.repeat(function) is '': the value counts 0 characters instead of up to 102, so the 32 KB check
  // (key-policy-overview.md) can pass a policy that KMS rejects.
  test.each(['constructor', 'toString', 'valueOf'])('GIVEN {"Ref": "%s"} WHEN estimated THEN it counts as an ARN (102 characters)', (name) => {
    expect(estimatePolicySize({ Ref: name }).bytes).toBe(104);
  });
});
