import type { Entity } from '../model/entity.js';
import { type CatalogReadStore, type EntityRow, parseRow } from '../store/catalog-read-store.js';

export interface EntityAncestry {
  rootEntityRef: string;
  items: { entity: Entity; parentEntityRefs: string[] }[];
}

/** Location chains are short; this stops a cycle of locations naming each other. */
const MAX_ANCESTRY = 50;

/**
 * Where an entity came from, as Backstage's ancestry endpoint shows it: the
 * entity, then the Location entities that led to it. An entity read from a
 * location that another location's Location entity pointed at has those Location
 * entities as parents, and so on up. Best effort: entities registered directly
 * have no parents. Undefined when the entity does not exist.
 *
 * @example
 * await entityAncestry(readStore, 'component:default/web')
 * // { rootEntityRef: 'component:default/web', items: [{ entity, parentEntityRefs: ['location:default/team-a'] }, ...] }
 */
export async function entityAncestry(
  readStore: CatalogReadStore,
  entityRef: string,
): Promise<EntityAncestry | undefined> {
  const root = await readStore.findRow(entityRef);
  if (!root) return undefined;
  const items: EntityAncestry['items'] = [];
  const seen = new Set<string>([root.entity_ref]);
  const todo: EntityRow[] = [root];
  while (todo.length > 0 && items.length < MAX_ANCESTRY) {
    const row = todo.shift() as EntityRow;
    const parents = await parentLocationEntities(readStore, row);
    items.push({ entity: parseRow(row), parentEntityRefs: parents.map((p) => p.entity_ref) });
    for (const parent of parents) {
      if (seen.has(parent.entity_ref)) continue;
      seen.add(parent.entity_ref);
      todo.push(parent);
    }
  }
  return { rootEntityRef: root.entity_ref, items };
}

async function parentLocationEntities(readStore: CatalogReadStore, row: EntityRow): Promise<EntityRow[]> {
  if (!row.location_id) return [];
  const location = await readStore.locationOf(row.location_id);
  if (!location?.parent_location_id) return [];
  return readStore.locationEntityRowsIn(location.parent_location_id);
}
