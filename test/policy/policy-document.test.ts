import { IssueCollector } from '../../src/policy/issues';
import { parsePolicyDocument } from '../../src/policy/policy-document';
import { PolicyKind } from '../../src/policy/policy-kind';

function parse(raw: unknown, kind: PolicyKind = 'key') {
  const issues = new IssueCollector();
  const doc = parsePolicyDocument(raw, kind, kind === 'key' ? 'key policy' : 'identity policy #0', issues);
  return { doc, issues: issues.issues };
}

const allow = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'kms:Decrypt', Resource: '*' };

describe('parsePolicyDocument', () => {
  test('normalises single values into arrays and classifies principals', () => {
    const { doc, issues } = parse({ Version: '2012-10-17', Statement: { Sid: 'Use', ...allow } });
    expect(issues).toEqual([]);
    expect(doc.statements).toEqual([expect.objectContaining({
      index: 0,
      sid: 'Use',
      label: 'Sid "Use"',
      effect: 'Allow',
      action: ['kms:Decrypt'],
      resource: ['*'],
      principal: [{ type: 'role', partition: 'aws', account: '111122223333', name: 'app', path: '/' }],
    })]);
  });

  test('names unnamed statements by index', () => {
    const { doc } = parse({ Statement: [allow, allow] });
    expect(doc.statements.map((s) => s.label)).toEqual(['statement #0', 'statement #1']);
  });

  test('accepts a policy given as a JSON string', () => {
    expect(parse(JSON.stringify({ Statement: [allow] })).doc.statements).toHaveLength(1);
  });

  test.each([
    ['a non-object policy', 42, 'invalid-policy', undefined],
    ['a string that is not JSON', '{nope', 'invalid-policy', undefined],
    ['a missing Statement', { Version: '2012-10-17' }, 'invalid-policy', 'Statement'],
    ['an unknown Version', { Version: '2013-01-01', Statement: [allow] }, 'invalid-field', 'Version'],
    ['an unknown top-level element', { Statment: [], Statement: [allow] }, 'invalid-field', 'Statment'],
    ['a non-object statement', { Statement: ['x'] }, 'invalid-statement', undefined],
    ['a lower-case effect', { Statement: [{ ...allow, Effect: 'allow' }] }, 'invalid-effect', 'Effect'],
    ['a missing effect', { Statement: [{ ...allow, Effect: undefined }] }, 'invalid-effect', 'Effect'],
    ['Principal with NotPrincipal', { Statement: [{ ...allow, NotPrincipal: { AWS: '111122223333' } }] }, 'conflicting-elements', 'NotPrincipal'],
    ['Action with NotAction', { Statement: [{ ...allow, NotAction: 'kms:Encrypt' }] }, 'conflicting-elements', 'NotAction'],
    ['no Action', { Statement: [{ ...allow, Action: undefined }] }, 'missing-field', 'Action'],
    ['no Principal in a key policy', { Statement: [{ ...allow, Principal: undefined }] }, 'missing-field', 'Principal'],
    ['a wildcard inside a principal ARN', { Statement: [{ ...allow, Principal: { AWS: 'arn:aws:iam::111122223333:role/*' } }] }, 'principal-wildcard-arn', 'Principal.AWS'],
    ['an unknown principal type', { Statement: [{ ...allow, Principal: { Group: 'x' } }] }, 'invalid-field', 'Principal.Group'],
    ['a bad service principal', { Statement: [{ ...allow, Principal: { Service: 'cloudtrail' } }] }, 'invalid-field', 'Principal.Service'],
    ['an empty action list', { Statement: [{ ...allow, Action: [] }] }, 'invalid-field', 'Action'],
    ['an action without a service', { Statement: [{ ...allow, Action: 'Decrypt' }] }, 'invalid-field', 'Action'],
    ['a non-string Sid', { Statement: [{ ...allow, Sid: 7 }] }, 'invalid-field', 'Sid'],
  ])('reports %s', (_, raw, code, field) => {
    const { issues } = parse(raw);
    expect(issues).toEqual(expect.arrayContaining([expect.objectContaining({ code, severity: 'error', policy: 'key policy', ...(field ? { field } : {}) })]));
  });

  test('names the statement by Sid in errors', () => {
    const { issues } = parse({ Statement: [{ ...allow, Sid: 'Broken', Effect: 'Permit' }] });
    expect(issues[0]).toMatchObject({ statement: 'Sid "Broken"', field: 'Effect' });
    expect(issues[0].message).toContain('"Permit"');
  });

  test('an identity policy must not have a Principal', () => {
    const { issues } = parse({ Statement: [allow] }, 'identity');
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid-statement', field: 'Principal' })]);
  });

  test('a key-policy statement without Resource is a warning: KMS accepts it but ignores it', () => {
    const { doc, issues } = parse({ Statement: [{ ...allow, Resource: undefined }] });
    expect(issues).toEqual([expect.objectContaining({ code: 'statement-without-resource', severity: 'warning' })]);
    expect(doc.statements[0].resource).toBeUndefined();
  });

  test('a misspelt kms action is a warning', () => {
    const { issues } = parse({ Statement: [{ ...allow, Action: 'kms:Decryptt' }] });
    expect(issues).toEqual([expect.objectContaining({ code: 'unknown-action', severity: 'warning' })]);
  });
});
