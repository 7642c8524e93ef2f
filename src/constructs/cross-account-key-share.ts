import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Annotations, CfnOutput, Stack, Token, TokenComparison, attachCustomSynthesis } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { GuardedKmsKey } from './guarded-kms-key';
import { KeyCapability } from './key-capability';
import { CapabilityName, capabilityActions } from '../builders/capabilities';
import { KeyReference, identityStatements } from '../builders/identity-statements';
import { usageStatements, viaServiceCondition } from '../builders/key-policy-statements';
import { ConditionJson, PolicyJson, StatementJson, mergeConditions } from '../builders/policy-json';
import { isAccountId, parseKeyArn } from '../policy/arn';
import { CROSS_ACCOUNT_ACTIONS, canonicalAction } from '../policy/catalogue';

export interface CrossAccountKeyShareProps {
  /**
   * The key to share: a GuardedKmsKey or any `IKey` of the app. Give this or `keyArn`.
   * @default - `keyArn`
   */
  readonly key?: kms.IKey;
  /**
   * The key to share, by ARN (a key outside the app). Its key policy cannot be changed from here: the key-policy
   * statement is written to the cloud assembly and a stack output for the key's owner to apply.
   * @default - `key`
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/find-cmk-id-arn.html
   */
  readonly keyArn?: string;
  /**
   * The key's alias (`alias/name`), used to scope the consumer side when the key ARN is not known at synth time.
   * @default - the alias of a GuardedKmsKey; otherwise required unless the key ARN is known
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
   */
  readonly keyAlias?: string;
  /**
   * The consumer account (12 digits).
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
   */
  readonly consumerAccount: string;
  /**
   * Roles of the consumer account that are in this app: they get a managed policy in their stack.
   * @default - none
   */
  readonly consumerRoles?: iam.IRole[];
  /**
   * Roles of the consumer account outside this app, by ARN: the consumer-side policy is written to the cloud assembly
   * and a stack output for the other team to attach.
   * @default - none: when there are no consumer roles at all, the key policy names the consumer account, whose IAM
   *   policies then decide which of its principals may use the key
   */
  readonly consumerRoleArns?: string[];
  /**
   * What the consumers may do. Every capability holds only cross-account capable operations.
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
   */
  readonly capabilities: KeyCapability[];
  /**
   * Further actions; each must be usable across accounts.
   * @default - none
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
   */
  readonly additionalActions?: string[];
  /**
   * Only through these AWS services, with `kms:ViaService`.
   * @default - directly or through any service
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
   */
  readonly viaServices?: string[];
  /**
   * Encryption context the consumers' requests must carry.
   * @default - the key's required encryption context when it is a GuardedKmsKey, else none
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
   */
  readonly encryptionContext?: { [key: string]: string };
  /**
   * Require the consumers to belong to this AWS Organization (`aws:PrincipalOrgID`).
   * @default - no organization condition
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
   */
  readonly organizationId?: string;
  /**
   * Allow the consumer side to use `Resource: "*"` when the key cannot be scoped otherwise.
   * @default false: an error asks for `keyAlias` or a key ARN instead
   */
  readonly allowResourceWildcard?: boolean;
}

