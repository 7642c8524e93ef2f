/**
 * KmsGuard-DeployerCannotCreate: the deploying role may make, through the service, the KMS calls that creating each
 * encrypted resource makes. The check is src/analysis/deployer-cannot-create.ts. Pure.
 */
import { findingId } from './finding';
import { Rule, ruleDocLink } from './rule';
import { readinessRule, shortPath } from './support/readiness';
import { DEPLOYER_CANNOT_CREATE } from '../analysis/deployer-cannot-create';

const ID = 'KmsGuard-DeployerCannotCreate';

export const DeployerCannotCreate: Rule = readinessRule({
  id: ID,
  severity: 'error',
  summary: 'The deploying role may make the KMS calls that creating each resource encrypted with the key makes.',
  explanation: 'CloudFormation creates customer-managed-key encrypted DynamoDB tables, RDS databases, EBS volumes, Lambda functions and Secrets Manager secrets with the deploying role\'s permissions on the key, through the service (kms:DescribeKey, kms:CreateGrant with kms:GrantIsForAWSResource, data-key calls). A key policy that does not allow them makes the resource fail to create.',
  docLink: ruleDocLink(ID),
  findingIds: ['Key::<key construct path>'],
}, DEPLOYER_CANNOT_CREATE, {
  // A resource can name several keys of the app (storage and Performance Insights, ...): one finding per key.
  findingIdOf: (f, model) => {
    const key = model.keys.find((k) => k.arn === f.keyArn);
    return findingId('Key', key ? shortPath(key.constructPath, `${key.stackName}/${key.logicalId}`) : 'unknown');
  },
  location: { policy: 'key policy' },
});
