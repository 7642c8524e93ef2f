/**
 * The deploy-readiness checks (src/analysis) as rules, without a second copy of their logic: each rule runs its
 * check (once per model, shared by the rules of a check that reports two ids), keeps the findings with its check id,
 * and gives each a stable finding id. Pure.
 */
import { READINESS_CHECKS } from '../../analysis/deploy-readiness';
import { ReadinessFinding } from '../../analysis/readiness-finding';
import { AppModel } from '../../app-model/app-model';
import { statementIdPart } from '../../policy/statement-label';
import { findingId, Finding, FindingLocation } from '../finding';
import { Rule, RuleInfo, kmsGuide } from '../rule';

const results = new WeakMap<AppModel, Map<ReadinessFinding['check'], ReadinessFinding[]>>();

/** The readiness findings with this check id, running the check that reports it at most once per model. */
export function readinessFindings(model: AppModel, checkId: string): ReadinessFinding[] {
  let byCheck = results.get(model);
  if (!byCheck) {
    byCheck = new Map();
    results.set(model, byCheck);
  }
  if (!byCheck.has(checkId)) {
    const check = READINESS_CHECKS.find((c) => c.ids.includes(checkId));
    const found = check ? check.run(model) : [];
    for (const id of check?.ids ?? [checkId]) byCheck.set(id, found.filter((f) => f.check === id));
  }
  return byCheck.get(checkId) ?? [];
}

/** The AWS pages a readiness check cites, as URLs (`kms-developer-guide/x.md` is the KMS Developer Guide's page x). */
export function readinessSources(checkId: string): string[] {
  const check = READINESS_CHECKS.find((c) => c.ids.includes(checkId));
  return (check?.sources ?? []).map((s) => {
    const page = /^kms-developer-guide\/(.+)\.md$/.exec(s);
    return page ? kmsGuide(page[1]) : s;
  });
}

export interface ReadinessRuleOptions {
  /** The id of each finding, from the finding and the model. */
  readonly findingIdOf: (finding: ReadinessFinding, model: AppModel) => string;
  /** What the location says beyond the resource (policy, field). */
  readonly location?: Pick<FindingLocation, 'policy' | 'field'>;
}

/** A rule that reports the readiness findings of one check id. */
export function readinessRule(info: Omit<RuleInfo, 'sources'>, checkId: string, options: ReadinessRuleOptions): Rule {
  return {
    ...info,
    sources: readinessSources(checkId),
    check: (model: AppModel): Finding[] => readinessFindings(model, checkId).map((f) => ({
      ruleId: info.id,
      findingId: options.findingIdOf(f, model),
      severity: f.severity,
      location: {
        stackName: f.stackName,
        logicalId: f.logicalId,
        ...(f.constructPath !== undefined ? { constructPath: f.constructPath } : {}),
        ...options.location,
        ...(f.statement !== undefined ? { statement: f.statement } : {}),
        ...(f.field !== undefined ? { field: f.field } : {}),
      },
      message: f.message,
    })),
  };
}

/** A construct path without the trailing `/Resource` of an L2's L1, for ids: `Stack/Key`. */
export function shortPath(path: string | undefined, fallback: string): string {
  return (path ?? fallback).replace(/\/Resource$/, '');
}

/** The first back-quoted value of a message: where the readiness checks put the value they are about. */
export function quotedValue(message: string): string | undefined {
  return /`([^`]*)`/.exec(message)?.[1];
}

/** `Statement::Name` for `Sid "Name"`, `Statement::Name#2` for `Sid "Name" (statement #2)`, `Statement::2` for `statement #2`. */
export function statementFindingId(label: string): string {
  return findingId('Statement', statementIdPart(label));
}
