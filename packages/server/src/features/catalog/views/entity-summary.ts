import type { Entity } from '../model/entity.js';
import { stringifyEntityRef } from '../model/refs.js';

/** The few fields list views show for an entity. */
export interface EntitySummary {
  entityRef: string;
  kind: string;
  name: string;
  title: string | null;
  type: string | null;
  description: string | null;
}

/**
 * The summary of an entity for lists (org pages, search hits).
 *
 * @example
 * summarize(entity) // { entityRef: 'group:default/team-a', kind: 'Group', name: 'team-a', title: 'Team A', type: 'squad', description: null }
 */
export function summarize(entity: Entity): EntitySummary {
  return {
    entityRef: stringifyEntityRef(entity),
    kind: entity.kind,
    name: entity.metadata.name,
    title: stringOrNull(entity.metadata.title),
    type: stringOrNull(entity.spec?.type),
    description: stringOrNull(entity.metadata.description),
  };
}

/** A string field, or null when absent or not a string. */
export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Sorts summaries by name, then ref, for stable lists. */
export function byName(a: { name: string; entityRef: string }, b: { name: string; entityRef: string }): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.entityRef < b.entityRef ? -1 : a.entityRef > b.entityRef ? 1 : 0;
}
