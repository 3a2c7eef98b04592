import { newId, nowIso } from '../../../platform/ids.js';
import type { Logger } from '../../../platform/logging.js';
import { type LocationSpec, locationRef, resolveChildTarget } from '../locations/location-target.js';
import { isReadAllowed, type ReadAllowList } from '../locations/read-guard.js';
import type { Entity } from '../model/entity.js';
import type { DescriptorError } from '../model/index.js';
import {
  type CatalogWriteStore,
  type EntityHeader,
  type LocationRow,
  newLocationRow,
} from '../store/catalog-write-store.js';
import {
  type FileOutcome,
  type LocationTargetRef,
  type ProcessContext,
  planChanges,
  prepareFile,
  targetsOfStoredEntity,
} from './entity-processor.js';
import { createKeyedLock } from './keyed-lock.js';
import { type FileListing, openLocation, type ReadContext } from './location-reader.js';

/** How deep `Location` entities may nest locations in other repositories or URLs. */
const MAX_LOCATION_DEPTH = 5;

/** What one refresh of one location did. */
export interface RefreshResult {
  locationId: string;
  /** `unchanged`: same commit/content as last time, nothing read or written. */
  status: 'unchanged' | 'updated' | 'failed' | 'missing';
  version?: string;
  /** Descriptor files parsed (new or changed content). */
  filesRead: number;
  /** Entities inserted or rewritten. */
  entitiesWritten: number;
  added: string[];
  updated: string[];
  removed: string[];
  /** Errors now recorded for the location. */
  errors: number;
  error?: string;
  durationMs: number;
  childrenCreated: string[];
  childrenRemoved: string[];
  /** Locations whose conflicts may have cleared because this one let entities go. */
  conflictsToRetry: string[];
  /** Refreshes of child locations created in this run. */
  children: RefreshResult[];
}

/** State shared by the refreshes of one run (one job, one registration). */
export interface RefreshRun extends ReadContext {
  depth: number;
  refreshed: Set<string>;
}

export interface StoredOptions {
  ref?: string;
  path?: string;
  /** Registered by an admin: child locations it names may read outside the allow-list. */
  trusted?: boolean;
}

/** A location row's spec. */
export function specOf(row: Pick<LocationRow, 'type' | 'target' | 'options_json'>): LocationSpec {
  const options = JSON.parse(row.options_json || '{}') as StoredOptions;
  if (row.type === 'git') {
    return {
      type: 'git',
      target: row.target,
      options: { ref: options.ref ?? 'HEAD', path: options.path ?? 'catalog-info.yaml' },
    };
  }
  return { type: 'url', target: row.target, options: {} };
}

export interface PreviewResult {
  entities: Entity[];
  errors: DescriptorError[];
}

/**
 * Reads locations and writes what changed: the heart of ingestion. A refresh
 * fetches the repository (or URL), stops if the version is the one last seen, else
 * reads only files whose blob changed, follows `Location` targets, plans the
 * entity changes and applies them in one transaction.
 *
 * @example
 * const refresher = createLocationRefresher({ store, mirrorsDir, allowList, logger });
 * const result = await refresher.refresh(locationId);
 */
