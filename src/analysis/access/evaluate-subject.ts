/**
 * Decides, for one key and one subject, every action asked about: the bundled evaluator (KmsAccessEvaluator) is
 * given the subject's policies once per reading, endpoint and tag set (compiled scenarios), then asked each action
 * plain and under the witnesses of witnesses.ts, fewest requirements first. The minimal allowed variants are the
 * answer's paths; the statements that decided each path, and the Deny statements a plain request hits and the path
 * avoids, give the conditions a report quotes. Pure.
 */
import { CAPABILITIES, isActionUsable, isUsable } from './capabilities';
import {
  ANSWER_ORDER, AccessAnswer, AccessPath, ActionAccess, CapabilityAccess, DecidingCondition, Requirement, SubjectAccess,
} from './model';
import { Marked, Reading, markUnknownConditions, read } from './readings';
import { PolicyInfo, actionIndex, categoryOf, findStatement, readStatements } from './statements';
import { PolicySource, SubjectSpec } from './subjects';
import { DimensionSetting, EndpointOption, PLAIN, Variant, dimensionsFor, isContainedIn, overlappingPatterns, variantsOf } from './witnesses';
import { KmsKeyModel } from '../../app-model/app-model';
import { unresolvedStatements } from '../../app-model/policy-readings';
import { containsUnresolved, isUnresolvedText } from '../../app-model/unresolved';
import { CompiledScenario, EvaluationResult, KmsAccessEvaluator } from '../../evaluator/kms-access-evaluator';
import { ENCRYPTION_CONTEXT_ACTIONS, actionFacts } from '../../policy/catalogue';

/** What every subject of one key shares: built once per key. */
export interface KeySetting {
  readonly key: KmsKeyModel;
  /** The evaluator's `key` object, without the policy. */
  readonly scenarioKey: Readonly<Record<string, unknown>>;
  readonly asked: readonly string[];
  readonly endpoints: readonly EndpointOption[];
  /** Some policy of the key compares aws:SourceVpce or aws:SourceVpc: requests through endpoints are worth trying. */
  readonly endpointsMentioned: boolean;
  /** The organization members are evaluated in, when the key's policies name one and compare aws:PrincipalOrgID. */
  readonly organization?: string;
  readonly grants: readonly unknown[];
  /** An alias ARN of the key, for CreateAlias, DeleteAlias and UpdateAlias. */
  readonly aliasArn: string;
  /** The operation a CreateGrant asks to grant: the key's main operation. */
  readonly grantOperation: string;
  /** Unknowns of the key itself (unresolved statements of its policy), named for uncertain answers. */
  readonly unknowns: readonly string[];
  /** Per classification setting: the key policy and endpoint policies with unknown conditions marked. */
  readonly marked: Map<string, { key: Marked; endpoints: Map<string, Marked> }>;
  /** The compiled key parts of the scenarios, by marks, then reading and endpoint (keyPartOf). */
  readonly keyParts: Map<Marks, Map<string, KeyPart>>;
  /** Evaluations made, for the benchmark. */
  counter: { evaluations: number; compilations: number };
}

/** An endpoint policy that allows nothing: the strict reading of an endpoint outside the app. */
const DENY_ALL_ENDPOINT = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }] };

interface Compiled {
  readonly scenario: CompiledScenario;
  /** The scenario compiled (without a request), for `kms-guard explain`. */
  readonly source: Record<string, unknown>;
  readonly keyPolicy: unknown;
  readonly identity: readonly PolicySource[];
  readonly boundary?: unknown;
  readonly endpointPolicy?: unknown;
  readonly infos: Map<string, PolicyInfo>;
}

/**
 * The subject's policies as the analysis evaluates them: the key's and endpoints' policies (markedFor) and the subject's
 * identity policies and boundary, each with its conditions on values unknown offline marked (markUnknownConditions).
 * One place for `evaluateSubject` and `explainRequest`, so that explain shows the scenario the report decided.
 */
