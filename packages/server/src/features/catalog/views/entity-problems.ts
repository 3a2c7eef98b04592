import yaml from 'js-yaml';
import type { CatalogReadStore } from '../store/catalog-read-store.js';

export interface EntityProblem {
  level: string;
  message: string;
  field: string | null;
  filePath: string | null;
  line: number | null;
  column: number | null;
  source: 'ingestion' | 'relation';
}

/**
 * What is wrong with an entity: the problems ingestion recorded for it, then one
 * warning per relation whose target is not in the catalog. Undefined when the
 * entity does not exist.
 *
 * @example
 * await entityProblems(readStore, 'component:default/web')
 * // { items: [{ level: 'warning', message: 'dependsOn points to resource:default/db, which is not in the catalog', source: 'relation', ... }] }
 */
export async function entityProblems(
  readStore: CatalogReadStore,
  entityRef: string,
): Promise<{ items: EntityProblem[] } | undefined> {
  const row = await readStore.findRow(entityRef);
  if (!row) return undefined;
  const items: EntityProblem[] = (await readStore.errorRows(entityRef)).map((e) => ({
    level: e.level,
    message: e.message,
    field: e.field,
    filePath: e.file_path,
    line: e.line === null ? null : Number(e.line),
    column: e.column === null ? null : Number(e.column),
    source: 'ingestion',
  }));
  const outgoing = (await readStore.relationsTouching([entityRef])).filter((r) => r.source_ref === entityRef);
  const existing = await readStore.existingRefs(outgoing.map((r) => r.target_ref));
  for (const relation of outgoing) {
    if (existing.has(relation.target_ref)) continue;
    items.push({
      level: 'warning',
      message: `${relation.type} points to ${relation.target_ref}, which is not in the catalog`,
      field: null,
      filePath: row.file_path,
      line: null,
      column: null,
      source: 'relation',
    });
  }
  return { items };
}

/**
 * The entity as stored (as its descriptor declared it, without relations), as YAML.
 * Undefined when the entity does not exist.
 *
 * @example
 * await entityYaml(readStore, 'component:default/web') // 'apiVersion: backstage.io/v1alpha1\nkind: Component\n...'
 */
export async function entityYaml(readStore: CatalogReadStore, entityRef: string): Promise<string | undefined> {
  const row = await readStore.findRow(entityRef);
  if (!row) return undefined;
  const entity = JSON.parse(row.entity_json) as Record<string, unknown>;
  delete entity.relations;
  return yaml.dump(entity, { noRefs: true, lineWidth: 120 });
}
