import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../app/api-client.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { useSession } from '../auth/auth-api.js';
import { EditRadarForm } from './edit-radar-form.js';
import { type RadarView, radarRoutes, useRadar, useRadars } from './radar-api.js';
import { RadarChart, radarBlips } from './radar-chart.js';
import { RadarLegend } from './radar-legend.js';
import './radar.css';

/** The Golden Tech radar: the picture, its legend, and (for admins) the editor. */
export function RadarPage() {
  const params = useParams();
  const radars = useRadars();
  const name = params.name ?? radars.data?.[0]?.name;
  const radar = useRadar(name);
  usePageTitle(radar.data ? radar.data.title : 'Tech radar');

  if (radars.isPending) return <Loading />;
  if (radars.isError) return <ErrorState error={radars.error} onRetry={() => radars.refetch()} />;
  if (!name) {
    return (
      <div className="page">
        <div className="page-head">
          <div>
            <h1>Tech radar</h1>
          </div>
        </div>
        <section className="card">
          <EmptyState title="No radar yet.">
            An admin can register a radar file with <code>POST /api/radar/sources</code> or apply one with{' '}
            <code>POST /api/radar/radars</code>.
          </EmptyState>
        </section>
      </div>
    );
  }
  return (
    <div className="page">
      {radars.data.length > 1 && (
        <nav className="radar-tabs" aria-label="Radars">
          {radars.data.map((r) => (
            <Link
              key={r.name}
              to={radarRoutes.radar(r.name)}
              className={r.name === name ? 'radar-tab active' : 'radar-tab'}
            >
              {r.title}
            </Link>
          ))}
        </nav>
      )}
      {radar.isPending && <Loading label="Reading the fleet's dependencies…" />}
      {radar.isError &&
        (radar.error instanceof ApiError && radar.error.status === 404 ? (
          <EmptyState title={`No radar named "${name}".`}>
            <Link to={radarRoutes.home()}>Back to the radar</Link>
          </EmptyState>
        ) : (
          <ErrorState error={radar.error} onRetry={() => radar.refetch()} />
        ))}
      {radar.data && <RadarContent radar={radar.data} />}
    </div>
  );
}

function RadarContent({ radar }: { radar: RadarView }) {
  const session = useSession();
  const [editing, setEditing] = useState(false);
  const blips = useMemo(() => radarBlips(radar), [radar]);
  const used = radar.items.filter((e) => e.adoption.components > 0).length;
  const canEdit = Boolean(session.data?.isAdmin) && !radar.sourceId;
  return (
    <>
      <div className="page-head">
        <div>
          <h1 data-testid="radar-title">{radar.title}</h1>
          {radar.description && <p className="muted">{radar.description}</p>}
          <p className="muted small">
            {radar.items.length} technologies, {used} in use in the fleet · updated <Time iso={radar.updatedAt} /> by{' '}
            {radar.updatedBy}
            {radar.sourceId && ' · loaded from a registered file'}
          </p>
        </div>
        {canEdit && (
          <button type="button" className="btn" onClick={() => setEditing((e) => !e)}>
            {editing ? 'Close' : 'Edit radar'}
          </button>
        )}
      </div>
      {editing && <EditRadarForm initialYaml={radar.yaml} onDone={() => setEditing(false)} />}
      {radar.problems.length > 0 && (
        <section className="card state state-error" data-testid="radar-problems">
          <strong>Some entries of the last version were rejected; they keep their previous version.</strong>
          <ul className="problem-list">
            {radar.problems.map((p, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity
              <li key={index}>
                {p.file ?? ''}
                {p.line !== undefined ? `:${p.line}` : ''} <code>{p.field}</code>: {p.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="card radar-card">
        <div className="radar-layout">
          <RadarChart radar={radar} blips={blips} />
          <RadarLegend radar={radar} blips={blips} />
        </div>
      </section>
    </>
  );
}
