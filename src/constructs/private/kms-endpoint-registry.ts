/**
 * One KMS interface endpoint with private DNS per VPC, shared by every VpceRestrictedKey restricted to that VPC.
 *
 * A VPC holds one private-DNS interface endpoint per service: a second `com.amazonaws.REGION.kms` endpoint with
 * private DNS fails to deploy ("conflicting DNS domain"). And because private DNS sends all of the VPC's KMS traffic
 * through that endpoint, its policy decides every KMS call from the VPC, not only the calls on guarded keys.
 *
 * Where the endpoint lives: under the VPC construct, in the VPC's stack, as `vpc.addInterfaceEndpoint` would put it.
 * - Its identity never depends on which key came first: adding, removing or reordering keys never moves it (a move is
 *   a replacement, which CloudFormation creates before it deletes the old endpoint: "conflicting DNS domain" again).
 * - It is where a user's own KMS endpoint would be, so a created endpoint and a reused one follow the same rules.
 * - No cycle, whatever the stacks: each key's stack depends on the VPC's stack (the key policy names the VPC id), so
 *   the endpoint's policy must not make the VPC's stack depend on a key's stack. It names by ARN only the keys of its
 *   own stack, and the keys of other stacks by account, Region and alias (`kms:ResourceAliases`), which are literals.
 *
 * The registry is keyed by the app (the construct tree's root) and the VPC id: the same token for one `ec2.Vpc`, the
 * same literal for a VPC imported twice (`Vpc.fromLookup` in two stacks), which must share one endpoint too.
 */
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { EndpointPolicySids, sharedEndpointStatements } from '../../builders/endpoint-statements';
import { KeyReference } from '../../builders/identity-statements';
import { StatementJson } from '../../builders/policy-json';

/** What one key asks of the endpoint of one VPC. */
export interface EndpointRequest {
  /** The key (a VpceRestrictedKey): its path names it in errors, its stack decides how the endpoint names it. */
  readonly key: Construct;
  readonly keyArn: string;
  readonly aliasName: string;
  readonly additionalKeyArns: readonly string[];
  readonly principals: readonly string[];
  readonly restrictToGuardedKeys: boolean;
  readonly subnets?: ec2.SubnetSelection;
}

/** The construct id of a created endpoint, under the VPC. */
export const SHARED_ENDPOINT_ID = 'KmsGuardEndpoint';

const REGISTRY = new WeakMap<IConstruct, Map<string, SharedKmsEndpoint>>();

/** The KMS endpoint of `vpc` that `request.key` is used through, created or found on first use; registers the key. */
export function registerKeyWithVpcEndpoint(vpc: ec2.IVpc, request: EndpointRequest): ec2.InterfaceVpcEndpoint {
  const root = vpc.node.root;
  let byVpc = REGISTRY.get(root);
  if (!byVpc) REGISTRY.set(root, (byVpc = new Map()));
  let shared = byVpc.get(vpc.vpcId);
  if (!shared) {
    shared = new SharedKmsEndpoint(vpc, request);
    byVpc.set(vpc.vpcId, shared);
  }
  shared.register(request);
  return shared.endpoint;
}

class SharedKmsEndpoint {
  public readonly endpoint: ec2.InterfaceVpcEndpoint;
  private readonly created: boolean;
  private readonly owner: string;
  private readonly principals: readonly string[];
  private readonly restrictToGuardedKeys: boolean;
  private readonly keys: KeyReference[] = [];
  private readonly statements = new Map<string, iam.PolicyStatement>();

  public constructor(private readonly vpc: ec2.IVpc, first: EndpointRequest) {
    this.owner = first.key.node.path;
    this.principals = first.principals;
    this.restrictToGuardedKeys = first.restrictToGuardedKeys;
    const existing = findKmsEndpoints(vpc).find((e) => e.privateDns === true && e.endpoint !== undefined)?.endpoint;
    this.created = existing === undefined;
    this.endpoint = existing ?? new ec2.InterfaceVpcEndpoint(vpc, SHARED_ENDPOINT_ID, {
      vpc,
      service: ec2.InterfaceVpcEndpointAwsService.KMS,
      privateDnsEnabled: true,
      subnets: first.subnets,
    });
    this.endpoint.node.addValidation({ validate: () => this.validateSingleEndpoint() });
    this.warn();
  }

