import { Link, useSearchParams } from 'react-router-dom';
import { entityPath } from '../../app/entity-refs.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { useOrgTree } from '../org/org-api.js';
import { CampaignsTable } from './campaigns-table.js';
import { firstWith } from './chart-geometry.js';
import {
  type GroupCheckTrend,
  type GroupRollup,
  TREND_DAYS,
  useCampaigns,
  useCheckTrend,
  useGroupRollup,
} from './health-api.js';
import { CertificationTrendChart, DistributionBar, PassRateChart, Sparkline } from './health-charts.js';
import { certifiedShare, dashboardGroups, formatPercent } from './health-model.js';
import { PassRateBar } from './pass-rate-bar.js';
import './health.css';

/**
 * Tech health across a group (by default the department at the root of the org):
 * certification per track, trends, pass rate per check, the leaderboard of
 * squads, and campaigns.
 */
export function HealthDashboardPage() {
  usePageTitle('Tech health');
  const tree = useOrgTree();
  const [search, setSearch] = useSearchParams();

  if (tree.isPending) return <Loading />;
  if (tree.isError) return <ErrorState error={tree.error} onRetry={() => tree.refetch()} />;
  const { options, defaultRef } = dashboardGroups(tree.data);
  const groupRef = search.get('group') ?? defaultRef;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1 data-testid="health-title">Tech health</h1>
          <p className="lead">
            How close every component is to the golden state: the level each reaches on each track, the checks that hold
            them back, and the campaigns under way.
          </p>
        </div>
        {options.length > 0 && (
          <label className="inline-label">
            Group
            <select
              className="health-select"
              value={groupRef}
              onChange={(e) => setSearch({ group: e.target.value }, { replace: true })}
              data-testid="health-group-picker"
            >
              {options.map((o) => (
                <option key={o.ref} value={o.ref}>
                  {o.label}
                  {o.type ? ` (${o.type})` : ''}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {groupRef ? (
        <GroupDashboard key={groupRef} groupRef={groupRef} />
      ) : (
        <EmptyState title="No groups in the catalog yet.">
          Tech health rolls up per group: register the locations that describe your organisation.
        </EmptyState>
      )}
    </div>
  );
}

function GroupDashboard({ groupRef }: { groupRef: string }) {
  const rollup = useGroupRollup(groupRef);
  const trend = useCheckTrend(groupRef);
  if (rollup.isPending) return <Loading label="Rolling up…" />;
  if (rollup.isError) return <ErrorState error={rollup.error} onRetry={() => rollup.refetch()} />;
  const data = rollup.data;
  const overallNow = trend.data?.overall.at(-1)?.passRate ?? null;

  return (
    <>
      <div className="stats" data-testid="health-stats">
        <Stat label="Components" value={String(data.components)} />
        {data.tracks.slice(0, 2).map((t) => (
          <Stat key={t.track} label={`certified on ${t.title}`} value={formatPercent(certifiedShare(t.distribution))} />
        ))}
        <Stat label="checks passing" value={formatPercent(overallNow ?? overallRate(data))} />
        {data.tracks.length < 2 && <Stat label="groups owning components" value={String(data.leaderboard.length)} />}
      </div>

      {data.components === 0 ? (
        <EmptyState title={`Nothing under ${data.group.title} is evaluated yet.`}>
          Facts are collected every hour, and right after definitions are applied.
        </EmptyState>
      ) : (
        <>
          <div className="grid-2">
            <section className="card" data-testid="health-distribution">
              <div className="card-head">
                <h2>Certification by track</h2>
                <span className="muted small">now, and per day over {TREND_DAYS} days</span>
              </div>
              {data.tracks.length === 0 ? (
                <p className="muted">No track is defined yet.</p>
              ) : (
                data.tracks.map((track) => (
                  <div key={track.track} className="health-track-block">
                    <div className="small muted">{track.title}</div>
                    <DistributionBar track={track} />
                    <CertificationTrendChart track={track} />
                  </div>
                ))
              )}
            </section>
            <section className="card" data-testid="health-pass-rate-trend">
              <div className="card-head">
                <h2>Checks passing</h2>
                <span className="muted small">every result of every check, per day over {TREND_DAYS} days</span>
              </div>
              {trend.isPending ? (
                <Loading />
              ) : trend.isError ? (
                <ErrorState error={trend.error} onRetry={() => trend.refetch()} />
              ) : (
                <PassRateChart points={trend.data.overall} />
              )}
            </section>
          </div>

          <ChecksTable rollup={data} trend={trend.data} />
          <Leaderboard rollup={data} />
        </>
      )}
      <CampaignsCard />
    </>
  );
}

function overallRate(rollup: GroupRollup): number | null {
  const passed = rollup.checks.reduce((n, c) => n + c.passed, 0);
  const failed = rollup.checks.reduce((n, c) => n + c.failed, 0);
  return passed + failed === 0 ? null : passed / (passed + failed);
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat" data-stat={label}>
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

function ChecksTable({ rollup, trend }: { rollup: GroupRollup; trend: GroupCheckTrend | undefined }) {
  const rows = [...rollup.checks].sort(
    (a, b) => (a.passRate ?? 2) - (b.passRate ?? 2) || a.title.localeCompare(b.title),
  );
  // Every sparkline starts on the first day with any result, so the rows line up.
  const start = Math.max(0, firstWith(trend?.overall.map((p) => p.passRate) ?? []));
  return (
    <section className="card table-card" data-testid="health-checks">
      <div className="card-head">
        <h2>Pass rate per check</h2>
        <span className="muted small">lowest first</span>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>Check</th>
            <th className="num">Passed</th>
            <th className="num">Failed</th>
            <th className="num">Not applicable</th>
            <th>Pass rate</th>
            <th>Trend</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const points = (trend?.checks.find((t) => t.check === c.check)?.trend ?? []).slice(start);
            return (
              <tr key={c.check} data-testid="check-pass-rate-row" data-check={c.check}>
                <td className="cell-name">
                  {c.title}
                  <div className="muted small">
                    <code>{c.check}</code>
                  </div>
                </td>
                <td className="num">{c.passed}</td>
                <td className="num">{c.failed}</td>
                <td className="num">{c.notApplicable}</td>
                <td>
                  <PassRateBar rate={c.passRate} />
                </td>
                <td>
                  {points.length > 0 ? (
                    <Sparkline
                      values={points.map((p) => p.passRate)}
                      label={`${c.title}: ${formatPercent(points[0]?.passRate)} to ${formatPercent(points.at(-1)?.passRate)}`}
                    />
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Leaderboard({ rollup }: { rollup: GroupRollup }) {
  return (
    <section className="card table-card" data-testid="health-leaderboard">
      <div className="card-head">
        <h2>Leaderboard</h2>
        <span className="muted small">score: mean level over tracks, 100 = every level of every track</span>
      </div>
      {rollup.leaderboard.length === 0 ? (
        <div className="health-pad">
          <p className="muted">No group under {rollup.group.title} owns an evaluated component.</p>
        </div>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Group</th>
              <th className="num">Components</th>
              <th className="num">Score</th>
              <th>Pass rate</th>
            </tr>
          </thead>
          <tbody>
            {rollup.leaderboard.map((row, i) => (
              <tr key={row.group} data-testid="leaderboard-row" data-group={row.group}>
                <td className="num">{i + 1}</td>
                <td className="cell-name">
                  <Link to={entityPath(row.group)}>{row.title}</Link>{' '}
                  {row.type && <Pill tone={`type-${row.type.toLowerCase()}`}>{row.type}</Pill>}
                </td>
                <td className="num">{row.components}</td>
                <td className="num">
                  <strong>{row.score}</strong>
                </td>
                <td>
                  <PassRateBar rate={row.passRate} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CampaignsCard() {
  const campaigns = useCampaigns();
  return (
    <section className="card table-card" data-testid="health-campaigns">
      <div className="card-head">
        <h2>Campaigns</h2>
      </div>
      {campaigns.isPending ? (
        <Loading />
      ) : campaigns.isError ? (
        <ErrorState error={campaigns.error} onRetry={() => campaigns.refetch()} />
      ) : campaigns.data.length === 0 ? (
        <div className="health-pad">
          <p className="muted">No campaign yet. A Campaign definition names checks and a deadline.</p>
        </div>
      ) : (
        <CampaignsTable campaigns={campaigns.data} />
      )}
    </section>
  );
}