/**
 * Shares a key with principals of another account, generating both sides: a key-policy statement in the owner's key
 * (with `kms:CallerAccount`, and the optional `kms:ViaService`, encryption context and `aws:PrincipalOrgID`), and a
 * consumer-side managed policy scoped to the key, in the consumer's stack when it is in the app, or else written to
 * the cloud assembly (`<stack>.<path>.consumer-policy.json`) and a stack output.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
export class CrossAccountKeyShare extends Construct {
  /** The actions shared. */
  public readonly actions: string[];
  /** The consumer-side policy document (tokens resolve in the owner's stack). */
  public readonly consumerPolicyDocument: iam.PolicyDocument;
  /** The managed policy in the consumer stack, when the consumer roles are in the app. */
  public readonly consumerPolicy?: iam.ManagedPolicy;

  public constructor(scope: Construct, id: string, props: CrossAccountKeyShareProps) {
    super(scope, id);
    const path = this.node.path;
    if ((props.key === undefined) === (props.keyArn === undefined)) {
      throw new Error(`${path}: give exactly one of key and keyArn`);
    }
    if (!Token.isUnresolved(props.consumerAccount) && !isAccountId(props.consumerAccount)) {
      throw new Error(`${path}: consumerAccount ${JSON.stringify(props.consumerAccount)} is not a 12-digit AWS account id`);
    }
    if (props.capabilities.length === 0 && !props.additionalActions?.length) throw new Error(`${path}: capabilities is empty: say what the consumers may do`);
    const owner = this.ownerOf(props);
    if (Token.compareStrings(owner.account, props.consumerAccount) === TokenComparison.SAME) {
      throw new Error(`${path}: consumerAccount ${props.consumerAccount} is the key's own account: use GuardedKmsKey users or grant methods instead`);
    }
    this.actions = this.sharedActions(props);

    const guarded = props.key instanceof GuardedKmsKey ? props.key : undefined;
    const encryptionContext = { ...(guarded?.requiredEncryptionContext ?? {}), ...(props.encryptionContext ?? {}) };
    const context = Object.keys(encryptionContext).length > 0 ? encryptionContext : undefined;
    const conditions = merge(path,
      { StringEquals: { 'kms:CallerAccount': props.consumerAccount } },
      props.organizationId ? { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } } : undefined,
      viaServiceCondition(props.viaServices ?? [], owner.region),
    );

    // Key side: name the consumer roles, or the consumer account when no role is given (its IAM policies then decide).
    const roleArns = [...(props.consumerRoles ?? []).map((r) => r.roleArn), ...(props.consumerRoleArns ?? [])];
    const principal = roleArns.length > 0 ? { AWS: roleArns } : { AWS: `arn:${owner.partition}:iam::${props.consumerAccount}:root` };
    const sid = `Share${this.node.addr.slice(0, 8)}`;
    const keyStatements = usageStatements({ sid, target: { kind: 'named', principal }, actions: this.actions, conditions, encryptionContext: context });
    const key = props.key;
    const keyPolicyApplied = key !== undefined && keyStatements.every((s) => key.addToResourcePolicy(iam.PolicyStatement.fromJson(s)).statementAdded);
    if (!keyPolicyApplied) {
      Annotations.of(this).addWarning(`the key's policy cannot be changed from this app: apply the statements in ${this.artifactName('owner-key-policy')} `
        + 'to the key policy in the owner account, or the consumers will be denied');
    }

    // Consumer side: the same actions and conditions, scoped to the key.
    const keyRef = this.consumerKeyReference(props, owner, guarded);
    const callerAccount: ConditionJson = { StringEquals: { 'kms:CallerAccount': props.consumerAccount } };
    const consumerStatements: StatementJson[] = keyRef
      ? identityStatements({ sid: 'UseSharedKey', key: keyRef, actions: this.actions, conditions: callerAccount, encryptionContext: context })
      : [{ Sid: 'UseSharedKey', Effect: 'Allow', Action: this.actions, Resource: '*' }];
    this.consumerPolicyDocument = iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: consumerStatements });

    const inAppRoles = props.consumerRoles ?? [];
    const consumerStack = inAppRoles.length > 0 ? Stack.of(inAppRoles[0]) : undefined;
    if (consumerStack) {
      for (const role of inAppRoles) {
        if (Stack.of(role) !== consumerStack) throw new Error(`${path}: consumerRoles must all be in one stack; ${role.node.path} is not in ${consumerStack.node.path}`);
      }
      if (Token.compareStrings(consumerStack.account, props.consumerAccount) === TokenComparison.DIFFERENT) {
        throw new Error(`${path}: consumerRoles are in stack ${consumerStack.stackName} of account ${consumerStack.account}, not in consumerAccount ${props.consumerAccount}`);
      }
      this.consumerPolicy = new iam.ManagedPolicy(consumerStack, `KmsGuardShare${this.node.addr.slice(0, 8)}`, {
        description: `Use of the KMS key shared by ${owner.account} (${this.node.path})`,
        document: this.consumerPolicyDocument,
        roles: inAppRoles,
      });
    }

    const outside = (props.consumerRoleArns?.length ?? 0) > 0 || inAppRoles.length === 0;
    const ownerStack = Stack.of(this);
    if (outside) {
      new CfnOutput(this, 'ConsumerPolicy', {
        description: `IAM policy for principals of ${props.consumerAccount} that use the shared key`,
        value: ownerStack.toJsonString(this.consumerPolicyDocument.toJSON()),
      });
    }
    // Both sides as files in the cloud assembly, for review and for the teams that apply them by hand.
    attachCustomSynthesis(this, {
      onSynthesize: (session) => {
        const dir = join(session.outdir, 'kms-guard');
        mkdirSync(dir, { recursive: true });
        const write = (kind: string, doc: PolicyJson): void => {
          writeFileSync(join(dir, `${this.artifactName(kind)}`), JSON.stringify(ownerStack.resolve(doc), null, 2));
        };
        if (outside) write('consumer-policy', { Version: '2012-10-17', Statement: consumerStatements });
        if (!keyPolicyApplied) write('owner-key-policy', { Version: '2012-10-17', Statement: keyStatements });
      },
    });
  }

  private artifactName(kind: string): string {
    return `${Stack.of(this).artifactId}.${this.node.path.replace(/\//g, '.')}.${kind}.json`;
  }

  private ownerOf(props: CrossAccountKeyShareProps): { account: string; region: string; partition: string; keyArn?: string } {
    if (props.keyArn !== undefined) {
      const arn = Token.isUnresolved(props.keyArn) ? undefined : parseKeyArn(props.keyArn);
      if (!arn) throw new Error(`${this.node.path}: keyArn ${JSON.stringify(props.keyArn)} is not a literal KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)`);
      return { account: arn.account, region: arn.region, partition: arn.partition, keyArn: props.keyArn };
    }
    const stack = Stack.of(props.key!);
    const keyArn = props.key!.keyArn;
    const literal = Token.isUnresolved(keyArn) ? undefined : parseKeyArn(keyArn);
    if (literal) return { account: literal.account, region: literal.region, partition: literal.partition, keyArn };
    return { account: stack.account, region: stack.region, partition: Token.isUnresolved(stack.partition) ? 'aws' : stack.partition };
  }

  private sharedActions(props: CrossAccountKeyShareProps): string[] {
    const actions = capabilityActions(props.capabilities as string[] as CapabilityName[]);
    for (const raw of props.additionalActions ?? []) {
      const action = canonicalAction(raw);
      if (!action) throw new Error(`${this.node.path}: additionalActions has ${JSON.stringify(raw)}, which is not a KMS action (no wildcards)`);
      if (!actions.includes(action)) actions.push(action);
    }
    const notShareable = actions.filter((a) => !CROSS_ACCOUNT_ACTIONS.includes(a));
    if (notShareable.length > 0) {
      throw new Error(`${this.node.path}: ${notShareable.join(', ')} cannot be used from another account: KMS ignores such permissions `
        + `(key-policy-modifying-external-accounts.md). Shareable actions: ${CROSS_ACCOUNT_ACTIONS.join(', ')}`);
    }
    return actions;
  }

  /**
   * How the consumer side names the key: by literal ARN when known; otherwise by owner account, Region and alias
   * (`kms:ResourceAliases`), because the key ID exists only after deployment; `*` only when the user opts in.
   */
  private consumerKeyReference(
    props: CrossAccountKeyShareProps,
    owner: { account: string; region: string; partition: string; keyArn?: string },
    guarded: GuardedKmsKey | undefined,
  ): KeyReference | undefined {
    if (owner.keyArn) return { kind: 'arn', keyArn: owner.keyArn };
    const alias = props.keyAlias ?? guarded?.aliasName;
    if (alias && !Token.isUnresolved(owner.account) && !Token.isUnresolved(owner.region)) {
      return { kind: 'alias', partition: owner.partition, region: owner.region, account: owner.account, aliasName: alias.startsWith('alias/') ? alias : `alias/${alias}` };
    }
    if (props.allowResourceWildcard) return undefined;
    throw new Error(`${this.node.path}: the consumer side cannot name the key: its ARN is not known at synth time and `
      + (alias ? 'the key\'s stack has no explicit account and region' : 'no keyAlias is given')
      + '. Give the key\'s stack an env and a keyAlias (a GuardedKmsKey always has one), pass a literal keyArn, or set allowResourceWildcard.');
  }
}

function merge(path: string, ...blocks: Array<ConditionJson | undefined>): ConditionJson | undefined {
  const { merged, conflict } = mergeConditions(...blocks);
  if (conflict) throw new Error(`${path}: contradictory conditions: ${conflict}`);
  return merged;
}
