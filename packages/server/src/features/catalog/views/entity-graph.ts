import type { Entity } from '../model/entity.js';
import { type CatalogReadStore, compoundOf, parseRow } from '../store/catalog-read-store.js';

export interface GraphNode {
  entityRef: string;
  kind: string;
  name: string;
  title?: string;
  /** Set when a relation points at an entity that is not in the catalog. */
  missing?: true;
}

export interface GraphEdge {
  source: string;
  type: string;
  target: string;
}

export interface EntityGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** True when the neighbourhood was larger than the node budget and was cut. */
  truncated: boolean;
}

/** Depth the graph view allows; deeper neighbourhoods of hub groups get unreadable anyway. */
export const MAX_GRAPH_DEPTH = 3;
/** Node budget, so a hub entity at depth 3 cannot pull the whole catalog. */
export const MAX_GRAPH_NODES = 500;

/**
 * The relation neighbourhood of an entity up to `depth` hops, following edges in
 * both directions. Edges are reported once, as declared (source -> type -> target);
 * a target that does not exist still becomes a node, marked `missing`.
 * Returns undefined when the root entity does not exist.
 *
 * @example
 * await entityGraph(readStore, 'component:default/web', 2)
 * // { nodes: [{ entityRef: 'component:default/web', kind: 'Component', name: 'web' }, ...], edges: [...] }
 */
export async function entityGraph(
  readStore: CatalogReadStore,
  rootRef: string,
  depth: number,
): Promise<EntityGraph | undefined> {
  const root = await readStore.findRow(rootRef);
  if (!root) return undefined;
  const hops = Math.min(Math.max(Math.trunc(depth) || 1, 1), MAX_GRAPH_DEPTH);
  const seen = new Set<string>([rootRef]);
  const edges = new Map<string, GraphEdge>();
  let frontier = [rootRef];
  let truncated = false;
  for (let hop = 0; hop < hops && frontier.length > 0 && !truncated; hop++) {
    const next: string[] = [];
    for (const row of await readStore.relationsTouching(frontier)) {
      for (const ref of [row.source_ref, row.target_ref]) {
        if (seen.has(ref)) continue;
        if (seen.size >= MAX_GRAPH_NODES) {
          truncated = true;
          continue;
        }
        seen.add(ref);
        next.push(ref);
      }
      if (seen.has(row.source_ref) && seen.has(row.target_ref)) {
        edges.set(`${row.source_ref}\u0000${row.type}\u0000${row.target_ref}`, {
          source: row.source_ref,
          type: row.type,
          target: row.target_ref,
        });
      }
    }
    frontier = next;
  }
  const rows = await readStore.findRows([...seen]);
  const nodes: GraphNode[] = [...seen].map((ref) => {
    const row = rows.get(ref);
    if (!row) {
      const { kind, name } = compoundOf(ref);
      return { entityRef: ref, kind, name, missing: true };
    }
    const entity: Entity = parseRow(row);
    return {
      entityRef: ref,
      kind: entity.kind,
      name: entity.metadata.name,
      ...(typeof entity.metadata.title === 'string' ? { title: entity.metadata.title } : {}),
    };
  });
  return { nodes, edges: [...edges.values()], truncated };
}
