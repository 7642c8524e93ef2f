import { Duration, Names, RemovalPolicy, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KeyCapability } from './key-capability';
import { CapabilityName, capabilityActions } from '../builders/capabilities';
import { KeyReference, identityStatements } from '../builders/identity-statements';
import {
  PrincipalTarget,
  administratorStatement,
  deletionProtectionStatement,
  organizationBoundaryStatement,
  usageStatements,
  viaServiceCondition,
} from '../builders/key-policy-statements';
import { ConditionJson, StatementJson, mergeConditions } from '../builders/policy-json';
import { isAccountId, parseArn } from '../policy/arn';
import { ALL_KMS_ACTIONS, CROSS_ACCOUNT_ACTIONS, PermissionSets, canonicalAction } from '../policy/catalogue';
import { wildcardMatch } from '../policy/wildcard';
import { stableHash } from './private/stable-hash';

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
   * Principals exempt from deletion protection.
   * @default - none: lifting the protection takes a key-policy change by an administrator
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
   * Alias name, with or without the `alias/` prefix.
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
}

/**
 * A KMS key whose policy names exactly who may do what.
 *
 * Administrators manage the key and can always update its policy; users get capabilities, each as the least set of
 * actions, with their conditions (encryption context, `kms:ViaService`, principal conditions) on the key-policy side
 * and the IAM side alike. No `kms:*` is delegated to the account unless asked for. Deletion protection, rotation and
 * RETAIN are on by default. It is an `IKey`: constructs that call `grant*()` on it get the same guarded treatment.
 */
export class GuardedKmsKey extends kms.Key {
  /** The alias name, `alias/...`. */
  public readonly aliasName: string;
  /** The encryption context every request must carry. */
  public readonly requiredEncryptionContext: { [key: string]: string };

