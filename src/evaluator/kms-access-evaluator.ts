/**
 * The public face of the evaluator (jsii-compatible: classes, static methods, structs, string enums).
 *
 * Parse -> validate -> evaluate: the scenario is read and checked first; invalid input is returned as errors with
 * stable codes and an implicit deny, never an exception and never an allow.
 */
import { Authorization, authorize } from './engine';
import { checkRequestInput, checkScenarioInput } from './input-checks';
import { CallerModel, Environment, readEnvironment, readRequest } from './scenario';
import { sessionRolePathIssue } from './session-role-path';
import { Issue, IssueCollector } from '../policy/issues';
import { isObject } from '../policy/policy-document';

/** What KMS would do with a request. */
export enum KmsDecision {
  /** A policy or grant allows the request and nothing denies it. */
  ALLOW = 'allow',
  /** A Deny statement in some policy applies: nothing can override it. */
  EXPLICIT_DENY = 'explicit-deny',
  /** Nothing allows the request (or the input could not be evaluated: see `errors`). */
  IMPLICIT_DENY = 'implicit-deny',
}

/** A problem in the scenario: an error makes it unevaluable, a warning flags a likely mistake. */
export interface EvaluationIssue {
  /** Stable code, e.g. `unknown-condition-operator`, `principal-wildcard-arn`, `missing-field`. */
  readonly code: string;
  /** `error` or `warning`. */
  readonly severity: string;
  /** What is wrong, the value received, what was expected, how to fix it. */
  readonly message: string;
  /** The policy, e.g. `key policy`, `identity policy #0`. @default - not inside a policy */
  readonly policy?: string;
  /** The statement, `Sid "Name"` or `statement #2`. @default - not inside a statement */
  readonly statement?: string;
  /** The field, e.g. `Condition.StringEquals.kms:CallerAccount` or `request.action`. @default - the whole input */
  readonly field?: string;
}

/** A policy statement that decided a check. */
export interface DecidingStatement {
  /** e.g. `key policy`, `identity policy #0`, `SCP #1`. */
  readonly policy: string;
  /** `Sid "Name"` or `statement #2`. */
  readonly statement: string;
  /** `Allow` or `Deny`. */
  readonly effect: string;
}

/** One authorization a request needs: ReEncrypt and the alias operations need several. */
export interface AuthorizationCheck {
  /** The action checked, e.g. `kms:ReEncryptFrom`. */
  readonly action: string;
  /** The key ARN, alias ARN, or `*`. */
  readonly resource: string;
  readonly decision: KmsDecision;
  readonly explanation: string;
  readonly decidedBy: DecidingStatement[];
}

/** The decision on one scenario, with its explanation. */
export interface EvaluationResult {
  /** The scenario's name, when it has one. @default - unnamed */
  readonly name?: string;
  readonly decision: KmsDecision;
  /** Which statement of which policy allowed or denied, or for an implicit deny what was missing. */
  readonly explanation: string;
  /** Each authorization the request needed. Empty when the input is invalid. */
  readonly checks: AuthorizationCheck[];
  /** `passed`, `failed` or `bypassed`, for PutKeyPolicy and CreateKey requests with a new key policy. @default - not applicable */
  readonly lockoutSafetyCheck?: string;
  /** Problems that made the scenario unevaluable; when non-empty the decision is `implicit-deny`. */
  readonly errors: EvaluationIssue[];
  readonly warnings: EvaluationIssue[];
}

const NO_ISSUES: Issue[] = [];

/**
 * A scenario's key, caller, policies, endpoint and grants, compiled once so that many requests can be decided
 * quickly against them.
 */
export class CompiledScenario {
  /** @internal */
  public static _create(env: Environment | undefined, issues: readonly Issue[], defaultRequest: unknown, name: string | undefined): CompiledScenario {
    return new CompiledScenario(env, issues, defaultRequest, name);
  }

  /** @internal */
  public readonly _env?: Environment;
  /** @internal */
  public readonly _issues: readonly Issue[];
  /** @internal */
  public readonly _hasErrors: boolean;
  /** @internal */
  public readonly _warnings: Issue[];
  /** @internal */
  public readonly _defaultRequest: unknown;
  /** @internal */
  public readonly _name?: string;
  /** @internal Compiled by compileForCallers: its caller is a placeholder that withCaller replaces. */
  public _forCallers = false;

