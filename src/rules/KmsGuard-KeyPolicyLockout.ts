/**
 * KmsGuard-KeyPolicyLockout: the key policy lets the role that deploys the stack call PutKeyPolicy (KMS's lockout
 * safety check of CreateKey and PutKeyPolicy). The check is src/analysis/lockout.ts. Pure.
 */
import { findingId } from './finding';
import { Rule, ruleDocLink } from './rule';
import { readinessRule } from './support/readiness';
import { LOCKOUT } from '../analysis/lockout';

const ID = 'KmsGuard-KeyPolicyLockout';

export const KeyPolicyLockout: Rule = readinessRule({
  id: ID,
  severity: 'error',
  summary: 'The key policy lets the stack\'s deploying role call kms:PutKeyPolicy.',
  explanation: 'CloudFormation creates and updates a key as the stack\'s deploying role (the bootstrap\'s cfn-exec-role). KMS rejects CreateKey and every later PutKeyPolicy unless the new policy lets that caller call PutKeyPolicy again, so a policy without it fails to deploy; a policy that allows it only through the account delegation deploys only if the role\'s own IAM policies allow it (a warning).',
  docLink: ruleDocLink(ID),
  findingIds: ['Principal::Deployer'],
}, LOCKOUT, {
  findingIdOf: () => findingId('Principal', 'Deployer'),
  location: { policy: 'key policy', field: 'Principal' },
});
