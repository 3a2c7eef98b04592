import { Link, useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../../app/api-client.js';
import { EntityLink } from '../../app/ui/entity-link.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { DiffView } from './diff-view.js';
import { fleetRoutes, type TargetDetail, useMergeTarget, useShift, useTarget } from './fleet-api.js';
import { checksTone, formatDiffStats, repositoryName, targetStateTone } from './fleet-model.js';
import './fleet.css';

/**
 * The change request of one target: title and body, owner, state history, checks
 * and their log, the diff, and the merge button.
 */
export function TargetPage() {
  const params = useParams();
  const name = params.name ?? '';
  const id = params.id ?? '';
  const shift = useShift(name);
  const target = useTarget(name, id, shift.data?.state);
  usePageTitle(target.data ? `${repositoryName(target.data.repository)} · ${name}` : name);

  const crumbs = (
    <div className="breadcrumb">
      <Link to={fleetRoutes.shifts()}>Fleet</Link>
      <span>/</span>
      <Link to={fleetRoutes.shift(name)}>{name}</Link>
      <span>/</span>
      <span>{target.data ? repositoryName(target.data.repository) : id}</span>
    </div>
  );
  if (target.isPending) return <Loading />;
  if (target.isError) {
    return (
      <div className="page">
        {crumbs}
        {target.error instanceof ApiError && target.error.status === 404 ? (
          <EmptyState title="No such target in this shift.">
            <Link to={fleetRoutes.shift(name)}>Back to the shift</Link>
          </EmptyState>
        ) : (
          <ErrorState error={target.error} onRetry={() => target.refetch()} />
        )}
      </div>
    );
  }
  return (
    <div className="page">
      {crumbs}
      <TargetView shiftName={name} target={target.data} />
    </div>
  );
}

function TargetView({ shiftName, target }: { shiftName: string; target: TargetDetail }) {
  const merge = useMergeTarget(shiftName, target.id);
  return (
    <>
      <div className="page-head">
        <div>
          <h1 data-testid="target-title">{target.title || repositoryName(target.repository)}</h1>
          <div className="pill-row">
            <span data-testid="target-state">
              <Pill tone={targetStateTone(target.state)}>{target.state}</Pill>
            </span>
            {target.checks !== 'none' && <Pill tone={checksTone(target.checks)}>checks {target.checks}</Pill>}
            {target.wave === 'canary' && <Pill tone="warn">canary</Pill>}
            {target.labels?.map((label) => (
              <Pill key={label} tone="kind">
                {label}
              </Pill>
            ))}
            <span className="muted small">
              {target.branch ? (
                <>
                  <code>{target.branch}</code> into <code>{target.baseBranch ?? 'the default branch'}</code> ·{' '}
                </>
              ) : null}
              {formatDiffStats(target.diffStats)}
            </span>
          </div>
        </div>
        <div className="form-actions" style={{ flexDirection: 'column', alignItems: 'flex-end' }}>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!target.mergeable || merge.isPending}
            title={target.mergeable ? undefined : target.mergeBlockedReason}
            onClick={() => merge.mutate()}
            data-testid="merge-button"
          >
            {merge.isPending ? 'Merging…' : target.state === 'merged' ? 'Merged' : 'Merge'}
          </button>
          {!target.mergeable && target.mergeBlockedReason && target.state !== 'merged' && (
            <span className="muted small" data-testid="merge-blocked">
              {target.mergeBlockedReason}
            </span>
          )}
        </div>
      </div>
      {merge.isError && (
        <div className="state state-error" role="alert">
          {errorMessage(merge.error)}
        </div>
      )}
      {target.error && (
        <div className="state state-error" data-testid="target-error">
          <strong>Last attempt failed:</strong> {target.error}
        </div>
      )}

      <div className="grid-2">
        <section className="card">
          <h2>About</h2>
          {target.body ? (
            <pre className="fleet-body" data-testid="target-body">
              {target.body}
            </pre>
          ) : (
            <p className="muted">No description.</p>
          )}
          <dl className="facts">
            <div>
              <dt>Repository</dt>
              <dd className="break">{target.repository}</dd>
            </div>
            <div>
              <dt>Component</dt>
              <dd>
                <EntityLink entityRef={target.entityRef} />
              </dd>
            </div>
            <div>
              <dt>Owner</dt>
              <dd data-testid="target-owner">
                {target.owner ? <EntityLink entityRef={target.owner} defaultKind="group" /> : '—'}
              </dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd>{target.attempts}</dd>
            </div>
            <div>
              <dt>Updated</dt>
              <dd>
                <Time iso={target.updatedAt} />
              </dd>
            </div>
          </dl>
        </section>
        <section className="card">
          <h2>History</h2>
          <History target={target} />
        </section>
      </div>

      <section className="card">
        <div className="card-head">
          <h2>Checks</h2>
          {target.checks !== 'none' && <Pill tone={checksTone(target.checks)}>{target.checks}</Pill>}
        </div>
        {target.checkLog ? (
          <pre className="code code-small" data-testid="check-log">
            {target.checkLog}
          </pre>
        ) : (
          <p className="muted">{target.checks === 'none' ? 'No checks have run.' : 'No check output.'}</p>
        )}
      </section>

      <section className="card">
        <h2>Changes</h2>
        {target.diff ? (
          <DiffView diff={target.diff} />
        ) : (
          <p className="muted">{target.state === 'pending' ? 'Not planned yet.' : 'No diff for this target.'}</p>
        )}
      </section>
    </>
  );
}

function History({ target }: { target: TargetDetail }) {
  if (target.history.length === 0) return <p className="muted">No transitions yet.</p>;
  // Newest first: the latest attempt is what people open the page for.
  const entries = [...target.history].reverse();
  return (
    <ol className="fleet-history" data-testid="target-history">
      {entries.map((entry, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: transitions have no id; the list only grows
        <li key={index}>
          <div className="pill-row">
            {entry.from && (
              <>
                <Pill tone={targetStateTone(entry.from)}>{entry.from}</Pill>→
              </>
            )}
            <Pill tone={targetStateTone(entry.to)}>{entry.to}</Pill>
            <span className="muted small">
              attempt {entry.attempt} · <Time iso={entry.at} />
            </span>
          </div>
          {entry.log && (
            <details>
              <summary className="small muted">Log</summary>
              <pre className="code code-small">{entry.log}</pre>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
