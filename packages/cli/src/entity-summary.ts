import type { Column } from './output.js';

/** The parts of a catalog entity the CLI shows; the server sends the full Backstage envelope. */
export interface EntityLike {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    title?: string;
    description?: string;
    tags?: string[];
    annotations?: Record<string, string>;
    links?: { url: string; title?: string }[];
  };
  spec?: Record<string, unknown>;
  relations?: { type: string; targetRef: string }[];
  status?: { items?: { level?: string; message?: string }[] };
}

/**
 * The canonical `kind:namespace/name` of an entity, lowercased like the server's.
 *
 * @example
 * refOf({ kind: 'Component', metadata: { name: 'Web' } }) // 'component:default/web'
 */
export function refOf(entity: EntityLike): string {
  const namespace = entity.metadata.namespace || 'default';
  return `${entity.kind}:${namespace}/${entity.metadata.name}`.toLocaleLowerCase('en-US');
}

/** Columns of the entity tables printed by `catalog list` and `catalog register`. */
export const ENTITY_COLUMNS: Column<EntityLike>[] = [
  { header: 'REF', value: refOf },
  { header: 'TYPE', value: (e) => e.spec?.type },
  { header: 'OWNER', value: (e) => e.spec?.owner },
  { header: 'LIFECYCLE', value: (e) => e.spec?.lifecycle },
];

/**
 * A short YAML-like view of one entity for people: identity, the spec fields
 * that matter, relations grouped by type, and any status problems.
 */
export function formatEntitySummary(entity: EntityLike): string {
  const lines = [`${refOf(entity)}`];
  const field = (name: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    if (Array.isArray(value)) {
      if (value.length > 0) lines.push(`  ${name}: ${value.map(String).join(', ')}`);
      return;
    }
    lines.push(`  ${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  };
  field('title', entity.metadata.title);
  field('description', entity.metadata.description);
  for (const [key, value] of Object.entries(entity.spec ?? {})) field(key, value);
  field('tags', entity.metadata.tags);
  const links = entity.metadata.links ?? [];
  if (links.length > 0) {
    lines.push('  links:');
    for (const link of links) lines.push(`    - ${link.title ? `${link.title}: ` : ''}${link.url}`);
  }
  const relations = entity.relations ?? [];
  if (relations.length > 0) {
    lines.push('  relations:');
    const byType = new Map<string, string[]>();
    for (const relation of relations) {
      byType.set(relation.type, [...(byType.get(relation.type) ?? []), relation.targetRef]);
    }
    for (const [type, targets] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`    ${type}: ${targets.sort().join(', ')}`);
    }
  }
  const problems = entity.status?.items ?? [];
  if (problems.length > 0) {
    lines.push('  status:');
    for (const item of problems) lines.push(`    - ${item.level ?? 'info'}: ${item.message ?? ''}`);
  }
  return lines.join('\n');
}