  public register(request: EndpointRequest): void {
    const path = request.key.node.path;
    const settings = `the KMS endpoint ${this.endpoint.node.path} of VPC ${this.vpc.node.path}, shared by every VpceRestrictedKey restricted to that VPC`;
    if (request.restrictToGuardedKeys !== this.restrictToGuardedKeys) {
      throw new Error(`${path}: restrictEndpointToGuardedKeys is ${request.restrictToGuardedKeys}, but ${this.owner} set it to `
        + `${this.restrictToGuardedKeys} for ${settings}. A VPC holds one KMS endpoint with private DNS, so both keys share one endpoint policy: `
        + 'give every VpceRestrictedKey in this VPC the same restrictEndpointToGuardedKeys.');
    }
    if (!sameSet(request.principals, this.principals)) {
      throw new Error(`${path}: endpointPrincipals is ${this.show(request.principals)}, but ${this.owner} asked for `
        + `${this.show(this.principals)} for ${settings}. The endpoint has one set of principals: give every VpceRestrictedKey in this VPC `
        + 'the same endpointPrincipals (the default is the key\'s account, which differs for keys of different accounts).');
    }
    if (request.subnets !== undefined && !this.sameSubnets(request.subnets)) {
      throw new Error(`${path}: subnets selects ${this.show(this.vpc.selectSubnets({ ...request.subnets, onePerAz: true }).subnetIds)}, but `
        + `${this.endpointDescription()} is in ${this.show(this.endpointSubnetIds() ?? [])}. `
        + 'Give every VpceRestrictedKey in this VPC the same subnets, or set subnets on one of them only.');
    }
    this.keys.push(this.referenceTo(request.key, request.keyArn, request.aliasName));
    for (const arn of request.additionalKeyArns) this.keys.push({ kind: 'arn', keyArn: arn });
    this.sync();
  }

  /**
   * The endpoint's stack names a key of its own stack by ARN. A key of another stack by ARN would be a cross-stack
   * reference from the VPC's stack to the key's stack, which already depends on the VPC's stack: a cycle. Such a key
   * is named by the owner account, Region and alias instead (the alias is a literal, the account and Region literals
   * or pseudo parameters), as the IAM side of a cross-account grant does.
   */
  private referenceTo(key: Construct, keyArn: string, aliasName: string): KeyReference {
    const keyStack = Stack.of(key);
    if (keyStack === Stack.of(this.endpoint)) return { kind: 'arn', keyArn };
    return { kind: 'alias', partition: keyStack.partition, region: keyStack.region, account: keyStack.account, aliasName };
  }

  /**
   * Keeps the endpoint policy equal to the builder's output. Statements only grow as keys register (same Sids, more
   * resources or alias values), and an `iam.PolicyStatement` can only grow, so new Sids are added and known ones
   * extended.
   */
  private sync(): void {
    const wanted: StatementJson[] = sharedEndpointStatements({
      keys: this.keys,
      principals: this.principals,
      restrictToGuardedKeys: this.restrictToGuardedKeys,
    });
    for (const json of wanted) {
      const sid = json.Sid as string;
      const statement = this.statements.get(sid);
      if (!statement) {
        const created = iam.PolicyStatement.fromJson(json);
        this.endpoint.addToPolicy(created);
        this.statements.set(sid, created);
        continue;
      }
      const have = statement.resources;
      const missing = toList(json.Resource).filter((r) => !have.includes(r));
      if (missing.length > 0) statement.addResources(...missing);
      for (const [operator, block] of Object.entries(json.Condition ?? {})) statement.addCondition(operator, block);
    }
  }

  private warn(): void {
    const principals = this.show(this.principals);
    const where = `${this.endpointDescription()} in VPC ${this.vpc.node.path}`;
    if (this.restrictToGuardedKeys) {
      Annotations.of(this.endpoint).addWarningV2('cdk-kms-guard:endpointDeniesOtherKmsUse',
        `${where} allows only the guarded keys (restrictEndpointToGuardedKeys: true): private DNS sends all of the VPC's KMS traffic `
        + 'through it, so every other KMS call from this VPC is denied: other keys, AWS managed keys, and calls that name no key '
        + '(ListKeys, ListAliases, CreateKey, GenerateRandom). Add keys the VPC must reach to additionalKeyArns, or leave '
        + 'restrictEndpointToGuardedKeys unset on every VpceRestrictedKey in this VPC to allow other KMS use.'
        + (this.created ? '' : ' Statements the app put in this endpoint\'s policy itself are kept and may allow more.'));
    } else {
      Annotations.of(this.endpoint).addWarningV2('cdk-kms-guard:endpointAllowsOtherKmsUse',
        `${where} is shared by the VpceRestrictedKeys restricted to that VPC and also admits other keys: so that other KMS use `
        + `from the VPC keeps working, its policy allows kms:* on every key to ${principals} (statement ${EndpointPolicySids.otherKmsUse}). `
        + 'The guarded keys stay restricted by their key policies. To admit only the guarded keys (and additionalKeyArns), set '
        + 'restrictEndpointToGuardedKeys: true on every VpceRestrictedKey in this VPC.');
    }
  }

