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
