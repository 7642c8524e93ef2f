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
 *
 * Loose templates (`readTemplateFiles`): CloudFormation templates given as files, without a manifest. Nothing says
 * where they deploy or who deploys them, so every stack is environment-agnostic (placeholder account and Region,
 * flagged, which the app model and the rules report as unknown) and has no deploying role.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PLACEHOLDER_ACCOUNT, PLACEHOLDER_REGION, StackTemplate, partitionOfRegion } from './stack-template';
import { kindOf, templateShapeProblem } from './template-shape';
import { clip } from '../policy/issues';

/** A stack read from files, with the file its template came from. */
export interface StackFromFile extends StackTemplate {
  /**
   * The template file: for a cloud assembly, relative to the assembly directory with `/` separators
   * (`KeyOwner.template.json`, `assembly-Prod/Prod-Keys.template.json`); for a loose template, the path as given.
   */
  readonly templateFile: string;
}

/** What `readAppFiles` read: a cloud assembly directory, or loose template files. */
export interface AppFiles {
  readonly kind: 'cloud-assembly' | 'templates';
  readonly stacks: StackFromFile[];
}

/**
 * The stacks of the assembly in `dir`, nested stages included. Environment-agnostic stacks get the placeholder
 * account and region, flagged with `accountIsPlaceholder` / `regionIsPlaceholder`.
 *
 * The manifest is input like any other: every file it names (templates, nested assemblies, metadata files) must lie
 * inside `dir` once symbolic links are resolved, or the assembly is refused; errors name the file and never echo
 * what a file holds.
 * @throws when manifest.json or a template cannot be read, is not what the schema says, or points outside `dir`:
 *   without them there is nothing to analyse.
 */
export function readCloudAssembly(dir: string): StackFromFile[] {
  const resolved = path.resolve(dir);
  let root: string;
  try {
    root = fs.realpathSync(resolved);
  } catch (e) {
    throw new Error(`cannot read ${path.join(resolved, 'manifest.json')}: ${(e as Error).message}`);
  }
  return readAssembly(root, root, new Set(), '');
}

/**
 * `root`: the real path of the top assembly directory, which every file must lie in. `prefix`: the nested assembly's
 * directory path (with a trailing `/`), so that artifact ids stay unique across stages.
 */
function readAssembly(dir: string, root: string, seen: Set<string>, prefix: string): StackFromFile[] {
  if (seen.has(dir)) return [];
  seen.add(dir);
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = readJson(manifestFile);
  if (!isRecord(manifest)) throw new Error(`${manifestFile} holds ${kindOf(manifest)}: expected a cloud assembly manifest, a JSON object with "artifacts"`);
  if (manifest.artifacts !== undefined && !isRecord(manifest.artifacts)) {
    throw new Error(`${manifestFile}: "artifacts" is ${kindOf(manifest.artifacts)}: expected an object of artifacts by id`);
  }
  const artifacts: Record<string, unknown> = manifest.artifacts ?? {};
  const problem = (id: string, what: string): Error => new Error(`${manifestFile}: artifact ${JSON.stringify(clip(id))} ${what}`);
  const stackIds = new Set<string>();
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact)) throw problem(id, `is ${kindOf(artifact)}: expected an object with a "type"`);
    if (artifact.type !== 'aws:cloudformation:stack' && artifact.type !== 'cdk:cloud-assembly') continue;
    const props: unknown = artifact.properties;
    const field = artifact.type === 'aws:cloudformation:stack' ? 'templateFile' : 'directoryName';
    const value: unknown = isRecord(props) ? props[field] : undefined;
    if (typeof value !== 'string' || value === '') {
      const got = isRecord(props) ? kindOf(value) : `missing, as properties is ${kindOf(props)}`;
      throw problem(id, `(${artifact.type}): properties.${field} is ${got}: expected a file name relative to the assembly directory`);
    }
    if (artifact.type === 'aws:cloudformation:stack') stackIds.add(id);
  }
  const stacks: StackFromFile[] = [];
  for (const [id, raw] of Object.entries(artifacts)) {
    const artifact = raw as Record<string, any>;
    const props: Record<string, any> = isRecord(artifact.properties) ? artifact.properties : {};
    if (artifact.type === 'cdk:cloud-assembly') {
      const nested = insideAssembly(dir, props.directoryName, root, `${manifestFile}: artifact ${JSON.stringify(clip(id))} properties.directoryName`);
      stacks.push(...readAssembly(nested, root, seen, `${prefix}${props.directoryName}/`));
    } else if (stackIds.has(id)) {
      // Asset manifests and other artifacts also appear among the dependencies; only stacks order deployments.
      const dependencies = Array.isArray(artifact.dependencies)
        ? artifact.dependencies.filter((d: unknown): d is string => typeof d === 'string' && stackIds.has(d)).map((d: string) => `${prefix}${d}`)
        : [];
      const file = (name: string, field: string): string => insideAssembly(dir, name, root, `${manifestFile}: artifact ${JSON.stringify(clip(id))} ${field}`);
      const templateFile = path.relative(root, file(props.templateFile, 'properties.templateFile')).split(path.sep).join('/');
      stacks.push({
        ...readStack(id, artifact, props, file),
        templateFile,
        artifactId: `${prefix}${id}`,
        ...(dependencies.length > 0 ? { dependencies } : {}),
      });
    }
  }
  return stacks;
}

