/**
 * Compiles a statement's Condition element into tests, once, when the policy is compiled: operator names parsed,
 * keys lower-cased, values parsed into their operator's type, wildcard matchers built. Bad input never throws: it is
 * reported to the IssueCollector and the condition is left out (an error makes the policy unevaluable anyway).
 *
 * Grammar (reference_policies_elements_condition_operators.md, reference_policies_multi-value-conditions.md):
 * `"Condition": { "<operator>": { "<key>": <value> | [<value>, ...] }, ... }`, values being strings, numbers or
 * booleans. All conditions of a statement AND together; the engine does that.
 */
import { conditionKeyFacts } from '../../policy/catalogue';
import { ConditionKeyFacts } from '../../policy/catalogue-types';
import { ECHO_MAX_CHARS, describeCharacter, escapeText, firstBadCharacter } from '../../policy/characters';
import { hasOwn } from '../../policy/has-own';
import { IssueCollector, IssueLocation, NoSilentAllowCodes, show } from '../../policy/issues';
import { PolicyKind } from '../../policy/policy-kind';
import { ConditionKey } from '../context';
import { parseTemplate } from '../variables';
import { CompiledCondition, NullCondition, ValueCondition } from './compiled-condition';
import { cacheCondition, cachedCondition } from './condition-cache';
import { isAwsOrKmsKey, isKnownConditionKey, nearestConditionKey } from './condition-keys';
import { ParsedOperatorName, parseOperatorName } from './operator-name';
import { KeyType, PolicyValue } from './types';

export type { CompiledCondition } from './compiled-condition';

export interface ConditionCompileOptions {
  /** Policy Version is "2012-10-17": policy variables are substituted. Otherwise `${...}` is literal text. */
  readonly variables: boolean;
  readonly policyKind: PolicyKind;
}

/**
 * Compiles a statement's Condition element (the raw JSON value). Never throws: on bad input records errors in
 * `issues` (with `where` and a field such as `Condition.StringEquals.kms:CallerAccount`; `where.field`, when set,
 * replaces the leading `Condition`) and returns the conditions it could compile.
 */
export function compileConditionBlock(
  block: unknown,
  where: IssueLocation,
  options: ConditionCompileOptions,
  issues: IssueCollector,
): CompiledCondition[] {
  const base = where.field ?? 'Condition';
  if (!isObject(block)) {
    issues.error(
      'invalid-condition',
      `the Condition element must be an object such as \`{"StringEquals": {"kms:CallerAccount": "111122223333"}}\`; received ${show(block)}`,
      where,
      base,
    );
    return [];
  }
  // Made by literal while short (one or two conditions, the usual): V8 gives an empty array grown by push room for 17.
  let out: CompiledCondition[] | undefined;
  for (const operatorText in block) {
    if (!hasOwn(block, operatorText)) continue;
    const keyBlock = block[operatorText];
    const parsed = parseOperatorName(operatorText);
    if (!('definition' in parsed)) {
      const hint = parsed.suggestion === undefined
        ? 'use an IAM condition operator such as `StringEquals`, `ArnLike`, `IpAddress` or `Null`'
        : `did you mean \`${parsed.suggestion}\`?`;
      issues.error('unknown-condition-operator', `${parsed.problem}; operator names are case-sensitive. ${hint}`, where, `${base}.${operatorText}`);
      continue;
    }
    if (!isObject(keyBlock) || !hasOwnKey(keyBlock)) {
      issues.error(
        'invalid-condition',
        `condition operator \`${operatorText}\` must map at least one condition key to its value(s), e.g. \`{"kms:CallerAccount": "111122223333"}\`; ` +
          `received ${show(keyBlock)}`,
        where,
        `${base}.${operatorText}`,
      );
      continue;
    }
    for (const key in keyBlock) {
      if (!hasOwn(keyBlock, key)) continue;
      const compiled = compileCondition(parsed, operatorText, key, keyBlock[key], where, base, options, issues);
      if (compiled === undefined) continue;
      if (out === undefined) out = [compiled];
      else if (out.length === 1) out = [out[0], compiled];
      else out.push(compiled);
    }
  }
  return out ?? [];
}

