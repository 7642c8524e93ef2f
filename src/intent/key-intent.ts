/**
 * A key's declared intent: the app model (app-model.ts) reads its `AWS::KMS::Key` resource's Metadata entry
 * (`INTENT_METADATA_KEY`), resolved in the key's stack the way it resolves the key policy (pseudo parameters,
 * references to the stack's resources), so principals and conditions compare with the analysis's values. Pure.
 */
import { DeclaredIntent, IntentReading, readIntent } from './declared-intent';
import { KmsKeyModel } from '../app-model/app-model';

/** The key's declared intent (the app model reads it from the key's Metadata); undefined when it declares none. */
export function intentOf(key: KmsKeyModel): (IntentReading & { readonly unresolved: readonly string[] }) | undefined {
  if (key.intent === undefined) return undefined;
  return { ...readIntent(key.intent), unresolved: key.intentUnresolved ?? [] };
}

export type { DeclaredIntent };
