import { useState } from 'react';
import { ProblemDetails } from '../../app/ui/status.js';
import { type Flag, type ToggleEnvironment, useKill } from './toggles-api.js';

/**
 * The big red button: turns the flag off (everywhere or in one environment) after
 * asking why. Strategies stay, so switching back on restores the rollout.
 */
export function KillSwitch({ flag, environments }: { flag: Flag; environments: ToggleEnvironment[] }) {
  const kill = useKill(flag.project, flag.name);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [environment, setEnvironment] = useState('');
  const anyOn = Object.values(flag.environments).some((e) => e.enabled);

  if (!open) {
    return (
      <button
        type="button"
        className="btn btn-danger btn-large toggles-kill"
        data-testid="kill-switch"
        disabled={!anyOn}
        title={anyOn ? 'Turn the flag off now' : 'Already off everywhere'}
        onClick={() => setOpen(true)}
      >
        Kill switch
      </button>
    );
  }
  return (
    <form
      className="card toggles-kill-form"
      data-testid="kill-form"
      onSubmit={(event) => {
        event.preventDefault();
        kill.mutate(
          { reason, ...(environment ? { environment } : {}) },
          {
            onSuccess: () => {
              setOpen(false);
              setReason('');
            },
          },
        );
      }}
    >
      <strong>Kill {flag.name}?</strong>
      <p className="muted small">
        The switch goes off at once for every connected SDK. Strategies and variants stay as they are.
      </p>
      <label className="toggles-field">
        <span>Where</span>
        <select
          className="toggles-select"
          data-testid="kill-environment"
          value={environment}
          onChange={(event) => setEnvironment(event.target.value)}
        >
          <option value="">every environment</option>
          {environments.map((e) => (
            <option key={e.key} value={e.key}>
              {e.name}
            </option>
          ))}
        </select>
      </label>
      <label className="toggles-field toggles-field-wide">
        <span>Reason</span>
        <textarea
          className="input toggles-input"
          data-testid="kill-reason"
          rows={2}
          required
          placeholder="What is going wrong? This goes into the flag's history."
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
      </label>
      {kill.isError && <ProblemDetails error={kill.error} />}
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
          Cancel
        </button>
        <button
          type="submit"
          className="btn btn-danger"
          data-testid="kill-confirm"
          disabled={kill.isPending || reason.trim() === ''}
        >
          {kill.isPending ? 'Killing…' : 'Kill the flag'}
        </button>
      </div>
    </form>
  );
}
