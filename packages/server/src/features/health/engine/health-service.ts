import type { Actor, MembershipResolver } from '../../../platform/auth/actor.js';
import { assertAdmin, assertCanWrite } from '../../../platform/auth/authorize.js';
import type { EventLog } from '../../../platform/events/event-log.js';
import { type FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../../platform/http/problem.js';
import { newId, nowIso } from '../../../platform/ids.js';
import type { Logger } from '../../../platform/logging.js';
import { type CatalogReader, type Entity, ownerOf } from '../../catalog/index.js';
import { type CollectionReport, collectFacts } from '../facts/collect-facts.js';
import type { FactCollectorRegistry } from '../facts/fact-collector.js';
import type {
  CampaignSpec,
  CheckResult,
  CheckSpec,
  HealthDefinition,
  HealthKind,
  TrackCertification,
  TrackSpec,
} from '../model/definitions.js';
import { entityRefOf, normaliseRef } from '../model/entity-ref.js';
import { type DefinitionProblem, parseHealthDefinitions } from '../spec/parse-definitions.js';
import type { HealthStore } from '../store/health-store.js';
import { type CompiledHealth, compileHealth, type StoredResult } from './compile-health.js';
import { type EvaluationReport, evaluateEntities } from './evaluate-entities.js';
import { buildGroupTree } from './group-tree.js';
import {
  burndown,
  type CheckPassRate,
  type CheckTrend,
  checkTrends,
  type EntityRollupRow,
  type EntityStanding,
  entityRows,
  type LeaderboardRow,
  lastDays,
  leaderboard,
  type PassRatePoint,
  passRates,
  type TrackRollup,
  trackRollup,
} from './rollups.js';

/** Kinds health looks at: the software, not the people. */
export const HEALTH_ENTITY_KINDS = ['component', 'api', 'system', 'resource'];

export interface StoredDefinition {
  kind: HealthKind;
  name: string;
  spec: CheckSpec | TrackSpec | CampaignSpec;
  source: string | null;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface EntityHealth {
  entityRef: string;
  ownerRef: string | null;
  evaluatedAt: string | null;
  certifications: TrackCertification[];
  results: CheckResult[];
  facts: Record<string, { facts: unknown; collectedAt: string | null; checkedAt: string; error: string | null }>;
  /** What the asking actor may do here (present when the read names a viewer). */
  viewer?: { canChange: boolean };
}

export interface GroupRollup {
  group: { ref: string; title: string; type: string | null };
  components: number;
  checks: CheckPassRate[];
  tracks: TrackRollup[];
  leaderboard: LeaderboardRow[];
  /** Each component in scope with its levels and pass rate (when asked for). */
  entities?: EntityRollupRow[];
}

export interface GroupCheckTrend {
  group: { ref: string; title: string; type: string | null };
  /** Pass rate over every check, per day. */
  overall: PassRatePoint[];
  checks: CheckTrend[];
}

export interface CampaignView {
  name: string;
  title: string;
  description?: string;
  checks: string[];
  start: string;
  deadline: string;
  totals: { components: number; passing: number; failing: number };
  /** Per owning group: components still failing and concerned now, and a burndown of its own. */
  bySquad: {
    group: string;
    title: string;
    failing: number;
    total: number;
    burndown: { day: string; failing: number }[];
  }[];
  /** Components still failing at the end of each day since the start. */
  burndown: { day: string; failing: number }[];
  failing: { entityRef: string; ownerRef: string | null; checks: string[] }[];
}

export interface HealthServiceDeps {
  store: HealthStore;
  catalog: CatalogReader;
  membership: MembershipResolver;
  events: EventLog;
  logger: Logger;
  collectors: FactCollectorRegistry;
}

/** Entities per collection batch job. */
export const COLLECT_BATCH = 100;

function toStored(row: {
  kind: string;
  name: string;
  spec_json: string;
  source: string | null;
  updated_by: string;
  created_at: string;
  updated_at: string;
}): StoredDefinition {
  return {
    kind: row.kind as HealthKind,
    name: row.name,
    spec: JSON.parse(row.spec_json),
    source: row.source,
    updatedBy: row.updated_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function problemToFieldError(p: DefinitionProblem): FieldError {
  const where = `${p.file ?? 'input'}${p.line ? `:${p.line}` : ''}${p.document > 0 ? ` (document ${p.document + 1})` : ''}`;
  return {
    field: p.field ? `${where} ${p.field}` : where,
    message: p.message,
    ...(p.line ? { line: p.line } : {}),
    ...(p.column ? { column: p.column } : {}),
  };
}

/**
 * Tech health's rules: applying definitions, collecting facts and evaluating
 * checks and tracks, manual attestations, roll-ups per group, campaigns and the
 * fleet's automerge gate. Routes and jobs call it; SQL lives in the store.
 *
 * @example
 * const health = createHealthService({ store, catalog, membership, events, logger, collectors });
 * await health.applyDefinitions(admin, { yaml });
 * await health.refresh({});
 */
export function createHealthService(deps: HealthServiceDeps) {
  const { store, catalog, membership, events, logger, collectors } = deps;

  async function definitions(): Promise<StoredDefinition[]> {
    return (await store.definitions()).map(toStored);
  }

  async function compiled(): Promise<{ health: CompiledHealth; defs: StoredDefinition[] }> {
    const defs = await definitions();
    const health = compileHealth(
      defs.filter((d) => d.kind !== 'Campaign').map((d) => ({ kind: d.kind, spec: d.spec }) as HealthDefinition),
    );
    return { health, defs };
  }

  async function healthEntities(entityRefs?: readonly string[]): Promise<Entity[]> {
    if (entityRefs) {
      return (await catalog.entitiesByRefs(entityRefs)).filter(
        (e): e is Entity => e !== null && HEALTH_ENTITY_KINDS.includes(e.kind.toLowerCase()),
      );
    }
    return catalog.findEntities({ key: 'kind', match: { in: HEALTH_ENTITY_KINDS } });
  }

  /**
   * References between documents: a track's or campaign's checks must exist once
   * everything is applied. Returns the indexes of the definitions in trouble and
   * the problems, placed by `locate`.
   */
  function referenceProblems(
    incoming: readonly HealthDefinition[],
    existing: readonly StoredDefinition[],
    place: (definition: number, path: (string | number)[]) => Omit<DefinitionProblem, 'field' | 'message'>,
  ): { bad: Set<number>; problems: DefinitionProblem[] } {
    const checks = new Set([
      ...existing.filter((d) => d.kind === 'Check').map((d) => d.name),
      ...incoming.filter((d) => d.kind === 'Check').map((d) => d.spec.name),
    ]);
    const problems: DefinitionProblem[] = [];
    const bad = new Set<number>();
    const missing = (index: number, path: (string | number)[], check: string, owner: string) => {
      bad.add(index);
      problems.push({
        ...place(index, path),
        field: path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join(''),
        message: `no check named "${check}" (${owner})`,
      });
    };
    incoming.forEach((d, index) => {
      if (d.kind === 'Track') {
        d.spec.levels.forEach((level, i) => {
          level.checks.forEach((check, j) => {
            if (!checks.has(check)) missing(index, ['spec', 'levels', i, 'checks', j], check, `track ${d.spec.name}`);
          });
        });
      }
      if (d.kind === 'Campaign') {
        d.spec.checks.forEach((check, j) => {
          if (!checks.has(check)) missing(index, ['spec', 'checks', j], check, `campaign ${d.spec.name}`);
        });
      }
    });
    return { bad, problems };
  }

  async function storeDefinitions(actor: Actor, incoming: readonly HealthDefinition[], source: string | null) {
    const existing = await store.definitions();
    const byKey = new Map(existing.map((r) => [`${r.kind}/${r.name}`, r]));
    const at = nowIso();
    const rows = incoming.map((d) => ({
      kind: d.kind,
      name: d.spec.name,
      spec_json: JSON.stringify(d.spec),
      source,
      updated_by: actor.userRef ?? actor.displayName,
      created_at: byKey.get(`${d.kind}/${d.spec.name}`)?.created_at ?? at,
      updated_at: at,
    }));
    const changed = rows.filter((r) => byKey.get(`${r.kind}/${r.name}`)?.spec_json !== r.spec_json);
    await store.upsertDefinitions(changed);
    for (const row of changed) {
      const before = byKey.get(`${row.kind}/${row.name}`);
      await events.append(actor, {
        type: 'health.definition.applied',
        subject: `${row.kind}/${row.name}`,
        ...(before ? { before: JSON.parse(before.spec_json) } : {}),
        after: JSON.parse(row.spec_json),
      });
    }
    return {
      applied: rows.map((r) => ({ kind: r.kind, name: r.name, changed: changed.includes(r) })),
    };
  }

  /** Stored states with statuses only (roll-ups need no messages). */
  /**
   * A group and the standings in its scope: components owned by it or a group
   * under it that some check or track concerns (an API no check applies to is not
   * a component to count).
   */
  async function groupScope(groupRef: string) {
    const ref = normaliseRef(groupRef, 'group');
    if (!ref)
      throw new ValidationError(`"${groupRef}" is not a group ref`, [
        { field: 'group', message: 'use group:namespace/name' },
      ]);
    const tree = buildGroupTree(await catalog.findEntities({ key: 'kind', match: { in: ['group'] } }));
    const node = tree.get(ref);
    if (!node) throw new NotFoundError(`No group ${ref}`);
    const within = tree.descendants(ref);
    const scoped = (await standings()).filter(
      (s) =>
        s.ownerRef &&
        within.has(s.ownerRef) &&
        (s.certifications.length > 0 || s.results.some((r) => r.status !== 'not-applicable')),
    );
    return { group: { ref, title: node.title, type: node.type }, tree, scoped };
  }

  function trendDays(days: number | undefined): string[] {
    return lastDays(nowIso(), Math.min(Math.max(days ?? 30, 1), 366));
  }

  async function standings(): Promise<EntityStanding[]> {
    return (await store.entityStates()).map((row) => ({
      entityRef: row.entity_ref,
      ownerRef: row.owner_ref,
      results: JSON.parse(row.results_json) as StoredResult[],
      certifications: JSON.parse(row.certifications_json) as TrackCertification[],
    }));
  }

  const service = {
    collectors,

    definitions,

    /**
     * Applies a YAML file of Check, Track and Campaign documents (admins only). All
     * or nothing: any problem (syntax, a field, a track naming an unknown check)
     * rejects the file with every problem's file, line and field, and what was
     * applied before keeps working.
     */
    async applyDefinitions(actor: Actor, input: { yaml: string; file?: string }) {
      assertAdmin(actor);
      const parsed = parseHealthDefinitions(input.yaml, { file: input.file });
      const file = input.file === undefined ? {} : { file: input.file };
      const references = referenceProblems(parsed.definitions, await definitions(), (i, path) => ({
        ...file,
        ...parsed.locate(i, path),
      }));
      const all = [...parsed.problems, ...references.problems];
      if (all.length > 0) {
        throw new ValidationError(
          `${input.file ?? 'The definitions'} ha${all.length === 1 ? 's a problem' : `ve ${all.length} problems`}; nothing was applied`,
          all.map(problemToFieldError),
        );
      }
      if (parsed.definitions.length === 0) throw new ValidationError('No definitions in the input', []);
      return storeDefinitions(actor, parsed.definitions, input.file ?? null);
    },

    /**
     * Loads definition files at start (the demo's, or a directory an admin keeps):
     * document by document, so one malformed document is reported and skipped and
     * the rest load.
     */
    async loadDefinitionFiles(actor: Actor, files: readonly { file: string; yaml: string }[]) {
      const parsedFiles = files.map((f) => ({
        file: f.file,
        parsed: parseHealthDefinitions(f.yaml, { file: f.file }),
      }));
      const incoming = parsedFiles.flatMap((f) => f.parsed.definitions);
      const origin = parsedFiles.flatMap((f) =>
        f.parsed.definitions.map((_, i) => ({ file: f.file, parsed: f.parsed, i })),
      );
      const problems = parsedFiles.flatMap((f) => f.parsed.problems);
      const references = referenceProblems(incoming, await definitions(), (index, path) => {
        const o = origin[index]!;
        return { file: o.file, ...o.parsed.locate(o.i, path) };
      });
      const valid = incoming.filter((_, i) => !references.bad.has(i));
      const refProblems = references.problems;
      for (const p of [...problems, ...refProblems]) {
        logger.warn({ file: p.file, line: p.line, field: p.field }, `health definition rejected: ${p.message}`);
      }
      const result = await storeDefinitions(actor, valid, 'files');
      return { ...result, problems: [...problems, ...refProblems] };
    },

    async deleteDefinition(actor: Actor, kind: string, name: string) {
      assertAdmin(actor);
      const existing = (await store.definitions()).find((d) => d.kind === kind && d.name === name);
      if (!existing) throw new NotFoundError(`No ${kind} named "${name}"`);
      if (kind === 'Check') {
        const users = (await definitions()).filter(
          (d) =>
            (d.kind === 'Track' && (d.spec as TrackSpec).levels.some((l) => l.checks.includes(name))) ||
            (d.kind === 'Campaign' && (d.spec as CampaignSpec).checks.includes(name)),
        );
        if (users.length > 0) {
          throw new ValidationError(
            `Check "${name}" is used by ${users.map((u) => `${u.kind} ${u.name}`).join(', ')}`,
            [{ field: 'name', message: 'still referenced' }],
          );
        }
      }
      await store.deleteDefinition(kind, name);
      await events.append(actor, {
        type: 'health.definition.deleted',
        subject: `${kind}/${name}`,
        before: JSON.parse(existing.spec_json),
      });
    },

    /** Collects facts for the entities (default: every one health looks at). */
    async collect(options: { entityRefs?: readonly string[] } = {}): Promise<CollectionReport> {
      const entities = await healthEntities(options.entityRefs);
      return collectFacts({ entities, registry: collectors, store, logger });
    },

    /** Evaluates checks and tracks from stored facts (default: every entity). */
    async evaluate(options: { entityRefs?: readonly string[] } = {}): Promise<EvaluationReport> {
      const entities = await healthEntities(options.entityRefs);
      const { health } = await compiled();
      return evaluateEntities({ entities, health, store, now: nowIso(), all: options.entityRefs === undefined });
    },

    /** Collects, then evaluates. */
    async refresh(options: { entityRefs?: readonly string[] } = {}) {
      const collection = await service.collect(options);
      const evaluation = await service.evaluate(options);
      return { collection, evaluation };
    },

    /** Entities removed from the catalog leave roll-ups and campaigns (their history stays). */
    async forget(entityRefs: readonly string[]): Promise<void> {
      await store.forgetEntities(entityRefs);
    },

    /** Entity refs in batches, for the collection jobs. */
    async batches(): Promise<string[][]> {
      const refs = (await healthEntities()).map(entityRefOf);
      const out: string[][] = [];
      for (let i = 0; i < refs.length; i += COLLECT_BATCH) out.push(refs.slice(i, i + COLLECT_BATCH));
      return out;
    },

    /**
     * An entity's results, levels and facts. With a `viewer`, also whether that
     * actor may change it (attest, re-check): its owners and admins may.
     */
    async entityHealth(ref: string, options: { viewer?: Actor } = {}): Promise<EntityHealth> {
      const entityRef = normaliseRef(ref, 'component');
      if (!entityRef)
        throw new ValidationError(`"${ref}" is not an entity ref`, [
          { field: 'entityRef', message: 'use kind:namespace/name' },
        ]);
      const [entity] = await catalog.entitiesByRefs([entityRef]);
      if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
      const [state] = await store.entityStates([entityRef]);
      const { health } = await compiled();
      const facts: EntityHealth['facts'] = {};
      for (const row of await store.factStates([entityRef])) {
        facts[row.collector] = {
          facts: row.facts_json ? JSON.parse(row.facts_json) : null,
          collectedAt: row.collected_at,
          checkedAt: row.checked_at,
          error: row.error,
        };
      }
      const owner = ownerOf(entity);
      return {
        entityRef,
        ownerRef: owner?.toLowerCase() ?? null,
        evaluatedAt: state?.evaluated_at ?? null,
        certifications: state ? JSON.parse(state.certifications_json) : [],
        results: state ? health.expand(JSON.parse(state.results_json) as StoredResult[]) : [],
        facts,
        ...(options.viewer ? { viewer: { canChange: await mayChange(options.viewer, owner) } } : {}),
      };
    },

    async entityHistory(ref: string) {
      const entityRef = normaliseRef(ref, 'component');
      if (!entityRef) throw new ValidationError(`"${ref}" is not an entity ref`, []);
      const certifications = (await store.certificationHistory({ entityRef })).map((r) => ({
        track: r.track,
        level: r.level,
        rank: r.rank,
        at: r.at,
      }));
      const results = (await store.resultHistory({ entityRef })).map((r) => ({
        statuses: JSON.parse(r.statuses_json),
        at: r.at,
      }));
      return { entityRef, certifications, results };
    },

    /** An owner (or admin) attests a manual check for an entity; it expires after the check's period. */
    async attest(
      actor: Actor,
      input: { entityRef: string; check: string; status: 'passed' | 'failed'; note?: string },
    ): Promise<EntityHealth> {
      const entityRef = normaliseRef(input.entityRef, 'component');
      if (!entityRef) throw new ValidationError(`"${input.entityRef}" is not an entity ref`, []);
      const [entity] = await catalog.entitiesByRefs([entityRef]);
      if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
      const check = (await definitions()).find((d) => d.kind === 'Check' && d.name === input.check);
      if (!check) throw new NotFoundError(`No check named "${input.check}"`);
      const spec = check.spec as CheckSpec;
      if (!spec.manual) {
        throw new ValidationError(`Check "${input.check}" is computed from facts; only manual checks are attested`, [
          { field: 'check', message: 'not a manual check' },
        ]);
      }
      const owner = ownerOf(entity);
      await assertCanWrite(actor, { ownerRefs: owner ? [owner] : [], membership });
      const at = nowIso();
      const expiresAt = new Date(Date.parse(at) + spec.manual.expiresAfterDays * 86_400_000).toISOString();
      const row = {
        id: newId(),
        entity_ref: entityRef,
        check_name: input.check,
        status: input.status,
        note: input.note ?? null,
        attested_by: actor.userRef ?? actor.displayName,
        attested_at: at,
        expires_at: expiresAt,
      };
      await store.addAttestation(row);
      await events.append(actor, {
        type: 'health.check.attested',
        subject: entityRef,
        after: { check: input.check, status: input.status, expiresAt, note: input.note },
      });
      await service.evaluate({ entityRefs: [entityRef] });
      return service.entityHealth(entityRef, { viewer: actor });
    },

    /**
     * Pass rate per check, certification distribution and trend, and leaderboard for
     * a group and the groups under it; with `entities`, every component in scope too.
     */
    async rollup(groupRef: string, options: { days?: number; entities?: boolean } = {}): Promise<GroupRollup> {
      const { group, tree, scoped } = await groupScope(groupRef);
      const { health } = await compiled();
      const days = trendDays(options.days);
      const tracks: TrackRollup[] = [];
      for (const track of health.tracks) {
        tracks.push(trackRollup(track, scoped, await store.certificationHistory({ track: track.name }), days));
      }
      return {
        group,
        components: scoped.length,
        checks: passRates(scoped, health.checks),
        tracks,
        leaderboard: leaderboard(group.ref, tree, scoped, health.tracks),
        ...(options.entities ? { entities: entityRows(scoped) } : {}),
      };
    },

    /**
     * Pass rate per day, per check and over every check, for the components in a
     * group's scope (the group and every group under it), replayed from the status
     * history of those components.
     */
    async checkTrend(groupRef: string, options: { days?: number } = {}): Promise<GroupCheckTrend> {
      const { group, scoped } = await groupScope(groupRef);
      const { health } = await compiled();
      const refs = scoped.map((s) => s.entityRef);
      const history = await store.resultHistory({ entityRefs: refs });
      return { group, ...checkTrends(health.checks, history, new Set(refs), trendDays(options.days)) };
    },

    async campaigns(): Promise<CampaignView[]> {
      const defs = (await definitions()).filter((d) => d.kind === 'Campaign');
      if (defs.length === 0) return [];
      const [all, history, groups] = await Promise.all([
        standings(),
        store.resultHistory(),
        catalog.findEntities({ key: 'kind', match: { in: ['group'] } }),
      ]);
      const tree = buildGroupTree(groups);
      return defs.map((d) => campaignView(d, all, history, tree));
    },

    async campaign(name: string): Promise<CampaignView> {
      const view = (await service.campaigns()).find((c) => c.name === name);
      if (!view) throw new NotFoundError(`No campaign named "${name}"`);
      return view;
    },

    /**
     * Fleet Shift's automerge gate: allowed when the entity is certified at
     * `minLevel` or above. `minLevel` is a level name (`silver`), looked up in every
     * track that has it, or `track/level` for one track.
     */
    async gate(entityRef: string, minLevel: string): Promise<{ allowed: boolean; reason?: string }> {
      const [trackName, levelName] = minLevel.includes('/') ? minLevel.split('/', 2) : [undefined, minLevel];
      const level = (levelName ?? '').toLowerCase();
      const { health } = await compiled();
      const tracks = health.tracks.filter(
        (t) => (!trackName || t.name === trackName) && t.levels.some((l) => l.name.toLowerCase() === level),
      );
      if (tracks.length === 0) return { allowed: false, reason: `no track has a level "${minLevel}"` };
      const ref = normaliseRef(entityRef, 'component') ?? entityRef;
      const [state] = await store.entityStates([ref]);
      if (!state) return { allowed: false, reason: `${ref} has not been evaluated yet` };
      const certifications = JSON.parse(state.certifications_json) as TrackCertification[];
      const seen: string[] = [];
      for (const track of tracks) {
        const needed = track.levels.findIndex((l) => l.name.toLowerCase() === level) + 1;
        const cert = certifications.find((c) => c.track === track.name);
        if (cert && cert.rank >= needed) return { allowed: true };
        seen.push(`${track.name}: ${cert?.level ?? 'not certified'}`);
      }
      return { allowed: false, reason: `${ref} is below ${minLevel} (${seen.join('; ')})` };
    },

    /** Reads for other features (the radar): every entity's declared dependencies, from the repository facts. */
    async dependencyFacts(): Promise<
      {
        entityRef: string;
        ownerRef: string | null;
        dependencies: { ecosystem: string; name: string; version: string; file: string }[];
      }[]
    > {
      const rows = await store.factStates();
      const owners = new Map<string, string | null>();
      for (const row of rows) {
        if (row.collector !== 'catalog' || !row.facts_json) continue;
        const facts = JSON.parse(row.facts_json) as { owner?: { ref?: string | null } };
        owners.set(row.entity_ref, facts.owner?.ref?.toLowerCase() ?? null);
      }
      const out = [];
      for (const row of rows) {
        if (row.collector !== 'repository' || !row.facts_json) continue;
        const facts = JSON.parse(row.facts_json) as {
          dependencies?: { ecosystem: string; name: string; version: string; file: string }[];
        };
        out.push({
          entityRef: row.entity_ref,
          ownerRef: owners.get(row.entity_ref) ?? null,
          dependencies: facts.dependencies ?? [],
        });
      }
      return out;
    },

    /** The latest facts of one collector, by entity ref. */
    async latestFacts(collector: string): Promise<Map<string, unknown>> {
      const out = new Map<string, unknown>();
      for (const row of await store.factStates()) {
        if (row.collector === collector && row.facts_json) out.set(row.entity_ref, JSON.parse(row.facts_json));
      }
      return out;
    },
  };

  async function mayChange(actor: Actor, owner: string | null | undefined): Promise<boolean> {
    try {
      await assertCanWrite(actor, { ownerRefs: owner ? [owner] : [], membership });
      return true;
    } catch (error) {
      if (error instanceof ForbiddenError) return false;
      throw error;
    }
  }

  function campaignView(
    d: StoredDefinition,
    all: readonly EntityStanding[],
    history: readonly { entity_ref: string; statuses_json: string; at: string }[],
    tree: ReturnType<typeof buildGroupTree>,
  ): CampaignView {
    const spec = d.spec as CampaignSpec;
    const concerned = all.filter((s) =>
      s.results.some((r) => spec.checks.includes(r.check) && r.status !== 'not-applicable'),
    );
    const failing = concerned
      .map((s) => ({
        entityRef: s.entityRef,
        ownerRef: s.ownerRef,
        checks: s.results.filter((r) => spec.checks.includes(r.check) && r.status === 'failed').map((r) => r.check),
      }))
      .filter((f) => f.checks.length > 0);
    const NO_OWNER = '(no owner)';
    const bySquad = new Map<string, { failing: number; total: number }>();
    for (const s of concerned) {
      const key = s.ownerRef ?? NO_OWNER;
      const entry = bySquad.get(key) ?? { failing: 0, total: 0 };
      entry.total++;
      if (failing.some((f) => f.entityRef === s.entityRef)) entry.failing++;
      bySquad.set(key, entry);
    }
    const start = spec.start ?? d.createdAt.slice(0, 10);
    const today = nowIso().slice(0, 10);
    const span = Math.max(1, Math.round((Date.parse(today) - Date.parse(start)) / 86_400_000) + 1);
    const days = lastDays(nowIso(), Math.min(span, 366));
    const series = burndown(
      spec.checks,
      history,
      new Map(concerned.map((s) => [s.entityRef, s.ownerRef ?? NO_OWNER])),
      days,
    );
    return {
      name: spec.name,
      title: spec.title,
      ...(spec.description ? { description: spec.description } : {}),
      checks: spec.checks,
      start,
      deadline: spec.deadline,
      totals: { components: concerned.length, passing: concerned.length - failing.length, failing: failing.length },
      bySquad: [...bySquad]
        .map(([group, c]) => ({
          group,
          title: tree.get(group)?.title ?? group,
          ...c,
          burndown: series.map((point) => ({ day: point.day, failing: point.byOwner[group] ?? 0 })),
        }))
        .sort((a, b) => b.failing - a.failing || a.group.localeCompare(b.group)),
      burndown: series.map((point) => ({ day: point.day, failing: point.failing })),
      failing,
    };
  }

  return service;
}

export type HealthService = ReturnType<typeof createHealthService>;
