/**
 * The validation GuardedKmsKey, VpceRestrictedKey and CrossAccountKeyShare register on themselves (their `validation`
 * prop, on by default): the kms-guard rules, run at validation time over the final templates of the construct's stage
 * (so what grants, other constructs and escape hatches changed after construction is checked too), reporting the
 * findings about the construct's own key (and, for a share, its consumer policy). Error findings fail synthesis
 * (`[construct path] KmsGuard-Rule[Id] ...`); warnings become warning annotations.
 *
 * The stage is evaluated once per synthesis, for every self-validating construct and KmsGuardAspect together
 * (app-findings.ts); a finding is reported once, by the first construct registered that owns it, and then not by the
 * aspect.
 */
import { CfnResource, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PlacedFinding, StageEvaluation, currentEvaluation, ownerOf, registerOwner } from './app-findings';
import { reportFindings } from './report';
import { findingId } from '../rules/finding';
import { shortPath } from '../rules/support/readiness';

/** What a self-validating construct reports. */
export interface SelfValidationScope {
  /** Keys of the app (`kms.Key`, GuardedKmsKey) whose findings are the construct's: on the key, and on the resources encrypted with it. */
  readonly keys?: readonly IConstruct[];
  /** Other constructs whose findings are the construct's (its own subtree always is). */
  readonly constructs?: readonly IConstruct[];
  /** Identity policies (their constructs) whose findings are the construct's: findings that name them as their policy. */
  readonly policies?: readonly IConstruct[];
}

/**
 * Registers the kms-guard rules as a validation of `construct`, reporting the findings `scope` selects. The scope is
 * read at validation time (a function, so that constructs may name what they create after the call).
 */
export function addSelfValidation(construct: IConstruct, scope: () => SelfValidationScope): void {
  const stage = Stage.of(construct);
  if (!stage) return;
  // What the construct owns, read once per evaluation (the owners are asked about every finding of the app).
  const reads = new WeakMap<StageEvaluation, Ownership>();
  const ownership = (evaluation: StageEvaluation): Ownership => {
    let read = reads.get(evaluation);
    if (!read) {
      read = ownershipOf(construct, scope(), evaluation);
      reads.set(evaluation, read);
    }
    return read;
  };
  const owner = {
    construct,
    owns: (placed: PlacedFinding, evaluation: StageEvaluation) => owns(ownership(evaluation), placed),
    keyPaths: () => (scope().keys ?? []).map((key) => (key.node.defaultChild ?? key).node.path),
  };
  registerOwner(stage, owner);
  construct.node.addValidation({
    validate: () => {
      const evaluation = currentEvaluation(stage);
      return reportFindings(construct, evaluation.placed.filter((p) => ownerOf(stage, p) === owner));
    },
  });
}

/** What a self-validating construct owns in one evaluation. */
interface Ownership {
  /** Its findings are those placed within these constructs. */
  readonly subtrees: ReadonlySet<IConstruct>;
  /**
   * `stack/logicalId` of the resources encrypted with its keys, and the finding ids it owns there (`Key::<path>` of
   * its keys; any other kind of id is owned).
   */
  readonly encrypted: ReadonlySet<string>;
  readonly keyIds: ReadonlySet<string>;
  /** How the app model names its identity policies (`policy Stack/LogicalId`, `managed policy ...`). */
  readonly policies: readonly string[];
}

function ownershipOf(construct: IConstruct, scope: SelfValidationScope, evaluation: StageEvaluation): Ownership {
  const keys = scope.keys ?? [];
  const encrypted = new Set<string>();
  const keyIds = new Set<string>();
  const model = evaluation.model;
  if (model) {
    const paths = new Set(keys.map((key) => (key.node.defaultChild ?? key).node.path));
    for (const k of model.keys) {
      if (k.constructPath === undefined || !paths.has(k.constructPath)) continue;
      keyIds.add(findingId('Key', shortPath(k.constructPath, `${k.stackName}/${k.logicalId}`)));
      for (const r of model.encryptedResources) if (r.keyArn === k.arn) encrypted.add(`${r.location.stackName}/${r.location.logicalId}`);
    }
  }
  return {
    subtrees: new Set([construct, ...(scope.constructs ?? []), ...keys]),
    encrypted,
    keyIds,
    policies: (scope.policies ?? []).flatMap(policyNames),
  };
}

/**
 * A finding within the construct, its keys or its other constructs; a key-policy finding on a resource the app
 * encrypts with one of its keys (the deployer cannot create it, its service cannot use the key: a resource encrypted
 * with several keys has one `Key::<key path>` finding per key); a finding that names one of its identity policies.
 */
function owns(ownership: Ownership, placed: PlacedFinding): boolean {
  for (let c: IConstruct | undefined = placed.construct; c; c = c.node.scope) if (ownership.subtrees.has(c)) return true;
  const at = placed.finding.location;
  if (at.policy === 'key policy' && ownership.encrypted.has(`${at.stackName}/${at.logicalId}`)) {
    return !placed.finding.findingId.startsWith('Key::') || ownership.keyIds.has(placed.finding.findingId);
  }
  const policy = at.policy;
  return policy !== undefined && ownership.policies.some((name) => policy === name || policy.startsWith(`${name} `));
}

/** How the app model names an identity policy: `policy <stack>/<logical id>` or `managed policy ...` (then a `via` suffix for groups). */
function policyNames(construct: IConstruct): string[] {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) return [];
  const where = `${resource.stack.stackName}/${resource.stack.resolve(resource.logicalId)}`;
  return [`policy ${where}`, `managed policy ${where}`];
}

