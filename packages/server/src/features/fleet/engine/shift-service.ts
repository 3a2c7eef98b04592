import { createHash } from 'node:crypto';
import type { Actor, MembershipResolver } from '../../../platform/auth/actor.js';
import { assertCanWrite } from '../../../platform/auth/authorize.js';
import type { EventLog } from '../../../platform/events/event-log.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../platform/http/problem.js';
import { newId, nowIso } from '../../../platform/ids.js';
import type { CatalogReader, Entity } from '../../catalog/index.js';
import { ownerOf, repositoryOf } from '../../catalog/index.js';
import { RateLimitedError } from '../code-hosts/index.js';
import { CLOSE_TARGET_JOB, PLAN_TARGET_JOB, PUBLISH_TARGET_JOB } from '../jobs.js';
import type { ShiftSpec } from '../model/shift-spec.js';
import { OPEN_CHANGE_STATES, type TargetState } from '../model/target-state.js';
import { parseShiftSpec } from '../spec/index.js';
import type { FleetStore, NewTarget, TargetQuery } from '../store/fleet-store.js';
import type { ShiftRow } from '../store/fleet-tables.js';
import { burndownRule } from './burndown.js';
import { canaryRefs } from './rollout.js';
import {
  type ShiftDetail,
  type ShiftSummary,
  shiftSummary,
  type TargetDetail,
  type TargetPage,
  targetDetail,
  targetView,
} from './shift-views.js';
import { decodeTargetCursor, encodeTargetCursor, targetLimit } from './target-page.js';
import { entityRefOf, targetFilter } from './target-query.js';
import type { TargetRunner } from './target-runner.js';

/** A target filter with the page wanted: `limit` (default 200, at most 1000) and the cursor of the page before. */
export interface TargetPageQuery extends TargetQuery {
  limit?: number;
  cursor?: string;
}

export const FAILED_STATES: readonly TargetState[] = ['plan-failed', 'checks-failed', 'failed'];

export interface ShiftServiceDeps {
  store: FleetStore;
  catalog: CatalogReader;
  membership: MembershipResolver;
  events: EventLog;
  runner: TargetRunner;
}

/**
 * What people and the CLI do with shifts: apply a spec (create, update, preview),
 * pause, resume, close, retry, merge one change, and read progress. Execution
 * itself happens in queue jobs (target-runner.ts).
 *
 * @example
 * const detail = await shifts.apply(actor, { yaml, preview: true });
 */