function markedSubject(ks: KeySetting, spec: SubjectSpec) {
  const classify = { service: spec.isService, anyTags: spec.anyTags, symmetric: ks.key.keySpec === 'SYMMETRIC_DEFAULT' };
  const markIdentity = (p: PolicySource, i: number): PolicySource & { unknown: readonly string[] } => {
    const m = markUnknownConditions(p.document, `identity policy #${i} (${p.source})`, classify);
    return { source: p.source, document: m.document, unknown: m.unknown };
  };
  const identity = spec.isService ? [] : spec.identity.map(markIdentity);
  return {
    classify,
    marks: markedFor(ks, classify),
    identity,
    possible: spec.isService ? [] : spec.possible.map((p, i) => markIdentity(p, identity.length + i)),
    boundaryStrict: spec.boundaryStrict === undefined ? undefined : markUnknownConditions(spec.boundaryStrict, 'permissions boundary', classify),
    boundaryPermissive: spec.boundaryPermissive === undefined ? undefined : markUnknownConditions(spec.boundaryPermissive, 'permissions boundary', classify),
  };
}

/**
 * What a subject's answers depend on that is unknown offline (named for uncertain answers), and the readings to ask:
 * the permissive one too when some policy in play holds unknown values, so that an answer that depends on them is
 * shown as such. `endpoints`: those the requests may go through.
 */
function uncertaintiesOf(
  ks: KeySetting, spec: SubjectSpec, m: ReturnType<typeof markedSubject>, endpoints: readonly EndpointOption[],
): { unknowns: string[]; readings: Reading[] } {
  const { marks, identity, possible, boundaryStrict, boundaryPermissive } = m;
  const unknowns = [...new Set([
    ...spec.unknowns,
    ...ks.unknowns,
    ...marks.key.unknown,
    ...identity.flatMap((p) => p.unknown),
    // The permissive reading uses the policies that may be attached and the permissive boundary: an answer it alone
    // allows may depend on their unknown conditions too.
    ...possible.flatMap((p) => p.unknown),
    ...boundaryStrict?.unknown ?? [],
    ...boundaryPermissive?.unknown ?? [],
    ...endpoints.flatMap((e) => (e.inApp ? marks.endpoints.get(e.id)?.unknown ?? [] : [`the policy of ${e.label}`])),
    ...endpoints.flatMap((e) => (e.inApp ? unresolvedStatements(e.policy).map((where) => `${where} of the policy of ${e.label}, which holds values unknown offline`) : [])),
  ])];
  const permissiveNeeded = possible.length > 0
    || spec.boundaryStrict !== spec.boundaryPermissive
    || containsUnresolved(marks.key.document)
    || identity.some((p) => containsUnresolved(p.document))
    || containsUnresolved(boundaryStrict?.document)
    || endpoints.some((e) => !e.inApp || containsUnresolved(marks.endpoints.get(e.id)?.document));
  return { unknowns, readings: permissiveNeeded ? ['strict', 'permissive'] : ['strict'] };
}

