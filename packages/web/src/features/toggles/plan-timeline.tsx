import { useState } from 'react';
import { errorMessage } from '../../app/api-client.js';
import { Pill } from '../../app/ui/pill.js';
import { ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { FieldError } from './field-error.js';
import { GuardCharts } from './guard-charts.js';
import {
  type Guard,
  type GuardAction,
  type PlanAction,
  type RolloutPlan,
  type TimelineEntry,
  useCreatePlan,
  useCurrentPlan,
  usePlanAction,
} from './plans-api.js';
import { fieldErrorsOf, milestoneSteps, parseMilestones } from './toggles-model.js';

const STATUS_TONE: Record<string, string> = {
  running: 'info',
  paused: 'warn',
  completed: 'ok',
  aborted: 'danger',
  draft: 'neutral',
};

const KIND_TONE: Record<string, string> = {
  'guard-breached': 'danger',
  'turned-off': 'danger',
  'rolled-back': 'warn',
  'guard-unavailable': 'warn',
  paused: 'warn',
  aborted: 'danger',
  completed: 'ok',
  'milestone-reached': 'info',
};

/** The flag's rollout plan in one environment: milestones, guards, controls and what happened. */
export function PlanTimeline({ project, flag, environment }: { project: string; flag: string; environment: string }) {
  const plan = useCurrentPlan(project, flag, environment);
  const [creating, setCreating] = useState(false);
  if (plan.isPending) return <Loading />;
  if (plan.isError) return <ErrorState error={plan.error} onRetry={() => plan.refetch()} />;
  const finished = !plan.data || plan.data.status === 'completed' || plan.data.status === 'aborted';
  return (
    <div className="toggles-plan" data-testid="rollout-plan">
      {plan.data ? (
        <PlanView plan={plan.data} />
      ) : (
        <p className="muted small">
          No rollout plan. A plan widens the rollout through milestones, on a schedule or by hand, and its guards roll
          back or switch off when a metric crosses its threshold.
        </p>
      )}
      {finished &&
        (creating ? (
          <CreatePlanForm project={project} flag={flag} environment={environment} onDone={() => setCreating(false)} />
        ) : (
          <button type="button" className="btn" onClick={() => setCreating(true)}>
            New rollout plan
          </button>
        ))}
    </div>
  );
}

function PlanView({ plan }: { plan: RolloutPlan }) {
  const action = usePlanAction(plan.project, plan.flag);
  const run = (name: PlanAction, ask?: string) => {
    let reason: string | undefined;
    if (ask) {
      const answer = window.prompt(ask);
      if (answer === null) return;
      reason = answer.trim() || undefined;
    }
    action.mutate({ id: plan.id, action: name, ...(reason ? { reason } : {}) });
  };
  const steps = milestoneSteps(plan);
  return (
    <>
      <div className="toggles-row">
        <span data-testid="plan-status">
          <Pill tone={STATUS_TONE[plan.status] ?? 'neutral'}>{plan.status}</Pill>
        </span>
        <span className="muted small">
          {plan.holdSeconds ? `advances every ${formatSeconds(plan.holdSeconds)}` : 'advances by hand'}
          {plan.nextAt && (
            <>
              {' '}
              · next <Time iso={plan.nextAt} />
            </>
          )}{' '}
          · by {plan.createdBy}
        </span>
        <span className="toggles-spacer" />
        {plan.status === 'draft' && (
          <button type="button" className="btn btn-primary btn-small" onClick={() => run('start')}>
            Start
          </button>
        )}
        {plan.status === 'running' && (
          <>
            <button type="button" className="btn btn-small" onClick={() => run('advance')}>
              Advance now
            </button>
            <button type="button" className="btn btn-small" onClick={() => run('pause', 'Why pause the plan?')}>
              Pause
            </button>
          </>
        )}
        {plan.status === 'paused' && (
          <button type="button" className="btn btn-small" onClick={() => run('resume')}>
            Resume
          </button>
        )}
        {(plan.status === 'running' || plan.status === 'paused' || plan.status === 'draft') && (
          <button
            type="button"
            className="btn btn-danger btn-small"
            onClick={() => run('abort', 'Why abort the plan?')}
          >
            Abort
          </button>
        )}
      </div>
      {action.isError && <div className="error-text small">{errorMessage(action.error)}</div>}
      <ol className="toggles-milestones" data-testid="plan-milestones">
        {steps.map((step, index) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: milestones are positions in the plan
            key={index}
            className={`toggles-milestone toggles-milestone-${step.state}`}
            data-state={step.state}
          >
            <span className="toggles-milestone-dot" />
            <strong>{step.percent}%</strong>
            <span className="muted small">{step.reachedAt ? <Time iso={step.reachedAt} /> : ' '}</span>
          </li>
        ))}
      </ol>
      {plan.guards.length > 0 && <GuardTable guards={plan.guards} timeline={plan.timeline} />}
      {plan.guards.length > 0 && plan.status !== 'draft' && <GuardCharts plan={plan} />}
      <ol className="toggles-history" data-testid="plan-timeline">
        {plan.timeline
          .slice()
          .sort((a, b) => b.at.localeCompare(a.at))
          .map((entry) => (
            <li key={entry.id} className="toggles-history-item">
              <div className="toggles-row">
                <Pill tone={KIND_TONE[entry.kind] ?? 'neutral'}>{entry.kind}</Pill>
                {entry.percent !== null && <strong className="small">{entry.percent}%</strong>}
                <span className="small">by {entry.actor}</span>
                <span className="muted small">
                  <Time iso={entry.at} />
                </span>
              </div>
              {describeDetail(entry) && <div className="small muted">{describeDetail(entry)}</div>}
            </li>
          ))}
      </ol>
    </>
  );
}

