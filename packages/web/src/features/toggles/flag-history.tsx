import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { type HistoryEntry, useFlagHistory } from './toggles-api.js';
import { changesOf } from './toggles-model.js';

const ACTION_TONE: Record<string, string> = {
  killed: 'danger',
  disabled: 'warn',
  enabled: 'ok',
  rollout: 'info',
  archived: 'warn',
};

/** The flag's audit log, newest first: who, what, where, why, and what changed before and after. */
export function FlagHistory({ project, flag }: { project: string; flag: string }) {
  const history = useFlagHistory(project, flag);
  if (history.isPending) return <Loading />;
  if (history.isError) return <ErrorState error={history.error} onRetry={() => history.refetch()} />;
  if (history.data.length === 0) return <EmptyState title="No changes recorded yet." />;
  return (
    <ol className="toggles-history" data-testid="flag-history">
      {history.data.map((entry) => (
        <HistoryItem key={entry.id} entry={entry} />
      ))}
    </ol>
  );
}

function HistoryItem({ entry }: { entry: HistoryEntry }) {
  const action = typeof entry.data?.action === 'string' ? entry.data.action : entry.type;
  const environment = typeof entry.data?.environment === 'string' ? entry.data.environment : undefined;
  const reason = typeof entry.data?.reason === 'string' ? entry.data.reason : undefined;
  const changes = changesOf(entry);
  return (
    <li className="toggles-history-item" data-testid="history-entry" data-action={action}>
      <div className="toggles-row">
        <Pill tone={ACTION_TONE[action] ?? 'neutral'}>{action}</Pill>
        {environment && <code className="small">{environment}</code>}
        <span className="small">by {entry.actor.displayName}</span>
        <span className="muted small">
          <Time iso={entry.at} />
        </span>
      </div>
      {reason && (
        <p className="toggles-reason" data-testid="history-reason">
          “{reason}”
        </p>
      )}
      {changes.length > 0 && (
        <table className="table table-compact toggles-changes">
          <tbody>
            {changes.map((change) => (
              <tr key={`${change.environment}/${change.what}`}>
                <td>
                  <code>{change.environment}</code>
                </td>
                <td className="muted">{change.what}</td>
                <td>
                  <span className="toggles-before">{change.before}</span> → <strong>{change.after}</strong>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(entry.before || entry.after) && (
        <details className="toggles-raw">
          <summary className="muted small">Before and after</summary>
          <div className="grid-2">
            <pre className="code code-small">{entry.before ? JSON.stringify(entry.before, null, 2) : '(none)'}</pre>
            <pre className="code code-small">{entry.after ? JSON.stringify(entry.after, null, 2) : '(none)'}</pre>
          </div>
        </details>
      )}
    </li>
  );
}
