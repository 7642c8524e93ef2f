import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { appWithStack, findingsOf, ids } from './helpers';
import { GuardedKmsKey } from '../../src';
import { ServiceWithoutAccess } from '../../src/rules/KmsGuard-ServiceWithoutAccess';

const RULE = 'KmsGuard-ServiceWithoutAccess';

describe(RULE, () => {
  test('GIVEN a log group encrypted with a plain kms.Key (aws-cdk-lib adds no statement for CloudWatch Logs) WHEN checked THEN an error on the log group', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
    const findings = findingsOf(ServiceWithoutAccess, app);
    expect(ids(findings)).toEqual([`${RULE}[Service::logs] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Logs/Resource' });
    expect(findings[0].message).toContain('logs.us-east-1.amazonaws.com');
  });

  test('GIVEN a log group encrypted with a GuardedKmsKey THEN compliant', () => {
    const { app, stack } = appWithStack();
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() })] });
    new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
    expect(findingsOf(ServiceWithoutAccess, app)).toEqual([]);
  });
});
