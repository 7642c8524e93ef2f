import { Annotations, Duration, IResolveContext, Lazy, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KeyCapability } from './key-capability';
import { resourcesEncryptedWith } from './private/encrypted-resources';
import { IntentRecorder, registerIntentRecorder } from './private/intent-recorder';
import {
  accountRelation, deployerArnOf, partitionOfStack, policyHolderOf, principalArnForCondition, reachOf, referencedResources,
} from './private/principal-reach';
import { CapabilityName, capabilityActions } from '../builders/capabilities';
import { KeyReference, identityStatements } from '../builders/identity-statements';
import { KeyPolicyComposer } from '../builders/key-policy-composer';
import {
  administratorStatement,
  deletionProtectionStatement,
  organizationBoundaryStatement,
  usageStatements,
  viaServiceCondition,
} from '../builders/key-policy-statements';
import { ConditionJson, StatementJson } from '../builders/policy-json';
import { GRANT_IS_FOR_AWS_RESOURCE, KeyEnvironment, hasConfusedDeputyGuard, serviceGuard, serviceIntegrationStatements } from '../builders/service-statements';
import { mergeConditionsAt } from '../intent/checks/condition-conflicts';
import { notShareableActions, notShareableGrantMessage } from '../intent/checks/cross-account-actions';
import { mergeEncryptionContext } from '../intent/checks/encryption-context';
import { aliasNameProblem } from '../intent/checks/prop-values';
import { beyondAdministration, separationOfDutiesMessage } from '../intent/checks/separation-of-duties';
import { serviceContextProblem } from '../intent/checks/service-context';
import { INTENT_METADATA_KEY, IntentPurpose } from '../intent/declared-intent';
import { isAccountId } from '../policy/arn';
import { ALL_KMS_ACTIONS, PermissionSets, actionFacts, canonicalAction } from '../policy/catalogue';
import { KEY_POLICY_MAX_BYTES } from '../policy/limits';
import { estimatePolicySize } from '../policy/policy-size';
import { ServiceIntegration, SERVICE_INTEGRATIONS } from '../policy/service-integrations';
import { wildcardMatch } from '../policy/wildcard';
import { addSelfValidation } from '../validation/self-validation';

/** A principal and what it may do with the key. */
export interface KeyUser {
  /**
   * The principal: a role, user, Lambda function, service principal, or account principal (which delegates to that
   * account's IAM policies).
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html#key-policy-elements
   */
  readonly grantee: iam.IGrantable;
  /**
   * What the principal may do.
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
   */
  readonly capabilities: KeyCapability[];
  /**
   * Encryption context the principal's requests must carry, on top of the key's `requiredEncryptionContext`.
   * @default - only the key's required encryption context
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
   */
  readonly encryptionContext?: { [key: string]: string };
  /**
   * Only through these AWS services (`s3` or `s3.eu-west-1.amazonaws.com`), with `kms:ViaService`.
   * @default - directly or through any service
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
   */
  readonly viaServices?: string[];
}

/** Conditions for a guarded grant; all of them hold on both the key-policy side and the IAM side. */
export interface GuardedGrantOptions {
  /**
   * Encryption context the grantee's requests must carry.
   * @default - only the key's required encryption context
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
   */
  readonly encryptionContext?: { [key: string]: string };
  /**
   * Only through these AWS services, with `kms:ViaService`.
   * @default - directly or through any service
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
   */
  readonly viaServices?: string[];
  /**
   * Further IAM conditions, e.g. `{ StringEquals: { 'aws:SourceVpce': 'vpce-1234' } }`.
   * @default - none
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
   */
  readonly conditions?: { [operator: string]: any };
}

/** Delegation of some capabilities to the account's IAM policies. */
export interface IamDelegation {
  /**
   * What IAM policies in the key's account may grant.
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies.html
   */
  readonly capabilities: KeyCapability[];
  /**
   * Only these principals (role or user ARNs of the key's account), matched with `aws:PrincipalArn`.
   * @default - any principal of the account that an IAM policy allows
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
   */
  readonly principalArns?: string[];
}

