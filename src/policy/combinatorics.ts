/** Small generic enumerations used to build request variants and access witnesses. Pure. */

/** Every subset of `size` items, in order. */
export function* combinations<T>(items: readonly T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= items.length - size; i++) {
    for (const rest of combinations(items, size - 1, i + 1)) yield [items[i], ...rest];
  }
}

/** The Cartesian product of the lists: one item of each, in order. */
export function* product<T>(lists: readonly (readonly T[])[]): Generator<T[]> {
  if (lists.length === 0) {
    yield [];
    return;
  }
  for (const first of lists[0]) {
    for (const rest of product(lists.slice(1))) yield [first, ...rest];
  }
}
