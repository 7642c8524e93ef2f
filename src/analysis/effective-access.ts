/**
 * Effective access: for each KMS key of an app, who can do what, under which conditions, decided by the bundled
 * evaluator over every KMS key action of the catalogue (docs/access-analysis.md has the abstraction and why its
 * answers are exact on it).
 *
 * Asked, per key: every principal of the app that a policy of the key can reach (named, narrowed to by
 * aws:PrincipalArn or a principal tag, or delegated to through an IAM policy that reaches the key), principals the
 * policies name that the app does not define (break-glass roles, other accounts' roles), the role that deploys the
 * key's stack, account roots, AWS service principals, and representatives of everyone else: any principal of the
 * key's account given an IAM policy, a principal of another account of the organization the key names, anyone, and an
 * AWS service no policy names. Keys are analysed one at a time (`analyzeKeys` yields each as it is done), each in time
 * linear in what can reach it. Pure.
 */
import { CAPABILITIES, actionsAsked, isActionUsable } from './access/capabilities';
import { KeySetting, evaluateSubject } from './access/evaluate-subject';
import { ACCESS_REPORT_VERSION, ActionsAsked, KeyAccess, SubjectAccess } from './access/model';
import { organizationAssumption, organizationsNamed } from './access/organization';
import { StatementInfo, readStatements } from './access/statements';
import {
  ANY_SERVICE, PrincipalIndex, SubjectSpec, deployerSpec, displayPath, keyReach, namedSpec, representativeSpec, rootSpec, serviceSpec, unusedAccount,
} from './access/subjects';
import { EndpointOption, standInEndpointId } from './access/witnesses';
import { evaluatorKey, usableAliases } from './evaluator-key';
import { stackOf } from './readiness-finding';
import { AppModel, KmsKeyModel, PrincipalModel } from '../app-model/app-model';
import { readPolicy, unresolvedStatements } from '../app-model/policy-readings';
import { isUnresolvedText } from '../app-model/unresolved';
import { KmsAccessEvaluator } from '../evaluator/kms-access-evaluator';

export * from './access/model';
export { CAPABILITIES } from './access/capabilities';

export interface EffectiveAccessOptions {
  /**
   * Grants on the app's keys, by key ARN, in the evaluator's scenario format. CloudFormation has no grant resource,
   * so the app model holds none; a caller that knows of grants passes them here.
   * @default - none
   */
  readonly grants?: Readonly<Record<string, readonly unknown[]>>;
  /**
   * Ask only the actions the key can serve (capabilities.ts isActionUsable: not Sign on a symmetric key, say), for a
   * check that ignores the others (KmsGuard-IntentDrift): each action asked costs an evaluation per subject and
   * variant. A report asks them all, to show what the policies would allow.
   * @default false
   */
  readonly usableOnly?: boolean;
  /** Counts the evaluator's compilations and evaluations (the benchmark reads it). */
  readonly counter?: { evaluations: number; compilations: number };
}

/** What a report says before its keys: the version, the actions asked and the capabilities. */
export interface AccessAnalysisHeader {
  readonly version: number;
  readonly actions: ActionsAsked;
  readonly capabilities: ReadonlyArray<{ readonly id: string; readonly title: string; readonly actions: readonly string[] }>;
  /** Grants are counted only when given: the app model holds none. */
  readonly grantsDeclared: boolean;
}

export interface AccessAnalysis extends AccessAnalysisHeader {
  readonly keys: KeyAccess[];
}

export function accessAnalysisHeader(options: EffectiveAccessOptions = {}): AccessAnalysisHeader {
  const grantsDeclared = Object.values(options.grants ?? {}).some((g) => g.length > 0);
  return {
    version: ACCESS_REPORT_VERSION,
    actions: actionsAsked(grantsDeclared),
    capabilities: CAPABILITIES.map((c) => ({ id: c.id, title: c.title, actions: c.actions })),
    grantsDeclared,
  };
}

/** Analyses every key; see `analyzeKeys` to have them one at a time. */
export function analyzeEffectiveAccess(model: AppModel, options: EffectiveAccessOptions = {}): AccessAnalysis {
  return { ...accessAnalysisHeader(options), keys: [...analyzeKeys(model, options)] };
}

