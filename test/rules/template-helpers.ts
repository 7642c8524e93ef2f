/**
 * Hand-written templates and the app model built from them, for the rule and analysis tests. No aws-cdk-lib here:
 * loading it costs seconds, and a mutation-testing run loads a test file once per mutant, so the mutant tests
 * (test/rules/mutants-*.test.ts) import this file alone. ./helpers.ts re-exports it beside the CDK helpers.
 */
import { AppModel, buildAppModel } from '../../src/app-model/app-model';
import { Finding } from '../../src/rules/finding';

export const ENV = { account: '111122223333', region: 'us-east-1' };
export const OTHER_ACCOUNT = '444455556666';
export const DEPLOYER_ROLE = 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1';

/** The model of hand-written resources in one stack `S` of ENV, deployed by the default bootstrap role. */
export function modelOfResources(resources: Record<string, unknown>): AppModel {
  return buildAppModel([{ stackName: 'S', ...ENV, template: { Resources: resources }, deployerArn: DEPLOYER_ROLE, artifactId: 'S' }]);
}

/** A key resource with a literal key policy. */
export function keyResource(statements: unknown[], properties: Record<string, unknown> = {}): Record<string, unknown> {
  return { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Version: '2012-10-17', Statement: statements }, ...properties } };
}

/** A policy document of these statements. */
export function policyDocument(...statements: unknown[]): { Version: string; Statement: unknown[] } {
  return { Version: '2012-10-17', Statement: statements };
}

/** An inline policy `kms` holding these statements, for `roleResource`. */
export function kmsInlinePolicy(...statements: unknown[]): Record<string, unknown> {
  return { PolicyName: 'kms', PolicyDocument: policyDocument(...statements) };
}

/**
 * A role resource at the construct path `S/<path>/Resource`, named `roleName`, that its account may assume, with these
 * inline policies (`kmsInlinePolicy`); `extra` adds properties (a PermissionsBoundary).
 */
export function roleResource(path: string, roleName: string, policies: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'AWS::IAM::Role',
    Metadata: { 'aws:cdk:path': `S/${path}/Resource` },
    Properties: {
      RoleName: roleName,
      AssumeRolePolicyDocument: policyDocument({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }),
      Policies: policies,
      ...extra,
    },
  };
}

/** A key resource with KMS's default policy (the template sets none). */
export const DEFAULT_POLICY_KEY = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } };

/** The statement that keeps the deployer able to manage the key (what GuardedKmsKey's KeyDeployment does). */
export const DEPLOYER_STATEMENT = {
  Sid: 'KeyDeployment',
  Effect: 'Allow',
  Principal: { AWS: DEPLOYER_ROLE },
  Resource: '*',
  Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:TagResource', 'kms:UntagResource', 'kms:EnableKeyRotation', 'kms:GetKeyRotationStatus', 'kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
};

/** `ruleId[findingId] severity` of each finding: what most assertions compare. */
export function ids(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.ruleId}[${f.findingId}] ${f.severity}`);
}
