/**
 * Test support for the rules: synthesize a real CDK app and read it back with the app model, or build a model from
 * hand-written templates (./template-helpers.ts, re-exported here); run one rule.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ENV, policyDocument } from './template-helpers';
import { AppModel, buildAppModel } from '../../src/app-model/app-model';
import { readCloudAssembly } from '../../src/app-model/cloud-assembly';
import { Finding } from '../../src/rules/finding';
import { Rule } from '../../src/rules/rule';

export * from './template-helpers';

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

/**
 * A raw `CfnKey` (id `Raw`, rotation on) in `scope` whose key policy is these statements, as JSON: what a user writes
 * with the L1 construct, with no grant or trait of aws-cdk-lib in between.
 */
export function rawKey(scope: Construct, ...statements: unknown[]): kms.CfnKey {
  return new kms.CfnKey(scope, 'Raw', { enableKeyRotation: true, keyPolicy: policyDocument(...statements) });
}
