import type { Entity } from '../model/entity.js';
import { type CatalogReadStore, groupRelations, parseRow, type RelationRow } from '../store/catalog-read-store.js';
import { byName, type EntitySummary, stringOrNull, summarize } from './entity-summary.js';

export interface OrgGroupView {
  group: Entity;
  parent: EntitySummary | null;
  /** From the root of the hierarchy down to the direct parent. */
  ancestors: EntitySummary[];
  children: EntitySummary[];
  /** Users who are members (declared by the user's `memberOf` or the group's `members`). */
  members: EntitySummary[];
  /** Entities owned by this group. */
  owned: EntitySummary[];
  /** Entities owned by groups below this one, at any depth. */
  ownedByDescendants: number;
}

export interface OrgTreeItem {
  entityRef: string;
  name: string;
  title: string | null;
  type: string | null;
  parentRef: string | null;
  memberCount: number;
  ownedCount: number;
}

/** Deep enough for any real org chart; stops runaway walks through a cycle of parents. */
const MAX_ORG_DEPTH = 50;

/**
 * The org page of one group: the group, its place in the hierarchy, its people
 * and what it owns. Relations count in either declared direction (a child naming
 * its parent, or a parent listing its children). Undefined when the group does
 * not exist.
 *
 * @example
 * await orgGroupView(readStore, 'group:default/payments')
 */
export async function orgGroupView(readStore: CatalogReadStore, groupRef: string): Promise<OrgGroupView | undefined> {
  const group = await readStore.getEntityByRef(groupRef);
  if (group?.kind.toLowerCase() !== 'group') return undefined;
  const related = (type: string): string[] =>
    (group.relations ?? []).filter((r) => r.type === type).map((r) => r.targetRef);

  const ancestorRefs: string[] = [];
  const visited = new Set([groupRef]);
  let current = related('childOf')[0];
  while (current && !visited.has(current) && ancestorRefs.length < MAX_ORG_DEPTH) {
    visited.add(current);
    ancestorRefs.push(current);
    const relations = groupRelations([current], await readStore.relationsTouching([current])).get(current) ?? [];
    current = relations.find((r) => r.type === 'childOf')?.targetRef;
  }

  const descendants = await descendantsOf(readStore, groupRef);
  const ownedByDescendants = new Set<string>();
  if (descendants.length > 0) {
    const relations = groupRelations(descendants, await readStore.relationsTouching(descendants));
    for (const ref of descendants) {
      for (const r of relations.get(ref) ?? []) if (r.type === 'ownerOf') ownedByDescendants.add(r.targetRef);
    }
  }

  const summaries = await summariesOf(readStore, [
    ...ancestorRefs,
    ...related('parentOf'),
    ...related('hasMember'),
    ...related('ownerOf'),
  ]);
  const pick = (refs: string[], kind?: string): EntitySummary[] =>
    refs
      .map((ref) => summaries.get(ref))
      .filter((s): s is EntitySummary => s !== undefined && (!kind || s.kind.toLowerCase() === kind));
  const ancestorsNearestFirst = pick(ancestorRefs, 'group');
  return {
    group,
    parent: ancestorsNearestFirst[0] ?? null,
    ancestors: [...ancestorsNearestFirst].reverse(),
    children: pick(related('parentOf'), 'group').sort(byName),
    members: pick(related('hasMember'), 'user').sort(byName),
    owned: pick(related('ownerOf')).sort(byName),
    ownedByDescendants: ownedByDescendants.size,
  };
}

/**
 * Every group with its parent and how many members and owned entities it has,
 * for the org tree. Sorted by name.
 *
 * @example
 * await orgTree(readStore) // { items: [{ entityRef: 'group:default/music', parentRef: null, memberCount: 3, ... }] }
 */
export async function orgTree(readStore: CatalogReadStore): Promise<{ items: OrgTreeItem[] }> {
  const groupRefs = await readStore.refsOfKind('group');
  const rows = await readStore.findRows(groupRefs);
  const [hierarchy, members, owned] = await Promise.all([
    readStore.relationsOfTypes(['childOf', 'parentOf']),
    readStore.countRelated('memberOf', 'hasMember'),
    readStore.countRelated('ownedBy', 'ownerOf'),
  ]);
  const parents = new Map<string, string>();
  for (const r of hierarchy) {
    if (r.type === 'childOf' && !parents.has(r.source_ref)) parents.set(r.source_ref, r.target_ref);
    else if (r.type === 'parentOf' && !parents.has(r.target_ref)) parents.set(r.target_ref, r.source_ref);
  }
  const items: OrgTreeItem[] = [];
  for (const row of rows.values()) {
    const entity = parseRow(row);
    items.push({
      entityRef: row.entity_ref,
      name: entity.metadata.name,
      title: stringOrNull(entity.metadata.title),
      type: stringOrNull(entity.spec?.type),
      parentRef: parents.get(row.entity_ref) ?? null,
      memberCount: members.get(row.entity_ref) ?? 0,
      ownedCount: owned.get(row.entity_ref) ?? 0,
    });
  }
  return { items: items.sort(byName) };
}

async function descendantsOf(readStore: CatalogReadStore, groupRef: string): Promise<string[]> {
  const found = new Set<string>([groupRef]);
  let frontier = [groupRef];
  for (let depth = 0; depth < MAX_ORG_DEPTH && frontier.length > 0; depth++) {
    const rows: RelationRow[] = await readStore.relationsTouching(frontier);
    const inFrontier = new Set(frontier);
    const next: string[] = [];
    for (const r of rows) {
      const child =
        r.type === 'parentOf' && inFrontier.has(r.source_ref)
          ? r.target_ref
          : r.type === 'childOf' && inFrontier.has(r.target_ref)
            ? r.source_ref
            : undefined;
      if (child && !found.has(child)) {
        found.add(child);
        next.push(child);
      }
    }
    frontier = next;
  }
  found.delete(groupRef);
  return [...found];
}

async function summariesOf(readStore: CatalogReadStore, refs: string[]): Promise<Map<string, EntitySummary>> {
  const rows = await readStore.findRows(refs);
  const out = new Map<string, EntitySummary>();
  for (const [ref, row] of rows) out.set(ref, summarize(parseRow(row)));
  return out;
}
