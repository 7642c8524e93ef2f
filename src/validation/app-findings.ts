/**
 * Runs the rules over one Stage's stacks, read from the construct tree (stack-templates.ts), and places each finding
 * on the construct it is about. Shared by KmsGuardAspect and KmsGuardChecks, so both run exactly the same rules.
 */
import { Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { stackTemplatesOf, stacksOf } from './stack-templates';
import { buildAppModel } from '../app-model/app-model';
import { ALL_RULES, Finding, runRules } from '../rules';
import { Rule } from '../rules/rule';

/** A finding and the construct it is attached to: its resource, else its stack, else the stage. */
export interface PlacedFinding {
  readonly finding: Finding;
  readonly construct: IConstruct;
}

/** Every finding of the stage's stacks, placed. Never throws: a failure to read the app is an error finding. */
export function stageFindings(stage: Stage, rules: readonly Rule[] = ALL_RULES): PlacedFinding[] {
  let findings: Finding[];
  try {
    findings = runRules(buildAppModel(stackTemplatesOf(stage)), rules);
  } catch (e) {
    return [{
      construct: stage,
      finding: {
        ruleId: 'KmsGuard-Internal',
        findingId: 'App::unreadable',
        severity: 'error',
        location: { stackName: '', logicalId: '' },
        message: `kms-guard could not read the app's stacks (${(e as Error)?.message ?? String(e)}), so none of its KMS access was checked: please report it`,
      },
    }];
  }
  const byPath = new Map<string, IConstruct>();
  for (const c of stage.node.findAll()) byPath.set(c.node.path, c);
  const stacks = stacksOf(stage);
  return findings.map((finding) => {
    const at = finding.location;
    const construct = (at.constructPath !== undefined ? byPath.get(at.constructPath) : undefined)
      ?? stacks.find((s: Stack) => s.stackName === at.stackName)
      ?? stage;
    return { finding, construct };
  });
}
