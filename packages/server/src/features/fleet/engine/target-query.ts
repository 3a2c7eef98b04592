import type { Entity, EntityFilter } from '../../catalog/index.js';

import type { ShiftTargets } from '../model/shift-spec.js';

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
