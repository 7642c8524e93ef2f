/**
 * KeyAccessSnapshot: the access of a real stack (a GuardedKmsKey with an administrator, a user bound to an encryption
 * context and a reader through an ordinary CDK grant, beside a plain kms.Key) as committed text, stable across
 * environments, and the assertion helpers on allowed, conditional and denied answers.
 */
import { App, NestedStack, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AccessAnswer, GuardedKmsKey, KeyAccessSnapshot, KeyCapability } from '../../src';

/** The stack under test: built the same way for every environment. */
class OrdersStack extends Stack {
  public readonly admin: iam.Role;
  public readonly writer: iam.Role;
  public readonly reader: iam.Role;
  public readonly outsider: iam.Role;
  public readonly key: GuardedKmsKey;

  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.admin = new iam.Role(this, 'KeyAdmin', { assumedBy: new iam.AccountRootPrincipal() });
    this.writer = new iam.Role(this, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.reader = new iam.Role(this, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.outsider = new iam.Role(this, 'Outsider', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.key = new GuardedKmsKey(this, 'DataKey', {
      alias: 'orders-data',
      administrators: [this.admin],
      users: [{ grantee: this.writer, capabilities: [KeyCapability.ENCRYPT_DECRYPT], encryptionContext: { app: 'orders' } }],
    });
    this.key.grantDecrypt(this.reader);
    new kms.Key(this, 'PlainKey', { enableKeyRotation: true });
  }
}

function snapshotOf(env?: { account: string; region: string }): { stack: OrdersStack; snapshot: KeyAccessSnapshot } {
  const app = new App();
  const stack = new OrdersStack(app, 'Orders', env ? { env } : {});
  return { stack, snapshot: KeyAccessSnapshot.fromStack(stack) };
}

const { stack, snapshot } = snapshotOf({ account: '111122223333', region: 'us-east-1' });

describe('KeyAccessSnapshot text', () => {
  test('GIVEN a GuardedKmsKey and a plain kms.Key WHEN snapshotted THEN the text matches the committed snapshot', () => {
    expect(snapshot.text).toMatchSnapshot();
    expect(snapshot.toString()).toBe(snapshot.text);
  });

  test('GIVEN the same stack in another account and Region, or environment-agnostic WHEN snapshotted THEN the text is the same', () => {
    expect(snapshotOf({ account: '444455556666', region: 'eu-west-1' }).snapshot.text).toBe(snapshot.text);
    expect(snapshotOf().snapshot.text).toBe(snapshot.text);
  });

  test('GIVEN the text WHEN read THEN it names principals by construct path and holds no account id', () => {
    expect(snapshot.text).toMatch(/^key Orders\/DataKey \(alias\/orders-data\) SYMMETRIC_DEFAULT ENCRYPT_DECRYPT$/m);
    expect(snapshot.text).toMatch(/^ {2}role Orders\/Writer: decrypt conditional: encryption context app=orders$/m);
    // A role that no policy of a key reaches is not a subject of that key: it is denied, and can() says so (below).
    expect(snapshot.text).not.toContain('Orders/Outsider');
    expect(snapshot.text).not.toMatch(/\d{12}/);
  });

  test('GIVEN an App with two stacks WHEN snapshotted with fromApp THEN both stacks keys are in it, fromStack only its own', () => {
    const app = new App();
    const one = new OrdersStack(app, 'One', { env: { account: '111122223333', region: 'us-east-1' } });
    new OrdersStack(app, 'Two', { env: { account: '111122223333', region: 'us-east-1' } });
    const all = KeyAccessSnapshot.fromApp(app).text;
    expect(all).toMatch(/^key One\/DataKey /m);
    expect(all).toMatch(/^key Two\/DataKey /m);
    const own = KeyAccessSnapshot.fromStack(one).text;
    expect(own).toMatch(/^key One\/DataKey /m);
    expect(own).not.toMatch(/^key Two\//m);
  });

  test('GIVEN a nested stack WHEN snapshotted with fromStack THEN a clear error naming it and the fix', () => {
    const app = new App();
    const parent = new Stack(app, 'Parent');
    const nested = new NestedStack(parent, 'Child');
    expect(() => KeyAccessSnapshot.fromStack(nested)).toThrow(/^KeyAccessSnapshot.fromStack: Parent\/Child is a nested stack .* pass its top-level stack, or use fromApp\(stage\)$/);
  });
});

describe('KeyAccessSnapshot.can and its assertions', () => {
  const key = 'Orders/DataKey';

  test('GIVEN the administrator WHEN asked about PutKeyPolicy and Decrypt THEN allowed, and denied', () => {
    const r = snapshot.can(stack.admin.node.path, 'kms:PutKeyPolicy', key);
    expect(r.decision).toBe(AccessAnswer.ALLOWED);
    expect(r.conditions).toEqual([]);
    expect(r.sids).toContain('KeyAdministration');
    expect(snapshot.can('Orders/KeyAdmin', 'Decrypt', key).decision).toBe(AccessAnswer.DENIED);
    snapshot.assertCan('Orders/KeyAdmin', 'kms:PutKeyPolicy', key);
    snapshot.assertCannot('Orders/KeyAdmin', 'kms:Decrypt', key);
  });

  test('GIVEN the user bound to an encryption context WHEN asked about Decrypt THEN conditional on app=orders', () => {
    const r = snapshot.can('Orders/Writer', 'kms:Decrypt', key);
    expect(r.decision).toBe(AccessAnswer.CONDITIONAL);
    expect(r.conditions).toEqual(['encryption context app=orders']);
    expect(r.sids).toHaveLength(1);
    expect(r.sids[0]).toMatch(/^UseCtx/);
    snapshot.assertCan('Orders/Writer', 'kms:Encrypt', key);
  });

  test('GIVEN a role with no grant WHEN asked THEN denied, and assertCan says what was found', () => {
    expect(snapshot.can('Orders/Outsider', 'kms:Decrypt', key)).toMatchObject({ decision: AccessAnswer.DENIED, conditions: [], sids: [] });
    expect(() => snapshot.assertCan('Orders/Outsider', 'kms:Decrypt', key))
      .toThrow(/^expected Orders\/Outsider to be able to call kms:Decrypt on key Orders\/DataKey, but the analysis says DENIED/);
    expect(() => snapshot.assertCannot('Orders/Writer', 'kms:Decrypt', key))
      .toThrow(/^expected Orders\/Writer not to be able to call kms:Decrypt on key Orders\/DataKey, but the analysis says CONDITIONAL: only with encryption context app=orders: allowed by UseCtx/);
  });

  test('GIVEN the plain kms.Key WHEN asked about a role without IAM policy THEN denied; the account root is allowed', () => {
    const plain = 'Orders/PlainKey';
    expect(snapshot.can('Orders/Reader', 'kms:Decrypt', plain).decision).toBe(AccessAnswer.DENIED);
    expect(snapshot.can('arn:aws:iam::111122223333:root', 'kms:Decrypt', plain).decision).toBe(AccessAnswer.ALLOWED);
  });

  test('GIVEN a role outside the app by ARN WHEN asked THEN its unknown IAM policies make it uncertain or denied, never allowed', () => {
    const r = snapshot.can('arn:aws:iam::111122223333:role/SomeoneElse', 'kms:Decrypt', 'Orders/PlainKey');
    expect(r.decision).toBe(AccessAnswer.UNCERTAIN);
    expect(() => snapshot.assertCan('arn:aws:iam::111122223333:role/SomeoneElse', 'kms:Decrypt', 'Orders/PlainKey')).toThrow(/UNCERTAIN/);
    expect(() => snapshot.assertCannot('arn:aws:iam::111122223333:role/SomeoneElse', 'kms:Decrypt', 'Orders/PlainKey')).toThrow(/UNCERTAIN/);
  });

  test('GIVEN unknown names WHEN asked THEN errors name what was given and the nearest names', () => {
    expect(() => snapshot.can('Orders/Writer', 'kms:Decrypt')).toThrow(/the app has 2 KMS keys: name one by construct path \(Orders\/DataKey, Orders\/PlainKey\)/);
    expect(() => snapshot.can('Orders/Writr', 'kms:Decrypt', key)).toThrow(/no principal "Orders\/Writr" in the app: .* Nearest: Orders\/Writer/);
    expect(() => snapshot.can('Orders/Writer', 'kms:Decrypted', key)).toThrow(/no action "kms:Decrypted" in the app: .* Nearest: kms:Decrypt/);
    expect(() => snapshot.can('Orders/Writer', 'kms:Decrypt', 'Orders/DataKy')).toThrow(/no key "Orders\/DataKy" in the app: .* Nearest: Orders\/DataKey/);
    expect(() => snapshot.can('Orders/Writer', 'kms:CreateKey', key)).toThrow(/kms:CreateKey does not act on a key/);
  });
});
