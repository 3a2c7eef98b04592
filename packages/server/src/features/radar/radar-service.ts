import { isMap, isSeq, parseDocument } from 'yaml';
import { type Actor, SYSTEM_ACTOR } from '../../platform/auth/actor.js';
import { assertAdmin } from '../../platform/auth/authorize.js';
import type { EventLog } from '../../platform/events/event-log.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/problem.js';
import { newId, nowIso } from '../../platform/ids.js';
import type { Logger } from '../../platform/logging.js';
import { adoptionOf, type EntryAdoption, type EntryUsage } from './adoption/compute-adoption.js';
import { evaluateDependencies, type RadarEvaluationItem } from './model/evaluate-dependencies.js';
import { type RadarDefinition, type RadarEntry, RINGS, type Ring } from './model/radar.js';
import { ringChanges } from './model/ring-moves.js';
import { type RadarSourceSpec, readRadarSource } from './sources/read-radar-source.js';
import { type ParseRadarResult, parseRadar, type RadarProblem } from './spec/parse-radar.js';
import type { NewRingMove, RadarRow, RadarStore, SourceRow } from './store/radar-store.js';
import type { DependencyUsage, DependencyUsageReader } from './usage/dependency-usage.js';

export type { RadarEvaluationItem } from './model/evaluate-dependencies.js';

export interface RadarSummary {
  name: string;
  title: string;
  description: string;
  entries: number;
  /** The source file that manages this radar; absent when admins edit it through the API. */
  sourceId?: string;
  updatedAt: string;
  updatedBy: string;
}

export interface RadarEntryView extends RadarEntry {
  adoption: Omit<EntryAdoption, 'usages'>;
}

export interface RadarView extends RadarSummary {
  quadrants: RadarDefinition['quadrants'];
  rings: readonly Ring[];
  entries: number;
  items: RadarEntryView[];
  /** Entries of the last loaded version that were rejected (valid ones and earlier versions keep working). */
  problems: RadarProblem[];
  /** The definition as written, for editing. */
  yaml: string;
}

export interface RingMoveView {
  from: Ring | null;
  to: Ring;
  at: string;
  by: string;
  reason: string;
}

export interface EntryDetail {
  radar: { name: string; title: string; quadrants: RadarDefinition['quadrants'] };
  entry: RadarEntry;
  adoption: EntryAdoption;
  /** Per owning squad: its components and the versions they use. */
  squads: { ownerRef: string | null; components: number; versions: string[] }[];
  history: RingMoveView[];
}

/**
 * What other features may ask the radar: which technologies an entity uses and in
 * which ring, e.g. for the tech-health check "uses no technology in HOLD".
 */
export interface RadarEvaluator {
  /** Every radar entry the entity's dependencies match, on every radar. */
  evaluateEntity(entityRef: string): Promise<RadarEvaluationItem[]>;
  /** The same for many entities at once (radars and usage read once), keyed by canonical ref. */
  evaluateEntities(entityRefs: readonly string[]): Promise<Map<string, RadarEvaluationItem[]>>;
}

export interface SourceStatus {
  id: string;
  type: 'git' | 'file';
  target: string;
  path: string;
  ref: string;
  radar?: string;
  lastVersion?: string;
  lastLoadedAt?: string;
  /** Why the last read failed or was rejected as a whole; the radar keeps its previous version. */
  error?: string;
  problems: RadarProblem[];
  createdBy: string;
  createdAt: string;
}