/** Analyses the keys one at a time, in the model's order. */
export function* analyzeKeys(model: AppModel, options: EffectiveAccessOptions = {}): Generator<KeyAccess> {
  const app = appIndex(model);
  const counter = options.counter ?? { evaluations: 0, compilations: 0 };
  for (const key of model.keys) yield analyzeKey(app, key, options, counter);
}

/**
 * The setting and the subjects the analysis of `key` asks about, without asking them: for `kms-guard explain`, which
 * evaluates one request of one subject exactly as the analysis builds it (evaluate-subject.ts, explainRequest).
 * `problem` says why the key cannot be evaluated at all (an invalid key policy), as the analysis notes it.
 */
export function keySubjects(model: AppModel, key: KmsKeyModel, options: EffectiveAccessOptions = {}): {
  readonly setting: KeySetting;
  readonly subjects: ReadonlyArray<{ readonly spec: SubjectSpec; readonly member: boolean }>;
  /** Whether a subject that is not among `subjects` (a principal named on the command line) is a member of the key's organization. */
  readonly memberOf: (spec: SubjectSpec) => boolean;
  readonly placeholderAccount: boolean;
  readonly notes: readonly string[];
  readonly problem?: string;
} {
  const app = appIndex(model);
  const prepared = prepareKey(app, key, options, options.counter ?? { evaluations: 0, compilations: 0 });
  const problem = keyProblem(key, prepared.setting.scenarioKey, prepared.setting.grants, prepared.notes);
  const appAccounts = new Set(app.principals.appAccounts);
  return {
    setting: prepared.setting,
    subjects: prepared.specs,
    memberOf: (spec) => isMember(spec, prepared.setting.organization, appAccounts),
    placeholderAccount: prepared.keyAccess.accountIsPlaceholder,
    notes: prepared.notes,
    ...(problem !== undefined ? { problem } : {}),
  };
}

function appIndex(model: AppModel): AppIndex {
  const app: AppIndex = {
    model,
    principals: new PrincipalIndex(model),
    order: new Map(model.principals.map((p, i) => [p, i])),
    servicesByKey: new Map(),
    // IAM-side policies may allow KMS only through an endpoint (kms-vpc-endpoint.md: aws:SourceVpce and aws:SourceVpc
    // work "in a key policy or IAM policy"): their endpoints are tried for every key, or such a request would be
    // reported denied when AWS allows it. Read once per app: usually none.
    identityEndpointStatements: model.principals
      .flatMap((p) => [...p.identityPolicies, ...(p.permissionsBoundary !== undefined ? [p.permissionsBoundary] : [])])
      .filter((doc) => /"aws:sourcevpce?"/i.test(JSON.stringify(doc ?? null)))
      .flatMap((doc) => readStatements(doc, 'identity policy').statements),
  };
  for (const r of model.encryptedResources) {
    const sp = r.integration.servicePrincipal;
    if (sp) app.servicesByKey.set(r.keyArn, [...app.servicesByKey.get(r.keyArn) ?? [], sp.principal]);
  }
  return app;
}

/** Whether a subject is evaluated as a member of the key's organization: a non-service principal of an app account, or the organization's representative. */
function isMember(spec: SubjectSpec, organization: string | undefined, appAccounts: ReadonlySet<string>): boolean {
  return organization !== undefined && !spec.isService && spec.access.account !== undefined
    && (appAccounts.has(spec.access.account) || spec.access.kind === 'organization-principal');
}

/** What every key's analysis looks up, built once per app so that each key costs only what reaches it. */
interface AppIndex {
  readonly model: AppModel;
  readonly principals: PrincipalIndex;
  /** The model's order of its principals: subjects are listed in it. */
  readonly order: ReadonlyMap<PrincipalModel, number>;
  /** Service principal templates (`logs.{region}.amazonaws.com`) of the app's resources encrypted with each key. */
  readonly servicesByKey: Map<string, string[]>;
  /** The statements of the app's identity policies and boundaries that test aws:SourceVpce or aws:SourceVpc. */
  readonly identityEndpointStatements: readonly StatementInfo[];
}

