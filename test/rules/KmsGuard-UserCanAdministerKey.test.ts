import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, keyResource, modelOfResources } from './helpers';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { AdminCanUseKey } from '../../src/rules/KmsGuard-AdminCanUseKey';
import { UserCanAdministerKey } from '../../src/rules/KmsGuard-UserCanAdministerKey';

const RULE = 'KmsGuard-UserCanAdministerKey';

describe(RULE, () => {
  test('GIVEN a user of a plain kms.Key also granted ScheduleKeyDeletion and DisableKey WHEN checked THEN an error', () => {
    const { app, stack } = appWithStack();
    const user = new iam.Role(stack, 'Worker', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.grantDecrypt(user);
    key.grant(user, 'kms:ScheduleKeyDeletion', 'kms:DisableKey');
    const findings = findingsOf(UserCanAdministerKey, app);
    expect(ids(findings)).toEqual([`${RULE}[Principal::S/Worker] error`]);
    expect(findings[0].message).toMatch(/^role S\/Worker may administer the key S\/Key \(kms:DisableKey, kms:ScheduleKeyDeletion/);
    expect(findings[0].message).toContain('also use it (kms:Decrypt');
    expect(findingsOf(AdminCanUseKey, app)).toEqual([]);
  });

  test('GIVEN a raw CfnKey policy letting a user tag the key THEN an error (tags can decide ABAC access)', () => {
    const model = modelOfResources({
      Key: keyResource([
        DEPLOYER_STATEMENT,
        { Sid: 'App', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:TagResource'], Resource: '*' },
      ]),
    });
    const findings = UserCanAdministerKey.check(model);
    expect(ids(findings)).toEqual([`${RULE}[Principal::role/app] error`]);
    expect(findings[0].location.statement).toBe('Sid "App"');
  });

  test('GIVEN a GuardedKmsKey with users, break-glass principals and a grant-for-AWS-resource user THEN compliant', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    new GuardedKmsKey(stack, 'Key', {
      administrators: [admin],
      breakGlassPrincipals: [breakGlass],
      users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT, KeyCapability.GRANT_FOR_AWS_RESOURCE] }],
    });
    expect(findingsOf(UserCanAdministerKey, app)).toEqual([]);
    expect(findingsOf(AdminCanUseKey, app)).toEqual([]);
  });
});