/** Evaluates one subject; `member` says whether it is a member of `setting.organization`. */
export function evaluateSubject(ks: KeySetting, spec: SubjectSpec, member: boolean): SubjectAccess {
  const key = ks.key;
  const marked = markedSubject(ks, spec);
  const { classify, marks, identity, possible, boundaryStrict, boundaryPermissive } = marked;
  const notes = [...spec.notes];
  const endpointsInPlay = ks.endpointsMentioned ? ks.endpoints : [];

  const { unknowns, readings } = uncertaintiesOf(ks, spec, marked, endpointsInPlay);

  // What the policies mention, for the witnesses: every document either reading may use.
  const infos: PolicyInfo[] = [
    readStatements(marks.key.document, 'key policy'),
    ...[...identity, ...possible].map((p, i) => readStatements(p.document, `identity policy #${i}`)),
    ...(boundaryPermissive ? [readStatements(boundaryPermissive.document, 'permissions boundary')] : []),
    ...(boundaryStrict ? [readStatements(boundaryStrict.document, 'permissions boundary')] : []),
    ...endpointsInPlay.filter((e) => e.inApp).map((e) => readStatements(marks.endpoints.get(e.id)?.document, 'VPC endpoint policy')),
  ];
  const dimSetting: DimensionSetting = {
    ...classify,
    encryptionContext: false,
    createGrant: false,
    aliases: key.aliases.filter((a) => a.startsWith('alias/')),
    endpoints: ks.endpoints,
    region: key.region,
  };

  const compiledCache = new Map<string, Compiled | null>();
  const compiled = (reading: Reading, v: Variant, asMember: boolean): Compiled | undefined => {
    const tagKey = v.tags ? JSON.stringify(v.tags) : '';
    const id = `${reading}|${v.endpoint ?? ''}|${tagKey}|${asMember}`;
    let c = compiledCache.get(id);
    if (c === undefined) {
      c = compile(ks, spec, reading, v, asMember, reading === 'strict' ? identity : [...identity, ...possible],
        (reading === 'strict' ? boundaryStrict : boundaryPermissive)?.document, marks, notes) ?? null;
      compiledCache.set(id, c);
    }
    return c ?? undefined;
  };

  const accesses = new Map<string, ActionAccess>();
  let someAllowed = false;
  for (const action of ks.asked) {
    const access = decideAction(ks, spec, action, readings, infos, dimSetting, compiled, member, unknowns, notes);
    accesses.set(action, access);
    if (access.answer !== 'denied') someAllowed = true;
  }
  // The explanation of a denial is kept where it tells something: for subjects allowed something else.
  const capabilities: CapabilityAccess[] = CAPABILITIES.map((c) => {
    const actions = c.actions.filter((a) => accesses.has(a)).map((a): ActionAccess => {
      const x = accesses.get(a)!;
      const y = x.answer === 'denied' && !someAllowed ? { action: x.action, answer: x.answer } : x;
      return isActionUsable(a, key) ? y : { ...y, usable: false };
    });
    const usable = actions.filter((a) => a.usable !== false);
    return { capability: c.id, answer: best((usable.length > 0 ? usable : actions).map((a) => a.answer)), usable: isUsable(c, key), actions };
  }).filter((c) => c.actions.length > 0);
  // The subject's answer counts only what the key can serve.
  const answer = best(capabilities.flatMap((c) => c.actions).filter((a) => a.usable !== false).map((a) => a.answer));
  const describe = accesses.get('kms:DescribeKey');
  return {
    subject: spec.access,
    answer,
    capabilities,
    ...(answer === 'denied' && describe?.missing ? { missing: describe.missing } : {}),
    unknowns,
    notes: [...new Set(notes)],
  };
}

/** One request `kms-guard explain` asks: the action, and what the request carries beyond the analysis' plain one. */
export interface ExplainedRequest {
  readonly action: string;
  /** `kms:EncryptionContext:*` pairs the request carries (or a CreateGrant constrains its grant to). */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** Request context keys (`kms:ViaService`, `aws:SourceIp`, ...). */
  readonly context?: Readonly<Record<string, string>>;
  /** The id of one of the key's endpoint options (`ks.endpoints`) the request goes through. */
  readonly endpoint?: string;
}

/** The scenario and the evaluator's answer for one request of one subject, under one reading. */
export interface ExplainedEvaluation {
  readonly reading: Reading;
  /** The scenario as given to KmsAccessEvaluator (what `kms-guard evaluate` reads); undefined when it could not be built. */
  readonly scenario?: Record<string, unknown>;
  readonly result?: EvaluationResult;
  /** Where each identity policy of the scenario comes from, in the scenario's order (`identity policy #i`). */
  readonly identitySources?: readonly string[];
}

/**
 * Evaluates one request of one subject with the scenario the analysis builds for it (same marked policies, same
 * readings, same request shape as `evaluateSubject`), for `kms-guard explain`. The strict reading is always asked;
 * the permissive one too when unknown values are in play (the same test as `evaluateSubject`), so that an answer
 * that depends on them is shown as such. `notes` collects what the analysis would note (invalid policies left out).
 */
export function explainRequest(ks: KeySetting, spec: SubjectSpec, member: boolean, request: ExplainedRequest, notes: string[]): {
  readonly evaluations: readonly ExplainedEvaluation[];
  readonly unknowns: readonly string[];
} {
  const marked = markedSubject(ks, spec);
  const { marks, identity, possible, boundaryStrict, boundaryPermissive } = marked;
  const endpoint = request.endpoint === undefined ? undefined : ks.endpoints.find((e) => e.id === request.endpoint);
  const { unknowns, readings } = uncertaintiesOf(ks, spec, marked, endpoint ? [endpoint] : []);
  const variant: Variant = {
    requires: [],
    picks: [],
    ...(request.encryptionContext ? { encryptionContext: request.encryptionContext } : {}),
    ...(request.context ? { context: request.context } : {}),
    ...(endpoint ? { endpoint: endpoint.id } : {}),
  };
  const evaluations = readings.map((reading): ExplainedEvaluation => {
    const c = compile(ks, spec, reading, variant, member, reading === 'strict' ? identity : [...identity, ...possible],
      (reading === 'strict' ? boundaryStrict : boundaryPermissive)?.document, marks, notes);
    if (!c) return { reading };
    const requestJson = requestFor(ks, c, spec, request.action, variant);
    return {
      reading,
      scenario: { ...c.source, request: requestJson },
      result: evaluate(ks, c, spec, request.action, variant),
      identitySources: c.identity.map((p) => p.source),
    };
  });
  return { evaluations, unknowns };
}

