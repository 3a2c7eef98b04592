import type { Entity } from './entity.js';
import { kindRule } from './kinds.js';
import { canonicalRef, DEFAULT_NAMESPACE } from './refs.js';

/** An outgoing relation of an entity; `targetRef` is canonical (`kind:namespace/name`, lowercased). */
export interface ComputedRelation {
  type: string;
  targetRef: string;
}

/**
 * Backstage's seven well-known relation pairs, both directions: every relation an
 * entity emits towards a target implies the inverse relation from the target back.
 */
export const RELATION_PAIRS: Readonly<Record<string, string>> = {
  ownedBy: 'ownerOf',
  ownerOf: 'ownedBy',
  providesApi: 'apiProvidedBy',
  apiProvidedBy: 'providesApi',
  consumesApi: 'apiConsumedBy',
  apiConsumedBy: 'consumesApi',
  dependsOn: 'dependencyOf',
  dependencyOf: 'dependsOn',
  parentOf: 'childOf',
  childOf: 'parentOf',
  memberOf: 'hasMember',
  hasMember: 'memberOf',
  partOf: 'hasPart',
  hasPart: 'partOf',
};

/**
 * The inverse of a relation type, or undefined for a type outside the known pairs.
 *
 * @example
 * inverseRelation('ownedBy') // 'ownerOf'
 */
export function inverseRelation(type: string): string | undefined {
  return Object.hasOwn(RELATION_PAIRS, type) ? RELATION_PAIRS[type] : undefined;
}

/**
 * The outgoing relations Backstage's built-in kinds processor derives from an
 * entity's spec (e.g. Component `owner` -> `ownedBy` group, `dependsOn` ->
 * `dependsOn`), with the same default kinds per field and the entity's own
 * namespace as default namespace. References that cannot be parsed are skipped:
 * validation reports them. Duplicates are removed; order follows the spec.
 * Custom kinds derive no relations.
 *
 * @example
 * computeRelations({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component',
 *   metadata: { name: 'web' }, spec: { type: 'website', lifecycle: 'production', owner: 'team-a' } })
 * // [{ type: 'ownedBy', targetRef: 'group:default/team-a' }]
 */
export function computeRelations(entity: Entity): ComputedRelation[] {
  const spec = entity.spec;
  const rule = kindRule(entity.kind, spec?.type);
  const out: ComputedRelation[] = [];
  if (!rule || !spec || typeof spec !== 'object') return out;
  const defaultNamespace = entity.metadata.namespace || DEFAULT_NAMESPACE;
  const seen = new Set<string>();

  const add = (type: string, value: unknown, defaultKind: string | undefined): void => {
    if (typeof value !== 'string' || value.length === 0) return;
    const targetRef = canonicalRef(value, { defaultKind, defaultNamespace });
    if (targetRef === undefined) return;
    const key = `${type} ${targetRef}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ type, targetRef });
  };

  for (const name in rule.fields) {
    const field = rule.fields[name]!;
    if (!field.relation) continue;
    const value = spec[name];
    if (value === undefined || value === null) continue;
    const defaultKind = field.ref?.defaultKind;
    if (Array.isArray(value)) {
      for (const item of value) add(field.relation, item, defaultKind);
    } else {
      add(field.relation, value, defaultKind);
    }
  }
  return out;
}
