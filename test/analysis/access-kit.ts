/**
 * Hand-written one-stack apps for the access analysis' pure tests (mutants-analysis-3 and -4): the templates, the
 * model, and lookups of a key's subjects and actions. No aws-cdk-lib, so a mutation run costs about a second a mutant
 * (docs/mutation-testing.md).
 */
import { ActionAccess, KeyAccess, SubjectAccess, analyzeEffectiveAccess } from '../../src/analysis/effective-access';
import { AppModel, KmsKeyModel, buildAppModel } from '../../src/app-model/app-model';
import { StackTemplate } from '../../src/app-model/stack-template';

export const ACCOUNT = '111122223333';
export const OTHER = '444455556666';
export const REGION = 'us-east-1';
export const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
export const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
export const APP = `arn:aws:iam::${ACCOUNT}:role/app`;
export const KEY_ARN = { 'Fn::GetAtt': ['Key', 'Arn'] };

export type Statement = Record<string, unknown>;

export const doc = (...statements: unknown[]): Record<string, unknown> => ({ Version: '2012-10-17', Statement: statements });
export const allow = (principal: unknown, action: string | string[], extra: Statement = {}): Statement => ({ Effect: 'Allow', Principal: principal, Action: action, Resource: '*', ...extra });
export const keyOf = (statements: unknown[] | undefined, properties: Record<string, unknown> = {}): Record<string, unknown> => ({
  Type: 'AWS::KMS::Key', Properties: { ...(statements ? { KeyPolicy: doc(...statements) } : {}), ...properties },
});
/** A role named `name` (no name: CloudFormation generates one), at construct path `S/<logicalId>/Resource`, that its account may assume. */
export const role = (logicalId: string, name: string | undefined, props: Record<string, unknown> = {}): Record<string, unknown> => ({
  Type: 'AWS::IAM::Role',
  Metadata: { 'aws:cdk:path': `S/${logicalId}/Resource` },
  Properties: { ...(name !== undefined ? { RoleName: name } : {}), AssumeRolePolicyDocument: doc(allow({ AWS: ROOT }, 'sts:AssumeRole')), ...props },
});
export const inline = (...statements: unknown[]): Record<string, unknown> => ({ Policies: [{ PolicyName: 'kms', PolicyDocument: doc(...statements) }] });
export const endpointResource = (props: Record<string, unknown> = {}, region = REGION): Record<string, unknown> => ({
  Type: 'AWS::EC2::VPCEndpoint', Metadata: { 'aws:cdk:path': 'S/Ep/Resource' }, Properties: { ServiceName: `com.amazonaws.${region}.kms`, VpcId: 'vpc-0def0', ...props },
});

/** Stack `name` of `account` in REGION, deployed by DEPLOYER, with a String parameter `P`. */
export function stack(name: string, resources: Record<string, unknown>, extra: Partial<StackTemplate> = {}, account = ACCOUNT): StackTemplate {
  return { stackName: name, account, region: REGION, template: { Parameters: { P: { Type: 'String' } }, Resources: resources }, artifactId: name, deployerArn: DEPLOYER, ...extra };
}
export const modelOf = (...stacks: StackTemplate[]): AppModel => buildAppModel(stacks);
export const model1 = (resources: Record<string, unknown>, extra: Partial<StackTemplate> = {}): AppModel => modelOf(stack('S', resources, extra));
export const keyIn = (model: AppModel, logicalId = 'Key'): KmsKeyModel => model.keys.find((k) => k.logicalId === logicalId)!;

/** The analysis of the first key of a one-stack app (its other options as given). */
export type Options = Parameters<typeof analyzeEffectiveAccess>[1];
export function analyse(resources: Record<string, unknown>, extra: Partial<StackTemplate> = {}, options: Options = {}): KeyAccess {
  return analyzeEffectiveAccess(model1(resources, extra), options).keys[0];
}
export function subjectOf(k: KeyAccess, id: string): SubjectAccess {
  const s = k.subjects.find((x) => x.subject.id === id);
  if (!s) throw new Error(`no subject ${id} in ${k.subjects.map((x) => x.subject.id).join(', ')}`);
  return s;
}
export function actionOf(s: SubjectAccess, action: string): ActionAccess {
  const a = s.capabilities.flatMap((c) => c.actions).find((x) => x.action === action);
  if (!a) throw new Error(`${action} was not asked for ${s.subject.id}`);
  return a;
}
/** `action: answer` of every action the subject is not denied. */
export const granted = (s: SubjectAccess): Record<string, string> =>
  Object.fromEntries(s.capabilities.flatMap((c) => c.actions).filter((a) => a.answer !== 'denied').map((a) => [a.action, a.answer]));
export const ids = (k: KeyAccess): string[] => k.subjects.map((s) => `${s.subject.id} ${s.answer}`);
export const ROOT_STATEMENT = { Sid: 'Root', ...allow({ AWS: ROOT }, 'kms:*') };
