/**
 * `kms-guard explain [CDK_OUT_DIR] --key PATH|ARN --principal PATH|ARN --action kms:X [--context k=v ...]
 * [--via-service S] [--source-vpce ID] [--format text|json]`: one request of one principal on one key of a synthesized
 * app, decided by the bundled evaluator over the same scenario the effective-access analysis builds for that principal
 * (src/analysis/effective-access.ts keySubjects, src/analysis/access/evaluate-subject.ts explainRequest: one copy of
 * scenario building), with the decision trace: each authorization check and what decided it, the statements of every
 * policy in play that cover the action (deciding or not) with their conditions, and the request values that were
 * assumed. The report answers "who can do what"; explain answers "why (not)" for one row of it.
 *
 * A statement the evaluator does not name did not decide: KMS allows a same-account request on the key policy alone
 * when the key policy names the caller, so a matching IAM statement can be present and not needed
 * (aws-docs/kms-developer-guide/determining-access.md, determining-access-key-policy.md). `--context k=v` is the
 * request's encryption context, which `kms:EncryptionContext:k` conditions compare (conditions-kms.md).
 *
 * Exit status, following the CLI's conventions: 0 when the request was explained (whatever the decision); 1 on a usage
 * error, including a key, principal, action or endpoint that the app does not have (the message lists the nearest
 * names); 2 when the cloud assembly cannot be read (or holds something the analysis fails on).
 */
import { actionsAsked } from '../analysis/access/capabilities';
import { ExplainedEvaluation, explainRequest } from '../analysis/access/evaluate-subject';
import { PolicyInfo, actionIndex, findStatement, readStatements } from '../analysis/access/statements';
import { PrincipalIndex, SubjectSpec, displayPath } from '../analysis/access/subjects';
import { keySubjects } from '../analysis/effective-access';
import { AppModel, buildAppModel } from '../app-model/app-model';
import { readCloudAssembly } from '../app-model/cloud-assembly';
import { ENCRYPTION_CONTEXT_ACTIONS } from '../policy/catalogue';
import { LookupError, findKey, findKeyAction, findSubject, nearestNames } from '../report/access-lookup';

export const EXPLAIN_USAGE = 'kms-guard explain [CDK_OUT_DIR] --key PATH|ARN --principal PATH|ARN --action kms:X [--context k=v ...] [--via-service S] [--source-vpce ID] [--format text|json]';

export interface ExplainArgs {
  readonly dir: string;
  readonly key: string;
  readonly principal: string;
  readonly action: string;
  /** `--context k=v`: `kms:EncryptionContext:k` = v. */
  readonly encryptionContext: Readonly<Record<string, string>>;
  readonly viaService?: string;
  readonly sourceVpce?: string;
  readonly format: 'text' | 'json';
}

export interface ExplainIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Parses the arguments after `explain`; a string is the usage error. */
export function parseExplainArgs(args: readonly string[]): ExplainArgs | string {
  let dir: string | undefined;
  const named: Record<string, string> = {};
  const encryptionContext: Record<string, string> = {};
  let format: ExplainArgs['format'] = 'text';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : args[++i]);
    if (name === '--key' || name === '--principal' || name === '--action' || name === '--via-service' || name === '--source-vpce') {
      const v = value();
      if (v === undefined || v === '') return `${name} needs a value`;
      if (named[name] !== undefined) return `${name} given twice (${JSON.stringify(named[name])} and ${JSON.stringify(v)}): one request at a time`;
      named[name] = v;
    } else if (name === '--context') {
      const v = value();
      const m = v === undefined ? null : /^([^=]+)=(.*)$/s.exec(v);
      if (!m) return `--context needs KEY=VALUE (the encryption context pair kms:EncryptionContext:KEY = VALUE), got ${JSON.stringify(v ?? '')}`;
      const k = m[1].replace(/^kms:EncryptionContext:/i, '');
      if (encryptionContext[k] !== undefined && encryptionContext[k] !== m[2]) {
        return `--context ${k} given twice with different values (${JSON.stringify(encryptionContext[k])} and ${JSON.stringify(m[2])}): an encryption context holds one value per key`;
      }
      encryptionContext[k] = m[2];
    } else if (name === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json') return `--format needs text or json, got ${JSON.stringify(v ?? '')}`;
      format = v;
    } else if (arg.startsWith('-') && arg !== '-') {
      return `unknown option ${arg}`;
    } else if (dir === undefined) {
      dir = arg;
    } else {
      return `one cloud assembly directory at a time, got ${JSON.stringify(dir)} and ${JSON.stringify(arg)}`;
    }
  }
  for (const required of ['--key', '--principal', '--action']) {
    if (named[required] === undefined) return `${required} is required`;
  }
  return {
    dir: dir ?? 'cdk.out',
    key: named['--key'],
    principal: named['--principal'],
    action: named['--action'],
    encryptionContext,
    ...(named['--via-service'] !== undefined ? { viaService: named['--via-service'] } : {}),
    ...(named['--source-vpce'] !== undefined ? { sourceVpce: named['--source-vpce'] } : {}),
    format,
  };
}

