import type { Actor, MembershipResolver } from '../../../platform/auth/actor.js';
import { SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import { assertCanWrite } from '../../../platform/auth/authorize.js';
import type { EventLog } from '../../../platform/events/event-log.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../platform/http/problem.js';
import { newId, nowIso } from '../../../platform/ids.js';
import type { Logger } from '../../../platform/logging.js';
import type { JobQueue } from '../../../platform/queue/job-queue.js';
import { openLocation } from '../ingestion/location-reader.js';
import type { LocationRefresher, RefreshResult, StoredOptions } from '../ingestion/location-refresher.js';
import type { Entity } from '../model/entity.js';
import { parseEntityRef, stringifyEntityRef } from '../model/index.js';
import { type CatalogWriteStore, type LocationRow, newLocationRow } from '../store/catalog-write-store.js';
import { type LocationInput, locationRef, normalizeLocation } from './location-target.js';
import { assertReadable, type ReadAllowList } from './read-guard.js';

export const REFRESH_LOCATION_JOB = 'catalog.refresh-location';
export const REFRESH_ALL_JOB = 'catalog.refresh-all';

/** Backstage's location shape. */
export interface LocationSummary {
  id: string;
  type: string;
  target: string;
}

/** Backbeat's view of a location's health, for the status page and CLI. */
export interface LocationStatus extends LocationSummary {
  options: StoredOptions;
  parentLocationId: string | null;
  refreshState: string;
  lastRefreshAt: string | null;
  lastRefreshMs: number | null;
  lastCommit: string | null;
  lastError: string | null;
  entityCount: number;
  errorCount: number;
}

export interface LocationErrorView {
  filePath: string | null;
  entityRef: string | null;
  line: number | null;
  column: number | null;
  field: string | null;
  level: string;
  message: string;
}

export interface RegisterLocationInput extends LocationInput {
  actor: Actor | undefined;
  dryRun?: boolean;
}

export interface RegisterLocationResult {
  location: LocationSummary;
  entities: Entity[];
  /** The counts of the first read (absent on dry runs). */
  refresh?: RefreshResult;
}

// Large first ingests would make one huge event; subscribers get them in slices.
const REFS_PER_EVENT = 5000;

/**
 * Locations: registering (with dry run), listing, deleting, refreshing. Every
 * mutation is authorised and appended to the event log; ingestion results are
 * announced as `catalog.entity.changed` so other features can react.
 *
 * @example
 * const result = await locations.register({ actor, type: 'git', target: '/srv/repos/web' });
 */
export function createLocationService(deps: {
  store: CatalogWriteStore;
  refresher: LocationRefresher;
  events: EventLog;
  queue: JobQueue;
  membership: MembershipResolver;
  allowList: ReadAllowList;
  refreshIntervalSeconds: number;
  logger: Logger;
}) {
  const { store, refresher, events, queue } = deps;

  async function register(input: RegisterLocationInput): Promise<RegisterLocationResult> {
    const spec = normalizeLocation(input);
    assertReadable(input.actor, spec.target, deps.allowList);
    const actor = input.actor!;
    const existing = await store.findLocation(spec.type, spec.target);
    if (existing) {
      throw new ConflictError(`Location ${locationRef(spec)} already exists as ${existing.id}`, {
        locationId: existing.id,
      });
    }
    const run = refresher.newRun();
    if (input.dryRun) {
      const preview = await readOrReject(spec.target, () => refresher.preview(spec, run));
      if (preview.errors.length > 0) {
        throw new ValidationError(
          `${locationRef(spec)} has ${preview.errors.length} problem(s): ${preview.errors[0]!.message}`,
          preview.errors.map((e) => ({
            field: [e.file, e.line, e.column].filter((p) => p !== undefined).join(':') + (e.field ? ` ${e.field}` : ''),
            message: e.message,
          })),
        );
      }
      return { location: { id: newId(), type: spec.type, target: spec.target }, entities: preview.entities };
    }

    // Read before storing anything: an unreachable target or an empty match is the caller's mistake, not a location.
    await readOrReject(spec.target, async () => {
      const snapshot = await openLocation(spec, run);
      const listing = await snapshot.listFiles();
      const matches = listing.match(spec.type === 'git' ? spec.options.path : spec.target);
      if (matches.length === 0) {
        throw new Error(
          spec.type === 'git'
            ? `no file in ${spec.target} at ${spec.options.ref} matches "${spec.options.path}"`
            : `nothing found at ${spec.target}`,
        );
      }
    });
    const id = newId();
    const options: StoredOptions = { ...spec.options, ...(actor.isAdmin ? { trusted: true } : {}) };
    try {
      await store.insertLocation(
        newLocationRow({
          id,
          type: spec.type,
          target: spec.target,
          optionsJson: JSON.stringify(options),
          createdBy: actor.userRef ?? `${actor.kind}:${actor.id}`,
          now: nowIso(),
        }),
      );
    } catch (error) {
      // Lost a race with an identical registration: the unique (type, target) constraint decides.
      if (await store.findLocation(spec.type, spec.target)) {
        throw new ConflictError(`Location ${locationRef(spec)} already exists`);
      }
      throw error;
    }
    const location = { id, type: spec.type, target: spec.target };
    await events.append(actor, {
      type: 'catalog.location.registered',
      subject: id,
      after: { ...location, options: spec.options },
    });
    const refresh = await refreshWith(id, actor, run);
    const ids = [id, ...collectChildren(refresh)];
    const entities = (await store.entitiesOfLocations(ids)).map((json) => JSON.parse(json) as Entity);
    return { location, entities, refresh };
  }

  async function readOrReject<T>(target: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      throw new ValidationError(`Cannot read ${target}: ${(error as Error).message}`, [
        { field: 'target', message: (error as Error).message },
      ]);
    }
  }

  /** Refreshes a location now and announces what changed. */
  async function refreshNow(id: string, actor: Actor = SYSTEM_ACTOR): Promise<RefreshResult> {
    return refreshWith(id, actor, refresher.newRun());
  }

  async function refreshWith(id: string, actor: Actor, run: ReturnType<LocationRefresher['newRun']>) {
    const result = await refresher.refresh(id, run);
    await announce(result, actor);
    for (const locationId of result.conflictsToRetry) {
      await store.forceReread(locationId, []);
      await requestRefresh(locationId);
    }
    return result;
  }

  async function announce(result: RefreshResult, actor: Actor): Promise<void> {
    if (result.status === 'updated') {
      await events.append(actor, {
        type: 'catalog.location.refreshed',
        subject: result.locationId,
        data: {
          version: result.version,
          filesRead: result.filesRead,
          added: result.added.length,
          updated: result.updated.length,
          removed: result.removed.length,
          errors: result.errors,
          durationMs: result.durationMs,
        },
      });
      await announceEntityChanges(actor, result.locationId, result.added, result.updated, result.removed);
    }
    for (const child of result.children) await announce(child, actor);
  }

  async function announceEntityChanges(
    actor: Actor,
    subject: string,
    added: string[],
    updated: string[],
    removed: string[],
  ): Promise<void> {
    const all = [
      ...added.map((r) => ['added', r]),
      ...updated.map((r) => ['updated', r]),
      ...removed.map((r) => ['removed', r]),
    ];
    for (let i = 0; i < all.length; i += REFS_PER_EVENT) {
      const slice = all.slice(i, i + REFS_PER_EVENT);
      const pick = (kind: string) => slice.filter(([k]) => k === kind).map(([, r]) => r!);
      await events.append(actor, {
        type: 'catalog.entity.changed',
        subject,
        data: { added: pick('added'), updated: pick('updated'), removed: pick('removed') },
      });
    }
  }

  function collectChildren(result: RefreshResult): string[] {
    return result.children.flatMap((c) => [c.locationId, ...collectChildren(c)]);
  }

  /** Queues a refresh; waiting duplicates collapse into one job per location. */
  async function requestRefresh(id: string): Promise<void> {
    await queue.enqueue(
      REFRESH_LOCATION_JOB,
      { locationId: id },
      { key: `${REFRESH_LOCATION_JOB}:${id}`, maxAttempts: 4 },
    );
  }

  async function requestRefreshBy(actor: Actor, id: string): Promise<void> {
    await requireLocation(id);
    await requestRefresh(id);
    void actor;
  }

  /** Queues a refresh for every location whose last refresh is older than the interval. */
  async function enqueueDue(now: Date = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - deps.refreshIntervalSeconds * 1000).toISOString();
    const due = await store.locationsDueBefore(cutoff);
    for (const id of due) await requestRefresh(id);
    return due.length;
  }

  async function list(): Promise<LocationSummary[]> {
    return (await store.listLocations()).map(summary);
  }

  async function requireLocation(id: string): Promise<LocationRow> {
    const row = await store.getLocation(id);
    if (!row) throw new NotFoundError(`No location with id ${id}`);
    return row;
  }

  async function get(id: string): Promise<LocationSummary> {
    return summary(await requireLocation(id));
  }

  async function byEntity(ref: { kind: string; namespace: string; name: string }): Promise<LocationSummary> {
    const entityRef = stringifyEntityRef(ref);
    const entity = await store.entityByRef(entityRef);
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    if (!entity.location_id) throw new NotFoundError(`Entity ${entityRef} has no location`);
    return get(entity.location_id);
  }

  async function locationOfEntityRef(entityRef: string): Promise<string> {
    let canonical: string;
    try {
      canonical = stringifyEntityRef(parseEntityRef(entityRef));
    } catch (error) {
      throw new ValidationError(`entityRef: ${(error as Error).message}`, [{ field: 'entityRef', message: 'invalid' }]);
    }
    const entity = await store.entityByRef(canonical);
    if (!entity) throw new NotFoundError(`No entity ${canonical}`);
    if (!entity.location_id) throw new NotFoundError(`Entity ${canonical} has no location to refresh`);
    return entity.location_id;
  }

  async function remove(actor: Actor, id: string): Promise<void> {
    const row = await requireLocation(id);
    await assertCanWrite(actor, { ownerRefs: [row.created_by], membership: deps.membership });
    const ids = await refresher.descendantsOf([id]);
    const removed = await store.deleteLocations(ids);
    await events.append(actor, {
      type: 'catalog.location.deleted',
      subject: id,
      before: { ...summary(row), options: JSON.parse(row.options_json) },
      data: { removedEntities: removed.length, childLocations: ids.slice(1) },
    });
    await announceEntityChanges(actor, id, [], [], removed);
    for (const other of await store.locationsWithErrorsFor(removed, id)) {
      await store.forceReread(other, []);
      await requestRefresh(other);
    }
  }

  async function status(): Promise<LocationStatus[]> {
    return (await store.listLocations()).map((row) => ({
      ...summary(row),
      options: JSON.parse(row.options_json || '{}') as StoredOptions,
      parentLocationId: row.parent_location_id,
      refreshState: row.refresh_state,
      lastRefreshAt: row.last_refresh_at,
      lastRefreshMs: row.last_refresh_ms === null ? null : Number(row.last_refresh_ms),
      lastCommit: row.last_commit,
      lastError: row.last_error,
      entityCount: Number(row.entity_count),
      errorCount: Number(row.error_count),
    }));
  }

  async function errors(id: string): Promise<LocationErrorView[]> {
    await requireLocation(id);
    return (await store.listErrors(id)).map((e) => ({
      filePath: e.file_path,
      entityRef: e.entity_ref,
      line: e.line === null ? null : Number(e.line),
      column: e.column === null ? null : Number(e.column),
      field: e.field,
      level: e.level,
      message: e.message,
    }));
  }

  return {
    register,
    refreshNow,
    requestRefresh: requestRefreshBy,
    enqueueDue,
    list,
    get,
    byEntity,
    locationOfEntityRef,
    remove,
    status,
    errors,
    announceEntityChanges,
  };
}

export type LocationService = ReturnType<typeof createLocationService>;

function summary(row: Pick<LocationRow, 'id' | 'type' | 'target'>): LocationSummary {
  return { id: row.id, type: row.type, target: row.target };
}
