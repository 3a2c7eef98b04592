import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../../app/api-client.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { OpenChanges, RequestApproval } from './change-requests.js';
import { isApprovalRequired } from './changes-api.js';
import { ExposureChart } from './exposure-chart.js';
import { FlagHistory } from './flag-history.js';
import { EnvironmentTabs } from './flags-page.js';
import { KillSwitch } from './kill-switch.js';
import { PlanTimeline } from './plan-timeline.js';
import { StrategyEditor } from './strategy-editor.js';
import {
  type Flag,
  type ToggleEnvironment,
  togglesRoutes,
  useEnvironments,
  useFlag,
  useFlagMetrics,
  useSetEnabled,
  useSetVariants,
  type Variant,
} from './toggles-api.js';
import { audienceOf, exposureSeries, fieldErrorsOf, flagTypeTone, variantTotals } from './toggles-model.js';
import { VariantsEditor } from './variants-editor.js';
import './toggles.css';

/** One flag: the switch per environment, strategies, variants, exposure, kill switch and history. */
export function FlagPage() {
  const params = useParams();
  const project = params.project ?? '';
  const name = params.name ?? '';
  usePageTitle(name);
  const flag = useFlag(project, name);
  const environments = useEnvironments();

  if (flag.isPending || environments.isPending) return <Loading />;
  if (flag.isError) {
    if (flag.error instanceof ApiError && flag.error.status === 404) {
      return (
        <EmptyState title={`No flag named "${name}" in ${project}.`}>
          <Link to={togglesRoutes.list(project)}>Back to the project's flags</Link>
        </EmptyState>
      );
    }
    return <ErrorState error={flag.error} onRetry={() => flag.refetch()} />;
  }
  if (environments.isError) return <ErrorState error={environments.error} onRetry={() => environments.refetch()} />;
  return <FlagView flag={flag.data} environments={environments.data} />;
}

function FlagView({ flag, environments }: { flag: Flag; environments: ToggleEnvironment[] }) {
  const [search, setSearch] = useSearchParams();
  const envKey = search.get('env') ?? environments.find((e) => e.production)?.key ?? environments[0]?.key ?? '';
  const state = flag.environments[envKey];
  const selectEnv = (key: string) => setSearch({ env: key }, { replace: true });

  return (
    <div className="page">
      <div className="breadcrumb">
        <Link to={togglesRoutes.list()}>Feature toggles</Link>
        <span>/</span>
        <Link to={togglesRoutes.list(flag.project, envKey)}>{flag.project}</Link>
        <span>/</span>
        <span>{flag.name}</span>
      </div>
      <div className="page-head">
        <div>
          <h1 data-testid="flag-title">{flag.name}</h1>
          {flag.description && <p className="muted">{flag.description}</p>}
          <div className="pill-row">
            <Pill tone={flagTypeTone(flag.type)}>{flag.type}</Pill>
            {flag.stale && <Pill tone="warn">stale</Pill>}
            {flag.archivedAt && <Pill tone="warn">archived</Pill>}
          </div>
        </div>
        <KillSwitch flag={flag} environments={environments} />
      </div>

      <section className="card">
        <div className="card-head">
          <h2>Environments</h2>
        </div>
        <table className="table table-compact toggles-environments" data-testid="flag-environments">
          <tbody>
            {environments.map((e) => (
              <EnvironmentRow
                key={e.key}
                flag={flag}
                environment={e}
                selected={e.key === envKey}
                onSelect={() => selectEnv(e.key)}
              />
            ))}
          </tbody>
        </table>
      </section>

      <OpenChanges project={flag.project} flag={flag.name} />
      <EnvironmentTabs environments={environments} active={envKey} onSelect={selectEnv} />
      {state ? (
        <div role="tabpanel" className="toggles-panel">
          <section className="card">
            <div className="card-head">
              <h2>Strategies in {envKey}</h2>
              <span className="muted small">Any matching strategy turns the flag on for a context.</span>
            </div>
            <StrategyEditor
              key={`${envKey}/${state.updatedAt ?? ''}`}
              project={flag.project}
              flag={flag.name}
              environment={envKey}
              strategies={state.strategies}
            />
          </section>
          <section className="card">
            <div className="card-head">
              <h2>Variants in {envKey}</h2>
            </div>
            <FlagVariants key={`${envKey}/${state.updatedAt ?? ''}`} flag={flag} environment={envKey} />
          </section>
          <section className="card">
            <div className="card-head">
              <h2>Rollout plan in {envKey}</h2>
            </div>
            <PlanTimeline project={flag.project} flag={flag.name} environment={envKey} />
          </section>
          <section className="card">
            <div className="card-head">
              <h2>Exposure in {envKey}</h2>
              <span className="muted small">evaluations per hour, last 24 hours</span>
            </div>
            <Exposure project={flag.project} flag={flag.name} environment={envKey} />
          </section>
        </div>
      ) : (
        <EmptyState title={`No environment "${envKey}".`} />
      )}
      <section className="card">
        <div className="card-head">
          <h2>History</h2>
        </div>
        <FlagHistory project={flag.project} flag={flag.name} />
      </section>
    </div>
  );
}

