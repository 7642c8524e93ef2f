/**
 * Resolves CloudFormation intrinsic functions in a template value to concrete strings, for offline analysis.
 *
 * Pseudo parameters come from the stack's environment; `Ref`/`Fn::GetAtt` of resources give the synthetic identifiers
 * of physical-ids.ts; `Fn::ImportValue` follows the export into the stack that defines it, and `Fn::GetStackOutput`
 * (aws-cdk-lib's weak cross-stack references) the output into the stack it names. Whatever cannot be known
 * offline (parameters, `Fn::If` branches, attributes we do not model) becomes a placeholder (unresolved.ts) and a
 * message: this never throws, and never guesses a concrete value that could make an unsafe policy look safe.
 */
import { uuidLike } from './hash';
import { ResourceSite, physicalAttribute, physicalRef } from './physical-ids';
import { StackTemplate } from './stack-template';
import { containsUnresolved, placeholder } from './unresolved';

/** One stack's environment and the template sections intrinsics read. */
export interface StackScope {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly resources: Readonly<Record<string, any>>;
  readonly parameters: Readonly<Record<string, any>>;
  readonly mappings: Readonly<Record<string, any>>;
  readonly outputs: Readonly<Record<string, any>>;
}

/** An output some stack exports. */
export interface ExportedOutput {
  readonly stack: StackScope;
  readonly outputId: string;
  /** The output's Value, unresolved: it is resolved in the exporting stack when imported. */
  readonly value: unknown;
}

/** Exports by `account/region/name`: Fn::ImportValue only sees exports of its own account and region. */
export type ExportIndex = ReadonlyMap<string, ExportedOutput>;

/** Stacks by `account/region/stackName`: what Fn::GetStackOutput names. */
export type StackIndex = ReadonlyMap<string, StackScope>;

export interface ResolveContext {
  readonly stack: StackScope;
  /** Every stack's exports; without it, Fn::ImportValue stays unresolved. */
  readonly exports?: ExportIndex;
  /** Every stack of the app; without it, Fn::GetStackOutput stays unresolved. */
  readonly stacks?: StackIndex;
}

export interface Resolved<T = any> {
  /** The value with intrinsics replaced; undefined when it was `Ref: AWS::NoValue`. */
  readonly value: T;
  /** What could not be resolved, one message each (the value holds `<unresolved:...>` placeholders there). */
  readonly unresolved: string[];
}

/** Reads the sections of a template that intrinsics need. */
export function stackScope(stack: StackTemplate): StackScope {
  const t = isRecord(stack.template) ? stack.template : {};
  const section = (name: string): Record<string, any> => (isRecord(t[name]) ? t[name] : {});
  return {
    stackName: stack.stackName,
    account: stack.account,
    region: stack.region,
    partition: stack.partition ?? 'aws',
    resources: section('Resources'),
    parameters: section('Parameters'),
    mappings: section('Mappings'),
    outputs: section('Outputs'),
  };
}

/** The exports of all stacks; duplicate or unresolvable export names are reported. */
export function indexExports(scopes: readonly StackScope[]): { exports: ExportIndex; unresolved: string[] } {
  const exports = new Map<string, ExportedOutput>();
  const unresolved: string[] = [];
  for (const stack of scopes) {
    for (const [outputId, output] of Object.entries(stack.outputs)) {
      if (!isRecord(output) || !isRecord(output.Export) || output.Export.Name === undefined) continue;
      const name = resolveValue(output.Export.Name, { stack });
      if (typeof name.value !== 'string' || containsUnresolved(name.value)) {
        unresolved.push(`${stack.stackName}: the export name of output ${outputId} cannot be resolved, so imports of it stay unresolved`);
        continue;
      }
      const key = exportKey(stack.account, stack.region, name.value);
      const existing = exports.get(key);
      if (existing) {
        unresolved.push(`export ${name.value} is defined by both ${existing.stack.stackName} and ${stack.stackName} in ${stack.account}/${stack.region}: CloudFormation would reject the second; imports use the first`);
        continue;
      }
      exports.set(key, { stack, outputId, value: output.Value });
    }
  }
  return { exports, unresolved };
}