function best(answers: readonly AccessAnswer[]): AccessAnswer {
  let i = ANSWER_ORDER.length - 1;
  for (const a of answers) i = Math.min(i, ANSWER_ORDER.indexOf(a));
  return ANSWER_ORDER[i];
}

type Marks = { key: Marked; endpoints: Map<string, Marked> };

function markedFor(ks: KeySetting, classify: { service: boolean; anyTags: boolean; symmetric: boolean }): Marks {
  const id = `${classify.service}|${classify.anyTags}`;
  let m = ks.marked.get(id);
  if (!m) {
    const endpoints = new Map<string, Marked>();
    for (const e of ks.endpoints) if (e.inApp && e.policy !== undefined) endpoints.set(e.id, markUnknownConditions(e.policy, `policy of ${e.label}`, classify));
    m = { key: markUnknownConditions(ks.key.policy, 'key policy', classify), endpoints };
    ks.marked.set(id, m);
  }
  return m;
}

/**
 * The compiled scenario of a reading, endpoint, tag set and membership. Identity policies IAM would refuse are left
 * out with a note; any other error leaves the subject unevaluated for this combination (noted).
 */
function compile(
  ks: KeySetting, spec: SubjectSpec, reading: Reading, v: Variant, member: boolean, identitySources: readonly PolicySource[],
  boundaryDoc: unknown, marks: Marks, notes: string[],
): Compiled | undefined {
  const endpoint = v.endpoint === undefined ? undefined : ks.endpoints.find((e) => e.id === v.endpoint);
  const keyPart = keyPartOf(ks, reading, endpoint, marks);
  let identity = identitySources.map((p) => ({ source: p.source, document: read(p.document, reading, false) }));
  const boundary = boundaryDoc === undefined ? undefined : read(boundaryDoc, reading, false);
  const tags = { ...spec.tags, ...v.tags ?? {} };
  const caller = (): Record<string, unknown> => ({
    arn: spec.callerArn,
    ...(spec.roleArn !== undefined ? { roleArn: spec.roleArn } : {}),
    ...(identity.length > 0 ? { identityPolicies: identity.map((p) => p.document) } : {}),
    ...(boundary !== undefined && !spec.isService ? { permissionsBoundary: boundary } : {}),
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
    ...(member && ks.organization !== undefined && !spec.isService ? { orgId: ks.organization } : {}),
  });
  // The key's part (key policy, endpoint, grants) is compiled once per reading and endpoint and shared by the key's
  // subjects; the caller's part is the subject's own. withCaller decides exactly as compiling the whole scenario.
  ks.counter.compilations++;
  let c = keyPart.part.withCaller(KmsAccessEvaluator.compileCaller(caller()));
  const invalid = new Set<number>();
  for (const e of c.errors) {
    const m = /^identity policy #(\d+)$/.exec(e.policy ?? '');
    if (m) invalid.add(Number(m[1]));
  }
  if (invalid.size > 0) {
    for (const i of invalid) {
      const error = c.errors.find((e) => e.policy === `identity policy #${i}`);
      notes.push(`${identity[i].source} is invalid and left out (IAM would refuse it): ${error?.message}`);
    }
    identity = identity.filter((_p, i) => !invalid.has(i));
    ks.counter.compilations++;
    c = keyPart.part.withCaller(KmsAccessEvaluator.compileCaller(caller()));
  }
  if (c.errors.length > 0) {
    notes.push(`${endpoint ? `requests through ${endpoint.label}` : 'it'} cannot be evaluated: ${c.errors[0].message}`);
    return undefined;
  }
  // The scenario as compiling it whole would read it (key, caller, endpoint, grants), for `kms-guard explain`.
  const { key, ...rest } = keyPart.source;
  const source = { key, caller: caller(), ...rest };
  return { scenario: c, source, keyPolicy: keyPart.keyPolicy, identity, boundary, endpointPolicy: keyPart.endpointPolicy, infos: new Map() };
}

