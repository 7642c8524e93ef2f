import { codes, compile } from './helpers';
import { describeCondition, compileConditionBlock } from '../../../src/evaluator/conditions/compile-condition';
import { MapContext } from '../../../src/evaluator/context';
import { IssueCollector } from '../../../src/policy/issues';

describe('compileConditionBlock: the shape of the Condition element', () => {
  test.each([
    ['null', null],
    ['an array', [{ StringEquals: { a: 'b' } }]],
    ['a string', 'StringEquals'],
    ['a number', 5],
  ])('GIVEN a Condition that is %s WHEN compiled THEN it is an invalid-condition error', (_what, block) => {
    const { conditions, issues } = compile(block);
    expect(conditions).toEqual([]);
    expect(codes(issues)).toEqual(['error:invalid-condition']);
    expect(issues[0]).toMatchObject({ policy: 'key policy', statement: 'statement #0', field: 'Condition' });
  });

  test('GIVEN an empty Condition object WHEN compiled THEN there is nothing to test and nothing to report', () => {
    expect(compile({})).toEqual({ conditions: [], issues: [] });
  });

  test.each([
    ['an empty object', {}],
    ['a string', 'kms:CallerAccount'],
    ['an array', [{ 'kms:CallerAccount': '1' }]],
    ['null', null],
  ])('GIVEN an operator block that is %s WHEN compiled THEN it is an invalid-condition error', (_what, keyBlock) => {
    const { conditions, issues } = compile({ StringEquals: keyBlock });
    expect(conditions).toEqual([]);
    expect(codes(issues)).toEqual(['error:invalid-condition']);
    expect(issues[0].field).toBe('Condition.StringEquals');
  });

  test.each([
    ['null', null, 'Condition.StringEquals.kms:CallerAccount'],
    ['an object', { a: 1 }, 'Condition.StringEquals.kms:CallerAccount'],
    ['an empty array', [], 'Condition.StringEquals.kms:CallerAccount'],
    ['an array holding an object', ['1', { a: 1 }], 'Condition.StringEquals.kms:CallerAccount[1]'],
    ['an array holding null', [null], 'Condition.StringEquals.kms:CallerAccount[0]'],
    ['a nested array', [['1']], 'Condition.StringEquals.kms:CallerAccount[0]'],
  ])('GIVEN a condition value that is %s WHEN compiled THEN it is an invalid-condition-value error at %s', (_what, value, field) => {
    const { conditions, issues } = compile({ StringEquals: { 'kms:CallerAccount': value } });
    expect(conditions).toEqual([]);
    expect(codes(issues)).toEqual(['error:invalid-condition-value']);
    expect(issues[0].field).toBe(field);
  });

  test('GIVEN an unknown operator next to a valid one WHEN compiled THEN the valid one still compiles', () => {
    const { conditions, issues } = compile({ StringEqual: { 'kms:CallerAccount': '1' }, StringEquals: { 'kms:CallerAccount': '1' } });
    expect(codes(issues)).toEqual(['error:unknown-condition-operator']);
    expect(issues[0].message).toContain('did you mean `StringEquals`?');
    expect(issues[0].field).toBe('Condition.StringEqual');
    expect(conditions.map((c) => c.operator)).toEqual(['StringEquals']);
  });

  test('GIVEN a statement location with a field WHEN an issue is reported THEN the field path starts from it', () => {
    const issues = new IssueCollector();
    compileConditionBlock({ NumericEquals: { 'kms:RotationPeriodInDays': 'ten' } }, { policy: 'p', field: 'Statement[2].Condition' },
      { variables: true, policyKind: 'identity' }, issues);
    expect(issues.issues[0].field).toBe('Statement[2].Condition.NumericEquals.kms:RotationPeriodInDays');
  });
});

