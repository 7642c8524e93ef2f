/**
 * Reads the stacks of a synthesized cloud assembly (a `cdk.out` directory), with Node's fs and path only.
 *
 * Format: the cloud assembly schema's manifest.json. Stack artifacts have type `aws:cloudformation:stack`, their
 * template in `properties.templateFile` and their environment as `aws://ACCOUNT/REGION`; construct paths come from
 * `aws:cdk:logicalId` metadata entries (inline `metadata`, or the `additionalMetadataFile` recent CDK versions write).
 * Stages are nested assemblies (`cdk:cloud-assembly`, `properties.directoryName`) and are read recursively.
 *
 * Deploy facts come from the same artifacts: `properties.cloudFormationExecutionRoleArn` is the role CloudFormation
 * deploys the stack with (DefaultStackSynthesizer; absent for synthesizers that deploy with the CLI's credentials), and
 * `dependencies` lists the artifacts the stack's deployment waits for (cdk-ecosystem.md §8, "Who calls CreateKey").
 */
import * as fs from 'fs';
import * as path from 'path';
import { PLACEHOLDER_ACCOUNT, PLACEHOLDER_REGION, StackTemplate, partitionOfRegion } from './stack-template';

/**
 * The stacks of the assembly in `dir`, nested stages included. Environment-agnostic stacks get the placeholder
 * account and region, flagged with `accountIsPlaceholder` / `regionIsPlaceholder`.
 * @throws when manifest.json or a template cannot be read: without them there is nothing to analyse.
 */
export function readCloudAssembly(dir: string): StackTemplate[] {
  return readAssembly(dir, new Set(), '');
}

/** `prefix`: the nested assembly's directory path (with a trailing `/`), so that artifact ids stay unique across stages. */
function readAssembly(dir: string, seen: Set<string>, prefix: string): StackTemplate[] {
  const resolved = path.resolve(dir);
  if (seen.has(resolved)) return [];
  seen.add(resolved);
  const manifest = readJson(path.join(resolved, 'manifest.json'));
  const artifacts: Record<string, any> = isRecord(manifest.artifacts) ? manifest.artifacts : {};
  const isStack = (a: unknown): boolean => isRecord(a) && a.type === 'aws:cloudformation:stack' && isRecord(a.properties) && typeof a.properties.templateFile === 'string';
  const stackIds = new Set(Object.keys(artifacts).filter((id) => isStack(artifacts[id])));
  const stacks: StackTemplate[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact)) continue;
    const props: Record<string, any> = isRecord(artifact.properties) ? artifact.properties : {};
    if (artifact.type === 'cdk:cloud-assembly' && typeof props.directoryName === 'string') {
      stacks.push(...readAssembly(path.join(resolved, props.directoryName), seen, `${prefix}${props.directoryName}/`));
    } else if (stackIds.has(id)) {
      // Asset manifests and other artifacts also appear among the dependencies; only stacks order deployments.
      const dependencies = Array.isArray(artifact.dependencies)
        ? artifact.dependencies.filter((d: unknown): d is string => typeof d === 'string' && stackIds.has(d)).map((d: string) => `${prefix}${d}`)
        : [];
      stacks.push({ ...readStack(resolved, id, artifact, props), artifactId: `${prefix}${id}`, ...(dependencies.length > 0 ? { dependencies } : {}) });
    }
  }
  return stacks;
}

function readStack(dir: string, id: string, artifact: Record<string, any>, props: Record<string, any>): StackTemplate {
  const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(typeof artifact.environment === 'string' ? artifact.environment : '');
  const rawAccount = env?.[1] ?? 'unknown-account';
  const rawRegion = env?.[2] ?? 'unknown-region';
  const accountIsPlaceholder = !/^\d{12}$/.test(rawAccount);
  const regionIsPlaceholder = rawRegion === 'unknown-region';
  const region = regionIsPlaceholder ? PLACEHOLDER_REGION : rawRegion;
  const constructPaths = constructPathsOf(dir, artifact);
  const account = accountIsPlaceholder ? PLACEHOLDER_ACCOUNT : rawAccount;
  const partition = partitionOfRegion(region);
  const deployerArn = typeof props.cloudFormationExecutionRoleArn === 'string'
    ? resolvePseudoParameters(props.cloudFormationExecutionRoleArn, { partition, account, region })
    : undefined;
  return {
    stackName: typeof props.stackName === 'string' ? props.stackName : id,
    account,
    region,
    partition,
    template: readJson(path.join(dir, props.templateFile)),
    ...(deployerArn !== undefined ? { deployerArn } : {}),
    ...(Object.keys(constructPaths).length > 0 ? { constructPaths } : {}),
    ...(accountIsPlaceholder ? { accountIsPlaceholder } : {}),
    ...(regionIsPlaceholder ? { regionIsPlaceholder } : {}),
  };
}

/**
 * The synthesizer writes the role ARN with `${AWS::Partition}`, `${AWS::AccountId}` and `${AWS::Region}` for the CLI
 * to fill in at deploy time; the stack's environment gives them (placeholders for environment-agnostic stacks).
 */
function resolvePseudoParameters(text: string, env: { partition: string; account: string; region: string }): string {
  return text
    .replace(/\$\{AWS::Partition\}/g, env.partition)
    .replace(/\$\{AWS::AccountId\}/g, env.account)
    .replace(/\$\{AWS::Region\}/g, env.region);
}

/** logicalId -> construct path (without the leading `/`), from the artifact's `aws:cdk:logicalId` metadata. */
function constructPathsOf(dir: string, artifact: Record<string, any>): Record<string, string> {
  let metadata: unknown = artifact.metadata;
  if (!isRecord(metadata) && typeof artifact.additionalMetadataFile === 'string') {
    const file = path.join(dir, artifact.additionalMetadataFile);
    // Metadata only adds construct paths: a missing or broken file must not stop the analysis.
    metadata = fs.existsSync(file) ? tryReadJson(file) : undefined;
  }
  const paths: Record<string, string> = {};
  if (!isRecord(metadata)) return paths;
  for (const [constructPath, entries] of Object.entries(metadata)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (isRecord(entry) && entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') {
        paths[entry.data] = constructPath.replace(/^\//, '');
      }
    }
  }
  return paths;
}

function readJson(file: string): any {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`);
  }
}

function tryReadJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