/** The key's part of a scenario: the key with its policy, the endpoint the request goes through, the grants. */
interface KeyPart {
  readonly part: CompiledScenario;
  /** The scenario without its caller, for `kms-guard explain`. */
  readonly source: Record<string, unknown>;
  readonly keyPolicy: unknown;
  readonly endpointPolicy?: unknown;
}

/** The key's part for a reading, an endpoint and the subject's classification (marks), compiled once per key. */
function keyPartOf(ks: KeySetting, reading: Reading, endpoint: EndpointOption | undefined, marks: Marks): KeyPart {
  // The marks (one per classification of subjects, markedFor), the reading and the endpoint make the part.
  const id = `${reading}|${endpoint?.id ?? ''}`;
  let byMarks = ks.keyParts.get(marks);
  if (!byMarks) {
    byMarks = new Map();
    ks.keyParts.set(marks, byMarks);
  }
  let part = byMarks.get(id);
  if (part) return part;
  const keyPolicy = read(marks.key.document, reading, true);
  let endpointPolicy: unknown;
  if (endpoint) {
    endpointPolicy = endpoint.inApp
      ? (endpoint.policy === undefined ? undefined : read(marks.endpoints.get(endpoint.id)?.document ?? endpoint.policy, reading, true))
      : (reading === 'strict' ? DENY_ALL_ENDPOINT : undefined);
  }
  const source: Record<string, unknown> = {
    key: { ...ks.scenarioKey, policy: keyPolicy },
    ...(endpoint ? {
      vpcEndpoint: {
        id: endpoint.id,
        ...(endpoint.vpcId ? { vpcId: endpoint.vpcId } : {}),
        ...(endpointPolicy !== undefined ? { policy: endpointPolicy } : {}),
      },
    } : {}),
    ...(ks.grants.length > 0 ? { grants: ks.grants } : {}),
  };
  part = { part: KmsAccessEvaluator.compileForCallers(source), source, keyPolicy, ...(endpointPolicy !== undefined ? { endpointPolicy } : {}) };
  byMarks.set(id, part);
  return part;
}

function decideAction(
  ks: KeySetting, spec: SubjectSpec, action: string, readings: readonly Reading[], infos: readonly PolicyInfo[],
  dimSetting: DimensionSetting, compiled: (reading: Reading, v: Variant, member: boolean) => Compiled | undefined,
  member: boolean, unknowns: readonly string[], notes: string[],
): ActionAccess {
  const facts = actionFacts(action)!;
  const account = spec.access.account;
  if (!spec.isService && account !== undefined && account !== ks.key.account && !facts.crossAccount) {
    return {
      action,
      answer: 'denied',
      missing: `${action} cannot be used across accounts: KMS ignores permissions for it given to principals of another account, whatever the policies say (key-policy-modifying-external-accounts.md)`,
    };
  }
  const setting: DimensionSetting = { ...dimSetting, encryptionContext: ENCRYPTION_CONTEXT_ACTIONS.includes(action), createGrant: action === 'kms:CreateGrant' };
  const dims = dimensionsFor(actionIndex(action), infos, setting);
  const { variants, truncated } = variantsOf(dims);
  if (truncated) notes.push(`${action}: the policies mention many values (encryption context, service, endpoint, ...): only the first ${variants.length} combinations were tried`);
  for (const key of overlappingPatterns(dims)) {
    notes.push(`${key} is compared with several patterns or address ranges: each was tried alone, not a value matching two of them at once`);
  }

  let missing: string | undefined;
  // A request the evaluator could not decide (a policy or grant it cannot read): never "denied" on that account.
  let undecided: string | undefined;
  const paths: AccessPath[] = [];
  for (const reading of readings) {
    const found: Array<{ v: Variant; r: EvaluationResult; c: Compiled }> = [];
    let plain: { r: EvaluationResult; c: Compiled } | undefined;
    for (const v of variants) {
      if (found.some((f) => isContainedIn(f.v, v))) continue;
      // A path the strict reading found needs no permissive twin.
      if (reading === 'permissive' && paths.some((p) => p.certain && isContainedIn(variantOf(p), v))) continue;
      // An alias whose name holds a value unknown offline (`alias/app-${P}`) matched a kms:RequestAlias pattern of the
      // policies: the evaluator cannot send it (the key lists only names known offline), and AWS may allow a request
      // through it (alias-authorization.md). Never "denied" on that account: uncertain unless another path allows.
      if (v.alias !== undefined && isUnresolvedText(v.alias)) {
        undecided ??= `whether a request through ${v.alias}, an alias of the key whose name is unknown offline, is allowed: the policies allow requests through aliases matching it (alias-authorization.md)`;
        continue;
      }
      const c = compiled(reading, v, member);
      if (!c) {
        undecided ??= 'the evaluator could not evaluate this subject\'s requests (see the notes)';
        continue;
      }
      const r = evaluate(ks, c, spec, action, v);
      if (v === PLAIN) plain = { r, c };
      if (r.errors.length > 0) {
        notes.push(`${action} could not be evaluated: ${r.errors[0].message}`);
        undecided ??= `the evaluator could not evaluate ${action}: ${r.errors[0].message}`;
        continue;
      }
      if (r.decision === 'allow') found.push({ v, r, c });
    }
    if (reading === 'strict' && plain && found.length === 0) missing = plain.r.explanation;
    for (const f of found) {
      const path = toPath(f.v, f.r, f.c, plain, reading === 'strict');
      paths.push(reading === 'strict' ? withOrganization(ks, spec, action, f.v, path, compiled, member) : path);
    }
    if (paths.some((p) => p.certain && p.requires.length === 0)) break;
  }
  if (paths.length === 0) {
    return undecided !== undefined ? { action, answer: 'uncertain', unknowns: [undecided] } : { action, answer: 'denied', ...(missing !== undefined ? { missing } : {}) };
  }
  const certain = paths.filter((p) => p.certain);
  const answer: AccessAnswer = certain.length === 0 ? 'uncertain' : certain.some((p) => p.requires.length === 0) ? 'allowed' : 'conditional';
  return { action, answer, paths, ...(answer === 'uncertain' ? { unknowns } : {}) };
}

