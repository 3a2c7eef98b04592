import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { CATALOG_FACETS, type FacetKey, type FacetSelection } from './catalog-api.js';

/** Short URL names for the facets, so a filtered catalog is a readable, shareable link. */
const PARAM_OF: Record<FacetKey, string> = {
  kind: 'kind',
  'spec.type': 'type',
  'spec.owner': 'owner',
  'spec.lifecycle': 'lifecycle',
  'metadata.tags': 'tag',
};

export const PAGE_SIZE = 25;

export interface CatalogParams {
  selection: FacetSelection;
  text: string;
  page: number;
  sort: string;
  direction: 'asc' | 'desc';
}

/** The catalog page's state, kept in the URL. */
export function useCatalogParams() {
  const [params, setParams] = useSearchParams();

  const state = useMemo<CatalogParams>(() => {
    const selection: FacetSelection = {};
    for (const { key } of CATALOG_FACETS) {
      const values = params.getAll(PARAM_OF[key]);
      if (values.length > 0) selection[key] = values;
    }
    const page = Math.max(1, Number(params.get('page')) || 1);
    return {
      selection,
      text: params.get('q') ?? '',
      page,
      sort: params.get('sort') ?? 'metadata.name',
      direction: params.get('dir') === 'desc' ? 'desc' : 'asc',
    };
  }, [params]);

  const update = useCallback(
    (change: Partial<CatalogParams>) => {
      const nextState = { ...state, page: 1, ...change };
      const next = new URLSearchParams();
      if (nextState.text) next.set('q', nextState.text);
      for (const { key } of CATALOG_FACETS) {
        for (const value of nextState.selection[key] ?? []) next.append(PARAM_OF[key], value);
      }
      if (nextState.page > 1) next.set('page', String(nextState.page));
      if (nextState.sort !== 'metadata.name') next.set('sort', nextState.sort);
      if (nextState.direction === 'desc') next.set('dir', 'desc');
      setParams(next, { replace: true });
    },
    [state, setParams],
  );

  const toggleFacet = useCallback(
    (facet: FacetKey, value: string) => {
      const current = state.selection[facet] ?? [];
      const values = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
      update({ selection: { ...state.selection, [facet]: values } });
    },
    [state, update],
  );

  return { state, update, toggleFacet };
}
