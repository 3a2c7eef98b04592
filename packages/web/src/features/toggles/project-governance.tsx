import { errorMessage } from '../../app/api-client.js';
import { EntityLink } from '../../app/ui/entity-link.js';
import { useGovernance, useSetGovernance } from './changes-api.js';
import type { ToggleProject } from './toggles-api.js';

/**
 * The project's four-eyes switch: when on, production changes wait for another owner
 * or an admin to approve them. Everyone sees the setting; owners and admins may
 * change it (the server says who may), and each change is in the audit log.
 */
export function ProjectGovernance({ project }: { project: ToggleProject }) {
  const governance = useGovernance(project.key);
  const save = useSetGovernance(project.key);
  if (!governance.data) {
    return governance.isError ? (
      <p className="error-text small" data-testid="project-governance">
        Four-eyes setting could not be read: {errorMessage(governance.error)}
      </p>
    ) : null;
  }
  const on = governance.data.requireApproval;
  const canChange = governance.data.viewer?.canChange ?? false;
  return (
    <section className="card toggles-governance" data-testid="project-governance" data-on={on ? 'true' : 'false'}>
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-label="Four-eyes approval for production changes"
        data-testid="four-eyes-switch"
        className={`toggles-switch${on ? ' on' : ''}`}
        disabled={!canChange || save.isPending}
        onClick={() => save.mutate({ requireApproval: !on })}
      >
        <span className="toggles-switch-knob" />
      </button>
      <strong>Four-eyes approval for production</strong>
      <span className="muted small" data-testid="four-eyes-state">
        {on
          ? 'On: production changes wait until another owner or an admin approves them (the kill switch never waits).'
          : 'Off: owners change production directly.'}
      </span>
      {!canChange && (
        <span className="muted small" data-testid="four-eyes-who">
          Only admins
          {project.ownerRef && (
            <>
              {' '}
              and members of <EntityLink entityRef={project.ownerRef} defaultKind="group" />
            </>
          )}{' '}
          may change this.
        </span>
      )}
      {save.isError && <span className="error-text small">{errorMessage(save.error)}</span>}
    </section>
  );
}
