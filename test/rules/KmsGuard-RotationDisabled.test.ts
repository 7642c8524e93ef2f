import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { appWithStack, findingsOf, ids, modelOfResources } from './helpers';
import { GuardedKmsKey } from '../../src';
import { RotationDisabled } from '../../src/rules/KmsGuard-RotationDisabled';

const RULE = 'KmsGuard-RotationDisabled';

describe(RULE, () => {
  test('GIVEN a plain kms.Key with rotation left off WHEN checked THEN a warning with the fix', () => {
    const { app, stack } = appWithStack();
    new kms.Key(stack, 'Key');
    const findings = findingsOf(RotationDisabled, app);
    expect(ids(findings)).toEqual([`${RULE}[Key::Rotation] warning`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Key/Resource', field: 'EnableKeyRotation' });
    expect(findings[0].message).toContain('enableKeyRotation: true');
  });

  test('GIVEN rotation on, an asymmetric or HMAC key, or a GuardedKmsKey THEN compliant', () => {
    const { app, stack } = appWithStack();
    new kms.Key(stack, 'Rotating', { enableKeyRotation: true });
    new kms.Key(stack, 'Signing', { keySpec: kms.KeySpec.ECC_NIST_P256, keyUsage: kms.KeyUsage.SIGN_VERIFY });
    new kms.Key(stack, 'Mac', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC });
    new GuardedKmsKey(stack, 'Guarded', { administrators: [new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() })] });
    expect(findingsOf(RotationDisabled, app)).toEqual([]);
  });

  test('GIVEN a raw CfnKey whose rotation is a parameter THEN a warning: it could not be verified', () => {
    const model = modelOfResources({ Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: { Ref: 'Rotate' } } } });
    const findings = RotationDisabled.check(model);
    expect(ids(findings)).toEqual([`${RULE}[Key::Rotation] warning`]);
    expect(findings[0].message).toContain('could not be verified');
  });
});

// Cases added for the mutation run (issue 10, docs/mutation-testing.md). rotate-keys.md: "AWS KMS supports automatic
// key rotation only for symmetric encryption KMS keys"; asymmetric keys (whatever their key usage) and HMAC keys are
// not eligible. multi-region-keys-manage.md: "You set the property only on the primary key", and KMS copies it to the
// replicas (AWS::KMS::ReplicaKey has no EnableKeyRotation property).
describe(`${RULE}: which keys, and what the finding says`, () => {
  const key = (properties: Record<string, unknown>) => ({ Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [] }, ...properties } });

  test('GIVEN a symmetric encryption key with EnableKeyRotation false THEN a warning that rotation is off, not that it is unknown', () => {
    const findings = RotationDisabled.check(modelOfResources({ Key: key({ EnableKeyRotation: false }) }));
    expect(ids(findings)).toEqual([`${RULE}[Key::Rotation] warning`]);
    expect(findings[0].message).toContain('has automatic rotation off');
    expect(findings[0].message).not.toContain('could not be verified');
    // The finding is about a key property, not about a policy.
    expect(findings[0].location).toEqual({ stackName: 'S', logicalId: 'Key', field: 'EnableKeyRotation' });
  });

  test('GIVEN a symmetric encryption key with an explicit KeySpec SYMMETRIC_DEFAULT and KeyUsage ENCRYPT_DECRYPT, rotation absent THEN a warning', () => {
    const findings = RotationDisabled.check(modelOfResources({ Key: key({ KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' }) }));
    expect(ids(findings)).toEqual([`${RULE}[Key::Rotation] warning`]);
  });

  test.each([
    // Asymmetric keys used for encryption have KeyUsage ENCRYPT_DECRYPT too: the key spec excludes them.
    ['an RSA encryption key', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }],
    ['an SM2 encryption key', { KeySpec: 'SM2', KeyUsage: 'ENCRYPT_DECRYPT' }],
    ['an RSA signing key', { KeySpec: 'RSA_3072', KeyUsage: 'SIGN_VERIFY' }],
    ['an HMAC key', { KeySpec: 'HMAC_512', KeyUsage: 'GENERATE_VERIFY_MAC' }],
  ])('GIVEN %s with rotation absent THEN compliant: it cannot rotate automatically', (_name, properties) => {
    expect(RotationDisabled.check(modelOfResources({ Key: key(properties) }))).toEqual([]);
  });

  test('GIVEN a replica of a rotating multi-Region primary THEN only the primary is checked, and it is compliant', () => {
    const model = modelOfResources({
      Primary: key({ MultiRegion: true, EnableKeyRotation: true }),
      Replica: { Type: 'AWS::KMS::ReplicaKey', Properties: { PrimaryKeyArn: { 'Fn::GetAtt': ['Primary', 'Arn'] }, KeyPolicy: { Version: '2012-10-17', Statement: [] } } },
    });
    expect(model.keys.map((k) => k.type)).toEqual(['AWS::KMS::Key', 'AWS::KMS::ReplicaKey']);
    expect(RotationDisabled.check(model)).toEqual([]);
  });
});
