import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import type { EventLog } from '../../../platform/events/event-log.js';
import { mirrorDirFor, runGit } from '../../../platform/git/index.js';
import {
  hasLooseObject,
  type ObjectReader,
  openObjectReader,
  parseTreeObject,
  readLooseObject,
  treeOfCommit,
} from '../../../platform/git/object-database.js';
import { ConflictError } from '../../../platform/http/problem.js';
import { nowIso } from '../../../platform/ids.js';
import type { Logger } from '../../../platform/logging.js';
import { MANIFEST_PATHS, matchDependency, readDeclaredDependencies } from '../../../platform/manifests/index.js';
import type { JobContext, JobQueue } from '../../../platform/queue/job-queue.js';
import type { CatalogReader, Entity } from '../../catalog/index.js';
import { type ChangeRef, type CodeHostResolver, RateLimitedError } from '../code-hosts/index.js';
import {
  CHECK_TARGET_JOB,
  CLOSE_TARGET_JOB,
  jobKey,
  MERGE_TARGET_JOB,
  PLAN_TARGET_JOB,
  PUBLISH_TARGET_JOB,
} from '../jobs.js';
import { AUTOMERGE_ANNOTATION, CHECK_COMMAND_ANNOTATION, type ShiftSpec } from '../model/shift-spec.js';
import type { TargetState } from '../model/target-state.js';
import { renderChangeTemplate } from '../spec/index.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { PlanCacheRow, ShiftRow, TargetRow } from '../store/fleet-tables.js';
import { applyBuiltinStep, diskFiles } from '../transforms/index.js';
import {
  BranchConflictError,
  CHECKS_DIR,
  CheckConfigError,
  type CommitMetadata,
  commitTree,
  DEFAULT_CHECK_TIMEOUT_SECONDS,
  NeedsWorktreeError,
  PlanError,
  type PlanResult,
  planChange,
  planInTree,
  readCheckCommand,
  readRootFiles,
  recreateCommit,
  resolveBase,
  runChecks,
  syncMirror,
} from '../workspace/index.js';
import { isWithinWindow, nextPublishSlot, nextWindowOpening } from './rollout.js';

/** Decides whether a component is healthy enough to be auto-merged; the tech-health feature supplies the real one. */
export type HealthGate = (entityRef: string, minLevel: string) => Promise<{ allowed: boolean; reason?: string }>;

export interface TargetRunnerDeps {
  store: FleetStore;
  catalog: CatalogReader;
  queue: JobQueue;
  events: EventLog;
  logger: Logger;
  dataDir: string;
  codeHosts: CodeHostResolver;
  healthGate?: HealthGate;
}

function changeOf(target: TargetRow): ChangeRef | undefined {
  if (target.change_number === null && target.change_url === null) return undefined;
  return {
    ...(target.change_number !== null ? { number: target.change_number } : {}),
    ...(target.change_url ? { url: target.change_url } : {}),
  };
}

/** How long a merge lock may be held before another worker may take it over (a worker died mid-merge). */
const MERGE_LOCK_STALE_MS = 10 * 60_000;
/** How soon a job held back by its shift's `rollout.concurrency` is tried again. */
const CONCURRENCY_RETRY_MS = 250;
/** How often a hosted code host's CI status is asked while it is pending. */
const CI_POLL_MS = 30_000;
/** How soon a merge waiting for another merge into the same branch tries again. */
const MERGE_LOCK_RETRY_MS = 3_000;

const WAVE_DONE: readonly TargetState[] = ['merged', 'closed', 'no-change'];

interface LoadedTarget {
  target: TargetRow;
  shift: ShiftRow;
  spec: ShiftSpec;
}

/**
 * Runs one step of one target at a time: plan, publish, check, merge, close. Each
 * is a queue job handler and idempotent: it first checks the target is still in
 * the state the step starts from (past it, it takes the step after instead, see
 * `continueInterrupted`), and moves it with a compare-and-set, so a job
 * run twice (a worker died, two workers raced, Backbeat was killed and restarted)
 * never pushes twice or loses a transition. Git side effects are safe to repeat:
 * a plan on the same base yields the same commit id (fixed date), a push of a
 * branch already at that commit is a no-op, and a merge already in the base branch
 * is recognised as merged.
 *
 * @example
 * const runner = createTargetRunner({ store, catalog, queue, events, logger, dataDir });
 * runner.registerJobs();
 */
/** The columns of a cached plan that changed nothing (or whose repository is not a target). */
const NO_CHANGE = {
  status: 'no-change',
  change_commit: null,
  change_tree: null,
  diff: null,
  diff_files: 0,
  diff_additions: 0,
  diff_deletions: 0,
} as const;

