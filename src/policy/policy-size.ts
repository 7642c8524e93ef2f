/**
 * How large a key policy will be when KMS reads it, from its synthesized (CloudFormation) form. Pure.
 *
 * KMS rejects key policies over 32 KB (`key-policy-overview.md`; the limit lives in `limits.ts`). A synthesized policy
 * still holds intrinsics (`Fn::GetAtt` of a role's ARN, `Ref AWS::AccountId`, ...) that CloudFormation replaces before
 * KMS sees the document, so each one is counted at an upper bound of what it becomes. The bound for an ARN is that of
 * an IAM role whose name CloudFormation generated (names are at most 64 characters): `arn:aws-us-gov:iam::` + 12 digits
 * + `:role/` + 64 = 102 characters. A role with a long explicit path can exceed it; the estimate says so in its note.
 */
import { hasOwn } from './has-own';

/** Upper bounds of what an intrinsic becomes, in characters. */
const PSEUDO_PARAMETER_BOUNDS: Record<string, number> = {
  'AWS::AccountId': 12,
  'AWS::Partition': 10, // aws-us-gov
  'AWS::Region': 14, // ap-southeast-4, eusc-de-east-1
  'AWS::URLSuffix': 16, // amazonaws.com.cn
  'AWS::StackName': 128,
  'AWS::StackId': 256,
  'AWS::NoValue': 0,
};
const ARN_BOUND = 102;

export interface PolicySizeEstimate {
  /** Bytes of the compact JSON KMS receives, intrinsics counted at their upper bounds. */
  readonly bytes: number;
  /** Per statement (same order): Sid (or `#index`) and bytes, for naming the largest contributors. */
  readonly statements: ReadonlyArray<{ readonly sid: string; readonly bytes: number }>;
}

/** Estimates the deployed size of a synthesized policy document (plain JSON with intrinsics). */
export function estimatePolicySize(policy: unknown): PolicySizeEstimate {
  const bytes = Buffer.byteLength(JSON.stringify(literalised(policy)), 'utf8');
  const list = isRecord(policy) ? policy.Statement : undefined;
  const statements = (Array.isArray(list) ? list : list === undefined ? [] : [list]).map((s, i) => ({
    sid: isRecord(s) && typeof s.Sid === 'string' ? s.Sid : `#${i}`,
    bytes: Buffer.byteLength(JSON.stringify(literalised(s)), 'utf8'),
  }));
  return { bytes, statements };
}

/** The value with every intrinsic replaced by a string as long as the upper bound of what it becomes. */
function literalised(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(literalised);
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [fn] = keys;
    const arg = value[fn];
    if (fn === 'Ref') return 'x'.repeat(typeof arg === 'string' && hasOwn(PSEUDO_PARAMETER_BOUNDS, arg) ? PSEUDO_PARAMETER_BOUNDS[arg] : ARN_BOUND);
    if (fn === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) {
      const parts = arg[1].map(literalised).map((p) => (typeof p === 'string' ? p : 'x'.repeat(ARN_BOUND)));
      return parts.join(typeof arg[0] === 'string' ? arg[0] : '');
    }
    if (fn.startsWith('Fn::') || fn === 'Condition') return 'x'.repeat(ARN_BOUND);
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = literalised(value[k]);
  return out;
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
