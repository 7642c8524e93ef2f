/**
 * The declared intent of a guarded key, as plain JSON: who the construct was asked to let administer, deploy, use,
 * break glass on, delegate to or share the key with, which actions that means and under which conditions, and which
 * actions it was asked to deny to everyone else. The constructs write it to their `AWS::KMS::Key` resource's
 * CloudFormation `Metadata` (`INTENT_METADATA_KEY`), KmsGuard-IntentDrift compares it with the effective access the
 * analysis computes from the final templates. Pure types and a reader that never throws.
 *
 * Why Metadata: it is a resource attribute every resource type accepts and CloudFormation ignores
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-metadata.html), it counts toward the
 * template's 1 MB (cloudformation-limits.html) and not toward the key policy's 32 KB, and it
 * travels with the template, so the CLI reading a cloud assembly sees the same intent as the synth-time check.
 * Principals are recorded so that the intent needs no cross-stack reference: a principal of the app by the construct
 * path of its `AWS::IAM::Role`/`User` (what the app model calls `constructPath`), anything else by ARN, AWS services by
 * name (literal, or CloudFormation expressions over pseudo parameters, resolved for the key's stack like the key policy).
 */

/** The Metadata key of an `AWS::KMS::Key` that holds its declared intent. */
export const INTENT_METADATA_KEY = 'cdk-kms-guard:intent';

/** The version of the shape below; readers refuse other versions (saying so) rather than misread them. */
export const INTENT_VERSION = 1;

/** Who a declared grant or exception is about. Exactly one field is set. */
export interface IntentPrincipal {
  /** A role or user of the app: the construct path of its `AWS::IAM::Role` / `AWS::IAM::User` (`Stack/Role/Resource`). */
  readonly path?: string;
  /**
   * A principal by ARN: a role, user or account root (`arn:aws:iam::111122223333:root`, which stands for every principal
   * of that account whose IAM policies allow it, key-policy-default.md). In a template it may be a CloudFormation
   * expression over pseudo parameters (`AWS::AccountId`), which the reader resolves for the key's environment.
   */
  readonly arn?: unknown;
  /** An AWS service principal (`logs.us-east-1.amazonaws.com`); in a template, possibly over `AWS::Region`. */
  readonly service?: unknown;
}

/** Why a grant was declared: what reports and findings call it. */
export type IntentPurpose =
  | 'administer' | 'deploy' | 'break-glass' | 'use' | 'iam-delegation' | 'service-integration' | 'share'
  /** A statement added through the key's own `addToResourcePolicy` (by the user, or by an aws-cdk-lib construct given the key). */
  | 'resource-policy';

/** Principals that may do some actions, with the conditions every request must meet. */
export interface IntentGrant {
  readonly purpose: IntentPurpose;
  readonly principals: readonly IntentPrincipal[];
  readonly actions: readonly string[];
  /**
   * Conditions the grant was declared with (`kms:ViaService`, `kms:CallerAccount`, `kms:GrantIsForAWSResource`, ...),
   * as an IAM Condition block. How a principal is reached (`aws:PrincipalArn`, `aws:PrincipalTag/...` narrowing of an
   * account principal) is not intent and is left out.
   * @default - none
   */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Encryption context required on the actions that take one (ENCRYPTION_CONTEXT_ACTIONS); the key's required context
   * included.
   * @default - none
   */
  readonly encryptionContext?: Readonly<Record<string, unknown>>;
  /** Condition keys the construct could not record (their value refers to a resource of another stack). @default - none */
  readonly unrecorded?: readonly string[];
}

/**
 * Actions denied to some principals (everyone when `principals` is absent) but the exceptions: deletion protection, or
 * a Deny statement added through the key's own `addToResourcePolicy` (VpceRestrictedKey's network restriction, a user's).
 */
