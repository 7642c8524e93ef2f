import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Annotations, CfnOutput, Stack, StringConcat, Token, TokenComparison, Tokenization, attachCustomSynthesis } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { GuardedKmsKey } from './guarded-kms-key';
import { KeyCapability } from './key-capability';
import { intentRecorderOf } from './private/intent-recorder';
import { LiteralEnvironment, describeNotLiteral, makeLiteral } from './private/literal-policy';
import { partitionOfRegion } from '../app-model/stack-template';
import { CapabilityName, capabilityActions } from '../builders/capabilities';
import { KeyReference, identityStatements } from '../builders/identity-statements';
import { PrincipalTarget, usageStatements, viaServiceCondition } from '../builders/key-policy-statements';
import { ConditionJson, PolicyJson, StatementJson } from '../builders/policy-json';
import { mergeConditionsAt } from '../intent/checks/condition-conflicts';
import { notShareableActions, notShareableShareMessage } from '../intent/checks/cross-account-actions';
import { Comparison, mergeEncryptionContext } from '../intent/checks/encryption-context';
import { isAccountId, parseArn, parseKeyArn } from '../policy/arn';
import { canonicalAction } from '../policy/catalogue';
import { addSelfValidation } from '../validation/self-validation';

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
   * The consumer account: a literal 12-digit id (the key policy, the consumer policy and the hand-apply files all name
   * it, and a token would resolve differently in each stack).
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
   */
  readonly consumerAccount: string;
  /**
   * Roles of the consumer account that are in this app: they get a managed policy in their stack. Each needs an
   * explicit `roleName` (its ARN must be known at synth time: the key policy lives in another account).
   * @default - none
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
   */
  readonly consumerRoles?: iam.IRole[];
  /**
   * Roles of the consumer account outside this app, by literal ARN (`arn:PARTITION:iam::CONSUMER:role/PATH/NAME`, no
   * wildcards): the key policy names them by `aws:PrincipalArn`, so they need not exist yet; the consumer-side policy
   * is written to the cloud assembly and a stack output for the other team to attach.
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
   * Allow the consumer side to use `Resource: "*"` when the key cannot be scoped otherwise. The statement keeps the
   * key side's conditions (`kms:ViaService`, encryption context) and is narrowed to keys of the owner account with
   * `aws:ResourceAccount`.
   * @default false: an error asks for `keyAlias` or a key ARN instead
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount
   */
  readonly allowResourceWildcard?: boolean;
  /**
   * Check the share with kms-guard's rules when the app is synthesized: the final policies of the key (when it is in
   * this app) and of the consumer policy, after every grant, escape hatch and override. Error findings about them fail
   * synthesis; warnings are reported as warnings. Acknowledge one with `Validations.of(construct).acknowledge({ id, reason })`.
   * @default true
   * @see https://github.com/cdk-kms-guard/cdk-kms-guard/blob/main/docs/rules.md
   */
  readonly validation?: boolean;
}

/** The key's owner. Every field is a literal: the consumer side and the hand-apply files name them outside its stack. */
interface Owner {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  /** The key's ARN, when it is a literal. */
  readonly keyArn?: string;
}

