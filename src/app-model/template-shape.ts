/**
 * The shape a CloudFormation template must have before the app model reads it: a `Resources` object whose entries are
 * objects with a `Type` string and, when present, a `Properties` object; a KMS key's `KeyPolicy`, when present, a JSON
 * object (or a string holding one, or an intrinsic function). CloudFormation rejects any other template
 * (template-anatomy: "Resources" is an object of logical ids; AWS::KMS::Key: "KeyPolicy" is JSON), so a file that
 * breaks this is not what it claims to be, and reading on would be a silent pass: a key whose `Properties` is a
 * string would be analysed with KMS's default key policy, a `null` resource skipped without a word.
 *
 * Only files read from disk are checked (the CLI's cloud assemblies and loose templates); the synth-time surfaces read
 * templates aws-cdk-lib has just rendered. Errors name the file, the resource and the field, and the kind of value
 * found, never its content. Pure.
 */

/** The first problem of the template's shape, as a message naming `file`; undefined when it is sound. */
export function templateShapeProblem(template: Record<string, unknown>, file: string): string | undefined {
  const resources = template.Resources;
  if (resources === undefined) return undefined;
  if (!isRecord(resources)) {
    return `${file}: "Resources" is ${kindOf(resources)}: expected an object of logical ids (CloudFormation rejects the template, and none of its resources can be read)`;
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    const at = `${file}: resource ${JSON.stringify(logicalId)}`;
    if (!isRecord(resource)) return `${at} is ${kindOf(resource)}: expected an object with a "Type" (CloudFormation rejects the template)`;
    if (typeof resource.Type !== 'string') return `${at} has a "Type" that is ${kindOf(resource.Type)}: expected a resource type name such as "AWS::KMS::Key"`;
    if (resource.Properties !== undefined && !isRecord(resource.Properties)) {
      return `${at} (${resource.Type}) has "Properties" that is ${kindOf(resource.Properties)}: expected an object (CloudFormation rejects the template; read as no properties, a KMS key would seem to have KMS's default key policy)`;
    }
    if ((resource.Type === 'AWS::KMS::Key' || resource.Type === 'AWS::KMS::ReplicaKey') && isRecord(resource.Properties)) {
      const policy = resource.Properties.KeyPolicy;
      if (policy !== undefined && !isRecord(policy) && typeof policy !== 'string') {
        return `${at} (${resource.Type}) has a "KeyPolicy" that is ${kindOf(policy)}: expected a policy document, a JSON object`;
      }
    }
  }
  return undefined;
}

/** What kind of JSON value this is, for messages that must not echo the value itself. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return `a ${typeof value}`;
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