/** Each guard, its condition and the last reading the plan recorded for it. */
function GuardTable({ guards, timeline }: { guards: Guard[]; timeline: TimelineEntry[] }) {
  return (
    <table className="table table-compact" data-testid="plan-guards">
      <thead>
        <tr>
          <th>Guard</th>
          <th>Breaks when</th>
          <th>Then</th>
          <th>Last reading</th>
        </tr>
      </thead>
      <tbody>
        {guards.map((guard, index) => {
          const label = guard.name ?? `guards[${index}] (${guard.kind})`;
          const last = timeline
            .filter((e) => (e.kind === 'guard-breached' || e.kind === 'guard-unavailable') && e.detail.guard === label)
            .sort((a, b) => b.at.localeCompare(a.at))[0];
          return (
            <tr key={label}>
              <td>{label}</td>
              <td className="small">{guardCondition(guard)}</td>
              <td className="small">{guard.action === 'off' ? 'switch off' : 'roll back'}</td>
              <td className="small">
                {last ? (
                  <>
                    <Pill tone={last.kind === 'guard-breached' ? 'danger' : 'warn'}>
                      {last.kind === 'guard-breached' ? 'breached' : 'no data'}
                    </Pill>{' '}
                    {formatReading(guard, last.detail.value)} <Time iso={last.at} />
                  </>
                ) : (
                  <Pill tone="ok">within threshold</Pill>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function guardCondition(guard: Guard): string {
  if (guard.kind === 'error-rate') {
    const app = guard.appName ? ` of ${guard.appName}` : '';
    return `error rate${app} above ${round(guard.threshold * 100)}% over ${guard.windowMinutes} min (at least ${guard.minRequests} requests)`;
  }
  return `${guard.query} ${guard.breachWhen} ${guard.threshold}`;
}

function formatReading(guard: Guard, value: unknown): string {
  if (typeof value !== 'number') return '';
  return guard.kind === 'error-rate' ? `${round(value * 100)}%` : String(value);
}

function describeDetail(entry: TimelineEntry): string {
  const d = entry.detail;
  const parts: string[] = [];
  if (typeof d.guard === 'string') parts.push(`guard ${d.guard}`);
  if (typeof d.value === 'number') parts.push(`value ${round(d.value)}`);
  if (typeof d.detail === 'string') parts.push(d.detail);
  if (typeof d.reason === 'string') parts.push(`“${d.reason}”`);
  if (typeof d.by === 'string') parts.push(`by ${d.by}`);
  return parts.join(' · ');
}

function CreatePlanForm({
  project,
  flag,
  environment,
  onDone,
}: {
  project: string;
  flag: string;
  environment: string;
  onDone: () => void;
}) {
  const create = useCreatePlan(project, flag, environment);
  const [milestones, setMilestones] = useState('1, 5, 25, 50, 100');
  const [holdMinutes, setHoldMinutes] = useState('60');
  const [threshold, setThreshold] = useState('5');
  const [guardAction, setGuardAction] = useState<GuardAction>('rollback');
  const [localError, setLocalError] = useState<string>();
  const errors = create.isError ? fieldErrorsOf(create.error) : {};
  return (
    <form
      className="toggles-plan-form"
      data-testid="create-plan"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseMilestones(milestones);
        if ('error' in parsed) {
          setLocalError(parsed.error);
          return;
        }
        setLocalError(undefined);
        const guards: Guard[] =
          threshold.trim() === ''
            ? []
            : [
                {
                  kind: 'error-rate',
                  name: 'error rate',
                  threshold: Number(threshold) / 100,
                  windowMinutes: 10,
                  minRequests: 100,
                  action: guardAction,
                },
              ];
        const hold = holdMinutes.trim() === '' ? undefined : Math.round(Number(holdMinutes) * 60);
        create.mutate(
          { milestones: parsed.milestones, ...(hold ? { holdSeconds: hold } : {}), guards, start: true },
          { onSuccess: onDone },
        );
      }}
    >
      <div className="toggles-row">
        <label className="toggles-field toggles-field-wide">
          <span>Milestones (%)</span>
          <input
            className="input toggles-input"
            data-testid="plan-milestones-input"
            value={milestones}
            onChange={(event) => setMilestones(event.target.value)}
          />
          {localError && <div className="error-text toggles-field-error">{localError}</div>}
          <FieldError errors={errors} path="milestones" />
        </label>
        <label className="toggles-field">
          <span>Hold each (minutes)</span>
          <input
            className="input toggles-input"
            inputMode="numeric"
            placeholder="by hand"
            value={holdMinutes}
            onChange={(event) => setHoldMinutes(event.target.value)}
          />
          <FieldError errors={errors} path="holdSeconds" />
        </label>
        <label className="toggles-field">
          <span>Error-rate guard (%)</span>
          <input
            className="input toggles-input"
            inputMode="decimal"
            placeholder="none"
            value={threshold}
            onChange={(event) => setThreshold(event.target.value)}
          />
          <FieldError errors={errors} path="guards[0].threshold" />
        </label>
        <label className="toggles-field">
          <span>On breach</span>
          <select
            className="toggles-select"
            value={guardAction}
            onChange={(event) => setGuardAction(event.target.value as GuardAction)}
          >
            <option value="rollback">roll back to the last safe milestone</option>
            <option value="off">switch the flag off</option>
          </select>
        </label>
      </div>
      {create.isError && <div className="error-text small">{errorMessage(create.error)}</div>}
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          Start plan
        </button>
      </div>
    </form>
  );
}

function formatSeconds(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
