/**
 * Records what a guarded key was asked to allow and deny, as it is asked (constructor props, grant methods, shares,
 * the app's encrypted resources), and renders it into the key's CloudFormation Metadata (src/intent/declared-intent.ts)
 * for KmsGuard-IntentDrift. What goes through the key's own public API (grant methods, `grants`, and
 * `addToResourcePolicy`, which aws-cdk-lib constructs given the key call too: S3 notifications, EventBridge targets) is
 * declared, and recorded as the key writes it, after its own transformation (the account guard it gives a service
 * principal, a cross-stack `aws:SourceArn` it leaves out): the intent says what the construct applied, not what it
 * was asked for. Statements added straight to `key.policy`, escape hatches and overrides on the `CfnKey`, and IAM
 * policies the key's account delegation lets through are deliberately not recorded: they are what the drift check
 * exists to find.
 *
 * The recorder belongs to the key and is reached through `intentRecorderOf` (not a public member: jsii would export
 * it), so CrossAccountKeyShare can declare its share before adding its statements.
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { referencedResources } from './principal-reach';
import { ConditionJson } from '../../builders/policy-json';
import { DeclaredIntent, INTENT_VERSION, IntentDeny, IntentGrant, IntentPrincipal, IntentPurpose } from '../../intent/declared-intent';

/** Condition keys that say how a principal is reached (account principal narrowed to it), not what it may do. */
const REACH_KEYS = /^aws:(PrincipalArn|PrincipalTag\/.*)$/i;

export class IntentRecorder {
  private readonly grants: IntentGrant[] = [];
  private readonly denies: IntentDeny[] = [];
  /** The purpose of statements added through `addToResourcePolicy` while a construct (a share) adds its own. */
  private purposeOverride?: IntentPurpose;

  public constructor(private readonly stack: Stack, private readonly construct: string) {}

  /** Principals given as ARNs (tokens allowed) or AWS service names may do `actions` under the conditions. */
  public grant(
    purpose: IntentPurpose, principals: { readonly arns?: readonly string[]; readonly services?: readonly string[] },
    actions: readonly string[], conditions?: ConditionJson, encryptionContext?: Readonly<Record<string, string>>,
  ): void {
    const narrowedTo = this.narrowedTo(principals.arns ?? [], conditions);
    const refs = [
      ...(narrowedTo ?? principals.arns ?? []).map((a) => this.principal(a)),
      ...(principals.services ?? []).map((s) => ({ service: s })),
    ];
    if (refs.length === 0 || actions.length === 0) return;
    const { kept, unrecorded } = this.conditions(conditions);
    this.grants.push({
      purpose,
      principals: refs,
      actions: [...actions],
      ...(kept ? { conditions: kept } : {}),
      ...(encryptionContext && Object.keys(encryptionContext).length > 0 ? { encryptionContext: { ...encryptionContext } } : {}),
      ...(unrecorded.length > 0 ? { unrecorded } : {}),
    });
  }

  /**
   * Everyone (or `options.principalArns`) but `exceptArns` is denied `actions`, under `options.conditions` when given
   * (recorded whole, reach keys included: the Deny's conditions are what KmsGuard-IntentDrift finds again in the key
   * policy).
   */
  public deny(
    purpose: IntentDeny['purpose'], actions: readonly string[], exceptArns: readonly string[],
    options: { readonly principalArns?: readonly string[]; readonly services?: readonly string[]; readonly conditions?: ConditionJson } = {},
  ): void {
    const principals = [...(options.principalArns ?? []).map((a) => this.principal(a)), ...(options.services ?? []).map((s) => ({ service: s }))];
    const conditional = Object.keys(options.conditions ?? {}).length > 0;
    const { kept, unrecorded } = this.conditions(options.conditions, true);
    this.denies.push({
      purpose,
      actions: [...actions],
      except: exceptArns.map((a) => this.principal(a)),
      ...(principals.length > 0 ? { principals } : {}),
      ...(conditional ? { conditional: true } : {}),
      ...(kept ? { conditions: kept } : {}),
      ...(unrecorded.length > 0 ? { unrecorded } : {}),
    });
  }

  /** The purpose to record a statement added through `addToResourcePolicy` with. */
  public get resourcePolicyPurpose(): IntentPurpose {
    return this.purposeOverride ?? 'resource-policy';
  }

  /**
   * Runs `add` with the statements it adds through `addToResourcePolicy` recorded under `purpose` (a share adds its
   * statements that way, so they are recorded exactly as the key writes them, and as a share).
   */
  public withPurpose<T>(purpose: IntentPurpose, add: () => T): T {
    const before = this.purposeOverride;
    this.purposeOverride = purpose;
    try {
      return add();
    } finally {
      this.purposeOverride = before;
    }
  }

