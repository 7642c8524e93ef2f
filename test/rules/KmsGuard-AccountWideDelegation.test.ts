import { Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  DEFAULT_POLICY_KEY, DEPLOYER_STATEMENT, ENV, appWithStack, findingsOf, ids, keyResource, kmsInlinePolicy, modelOfResources, roleResource,
} from './helpers';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { AccountWideDelegation } from '../../src/rules/KmsGuard-AccountWideDelegation';

const RULE = 'KmsGuard-AccountWideDelegation';

/** A key with KMS's default policy, and a role S/Worker of its account whose inline policy holds `statement`. */
function keyAndWorker(statement: Record<string, unknown>) {
  return modelOfResources({ Key: DEFAULT_POLICY_KEY, Worker: roleResource('Worker', 'worker', [kmsInlinePolicy(statement)]) });
}

describe(RULE, () => {
  test('GIVEN a plain kms.Key granted to a function WHEN checked THEN a warning on the default kms:* statement, naming who can use the key', () => {
    const { app, stack } = appWithStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    key.grantDecrypt(fn);
    const findings = findingsOf(AccountWideDelegation, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::0] warning`]);
    expect(findings[0].message).toContain('KMS\'s default key-policy statement, which a plain kms.Key writes');
    expect(findings[0].message).toContain('Who can: in this app: role S/Fn/ServiceRole (kms:Decrypt)');
  });

  test('GIVEN a Secret and a Volume encrypted with a GuardedKmsKey THEN one warning per service delegation aws-cdk-lib adds, and none for the key\'s own statements', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin], users: [{ grantee: user, capabilities: [KeyCapability.DECRYPT] }] });
    new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
    new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(8), encrypted: true, encryptionKey: key });
    const findings = findingsOf(AccountWideDelegation, app);
    expect(findings.length).toBeGreaterThanOrEqual(2);
    expect(findings.every((f) => f.severity === 'warning')).toBe(true);
    const text = findings.map((f) => f.message).join('\n');
    expect(text).toContain('through secretsmanager.us-east-1.amazonaws.com');
    expect(text).toContain('through ec2.us-east-1.amazonaws.com');
  });

  test('GIVEN a GuardedKmsKey with users in another stack (tag-narrowed delegation) THEN compliant', () => {
    const { app, stack } = appWithStack('Keys');
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new GuardedKmsKey(stack, 'Key', { administrators: [admin] });
    const other = new Stack(app, 'Compute', { env: ENV });
    const role = new iam.Role(other, 'Worker', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantDecrypt(role);
    expect(findingsOf(AccountWideDelegation, app)).toEqual([]);
  });

  test.each([
    ['the account root, kms:*', { Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*' }, true],
    ['the bare account id', { Principal: { AWS: '111122223333' } }, true],
    ['"*" with kms:CallerAccount and kms:ViaService', { Principal: '*', Condition: { StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } } }, true],
    ['the root narrowed to roles', { Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app' } } }, false],
    ['the root with aws:PrincipalArn role/*', { Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } } }, true],
    ['the root narrowed by a principal tag', { Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'orders' } } }, false],
    ['a named role', { Principal: { AWS: 'arn:aws:iam::111122223333:role/app' } }, false],
    ['another account', { Principal: { AWS: 'arn:aws:iam::444455556666:root' } }, false],
  ])('table: an Allow to %s', (_name, st, reported) => {
    const statement = { Sid: 'X', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', ...st };
    const findings = AccountWideDelegation.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, statement]) }));
    expect(findings.map((f) => f.findingId)).toEqual(reported ? ['Statement::X'] : []);
  });

  test('an identity grant whose Resource holds a policy variable reaches the key: the variable is filled in per request (IAM UG reference_policies_variables.md), and the evaluator decides', () => {
    // Any key of the caller's own account: the literal pattern names no key, the filled-in one names this one.
    const model = keyAndWorker({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:*:${aws:PrincipalAccount}:key/*' });
    const findings = AccountWideDelegation.check(model);
    expect(ids(findings)).toEqual([`${RULE}[Statement::Enable IAM User Permissions] warning`]);
    expect(findings[0].message).toContain('Who can: in this app: role S/Worker (kms:Decrypt)');
  });

  test('a key without KeyPolicy in its template gets KMS\'s default policy, and the warning says so', () => {
    const findings = AccountWideDelegation.check(modelOfResources({ Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } } }));
    expect(findings.map((f) => f.findingId)).toEqual(['Statement::Enable IAM User Permissions']);
    expect(findings[0].message).toContain('the template sets no key policy');
  });
});

describe(`${RULE}: principals the evaluator cannot decide for`, () => {
  test('GIVEN a role whose identity policy the evaluator cannot read THEN a "cannot verify" warning naming the role and the error, besides the statement\'s warning', () => {
    const model = keyAndWorker({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEqualz: { 'aws:PrincipalTag/team': 'orders' } } });
    const findings = AccountWideDelegation.check(model);
    expect(ids(findings)).toEqual([`${RULE}[Statement::Enable IAM User Permissions] warning`, `${RULE}[Principal::S/Worker] warning`]);
    expect(findings[0].message).toContain('not verified for role S/Worker');
    expect(findings[1].message).toContain('cannot verify whether role S/Worker can use the key');
    expect(findings[1].message).toContain('StringEqualz');
    expect(findings[1].location).toMatchObject({ policy: 'key policy', statement: 'Sid "Enable IAM User Permissions"' });
  });
});