export function createTargetRunner(deps: TargetRunnerDeps) {
  const { store, catalog, queue, events, logger, codeHosts } = deps;
  const mirrorsDir = join(deps.dataDir, 'mirrors');
  const worktreesDir = join(deps.dataDir, 'worktrees');

  async function load(targetId: string): Promise<LoadedTarget | undefined> {
    const target = await store.targetById(targetId);
    if (!target) return undefined;
    const shift = await store.shiftById(target.shift_id);
    if (!shift) return undefined;
    return { target, shift, spec: JSON.parse(shift.spec_json) as ShiftSpec };
  }

  async function entityOf(entityRef: string): Promise<Entity | undefined> {
    const [entity] = await catalog.entitiesByRefs([entityRef]);
    return entity ?? undefined;
  }

  /**
   * Runs `work`; an infrastructure error (unreachable repository, git failure) is
   * retried by the queue with backoff, and on the last attempt fails the target
   * with the error as its log.
   */
  async function withRetries(
    target: TargetRow,
    context: JobContext,
    from: readonly TargetState[],
    job: string,
    work: () => Promise<void>,
  ): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof RateLimitedError) {
        // Not a failure: the code host asked to wait. The shift shows until when.
        await store.updateShift(target.shift_id, { rate_limited_until: error.until.toISOString() });
        await enqueue(job, target.id, error.until);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      if (context.attempt >= context.maxAttempts) {
        await store.transition(
          target.id,
          from,
          'failed',
          { error: message, last_log: message },
          { log: `attempt ${context.attempt}: ${message}`, attempt: target.attempts },
        );
        return;
      }
      await store.patchTarget(target.id, { error: `attempt ${context.attempt} failed, retrying: ${message}` });
      throw error;
    }
  }

  /** Credentials a hosted code host gives git (as environment variables) to fetch private repositories. */
  async function gitEnvFor(repository: string): Promise<Record<string, string> | undefined> {
    return codeHosts.forRepository(repository).gitEnv?.(repository);
  }

  async function enqueue(job: string, targetId: string, runAt?: Date, extra: { reason?: string } = {}): Promise<void> {
    // Later phases run before new plans, so changes flow through to merged while planning goes on.
    const priority = job === PLAN_TARGET_JOB ? 0 : -1;
    await queue.enqueue(job, { targetId, ...extra }, { key: jobKey(job, targetId), runAt, priority });
  }

  // ---- plan ---------------------------------------------------------------

  async function plan(targetId: string, context: JobContext): Promise<void> {
    const loaded = await load(targetId);
    if (!loaded || loaded.shift.state === 'closed') return;
    if (loaded.target.state !== 'pending') return continueInterrupted(loaded, context, PLAN_TARGET_JOB);
    const { target, shift, spec } = loaded;
    const attempt = target.attempts + 1;
    await store.patchTarget(target.id, { attempts: attempt });
    await withRetries({ ...target, attempts: attempt }, context, ['pending'], PLAN_TARGET_JOB, async () => {
      const { mirrorDir } = await syncMirror(target.repository, mirrorsDir, {
        env: await gitEnvFor(target.repository),
      });
      const base = await resolveBase(mirrorDir);
      const entity = await entityOf(target.entity_ref);
      // One cat-file process serves the manifests and the in-memory plan; a cached
      // plan needs neither, so it is started only when asked for.
      let reader: ObjectReader | undefined;
      const readerOf = () => {
        if (!reader) reader = openObjectReader(mirrorDir);
        return reader;
      };
      try {
        await planOnBase({ target, shift, spec, attempt, mirrorDir, base, entity, readerOf });
      } finally {
        reader?.close();
      }
    });
  }

  async function planOnBase(input: {
    target: TargetRow;
    shift: ShiftRow;
    spec: ShiftSpec;
    attempt: number;
    mirrorDir: string;
    base: { branch: string; commit: string };
    entity: Entity | undefined;
    readerOf: () => ObjectReader;
  }): Promise<void> {
    const { target, shift, spec, attempt, mirrorDir, base, entity, readerOf } = input;
    const rendered = renderChangeTemplate(spec.spec.change, {
      shift: { name: spec.metadata.name, description: spec.metadata.description, owner: spec.metadata.owner },
      entity: entity ?? { metadata: { name: target.entity_ref } },
      owner: target.owner_ref ?? '',
      repository: target.repository,
    });
    const author = spec.spec.change.author;
    const commit = { message: rendered.commitMessage, author, date: target.commit_date };
    const env = {
      BACKBEAT_SHIFT: spec.metadata.name,
      BACKBEAT_ENTITY_REF: target.entity_ref,
      BACKBEAT_REPOSITORY: target.repository,
      BACKBEAT_BASE_BRANCH: base.branch,
    };
    // Keyed by what decides the outcome: the dependency condition, the steps (and what
    // commands see), repository and base. Commit metadata is left out, so any shift
    // with these targets and steps reuses the answer and the tree.
    const commands = spec.spec.steps.some((step) => step.type === 'command');
    const cacheKey = createHash('sha256')
      .update(JSON.stringify([spec.spec.targets.dependency ?? null, spec.spec.steps, commands ? env : null]))
      .update(`\0${target.repository}\0${base.commit}`)
      .digest('hex');

    let outcome = await store.cachedPlan(cacheKey);
    let changeCommit: string | undefined;
    if (outcome?.status === 'changed') {
      changeCommit = await cachedCommit(mirrorDir, outcome, base.commit, commit);
      if (!changeCommit) outcome = undefined;
    }
    let log = outcome?.log ?? '';
    if (!outcome && spec.spec.targets.dependency) {
      const match = await dependencyMatch(readerOf(), base.commit, spec);
      if (!match.matched) {
        log = match.reason;
        outcome = { ...NO_CHANGE, key: cacheKey, log, created_at: nowIso() };
        await store.cachePlan(outcome);
      }
    }
    if (!outcome) {
      try {
        const result = await computeChange({
          mirrorDir,
          reader: readerOf(),
          baseCommit: base.commit,
          steps: spec.spec.steps,
          commit,
          env,
        });
        log = result.log;
        changeCommit = result.status === 'changed' ? result.commit : undefined;
        outcome =
          result.status === 'changed'
            ? {
                key: cacheKey,
                status: 'changed',
                change_commit: null,
                change_tree: result.tree,
                diff: result.diff,
                diff_files: result.stats.files,
                diff_additions: result.stats.additions,
                diff_deletions: result.stats.deletions,
                log,
                created_at: nowIso(),
              }
            : { ...NO_CHANGE, key: cacheKey, log, created_at: nowIso() };
        await store.cachePlan(outcome);
      } catch (error) {
        if (!(error instanceof PlanError)) throw error;
        // A failing step is deterministic: retrying would fail again, so the target fails now with its log.
        await store.transition(
          target.id,
          ['pending'],
          'plan-failed',
          { error: error.message, last_log: error.log, base_branch: base.branch, base_commit: base.commit },
          { log: error.log, attempt },
        );
        return;
      }
    }

    if (outcome.status === 'no-change') {
      await settleNoChange(target, attempt, log || 'The steps changed nothing.', base);
      return;
    }
    const moved = await store.transition(
      target.id,
      ['pending'],
      'planned',
      {
        base_branch: base.branch,
        base_commit: base.commit,
        change_commit: changeCommit,
        diff: outcome.diff,
        diff_files: outcome.diff_files,
        diff_additions: outcome.diff_additions,
        diff_deletions: outcome.diff_deletions,
        plan_hash: shift.plan_hash,
        branch: rendered.branch,
        title: rendered.title,
        body: rendered.body,
        commit_message: rendered.commitMessage,
        labels_json: JSON.stringify(rendered.labels),
        last_log: log,
        error: null,
      },
      { log, attempt },
    );
    if (moved) await scheduleIfLive(target.id);
  }

  /** This shift's commit of a cached tree; undefined when the mirror lacks the tree (it was planned elsewhere). */
  async function cachedCommit(
    mirrorDir: string,
    cached: PlanCacheRow,
    baseCommit: string,
    commit: CommitMetadata,
  ): Promise<string | undefined> {
    if (!cached.change_tree) return undefined;
    return commitTree({ mirrorDir, tree: cached.change_tree, parent: baseCommit, commit }).catch(() => undefined);
  }

  /**
   * A target's change: in memory when every step is built in (no checkout), in a
   * worktree when a step is a command or the tree needs a checkout to be edited exactly.
   */
  async function computeChange(input: {
    mirrorDir: string;
    reader: ObjectReader;
    baseCommit: string;
    steps: ShiftSpec['spec']['steps'];
    commit: CommitMetadata;
    env: Record<string, string>;
  }): Promise<PlanResult> {
    const builtins = input.steps.filter((step) => step.type !== 'command');
    if (builtins.length === input.steps.length) {
      try {
        return await planInTree({ ...input, steps: builtins, applyBuiltinStep });
      } catch (error) {
        if (!(error instanceof NeedsWorktreeError)) throw error;
        logger.debug({ repository: input.mirrorDir, reason: error.message }, 'planning in a worktree');
      }
    }
    return planChange({
      ...input,
      worktreesDir,
      applyBuiltinStep: (step, dir) => applyBuiltinStep(step, diskFiles(dir)),
    });
  }

  async function dependencyMatch(
    reader: ObjectReader,
    commit: string,
    spec: ShiftSpec,
  ): Promise<{ matched: boolean; reason: string }> {
    const condition = spec.spec.targets.dependency;
    if (!condition) return { matched: true, reason: '' };
    const files = await readRootFiles(reader, commit, MANIFEST_PATHS);
    const { dependencies } = readDeclaredDependencies(files);
    const match = matchDependency(dependencies, condition);
    const range = [condition.atLeast && `>= ${condition.atLeast}`, condition.below && `< ${condition.below}`]
      .filter(Boolean)
      .join(' and ');
    if (match.matched) return { matched: true, reason: '' };
    return {
      matched: false,
      reason: match.version
        ? `Not a target: ${condition.name} is at ${match.version} in ${match.file}, outside ${range || 'the condition'}.`
        : `Not a target: no manifest declares ${condition.name}.`,
    };
  }

  async function settleNoChange(
    target: TargetRow,
    attempt: number,
    log: string,
    base: { branch: string; commit: string },
  ): Promise<void> {
    // A change published by an earlier version of the spec is no longer needed: its
    // branch goes before the outcome is recorded, as with a merge, so a crash in
    // between never leaves a settled target with a branch behind.
    if (target.pushed_commit && target.branch) {
      await codeHosts.forRepository(target.repository).close({
        repository: target.repository,
        branch: target.branch,
        pushedCommit: target.pushed_commit,
        change: changeOf(target),
      });
      await store.patchTarget(target.id, { pushed_commit: null });
    }
    const moved = await store.transition(
      target.id,
      ['pending'],
      'no-change',
      { last_log: log, error: null, base_branch: base.branch, base_commit: base.commit, diff: null },
      { log, attempt },
    );
    if (moved) await onTargetSettled(target.shift_id, target.wave);
  }

  // ---- schedule and publish ----------------------------------------------

  /** Moves a planned target to `scheduled` and queues its publish, unless the shift is a preview or paused. */
  async function scheduleIfLive(targetId: string): Promise<void> {
    const loaded = await load(targetId);
    if (loaded?.target.state !== 'planned') return;
    const { shift } = loaded;
    if (shift.preview || shift.state !== 'active') return;
    const moved = await store.transition(targetId, ['planned'], 'scheduled');
    if (moved && (await waveOpen(loaded.target))) await enqueue(PUBLISH_TARGET_JOB, targetId);
  }

  /** The main wave waits until every canary is merged, closed or unchanged. */
  async function waveOpen(target: TargetRow): Promise<boolean> {
    return target.wave === 'canary' || (await store.canariesNotIn(target.shift_id, WAVE_DONE)) === 0;
  }

  async function onTargetSettled(shiftId: string, wave: TargetRow['wave']): Promise<void> {
    if (wave !== 'canary' || (await store.canariesNotIn(shiftId, WAVE_DONE)) > 0) return;
    for (const id of await store.targetIdsIn(shiftId, ['scheduled'])) await enqueue(PUBLISH_TARGET_JOB, id);
  }

  async function publish(targetId: string, context: JobContext): Promise<void> {
    const loaded = await load(targetId);
    if (!loaded) return;
    if (loaded.target.state !== 'scheduled') return continueInterrupted(loaded, context, PUBLISH_TARGET_JOB);
    const { target, shift, spec } = loaded;
    // Paused or closed: resume queues the publish again; close closes the target.
    if (shift.state !== 'active' || shift.preview) return;
    if (!(await waveOpen(target))) return;
    const now = new Date();
    const opening = nextWindowOpening(spec.spec.rollout.publishWindow, now);
    if (!opening) return;
    if (opening.getTime() > now.getTime()) {
      await enqueue(PUBLISH_TARGET_JOB, target.id, opening);
      return;
    }
    // With a publish rate, the publishes of one shift take turns (a lock row, shared by
    // every worker): counting the last hour and publishing must not interleave, or two
    // jobs running at once would both see the same free slot and overshoot the rate.
    const rateLock = spec.spec.rollout.publishPerHour ? `publish-rate:${shift.id}` : undefined;
    if (rateLock) {
      if (!(await store.acquireMergeLock(rateLock, target.id, lockStaleBefore()))) {
        await enqueue(PUBLISH_TARGET_JOB, target.id, new Date(Date.now() + MERGE_LOCK_RETRY_MS));
        return;
      }
    }
    try {
      await publishWithinRate(target, shift, spec, context);
    } finally {
      if (rateLock) await store.releaseMergeLock(rateLock, target.id);
    }
  }

  /** Publishes now if the hourly rate has a free slot, else queues the publish for the next one. */
  async function publishWithinRate(
    target: TargetRow,
    shift: ShiftRow,
    spec: ShiftSpec,
    context: JobContext,
  ): Promise<void> {
    const now = new Date();
    const published = await store.publishedSince(shift.id, new Date(now.getTime() - 3_600_000).toISOString());
    const slot = nextPublishSlot(published, spec.spec.rollout.publishPerHour, now);
    if (slot.getTime() > now.getTime()) {
      await store.updateShift(shift.id, { rate_limited_until: slot.toISOString() });
      await enqueue(PUBLISH_TARGET_JOB, target.id, slot);
      return;
    }
    await withRetries(target, context, ['scheduled'], PUBLISH_TARGET_JOB, async () => {
      const mirrorDir = await ensureChangeCommit(target, spec.spec.change.author);
      if (
        (await mergesOnPublish(target, shift, spec, mirrorDir)) &&
        (await mergeUnpublished(target, shift, spec, mirrorDir))
      ) {
        return;
      }
      let change: ChangeRef;
      try {
        ({ change } = await codeHosts.forRepository(target.repository).publish({
          repository: target.repository,
          mirrorDir,
          commit: target.change_commit as string,
          branch: target.branch as string,
          baseBranch: target.base_branch as string,
          previousCommit: target.pushed_commit ?? undefined,
          title: target.title ?? '',
          body: target.body ?? '',
          labels: target.labels_json ? (JSON.parse(target.labels_json) as string[]) : [],
          change: changeOf(target),
        }));
      } catch (error) {
        if (error instanceof RateLimitedError) {
          await store.updateShift(shift.id, { rate_limited_until: error.until.toISOString() });
          await enqueue(PUBLISH_TARGET_JOB, target.id, error.until);
          return;
        }
        if (!(error instanceof BranchConflictError)) throw error;
        await store.transition(
          target.id,
          ['scheduled'],
          'failed',
          { error: error.message, last_log: error.message },
          { log: error.message },
        );
        return;
      }
      const published = await recordPublished(target, shift.name, {
        pushed_commit: target.change_commit,
        change_number: change.number ?? null,
        change_url: change.url ?? null,
        checks: 'pending',
      });
      if (published) await routeChecks(published, spec, mirrorDir);
    });
  }

  /** Moves a scheduled target to `published` with `fields` and says so; the row as it now is, or undefined if it had moved on. */
  async function recordPublished(
    target: TargetRow,
    shiftName: string,
    fields: Pick<TargetRow, 'pushed_commit' | 'checks'> & Partial<TargetRow>,
    log?: string,
  ): Promise<TargetRow | undefined> {
    const patch = { ...fields, published_at: nowIso(), error: null };
    const moved = await store.transition(target.id, ['scheduled'], 'published', patch, log ? { log } : undefined);
    if (!moved) return undefined;
    await events.append(SYSTEM_ACTOR, {
      type: 'fleet.change.published',
      subject: target.entity_ref,
      data: { shift: shiftName, branch: fields.pushed_commit ? target.branch : null, commit: target.change_commit },
    });
    return { ...target, ...patch, state: 'published' };
  }

  /**
   * Whether the change would be auto-merged the moment it is published: auto-merge
   * on without approval or required checks, nothing to check, nothing holding it,
   * the merge window open. On a host that can, it then goes straight into its base
   * branch without a branch of its own (decision 10).
   */
  async function mergesOnPublish(target: TargetRow, shift: ShiftRow, spec: ShiftSpec, mirrorDir: string) {
    const policy = spec.spec.automerge;
    if (!codeHosts.forRepository(target.repository).mergesUnpublished) return false;
    if (!policy.enabled || policy.requireApproval || policy.requireChecks || shift.state !== 'active') return false;
    if (!isWithinWindow(spec.spec.rollout.mergeWindow, new Date())) return false;
    const entity = await entityOf(target.entity_ref);
    if (await checksToRun(target, mirrorDir, entity)) return false;
    return (await automergeHold(target, policy, entity)) === undefined;
  }

  /**
   * Merges a scheduled change straight into its base branch and records it as
   * published, then merged. False when another change holds the base branch's merge
   * lock: the caller publishes a branch instead, which merges in its turn.
   */
  async function mergeUnpublished(
    target: TargetRow,
    shift: ShiftRow,
    spec: ShiftSpec,
    mirrorDir: string,
  ): Promise<boolean> {
    const lockKey = mergeLockKey(target);
    if (!(await store.acquireMergeLock(lockKey, target.id, lockStaleBefore()))) return false;
    const note =
      `Nothing to check and auto-merge on: merged straight into ${target.base_branch}, ` +
      'without pushing a branch first.';
    try {
      await pushToBase(target, spec, mirrorDir, async (mergedCommit) => {
        const published = await recordPublished(
          target,
          shift.name,
          { pushed_commit: null, checks: 'none', check_log: note },
          note,
        );
        if (published) await settleMerged(published, ['published'], mergedCommit, shift.name);
      });
    } finally {
      await store.releaseMergeLock(lockKey, target.id);
    }
    return true;
  }

  /**
   * A transition and the step after it (queueing the next job, recording the merge of
   * a change merged straight in, opening the main wave) are not one transaction: were
   * Backbeat killed in between, the target would sit one state on with nothing to move
   * it. The queue runs the interrupted job again, and it finds its target past its own
   * step; this takes the step that run would have taken next. Every one of them is
   * safe to repeat, so a job that only runs late does no harm.
   */
  async function continueInterrupted(loaded: LoadedTarget, context: JobContext, job: string): Promise<void> {
    const { target, spec } = loaded;
    if (target.state === 'pending') {
      await enqueue(PLAN_TARGET_JOB, target.id);
    } else if (target.state === 'planned') {
      await scheduleIfLive(target.id);
    } else if (target.state === 'scheduled') {
      if (await waveOpen(target)) await enqueue(PUBLISH_TARGET_JOB, target.id);
    } else if (job === PUBLISH_TARGET_JOB && isAwaitingCheckRouting(target)) {
      await withRetries(target, context, [target.state], job, () => routeChecks(target, spec));
    } else if (target.state === 'checks-passed' || (target.state === 'published' && target.checks === 'none')) {
      await maybeAutomerge(target.id);
    } else if (WAVE_DONE.includes(target.state)) {
      await onTargetSettled(target.shift_id, target.wave);
    }
  }

  function isAwaitingCheckRouting(target: TargetRow): boolean {
    return target.state === 'checks-pending' || (target.state === 'published' && target.checks === 'pending');
  }

  /**
   * After a publish: a check job when there is something to check, else settled here
   * (most repositories of a fleet declare no checks). Safe to repeat: transitions are
   * compare-and-set and the check job is keyed by target.
   */
  async function routeChecks(target: TargetRow, spec: ShiftSpec, mirrorDir?: string): Promise<void> {
    if (target.state === 'published' && !(await store.transition(target.id, ['published'], 'checks-pending'))) return;
    const dir = mirrorDir ?? (await ensureChangeCommit(target, spec.spec.change.author));
    if (await checksToRun(target, dir)) await enqueue(CHECK_TARGET_JOB, target.id);
    else await settleWithoutChecks(target.id);
  }

  /**
   * Whether a published change has checks to run or CI to wait for (a broken checks
   * file counts: the check job reports it). `loaded`: the target's entity, when the
   * caller has read it already.
   */
  async function checksToRun(target: TargetRow, mirrorDir: string, loaded?: Entity): Promise<boolean> {
    if (codeHosts.forRepository(target.repository).ciStatus) return true;
    const entity = loaded ?? (await entityOf(target.entity_ref));
    if (entity?.metadata.annotations?.[CHECK_COMMAND_ANNOTATION]?.trim()) return true;
    const commit = target.change_commit as string;
    // The commit and its root tree are usually loose objects this plan wrote: no
    // `.backbeat` directory there means no checks file, found without starting git.
    const root = readLooseObject(mirrorDir, commit);
    const tree = root?.type === 'commit' ? readLooseObject(mirrorDir, treeOfCommit(root.data)) : undefined;
    if (tree?.type === 'tree' && !parseTreeObject(tree.data).some((e) => e.name === CHECKS_DIR)) return false;
    try {
      return (await readCheckCommand(mirrorDir, commit)) !== undefined;
    } catch {
      return true;
    }
  }

  async function settleWithoutChecks(targetId: string): Promise<void> {
    const note = 'The repository declares no check command (annotation or .backbeat/checks.yaml) and reports no CI.';
    await store.transition(
      targetId,
      ['checks-pending'],
      'published',
      { checks: 'none', check_log: note },
      { log: note },
    );
    await maybeAutomerge(targetId);
  }

  /** The planned commit in this worker's mirror: another worker may have planned it, so re-create it from the stored diff. */
  async function ensureChangeCommit(target: TargetRow, author: ShiftSpec['spec']['change']['author']): Promise<string> {
    const commit = target.change_commit as string;
    const hasCommit = (dir: string) =>
      runGit(['--git-dir', dir, 'cat-file', '-e', `${commit}^{commit}`]).then(
        () => true,
        () => false,
      );
    // Usually this worker planned the commit: no fetch needed (publish, check and merge
    // each come here). A plan leaves its commit as a loose object, found without git.
    const local = mirrorDirFor(mirrorsDir, target.repository);
    if (hasLooseObject(local, commit)) return local;
    if (existsSync(join(local, 'HEAD')) && (await hasCommit(local))) return local;
    const { mirrorDir } = await syncMirror(target.repository, mirrorsDir, { env: await gitEnvFor(target.repository) });
    if (await hasCommit(mirrorDir)) return mirrorDir;
    const recreated = await recreateCommit({
      mirrorDir,
      worktreesDir,
      baseCommit: target.base_commit as string,
      diff: target.diff ?? '',
      commit: {
        message: target.commit_message ?? target.title ?? '',
        author,
        date: target.commit_date,
      },
    });
    if (recreated !== commit) {
      throw new Error(`Re-creating the planned commit gave ${recreated}, not ${commit}; re-plan the target`);
    }
    return mirrorDir;
  }

  // ---- checks ---------------------------------------------------------------

  /**
   * Checks a published change: Backbeat runs the repository's declared check command
   * in a sandboxed worktree of the change; without one, a hosted code host's CI
   * status is polled; with neither, the change stays published with no checks.
   */
  async function check(targetId: string, context: JobContext): Promise<void> {
    const loaded = await load(targetId);
    if (!loaded) return;
    if (loaded.target.state !== 'checks-pending') return continueInterrupted(loaded, context, CHECK_TARGET_JOB);
    const { target, spec } = loaded;
    await withRetries(target, context, ['checks-pending'], CHECK_TARGET_JOB, async () => {
      const mirrorDir = await ensureChangeCommit(target, spec.spec.change.author);
      const entity = await entityOf(target.entity_ref);
      const annotation = entity?.metadata.annotations?.[CHECK_COMMAND_ANNOTATION];
      let declared: Awaited<ReturnType<typeof readCheckCommand>>;
      try {
        declared = await readCheckCommand(mirrorDir, target.change_commit as string, annotation);
      } catch (error) {
        if (!(error instanceof CheckConfigError)) throw error;
        // A broken checks file is the repository's problem to fix: red, with the reason.
        await settleChecks(target.id, false, error.message);
        return;
      }
      if (declared) {
        const result = await runChecks({
          mirrorDir,
          worktreesDir,
          commit: target.change_commit as string,
          command: declared.command,
          timeoutSeconds: declared.timeoutSeconds ?? DEFAULT_CHECK_TIMEOUT_SECONDS,
          env: { BACKBEAT_SHIFT: loaded.shift.name, BACKBEAT_ENTITY_REF: target.entity_ref },
        });
        await settleChecks(target.id, result.passed, result.log);
        return;
      }
      const host = codeHosts.forRepository(target.repository);
      const ci = host.ciStatus
        ? await host.ciStatus({
            repository: target.repository,
            commit: target.change_commit as string,
            change: changeOf(target),
          })
        : 'none';
      if (ci === 'pending') {
        await enqueue(CHECK_TARGET_JOB, target.id, new Date(Date.now() + CI_POLL_MS));
        return;
      }
      if (ci === 'passed' || ci === 'failed') {
        await settleChecks(target.id, ci === 'passed', `CI on ${host.kind} reported ${ci}.`);
        return;
      }
      await settleWithoutChecks(target.id);
    });
  }

  async function settleChecks(targetId: string, passed: boolean, log: string): Promise<void> {
    const moved = await store.transition(
      targetId,
      ['checks-pending'],
      passed ? 'checks-passed' : 'checks-failed',
      { checks: passed ? 'passed' : 'failed', check_log: log },
      { log },
    );
    if (moved && passed) await maybeAutomerge(targetId);
  }

  // ---- merge ------------------------------------------------------------------

  /** Why a target cannot be merged now (undefined when it can); `manual` is a person pressing Merge. */
  function mergeBlocker(target: TargetRow, shift: ShiftRow, spec: ShiftSpec, manual: boolean): string | undefined {
    if (shift.state === 'closed') return 'The shift is closed.';
    if (target.state === 'checks-passed') return undefined;
    if (target.state === 'published' && target.checks === 'none') {
      if (spec.spec.automerge.requireChecks && !manual) {
        return 'The repository declares no checks and the shift requires green checks.';
      }
      return undefined;
    }
    if (target.state === 'checks-failed') return 'The checks failed.';
    if (target.state === 'checks-pending') return 'The checks are still running.';
    return `A ${target.state} target has no open change to merge.`;
  }

  async function maybeAutomerge(targetId: string): Promise<void> {
    const loaded = await load(targetId);
    if (!loaded) return;
    const { target, shift, spec } = loaded;
    const policy = spec.spec.automerge;
    if (!policy.enabled || policy.requireApproval || shift.state !== 'active') return;
    if (mergeBlocker(target, shift, spec, false)) return;
    const hold = await automergeHold(target, policy);
    if (hold) {
      await store.patchTarget(target.id, { last_log: hold });
      return;
    }
    const opening = nextWindowOpening(spec.spec.rollout.mergeWindow, new Date());
    if (!opening) return;
    await enqueue(MERGE_TARGET_JOB, target.id, opening);
  }

  /** Why the repository holds back auto-merge (its opt-out annotation, the health gate); undefined when nothing does. */
  async function automergeHold(target: TargetRow, policy: ShiftSpec['spec']['automerge'], loaded?: Entity) {
    const entity = loaded ?? (await entityOf(target.entity_ref));
    if (entity?.metadata.annotations?.[AUTOMERGE_ANNOTATION] === 'false') {
      return `Auto-merge is off: ${AUTOMERGE_ANNOTATION} is "false".`;
    }
    if (policy.minHealthLevel && deps.healthGate) {
      const gate = await deps.healthGate(target.entity_ref, policy.minHealthLevel);
      if (!gate.allowed) return `Auto-merge held: ${gate.reason ?? 'health level too low'}`;
    }
    return undefined;
  }

  /** One merge at a time per (repository, base branch), across every shift and worker. */
  function mergeLockKey(target: TargetRow): string {
    return `${target.repository}#${target.base_branch}`;
  }

  /** A lock row older than this belongs to a worker that died holding it. */
  function lockStaleBefore(): string {
    return new Date(Date.now() - MERGE_LOCK_STALE_MS).toISOString();
  }

  /**
   * Merges one target's change into its base branch, one merge at a time per
   * (repository, base branch). A moved base branch re-plans the target on the new
   * base instead of forcing anything.
   */
  async function merge(targetId: string, options: { manual: boolean; context?: JobContext }): Promise<void> {
    const loaded = await load(targetId);
    if (!loaded) return;
    const { target, shift, spec } = loaded;
    const blocker = mergeBlocker(target, shift, spec, options.manual);
    if (blocker) {
      if (options.manual) throw new ConflictError(blocker);
      if (options.context) await continueInterrupted(loaded, options.context, MERGE_TARGET_JOB);
      return;
    }
    if (!options.manual && shift.state !== 'active') return;
    if (!options.manual && !isWithinWindow(spec.spec.rollout.mergeWindow, new Date())) {
      const opening = nextWindowOpening(spec.spec.rollout.mergeWindow, new Date());
      if (opening) await enqueue(MERGE_TARGET_JOB, target.id, opening);
      return;
    }
    const lockKey = mergeLockKey(target);
    if (!(await store.acquireMergeLock(lockKey, target.id, lockStaleBefore()))) {
      if (options.manual)
        throw new ConflictError(`Another change is being merged into ${target.base_branch}; try again.`);
      await enqueue(MERGE_TARGET_JOB, target.id, new Date(Date.now() + MERGE_LOCK_RETRY_MS));
      return;
    }
    const from: TargetState[] = [target.state];
    try {
      const run = async () => {
        const mirrorDir = await ensureChangeCommit(target, spec.spec.change.author);
        await pushToBase(target, spec, mirrorDir, (mergedCommit, branchDeleted) =>
          settleMerged(target, from, mergedCommit, shift.name, branchDeleted),
        );
      };
      if (options.context) await withRetries(target, options.context, from, MERGE_TARGET_JOB, run);
      else await run();
    } finally {
      await store.releaseMergeLock(lockKey, target.id);
    }
  }

  /**
   * Pushes the change into its base branch (the caller holds the merge lock) and
   * hands the merged commit to `settle`. A base that moved re-plans the target on it.
   */
  async function pushToBase(
    target: TargetRow,
    spec: ShiftSpec,
    mirrorDir: string,
    settle: (mergedCommit: string, branchDeleted?: boolean) => Promise<void>,
  ): Promise<void> {
    const result = await codeHosts.forRepository(target.repository).merge({
      repository: target.repository,
      mirrorDir,
      worktreesDir,
      baseBranch: target.base_branch as string,
      plannedBase: target.base_commit as string,
      changeCommit: target.change_commit as string,
      branch: target.branch as string,
      pushedCommit: target.pushed_commit ?? undefined,
      method: spec.spec.automerge.method,
      author: spec.spec.change.author,
      date: nowIso(),
      title: target.title ?? '',
      change: changeOf(target),
    });
    if (result.status === 'merged') return settle(result.mergedCommit, result.branchDeleted);
    // Killed after pushing but before recording? Then the base already holds the change.
    if (await isAncestor(mirrorDir, target.change_commit as string, result.currentBase)) {
      return settle(result.currentBase);
    }
    const note = `The base branch ${target.base_branch} moved to ${result.currentBase.slice(0, 12)}; re-planning on it.`;
    if (
      await store.transition(target.id, [target.state], 'pending', { checks: 'none', last_log: note }, { log: note })
    ) {
      await enqueue(PLAN_TARGET_JOB, target.id);
    }
  }

  /**
   * Records a merge. The change's branch is deleted first (or went with the merge in
   * one atomic push, `branchDeleted`): were Backbeat killed in
   * between, the merge job runs again, finds the base holding the change and gets
   * here once more, so no merged target is ever left with its branch behind.
   */
  async function settleMerged(
    target: TargetRow,
    from: TargetState[],
    mergedCommit: string,
    shiftName: string,
    branchDeleted = false,
  ) {
    if (target.branch && target.pushed_commit && !branchDeleted) {
      // On a hosted code host the merge closed the pull request already; this removes the branch.
      await codeHosts
        .forRepository(target.repository)
        .close({
          repository: target.repository,
          branch: target.branch,
          pushedCommit: target.pushed_commit,
          change: changeOf(target),
        })
        .catch((error: Error) =>
          logger.warn({ target: target.id, err: error.message }, 'merged branch could not be deleted'),
        );
    }
    const moved = await store.transition(target.id, from, 'merged', { merged_commit: mergedCommit, error: null });
    if (!moved) return;
    await events.append(SYSTEM_ACTOR, {
      type: 'fleet.change.merged',
      subject: target.entity_ref,
      data: { shift: shiftName, commit: mergedCommit, repository: target.repository, branch: target.base_branch },
    });
    await onTargetSettled(target.shift_id, target.wave);
  }

  async function isAncestor(mirrorDir: string, commit: string, of: string): Promise<boolean> {
    return runGit(['--git-dir', mirrorDir, 'merge-base', '--is-ancestor', commit, of]).then(
      () => true,
      () => false,
    );
  }

  // ---- close ------------------------------------------------------------------

  /** Closes a target: deletes its branch if one was pushed (only if it is still ours). */
  async function close(targetId: string, reason: string): Promise<void> {
    const target = await store.targetById(targetId);
    if (!target || target.state === 'merged' || target.state === 'closed') return;
    if (target.pushed_commit && target.branch) {
      await codeHosts.forRepository(target.repository).close({
        repository: target.repository,
        branch: target.branch,
        pushedCommit: target.pushed_commit,
        change: changeOf(target),
      });
    }
    const moved = await store.transition(target.id, [target.state], 'closed', { pushed_commit: null }, { log: reason });
    if (moved && target.pushed_commit) {
      await events.append(SYSTEM_ACTOR, {
        type: 'fleet.change.closed',
        subject: target.entity_ref,
        data: { target: target.id, reason },
      });
    }
    if (moved) await onTargetSettled(target.shift_id, target.wave);
  }

  /** Jobs of each shift running in this process, for `rollout.concurrency`. */
  const running = new Map<string, number>();

  /**
   * Runs a target's job unless its shift already has `rollout.concurrency` jobs
   * running in this process; then the job is queued again a moment later, so the
   * worker's slots stay free for other shifts.
   */
  async function withinShiftConcurrency(job: string, targetId: string, run: () => Promise<void>): Promise<void> {
    const target = await store.targetById(targetId);
    const shift = target && (await store.shiftById(target.shift_id));
    if (!shift) return;
    const limit = (JSON.parse(shift.spec_json) as ShiftSpec).spec.rollout.concurrency;
    const active = running.get(shift.id) ?? 0;
    if (active >= limit) {
      await enqueue(job, targetId, new Date(Date.now() + CONCURRENCY_RETRY_MS));
      return;
    }
    running.set(shift.id, active + 1);
    try {
      await run();
    } finally {
      const left = (running.get(shift.id) ?? 1) - 1;
      if (left > 0) running.set(shift.id, left);
      else running.delete(shift.id);
    }
  }

  function registerJobs(): void {
    const limited = (job: string, handler: (targetId: string, context: JobContext) => Promise<void>) =>
      queue.register<{ targetId: string }>(job, (p, c) =>
        withinShiftConcurrency(job, p.targetId, () => handler(p.targetId, c)),
      );
    limited(PLAN_TARGET_JOB, plan);
    limited(PUBLISH_TARGET_JOB, publish);
    limited(CHECK_TARGET_JOB, check);
    limited(MERGE_TARGET_JOB, (targetId, context) => merge(targetId, { manual: false, context }));
    queue.register<{ targetId: string; reason?: string }>(CLOSE_TARGET_JOB, async (p) => {
      try {
        await close(p.targetId, p.reason ?? 'Closed.');
      } catch (error) {
        if (!(error instanceof RateLimitedError)) throw error;
        await enqueue(CLOSE_TARGET_JOB, p.targetId, error.until, { reason: p.reason });
      }
    });
  }

  return {
    registerJobs,
    enqueue,
    scheduleIfLive,
    onTargetSettled,
    mergeBlocker,
    merge,
    close,
  };
}

export type TargetRunner = ReturnType<typeof createTargetRunner>;
