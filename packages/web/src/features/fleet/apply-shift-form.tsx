import { type FormEvent, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../../app/api-client.js';
import { ProblemDetails } from '../../app/ui/status.js';
import { fleetRoutes, type SpecError, specErrorsOf, useApplyShift } from './fleet-api.js';

const EXAMPLE = `apiVersion: backbeat.dev/v1
kind: Shift
metadata:
  name: bump-log-lib
  description: Move every Node service off the vulnerable log-lib
  owner: group:default/platform-squad
spec:
  targets:
    filter:
      kind: [component]
      type: [service]
    dependency:
      name: log-lib
      below: 2.17.1
  steps:
    - type: bump-dependency
      dependency: log-lib
      to: 2.17.1
  change:
    title: Bump log-lib to 2.17.1
`;

/**
 * Apply a shift from its YAML: Preview computes every diff without publishing,
 * Apply starts the rollout. Spec errors are listed with line and field; clicking one
 * puts the cursor on that line.
 */
export function ApplyShiftForm() {
  const [yaml, setYaml] = useState('');
  const apply = useApplyShift();
  const navigate = useNavigate();
  const textarea = useRef<HTMLTextAreaElement>(null);

  const run = (preview: boolean) => {
    apply.mutate({ yaml, preview }, { onSuccess: (shift) => navigate(fleetRoutes.shift(shift.name)) });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    run(true);
  };
  const specErrors =
    apply.error instanceof ApiError && apply.error.status === 400 ? specErrorsOf(apply.error.problem.errors) : [];

  const goToLine = (error: SpecError) => {
    const element = textarea.current;
    if (!element || !error.line) return;
    const start = offsetOfLine(yaml, error.line);
    const end = yaml.indexOf('\n', start);
    element.focus();
    element.setSelectionRange(start, end === -1 ? yaml.length : end);
  };

  return (
    <section className="card" data-testid="apply-shift">
      <h2>Apply a shift</h2>
      <p className="muted small">
        A Shift document (apiVersion backbeat.dev/v1). Preview plans every repository and shows the diffs without
        publishing anything; Apply starts the rollout. Applying a changed spec with the same name updates that shift.
      </p>
      <form className="form" onSubmit={onSubmit}>
        <label>
          Shift YAML
          <textarea
            ref={textarea}
            className="fleet-yaml"
            value={yaml}
            spellCheck={false}
            placeholder={EXAMPLE}
            onChange={(event) => setYaml(event.target.value)}
            data-testid="shift-yaml"
          />
        </label>
        <div className="form-actions">
          <button type="submit" className="btn" disabled={apply.isPending || !yaml.trim()}>
            {apply.isPending && apply.variables?.preview ? 'Previewing…' : 'Preview'}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={apply.isPending || !yaml.trim()}
            onClick={() => run(false)}
          >
            {apply.isPending && !apply.variables?.preview ? 'Applying…' : 'Apply'}
          </button>
          <button type="button" className="btn btn-ghost" disabled={apply.isPending} onClick={() => setYaml(EXAMPLE)}>
            Start from an example
          </button>
        </div>
      </form>
      {specErrors.length > 0 ? (
        <div className="state state-error problem" role="alert" data-testid="spec-errors">
          <span>{apply.error?.message}</span>
          <ul className="problem-list">
            {specErrors.map((error, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: errors have no identity; the list is replaced whole
              <li key={index}>
                {error.line ? (
                  <button type="button" className="link-button" onClick={() => goToLine(error)}>
                    line {error.line}
                    {error.column ? `:${error.column}` : ''}
                  </button>
                ) : null}
                {error.line ? ' · ' : ''}
                {error.field && <code>{error.field}</code>}
                {error.field ? ': ' : ''}
                {error.message}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        apply.isError && <ProblemDetails error={apply.error} />
      )}
    </section>
  );
}

/** The character offset where 1-based `line` starts (the end of the text when it has fewer lines). */
function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return offset;
}