  private readonly adminArns: string[] = [];
  private adminStatement?: iam.PolicyStatement;
  private readonly userArns: string[] = [];
  private readonly separationOfDuties: boolean;
  private statementCounter = 0;

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
      // An explicit (initially empty) document replaces kms.Key's default `kms:*` delegation to the account.
      policy: new iam.PolicyDocument(),
    });
    this.aliasName = normaliseAlias(props.alias ?? Names.uniqueResourceName(this, { maxLength: 200, separator: '-' }));
    this.addAlias(this.aliasName);
    this.requiredEncryptionContext = { ...(props.requiredEncryptionContext ?? {}) };
    this.separationOfDuties = props.separationOfDuties ?? true;

    if (props.administrators.length === 0) {
      throw new Error(`${this.node.path}: administrators is empty. A key needs at least one administrator who can update its key policy; `
        + 'otherwise the key cannot be managed after deployment. Pass the role that administers the key.');
    }
    for (const admin of props.administrators) this.grantAdmin(admin);

    if (props.deletionProtection ?? true) {
      const breakGlass = (props.breakGlassPrincipals ?? []).flatMap((p) => awsPrincipalArns(p, this.node.path, 'breakGlassPrincipals'));
      this.addStatement(deletionProtectionStatement(breakGlass));
    } else if (props.breakGlassPrincipals?.length) {
      throw new Error(`${this.node.path}: breakGlassPrincipals is set but deletionProtection is false: break-glass principals are the exception to deletion protection`);
    }
    if (props.organizationId !== undefined) {
      if (!Token.isUnresolved(props.organizationId) && !/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
        throw new Error(`${this.node.path}: organizationId ${JSON.stringify(props.organizationId)} is not an AWS Organizations id: expected "o-" and 10 to 32 lower-case letters or digits`);
      }
      this.addStatement(organizationBoundaryStatement(props.organizationId));
    }
    if (props.iamDelegation) this.addIamDelegation(props.iamDelegation);
    for (const user of props.users ?? []) {
      this.grantCapabilities(user.grantee, user.capabilities, { encryptionContext: user.encryptionContext, viaServices: user.viaServices });
    }
  }

  /**
   * Grants capabilities with conditions, on the key-policy side and the IAM side alike.
   *
   * Principals in the key's stack, given by literal ARN, or in another account or Region are named in the key policy.
   * A principal in another stack of the same account and Region, whose ARN would make the key's stack depend on it
   * (a dependency cycle as soon as that stack uses the key), is reached instead through a delegation statement
   * narrowed to a tag that this method puts on the principal, plus an IAM policy on the principal scoped to this key.
   */
  public grantCapabilities(grantee: iam.IGrantable, capabilities: KeyCapability[], options: GuardedGrantOptions = {}): iam.Grant {
    if (capabilities.length === 0) throw new Error(`${this.node.path}: grantCapabilities needs at least one capability`);
    return this.grantActions(grantee, capabilityActions(capabilities as string[] as CapabilityName[]), options);
  }

  /**
   * Grants actions (wildcards are expanded against the KMS actions known today, so the grant never grows by itself).
   * Called by constructs that use this key through the `IKey` interface.
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return this.grantActions(grantee, expandActions(actions, this.node.path), {});
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

  /** Adds an administrator: key management including PutKeyPolicy, never cryptographic use. */
  public grantAdmin(grantee: iam.IGrantable): iam.Grant {
    const arns = awsPrincipalArns(grantee, this.node.path, 'administrators').filter((a) => !this.adminArns.includes(a));
    for (const arn of arns) {
      if (this.separationOfDuties && this.userArns.includes(arn)) throw separationError(this.node.path, arn);
      this.adminArns.push(arn);
    }
    if (!this.adminStatement) {
      // One statement whose principal list grows as administrators are added.
      this.adminStatement = iam.PolicyStatement.fromJson(administratorStatement(arns));
      this.addToResourcePolicy(this.adminStatement);
    } else {
      for (const arn of arns) this.adminStatement.addArnPrincipal(arn);
    }
    return iam.Grant.drop(grantee, 'administrators are named in the key policy; no IAM policy is needed');
  }

  private grantActions(grantee: iam.IGrantable, actions: string[], options: GuardedGrantOptions): iam.Grant {
    const principal = grantee.grantPrincipal;
    const fragment = principal.policyFragment;
    const region = this.stack.region;
    const conditions = this.mergeOrThrow(
      fragment.conditions as ConditionJson,
      options.conditions as ConditionJson | undefined,
      viaServiceCondition(options.viaServices ?? [], region),
    );
    const encryptionContext = this.mergedContext(options.encryptionContext);
    const sid = `Use${++this.statementCounter}`;
    const services = toList(fragment.principalJson.Service);
    if (services.length > 0) {
      // AWS service principals have no IAM policies: the key policy alone allows them (key-policy-services.md).
      this.addStatements(usageStatements({ sid, target: { kind: 'named', principal: { Service: services } }, actions, conditions, encryptionContext }));
      return iam.Grant.drop(grantee, 'service principals are named in the key policy');
    }
    const arns = awsPrincipalArns(grantee, this.node.path, 'grantee');
    for (const arn of arns) {
      if (this.separationOfDuties && this.adminArns.includes(arn) && actions.some((a) => !PermissionSets.administer.includes(a as never))) {
        throw separationError(this.node.path, arn);
      }
      if (!this.userArns.includes(arn)) this.userArns.push(arn);
    }

    const placement = this.placementOf(principal);
    const notShareable = placement === 'other-account' ? actions.filter((a) => !CROSS_ACCOUNT_ACTIONS.includes(a)) : [];
    if (notShareable.length > 0) {
      throw new Error(`${this.node.path}: ${notShareable.join(', ')} cannot be used from another account (KMS ignores such permissions). `
        + 'Grant only cryptographic operations, DescribeKey, GetPublicKey or grant operations across accounts.');
    }

    let target: PrincipalTarget;
    if (placement === 'other-stack-token') {
      target = { kind: 'delegated', account: this.stack.account, partition: this.stack.partition, narrowing: this.tagNarrowing(principal) };
    } else {
      target = { kind: 'named', principal: { AWS: arns } };
    }
    this.addStatements(usageStatements({ sid, target, actions, conditions, encryptionContext }));

    // The IAM side mirrors the key-policy side: same actions, same conditions, scoped to this key.
    const keyRef: KeyReference = placement === 'other-env' || placement === 'other-account'
      ? this.crossEnvironmentReference()
      : { kind: 'arn', keyArn: this.keyArn };
    let grant: iam.Grant | undefined;
    for (const s of identityStatements({ sid, key: keyRef, actions, conditions, encryptionContext })) {
      const g = iam.Grant.addToPrincipal({
        grantee,
        actions: toList(s.Action),
        resourceArns: toList(s.Resource),
        conditions: s.Condition,
      });
      grant = grant ? grant.combine(g) : g;
    }
    if (placement === 'other-stack-token' && !grant?.success) {
      throw new Error(`${this.node.path}: cannot reach ${principal} from this key without a dependency cycle: it lives in another stack `
        + 'and takes no IAM policy. Import it by a literal ARN, give it an explicit physical name, or grant it in its own stack.');
    }
    return grant ?? iam.Grant.drop(grantee, 'no identity policy could be attached');
  }

  /**
   * Where a principal lives relative to the key, which decides how the key policy can name it without creating a
   * CloudFormation dependency cycle.
   */
  private placementOf(principal: iam.IPrincipal): 'local' | 'literal' | 'other-stack-token' | 'other-env' | 'other-account' {
    const account = principal.principalAccount ?? literalAccount(toList(principal.policyFragment.principalJson.AWS));
    if (account !== undefined && Token.compareStrings(account, this.stack.account) === TokenComparison.DIFFERENT) return 'other-account';
    if (!Construct.isConstruct(principal)) return 'literal';
    const stack = Stack.of(principal);
    if (stack === this.stack) return 'local';
    const sameEnv = Token.compareStrings(stack.account, this.stack.account) !== TokenComparison.DIFFERENT
      && Token.compareStrings(stack.region, this.stack.region) !== TokenComparison.DIFFERENT;
    if (!sameEnv) return 'other-env';
    const arns = toList(principal.policyFragment.principalJson.AWS);
    return arns.some((a) => Token.isUnresolved(a)) ? 'other-stack-token' : 'literal';
  }

  /** Tags the principal and returns the condition that narrows a delegation statement to it. */
  private tagNarrowing(principal: iam.IPrincipal): ConditionJson {
    const construct = principal as unknown as Construct;
    const resource = construct.node.defaultChild;
    if (!(resource instanceof iam.CfnRole) && !(resource instanceof iam.CfnUser)) {
      throw new Error(`${this.node.path}: cannot reach ${construct.node.path} from this key without a dependency cycle: it lives in another stack, `
        + 'its ARN is a token and it cannot be tagged. Import it by a literal ARN or give it an explicit physical name.');
    }
    const tagKey = `kms-guard:${stableHash(this.node.path)}`;
    const tagValue = stableHash(construct.node.path);
    resource.tags.setTag(tagKey, tagValue);
    return { StringEquals: { [`aws:PrincipalTag/${tagKey}`]: tagValue } };
  }

  /** The key as seen from another account or Region: by owner account, Region and alias (its ID is known only after deployment). */
  private crossEnvironmentReference(): KeyReference {
    const { account, region, partition } = this.stack;
    if (Token.isUnresolved(account) || Token.isUnresolved(region)) {
      throw new Error(`${this.node.path}: sharing a key with another account or Region needs the key's stack to have an explicit env (account and region): `
        + 'the other side must name the owner account and Region in its IAM policy.');
    }
    return { kind: 'alias', partition: Token.isUnresolved(partition) ? 'aws' : partition, region, account, aliasName: this.aliasName };
  }

  private addIamDelegation(delegation: IamDelegation): void {
    if (delegation.capabilities.length === 0) throw new Error(`${this.node.path}: iamDelegation.capabilities is empty`);
    const narrowing: ConditionJson | undefined = delegation.principalArns?.length
      ? { ArnEquals: { 'aws:PrincipalArn': [...delegation.principalArns] } }
      : undefined;
    this.addStatements(usageStatements({
      sid: 'DelegateToIam',
      target: { kind: 'named', principal: { AWS: `arn:${this.stack.partition}:iam::${this.stack.account}:root` } },
      actions: capabilityActions(delegation.capabilities as string[] as CapabilityName[]),
      conditions: narrowing,
      encryptionContext: this.mergedContext(undefined),
    }));
  }

  private mergedContext(extra: { [key: string]: string } | undefined): { [key: string]: string } | undefined {
    const merged = { ...this.requiredEncryptionContext };
    for (const [k, v] of Object.entries(extra ?? {})) {
      if (k in merged && merged[k] !== v) {
        throw new Error(`${this.node.path}: encryption context "${k}" is required to be ${JSON.stringify(merged[k])} by the key and ${JSON.stringify(v)} by the grant`);
      }
      merged[k] = v;
    }
    return Object.keys(merged).length > 0 ? merged : undefined;
  }

  private mergeOrThrow(...blocks: Array<ConditionJson | undefined>): ConditionJson | undefined {
    const { merged, conflict } = mergeConditions(...blocks);
    if (conflict) throw new Error(`${this.node.path}: contradictory conditions for one grant: ${conflict}`);
    return merged;
  }

  private addStatements(statements: StatementJson[]): void {
    for (const s of statements) this.addStatement(s);
  }

  private addStatement(statement: StatementJson): void {
    this.addToResourcePolicy(iam.PolicyStatement.fromJson(statement));
  }
}

