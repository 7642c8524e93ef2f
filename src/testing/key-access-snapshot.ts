/**
 * Access snapshots for the tests of an app: who can use each KMS key of a stack or an app, as the effective-access
 * analysis of `kms-guard report` decides it, from the templates of the construct tree in-process (no `cdk synth`, no
 * cloud assembly on disk), as stable text to commit and as assertions. This is the non-pure layer: it reads aws-cdk-lib
 * constructs (src/validation/stack-templates.ts) and hands plain JSON to the pure analysis.
 */
import { Stack, Stage } from 'aws-cdk-lib';
import { pathConditions, snapshotText } from './access-snapshot-text';
import { evaluateSubject } from '../analysis/access/evaluate-subject';
import { AccessPath, ActionAccess, SubjectAccess } from '../analysis/access/model';
import { PrincipalIndex, displayPath } from '../analysis/access/subjects';
import { KeyAccess, analyzeKeys, keySubjects } from '../analysis/effective-access';
import { AppModel, buildAppModel } from '../app-model/app-model';
import { StackTemplate } from '../app-model/stack-template';
import { findKey, findKeyAction, findSubject } from '../report/access-lookup';
import { stackTemplatesOf } from '../validation/stack-templates';

/**
 * The answer of the access analysis for one principal, action and key.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html
 */
export enum AccessAnswer {
  /** A plain request is allowed, whatever the request carries. */
  ALLOWED = 'allowed',
  /** Allowed only when the request carries certain values (encryption context, service, endpoint, ...): see `conditions`. */
  CONDITIONAL = 'conditional',
  /** Allowed only if values unknown at synth time (IAM policies outside the app, unresolved tokens) turn out a certain way. */
  UNCERTAIN = 'uncertain',
  /** No request the analysis tried is allowed. */
  DENIED = 'denied',
}

/**
 * What `KeyAccessSnapshot.can()` returns.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html
 */
export interface AccessCheckResult {
  /** The analysis' answer. */
  readonly decision: AccessAnswer;
  /**
   * The condition sets that allow it, one per way (`encryption context app=orders and via s3.us-east-1.amazonaws.com`,
   * `plain request`); empty for `ALLOWED` and `DENIED`.
   */
  readonly conditions: string[];
  /**
   * The statements that allow it: the Sid (`UseCtx1A2B3C4D`) for a statement of the key policy that has one, else
   * `statement #2 of the key policy` or `Sid "X" of the identity policy #0 (...)`; empty for `DENIED`.
   */
  readonly sids: string[];
  /**
   * Why a plain request is denied, for `DENIED` when the analysis knows (the evaluator's explanation).
   * @default - no explanation
   */
  readonly reason?: string;
}

/**
 * The effective access to the KMS keys of a stack or an app, computed in-process from the construct tree.
 *
 * `text` is a stable rendering for snapshot tests (construct paths, no account ids, Regions or hashes); `can()`,
 * `assertCan()` and `assertCannot()` ask about one principal, action and key.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html
 */
export class KeyAccessSnapshot {
  /**
   * The access to the keys of one stack (its templates as CloudFormation receives them). Principals of other stacks of
   * the app that reach the keys are not seen: use `fromApp` when they matter.
   * @param stack the stack whose keys are analysed
   */
  public static fromStack(stack: Stack): KeyAccessSnapshot {
    const stage = Stage.of(stack);
    if (!stage) throw new Error(`KeyAccessSnapshot.fromStack: stack ${stack.node.path} is not inside an App or Stage; create it as new Stack(app, ...)`);
    const templates = stackTemplatesOf(stage).filter((t) => t.artifactId === stack.artifactId);
    if (templates.length === 0) {
      throw new Error(`KeyAccessSnapshot.fromStack: ${stack.node.path} is a nested stack or belongs to a nested stage; pass its top-level stack, or use fromApp(stage)`);
    }
    return new KeyAccessSnapshot(templates);
  }

  /**
   * The access to the keys of every stack of an App or Stage (not its nested stages).
   * @param stage the App or Stage whose keys are analysed
   */
  public static fromApp(stage: Stage): KeyAccessSnapshot {
    return new KeyAccessSnapshot(stackTemplatesOf(stage));
  }

  /**
   * One line per key, then per subject, capability and answer, with the condition sets that allow it. Stable across
   * accounts, Regions and syntheses: commit it with `expect(snapshot.text).toMatchSnapshot()`.
   */
  public readonly text: string;

  private readonly model: AppModel;
  private readonly keys: KeyAccess[];

  private constructor(templates: StackTemplate[]) {
    this.model = buildAppModel(templates);
    this.keys = [...analyzeKeys(this.model)];
    this.text = snapshotText(this.model, this.keys);
  }

  /** The same as `text`. */
  public toString(): string {
    return this.text;
  }

