/**
 * A policy compiled for repeated evaluation: conditions compiled once, and statements indexed by action on first use,
 * so a decision only looks at statements that can apply to its action.
 */
import { ACTION_COUNT, ActionProfile } from './action-profile';
import { ActionPattern } from '../policy/action-pattern';
import { ALL_KMS_ACTIONS } from '../policy/catalogue';
import { describeCharacter, echoUpTo, firstBadCharacter, isPrintableAscii } from '../policy/characters';
import { IssueCollector, IssueLocation, NoSilentAllowCodes } from '../policy/issues';
import { PolicyDocument, PolicyStatement } from '../policy/policy-document';
import { PolicyKind } from '../policy/policy-kind';
import { matchesWildcard, wildcardMatcher } from '../policy/wildcard';
import { CompiledCondition, compileConditionBlock } from './conditions/compile-condition';
import { ACTION_WORDS, actionsWithKey, hasBit } from './conditions/condition-keys';
import { parseOperatorName } from './conditions/operator-name';
import { ConditionContext } from './context';
import { appendShort } from './short-list';
import { TemplateString, parseTemplate } from './variables';

/**
 * A statement ready for matching. What only explanations and candidate lists need (label, effect, Principal) is read
 * from `source`: a compiled statement carries just what searches use, as every raw scenario compiles several.
 */
export interface CompiledStatement extends ResourceMatcher {
  /** The statement as parsed: label, effect, Principal/NotPrincipal (undefined when absent), elements as written. */
  readonly source: PolicyStatement;
  readonly isAllow: boolean;
  /** Action or NotAction patterns (`notAction` tells which), matched when the policy is indexed. */
  readonly actions: readonly ActionPattern[];
  readonly notAction: boolean;
  readonly conditions: readonly CompiledCondition[];
  /**
   * An Allow whose Principal is `"*"` and whose Condition narrows it with a positive operator on aws:PrincipalArn:
   * permissions boundaries and session policies do not limit what it grants (IAM UG reference_policies_elements_principal.md,
   * "IAM role principals").
   */
  readonly principalArnNarrowed: boolean;
  /** `Sid "X" of the key policy`, as explanations name the statement; made by the engine on first use. */
  explanationName?: string;
  /** The statement as results name it when it decides a check (frozen: results share it); made by the engine on first use. */
  decidingRef?: { readonly policy: string; readonly statement: string; readonly effect: 'Allow' | 'Deny' };
}

/** A statement's Resource or NotResource element. No patterns: the statement has neither (it never applies). */
export interface ResourceMatcher {
  /** NotResource. */
  readonly resourceNegated: boolean;
  /** True when some pattern holds a policy variable: matching then needs the request context. */
  readonly resourceDynamic: boolean;
  /** Wildcard patterns, or templates for patterns that hold policy variables. */
  readonly resourcePatterns: readonly (string | TemplateString)[];
}

/** What the policy knows about one action: its statements, and the candidate lists statement-match.ts keeps. */
export interface ActionIndex {
  /** The statements whose Action/NotAction covers the action. */
  readonly statements: readonly CompiledStatement[];
  /** Owned by statement-match.ts: per (caller, resource), the statements that can apply. */
  candidates: unknown[];
}

const NO_PATTERNS: readonly string[] = [];
const NO_CONDITIONS: readonly CompiledCondition[] = [];
const NO_STATEMENTS: readonly CompiledStatement[] = [];

export class CompiledPolicy {
  public readonly label: string;
  public readonly kind: PolicyKind;
  public readonly statements: readonly CompiledStatement[];
  /** The first action the policy was asked about and its index: a raw scenario asks each policy about one action. */
  private firstAction: ActionProfile | undefined;
  private firstIndex: ActionIndex | undefined;
  /** The indexes of further actions, by profile id. */
  private byId: Array<ActionIndex | undefined> | undefined;

