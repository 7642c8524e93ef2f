/**
 * What a rule reports: one problem, where it is, and a stable id so that it can be acknowledged on its own. Pure data,
 * the same for every surface (the aspect, the cdk-nag pack, the CLI).
 */

/** `error` fails synthesis; `warning` is reported and never fails it. */
export type Severity = 'error' | 'warning';

/** Where a finding is, as precisely as the rule knows it. */
export interface FindingLocation {
  readonly stackName: string;
  /** The logical id of the resource the finding is attached to (a key, an encrypted resource, an endpoint). */
  readonly logicalId: string;
  /** The construct path of that resource (`Stack/Key/Resource`), when the template or the app gives it. */
  readonly constructPath?: string;
  /** `key policy`, `endpoint policy`, or the identity policy, as the app model names it (`policy Stack/Role/DefaultPolicy`). */
  readonly policy?: string;
  /** The statement, as the evaluator names it: `Sid "Name"` or `statement #2`. */
  readonly statement?: string;
  /** The element of the statement or resource, e.g. `Principal`, `Action`, `Condition`, `EnableKeyRotation`. */
  readonly field?: string;
}

export interface Finding {
  /** The rule, e.g. `KmsGuard-PublicKeyAccess`. */
  readonly ruleId: string;
  /**
   * Stable within the rule and the resource: `Statement::<Sid or index>`, `Principal::<construct path>`, ... Never an
   * account, a Region or a hash, so that an acknowledgement made for one environment holds in every other.
   */
  readonly findingId: string;
  readonly severity: Severity;
  readonly location: FindingLocation;
  /** What is wrong, the value received, what was expected, and how to fix it. */
  readonly message: string;
}

/**
 * A finding id: `<kind>::<value>`. cdk-nag 3 and `Validations.acknowledge` read `Rule[Kind::Value]`, and CDK rejects
 * an id with a second `::` (it is reserved for the plugin prefix), so the value keeps no `::`, and no square bracket
 * (which would end the finding part early). Whitespace runs become one space.
 */
export function findingId(kind: string, value: string): string {
  const clean = (text: string): string => text.replace(/::+/g, ':').replace(/\[/g, '(').replace(/\]/g, ')').replace(/\s+/g, ' ').trim();
  return `${clean(kind)}::${clean(value) || '-'}`;
}

/** The id that acknowledges exactly this finding: `KmsGuard-Rule[Kind::Value]`. */
export function acknowledgementId(finding: Pick<Finding, 'ruleId' | 'findingId'>): string {
  return `${finding.ruleId}[${finding.findingId}]`;
}

/** One line for people: `ERROR Stack/Key/Resource KmsGuard-Rule[Id] (key policy, Sid "X", Principal): message`. */
export function formatFinding(finding: Finding): string {
  const at = finding.location;
  const where = [at.policy, at.statement, at.field].filter((x) => x !== undefined).join(', ');
  return `${finding.severity === 'error' ? 'ERROR' : 'WARN'} ${at.constructPath ?? `${at.stackName}/${at.logicalId}`} ${acknowledgementId(finding)}${where ? ` (${where})` : ''}: ${finding.message}`;
}
