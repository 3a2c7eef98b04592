import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../app/api-client.js';
import { entityPath, shortRef } from '../../app/entity-refs.js';
import { EntityLink } from '../../app/ui/entity-link.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { type Campaign, type CheckSpec, healthRoutes, useCampaign, useHealthDefinitions } from './health-api.js';
import { CampaignBurndownChart, Sparkline } from './health-charts.js';
import { deadlineLabel, deadlineTone } from './health-model.js';
import { PassRateBar } from './pass-rate-bar.js';
import './health.css';

/** One campaign: its checks and deadline, the burndown of components still failing, and per squad. */
export function CampaignPage() {
  const name = useParams().name ?? '';
  const campaign = useCampaign(name);
  usePageTitle(campaign.data?.title ?? name);

  if (campaign.isPending) return <Loading />;
  if (campaign.isError) {
    return (
      <div className="page">
        {campaign.error instanceof ApiError && campaign.error.status === 404 ? (
          <EmptyState title={`No campaign named "${name}".`}>
            See every campaign on the <Link to={healthRoutes.dashboard()}>tech health dashboard</Link>.
          </EmptyState>
        ) : (
          <ErrorState error={campaign.error} onRetry={() => campaign.refetch()} />
        )}
      </div>
    );
  }
  return <CampaignView campaign={campaign.data} />;
}

function CampaignView({ campaign }: { campaign: Campaign }) {
  const definitions = useHealthDefinitions();
  const checkSpec = (check: string): CheckSpec | undefined => {
    const d = definitions.data?.find((x) => x.kind === 'Check' && x.name === check);
    return d?.kind === 'Check' ? d.spec : undefined;
  };
  const { totals } = campaign;
  const squadMax = Math.max(1, ...campaign.bySquad.flatMap((s) => s.burndown.map((p) => p.failing)));

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to={healthRoutes.dashboard()}>Tech health</Link>
        <span>/</span>
        <span>Campaigns</span>
        <span>/</span>
        <span>{campaign.title}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1 data-testid="campaign-title">{campaign.title}</h1>
          {campaign.description && <p className="lead">{campaign.description}</p>}
          <div className="pill-row">
            <span data-testid="campaign-deadline">
              Deadline <strong>{campaign.deadline}</strong>{' '}
              <Pill tone={deadlineTone(campaign.deadline)}>{deadlineLabel(campaign.deadline)}</Pill>
            </span>
            <span className="muted small">since {campaign.start}</span>
          </div>
        </div>
      </div>

      <div className="stats" data-testid="campaign-totals">
        <Stat label="Components concerned" value={totals.components} />
        <Stat label="Passing" value={totals.passing} />
        <Stat label="Still failing" value={totals.failing} />
        <Stat label="Squads with work left" value={campaign.bySquad.filter((s) => s.failing > 0).length} />
      </div>

      <section className="card" data-testid="campaign-checks">
        <h2>Checks</h2>
        <ul className="plain-list health-campaign-checks">
          {campaign.checks.map((check) => {
            const spec = checkSpec(check);
            return (
              <li key={check} data-testid="campaign-check">
                <strong>{spec?.title ?? check}</strong> <code className="muted small">{check}</code>
                {spec?.description && <div className="muted small">{spec.description}</div>}
                {spec?.fix && (
                  <div className="small">
                    <strong>How to fix:</strong> {spec.fix}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section className="card">
        <div className="card-head">
          <h2>Burndown</h2>
          <span className="muted small">components still failing at the end of each day</span>
        </div>
        <CampaignBurndownChart points={campaign.burndown} />
      </section>

      <section className="card table-card" data-testid="campaign-squads">
        <div className="card-head">
          <h2>Per squad</h2>
        </div>
        {campaign.bySquad.length === 0 ? (
          <div className="health-pad">
            <p className="muted">No component is concerned by these checks.</p>
          </div>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Squad</th>
                <th className="num">Failing</th>
                <th className="num">Concerned</th>
                <th>Passing</th>
                <th>Burndown</th>
              </tr>
            </thead>
            <tbody>
              {campaign.bySquad.map((squad) => (
                <tr key={squad.group} data-testid="campaign-squad-row" data-group={squad.group}>
                  <td className="cell-name">
                    {squad.group.startsWith('group:') ? (
                      <Link to={entityPath(squad.group)}>{squad.title}</Link>
                    ) : (
                      <span className="muted">{squad.title}</span>
                    )}
                  </td>
                  <td className="num">
                    <strong>{squad.failing}</strong>
                  </td>
                  <td className="num">{squad.total}</td>
                  <td>
                    <PassRateBar rate={squad.total === 0 ? null : (squad.total - squad.failing) / squad.total} />
                  </td>
                  <td>
                    <Sparkline
                      values={squad.burndown.map((p) => p.failing)}
                      yMax={squadMax}
                      label={`${squad.title}: ${squad.burndown.at(-1)?.failing ?? 0} failing now`}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card table-card" data-testid="campaign-failing">
        <div className="card-head">
          <h2>Still failing</h2>
          <span className="muted small">{campaign.failing.length}</span>
        </div>
        {campaign.failing.length === 0 ? (
          <div className="health-pad">
            <p className="muted">Every concerned component passes. Done.</p>
          </div>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Component</th>
                <th>Owner</th>
                <th>Failing checks</th>
              </tr>
            </thead>
            <tbody>
              {campaign.failing.map((f) => (
                <tr key={f.entityRef} data-testid="campaign-failing-row" data-entity={f.entityRef}>
                  <td className="cell-name">
                    <Link to={healthRoutes.entity(f.entityRef)}>{shortRef(f.entityRef, 'component')}</Link>
                  </td>
                  <td>{f.ownerRef ? <EntityLink entityRef={f.ownerRef} defaultKind="group" /> : '—'}</td>
                  <td>
                    {f.checks.map((c) => (
                      <code key={c} className="health-check-name">
                        {c}
                      </code>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat" data-stat={label}>
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}
