import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../../app/api-client.js';
import { EntityLink } from '../../app/ui/entity-link.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { useSession } from '../auth/auth-api.js';
import { type EntryDetail, RINGS, type Ring, radarRoutes, useMoveEntry, useRadarEntry } from './radar-api.js';
import { describeVersionRule, ringTone } from './radar-model.js';
import './radar.css';

/** One technology: its ring and rules, who uses it at which version, and how its ring moved. */
export function RadarEntryPage() {
  const params = useParams();
  const name = params.name ?? '';
  const entryId = params.entryId ?? '';
  const detail = useRadarEntry(name, entryId);
  usePageTitle(detail.data ? `${detail.data.entry.name} · ${detail.data.radar.title}` : entryId);

  const crumbs = (
    <div className="breadcrumb">
      <Link to={radarRoutes.radar(name)}>{detail.data?.radar.title ?? name}</Link>
      <span>/</span>
      <span>{detail.data?.entry.name ?? entryId}</span>
    </div>
  );
  if (detail.isPending) return <Loading label="Reading the fleet's dependencies…" />;
  if (detail.isError) {
    return (
      <div className="page">
        {crumbs}
        {detail.error instanceof ApiError && detail.error.status === 404 ? (
          <EmptyState title="No such entry on this radar.">
            <Link to={radarRoutes.radar(name)}>Back to the radar</Link>
          </EmptyState>
        ) : (
          <ErrorState error={detail.error} onRetry={() => detail.refetch()} />
        )}
      </div>
    );
  }
  return (
    <div className="page">
      {crumbs}
      <EntryView detail={detail.data} />
    </div>
  );
}

function EntryView({ detail }: { detail: EntryDetail }) {
  const { entry, adoption } = detail;
  const quadrant = detail.radar.quadrants.find((q) => q.id === entry.quadrant)?.name ?? entry.quadrant;
  return (
    <>
      <div className="page-head">
        <div>
          <h1 data-testid="entry-title">{entry.name}</h1>
          <div className="pill-row">
            <span data-testid="entry-ring">
              <Pill tone={ringTone(entry.ring)}>{entry.ring}</Pill>
            </span>
            <Pill>{quadrant}</Pill>
            {entry.versions.map((rule) => (
              <Pill key={describeVersionRule(rule)} tone={ringTone(rule.ring)}>
                {describeVersionRule(rule)}
              </Pill>
            ))}
          </div>
          {entry.description && <p className="radar-description">{entry.description}</p>}
          {entry.links.length > 0 && (
            <p className="small">
              {entry.links.map((link) => (
                <a key={link.url} href={link.url} target="_blank" rel="noreferrer" className="radar-link">
                  {link.title}
                </a>
              ))}
            </p>
          )}
        </div>
      </div>
      <div className="radar-stats" data-testid="entry-adoption">
        <Stat label="components" value={adoption.components} />
        <Stat label="squads" value={adoption.squads} />
        <Stat label="versions" value={adoption.versions.length} />
        {RINGS.filter((ring) => adoption.byRing[ring] > 0).map((ring) => (
          <Stat key={ring} label={`at ${ring} versions`} value={adoption.byRing[ring]} />
        ))}
      </div>
      <section className="card table-card">
        <h2 className="radar-card-title">Squads</h2>
        {detail.squads.length === 0 ? (
          <EmptyState title="No component in the fleet declares this technology." />
        ) : (
          <table className="table" data-testid="entry-squads">
            <thead>
              <tr>
                <th>Squad</th>
                <th className="num">Components</th>
                <th>Versions</th>
              </tr>
            </thead>
            <tbody>
              {detail.squads.map((squad) => (
                <tr key={squad.ownerRef ?? '(none)'}>
                  <td>
                    {squad.ownerRef ? (
                      <EntityLink entityRef={squad.ownerRef} defaultKind="group" />
                    ) : (
                      <span className="muted">no owner</span>
                    )}
                  </td>
                  <td className="num">{squad.components}</td>
                  <td>{squad.versions.join(', ') || <span className="muted">unversioned</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {adoption.usages.length > 0 && (
        <section className="card table-card">
          <h2 className="radar-card-title">Components</h2>
          <table className="table" data-testid="entry-components">
            <thead>
              <tr>
                <th>Component</th>
                <th>Owner</th>
                <th>Dependency</th>
                <th>Version</th>
                <th>Ring at this version</th>
              </tr>
            </thead>
            <tbody>
              {adoption.usages.map((usage) => (
                <tr key={`${usage.entityRef} ${usage.dependency}`} data-testid="entry-component-row">
                  <td>
                    <EntityLink entityRef={usage.entityRef} defaultKind="component" />
                  </td>
                  <td>
                    {usage.ownerRef ? (
                      <EntityLink entityRef={usage.ownerRef} defaultKind="group" />
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td>
                    <code>{usage.dependency}</code> <span className="muted small">{usage.ecosystem}</span>
                  </td>
                  <td>{usage.version || <span className="muted">managed</span>}</td>
                  <td>
                    <Pill tone={ringTone(usage.ring)}>{usage.ring}</Pill>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section className="card">
        <h2 className="radar-card-title">Ring history</h2>
        <ol className="radar-history" data-testid="entry-history">
          {detail.history.map((move, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: moves have no identity beyond their order
            <li key={index} data-testid="entry-history-item">
              <span className="radar-history-rings">
                {move.from ? (
                  <>
                    <Pill tone={ringTone(move.from)}>{move.from}</Pill> →{' '}
                  </>
                ) : (
                  <span className="muted small">added in </span>
                )}
                <Pill tone={ringTone(move.to)}>{move.to}</Pill>
              </span>
              <span className="radar-history-why">{move.reason}</span>
              <span className="muted small">
                {move.by} · <Time iso={move.at} />
              </span>
            </li>
          ))}
        </ol>
      </section>
      <MoveEntryForm radarName={detail.radar.name} entryId={entry.id} current={entry.ring} />
    </>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="radar-stat">
      <strong>{value}</strong>
      <span className="muted small">{label}</span>
    </div>
  );
}

/** Admins move an entry to another ring and say why; the move lands in the history. */
function MoveEntryForm({ radarName, entryId, current }: { radarName: string; entryId: string; current: Ring }) {
  const session = useSession();
  const move = useMoveEntry(radarName, entryId);
  const [ring, setRing] = useState<Ring>(current);
  const [reason, setReason] = useState('');
  if (!session.data?.isAdmin) return null;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    move.mutate({ ring, reason }, { onSuccess: () => setReason('') });
  };
  return (
    <section className="card" data-testid="move-entry">
      <h2 className="radar-card-title">Move to another ring</h2>
      <form className="radar-move-form" onSubmit={onSubmit}>
        <select
          className="radar-input"
          value={ring}
          onChange={(event) => setRing(event.target.value as Ring)}
          aria-label="Ring"
          data-testid="move-ring"
        >
          {RINGS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <input
          className="radar-input radar-move-reason"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          placeholder="Why it moves"
          aria-label="Why it moves"
          data-testid="move-reason"
        />
        <button
          type="submit"
          className="btn btn-primary"
          disabled={move.isPending || ring === current || !reason.trim()}
        >
          Move
        </button>
      </form>
      {move.isError && (
        <p className="state state-error" role="alert">
          {errorMessage(move.error)}
        </p>
      )}
    </section>
  );
}
