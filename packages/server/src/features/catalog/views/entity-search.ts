import type { CatalogReadStore } from '../store/catalog-read-store.js';
import { parseRow } from '../store/catalog-read-store.js';
import { stringOrNull } from './entity-summary.js';

export interface SearchHit {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  type: string | null;
  owner: string | null;
}

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;

/**
 * Full-text search over names, titles, descriptions, tags and owners. Every word
 * of the query must appear; the best matches come first (exact name, then name
 * prefix, then name substring, then matches elsewhere).
 *
 * @example
 * await searchEntities(readStore, { q: 'artist web', limit: 10 })
 * // { items: [{ entityRef: 'component:default/artist-web', kind: 'Component', ... }] }
 */
export async function searchEntities(
  readStore: CatalogReadStore,
  options: { q: string; limit?: number },
): Promise<{ items: SearchHit[] }> {
  const whole = options.q.trim().toLocaleLowerCase('en-US');
  const terms = whole.split(/\s+/).filter((t) => t !== '');
  if (terms.length === 0) return { items: [] };
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_SEARCH_LIMIT) || 1, 1), MAX_SEARCH_LIMIT);
  const rows = await readStore.searchRows(terms, whole, limit);
  return {
    items: rows.map((row) => {
      const entity = parseRow(row);
      return {
        entityRef: row.entity_ref,
        kind: entity.kind,
        namespace: entity.metadata.namespace ?? 'default',
        name: entity.metadata.name,
        title: stringOrNull(entity.metadata.title),
        description: stringOrNull(entity.metadata.description),
        type: stringOrNull(entity.spec?.type),
        owner: stringOrNull(entity.spec?.owner),
      };
    }),
  };
}