/**
 * What the command line names: one cloud assembly directory, or one or more CloudFormation template files.
 * @throws when a name is neither, or a directory comes with other names; the message names the file and says what
 *   was expected.
 */
export function readAppFiles(names: readonly string[]): AppFiles {
  if (names.length === 0) throw new Error('nothing to read: expected a cloud assembly directory or CloudFormation template files');
  const directories = names.filter(isAssemblyName);
  if (directories.length > 0) {
    if (names.length > 1) {
      throw new Error(`${directories[0]} is a directory, given with ${names.length - 1} other name(s): expected one cloud assembly directory, or template files only`);
    }
    return { kind: 'cloud-assembly', stacks: readCloudAssembly(names[0]) };
  }
  return { kind: 'templates', stacks: readTemplateFiles(names) };
}

/**
 * Loose CloudFormation templates (JSON), one stack each, named after the file: `Keys.template.json` and `Keys.json`
 * are stack `Keys`. The account and Region are unknown (placeholders, flagged) and so is the deploying role.
 * @throws when a file cannot be read, is not JSON, is a cloud assembly manifest, or is not a template (a JSON object
 *   with a `Resources` object, which CloudFormation requires), or when two files give the same stack name.
 */
export function readTemplateFiles(files: readonly string[]): StackFromFile[] {
  const byName = new Map<string, string>();
  return files.map((file) => {
    let doc: unknown;
    try {
      doc = readJson(file);
    } catch (e) {
      throw new Error(`${(e as Error).message}: expected a CloudFormation template in JSON (YAML templates are not read) or a cloud assembly directory`);
    }
    if (isRecord(doc) && isRecord(doc.artifacts) && doc.Resources === undefined) {
      throw new Error(`${file} is a cloud assembly manifest, not a CloudFormation template: give its directory (${path.dirname(file)}) instead`);
    }
    if (!isRecord(doc) || !isRecord(doc.Resources)) {
      const got = !isRecord(doc) ? kindOf(doc) : `an object whose "Resources" is ${kindOf(doc.Resources)}`;
      throw new Error(`${file} holds ${got}: expected a CloudFormation template in JSON (an object with a "Resources" object) or a cloud assembly directory (cdk.out)`);
    }
    const shape = templateShapeProblem(doc, file);
    if (shape !== undefined) throw new Error(shape);
    const stackName = path.basename(file).replace(/(\.template)?\.json$/i, '');
    if (stackName === '') throw new Error(`${file}: no stack name is left once ".json" is taken off the file name: rename the file`);
    const other = byName.get(stackName);
    if (other !== undefined) throw new Error(`${other} and ${file} both give stack name ${JSON.stringify(stackName)} (the file name without .template.json or .json): rename one`);
    byName.set(stackName, file);
    return {
      stackName,
      account: PLACEHOLDER_ACCOUNT,
      region: PLACEHOLDER_REGION,
      partition: partitionOfRegion(PLACEHOLDER_REGION),
      template: doc,
      accountIsPlaceholder: true,
      regionIsPlaceholder: true,
      templateFile: file,
    };
  });
}

