/**
 * A fact path: dot-separated keys, with `["..."]` for keys holding dots or other
 * characters (`repository.packages["org.slf4j:slf4j-api"]`) and `[n]` for array
 * indexes. `.` alone is the value itself (inside `count.where`, the element).
 * Returns the keys, or a message saying what is wrong.
 *
 * @example
 * parseFactPath('repository.packages["log-lib"]') // ['repository', 'packages', 'log-lib']
 */
export function parseFactPath(path: string): (string | number)[] | string {
  if (path === '.') return [];
  if (path.trim() === '') return 'is empty';
  const keys: (string | number)[] = [];
  let i = 0;
  let expectKey = true;
  while (i < path.length) {
    const char = path[i];
    if (char === '[') {
      const close = path.indexOf(']', i);
      if (close === -1) return `has an unclosed "[" at character ${i + 1}`;
      const inner = path.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) keys.push(Number(inner));
      else if (/^"[^"]*"$/.test(inner) || /^'[^']*'$/.test(inner)) keys.push(inner.slice(1, -1));
      else return `has "[${inner}]": use [n] or ["key"]`;
      i = close + 1;
      expectKey = false;
      continue;
    }
    if (char === '.') {
      if (expectKey) return `has an empty key at character ${i + 1}`;
      i++;
      expectKey = true;
      continue;
    }
    let end = i;
    while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
    const key = path.slice(i, end);
    if (!/^[A-Za-z0-9_$@/:-]+$/.test(key)) return `has an invalid key "${key}"`;
    keys.push(key);
    i = end;
    expectKey = false;
  }
  if (expectKey) return 'ends with "."';
  return keys;
}

/**
 * A getter for a parsed path, built once: reading a fact is then a few property loads.
 *
 * @example
 * const get = compileFactGetter(['repository', 'files', 'readme']);
 * get({ repository: { files: { readme: true } } }) // true
 */
export function compileFactGetter(keys: readonly (string | number)[]): (value: unknown) => unknown {
  if (keys.length === 0) return (value) => value;
  if (keys.length === 1) {
    const [a] = keys as [string | number];
    return (value) => (isObject(value) ? (value as Record<string | number, unknown>)[a] : undefined);
  }
  return (value) => {
    let current = value;
    for (const key of keys) {
      if (!isObject(current)) return undefined;
      current = (current as Record<string | number, unknown>)[key];
    }
    return current;
  };
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}
