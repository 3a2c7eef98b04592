/**
 * A minimal YAML writer for generated data (plain objects, arrays, strings,
 * numbers, booleans, null). The package stays dependency-free, and the output is
 * block-style YAML that reads like a hand-written descriptor.
 */
export type YamlValue = string | number | boolean | null | undefined | YamlValue[] | { [key: string]: YamlValue };

const PLAIN = /^[A-Za-z0-9_./$][A-Za-z0-9 _./@$:+#()=,-]*$/;
const AMBIGUOUS =
  /^(?:true|false|yes|no|on|off|null|y|n|~|[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:e[-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+|\.inf|\.nan|[-+]?\.inf)$/i;

function needsQuotes(value: string): boolean {
  if (value === '' || !PLAIN.test(value)) return true;
  // Numbers, booleans, nulls and timestamps would come back as another type.
  if (AMBIGUOUS.test(value) || /^\d{4}-\d\d?-\d\d?/.test(value)) return true;
  // `a: b` and `a #b` change meaning inside a plain scalar; trailing blanks or colons are lost.
  return value.includes(': ') || value.includes(' #') || value.endsWith(' ') || value.endsWith(':');
}

function scalar(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} as YAML`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // A JSON string is a valid YAML double-quoted scalar with the same escapes.
  return needsQuotes(value) ? JSON.stringify(value) : value;
}

function isBlockCandidate(value: string): boolean {
  return value.includes('\n') && !value.startsWith(' ') && !value.endsWith('\n\n') && !/[ \t]\n|\r/.test(value);
}

function blockScalar(value: string, indent: string): string {
  const chomp = value.endsWith('\n') ? '' : '-';
  const body = (chomp === '' ? value.slice(0, -1) : value)
    .split('\n')
    .map((line) => (line === '' ? '' : indent + line))
    .join('\n');
  return `|${chomp}\n${body}`;
}

function render(value: YamlValue, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return value
      .map((item) => {
        if (item !== null && typeof item === 'object') {
          const inner = render(item, `${indent}  `);
          if (inner === '[]' || inner === '{}') return `${indent}- ${inner}`;
          return `${indent}- ${inner.slice(indent.length + 2)}`;
        }
        return `${indent}- ${inline(item, `${indent}  `)}`;
      })
      .join('\n');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return entries
      .map(([key, child]) => {
        const k = scalar(key);
        if (child !== null && typeof child === 'object') {
          const inner = render(child, `${indent}  `);
          if (inner === '[]' || inner === '{}') return `${indent}${k}: ${inner}`;
          return `${indent}${k}:\n${inner}`;
        }
        return `${indent}${k}: ${inline(child, `${indent}  `)}`;
      })
      .join('\n');
  }
  return inline(value, indent);
}

function inline(value: Exclude<YamlValue, YamlValue[] | object> | null, childIndent: string): string {
  if (typeof value === 'string' && isBlockCandidate(value)) return blockScalar(value, childIndent);
  return scalar(value as string | number | boolean | null | undefined);
}

/**
 * One YAML document, ending in a newline.
 *
 * @example
 * toYaml({ kind: 'Group', spec: { type: 'squad', children: [] } });
 * // 'kind: Group\nspec:\n  type: squad\n  children: []\n'
 */
export function toYaml(value: YamlValue): string {
  return `${render(value, '')}\n`;
}

/**
 * Several documents in one multi-document YAML file, separated by `---`.
 *
 * @example
 * toYamlDocuments([groupA, groupB]);
 */
export function toYamlDocuments(values: readonly YamlValue[]): string {
  return values.map((v) => `---\n${toYaml(v)}`).join('');
}
