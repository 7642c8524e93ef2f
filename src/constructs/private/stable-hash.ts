import { createHash } from 'crypto';

/** A short, stable hash of a construct path: the same app always yields the same tag names and values. */
export function stableHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