export function createShiftService(deps: ShiftServiceDeps) {
  const { store, catalog, events, runner } = deps;

  async function requireShift(name: string): Promise<ShiftRow> {
    const shift = await store.shiftByName(name);
    if (!shift) throw new NotFoundError(`No shift named "${name}"`);
    return shift;
  }

  async function assertCanChange(actor: Actor, ownerRefs: string[]): Promise<void> {
    await assertCanWrite(actor, { ownerRefs, membership: deps.membership });
  }

  /**
   * Creates or updates a shift from its YAML. Nothing runs when the spec is
   * invalid (400 naming line and field). New targets are planned; targets whose
   * steps or change template changed are re-planned (their open changes are then
   * updated in place); targets no longer selected are closed.
   */
  async function apply(actor: Actor, input: { yaml: string; preview?: boolean }): Promise<ShiftDetail> {
    const parsed = parseShiftSpec(input.yaml);
    if (!parsed.ok) {
      throw new ValidationError(
        `The shift spec is invalid: ${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}`,
        parsed.problems.map((p) => ({
          field: p.field,
          message: p.message,
          ...(p.line ? { line: p.line } : {}),
          ...(p.column ? { column: p.column } : {}),
        })),
      );
    }
    const spec = parsed.spec;
    const existing = await store.shiftByName(spec.metadata.name);
    await assertCanChange(actor, existing ? [spec.metadata.owner, existing.owner_ref] : [spec.metadata.owner]);

    const planHash = createHash('sha256')
      .update(JSON.stringify([spec.spec.steps, spec.spec.change, spec.spec.targets.dependency ?? null]))
      .digest('hex');
    const now = nowIso();
    const preview = input.preview === true;
    let shift: ShiftRow;
    if (existing) {
      shift = {
        ...existing,
        owner_ref: spec.metadata.owner,
        description: spec.metadata.description ?? null,
        spec_yaml: input.yaml,
        spec_json: JSON.stringify(spec),
        plan_hash: planHash,
        // Re-applying a closed shift opens it again; a paused one stays paused.
        state: existing.state === 'closed' ? 'active' : existing.state,
        preview: preview ? 1 : 0,
        applied_by: actor.userRef ?? actor.displayName,
        updated_at: now,
      };
      const { id: _id, name: _name, created_at: _created, ...patch } = shift;
      await store.updateShift(existing.id, patch);
    } else {
      shift = {
        id: newId(),
        name: spec.metadata.name,
        owner_ref: spec.metadata.owner,
        description: spec.metadata.description ?? null,
        spec_yaml: input.yaml,
        spec_json: JSON.stringify(spec),
        plan_hash: planHash,
        state: 'active',
        preview: preview ? 1 : 0,
        applied_by: actor.userRef ?? actor.displayName,
        created_at: now,
        updated_at: now,
        rate_limited_until: null,
      };
      await store.insertShift(shift);
    }

    const { targets: wanted, warnings } = await selectTargets(spec, shift.created_at);
    const wantedRefs = new Set(wanted.map((t) => t.entityRef));
    const current = await store.targetHeads(shift.id);
    const currentRefs = new Set(current.map((t) => t.entity_ref));

    const added = await store.addTargets(
      shift.id,
      wanted.filter((t) => !currentRefs.has(t.entityRef)),
    );
    let replanned = 0;
    let removed = 0;
    for (const target of current) {
      if (!wantedRefs.has(target.entity_ref)) {
        if (target.state === 'merged' || target.state === 'closed') continue;
        removed++;
        await closeTarget(target.id, target.state, 'No longer selected by the shift spec.');
        continue;
      }
      const stale = target.plan_hash !== null && target.plan_hash !== planHash;
      if (target.state === 'closed' || (stale && target.state !== 'merged')) {
        // Changed steps or template (or selected again): plan again; an open change is updated by the next push.
        if (
          await store.transition(target.id, [target.state], 'pending', { checks: 'none' }, { log: 'Spec changed.' })
        ) {
          replanned++;
          await runner.enqueue(PLAN_TARGET_JOB, target.id);
        }
      } else if (target.state === 'pending') {
        // An apply cut off before queueing its plans left this one waiting: queue it (keyed, so at most once).
        await runner.enqueue(PLAN_TARGET_JOB, target.id);
      } else if (target.state === 'planned' && !preview) {
        await runner.scheduleIfLive(target.id);
      } else if (target.state === 'scheduled' && !preview && shift.state === 'active') {
        await runner.enqueue(PUBLISH_TARGET_JOB, target.id);
      }
    }
    for (const id of added) await runner.enqueue(PLAN_TARGET_JOB, id);

    await events.append(actor, {
      type: 'fleet.shift.applied',
      subject: `shift:${shift.name}`,
      ...(existing ? { before: JSON.parse(existing.spec_json) } : {}),
      after: spec,
      data: { preview, added: added.length, replanned, removed, warnings: warnings.length },
    });
    return { ...(await detail(shift.name)), ...(warnings.length > 0 ? { warnings } : {}) };
  }

  /** The catalog entities a spec targets, each with its repository; those without one are warnings. */
  async function selectTargets(
    spec: ShiftSpec,
    commitDate: string,
  ): Promise<{ targets: NewTarget[]; warnings: string[] }> {
    const { targets } = spec.spec;
    const selected = new Map<string, Entity>();
    for (const entity of await catalog.findEntities(targetFilter(targets))) selected.set(entityRefOf(entity), entity);
    const warnings: string[] = [];
    if (targets.include.length > 0) {
      const included = await catalog.entitiesByRefs(targets.include);
      included.forEach((entity, i) => {
        if (entity) selected.set(entityRefOf(entity), entity);
        else warnings.push(`spec.targets.include[${i}]: no entity ${targets.include[i]} in the catalog`);
      });
    }
    for (const ref of targets.exclude) selected.delete(ref.toLowerCase());
    const result: NewTarget[] = [];
    const canaries = canaryRefs([...selected.keys()], spec.spec.rollout);
    for (const [ref, entity] of [...selected].sort(([a], [b]) => a.localeCompare(b))) {
      const repository = repositoryOf(entity);
      if (!repository) {
        warnings.push(`${ref}: no git repository known (not read from a git location, no backbeat.dev/repository)`);
        continue;
      }
      result.push({
        entityRef: ref,
        repository,
        ownerRef: ownerOf(entity),
        wave: canaries.has(ref) ? 'canary' : 'main',
        commitDate,
      });
    }
    return { targets: result, warnings };
  }

  async function closeTarget(targetId: string, state: TargetState, reason: string): Promise<void> {
    // The reason travels with the job, so the target's history says why it was closed.
    if (OPEN_CHANGE_STATES.has(state)) await runner.enqueue(CLOSE_TARGET_JOB, targetId, undefined, { reason });
    else await runner.close(targetId, reason);
  }

  async function setState(actor: Actor, name: string, state: ShiftRow['state']): Promise<ShiftDetail> {
    const shift = await requireShift(name);
    await assertCanChange(actor, [shift.owner_ref]);
    if (shift.state === 'closed' && state !== 'closed') {
      throw new ValidationError(`Shift "${name}" is closed; apply its spec again to reopen it`);
    }
    await store.updateShift(shift.id, { state });
    await events.append(actor, {
      type: `fleet.shift.${state === 'active' ? 'resumed' : state}`,
      subject: `shift:${name}`,
      before: { state: shift.state },
      after: { state },
    });
    return detail(name);
  }

  async function pause(actor: Actor, name: string): Promise<ShiftDetail> {
    return setState(actor, name, 'paused');
  }

  /** Resumes a paused shift: scheduled targets are queued again, green changes may merge. */
  async function resume(actor: Actor, name: string): Promise<ShiftDetail> {
    const result = await setState(actor, name, 'active');
    const shift = await requireShift(name);
    for (const id of await store.targetIdsIn(shift.id, ['planned'])) await runner.scheduleIfLive(id);
    for (const id of await store.targetIdsIn(shift.id, ['scheduled'])) await runner.enqueue(PUBLISH_TARGET_JOB, id);
    return result;
  }

  /** Closes the shift and every change it opened that is not merged. */
  async function close(actor: Actor, name: string): Promise<ShiftDetail> {
    const result = await setState(actor, name, 'closed');
    const shift = await requireShift(name);
    for (const target of await store.targetHeads(shift.id)) {
      if (target.state === 'merged' || target.state === 'closed') continue;
      await closeTarget(target.id, target.state, 'The shift was closed.');
    }
    return result;
  }

  /** Plans failed targets again: the given ones, or every failed one. */
  async function retry(actor: Actor, name: string, targetIds?: readonly string[]): Promise<{ retried: number }> {
    const shift = await requireShift(name);
    await assertCanChange(actor, [shift.owner_ref]);
    const candidates = targetIds?.length
      ? (await store.targetHeads(shift.id)).filter((t) => targetIds.includes(t.id) || targetIds.includes(t.entity_ref))
      : (await store.targetHeads(shift.id)).filter((t) => FAILED_STATES.includes(t.state));
    let retried = 0;
    for (const target of candidates) {
      if (target.state === 'merged' || target.state === 'pending') continue;
      const moved = await store.transition(
        target.id,
        [target.state],
        'pending',
        { checks: 'none', error: null },
        {
          log: `Retried by ${actor.displayName}.`,
        },
      );
      if (moved) {
        retried++;
        await runner.enqueue(PLAN_TARGET_JOB, target.id);
      }
    }
    await events.append(actor, {
      type: 'fleet.targets.retried',
      subject: `shift:${name}`,
      data: { retried, targets: targetIds ?? 'failed' },
    });
    return { retried };
  }

  /** The Merge button of a change page: merges now, or says why not (409). */
  async function mergeTarget(actor: Actor, name: string, targetId: string): Promise<TargetDetail> {
    const shift = await requireShift(name);
    const target = await requireTarget(shift, targetId);
    await assertCanChange(actor, [shift.owner_ref, ...(target.owner_ref ? [target.owner_ref] : [])]);
    try {
      await runner.merge(target.id, { manual: true });
    } catch (error) {
      if (error instanceof RateLimitedError) throw new ConflictError(error.message);
      throw error;
    }
    await events.append(actor, {
      type: 'fleet.change.merge-requested',
      subject: target.entity_ref,
      data: { shift: name, target: target.id },
    });
    return targetDetailOf(name, target.id);
  }

  async function requireTarget(shift: ShiftRow, idOrRef: string) {
    const byId = await store.targetById(idOrRef);
    if (byId && byId.shift_id === shift.id) return byId;
    const head = (await store.targetHeads(shift.id)).find((t) => t.entity_ref === idOrRef.toLowerCase());
    const byRef = head && (await store.targetById(head.id));
    if (!byRef) throw new NotFoundError(`Shift "${shift.name}" has no target ${idOrRef}`);
    return byRef;
  }

  async function list(): Promise<ShiftSummary[]> {
    const shifts = await store.listShifts();
    return Promise.all(shifts.map(async (s) => shiftSummary(s, await store.totals(s.id))));
  }

  async function detail(name: string): Promise<ShiftDetail> {
    const shift = await requireShift(name);
    const [totals, points] = await Promise.all([store.totals(shift.id), store.burndownOf(shift.id, burndownRule())]);
    return { ...shiftSummary(shift, totals), specYaml: shift.spec_yaml, burndown: points };
  }

  /**
   * One page of a shift's targets under a filter, in entity-ref order, with the
   * filtered total. `cursor` is the `nextCursor` of the page before; a page costs
   * the same wherever it is in the list.
   *
   * @throws ValidationError naming `limit` (not 1 to 1000) or `cursor` (not one this server issued).
   */
  async function targets(name: string, query: TargetPageQuery = {}): Promise<TargetPage> {
    const limit = targetLimit(query.limit);
    const after = query.cursor === undefined ? undefined : decodeTargetCursor(query.cursor);
    const shift = await requireShift(name);
    const filter: TargetQuery = {
      ...(query.states ? { states: query.states } : {}),
      ...(query.ownerRef ? { ownerRef: query.ownerRef } : {}),
      ...(query.text ? { text: query.text } : {}),
    };
    const [page, total] = await Promise.all([
      store.targetPage(shift.id, filter, { limit, ...(after ? { after } : {}) }),
      store.countTargets(shift.id, filter),
    ]);
    const last = page.rows[page.rows.length - 1];
    return {
      items: page.rows.map(targetView),
      ...(page.more && last ? { nextCursor: encodeTargetCursor({ entityRef: last.entity_ref, id: last.id }) } : {}),
      total,
    };
  }

  async function targetDetailOf(name: string, idOrRef: string): Promise<TargetDetail> {
    const shift = await requireShift(name);
    const target = await requireTarget(shift, idOrRef);
    const spec = JSON.parse(shift.spec_json) as ShiftSpec;
    const blocked = runner.mergeBlocker(target, shift, spec, true);
    return targetDetail(target, await store.transitionsOfTarget(target.id), blocked);
  }

  return { apply, pause, resume, close, retry, mergeTarget, list, detail, targets, targetDetail: targetDetailOf };
}

export type ShiftService = ReturnType<typeof createShiftService>;
