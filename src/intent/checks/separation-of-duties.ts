/**
 * Separation of duties in a declared intent: principals that administer a key do not use it, and principals that use
 * it do not administer it (best-practices.md, key-policy-default.md "Allows key administrators to administer the KMS
 * key"). Administration is PermissionSets.administer; anything beyond it is use. GuardedKmsKey calls it to refuse such
 * props and grants; KmsGuard-IntentDrift calls it on the intent a template declares. Pure.
 */
import { PermissionSets } from '../../policy/catalogue';

/** Whether granting these actions to an administrator breaks separation of duties (any action beyond administration). */
export function beyondAdministration(actions: readonly string[]): string[] {
  return actions.filter((a) => !(PermissionSets.administer as readonly string[]).includes(a));
}

/** A principal declared both ways. */
export interface DutyConflict {
  /** The principal as the caller identifies it (an ARN, a construct path). */
  readonly principal: string;
  /** The actions beyond administration it is also declared. */
  readonly use: readonly string[];
}

/**
 * The principals declared as administrators that are also declared actions beyond administration. `same` says whether
 * two identifiers name one principal (ARN text, construct path).
 */
export function dutyConflicts(
  administrators: readonly string[], users: ReadonlyArray<{ readonly principal: string; readonly actions: readonly string[] }>,
  same: (a: string, b: string) => boolean = (a, b) => a === b,
): DutyConflict[] {
  const out = new Map<string, string[]>();
  for (const u of users) {
    if (!administrators.some((a) => same(a, u.principal))) continue;
    const use = beyondAdministration(u.actions);
    if (use.length > 0) out.set(u.principal, [...new Set([...out.get(u.principal) ?? [], ...use])]);
  }
  return [...out].map(([principal, use]) => ({ principal, use }));
}

/** The error a construct throws (pinned by its tests). */
export function separationOfDutiesMessage(path: string, principal: string): string {
  return `${path}: ${principal} is both an administrator and a user of the key, and separationOfDuties is on. `
    + 'Use separate roles for managing and using the key, or set separationOfDuties: false.';
}
