import type { Entity } from './entity.js';
import { DEFAULT_NAMESPACE, lowerCaseEnUs } from './refs.js';

/**
 * One row of the catalog search table, as Backstage builds it: `key` is a dotted,
 * lowercased path; `value` the lowercased leaf value (null for null leaves and for
 * values too long to index); `originalValue` keeps the case for facets.
 */
export interface SearchRow {
  key: string;
  value: string | null;
  originalValue: string | null;
}

/** Longer keys are dropped and longer values stored as null: the columns are indexed. */
export const MAX_SEARCH_KEY_LENGTH = 200;
export const MAX_SEARCH_VALUE_LENGTH = 200;

// Not walked generically: output-only data, or keys always written explicitly below.
const SPECIAL_KEYS: ReadonlySet<string> = new Set([
  'attachments',
  'relations',
  'status',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.etag',
]);

class RowCollector {
  readonly rows: SearchRow[] = [];
  private readonly seen = new Set<string>();

  add(rawKey: string, raw: unknown): void {
    const key = lowerCaseEnUs(rawKey);
    if (key.length > MAX_SEARCH_KEY_LENGTH) return;
    let value: string | null = null;
    let originalValue: string | null = null;
    if (raw !== undefined && raw !== null) {
      const text = String(raw);
      const lower = lowerCaseEnUs(text);
      if (lower.length <= MAX_SEARCH_VALUE_LENGTH) {
        value = lower;
        originalValue = text;
      }
    }
    // (key, value) is unique per entity: repeated tags or keys differing only in case collapse.
    const dedupe = value === null ? `${key}\u0000\u0001` : `${key}\u0000${value}`;
    if (this.seen.has(dedupe)) return;
    this.seen.add(dedupe);
    this.rows.push({ key, value, originalValue });
  }

  visit(path: string, current: unknown): void {
    if (SPECIAL_KEYS.has(path)) return;
    if (current === undefined || current === null) {
      this.add(path, current);
      return;
    }
    const type = typeof current;
    if (type === 'string' || type === 'number' || type === 'boolean') {
      this.add(path, current);
      return;
    }
    if (type !== 'object') return;
    if (Array.isArray(current)) {
      for (const item of current) {
        this.visit(path, item);
        // `metadata.tags.java` = true lets one filter require several tags at once.
        if (typeof item === 'string') this.add(`${path}.${item}`, true);
      }
      return;
    }
    const record = current as Record<string, unknown>;
    for (const key in record) this.visit(path ? `${path}.${key}` : key, record[key]);
  }
}

/**
 * Flattens an entity into search rows the way Backstage's catalog does
 * (`buildEntitySearch`): every leaf under its dotted path, arrays of strings both
 * as `path = item` and `path.item = true`, `metadata.name` and `metadata.namespace`
 * always present (namespace defaulted), and one `relations.<type> = targetRef`
 * row per given relation. `metadata.uid` is written only when present.
 *
 * @example
 * toSearchRows(entity, [{ type: 'ownedBy', targetRef: 'group:default/team-a' }])
 * // [{ key: 'apiversion', ... }, { key: 'kind', value: 'component', originalValue: 'Component' }, ...,
 * //  { key: 'relations.ownedby', value: 'group:default/team-a', ... }]
 */
export function toSearchRows(entity: Entity, relations: readonly { type: string; targetRef: string }[]): SearchRow[] {
  const collector = new RowCollector();
  collector.visit('', entity);
  collector.add('metadata.name', entity.metadata.name);
  collector.add('metadata.namespace', entity.metadata.namespace || DEFAULT_NAMESPACE);
  if (entity.metadata.uid !== undefined) collector.add('metadata.uid', entity.metadata.uid);
  for (const relation of relations) collector.add(`relations.${relation.type}`, relation.targetRef);
  return collector.rows;
}

/**
 * One lowercased text of the fields people search by: name, title, description,
 * tags and owner, separated by spaces.
 *
 * @example
 * fullTextOf(entity, 'group:default/team-a') // 'artist-web artist web the place to be for artists java group:default/team-a'
 */
export function fullTextOf(entity: Entity, ownerRef?: string): string {
  const { name, title, description, tags } = entity.metadata;
  const parts: string[] = [name];
  if (typeof title === 'string' && title) parts.push(title);
  if (typeof description === 'string' && description) parts.push(description);
  if (Array.isArray(tags)) for (const tag of tags) if (typeof tag === 'string') parts.push(tag);
  const owner = ownerRef ?? (typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined);
  if (owner) parts.push(owner);
  return lowerCaseEnUs(parts.join(' '));
}
