/**
 * The finding id of a readiness finding about one principal of a key policy: `Principal::<construct path>` for a
 * role or user of the app, `Statement::<Sid or index>` of the first statement naming it otherwise (a literal ARN
 * holds an account, which a finding id must not). Pure.
 */
import { quotedValue, shortPath, statementFindingId } from './readiness';
import { ReadinessFinding } from '../../analysis/readiness-finding';
import { AppModel } from '../../app-model/app-model';
import { findingId } from '../finding';

export function principalFindingId(f: ReadinessFinding, model: AppModel): string {
  const key = model.keys.find((k) => k.stackName === f.stackName && k.logicalId === f.logicalId);
  const value = quotedValue(f.message);
  const named = key?.policyPrincipals.find((p) => p.arn === value);
  if (named?.origin === 'app-principal') return findingId('Principal', shortPath(named.constructPath, `${named.stackName}/${named.logicalId}`));
  if (named) return statementFindingId(named.statement);
  return findingId('Principal', 'unknown');
}