export interface IntentDeny {
  readonly purpose: 'deletion-protection' | 'resource-policy';
  readonly actions: readonly string[];
  readonly except: readonly IntentPrincipal[];
  /** The principals denied. @default - everyone */
  readonly principals?: readonly IntentPrincipal[];
  /**
   * The Deny has conditions: it takes the actions away only from requests that meet them, so it never makes an allowed
   * action undeclared, but a declared action it denies outright is not `missing`.
   * @default false
   */
  readonly conditional?: boolean;
  /**
   * The conditions of a conditional Deny, as the key wrote them (values that refer to another stack's resources left
   * out, their keys in `unrecorded`): KmsGuard-IntentDrift looks for the Deny with exactly these in the key policy.
   * @default - none recorded (intents written before this field: the Deny is not looked for)
   */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Condition keys of the Deny the construct could not record. @default - none */
  readonly unrecorded?: readonly string[];
}

export interface DeclaredIntent {
  readonly version: number;
  /** `GuardedKmsKey`, `VpceRestrictedKey`. */
  readonly construct: string;
  readonly grants: readonly IntentGrant[];
  readonly denies: readonly IntentDeny[];
}

/** The intent read from a template, or why it cannot be read. */
export interface IntentReading {
  readonly intent?: DeclaredIntent;
  readonly problem?: string;
}

/**
 * Reads the value of the Metadata entry. Never throws: a value of another shape or version is a `problem` (the rule
 * reports it as "cannot verify"), never a silent pass.
 */
export function readIntent(value: unknown): IntentReading {
  if (!isRecord(value)) return { problem: `expected an object, got ${describe(value)}` };
  if (value.version !== INTENT_VERSION) {
    return { problem: `version ${describe(value.version)} is not one this version of cdk-kms-guard reads (expected ${INTENT_VERSION}): synthesize with the same version` };
  }
  if (!Array.isArray(value.grants) || !Array.isArray(value.denies)) return { problem: 'expected arrays "grants" and "denies"' };
  for (const [i, g] of value.grants.entries()) {
    const problem = grantProblem(g);
    if (problem) return { problem: `grants[${i}]: ${problem}` };
  }
  for (const [i, d] of value.denies.entries()) {
    if (!isRecord(d) || !isStringArray(d.actions) || !Array.isArray(d.except) || !d.except.every(isPrincipal)
      || (d.principals !== undefined && !(Array.isArray(d.principals) && d.principals.every(isPrincipal)))
      || (d.conditional !== undefined && typeof d.conditional !== 'boolean')
      || (d.conditions !== undefined && !(isRecord(d.conditions) && Object.values(d.conditions).every(isRecord)))
      || (d.unrecorded !== undefined && !isStringArray(d.unrecorded))) {
      return { problem: `denies[${i}]: expected { purpose, actions: string[], except: principals, principals?: principals, conditional?: boolean, conditions?: an IAM Condition block, unrecorded?: string[] }, got ${describe(d)}` };
    }
  }
  return { intent: value as unknown as DeclaredIntent };
}

function grantProblem(g: unknown): string | undefined {
  if (!isRecord(g)) return `expected an object, got ${describe(g)}`;
  if (typeof g.purpose !== 'string') return 'expected "purpose" to be a string';
  if (!Array.isArray(g.principals) || !g.principals.every(isPrincipal)) return `expected "principals" to be a list of { path | arn | service }, got ${describe(g.principals)}`;
  if (!isStringArray(g.actions)) return `expected "actions" to be a list of strings, got ${describe(g.actions)}`;
  if (g.conditions !== undefined && !(isRecord(g.conditions) && Object.values(g.conditions).every(isRecord))) return `expected "conditions" to be an IAM Condition block, got ${describe(g.conditions)}`;
  if (g.encryptionContext !== undefined && !isRecord(g.encryptionContext)) return `expected "encryptionContext" to be an object, got ${describe(g.encryptionContext)}`;
  return undefined;
}

function isPrincipal(p: unknown): boolean {
  if (!isRecord(p)) return false;
  const set = ['path', 'arn', 'service'].filter((k) => p[k] !== undefined);
  return set.length === 1 && (set[0] !== 'path' || typeof p.path === 'string');
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