function EnvironmentRow({
  flag,
  environment,
  selected,
  onSelect,
}: {
  flag: Flag;
  environment: ToggleEnvironment;
  selected: boolean;
  onSelect: () => void;
}) {
  const state = flag.environments[environment.key];
  const toggle = useSetEnabled(flag.project, flag.name);
  const enabled = state?.enabled ?? false;
  const row = (
    <tr data-testid="environment-row" data-env={environment.key} className={selected ? 'row-open' : undefined}>
      <td>
        <button type="button" className="link-button" onClick={onSelect}>
          {environment.name}
        </button>
        {environment.production && (
          <>
            {' '}
            <Pill tone="danger">production</Pill>
          </>
        )}
      </td>
      <td>
        <button
          type="button"
          role="switch"
          aria-checked={enabled}
          aria-label={`${environment.name}: ${enabled ? 'on' : 'off'}`}
          data-testid={`switch-${environment.key}`}
          className={`toggles-switch${enabled ? ' on' : ''}`}
          disabled={toggle.isPending}
          onClick={() => toggle.mutate({ environment: environment.key, enabled: !enabled })}
        >
          <span className="toggles-switch-knob" />
        </button>
        {toggle.isError && !isApprovalRequired(toggle.error) && (
          <span className="error-text small"> {errorMessage(toggle.error)}</span>
        )}
      </td>
      <td className="small">{enabled ? audienceOf(state) : <span className="muted">nobody (off)</span>}</td>
    </tr>
  );
  if (!isApprovalRequired(toggle.error)) return row;
  return (
    <>
      {row}
      <tr>
        <td colSpan={3}>
          <RequestApproval
            error={toggle.error}
            project={flag.project}
            flag={flag.name}
            environment={environment.key}
            change={{ action: toggle.variables?.enabled ? 'enable' : 'disable' }}
          />
        </td>
      </tr>
    </>
  );
}

function FlagVariants({ flag, environment }: { flag: Flag; environment: string }) {
  const saved = flag.environments[environment]?.variants ?? [];
  const [draft, setDraft] = useState<Variant[]>(saved);
  const save = useSetVariants(flag.project, flag.name);
  const errors = save.isError ? fieldErrorsOf(save.error) : {};
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  return (
    <form
      data-testid="flag-variants"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ environment, variants: draft });
      }}
    >
      {save.isError && !isApprovalRequired(save.error) && (
        <div className="state state-error" role="alert">
          {errorMessage(save.error)}
        </div>
      )}
      <RequestApproval
        error={save.error}
        project={flag.project}
        flag={flag.name}
        environment={environment}
        change={{ action: 'variants', variants: draft }}
      />
      <VariantsEditor variants={draft} onChange={setDraft} errors={errors} prefix="variants" />
      <div className="form-actions">
        <span className="toggles-spacer" />
        {dirty && (
          <button type="button" className="btn btn-ghost" onClick={() => setDraft(saved)}>
            Discard changes
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={!dirty || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save variants'}
        </button>
      </div>
    </form>
  );
}

function Exposure({ project, flag, environment }: { project: string; flag: string; environment: string }) {
  const metrics = useFlagMetrics(project, flag, environment);
  if (metrics.isPending) return <Loading />;
  if (metrics.isError) return <ErrorState error={metrics.error} onRetry={() => metrics.refetch()} />;
  const variants = variantTotals(metrics.data);
  return (
    <>
      <ExposureChart points={exposureSeries(metrics.data)} />
      {variants.length > 0 && (
        <p className="small muted" data-testid="exposure-variants">
          Variants handed out: {variants.map(([name, count]) => `${name} ${count}`).join(' · ')}
        </p>
      )}
    </>
  );
}
