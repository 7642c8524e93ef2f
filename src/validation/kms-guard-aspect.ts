import { Aspects, CfnResource, IAspect, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgement } from './acknowledgements';
import { PlacedFinding, currentEvaluation, ownerOf, shareStageEvaluation } from './app-findings';
import { describe, reportFindings } from './report';
import { acknowledgementId } from '../rules/finding';

/** What the aspect knows about one Stage (or App). */
interface StageState {
  /** Constructs that report their own findings. */
  readonly reporting: Set<IConstruct>;
  /** The aspect was applied to the stage itself: it answers for nested stages that it does not reach. */
  coversNested: boolean;
}

/**
 * Checks every KMS key, IAM policy and VPC endpoint policy of an app against the kms-guard rules (docs/rules.md)
 * when the app is synthesized: error findings make `cdk synth` and `app.synth()` fail, warning findings are reported
 * as warnings. Add it with `KmsGuardAspect.applyTo(app)`, or `Aspects.of(app).add(new KmsGuardAspect())`.
 *
 * The rules run on the final templates, after every grant, escape hatch and override: the aspect only registers
 * validations on the constructs it visits, and the stage's first validation builds the model of all its stacks once.
 * Acknowledge a finding with `Validations.of(construct).acknowledge({ id: 'KmsGuard-Rule[FindingId]', reason })` on
 * its construct or an ancestor.
 *
 * An App's aspects do not reach the Stages nested in it (CDK synthesizes each Stage on its own, before the App): apply
 * the aspect to each Stage as well. When it is applied to the App, error findings of stages it does not reach still
 * fail synthesis (their warnings are not reported).
 */
export class KmsGuardAspect implements IAspect {
  /**
   * Adds a KmsGuardAspect to a scope (usually the App) and returns it.
   * @param scope the App, a Stage or a Stack: the findings of its constructs are reported
   */
  public static applyTo(scope: IConstruct): KmsGuardAspect {
    const aspect = new KmsGuardAspect();
    Aspects.of(scope).add(aspect);
    return aspect;
  }

  private readonly states = new WeakMap<Stage, StageState>();
  private readonly registered = new WeakSet<IConstruct>();

  public visit(node: IConstruct): void {
    if (Stage.isStage(node)) {
      this.stateOf(node).coversNested = true;
      return;
    }
    const isResource = CfnResource.isCfnResource(node);
    if (!isResource && !(Stack.isStack(node) && !node.nested)) return;
    const stage = Stage.of(node);
    if (!stage || this.registered.has(node)) return;
    this.registered.add(node);
    const state = this.stateOf(stage);
    state.reporting.add(node);
    node.node.addValidation({
      validate: () => this.report(stage, node, isResource
        ? undefined
        // A stack also reports the findings of its constructs that report nothing themselves (no resource found).
        : (placed) => placed.construct === node || (!state.reporting.has(placed.construct) && constructStack(placed.construct) === node)),
    });
  }

  private stateOf(stage: Stage): StageState {
    let state = this.states.get(stage);
    if (!state) {
      const fresh: StageState = { reporting: new Set(), coversNested: false };
      state = fresh;
      this.states.set(stage, fresh);
      // The stage is validated before the constructs in it: the first validation to ask evaluates the stage, once per
      // synthesis, from the final templates (app-findings.ts), for the aspect and self-validating constructs alike.
      // Findings that concern no stack of the stage (the app could not be read) are the stage's own.
      shareStageEvaluation(stage, true);
      stage.node.addValidation({
        validate: () => {
          const own = this.report(stage, stage, (placed) => placed.construct === stage);
          return [...own, ...(fresh.coversNested ? this.unreachedStages(stage) : [])];
        },
      });
    }
    return state;
  }

  /**
   * The error messages of the findings placed on `node`, or those `mine` selects from all, except those that a
   * self-validating construct reports; warnings become warning annotations on `node`.
   */
  private report(stage: Stage, node: IConstruct, mine?: (placed: PlacedFinding) => boolean): string[] {
    const evaluation = currentEvaluation(stage);
    const selected = mine ? evaluation.placed.filter(mine) : evaluation.byConstruct.get(node) ?? [];
    return reportFindings(node, selected.filter((p) => ownerOf(stage, p) === undefined));
  }

  /** Error findings of stages nested in `stage` that this aspect never visited (CDK synthesized them before). */
  private unreachedStages(stage: Stage): string[] {
    const nested = stage.node.findAll().filter((c): c is Stage => Stage.isStage(c) && c !== stage && !this.states.has(c));
    // A nested stage with self-validating constructs was evaluated in its own synthesis, which reported their findings.
    return nested.flatMap((s) => currentEvaluation(s, true).placed
      .filter((p) => p.finding.severity === 'error' && ownerOf(s, p) === undefined && acknowledgement(p.construct, acknowledgementId(p.finding)) === undefined)
      .map((p) => `${p.construct.node.path}: ${describe(p)} (stage ${s.node.path} is not reached by the aspect: apply KmsGuardAspect to it to see its warnings too)`));
  }
}

function constructStack(c: IConstruct): Stack | undefined {
  try {
    return Stack.of(c);
  } catch {
    return undefined;
  }
}
