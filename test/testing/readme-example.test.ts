/**
 * The README's "Testing your stacks" example, as it is printed there (only the import path differs), so that it
 * keeps compiling and passing.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccessAnswer, GuardedKmsKey, KeyAccessSnapshot, KeyCapability } from '../../src';

test('who can use the orders key', () => {
  const app = new App();
  const stack = new Stack(app, 'Orders');
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const fn = new iam.Role(stack, 'OrdersFn', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new GuardedKmsKey(stack, 'DataKey', {
    administrators: [admin],
    users: [{ grantee: fn, capabilities: [KeyCapability.ENCRYPT_DECRYPT], encryptionContext: { app: 'orders' } }],
  });

  const access = KeyAccessSnapshot.fromStack(stack);
  expect(access.text).toMatchSnapshot(); // who can do what, by construct path, under which conditions
  access.assertCan('Orders/OrdersFn', 'kms:Decrypt'); // allowed or conditional
  access.assertCannot('Orders/Admin', 'kms:Decrypt'); // administrators never decrypt
  const decrypt = access.can('Orders/OrdersFn', 'kms:Decrypt');
  expect(decrypt.decision).toBe(AccessAnswer.CONDITIONAL);
  expect(decrypt.conditions).toEqual(['encryption context app=orders']);
});
