import { useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../../app/api-client.js';
import { EntityLink } from '../../app/ui/entity-link.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { useDebounced } from '../../app/use-debounced.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { BurndownChart } from './burndown-chart.js';
import {
  fleetRoutes,
  type ShiftDetail,
  TARGET_STATES,
  type TargetFilter,
  type TargetRow,
  useRetryTargets,
  useShift,
  useShiftAction,
  useTargets,
} from './fleet-api.js';
import {
  checksTone,
  failedCount,
  formatDiffStats,
  lastLine,
  orderedTotals,
  ownersOf,
  repositoryName,
  shiftStateTone,
  targetStateTone,
} from './fleet-model.js';
import { ProgressBar } from './progress-bar.js';
import './fleet.css';

/** One shift: state and controls, totals, burndown, and every target with filters. */
export function ShiftPage() {
  const name = useParams().name ?? '';
  usePageTitle(name);
  const shift = useShift(name);

  if (shift.isPending) return <Loading />;
  if (shift.isError) {
    if (shift.error instanceof ApiError && shift.error.status === 404) {
      return (
        <EmptyState title={`No shift named "${name}".`}>
          <Link to={fleetRoutes.shifts()}>Back to every shift</Link>
        </EmptyState>
      );
    }
    return <ErrorState error={shift.error} onRetry={() => shift.refetch()} />;
  }
  return <ShiftView key={shift.data.name} shift={shift.data} />;
}

function ShiftView({ shift }: { shift: ShiftDetail }) {
  const action = useShiftAction(shift.name);
  const retry = useRetryTargets(shift.name);
  const failed = failedCount(shift.totals);
  const [search, setSearch] = useSearchParams();
  const filter: TargetFilter = {
    state: search.get('state') ?? undefined,
    owner: search.get('owner') ?? undefined,
  };
  const setParam = (key: string, value: string | undefined) =>
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  return (
    <div className="page">
      <div className="breadcrumb">
        <Link to={fleetRoutes.shifts()}>Fleet</Link>
        <span>/</span>
        <span>{shift.name}</span>
      </div>
      <div className="page-head">
        <div>
          <h1 data-testid="shift-title">{shift.name}</h1>
          {shift.description && <p className="muted">{shift.description}</p>}
          <div className="pill-row">
            <span data-testid="shift-state">
              <Pill tone={shiftStateTone(shift.state)}>{shift.state}</Pill>
            </span>
            {shift.preview && <Pill tone="warn">preview: nothing is published</Pill>}
            {shift.rateLimitedUntil && (
              <Pill tone="warn">
                rate-limited until {new Date(shift.rateLimitedUntil).toISOString().slice(11, 16)} UTC
              </Pill>
            )}
            <span className="muted small">
              owned by <EntityLink entityRef={shift.owner} defaultKind="group" /> · applied by {shift.appliedBy} ·
              updated <Time iso={shift.updatedAt} />
            </span>
          </div>
        </div>
        <div className="form-actions">
          {shift.state === 'active' && (
            <button type="button" className="btn" disabled={action.isPending} onClick={() => action.mutate('pause')}>
              Pause
            </button>
          )}
          {shift.state === 'paused' && (
            <button type="button" className="btn" disabled={action.isPending} onClick={() => action.mutate('resume')}>
              Resume
            </button>
          )}
          {shift.state !== 'closed' && (
            <button
              type="button"
              className="btn btn-danger"
              disabled={action.isPending}
              onClick={() => {
                if (window.confirm(`Close the shift ${shift.name}? Its open change requests are closed unmerged.`)) {
                  action.mutate('close');
                }
              }}
            >
              Close shift
            </button>
          )}
        </div>
      </div>
      {(action.error ?? retry.error) && (
        <div className="state state-error" role="alert">
          {errorMessage(action.error ?? retry.error)}
        </div>
      )}

      {shift.warnings && shift.warnings.length > 0 && (
        <div className="state state-empty" data-testid="shift-warnings">
          <strong>
            {shift.warnings.length} selected {shift.warnings.length === 1 ? 'entity' : 'entities'} could not become
            targets:
          </strong>
          <ul className="problem-list">
            {shift.warnings.slice(0, 20).map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
            {shift.warnings.length > 20 && <li>…and {shift.warnings.length - 20} more</li>}
          </ul>
        </div>
      )}
      <section className="card">
        <div className="card-head">
          <h2>Progress</h2>
          <div style={{ minWidth: 240 }}>
            <ProgressBar merged={shift.merged} total={shift.total} />
          </div>
        </div>
        <div className="fleet-totals" data-testid="shift-totals">
          {orderedTotals(shift.totals).map(([state, count]) => (
            <button
              type="button"
              key={state}
              className="fleet-total btn-ghost"
              style={{ cursor: 'pointer' }}
              aria-pressed={filter.state === state}
              title={`Show only ${state} targets`}
              onClick={() => setParam('state', filter.state === state ? undefined : state)}
            >
              <Pill tone={targetStateTone(state)}>{state}</Pill>
              <strong>{count}</strong>
            </button>
          ))}
          {shift.total === 0 && <span className="muted">No targets yet.</span>}
        </div>
        <div style={{ marginTop: 16 }}>
          <BurndownChart points={shift.burndown} />
        </div>
      </section>

      <TargetsTable
        shift={shift}
        filter={filter}
        onFilter={setParam}
        failed={failed}
        retrying={retry.isPending}
        retried={retry.data?.retried}
        onRetryFailed={() => retry.mutate(undefined)}
      />

      <details className="card">
        <summary>
          <strong>Spec</strong>
        </summary>
        <pre className="code" style={{ marginTop: 12 }} data-testid="shift-spec">
          {shift.specYaml}
        </pre>
      </details>
    </div>
  );
}

function TargetsTable(props: {
  shift: ShiftDetail;
  filter: TargetFilter;
  onFilter: (key: string, value: string | undefined) => void;
  failed: number;
  retrying: boolean;
  retried: number | undefined;
  onRetryFailed: () => void;
}) {
  const { shift, filter } = props;
  const [text, setText] = useState('');
  const q = useDebounced(text, 250);
  const targets = useTargets(shift.name, { ...filter, q }, shift.state);
  const rows = targets.data?.pages.flatMap((page) => page.items);
  const total = targets.data?.pages[0]?.total ?? 0;
  // Owners seen in any answer so far: a filtered list would otherwise shrink its own choices.
  const seenOwners = useRef(new Set<string>());
  for (const owner of ownersOf(rows ?? [])) seenOwners.current.add(owner);
  if (filter.owner) seenOwners.current.add(filter.owner);
  const owners = [...seenOwners.current].sort();

  return (
    <section className="card table-card">
      <div className="table-toolbar">
        <input
          type="search"
          className="input"
          placeholder="Filter by repository or component…"
          aria-label="Filter targets"
          data-testid="target-filter"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <select
          className="fleet-select"
          aria-label="State"
          data-testid="target-state-filter"
          value={filter.state ?? ''}
          onChange={(event) => props.onFilter('state', event.target.value || undefined)}
        >
          <option value="">Every state</option>
          {TARGET_STATES.map((state) => (
            <option key={state} value={state}>
              {state}
            </option>
          ))}
        </select>
        <select
          className="fleet-select"
          aria-label="Owner"
          data-testid="target-owner-filter"
          value={filter.owner ?? ''}
          onChange={(event) => props.onFilter('owner', event.target.value || undefined)}
        >
          <option value="">Every owner</option>
          {owners.map((owner) => (
            <option key={owner} value={owner}>
              {owner}
            </option>
          ))}
        </select>
        <span className="muted small" data-testid="target-count">
          {rows ? targetCount(rows.length, total) : ''}
        </span>
        <span style={{ flex: 1 }} />
        {props.retried !== undefined && <span className="muted small">Retrying {props.retried}.</span>}
        <button
          type="button"
          className="btn btn-small"
          disabled={props.failed === 0 || props.retrying || shift.state === 'closed'}
          onClick={props.onRetryFailed}
        >
          Retry failed ({props.failed})
        </button>
      </div>
      {targets.isPending && <Loading />}
      {targets.isError && <ErrorState error={targets.error} onRetry={() => targets.refetch()} />}
      {rows && rows.length === 0 && (
        <EmptyState title="No targets match.">
          {filter.state || filter.owner || q ? 'Loosen the filters.' : 'The target query has found nothing yet.'}
        </EmptyState>
      )}
      {rows && rows.length > 0 && (
        <div className={`table-wrap${targets.isPlaceholderData ? ' is-stale' : ''}`}>
          <table className="table" data-testid="targets-table">
            <thead>
              <tr>
                <th>Repository</th>
                <th>State</th>
                <th>Checks</th>
                <th>Owner</th>
                <th>Branch</th>
                <th>Diff</th>
                <th className="num">Attempts</th>
                <th>Last log</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((target) => (
                <TargetTableRow key={target.id} shiftName={shift.name} target={target} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {targets.hasNextPage && (
        <div className="pager">
          <button
            type="button"
            className="btn btn-small"
            data-testid="targets-more"
            disabled={targets.isFetchingNextPage}
            onClick={() => targets.fetchNextPage()}
          >
            {targets.isFetchingNextPage ? 'Loading…' : `Show more (${total - (rows?.length ?? 0)} left)`}
          </button>
        </div>
      )}
    </section>
  );
}

/** "12 targets", or "200 of 1000 targets" while pages are left to show. */
function targetCount(shown: number, total: number): string {
  const noun = total === 1 ? 'target' : 'targets';
  return shown < total ? `${shown} of ${total} ${noun}` : `${total} ${noun}`;
}

function TargetTableRow({ shiftName, target }: { shiftName: string; target: TargetRow }) {
  const log = target.error ?? lastLine(target.lastLog);
  return (
    <tr data-testid="target-row" data-state={target.state}>
      <td className="cell-name">
        <Link to={fleetRoutes.target(shiftName, target.id)} title={target.repository}>
          {repositoryName(target.repository)}
        </Link>
        <div className="muted small">
          {target.entityRef}
          {target.wave === 'canary' && (
            <>
              {' '}
              <Pill tone="warn">canary</Pill>
            </>
          )}
        </div>
      </td>
      <td>
        <Pill tone={targetStateTone(target.state)}>{target.state}</Pill>
      </td>
      <td>
        {target.checks === 'none' ? (
          <span className="muted">—</span>
        ) : (
          <Pill tone={checksTone(target.checks)}>{target.checks}</Pill>
        )}
      </td>
      <td className="cell-owner">
        {target.owner ? <EntityLink entityRef={target.owner} defaultKind="group" /> : <span className="muted">—</span>}
      </td>
      <td>{target.branch ? <code className="small">{target.branch}</code> : <span className="muted">—</span>}</td>
      <td className="small nowrap">{formatDiffStats(target.diffStats) || <span className="muted">—</span>}</td>
      <td className="num">{target.attempts}</td>
      <td>
        <div className={`fleet-log${target.error ? ' error-text' : ''}`} title={target.error ?? target.lastLog}>
          {log || '—'}
        </div>
      </td>
      <td className="nowrap">
        <Time iso={target.updatedAt} />
      </td>
    </tr>
  );
}
