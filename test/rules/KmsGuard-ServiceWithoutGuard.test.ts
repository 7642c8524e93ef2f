import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { appWithStack, findingsOf, ids } from './helpers';
import { ServiceWithoutGuard } from '../../src/rules/KmsGuard-ServiceWithoutGuard';

const RULE = 'KmsGuard-ServiceWithoutGuard';

function app(guarded: boolean) {
  const { app: a, stack } = appWithStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'Logs',
    principals: [new iam.ServicePrincipal('logs.us-east-1.amazonaws.com')],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    ...(guarded ? { conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:log-group:*' } } } : {}),
  }));
  new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
  return a;
}

describe(RULE, () => {
  test('GIVEN a statement for CloudWatch Logs without a confused-deputy condition WHEN checked THEN an error on the log group', () => {
    const findings = findingsOf(ServiceWithoutGuard, app(false));
    expect(ids(findings)).toEqual([`${RULE}[Service::logs] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Logs/Resource', field: 'Condition' });
    expect(findings[0].message).toContain('kms:EncryptionContext:aws:logs:arn');
  });

  test('GIVEN the statement kept to the account\'s log groups by their encryption context THEN compliant', () => {
    expect(findingsOf(ServiceWithoutGuard, app(true))).toEqual([]);
  });
});
