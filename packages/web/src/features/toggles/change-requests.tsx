import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../app/api-client.js';
import { Pill } from '../../app/ui/pill.js';
import { Time } from '../../app/ui/time.js';
import {
  type ChangeRequest,
  type FlagChange,
  isApprovalRequired,
  useDecideChange,
  useOpenChanges,
  useRequestChange,
} from './changes-api.js';
import { togglesRoutes } from './toggles-api.js';
import { audienceOf } from './toggles-model.js';

/**
 * Shown where a change was refused for want of approval: sends the same change as a
 * change request, with an optional note for the approver.
 */
export function RequestApproval({
  error,
  project,
  flag,
  environment,
  change,
}: {
  error: unknown;
  project: string;
  flag: string;
  environment: string;
  change: FlagChange;
}) {
  const request = useRequestChange(project, flag);
  const [note, setNote] = useState('');
  if (!isApprovalRequired(error)) return null;
  if (request.isSuccess) {
    return (
      <div className="small toggles-request" data-testid="change-requested">
        Change requested: it applies once another owner or an admin approves it.
      </div>
    );
  }
  return (
    <div className="toggles-row toggles-request" data-testid="request-approval">
      <span className="small">Changes in {environment} need a second person's approval.</span>
      <input
        className="input toggles-input toggles-field-wide"
        aria-label="Note for the approver"
        placeholder="Note for the approver (optional)"
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
      <button
        type="button"
        className="btn btn-primary btn-small"
        disabled={request.isPending}
        onClick={() => request.mutate({ environment, change, ...(note.trim() ? { note: note.trim() } : {}) })}
      >
        Request approval
      </button>
      {request.isError && <span className="error-text small">{errorMessage(request.error)}</span>}
    </div>
  );
}

/**
 * Change requests waiting for approval or for their time, with approve, reject and
 * cancel: of one flag on its page, or of every flag of the project (with links) on
 * the project's list, where a second person finds what waits for them.
 */
export function OpenChanges({ project, flag }: { project: string; flag?: string }) {
  const changes = useOpenChanges(project, flag);
  const decide = useDecideChange(project);
  if (!changes.data || changes.data.length === 0) return null;
  return (
    <section className="card" data-testid={flag ? 'open-changes' : 'project-changes'}>
      <div className="card-head">
        <h2>Changes waiting</h2>
        <span className="muted small">
          Pending changes apply once another owner or an admin approves them; scheduled ones at their time.
        </span>
      </div>
      {decide.isError && <div className="error-text small">{errorMessage(decide.error)}</div>}
      <table className="table table-compact">
        <tbody>
          {changes.data.map((change) => (
            <tr key={change.id} data-testid="open-change" data-status={change.status}>
              {!flag && (
                <td>
                  <Link to={togglesRoutes.flag(change.project, change.flag, change.environment)}>{change.flag}</Link>
                </td>
              )}
              <td>
                <code>{change.environment}</code>
              </td>
              <td>{describeChange(change)}</td>
              <td className="small">
                by {change.requestedBy} <Time iso={change.createdAt} />
                {change.note && <div className="muted">“{change.note}”</div>}
              </td>
              <td>
                <Pill tone={change.status === 'pending' ? 'warn' : 'info'}>{change.status}</Pill>
                {change.applyAt && (
                  <span className="muted small">
                    {' '}
                    at <Time iso={change.applyAt} />
                  </span>
                )}
              </td>
              <td className="nowrap">
                {change.status === 'pending' && (
                  <>
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={decide.isPending}
                      onClick={() => decide.mutate({ id: change.id, decision: 'approve' })}
                    >
                      Approve
                    </button>{' '}
                    <button
                      type="button"
                      className="btn btn-ghost btn-small"
                      disabled={decide.isPending}
                      onClick={() => decide.mutate({ id: change.id, decision: 'reject' })}
                    >
                      Reject
                    </button>{' '}
                  </>
                )}
                <button
                  type="button"
                  className="btn btn-ghost btn-small"
                  disabled={decide.isPending}
                  onClick={() => decide.mutate({ id: change.id, decision: 'cancel' })}
                >
                  Cancel
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The change in words: "switch on", "rollout to 50%", "strategies: 25% or 3 user ids". */
export function describeChange(request: Pick<ChangeRequest, 'change'>): string {
  const change = request.change as FlagChange;
  switch (change.action) {
    case 'enable':
      return 'switch on';
    case 'disable':
      return 'switch off';
    case 'rollout':
      return `rollout to ${change.percent}%`;
    case 'strategies':
      return `strategies: ${audienceOf({ enabled: true, strategies: change.strategies, variants: [], updatedAt: null })}`;
    case 'variants':
      return `variants: ${change.variants.map((v) => v.name).join(', ') || 'none'}`;
    default:
      return (change as { action: string }).action;
  }
}