  private constructor(env: Environment | undefined, issues: readonly Issue[], defaultRequest: unknown, name: string | undefined) {
    this._env = env;
    this._issues = issues;
    // Most scenarios compile without any issue: they share one empty list of warnings (results copy it).
    this._hasErrors = issues.some((i) => i.severity === 'error');
    this._warnings = issues.length === 0 ? NO_ISSUES : issues.filter((i) => i.severity === 'warning');
    this._defaultRequest = defaultRequest;
    this._name = name;
  }

  /** Problems found while compiling the scenario; any error makes every evaluation an implicit deny with that error. */
  public get errors(): EvaluationIssue[] {
    return this._issues.filter((i) => i.severity === 'error');
  }

  /**
   * This scenario with another caller: the key, SCPs, RCPs, VPC endpoint and grants stay as compiled, so one key
   * policy compiled once serves many callers (compile it with `KmsAccessEvaluator.compileForCallers`). The result
   * decides every request exactly as `KmsAccessEvaluator.compile` of the whole scenario with that caller does, with the
   * same errors and warnings (the key's listed before the caller's).
   * @param caller a caller compiled with `KmsAccessEvaluator.compileCaller`
   */
  public withCaller(caller: CompiledCaller): CompiledScenario {
    if (!this._forCallers) {
      // A scenario compiled whole holds its own caller's issues among the key's: they cannot be told apart.
      const issue: Issue = {
        code: 'invalid-field',
        severity: 'error',
        message: 'withCaller needs a scenario compiled with KmsAccessEvaluator.compileForCallers (this one was compiled whole, with its own caller): compile the scenario without its caller with compileForCallers, then give each caller with withCaller',
      };
      return CompiledScenario._create(undefined, [issue], this._defaultRequest, this._name);
    }
    let issues = caller._issues.length === 0 ? this._issues : [...this._issues, ...caller._issues];
    // A caller that could not be read has an error, and so has a key part without environment: both then evaluate to
    // an implicit deny with the error.
    const env = this._env && caller._caller ? { ...this._env, caller: caller._caller } : undefined;
    // What needs the key's policies and the caller together (readEnvironment checks it for a scenario compiled whole).
    const pathIssue = env ? sessionRolePathIssue(env) : undefined;
    if (pathIssue) issues = [...issues, pathIssue];
    return CompiledScenario._create(env, issues, this._defaultRequest, this._name);
  }

  /**
   * Decides a request against the compiled scenario.
   * @param request the scenario's `request` object (same format); @default - the request the scenario was compiled with
   */
  public evaluate(request?: any): EvaluationResult {
    try {
      const issues = new IssueCollector();
      const raw = request ?? this._defaultRequest;
      const req = readRequest(raw, this._env, issues);
      checkRequestInput(raw, issues.hasErrors ? undefined : req, issues);
      if (!this._env || !req || this._hasErrors || issues.hasErrors) return invalid(this._name, [...this._issues, ...issues.issues]);
      return toResult(this._name, authorize(this._env, req), this._warnings, issues.issues);
    } catch (e) {
      return internalError(this._name, e);
    }
  }
}

/**
 * A scenario's caller (its ARN, identity policies, permissions boundary, session policy, tags, organization), compiled
 * once so that it can be put in front of many compiled keys with `CompiledScenario.withCaller`.
 */
export class CompiledCaller {
  /** @internal */
  public static _create(caller: CallerModel | undefined, issues: readonly Issue[]): CompiledCaller {
    return new CompiledCaller(caller, issues);
  }

  /** @internal */
  public readonly _caller?: CallerModel;
  /** @internal */
  public readonly _issues: readonly Issue[];

  private constructor(caller: CallerModel | undefined, issues: readonly Issue[]) {
    this._caller = caller;
    this._issues = issues;
  }

  /** Problems found while compiling the caller; any error makes every evaluation with it an implicit deny with that error. */
  public get errors(): EvaluationIssue[] {
    return this._issues.filter((i) => i.severity === 'error');
  }
}

/**
 * Decides KMS requests offline, as AWS KMS does: key policy, IAM policies, grants, VPC endpoint policy, SCPs, RCPs,
 * permissions boundaries and session policies, with conditions and policy variables.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html
 */
export class KmsAccessEvaluator {
  /**
   * Evaluates one scenario (format: see the README, "Scenario format"). Never throws: invalid input yields an
   * implicit deny with `errors`.
   */
  public static evaluate(scenario: any): EvaluationResult {
    return KmsAccessEvaluator.compile(scenario).evaluate();
  }

