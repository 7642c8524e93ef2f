/**
 * Runs the rules over one Stage's stacks, read from the construct tree (stack-templates.ts), and places each finding
 * on the construct it is about. Shared by every surface (KmsGuardAspect, KmsGuardChecks, the constructs' own
 * validation), so all run exactly the same rules.
 *
 * During a synthesis the findings of a stage are computed once, whoever asks first, and shared (the per-stage cache
 * below): an app with the aspect and self-validating constructs is evaluated once. Each finding is reported by one
 * surface only: by the self-validating construct that owns it (the first registered), else by the aspect.
 */
import { Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { TemplateSource, renderTemplate, stackTemplatesOf, stacksOf } from './stack-templates';
import { AppModel, buildAppModel } from '../app-model/app-model';
import { StackTemplate } from '../app-model/stack-template';
import { ALL_RULES, Finding, runRules } from '../rules';
import { Rule } from '../rules/rule';

/** A finding and the construct it is attached to: its resource, else its stack, else the stage. */
export interface PlacedFinding {
  readonly finding: Finding;
  readonly construct: IConstruct;
}

/** What one evaluation of a stage gives: the model (when the app could be read) and every finding, placed. */
export interface StageEvaluation {
  readonly model?: AppModel;
  /** The stacks' templates the model was read from (rendered from the construct tree when the stage was evaluated). */
  readonly templates?: readonly StackTemplate[];
  readonly placed: readonly PlacedFinding[];
  /** The same findings by construct. */
  readonly byConstruct: ReadonlyMap<IConstruct, readonly PlacedFinding[]>;
}

/** Every finding of the stage's stacks, placed. Never throws: a failure to read the app is an error finding. */
export function stageFindings(stage: Stage, rules: readonly Rule[] = ALL_RULES): PlacedFinding[] {
  return [...evaluateStage(stage, rules).placed];
}

/**
 * Evaluates a stage now, from its stacks' templates as they are. Never throws.
 * @param keyPaths when given, the rules look at these keys only (construct paths of their `AWS::KMS::Key` resources):
 *   every rule decides each key on its own, so their findings are those of the whole app's evaluation, at less cost
 * @param templateOf where each stack's template comes from: rendered from the tree, or the file a synthesis wrote
 */
export function evaluateStage(
  stage: Stage, rules: readonly Rule[] = ALL_RULES, keyPaths?: ReadonlySet<string>, templateOf: TemplateSource = renderTemplate,
): StageEvaluation {
  let model: AppModel;
  let findings: Finding[];
  let templates: StackTemplate[];
  try {
    templates = stackTemplatesOf(stage, templateOf);
    const whole = buildAppModel(templates);
    model = keyPaths === undefined
      ? whole
      : { ...whole, keys: whole.keys.filter((k) => k.constructPath !== undefined && keyPaths.has(k.constructPath)) };
    findings = runRules(model, rules);
  } catch (e) {
    const placed: PlacedFinding[] = [{
      construct: stage,
      finding: {
        ruleId: 'KmsGuard-Internal',
        findingId: 'App::unreadable',
        severity: 'error',
        location: { stackName: '', logicalId: '' },
        message: `kms-guard could not read the app's stacks (${(e as Error)?.message ?? String(e)}), so none of its KMS access was checked: please report it`,
      },
    }];
    return { placed, byConstruct: byConstructOf(placed) };
  }
  const byPath = new Map<string, IConstruct>();
  for (const c of stage.node.findAll()) byPath.set(c.node.path, c);
  const stacks = stacksOf(stage);
  const placed = findings.map((finding) => {
    const at = finding.location;
    const construct = (at.constructPath !== undefined ? byPath.get(at.constructPath) : undefined)
      ?? stacks.find((s: Stack) => s.stackName === at.stackName)
      ?? stage;
    return { finding, construct };
  });
  return { model, templates, placed, byConstruct: byConstructOf(placed) };
}

function byConstructOf(placed: readonly PlacedFinding[]): Map<IConstruct, PlacedFinding[]> {
  const map = new Map<IConstruct, PlacedFinding[]>();
  for (const p of placed) {
    const list = map.get(p.construct);
    if (list) list.push(p);
    else map.set(p.construct, [p]);
  }
  return map;
}

/** A construct that reports the findings it owns (a self-validating construct). */
export interface FindingOwner {
  readonly construct: IConstruct;
  /** Whether the finding is the owner's to report (decided against the evaluation it comes from). */
  owns(placed: PlacedFinding, evaluation: StageEvaluation): boolean;
  /** The keys whose findings it may own: the construct paths of their `AWS::KMS::Key` resources. */
  keyPaths(): readonly string[];
}

/** The shared state of one stage: its evaluation in the current synthesis, and who reports what. */
interface StageCache {
  evaluation?: StageEvaluation;
  /** `evaluation` covers the whole stage (not only the owners' keys). */
  whole?: boolean;
  /** A surface reports every finding of the stage (KmsGuardAspect): evaluate it whole. */
  wantsWhole: boolean;
  /** The owner of each finding of `evaluation` that has one. */
  owners?: Map<PlacedFinding, FindingOwner>;
  readonly registered: FindingOwner[];
}

const caches = new WeakMap<Stage, StageCache>();

/**
 * The stage's cache, created on first use. Creating it registers, on the stage itself, a validation that forgets
 * the previous evaluation: CDK validates a stage before every construct in it, so each synthesis evaluates the
 * stage's final templates once, when a surface first asks. Call it before adding any other validation to the stage.
 */
function cacheOf(stage: Stage): StageCache {
  let cache = caches.get(stage);
  if (!cache) {
    const fresh: StageCache = { registered: [], wantsWhole: false };
    cache = fresh;
    caches.set(stage, fresh);
    stage.node.addValidation({
      validate: () => {
        fresh.evaluation = undefined;
        fresh.whole = undefined;
        fresh.owners = undefined;
        return [];
      },
    });
  }
  return cache;
}

/**
 * Makes sure the stage's evaluation is shared and renewed at each synthesis (see cacheOf), for a surface that reports
 * every finding of the stage (`whole`), or only those of self-validating constructs.
 */
export function shareStageEvaluation(stage: Stage, whole: boolean): void {
  const cache = cacheOf(stage);
  cache.wantsWhole ||= whole;
}

/**
 * The stage's evaluation in the current synthesis, computed on the first call after the stage's own validation
 * (outside a synthesis, `node.validate()` on one construct: the latest one, or a new one). When only
 * self-validating constructs report (no KmsGuardAspect), only their keys are evaluated, unless `whole` is asked.
 */
export function currentEvaluation(stage: Stage, whole = false): StageEvaluation {
  const cache = cacheOf(stage);
  const wantsWhole = whole || cache.wantsWhole;
  if (cache.evaluation === undefined || (wantsWhole && !cache.whole)) {
    const keyPaths = wantsWhole ? undefined : new Set(cache.registered.flatMap((o) => o.keyPaths()));
    cache.evaluation = evaluateStage(stage, ALL_RULES, keyPaths);
    cache.whole = wantsWhole;
    cache.owners = undefined;
  }
  return cache.evaluation;
}

/**
 * The stage's whole evaluation of the current synthesis, for the cdk-nag pack (which runs after the templates are
 * written; `written(stack)` is the file's text as CDK wrote it, or undefined). The evaluation the aspect or
 * self-validation made is reused if it covers the whole stage and was read from exactly the templates written;
 * otherwise the stage is evaluated from the written files, not rendered again (a stack whose file cannot be read is
 * rendered). Comparing the templates keeps the pack from reporting a previous synthesis's findings (a synthesis with
 * `skipValidation` renews no evaluation).
 */
export function writtenEvaluation(stage: Stage, written: (stack: Stack) => string | undefined): StageEvaluation {
  const parsed = new Map<string, unknown>();
  for (const stack of stacksOf(stage)) {
    const template = parseTemplate(written(stack));
    if (template !== undefined) parsed.set(stack.artifactId, template);
  }
  const cache = cacheOf(stage);
  const previous = cache.whole ? cache.evaluation : undefined;
  const same = (t: StackTemplate): boolean =>
    t.artifactId !== undefined && parsed.has(t.artifactId) && sameTemplate(parsed.get(t.artifactId), t.template);
  if (previous?.templates && previous.templates.length === parsed.size && previous.templates.every(same)) return previous;
  const templateOf = (stack: Stack): unknown => (parsed.has(stack.artifactId) ? parsed.get(stack.artifactId) : renderTemplate(stack));
  cache.evaluation = evaluateStage(stage, ALL_RULES, undefined, templateOf);
  cache.whole = true;
  cache.owners = undefined;
  return cache.evaluation;
}

function parseTemplate(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Whether a written template (parsed) holds exactly this template (JSON.stringify drops undefined values alike), but
 * for what DefaultStackSynthesizer adds after validation and no rule reads: the `BootstrapVersion` parameter and the
 * `CheckBootstrapVersion` rule that compares it (docs/decisions.md). So the pack reuses the evaluation of the aspect
 * or of the constructs when the written templates are theirs; anything else that differs is evaluated again.
 */
function sameTemplate(written: unknown, template: unknown): boolean {
  return JSON.stringify(withoutSynthesizerAdditions(written)) === JSON.stringify(withoutSynthesizerAdditions(template));
}

/** Template sections and the entries of them DefaultStackSynthesizer adds. */
const SYNTHESIZER_ADDITIONS: ReadonlyArray<readonly [string, string]> = [['Parameters', 'BootstrapVersion'], ['Rules', 'CheckBootstrapVersion']];

function withoutSynthesizerAdditions(template: unknown): unknown {
  if (typeof template !== 'object' || template === null || Array.isArray(template)) return template;
  let out = template as Record<string, unknown>;
  for (const [section, entry] of SYNTHESIZER_ADDITIONS) {
    const entries = out[section];
    if (typeof entries !== 'object' || entries === null || !(entry in entries)) continue;
    const { [entry]: _added, ...rest } = entries as Record<string, unknown>;
    out = { ...out, [section]: Object.keys(rest).length > 0 ? rest : undefined };
  }
  return out;
}

/** Registers a construct that reports the findings it owns; the first registered owner of a finding reports it. */
export function registerOwner(stage: Stage, owner: FindingOwner): void {
  const cache = cacheOf(stage);
  cache.registered.push(owner);
  cache.owners = undefined;
}

/** The construct that reports this finding itself, if any (then no other surface reports it). */
export function ownerOf(stage: Stage, placed: PlacedFinding): FindingOwner | undefined {
  const cache = caches.get(stage);
  if (!cache || cache.registered.length === 0) return undefined;
  const evaluation = currentEvaluation(stage);
  if (!cache.owners) {
    const owners = new Map<PlacedFinding, FindingOwner>();
    for (const p of evaluation.placed) {
      const owner = cache.registered.find((o) => o.owns(p, evaluation));
      if (owner) owners.set(p, owner);
    }
    cache.owners = owners;
  }
  return cache.owners.get(placed);
}
