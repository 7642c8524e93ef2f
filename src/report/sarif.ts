/**
 * `kms-guard report --format sarif`: the rule findings as one SARIF 2.1.0 log (OASIS Static Analysis Results
 * Interchange Format), for code scanning services and IDEs. One run; `tool.driver.rules` is every rule's metadata
 * (ALL_RULES), `results` the findings. The access matrix is not a result (nothing in it is a problem by itself): the
 * run's `properties.keys` only counts, per key, the subjects with each answer.
 *
 * Locations: the stack's template file (relative to the cloud assembly directory, `uriBaseId` `CDK_OUT`; for a loose
 * template, the path as given) and a logical location, the construct path (or `Stack/LogicalId`) with the logical id.
 * `partialFingerprints["kmsGuardFindingId/v1"]` is built from the rule, the stack name, the construct path (or logical
 * id) and the finding id, never from an account, a Region or the message, so that a finding keeps its identity across
 * environments and runs.
 *
 * The log is one JSON document, so findings and key counts are buffered and written by `end`. Pure: the tool version
 * and the template files are passed in.
 */
import { ReportFooter, ReportRenderer } from './report-model';
import { KeyAccess } from '../analysis/effective-access';
import { ALL_RULES } from '../rules';
import { Finding, FindingLocation, acknowledgementId } from '../rules/finding';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Where people learn about the tool (the `repository` of package.json). */
export const TOOL_INFORMATION_URI = 'https://github.com/cdk-kms-guard/cdk-kms-guard';
/** The `uriBaseId` of template files inside the cloud assembly directory. */
export const CDK_OUT_BASE_ID = 'CDK_OUT';
/** The name of the fingerprint in `partialFingerprints`; `/v1` changes if what it is built from ever changes. */
export const FINGERPRINT_NAME = 'kmsGuardFindingId/v1';

/** A stack's template file, for the results' physical locations. */
export interface SarifStackFile {
  readonly stackName: string;
  /** Relative to the cloud assembly directory (with `/`), or, for a loose template, the path as given. */
  readonly templateFile: string;
  /** logicalId -> construct path: tells apart stacks of the same name (in two stages). */
  readonly constructPaths?: Readonly<Record<string, string>>;
}

export interface SarifOptions {
  /** The version of kms-guard (package.json). @default - not stated in the log */
  readonly toolVersion?: string;
  /** The template files of the stacks. @default - results carry logical locations only */
  readonly stacks?: readonly SarifStackFile[];
  /** Whether `templateFile`s are relative to a cloud assembly directory (`CDK_OUT`). @default false */
  readonly fromCloudAssembly?: boolean;
}

type Answer = 'allowed' | 'conditional' | 'uncertain';

export class SarifRenderer implements ReportRenderer {
  private keys: Array<{ key: string; aliases: readonly string[]; evaluated: boolean; subjects: Record<Answer, number> }> = [];

  public constructor(private readonly options: SarifOptions = {}) {}

  public begin(): string[] {
    this.keys = [];
    return [];
  }

  public key(k: KeyAccess): string[] {
    const subjects: Record<Answer, number> = { allowed: 0, conditional: 0, uncertain: 0 };
    for (const s of k.subjects) if (s.answer !== 'denied') subjects[s.answer]++;
    this.keys.push({ key: k.key.constructPath ?? `${k.key.stackName}/${k.key.logicalId}`, aliases: k.key.aliases, evaluated: k.evaluated, subjects });
    return [];
  }

  public end(f: ReportFooter): string[] {
    const log = {
      $schema: SARIF_SCHEMA,
      version: SARIF_VERSION,
      runs: [{
        tool: {
          driver: {
            name: 'kms-guard',
            ...(this.options.toolVersion !== undefined ? { version: this.options.toolVersion } : {}),
            informationUri: TOOL_INFORMATION_URI,
            rules: ALL_RULES.map((r) => ({
              id: r.id,
              name: r.id.replace(/^KmsGuard-/, ''),
              shortDescription: { text: r.summary },
              fullDescription: { text: r.explanation },
              helpUri: r.docLink,
              defaultConfiguration: { level: r.severity },
              properties: { tags: ['security', 'aws-kms'], findingIds: r.findingIds, sources: r.sources },
            })),
          },
        },
        ...(this.options.fromCloudAssembly === true
          ? { originalUriBaseIds: { [CDK_OUT_BASE_ID]: { description: { text: 'The cloud assembly directory (cdk.out) the report read.' } } } }
          : {}),
        results: f.findings.map((x) => this.result(x)),
        properties: { keys: this.keys, warnings: f.warnings },
      }],
    };
    return [JSON.stringify(log, undefined, 2)];
  }

  private result(x: Finding): object {
    const at = x.location;
    const ruleIndex = ALL_RULES.findIndex((r) => r.id === x.ruleId);
    const file = this.templateOf(at);
    const fullyQualifiedName = at.constructPath ?? `${at.stackName}/${at.logicalId}`;
    return {
      ruleId: x.ruleId,
      ...(ruleIndex >= 0 ? { ruleIndex } : {}),
      // The finding's own severity: a rule's error becomes a warning when a value cannot be known offline.
      level: x.severity,
      message: { text: x.message },
      locations: [{
        ...(file !== undefined ? { physicalLocation: { artifactLocation: file } } : {}),
        logicalLocations: [{ fullyQualifiedName, ...(at.logicalId !== '' ? { name: at.logicalId } : {}), kind: 'resource' }],
      }],
      partialFingerprints: { [FINGERPRINT_NAME]: findingFingerprint(x) },
      properties: {
        acknowledgementId: acknowledgementId(x),
        stackName: at.stackName,
        ...(at.policy !== undefined ? { policy: at.policy } : {}),
        ...(at.statement !== undefined ? { statement: at.statement } : {}),
        ...(at.field !== undefined ? { field: at.field } : {}),
      },
    };
  }

  /** The template file of the finding's stack; none when no stack or more than one could hold it. */
  private templateOf(at: FindingLocation): { uri: string; uriBaseId?: string } | undefined {
    const named = (this.options.stacks ?? []).filter((s) => s.stackName === at.stackName);
    // Stages can repeat a stack name; the construct path of the finding's resource tells them apart.
    const stack = named.length === 1
      ? named[0]
      : onlyOne(named.filter((s) => at.constructPath !== undefined && s.constructPaths?.[at.logicalId] === at.constructPath));
    if (stack === undefined) return undefined;
    return this.options.fromCloudAssembly === true
      ? { uri: encodeUri(stack.templateFile), uriBaseId: CDK_OUT_BASE_ID }
      : { uri: encodeUri(stack.templateFile) };
  }
}

/**
 * The stable identity of a finding: rule, stack name, construct path (or logical id) and finding id, joined by `|`.
 * Plain text rather than a hash, so that people can read what it rests on.
 */
export function findingFingerprint(x: Pick<Finding, 'ruleId' | 'findingId' | 'location'>): string {
  return [x.ruleId, x.location.stackName, x.location.constructPath ?? x.location.logicalId, x.findingId].join('|');
}

function onlyOne<T>(list: readonly T[]): T | undefined {
  return list.length === 1 ? list[0] : undefined;
}

/** A file path as a relative URI reference: `/` separators, each segment percent-encoded (spaces, `#`, `%`, ...). */
function encodeUri(file: string): string {
  return file.split(/[\\/]/).map((segment) => encodeURIComponent(segment)).join('/');
}
