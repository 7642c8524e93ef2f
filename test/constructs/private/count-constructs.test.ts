/**
 * The encrypted-resources index checks that the app has not grown by counting its constructs without listing them
 * (src/constructs/private/encrypted-resources.ts): the count must be findAll's, also after constructs are added.
 */
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { countConstructs } from '../../../src/constructs/private/encrypted-resources';

test('countConstructs counts what findAll lists, in an app with nested stages, and follows additions', () => {
  const app = new App();
  const stack = new Stack(app, 'S');
  const key = new kms.Key(stack, 'Key');
  const stage = new Stage(app, 'Nested');
  new s3.Bucket(new Stack(stage, 'Inner'), 'Bucket');
  expect(countConstructs(app)).toBe(app.node.findAll().length);
  const before = countConstructs(app);
  key.grantDecrypt(new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }));
  expect(countConstructs(app)).toBe(app.node.findAll().length);
  expect(countConstructs(app)).toBeGreaterThan(before);
  expect(countConstructs(key)).toBe(key.node.findAll().length);
});
