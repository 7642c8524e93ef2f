/**
 * A rule: its metadata as data (id, severity, summary, explanation, links), and a pure function from the app model to
 * findings. Rules never throw on template content and never call AWS; every surface runs the same functions.
 */
import { Finding, Severity } from './finding';
import { AppModel } from '../app-model/app-model';

/** Every rule id starts with this, followed by `-` and the rule's name: the cdk-nag pack name. */
export const RULE_PACK = 'KmsGuard';

/** Where docs/rules.md is published: each rule's `docLink` is an anchor in it. */
export const RULES_DOC_URL = 'https://github.com/cdk-kms-guard/cdk-kms-guard/blob/main/docs/rules.md';

/** What a rule checks and why, for people: the generated rules table, the cdk-nag report and the README read it. */
export interface RuleInfo {
  /** `KmsGuard-<Name>`; also the name of the rule's file in src/rules. */
  readonly id: string;
  /**
   * The severity of the rule's findings. A finding about a value that cannot be known offline (an unresolved token,
   * an unknown deployer) is a warning whatever the rule's severity: "cannot verify", never a silent pass.
   */
  readonly severity: Severity;
  /** One line: what the rule requires. */
  readonly summary: string;
  /** Why: what goes wrong when the rule is broken. */
  readonly explanation: string;
  /** The rule's section of docs/rules.md. */
  readonly docLink: string;
  /** The forms of the rule's finding ids (`Statement::<Sid or index>`, ...): what an acknowledgement names. */
  readonly findingIds: readonly string[];
  /** The AWS documentation pages the rule rests on. */
  readonly sources: readonly string[];
}

/** A rule: metadata plus the check. The check is pure over the (plain JSON) app model. */
export interface Rule extends RuleInfo {
  readonly check: (model: AppModel) => Finding[];
}

/** The docs/rules.md anchor of a rule id (GitHub's: lower case, punctuation dropped). */
export function ruleDocLink(id: string): string {
  return `${RULES_DOC_URL}#${id.toLowerCase().replace(/[^a-z0-9 -]/g, '')}`;
}

/** A KMS Developer Guide page. */
export function kmsGuide(page: string): string {
  return `https://docs.aws.amazon.com/kms/latest/developerguide/${page}.html`;
}