export interface GuardedKmsKeyProps {
  /**
   * Who administers the key: every management action including PutKeyPolicy (so the key cannot be locked out), and no
   * cryptographic use. At least one.
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
   */
  readonly administrators: iam.IGrantable[];
  /**
   * The principal CloudFormation creates and updates the key as. KMS rejects CreateKey and PutKeyPolicy unless the new
   * key policy lets this caller call PutKeyPolicy again (the lockout safety check), so the key policy gives it the
   * management actions the `AWS::KMS::Key` and `AWS::KMS::Alias` handlers need, and whatever creating the app's
   * resources encrypted with the key takes through their services; never cryptographic use for itself.
   * @default - the CloudFormation execution role of the stack's `DefaultStackSynthesizer` (the CDK bootstrap's
   *   `cdk-hnb659fds-cfn-exec-role-ACCOUNT-REGION`); other synthesizers deploy with the CLI's credentials, which the app
   *   cannot know, and then this property is required
   * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html#KMS-CreateKey-request-BypassPolicyLockoutSafetyCheck
   */
  readonly deployer?: iam.IGrantable;
  /**
   * Who may use the key, and how.
   * @default - nobody until a grant method is called
   */
  readonly users?: KeyUser[];
  /**
   * Encryption context every request must carry, on the key-policy side and the IAM side alike.
   * @default - none
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#encrypt_context
   */
  readonly requiredEncryptionContext?: { [key: string]: string };
  /**
   * Deny ScheduleKeyDeletion and DisableKey to everyone but `breakGlassPrincipals`.
   * @default true
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-adding-permission.html
   */
  readonly deletionProtection?: boolean;
  /**
   * Principals exempt from deletion protection, who may schedule and cancel the key's deletion and disable and enable it.
   * @default - none: lifting the protection takes a key-policy change by an administrator
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-adding-permission.html
   */
  readonly breakGlassPrincipals?: iam.IGrantable[];
  /**
   * Deny every principal outside this AWS Organization (`o-...`), except AWS services acting as themselves.
   * @default - no organization boundary
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
   */
  readonly organizationId?: string;
  /**
   * Let IAM policies of the key's account grant some capabilities. Off by default: unlike `kms.Key`, the key policy
   * does not hand `kms:*` to the account.
   * @default - no delegation: only the principals named here or through grant methods can use the key
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
   */
  readonly iamDelegation?: IamDelegation;
  /**
   * Refuse a principal that is both an administrator and a user.
   * @default true
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/best-practices.html
   */
  readonly separationOfDuties?: boolean;
  /**
   * Alias name, with or without the `alias/` prefix (a token must include the prefix).
   * @default - `alias/` followed by a name unique to this construct
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html
   */
  readonly alias?: string;
  /**
   * Description of the key.
   * @default - "Guarded by cdk-kms-guard" and the construct path
   */
  readonly description?: string;
  /**
   * Automatic rotation of the key material (symmetric encryption keys only).
   * @default true for symmetric encryption keys
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
   */
  readonly enableKeyRotation?: boolean;
  /**
   * Rotation period, 90 to 2560 days.
   * @default - 365 days
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html#rotation-period
   */
  readonly rotationPeriod?: Duration;
  /**
   * Waiting period before a scheduled deletion, 7 to 30 days.
   * @default - 30 days
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html#deleting-keys-how-it-works
   */
  readonly pendingWindow?: Duration;
  /**
   * What happens to the key when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   * @see https://docs.aws.amazon.com/cdk/v2/guide/resources.html#resources-removal
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Key spec.
   * @default KeySpec.SYMMETRIC_DEFAULT
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-types.html
   */
  readonly keySpec?: kms.KeySpec;
  /**
   * Key usage.
   * @default KeyUsage.ENCRYPT_DECRYPT
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-types.html
   */
  readonly keyUsage?: kms.KeyUsage;
  /**
   * Create a multi-Region primary key.
   * @default false
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
   */
  readonly multiRegion?: boolean;
  /**
   * Check the key with kms-guard's rules when the app is synthesized: the final key policy and the IAM policies that
   * reach the key, after every grant, escape hatch and override. Error findings about this key fail synthesis;
   * warnings are reported as warnings. Acknowledge one with `Validations.of(key).acknowledge({ id, reason })`.
   * @default true
   * @see https://github.com/cdk-kms-guard/cdk-kms-guard/blob/main/docs/rules.md
   */
  readonly validation?: boolean;
}

/**
 * A KMS key whose policy names exactly who may do what.
 *
 * Administrators manage the key and can always update its policy; users get capabilities, each as the least set of
 * actions, with their conditions (encryption context, `kms:ViaService`, principal conditions) on the key-policy side
 * and the IAM side alike. The stack's deployer may manage the key (so CreateKey passes KMS's lockout safety check) and
 * create the app's resources encrypted with it, through their services. AWS services that use the key as themselves
 * (CloudWatch Logs, CloudTrail) are allowed for this account's resources only. No `kms:*` is delegated to the account
 * unless asked for. Deletion protection, rotation and RETAIN are on by default. It is an `IKey`: constructs that call
 * `grant*()`, `grants` or `addToResourcePolicy()` on it get the same guarded treatment.
 */
export class GuardedKmsKey extends kms.Key {
  /**
   * Refused: an imported key's policy is not managed by this app, so it cannot be guarded.
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
   */
  public static fromKeyArn(scope: Construct, id: string, keyArn: string): kms.IKey {
    throw new Error(`${scope.node.path}/${id}: GuardedKmsKey.fromKeyArn would return a key whose policy this app does not manage, `
      + `so nothing about it is guarded (${JSON.stringify(keyArn)}). Use kms.Key.fromKeyArn to say so explicitly (its grants add IAM `
      + 'policies only, which work only if the key policy delegates to IAM), or CrossAccountKeyShare with keyArn to write the key-policy side for its owner.');
  }

  /**
   * Refused: a looked-up key's policy is not managed by this app, so it cannot be guarded.
   * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_kms.Key.html#static-fromwbrlookupscope-id-options
   */
  public static fromLookup(scope: Construct, id: string, options: kms.KeyLookupOptions): kms.IKey {
    throw new Error(`${scope.node.path}/${id}: GuardedKmsKey.fromLookup would return a key whose policy this app does not manage, `
      + `so nothing about it is guarded (${JSON.stringify(options.aliasName)}). Use kms.Key.fromLookup to say so explicitly.`);
  }

  /**
   * Refused: a `CfnKey`'s policy is whatever its template says; wrap it with `kms.Key.fromCfnKey` to say so explicitly.
   * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_kms.Key.html#static-fromwbrcfnwbrkeycfnkey
   */
  public static fromCfnKey(cfnKey: kms.CfnKey): kms.IKey {
    throw new Error(`${cfnKey.node.path}: GuardedKmsKey.fromCfnKey would return a key that is not guarded. Use kms.Key.fromCfnKey to say so explicitly, `
      + 'or create the key as a GuardedKmsKey.');
  }

  /** The alias name, `alias/...`. */
  public readonly aliasName: string;
  /** The encryption context every request must carry. */
  public readonly requiredEncryptionContext: { [key: string]: string };
  /** The ARN of the principal CloudFormation deploys the key as (may hold tokens). */
  public readonly deployerArn: string;

