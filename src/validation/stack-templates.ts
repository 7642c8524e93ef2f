/**
 * The stacks of a Stage (or App) as the app model's input, read from the construct tree at validation time: each
 * stack's template as CloudFormation will receive it (`stack._toCloudFormation()`, resolved: after every grant,
 * trait, escape hatch and override, cross-stack references prepared), its environment, the construct path of each
 * logical id, the role it deploys with and the stacks it waits for. The same facts readCloudAssembly takes from a
 * cloud assembly, without writing one.
 */
import { CfnElement, DefaultStackSynthesizer, Stack, Stage, Token } from 'aws-cdk-lib';
import { PLACEHOLDER_ACCOUNT, PLACEHOLDER_REGION, StackTemplate, partitionOfRegion } from '../app-model/stack-template';

/** The top-level stacks whose assembly is this stage's (not those of nested stages, not nested stacks). */
export function stacksOf(stage: Stage): Stack[] {
  return stage.node.findAll().filter((c): c is Stack => Stack.isStack(c) && !c.nested && Stage.of(c) === stage);
}

/**
 * A stack's template as CloudFormation receives it: rendered from the construct tree (`renderTemplate`), or, after
 * a synthesis, the file it wrote.
 */
export type TemplateSource = (stack: Stack) => unknown;

/**
 * The stack's template rendered from the construct tree. `_toCloudFormation()` returns it resolved
 * (Stack._toCloudFormation ends with this.resolve(template)): a second resolve would walk every value again for
 * nothing, about a third of the rendering's cost.
 *
 * This rendering is not handed to the synthesis that follows the validation, though CDK then renders each template
 * again: the stack synthesizer changes the stack in between (DefaultStackSynthesizer.synthesize adds the
 * BootstrapVersion parameter and rule before it renders), so the validation's rendering is not the template
 * written (docs/decisions.md).
 */
export const renderTemplate: TemplateSource = (stack) => (stack as any)._toCloudFormation();

export function stackTemplatesOf(stage: Stage, templateOf: TemplateSource = renderTemplate): StackTemplate[] {
  const stacks = stacksOf(stage);
  const ids = new Set(stacks.map((s) => s.artifactId));
  return stacks.map((stack) => stackTemplateOf(stack, ids, templateOf));
}

function stackTemplateOf(stack: Stack, artifactIds: ReadonlySet<string>, templateOf: TemplateSource): StackTemplate {
  const accountIsPlaceholder = Token.isUnresolved(stack.account) || !/^\d{12}$/.test(stack.account);
  const regionIsPlaceholder = Token.isUnresolved(stack.region);
  const account = accountIsPlaceholder ? PLACEHOLDER_ACCOUNT : stack.account;
  const region = regionIsPlaceholder ? PLACEHOLDER_REGION : stack.region;
  const partition = partitionOfRegion(region);
  const deployerArn = deployerOf(stack, { partition, account, region });
  const dependencies = stack.dependencies.map((d) => d.artifactId).filter((id) => artifactIds.has(id));
  return {
    stackName: stack.stackName,
    account,
    region,
    partition,
    template: templateOf(stack),
    constructPaths: constructPathsOf(stack),
    artifactId: stack.artifactId,
    ...(deployerArn !== undefined ? { deployerArn } : {}),
    ...(dependencies.length > 0 ? { dependencies } : {}),
    ...(accountIsPlaceholder ? { accountIsPlaceholder } : {}),
    ...(regionIsPlaceholder ? { regionIsPlaceholder } : {}),
  };
}

/** logical id -> construct path of every CloudFormation element of the stack (what the manifest's metadata records). */
function constructPathsOf(stack: Stack): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const c of stack.node.findAll()) {
    if (!CfnElement.isCfnElement(c) || c.stack !== stack) continue;
    const id = stack.resolve(c.logicalId);
    if (typeof id === 'string') paths[id] = c.node.path;
  }
  return paths;
}

/**
 * The role CloudFormation deploys the stack with: the DefaultStackSynthesizer's execution role, as the manifest
 * records it (`cloudFormationExecutionRoleArn`, with `${AWS::Partition}` and the like for the CLI to fill in). Other
 * synthesizers deploy with the CLI's own credentials: unknown.
 */
function deployerOf(stack: Stack, env: { partition: string; account: string; region: string }): string | undefined {
  if (!(stack.synthesizer instanceof DefaultStackSynthesizer)) return undefined;
  let arn: string;
  try {
    arn = stack.synthesizer.cloudFormationExecutionRoleArn;
  } catch {
    return undefined;
  }
  if (Token.isUnresolved(arn)) return undefined;
  return arn
    .replace(/\$\{AWS::Partition\}/g, env.partition)
    .replace(/\$\{AWS::AccountId\}/g, env.account)
    .replace(/\$\{AWS::Region\}/g, env.region);
}