/**
 * A directory is read as a cloud assembly. A name that does not exist is too, unless it ends in `.json`: reading it
 * then fails naming the manifest.json it looked for (`cdk.out` not synthesized yet) or the template file.
 */
function isAssemblyName(name: string): boolean {
  try {
    return fs.statSync(name).isDirectory();
  } catch {
    return !/\.json$/i.test(name);
  }
}

/**
 * `name` resolved against `dir`, once checked to lie inside `root` with every symbolic link resolved (a file that
 * does not exist is checked as written; reading it then fails, naming it).
 * @param what the manifest field, for the error: `.../manifest.json: artifact "Stack" properties.templateFile`
 */
function insideAssembly(dir: string, name: string, root: string, what: string): string {
  const file = path.join(dir, name);
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    real = path.resolve(file);
  }
  const relative = path.relative(root, real);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new Error(`${what} is ${JSON.stringify(clip(name, 120))}, which lies outside the cloud assembly directory ${root} (symbolic links resolved): refused`);
  }
  return real;
}

/** Resolves a file the manifest names, checked to lie inside the assembly (`field` names it for errors). */
type AssemblyFile = (name: string, field: string) => string;

function readStack(id: string, artifact: Record<string, any>, props: Record<string, any>, file: AssemblyFile): StackTemplate {
  const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(typeof artifact.environment === 'string' ? artifact.environment : '');
  const rawAccount = env?.[1] ?? 'unknown-account';
  const rawRegion = env?.[2] ?? 'unknown-region';
  const accountIsPlaceholder = !/^\d{12}$/.test(rawAccount);
  const regionIsPlaceholder = rawRegion === 'unknown-region';
  // The Region goes into every ARN of the stack: a value that is no Region code (`us-east-1/../../etc`) is refused.
  if (!regionIsPlaceholder && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(rawRegion)) {
    throw new Error(`artifact ${JSON.stringify(clip(id, 120))}: its environment ${JSON.stringify(clip(String(artifact.environment), 120))} names the Region ${JSON.stringify(clip(rawRegion, 60))}: expected aws://ACCOUNT/REGION with a Region code such as us-east-1 (or unknown-region)`);
  }
  const region = regionIsPlaceholder ? PLACEHOLDER_REGION : rawRegion;
  const constructPaths = constructPathsOf(artifact, file);
  const templateFile = file(props.templateFile, 'properties.templateFile');
  const template = readJson(templateFile);
  if (!isRecord(template)) throw new Error(`${templateFile} holds ${kindOf(template)}: expected a CloudFormation template, a JSON object`);
  const shape = templateShapeProblem(template, templateFile);
  if (shape !== undefined) throw new Error(shape);
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
    template,
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
function constructPathsOf(artifact: Record<string, any>, inside: AssemblyFile): Record<string, string> {
  let metadata: unknown = artifact.metadata;
  if (!isRecord(metadata) && typeof artifact.additionalMetadataFile === 'string') {
    // Outside the assembly it is refused, like any file the manifest names; inside, it may be missing or broken.
    const file = inside(artifact.additionalMetadataFile, 'additionalMetadataFile');
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

/**
 * Reads a JSON file; a UTF-8 byte-order mark before it is skipped (editors on Windows write one). A file that is not
 * JSON is reported by position only: JSON.parse's own message quotes the text, and the file may not be what the
 * manifest claims (a template that is really a secret).
 */
function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON: ${syntaxErrorAt(text, (e as Error).message)} (the file's content is not shown)`);
  }
}

/** Where JSON.parse failed, as line and column when its message gives a position; never the text itself. */
function syntaxErrorAt(text: string, message: string): string {
  if (/end of JSON input/i.test(message)) return 'the text ends before the JSON value does';
  const at = /position (\d+)/.exec(message);
  if (!at) return 'an unexpected character (JSON.parse gives no position)';
  const position = Math.min(Number(at[1]), text.length);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return `syntax error at line ${line}, column ${position - before.lastIndexOf('\n')}`;
}

function tryReadJson(file: string): unknown {
  try {
    return readJson(file);
  } catch {
    return undefined;
  }
}

/** What a value is, without its content: for errors about a file that holds the wrong kind of JSON. */
function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