  private readonly composer = new KeyPolicyComposer();
  /** What this key was asked to allow and deny, for KmsGuard-IntentDrift (src/constructs/private/intent-recorder.ts). */
  private readonly intent: IntentRecorder;
  private readonly adminArns: string[] = [];
  private readonly userArns: string[] = [];
  private readonly separationOfDuties: boolean;
  private integrationsAdded = false;

  public constructor(scope: Construct, id: string, props: GuardedKmsKeyProps) {
    super(scope, id, {
      description: props.description ?? 'KMS key guarded by cdk-kms-guard',
      enableKeyRotation: props.enableKeyRotation ?? isSymmetricEncryption(props),
      rotationPeriod: props.rotationPeriod,
      pendingWindow: props.pendingWindow,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      keySpec: props.keySpec,
      keyUsage: props.keyUsage,
      multiRegion: props.multiRegion,
      // An explicit (initially empty) document replaces kms.Key's default `kms:*` delegation to the account. Its
      // statements (only ever added straight to `key.policy`) follow ours in the rendered policy.
      policy: new iam.PolicyDocument(),
    });
    // The key policy is composed at synthesis: grants merge, Sids come from content, and the statements for resources
    // encrypted with the key are known only once the whole app exists.
    const cfnKey = this.node.defaultChild as kms.CfnKey;
    cfnKey.keyPolicy = Lazy.uncachedAny({ produce: (context) => this.renderPolicy(context) });
    // The declared intent goes with the key's resource, rendered at synthesis like the policy (grants come later).
    this.intent = new IntentRecorder(this.stack, new.target.name);
    registerIntentRecorder(this, this.intent);
    cfnKey.addMetadata(INTENT_METADATA_KEY, Lazy.uncachedAny({
      produce: () => {
        this.addServiceIntegrations();
        return this.intent.render();
      },
    }));
    if (props.alias !== undefined && !Token.isUnresolved(props.alias)) {
      const problem = aliasNameProblem(props.alias);
      if (problem !== undefined) throw new Error(`${this.node.path}: alias ${JSON.stringify(props.alias)} ${problem}`);
    }
    this.aliasName = normaliseAlias(props.alias ?? Names.uniqueResourceName(this, { maxLength: 200, separator: '-' }));
    this.addAlias(this.aliasName);
    this.requiredEncryptionContext = { ...(props.requiredEncryptionContext ?? {}) };
    this.separationOfDuties = props.separationOfDuties ?? true;

    if (props.administrators.length === 0) {
      throw new Error(`${this.node.path}: administrators is empty. A key needs at least one administrator who can update its key policy; `
        + 'otherwise the key cannot be managed after deployment. Pass the role that administers the key.');
    }
    for (const admin of props.administrators) this.grantAdmin(admin);

    const destroyedWithStack = props.removalPolicy === RemovalPolicy.DESTROY;
    this.deployerArn = deployerArnOf(this, props.deployer);
    const deployActions = [...PermissionSets.deployKey, ...(destroyedWithStack ? PermissionSets.deleteKey : [])];
    this.composer.add({ Effect: 'Allow', Principal: { AWS: this.deployerArn }, Action: deployActions, Resource: '*' }, { sid: 'KeyDeployment', fixedSid: true });
    this.intent.grant('deploy', { arns: [this.deployerArn] }, deployActions);

    const breakGlass = (props.breakGlassPrincipals ?? []).flatMap((p) => awsPrincipalArns(p, this.node.path, 'breakGlassPrincipals'));
    if (props.deletionProtection ?? true) {
      // CloudFormation schedules the deletion of a key whose removal policy destroys it: its deployer is then exempt.
      const exempt = destroyedWithStack ? [...breakGlass, this.deployerArn] : breakGlass;
      const protection = deletionProtectionStatement(exempt.map((a) => principalArnForCondition(this, a, 'breakGlassPrincipals')));
      this.addFixed('DenyKeyDeletionExceptBreakGlass', protection);
      this.intent.deny('deletion-protection', toList(protection.Action), exempt);
      for (const principal of props.breakGlassPrincipals ?? []) {
        const arns = awsPrincipalArns(principal, this.node.path, 'breakGlassPrincipals');
        const reached = this.allowPrincipals({ AWS: arns }, [...PermissionSets.breakGlass], undefined, undefined, 'BreakGlass', 'breakGlassPrincipals', 'break-glass');
        // Reached through the account principal (another stack of the app), it needs the same actions in its IAM policy.
        if (reached.throughAccount) {
          iam.Grant.addToPrincipal({ grantee: principal, actions: [...PermissionSets.breakGlass], resourceArns: [this.keyArn] });
        }
      }
    } else if (breakGlass.length > 0) {
      throw new Error(`${this.node.path}: breakGlassPrincipals is set but deletionProtection is false: break-glass principals are the exception to deletion protection`);
    }
    if (props.organizationId !== undefined) {
      if (!Token.isUnresolved(props.organizationId) && !/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
        throw new Error(`${this.node.path}: organizationId ${JSON.stringify(props.organizationId)} is not an AWS Organizations id: expected "o-" and 10 to 32 lower-case letters or digits`);
      }
      this.addFixed('DenyPrincipalsOutsideOrganization', organizationBoundaryStatement(props.organizationId));
    }
    if (props.iamDelegation) this.addIamDelegation(props.iamDelegation);
    (props.users ?? []).forEach((user, i) => {
      try {
        this.grantCapabilities(user.grantee, user.capabilities, { encryptionContext: user.encryptionContext, viaServices: user.viaServices });
      } catch (e) {
        // The grant's own message names the grantee; say which prop entry it came from.
        const message = (e as Error).message;
        const prefix = `${this.node.path}: `;
        throw new Error(`${prefix}users[${i}]: ${message.startsWith(prefix) ? message.slice(prefix.length) : message}`);
      }
    });
    this.node.addValidation({ validate: () => this.validateDeployability() });
    // kms-guard's rules over the final templates, reporting this key's findings (src/validation/self-validation.ts).
    if (props.validation ?? true) addSelfValidation(this, () => ({ keys: [this] }));
  }

