import { Link } from 'react-router-dom';
import { Pill } from '../../app/ui/pill.js';
import { type Campaign, healthRoutes } from './health-api.js';
import { deadlineLabel, deadlineTone } from './health-model.js';
import { PassRateBar } from './pass-rate-bar.js';

/** Campaigns with their checks, deadline and how many components already pass. */
export function CampaignsTable({ campaigns }: { campaigns: Campaign[] }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Campaign</th>
          <th>Checks</th>
          <th>Deadline</th>
          <th className="num">Failing</th>
          <th>Passing</th>
        </tr>
      </thead>
      <tbody>
        {campaigns.map((c) => (
          <tr key={c.name} data-testid="campaign-row" data-campaign={c.name}>
            <td className="cell-name">
              <Link to={healthRoutes.campaign(c.name)}>{c.title}</Link>
              {c.description && <div className="muted small">{c.description}</div>}
            </td>
            <td>
              {c.checks.map((check) => (
                <code key={check} className="health-check-name">
                  {check}
                </code>
              ))}
            </td>
            <td className="nowrap">
              {c.deadline} <Pill tone={deadlineTone(c.deadline)}>{deadlineLabel(c.deadline)}</Pill>
            </td>
            <td className="num">
              <strong>{c.totals.failing}</strong>
            </td>
            <td>
              <PassRateBar
                rate={c.totals.components === 0 ? null : c.totals.passing / c.totals.components}
                detail={`${c.totals.passing} of ${c.totals.components} components pass`}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