/** A one-line human description, e.g. `StringEquals kms:CallerAccount in ["111122223333"]`, for explanations. */
export function describeCondition(c: CompiledCondition): string {
  return c.description ??= `${c.operator} ${c.key} in ${JSON.stringify(c.values)}`;
}

const OVERLY_PERMISSIVE_PREFIXES = ['kms:encryptioncontext:', 'aws:requesttag/'];

/** Which operators suit each catalogue key type, for the type-mismatch hint. */
const OPERATORS_FOR_TYPE: Readonly<Record<string, string>> = {
  String: 'a String operator (`StringEquals`, `StringLike`, ...)',
  ARN: 'an ARN operator (`ArnLike`, `ArnEquals`, ...) or a String operator',
  Numeric: 'a Numeric operator (`NumericEquals`, `NumericLessThan`, ...)',
  Date: 'a Date operator (`DateLessThan`, `DateGreaterThan`, ...)',
  Bool: '`Bool`',
  Binary: '`BinaryEquals`',
  IpAddress: '`IpAddress` or `NotIpAddress`',
};

/**
 * Compiles one operator-key-values triple. Issues name `where` with the field `<base>.<operator>.<key>` (e.g.
 * `Condition.StringEquals.kms:CallerAccount`, plus `[i]` for one element of a list of values), built only when there
 * is an issue.
 */
function compileCondition(
  parsed: ParsedOperatorName,
  operator: string,
  key: string,
  rawValue: unknown,
  where: IssueLocation,
  base: string,
  options: ConditionCompileOptions,
  issues: IssueCollector,
): CompiledCondition | undefined {
  if (key.trim() === '') {
    issues.error('invalid-condition', `condition operator \`${operator}\` names an empty condition key; write a key such as \`kms:CallerAccount\``, where, `${base}.${operator}.${key}`);
    return undefined;
  }
  // "You can use an IAM policy variable only in the value of the kms:EncryptionContext:context-key condition key.
  // You cannot use a variable in the key." (conditions-kms.md); the same holds for every key.
  if (key.includes('${')) {
    issues.error(
      'policy-variable-in-condition-key',
      `condition key ${show(key)} holds a policy variable; variables can only be used in condition values, never in keys. ` +
        'move the variable into the value, or name the key literally',
      where,
      `${base}.${operator}.${key}`,
    );
    return undefined;
  }
  // Most conditions have a single string value: look it up as it is, so that a hit allocates nothing.
  if (typeof rawValue === 'string') {
    const hit = cachedCondition(operator, key, rawValue, options);
    if (hit !== undefined) return hit;
  }
  const values = conditionValues(rawValue, operator, key, where, base, issues);
  if (values === undefined) return undefined;

  const cached = typeof rawValue === 'string' ? undefined : cachedCondition(operator, key, values, options);
  if (cached !== undefined) return cached;
  const issuesBefore = issues.issues.length;
  const compiled = compileValues(parsed, operator, key, rawValue, values, where, `${base}.${operator}.${key}`, options, issues);
  // Only a condition that compiled without any issue is shared: the issues of the others name their location.
  if (compiled !== undefined && issues.issues.length === issuesBefore) cacheCondition(operator, key, values, options, compiled);
  return compiled;
}