  /**
   * Grants capabilities with conditions, on the key-policy side and the IAM side alike.
   *
   * Principals in the key's stack, given by literal ARN, or account principals are named in the key policy. A principal
   * of another stack or account of the app, which may not exist yet when KMS reads the key policy (and whose ARN would
   * make the key's stack depend on its stack), is reached through the account principal narrowed to it by
   * `aws:PrincipalArn` (when its name is known) or by a tag this method puts on it, plus an IAM policy on the principal
   * scoped to this key. `GRANT_FOR_AWS_RESOURCE` is conditioned on `kms:GrantIsForAWSResource`.
   */
  public grantCapabilities(grantee: iam.IGrantable, capabilities: KeyCapability[], options: GuardedGrantOptions = {}): iam.Grant {
    if (capabilities.length === 0) throw new Error(`${this.node.path}: grantCapabilities needs at least one capability`);
    const forAwsResource = capabilities.filter((c) => c === KeyCapability.GRANT_FOR_AWS_RESOURCE);
    const others = capabilities.filter((c) => c !== KeyCapability.GRANT_FOR_AWS_RESOURCE);
    let grant: iam.Grant | undefined;
    if (others.length > 0) grant = this.grantActions(grantee, capabilityActions(others as string[] as CapabilityName[]), options);
    if (forAwsResource.length > 0) {
      const conditions = mergeOrThrow(this.node.path, options.conditions as ConditionJson | undefined, GRANT_IS_FOR_AWS_RESOURCE);
      const g = this.grantActions(grantee, [...PermissionSets.grantManagement], { ...options, conditions });
      grant = grant ? grant.combine(g) : g;
    }
    return grant!;
  }

  /**
   * Grants actions (wildcards are expanded against the KMS actions known today, so the grant never grows by itself).
   * Called by constructs that use this key through the `IKey` interface. Grant management (`CreateGrant`, `ListGrants`,
   * `RevokeGrant`) is allowed only for AWS resources (`kms:GrantIsForAWSResource`): that is what aws-cdk-lib asks it
   * for (`ec2.Volume.grantAttachVolume` conditions only its IAM side), and an unconditioned CreateGrant would let the
   * grantee hand the key to anyone.
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    const expanded = expandActions(actions, this.node.path);
    const management = expanded.filter((a) => PermissionSets.grantManagement.includes(a as never));
    const others = expanded.filter((a) => !management.includes(a));
    let grant: iam.Grant | undefined;
    if (others.length > 0) grant = this.grantActions(grantee, others, {});
    if (management.length > 0) {
      const g = this.grantActions(grantee, management, { conditions: GRANT_IS_FOR_AWS_RESOURCE });
      grant = grant ? grant.combine(g) : g;
    }
    return grant!;
  }

  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantCapabilities(grantee, [KeyCapability.DECRYPT]);
  }

  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantCapabilities(grantee, [KeyCapability.ENCRYPT]);
  }

  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantCapabilities(grantee, [KeyCapability.ENCRYPT_DECRYPT]);
  }

  public grantSign(grantee: iam.IGrantable): iam.Grant {
    return this.grantCapabilities(grantee, [KeyCapability.SIGN]);
  }

  public grantVerify(grantee: iam.IGrantable): iam.Grant {
    return this.grantCapabilities(grantee, [KeyCapability.VERIFY]);
  }

  public grantSignVerify(grantee: iam.IGrantable): iam.Grant {
    return this.grantCapabilities(grantee, [KeyCapability.SIGN_VERIFY]);
  }

  public grantGenerateMac(grantee: iam.IGrantable): iam.Grant {
    return this.grantCapabilities(grantee, [KeyCapability.GENERATE_MAC]);
  }

  public grantVerifyMac(grantee: iam.IGrantable): iam.Grant {
    return this.grantCapabilities(grantee, [KeyCapability.VERIFY_MAC]);
  }

  /**
   * aws-cdk-lib's grant collection for this key, routed to the guarded grant methods: `key.grants.decrypt(x)` is
   * `key.grantDecrypt(x)`. (The default one trusts the account's IAM policies, which this key does not delegate to,
   * so its grants would silently not work.)
   */
  public get grants(): kms.KeyGrants {
    const grants = kms.KeyGrants.fromKey(this, false);
    return Object.assign(grants, {
      actions: (grantee: iam.IGrantable, ...actions: string[]) => this.grant(grantee, ...actions),
      admin: (grantee: iam.IGrantable) => this.grantAdmin(grantee),
      decrypt: (grantee: iam.IGrantable) => this.grantDecrypt(grantee),
      encrypt: (grantee: iam.IGrantable) => this.grantEncrypt(grantee),
      encryptDecrypt: (grantee: iam.IGrantable) => this.grantEncryptDecrypt(grantee),
      sign: (grantee: iam.IGrantable) => this.grantSign(grantee),
      verify: (grantee: iam.IGrantable) => this.grantVerify(grantee),
      signVerify: (grantee: iam.IGrantable) => this.grantSignVerify(grantee),
      generateMac: (grantee: iam.IGrantable) => this.grantGenerateMac(grantee),
      verifyMac: (grantee: iam.IGrantable) => this.grantVerifyMac(grantee),
    });
  }

