/**
 * How a key policy built in one stack can name a principal of the app, so that KMS accepts the policy when it reads
 * it (every principal it names must exist then: API_CreateKey, API_PutKeyPolicy) and no stack depends on another in a
 * circle. Also: which stack's principal an ARN token stands for, whatever wraps it, and who the stack's deployer is.
 */
import { Aws, DefaultStackSynthesizer, Reference, Stack, Token, TokenComparison, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { stableHash } from './stable-hash';
import { partitionOfRegion } from '../../app-model/stack-template';
import { isAccountId, parseArn } from '../../policy/arn';

/** The key a principal is reached from: its construct path (for messages and tag names) and its stack. */
export interface KeyScope {
  readonly node: Construct['node'];
  readonly stack: Stack;
}

export type PrincipalReach =
  | { readonly kind: 'named' }
  | { readonly kind: 'arn'; readonly account: string; readonly partition: string; readonly principalArn: string; readonly otherEnvironment: boolean }
  | { readonly kind: 'tag'; readonly account: string; readonly tagKey: string; readonly tagValue: string };

/**
 * How the key policy reaches a principal ARN:
 * - named: an account, a literal ARN (a principal outside the app, which exists already), or a principal of the key's
 *   own stack (CloudFormation creates it first, because the key policy refers to it);
 * - arn: a principal of another stack or account of the app whose name is known: the account principal narrowed by
 *   `aws:PrincipalArn`, which KMS does not resolve when it reads the policy, so the principal need not exist yet, and
 *   which refers to nothing in the other stack, so there is no dependency cycle;
 * - tag: a principal of another stack of the same account whose name is generated: the account principal narrowed by
 *   a tag this function puts on it (the README's limits say who else could carry such a tag).
 */
export function reachOf(key: KeyScope, arn: string, field: string): PrincipalReach {
  if (!Token.isUnresolved(arn)) return { kind: 'named' };
  const targets = referencedResources(arn).filter((t) => Stack.of(t) !== key.stack);
  if (targets.length === 0) return { kind: 'named' };
  const resource = targets[0];
  const stack = Stack.of(resource);
  const otherEnvironment = Token.compareStrings(stack.account, key.stack.account) === TokenComparison.DIFFERENT
    || Token.compareStrings(stack.region, key.stack.region) === TokenComparison.DIFFERENT;
  const literal = literalPrincipalArn(resource, key.stack.partition);
  if (otherEnvironment) {
    // CDK names principals across environments by their physical name, so the ARN refers to nothing in their stack.
    return { kind: 'arn', account: stack.account, partition: key.stack.partition, principalArn: literal ?? arn, otherEnvironment };
  }
  if (literal) return { kind: 'arn', account: key.stack.account, partition: key.stack.partition, principalArn: literal, otherEnvironment };
  if (!(resource instanceof iam.CfnRole) && !(resource instanceof iam.CfnUser)) {
    throw new Error(`${key.node.path}: cannot reach ${resource.node.path} (${field}) from this key: it lives in stack ${stack.node.path}, `
      + 'its ARN is generated at deploy time and it cannot be tagged. Import it by a literal ARN or give it an explicit physical name.');
  }
  const tagKey = `kms-guard:${stableHash(key.node.path)}`;
  const tagValue = stableHash(resource.node.path);
  resource.tags.setTag(tagKey, tagValue);
  return { kind: 'tag', account: key.stack.account, tagKey, tagValue };
}

/**
 * Whether a grantee is in the key's account: `unknown` when one side is a literal account and the other is not known
 * at synth (an environment-agnostic stack), which must not pass as the same account.
 */
export function accountRelation(principal: iam.IPrincipal, arns: readonly string[], keyStack: Stack): 'same' | 'other' | 'unknown' {
  const accounts = new Set<string>();
  if (principal.principalAccount !== undefined) accounts.add(principal.principalAccount);
  for (const arn of arns) {
    if (!Token.isUnresolved(arn)) {
      const account = isAccountId(arn) ? arn : parseArn(arn)?.account;
      if (account) accounts.add(account);
    } else {
      for (const target of referencedResources(arn)) accounts.add(Stack.of(target).account);
    }
  }
  let relation: 'same' | 'other' | 'unknown' = 'same';
  for (const account of accounts) {
    const cmp = Token.compareStrings(account, keyStack.account);
    if (cmp === TokenComparison.DIFFERENT) return 'other';
    if (cmp === TokenComparison.ONE_UNRESOLVED) relation = 'unknown';
  }
  return relation;
}

/** A principal ARN usable in a condition from the key's stack (literal, or built from a known physical name). */
export function principalArnForCondition(key: KeyScope, arn: string, field: string): string {
  if (!Token.isUnresolved(arn)) return arn;
  const targets = referencedResources(arn).filter((t) => Stack.of(t) !== key.stack);
  if (targets.length === 0) return arn;
  const literal = literalPrincipalArn(targets[0], key.stack.partition);
  if (literal) return literal;
  throw new Error(`${key.node.path}: ${field} has ${targets[0].node.path}, from stack ${Stack.of(targets[0]).node.path}, whose ARN is generated at deploy time: `
    + 'naming it from this key would make the key\'s stack depend on that stack. Give it an explicit physical name (roleName) or import it by a literal ARN.');
}

/**
 * The principal CloudFormation deploys the key's stack as: the given deployer, or the `DefaultStackSynthesizer`'s
 * execution role. Other synthesizers deploy with the credentials of whoever runs the deployment: then it must be given.
 */
export function deployerArnOf(key: KeyScope, deployer: iam.IGrantable | undefined): string {
  if (deployer) {
    const arns = toList(deployer.grantPrincipal.policyFragment.principalJson.AWS);
    if (arns.length !== 1 || arns[0] === '*') {
      throw new Error(`${key.node.path}: deployer must be one IAM role or user, got ${JSON.stringify(deployer.grantPrincipal.policyFragment.principalJson)}`);
    }
    return arns[0];
  }
  const synthesizer = key.stack.synthesizer;
  if (synthesizer instanceof DefaultStackSynthesizer) {
    // `${AWS::Partition}` and the like are asset-manifest placeholders; in a template they are pseudo parameters.
    return synthesizer.cloudFormationExecutionRoleArn
      .split('${AWS::Partition}').join(Aws.PARTITION)
      .split('${AWS::AccountId}').join(Aws.ACCOUNT_ID)
      .split('${AWS::Region}').join(Aws.REGION);
  }
  throw new Error(`${key.node.path}: cannot tell which principal deploys stack ${key.stack.node.path}: its synthesizer `
    + `(${synthesizer.constructor.name}) passes no CloudFormation execution role, so CloudFormation acts with the deploying credentials. `
    + 'KMS rejects CreateKey unless the new key policy lets that principal update it later (the lockout safety check). Set `deployer` '
    + 'to the role or user that deploys the stack, e.g. iam.Role.fromRoleArn(this, \'Deployer\', \'arn:aws:iam::111122223333:role/ci-deploy\').');
}

/**
 * Who takes the IAM side of a grant. A wrapper that takes no policy itself (aws-cdk-lib's `kms.ViaServicePrincipal`,
 * which `secret.grantRead(fn)` passes) stands for the role or user its ARN refers to; the conditions the wrapper adds
 * are already in the statement.
 */
export function policyHolderOf(grantee: iam.IGrantable, arns: readonly string[]): iam.IGrantable {
  if (Construct.isConstruct(grantee) || arns.length !== 1 || !Token.isUnresolved(arns[0])) return grantee;
  const wrapped = grantee.grantPrincipal as { addToPrincipalPolicy?: unknown };
  if (wrapped.addToPrincipalPolicy !== undefined && !(grantee.grantPrincipal instanceof kms.ViaServicePrincipal)) return grantee;
  const owner = referencedResources(arns[0])
    .map((r) => r.node.scope)
    .find((s): s is iam.Role | iam.User => s instanceof iam.Role || s instanceof iam.User);
  return owner ?? grantee;
}

/** The resources an ARN token refers to (the role behind a role ARN, whatever wraps the principal). */
export function referencedResources(arn: string): IConstruct[] {
  return Tokenization.reverseString(arn).tokens.filter((t): t is Reference => Reference.isReference(t)).map((t) => t.target);
}

/**
 * The ARN of a role or user with an explicit name, built in the key's stack (so it refers to nothing in the
 * principal's stack): `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. Undefined when the name is generated.
 */
function literalPrincipalArn(resource: IConstruct, partition: string): string | undefined {
  const kind = resource instanceof iam.CfnRole ? 'role' : resource instanceof iam.CfnUser ? 'user' : undefined;
  if (!kind) return undefined;
  const name = resource instanceof iam.CfnRole ? resource.roleName : (resource as iam.CfnUser).userName;
  const path = (resource as iam.CfnRole | iam.CfnUser).path ?? '/';
  if (name === undefined || Token.isUnresolved(name) || Token.isUnresolved(path)) return undefined;
  const account = Stack.of(resource).account;
  return `arn:${partition}:iam::${account}:${kind}${path}${name}`;
}

/** The partition of a stack: its literal partition, or the one its literal Region belongs to; never a guess. */
export function partitionOfStack(stack: Stack): string {
  if (!Token.isUnresolved(stack.partition)) return stack.partition;
  if (!Token.isUnresolved(stack.region)) return partitionOfRegion(stack.region);
  throw new Error(`stack ${stack.node.path}: its partition cannot be derived without a Region: give the stack an explicit env`);
}

function toList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as string[];
}