function analyzeKey(
  app: AppIndex, key: KmsKeyModel, options: EffectiveAccessOptions, counter: { evaluations: number; compilations: number },
): KeyAccess {
  const { setting, specs, notes, keyAccess, organizationInfo, scenarioKey } = prepareKey(app, key, options, counter);
  const problem = keyProblem(key, scenarioKey, setting.grants, notes);
  if (problem) {
    notes.push(problem);
    const subjects = specs.map(({ spec }): SubjectAccess => ({ subject: spec.access, answer: 'denied', capabilities: [], unknowns: [], notes: [...spec.notes] }));
    return { key: keyAccess, ...(organizationInfo ? { organization: organizationInfo } : {}), subjects, evaluated: false, notes };
  }
  const subjects = specs.map(({ spec, member }) => evaluateSubject(setting, spec, member));
  return {
    key: keyAccess,
    ...(organizationInfo ? { organization: organizationInfo } : {}),
    subjects: markLockout(key, subjects, notes),
    evaluated: true,
    notes,
  };
}

/** Everything the analysis of a key asks with: the key's setting, its subjects, and the notes so far. */
interface PreparedKey {
  readonly setting: KeySetting;
  readonly specs: Array<{ spec: SubjectSpec; member: boolean }>;
  readonly notes: string[];
  readonly keyAccess: KeyAccess['key'];
  readonly organizationInfo: KeyAccess['organization'];
  readonly scenarioKey: Record<string, unknown>;
}

function prepareKey(
  app: AppIndex, key: KmsKeyModel, options: EffectiveAccessOptions, counter: { evaluations: number; compilations: number },
): PreparedKey {
  const { model, principals: index } = app;
  const notes: string[] = [];
  const stack = stackOf(model, key);
  const placeholder = stack?.accountIsPlaceholder === true;
  const grants = options.grants?.[key.arn] ?? [];
  const allAsked = actionsAsked(grants.length > 0).asked;
  const asked = options.usableOnly ? allAsked.filter((a) => isActionUsable(a, key)) : allAsked;
  const modelEndpoints = model.endpoints.filter((e) => e.account === key.account && e.region === key.region && /^vpce-[0-9a-z]+$/.test(e.id));
  const endpointPolicies = modelEndpoints.map((e) => e.policy).filter((p) => p !== undefined);
  const endpoints = endpointOptions(key, modelEndpoints, app.identityEndpointStatements);
  const orgIds = organizationsNamed([key.policy, ...endpointPolicies]);
  const organization = orgIds[0];
  // The evaluator rejects alias names it cannot use (unresolved, or alias/aws/...), so only real ones go in.
  const scenarioKey = evaluatorKey(key, { usableAliasesOnly: true });
  const keyUnknowns = unresolvedStatements(key.policy).map((where) => `${where} of the key policy, which holds values unknown offline`);
  const setting: KeySetting = {
    key,
    scenarioKey,
    asked,
    endpoints,
    endpointsMentioned: /"aws:sourcevpce?"/i.test(JSON.stringify(key.policy ?? null)) || app.identityEndpointStatements.length > 0,
    ...(organization !== undefined ? { organization } : {}),
    grants,
    aliasArn: `arn:${key.partition}:kms:${key.region}:${key.account}:${usableAliases(key)[0] ?? 'alias/kms-guard-probe'}`,
    grantOperation: key.keyUsage === 'SIGN_VERIFY' ? 'Sign' : key.keyUsage === 'GENERATE_VERIFY_MAC' ? 'GenerateMac' : key.keyUsage === 'KEY_AGREEMENT' ? 'DescribeKey' : 'Decrypt',
    unknowns: keyUnknowns,
    marked: new Map(),
    keyParts: new Map(),
    counter,
  };

  notes.push(...keyNotes(key, placeholder));
  for (const where of unresolvedStatements(key.policy)) {
    notes.push(`${where} of the key policy cannot be fully resolved: answers marked uncertain depend on it, and an unresolved principal is never taken for a specific one`);
  }
  const organizationInfo = organization === undefined ? undefined : {
    id: organization,
    alsoNamed: orgIds.slice(1),
    assumption: organizationAssumption(organization, index.appAccounts),
  };
  if (orgIds.length > 1) notes.push(`the key's policies name several organizations (${orgIds.join(', ')}): members are evaluated in ${organization} only`);

  const grantees = grants.map((g) => (g as { granteePrincipal?: unknown }).granteePrincipal).filter((g): g is string => typeof g === 'string');
  const specs = subjectsFor(app, key, placeholder, endpointPolicies, grantees, organization, notes);
  const keyAccess = {
    stackName: key.stackName,
    logicalId: key.logicalId,
    ...(key.constructPath !== undefined ? { constructPath: key.constructPath } : {}),
    arn: key.arn,
    accountIsPlaceholder: placeholder,
    aliases: key.aliases,
    account: key.account,
    region: key.region,
    keySpec: key.keySpec,
    keyUsage: key.keyUsage,
  };
  return { setting, specs, notes, keyAccess, organizationInfo, scenarioKey };
}

