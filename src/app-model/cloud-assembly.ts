/**
 * Reads the stacks of a synthesized cloud assembly (a `cdk.out` directory), with Node's fs and path only.
 *
 * Format: the cloud assembly schema's manifest.json. Stack artifacts have type `aws:cloudformation:stack`, their
 * template in `properties.templateFile` and their environment as `aws://ACCOUNT/REGION`; construct paths come from
 * `aws:cdk:logicalId` metadata entries (inline `metadata`, or the `additionalMetadataFile` recent CDK versions write).
 * Stages are nested assemblies (`cdk:cloud-assembly`, `properties.directoryName`) and are read recursively.
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
  return readAssembly(dir, new Set());
}

function readAssembly(dir: string, seen: Set<string>): StackTemplate[] {
  const resolved = path.resolve(dir);
  if (seen.has(resolved)) return [];
  seen.add(resolved);
  const manifest = readJson(path.join(resolved, 'manifest.json'));
  const artifacts: Record<string, any> = isRecord(manifest.artifacts) ? manifest.artifacts : {};
  const stacks: StackTemplate[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact)) continue;
    const props: Record<string, any> = isRecord(artifact.properties) ? artifact.properties : {};
    if (artifact.type === 'cdk:cloud-assembly' && typeof props.directoryName === 'string') {
      stacks.push(...readAssembly(path.join(resolved, props.directoryName), seen));
    } else if (artifact.type === 'aws:cloudformation:stack' && typeof props.templateFile === 'string') {
      stacks.push(readStack(resolved, id, artifact, props));
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
  return {
    stackName: typeof props.stackName === 'string' ? props.stackName : id,
    account: accountIsPlaceholder ? PLACEHOLDER_ACCOUNT : rawAccount,
    region,
    partition: partitionOfRegion(region),
    template: readJson(path.join(dir, props.templateFile)),
    ...(Object.keys(constructPaths).length > 0 ? { constructPaths } : {}),
    ...(accountIsPlaceholder ? { accountIsPlaceholder } : {}),
    ...(regionIsPlaceholder ? { regionIsPlaceholder } : {}),
  };
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
