import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, apiUrl } from '../../app/api-client.js';

export interface EntityLinkInfo {
  url: string;
  title?: string;
  icon?: string;
  type?: string;
}

/** The Backstage entity envelope, as the catalog API serves it. */
export interface Entity {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    title?: string;
    description?: string;
    tags?: string[];
    links?: EntityLinkInfo[];
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    uid?: string;
  };
  spec?: Record<string, unknown>;
  relations?: { type: string; targetRef: string }[];
}

export interface EntityPage {
  items: Entity[];
  totalItems: number;
  pageInfo: { nextCursor?: string; prevCursor?: string };
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchHit {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string | null;
  description?: string | null;
  type?: string | null;
  owner?: string | null;
}

export interface GraphNode {
  entityRef: string;
  kind: string;
  name: string;
  title?: string | null;
  missing?: boolean;
}

export interface GraphEdge {
  source: string;
  type: string;
  target: string;
}

export interface EntityGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface EntityError {
  level: string;
  message: string;
  field?: string | null;
  filePath?: string | null;
  line?: number | null;
  column?: number | null;
  source?: string | null;
}

/** The facets the catalog page filters by, in display order. */
export const CATALOG_FACETS = [
  { key: 'kind', label: 'Kind' },
  { key: 'spec.type', label: 'Type' },
  { key: 'spec.owner', label: 'Owner' },
  { key: 'spec.lifecycle', label: 'Lifecycle' },
  { key: 'metadata.tags', label: 'Tag' },
] as const;

export type FacetKey = (typeof CATALOG_FACETS)[number]['key'];
export type FacetSelection = Partial<Record<FacetKey, string[]>>;

/**
 * One Backstage filter set: conditions joined by commas are ANDed, repeated keys
 * match any of their values.
 *
 * @example
 * toFilter({ kind: ['component'], 'spec.type': ['service'] }); // 'kind=component,spec.type=service'
 */
export function toFilter(selection: FacetSelection, except?: FacetKey): string | undefined {
  const parts: string[] = [];
  for (const { key } of CATALOG_FACETS) {
    if (key === except) continue;
    for (const value of selection[key] ?? []) parts.push(`${key}=${value}`);
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

export function useEntities(input: {
  selection: FacetSelection;
  text: string;
  limit: number;
  offset: number;
  orderField: string;
}) {
  return useQuery({
    queryKey: ['catalog', 'entities', input],
    queryFn: () =>
      api.get<EntityPage>(
        apiUrl('/api/catalog/entities/by-query', {
          filter: toFilter(input.selection),
          limit: input.limit,
          offset: input.offset,
          orderField: input.orderField,
          fullTextFilterTerm: input.text.trim(),
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** Counts for one facet, under every filter except its own (so siblings stay selectable). */
export function useFacet(facet: FacetKey, selection: FacetSelection, text: string) {
  const filter = toFilter(selection, facet);
  return useQuery({
    queryKey: ['catalog', 'facets', facet, filter ?? '', text],
    queryFn: async () => {
      const result = await api.get<{ facets: Record<string, FacetCount[]> }>(
        apiUrl('/api/catalog/entity-facets', { facet, filter, fullTextFilterTerm: text.trim() }),
      );
      return result.facets[facet] ?? [];
    },
    placeholderData: keepPreviousData,
  });
}

export function entityApiPath(kind: string, namespace: string, name: string): string {
  return `/api/catalog/entities/by-name/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export function useEntity(kind: string, namespace: string, name: string) {
  return useQuery({
    queryKey: ['catalog', 'entity', kind, namespace, name],
    queryFn: () => api.get<Entity>(entityApiPath(kind, namespace, name)),
  });
}

export function useEntityGraph(kind: string, namespace: string, name: string, depth = 1) {
  return useQuery({
    queryKey: ['catalog', 'graph', kind, namespace, name, depth],
    queryFn: () => api.get<EntityGraph>(`${entityApiPath(kind, namespace, name)}/graph?depth=${depth}`),
  });
}

export function useEntityErrors(kind: string, namespace: string, name: string) {
  return useQuery({
    queryKey: ['catalog', 'errors', kind, namespace, name],
    queryFn: async () =>
      (await api.get<{ items: EntityError[] }>(`${entityApiPath(kind, namespace, name)}/errors`)).items,
  });
}

export function useEntityYaml(kind: string, namespace: string, name: string) {
  return useQuery({
    queryKey: ['catalog', 'yaml', kind, namespace, name],
    queryFn: () => api.text(`${entityApiPath(kind, namespace, name)}/yaml`),
  });
}

export function useCatalogSearch(q: string, limit = 8) {
  const term = q.trim();
  return useQuery({
    queryKey: ['catalog', 'search', term, limit],
    queryFn: async () =>
      (await api.get<{ items: SearchHit[] }>(apiUrl('/api/catalog/search', { q: term, limit }))).items,
    enabled: term.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** A string field of an entity's spec, or undefined. */
export function specString(entity: Entity, field: string): string | undefined {
  const value = entity.spec?.[field];
  return typeof value === 'string' ? value : undefined;
}

export function entityRefOf(entity: Entity): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
}