/** Runs `explain` and returns the exit status. */
export function runExplain(args: ExplainArgs, io: ExplainIo): number {
  let model: AppModel;
  try {
    model = buildAppModel(readCloudAssembly(args.dir));
  } catch (e) {
    io.err(`kms-guard: ${args.dir}: cannot read a cloud assembly: ${(e as Error).message}`);
    return 2;
  }
  let explanation: Explanation;
  try {
    explanation = explain(model, args);
  } catch (e) {
    if (e instanceof LookupError) {
      io.err(`kms-guard: explain: ${e.message}`);
      return 1;
    }
    // Not a usage error: the assembly holds something the analysis cannot handle. Said, never a stack trace.
    io.err(`kms-guard: explain: cannot explain this request on ${args.dir}: ${(e as Error)?.message ?? String(e)}; please report it with the cloud assembly`);
    return 2;
  }
  if (args.format === 'json') io.out(JSON.stringify(explanation, undefined, 2));
  else for (const line of explanationText(explanation)) io.out(line);
  return 0;
}

/** A request value, and where it came from. */
export interface AssumedValue {
  readonly name: string;
  readonly value: string;
  /** `given` (on the command line), `assumed` (by the analysis) or `absent`. */
  readonly source: 'given' | 'assumed' | 'absent';
  readonly note?: string;
}

/** A statement of a policy in play that covers the action. */
export interface StatementTrace {
  readonly policy: string;
  readonly statement: string;
  readonly effect: string;
  /** Whether the evaluator names it among the statements that decided a check. */
  readonly decided: boolean;
  readonly conditions: readonly string[];
}

export interface Explanation {
  readonly key: { readonly path: string; readonly arn: string };
  readonly principal: { readonly id: string; readonly label: string; readonly arn: string; readonly askedByReport: boolean };
  readonly action: string;
  readonly request: readonly AssumedValue[];
  /** The strict reading first (unknown values allow nothing), then the permissive one when unknown values are in play. */
  readonly evaluations: ReadonlyArray<ExplainedEvaluation & { readonly statements: readonly StatementTrace[] }>;
  /** `allowed`, `denied`, or `uncertain` (the readings disagree: it depends on values unknown offline). */
  readonly verdict: 'allowed' | 'denied' | 'uncertain';
  readonly unknowns: readonly string[];
  readonly notes: readonly string[];
}

/**
 * Explains one request. Pure over the model.
 * @throws LookupError when the key, principal, action or endpoint is not in the app
 */
