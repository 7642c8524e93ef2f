/**
 * Run only by scripts/test-latest-cdk/run.sh: proves that the tests and src/ see one copy each of aws-cdk-lib and
 * constructs, the versions that run.sh installed, and not the project's own (the minimum versions).
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { GuardedKmsKey } from '../../src/constructs/guarded-kms-key';

const installDir = process.env.CDK_LATEST_DIR;
const cdkVersion = process.env.CDK_LATEST_VERSION;
const constructsVersion = process.env.CONSTRUCTS_LATEST_VERSION;

test('aws-cdk-lib and constructs come from the latest install, one copy each', () => {
  expect(installDir && cdkVersion && constructsVersion).toBeTruthy();
  const seenCdk = require('aws-cdk-lib/package.json').version;
  const seenConstructs = require('constructs/package.json').version;
  // Printed so that the CI log shows which version the construct tests ran on.
  console.log(`aws-cdk-lib ${seenCdk} (${path.dirname(require.resolve('aws-cdk-lib/package.json'))}), constructs ${seenConstructs}`);
  expect(seenCdk).toBe(cdkVersion);
  expect(seenConstructs).toBe(constructsVersion);
  expect(require.resolve('aws-cdk-lib')).toContain(path.join(installDir!, 'node_modules', 'aws-cdk-lib'));
  expect(require.resolve('constructs')).toContain(path.join(installDir!, 'node_modules', 'constructs'));

  // One copy: a Stack (built on the constructs that aws-cdk-lib itself requires) is a Construct of the constructs
  // that the test imports, and the key that src/ builds is a kms.Key of the aws-cdk-lib that the test imports.
  const stack = new Stack(new App(), 'Probe');
  expect(stack).toBeInstanceOf(Construct);
  const key = new GuardedKmsKey(stack, 'Key', { administrators: [new iam.ArnPrincipal('arn:aws:iam::111122223333:role/admin')] });
  expect(key).toBeInstanceOf(kms.Key);
  expect(key).toBeInstanceOf(Construct);
});