/** Contexts for every stack of an app, sharing one export index. */
export function resolveContexts(stacks: readonly StackTemplate[]): { contexts: ResolveContext[]; unresolved: string[] } {
  const scopes = stacks.map(stackScope);
  const { exports, unresolved } = indexExports(scopes);
  const byName = new Map<string, StackScope>();
  // Stage copies of one stack share a name only across accounts or Regions; the first of a duplicate wins, as for exports.
  for (const scope of scopes) {
    const key = exportKey(scope.account, scope.region, scope.stackName);
    if (!byName.has(key)) byName.set(key, scope);
  }
  return { contexts: scopes.map((stack) => ({ stack, exports, stacks: byName })), unresolved };
}

/** Resolves every intrinsic inside `value`. Never throws. */
export function resolveValue(value: unknown, ctx: ResolveContext): Resolved {
  const shared: Shared = { unresolved: new Set(), importing: new Set(), naming: new Set() };
  try {
    const v = new Resolver(ctx, shared).value(value);
    return { value: v === NO_VALUE ? undefined : v, unresolved: [...shared.unresolved] };
  } catch (e) {
    // Only a bug can get here (e.g. a stack overflow on a pathological template); still never throw.
    const message = `the value could not be resolved (${(e as Error)?.message ?? String(e)})`;
    return { value: placeholder('error'), unresolved: [...shared.unresolved, message] };
  }
}

const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Value = unknown;

interface Shared {
  readonly unresolved: Set<string>;
  /** Exports being resolved: a cycle of imports would otherwise never end. */
  readonly importing: Set<string>;
  /** Resources whose name is being resolved (RoleName referencing another role's name, ...): same reason. */
  readonly naming: Set<string>;
}

const exportKey = (account: string, region: string, name: string): string => `${account}/${region}/${name}`;

class Resolver {
  public constructor(private readonly ctx: ResolveContext, private readonly shared: Shared) {}