  private endpointDescription(): string {
    return this.created
      ? `the KMS endpoint ${this.endpoint.node.path} (created for ${this.owner})`
      : `the app's KMS endpoint ${this.endpoint.node.path} (reused: the guarded keys' statements are added to its policy)`;
  }

  /** A second private-DNS KMS endpoint in the VPC, added after this one or as an L1, fails to deploy: say so at synth. */
  private validateSingleEndpoint(): string[] {
    const others = findKmsEndpoints(this.vpc).filter((e) => e.privateDns !== false && e.resource !== this.endpoint.node.defaultChild);
    if (others.length === 0) return [];
    return [`VPC ${this.vpc.node.path} has ${others.length + 1} KMS interface endpoints with private DNS: ${this.endpoint.node.path} `
      + `(shared by VpceRestrictedKeys, first ${this.owner}) and ${others.map((e) => e.resource.node.path).join(', ')}. A VPC holds one `
      + '(a second fails to deploy with "conflicting DNS domain"). Create your endpoint with vpc.addInterfaceEndpoint before the '
      + 'VpceRestrictedKeys, so they reuse it, or remove it.'];
  }

  private sameSubnets(selection: ec2.SubnetSelection): boolean {
    const current = this.endpointSubnetIds();
    return current === undefined || sameSet(this.vpc.selectSubnets({ ...selection, onePerAz: true }).subnetIds, current);
  }

  private endpointSubnetIds(): string[] | undefined {
    const ids = (this.endpoint.node.defaultChild as ec2.CfnVPCEndpoint).subnetIds;
    return Array.isArray(ids) && !Token.isUnresolved(ids) ? ids : undefined;
  }

  /** Values for an error message: tokens shown as what they resolve to in the VPC's stack. */
  private show(values: readonly string[]): string {
    return JSON.stringify(Stack.of(this.vpc).resolve([...values]));
  }
}

interface FoundEndpoint {
  readonly resource: ec2.CfnVPCEndpoint;
  /** The L2 around it, when there is one (only an L2's policy can be extended). */
  readonly endpoint?: ec2.InterfaceVpcEndpoint;
  /** true, false, or undefined when not known at synth. */
  readonly privateDns?: boolean;
}

/** Every KMS interface endpoint of the app in this VPC (same VPC id token, or the same literal id). */
function findKmsEndpoints(vpc: ec2.IVpc): FoundEndpoint[] {
  const found: FoundEndpoint[] = [];
  for (const c of vpc.node.root.node.findAll()) {
    if (!(c instanceof ec2.CfnVPCEndpoint) || c.vpcId !== vpc.vpcId) continue;
    const stack = Stack.of(c);
    if ((c.vpcEndpointType ?? 'Gateway') !== 'Interface' || !isKmsService(stack.resolve(c.serviceName), stack)) continue;
    const dns = stack.resolve(c.privateDnsEnabled);
    const parent = c.node.scope;
    found.push({
      resource: c,
      endpoint: parent instanceof ec2.InterfaceVpcEndpoint && parent.node.defaultChild === c ? parent : undefined,
      privateDns: dns === true || dns === 'true' ? true : dns === false || dns === 'false' || dns === undefined ? false : undefined,
    });
  }
  return found;
}

/** `com.amazonaws.REGION.kms`, as a literal or as aws-cdk-lib renders it with a token Region. */
function isKmsService(resolved: unknown, stack: Stack): boolean {
  if (typeof resolved === 'string') return /^(?:[a-z0-9-]+\.)*[a-z0-9-]+\.kms$/.test(resolved);
  return JSON.stringify(resolved) === JSON.stringify(stack.resolve(ec2.InterfaceVpcEndpointAwsService.KMS.name));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

function toList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}