function separationError(path: string, arn: string): Error {
  return new Error(`${path}: ${arn} is both an administrator and a user of the key, and separationOfDuties is on. `
    + 'Use separate roles for managing and using the key, or set separationOfDuties: false.');
}

/** The AWS principal ARNs of a grantee; services and federated principals are not AWS principals. */
function awsPrincipalArns(grantee: iam.IGrantable, path: string, field: string): string[] {
  const json = grantee.grantPrincipal.policyFragment.principalJson;
  const arns = toList(json.AWS);
  if (arns.length === 0) {
    throw new Error(`${path}: ${field} must be an IAM role, user or account principal, got ${JSON.stringify(json)}`);
  }
  for (const arn of arns) {
    if (!Token.isUnresolved(arn) && arn !== '*' && (arn.includes('*') || arn.includes('?'))) {
      throw new Error(`${path}: ${field} has the principal ARN ${arn} with a wildcard, which IAM rejects: name the principal exactly`);
    }
    if (arn === '*') throw new Error(`${path}: ${field} is "*" (everyone): name the principals instead`);
  }
  return arns;
}

/** The account of literal principal ARNs (or account ids), when they all name one. */
function literalAccount(arns: string[]): string | undefined {
  const accounts = new Set(arns.filter((a) => !Token.isUnresolved(a)).map((a) => (isAccountId(a) ? a : parseArn(a)?.account)));
  return accounts.size === 1 ? [...accounts][0] : undefined;
}

function expandActions(actions: string[], path: string): string[] {
  const out = new Set<string>();
  for (const action of actions) {
    const matches = ALL_KMS_ACTIONS.filter((a) => wildcardMatch(action, a, true));
    if (matches.length === 0 || (!/[*?]/.test(action) && !canonicalAction(action))) {
      throw new Error(`${path}: grant() was asked for ${JSON.stringify(action)}, which is not a KMS action`);
    }
    for (const m of matches) out.add(m);
  }
  return [...out];
}

function normaliseAlias(alias: string): string {
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