  /**
   * What the analysis answers for a principal calling an action on a key.
   * @param principal the construct path of a role or user of the app (`MyStack/Reader`, or `role.node.path`), or an
   *   ARN (a principal outside the app: its IAM policies are unknown), an account id, a service principal, or a
   *   report subject id (`anyone`, `account-principal`, `deployer:MyStack`)
   * @param action a KMS key action, `kms:Decrypt` or `Decrypt`
   * @param key the key's construct path (`MyStack/Key`), `Stack/LogicalId`, ARN or alias name; @default - the only key
   */
  public can(principal: string, action: string, key?: string): AccessCheckResult {
    const keyModel = findKey(this.model, key);
    const canonical = findKeyAction(action);
    // The analysis lists keys in the model's order, one per key.
    const analysed = this.keys[this.model.keys.indexOf(keyModel)];
    const subject = this.subjectAccess(keyModel, principal, analysed);
    const found = subject.capabilities.flatMap((c) => c.actions).find((a) => a.action === canonical);
    if (!found) {
      throw new Error(`KeyAccessSnapshot.can: ${canonical} is not asked about for key ${displayPath(keyModel)} (the analysis asks every KMS key action except kms:RetireGrant without grants); ask about another action`);
    }
    return resultOf(found);
  }

  /**
   * Throws unless the principal can call the action on the key: `ALLOWED`, or `CONDITIONAL` (allowed with the right
   * request values). `UNCERTAIN` throws: what depends on unknown values is not known to be allowed.
   * @param principal as for `can`
   * @param action as for `can`
   * @param key as for `can`; @default - the only key
   */
  public assertCan(principal: string, action: string, key?: string): void {
    const r = this.can(principal, action, key);
    if (r.decision === AccessAnswer.ALLOWED || r.decision === AccessAnswer.CONDITIONAL) return;
    throw new Error(`expected ${principal} to be able to call ${action} on ${this.keyName(key)}, but the analysis says ${describe(r)}`);
  }

  /**
   * Throws unless the principal cannot call the action on the key (`DENIED`). `UNCERTAIN` throws: what depends on
   * unknown values is not known to be denied.
   * @param principal as for `can`
   * @param action as for `can`
   * @param key as for `can`; @default - the only key
   */
  public assertCannot(principal: string, action: string, key?: string): void {
    const r = this.can(principal, action, key);
    if (r.decision === AccessAnswer.DENIED) return;
    throw new Error(`expected ${principal} not to be able to call ${action} on ${this.keyName(key)}, but the analysis says ${describe(r)}`);
  }

  private keyName(key: string | undefined): string {
    return `key ${displayPath(findKey(this.model, key))}`;
  }

  /** The analysis' answers for the subject; a principal the report does not list for the key is evaluated the same way. */
  private subjectAccess(keyModel: AppModel['keys'][number], principal: string, analysed: KeyAccess): SubjectAccess {
    const ks = keySubjects(this.model, keyModel);
    const found = findSubject(this.model, keyModel, ks.subjects.map((s) => s.spec), principal, ks.placeholderAccount);
    const spec = 'principal' in found ? new PrincipalIndex(this.model).spec(found.principal) : found.spec;
    const listed = analysed.subjects.find((s) => s.subject.id === spec.access.id);
    if (listed) return listed;
    if (!analysed.evaluated) {
      return { subject: spec.access, answer: 'denied', capabilities: [], unknowns: [], notes: [] };
    }
    const member = ks.subjects.find((s) => s.spec.access.id === spec.access.id)?.member ?? ks.memberOf(spec);
    return evaluateSubject(ks.setting, spec, member);
  }
}

function resultOf(a: ActionAccess): AccessCheckResult {
  if (a.usable === false) {
    return { decision: AccessAnswer.DENIED, conditions: [], sids: [], reason: `the key's spec and usage cannot serve ${a.action}: KMS rejects it whatever the policies say` };
  }
  const decision = a.answer as AccessAnswer;
  const paths: readonly AccessPath[] = (a.paths ?? []).filter((p) => decision === AccessAnswer.UNCERTAIN || p.certain);
  const sids = [...new Set(paths.flatMap((p) => p.decidedBy.filter((d) => d.effect === 'Allow').map((d) => {
    const sid = /^Sid "(.*)"$/.exec(d.statement)?.[1];
    return d.policy === 'key policy' && sid !== undefined ? sid : `${d.statement} of the ${d.policy}`;
  })))];
  return {
    decision,
    conditions: decision === AccessAnswer.ALLOWED || decision === AccessAnswer.DENIED ? [] : [...new Set(paths.map(pathConditions))],
    sids: decision === AccessAnswer.DENIED ? [] : sids,
    ...(a.missing !== undefined ? { reason: a.missing } : {}),
  };
}

function describe(r: AccessCheckResult): string {
  const parts = [r.decision.toUpperCase()];
  if (r.conditions.length > 0) parts.push(`only with ${r.conditions.join(' | ')}`);
  if (r.sids.length > 0) parts.push(`allowed by ${r.sids.join(', ')}`);
  if (r.reason !== undefined) parts.push(r.reason);
  return parts.join(': ');
}
