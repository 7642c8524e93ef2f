import { CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { appWithStack, findingsOf, ids, modelOfResources } from './helpers';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { IdentityResourceWildcard } from '../../src/rules/KmsGuard-IdentityResourceWildcard';

const RULE = 'KmsGuard-IdentityResourceWildcard';

function appWithRole() {
  const { app, stack } = appWithStack();
  const role = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
  return { app, stack, role };
}

describe(RULE, () => {
  test('GIVEN a role allowed kms:Decrypt on "*" AND a plain kms.Key in the app THEN a warning on the role naming the key it can use', () => {
    const { app, stack, role } = appWithRole();
    new kms.Key(stack, 'Key', { enableKeyRotation: true });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:DescribeKey'], resources: ['*'] }));
    const findings = findingsOf(IdentityResourceWildcard, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::0] warning`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Ops/Resource', policy: expect.stringMatching(/^policy S\/OpsDefaultPolicy/), statement: 'statement #0', field: 'Resource' });
    expect(findings[0].message).toContain('role S/Ops');
    expect(findings[0].message).toContain('Keys it can use through this statement: in this app: S/Key');
  });

  test('GIVEN a key-id wildcard pattern and only a GuardedKmsKey in the app THEN a warning that reaches no key of the app now', () => {
    const { app, stack, role } = appWithRole();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Encrypt'], resources: ['arn:aws:kms:*:111122223333:key/*'] }));
    const findings = findingsOf(IdentityResourceWildcard, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::0] warning`]);
    expect(findings[0].message).toContain('no key of this app delegates to IAM');
  });

  test.each([
    ['narrowed by kms:ResourceAliases', { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders' } }],
    ['narrowed by a resource tag', { StringEquals: { 'aws:ResourceTag/team': 'orders' } }],
    ['narrowed to use through S3', { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }],
  ])('GIVEN "*" %s THEN compliant', (_name, conditions) => {
    const { app, stack, role } = appWithRole();
    new kms.Key(stack, 'Key', { enableKeyRotation: true });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'], conditions }));
    expect(findingsOf(IdentityResourceWildcard, app)).toEqual([]);
  });

  test('GIVEN grants by key ARN, a GuardedKmsKey user, and IAM-only actions on "*" THEN compliant', () => {
    const { app, stack, role } = appWithRole();
    const plain = new kms.Key(stack, 'Plain', { enableKeyRotation: true });
    plain.grantEncryptDecrypt(role);
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardedKmsKey(stack, 'Guarded', { administrators: [admin], users: [{ grantee: role, capabilities: [KeyCapability.DECRYPT] }] });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:ListKeys', 'kms:ListAliases', 'kms:CreateKey'], resources: ['*'] }));
    expect(findingsOf(IdentityResourceWildcard, app)).toEqual([]);
  });

  test('GIVEN a Resource unknown offline THEN a "cannot verify" warning, never a silent pass', () => {
    const { app, stack, role } = appWithRole();
    const keyArn = new CfnParameter(stack, 'KeyArn', { type: 'String' });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [keyArn.valueAsString] }));
    const findings = findingsOf(IdentityResourceWildcard, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::0] warning`]);
    expect(findings[0].message).toContain('cannot be verified');
  });
});

describe(`${RULE}: values unknown offline`, () => {
  test('a Resource that is a resource\'s attribute unknown offline names that one resource: not reported', () => {
    const findings = IdentityResourceWildcard.check(modelOfResources({
      Ops: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'ops',
          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }] },
          Policies: [{ PolicyName: 'kms', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['Elsewhere', 'Arn'] } }] } }],
        },
      },
    }));
    expect(findings).toEqual([]);
  });
});
