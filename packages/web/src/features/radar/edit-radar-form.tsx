import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, errorMessage } from '../../app/api-client.js';
import { radarRoutes, useApplyRadar } from './radar-api.js';

interface FieldProblem {
  field?: string;
  line?: number;
  message?: string;
}

/**
 * Admins edit a radar's YAML here; the server checks the whole document and lists
 * every problem with its line and field, changing nothing until all are fixed.
 */
export function EditRadarForm({ initialYaml, onDone }: { initialYaml: string; onDone: () => void }) {
  const [yaml, setYaml] = useState(initialYaml);
  const [reason, setReason] = useState('');
  const apply = useApplyRadar();
  const navigate = useNavigate();
  const problems: FieldProblem[] =
    apply.error instanceof ApiError && apply.error.status === 400
      ? ((apply.error.problem.errors ?? []) as FieldProblem[])
      : [];

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    apply.mutate(
      { yaml, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      {
        onSuccess: (view) => {
          onDone();
          navigate(radarRoutes.radar(view.name));
        },
      },
    );
  };

  return (
    <section className="card" data-testid="edit-radar">
      <h2>Edit the radar</h2>
      <p className="muted small">
        A Radar document (apiVersion backbeat.dev/v1). Every ring change is recorded in the entry's history with the
        reason below.
      </p>
      <form className="form" onSubmit={onSubmit}>
        <label>
          Radar YAML
          <textarea
            className="radar-yaml"
            value={yaml}
            spellCheck={false}
            onChange={(event) => setYaml(event.target.value)}
            data-testid="radar-yaml"
          />
        </label>
        <label>
          Why
          <input
            className="radar-input"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            placeholder="e.g. Koa moves to HOLD: its ecosystem has stalled"
            data-testid="radar-reason"
          />
        </label>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={apply.isPending || !yaml.trim()}>
            {apply.isPending ? 'Saving…' : 'Save radar'}
          </button>
        </div>
      </form>
      {apply.isError && (
        <div className="state state-error problem" role="alert" data-testid="radar-errors">
          <span>{errorMessage(apply.error)}</span>
          {problems.length > 0 && (
            <ul className="problem-list">
              {problems.map((p, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity
                <li key={index}>
                  {p.line !== undefined ? `line ${p.line} ` : ''}
                  <code>{p.field}</code>: {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