export interface RadarService extends RadarEvaluator {
  list(): Promise<RadarSummary[]>;
  view(name: string): Promise<RadarView>;
  entry(name: string, entryId: string): Promise<EntryDetail>;
  /** Creates or replaces a radar from YAML (admins). Any problem rejects it and changes nothing. */
  apply(actor: Actor, input: { yaml: string; reason?: string }): Promise<RadarSummary>;
  /** Moves one entry to another ring (admins), keeping the YAML's comments and layout. */
  moveEntry(actor: Actor, name: string, entryId: string, input: { ring: Ring; reason: string }): Promise<EntryDetail>;
  remove(actor: Actor, name: string): Promise<void>;
  sources(): Promise<SourceStatus[]>;
  registerSource(actor: Actor, spec: RadarSourceSpec): Promise<SourceStatus>;
  removeSource(actor: Actor, id: string): Promise<void>;
  /** Reads one source again; an unchanged version costs nothing more. */
  syncSource(id: string): Promise<SourceStatus>;
  /** Reads every source (the scheduled job); one failing source never stops the others. */
  syncAll(): Promise<void>;
}

export interface RadarServiceDeps {
  store: RadarStore;
  events: EventLog;
  logger: Logger;
  dependencyUsage: DependencyUsageReader;
  /** Where git sources are mirrored. */
  mirrorsDir: string;
}

function definitionOf(row: RadarRow): RadarDefinition {
  return JSON.parse(row.definition_json) as RadarDefinition;
}

