/**
 * The input of the app model: one synthesized CloudFormation template and the environment it deploys to.
 */

/** A synthesized stack. */
export interface StackTemplate {
  /** The stack name CloudFormation deploys (the artifact id unless the stack sets another name). */
  readonly stackName: string;
  /** A concrete 12-digit account id, or a placeholder for an environment-agnostic stack (then set `accountIsPlaceholder`). */
  readonly account: string;
  /** A concrete region, or a placeholder for an environment-agnostic stack (then set `regionIsPlaceholder`). */
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** The template JSON. */
  readonly template: any;
  /** logicalId -> construct path, when known; `Metadata['aws:cdk:path']` in the template is read as well. */
  readonly constructPaths?: Record<string, string>;
  /** The account is a stand-in: every ARN built from it is synthetic. */
  readonly accountIsPlaceholder?: boolean;
  /** The region is a stand-in. */
  readonly regionIsPlaceholder?: boolean;
  /**
   * The cloud assembly artifact id (what `dependencies` name). Stacks of a nested assembly (a Stage) carry the
   * directory of that assembly as a prefix, `assembly-Prod/ProdKeys`, as artifact ids are unique within one manifest only.
   * @default - not read from a cloud assembly
   */
  readonly artifactId?: string;
  /**
   * The role CloudFormation deploys this stack with (the manifest's `cloudFormationExecutionRoleArn`, pseudo
   * parameters resolved): the caller of every CreateKey and PutKeyPolicy of the stack.
   * @default - unknown: the synthesizer passes no role, so CloudFormation uses the deploying CLI's own credentials
   */
  readonly deployerArn?: string;
  /**
   * Artifact ids (same form as `artifactId`) of the stacks this stack's deployment waits for (the manifest's
   * `dependencies`, stack artifacts only).
   * @default - none known
   */
  readonly dependencies?: string[];
}

/** Stand-ins for `unknown-account` / `unknown-region` (environment-agnostic stacks). */
export const PLACEHOLDER_ACCOUNT = '123456789012';
export const PLACEHOLDER_REGION = 'us-east-1';

/** The partition a region belongs to, for cloud assemblies (the manifest does not record it). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-') || region.startsWith('eu-isof-')) return 'aws-iso-f';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}
