/** A parsed value path: keys and list indexes. */
export type ValuePath = (string | number)[];

/**
 * Parses a value path as set-value and delete-value steps write it: dotted keys,
 * `[n]` for a list index, `["a.b"]` for a key holding dots or brackets
 * (annotation keys do). Returns the reason as a string when the path is malformed.
 *
 * @example
 * parseValuePath('spec.containers[0].image') // ['spec', 'containers', 0, 'image']
 * parseValuePath('metadata.annotations["backstage.io/owner"]') // ['metadata', 'annotations', 'backstage.io/owner']
 */
export function parseValuePath(text: string): ValuePath | string {
  const path: ValuePath = [];
  let i = 0;
  let expectKey = true;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '[') {
      const index = /^\[(\d+)\]/.exec(text.slice(i));
      const quoted = /^\["((?:[^"\\]|\\.)*)"\]/.exec(text.slice(i));
      if (index) {
        path.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        path.push(quoted[1]!.replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else {
        return `bad index at character ${i + 1}: use [0] or ["key"]`;
      }
      expectKey = false;
    } else if (ch === '.') {
      if (expectKey) return `empty key at character ${i + 1}`;
      i++;
      expectKey = true;
      if (i === text.length) return 'path must not end with "."';
    } else {
      if (!expectKey) return `expected "." or "[" at character ${i + 1}`;
      const key = /^[^.[\]]+/.exec(text.slice(i))![0];
      path.push(key);
      i += key.length;
      expectKey = false;
    }
  }
  if (path.length === 0) return 'path must not be empty';
  return path;
}
