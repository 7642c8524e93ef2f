/**
 * Accounts, principals, keys and statement builders for the evaluator's hand-written scenarios (mutants-engine and
 * mutants-evaluator-3). No aws-cdk-lib, so a mutation run costs about a second a mutant (docs/mutation-testing.md).
 */
export type Obj = Record<string, any>;

export const A = '111122223333';
export const B = '444455556666';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY = `arn:aws:kms:us-east-1:${A}:key/${KEY_ID}`;
export const KEY2 = `arn:aws:kms:us-east-1:${A}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
export const ALICE = `arn:aws:iam::${A}:user/alice`;
export const CAROL = `arn:aws:iam::${A}:user/carol`;
export const ROLE = `arn:aws:iam::${A}:role/app`;
export const SESSION = `arn:aws:sts::${A}:assumed-role/app/s1`;
export const ROOT_A = `arn:aws:iam::${A}:root`;
export const BOB = `arn:aws:iam::${B}:user/bob`;
export const ROOT_B = `arn:aws:iam::${B}:root`;
export const SVC = 'cloudtrail.amazonaws.com';
export const ALIAS_ARN = `arn:aws:kms:us-east-1:${A}:alias/orders`;

export const policy = (...statements: Obj[]): Obj => ({ Version: '2012-10-17', Statement: statements });
/** A key-policy (or endpoint-policy) statement: Resource "*" means this key. */
export const kpAllow = (sid: string, principal: unknown, action: string | string[], extra: Obj = {}): Obj =>
  ({ Sid: sid, Effect: 'Allow', Principal: principal, Action: action, Resource: '*', ...extra });
export const kpDeny = (sid: string, principal: unknown, action: string | string[], extra: Obj = {}): Obj =>
  ({ Sid: sid, Effect: 'Deny', Principal: principal, Action: action, Resource: '*', ...extra });
/** An identity-side statement (identity policy, boundary, session policy, SCP, RCP without Principal). */
export const iamAllow = (sid: string, action: string | string[], resource: string = KEY, extra: Obj = {}): Obj =>
  ({ Sid: sid, Effect: 'Allow', Action: action, Resource: resource, ...extra });
export const iamDeny = (sid: string, action: string | string[], resource: string = '*', extra: Obj = {}): Obj =>
  ({ Sid: sid, Effect: 'Deny', Action: action, Resource: resource, ...extra });
/** The default key policy's statement: IAM policies of account A decide (key-policy-default.md). */
export const ENABLE_IAM = kpAllow('EnableIAM', { AWS: ROOT_A }, 'kms:*');
