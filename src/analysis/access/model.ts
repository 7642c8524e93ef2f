/**
 * The effective-access analysis as data: who can do what on each key of an app, under which conditions, and what it
 * depends on. This is also the JSON shape of `kms-guard report --format json` (field `keys`), documented in
 * docs/access-analysis.md; `ACCESS_REPORT_VERSION` changes whenever a field changes meaning or goes away (adding a
 * field does not change it). Later renderings (SARIF, the HTML access map, diffs, access snapshots) read the same
 * objects. Pure types and constants.
 */

/** The version of this shape. */
export const ACCESS_REPORT_VERSION = 1;

/**
 * One answer for a (subject, action) pair:
 * - `allowed`: a plain request is allowed, whatever the values below;
 * - `conditional`: allowed only when the request carries certain values (encryption context, service, endpoint or
 *   VPC, source IP, ...) or the caller is a member of an organization or carries a tag: `paths` name them;
 * - `uncertain`: allowed only if values unknown at synth turn out a certain way (`unknowns` names them);
 * - `denied`: no request tried was allowed (`missing` says what was missing for a plain request).
 */
export type AccessAnswer = 'allowed' | 'conditional' | 'uncertain' | 'denied';

/** Strongest first: the order in which answers are reported and compared. */
export const ANSWER_ORDER: readonly AccessAnswer[] = ['allowed', 'conditional', 'uncertain', 'denied'];

/** What a subject stands for. */
export type SubjectKind =
  /** A role or user of the app. */
  | 'app-principal'
  /** A principal a policy names by ARN that the app does not define (imported, break-glass, another account's). */
  | 'named-principal'
  /** The role CloudFormation deploys the key's stack with. */
  | 'deployer'
  /** The root user of the key's account (or of an account a policy names). */
  | 'account-root'
  /** Representative: any principal of the key's account that is given an IAM policy allowing kms:*. */
  | 'account-principal'
  /** Representative: a principal of another account in the organization the key names. */
  | 'organization-principal'
  /** Representative: anyone, i.e. a principal of an account outside the app and outside any organization named. */
  | 'anyone'
  /** An AWS service principal a policy names, or one that a resource of the app encrypted with the key uses. */
  | 'service'
  /** Representative: an AWS service principal that no policy names, acting as itself. */
  | 'any-service';

/** Who an answer is about. */
export interface AccessSubject {
  /** Stable within a report: `app:Stack/Path`, `arn:...`, `deployer:Stack`, `anyone`, `service:logs.us-east-1.amazonaws.com`. */
  readonly id: string;
  readonly kind: SubjectKind;
  /** `role KeyStack/AppRole`, `anyone (a principal of an account outside the app)`, ... */
  readonly label: string;
  /** The ARN asked about (a representative's is made up; `syntheticArn` says whether it is the deployed one). */
  readonly arn: string;
  readonly account?: string;
  /** A representative stands for every principal of its kind: its ARN is made up. */
  readonly representative: boolean;
  /**
   * The ARN holds a value CloudFormation only assigns at deploy time (a generated role name, a placeholder account of
   * an environment-agnostic stack): it is what the analysis assumed, not what the deployed principal will be called.
   */
  readonly syntheticArn: boolean;
  readonly constructPath?: string;
  readonly stackName?: string;
  readonly logicalId?: string;
  /** Evaluated as a member of this organization (the one the key's policies name), or as a non-member (`outside`). */
  readonly organization?: { readonly id: string; readonly member: boolean };
  /** Statements that name this principal as an exception of a Deny (`Sid "DenyKeyDeletionExceptBreakGlass"`). */
  readonly exemptFrom?: readonly string[];
}

/** A condition of a statement that decided an answer. */
export interface DecidingCondition {
  /** `key policy`, `identity policy #0`, `VPC endpoint policy`, ... */
  readonly policy: string;
  /** `Sid "X"` or `statement #2`. */
  readonly statement: string;
  readonly effect: 'Allow' | 'Deny';
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
  readonly category: ConditionCategory;
}

export type ConditionCategory =
  | 'encryption-context' | 'service' | 'network' | 'source-ip' | 'organization' | 'principal-tag' | 'principal'
  | 'source' | 'grant' | 'other';

