import { Fragment, useState } from 'react';
import { errorMessage } from '../../app/api-client.js';
import { EntityLink } from '../../app/ui/entity-link.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { formatWhere } from '../catalog/entity-errors.js';
import {
  isBusy,
  type LocationStatus,
  useDeleteLocation,
  useLocationErrors,
  useLocations,
  useRefreshLocation,
} from './locations-api.js';
import { RegisterLocationForm } from './register-location-form.js';

/** Every registered location with its last refresh, plus the register form. */
export function LocationsPage() {
  usePageTitle('Locations');
  const locations = useLocations();
  const [showForm, setShowForm] = useState(false);
  const refresh = useRefreshLocation();
  const remove = useDeleteLocation();
  const actionError = refresh.error ?? remove.error;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Locations</h1>
          <p className="muted">The git repositories the catalog reads, and how their last refresh went.</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setShowForm((s) => !s)}>
          {showForm ? 'Close' : 'Register a location'}
        </button>
      </div>
      {showForm && <RegisterLocationForm onDone={() => setShowForm(false)} />}
      {actionError && (
        <div className="state state-error" role="alert">
          {errorMessage(actionError)}
        </div>
      )}
      <section className="card table-card">
        {locations.isPending && <Loading />}
        {locations.isError && <ErrorState error={locations.error} onRetry={() => locations.refetch()} />}
        {locations.data?.length === 0 && (
          <EmptyState title="No locations registered.">
            Register a git repository that holds catalog-info.yaml files to fill the catalog.
          </EmptyState>
        )}
        {locations.data && locations.data.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="locations-table">
              <thead>
                <tr>
                  <th aria-label="Expand" />
                  <th>Target</th>
                  <th>State</th>
                  <th>Last refresh</th>
                  <th>Commit</th>
                  <th className="num">Entities</th>
                  <th className="num">Errors</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {locations.data.map((location) => (
                  <LocationRow
                    key={location.id}
                    location={location}
                    onRefresh={() => refresh.mutate(location.id)}
                    refreshing={refresh.isPending && refresh.variables === location.id}
                    onDelete={() => {
                      if (window.confirm(`Delete the location ${location.target}? Its entities leave the catalog.`)) {
                        remove.mutate(location.id);
                      }
                    }}
                    deleting={remove.isPending && remove.variables === location.id}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function LocationRow(props: {
  location: LocationStatus;
  onRefresh: () => void;
  refreshing: boolean;
  onDelete: () => void;
  deleting: boolean;
}) {
  const { location } = props;
  const [open, setOpen] = useState(false);
  const expandable = location.errorCount > 0 || Boolean(location.lastError);
  const options = [location.options?.ref && `ref ${location.options.ref}`, location.options?.path]
    .filter(Boolean)
    .join(' · ');

  return (
    <Fragment>
      <tr className={open ? 'row-open' : undefined} data-testid="location-row">
        <td>
          {expandable && (
            <button
              type="button"
              className="tree-toggle"
              aria-expanded={open}
              aria-label={open ? 'Hide errors' : 'Show errors'}
              onClick={() => setOpen((o) => !o)}
            >
              {open ? '▾' : '▸'}
            </button>
          )}
        </td>
        <td className="cell-target">
          <span className="break" title={location.target}>
            {location.parentLocationId && <span className="muted">↳ </span>}
            {shortTarget(location.target)}
          </span>
          {options && <div className="muted small">{options}</div>}
        </td>
        <td>
          <StateBadge location={location} />
        </td>
        <td data-testid="location-last-refresh">
          <Time iso={location.lastRefreshAt} />
          {location.lastRefreshMs != null && <div className="muted small">{formatMs(location.lastRefreshMs)}</div>}
        </td>
        <td>
          {location.lastCommit ? <code title={location.lastCommit}>{location.lastCommit.slice(0, 8)}</code> : '—'}
        </td>
        <td className="num">{location.entityCount}</td>
        <td className="num">
          {location.errorCount > 0 ? (
            <Pill tone="danger">{location.errorCount}</Pill>
          ) : (
            <span className="muted">0</span>
          )}
        </td>
        <td className="actions">
          <button type="button" className="btn btn-small" disabled={props.refreshing} onClick={props.onRefresh}>
            {props.refreshing ? 'Queuing…' : 'Refresh'}
          </button>
          <button type="button" className="btn btn-small btn-danger" disabled={props.deleting} onClick={props.onDelete}>
            Delete
          </button>
        </td>
      </tr>
      {open && (
        <tr className="row-detail">
          <td />
          <td colSpan={7}>
            {location.lastError && (
              <div className="state state-error">
                <strong>Last refresh failed:</strong> {location.lastError}
              </div>
            )}
            {location.errorCount > 0 && <LocationErrors id={location.id} />}
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function LocationErrors({ id }: { id: string }) {
  const errors = useLocationErrors(id, true);
  if (errors.isPending) return <Loading label="Loading errors…" />;
  if (errors.isError) return <ErrorState error={errors.error} onRetry={() => errors.refetch()} />;
  if (errors.data.length === 0) return <p className="muted">No errors at the last refresh.</p>;
  return (
    <table className="table table-compact" data-testid="location-errors">
      <thead>
        <tr>
          <th>Level</th>
          <th>Where</th>
          <th>Entity</th>
          <th>Field</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {errors.data.map((error, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: errors have no identity; the list is replaced whole
          <tr key={index}>
            <td>
              <Pill tone={error.level === 'error' ? 'danger' : 'warn'}>{error.level}</Pill>
            </td>
            <td className="small">
              <code>{formatWhere(error)}</code>
            </td>
            <td>{error.entityRef ? <EntityLink entityRef={error.entityRef} /> : <span className="muted">—</span>}</td>
            <td>{error.field ? <code>{error.field}</code> : <span className="muted">—</span>}</td>
            <td>{error.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StateBadge({ location }: { location: LocationStatus }) {
  const state = (location.refreshState ?? 'unknown').toLowerCase();
  const tone =
    location.lastError || state === 'failed'
      ? 'danger'
      : isBusy(state)
        ? 'info'
        : location.lastRefreshAt
          ? 'ok'
          : 'neutral';
  return <Pill tone={tone}>{state}</Pill>;
}

/** Long local paths and URLs read best from their end. */
function shortTarget(target: string): string {
  return target.length > 64 ? `…${target.slice(-63)}` : target;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