/** The variant a path was found with (its requirements are what was picked). */
function variantOf(p: AccessPath): Variant {
  return variantsOfPaths.get(p)!;
}

/**
 * The variant each path was found with. Internal, so kept off the path object (and its JSON); a WeakMap rather than a
 * non-enumerable property, because `Object.defineProperty` on a fresh object is slow in V8 (it leaves the object's
 * fast shape) and a path is made for every allowed (subject, action) of every key.
 */
const variantsOfPaths = new WeakMap<AccessPath, Variant>();

function evaluate(ks: KeySetting, c: Compiled, spec: SubjectSpec, action: string, v: Variant): EvaluationResult {
  if (action === 'kms:RetireGrant') {
    let last: EvaluationResult | undefined;
    for (const g of ks.grants) {
      ks.counter.evaluations++;
      last = c.scenario.evaluate({ action, grantId: (g as { grantId?: string }).grantId });
      if (last.decision === 'allow') return last;
    }
    return last!;
  }
  ks.counter.evaluations++;
  return c.scenario.evaluate(requestFor(ks, c, spec, action, v));
}

function requestFor(ks: KeySetting, c: Compiled, spec: SubjectSpec, action: string, v: Variant): Record<string, unknown> {
  const request: Record<string, unknown> = { action };
  if (v.alias !== undefined) request.keyId = v.alias;
  if (v.context) request.context = v.context;
  if (action === 'kms:CreateGrant') {
    // The narrowest useful grant: to the caller itself (or a grantee a policy names), for the key's main operation,
    // constrained to the context tried.
    request.createGrant = {
      granteePrincipal: v.grantee ?? spec.callerArn,
      operations: [ks.grantOperation],
      ...(v.encryptionContext ? { constraints: { encryptionContextEquals: v.encryptionContext } } : {}),
    };
  } else if (v.encryptionContext && ENCRYPTION_CONTEXT_ACTIONS.includes(action)) {
    request.encryptionContext = v.encryptionContext;
  }
  if (action === 'kms:CreateAlias' || action === 'kms:DeleteAlias' || action === 'kms:UpdateAlias') request.aliasArn = ks.aliasArn;
  if (action === 'kms:UpdateAlias') request.destinationKey = { ...ks.scenarioKey, policy: c.keyPolicy };
  return request;
}

