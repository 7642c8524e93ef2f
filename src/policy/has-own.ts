const hasOwnProperty = Object.prototype.hasOwnProperty;

/**
 * Whether `key` is an own property of `o`, for the `for (const key in o) if (hasOwn(o, key))` loops that read policy
 * JSON without allocating a key array. Written with hasOwnProperty rather than Object.hasOwn: inside such a loop V8
 * proves the former from the loop's state, while Object.hasOwn does a full look-up (about 4x slower there).
 */
export function hasOwn(o: object, key: string): boolean {
  return hasOwnProperty.call(o, key);
}
