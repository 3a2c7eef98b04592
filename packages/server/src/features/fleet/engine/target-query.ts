import type { Entity, EntityFilter } from '../../catalog/index.js';
import type { ShiftTargets } from '../model/shift-spec.js';

/** An entity may name its repository explicitly; otherwise the git location it was read from is used. */
export const REPOSITORY_ANNOTATION = 'backbeat.dev/repository';
const MANAGED_BY_LOCATION = 'backstage.io/managed-by-location';

/**
 * The catalog filter of a shift's targets: every field listed must match, any of a
 * field's values will do. Owner and system compare relations, so `playback-squad`
 * and `group:default/playback-squad` select the same components.
 *
 * @example
 * targetFilter({ filter: { kind: ['component'], type: ['service'] }, include: [], exclude: [] })
 */
export function targetFilter(targets: ShiftTargets): EntityFilter {
  const { filter } = targets;
  const all: EntityFilter[] = [condition('kind', filter.kind)];
  if (filter.type?.length) all.push(condition('spec.type', filter.type));
  if (filter.lifecycle?.length) all.push(condition('spec.lifecycle', filter.lifecycle));
  if (filter.tag?.length) all.push(condition('metadata.tags', filter.tag));
  if (filter.owner?.length)
    all.push(
      condition(
        'relations.ownedby',
        filter.owner.map((o) => fullRef(o, 'group')),
      ),
    );
  if (filter.system?.length)
    all.push(
      condition(
        'relations.partof',
        filter.system.map((s) => fullRef(s, 'system')),
      ),
    );
  return { all };
}

function condition(key: string, values: readonly string[]): EntityFilter {
  return { key, match: { in: values.map((v) => v.toLowerCase()) } };
}

/**
 * `name`, `ns/name` or `kind:ns/name` as a full lowercase ref with `defaultKind`.
 *
 * @example
 * fullRef('playback-squad', 'group') // 'group:default/playback-squad'
 */
export function fullRef(ref: string, defaultKind: string): string {
  const lower = ref.trim().toLowerCase();
  const colon = lower.indexOf(':');
  const kind = colon > 0 ? lower.slice(0, colon) : defaultKind;
  const rest = colon > 0 ? lower.slice(colon + 1) : lower;
  return rest.includes('/') ? `${kind}:${rest}` : `${kind}:default/${rest}`;
}

export function entityRefOf(entity: Entity): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
}

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
  return typeof owner === 'string' ? fullRef(owner, 'group') : null;
}
