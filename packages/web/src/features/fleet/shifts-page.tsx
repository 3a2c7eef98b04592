import { useState } from 'react';
import { Link } from 'react-router-dom';
import { EntityLink } from '../../app/ui/entity-link.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { ApplyShiftForm } from './apply-shift-form.js';
import { fleetRoutes, type ShiftSummary, useShifts } from './fleet-api.js';
import { failedCount, shiftStateTone } from './fleet-model.js';
import { ProgressBar } from './progress-bar.js';
import './fleet.css';

/** Every shift with its progress, plus the form that applies a new one. */
export function ShiftsPage() {
  usePageTitle('Fleet');
  const shifts = useShifts();
  const [showForm, setShowForm] = useState(false);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Fleet Shift</h1>
          <p className="muted">Declarative code changes rolled out across many repositories, tracked to the merge.</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setShowForm((s) => !s)}>
          {showForm ? 'Close' : 'Apply shift'}
        </button>
      </div>
      {showForm && <ApplyShiftForm />}
      <section className="card table-card">
        {shifts.isPending && <Loading />}
        {shifts.isError && <ErrorState error={shifts.error} onRetry={() => shifts.refetch()} />}
        {shifts.data?.length === 0 && (
          <EmptyState title="No shifts yet.">
            Apply a Shift document here, or with <code>backbeat shift apply -f shift.yaml</code>.
          </EmptyState>
        )}
        {shifts.data && shifts.data.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="shifts-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Owner</th>
                  <th>State</th>
                  <th>Progress</th>
                  <th className="num">Targets</th>
                  <th className="num">Open</th>
                  <th className="num">Failed</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {shifts.data.map((shift) => (
                  <ShiftRow key={shift.name} shift={shift} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function ShiftRow({ shift }: { shift: ShiftSummary }) {
  const failed = failedCount(shift.totals);
  const open =
    (shift.totals.published ?? 0) +
    (shift.totals['checks-pending'] ?? 0) +
    (shift.totals['checks-passed'] ?? 0) +
    (shift.totals['checks-failed'] ?? 0);
  return (
    <tr data-testid="shift-row">
      <td className="cell-name">
        <Link to={fleetRoutes.shift(shift.name)}>{shift.name}</Link>
        {shift.description && <div className="muted small clamp-2">{shift.description}</div>}
      </td>
      <td className="cell-owner">
        <EntityLink entityRef={shift.owner} defaultKind="group" />
      </td>
      <td>
        <span className="pill-row">
          <Pill tone={shiftStateTone(shift.state)}>{shift.state}</Pill>
          {shift.preview && <Pill tone="warn">preview</Pill>}
          {shift.rateLimitedUntil && <Pill tone="warn">rate-limited</Pill>}
        </span>
      </td>
      <td>
        <ProgressBar merged={shift.merged} total={shift.total} />
      </td>
      <td className="num">{shift.total}</td>
      <td className="num">{open}</td>
      <td className="num">{failed > 0 ? <Pill tone="danger">{failed}</Pill> : <span className="muted">0</span>}</td>
      <td>
        <Time iso={shift.updatedAt} />
      </td>
    </tr>
  );
}