/** The model's KMS endpoints of the key's account and Region, and those the key policy admits by id or by VPC. */
function endpointOptions(key: KmsKeyModel, modelEndpoints: AppModel['endpoints'], identityStatements: readonly StatementInfo[]): EndpointOption[] {
  const options: EndpointOption[] = modelEndpoints.map((e) => ({
    id: e.id,
    ...(e.vpcId && !isUnresolvedText(e.vpcId) ? { vpcId: e.vpcId } : {}),
    ...(e.policy !== undefined ? { policy: e.policy } : {}),
    inApp: true,
    label: `endpoint ${e.id} (${displayPath(e)})`,
  }));
  for (const st of [...readStatements(key.policy, 'key policy').statements, ...identityStatements]) {
    for (const c of st.conditions) {
      if (!c.base.toLowerCase().startsWith('string')) continue;
      for (const v of c.values) {
        if (c.lowerKey === 'aws:sourcevpce' && /^vpce-[0-9a-z]+$/.test(v) && !options.some((o) => o.id === v)) {
          options.push({ id: v, inApp: false, label: `endpoint ${v} (admitted by id; not in the app)` });
        } else if (c.lowerKey === 'aws:sourcevpc' && /^vpc-[0-9a-z]+$/.test(v) && !options.some((o) => o.vpcId === v)) {
          options.push({ id: standInEndpointId(v), vpcId: v, inApp: false, label: `a KMS endpoint in ${v} (admitted by VPC; not in the app)` });
        }
      }
    }
  }
  return options;
}

function keyNotes(key: KmsKeyModel, placeholder: boolean): string[] {
  const notes: string[] = [];
  if (key.defaultPolicy) notes.push('the template sets no key policy, so KMS applies its default one: the account, kms:* (key-policy-default.md)');
  if (key.enabled === false) notes.push('the key is disabled: KMS refuses cryptographic operations until it is enabled, whatever the policies allow');
  if (placeholder) notes.push(`account ${key.account} is a placeholder (environment-agnostic stack): read it as "the account the stack is deployed to"; ARNs built from it are synthetic`);
  return notes;
}

/**
 * Why the key (its strict reading, with the grants declared on it) cannot be evaluated at all, or undefined; key-policy
 * warnings become notes. A grant the evaluator refuses makes every subject's requests unevaluable: said once, here.
 */
function keyProblem(key: KmsKeyModel, scenarioKey: Record<string, unknown>, grants: readonly unknown[], notes: string[]): string | undefined {
  const root = `arn:${key.partition}:iam::${key.account}:root`;
  const result = KmsAccessEvaluator.evaluate({
    key: { ...scenarioKey, policy: readPolicy(key.policy, 'strict', true) },
    caller: { arn: root },
    request: { action: 'kms:DescribeKey' },
    ...(grants.length > 0 ? { grants } : {}),
  });
  for (const w of result.warnings) if (w.policy === 'key policy') notes.push(`key policy, ${w.statement ?? 'document'}: ${w.message}`);
  const error = result.errors[0];
  if (!error) return undefined;
  const detail = `${error.message}${error.statement ? ` (${error.statement})` : ''}`;
  return error.policy === 'key policy'
    ? `the key policy is invalid, so KMS would reject it and nobody's access is evaluated: ${detail}`
    : `the key cannot be evaluated, so nobody's access is evaluated: ${detail}`;
}

