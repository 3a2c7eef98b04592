import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/**
 * `spec.entries[1].ring` from `['spec', 'entries', 1, 'ring']`.
 *
 * @example
 * fieldName(['spec', 'entries', 1, 'ring']) // 'spec.entries[1].ring'
 */
export function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/**
 * The 1-based line and column of a field: the key of the deepest existing pair on
 * the path, so a bad value points at its own line and a missing field at its parent's.
 *
 * @example
 * positionOf(doc.contents, ['spec', 'entries', 0, 'ring'], lineCounter) // { line: 12, column: 7 }
 */
export function positionOf(
  root: Node | null,
  path: readonly PropertyKey[],
  lineCounter: LineCounter,
): { line?: number; column?: number } {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  if (offset === undefined) return {};
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
