/**
 * Finds objects that name the same key twice in a JSON text. JSON.parse keeps the last value silently, so
 * `{"Effect": "Deny", "Effect": "Allow"}` reads as an Allow that nobody sees; only the text shows the duplicate. The
 * library API receives parsed objects, where a duplicate is already gone: this scan is for the CLI, which reads files.
 *
 * One pass over text that JSON.parse has accepted: each character is read once, keys are decoded only when they hold
 * an escape (`"\u0045ffect"` is `"Effect"`), and each object keeps the set of its keys while it is open. Locations
 * (JSON paths such as `$[0].key.policy.Statement[1]`) are made only for a duplicate.
 */

export interface DuplicateJsonKey {
  /** The key as decoded. */
  readonly key: string;
  /** JSON path of the object that holds it twice: `$`, `$.key.policy.Statement[1]`, `$[0]["odd key"]`. */
  readonly path: string;
  /** The path split into its segments: keys and array indexes, from the root. */
  readonly segments: ReadonlyArray<string | number>;
}

interface Frame {
  /** Undefined for an array. */
  readonly keys: Set<string> | undefined;
  /** How the parent reaches this container: a key, an index, or nothing for the root. */
  readonly segment: string | number | undefined;
  /** Objects: the last key read; arrays: the index of the current element. */
  lastKey: string;
  index: number;
}

/** At most `limit` duplicates, in text order. `text` must be valid JSON (parse it first). */
export function findDuplicateJsonKeys(text: string, limit = 20): DuplicateJsonKey[] {
  const found: DuplicateJsonKey[] = [];
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length && found.length < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = stack[stack.length - 1];
      const segment = parent === undefined ? undefined : parent.keys ? parent.lastKey : parent.index;
      stack.push({ keys: c === 0x7b ? new Set() : undefined, segment, lastKey: '', index: 0 });
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top.keys) expectKey = true;
      else top.index++;
    } else if (c === 0x22 /* " */) {
      let end = i + 1;
      let escaped = false;
      while (text.charCodeAt(end) !== 0x22) {
        if (text.charCodeAt(end) === 0x5c /* \ */) {
          escaped = true;
          end++;
        }
        end++;
      }
      if (expectKey) {
        const key = escaped ? JSON.parse(text.slice(i, end + 1)) as string : text.slice(i + 1, end);
        const top = stack[stack.length - 1];
        if (top.keys!.has(key)) {
          const segments = pathOf(stack);
          found.push({ key, path: formatPath(segments), segments });
        } else {
          top.keys!.add(key);
        }
        top.lastKey = key;
        expectKey = false;
      }
      i = end;
    }
    // Colons, whitespace, numbers, true, false and null need nothing.
  }
  return found;
}

function pathOf(stack: readonly Frame[]): Array<string | number> {
  const segments: Array<string | number> = [];
  for (let i = 1; i < stack.length; i++) segments.push(stack[i].segment!);
  return segments;
}

/** `$`, then `.key` for plain keys, `["key"]` for others, `[3]` for indexes. */
export function formatPath(segments: ReadonlyArray<string | number>): string {
  let path = '$';
  for (const s of segments) {
    path += typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$:-]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  }
  return path;
}
