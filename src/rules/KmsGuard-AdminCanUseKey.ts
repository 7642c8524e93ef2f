/**
 * KmsGuard-AdminCanUseKey: a principal that may change the key policy (kms:PutKeyPolicy) may not also use the key.
 * Decided per principal by the evaluator (support/duties.ts), including `key.grant(role, 'kms:*')`. Pure.
 */
import { Finding } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { dutyConflicts, dutyFinding } from './support/duties';
import { AppModel } from '../app-model/app-model';

const ID = 'KmsGuard-AdminCanUseKey';

export const AdminCanUseKey: Rule = {
  id: ID,
  severity: 'error',
  summary: 'A principal that may change the key policy (kms:PutKeyPolicy) may not use the key for cryptographic operations.',
  explanation: 'Separation of duties: key administrators manage the key and its policy, users encrypt and decrypt. A principal with both, such as the grantee of key.grant(role, \'kms:*\'), can read the data the key protects and remove every control on it. The deploying role is exempt when it holds only the deployment actions and uses the key only through AWS services, for the resources it creates.',
  docLink: ruleDocLink(ID),
  findingIds: ['Principal::<construct path of the role or user>', 'Principal::<role|user>/<name> (one the app does not define)', 'Principal::Deployer', 'Statement::<Sid or index> (a principal unknown offline: a warning)'],
  sources: [kmsGuide('key-policy-default'), kmsGuide('iam-policies-best-practices'), kmsGuide('best-practices')],
  check: (model: AppModel): Finding[] => model.keys.flatMap((key) => dutyConflicts(model, key)
    .filter((o) => o.error !== undefined || o.management.some((a) => a.action === 'kms:PutKeyPolicy') || o.unknown?.management.includes('kms:PutKeyPolicy'))
    .map((o) => dutyFinding(ID, key, o, 'administer'))),
};