  /** Adds an administrator: key management including PutKeyPolicy, never cryptographic use. */
  public grantAdmin(grantee: iam.IGrantable): iam.Grant {
    const arns = awsPrincipalArns(grantee, this.node.path, 'administrators').filter((a) => !this.adminArns.includes(a));
    for (const arn of arns) {
      if (this.separationOfDuties && this.userArns.includes(arn)) throw separationError(this.node.path, this.describe(arn));
      this.adminArns.push(arn);
    }
    const admin = administratorStatement(arns);
    const reached = this.allowPrincipals(admin.Principal as PrincipalJson, toList(admin.Action), undefined, undefined, 'KeyAdministration', 'administrators', 'administer');
    // Administrators named in the key policy need nothing else; one reached through the account principal also needs
    // the same actions in its IAM policy.
    if (!reached.throughAccount) return iam.Grant.drop(grantee, 'administrators are named in the key policy; no IAM policy is needed');
    return iam.Grant.addToPrincipal({ grantee, actions: toList(admin.Action), resourceArns: [this.keyArn] });
  }

  /**
   * Adds a statement to the key policy. Allow statements get the same treatment as grants: principals are reached
   * without dependency cycles or references to principals that may not exist yet, the required encryption context
   * applies, and AWS service principals are kept to this account's resources. Deny statements are added as given.
   * Either way the statement is declared intent (KmsGuard-IntentDrift), as the key writes it: this is the key's own
   * public API, which aws-cdk-lib constructs given the key call too (S3 notifications to an encrypted queue, EventBridge).
   */
  public addToResourcePolicy(statement: iam.PolicyStatement, _allowNoOp?: boolean): iam.AddToResourcePolicyResult {
    const json = statement.toStatementJson() as StatementJson & { NotPrincipal?: unknown; NotAction?: unknown; NotResource?: unknown };
    const where = `a statement${json.Sid ? ` (Sid ${JSON.stringify(json.Sid)})` : ''} added to the key policy`;
    if (json.NotPrincipal !== undefined || json.NotAction !== undefined || json.NotResource !== undefined || json.Principal === undefined) {
      throw new Error(`${this.node.path}: ${where} uses NotPrincipal, NotAction or NotResource, or has no Principal: a GuardedKmsKey accepts `
        + 'statements with Principal, Action and Resource "*" only. Name the principals and actions explicitly.');
    }
    const principal: PrincipalJson = json.Principal === '*' ? { AWS: '*' } : json.Principal;
    if (json.Effect === 'Deny') {
      this.composer.add(json, json.Sid ? { sid: json.Sid, fixedSid: true } : { sid: 'Deny' });
      const everyone = toList(principal.AWS).includes('*');
      this.intent.deny('resource-policy', toList(json.Action), [], {
        ...(everyone ? {} : { principalArns: toList(principal.AWS), services: toList(principal.Service) }),
        ...(json.Condition !== undefined ? { conditions: json.Condition } : {}),
      });
    } else {
      // The key's required context applies to every Allow, unless the statement already requires it (a share does).
      const context = requiresContext(json.Condition, this.requiredEncryptionContext) ? undefined : this.mergedContext(undefined);
      this.allowPrincipals(principal, toList(json.Action), json.Condition, context, json.Sid ?? 'Allow', where, this.intent.resourcePolicyPurpose);
    }
    return { statementAdded: true, policyDependable: this };
  }

  private grantActions(grantee: iam.IGrantable, actions: string[], options: GuardedGrantOptions): iam.Grant {
    const principal = grantee.grantPrincipal;
    const fragment = principal.policyFragment;
    const conditions = mergeOrThrow(this.node.path,
      fragment.conditions as ConditionJson,
      options.conditions as ConditionJson | undefined,
      viaServiceCondition(options.viaServices ?? [], this.stack.region),
    );
    const encryptionContext = this.mergedContext(options.encryptionContext);
    this.checkContextAgreesWithServices(options.viaServices ?? [], this.describeGrantee(grantee));
    const services = toList(fragment.principalJson.Service);
    if (services.length > 0) {
      // AWS service principals have no IAM policies: the key policy alone allows them (key-policy-services.md).
      this.allowPrincipals({ Service: services }, actions, conditions, encryptionContext, 'Use', 'grantee', 'use');
      return iam.Grant.drop(grantee, 'service principals are named in the key policy');
    }
    const arns = awsPrincipalArns(grantee, this.node.path, 'grantee');
    for (const arn of arns) {
      if (this.separationOfDuties && this.adminArns.includes(arn) && beyondAdministration(actions).length > 0) {
        throw separationError(this.node.path, this.describe(arn));
      }
      if (!this.userArns.includes(arn)) this.userArns.push(arn);
    }
    const relation = accountRelation(principal, arns, this.stack);
    const notShareable = relation === 'same' ? [] : notShareableActions(actions);
    if (relation !== 'same' && notShareable.length > 0) {
      throw new Error(notShareableGrantMessage(this.node.path, relation, this.describeGrantee(grantee), notShareable));
    }
    const reach = this.allowPrincipals({ AWS: arns }, actions, conditions, encryptionContext, 'Use', 'grantee', 'use');

    // The IAM side mirrors the key-policy side: same actions, same conditions, scoped to this key.
    const keyRef: KeyReference = reach.otherEnvironment || relation === 'other' ? this.crossEnvironmentReference() : { kind: 'arn', keyArn: this.keyArn };
    let grant: iam.Grant | undefined;
    const holder = policyHolderOf(grantee, arns);
    for (const s of identityStatements({ sid: 'Use', key: keyRef, actions, conditions, encryptionContext })) {
      const g = iam.Grant.addToPrincipal({ grantee: holder, actions: toList(s.Action), resourceArns: toList(s.Resource), conditions: s.Condition });
      grant = grant ? grant.combine(g) : g;
    }
    if (reach.throughAccount && !grant?.success) {
      throw new Error(`${this.node.path}: ${this.describeGrantee(grantee)} is reached through its account's IAM policies (it lives in another stack `
        + 'or account of the app), but it takes no IAM policy. Import it by a literal ARN, or grant it in its own stack.');
    }
    return grant ?? iam.Grant.drop(grantee, 'no identity policy could be attached');
  }

