import { Link, useSearchParams } from 'react-router-dom';
import { EntityLink } from '../../app/ui/entity-link.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { describeChange, OpenChanges } from './change-requests.js';
import { type ChangeRequest, useOpenChanges } from './changes-api.js';
import { ProjectGovernance } from './project-governance.js';
import {
  type Flag,
  type StaleReason,
  type ToggleEnvironment,
  type ToggleProject,
  togglesRoutes,
  useEnvironments,
  useFlags,
  useProjects,
  useStaleFlags,
} from './toggles-api.js';
import { audienceOf, flagMatches, flagTypeTone, rolloutPercent, staleWhy } from './toggles-model.js';
import './toggles.css';

/** Flags of one project, one environment at a time: switch, rollout and stale mark, with search. */
export function FlagsPage() {
  usePageTitle('Feature toggles');
  const projects = useProjects();
  const environments = useEnvironments();
  const [search, setSearch] = useSearchParams();
  const setParam = (key: string, value: string | undefined) =>
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  const projectKey = search.get('project') ?? projects.data?.[0]?.key;
  const project = projects.data?.find((p) => p.key === projectKey);
  const envKey =
    search.get('env') ??
    environments.data?.find((e) => e.production)?.key ??
    environments.data?.[0]?.key ??
    'production';
  const text = search.get('q') ?? '';

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Feature toggles</h1>
          <p className="muted">Ship dark, roll out step by step, switch off in a second.</p>
        </div>
        {projects.data && projects.data.length > 0 && (
          <label className="inline-label">
            Project
            <select
              className="toggles-select"
              data-testid="project-picker"
              value={projectKey ?? ''}
              onChange={(event) => setParam('project', event.target.value)}
            >
              {projects.data.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.name} ({p.key})
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {projects.isPending && <Loading />}
      {projects.isError && <ErrorState error={projects.error} onRetry={() => projects.refetch()} />}
      {projects.data?.length === 0 && (
        <EmptyState title="No toggle projects yet.">
          Create one with <code>POST /api/toggles/projects</code>.
        </EmptyState>
      )}
      {projects.data && projects.data.length > 0 && !project && (
        <EmptyState title={`No toggle project "${projectKey}".`}>Pick one of the projects above.</EmptyState>
      )}
      {project && <ProjectFacts project={project} />}
      {project && <ProjectGovernance key={project.key} project={project} />}
      {project && <OpenChanges key={project.key} project={project.key} />}
      {project && environments.data && (
        <>
          <EnvironmentTabs environments={environments.data} active={envKey} onSelect={(e) => setParam('env', e)} />
          <section className="card table-card">
            <div className="table-toolbar">
              <input
                type="search"
                className="input"
                placeholder="Search flags by name, description or type…"
                aria-label="Search flags"
                data-testid="flag-search"
                value={text}
                onChange={(event) => setParam('q', event.target.value)}
              />
            </div>
            <FlagTable project={project.key} environment={envKey} text={text} />
          </section>
        </>
      )}
      {environments.isError && <ErrorState error={environments.error} onRetry={() => environments.refetch()} />}
    </div>
  );
}

function ProjectFacts({ project }: { project: ToggleProject }) {
  return (
    <p className="muted small" data-testid="project-facts">
      {project.description}
      {project.entityRef && (
        <>
          {' '}
          · for <EntityLink entityRef={project.entityRef} />
        </>
      )}
      {project.ownerRef && (
        <>
          {' '}
          · owned by <EntityLink entityRef={project.ownerRef} defaultKind="group" />
        </>
      )}
    </p>
  );
}

/** One tab per environment; production ones are marked. */
export function EnvironmentTabs({
  environments,
  active,
  onSelect,
}: {
  environments: ToggleEnvironment[];
  active: string;
  onSelect: (key: string) => void;
}) {
  return (
    <div className="tabs" role="tablist" aria-label="Environments">
      {environments.map((e) => (
        <button
          key={e.key}
          type="button"
          role="tab"
          aria-selected={e.key === active}
          className={`tab${e.key === active ? ' active' : ''}`}
          data-testid={`env-tab-${e.key}`}
          onClick={() => onSelect(e.key)}
        >
          {e.name}
          {e.production && <span className="tab-count danger">prod</span>}
        </button>
      ))}
    </div>
  );
}

function FlagTable({ project, environment, text }: { project: string; environment: string; text: string }) {
  const flags = useFlags(project);
  const stale = useStaleFlags();
  // The same query as the project's "changes waiting" list: no second request.
  const open = useOpenChanges(project);
  if (flags.isPending) return <Loading />;
  if (flags.isError) return <ErrorState error={flags.error} onRetry={() => flags.refetch()} />;
  const shown = flags.data.filter((flag) => flagMatches(flag, text));
  if (flags.data.length === 0) {
    return (
      <EmptyState title="No flags in this project yet.">
        Create one with <code>POST /api/toggles/projects/{project}/flags</code>.
      </EmptyState>
    );
  }
  if (shown.length === 0) return <EmptyState title="No flags match.">Clear the search to see every flag.</EmptyState>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="flags-table">
        <thead>
          <tr>
            <th>Flag</th>
            <th>Type</th>
            <th>{environment}</th>
            <th className="num">Rollout</th>
            <th>Who gets it</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((flag) => (
            <FlagRow
              key={flag.name}
              flag={flag}
              environment={environment}
              staleReasons={stale.data?.get(`${flag.project}/${flag.name}`) ?? []}
              waiting={(open.data ?? []).filter((c) => c.flag === flag.name && c.environment === environment)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FlagRow({
  flag,
  environment,
  staleReasons,
  waiting,
}: {
  flag: Flag;
  environment: string;
  staleReasons: StaleReason[];
  /** Changes to this flag in this environment still waiting for approval or for their time. */
  waiting: ChangeRequest[];
}) {
  const state = flag.environments[environment];
  const percent = rolloutPercent(state);
  const why = staleWhy(flag, staleReasons);
  return (
    <tr data-testid="flag-row" data-flag={flag.name} data-enabled={state?.enabled ? 'true' : 'false'}>
      <td className="cell-name">
        <Link to={togglesRoutes.flag(flag.project, flag.name, environment)}>{flag.name}</Link>
        {why && (
          <span className="toggles-mark" title={why} data-testid="stale-marker">
            <Pill tone="warn">stale</Pill>
          </span>
        )}
        {waiting.length > 0 && (
          <span
            className="toggles-mark"
            title={waiting.map((c) => `${describeChange(c)} (${c.status})`).join('; ')}
            data-testid="waiting-marker"
          >
            <Pill tone="info">{waiting.length === 1 ? '1 change waiting' : `${waiting.length} changes waiting`}</Pill>
          </span>
        )}
        {flag.description && <div className="muted small clamp-2">{flag.description}</div>}
      </td>
      <td>
        <Pill tone={flagTypeTone(flag.type)}>{flag.type}</Pill>
      </td>
      <td>
        <OnOff enabled={state?.enabled ?? false} />
      </td>
      <td className="num" data-testid="flag-rollout">
        {percent === undefined ? <span className="muted">–</span> : `${percent}%`}
      </td>
      <td className="small">{state?.enabled ? audienceOf(state) : <span className="muted">nobody</span>}</td>
      <td>
        <Time iso={state?.updatedAt ?? flag.updatedAt} />
      </td>
    </tr>
  );
}

/** A read-only on/off marker. */
export function OnOff({ enabled }: { enabled: boolean }) {
  return <Pill tone={enabled ? 'ok' : 'neutral'}>{enabled ? 'on' : 'off'}</Pill>;
}
