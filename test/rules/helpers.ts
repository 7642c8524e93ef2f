/**
 * Test support for the rules: synthesize a real CDK app and read it back with the app model, or build a model from
 * hand-written templates; run one rule.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AppModel, buildAppModel } from '../../src/app-model/app-model';
import { readCloudAssembly } from '../../src/app-model/cloud-assembly';
import { Finding } from '../../src/rules/finding';
import { Rule } from '../../src/rules/rule';

export const ENV = { account: '111122223333', region: 'us-east-1' };
export const OTHER_ACCOUNT = '444455556666';
export const DEPLOYER_ROLE = 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1';

/** A new app with one stack `S` in ENV. */
export function appWithStack(id = 'S'): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, id, { env: ENV }) };
}

/** The app model of the app's cloud assembly. */
export function modelOf(app: App): AppModel {
  return buildAppModel(readCloudAssembly(app.synth().directory));
}

/** The rule's findings on the app. */
export function findingsOf(rule: Rule, app: App): Finding[] {
  return rule.check(modelOf(app));
}

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

/**
 * A raw `CfnKey` (id `Raw`, rotation on) in `scope` whose key policy is these statements, as JSON: what a user writes
 * with the L1 construct, with no grant or trait of aws-cdk-lib in between.
 */
export function rawKey(scope: Construct, ...statements: unknown[]): kms.CfnKey {
  return new kms.CfnKey(scope, 'Raw', { enableKeyRotation: true, keyPolicy: policyDocument(...statements) });
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