  public value(v: Value): Value {
    if (Array.isArray(v)) return v.map((x) => this.value(x)).filter((x) => x !== NO_VALUE);
    if (!isRecord(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && isIntrinsic(keys[0], v[keys[0]])) return this.intrinsic(keys[0], v[keys[0]]);
    const out: Record<string, Value> = {};
    for (const k of keys) {
      const r = this.value(v[k]);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private get stack(): StackScope {
    return this.ctx.stack;
  }

  private intrinsic(name: string, arg: Value): Value {
    switch (name) {
      case 'Ref': return this.ref(arg);
      case 'Fn::GetAtt': return this.getAtt(arg);
      case 'Fn::Join': return this.join(arg);
      case 'Fn::Sub': return this.sub(arg);
      case 'Fn::Select': return this.select(arg);
      case 'Fn::Split': return this.split(arg);
      case 'Fn::ImportValue': return this.importValue(arg);
      case 'Fn::GetStackOutput': return this.getStackOutput(arg);
      case 'Fn::GetAZs': return this.getAZs(arg);
      case 'Fn::Base64': return this.base64(arg);
      case 'Fn::FindInMap': return this.findInMap(arg);
      case 'Fn::ToJsonString': return JSON.stringify(this.value(arg));
      case 'Fn::Length': {
        const list = this.value(arg);
        return Array.isArray(list) ? list.length : this.unknown('Fn::Length', 'Fn::Length of a value that is not a list');
      }
      case 'Fn::If': {
        const condition = Array.isArray(arg) && typeof arg[0] === 'string' ? arg[0] : '?';
        return this.unknown('Fn::If', `Fn::If on condition ${condition}: which branch applies is decided at deploy time`);
      }
      case 'Condition':
        return this.unknown('Condition', `condition ${String(arg)} is evaluated at deploy time`);
      default:
        return this.unknown(name, `${name} is not supported offline`);
    }
  }

  private unknown(what: string, message: string): string {
    this.shared.unresolved.add(message);
    return placeholder(what);
  }

  /** The value as a string; undefined for AWS::NoValue or absence; a placeholder for lists and objects. */
  private str(v: Value, what: string): string | undefined {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v === undefined || v === NO_VALUE) return undefined;
    return this.unknown(what, `${what} is ${Array.isArray(v) ? 'a list' : 'an object'} where a string is expected`);
  }

  private ref(arg: Value): Value {
    if (typeof arg !== 'string') return this.unknown('Ref', `Ref of ${JSON.stringify(arg)}: expected a logical id or pseudo parameter`);
    const s = this.stack;
    switch (arg) {
      case 'AWS::AccountId': return s.account;
      case 'AWS::Region': return s.region;
      case 'AWS::Partition': return s.partition;
      case 'AWS::URLSuffix': return s.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::StackName': return s.stackName;
      case 'AWS::StackId': return `arn:${s.partition}:cloudformation:${s.region}:${s.account}:stack/${s.stackName}/${uuidLike(`${s.account}/${s.region}/${s.stackName}`)}`;
      case 'AWS::NotificationARNs': return [];
      case 'AWS::NoValue': return NO_VALUE;
      default: break;
    }
    if (Object.prototype.hasOwnProperty.call(s.parameters, arg)) {
      return this.unknown(`Ref ${arg}`, `Ref to parameter ${arg} of ${s.stackName}: its value is set at deploy time`);
    }
    const resource = this.resource(arg);
    if (!resource) return this.unknown(`Ref ${arg}`, `Ref to ${arg}: ${s.stackName} has no such resource or parameter`);
    return physicalRef(this.site(arg, resource))
      ?? this.unknown(`Ref ${arg}`, `Ref to ${arg} (${String(resource.Type)}) in ${s.stackName}: its physical id is not modelled`);
  }

  private getAtt(arg: Value): Value {
    let logicalId: Value;
    let attribute: Value;
    if (typeof arg === 'string' && arg.includes('.')) {
      [logicalId, attribute] = [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)];
    } else if (Array.isArray(arg) && arg.length === 2) {
      [logicalId, attribute] = [arg[0], this.str(this.value(arg[1]), 'the attribute name of Fn::GetAtt')];
    }
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') {
      return this.unknown('Fn::GetAtt', `Fn::GetAtt of ${JSON.stringify(arg)}: expected [logicalId, attribute]`);
    }
    const resource = this.resource(logicalId);
    const what = `${logicalId}.${attribute}`;
    if (!resource) return this.unknown(what, `Fn::GetAtt ${what}: ${this.stack.stackName} has no resource ${logicalId}`);
    return physicalAttribute(this.site(logicalId, resource), attribute)
      ?? this.unknown(what, `Fn::GetAtt ${what} (${String(resource.Type)}) in ${this.stack.stackName}: this attribute is not modelled`);
  }

  private resource(logicalId: string): Record<string, any> | undefined {
    const r = Object.prototype.hasOwnProperty.call(this.stack.resources, logicalId) ? this.stack.resources[logicalId] : undefined;
    return isRecord(r) ? r : undefined;
  }

  private site(logicalId: string, resource: Record<string, any>): ResourceSite {
    const s = this.stack;
    return {
      stackName: s.stackName,
      account: s.account,
      region: s.region,
      partition: s.partition,
      logicalId,
      type: String(resource.Type),
      prop: (name) => this.property(logicalId, resource, name),
    };
  }

  private property(logicalId: string, resource: Record<string, any>, name: string): string | undefined {
    const props = isRecord(resource.Properties) ? resource.Properties : {};
    if (props[name] === undefined) return undefined;
    const guard = `${this.stack.account}/${this.stack.region}/${this.stack.stackName}/${logicalId}/${name}`;
    if (this.shared.naming.has(guard)) return this.unknown(`${logicalId}.${name}`, `${logicalId}.${name} refers to itself`);
    this.shared.naming.add(guard);
    try {
      return this.str(this.value(props[name]), `${logicalId}.${name}`);
    } finally {
      this.shared.naming.delete(guard);
    }
  }

  private join(arg: Value): Value {
    if (!Array.isArray(arg) || arg.length !== 2) return this.unknown('Fn::Join', 'Fn::Join needs [delimiter, [values]]');
    const delimiter = this.str(this.value(arg[0]), 'the Fn::Join delimiter') ?? '';
    const list = this.value(arg[1]);
    if (!Array.isArray(list)) return this.unknown('Fn::Join', 'Fn::Join of a value that is not a list');
    return list.map((x) => this.str(x, 'an Fn::Join element') ?? '').join(delimiter);
  }

