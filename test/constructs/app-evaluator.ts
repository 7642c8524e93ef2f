/**
 * Test support: synthesize an app, read its templates with the app model, and decide KMS requests on its keys with
 * the bundled evaluator, as a principal of the app (or any ARN with given IAM policies) would make them.
 */
import { App } from 'aws-cdk-lib';
import { EvaluationResult, KmsAccessEvaluator } from '../../src';
import { ReadinessFinding, checkDeployReadiness } from '../../src/analysis/deploy-readiness';
import { AppModel, KmsEndpointModel, KmsKeyModel, PrincipalModel, buildAppModel } from '../../src/app-model/app-model';
import { readCloudAssembly } from '../../src/app-model/cloud-assembly';
import { ALL_KMS_ACTIONS, actionFacts } from '../../src/policy/catalogue';

export interface RequestOptions {
  readonly encryptionContext?: Record<string, string>;
  readonly viaService?: string;
  /** Send the request through this endpoint of the app (construct path prefix). */
  readonly throughEndpoint?: string;
  /** Send the request through an endpoint outside the app. */
  readonly throughForeignEndpoint?: { id: string; vpcId: string };
}

export interface Caller {
  readonly arn: string;
  readonly identityPolicies?: unknown[];
  readonly tags?: Record<string, string>;
}

export class AppEvaluator {
  /**
   * Synthesizes the app and reads it. Every app a construct test builds must deploy: unless `expectDeployable` is
   * false, an error of the deploy-readiness check (src/analysis) fails the test here, with its messages.
   */
  public static synth(app: App, options: { readonly expectDeployable?: boolean } = {}): AppEvaluator {
    const evaluator = new AppEvaluator(buildAppModel(readCloudAssembly(app.synth().directory)));
    if (options.expectDeployable ?? true) {
      const errors = evaluator.readiness().filter((f) => f.severity === 'error');
      if (errors.length > 0) {
        throw new Error(`the app would not deploy:\n${errors.map((f) => `- ${f.stackName}/${f.constructPath ?? f.logicalId} [${f.check}] ${f.message}`).join('\n')}`);
      }
    }
    return evaluator;
  }

  /** Synthesizes and checks that the app would deploy (see `synth`). */
  public static assertDeployable(app: App): void {
    AppEvaluator.synth(app);
  }

  private constructor(public readonly model: AppModel) {}

  public key(pathPrefix: string): KmsKeyModel {
    const key = this.model.keys.find((k) => k.constructPath?.startsWith(pathPrefix));
    if (!key) throw new Error(`no key under ${pathPrefix}: ${this.model.keys.map((k) => k.constructPath).join(', ')}`);
    return key;
  }

  public principal(pathPrefix: string): PrincipalModel {
    const p = this.model.principals.find((x) => x.constructPath?.startsWith(pathPrefix));
    if (!p) throw new Error(`no principal under ${pathPrefix}: ${this.model.principals.map((x) => x.constructPath).join(', ')}`);
    return p;
  }

  /** A session of a role of the app, with the role's identity policies, boundary and tags. */
  public callerFor(pathPrefix: string): Caller {
    const p = this.principal(pathPrefix);
    const arn = p.kind === 'role' ? p.arn.replace(/^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/, 'arn:$1:sts::$2:assumed-role/$3/test-session') : p.arn;
    return { arn, identityPolicies: p.identityPolicies, tags: p.tags };
  }

  public evaluate(keyPath: string, caller: Caller, action: string, options: RequestOptions = {}): EvaluationResult {
    const key = this.key(keyPath);
    const endpoint = options.throughEndpoint ? this.endpoint(options.throughEndpoint) : undefined;
    const scenario = {
      key: { arn: key.arn, policy: key.policy, aliases: key.aliases, tags: key.tags, keySpec: key.keySpec, keyUsage: key.keyUsage },
      caller: { arn: caller.arn, identityPolicies: caller.identityPolicies ?? [], tags: caller.tags ?? {} },
      ...(endpoint ? { vpcEndpoint: { id: endpoint.id, vpcId: endpoint.vpcId, ...(endpoint.policy ? { policy: endpoint.policy } : {}) } } : {}),
      ...(options.throughForeignEndpoint ? { vpcEndpoint: options.throughForeignEndpoint } : {}),
      request: {
        action,
        ...(options.encryptionContext ? { encryptionContext: options.encryptionContext } : {}),
        ...(options.viaService ? { context: { 'kms:ViaService': options.viaService } } : {}),
      },
    };
    const result = KmsAccessEvaluator.evaluate(scenario);
    if (result.errors.length > 0) throw new Error(`invalid scenario: ${JSON.stringify(result.errors)}`);
    return result;
  }

  /** The key operations this caller is allowed, over every KMS action that a key policy governs. */
  public allowedActions(keyPath: string, caller: Caller, options: RequestOptions = {}): string[] {
    return ALL_KMS_ACTIONS
      // Alias operations need an alias ARN and CreateGrant a grant to create: both are asked for separately.
      .filter((a) => actionFacts(a)?.policyType === 'key-policy' && !actionFacts(a)?.resources.includes('alias') && a !== 'kms:CreateGrant')
      .filter((a) => this.evaluate(keyPath, caller, a, options).decision === 'allow');
  }

  /** PutKeyPolicy with the key's current policy as the new one: the lockout safety check must pass for an administrator. */
  public putSamePolicy(keyPath: string, caller: Caller): EvaluationResult {
    const key = this.key(keyPath);
    return KmsAccessEvaluator.evaluate({
      key: { arn: key.arn, policy: key.policy },
      caller: { arn: caller.arn, identityPolicies: caller.identityPolicies ?? [] },
      request: { action: 'kms:PutKeyPolicy', newKeyPolicy: key.policy },
    });
  }

  /**
   * What would make deploying the app fail on its KMS keys (src/analysis/deploy-readiness.ts), e.g.
   * `expect(app.readiness().filter((f) => f.severity === 'error')).toEqual([])`.
   */
  public readiness(): ReadinessFinding[] {
    return checkDeployReadiness(this.model);
  }

  private endpoint(pathPrefix: string): KmsEndpointModel {
    const e = this.model.endpoints.find((x) => x.constructPath?.startsWith(pathPrefix));
    if (!e) throw new Error(`no endpoint under ${pathPrefix}: ${this.model.endpoints.map((x) => x.constructPath).join(', ')}`);
    return e;
  }
}
