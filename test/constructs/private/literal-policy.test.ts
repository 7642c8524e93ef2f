import { describeNotLiteral, makeLiteral } from '../../../src/constructs/private/literal-policy';

const ARN_JOIN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/reader']] };

describe('makeLiteral', () => {
  test.each([
    ['a literal document is returned as it is', { Statement: [{ Resource: '*' }] }, {}, { Statement: [{ Resource: '*' }] }],
    ['pseudo parameters the environment fixes are substituted and joins flattened', { Principal: { AWS: ARN_JOIN } }, { account: '444455556666', region: 'us-east-1' },
      { Principal: { AWS: 'arn:aws:iam::444455556666:role/reader' } }],
    ['the partition is derived from the Region', { p: { Ref: 'AWS::Partition' } }, { region: 'cn-north-1' }, { p: 'aws-cn' }],
    ['an explicit partition wins', { p: { Ref: 'AWS::Partition' } }, { partition: 'aws-us-gov' }, { p: 'aws-us-gov' }],
    ['the URL suffix of a known partition', { s: { 'Fn::Join': ['.', ['s3', { Ref: 'AWS::Region' }, { Ref: 'AWS::URLSuffix' }]] } }, { region: 'cn-north-1' },
      { s: 's3.cn-north-1.amazonaws.com.cn' }],
  ])('%s', (_name, doc, env, expected) => {
    expect(makeLiteral(doc, env)).toEqual({ literal: expected, notLiteral: [] });
  });

  test.each([
    ['the partition when the Region is unknown', { Ref: 'AWS::Partition' }, /partition of stack Owner, whose Region is not known at synth time: give stack Owner an explicit env/],
    ['the account of an environment-agnostic stack', { Ref: 'AWS::AccountId' }, /account of stack Owner, not known at synth time: give stack Owner an explicit env with an account/],
    ['a resource attribute', { 'Fn::GetAtt': ['Reader', 'Arn'] }, /attribute of resource Reader of stack Owner.*explicit roleName/],
    ['a parameter', { Ref: 'OrgId' }, /a parameter or resource of stack Owner, known only at deploy time/],
    ['an import', { 'Fn::ImportValue': 'X' }, /exported by another stack/],
    ['another function', { 'Fn::Sub': 'x' }, /Fn::Sub, evaluated only at deploy time/],
    ['an unresolved token string', '${Token[TOKEN.1]}', /unresolved CDK token/],
  ])('reports %s, with where it is and how to fix it', (_name, value, fix) => {
    const result = makeLiteral({ Statement: [{ Condition: { StringEquals: { 'aws:PrincipalOrgID': value } } }] }, { stackLabel: 'stack Owner' });
    expect(result.literal).toBeUndefined();
    expect(result.notLiteral).toEqual([{ location: 'Statement[0].Condition.StringEquals["aws:PrincipalOrgID"]', expression: JSON.stringify(value), fix: expect.stringMatching(fix) }]);
  });

  test('reports every value that is not literal, including those inside a join', () => {
    const result = makeLiteral({ a: ARN_JOIN, b: [{ Ref: 'AWS::Region' }] }, { region: 'us-east-1' });
    expect(result.notLiteral.map((n) => [n.location, n.expression])).toEqual([['a', '{"Ref":"AWS::AccountId"}']]);
    expect(describeNotLiteral(result.notLiteral)).toMatch(/^ {2}- a is \{"Ref":"AWS::AccountId"\}: the account of the stack/);
  });

  test('does not guess the URL suffix of a partition it does not know', () => {
    expect(makeLiteral({ Ref: 'AWS::URLSuffix' }, { partition: 'aws-iso' }).notLiteral).toHaveLength(1);
  });
});
