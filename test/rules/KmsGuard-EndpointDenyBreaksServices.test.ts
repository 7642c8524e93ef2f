import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { appWithStack, findingsOf, ids } from './helpers';
import { GuardedKmsKey, KeyCapability, VpceRestrictedKey } from '../../src';
import { EndpointDenyBreaksServices } from '../../src/rules/KmsGuard-EndpointDenyBreaksServices';

const RULE = 'KmsGuard-EndpointDenyBreaksServices';
const ENDPOINT = 'vpce-1234abcdf5678c90a';

/** A plain kms.Key with a Deny outside the endpoint, with `extra` conditions added to it. */
function keyDenyingOutsideEndpoint(extra: Record<string, Record<string, unknown>> = {}, endpoint: string = ENDPOINT) {
  const { app, stack } = appWithStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyOutsideEndpoint',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:Encrypt'],
    resources: ['*'],
    conditions: { StringNotEquals: { 'aws:SourceVpce': endpoint }, ...extra },
  }));
  return { app, stack, key };
}

/** A plain kms.Key in `stack` with the Deny `DenyOutsideVpc` of Decrypt and GenerateDataKey* under `conditions`. */
function keyDenyingOutsideVpc(stack: Stack, conditions: Record<string, Record<string, unknown>>): kms.Key {
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyOutsideVpc',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions,
  }));
  return key;
}

describe(RULE, () => {
  test('GIVEN a plain kms.Key denying use outside an endpoint AND a bucket encrypted with it THEN an error naming S3', () => {
    const { app, stack, key } = keyDenyingOutsideEndpoint();
    new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    const findings = findingsOf(EndpointDenyBreaksServices, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::DenyOutsideEndpoint] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Key/Resource', policy: 'key policy', statement: 'Sid "DenyOutsideEndpoint"', field: 'Condition' });
    expect(findings[0].message).toContain('s3 on a caller\'s behalf (for AWS::S3::Bucket S/Bucket/Resource)');
    expect(findings[0].message).toContain('"aws:ViaAWSService": "false"');
  });

  test('GIVEN the same Deny exempting calls through services, AND a log group encrypted with the key THEN an error naming CloudWatch Logs, which calls as itself', () => {
    const { app, stack, key } = keyDenyingOutsideEndpoint({ Bool: { 'aws:ViaAWSService': 'false' } });
    new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
    const findings = findingsOf(EndpointDenyBreaksServices, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::DenyOutsideEndpoint] error`]);
    expect(findings[0].message).toContain('logs.us-east-1.amazonaws.com as itself');
    expect(findings[0].message).not.toContain('s3 on a caller');
  });

  test('GIVEN the Deny exempting both kinds of service call THEN compliant', () => {
    const { app, stack, key } = keyDenyingOutsideEndpoint({ Bool: { 'aws:ViaAWSService': 'false', 'aws:PrincipalIsAWSService': 'false' } });
    new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
    expect(findingsOf(EndpointDenyBreaksServices, app)).toEqual([]);
  });

  test('GIVEN the Deny on a key no service uses THEN compliant: only direct callers are denied, as meant', () => {
    const { app } = keyDenyingOutsideEndpoint();
    expect(findingsOf(EndpointDenyBreaksServices, app)).toEqual([]);
  });

  test('GIVEN a VpceRestrictedKey encrypting a bucket and a GuardedKmsKey with a log group THEN compliant', () => {
    const { app, stack } = appWithStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const restricted = new VpceRestrictedKey(stack, 'Restricted', { administrators: [admin], allowedVpcIds: ['vpc-0a1b2c3d'], users: [{ grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT] }] });
    new s3.Bucket(stack, 'Bucket', { encryptionKey: restricted }).grantRead(user);
    const guarded = new GuardedKmsKey(stack, 'Guarded', { administrators: [admin] });
    new logs.LogGroup(stack, 'Logs', { encryptionKey: guarded });
    expect(findingsOf(EndpointDenyBreaksServices, app)).toEqual([]);
  });

  test('GIVEN the endpoint id is a parameter THEN still an error: services carry no aws:SourceVpce, whatever the value', () => {
    const { app, stack } = appWithStack();
    const endpoint = new CfnParameter(stack, 'Endpoint', { type: 'String' });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyOutsideEndpoint',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:*'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:SourceVpce': endpoint.valueAsString } },
    }));
    new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    expect(ids(findingsOf(EndpointDenyBreaksServices, app))).toEqual([`${RULE}[Statement::DenyOutsideEndpoint] error`]);
  });

  test('GIVEN the exemption names a service unknown offline THEN a "cannot verify" warning, never a silent pass', () => {
    const { app, stack } = appWithStack();
    const service = new CfnParameter(stack, 'Service', { type: 'String' });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyOutsideEndpoint',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:*'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:SourceVpce': ENDPOINT }, StringNotEqualsIfExists: { 'kms:ViaService': service.valueAsString } },
    }));
    new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    const findings = findingsOf(EndpointDenyBreaksServices, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::DenyOutsideEndpoint] warning`]);
    expect(findings[0].message).toContain('cannot be verified');
  });

  // aws:SourceVpcArn and aws:VpcSourceIp are in the request context only through a VPC endpoint, as aws:SourceVpce is
  // (IAM UG, "VPC condition key availability by network path", reference_sts_vpc_condition_keys_federated): a Deny that
  // requires them denies the services' calls in the same way (conditions-aws.md, "Using VPC endpoint conditions").
  test.each([
    ['aws:SourceVpcArn', 'ArnNotEquals', 'arn:aws:ec2:us-east-1:111122223333:vpc/vpc-12345678'],
    ['aws:VpcSourceIp', 'NotIpAddress', '10.0.0.0/16'],
  ])('GIVEN a Deny unless %s matches AND a bucket encrypted with the key THEN an error, with a literal value and with a parameter', (conditionKey, operator, value) => {
    for (const unknownOffline of [false, true]) {
      const { app, stack } = appWithStack();
      const given = unknownOffline ? new CfnParameter(stack, 'Network', { type: 'String' }).valueAsString : value;
      const key = keyDenyingOutsideVpc(stack, { [operator]: { [conditionKey]: given } });
      new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
      const findings = findingsOf(EndpointDenyBreaksServices, app);
      expect(ids(findings)).toEqual([`${RULE}[Statement::DenyOutsideVpc] error`]);
      expect(findings[0].message).toContain('so their requests carry no aws:SourceVpce, aws:SourceVpc, aws:SourceVpcArn or aws:VpcSourceIp');
      expect(findings[0].message).toContain('s3 on a caller\'s behalf (for AWS::S3::Bucket S/Bucket/Resource)');
    }
  });

  test('GIVEN the same Deny on aws:SourceVpcArn exempting both kinds of service call THEN compliant', () => {
    const { app, stack } = appWithStack();
    const key = keyDenyingOutsideVpc(stack, {
      ArnNotEquals: { 'aws:SourceVpcArn': 'arn:aws:ec2:us-east-1:111122223333:vpc/vpc-12345678' },
      Bool: { 'aws:ViaAWSService': 'false', 'aws:PrincipalIsAWSService': 'false' },
    });
    new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    new logs.LogGroup(stack, 'Logs', { encryptionKey: key });
    expect(findingsOf(EndpointDenyBreaksServices, app)).toEqual([]);
  });
});
