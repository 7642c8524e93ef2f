/**
 * Policy documents that a human applies by hand (a file in the cloud assembly, a stack output pasted into another
 * account's console) are never read by CloudFormation, so they must hold no CloudFormation expressions: a `Ref` or an
 * `Fn::Join` pasted into a key policy is rejected as malformed, or worse, read as a literal string. This module turns a
 * document resolved by `Stack.resolve` into literal JSON, substituting what the stack's environment determines at synth
 * time (`AWS::Partition`, `AWS::AccountId`, `AWS::Region`, `AWS::URLSuffix`, `Fn::Join` of literals), and reports every
 * value that only a deployment could resolve, with where it is and how to make it literal. Pure: no aws-cdk-lib.
 */
import { partitionOfRegion } from '../../app-model/stack-template';

/** What the stack's environment fixes at synth time. Leave a field out when it is not a literal. */
export interface LiteralEnvironment {
  /** The literal account that `AWS::AccountId` stands for. @default - unknown */
  readonly account?: string;
  /** The literal Region that `AWS::Region` stands for. @default - unknown */
  readonly region?: string;
  /** The literal partition. @default - the partition of `region`, when that is known */
  readonly partition?: string;
  /** How the stack is named in fixes ("give stack Owner an explicit env"). @default 'the stack' */
  readonly stackLabel?: string;
}

/** One value that could not be made literal. */
export interface NotLiteral {
  /** Where it is in the document, e.g. `Statement[0].Condition.ArnEquals["aws:PrincipalArn"][1]`. */
  readonly location: string;
  /** The CloudFormation expression found there, as JSON. */
  readonly expression: string;
  /** Why it is not known at synth time and how to make it literal. */
  readonly fix: string;
}

export type LiteralResult<T> =
  | { readonly literal: T; readonly notLiteral: readonly [] }
  | { readonly literal?: undefined; readonly notLiteral: readonly NotLiteral[] };

/**
 * Makes a resolved document literal: substitutes pseudo parameters the environment fixes and joins literal parts; every
 * other expression (`Fn::GetAtt`, `Fn::ImportValue`, a `Ref` to a parameter or resource, a pseudo parameter of an
 * environment-agnostic stack, an unresolved token string) is reported instead. Either the literal document or a
 * non-empty list of what could not be made literal.
 */
export function makeLiteral<T>(resolved: T, env: LiteralEnvironment): LiteralResult<T> {
  const notLiteral: NotLiteral[] = [];
  const literal = walk(resolved, '', env, notLiteral);
  return notLiteral.length === 0 ? { literal: literal as T, notLiteral: [] } : { notLiteral };
}

/** `location: expression (fix)`, one per line, for error messages. */
export function describeNotLiteral(items: readonly NotLiteral[]): string {
  return items.map((n) => `  - ${n.location || '(the whole document)'} is ${n.expression}: ${n.fix}`).join('\n');
}

const TOKEN_MARKER = '${Token[';

function walk(value: unknown, location: string, env: LiteralEnvironment, out: NotLiteral[]): unknown {
  if (typeof value === 'string') {
    if (value.includes(TOKEN_MARKER)) {
      out.push({ location, expression: JSON.stringify(value), fix: 'an unresolved CDK token: resolve the document with Stack.resolve first' });
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${location}[${i}]`, env, out));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const intrinsic = entries.find(([k]) => k === 'Ref' || k.startsWith('Fn::'));
  if (intrinsic) return entries.length === 1 ? intrinsicValue(intrinsic[0], intrinsic[1], location, env, out) : fail(value, location, out, 'not a CloudFormation expression CDK emits');
  const result: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    result[k] = walk(v, /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${location}${location ? '.' : ''}${k}` : `${location}[${JSON.stringify(k)}]`, env, out);
  }
  return result;
}

function intrinsicValue(name: string, arg: unknown, location: string, env: LiteralEnvironment, out: NotLiteral[]): unknown {
  const expression = { [name]: arg };
  const stack = env.stackLabel ?? 'the stack';
  if (name === 'Ref') {
    const partition = env.partition ?? (env.region ? partitionOfRegion(env.region) : undefined);
    switch (arg) {
      case 'AWS::Partition':
        return partition ?? fail(expression, location, out, `the partition of ${stack}, whose Region is not known at synth time: give ${stack} an explicit env with a region`);
      case 'AWS::AccountId':
        return env.account ?? fail(expression, location, out, `the account of ${stack}, not known at synth time: give ${stack} an explicit env with an account`);
      case 'AWS::Region':
        return env.region ?? fail(expression, location, out, `the Region of ${stack}, not known at synth time: give ${stack} an explicit env with a region`);
      case 'AWS::URLSuffix': {
        const suffix = partition ? URL_SUFFIXES[partition] : undefined;
        return suffix ?? fail(expression, location, out, `the URL suffix of ${stack}'s partition${partition ? ` ${partition}` : ''}, not known here: write the service name literally`);
      }
      default:
        return fail(expression, location, out, typeof arg === 'string' && arg.startsWith('AWS::')
          ? 'a pseudo parameter known only at deploy time: pass a literal value instead'
          : `a parameter or resource of ${stack}, known only at deploy time: pass a literal value (for a resource, give it a physical name)`);
    }
  }
  if (name === 'Fn::Join' && Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
    const before = out.length;
    const parts = (arg[1] as unknown[]).map((p) => walk(p, location, env, out));
    if (out.length > before) return expression;
    if (parts.every((p) => typeof p === 'string')) return (parts as string[]).join(arg[0]);
    return fail(expression, location, out, 'a join of values that are not all strings');
  }
  if (name === 'Fn::GetAtt') {
    const resource = Array.isArray(arg) ? arg[0] : String(arg).split('.')[0];
    return fail(expression, location, out, `an attribute of resource ${resource} of ${stack}, known only after it is deployed: `
      + 'give the resource a physical name (for a role, an explicit roleName) or pass its literal ARN');
  }
  if (name === 'Fn::ImportValue') return fail(expression, location, out, 'a value exported by another stack, known only at deploy time: pass the literal value');
  return fail(expression, location, out, `${name}, evaluated only at deploy time: pass a literal value`);
}

function fail(expression: unknown, location: string, out: NotLiteral[], fix: string): unknown {
  out.push({ location, expression: JSON.stringify(expression), fix });
  return expression;
}

/** `AWS::URLSuffix` of the partitions whose suffix is public knowledge; others are reported, not guessed. */
const URL_SUFFIXES: Record<string, string> = {
  'aws': 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
};