/** Something a request must carry, or a caller must be, for a path to allow it. */
export interface Requirement {
  readonly kind: 'encryption-context' | 'context' | 'endpoint' | 'principal-tag' | 'organization' | 'alias' | 'grantee';
  /** The condition key (`kms:EncryptionContext:app`, `kms:ViaService`, `aws:SourceIp`, `aws:PrincipalTag/team`). */
  readonly key?: string;
  /** The value or pattern as the policy writes it (`payments`, `s3.*.amazonaws.com`, `10.0.0.0/8`, `vpce-0abc`). */
  readonly value: string;
  /** How the policy compares it: `equals`, `like` (a wildcard pattern), `cidr`, `any` (any value: `kms:ViaService` of any AWS service). */
  readonly match: 'equals' | 'like' | 'cidr' | 'any';
  /** The value sent when trying it, when it differs from `value` (a pattern's witness). */
  readonly tried?: string;
  /** For endpoints: the VPC, and whether the endpoint is in the app. */
  readonly vpcId?: string;
  readonly inApp?: boolean;
  /** The id is one the analysis assumed (an app endpoint's id is assigned at deploy). */
  readonly synthetic?: boolean;
  /** For organizations: membership was assumed, not known. */
  readonly assumed?: boolean;
}

/** One minimal way a request is allowed. */
export interface AccessPath {
  /** Empty for a plain request. */
  readonly requires: readonly Requirement[];
  /** Certain (true) or only under the permissive reading of unknown values. */
  readonly certain: boolean;
  /** The statements that allowed it (and the Deny statements a plain request hits and this path avoids). */
  readonly decidedBy: ReadonlyArray<{ readonly policy: string; readonly statement: string; readonly effect: string }>;
  /** The conditions of those statements. */
  readonly conditions: readonly DecidingCondition[];
}

export interface ActionAccess {
  readonly action: string;
  readonly answer: AccessAnswer;
  /** False when the key's spec and usage cannot serve the action (KMS rejects it whatever the policies say). */
  readonly usable?: boolean;
  /** The minimal ways it is allowed (not for `denied`). */
  readonly paths?: readonly AccessPath[];
  /** For `uncertain`: the unknown values it depends on. */
  readonly unknowns?: readonly string[];
  /** For `denied` (when the subject is allowed something else): why a plain request is denied. */
  readonly missing?: string;
}

export interface CapabilityAccess {
  readonly capability: string;
  /** The strongest answer among its actions. */
  readonly answer: AccessAnswer;
  /** False when the key's spec and usage can serve none of these actions (KMS rejects them whatever the policies say). */
  readonly usable: boolean;
  readonly actions: readonly ActionAccess[];
}

export interface SubjectAccess {
  readonly subject: AccessSubject;
  /** The strongest answer over every action. */
  readonly answer: AccessAnswer;
  readonly capabilities: readonly CapabilityAccess[];
  /** For a subject denied everything: why a plain DescribeKey is denied. */
  readonly missing?: string;
  /** The only subject that can call kms:PutKeyPolicy (other than representatives): losing it locks the key out. */
  readonly lockoutRisk?: boolean;
  /** Unknowns in play for this subject (its IAM policies outside the app, unresolved values, ...). */
  readonly unknowns: readonly string[];
  readonly notes: readonly string[];
}

export interface KeyAccess {
  readonly key: {
    readonly stackName: string;
    readonly logicalId: string;
    readonly constructPath?: string;
    readonly arn: string;
    /** The key ARN is synthetic (always: KMS assigns key ids); `accountIsPlaceholder` when the account is too. */
    readonly accountIsPlaceholder: boolean;
    readonly aliases: readonly string[];
    readonly account: string;
    readonly region: string;
    readonly keySpec: string;
    readonly keyUsage: string;
  };
  /** The organization principals are evaluated against, and the assumption made. */
  readonly organization?: { readonly id: string; readonly alsoNamed: readonly string[]; readonly assumption: string };
  /** Every subject asked, in report order (app principals, named, deployer, root, representatives, services). */
  readonly subjects: readonly SubjectAccess[];
  /** Whether the key could be evaluated at all (an invalid key policy cannot). */
  readonly evaluated: boolean;
  readonly notes: readonly string[];
}

/** Which actions the analysis asked about, and which it did not and why. */
export interface ActionsAsked {
  readonly asked: readonly string[];
  readonly notAsked: ReadonlyArray<{ readonly action: string; readonly reason: string }>;
}
