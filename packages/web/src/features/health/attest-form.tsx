import { useState } from 'react';
import type { EntityName } from '../../app/entity-refs.js';
import { ProblemDetails } from '../../app/ui/status.js';
import { useAttest } from './health-api.js';
import type { CheckView } from './health-model.js';

/** Owners attest a manual check: passed or failed, with a note; it lapses after the check's period. */
export function AttestForm({ entity, check, onDone }: { entity: EntityName; check: CheckView; onDone: () => void }) {
  const attest = useAttest(entity);
  const [status, setStatus] = useState<'passed' | 'failed'>('passed');
  const [note, setNote] = useState('');
  return (
    <form
      className="form form-inline health-attest-form"
      data-testid="attest-form"
      onSubmit={(event) => {
        event.preventDefault();
        attest.mutate(
          { check: check.check, status, ...(note.trim() ? { note: note.trim() } : {}) },
          { onSuccess: onDone },
        );
      }}
    >
      <label>
        Result
        <select
          className="health-select"
          value={status}
          onChange={(e) => setStatus(e.target.value as 'passed' | 'failed')}
          data-testid="attest-status"
        >
          <option value="passed">passed</option>
          <option value="failed">failed</option>
        </select>
      </label>
      <label className="grow">
        Note
        <input
          className="input"
          value={note}
          maxLength={2000}
          placeholder="What was done, where the evidence is"
          onChange={(e) => setNote(e.target.value)}
          data-testid="attest-note"
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={attest.isPending}>
          {attest.isPending ? 'Attesting…' : `Attest for ${check.manual?.expiresAfterDays ?? 180} days`}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
      {attest.isError && <ProblemDetails error={attest.error} />}
    </form>
  );
}
