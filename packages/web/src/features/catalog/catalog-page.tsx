import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { catalogEntityPath, qualifyRef } from '../../app/entity-refs.js';
import { EntityLink } from '../../app/ui/entity-link.js';
import { Pill, TagList } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { useDebounced } from '../../app/use-debounced.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { type Entity, specString, useEntities } from './catalog-api.js';
import { PAGE_SIZE, useCatalogParams } from './catalog-params.js';
import { FacetPanel } from './facet-panel.js';

const SORTABLE = [
  { field: 'metadata.name', label: 'Name' },
  { field: 'kind', label: 'Kind' },
  { field: 'spec.type', label: 'Type' },
  { field: 'spec.owner', label: 'Owner' },
  { field: 'spec.lifecycle', label: 'Lifecycle' },
] as const;

/** The catalog table: facet filters on the side, free-text search, sorting and paging. */
export function CatalogPage() {
  usePageTitle('Catalog');
  const { state, update, toggleFacet } = useCatalogParams();
  const [text, setText] = useState(state.text);
  const debouncedText = useDebounced(text, 250);

  // The URL is the source of truth; typing writes to it once the user pauses. Only
  // typed text is written back, so a search arriving by link is not undone by a stale box.
  const typing = useRef(false);
  useEffect(() => {
    if (!typing.current || debouncedText !== text) return;
    typing.current = false;
    if (debouncedText !== state.text) update({ text: debouncedText });
  }, [debouncedText, text, state.text, update]);
  useEffect(() => setText(state.text), [state.text]);

  const entities = useEntities({
    selection: state.selection,
    text: state.text,
    limit: PAGE_SIZE,
    offset: (state.page - 1) * PAGE_SIZE,
    orderField: `${state.sort},${state.direction}`,
  });
  const total = entities.data?.totalItems ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  const sortBy = (field: string) =>
    update({ sort: field, direction: state.sort === field && state.direction === 'asc' ? 'desc' : 'asc' });

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Catalog</h1>
          <p className="muted">Every component, API, system and team the organisation has described.</p>
        </div>
      </div>
      <div className="with-side-panel">
        <FacetPanel
          selection={state.selection}
          text={state.text}
          onToggle={toggleFacet}
          onClear={() => update({ selection: {} })}
        />
        <section className="card table-card">
          <div className="table-toolbar">
            <input
              type="search"
              className="input"
              placeholder="Filter by name, title or description…"
              aria-label="Filter the catalog"
              data-testid="catalog-filter"
              value={text}
              onChange={(event) => {
                typing.current = true;
                setText(event.target.value);
              }}
            />
            <span className="muted small" data-testid="catalog-total">
              {entities.data ? `${total} ${total === 1 ? 'entity' : 'entities'}` : ''}
            </span>
          </div>
          {entities.isPending && <Loading />}
          {entities.isError && <ErrorState error={entities.error} onRetry={() => entities.refetch()} />}
          {entities.data && entities.data.items.length === 0 && (
            <EmptyState title="No entities match.">
              {state.text || Object.keys(state.selection).length > 0 ? (
                <>Loosen the filters or clear the search.</>
              ) : (
                <>
                  The catalog is empty. <Link to="/locations">Register a location</Link> that holds catalog-info.yaml
                  files.
                </>
              )}
            </EmptyState>
          )}
          {entities.data && entities.data.items.length > 0 && (
            <div className={`table-wrap${entities.isPlaceholderData ? ' is-stale' : ''}`}>
              <table className="table" data-testid="catalog-table">
                <thead>
                  <tr>
                    {SORTABLE.map(({ field, label }) => (
                      <th key={field} aria-sort={ariaSort(state.sort === field, state.direction)}>
                        <button type="button" className="th-sort" onClick={() => sortBy(field)}>
                          {label}
                          <span className="sort-mark">
                            {state.sort === field ? (state.direction === 'asc' ? '▲' : '▼') : ''}
                          </span>
                        </button>
                      </th>
                    ))}
                    <th>Description</th>
                    <th>Tags</th>
                  </tr>
                </thead>
                <tbody>
                  {entities.data.items.map((entity) => (
                    <EntityRow key={entity.metadata.uid ?? rowKey(entity)} entity={entity} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {entities.data && total > PAGE_SIZE && (
            <div className="pager">
              <button
                type="button"
                className="btn btn-small"
                disabled={state.page <= 1}
                onClick={() => update({ page: state.page - 1 })}
              >
                ‹ Previous
              </button>
              <span className="muted small">
                Page {state.page} of {pages}
              </span>
              <button
                type="button"
                className="btn btn-small"
                disabled={state.page >= pages}
                onClick={() => update({ page: state.page + 1 })}
              >
                Next ›
              </button>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

function EntityRow({ entity }: { entity: Entity }) {
  const owner = specString(entity, 'owner');
  return (
    <tr>
      <td className="cell-name">
        <Link
          to={catalogEntityPath({
            kind: entity.kind,
            namespace: entity.metadata.namespace ?? 'default',
            name: entity.metadata.name,
          })}
        >
          {entity.metadata.title || entity.metadata.name}
        </Link>
      </td>
      <td>
        <Pill tone="kind">{entity.kind.toLowerCase()}</Pill>
      </td>
      <td>{specString(entity, 'type') ?? <span className="muted">—</span>}</td>
      <td className="cell-owner">
        {owner ? (
          <EntityLink
            entityRef={qualifyRef(owner, { kind: 'group', namespace: entity.metadata.namespace })}
            defaultKind="group"
          />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>{specString(entity, 'lifecycle') ?? <span className="muted">—</span>}</td>
      <td className="cell-description">
        <span className="clamp-2" title={entity.metadata.description}>
          {entity.metadata.description}
        </span>
      </td>
      <td className="cell-tags">
        <TagList tags={entity.metadata.tags} />
      </td>
    </tr>
  );
}

function rowKey(entity: Entity): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
}

function ariaSort(active: boolean, direction: 'asc' | 'desc'): 'ascending' | 'descending' | undefined {
  if (!active) return undefined;
  return direction === 'asc' ? 'ascending' : 'descending';
}