export function explain(model: AppModel, args: Omit<ExplainArgs, 'dir' | 'format'>): Explanation {
  const key = findKey(model, args.key);
  const action = findKeyAction(args.action);
  const ks = keySubjects(model, key);
  const { setting } = ks;
  if (!setting.asked.includes(action)) {
    const reason = actionsAsked(setting.grants.length > 0).notAsked.find((n) => n.action === action)?.reason ?? 'the analysis does not ask it';
    throw new LookupError(`${action} is not asked about: ${reason}`, []);
  }
  const found = findSubject(model, key, ks.subjects.map((s) => s.spec), args.principal, ks.placeholderAccount);
  let spec: SubjectSpec;
  let member: boolean;
  let askedByReport = false;
  if ('principal' in found) {
    spec = new PrincipalIndex(model).spec(found.principal);
    member = ks.memberOf(spec);
  } else {
    spec = found.spec;
    const asked = ks.subjects.find((s) => s.spec === found.spec);
    askedByReport = asked !== undefined;
    member = asked?.member ?? ks.memberOf(spec);
  }

  const request: AssumedValue[] = [];
  const notes = [...ks.notes];
  if (ks.problem !== undefined) notes.push(ks.problem);
  const takesContext = ENCRYPTION_CONTEXT_ACTIONS.includes(action) || action === 'kms:CreateGrant';
  const contextPairs = Object.entries(args.encryptionContext);
  for (const [k, v] of contextPairs) {
    request.push({
      name: `kms:EncryptionContext:${k}`,
      value: v,
      source: 'given',
      ...(takesContext ? {} : { note: `ignored: ${action} takes no encryption context` }),
    });
  }
  if (contextPairs.length === 0 && takesContext) request.push({ name: 'kms:EncryptionContext', value: '(none)', source: 'absent', note: 'the request carries no encryption context (--context k=v to add one)' });
  const context: Record<string, string> = {};
  if (args.viaService !== undefined) {
    context['kms:ViaService'] = /\.amazonaws\.com(\.cn)?$/.test(args.viaService) ? args.viaService : `${args.viaService}.${key.region}.amazonaws.com`;
    request.push({ name: 'kms:ViaService', value: context['kms:ViaService'], source: 'given', note: 'the caller calls through this AWS service, which calls KMS on its behalf' });
  } else {
    request.push({ name: 'kms:ViaService', value: '(none)', source: 'absent', note: 'a direct call, not through an AWS service (--via-service S to change)' });
  }
  let endpoint: string | undefined;
  if (args.sourceVpce !== undefined) {
    const option = setting.endpoints.find((e) => e.id === args.sourceVpce || e.vpcId === args.sourceVpce || e.label.includes(`(${args.sourceVpce})`));
    if (!option) {
      const names = setting.endpoints.map((e) => e.id);
      const nearest = nearestNames(args.sourceVpce, names, 5);
      throw new LookupError(names.length === 0
        ? `--source-vpce ${JSON.stringify(args.sourceVpce)}: the analysis knows no KMS VPC endpoint for key ${displayPath(key)} (none in its account and Region in the app, none its policy admits by id or VPC)`
        : `--source-vpce ${JSON.stringify(args.sourceVpce)} is not an endpoint the analysis knows for key ${displayPath(key)}: expected one of ${names.join(', ')}${nearest.length > 0 ? `. Nearest: ${nearest.join(', ')}` : ''}`, nearest);
    }
    endpoint = option.id;
    request.push({ name: 'aws:SourceVpce', value: option.id, source: 'given', note: option.label });
    if (option.vpcId) request.push({ name: 'aws:SourceVpc', value: option.vpcId, source: 'assumed', note: 'the VPC of the endpoint' });
  } else {
    request.push({ name: 'aws:SourceVpce', value: '(none)', source: 'absent', note: 'not through a VPC endpoint (--source-vpce ID to change)' });
  }
  request.push({
    name: 'caller',
    value: spec.callerArn,
    source: 'assumed',
    ...(spec.access.syntheticArn ? { note: 'holds a value assigned at deploy (a generated name or a placeholder account): what the analysis assumed' } : spec.access.representative ? { note: 'made up: it stands for every principal of its kind' } : {}),
  });
  for (const [k, v] of Object.entries(spec.tags)) request.push({ name: `aws:PrincipalTag/${k}`, value: v, source: 'assumed', note: 'a tag of the principal in the app' });
  if (member && setting.organization !== undefined) {
    request.push({ name: 'aws:PrincipalOrgID', value: setting.organization, source: 'assumed', note: 'membership of the organization the key names is assumed, not known' });
  }
  for (const p of spec.possible) request.push({ name: 'IAM policy', value: p.source, source: 'assumed', note: 'counted by the permissive reading only' });

  const explained = explainRequest(setting, spec, member, {
    action,
    ...(contextPairs.length > 0 ? { encryptionContext: args.encryptionContext } : {}),
    ...(Object.keys(context).length > 0 ? { context } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
  }, notes);
  const evaluations = explained.evaluations.map((e) => ({ ...e, statements: statementTrace(e, action) }));
  const decisions = evaluations.map((e) => e.result?.decision === 'allow');
  const verdict = decisions.every((d) => d) ? 'allowed' : decisions.every((d) => !d) ? 'denied' : 'uncertain';
  return {
    key: { path: displayPath(key), arn: key.arn },
    principal: { id: spec.access.id, label: spec.access.label, arn: spec.access.arn, askedByReport },
    action,
    request,
    evaluations,
    verdict,
    unknowns: verdict === 'uncertain' ? explained.unknowns : [],
    notes: [...new Set(notes)],
  };
}

/** The statements of every policy in the scenario that cover the action, each with whether it decided a check. */
function statementTrace(e: ExplainedEvaluation, action: string): StatementTrace[] {
  if (!e.scenario || !e.result) return [];
  const s = e.scenario as {
    key?: { policy?: unknown };
    caller?: { identityPolicies?: unknown[]; permissionsBoundary?: unknown };
    vpcEndpoint?: { policy?: unknown };
  };
  const policies: PolicyInfo[] = [
    readStatements(s.key?.policy, 'key policy'),
    ...(s.caller?.identityPolicies ?? []).map((d, i) => readStatements(d, `identity policy #${i}`)),
    ...(s.caller?.permissionsBoundary !== undefined ? [readStatements(s.caller.permissionsBoundary, 'permissions boundary')] : []),
    ...(s.vpcEndpoint?.policy !== undefined ? [readStatements(s.vpcEndpoint.policy, 'VPC endpoint policy')] : []),
  ];
  const decided = new Set(e.result.checks.flatMap((c) => c.decidedBy.map((d) => `${d.policy}|${d.statement}`)));
  const index = actionIndex(action);
  const out: StatementTrace[] = [];
  for (const p of policies) {
    for (const st of p.statements) {
      const isDecided = decided.has(`${p.label}|${st.label}`);
      if (!isDecided && (index < 0 || st.covers[index] !== 1)) continue;
      const found = findStatement(p, st.label) ?? st;
      const source = /^identity policy #(\d+)$/.exec(p.label);
      out.push({
        policy: source ? `${p.label} (${e.identitySources?.[Number(source[1])] ?? 'source unknown'})` : p.label,
        statement: st.label,
        effect: st.effect ?? '?',
        decided: isDecided,
        conditions: found.conditions.map((c) => `${c.operator} ${c.key} ${c.values.length === 1 ? c.values[0] : `[${c.values.join(', ')}]`}`),
      });
    }
  }
  return out;
}

/** The explanation as lines of text. */
export function explanationText(x: Explanation): string[] {
  const lines: string[] = [];
  lines.push(`explain ${x.action} on key ${x.key.path} by ${x.principal.label}`);
  lines.push(`verdict: ${x.verdict.toUpperCase()}${x.verdict === 'uncertain' ? ' (allowed only if values unknown offline turn out a certain way)' : ''}`);
  if (!x.principal.askedByReport) lines.push('note: the report does not list this principal for this key (no policy of the key reaches it by name, tag or delegation): asked here all the same');
  lines.push('request values:');
  for (const v of x.request) lines.push(`  ${v.name} = ${v.value} [${v.source}]${v.note ? `: ${v.note}` : ''}`);
  for (const e of x.evaluations) {
    const reading = e.reading === 'strict' ? 'strict reading (values unknown offline allow nothing)' : 'permissive reading (values unknown offline allow what they could)';
    if (!e.result) {
      lines.push(`${reading}: not evaluated (see the notes)`);
      continue;
    }
    lines.push(`${reading}: ${e.result.decision}`);
    lines.push(`  ${e.result.explanation}`);
    for (const c of e.result.checks) {
      lines.push(`  check ${c.action} on ${c.resource}: ${c.decision}`);
      if (c.explanation !== e.result.explanation) lines.push(`    ${c.explanation}`);
      for (const d of c.decidedBy) lines.push(`    decided by ${d.statement} of the ${d.policy} (${d.effect})`);
    }
    if (e.statements.length > 0) lines.push(`  statements that cover ${x.action}:`);
    for (const st of e.statements) {
      lines.push(`    ${st.decided ? '*' : '-'} ${st.statement} of the ${st.policy} (${st.effect})${st.decided ? ': decided' : ': not named by the evaluator (it does not match this request, or it was not needed)'}`);
      for (const c of st.conditions) lines.push(`        ${c}`);
    }
    const scenario = e.scenario as { grants?: unknown[] } | undefined;
    if (scenario?.grants && scenario.grants.length > 0) lines.push(`  grants on the key: ${scenario.grants.length}`);
    for (const w of e.result.warnings) lines.push(`  warning ${w.code}: ${w.message}`);
    for (const er of e.result.errors) lines.push(`  error ${er.code}: ${er.message}`);
  }
  for (const u of x.unknowns) lines.push(`unknown: ${u}`);
  for (const n of x.notes) lines.push(`note: ${n}`);
  return lines;
}