  /**
   * Adds Allow statements for principals, reaching each one in a way KMS accepts when it reads the policy and that
   * creates no dependency cycle, and records them as declared intent under `purpose`, with the conditions actually
   * written (a service's guard included; how a principal is reached is left out by the recorder). Returns how they
   * were reached.
   */
  private allowPrincipals(
    principal: PrincipalJson,
    actions: readonly string[],
    conditions: ConditionJson | undefined,
    encryptionContext: Record<string, string> | undefined,
    sid: string,
    field: string,
    purpose: IntentPurpose,
  ): { throughAccount: boolean; otherEnvironment: boolean } {
    const result = { throughAccount: false, otherEnvironment: false };
    const fixedSid = !['Use', 'Allow'].includes(sid);
    const add = (target: Parameters<typeof usageStatements>[0]['target'], narrowing?: { operator: string; key: string; values: string[] }): void => {
      for (const s of usageStatements({ sid, target, actions, conditions, encryptionContext })) {
        if (narrowing) this.composer.addNarrowed(s, narrowing, { sid: fixedSid ? `${s.Sid}ThroughAccount` : s.Sid!, fixedSid });
        else this.composer.add(s, { sid: s.Sid!, fixedSid });
      }
    };
    const services = toList(principal.Service);
    if (services.length > 0) {
      // A condition on another stack's resource (aws:SourceArn = a bucket of the stack that uses the key) would make
      // the key's stack depend on that stack, which depends on the key: a cycle. It gives way to the account guard.
      const local = this.withoutOtherStacks(conditions, field);
      for (const service of services) {
        const guard = hasConfusedDeputyGuard(local) ? undefined : serviceGuard(service, SERVICE_INTEGRATIONS, this.environment);
        const guarded = mergeOrThrow(this.node.path, local, guard);
        for (const s of usageStatements({ sid, target: { kind: 'named', principal: { Service: service } }, actions, conditions: guarded, encryptionContext })) {
          this.composer.add(s, { sid: s.Sid!, fixedSid });
        }
        // Declared as written, with the guard the key added and without a condition it left out: the intent holds what
        // the key policy enforces, or the drift check would report the key's own transformation as drift.
        this.intent.grant(purpose, { services: [service] }, actions, guarded, encryptionContext);
      }
    }
    const named: string[] = [];
    const byArn = new Map<string, { partition: string; values: string[] }>();
    const byTag = new Map<string, { tagKey: string; values: string[] }>();
    for (const arn of toList(principal.AWS)) {
      const reach = reachOf(this, arn, field);
      if (reach.kind === 'named') {
        named.push(arn);
      } else if (reach.kind === 'arn') {
        const entry = byArn.get(reach.account) ?? { partition: reach.partition, values: [] };
        entry.values.push(reach.principalArn);
        byArn.set(reach.account, entry);
        result.throughAccount = true;
        result.otherEnvironment ||= reach.otherEnvironment;
      } else {
        const entry = byTag.get(reach.account) ?? { tagKey: reach.tagKey, values: [] };
        entry.values.push(reach.tagValue);
        byTag.set(reach.account, entry);
        result.throughAccount = true;
      }
    }
    if (named.length > 0) add({ kind: 'named', principal: { AWS: named } });
    this.intent.grant(purpose, { arns: toList(principal.AWS) }, actions, conditions, encryptionContext);
    this.remarkAccountDelegations(named, actions, conditions);
    for (const [account, { partition, values }] of byArn) {
      add({ kind: 'delegated', account, partition, narrowing: {} }, { operator: 'ArnEquals', key: 'aws:PrincipalArn', values });
    }
    for (const [account, { tagKey, values }] of byTag) {
      add({ kind: 'delegated', account, partition: this.stack.partition, narrowing: {} }, { operator: 'StringEquals', key: `aws:PrincipalTag/${tagKey}`, values });
    }
    return result;
  }