function compileValues(
  parsed: ParsedOperatorName,
  operator: string,
  key: string,
  rawValue: unknown,
  values: string[],
  where: IssueLocation,
  field: string,
  options: ConditionCompileOptions,
  issues: IssueCollector,
): CompiledCondition | undefined {
  const { definition, setOperator, ifExists } = parsed;
  const lowerKey = key.toLowerCase();
  const facts = conditionKeyFacts(lowerKey);
  lintConditionKey(key, facts, options.policyKind, where, field, issues);

  // Set operators (reference_policies_multi-value-conditions.md; conditions-kms.md, "Using set operators").
  if (setOperator !== undefined) {
    if (definition.kind === 'existence') {
      issues.warning(
        'set-operator-on-null',
        `\`${operator}\` puts a set operator on \`Null\`, which only tests whether \`${key}\` exists; the set operator is ignored. write \`Null\``,
        where,
        field,
      );
    } else if (setOperator === 'ForAllValues' && OVERLY_PERMISSIVE_PREFIXES.some((p) => lowerKey.startsWith(p))) {
      // KMS rejects such policies with OverlyPermissiveCondition (conditions-kms.md); other policy types accept them.
      const message = `\`ForAllValues\` on the single-valued key \`${key}\` matches requests without that ${lowerKey.startsWith('aws:') ? 'tag' : 'encryption context'} ` +
        'or with unlisted ones, so it does not require what it seems to' +
        (options.policyKind === 'key' ? '; AWS KMS rejects this key policy (OverlyPermissiveCondition)' : '') +
        `. remove \`ForAllValues:\` and write \`${operator.slice('ForAllValues:'.length)}\``;
      if (options.policyKind === 'key') issues.error('overly-permissive-condition', message, where, field);
      else issues.warning('overly-permissive-condition', message, where, field);
    } else if (facts !== undefined && !facts.multiValued) {
      issues.warning(
        'set-operator-on-single-valued-key',
        `\`${setOperator}:\` is meant for multi-valued keys but \`${key}\` is single-valued; a set operator on it can be overly permissive ` +
          `or restrictive (conditions-kms.md). remove \`${setOperator}:\``,
        where,
        field,
      );
    }
  } else if (definition.kind === 'value' && facts?.multiValued) {
    issues.warning(
      'missing-set-operator',
      `\`${key}\` is multi-valued and needs a set operator, but \`${operator}\` has none; it is evaluated as true when any request value ` +
        `matches${definition.negated ? ' (for this negated operator: when no request value matches)' : ''}. write \`ForAnyValue:${operator}\` ` +
        `or \`ForAllValues:${operator}\``,
      where,
      field,
    );
  }

  const keyType = facts?.type;
  if (definition.keyTypes !== undefined && keyType !== undefined && !definition.keyTypes.includes(keyType as KeyType)) {
    issues.warning(
      'condition-type-mismatch',
      `\`${operator}\` cannot compare \`${key}\`, a ${keyType} condition key: request values that do not parse as the operator's type ` +
        `match no policy value. use ${OPERATORS_FOR_TYPE[keyType] ?? `an operator for ${keyType} values`}`,
      where,
      field,
    );
  }

  const isList = Array.isArray(rawValue);
  const valueField = (i: number): string => (isList ? `${field}[${i}]` : field);
  const substitute = options.variables && definition.acceptsVariables;
  let policyValues: PolicyValue[] = values;
  if (substitute) {
    // Templates only for values that hold `${`; the rest stay the strings they are.
    for (let i = 0; i < values.length; i++) {
      if (!values[i].includes('${')) continue;
      if (policyValues === values) policyValues = values.slice();
      policyValues[i] = parseTemplate(values[i], where, issues, valueField(i));
    }
  }

  let rejected = false;
  const reject = (i: number, expected: string): void => {
    rejected = true;
    const variableHint = options.variables && !definition.acceptsVariables && values[i].includes('${')
      ? ` (policy variables cannot be used with \`${definition.name}\`, reference_policies_variables.md)`
      : '';
    issues.error(
      'invalid-condition-value',
      `\`${operator}\` on \`${key}\` cannot use the value ${show(values[i])}${variableHint}; expected ${expected}`,
      where,
      valueField(i),
    );
  };
  const warn = (i: number, code: string, message: string): void => issues.warning(code, message, where, valueField(i));

  if (definition.kind === 'existence') {
    const expectation = definition.compile(policyValues, reject);
    if (rejected) return undefined;
    return new NullCondition(operator, key, values, new ConditionKey(lowerKey), expectation.matchAbsent, expectation.matchPresent);
  }
  const matcher = definition.compile(policyValues, reject, warn);
  if (rejected) return undefined;
  const negated = definition.negated;
  const requireAll = setOperator === undefined ? negated : setOperator === 'ForAllValues';
  const whenAbsent = ifExists || (setOperator === undefined ? negated : setOperator === 'ForAllValues');
  return new ValueCondition(operator, key, values, new ConditionKey(lowerKey), matcher, negated, requireAll, whenAbsent);
}

