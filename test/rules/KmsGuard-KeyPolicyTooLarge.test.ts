import { DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, rawKey } from './helpers';
import { KeyPolicyTooLarge } from '../../src/rules/KmsGuard-KeyPolicyTooLarge';

const RULE = 'KmsGuard-KeyPolicyTooLarge';

function app(roles: number) {
  const { app: a, stack } = appWithStack();
  const statements = Array.from({ length: roles }, (_, i) => ({
    Sid: `Reader${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::111122223333:role/application-reader-with-a-long-name-${i}` }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*',
  }));
  rawKey(stack, DEPLOYER_STATEMENT, ...statements);
  return a;
}

describe(RULE, () => {
  test('GIVEN a raw CfnKey whose policy is over 32 KB WHEN checked THEN an error naming the largest statements', () => {
    const findings = findingsOf(KeyPolicyTooLarge, app(300));
    expect(ids(findings)).toEqual([`${RULE}[KeyPolicy::Size] error`]);
    expect(findings[0].message).toContain('over the 32768-byte limit');
    expect(findings[0].message).toContain('the largest statements');
  });

  test('GIVEN the same key with a few statements THEN compliant', () => {
    expect(findingsOf(KeyPolicyTooLarge, app(5))).toEqual([]);
  });
});
