/**
 * Backstage descriptor substitutions: a value written as `{ $text: ./api.yaml }`,
 * `{ $json: ... }` or `{ $yaml: ... }` stands for the content of another file
 * (raw text, parsed JSON, or parsed single-document YAML). Validation lets these
 * through where a value is expected; ingestion resolves them through a reader it
 * controls (relative to the descriptor's location, behind the read guard) and then
 * validates again.
 *
 * As in Backstage, only an object with exactly one `$`-key, a known resolver and a
 * string value is a placeholder; anything else (a JSON Schema `$ref`, say) is data.
 */
import yaml from 'js-yaml';
import type { Entity } from './entity.js';

export type PlaceholderKind = 'text' | 'json' | 'yaml';

export interface Placeholder {
  /** Dotted path of the value to replace, e.g. `spec.definition`. */
  path: string;
  /** The same path as keys, exact even when a key holds dots. */
  segments: string[];
  kind: PlaceholderKind;
  /** As written: a path relative to the descriptor file, or an absolute URL. */
  target: string;
}

export interface PlaceholderError {
  path: string;
  target: string;
  message: string;
}

const KINDS: ReadonlyMap<string, PlaceholderKind> = new Map([
  ['$text', 'text'],
  ['$json', 'json'],
  ['$yaml', 'yaml'],
]);

/**
 * The placeholder a value stands for, or undefined when it is plain data.
 *
 * @example
 * asPlaceholder({ $text: './openapi.yaml' }) // { kind: 'text', target: './openapi.yaml' }
 * asPlaceholder({ $ref: '#/definitions/x' }) // undefined
 */
export function asPlaceholder(value: unknown): { kind: PlaceholderKind; target: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  let only: string | undefined;
  for (const key in value) {
    if (only !== undefined) return undefined;
    only = key;
  }
  if (only === undefined) return undefined;
  const kind = KINDS.get(only);
  const target = (value as Record<string, unknown>)[only];
  return kind && typeof target === 'string' ? { kind, target } : undefined;
}

/**
 * Every placeholder in an entity, outermost first (a placeholder's own value is not searched).
 *
 * @example
 * findPlaceholders(apiEntity) // [{ path: 'spec.definition', kind: 'text', target: './openapi.yaml' }]
 */
export function findPlaceholders(entity: unknown): Placeholder[] {
  const found: Placeholder[] = [];
  const visit = (segments: string[], value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    const placeholder = asPlaceholder(value);
    if (placeholder) {
      found.push({ path: segments.join('.'), segments, ...placeholder });
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit([...segments, String(i)], value[i]);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key in record) visit([...segments, key], record[key]);
  };
  visit([], entity);
  return found;
}

function parseContent(kind: PlaceholderKind, content: string): unknown {
  if (kind === 'text') return content;
  if (kind === 'json') return JSON.parse(content);
  const documents = yaml
    .loadAll(content, undefined, { schema: yaml.CORE_SCHEMA })
    .filter((d) => d !== undefined && d !== null);
  if (documents.length !== 1) throw new Error(`expected exactly one YAML document, found ${documents.length}`);
  return documents[0];
}

/**
 * A copy of the entity with every placeholder replaced by the content `read`
 * returns for its target. A placeholder that cannot be read or parsed stays as
 * written and is reported; the others are still resolved.
 *
 * @example
 * const { entity: resolved, errors } = await resolvePlaceholders(entity, (target) =>
 *   readFile(resolve(dirname(descriptorPath), target), 'utf8'));
 */
export async function resolvePlaceholders(
  entity: Entity,
  read: (target: string, kind: PlaceholderKind) => Promise<string>,
): Promise<{ entity: Entity; errors: PlaceholderError[] }> {
  const placeholders = findPlaceholders(entity);
  if (placeholders.length === 0) return { entity, errors: [] };
  const copy = structuredClone(entity) as unknown as Record<string, unknown>;
  const errors: PlaceholderError[] = [];
  await Promise.all(
    placeholders.map(async ({ path, segments, kind, target }) => {
      let value: unknown;
      try {
        value = parseContent(kind, await read(target, kind));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        errors.push({ path, target, message: `Placeholder $${kind} at ${path} could not use ${target}: ${reason}` });
        return;
      }
      let node: Record<string, unknown> = copy;
      for (const key of segments.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[segments.at(-1)!] = value;
    }),
  );
  errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entity: copy as unknown as Entity, errors };
}
