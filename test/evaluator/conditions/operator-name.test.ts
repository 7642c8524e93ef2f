import { closestOperatorName, parseOperatorName } from '../../../src/evaluator/conditions/operator-name';

describe('parseOperatorName', () => {
  test.each([
    ['StringEquals', 'StringEquals', undefined, false],
    ['StringEqualsIfExists', 'StringEquals', undefined, true],
    ['ForAnyValue:StringLikeIfExists', 'StringLike', 'ForAnyValue', true],
    ['ForAllValues:ArnNotLike', 'ArnNotLike', 'ForAllValues', false],
    ['NumericLessThanEqualsIfExists', 'NumericLessThanEquals', undefined, true],
    ['DateGreaterThanEquals', 'DateGreaterThanEquals', undefined, false],
    ['NotIpAddressIfExists', 'NotIpAddress', undefined, true],
    ['BinaryEquals', 'BinaryEquals', undefined, false],
    ['BoolIfExists', 'Bool', undefined, true],
    ['Null', 'Null', undefined, false],
    ['ForAnyValue:Null', 'Null', 'ForAnyValue', false],
  ])('GIVEN %j WHEN parsed THEN the base is %s, the set operator %s and IfExists %s', (written, base, setOperator, ifExists) => {
    const parsed = parseOperatorName(written);
    expect(parsed).toMatchObject({ definition: { name: base }, setOperator, ifExists });
  });

  test.each([
    ['stringequals', 'StringEquals'],
    ['StringEqual', 'StringEquals'],
    ['StringEqualsIfexists', 'StringEqualsIfExists'],
    ['forAnyValue:StringEquals', 'ForAnyValue:StringEquals'],
    ['ForAnyValues:StringEquals', 'ForAnyValue:StringEquals'],
    ['ForAllValue:StringLike', 'ForAllValues:StringLike'],
    ['IPAddress', 'IpAddress'],
    ['ArnLikeIfExist', 'ArnLikeIfExists'],
    ['NullIfExists', 'Null'],
    ['ForAnyValue:NullIfExists', 'ForAnyValue:Null'],
    ['Boolean', 'Bool'],
    ['StringEquals ', 'StringEquals'],
  ])('GIVEN the invalid name %j WHEN parsed THEN it is refused and %j suggested', (written, suggestion) => {
    const parsed = parseOperatorName(written);
    expect('definition' in parsed).toBe(false);
    expect(parsed).toMatchObject({ suggestion });
  });

  test.each(['', 'IfExists', 'ForAnyValue:', 'Foo', 'SomethingCompletelyDifferent'])('GIVEN the invalid name %j WHEN parsed THEN nothing close is suggested', (written) => {
    const parsed = parseOperatorName(written);
    expect('definition' in parsed).toBe(false);
    expect(parsed).toMatchObject({ suggestion: undefined });
  });

  test('GIVEN a name far from every operator WHEN the closest is sought THEN there is none', () => {
    expect(closestOperatorName('kms:Decrypt')).toBeUndefined();
  });
});