/**
 * Shares a key with principals of another account, generating both sides: key-policy statements in the owner's key
 * (the consumer account root, narrowed by `aws:PrincipalArn` to the consumer roles, with `kms:CallerAccount` and the
 * optional `kms:ViaService`, encryption context and `aws:PrincipalOrgID`), and a consumer-side managed policy scoped to
 * the key, in the consumer's stack when it is in the app, or else written to the cloud assembly
 * (`<stack>.<path>.consumer-policy.json`) and a stack output. Everything written for a human to apply is literal JSON.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
export class CrossAccountKeyShare extends Construct {
  /** The actions shared. */
  public readonly actions: string[];
  /** The consumer-side policy document: literal JSON, the same in the consumer's stack, the file and the output. */
  public readonly consumerPolicyDocument: iam.PolicyDocument;
  /** The managed policy in the consumer stack, when the consumer roles are in the app. */
  public readonly consumerPolicy?: iam.ManagedPolicy;

  public constructor(scope: Construct, id: string, props: CrossAccountKeyShareProps) {
    super(scope, id);
    const path = this.node.path;
    if ((props.key === undefined) === (props.keyArn === undefined)) {
      throw new Error(`${path}: give exactly one of key and keyArn`);
    }
    if (Token.isUnresolved(props.consumerAccount)) {
      throw new Error(`${path}: consumerAccount is not known at synth time (it resolves to ${this.show(props.consumerAccount)}): give the consumer's `
        + '12-digit account id literally. The key policy, the consumer policy and the hand-apply files all name it, and a token resolves '
        + 'differently in each stack.');
    }
    if (!isAccountId(props.consumerAccount)) {
      throw new Error(`${path}: consumerAccount ${JSON.stringify(props.consumerAccount)} is not a 12-digit AWS account id`);
    }
    if (props.capabilities.length === 0 && !props.additionalActions?.length) throw new Error(`${path}: capabilities is empty: say what the consumers may do`);
    const owner = this.ownerOf(props);
    if (owner.account === props.consumerAccount) {
      throw new Error(`${path}: consumerAccount ${props.consumerAccount} is the key's own account: use GuardedKmsKey users or grant methods instead`);
    }
    this.actions = this.sharedActions(props);
    const inAppRoles = props.consumerRoles ?? [];
    const consumerStack = this.consumerStackOf(inAppRoles, props.consumerAccount);

    const guarded = props.key instanceof GuardedKmsKey ? props.key : undefined;
    const context = this.encryptionContext(props, guarded);
    const callerAccount: ConditionJson = { StringEquals: { 'kms:CallerAccount': props.consumerAccount } };
    const viaService = viaServiceCondition(props.viaServices ?? [], owner.region);
    const conditions = this.merge(
      callerAccount,
      props.organizationId ? { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } } : undefined,
      viaService,
    );

    // Key side. The consumer roles are not named in the Principal element: KMS resolves a named principal when it
    // reads the policy (CreateKey, PutKeyPolicy) and rejects the policy when the principal does not exist, and
    // CloudFormation deploys the key's stack with no dependency on the consumer's stack (another account), so a role of
    // the consumer's stack may not exist yet. An account root is not resolved that way. Narrowed by aws:PrincipalArn to
    // the role ARNs, and with kms:CallerAccount, it allows the same callers as naming the roles: a cross-account caller
    // needs the key policy *and* its own IAM policy, which this construct generates for exactly these roles.
    // consumerRoleArns take the same form: a role outside the app may likewise be created after the key is deployed, and
    // one deleted and recreated under its name is no longer matched by a key policy that named it (KMS stored the old
    // role's unique id), and while it is missing every PutKeyPolicy naming it fails; aws:PrincipalArn compares the ARN
    // text, so it keeps matching the role the consumer account means by that name.
    const principalArns = this.consumerPrincipalArns(props, owner);
    const target: PrincipalTarget = principalArns.length > 0
      ? { kind: 'delegated', account: props.consumerAccount, partition: owner.partition, narrowing: { ArnEquals: { 'aws:PrincipalArn': principalArns } } }
      : { kind: 'named', principal: { AWS: `arn:${owner.partition}:iam::${props.consumerAccount}:root` } };
    const sid = `Share${this.node.addr.slice(0, 8)}`;
    const keyStatements = this.build(() => usageStatements({ sid, target, actions: this.actions, conditions, encryptionContext: context }));

    // Consumer side, built before anything is added to the key (an error leaves the key as it was): the same actions
    // and conditions, scoped to the key. Literal, because it is deployed in the consumer's stack (another account,
    // where no expression of the owner's stack resolves) or applied by hand.
    const consumerStatements = this.consumerStatements(props, owner, guarded, context, callerAccount, viaService);
    const consumerDoc = this.literal<PolicyJson>('the consumer policy', 'it is deployed in the consumer\'s account or applied there by hand',
      { Version: '2012-10-17', Statement: consumerStatements }, owner);
    this.consumerPolicyDocument = iam.PolicyDocument.fromJson(consumerDoc);

    const key = props.key;
    // A guarded key records what its addToResourcePolicy writes as declared intent (KmsGuard-IntentDrift): the share's
    // statements go in that way, recorded as a share, for the roles they are narrowed to by aws:PrincipalArn.
    const addAll = (): boolean => key !== undefined
      && keyStatements.every((s) => key.addToResourcePolicy(iam.PolicyStatement.fromJson(s)).statementAdded);
    const recorder = intentRecorderOf(key);
    const keyPolicyApplied = recorder ? recorder.withPurpose('share', addAll) : addAll();
    if (!keyPolicyApplied) {
      Annotations.of(this).addWarning(`the key's policy cannot be changed from this app: apply the statements in ${this.artifactName('owner-key-policy')} `
        + 'to the key policy in the owner account, or the consumers will be denied');
    }

    if (consumerStack) {
      this.consumerPolicy = new iam.ManagedPolicy(consumerStack, `KmsGuardShare${this.node.addr.slice(0, 8)}`, {
        description: `Use of the KMS key shared by ${owner.account} (${this.node.path})`,
        document: iam.PolicyDocument.fromJson(consumerDoc),
        roles: inAppRoles,
      });
    }
    const ownerKeyPolicyDoc = keyPolicyApplied ? undefined : this.literal<PolicyJson>('the owner key-policy statements',
      'they are applied by hand to a key outside this app', { Version: '2012-10-17', Statement: keyStatements }, owner);

    const outside = (props.consumerRoleArns?.length ?? 0) > 0 || inAppRoles.length === 0;
    if (outside) {
      new CfnOutput(this, 'ConsumerPolicy', {
        description: `IAM policy for principals of ${props.consumerAccount} that use the shared key`,
        value: JSON.stringify(consumerDoc),
      });
    }
    // Both sides as files in the cloud assembly, for review and for the teams that apply them by hand.
    attachCustomSynthesis(this, {
      onSynthesize: (session) => {
        const dir = join(session.outdir, 'kms-guard');
        mkdirSync(dir, { recursive: true });
        const write = (kind: string, doc: PolicyJson): void => writeFileSync(join(dir, this.artifactName(kind)), JSON.stringify(doc, null, 2));
        if (outside) write('consumer-policy', consumerDoc);
        if (ownerKeyPolicyDoc) write('owner-key-policy', ownerKeyPolicyDoc);
      },
    });
    // kms-guard's rules over the final templates, reporting the findings about the key and the consumer policy.
    if (props.validation ?? true) {
      const consumer = (): iam.ManagedPolicy[] => (this.consumerPolicy ? [this.consumerPolicy] : []);
      addSelfValidation(this, () => ({ keys: key ? [key] : [], constructs: consumer(), policies: consumer() }));
    }
  }

  private artifactName(kind: string): string {
    return `${Stack.of(this).artifactId}.${this.node.path.replace(/\//g, '.')}.${kind}.json`;
  }

  /**
   * The key's account, Region and partition, all literal. The partition of a stack is a token (`AWS::Partition`) even
   * when its Region is known: it is derived from the Region then, and never guessed when the Region is unknown.
   */
  private ownerOf(props: CrossAccountKeyShareProps): Owner {
    const path = this.node.path;
    if (props.keyArn !== undefined) {
      if (Token.isUnresolved(props.keyArn)) {
        throw new Error(`${path}: keyArn is not known at synth time (it resolves to ${this.show(props.keyArn)}): the consumer side and the owner's `
          + 'hand-apply key-policy file must name the key literally. Pass the key\'s literal ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID), '
          + 'or the key itself as key.');
      }
      const arn = parseKeyArn(props.keyArn);
      if (!arn) {
        throw new Error(`${path}: keyArn ${JSON.stringify(props.keyArn)} is not a KMS key ARN: expected arn:PARTITION:kms:REGION:ACCOUNT:key/ID `
          + '(an alias ARN does not name a key in a policy\'s Resource)');
      }
      return { account: arn.account, region: arn.region, partition: arn.partition, keyArn: props.keyArn };
    }
    const key = props.key!;
    const literal = Token.isUnresolved(key.keyArn) ? undefined : parseKeyArn(key.keyArn);
    if (literal) return { account: literal.account, region: literal.region, partition: literal.partition, keyArn: key.keyArn };
    const { account, region } = key.env;
    const unknown = [
      ...(Token.isUnresolved(account) ? ['account'] : []),
      ...(Token.isUnresolved(region) ? ['Region (and so its partition)'] : []),
    ];
    if (unknown.length > 0) {
      const stack = Stack.of(key);
      const inStack = key.env.account === stack.account && key.env.region === stack.region;
      throw new Error(`${path}: the ${unknown.join(' and ')} of key ${key.node.path} ${unknown.length > 1 ? 'are' : 'is'} not known at synth time. `
        + 'The consumer side names the key\'s account and Region, and the key policy the consumer account in the key\'s partition, in '
        + 'documents deployed or applied outside the key\'s stack, where its CloudFormation expressions do not resolve. '
        + (inStack
          ? `Give stack ${stack.node.path} an explicit env ({ account: '111122223333', region: 'us-east-1' }), or pass the key's literal ARN as keyArn.`
          : 'Import the key by its literal ARN, or pass the literal ARN as keyArn.'));
    }
    const stackPartition = Stack.of(key).partition;
    return { account, region, partition: Token.isUnresolved(stackPartition) ? partitionOfRegion(region) : stackPartition };
  }

  private sharedActions(props: CrossAccountKeyShareProps): string[] {
    const actions = capabilityActions(props.capabilities as string[] as CapabilityName[]);
    (props.additionalActions ?? []).forEach((raw, i) => {
      if (Token.isUnresolved(raw)) {
        throw new Error(`${this.node.path}: additionalActions[${i}] is not known at synth time (it resolves to ${this.show(raw)}): name the KMS action literally, e.g. kms:Decrypt`);
      }
      const action = canonicalAction(raw);
      if (!action) throw new Error(`${this.node.path}: additionalActions has ${JSON.stringify(raw)}, which is not a KMS action (no wildcards)`);
      if (!actions.includes(action)) actions.push(action);
    });
    const notShareable = notShareableActions(actions);
    if (notShareable.length > 0) throw new Error(notShareableShareMessage(this.node.path, notShareable));
    return actions;
  }

  /** The one stack of the in-app consumer roles, checked against consumerAccount when its account is a literal. */
  private consumerStackOf(roles: readonly iam.IRole[], consumerAccount: string): Stack | undefined {
    if (roles.length === 0) return undefined;
    const stack = Stack.of(roles[0]);
    for (const role of roles) {
      if (Stack.of(role) !== stack) throw new Error(`${this.node.path}: consumerRoles must all be in one stack; ${role.node.path} is not in ${stack.node.path}`);
    }
    if (!Token.isUnresolved(stack.account) && stack.account !== consumerAccount) {
      throw new Error(`${this.node.path}: consumerRoles are in stack ${stack.node.path} of account ${stack.account}, not in consumerAccount ${consumerAccount}: `
        + 'pass roles of the consumer account, or set consumerAccount to their account');
    }
    return stack;
  }

  /**
   * The consumer's required encryption context: the key's (a GuardedKmsKey's requiredEncryptionContext) plus the
   * share's own. A pair the key requires with another value is an error, as in GuardedKmsKey: no request can carry
   * both values, and letting one override the other would hide that the key's requirement is not met.
   */
  private encryptionContext(props: CrossAccountKeyShareProps, guarded: GuardedKmsKey | undefined): Record<string, string> | undefined {
    // Values may be tokens: only the same token, or equal literals, agree; anything else cannot be met or shown to be.
    const compare = (a: string, b: string): Comparison => {
      const c = Token.compareStrings(a, b);
      return c === TokenComparison.SAME ? 'same' : c === TokenComparison.DIFFERENT ? 'different' : 'unknown';
    };
    const { merged, conflict } = mergeEncryptionContext(guarded?.requiredEncryptionContext, props.encryptionContext, compare);
    if (conflict) {
      const { key: k, required, given, comparable } = conflict;
      throw new Error(`${this.node.path}: encryptionContext ${JSON.stringify(k)} is ${this.show(given)} here, but key ${guarded!.node.path} requires `
        + `${this.show(required)} (its requiredEncryptionContext)`
        + (comparable ? ': no request can carry both values, so the consumers could never use the key. ' : ', and they cannot be compared at synth time. ')
        + `Leave ${JSON.stringify(k)} out of encryptionContext (the key's value applies to the share anyway), or set it to ${this.show(required)}.`);
    }
    return merged;
  }

  /** The literal ARNs of the consumer roles, for `aws:PrincipalArn` in the key policy. */
  private consumerPrincipalArns(props: CrossAccountKeyShareProps, owner: Owner): string[] {
    const arns = [
      ...(props.consumerRoles ?? []).map((role) => this.checkRoleArn(this.roleArnOf(role, owner, props.consumerAccount), `consumer role ${role.node.path}`, owner, props.consumerAccount)),
      ...(props.consumerRoleArns ?? []).map((arn, i) => {
        const label = `consumerRoleArns[${i}]`;
        const literal = this.literalString(arn, label, this.environmentOf(Stack.of(this), owner.partition));
        return this.checkRoleArn(literal, label, owner, props.consumerAccount);
      }),
    ];
    return [...new Set(arns)];
  }

  /**
   * A role's ARN as a literal. A role of the app has an ARN token (`Fn::GetAtt`), even with an explicit name: it is
   * rebuilt from its `roleName` and `path`. The role's stack deploys into the consumer account (checked against its env
   * when that is a literal); an environment-agnostic stack is taken to deploy there too, which fails closed if it does
   * not (the ARN then names no role of it).
   */
  private roleArnOf(role: iam.IRole, owner: Owner, consumerAccount: string): string {
    if (!Token.isUnresolved(role.roleArn)) return role.roleArn;
    const stack = Stack.of(role);
    const cfn = role.node.defaultChild;
    if (cfn instanceof iam.CfnRole) {
      if (cfn.roleName === undefined || Token.isUnresolved(cfn.roleName)) {
        throw new Error(`${this.node.path}: consumer role ${role.node.path} has no explicit roleName, so its ARN is known only after stack `
          + `${stack.node.path} deploys; the key policy (deployed in the owner account, with no dependency on that stack) and the hand-apply `
          + 'files must name it literally. Give the role a roleName: new iam.Role(scope, id, { roleName: \'orders-reader\', ... }).');
      }
      const rolePath = cfn.path ?? '/';
      if (Token.isUnresolved(rolePath)) {
        throw new Error(`${this.node.path}: the path of consumer role ${role.node.path} is not known at synth time (it resolves to ${this.show(rolePath)}): give a literal path`);
      }
      return `arn:${owner.partition}:iam::${Token.isUnresolved(stack.account) ? consumerAccount : stack.account}:role${rolePath}${cfn.roleName}`;
    }
    // An imported role (Role.fromRoleName, ...): its ARN as its own stack resolves it.
    return this.literalString(role.roleArn, `the ARN of consumer role ${role.node.path}`, this.environmentOf(stack, owner.partition, consumerAccount), stack);
  }

  private checkRoleArn(arn: string, label: string, owner: Owner, consumerAccount: string): string {
    const parsed = parseArn(arn);
    const expected = `arn:${owner.partition}:iam::${consumerAccount}:role/NAME`;
    if (!parsed || parsed.service !== 'iam' || !parsed.resource.startsWith('role/')) {
      throw new Error(`${this.node.path}: ${label} is ${JSON.stringify(arn)}, not an IAM role ARN: expected ${expected} `
        + '(the aws:PrincipalArn of a role session is its role\'s ARN, not the assumed-role ARN)');
    }
    if (arn.includes('*') || arn.includes('?')) {
      throw new Error(`${this.node.path}: ${label} ${JSON.stringify(arn)} has a wildcard, which ArnEquals on aws:PrincipalArn would match against every `
        + 'role of that pattern: name each role exactly');
    }
    if (parsed.account !== consumerAccount) {
      throw new Error(`${this.node.path}: ${label} ${arn} is not in consumerAccount ${consumerAccount}: pass roles of the consumer account (${expected}), `
        + 'or set consumerAccount to their account');
    }
    if (parsed.partition !== owner.partition) {
      throw new Error(`${this.node.path}: ${label} ${arn} is in partition ${parsed.partition}, but the key is in ${owner.partition}: `
        + 'a key cannot be shared across partitions');
    }
    return arn;
  }

  /**
   * The consumer-side statements: the key side's actions and conditions, scoped to the key (its ARN, or the owner
   * account's keys narrowed to its alias with kms:ResourceAliases), or `Resource: "*"` when the user opts in.
   *
   * aws:PrincipalOrgID stays on the key side only: this policy is attached to principals of the consumer account, which
   * all share that account's organization, so the condition could not tell them apart; the key policy enforces it.
   */
  private consumerStatements(
    props: CrossAccountKeyShareProps, owner: Owner, guarded: GuardedKmsKey | undefined,
    context: Record<string, string> | undefined, callerAccount: ConditionJson, viaService: ConditionJson | undefined,
  ): StatementJson[] {
    const keyRef = this.consumerKeyReference(props, owner, guarded);
    const base = { sid: 'UseSharedKey', actions: this.actions, encryptionContext: context };
    if (keyRef) return this.build(() => identityStatements({ ...base, key: keyRef, conditions: this.merge(callerAccount, viaService) }));
    // Resource "*": keep every condition of the key side that means something here, and narrow by the key's account.
    // kms:CallerAccount cannot narrow an identity policy (its callers are all of the consumer account); what "*" leaves
    // open is whose keys, so the narrowing is the resource's account: aws:ResourceAccount, the account that owns the
    // resource of the request (a global condition key; KMS supports every global condition key in key policies and IAM
    // policies, conditions-aws.md), equal to the owner account. With it the statement allows no more than
    // arn:PARTITION:kms:*:OWNER:key/* would, and the owner's key policy still decides which of those keys.
    // identityStatements with the ARN "*" writes Resource "*" and no alias condition.
    const resourceAccount: ConditionJson = { StringEquals: { 'aws:ResourceAccount': owner.account } };
    return this.build(() => identityStatements({ ...base, key: { kind: 'arn', keyArn: '*' }, conditions: this.merge(callerAccount, viaService, resourceAccount) }));
  }

  /**
   * How the consumer side names the key: by literal ARN when known; otherwise by owner account, Region and alias
   * (`kms:ResourceAliases`), because the key ID exists only after deployment; `*` only when the user opts in.
   */
  private consumerKeyReference(props: CrossAccountKeyShareProps, owner: Owner, guarded: GuardedKmsKey | undefined): KeyReference | undefined {
    if (owner.keyArn) return { kind: 'arn', keyArn: owner.keyArn };
    const alias = props.keyAlias ?? guarded?.aliasName;
    if (alias) {
      return { kind: 'alias', partition: owner.partition, region: owner.region, account: owner.account, aliasName: alias.startsWith('alias/') ? alias : `alias/${alias}` };
    }
    if (props.allowResourceWildcard) return undefined;
    throw new Error(`${this.node.path}: the consumer side cannot name key ${props.key!.node.path}: its ARN is not known at synth time and no keyAlias `
      + 'is given. Give a keyAlias (a GuardedKmsKey always has one), pass a literal keyArn, or set allowResourceWildcard.');
  }

  /** What a stack's environment fixes at synth time, for {@link makeLiteral}. */
  private environmentOf(stack: Stack, partition: string, accountIfUnknown?: string): LiteralEnvironment {
    return {
      account: Token.isUnresolved(stack.account) ? accountIfUnknown : stack.account,
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      partition,
      stackLabel: `stack ${stack.node.path}`,
    };
  }

  /** A document with no CloudFormation expression: resolved in this construct's stack and made literal, or an error. */
  private literal<T>(what: string, why: string, doc: T, owner: Owner): T {
    const stack = Stack.of(this);
    const result = makeLiteral(stack.resolve(doc) as T, this.environmentOf(stack, owner.partition));
    if (result.literal === undefined) {
      throw new Error(`${this.node.path}: ${what} must be literal JSON: ${why}, where no CloudFormation expression of stack ${stack.node.path} `
        + `resolves. Make these values literal:\n${describeNotLiteral(result.notLiteral)}`);
    }
    return result.literal;
  }

  private literalString(value: string, what: string, env: LiteralEnvironment, stack: Stack = Stack.of(this)): string {
    if (!Token.isUnresolved(value)) return value;
    const result = makeLiteral(stack.resolve(value), env);
    if (result.literal === undefined || typeof result.literal !== 'string') {
      throw new Error(`${this.node.path}: ${what} is not known at synth time, and the key policy and the hand-apply files must name it literally:\n`
        + describeNotLiteral(result.notLiteral));
    }
    return result.literal;
  }

  private merge(...blocks: Array<ConditionJson | undefined>): ConditionJson | undefined {
    return mergeConditionsAt(this.node.path, 'contradictory conditions', blocks, (t) => this.readable(t));
  }

  /** Runs a builder, naming this construct in its errors. */
  private build<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw new Error(`${this.node.path}: ${this.readable((e as Error).message)}`);
    }
  }

  /** A value for an error message: JSON, with a token shown as the CloudFormation expression it resolves to. */
  private show(value: string): string {
    return JSON.stringify(Token.isUnresolved(value) ? Stack.of(this).resolve(value) : value);
  }

  /** Text with every token replaced by the CloudFormation expression it resolves to. */
  private readable(text: string): string {
    if (!Token.isUnresolved(text)) return text;
    const stack = Stack.of(this);
    return Tokenization.reverseString(text).mapTokens({ mapToken: (t) => JSON.stringify(stack.resolve(t)) }).join(new StringConcat());
  }
}