function subjectsFor(
  app: AppIndex, key: KmsKeyModel, placeholder: boolean, endpointPolicies: readonly unknown[],
  grantees: readonly string[], organization: string | undefined, notes: string[],
): Array<{ spec: SubjectSpec; member: boolean }> {
  const { model, principals: index, order } = app;
  const reach = keyReach(key, index, endpointPolicies, grantees);
  const appAccounts = new Set(index.appAccounts);
  const out: Array<{ spec: SubjectSpec; member: boolean }> = [];
  const seen = new Set<string>();
  const add = (spec: SubjectSpec): void => {
    if (seen.has(spec.access.id)) return;
    seen.add(spec.access.id);
    out.push({ spec, member: isMember(spec, organization, appAccounts) });
  };
  const exempt = (arn: string): string[] | undefined => reach.exemptions.get(arn.toLowerCase());
  for (const p of [...reach.appPrincipals].sort((a, b) => order.get(a)! - order.get(b)!)) {
    const spec = index.spec(p);
    const e = exempt(p.arn);
    add(e ? { ...spec, access: { ...spec.access, exemptFrom: e } } : spec);
  }
  const deployer = deployerSpec(model, key, placeholder);
  if (deployer.note) notes.push(deployer.note);
  const deployerRole = deployer.spec?.access.arn.toLowerCase();
  for (const arn of reach.namedArns) {
    if (arn.toLowerCase() !== deployerRole) add(namedSpec(arn, key, placeholder, exempt(arn)));
  }
  if (deployer.spec) add(deployer.spec);
  add(rootSpec(key.partition, key.account, key, placeholder));
  for (const account of reach.delegatedAccounts) if (account !== key.account) add(rootSpec(key.partition, account, key, placeholder));

  const text = JSON.stringify(key.policy ?? null);
  add(representativeSpec('account-principal', key.partition, key.account, `any principal of ${key.account} given an IAM policy allowing kms:*`));
  if (organization !== undefined) {
    const other = unusedAccount('888888888888', appAccounts, text);
    add(representativeSpec('organization-principal', key.partition, other, `a principal of another account of organization ${organization} (its IAM policies allowing kms:*)`));
  }
  const outside = unusedAccount('999999999999', appAccounts, text);
  add(representativeSpec('anyone', key.partition, outside, `anyone: a principal of an account outside the app${organization ? ` and outside ${organization}` : ''} (its IAM policies allowing kms:*)`));

  const services = new Set(reach.services);
  for (const sp of app.servicesByKey.get(key.arn) ?? []) services.add(sp.replace(/\{region\}/g, key.region).toLowerCase());
  for (const s of services) add(serviceSpec(s, false));
  add(serviceSpec(ANY_SERVICE, true, 'any AWS service the policies do not name, acting as itself'));
  for (const sid of reach.everyone) {
    notes.push(`${sid} of the key policy allows Principal "*": every principal it admits is represented by the rows "any principal of ${key.account}", "anyone" and the services; principals of the app appear by name only where another statement or their IAM policies reach the key`);
  }
  return out;
}

/** Marks the only subject able to call kms:PutKeyPolicy, or notes that nobody can. */
function markLockout(key: KmsKeyModel, subjects: SubjectAccess[], notes: string[]): SubjectAccess[] {
  const answerOf = (s: SubjectAccess): string | undefined =>
    s.capabilities.flatMap((c) => c.actions).find((a) => a.action === 'kms:PutKeyPolicy')?.answer;
  const managers = subjects.filter((s) => answerOf(s) === 'allowed' || answerOf(s) === 'conditional');
  if (managers.length === 0) {
    const maybe = subjects.some((s) => answerOf(s) === 'uncertain');
    notes.push(maybe
      ? 'possibly locked out: only if values unknown offline turn out a certain way can anyone call kms:PutKeyPolicy'
      : `locked out: no principal of the app, none the policies name, not the deployer and not the root user of ${key.account} can call kms:PutKeyPolicy; only AWS Support can restore access`);
    return subjects;
  }
  const only = managers[0];
  if (managers.length !== 1 || only.subject.representative || only.subject.kind === 'account-root') return subjects;
  notes.push(`only ${only.subject.label} can call kms:PutKeyPolicy: if it is deleted or loses that permission, the key is locked out`);
  return subjects.map((s) => (s === only ? { ...s, lockoutRisk: true } : s));
}
