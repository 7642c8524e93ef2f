import { CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { appWithStack, findingsOf, ids } from './helpers';
import { GuardedKmsKey } from '../../src';
import { KeyPolicyLockout } from '../../src/rules/KmsGuard-KeyPolicyLockout';

const RULE = 'KmsGuard-KeyPolicyLockout';

describe(RULE, () => {
  test('GIVEN a kms.Key whose custom policy names only an administrator role WHEN checked THEN an error: the deployer is locked out', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new kms.Key(stack, 'Key', {
      enableKeyRotation: true,
      policy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ principals: [admin], actions: ['kms:*'], resources: ['*'] })] }),
    });
    const findings = findingsOf(KeyPolicyLockout, app);
    expect(ids(findings)).toEqual([`${RULE}[Principal::Deployer] error`]);
    expect(findings[0].location).toEqual({ stackName: 'S', logicalId: expect.stringMatching(/^Key/), constructPath: 'S/Key/Resource', policy: 'key policy', field: 'Principal' });
    expect(findings[0].message).toContain('cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1');
  });

  test('GIVEN an escape hatch that replaces a plain key\'s policy after construction THEN the final policy is checked', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    (key.node.defaultChild as kms.CfnKey).addPropertyOverride('KeyPolicy.Statement', [
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/someone' }, Action: 'kms:Decrypt', Resource: '*' },
    ]);
    expect(ids(findingsOf(KeyPolicyLockout, app))).toEqual([`${RULE}[Principal::Deployer] error`]);
  });

  test('GIVEN a plain kms.Key (the deployer gets in only through the account delegation) THEN a warning, not a pass', () => {
    const { app, stack } = appWithStack();
    new kms.Key(stack, 'Key', { enableKeyRotation: true });
    expect(ids(findingsOf(KeyPolicyLockout, app))).toEqual([`${RULE}[Principal::Deployer] warning`]);
  });

  test('GIVEN a GuardedKmsKey whose organizationId is a parameter THEN a cannot-verify warning naming the unknown value, not a false error', () => {
    const { app, stack } = appWithStack();
    const org = new CfnParameter(stack, 'OrgId', { type: 'String' });
    new GuardedKmsKey(stack, 'Key', {
      administrators: [new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() })],
      organizationId: org.valueAsString,
      validation: false,
    });
    const findings = findingsOf(KeyPolicyLockout, app);
    expect(ids(findings)).toEqual([`${RULE}[Principal::Deployer] warning`]);
    expect(findings[0].message).toContain('depends on values unknown offline');
  });

  test('GIVEN a policy that locks the deployer out whatever the unknown value THEN still an error', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const org = new CfnParameter(stack, 'OrgId', { type: 'String' });
    new kms.Key(stack, 'Key', {
      enableKeyRotation: true,
      policy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({
          principals: [admin], actions: ['kms:*'], resources: ['*'], conditions: { StringEquals: { 'aws:PrincipalOrgID': org.valueAsString } },
        })],
      }),
    });
    expect(ids(findingsOf(KeyPolicyLockout, app))).toEqual([`${RULE}[Principal::Deployer] error`]);
  });

  test('GIVEN a GuardedKmsKey THEN compliant', () => {
    const { app, stack } = appWithStack();
    new GuardedKmsKey(stack, 'Key', { administrators: [new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() })] });
    expect(findingsOf(KeyPolicyLockout, app)).toEqual([]);
  });
});
