/**
 * The intent checks run on a declared intent read from a template (KmsGuard-IntentDrift reports them): the same
 * functions the constructs call to refuse bad props, so a template whose intent a construct would have refused (an
 * opted-out separation of duties, an edited Metadata entry, another version's output) is reported, not trusted. Pure.
 */
import { conditionConflict } from './condition-conflicts';
import { notShareableActions } from './cross-account-actions';
import { dutyConflicts } from './separation-of-duties';
import { encryptionContextConditions } from '../../builders/key-policy-statements';
import { ConditionJson } from '../../builders/policy-json';
import { DeclaredIntent, IntentPrincipal } from '../declared-intent';

export interface IntentProblem {
  /** `SeparationOfDuties`, `NotShareable`, `ConditionConflict`. */
  readonly check: string;
  /** The declared principal concerned, as JSON text (`{"path":"S/Admin/Resource"}`), or `-`. */
  readonly principal: string;
  readonly message: string;
}

/** Every problem of the intent, in grant order. */
export function intentProblems(intent: DeclaredIntent): IntentProblem[] {
  const out: IntentProblem[] = [];
  const text = (p: IntentPrincipal): string => JSON.stringify(p);
  const administrators = intent.grants.filter((g) => g.purpose === 'administer').flatMap((g) => g.principals.map(text));
  const users = intent.grants.filter((g) => g.purpose === 'use' || g.purpose === 'share' || g.purpose === 'iam-delegation')
    .flatMap((g) => g.principals.map((p) => ({ principal: text(p), actions: g.actions })));
  for (const c of dutyConflicts(administrators, users)) {
    out.push({
      check: 'SeparationOfDuties',
      principal: c.principal,
      message: `${c.principal} is declared an administrator and also ${c.use.join(', ')} (separationOfDuties was off): administrators should not use the key`,
    });
  }
  for (const g of intent.grants.filter((x) => x.purpose === 'share')) {
    const bad = notShareableActions(g.actions);
    if (bad.length > 0) {
      out.push({
        check: 'NotShareable',
        principal: g.principals.map(text).join(', '),
        message: `the declared share includes ${bad.join(', ')}, which KMS ignores from another account`,
      });
    }
  }
  for (const g of intent.grants) {
    const context = Object.fromEntries(Object.entries(g.encryptionContext ?? {}).map(([k, v]) => [k, String(v)]));
    const conflict = conditionConflict(g.conditions as ConditionJson | undefined, encryptionContextConditions(context));
    if (conflict) {
      out.push({ check: 'ConditionConflict', principal: g.principals.map(text).join(', '), message: `the declared ${g.purpose} grant has contradictory conditions: ${conflict}` });
    }
  }
  return out;
}
