/**
 * The KMS action nearest to a misspelt one, for messages ("did you mean kms:Decrypt?"): by case-insensitive edit
 * distance over the catalogue's actions, within a quarter of the name's length (at least 1, at most 3). Pure.
 */
import { ALL_KMS_ACTIONS } from '../../policy/catalogue';

const LOWER = ALL_KMS_ACTIONS.map((a) => a.toLowerCase());

/** The nearest `kms:` action to `text` (written with or without the `kms:` prefix), or undefined when none is near. */
export function nearestKmsAction(text: string): string | undefined {
  if (text.length > 80) return undefined;
  const lower = text.toLowerCase();
  const wanted = lower.startsWith('kms:') ? lower : `kms:${lower.replace(/^[^:]*:/, '')}`;
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.slice(4).length / 4)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  LOWER.forEach((candidate, i) => {
    const d = editDistance(wanted, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = ALL_KMS_ACTIONS[i];
    }
  });
  return best;
}

/** Levenshtein distance; both texts are short (action names). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