  public constructor(doc: PolicyDocument, issues: IssueCollector) {
    this.label = doc.label;
    this.kind = doc.kind;
    const variables = doc.version === '2012-10-17';
    const conditionOptions = { variables, policyKind: doc.kind };
    // map rather than push onto []: V8 gives an array grown by push room for 17 elements.
    this.statements = doc.statements.map((s): CompiledStatement => {
      const where = s.where;
      const conditions = s.condition === undefined ? NO_CONDITIONS : compileConditionBlock(s.condition, where, conditionOptions, issues);
      const resourceList = s.resource ?? s.notResource ?? NO_PATTERNS;
      const resourceField = s.resource ? 'Resource' : 'NotResource';
      let patterns: (string | TemplateString)[] = resourceList as string[];
      let dynamic = false;
      if (variables) {
        // Templates only where a pattern holds `${`: most resources are plain patterns, kept as the written list.
        for (let i = 0; i < resourceList.length; i++) {
          const t = parseTemplate(resourceList[i], where, issues, resourceField);
          if (typeof t === 'string') continue;
          if (!dynamic) patterns = resourceList.slice();
          patterns[i] = t;
          dynamic = true;
        }
      }
      const isAllow = s.effect === 'Allow';
      if (isAllow && s.notPrincipal !== undefined) reportNotPrincipalWithAllow(doc.label, s, issues);
      // Key policies are checked whole, with errors, before they are read (input-checks.ts).
      if (doc.kind !== 'key') checkInvisibleCharacters(doc.label, s, issues);
      if (conditions.length > 0) checkConditionKeysApply(s, conditions, issues);
      return {
        source: s,
        isAllow,
        actions: s.actionPatterns,
        notAction: s.actionNegated,
        resourceNegated: s.resource === undefined && s.notResource !== undefined,
        resourceDynamic: dynamic,
        resourcePatterns: patterns,
        conditions,
        principalArnNarrowed: isAllow && conditions.length > 0 && s.principal !== undefined && narrowedByPrincipalArn(s, conditions),
      };
    });
    checkDuplicateSids(doc, issues);
  }

  /**
   * The statements whose Action/NotAction covers the action, and the candidate lists kept with them; built on first
   * use and memoised per action.
   */
  public actionIndex(action: ActionProfile): ActionIndex {
    if (action === this.firstAction) return this.firstIndex!;
    let index = this.byId?.[action.id];
    if (index === undefined) {
      index = this.buildIndex(action.id);
      if (this.firstAction === undefined) {
        this.firstAction = action;
        this.firstIndex = index;
      } else {
        (this.byId ??= new Array<ActionIndex | undefined>(ACTION_COUNT))[action.id] = index;
      }
    }
    return index;
  }

  /** The statements whose Action/NotAction covers the catalogue action `id`: each pattern knows which it covers. */
  private buildIndex(id: number): ActionIndex {
    let found: CompiledStatement[] | undefined;
    for (const s of this.statements) {
      const patterns = s.actions;
      let hit = false;
      for (let j = 0; j < patterns.length && !hit; j++) hit = patterns[j].covers[id] === 1;
      if (hit !== s.notAction) found = appendShort(found, s);
    }
    return { statements: found ?? NO_STATEMENTS, candidates: [] };
  }
}

/**
 * [choice] Allow with NotPrincipal is refused as invalid input: it grants everyone except the listed principals,
 * other accounts and anonymous callers included; IAM UG reference_policies_elements_notprincipal.md says "most
 * resource-based policy types do not allow" it and that AWS will restrict it further, and the KMS guide never mentions
 * it. Whether KMS accepts such a key policy is undocumented: if it rejects it, the policy cannot exist; if it accepts
 * it, "everyone else" would be an allow that nobody meant. Neither may be decided silently.
 */
function reportNotPrincipalWithAllow(label: string, s: PolicyStatement, issues: IssueCollector): void {
  issues.error(NoSilentAllowCodes.NOT_PRINCIPAL_WITH_ALLOW,
    `${s.label} of the ${label} has "Effect": "Allow" with NotPrincipal, which would allow every principal except the listed ones, ` +
      'including other accounts and anonymous callers; AWS recommends against it and most resource-based policies reject it ' +
      '(reference_policies_elements_notprincipal.md). name the principals to allow in Principal, or write Principal "*" with a Condition ' +
      'on aws:PrincipalArn',
    s.where, 'NotPrincipal');
}

/**
 * Warns about invisible characters and lone surrogates in a statement's Sid, Resource/NotResource ARNs and principal
 * names: nobody reading the policy sees them, and an ARN or name holding one matches nothing written without it.
 * Condition keys are checked where conditions compile (compile-condition.ts).
 */
function checkInvisibleCharacters(label: string, s: PolicyStatement, issues: IssueCollector): void {
  if (s.sid !== undefined) warnInvisible(label, s.sid, s.where, 'Sid', issues);
  const resources = s.resource ?? s.notResource;
  if (resources !== undefined) {
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i];
      if (r !== '*') warnInvisible(label, r, s.where, s.resource ? 'Resource' : 'NotResource', issues);
    }
  }
  const principals = s.principal ?? s.notPrincipal;
  if (principals !== undefined) {
    for (const e of principals) {
      if (e.type === 'user' || e.type === 'role' || e.type === 'session' || e.type === 'federated-user') {
        warnInvisible(label, e.type === 'session' ? `${e.name}/${e.sessionName}` : e.name, s.where, s.principal ? 'Principal.AWS' : 'NotPrincipal.AWS', issues);
      }
    }
  }
}