  /**
   * Compiles a scenario's key, caller, policies, endpoint and grants for repeated evaluation of many requests.
   * The scenario's `request` becomes the default request of `evaluate()`.
   */
  public static compile(scenario: any): CompiledScenario {
    try {
      const issues = new IssueCollector();
      if (!isObject(scenario)) {
        issues.error('invalid-field', `a scenario must be a JSON object with key, caller and request, got ${Array.isArray(scenario) ? 'an array' : scenario === null ? 'null' : typeof scenario}`);
        return CompiledScenario._create(undefined, issues.issues, undefined, undefined);
      }
      const name = typeof scenario.name === 'string' ? scenario.name : undefined;
      // Limits, characters and wildcard ARNs first: their errors name the cause that the readers' errors follow from.
      checkScenarioInput(scenario, issues);
      const env = readEnvironment(scenario, issues);
      return CompiledScenario._create(env, issues.issues, scenario.request, name);
    } catch (e) {
      return CompiledScenario._create(undefined, [internalIssue(e)], undefined, undefined);
    }
  }

  /**
   * Compiles a scenario's caller alone (the scenario's `caller` object, same format), for `CompiledScenario.withCaller`:
   * a caller asked about many keys is read once.
   */
  public static compileCaller(caller: any): CompiledCaller {
    const part = KmsAccessEvaluator.compile({ caller });
    return CompiledCaller._create(part._env?.caller, part._issues);
  }

  /**
   * Compiles everything of a scenario but its caller: the key, SCPs, RCPs, VPC endpoint, grants and default request,
   * once for many callers. Give it a caller with `withCaller` before evaluating: until then it is evaluated for the
   * key's account root with no IAM policy. A `caller` in the scenario is ignored.
   */
  public static compileForCallers(scenario: any): CompiledScenario {
    if (!isObject(scenario)) return KmsAccessEvaluator.compile(scenario);
    // The key's account root (a caller with no policy, which raises no issue) holds the caller's place: every part of
    // a scenario but the caller is read independently of it (scenario.ts readEnvironment), so the key's part compiled
    // here is the one a whole compile would make.
    const arn = isObject(scenario.key) && typeof scenario.key.arn === 'string' ? /^arn:([^:]+):kms:[^:]*:(\d{12}):/.exec(scenario.key.arn) : null;
    const caller = { arn: `arn:${arn?.[1] ?? 'aws'}:iam::${arn?.[2] ?? '000000000000'}:root` };
    const compiled = KmsAccessEvaluator.compile({ ...scenario, caller });
    compiled._forCallers = true;
    return compiled;
  }

  private constructor() {}
}

function toResult(name: string | undefined, a: Authorization, compileWarnings: Issue[], requestIssues: readonly Issue[]): EvaluationResult {
  const result: { -readonly [K in keyof EvaluationResult]: EvaluationResult[K] } = {
    decision: a.decision as KmsDecision,
    explanation: a.explanation,
    // The engine's check outcomes have exactly the fields of AuthorizationCheck, and are made for this one result.
    checks: a.checks as AuthorizationCheck[],
    errors: [],
    warnings: requestIssues.length === 0 ? compileWarnings.slice() : [...compileWarnings, ...requestIssues],
  };
  if (name !== undefined) result.name = name;
  if (a.lockoutSafetyCheck) result.lockoutSafetyCheck = a.lockoutSafetyCheck;
  return result;
}

function invalid(name: string | undefined, issues: readonly Issue[]): EvaluationResult {
  const errors = issues.filter((i) => i.severity === 'error');
  const first = errors[0];
  const whereText = first ? [first.policy, first.statement, first.field].filter((x) => x !== undefined).join(', ') : '';
  return {
    ...(name !== undefined ? { name } : {}),
    decision: KmsDecision.IMPLICIT_DENY,
    explanation: first
      ? `the scenario is invalid and was not evaluated: ${first.message}${whereText ? ` (${whereText})` : ''}${errors.length > 1 ? `, and ${errors.length - 1} more error(s)` : ''}`
      : 'the scenario is invalid and was not evaluated',
    checks: [],
    errors,
    warnings: issues.filter((i) => i.severity === 'warning'),
  };
}

function internalIssue(e: unknown): Issue {
  return { code: 'internal-error', severity: 'error', message: `the evaluator failed on this input (${(e as Error)?.message ?? String(e)}); please report it with the scenario` };
}

function internalError(name: string | undefined, e: unknown): EvaluationResult {
  return invalid(name, [internalIssue(e)]);
}
