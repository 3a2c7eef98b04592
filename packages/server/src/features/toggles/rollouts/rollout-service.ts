import type { Actor, MembershipResolver } from '../../../platform/auth/actor.js';
import { SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import { assertCanWrite } from '../../../platform/auth/authorize.js';
import type { EventLog } from '../../../platform/events/event-log.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../platform/http/problem.js';
import { newId, nowIso } from '../../../platform/ids.js';
import type { JobQueue } from '../../../platform/queue/job-queue.js';
import { assertReadable, type ReadAllowList } from '../../catalog/index.js';
import { ApprovalRequiredError } from '../governance/approval-required-error.js';
import type { Project } from '../model/records.js';
import { type ChangeOrigin, type FlagTarget, flagSubject, type TogglesService } from '../service/toggles-service.js';
import type { GuardObservationsStore } from '../store/guard-observations-store.js';
import type { PlansStore } from '../store/plans-store.js';
import type { GuardCheck, GuardReading } from './guard-check.js';
import { GUARD_OBSERVATION_RETENTION_DAYS, type GuardObservation, observationsOf } from './guard-observations.js';
import {
  type CreatePlanInput,
  type Guard,
  guardLabel,
  milestoneIssues,
  type RolloutPlan,
  type TimelineEntry,
  type TimelineKind,
} from './rollout-model.js';

/** The job that moves a running plan: guard checks and the advance after each hold. */
export const PLAN_TICK_JOB = 'toggles.plan-tick';
/** The domain event a guard breach appends; `data.ownerRef` names the group to notify. */
export const GUARD_BREACHED = 'toggle.guard.breached';

export interface PlanWithTimeline extends RolloutPlan {
  timeline: TimelineEntry[];
}

/** One guard of a plan with its condition and what it read over time: a guard chart's data. */
export interface GuardSeries {
  index: number;
  guard: string;
  kind: Guard['kind'];
  threshold: number;
  breachWhen: 'above' | 'below';
  /** Oldest first. */
  observations: Pick<GuardObservation, 'at' | 'state' | 'value' | 'threshold' | 'milestoneIndex' | 'detail'>[];
}

/** Most observations served per guard; a day of one-minute ticks. */
export const MAX_OBSERVATIONS_PER_GUARD = 1440;

/**
 * Rollout plans: milestones applied through the toggles service (so every step is
 * audited and streamed), advanced by hand or after each hold by a queue job, watched
 * by guards. A breach pauses the plan, rolls back to the last safe milestone or turns
 * the flag off, and appends `toggle.guard.breached` with the owner group.
 *
 * @example
 * const plan = await rollouts.create(actor, { project: 'checkout', flag: 'new-cart', environment: 'production' },
 *   { milestones: [1, 5, 25, 50, 100], holdSeconds: 3600, guards: [], start: true });
 */
export interface RolloutService {
  create(actor: Actor, target: FlagTarget, input: CreatePlanInput): Promise<PlanWithTimeline>;
  get(id: string): Promise<PlanWithTimeline>;
  /** The newest plan of a flag in an environment, if any. */
  current(target: FlagTarget): Promise<PlanWithTimeline | undefined>;
  list(options: { project: string; flag?: string; environment?: string }): Promise<RolloutPlan[]>;
  start(actor: Actor, id: string, via?: ChangeOrigin): Promise<PlanWithTimeline>;
  advance(actor: Actor, id: string): Promise<PlanWithTimeline>;
  pause(actor: Actor, id: string, reason?: string): Promise<PlanWithTimeline>;
  /** Continues a paused plan: the flag goes back on at the current milestone. */
  resume(actor: Actor, id: string): Promise<PlanWithTimeline>;
  abort(actor: Actor, id: string, reason?: string): Promise<PlanWithTimeline>;
  /** Reads the guards (recording each reading) and advances when the hold is over; what the queue job runs. */
  tick(id: string, now?: Date): Promise<PlanWithTimeline>;
  /**
   * What each guard of a plan read from `since` on (default: the last 24 hours),
   * with its threshold; at most the newest `limit` readings per guard.
   */
  guardObservations(id: string, options?: { since?: Date; limit?: number }): Promise<GuardSeries[]>;
  /** Deletes guard readings older than the retention; what the prune job runs. */
  pruneGuardObservations(now?: Date): Promise<number>;
}

export interface RolloutServiceOptions {
  plans: PlansStore;
  toggles: TogglesService;
  guards: GuardCheck;
  events: EventLog;
  membership: MembershipResolver;
  queue?: JobQueue;
  requiresApproval?: (project: string) => Promise<boolean>;
  readAllowList?: ReadAllowList;
  /** How often a running plan with guards reads them; default one minute. */
  guardIntervalMs?: number;
  /** Where every guard reading is kept for the charts; without it readings are not kept. */
  observations?: GuardObservationsStore;
  /** Days guard readings are kept; default 14. */
  observationRetentionDays?: number;
}

function actorName(actor: Actor): string {
  return actor.userRef ?? actor.displayName;
}

export function createRolloutService(options: RolloutServiceOptions): RolloutService {
  const { plans, toggles, guards, events, membership, queue } = options;
  const guardIntervalMs = options.guardIntervalMs ?? 60_000;
  const retentionDays = options.observationRetentionDays ?? GUARD_OBSERVATION_RETENTION_DAYS;

  async function requirePlan(id: string): Promise<RolloutPlan> {
    const plan = await plans.getPlan(id);
    if (!plan) throw new NotFoundError(`No rollout plan ${id}`);
    return plan;
  }

  async function withTimeline(plan: RolloutPlan): Promise<PlanWithTimeline> {
    return { ...plan, timeline: await plans.timeline(plan.id) };
  }

  async function assertOwner(actor: Actor, project: Project): Promise<void> {
    await assertCanWrite(actor, { ownerRefs: project.ownerRef ? [project.ownerRef] : [], membership });
  }

  async function note(
    plan: RolloutPlan,
    kind: TimelineKind,
    actor: Actor,
    detail: Record<string, unknown> = {},
    milestone: { index: number; percent: number } | undefined = undefined,
  ): Promise<void> {
    await plans.addTimeline({
      id: newId(),
      planId: plan.id,
      at: nowIso(),
      kind,
      milestoneIndex: milestone?.index ?? null,
      percent: milestone?.percent ?? null,
      actor: actorName(actor),
      detail,
    });
  }

  function target(plan: RolloutPlan): FlagTarget {
    return {
      project: plan.project,
      flag: plan.flag,
      environment: plan.environment,
      via: { kind: 'rollout-plan', id: plan.id },
    };
  }

  function holdUntil(plan: RolloutPlan, from: Date): string | null {
    return plan.holdSeconds ? new Date(from.getTime() + plan.holdSeconds * 1000).toISOString() : null;
  }

  async function scheduleTick(plan: RolloutPlan, now: Date): Promise<void> {
    if (!queue || plan.status !== 'running') return;
    const times: number[] = [];
    if (plan.nextAt) times.push(Date.parse(plan.nextAt));
    if (plan.guards.length > 0) times.push(now.getTime() + guardIntervalMs);
    if (times.length === 0) return;
    await queue.enqueue(
      PLAN_TICK_JOB,
      { planId: plan.id },
      { key: `toggle-plan:${plan.id}`, runAt: new Date(Math.min(...times)) },
    );
  }

  /** Claims the next milestone, then applies it; a failed apply puts the claim back. */
  async function moveTo(actor: Actor, plan: RolloutPlan, now: Date, by: 'hand' | 'schedule' | 'start') {
    const index = plan.currentIndex + 1;
    const percent = plan.milestones[index];
    if (percent === undefined) throw new ConflictError(`Plan ${plan.id} has no milestone after ${plan.currentIndex}`);
    const last = index === plan.milestones.length - 1;
    const expected = {
      status: by === 'start' ? ('draft' as const) : ('running' as const),
      currentIndex: plan.currentIndex,
    };
    const at = now.toISOString();
    const won = await plans.updatePlanIf(
      plan.id,
      expected,
      {
        status: last ? 'completed' : 'running',
        currentIndex: index,
        milestoneAt: at,
        nextAt: last ? null : holdUntil(plan, now),
      },
      nowIso(),
    );
    if (!won) throw new ConflictError(`Rollout plan ${plan.id} changed meanwhile; reload it`);
    try {
      await toggles.setRollout(actor, { ...target(plan), percent });
      const flag = await toggles.getFlag(plan.project, plan.flag);
      if (!flag.environments[plan.environment]?.enabled) {
        await toggles.setEnabled(actor, { ...target(plan), enabled: true });
      }
    } catch (error) {
      await plans.updatePlan(
        plan.id,
        {
          status: expected.status,
          currentIndex: plan.currentIndex,
          milestoneAt: plan.milestoneAt,
          nextAt: plan.nextAt,
        },
        nowIso(),
      );
      throw error;
    }
    if (by === 'start') await note(plan, 'started', actor);
    await note(plan, 'milestone-reached', actor, { by }, { index, percent });
    if (last) await note(plan, 'completed', actor, {}, { index, percent });
    const after = await requirePlan(plan.id);
    await scheduleTick(after, now);
    return after;
  }

  async function breach(plan: RolloutPlan, guard: Guard, index: number, reading: GuardReading): Promise<void> {
    const paused = await plans.updatePlanIf(
      plan.id,
      { status: 'running', currentIndex: plan.currentIndex },
      { status: 'paused', nextAt: null },
      nowIso(),
    );
    if (!paused) return;
    const label = guardLabel(guard, index);
    const current = { index: plan.currentIndex, percent: plan.milestones[plan.currentIndex] ?? 0 };
    await note(
      plan,
      'guard-breached',
      SYSTEM_ACTOR,
      { guard: label, detail: reading.detail, value: reading.value, action: guard.action },
      current,
    );
    let percent: number | null = null;
    if (guard.action === 'rollback') {
      // Already below the first milestone (a breach after resuming from 0 %) stays there.
      const safeIndex = Math.max(plan.currentIndex - 1, -1);
      percent = safeIndex >= 0 ? (plan.milestones[safeIndex] as number) : 0;
      await plans.updatePlan(plan.id, { currentIndex: safeIndex }, nowIso());
      await toggles.setRollout(SYSTEM_ACTOR, { ...target(plan), percent });
      await note(plan, 'rolled-back', SYSTEM_ACTOR, { guard: label }, { index: safeIndex, percent });
    } else {
      await toggles.setEnabled(SYSTEM_ACTOR, { ...target(plan), enabled: false });
      await note(plan, 'turned-off', SYSTEM_ACTOR, { guard: label }, current);
    }
    const project = await toggles.getProject(plan.project);
    await events.append(SYSTEM_ACTOR, {
      type: GUARD_BREACHED,
      subject: flagSubject(plan.project, plan.flag),
      data: {
        project: plan.project,
        flag: plan.flag,
        environment: plan.environment,
        plan: plan.id,
        ownerRef: project.ownerRef,
        guard: label,
        kind: guard.kind,
        value: reading.value,
        detail: reading.detail,
        action: guard.action,
        ...(percent !== null ? { rolledBackTo: percent } : {}),
      },
    });
  }

  async function authorize(actor: Actor, plan: RolloutPlan): Promise<void> {
    await assertOwner(actor, await toggles.getProject(plan.project));
  }

  const service: RolloutService = {
    async create(actor, flagTarget, input) {
      const project = await toggles.getProject(flagTarget.project);
      await assertOwner(actor, project);
      const environment = (await toggles.listEnvironments()).find((e) => e.key === flagTarget.environment);
      if (!environment) throw new NotFoundError(`No environment "${flagTarget.environment}"`);
      const flag = await toggles.getFlag(flagTarget.project, flagTarget.flag);
      if (flag.archivedAt) throw new ConflictError(`Flag "${flag.name}" is archived; revive it first`);
      const issues = milestoneIssues(input.milestones);
      if (issues.length > 0) throw new ValidationError(`Invalid milestones: ${issues[0]?.message}`, issues);
      input.guards.forEach((guard) => {
        if (guard.kind === 'prometheus')
          assertReadable(actor, guard.url, options.readAllowList ?? { hosts: [], paths: [] });
      });
      const active = (await plans.listPlans(flagTarget)).find((p) => ['draft', 'running', 'paused'].includes(p.status));
      if (active) {
        throw new ConflictError(
          `Flag "${flag.name}" has a ${active.status} plan ${active.id} in ${environment.key}; abort it first`,
          {
            plan: active.id,
          },
        );
      }
      if (input.start && environment.production && (await options.requiresApproval?.(project.key))) {
        throw new ApprovalRequiredError(project.key, environment.key);
      }
      const at = nowIso();
      const plan: RolloutPlan = {
        id: newId(),
        project: project.key,
        flag: flag.name,
        environment: environment.key,
        milestones: input.milestones,
        holdSeconds: input.holdSeconds ?? null,
        guards: input.guards,
        status: 'draft',
        currentIndex: -1,
        milestoneAt: null,
        nextAt: null,
        createdBy: actorName(actor),
        createdAt: at,
        updatedAt: at,
      };
      await plans.insertPlan(plan);
      await note(plan, 'created', actor, {
        milestones: plan.milestones,
        holdSeconds: plan.holdSeconds,
        guards: plan.guards.length,
      });
      await events.append(actor, {
        type: 'toggle.plan.created',
        subject: flagSubject(plan.project, plan.flag),
        after: plan,
        data: { project: plan.project, flag: plan.flag, environment: plan.environment, plan: plan.id },
      });
      if (input.start) return service.start(actor, plan.id);
      return withTimeline(plan);
    },

    async get(id) {
      return withTimeline(await requirePlan(id));
    },

    async current(flagTarget) {
      const [latest] = await plans.listPlans(flagTarget);
      return latest ? withTimeline(latest) : undefined;
    },

    list: (query) => plans.listPlans(query),

    async start(actor, id, via) {
      const plan = await requirePlan(id);
      const project = await toggles.getProject(plan.project);
      await assertOwner(actor, project);
      if (plan.status !== 'draft') throw new ConflictError(`Plan ${id} is ${plan.status}; only a draft starts`);
      const environment = (await toggles.listEnvironments()).find((e) => e.key === plan.environment);
      if (!via && environment?.production && (await options.requiresApproval?.(project.key))) {
        throw new ApprovalRequiredError(project.key, plan.environment);
      }
      const after = await moveTo(actor, plan, new Date(), 'start');
      return withTimeline(after);
    },

    async advance(actor, id) {
      const plan = await requirePlan(id);
      await authorize(actor, plan);
      if (plan.status !== 'running')
        throw new ConflictError(`Plan ${id} is ${plan.status}; only a running plan advances`);
      return withTimeline(await moveTo(actor, plan, new Date(), 'hand'));
    },

    async pause(actor, id, reason) {
      const plan = await requirePlan(id);
      await authorize(actor, plan);
      if (plan.status !== 'running')
        throw new ConflictError(`Plan ${id} is ${plan.status}; only a running plan pauses`);
      const won = await plans.updatePlanIf(id, plan, { status: 'paused', nextAt: null }, nowIso());
      if (!won) throw new ConflictError(`Rollout plan ${id} changed meanwhile; reload it`);
      await note(plan, 'paused', actor, reason ? { reason } : {});
      await events.append(actor, {
        type: 'toggle.plan.paused',
        subject: flagSubject(plan.project, plan.flag),
        data: { plan: id, environment: plan.environment, ...(reason ? { reason } : {}) },
      });
      return service.get(id);
    },

    async resume(actor, id) {
      const plan = await requirePlan(id);
      await authorize(actor, plan);
      if (plan.status !== 'paused') throw new ConflictError(`Plan ${id} is ${plan.status}; only a paused plan resumes`);
      const now = new Date();
      const won = await plans.updatePlanIf(
        id,
        plan,
        { status: 'running', milestoneAt: now.toISOString(), nextAt: holdUntil(plan, now) },
        nowIso(),
      );
      if (!won) throw new ConflictError(`Rollout plan ${id} changed meanwhile; reload it`);
      const percent = plan.milestones[plan.currentIndex] ?? 0;
      await toggles.setRollout(actor, { ...target(plan), percent });
      const flag = await toggles.getFlag(plan.project, plan.flag);
      if (!flag.environments[plan.environment]?.enabled)
        await toggles.setEnabled(actor, { ...target(plan), enabled: true });
      await note(plan, 'resumed', actor, {}, { index: plan.currentIndex, percent });
      const after = await requirePlan(id);
      await scheduleTick(after, now);
      return withTimeline(after);
    },

    async abort(actor, id, reason) {
      const plan = await requirePlan(id);
      await authorize(actor, plan);
      if (!['draft', 'running', 'paused'].includes(plan.status))
        throw new ConflictError(`Plan ${id} is ${plan.status} already`);
      const won = await plans.updatePlanIf(id, plan, { status: 'aborted', nextAt: null }, nowIso());
      if (!won) throw new ConflictError(`Rollout plan ${id} changed meanwhile; reload it`);
      await note(plan, 'aborted', actor, reason ? { reason } : {});
      await events.append(actor, {
        type: 'toggle.plan.aborted',
        subject: flagSubject(plan.project, plan.flag),
        data: { plan: id, environment: plan.environment, ...(reason ? { reason } : {}) },
      });
      return service.get(id);
    },

    async tick(id, now = new Date()) {
      const plan = await requirePlan(id);
      if (plan.status !== 'running') return withTimeline(plan);
      const scope = { project: plan.project, flag: plan.flag, environment: plan.environment };
      const readings = await Promise.all(plan.guards.map((guard) => guards.read(guard, scope, now)));
      await options.observations?.add(observationsOf(plan, readings, now));
      const breachedAt = readings.findIndex((r) => r.state === 'breached');
      if (breachedAt >= 0) {
        await breach(plan, plan.guards[breachedAt] as Guard, breachedAt, readings[breachedAt] as GuardReading);
        return service.get(id);
      }
      const unavailable = readings.findIndex((r) => r.state === 'unavailable');
      if (unavailable >= 0) {
        // An unreadable guard holds the milestone: advancing blind is what guards exist to prevent.
        const timeline = await plans.timeline(id);
        if (timeline.at(-1)?.kind !== 'guard-unavailable') {
          await note(plan, 'guard-unavailable', SYSTEM_ACTOR, {
            guard: guardLabel(plan.guards[unavailable] as Guard, unavailable),
            detail: readings[unavailable]?.detail,
          });
        }
        await scheduleTick(plan, now);
        return withTimeline(plan);
      }
      if (plan.nextAt && now.getTime() >= Date.parse(plan.nextAt)) {
        return withTimeline(await moveTo(SYSTEM_ACTOR, plan, now, 'schedule'));
      }
      await scheduleTick(plan, now);
      return withTimeline(plan);
    },

    async guardObservations(id, query = {}) {
      const plan = await requirePlan(id);
      const since = (query.since ?? new Date(Date.now() - 86_400_000)).toISOString();
      const limit = Math.min(Math.max(1, query.limit ?? MAX_OBSERVATIONS_PER_GUARD), MAX_OBSERVATIONS_PER_GUARD);
      return Promise.all(
        plan.guards.map(async (guard, index) => {
          const rows = options.observations
            ? await options.observations.list({ planId: plan.id, guardIndex: index, since, limit })
            : [];
          return {
            index,
            guard: guardLabel(guard, index),
            kind: guard.kind,
            threshold: guard.threshold,
            breachWhen: guard.kind === 'prometheus' ? guard.breachWhen : 'above',
            observations: rows.map(({ at, state, value, threshold, milestoneIndex, detail }) => ({
              at,
              state,
              value,
              threshold,
              milestoneIndex,
              detail,
            })),
          } satisfies GuardSeries;
        }),
      );
    },

    async pruneGuardObservations(now = new Date()) {
      if (!options.observations) return 0;
      return options.observations.prune(new Date(now.getTime() - retentionDays * 86_400_000).toISOString());
    },
  };
  return service;
}