function warnInvisible(label: string, text: string, where: IssueLocation, field: string, issues: IssueCollector): void {
  if (isPrintableAscii(text)) return;
  const bad = firstBadCharacter(text, false);
  if (bad === undefined) return;
  issues.warning(NoSilentAllowCodes.INVISIBLE_CHARACTER,
    `the value \`${echoUpTo(text, bad.index)}\` of the ${label} holds ${describeCharacter(bad)}, which nobody reading the policy can see: a name or ARN holding it matches nothing written without it. remove the character`,
    where, field);
}

/** Whether an Allow statement's Principal holds `"*"` and a positive String or ARN operator tests aws:PrincipalArn. */
function narrowedByPrincipalArn(s: PolicyStatement, conditions: readonly CompiledCondition[]): boolean {
  if (!s.principal!.some((e) => e.type === 'everyone')) return false;
  for (const c of conditions) {
    if (c.key.length !== 16 || c.key.toLowerCase() !== 'aws:principalarn') continue;
    const parsed = parseOperatorName(c.operator);
    if ('definition' in parsed && parsed.definition.kind === 'value' && !parsed.definition.negated && parsed.setOperator !== 'ForAllValues') return true;
  }
  return false;
}

/**
 * Two statements with one Sid. Explanations and issues name them with their index (statement-label.ts), so they stay
 * apart; the warning says so, and that IAM rejects such an identity policy (reference_policies_elements_sid.md: "In IAM,
 * the Sid value must be unique within a JSON policy"). The KMS pages do not say whether a key policy may.
 */
function checkDuplicateSids(doc: PolicyDocument, issues: IssueCollector): void {
  const statements = doc.statements;
  // Policies hold a handful of statements: comparing pairs allocates nothing.
  for (let j = 1; j < statements.length; j++) {
    const sid = statements[j].sid;
    if (sid === undefined || sid === '') continue;
    for (let i = 0; i < j; i++) {
      if (statements[i].sid !== sid) continue;
      issues.warning(NoSilentAllowCodes.DUPLICATE_SID,
        `statements #${statements[i].index} and #${statements[j].index} of the ${doc.label} share the Sid ${JSON.stringify(sid)}, so explanations and `
          + `finding ids name each with its index (${statements[j].label}), and IAM rejects an identity policy whose Sids are not unique. `
          + 'give each statement its own Sid',
        statements[j].where, 'Sid');
      break;
    }
  }
}

/* eslint-disable no-bitwise -- bit sets over the catalogue's actions (condition-keys.ts), and a character test. */

/**
 * Warns about a condition on a key that exists for none of the statement's KMS actions (the catalogue's per-action
 * keys, from the KMS permissions reference): such a condition never sees a value, so a positive operator never
 * matches and a negated one always does. Global keys, keys of other services and statements that cover no KMS action
 * are not judged. Warnings never change the decision.
 */
function checkConditionKeysApply(s: PolicyStatement, conditions: readonly CompiledCondition[], issues: IssueCollector): void {
  for (const c of conditions) {
    const withKey = applies(c, s);
    if (withKey === true) continue;
    const actions = s.actionPatterns.slice(0, 3).map((p) => p.text).join(', ') + (s.actionPatterns.length > 3 ? ', ...' : '');
    issues.warning(NoSilentAllowCodes.CONDITION_KEY_NOT_APPLICABLE,
      `condition key \`${c.key}\` exists for none of the actions this statement ${s.actionNegated ? 'covers (NotAction ' + actions + ')' : `covers (${actions})`}: ` +
        'KMS requests for them never carry it, so a positive operator on it never matches and a negated operator or `...IfExists` always does ' +
        '(conditions-kms.md; the KMS permissions reference lists the condition keys of each action). move the condition to a statement for ' +
        `actions that carry the key${firstActionsWith(withKey)}`,
      s.where, `Condition.${c.operator}.${c.key}`);
  }
}

/**
 * The last answer for each compiled condition, with the Action element it was given for: compiled conditions and
 * action patterns are shared by every policy that holds the same text (condition-cache.ts, action-pattern.ts), so a
 * policy read again asks the same question of the same objects, and one identity comparison per pattern answers it.
 */
interface Answer {
  readonly patterns: readonly ActionPattern[];
  readonly negated: boolean;
  /** true, or the actions that carry the key when none of the statement's do. */
  readonly result: true | Uint32Array;
}

const answers = new WeakMap<CompiledCondition, Answer>();

/** Whether a condition's key exists for some action of the statement: true, or the actions that carry it. */
function applies(c: CompiledCondition, s: PolicyStatement): true | Uint32Array {
  const patterns = s.actionPatterns;
  const last = answers.get(c);
  if (last !== undefined && last.negated === s.actionNegated && samePatterns(last.patterns, patterns)) return last.result;
  let result: true | Uint32Array = true;
  if (!isGlobalKey(c.key)) {
    const withKey = actionsWithKey(c.key);
    if (withKey !== null && !keyApplies(s, withKey)) result = withKey;
  }
  answers.set(c, { patterns, negated: s.actionNegated, result });
  return result;
}