describe('compileConditionBlock: values that do not parse as the operator type', () => {
  test.each([
    ['NumericEquals', 'kms:RotationPeriodInDays', 'ten', 'integer or decimal'],
    ['NumericLessThan', 'kms:RotationPeriodInDays', '1,000', 'integer or decimal'],
    ['NumericEquals', 'kms:RotationPeriodInDays', '${aws:username}', 'policy variables cannot be used'],
    ['DateLessThan', 'aws:CurrentTime', 'tomorrow', 'ISO 8601'],
    ['DateLessThan', 'aws:CurrentTime', '2024-02-30', 'ISO 8601'],
    ['DateGreaterThan', 'aws:CurrentTime', '${aws:TokenIssueTime}', 'policy variables cannot be used'],
    ['IpAddress', 'aws:SourceIp', '300.1.1.1', 'CIDR'],
    ['BinaryEquals', 'example:Bin', '***', 'base-64'],
    ['Bool', 'aws:SecureTransport', 'yes', '`true` or `false`'],
    ['Null', 'aws:SourceIp', 'maybe', 'absent'],
  ])('GIVEN %s %s %j WHEN compiled THEN it is an invalid-condition-value error mentioning %s', (operator, key, value, hint) => {
    const { conditions, issues } = compile({ [operator]: { [key]: value } });
    expect(conditions).toEqual([]);
    expect(codes(issues)).toEqual(['error:invalid-condition-value']);
    expect(issues[0].message).toContain(hint);
    expect(issues[0].message).toContain(`\`${operator}\` on \`${key}\``);
    expect(issues[0].field).toBe(`Condition.${operator}.${key}`);
  });

  test('GIVEN one bad value in a list WHEN compiled THEN the error points at it and the whole condition is left out', () => {
    const { conditions, issues } = compile({ NumericLessThan: { 'kms:RotationPeriodInDays': ['90', 'x'] }, Bool: { 'aws:SecureTransport': true } });
    expect(codes(issues)).toEqual(['error:invalid-condition-value']);
    expect(issues[0].field).toBe('Condition.NumericLessThan.kms:RotationPeriodInDays[1]');
    expect(conditions.map((c) => c.operator)).toEqual(['Bool']);
  });
});

describe('compileConditionBlock: condition keys', () => {
  test.each([
    ['StringEquals', 'kms:EncryptionContext:${aws:username}', 'error:policy-variable-in-condition-key'],
    ['StringEquals', '', 'error:invalid-condition'],
    ['StringEquals', '  ', 'error:invalid-condition'],
  ])('GIVEN %s on the key %j WHEN compiled THEN it reports %s', (operator, key, expected) => {
    const { conditions, issues } = compile({ [operator]: { [key]: 'x' } });
    expect(conditions).toEqual([]);
    expect(codes(issues)).toEqual([expected]);
  });

  test.each([
    ['KMS:CallerAccount', { 'kms:calleraccount': '111122223333' }, true],
    ['kms:EncryptionContext:AppName', { 'kms:encryptioncontext:appname': 'ExampleApp' }, true],
    ['kms:encryptioncontext:APPNAME', { 'kms:EncryptionContext:AppName': 'ExampleApp' }, true],
    ['kms:EncryptionContext:AppName', { 'kms:EncryptionContext:AppName': 'exampleapp' }, false],
  ])('GIVEN StringEquals on %s WHEN the request has %j THEN key case does not matter and value case does: %s', (key, ctx, expected) => {
    const value = key.toLowerCase() === 'kms:calleraccount' ? '111122223333' : 'ExampleApp';
    const { conditions, issues } = compile({ StringEquals: { [key]: value } });
    expect(issues).toEqual([]);
    expect(conditions[0].key).toBe(key);
    expect(conditions[0].test(new MapContext(ctx))).toBe(expected);
  });
});