  /** The conditions without those whose values refer to resources of other stacks (each dropped one noted). */
  private withoutOtherStacks(conditions: ConditionJson | undefined, field: string): ConditionJson | undefined {
    if (!conditions) return undefined;
    const out: ConditionJson = {};
    for (const [operator, block] of Object.entries(conditions)) {
      for (const [key, value] of Object.entries(block)) {
        const foreign = toList(value).flatMap((v) => (Token.isUnresolved(v) ? referencedResources(v) : [])).filter((r) => Stack.of(r) !== this.stack);
        if (foreign.length > 0) {
          Annotations.of(this).addInfo(`${field}: the condition ${operator} ${key} on ${foreign.map((r) => r.node.path).join(', ')} is left out of the key `
            + 'policy (it would make the key\'s stack depend on a stack that depends on the key); the account guard stands in for it');
          continue;
        }
        (out[operator] ??= {})[key] = value;
      }
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  /**
   * An account principal in a key-policy Allow hands the actions to every principal of that account whose IAM policies
   * allow them. aws-cdk-lib's `secretsmanager.Secret` and `ec2.Volume` add such statements (through their service) by
   * themselves; they are kept, since removing them could break those constructs, but never silently.
   */
  private remarkAccountDelegations(arns: readonly string[], actions: readonly string[], conditions: ConditionJson | undefined): void {
    // Narrowed to named principals (a share's aws:PrincipalArn), the statement is no account-wide delegation.
    const narrowed = Object.values(conditions ?? {}).some((block) => Object.keys(block).some((k) => /^aws:(PrincipalArn|PrincipalTag\/|userid$)/i.test(k)));
    const accounts = narrowed ? [] : arns.map((a) => accountOfRoot(this.stack.resolve(a))).filter((a): a is string => a !== undefined);
    if (accounts.length === 0) return;
    const via = toList(conditions?.StringEquals?.['kms:ViaService']);
    const through = via.length > 0 ? ` through ${via.map((v) => this.stack.resolve(v)).join(', ')}` : '';
    Annotations.of(this).addWarningV2('cdk-kms-guard:account-delegation',
      `the key policy lets any principal of account ${accounts.map((a) => JSON.stringify(a)).join(', ')} `
      + `whose IAM policies allow it use ${actions.join(', ')}${through} (an account principal delegates to IAM; aws-cdk-lib's Secret and `
      + 'ec2.Volume add this for their service). Grant the principals that need the key instead, or acknowledge this warning.');
  }

  /** The key as seen from another account or Region: by owner account, Region and alias (its ID is known only after deployment). */
  private crossEnvironmentReference(): KeyReference {
    const { account, region } = this.stack;
    if (Token.isUnresolved(account) || Token.isUnresolved(region)) {
      throw new Error(`${this.node.path}: sharing a key with another account or Region needs the key's stack to have an explicit env (account and region): `
        + 'the other side must name the owner account and Region in its IAM policy.');
    }
    return { kind: 'alias', partition: partitionOfStack(this.stack), region, account, aliasName: this.aliasName };
  }

  private addIamDelegation(delegation: IamDelegation): void {
    if (delegation.capabilities.length === 0) throw new Error(`${this.node.path}: iamDelegation.capabilities is empty`);
    const narrowing: ConditionJson | undefined = delegation.principalArns?.length
      ? { ArnEquals: { 'aws:PrincipalArn': [...delegation.principalArns] } }
      : undefined;
    for (const s of usageStatements({
      sid: 'DelegateToIam',
      target: { kind: 'named', principal: { AWS: `arn:${this.stack.partition}:iam::${this.stack.account}:root` } },
      actions: capabilityActions(delegation.capabilities as string[] as CapabilityName[]),
      conditions: narrowing,
      encryptionContext: this.mergedContext(undefined),
    })) this.addFixed(s.Sid!, s);
    // Narrowed to principalArns, the delegation is meant for those principals only; otherwise for the whole account.
    const delegatedTo = delegation.principalArns?.length ? [...delegation.principalArns] : [`arn:${this.stack.partition}:iam::${this.stack.account}:root`];
    this.intent.grant('iam-delegation', { arns: delegatedTo }, capabilityActions(delegation.capabilities as string[] as CapabilityName[]), undefined, this.mergedContext(undefined));
  }

  /** The statements for the app's resources encrypted with this key (src/builders/service-statements.ts). */
  private addServiceIntegrations(): void {
    if (this.integrationsAdded) return;
    this.integrationsAdded = true;
    const integrations = [...new Set(resourcesEncryptedWith(this).map((u) => u.integration))];
    for (const { sid, statement } of serviceIntegrationStatements(this.deployerArn, integrations, this.environment)) {
      this.composer.add(statement, { sid });
      const principal = statement.Principal as PrincipalJson;
      this.intent.grant('service-integration', { arns: toList(principal.AWS), services: toList(principal.Service) }, toList(statement.Action), statement.Condition);
    }
  }

  private get environment(): KeyEnvironment {
    return { partition: this.stack.partition, region: this.stack.region, account: this.stack.account };
  }

  private renderPolicy(context: IResolveContext): unknown {
    this.addServiceIntegrations();
    const statements: unknown[] = this.composer.render((value) => context.resolve(value));
    // Statements added straight to `key.policy` (an escape hatch) come after the composed ones, as given.
    const extra = (this.policy?.toJSON() as { Statement?: unknown[] } | undefined)?.Statement ?? [];
    return { Version: '2012-10-17', Statement: [...statements, ...extra] };
  }

  /** Synthesis fails before deployment would: a required context no service can send, a key policy over 32 KB. */
  private validateDeployability(): string[] {
    const errors: string[] = [];
    // Only a required encryption context can keep a service from using the key: without one (most keys), the app's
    // resources are not searched, which costs a walk of the whole construct tree per key (encrypted-resources.ts).
    if (Object.keys(this.requiredEncryptionContext).length > 0) {
      for (const use of resourcesEncryptedWith(this)) {
        const problem = this.contextProblem(use.integration);
        if (problem) errors.push(`${use.resource.node.path} (${use.integration.resourceType}) is encrypted with this key, but ${problem}`);
      }
    }
    const policy = this.stack.resolve((this.node.defaultChild as kms.CfnKey).keyPolicy);
    const size = estimatePolicySize(policy);
    if (size.bytes > KEY_POLICY_MAX_BYTES) {
      const largest = [...size.statements].sort((a, b) => b.bytes - a.bytes).slice(0, 5).map((s) => `${s.sid} (${s.bytes} bytes)`).join(', ');
      errors.push(`the key policy would be about ${size.bytes} bytes (${size.statements.length} statements), over KMS's limit of ${KEY_POLICY_MAX_BYTES} `
        + `bytes, so CreateKey/PutKeyPolicy would fail. Largest statements: ${largest}. Grant capabilities to fewer distinct principals `
        + '(a shared role, or iamDelegation narrowed by aws:PrincipalArn), or split the data over more keys.');
    }
    return errors;
  }

  /** Fails a grant through services that cannot send the key's required encryption context. */
  private checkContextAgreesWithServices(viaServices: readonly string[], grantee: string): void {
    for (const via of viaServices) {
      const short = via.split('.')[0];
      const integration = SERVICE_INTEGRATIONS.find((i) => i.service === short);
      const problem = integration ? this.contextProblem(integration) : undefined;
      if (problem) throw new Error(`${this.node.path}: the grant to ${grantee} through ${via} can never be used: ${problem}`);
    }
  }

  private contextProblem(integration: ServiceIntegration): string | undefined {
    return serviceContextProblem(Object.keys(this.requiredEncryptionContext), integration);
  }

  private mergedContext(extra: { [key: string]: string } | undefined): { [key: string]: string } | undefined {
    const { merged, conflict } = mergeEncryptionContext(this.requiredEncryptionContext, extra);
    if (conflict) {
      throw new Error(`${this.node.path}: encryption context "${conflict.key}" is required to be ${JSON.stringify(conflict.required)} by the key `
        + `and ${JSON.stringify(conflict.given)} by the grant`);
    }
    return merged;
  }

  private addFixed(sid: string, statement: StatementJson): void {
    this.composer.add(statement, { sid, fixedSid: true });
  }

  /** A principal ARN for messages: the construct path of what it refers to, or the literal text. */
  private describe(arn: string): string {
    if (!Token.isUnresolved(arn)) return arn;
    const targets = referencedResources(arn);
    return targets.length > 0 ? targets.map((t) => t.node.path).join(', ') : 'a principal whose ARN is only known at deploy time';
  }

  private describeGrantee(grantee: iam.IGrantable): string {
    if (Construct.isConstruct(grantee)) return grantee.node.path;
    const arns = toList(grantee.grantPrincipal.policyFragment.principalJson.AWS);
    return arns.length > 0 ? arns.map((a) => this.describe(a)).join(', ') : JSON.stringify(grantee.grantPrincipal.policyFragment.principalJson);
  }
}

type PrincipalJson = Record<string, string | string[]>;

/**
 * The account of an account principal in its synthesized form (`arn:...:iam::ACCOUNT:root`, or a join ending in
 * `:iam::ACCOUNT:root`, or the bare id); undefined for any other principal. `AWS::AccountId` reads as "this account".
 */
function accountOfRoot(resolved: unknown): string | undefined {
  if (typeof resolved === 'string') return isAccountId(resolved) ? resolved : /:iam::(\d{12}):root$/.exec(resolved)?.[1];
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!Array.isArray(join) || !Array.isArray(join[1])) return undefined;
  const parts = join[1];
  const last = parts[parts.length - 1];
  if (typeof last !== 'string' || !/:root$/.test(last)) return undefined;
  return /:iam::(\d{12}):root$/.exec(last)?.[1] ?? 'of this stack (AWS::AccountId)';
}

function requiresContext(conditions: ConditionJson | undefined, context: Record<string, string>): boolean {
  return Object.keys(context).every((k) => conditions?.StringEquals?.[`kms:EncryptionContext:${k}`] === context[k]);
}

function mergeOrThrow(path: string, ...blocks: Array<ConditionJson | undefined>): ConditionJson | undefined {
  return mergeConditionsAt(path, 'contradictory conditions for one grant', blocks);
}

function separationError(path: string, principal: string): Error {
  return new Error(separationOfDutiesMessage(path, principal));
}

/** The AWS principal ARNs of a grantee; services and federated principals are not AWS principals. */
function awsPrincipalArns(grantee: iam.IGrantable, path: string, field: string): string[] {
  const json = grantee.grantPrincipal.policyFragment.principalJson;
  const arns = toList(json.AWS);
  const where = Construct.isConstruct(grantee) ? ` (${grantee.node.path})` : '';
  if (arns.length === 0) {
    throw new Error(`${path}: ${field}${where} must be an IAM role, user or account principal, got ${JSON.stringify(json)}`);
  }
  for (const arn of arns) {
    if (!Token.isUnresolved(arn) && arn !== '*' && (arn.includes('*') || arn.includes('?'))) {
      throw new Error(`${path}: ${field}${where} has the principal ARN ${arn} with a wildcard, which IAM rejects: name the principal exactly`);
    }
    if (arn === '*') throw new Error(`${path}: ${field}${where} is "*" (everyone): name the principals instead`);
  }
  return arns;
}

function expandActions(actions: string[], path: string): string[] {
  const out = new Set<string>();
  for (const action of actions) {
    const wildcard = /[*?]/.test(action);
    const matches = ALL_KMS_ACTIONS.filter((a) => wildcardMatch(action, a, true));
    if (matches.length === 0 || (!wildcard && !canonicalAction(action))) {
      throw new Error(`${path}: grant() was asked for ${JSON.stringify(action)}, which is not a KMS action`);
    }
    // A pattern stands for what it can do on this key: the actions a key policy authorizes. IAM-only actions
    // (CreateKey, ListAliases) and the internal SynchronizeMultiRegionKey have no effect in a key policy
    // (kms-api-permissions-reference.md, "Policy type"; KmsGuard-InvalidAction reports them there).
    for (const m of matches) if (!wildcard || actionFacts(m)?.policyType === 'key-policy') out.add(m);
  }
  return [...out];
}

function normaliseAlias(alias: string): string {
  // A token (e.g. a parameter) is passed through as given: its value is only known at deploy time.
  if (Token.isUnresolved(alias)) return alias;
  const name = alias.startsWith('alias/') ? alias : `alias/${alias}`;
  return name.replace(/[^a-zA-Z0-9/_-]/g, '-').slice(0, 256);
}

function isSymmetricEncryption(props: GuardedKmsKeyProps): boolean {
  return (props.keySpec ?? kms.KeySpec.SYMMETRIC_DEFAULT) === kms.KeySpec.SYMMETRIC_DEFAULT
    && (props.keyUsage ?? kms.KeyUsage.ENCRYPT_DECRYPT) === kms.KeyUsage.ENCRYPT_DECRYPT;
}

function toList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as string[];
}

