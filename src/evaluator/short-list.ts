/**
 * Appending to lists that are nearly always short (the statements of a policy that cover an action, the candidates
 * for a caller). An empty array grown by push gets room for 17 elements in V8, and trimming a longer array to its
 * used length is a slow runtime call: a list of one or two elements is made by literal instead.
 */
export function appendShort<T>(list: T[] | undefined, item: T): T[] {
  if (list === undefined) return [item];
  if (list.length === 1) return [list[0], item];
  list.push(item);
  return list;
}
