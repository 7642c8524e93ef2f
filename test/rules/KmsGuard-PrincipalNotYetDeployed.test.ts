import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DEPLOYER_STATEMENT, ENV, findingsOf, ids, rawKey } from './helpers';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { PrincipalNotYetDeployed } from '../../src/rules/KmsGuard-PrincipalNotYetDeployed';

const RULE = 'KmsGuard-PrincipalNotYetDeployed';

/** A raw key in stack Keys whose policy names, by literal ARN, a role that stack Roles defines. */
function app(dependency: boolean): App {
  const a = new App();
  const keys = new Stack(a, 'Keys', { env: ENV });
  const roles = new Stack(a, 'Roles', { env: ENV });
  new iam.Role(roles, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'reader' });
  rawKey(keys, DEPLOYER_STATEMENT, { Sid: 'Reader', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/reader' }, Action: 'kms:Decrypt', Resource: '*' });
  if (dependency) keys.addDependency(roles);
  return a;
}

describe(RULE, () => {
  test('GIVEN a key policy naming a role of another stack that is not deployed first WHEN checked THEN an error naming the role\'s construct', () => {
    const findings = findingsOf(PrincipalNotYetDeployed, app(false));
    expect(ids(findings)).toEqual([`${RULE}[Principal::Roles/Reader] error`]);
    expect(findings[0].message).toContain('addDependency');
  });

  test('GIVEN the key\'s stack depends on the role\'s THEN compliant', () => {
    expect(findingsOf(PrincipalNotYetDeployed, app(true))).toEqual([]);
  });

  test('GIVEN a GuardedKmsKey granted to a role of another stack THEN compliant (the account principal narrowed by a tag)', () => {
    const a = new App();
    const keys = new Stack(a, 'Keys', { env: ENV });
    const compute = new Stack(a, 'Compute', { env: ENV });
    const key = new GuardedKmsKey(keys, 'Key', { administrators: [new iam.Role(keys, 'Admin', { assumedBy: new iam.AccountRootPrincipal() })] });
    key.grantCapabilities(new iam.Role(compute, 'Worker', { assumedBy: new iam.AccountRootPrincipal() }), [KeyCapability.DECRYPT]);
    expect(findingsOf(PrincipalNotYetDeployed, a)).toEqual([]);
  });
});
