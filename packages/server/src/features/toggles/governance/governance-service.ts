import type { Actor, MembershipResolver } from '../../../platform/auth/actor.js';
import { SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import { assertCanWrite } from '../../../platform/auth/authorize.js';
import type { EventLog } from '../../../platform/events/event-log.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../platform/http/problem.js';
import { newId, nowIso } from '../../../platform/ids.js';
import type { JobQueue } from '../../../platform/queue/job-queue.js';
import type { Project } from '../model/records.js';
import type { RolloutService } from '../rollouts/rollout-service.js';
import { type FlagTarget, flagSubject, type TogglesService } from '../service/toggles-service.js';
import type { GovernanceStore } from '../store/governance-store.js';
import type { ChangeRequest, ChangeStatus, CreateChangeInput, ProjectGovernance } from './change-model.js';

/** The job that applies scheduled changes whose time has come. */
export const APPLY_CHANGES_JOB = 'toggles.apply-changes';

/**
 * Four-eyes approval and scheduled changes. A change request names one change to a
 * flag in one environment; in a four-eyes project a production change waits until
 * another owner or an admin approves it (never the requester), then applies at once
 * or at `applyAt` (a queue job). Applied changes go through the toggles service, so
 * they are audited and streamed like any other, naming the request they came from.
 *
 * @example
 * const request = await governance.request(jane, target, { change: { action: 'enable' } });
 * await governance.approve(admin, request.id);
 */
export interface GovernanceService {
  /** The project's setting; with a `viewer`, also whether that actor may change it (owners, admins). */
  settings(project: string, options?: { viewer?: Actor }): Promise<ProjectGovernance>;
  setSettings(actor: Actor, project: string, input: { requireApproval: boolean }): Promise<ProjectGovernance>;
  request(actor: Actor, target: FlagTarget, input: CreateChangeInput): Promise<ChangeRequest>;
  get(id: string): Promise<ChangeRequest>;
  list(options: { project?: string; status?: ChangeStatus }): Promise<ChangeRequest[]>;
  approve(actor: Actor, id: string, comment?: string): Promise<ChangeRequest>;
  reject(actor: Actor, id: string, comment?: string): Promise<ChangeRequest>;
  cancel(actor: Actor, id: string): Promise<ChangeRequest>;
  /** Applies every scheduled change due at `now`; what the queue job runs. One failure never stops the rest. */
  applyDue(now?: Date): Promise<ChangeRequest[]>;
}

export interface GovernanceServiceOptions {
  store: GovernanceStore;
  toggles: TogglesService;
  rollouts: RolloutService;
  events: EventLog;
  membership: MembershipResolver;
  queue?: JobQueue;
}

/** Who someone is, for "not your own request": the catalog user, or the token or system. */
export function actorKey(actor: Actor): string {
  return actor.userRef ?? `${actor.kind}:${actor.id}`;
}

export function createGovernanceService(options: GovernanceServiceOptions): GovernanceService {
  const { store, toggles, rollouts, events, membership, queue } = options;

  async function assertOwner(actor: Actor, project: Project): Promise<void> {
    await assertCanWrite(actor, { ownerRefs: project.ownerRef ? [project.ownerRef] : [], membership });
  }

  async function mayChange(actor: Actor, project: Project): Promise<boolean> {
    try {
      await assertOwner(actor, project);
      return true;
    } catch (error) {
      if (error instanceof ForbiddenError) return false;
      throw error;
    }
  }

  async function requireChange(id: string): Promise<ChangeRequest> {
    const change = await store.getChange(id);
    if (!change) throw new NotFoundError(`No change request ${id}`);
    return change;
  }

  async function record(actor: Actor, type: string, change: ChangeRequest, extra: Record<string, unknown> = {}) {
    await events.append(actor, {
      type,
      subject: flagSubject(change.project, change.flag),
      after: change,
      data: {
        project: change.project,
        flag: change.flag,
        environment: change.environment,
        changeRequest: change.id,
        ...extra,
      },
    });
  }

  async function scheduleJob(change: ChangeRequest): Promise<void> {
    if (!queue || !change.applyAt) return;
    await queue.enqueue(APPLY_CHANGES_JOB, {}, { key: `toggle-change:${change.id}`, runAt: new Date(change.applyAt) });
  }

  /** Claims a scheduled change (so it applies once) and applies it. */
  async function applyOne(actor: Actor, change: ChangeRequest): Promise<ChangeRequest> {
    if (!(await store.transitionChange(change.id, 'scheduled', { status: 'applied' }, nowIso()))) {
      return requireChange(change.id);
    }
    const target: FlagTarget = {
      project: change.project,
      flag: change.flag,
      environment: change.environment,
      via: { kind: 'change-request', id: change.id },
    };
    try {
      const c = change.change;
      if (c.action === 'enable' || c.action === 'disable') {
        await toggles.setEnabled(actor, { ...target, enabled: c.action === 'enable' });
      } else if (c.action === 'rollout') await toggles.setRollout(actor, { ...target, percent: c.percent });
      else if (c.action === 'strategies') await toggles.setStrategies(actor, { ...target, strategies: c.strategies });
      else if (c.action === 'variants') await toggles.setVariants(actor, { ...target, variants: c.variants });
      else await rollouts.start(actor, c.planId, target.via);
      const applied = await requireChange(change.id);
      await record(actor, 'toggle.change.applied', applied);
      return applied;
    } catch (error) {
      const message = (error as Error).message;
      await store.transitionChange(change.id, 'applied', { status: 'failed', error: message }, nowIso());
      const failed = await requireChange(change.id);
      await record(actor, 'toggle.change.failed', failed, { error: message });
      return failed;
    }
  }

  /** Moves an approved (or approval-free) change on: now, or at its time. */
  async function proceed(actor: Actor, change: ChangeRequest, now: Date): Promise<ChangeRequest> {
    if (change.applyAt && Date.parse(change.applyAt) > now.getTime()) {
      await scheduleJob(change);
      return change;
    }
    return applyOne(actor, change);
  }

  return {
    async settings(key, query = {}) {
      const project = await toggles.getProject(key);
      return {
        project: key,
        requireApproval: await store.requireApproval(key),
        ...(query.viewer ? { viewer: { canChange: await mayChange(query.viewer, project) } } : {}),
      };
    },

    async setSettings(actor, key, input) {
      const project = await toggles.getProject(key);
      await assertOwner(actor, project);
      const before = { project: key, requireApproval: await store.requireApproval(key) };
      await store.setRequireApproval(key, input.requireApproval, nowIso());
      const after = { project: key, requireApproval: input.requireApproval };
      await events.append(actor, {
        type: 'toggle.project.governance',
        subject: `toggle-project:${key}`,
        before,
        after,
      });
      return after;
    },

    async request(actor, target, input) {
      const project = await toggles.getProject(target.project);
      await assertOwner(actor, project);
      const environment = (await toggles.listEnvironments()).find((e) => e.key === target.environment);
      if (!environment) throw new NotFoundError(`No environment "${target.environment}"`);
      await toggles.getFlag(target.project, target.flag);
      if (input.change.action === 'start-plan') {
        const plan = await rollouts.get(input.change.planId);
        if (plan.project !== target.project || plan.flag !== target.flag || plan.environment !== target.environment) {
          throw new ValidationError(`Plan ${plan.id} belongs to another flag or environment`, [
            { field: 'change.planId', message: `plan of ${plan.project}/${plan.flag} in ${plan.environment}` },
          ]);
        }
      }
      const now = new Date();
      if (input.applyAt && Number.isNaN(Date.parse(input.applyAt))) {
        throw new ValidationError('applyAt must be an ISO-8601 time', [
          { field: 'applyAt', message: 'an ISO-8601 time' },
        ]);
      }
      const needsApproval = environment.production && (await store.requireApproval(project.key));
      const at = nowIso();
      const change: ChangeRequest = {
        id: newId(),
        project: project.key,
        flag: target.flag,
        environment: environment.key,
        change: input.change,
        note: input.note ?? null,
        status: needsApproval ? 'pending' : 'scheduled',
        applyAt: input.applyAt ? new Date(input.applyAt).toISOString() : null,
        requestedBy: actorKey(actor),
        decidedBy: null,
        error: null,
        createdAt: at,
        updatedAt: at,
      };
      await store.insertChange(change);
      await record(actor, 'toggle.change.requested', change, { needsApproval });
      if (needsApproval) return change;
      return proceed(actor, change, now);
    },

    get: requireChange,
    list: (query) => store.listChanges(query),

    async approve(actor, id, comment) {
      const change = await requireChange(id);
      await assertOwner(actor, await toggles.getProject(change.project));
      if (change.status !== 'pending') throw new ConflictError(`Change request ${id} is ${change.status}, not pending`);
      if (change.requestedBy === actorKey(actor)) {
        throw new ForbiddenError('A change request needs another owner or an admin: you cannot approve your own');
      }
      if (
        !(await store.transitionChange(id, 'pending', { status: 'scheduled', decidedBy: actorKey(actor) }, nowIso()))
      ) {
        throw new ConflictError(`Change request ${id} was decided meanwhile`);
      }
      const approved = await requireChange(id);
      await record(actor, 'toggle.change.approved', approved, comment ? { comment } : {});
      return proceed(actor, approved, new Date());
    },

    async reject(actor, id, comment) {
      const change = await requireChange(id);
      await assertOwner(actor, await toggles.getProject(change.project));
      if (
        !(await store.transitionChange(id, 'pending', { status: 'rejected', decidedBy: actorKey(actor) }, nowIso()))
      ) {
        throw new ConflictError(`Change request ${id} is ${change.status}, not pending`);
      }
      const rejected = await requireChange(id);
      await record(actor, 'toggle.change.rejected', rejected, comment ? { comment } : {});
      return rejected;
    },

    async cancel(actor, id) {
      const change = await requireChange(id);
      if (change.requestedBy !== actorKey(actor)) await assertOwner(actor, await toggles.getProject(change.project));
      const from = change.status;
      if (from !== 'pending' && from !== 'scheduled')
        throw new ConflictError(`Change request ${id} is ${from} already`);
      if (!(await store.transitionChange(id, from, { status: 'cancelled', decidedBy: actorKey(actor) }, nowIso()))) {
        throw new ConflictError(`Change request ${id} changed meanwhile`);
      }
      const cancelled = await requireChange(id);
      await record(actor, 'toggle.change.cancelled', cancelled);
      return cancelled;
    },

    async applyDue(now = new Date()) {
      const results: ChangeRequest[] = [];
      for (const change of await store.dueChanges(now.toISOString())) {
        results.push(await applyOne(SYSTEM_ACTOR, change));
      }
      return results;
    },
  };
}
