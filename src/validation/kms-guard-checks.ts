import { readFileSync } from 'fs';
import * as path from 'path';
import { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolation, Stack, Stage } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { acknowledgement } from './acknowledgements';
import { PlacedFinding, stageFindings, writtenEvaluation } from './app-findings';
import { ALL_RULES } from '../rules';
import { acknowledgementId } from '../rules/finding';
import { RULE_PACK, Rule } from '../rules/rule';

/**
 * The kms-guard rules (docs/rules.md) as a cdk-nag 3 pack: a CDK policy-validation plugin whose findings appear in
 * CDK's validation report next to those of `AwsSolutionsChecks`, under rule ids `KmsGuard-<Rule>[<FindingId>]`.
 *
 * ```ts
 * Validations.of(app).addPlugins(new KmsGuardChecks(app));
 * Validations.of(key).acknowledge({ id: 'KmsGuard-AccountWideDelegation[Statement::0]', reason: 'IAM decides' });
 * ```
 *
 * Error findings fail synthesis; warning findings are reported without failing it. Every stage of the app is checked,
 * each from the final templates of its own stacks (its own cloud assembly).
 */
export class KmsGuardChecks extends NagPack {
  public readonly name: string;
  public readonly ruleIds?: string[];

  private readonly explain: boolean;
  /** The findings of the validation under way, by construct. */
  private placed?: Map<IConstruct, PlacedFinding[]>;
  /** CDK's synthesis is calling the pack (`validate`), after writing the templates. */
  private synthesizing = false;

  /**
   * @param scope the app (lets the pack add the aspect that writes acknowledgements into templates, when asked)
   * @param props cdk-nag's pack options: `verbose` adds each rule's explanation to its findings
   */
  public constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = RULE_PACK;
    this.name = RULE_PACK;
    this.ruleIds = ALL_RULES.map((r) => r.id);
    this.explain = props?.verbose ?? false;
  }

  /**
   * The validation CDK runs at synthesis, after the templates are written (see validateScope).
   * @param context CDK's validation context (cdk-nag reads the construct tree from `appConstruct`)
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.synthesizing = true;
    try {
      return super.validate(context);
    } finally {
      this.synthesizing = false;
    }
  }

  /**
   * Validates a construct tree directly (what `validate` does with the app the validation context gives): the
   * stages in `scope` (the enclosing one and every nested one), each from its stacks' final templates.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const nested = scope.node.findAll().filter((c): c is Stage => Stage.isStage(c) && c !== scope);
    const stages = [Stage.isStage(scope) ? scope : Stage.of(scope), ...nested].filter((s): s is Stage => s !== undefined);
    const placed = new Map<IConstruct, PlacedFinding[]>();
    for (const stage of new Set(stages)) {
      // In a synthesis, the templates are written: the evaluation the aspect or the constructs made of them is reused.
      const findings = this.synthesizing ? writtenEvaluation(stage, (stack) => readWritten(stage, stack)).placed : stageFindings(stage);
      for (const p of findings) {
        const list = placed.get(p.construct);
        if (list) list.push(p);
        else placed.set(p.construct, [p]);
      }
    }
    this.placed = placed;
    try {
      const report = super.validateScope(scope);
      return this.reportOf(report, placed, scope);
    } finally {
      this.placed = undefined;
    }
  }

  /** cdk-nag calls this for every CloudFormation resource: the findings placed on it go through cdk-nag's rule runner. */
  protected checkResource(node: CfnResource): void {
    const mine = this.placed?.get(node) ?? [];
    for (const rule of ALL_RULES) {
      for (const severity of ['error', 'warning'] as const) {
        const ids = mine.filter((p) => p.finding.ruleId === rule.id && p.finding.severity === severity).map((p) => p.finding.findingId);
        if (ids.length === 0) continue;
        this.applyRule({
          ruleSuffixOverride: rule.id.slice(RULE_PACK.length + 1),
          info: rule.summary,
          explanation: rule.explanation,
          level: severity === 'error' ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
          node,
          // cdk-nag reports `KmsGuard-<Rule>[<id>]` for each id, unless acknowledged on the node or an ancestor.
          rule: () => ids,
        });
      }
    }
  }

  /**
   * cdk-nag's report lists each `Rule[id]` once with the first resource's text; kms-guard's says, for each finding,
   * what is wrong there. Findings placed on no resource (a stack, a stage) are added here, acknowledgements checked.
   */
  private reportOf(report: PolicyValidationPluginReport, placed: Map<IConstruct, PlacedFinding[]>, scope: IConstruct): PolicyValidationPluginReport {
    const byPathAndId = new Map<string, PlacedFinding>();
    for (const list of placed.values()) for (const p of list) byPathAndId.set(`${p.construct.node.path} ${acknowledgementId(p.finding)}`, p);
    const violations: PolicyViolation[] = [];
    for (const v of report.violations) {
      for (const resource of v.violatingResources) {
        const p = byPathAndId.get(`${resource.constructPath} ${v.ruleName}`);
        // A violation that is not one of ours (a rule that threw inside cdk-nag) is kept as it is.
        violations.push(p ? this.violationOf(p) : { ...v, violatingResources: [resource] });
      }
    }
    for (const [construct, list] of placed) {
      if (CfnResource.isCfnResource(construct) || !isWithin(construct, scope)) continue;
      for (const p of list) if (acknowledgement(construct, acknowledgementId(p.finding)) === undefined) violations.push(this.violationOf(p));
    }
    return { ...report, violations, success: violations.every((v) => v.severity !== 'error') };
  }

  private violationOf(p: PlacedFinding): PolicyViolation {
    const f = p.finding;
    const rule: Rule | undefined = ALL_RULES.find((r) => r.id === f.ruleId);
    const at = f.location;
    const metadata: Record<string, string> = { findingId: f.findingId, stack: at.stackName };
    if (at.policy !== undefined) metadata.policy = at.policy;
    if (at.statement !== undefined) metadata.statement = at.statement;
    if (at.field !== undefined) metadata.field = at.field;
    if (rule) metadata.summary = rule.summary;
    return {
      ruleName: acknowledgementId(f),
      description: this.explain && rule ? `${f.message} ${rule.explanation}` : f.message,
      severity: f.severity,
      ...(rule ? { fix: rule.docLink } : {}),
      ruleMetadata: metadata,
      violatingResources: [{
        constructPath: p.construct.node.path,
        ...(at.logicalId !== '' ? { resourceLogicalId: at.logicalId } : {}),
        ...templatePathOf(p.construct),
        locations: [at.field !== undefined ? `Properties (${[at.policy, at.statement, at.field].filter((x) => x !== undefined).join(', ')})` : 'Properties'],
      }],
    };
  }
}

/** The text CDK wrote for a stack's template in this synthesis, if it is there. */
function readWritten(stage: Stage, stack: Stack): string | undefined {
  try {
    return readFileSync(path.join(stage.outdir, stack.templateFile), 'utf8');
  } catch {
    return undefined;
  }
}

function isWithin(construct: IConstruct, scope: IConstruct): boolean {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) if (c === scope) return true;
  return false;
}

/** Where the construct's stack template is written, for the report. */
function templatePathOf(construct: IConstruct): { templatePath?: string } {
  try {
    const stack = Stack.of(construct);
    const stage = Stage.of(stack);
    return stage ? { templatePath: path.join(stage.outdir, stack.templateFile) } : {};
  } catch {
    return {};
  }
}
