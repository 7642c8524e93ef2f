/**
 * KmsGuard-IntentDrift: for each key made by a guarded construct (GuardedKmsKey, VpceRestrictedKey, and the shares of
 * CrossAccountKeyShare), the effective access the analysis computes from the final templates must be what the
 * construct declared (src/intent/drift.ts): nothing extra, nothing missing, no declared condition dropped. What goes
 * through the key's own methods (grants, `grants`, `addToResourcePolicy`, which aws-cdk-lib constructs given the key
 * call too) is declared, as the key wrote it. What bypasses them shows up here: escape hatches (`addPropertyOverride`,
 * `key.policy.addStatements`) and IAM policies that the key policy's account delegation lets through. Keys without a
 * declared intent are not checked. Pure.
 *
 * Cost: the analysis of each key with an intent (src/analysis/effective-access.ts, over what reaches that key only)
 * dominates; the comparison itself is linear in subjects x actions (milliseconds on forty principals).
 */
import { Finding, Severity, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { keyFinding, keyName } from './support/key-finding';
import { analyzeKeys } from '../analysis/effective-access';
import { AppModel, KmsKeyModel } from '../app-model/app-model';
import { intentProblems } from '../intent/checks/intent-problems';
import { DeclaredIntent } from '../intent/declared-intent';
import { DriftItem, intentDrift } from '../intent/drift';
import { intentOf } from '../intent/key-intent';

const ID = 'KmsGuard-IntentDrift';

const WORDS: Record<DriftItem['kind'], string> = {
  extra: 'extra (not declared)',
  missing: 'missing (declared, denied)',
  weakened: 'weakened (a declared condition is not enforced)',
  unverified: 'cannot verify',
};

export const IntentDrift: Rule = {
  id: ID,
  severity: 'error',
  summary: 'What a guarded key\'s policies and the app\'s IAM policies allow must be what its construct declared: no extra principal or action, none missing, no declared condition dropped.',
  explanation: 'GuardedKmsKey, VpceRestrictedKey and CrossAccountKeyShare record who they were asked to let administer, deploy, use, break glass on or share the key, '
    + 'with which conditions, in the key\'s CloudFormation Metadata, as the key policy states them; statements added through the key\'s own '
    + 'addToResourcePolicy (by the user, or by aws-cdk-lib constructs given the key) are declared too. Escape hatches and overrides on the key\'s '
    + 'policy, and IAM policies that an account delegation in the key policy lets through, can change who can use the key after the construct '
    + 'made its policy; the construct\'s own checks never see them. This rule compares the effective access computed from the final templates with that intent, '
    + 'and looks for each conditional Deny the key declared (VpceRestrictedKey\'s network restriction) in the final key policy: a request that meets its '
    + 'conditions is allowed with or without it, so only the policy shows that it was removed or widened.',
  docLink: ruleDocLink(ID),
  findingIds: [
    'Principal::<construct path of the role or user>', 'Principal::<role|user>/<name> (one the app does not define)', 'Principal::Deployer',
    'Principal::Account', 'Principal::OtherAccount', 'Principal::AnyPrincipalOfAccount', 'Principal::Anyone', 'Principal::OrganizationPrincipal',
    'Principal::service/<name>', 'Principal::AnyService', 'Key::Intent (an intent that cannot be read or evaluated: a warning)',
    'Intent::SeparationOfDuties (a warning)', 'Intent::NotShareable', 'Intent::ConditionConflict',
  ],
  sources: [kmsGuide('key-policy-default'), kmsGuide('control-access'), kmsGuide('alias-access'), kmsGuide('conditions-kms'),
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-metadata.html'],
  check: (model: AppModel): Finding[] => {
    const declared = model.keys.map((key) => ({ key, reading: intentOf(key) })).filter((k) => k.reading !== undefined);
    if (declared.length === 0) return [];
    const findings: Finding[] = [];
    const readable = declared.filter(({ key, reading }) => {
      if (reading!.intent) return true;
      findings.push(keyFinding(ID, key, findingId('Key', 'Intent'), 'warning',
        `the declared intent of the key ${keyName(key)} cannot be read (${reading!.problem}), so its drift could not be verified. `
        + 'Expected: the Metadata entry cdk-kms-guard:intent as written by this version of cdk-kms-guard. Fix: do not override that Metadata entry, '
        + 'and synthesize and check with the same version.', { policy: undefined, field: 'Metadata' }));
      return false;
    });
    // Only the keys with an intent are analysed (the analysis is the costly part), for the actions they can serve:
    // intentDrift passes over the others (an action a key cannot serve is neither extra nor missing).
    const analysed = analyzeKeys({ ...model, keys: readable.map((k) => k.key) }, { usableOnly: true });
    for (const { key, reading } of readable) {
      const access = analysed.next().value!;
      findings.push(...problemFindings(key, reading!.intent!));
      findings.push(...findingsOf(key, intentDrift(model, access, reading!.intent!), reading!.unresolved));
    }
    return findings;
  },
};

/**
 * The constructs' own checks (src/intent/checks), run on the intent the template declares. An administrator declared a
 * user too means separationOfDuties was turned off on purpose: a warning (KmsGuard-AdminCanUseKey decides from the
 * effective access); anything else a construct would have refused is an error.
 */
function problemFindings(key: KmsKeyModel, intent: DeclaredIntent): Finding[] {
  const seen = new Map<string, number>();
  return intentProblems(intent).map((p) => {
    const n = (seen.get(p.check) ?? 0) + 1;
    seen.set(p.check, n);
    const id = findingId('Intent', n === 1 ? p.check : `${p.check}/${n}`);
    const severity: Severity = p.check === 'SeparationOfDuties' ? 'warning' : 'error';
    return keyFinding(ID, key, id, severity, `the intent declared for the key ${keyName(key)} is one its construct refuses: ${p.message}. `
      + 'Expected: the intent as the construct checks it. Fix: declare administrators and users as different principals, share only '
      + `cross-account actions, give each grant consistent conditions; or acknowledge ${ID}[${id}] on the key with the reason.`, { field: 'Metadata' });
  });
}

/** One finding per principal, listing every difference about it. */
function findingsOf(key: KmsKeyModel, items: readonly DriftItem[], unresolved: readonly string[]): Finding[] {
  const byId = new Map<string, DriftItem[]>();
  for (const item of items) {
    const id = item.idValue === 'Key' ? findingId('Key', 'Intent') : findingId('Principal', item.idValue);
    byId.set(id, [...byId.get(id) ?? [], item]);
  }
  return [...byId].map(([id, list]) => {
    const severity: Severity = list.some((i) => i.kind !== 'unverified') ? 'error' : 'warning';
    const lines = list.map((i) => `${WORDS[i.kind]}: ${i.actions.length > 0 ? `${i.actions.join(', ')}, ` : ''}${i.detail}`);
    const statement = list.find((i) => i.statement !== undefined)?.statement;
    const principals = [...new Set(list.map((i) => i.principal))].join(' / ');
    const message = `the access of ${principals} to the key ${keyName(key)} differs from what its construct declared: ${lines.join('; ')}. `
      + (unresolved.length > 0 ? `(Parts of the declared intent are unknown offline: ${unresolved.slice(0, 2).join('; ')}.) ` : '')
      + 'Expected: exactly the access declared through the construct (administrators, users, grant methods, break glass, iamDelegation, shares, '
      + 'addToResourcePolicy, the app\'s encrypted resources). Fix: grant through the construct (key.grantCapabilities, users, addToResourcePolicy) '
      + 'instead of escape hatches on the key policy or IAM policies on the key; remove the override that changed the key policy; or, if the difference '
      + 'is meant, acknowledge '
      + `${ID}[${id}] on the key with the reason.`;
    return keyFinding(ID, key, id, severity, message, { ...(statement !== undefined ? { statement } : {}), field: 'Principal' });
  });
}
