/**
 * A small memo for pure functions of short texts that recur across policies and scenarios: principal ARNs, caller
 * ARNs. Cached values are shared by every policy that holds the same text, so they must be immutable and must not
 * depend on where the text was found.
 *
 * Two-way set-associative: a text hashes to a pair of slots; a new text takes the pair's first slot and the previous
 * occupant moves to the second, so two recurring texts that share a pair both stay. A Map emptied when full would be
 * simpler, but in V8 the emptied hash tables keep their entries reachable until the next full GC, so with input that
 * rarely repeats every cached value would be copied out of the young generation. Here at most `2 * pairs` values are
 * live at a time, whatever the input.
 */
export class BoundedCache<V> {
  private readonly keys: Array<string | undefined>;
  private readonly values: Array<V | undefined>;

  /** @param pairs how many pairs of slots (a prime spreads texts best); the cache holds twice as many texts */
  public constructor(private readonly pairs: number) {
    this.keys = new Array<string | undefined>(2 * pairs).fill(undefined);
    this.values = new Array<V | undefined>(2 * pairs).fill(undefined);
  }

  public get(key: string): V | undefined {
    const first = firstSlot(textHash(key), this.pairs);
    if (this.keys[first] === key) return this.values[first];
    return this.keys[first + 1] === key ? this.values[first + 1] : undefined;
  }

  public set(key: string, value: V): void {
    const first = firstSlot(textHash(key), this.pairs);
    this.keys[first + 1] = this.keys[first];
    this.values[first + 1] = this.values[first];
    this.keys[first] = key;
    this.values[first] = value;
  }
}

/** The first slot of the pair a hash falls into, for a table of `pairs` pairs. */
export function firstSlot(hash: number, pairs: number): number {
  return 2 * (((hash % pairs) + pairs) % pairs);
}

/**
 * A cheap hash for choosing a cache slot: the length and 4 characters spread over the text, from the last one back
 * (names and values differ most at their ends). Reading more characters costs more than the collisions it avoids
 * (measured); texts that differ only elsewhere merely share a pair of slots, and a hit compares the whole text.
 */
export function textHash(text: string): number {
  const length = text.length;
  if (length === 0) return 0;
  let h = length;
  for (let i = 0; i < 4; i++) h = Math.imul(h, 31) + text.charCodeAt(length - 1 - Math.floor((i * length) / 4));
  return h;
}
