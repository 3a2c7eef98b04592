import type { Entity } from '../../catalog/index.js';
import { entityRefOf, normaliseRef } from '../model/entity-ref.js';

export interface GroupNode {
  ref: string;
  name: string;
  title: string;
  /** squad, tribe, department, ... as the catalog says. */
  type: string | null;
  parent: string | null;
  children: string[];
}

/**
 * The organisation as a tree of groups, from the catalog's Group entities
 * (`childOf` relations, or `spec.parent`).
 *
 * @example
 * const tree = buildGroupTree(groups);
 * tree.descendants('group:default/tribe-money') // the tribe and its squads
 */
export function buildGroupTree(groups: readonly Entity[]) {
  const nodes = new Map<string, GroupNode>();
  for (const group of groups) {
    const ref = entityRefOf(group);
    const parentRelation = group.relations?.find((r) => r.type === 'childOf')?.targetRef;
    const parentSpec = typeof group.spec?.parent === 'string' ? normaliseRef(group.spec.parent, 'group') : undefined;
    nodes.set(ref, {
      ref,
      name: group.metadata.name,
      title: group.metadata.title ?? group.metadata.name,
      type: typeof group.spec?.type === 'string' ? group.spec.type : null,
      parent: (parentRelation ?? parentSpec)?.toLowerCase() ?? null,
      children: [],
    });
  }
  for (const node of nodes.values()) {
    if (node.parent) nodes.get(node.parent)?.children.push(node.ref);
  }
  return {
    get: (ref: string) => nodes.get(ref),
    all: () => [...nodes.values()],
    /** The group and every group below it (cycles are cut). */
    descendants(ref: string): Set<string> {
      const out = new Set<string>();
      const stack = [ref];
      while (stack.length > 0) {
        const current = stack.pop()!;
        if (out.has(current)) continue;
        out.add(current);
        for (const child of nodes.get(current)?.children ?? []) stack.push(child);
      }
      return out;
    },
  };
}

export type GroupTree = ReturnType<typeof buildGroupTree>;
