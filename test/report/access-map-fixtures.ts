/**
 * Apps for the access-map tests (access-graph, Mermaid, DOT, HTML): synthesized with aws-cdk-lib and read back with
 * the app model, as `kms-guard report` reads a cloud assembly, and the report's parts for them.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { GuardedKmsKey, KeyCapability } from '../../src';
import { KeyAccess, analyzeKeys } from '../../src/analysis/effective-access';
import { AppModel, buildAppModel } from '../../src/app-model/app-model';
import { readCloudAssembly } from '../../src/app-model/cloud-assembly';
import { reportHeader, renderReport, ReportFooter, ReportHeader, ReportRenderer } from '../../src/report/report-model';
import { runRules } from '../../src/rules';

export const ENV = { account: '111122223333', region: 'us-east-1' };

/** A construct id with markup and both quotes: every renderer must show it as text. */
export const EVIL_ID = 'Ops<script>alert("x")</script>\'';

/**
 * Stack `Keys`: a GuardedKmsKey `Data` with an administrator (role `Admin`, explicit name), a user under an encryption
 * context (`app=a|b"#<x>`) and a role with the evil id that may decrypt; and a plain `kms.Key` `Plain` with
 * rotation off (RotationDisabled, AccountWideDelegation: warnings on that key).
 */
export function smallApp(): AppModel {
  const app = new App();
  const stack = new Stack(app, 'Keys', { env: ENV });
  const admin = new iam.Role(stack, 'Admin', { roleName: 'key-admin', assumedBy: new iam.AccountRootPrincipal() });
  const user = new iam.Role(stack, 'User', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const evil = new iam.Role(stack, EVIL_ID, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new GuardedKmsKey(stack, 'Data', {
    alias: 'data',
    administrators: [admin],
    users: [
      { grantee: user, capabilities: [KeyCapability.ENCRYPT_DECRYPT], encryptionContext: { app: 'a|b"#<x>' } },
      { grantee: evil, capabilities: [KeyCapability.DECRYPT] },
    ],
  });
  new kms.Key(stack, 'Plain', { enableKeyRotation: false });
  return buildAppModel(readCloudAssembly(app.synth().directory));
}

/**
 * The example app (examples/app/bin/app.ts), synthesized in this process into a temporary directory: the file builds
 * its App and calls synth() when loaded, and App takes its output directory from CDK_OUTDIR, as under `cdk synth`.
 */
export function exampleApp(): AppModel {
  const outdir = mkdtempSync(path.join(tmpdir(), 'kms-guard-example-'));
  const before = process.env.CDK_OUTDIR;
  process.env.CDK_OUTDIR = outdir;
  try {
    jest.isolateModules(() => {
      // The example is a program, not a module: loading it is what synthesizes it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../examples/app/bin/app');
    });
    return buildAppModel(readCloudAssembly(outdir));
  } finally {
    if (before === undefined) delete process.env.CDK_OUTDIR;
    else process.env.CDK_OUTDIR = before;
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** What `kms-guard report` gives a renderer for this model: the header, every key's analysis and the footer. */
export function reportParts(model: AppModel, source = 'cdk.out'): { header: ReportHeader; keys: KeyAccess[]; footer: ReportFooter } {
  return {
    header: reportHeader(source, model.stacks.length, model.keys.length),
    keys: [...analyzeKeys(model)],
    footer: { findings: runRules(model), warnings: model.warnings },
  };
}

/** The whole report of a model in one renderer's format. */
export function renderModel(renderer: ReportRenderer, model: AppModel, source?: string): string {
  const { header, keys, footer } = reportParts(model, source);
  return renderReport(renderer, header, keys, footer);
}
