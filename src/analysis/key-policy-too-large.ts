/**
 * Check `key-policy-too-large`: KMS rejects a key policy over 32 KB (key-policy-overview.md, "Key policy format"; the
 * limit is data in policy/limits.ts). The size is that of the compact JSON CloudFormation sends, measured on the
 * resolved policy, whose values are realistic stand-ins of the deployed ones (physical-ids.ts: generated names have
 * CloudFormation's lengths). Pure.
 */
import { ReadinessFinding, describeLocation, findingAt } from './readiness-finding';
import { AppModel } from '../app-model/app-model';
import { UNRESOLVED_MARK } from '../app-model/unresolved';
import { KEY_POLICY_MAX_BYTES } from '../policy/limits';
import { statementLabels } from '../policy/statement-label';

export const KEY_POLICY_TOO_LARGE = 'key-policy-too-large';

/**
 * What one value unknown offline is counted as, in bytes: the longest ARN of an IAM role or user whose name
 * CloudFormation generated (`arn:aws-us-gov:iam::` + 12 digits + `:role/` + 64 characters). A role with a long
 * explicit path, a list or a whole statement behind an `Fn::If` can be longer: the message says the size is an estimate.
 */
export const UNRESOLVED_VALUE_BYTES = 102;

const PLACEHOLDER = new RegExp(`${UNRESOLVED_MARK}[^>]*>`, 'g');

export function checkKeyPolicySize(model: AppModel): ReadinessFinding[] {
  const findings: ReadinessFinding[] = [];
  for (const key of model.keys) {
    if (key.defaultPolicy) continue;
    const size = policyBytes(key.policy);
    if (size.atLeast > KEY_POLICY_MAX_BYTES) {
      findings.push(findingAt(key, KEY_POLICY_TOO_LARGE, 'error',
        `the key policy of ${describeLocation(key)} is ${size.placeholders > 0 ? `at least ${size.atLeast}` : size.atLeast} bytes, over the ${KEY_POLICY_MAX_BYTES}-byte limit of a key policy, so KMS rejects it; ${largest(key.policy)}. `
        + 'Expected: at most 32 KB: merge statements that share conditions, name roles through their account with an aws:PrincipalArn condition list, or move grants of many principals into IAM policies.'));
    } else if (size.estimate > KEY_POLICY_MAX_BYTES) {
      findings.push(findingAt(key, KEY_POLICY_TOO_LARGE, 'warning',
        `the key policy of ${describeLocation(key)} is ${size.atLeast} bytes plus ${size.placeholders} value(s) unknown offline, estimated at ${size.estimate} bytes (${UNRESOLVED_VALUE_BYTES} bytes each), over the ${KEY_POLICY_MAX_BYTES}-byte limit of a key policy: it may be rejected; ${largest(key.policy)}`));
    }
  }
  return findings;
}

/** Bytes of the compact JSON: with unknown values counted as empty (`atLeast`) and at their estimate. */
export function policyBytes(policy: unknown): { atLeast: number; estimate: number; placeholders: number } {
  const json = JSON.stringify(policy) ?? '';
  const placeholders = json.match(PLACEHOLDER)?.length ?? 0;
  const atLeast = Buffer.byteLength(json.replace(PLACEHOLDER, ''), 'utf8');
  return { atLeast, estimate: atLeast + placeholders * UNRESOLVED_VALUE_BYTES, placeholders };
}

/** Names the largest statements, so that the fix starts there. */
function largest(policy: unknown): string {
  const list = typeof policy === 'object' && policy !== null ? (policy as Record<string, unknown>).Statement : undefined;
  const statements = Array.isArray(list) ? list : [];
  const names = statementLabels(statements);
  const sized = statements
    .map((s, i) => ({ name: names[i], bytes: policyBytes(s).atLeast }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3);
  return sized.length === 0 ? 'it has no statement list' : `the largest statements: ${sized.map((s) => `${s.name} (${s.bytes} bytes)`).join(', ')}`;
}
