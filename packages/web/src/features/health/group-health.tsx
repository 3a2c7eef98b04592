import { Link } from 'react-router-dom';
import { shortRef } from '../../app/entity-refs.js';
import { EntityLink } from '../../app/ui/entity-link.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { healthRoutes, useGroupRollup } from './health-api.js';
import { DistributionBar } from './health-charts.js';
import { levelColour } from './health-model.js';
import { PassRateBar } from './pass-rate-bar.js';
import './health.css';

/**
 * A group's tech health on its team page: certification per track, and each
 * component it (or a group under it) owns with its level per track and pass rate.
 */
export function GroupHealth({ groupRef }: { groupRef: string }) {
  const rollup = useGroupRollup(groupRef, { entities: true });

  if (rollup.isPending) return <Loading label="Loading tech health…" />;
  if (rollup.isError) return <ErrorState error={rollup.error} onRetry={() => rollup.refetch()} />;
  const { tracks, entities = [], components } = rollup.data;
  const levelTitle = (track: string, level: string | null) =>
    tracks.find((t) => t.track === track)?.distribution.find((d) => d.level === level)?.title ??
    level ??
    'Not certified';

  return (
    <section className="card table-card" data-testid="group-health">
      <div className="card-head">
        <h2>Tech health</h2>
        <Link className="small" to={healthRoutes.dashboard(groupRef)}>
          Open in the health dashboard
        </Link>
      </div>
      {components === 0 ? (
        <div className="health-pad">
          <EmptyState title="No component here is evaluated yet.">
            Components owned by this group (or a group under it) show up once facts are collected.
          </EmptyState>
        </div>
      ) : (
        <>
          <div className="health-pad health-track-bars">
            {tracks.map((track) => (
              <div key={track.track}>
                <span className="small muted">{track.title}</span>
                <DistributionBar track={track} />
              </div>
            ))}
          </div>
          <table className="table" data-testid="group-health-components">
            <thead>
              <tr>
                <th>Component</th>
                <th>Owner</th>
                {tracks.map((t) => (
                  <th key={t.track}>{t.title}</th>
                ))}
                <th className="num">Pass rate</th>
              </tr>
            </thead>
            <tbody>
              {entities.map((e) => (
                <tr key={e.entityRef} data-testid="group-health-row" data-entity={e.entityRef}>
                  <td className="cell-name">
                    <Link to={healthRoutes.entity(e.entityRef)}>{shortRef(e.entityRef, 'component')}</Link>
                  </td>
                  <td>{e.ownerRef ? <EntityLink entityRef={e.ownerRef} defaultKind="group" /> : '—'}</td>
                  {tracks.map((t) => {
                    const cert = e.certifications.find((c) => c.track === t.track);
                    return (
                      <td key={t.track} data-testid="group-health-level" data-level={cert?.level ?? 'none'}>
                        {cert ? (
                          <span className="health-level">
                            <span
                              className="health-level-dot"
                              style={{ background: levelColour(cert.level, cert.rank) }}
                              aria-hidden="true"
                            />
                            {levelTitle(t.track, cert.level)}
                          </span>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    );
                  })}
                  <td className="num">
                    <PassRateBar rate={e.passRate} detail={`${e.passed} passed, ${e.failed} failed`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