describe('compileConditionBlock: warnings', () => {
  test.each([
    ['NumericEquals', 'kms:CallerAccount', '111122223333'],
    ['IpAddress', 'kms:ViaService', '10.0.0.0/8'],
    ['Bool', 'aws:SourceIp', 'true'],
    ['StringEquals', 'aws:SourceIp', '10.0.0.1'],
    ['DateLessThan', 'kms:RotationPeriodInDays', '2024-01-01'],
    ['ArnLike', 'aws:CurrentTime', 'arn:aws:iam::*:role/*'],
    ['BinaryEquals', 'kms:CallerAccount', 'QQ=='],
  ])('GIVEN %s on %s WHEN compiled THEN it warns condition-type-mismatch but still evaluates', (operator, key, value) => {
    const { conditions, issues } = compile({ [operator]: { [key]: value } });
    expect(codes(issues)).toEqual(['warning:condition-type-mismatch']);
    expect(conditions).toHaveLength(1);
  });

  test.each([
    ['ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/*'],
    ['ArnLike', 'kms:GranteePrincipal', 'arn:aws:iam::*:role/*'],
    ['StringLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/*'],
    ['NumericLessThanEquals', 'kms:ValidTo', '1700000000'],
    ['NumericEquals', 'example:UnknownKey', '1'],
    ['Null', 'aws:SourceIp', 'true'],
    ['DateLessThan', 'aws:EpochTime', '1700000000'],
  ])('GIVEN %s on %s WHEN compiled THEN there is no warning', (operator, key, value) => {
    expect(compile({ [operator]: { [key]: value } }).issues).toEqual([]);
  });

  test.each([
    ['2020', 'epoch seconds'],
    ['1700000000000', 'milliseconds'],
  ])('GIVEN DateLessThan %j WHEN compiled THEN it warns ambiguous-date-value (%s)', (value, hint) => {
    const { conditions, issues } = compile({ DateLessThan: { 'aws:CurrentTime': value } });
    expect(codes(issues)).toEqual(['warning:ambiguous-date-value']);
    expect(issues[0].message).toContain(hint);
    expect(conditions).toHaveLength(1);
  });

  test('GIVEN a malformed policy variable in a value WHEN compiled THEN it warns and the text is literal', () => {
    const { conditions, issues } = compile({ StringEquals: { 'kms:EncryptionContext:user': ['ok', '${aws:username'] } });
    expect(codes(issues)).toEqual(['warning:malformed-policy-variable']);
    expect(issues[0].field).toBe('Condition.StringEquals.kms:EncryptionContext:user[1]');
    expect(conditions[0].test(new MapContext({ 'kms:EncryptionContext:user': '${aws:username' }))).toBe(true);
  });
});

describe('compileConditionBlock: values and versions', () => {
  test('GIVEN numbers and booleans as values WHEN compiled THEN the values are stringified', () => {
    const { conditions } = compile({ NumericEquals: { 'kms:RotationPeriodInDays': [90, 180.5] }, Bool: { 'aws:SecureTransport': false } });
    expect(conditions.map((c) => c.values)).toEqual([['90', '180.5'], ['false']]);
  });

  test.each([
    [true, 'bob', true],
    [true, '${aws:username}', false],
    [false, 'bob', false],
    [false, '${aws:username}', true],
  ])('GIVEN variables=%s and StringEquals "${aws:username}" WHEN the value is %j THEN the condition is %s', (variables, value, expected) => {
    const { conditions, issues } = compile({ StringEquals: { 'kms:EncryptionContext:user': '${aws:username}' } }, { variables });
    expect(issues).toEqual([]);
    expect(conditions[0].test(new MapContext({ 'aws:username': 'bob', 'kms:EncryptionContext:user': value }))).toBe(expected);
  });

  test('GIVEN variables are off WHEN a Numeric value holds ${ THEN the message does not mention variables', () => {
    const { issues } = compile({ NumericEquals: { 'kms:RotationPeriodInDays': '${x}' } }, { variables: false });
    expect(issues[0].message).not.toContain('policy variables');
  });

  test('GIVEN several operators and keys WHEN compiled THEN each key of each operator is one condition, in order', () => {
    const { conditions } = compile({
      'StringEquals': { 'kms:CallerAccount': '111122223333', 'kms:ViaService': ['ec2.us-east-1.amazonaws.com', 's3.us-east-1.amazonaws.com'] },
      'ForAnyValue:StringLikeIfExists': { 'kms:ResourceAliases': 'alias/app-*' },
    });
    expect(conditions.map(describeCondition)).toEqual([
      'StringEquals kms:CallerAccount in ["111122223333"]',
      'StringEquals kms:ViaService in ["ec2.us-east-1.amazonaws.com","s3.us-east-1.amazonaws.com"]',
      'ForAnyValue:StringLikeIfExists kms:ResourceAliases in ["alias/app-*"]',
    ]);
  });
});
