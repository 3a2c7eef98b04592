/**
 * Parses `fields` parameters: repeated and/or comma-separated dotted paths.
 * Returns undefined when no projection was asked for.
 *
 * @example
 * parseFields(['kind,metadata.name', 'spec']) // ['kind', 'metadata.name', 'spec']
 */
export function parseFields(params: readonly string[] | undefined): string[] | undefined {
  if (!params) return undefined;
  const fields = params
    .flatMap((p) => p.split(','))
    .map((f) => f.trim())
    .filter((f) => f !== '');
  return fields.length > 0 ? fields : undefined;
}

/** Whether a projection keeps `relations` (so the relations query can be skipped). */
export function fieldsNeedRelations(fields: readonly string[] | undefined): boolean {
  return !fields || fields.some((f) => f === 'relations' || f.startsWith('relations.'));
}

/**
 * Keeps only the listed dotted paths of an entity; each path keeps its whole
 * subtree. A key that itself contains dots (annotation keys such as
 * `backstage.io/source-location`) is matched whole before splitting further.
 *
 * @example
 * projectFields(entity, ['kind', 'metadata.name']) // { kind: 'Component', metadata: { name: 'web' } }
 */
export function projectFields<T extends object>(entity: T, fields: readonly string[] | undefined): Partial<T> {
  if (!fields) return entity;
  const out: Record<string, unknown> = {};
  for (const path of fields) copyPath(entity as Record<string, unknown>, out, path);
  return out as Partial<T>;
}

function copyPath(source: Record<string, unknown>, target: Record<string, unknown>, path: string): void {
  if (Object.hasOwn(source, path)) {
    target[path] = source[path];
    return;
  }
  let dot = path.indexOf('.');
  while (dot !== -1) {
    const head = path.slice(0, dot);
    const child = Object.hasOwn(source, head) ? source[head] : undefined;
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
      const existing = target[head];
      const nested =
        existing !== null && typeof existing === 'object' && !Array.isArray(existing)
          ? (existing as Record<string, unknown>)
          : {};
      const before = Object.keys(nested).length;
      copyPath(child as Record<string, unknown>, nested, path.slice(dot + 1));
      if (Object.keys(nested).length > before || existing !== undefined) target[head] = nested;
      return;
    }
    dot = path.indexOf('.', dot + 1);
  }
}
