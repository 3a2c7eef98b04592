/**
 * Best-effort mapping of a dotted field path (`spec.owner`, `metadata.links.0.url`,
 * `metadata.annotations.backstage.io/techdocs-ref`) to the line that holds it in a
 * block-style YAML document. Only used on the error path, so clarity beats speed.
 * Flow-style collections (`tags: [a, b]`) resolve to the line of their key.
 */

interface LineInfo {
  /** Leading spaces. */
  indent: number;
  /** Starts with `- ` (a sequence item). */
  item: boolean;
  /** Column where a `key:` starts (after any `- `), when the line holds one. */
  keyIndent: number;
  key?: string;
  content: boolean;
}

function readLine(raw: string): LineInfo {
  let i = 0;
  while (i < raw.length && raw[i] === ' ') i++;
  const indent = i;
  const rest = raw.slice(i);
  if (rest.length === 0 || rest.startsWith('#')) return { indent, item: false, keyIndent: indent, content: false };
  let item = false;
  if (rest === '-' || rest.startsWith('- ')) {
    item = true;
    i++;
    while (i < raw.length && raw[i] === ' ') i++;
  }
  const keyIndent = i;
  const body = raw.slice(i);
  let key: string | undefined;
  const quote = body[0];
  if (quote === '"' || quote === "'") {
    const close = body.indexOf(quote, 1);
    if (close > 0 && /^\s*:(\s|$)/.test(body.slice(close + 1))) key = body.slice(1, close);
  } else {
    const match = /^(.*?)\s*:(\s|$)/.exec(body);
    if (match?.[1] && !match[1].startsWith('-')) key = match[1];
  }
  return { indent, item, keyIndent, key, content: true };
}

function blockEnd(lines: LineInfo[], from: number, to: number, indent: number, allowItemsAtIndent: boolean): number {
  for (let j = from; j < to; j++) {
    const l = lines[j]!;
    if (!l.content) continue;
    if (l.indent < indent) return j;
    if (l.indent === indent && !(allowItemsAtIndent && l.item)) return j;
  }
  return to;
}

/**
 * The 1-based line of `field` inside `text`, whose first line is `firstLine`;
 * the deepest enclosing field's line when the field itself is absent; undefined
 * when not even the top-level key is found.
 *
 * @example
 * locateField('kind: API\nspec:\n  owner: x\n', 'spec.owner', 10) // 12
 */
export function locateField(text: string, field: string, firstLine: number): number | undefined {
  if (!field) return undefined;
  const lines = text.split(/\r?\n/).map(readLine);
  const segments = field.split('.');
  let from = 0;
  let to = lines.length;
  let parentKeyIndent = -1;
  let found: number | undefined;
  const toLine = (index: number | undefined) => (index === undefined ? undefined : firstLine + index);
  let s = 0;
  while (s < segments.length) {
    const segment = segments[s]!;
    if (/^\d+$/.test(segment)) {
      const wanted = Number(segment);
      let itemIndent = -1;
      let count = -1;
      let hit = -1;
      for (let j = from; j < to; j++) {
        const l = lines[j]!;
        if (!l.content || !l.item) continue;
        if (itemIndent === -1) itemIndent = l.indent;
        if (l.indent !== itemIndent) continue;
        count++;
        if (count === wanted) {
          hit = j;
          break;
        }
      }
      if (hit === -1) return toLine(found);
      found = hit;
      to = blockEnd(lines, hit + 1, to, itemIndent, false);
      from = hit;
      parentKeyIndent = itemIndent;
      s++;
      continue;
    }
    let childIndent = -1;
    for (let j = from; j < to; j++) {
      const l = lines[j]!;
      if (l.content && l.key !== undefined && l.keyIndent > parentKeyIndent) {
        childIndent = l.keyIndent;
        break;
      }
    }
    if (childIndent === -1) return toLine(found);
    // Keys may contain dots (annotation keys): try the longest joined candidate first.
    let hit = -1;
    let used = 0;
    for (let end = segments.length; end > s && hit === -1; end--) {
      const candidate = segments.slice(s, end).join('.');
      for (let j = from; j < to; j++) {
        const l = lines[j]!;
        if (l.content && l.keyIndent === childIndent && l.key === candidate) {
          hit = j;
          used = end - s;
          break;
        }
      }
    }
    if (hit === -1) return toLine(found);
    found = hit;
    to = blockEnd(lines, hit + 1, to, childIndent, true);
    from = hit + 1;
    parentKeyIndent = childIndent;
    s += used;
  }
  return toLine(found);
}
