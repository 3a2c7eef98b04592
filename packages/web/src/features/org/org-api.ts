import { useQuery } from '@tanstack/react-query';
import { api } from '../../app/api-client.js';
import type { Entity } from '../catalog/catalog-api.js';

/** A short description of an entity, as the org views return it. */
export interface Summary {
  entityRef: string;
  kind: string;
  name: string;
  title?: string | null;
  type?: string | null;
  description?: string | null;
}

export interface GroupView {
  group: Entity;
  parent: Summary | null;
  ancestors: Summary[];
  children: Summary[];
  members: Summary[];
  owned: Summary[];
  ownedByDescendants: number;
}

export interface OrgTreeItem {
  entityRef: string;
  name: string;
  title?: string | null;
  type?: string | null;
  parentRef?: string | null;
  memberCount: number;
  ownedCount: number;
}

export function useOrgTree() {
  return useQuery({
    queryKey: ['org', 'tree'],
    queryFn: async () => (await api.get<{ items: OrgTreeItem[] }>('/api/catalog/org/tree')).items,
  });
}

export function useGroupView(namespace: string, name: string) {
  return useQuery({
    queryKey: ['org', 'group', namespace, name],
    queryFn: () =>
      api.get<GroupView>(`/api/catalog/org/groups/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`),
  });
}

export interface OrgTreeNode extends OrgTreeItem {
  children: OrgTreeNode[];
}

/** Group types kept outside the reporting line: they cut across it. */
export const CROSS_CUTTING_TYPES = ['chapter', 'guild'];

/**
 * The reporting line (department > tribe > squad) as a forest, plus the
 * cross-cutting groups (chapters, guilds) set apart.
 *
 * @example
 * const { roots, crossCutting } = buildOrgForest(items);
 */
export function buildOrgForest(items: OrgTreeItem[]): { roots: OrgTreeNode[]; crossCutting: OrgTreeItem[] } {
  const crossCutting = items.filter((item) => CROSS_CUTTING_TYPES.includes((item.type ?? '').toLowerCase()));
  const line = items.filter((item) => !crossCutting.includes(item));
  const nodes = new Map<string, OrgTreeNode>(line.map((item) => [item.entityRef, { ...item, children: [] }]));
  const roots: OrgTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentRef ? nodes.get(node.parentRef) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byTitle = (a: OrgTreeItem, b: OrgTreeItem) => (a.title || a.name).localeCompare(b.title || b.name);
  const sortDeep = (list: OrgTreeNode[]) => {
    list.sort(byTitle);
    for (const node of list) sortDeep(node.children);
  };
  sortDeep(roots);
  crossCutting.sort((a, b) => (a.type ?? '').localeCompare(b.type ?? '') || byTitle(a, b));
  return { roots, crossCutting };
}
