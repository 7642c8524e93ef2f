import { ContextValue, MapContext } from '../../src/evaluator/context';
import { parseTemplate, TemplateString } from '../../src/evaluator/variables';
import { Issue, IssueCollector } from '../../src/policy/issues';
import { LITERAL_QUESTION, LITERAL_STAR } from '../../src/policy/wildcard';

const WHERE = { policy: 'identity policy #0', statement: 'statement #1', field: 'Resource' };

function parse(raw: string): { result: string | TemplateString; issues: readonly Issue[] } {
  const issues = new IssueCollector();
  return { result: parseTemplate(raw, WHERE, issues), issues: issues.issues };
}

function render(raw: string, ctx: Record<string, ContextValue>, forPattern: boolean): string | undefined {
  const { result } = parse(raw);
  return typeof result === 'string' ? result : result.render(new MapContext(ctx), forPattern);
}

describe('parseTemplate (reference_policies_variables.md)', () => {
  test.each(['', 'plain text', 'arn:aws:s3:::bucket/*', 'cost $5', '{aws:username}', '$ {aws:username}', '$'])(
    'GIVEN %j, which holds no ${ WHEN parsed THEN the string itself is returned', (raw) => {
      expect(parse(raw)).toEqual({ result: raw, issues: [] });
    });

  test('GIVEN a template WHEN parsed THEN it keeps the raw text and lists its keys lower-cased', () => {
    const { result, issues } = parse('home/${aws:UserName}/${aws:PrincipalTag/Team, \'none\'}/${*}');
    expect(issues).toEqual([]);
    expect(typeof result).toBe('object');
    const t = result as TemplateString;
    expect(t.raw).toBe('home/${aws:UserName}/${aws:PrincipalTag/Team, \'none\'}/${*}');
    expect(t.variableKeys).toEqual(['aws:username', 'aws:principaltag/team']);
  });
});

describe('TemplateString.render', () => {
  const bob = { 'aws:username': 'bob' };
  test.each<[string, string, Record<string, ContextValue>, boolean, string | undefined]>([
    ['substitutes a variable', '${aws:username}', bob, false, 'bob'],
    ['substitutes inside text', 'home/${aws:username}/*', bob, true, 'home/bob/*'],
    ['looks the key up case-insensitively', '${AWS:UserName}', bob, false, 'bob'],
    ['substitutes tag keys', 'team-${aws:PrincipalTag/team}', { 'aws:PrincipalTag/team': 'blue' }, false, 'team-blue'],
    ['substitutes a tag key with a space', '${aws:PrincipalTag/cost center}', { 'aws:PrincipalTag/cost center': 'cc1' }, false, 'cc1'],
    ['substitutes any condition key', '${kms:CallerAccount}', { 'kms:CallerAccount': '111122223333' }, false, '111122223333'],
    ['substitutes several variables', '${aws:username}@${aws:userid}', { 'aws:username': 'bob', 'aws:userid': 'AIDA1' }, false, 'bob@AIDA1'],
    ['keeps an empty value', 'x${aws:username}x', { 'aws:username': '' }, false, 'xx'],
    ['gives undefined for an absent key', 'home/${aws:username}', {}, false, undefined],
    ['gives undefined when one of several keys is absent', '${aws:username}@${aws:userid}', bob, false, undefined],
    ['gives undefined for a multi-valued key', '${example:List}', { 'example:List': ['a'] }, false, undefined],
    ['gives undefined for a multi-valued key despite a default', '${example:List, \'x\'}', { 'example:List': ['a'] }, false, undefined],
    ['uses the default when the key is absent', '${aws:username, \'guest\'}', {}, false, 'guest'],
    ['ignores the default when the key is present', '${aws:username, \'guest\'}', bob, false, 'bob'],
    ['uses a default with spaces and dashes', 'bucket-${aws:PrincipalTag/team, \'company-wide\'}', {}, false, 'bucket-company-wide'],
    ['accepts a default without the space', '${aws:username,\'guest\'}', {}, false, 'guest'],
    ['accepts an empty default', 'a${aws:username, \'\'}b', {}, false, 'ab'],
    ['renders ${*} as * in plain mode', 'a${*}b', {}, false, 'a*b'],
    ['renders ${*} as the literal-star marker in pattern mode', 'a${*}b', {}, true, `a${LITERAL_STAR}b`],
    ['renders ${?} as ? in plain mode', 'a${?}', {}, false, 'a?'],
    ['renders ${?} as the literal-question marker in pattern mode', 'a${?}', {}, true, `a${LITERAL_QUESTION}`],
    ['renders ${$} as $', 'cost${$}', {}, true, 'cost$'],
    ['lets ${$} escape a variable', '${$}{aws:username}', bob, false, '${aws:username}'],
    ['keeps a wildcard of the text in pattern mode', '${aws:username}*', bob, true, 'bob*'],
    ['makes a star of the value literal in pattern mode', '${aws:username}', { 'aws:username': 'a*b?' }, true, `a${LITERAL_STAR}b${LITERAL_QUESTION}`],
    ['keeps a star of the value as is in plain mode', '${aws:username}', { 'aws:username': 'a*b?' }, false, 'a*b?'],
    ['makes a star of the default literal in pattern mode', '${aws:username, \'*\'}', {}, true, LITERAL_STAR],
  ])('GIVEN %s: %j WHEN rendered against %j (pattern %s) THEN the result is %j', (_what, raw, ctx, forPattern, expected) => {
    expect(parse(raw).issues).toEqual([]);
    expect(render(raw, ctx, forPattern)).toEqual(expected);
  });
});

describe('Malformed policy variables', () => {
  test.each([
    ['${aws:username', '${aws:username'],
    ['home/${', 'home/${'],
    ['${}', '${}'],
    ['${ aws:username}', '${ aws:username}'],
    ['${aws:username }', '${aws:username }'],
    ['${username}', '${username}'],
    ['${aws:username, guest}', '${aws:username, guest}'],
    ['${aws:username, \'guest}', '${aws:username, \'guest}'],
    ['${aws:username, \'guest\' x}', '${aws:username, \'guest\' x}'],
    ['${aws:user{name}', '${aws:user{name}'],
    ['${**}', '${**}'],
  ])('GIVEN %j WHEN parsed THEN it warns malformed-policy-variable and renders the text literally', (raw, expected) => {
    const { result, issues } = parse(raw);
    expect(issues.map((i) => i.code)).toEqual(['malformed-policy-variable']);
    expect(issues[0]).toMatchObject({ severity: 'warning', ...WHERE });
    expect(typeof result === 'string' ? result : result.render(new MapContext({ 'aws:username': 'bob' }), false)).toBe(expected);
  });

  test('GIVEN a malformed ${ before a valid variable WHEN rendered THEN the valid variable is still substituted', () => {
    const { result, issues } = parse('${${aws:username}');
    expect(issues).toHaveLength(1);
    expect((result as TemplateString).render(new MapContext({ 'aws:username': 'bob' }), false)).toBe('${bob');
  });

  test('GIVEN a variable naming a multi-valued key WHEN parsed THEN it warns multi-valued-policy-variable', () => {
    expect(parse('${aws:TagKeys}').issues.map((i) => `${i.severity}:${i.code}`)).toEqual(['warning:multi-valued-policy-variable']);
  });
});