  private sub(arg: Value): Value {
    const [template, variables] = typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) ? [arg[0], arg[1] ?? {}] : [undefined, {}];
    if (typeof template !== 'string' || !isRecord(variables)) return this.unknown('Fn::Sub', 'Fn::Sub needs a string or [string, {variables}]');
    return template.replace(/\$\{([^}]*)\}/g, (_whole, raw: string) => {
      // ${!Literal} writes ${Literal} (CloudFormation's escape, used for IAM policy variables such as ${!aws:username}).
      if (raw.startsWith('!')) return `\${${raw.slice(1)}}`;
      const name = raw.trim();
      if (Object.prototype.hasOwnProperty.call(variables, name)) return this.str(this.value(variables[name]), `Fn::Sub variable ${name}`) ?? '';
      if (name.startsWith('AWS::')) return this.str(this.ref(name), name) ?? '';
      const dot = name.indexOf('.');
      if (dot > 0) return this.str(this.getAtt([name.slice(0, dot), name.slice(dot + 1)]), name) ?? '';
      return this.str(this.ref(name), name) ?? '';
    });
  }

  private select(arg: Value): Value {
    if (!Array.isArray(arg) || arg.length !== 2) return this.unknown('Fn::Select', 'Fn::Select needs [index, [values]]');
    const index = Number(this.str(this.value(arg[0]), 'the Fn::Select index'));
    const list = this.value(arg[1]);
    if (!Array.isArray(list)) return this.unknown('Fn::Select', 'Fn::Select from a value that is not a list');
    if (!Number.isInteger(index) || index < 0 || index >= list.length) {
      return this.unknown('Fn::Select', `Fn::Select index ${String(arg[0])} is outside the list of ${list.length}`);
    }
    return list[index];
  }

  private split(arg: Value): Value {
    if (!Array.isArray(arg) || arg.length !== 2) return this.unknown('Fn::Split', 'Fn::Split needs [delimiter, string]');
    const delimiter = this.str(this.value(arg[0]), 'the Fn::Split delimiter');
    const source = this.str(this.value(arg[1]), 'the Fn::Split source');
    if (!delimiter || source === undefined) return this.unknown('Fn::Split', 'Fn::Split needs a delimiter and a string');
    return splitKeepingPlaceholders(source, delimiter);
  }

  private importValue(arg: Value): Value {
    const name = this.str(this.value(arg), 'the Fn::ImportValue name');
    if (name === undefined || containsUnresolved(name)) return this.unknown('Fn::ImportValue', 'Fn::ImportValue of a name that cannot be resolved');
    const s = this.stack;
    const key = exportKey(s.account, s.region, name);
    const exported = this.ctx.exports?.get(key);
    if (!exported) {
      return this.unknown(`Fn::ImportValue ${name}`, `Fn::ImportValue ${name}: no stack of the app exports it in ${s.account}/${s.region}`);
    }
    if (this.shared.importing.has(key)) return this.unknown(`Fn::ImportValue ${name}`, `Fn::ImportValue ${name}: the exports form a cycle`);
    this.shared.importing.add(key);
    try {
      // The output's Value belongs to the exporting stack: its Refs and pseudo parameters are that stack's.
      return new Resolver({ ...this.ctx, stack: exported.stack }, this.shared).value(exported.value);
    } finally {
      this.shared.importing.delete(key);
    }
  }

  /**
   * A weak cross-stack reference: `{"Fn::GetStackOutput": {"StackName", "OutputName", "Region"?, "RoleArn"?}}` reads an
   * output (no export needed) of the named stack, in the given Region (default: this stack's) and in the account of
   * `RoleArn` (the role CloudFormation assumes to read it, in the producer's account; default: this stack's account).
   * aws-cdk-lib writes it for references its `ReferenceStrength.WEAK` (or `@aws-cdk/core:defaultCrossStackReferences`)
   * makes weak, and always across accounts.
   */
  private getStackOutput(arg: Value): Value {
    const args = isRecord(arg) ? arg : {};
    const text = (name: string): string | undefined => (args[name] === undefined ? undefined : this.str(this.value(args[name]), `the Fn::GetStackOutput ${name}`));
    const stackName = text('StackName');
    const outputName = text('OutputName');
    const region = text('Region') ?? this.stack.region;
    const roleArn = text('RoleArn');
    const account = roleArn === undefined ? this.stack.account : /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1];
    const what = `Fn::GetStackOutput ${stackName ?? '?'}.${outputName ?? '?'}`;
    if (stackName === undefined || outputName === undefined || account === undefined || [stackName, outputName, region].some(containsUnresolved)) {
      return this.unknown(what, `${what}: the stack, output, Region or account it names cannot be resolved`);
    }
    const key = exportKey(account, region, stackName);
    const producer = this.ctx.stacks?.get(key);
    if (!producer) return this.unknown(what, `${what}: no stack of the app is named ${stackName} in ${account}/${region}`);
    const output = own(producer.outputs, outputName);
    if (!isRecord(output) || output.Value === undefined) return this.unknown(what, `${what}: ${stackName} has no output ${outputName}`);
    const guard = `output:${key}/${outputName}`;
    if (this.shared.importing.has(guard)) return this.unknown(what, `${what}: the outputs form a cycle`);
    this.shared.importing.add(guard);
    try {
      // The output's Value belongs to the producing stack: its Refs and pseudo parameters are that stack's.
      return new Resolver({ ...this.ctx, stack: producer }, this.shared).value(output.Value);
    } finally {
      this.shared.importing.delete(guard);
    }
  }

  /** Three zones, `<region>a` to `<region>c`: zone names matter for nothing KMS decides, so a plausible list is enough. */
  private getAZs(arg: Value): Value {
    const region = this.str(this.value(arg), 'the Fn::GetAZs region') || this.stack.region;
    return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
  }

  private base64(arg: Value): Value {
    const text = this.str(this.value(arg), 'the Fn::Base64 value');
    if (text === undefined || containsUnresolved(text)) return this.unknown('Fn::Base64', 'Fn::Base64 of a value that cannot be resolved');
    return Buffer.from(text, 'utf8').toString('base64');
  }

  private findInMap(arg: Value): Value {
    if (!Array.isArray(arg) || arg.length < 3) return this.unknown('Fn::FindInMap', 'Fn::FindInMap needs [map, key, key]');
    const [map, top, second] = arg.slice(0, 3).map((x, i) => this.str(this.value(x), `Fn::FindInMap argument ${i}`));
    const entry = own(own(own(this.stack.mappings, map), top), second);
    if (entry === undefined || [map, top, second].some((x) => x === undefined || containsUnresolved(x))) {
      return this.unknown('Fn::FindInMap', `Fn::FindInMap ${[map, top, second].join('/')}: no such entry in the mappings of ${this.stack.stackName}`);
    }
    return this.value(entry);
  }
}

/** Splits `text` without cutting a placeholder apart (placeholders contain `:`, a common Fn::Split delimiter). */
function splitKeepingPlaceholders(text: string, delimiter: string): string[] {
  const tokens: string[] = [];
  // Private-use characters stand in for the placeholders: no template delimiter contains them.
  const masked = text.replace(/<unresolved:[^>]*>/g, (m) => {
    tokens.push(m);
    return `\uE000${String.fromCharCode(0xE100 + tokens.length - 1)}\uE001`;
  });
  return masked.split(delimiter).map((part) => part.replace(/\uE000(.)\uE001/g, (_m, c: string) => tokens[c.charCodeAt(0) - 0xE100]));
}

/** A single-key object is an intrinsic when its key is `Ref`, `Fn::*`, or `Condition` naming a condition. */
function isIntrinsic(key: string, arg: unknown): boolean {
  return key === 'Ref' || key.startsWith('Fn::') || (key === 'Condition' && typeof arg === 'string');
}

/** `obj[key]` when obj is an object that has the key itself (never an inherited `constructor` or `__proto__`). */
function own(obj: unknown, key: string | undefined): any {
  return isRecord(obj) && key !== undefined && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