/** A path, with the conditions of the statements that decided it and of the denies a plain request hits. */
function toPath(v: Variant, r: EvaluationResult, c: Compiled, plain: { r: EvaluationResult; c: Compiled } | undefined, certain: boolean): AccessPath {
  const decidedBy: Array<{ policy: string; statement: string; effect: string }> = [];
  const add = (ref: { policy: string; statement: string; effect: string }): void => {
    if (decidedBy.some((d) => d.policy === ref.policy && d.statement === ref.statement)) return;
    decidedBy.push({ policy: ref.policy, statement: ref.statement, effect: ref.effect });
  };
  for (const check of r.checks) for (const ref of check.decidedBy) add(ref);
  if (v !== PLAIN && plain && plain.r.decision === 'explicit-deny') {
    for (const check of plain.r.checks) for (const ref of check.decidedBy) if (ref.effect === 'Deny') add(ref);
  }
  const conditions: DecidingCondition[] = [];
  for (const ref of decidedBy) conditions.push(...conditionsOf(ref.effect === 'Deny' && plain ? plain.c : c, ref));
  const named = decidedBy.map((ref) => ({ ...ref, policy: policyName(c, ref.policy) }));
  const path: AccessPath = { requires: v.requires, certain, decidedBy: named, conditions };
  variantsOfPaths.set(path, v);
  return path;
}

function conditionsOf(c: Compiled, ref: { policy: string; statement: string; effect: string }): DecidingCondition[] {
  let info = c.infos.get(ref.policy);
  if (!info) {
    const identity = /^identity policy #(\d+)$/.exec(ref.policy);
    // UpdateAlias is asked with this key as its new target too (requestFor): the destination key's policy is this key's.
    const doc = ref.policy === 'key policy' || ref.policy === 'key policy of the destination key' ? c.keyPolicy
      : identity ? c.identity[Number(identity[1])]?.document
        : ref.policy === 'permissions boundary' ? c.boundary
          : ref.policy === 'VPC endpoint policy' ? c.endpointPolicy : undefined;
    info = readStatements(doc, ref.policy);
    c.infos.set(ref.policy, info);
  }
  const st = findStatement(info, ref.statement);
  if (!st) return [];
  const policy = policyName(c, ref.policy);
  return st.conditions.map((e) => ({
    policy,
    statement: ref.statement,
    effect: ref.effect === 'Deny' ? 'Deny' : 'Allow',
    operator: e.operator,
    key: e.key,
    values: e.values,
    category: categoryOf(e.lowerKey),
  }));
}

/** `identity policy #0 (inline policy of role p)`: the evaluator's label, with where the policy comes from. */
function policyName(c: Compiled, label: string): string {
  const identity = /^identity policy #(\d+)$/.exec(label);
  const source = identity ? c.identity[Number(identity[1])]?.source : undefined;
  return source === undefined ? label : `${label} (${source})`;
}

/**
 * A member of the key's organization allowed on a path: if a non-member would be denied the same request, the path
 * also requires the membership (assumed, organization.ts), and names the statement that requires it.
 */
function withOrganization(
  ks: KeySetting, spec: SubjectSpec, action: string, v: Variant, path: AccessPath,
  compiled: (reading: Reading, v: Variant, member: boolean) => Compiled | undefined, member: boolean,
): AccessPath {
  if (!member || ks.organization === undefined || spec.isService) return path;
  const c = compiled('strict', v, false);
  if (!c) return path;
  const r = evaluate(ks, c, spec, action, v);
  if (r.decision === 'allow') return path;
  const requirement: Requirement = { kind: 'organization', key: 'aws:PrincipalOrgID', value: ks.organization, match: 'equals', assumed: true };
  const known = (ref: { policy: string; statement: string }): boolean =>
    path.decidedBy.some((d) => d.policy === ref.policy && d.statement === ref.statement);
  const refs = r.checks.flatMap((check) => check.decidedBy).filter((ref) => !known(ref));
  const out: AccessPath = {
    ...path,
    requires: [...path.requires, requirement],
    decidedBy: [...path.decidedBy, ...refs.map((ref) => ({ policy: policyName(c, ref.policy), statement: ref.statement, effect: ref.effect }))],
    conditions: [...path.conditions, ...refs.flatMap((ref) => conditionsOf(c, ref)).filter((x) => x.category === 'organization')],
  };
  variantsOfPaths.set(out, variantOf(path));
  return out;
}