  /**
   * The intent, grants with the same purpose, actions and conditions merged (forty functions granted the same
   * capability make one entry, so the Metadata stays small next to the template's 1 MB).
   */
  public render(): DeclaredIntent {
    const merged = new Map<string, IntentGrant>();
    for (const g of this.grants) {
      const id = JSON.stringify(this.stack.resolve({ ...g, principals: [] }));
      const seen = merged.get(id);
      const principals = seen ? [...seen.principals, ...g.principals] : [...g.principals];
      const texts = principals.map((p) => JSON.stringify(this.stack.resolve(p)));
      const unique = principals.filter((_, i) => texts.indexOf(texts[i]) === i);
      merged.set(id, { ...g, principals: unique });
    }
    return { version: INTENT_VERSION, construct: this.construct, grants: [...merged.values()], denies: [...this.denies] };
  }

  /**
   * An account principal narrowed to principals by `aws:PrincipalArn` (a share, a statement added through
   * `addToResourcePolicy`) is declared for those principals, not for the whole account: their ARNs; undefined otherwise.
   * Only the positive operators narrow (`ArnNotEquals` widens rather than narrows, and is left as a condition).
   */
  private narrowedTo(arns: readonly string[], conditions: ConditionJson | undefined): string[] | undefined {
    if (arns.length === 0 || !arns.every((a) => this.isAccountPrincipal(a))) return undefined;
    const values: string[] = [];
    for (const [operator, block] of Object.entries(conditions ?? {})) {
      if (!/^(ArnEquals|ArnLike|StringEquals|StringLike)$/.test(operator)) continue;
      for (const [key, value] of Object.entries(block)) {
        if (/^aws:PrincipalArn$/i.test(key)) values.push(...(Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string'));
      }
    }
    return values.length > 0 ? values : undefined;
  }

  /** `arn:...:iam::ACCOUNT:root` or a bare account id, literal or as the CloudFormation expression CDK renders. */
  private isAccountPrincipal(arn: string): boolean {
    const resolved: unknown = this.stack.resolve(arn);
    if (typeof resolved === 'string') return /^\d{12}$/.test(resolved) || /:iam::[^:]*:root$/.test(resolved);
    const join = (resolved as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
    const parts = Array.isArray(join) && Array.isArray(join[1]) ? join[1] : [];
    const last = parts[parts.length - 1];
    return typeof last === 'string' && /:root$/.test(last);
  }

  /**
   * A principal of the app by the construct path of its role or user: naming its ARN would make the key's stack refer
   * to (and depend on) the principal's stack. Anything else by its ARN.
   */
  private principal(arn: string): IntentPrincipal {
    if (!Token.isUnresolved(arn)) return { arn };
    const targets = referencedResources(arn);
    const principal = targets.find((t) => t instanceof iam.CfnRole || t instanceof iam.CfnUser);
    if (principal) return { path: principal.node.path };
    if (targets.length > 0) return { path: (targets[0] as IConstruct).node.path };
    return { arn };
  }

  /**
   * The conditions the intent records: without the reach conditions (unless `withReach`), and without values that
   * refer to another stack's resources (recording them would make the key's stack depend on that stack; the key policy
   * leaves them out for the same reason).
   */
  private conditions(conditions: ConditionJson | undefined, withReach = false): { kept?: ConditionJson; unrecorded: string[] } {
    const kept: ConditionJson = {};
    const unrecorded: string[] = [];
    for (const [operator, block] of Object.entries(conditions ?? {})) {
      for (const [key, value] of Object.entries(block)) {
        if (!withReach && REACH_KEYS.test(key)) continue;
        const values = Array.isArray(value) ? value : [value];
        const foreign = values.some((v) => Token.isUnresolved(v) && referencedResources(v).some((r) => Stack.of(r) !== this.stack));
        if (foreign) {
          unrecorded.push(key);
          continue;
        }
        (kept[operator] ??= {})[key] = value;
      }
    }
    return { ...(Object.keys(kept).length > 0 ? { kept } : {}), unrecorded };
  }
}

const recorders = new WeakMap<IConstruct, IntentRecorder>();

/** Registers a key's recorder. */
export function registerIntentRecorder(key: IConstruct, recorder: IntentRecorder): void {
  recorders.set(key, recorder);
}

/** The recorder of a guarded key, undefined for any other key. */
export function intentRecorderOf(key: unknown): IntentRecorder | undefined {
  return typeof key === 'object' && key !== null ? recorders.get(key as IConstruct) : undefined;
}
