/**
 * How large a GuardedKmsKey's policy grows with the app: N Lambda functions in another stack, each with three ordinary
 * grants (read an encrypted bucket, send to an encrypted queue, decrypt), and N roles with an explicit name, each with
 * its own encryption context (statements that cannot merge). Prints statements and bytes of the synthesized key policy
 * and the estimated deployed size (intrinsics at their upper bounds, src/policy/policy-size.ts) against KMS's 32 KB.
 *
 *   npx ts-node --transpile-only --project test/tsconfig.json bench/key-policy-size.ts [SRC_DIR]
 *
 * SRC_DIR (default ../src) lets the same app be measured on another checkout's source.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';

const src = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'src'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GuardedKmsKey, KeyCapability } = require(src);
const ENV = { account: '111122223333', region: 'us-east-1' };

function measure(kind: 'functions' | 'contexts', n: number): string {
  const app = new App();
  const owner = new Stack(app, 'Owner', { env: ENV });
  const admin = new iam.Role(owner, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const key = new GuardedKmsKey(owner, 'Key', { administrators: [admin] });
  const other = new Stack(app, 'Functions', { env: ENV });
  if (kind === 'functions') {
    const bucket = new s3.Bucket(other, 'Bucket', { encryptionKey: key });
    const queue = new sqs.Queue(other, 'Queue', { encryptionMasterKey: key });
    for (let i = 0; i < n; i++) {
      const f = new lambda.Function(other, `Fn${i}`, {
        runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
      });
      bucket.grantRead(f);
      queue.grantSendMessages(f);
      key.grantDecrypt(f);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const role = new iam.Role(other, `R${i}`, { assumedBy: new iam.AccountRootPrincipal(), roleName: `tenant-${i}` });
      key.grantCapabilities(role, [KeyCapability.DECRYPT], { encryptionContext: { tenant: `tenant-${i}` } });
    }
  }
  let policy: any;
  try {
    policy = Object.values(Template.fromStack(owner).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy;
  } catch (e) {
    return `${kind} n=${n}: synthesis failed: ${String((e as Error).message).split('\n').find((l) => /bytes|32768|limit/.test(l))?.trim() ?? (e as Error).message.slice(0, 160)}`;
  }
  const bytes = JSON.stringify(policy).length;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const estimate = (() => { try { return require(path.join(src, 'policy', 'policy-size')).estimatePolicySize(policy).bytes; } catch { return undefined; } })();
  return `${kind} n=${n}: ${policy.Statement.length} statements, ${bytes} bytes synthesized${estimate !== undefined ? `, ~${estimate} bytes deployed (upper bound)` : ''}`;
}

for (const n of [1, 10, 40, 100]) console.log(measure('functions', n));
for (const n of [10, 60, 120]) console.log(measure('contexts', n));