/**
 * Warns about a condition key that no KMS request carries (misspelled, or holding an invisible character), with the
 * nearest known key: such a condition silently turns a restriction into nothing, as a positive operator on an absent
 * key never matches and a negated one always does. Keys of other services (`s3:prefix`) are not KMS's to judge in
 * IAM-side policies, which may cover several services; a key or VPC endpoint policy sees only KMS requests, which
 * carry only `aws:` and `kms:` keys. Runs only when a condition is compiled, never on a cache hit: a condition with a
 * warning is never cached, so it is checked wherever it appears.
 */
function lintConditionKey(
  key: string, facts: ConditionKeyFacts | undefined, policyKind: PolicyKind, where: IssueLocation, field: string, issues: IssueCollector,
): void {
  const bad = firstBadCharacter(key, false);
  if (facts !== undefined || isKnownConditionKey(key)) {
    // A member of a family (`kms:EncryptionContext:<k>`) may still hold an invisible character in its own name.
    if (bad !== undefined) {
      issues.warning(NoSilentAllowCodes.INVISIBLE_CHARACTER,
        `condition key \`${shortKey(key)}\` holds ${describeCharacter(bad)}, which nobody reading the policy can see: it names a different key than it seems to. remove the character`,
        where, field);
    }
    return;
  }
  if (bad === undefined && !isAwsOrKmsKey(key) && policyKind !== 'key' && policyKind !== 'endpoint') return;
  const nearest = nearestConditionKey(key);
  issues.warning(NoSilentAllowCodes.UNKNOWN_CONDITION_KEY,
    `condition key \`${shortKey(key)}\` is not one that AWS KMS requests carry${bad === undefined ? '' : ` (it holds ${describeCharacter(bad)})`}, so it is absent from every request: ` +
      'a positive operator on it never matches, and a negated operator or `...IfExists` always does, whatever the request. ' +
      (nearest === undefined
        ? 'check the spelling against the KMS condition keys (conditions-kms.md) and the AWS global condition keys (conditions-aws.md)'
        : `did you mean \`${nearest}\`?`),
    where, field);
}

function shortKey(key: string): string {
  return key.length > ECHO_MAX_CHARS ? `${escapeText(key.slice(0, ECHO_MAX_CHARS))}...` : escapeText(key);
}

/**
 * The values of one condition as strings: a string, number or boolean, or a non-empty array of them.
 * [choice] An empty array is an error: it gives the condition nothing to compare with, and whether AWS reads it as
 * "no match" or rejects the policy is not documented.
 */
function conditionValues(
  raw: unknown, operator: string, key: string, where: IssueLocation, base: string, issues: IssueCollector,
): string[] | undefined {
  const expected = 'a string, number or boolean, or a non-empty array of them';
  if (isScalar(raw)) return [String(raw)];
  const field = `${base}.${operator}.${key}`;
  if (!Array.isArray(raw) || raw.length === 0) {
    issues.error('invalid-condition-value', `\`${operator}\` on \`${key}\` has the value ${show(raw)}; expected ${expected}`, where, field);
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  raw.forEach((v: unknown, i) => {
    if (isScalar(v)) {
      out.push(String(v));
    } else {
      ok = false;
      issues.error(
        'invalid-condition-value',
        `\`${operator}\` on \`${key}\` has the list element ${show(v)}; expected a string, number or boolean`,
        where,
        `${field}[${i}]`,
      );
    }
  });
  return ok ? out : undefined;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Whether an object has an own enumerable key (`Object.keys(o).length > 0` without the array). */
function hasOwnKey(o: object): boolean {
  for (const k in o) {
    if (hasOwn(o, k)) return true;
  }
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