export function createLocationRefresher(deps: {
  store: CatalogWriteStore;
  mirrorsDir: string;
  allowList: ReadAllowList;
  logger: Logger;
  gitTimeoutMs?: number;
}) {
  const { store, logger } = deps;
  const gitLock = createKeyedLock();
  const locationLock = createKeyedLock();

  function newRun(): RefreshRun {
    return {
      mirrorsDir: deps.mirrorsDir,
      fetched: new Set(),
      lock: gitLock,
      timeoutMs: deps.gitTimeoutMs,
      depth: 0,
      refreshed: new Set(),
    };
  }

  async function refresh(locationId: string, run: RefreshRun = newRun()): Promise<RefreshResult> {
    return locationLock(locationId, () => refreshLocked(locationId, run));
  }

  async function refreshLocked(locationId: string, run: RefreshRun): Promise<RefreshResult> {
    const started = Date.now();
    const result: RefreshResult = {
      locationId,
      status: 'missing',
      filesRead: 0,
      entitiesWritten: 0,
      added: [],
      updated: [],
      removed: [],
      errors: 0,
      durationMs: 0,
      childrenCreated: [],
      childrenRemoved: [],
      conflictsToRetry: [],
      children: [],
    };
    const row = await store.getLocation(locationId);
    if (!row) return result;
    run.refreshed.add(locationId);
    const spec = specOf(row);
    const at = nowIso();

    let snapshot: Awaited<ReturnType<typeof openLocation>>;
    try {
      snapshot = await openLocation(spec, run);
    } catch (error) {
      const message = (error as Error).message;
      result.status = 'failed';
      result.error = message;
      result.errors = row.error_count;
      result.durationMs = Date.now() - started;
      await store.markFailed(locationId, at, result.durationMs, message);
      logger.warn({ location: locationId, target: row.target, err: message }, 'catalog location could not be read');
      return result;
    }
    result.version = snapshot.version;
    if (snapshot.version === row.last_commit) {
      result.status = 'unchanged';
      result.errors = row.error_count;
      result.durationMs = Date.now() - started;
      await store.markRefreshed(locationId, at, result.durationMs);
      return result;
    }

    const listing = await snapshot.listFiles();
    const chain = await chainOf(row);
    const context: ProcessContext = { managedBy: locationRef(row), origin: locationRef(chain.root) };
    const existing = await store.entityHeaders(locationId);
    const walk = await walkFiles(row, spec, listing, context, existing);
    result.filesRead = walk.outcomes.length;

    const ownRefs = new Set(existing.map((h) => h.entityRef));
    const foreign = [...new Set(walk.outcomes.flatMap((o) => o.entities.map((e) => e.ref)))].filter(
      (r) => !ownRefs.has(r),
    );
    const owners = await store.ownersOf(foreign);
    const ownerNames = new Map<string | null, string>();
    for (const id of new Set(owners.values())) {
      const owner = id ? await store.getLocation(id) : undefined;
      ownerNames.set(id, owner ? `${owner.id} (${locationRef(owner)})` : '(none)');
    }
    const invalid = walk.outcomes.flatMap((o) => o.invalidRefs).filter((r) => ownRefs.has(r));
    const storedJson = invalid.length > 0 ? await store.entityJsonByRefs(invalid) : new Map<string, string>();

    const now = nowIso();
    const plan = planChanges({
      locationId,
      now,
      files: walk.outcomes,
      deletedPaths: walk.deleted,
      existing,
      owners,
      storedJson,
      describeLocation: (id) => ownerNames.get(id) ?? String(id),
    });
    for (const message of walk.locationErrors) {
      plan.errors.push({
        id: newId(),
        filePath: null,
        entityRef: null,
        line: null,
        column: null,
        field: null,
        level: 'error',
        message,
      });
    }

    const children = await planChildren(row, chain.trusted, walk.externals, plan.errors);
    const counts = await store.applyLocationChanges({
      locationId,
      upserts: plan.upserts,
      removeRefs: plan.removeRefs,
      errorFiles: [...walk.outcomes.map((o) => o.path), ...walk.deleted],
      replaceLocationErrors: true,
      errors: plan.errors,
      fileUpserts: walk.outcomes.map((o) => ({
        path: o.path,
        sha: plan.conflictPaths.has(o.path) ? '' : (listing.files.get(o.path) ?? ''),
      })),
      fileDeletes: walk.deleted,
      location: { lastCommit: snapshot.version, lastRefreshAt: at, lastRefreshMs: Date.now() - started },
      now,
    });
    Object.assign(result, {
      status: 'updated',
      entitiesWritten: plan.upserts.length,
      added: plan.added,
      updated: plan.updated,
      removed: plan.removeRefs,
      errors: counts.errorCount,
    });
    await store.refreshStatisticsAfterBulkWrite(plan.upserts.length + plan.removeRefs.length);
    if (plan.removeRefs.length > 0) {
      result.conflictsToRetry = await store.locationsWithErrorsFor(plan.removeRefs, locationId);
    }

    // Child locations: drop the ones no longer named, create and read the new ones.
    if (children.remove.length > 0) {
      const ids = await descendantsOf(children.remove);
      const removedRefs = await store.deleteLocations(ids);
      result.childrenRemoved = ids;
      result.removed.push(...removedRefs);
    }
    for (const child of children.create) {
      const id = newId();
      try {
        await store.insertLocation(
          newLocationRow({
            id,
            type: child.type,
            target: child.target,
            optionsJson: JSON.stringify({ ...child.options, ...(chain.trusted ? { trusted: true } : {}) }),
            parentLocationId: locationId,
            createdBy: row.created_by,
            now,
          }),
        );
        result.childrenCreated.push(id);
      } catch (error) {
        logger.warn(
          { location: locationId, child: child.target, err: (error as Error).message },
          'child location not created',
        );
      }
    }
    if (run.depth < MAX_LOCATION_DEPTH) {
      for (const id of result.childrenCreated) {
        if (run.refreshed.has(id)) continue;
        run.depth++;
        try {
          result.children.push(await refresh(id, run));
        } finally {
          run.depth--;
        }
      }
    }
    result.durationMs = Date.now() - started;
    return result;
  }

  /** Visits the location's files: the ones its path matches, then those its `Location` entities name, until none are new. */
  async function walkFiles(
    row: LocationRow,
    spec: LocationSpec,
    listing: FileListing,
    context: ProcessContext,
    existing: readonly EntityHeader[],
  ) {
    const stored = await store.listFiles(row.id);
    const storedLocations = new Map<string, LocationTargetRef[]>();
    const headers = existing.filter((h) => h.kind === 'location' && h.filePath);
    if (headers.length > 0) {
      const json = await store.entityJsonByRefs(headers.map((h) => h.entityRef));
      for (const h of headers) {
        const text = json.get(h.entityRef);
        if (!text || !h.filePath) continue;
        const list = storedLocations.get(h.filePath) ?? [];
        list.push(...targetsOfStoredEntity(h.filePath, h.entityRef, text));
        storedLocations.set(h.filePath, list);
      }
    }
    const visited = new Set<string>();
    const outcomes: FileOutcome[] = [];
    const externals: { ref: LocationTargetRef; spec: LocationSpec; outcome?: FileOutcome }[] = [];
    const locationErrors: string[] = [];
    let frontier = listing.match(spec.type === 'git' ? spec.options.path : spec.target);
    if (frontier.length === 0) {
      locationErrors.push(
        spec.type === 'git'
          ? `No file in ${spec.target} at ${spec.options.ref} matches "${spec.options.path}"`
          : `Nothing found at ${spec.target}`,
      );
    }
    while (frontier.length > 0) {
      const fresh = [...new Set(frontier)].filter((p) => !visited.has(p)).sort();
      for (const p of fresh) visited.add(p);
      const changed = fresh.filter((p) => stored.get(p) !== listing.files.get(p));
      const texts = await listing.read(changed);
      const round: { ref: LocationTargetRef; outcome?: FileOutcome }[] = [];
      for (const path of fresh) {
        const text = texts.get(path);
        if (text !== undefined) {
          const outcome = prepareFile(path, text, context);
          outcomes.push(outcome);
          for (const ref of outcome.targets) round.push({ ref, outcome });
        } else {
          for (const ref of storedLocations.get(path) ?? []) round.push({ ref });
        }
      }
      frontier = [];
      for (const { ref, outcome } of round) {
        const child = resolveChildTarget(spec, ref.filePath, ref.type, ref.target);
        const report = (message: string) =>
          outcome?.errors.push({ file: ref.filePath, entityRef: ref.entityRef, field: 'spec.target', message });
        if (child.kind === 'invalid') report(child.message);
        else if (child.kind === 'external') externals.push({ ref, spec: child.spec, outcome });
        else {
          const matches = listing.match(child.pattern);
          if (matches.length === 0 && !ref.optional)
            report(`Target "${ref.target}" matches no file (${child.pattern})`);
          frontier.push(...matches);
        }
      }
    }
    outcomes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const deleted = [...stored.keys()].filter((p) => !visited.has(p));
    return { outcomes, deleted, externals, locationErrors };
  }

  /** Which child locations to create and remove; disallowed targets become errors on the file naming them. */
  async function planChildren(
    row: LocationRow,
    trusted: boolean,
    externals: { ref: LocationTargetRef; spec: LocationSpec; outcome?: FileOutcome }[],
    errors: {
      id: string;
      filePath: string | null;
      entityRef: string | null;
      line: number | null;
      column: number | null;
      field: string | null;
      level: 'error' | 'warning';
      message: string;
    }[],
  ) {
    const wanted = new Map<string, LocationSpec>();
    for (const { ref, spec, outcome } of externals) {
      if (!trusted && !isReadAllowed(spec.target, deps.allowList)) {
        if (outcome) {
          errors.push({
            id: newId(),
            filePath: ref.filePath,
            entityRef: ref.entityRef,
            line: null,
            column: null,
            field: 'spec.target',
            level: 'error',
            message: `Target ${spec.target} is not on the read allow-list; only locations registered by admins may name it`,
          });
        }
        continue;
      }
      wanted.set(`${spec.type}:${spec.target}`, spec);
    }
    const current = await store.childLocations(row.id);
    const currentKeys = new Set(current.map((c) => locationRef(c)));
    const remove = current.filter((c) => !wanted.has(locationRef(c))).map((c) => c.id);
    const create: LocationSpec[] = [];
    for (const [key, spec] of wanted) {
      if (currentKeys.has(key)) continue;
      const clash = await store.findLocation(spec.type, spec.target);
      if (clash) continue;
      create.push(spec);
    }
    return { create, remove };
  }

  async function chainOf(row: LocationRow): Promise<{ root: LocationRow; trusted: boolean }> {
    let root = row;
    for (let i = 0; i < 20 && root.parent_location_id; i++) {
      const parent = await store.getLocation(root.parent_location_id);
      if (!parent) break;
      root = parent;
    }
    const options = JSON.parse(root.options_json || '{}') as StoredOptions;
    return { root, trusted: options.trusted === true };
  }

  async function descendantsOf(ids: readonly string[]): Promise<string[]> {
    const out = [...ids];
    for (let i = 0; i < out.length && i < 10_000; i++) {
      for (const child of await store.childLocations(out[i]!)) out.push(child.id);
    }
    return out;
  }

  /**
   * Reads a location without storing anything (dry run): every entity it holds, as
   * it would be stored (no uid), and every problem found.
   */
  async function preview(spec: LocationSpec, run: RefreshRun = newRun()): Promise<PreviewResult> {
    const snapshot = await openLocation(spec, run);
    const listing = await snapshot.listFiles();
    const ref = locationRef(spec);
    const fake = newLocationRow({
      id: 'preview',
      type: spec.type,
      target: spec.target,
      optionsJson: JSON.stringify(spec.options),
      createdBy: 'preview',
      now: nowIso(),
    });
    const walk = await walkFiles(fake, spec, listing, { managedBy: ref, origin: ref }, []);
    const errors = walk.outcomes.flatMap((o) => o.errors);
    for (const message of walk.locationErrors) errors.push({ file: spec.target, message });
    return { entities: walk.outcomes.flatMap((o) => o.entities.map((e) => e.entity)), errors };
  }

  return { refresh, preview, newRun, descendantsOf };
}

export type LocationRefresher = ReturnType<typeof createLocationRefresher>;
