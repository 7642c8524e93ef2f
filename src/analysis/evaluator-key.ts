/**
 * The key as the evaluator's scenario describes it (src/evaluator/scenario.ts, `key`), made from the app model in one
 * place, so that every check decides on the same key properties: the request context's kms:KeySpec, kms:KeyUsage,
 * kms:KeyOrigin, kms:MultiRegion, kms:MultiRegionKeyType, kms:ResourceAliases and aws:ResourceTag/* come from them
 * (conditions-kms.md). Before, three copies of this existed and none passed the key's origin: a key with
 * `Origin: EXTERNAL` was decided as `AWS_KMS` (found by mutation testing). An origin unknown offline is left to the
 * evaluator's default, AWS_KMS, as the model's other unknown properties are. Pure.
 */
import { KmsKeyModel } from '../app-model/app-model';
import { isUnresolvedText } from '../app-model/unresolved';

export interface EvaluatorKeyOptions {
  /** The key policy to decide with (a reading of it); left out when the caller adds it. */
  readonly policy?: unknown;
  /**
   * Only the aliases the evaluator can use (`alias/...`, not `alias/aws/...`, known offline). Otherwise every alias
   * goes in, and one the evaluator cannot use makes the evaluation an error: "cannot verify", never a guess.
   */
  readonly usableAliasesOnly?: boolean;
}

export function evaluatorKey(key: KmsKeyModel, options: EvaluatorKeyOptions = {}): Record<string, unknown> {
  return {
    arn: key.arn,
    ...('policy' in options ? { policy: options.policy } : {}),
    keySpec: key.keySpec,
    keyUsage: key.keyUsage,
    ...(key.origin !== undefined && !isUnresolvedText(key.origin) ? { keyOrigin: key.origin } : {}),
    ...(key.multiRegion !== undefined ? { multiRegion: key.multiRegion } : {}),
    ...(key.multiRegionKeyType !== undefined ? { multiRegionKeyType: key.multiRegionKeyType } : {}),
    aliases: options.usableAliasesOnly ? usableAliases(key) : key.aliases,
    tags: key.tags,
  };
}

/** The key's aliases the evaluator accepts: `alias/...` names known offline, not AWS managed ones. */
export function usableAliases(key: KmsKeyModel): string[] {
  return key.aliases.filter((a) => a.startsWith('alias/') && !a.startsWith('alias/aws/') && !isUnresolvedText(a));
}
