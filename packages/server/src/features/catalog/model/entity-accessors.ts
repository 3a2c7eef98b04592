import type { Entity } from './entity.js';
import { canonicalRef } from './refs.js';

/** An entity may name its repository explicitly; otherwise the git location it was read from is used. */
export const REPOSITORY_ANNOTATION = 'backbeat.dev/repository';
const MANAGED_BY_LOCATION = 'backstage.io/managed-by-location';

/**
 * The git repository a component lives in: the `backbeat.dev/repository`
 * annotation, else the git location its descriptor was read from. Undefined when
 * neither exists (e.g. an entity registered from a single URL).
 *
 * @example
 * repositoryOf(entity) // '/srv/git/playback-api' or 'https://git.example.com/org/web.git'
 */
export function repositoryOf(entity: Entity): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const explicit = annotations[REPOSITORY_ANNOTATION];
  if (explicit) return explicit;
  const managedBy = annotations[MANAGED_BY_LOCATION];
  if (managedBy?.startsWith('git:')) return managedBy.slice('git:'.length);
  return undefined;
}

/** The group ref that owns an entity, from its ownedBy relation. */
export function ownerOf(entity: Entity): string | null {
  const relation = entity.relations?.find((r) => r.type === 'ownedBy');
  if (relation) return relation.targetRef;
  const owner = entity.spec?.owner;
  return typeof owner === 'string' ? (canonicalRef(owner, { defaultKind: 'group' }) ?? null) : null;
}