function samePatterns(a: readonly ActionPattern[], b: readonly ActionPattern[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether some KMS action the statement covers carries the key, or the statement covers no KMS action at all (then
 * it is not KMS's to judge). Pattern by pattern, so the usual statement answers at its first pattern, allocating nothing.
 */
function keyApplies(s: PolicyStatement, withKey: Uint32Array): boolean {
  const patterns = s.actionPatterns;
  if (s.actionNegated) {
    // NotAction covers every KMS action no pattern covers.
    const left = new Uint32Array(ACTION_WORDS);
    for (let i = 0; i < ACTION_COUNT; i++) left[i >> 5] |= 1 << (i & 31);
    for (const p of patterns) {
      const bits = patternBits(p);
      for (let w = 0; w < ACTION_WORDS; w++) left[w] &= ~bits[w];
    }
    return isEmpty(left) || overlaps(left, withKey);
  }
  let anyCovered = false;
  for (const p of patterns) {
    const bits = patternBits(p);
    if (overlaps(bits, withKey)) return true;
    if (!anyCovered && !isEmpty(bits)) anyCovered = true;
  }
  return !anyCovered;
}

function overlaps(a: Uint32Array, b: Uint32Array): boolean {
  for (let w = 0; w < ACTION_WORDS; w++) if ((a[w] & b[w]) !== 0) return true;
  return false;
}

function isEmpty(a: Uint32Array): boolean {
  for (let w = 0; w < ACTION_WORDS; w++) if (a[w] !== 0) return false;
  return true;
}

/**
 * A quick test, without look-up, for the commonest keys every request may carry: `aws:` keys other than the tag keys
 * (aws:RequestTag/, aws:ResourceTag/, aws:TagKeys, all of which start `aws:R` or `aws:T`).
 */
function isGlobalKey(key: string): boolean {
  if (key.length < 5 || key.charCodeAt(3) !== 0x3a /* : */) return false;
  const a = key.charCodeAt(0) | 0x20;
  const fifth = key.charCodeAt(4) | 0x20;
  const aws = a === 0x61 /* a */ && (key.charCodeAt(1) | 0x20) === 0x77 /* w */ && (key.charCodeAt(2) | 0x20) === 0x73; /* s */
  return aws && fifth !== 0x72 /* r */ && fifth !== 0x74 /* t */;
}

/** A pattern's `covers` as a bit set, made once per pattern (patterns are immutable and shared, action-pattern.ts). */
const PATTERN_BITS = new WeakMap<ActionPattern, Uint32Array>();

function patternBits(p: ActionPattern): Uint32Array {
  let bits = PATTERN_BITS.get(p);
  if (bits === undefined) {
    bits = new Uint32Array(ACTION_WORDS);
    for (let i = 0; i < ACTION_COUNT; i++) if (p.covers[i] === 1) bits[i >> 5] |= 1 << (i & 31);
    PATTERN_BITS.set(p, bits);
  }
  return bits;
}

/** `, e.g. kms:Encrypt, kms:Decrypt` for the first actions that carry a key. */
function firstActionsWith(bits: Uint32Array): string {
  const names: string[] = [];
  for (let i = 0; i < ACTION_COUNT && names.length < 3; i++) if (hasBit(bits, i)) names.push(ALL_KMS_ACTIONS[i]);
  return names.length === 0 ? ' (no KMS action carries it)' : `, e.g. ${names.join(', ')}`;
}

/* eslint-enable no-bitwise */

/** Whether a statement's Resource/NotResource covers `resource` (a key or alias ARN, or `*` for IAM-only actions). */
export function matchesResource(r: ResourceMatcher, resource: string, ctx: ConditionContext): boolean {
  const patterns = r.resourcePatterns;
  let hit = false;
  for (let i = 0; i < patterns.length && !hit; i++) {
    const p = patterns[i];
    if (typeof p === 'string') {
      hit = matchesWildcard(p, resource);
    } else {
      // A variable without a value makes the pattern match nothing (IAM UG reference_policies_variables.md).
      const rendered = p.render(ctx, true);
      hit = rendered !== undefined && wildcardMatcher(rendered)(resource);
    }
  }
  if (patterns.length === 0) return false;
  return r.resourceNegated ? !hit : hit;
}

/** Whether every condition of a statement holds; returns the index of the first failing condition, or -1. */
export function firstFailingCondition(conditions: readonly CompiledCondition[], ctx: ConditionContext): number {
  for (let i = 0; i < conditions.length; i++) {
    if (!conditions[i].test(ctx)) return i;
  }
  return -1;
}
