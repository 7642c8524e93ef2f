/**
 * KmsGuard-UserCanAdministerKey: a principal that may use the key may not administer it (disable it, schedule its
 * deletion, tag it, rotate or import its material, ...). Principals that may also change the key policy are
 * KmsGuard-AdminCanUseKey's. Decided per principal by the evaluator (support/duties.ts). Pure.
 */
import { Finding } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { MANAGEMENT_ACTIONS } from './support/actions';
import { dutyConflicts, dutyFinding } from './support/duties';
import { AppModel } from '../app-model/app-model';

const ID = 'KmsGuard-UserCanAdministerKey';

export const UserCanAdministerKey: Rule = {
  id: ID,
  severity: 'error',
  summary: `A principal that may use the key may not administer it (${MANAGEMENT_ACTIONS.filter((a) => a !== 'kms:PutKeyPolicy').join(', ')}).`,
  explanation: 'Separation of duties: a principal that encrypts and decrypts with a key should not be able to disable it, schedule its deletion, change its tags (which ABAC policies may depend on) or its key material. The deploying role is exempt when it holds only the deployment actions and uses the key only through AWS services.',
  docLink: ruleDocLink(ID),
  findingIds: ['Principal::<construct path of the role or user>', 'Principal::<role|user>/<name> (one the app does not define)', 'Principal::Deployer', 'Statement::<Sid or index> (a principal unknown offline: a warning)'],
  sources: [kmsGuide('key-policy-default'), kmsGuide('iam-policies-best-practices'), kmsGuide('best-practices')],
  check: (model: AppModel): Finding[] => model.keys.flatMap((key) => dutyConflicts(model, key)
    .filter((o) => o.error === undefined && !o.management.some((a) => a.action === 'kms:PutKeyPolicy') && !(o.unknown?.management.includes('kms:PutKeyPolicy') ?? false))
    .map((o) => dutyFinding(ID, key, o, 'use'))),
};