function summaryOf(row: RadarRow): RadarSummary {
  const definition = definitionOf(row);
  return {
    name: row.name,
    title: definition.title,
    description: definition.description,
    entries: definition.entries.length,
    ...(row.source_id ? { sourceId: row.source_id } : {}),
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function sourceStatus(row: SourceRow): SourceStatus {
  return {
    id: row.id,
    type: row.type,
    target: row.target,
    path: row.path,
    ref: row.ref,
    ...(row.radar_name ? { radar: row.radar_name } : {}),
    ...(row.last_version ? { lastVersion: row.last_version } : {}),
    ...(row.last_loaded_at ? { lastLoadedAt: row.last_loaded_at } : {}),
    ...(row.last_error ? { error: row.last_error } : {}),
    problems: JSON.parse(row.problems_json) as RadarProblem[],
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function toValidationError(problems: RadarProblem[]): ValidationError {
  const first = problems[0];
  const where = first ? `${first.line ? `line ${first.line}` : ''}${first.field ? ` ${first.field}` : ''}`.trim() : '';
  return new ValidationError(
    `The radar definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}${where ? ` (first: ${where}: ${first?.message})` : ''}`,
    problems.map((p) => ({
      field: p.field || '(document)',
      message: p.message,
      ...(p.line !== undefined ? { line: p.line } : {}),
      ...(p.column !== undefined ? { column: p.column } : {}),
    })),
  );
}

/**
 * The radar's business rules: definitions (from the API or from registered
 * source files), ring history, and the fleet's adoption of every entry.
 *
 * @example
 * const service = createRadarService({ store, events, logger, dependencyUsage, mirrorsDir });
 * await service.apply(admin, { yaml });
 */
export function createRadarService(deps: RadarServiceDeps): RadarService {
  const { store, events, logger } = deps;

  async function requireRadar(name: string): Promise<RadarRow> {
    const row = await store.getRadar(name);
    if (!row) throw new NotFoundError(`No radar named "${name}"`);
    return row;
  }

  function movesFor(
    radarName: string,
    before: RadarDefinition | undefined,
    after: RadarDefinition,
    who: { by: string; at: string; reason: string },
  ): NewRingMove[] {
    return ringChanges(before, after).map((change) => ({
      radar_name: radarName,
      entry_id: change.entryId,
      from_ring: change.from,
      to_ring: change.to,
      moved_at: who.at,
      moved_by: who.by,
      reason: who.reason,
    }));
  }

  async function save(
    actor: Actor,
    input: {
      definition: RadarDefinition;
      yaml: string;
      sourceId: string | null;
      problems: RadarProblem[];
      who: { by: string; at: string; reason: string };
    },
  ): Promise<void> {
    const existing = await store.getRadar(input.definition.name);
    const before = existing ? definitionOf(existing) : undefined;
    const now = nowIso();
    const moves = movesFor(input.definition.name, before, input.definition, input.who);
    await store.saveRadar(
      {
        id: existing?.id ?? newId(),
        name: input.definition.name,
        definition_json: JSON.stringify(input.definition),
        yaml: input.yaml,
        source_id: input.sourceId,
        problems_json: JSON.stringify(input.problems),
        updated_by: input.who.by,
        created_at: existing?.created_at ?? now,
        updated_at: now,
      },
      moves,
    );
    await events.append(actor, {
      type: existing ? 'radar.radar.updated' : 'radar.radar.created',
      subject: `radar:${input.definition.name}`,
      ...(before ? { before } : {}),
      after: input.definition,
      data: {
        moves: moves.map((m) => ({ entry: m.entry_id, from: m.from_ring, to: m.to_ring })),
        reason: input.who.reason,
        ...(input.sourceId ? { source: input.sourceId } : {}),
        rejectedEntries: input.problems.length,
      },
    });
  }

  async function view(name: string): Promise<RadarView> {
    const row = await requireRadar(name);
    const definition = definitionOf(row);
    const usages = await deps.dependencyUsage.listDependencyUsage();
    const items = definition.entries.map((entry): RadarEntryView => {
      const { usages: _ignored, ...adoption } = adoptionOf(entry, usages);
      return { ...entry, adoption };
    });
    return {
      ...summaryOf(row),
      quadrants: definition.quadrants,
      rings: RINGS,
      items,
      problems: JSON.parse(row.problems_json) as RadarProblem[],
      yaml: row.yaml,
    };
  }

  async function entry(name: string, entryId: string): Promise<EntryDetail> {
    const row = await requireRadar(name);
    const definition = definitionOf(row);
    const found = definition.entries.find((e) => e.id === entryId);
    if (!found) throw new NotFoundError(`Radar "${name}" has no entry "${entryId}"`);
    const adoption = adoptionOf(found, await deps.dependencyUsage.listDependencyUsage());
    const squads = new Map<string | null, EntryUsage[]>();
    for (const usage of adoption.usages) squads.set(usage.ownerRef, [...(squads.get(usage.ownerRef) ?? []), usage]);
    const history = (await store.ringMoves(name, entryId)).map(
      (m): RingMoveView => ({
        from: m.from_ring as Ring | null,
        to: m.to_ring as Ring,
        at: m.moved_at,
        by: m.moved_by,
        reason: m.reason,
      }),
    );
    return {
      radar: { name: row.name, title: definition.title, quadrants: definition.quadrants },
      entry: found,
      adoption,
      squads: [...squads.entries()]
        .map(([ownerRef, list]) => ({
          ownerRef,
          components: new Set(list.map((u) => u.entityRef)).size,
          versions: [...new Set(list.map((u) => u.version).filter((v) => v !== ''))].sort(),
        }))
        .sort((a, b) => b.components - a.components || String(a.ownerRef).localeCompare(String(b.ownerRef))),
      history: history.reverse(),
    };
  }

  function assertApiEditable(row: RadarRow | undefined): void {
    if (row?.source_id) {
      throw new ConflictError(
        `Radar "${row.name}" is loaded from a registered source (${row.source_id}); change the file there, or remove the source first`,
      );
    }
  }

  async function syncRow(source: SourceRow): Promise<SourceStatus> {
    const spec = { type: source.type, target: source.target, path: source.path, ref: source.ref } as RadarSourceSpec;
    let reading: Awaited<ReturnType<typeof readRadarSource>>;
    try {
      reading = await readRadarSource(spec, deps.mirrorsDir);
    } catch (error) {
      const message = (error as Error).message;
      await store.updateSource(source.id, { last_error: message, last_loaded_at: nowIso() });
      logger.warn({ source: source.id, err: message }, 'radar source could not be read');
      return sourceStatus({ ...source, last_error: message });
    }
    if (reading.version === source.last_version && !source.last_error) return sourceStatus(source);
    const result: ParseRadarResult = parseRadar(reading.text, { file: reading.file });
    const loadedAt = nowIso();
    if (!result.ok) {
      const error = `${reading.file} was rejected with ${result.problems.length} problem(s); the radar keeps its previous version`;
      const patch = { last_error: error, problems_json: JSON.stringify(result.problems), last_loaded_at: loadedAt };
      await store.updateSource(source.id, patch);
      return sourceStatus({ ...source, ...patch });
    }
    const existing = await store.getRadar(result.radar.name);
    if (existing && existing.source_id !== null && existing.source_id !== source.id) {
      const error = `Radar "${result.radar.name}" is already loaded from another source (${existing.source_id})`;
      await store.updateSource(source.id, { last_error: error, last_loaded_at: loadedAt });
      return sourceStatus({ ...source, last_error: error });
    }
    // An entry that broke keeps its last good version, so one typo does not drop a technology from the radar.
    const definition = result.radar;
    const previous = existing ? definitionOf(existing) : undefined;
    for (const id of result.rejectedEntryIds) {
      const kept = previous?.entries.find((e) => e.id === id);
      if (kept && definition.quadrants.some((q) => q.id === kept.quadrant)) definition.entries.push(kept);
    }
    await save(SYSTEM_ACTOR, {
      definition,
      yaml: reading.text,
      sourceId: source.id,
      problems: result.problems,
      who: {
        by: reading.changedBy ?? source.created_by,
        at: reading.changedAt ?? loadedAt,
        reason: reading.message ?? `loaded from ${reading.file}`,
      },
    });
    const patch = {
      radar_name: definition.name,
      last_version: reading.version,
      last_loaded_at: loadedAt,
      last_error: null,
      problems_json: JSON.stringify(result.problems),
    };
    await store.updateSource(source.id, patch);
    return sourceStatus({ ...source, ...patch });
  }

  async function evaluateMany(refs: readonly string[]): Promise<Map<string, RadarEvaluationItem[]>> {
    const byEntity = new Map<string, DependencyUsage[]>(refs.map((ref) => [ref, []]));
    let any = false;
    for (const usage of await deps.dependencyUsage.listDependencyUsage()) {
      const list = byEntity.get(usage.entityRef);
      if (!list) continue;
      list.push(usage);
      any = true;
    }
    const result = new Map<string, RadarEvaluationItem[]>(refs.map((ref) => [ref, []]));
    if (!any) return result;
    const definitions = (await store.listRadars()).map(definitionOf);
    for (const [ref, usages] of byEntity) result.set(ref, evaluateDependencies(definitions, usages));
    return result;
  }

  return {
    async list() {
      return (await store.listRadars()).map(summaryOf);
    },
    view,
    entry,
    async apply(actor, input) {
      assertAdmin(actor);
      const result = parseRadar(input.yaml);
      if (!result.ok) throw toValidationError(result.problems);
      if (result.problems.length > 0) throw toValidationError(result.problems);
      const existing = await store.getRadar(result.radar.name);
      assertApiEditable(existing);
      await save(actor, {
        definition: result.radar,
        yaml: input.yaml,
        sourceId: null,
        problems: [],
        who: {
          by: actor.userRef ?? actor.displayName,
          at: nowIso(),
          reason: input.reason?.trim() || 'applied through the API',
        },
      });
      // The summary, not the full view: adoption reads every repository, which an apply need not wait for.
      return summaryOf(await requireRadar(result.radar.name));
    },
    async moveEntry(actor, name, entryId, input) {
      assertAdmin(actor);
      const row = await requireRadar(name);
      assertApiEditable(row);
      const definition = definitionOf(row);
      const target = definition.entries.find((e) => e.id === entryId);
      if (!target) throw new NotFoundError(`Radar "${name}" has no entry "${entryId}"`);
      if (!RINGS.includes(input.ring)) {
        throw new ValidationError(`Unknown ring "${input.ring}"`, [
          { field: 'ring', message: `one of ${RINGS.join(', ')}` },
        ]);
      }
      if (target.ring !== input.ring) {
        const doc = parseDocument(row.yaml);
        const entries = doc.getIn(['spec', 'entries']);
        if (isSeq(entries)) {
          for (const item of entries.items) {
            if (isMap(item) && item.get('id') === entryId) item.set('ring', input.ring);
          }
        }
        const next: RadarDefinition = {
          ...definition,
          entries: definition.entries.map((e) => (e.id === entryId ? { ...e, ring: input.ring } : e)),
        };
        await save(actor, {
          definition: next,
          yaml: doc.toString(),
          sourceId: null,
          problems: [],
          who: { by: actor.userRef ?? actor.displayName, at: nowIso(), reason: input.reason },
        });
      }
      return entry(name, entryId);
    },
    async remove(actor, name) {
      assertAdmin(actor);
      const row = await requireRadar(name);
      assertApiEditable(row);
      await store.deleteRadar(name);
      await events.append(actor, { type: 'radar.radar.deleted', subject: `radar:${name}`, before: definitionOf(row) });
    },
    async sources() {
      return (await store.listSources()).map(sourceStatus);
    },
    async registerSource(actor, spec) {
      assertAdmin(actor);
      if (await store.findSource(spec)) {
        throw new ConflictError(`${spec.target}${spec.path ? ` (${spec.path})` : ''} is already registered`);
      }
      const row: SourceRow = {
        id: newId(),
        type: spec.type,
        target: spec.target,
        path: spec.path,
        ref: spec.ref,
        radar_name: null,
        last_version: null,
        last_loaded_at: null,
        last_error: null,
        problems_json: '[]',
        created_by: actor.userRef ?? actor.displayName,
        created_at: nowIso(),
      };
      await store.insertSource(row);
      await events.append(actor, { type: 'radar.source.registered', subject: `radar-source:${row.id}`, after: spec });
      return syncRow(row);
    },
    async removeSource(actor, id) {
      assertAdmin(actor);
      const row = await store.getSource(id);
      if (!row) throw new NotFoundError(`No radar source ${id}`);
      await store.deleteSource(id);
      // The radar it loaded stays, now edited through the API.
      if (row.radar_name) {
        const radar = await store.getRadar(row.radar_name);
        if (radar?.source_id === id) await store.saveRadar({ ...radar, source_id: null, updated_at: nowIso() }, []);
      }
      await events.append(actor, {
        type: 'radar.source.removed',
        subject: `radar-source:${id}`,
        before: sourceStatus(row),
      });
    },
    async syncSource(id) {
      const row = await store.getSource(id);
      if (!row) throw new NotFoundError(`No radar source ${id}`);
      return syncRow(row);
    },
    async syncAll() {
      for (const row of await store.listSources()) {
        try {
          await syncRow(row);
        } catch (error) {
          logger.warn({ source: row.id, err: (error as Error).message }, 'radar source sync failed');
        }
      }
    },
    async evaluateEntity(entityRef) {
      const ref = normaliseComponentRef(entityRef);
      return (await evaluateMany([ref])).get(ref) ?? [];
    },
    evaluateEntities: (entityRefs) => evaluateMany(entityRefs.map(normaliseComponentRef)),
  };
}

/**
 * `web`, `default/web` and `Component:default/web` all name `component:default/web`:
 * kind defaults to component and namespace to default, compared in lowercase.
 *
 * @example
 * normaliseComponentRef('playback-api') // 'component:default/playback-api'
 */
export function normaliseComponentRef(ref: string): string {
  const text = ref.trim().toLowerCase();
  const colon = text.indexOf(':');
  const kind = colon === -1 ? 'component' : text.slice(0, colon);
  const rest = colon === -1 ? text : text.slice(colon + 1);
  return `${kind}:${rest.includes('/') ? rest : `default/${rest}`}`;
}
