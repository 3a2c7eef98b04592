import { createHash } from 'node:crypto';
import { type Entity, ownerOf } from '../../catalog/index.js';
import type { TrackCertification } from '../model/definitions.js';
import { entityRefOf } from '../model/entity-ref.js';
import type { EntityShape } from '../spec/compile-rule.js';
import type { EvaluationWrite, HealthStore } from '../store/health-store.js';
import type { Attestation, CompiledHealth } from './compile-health.js';

export interface EvaluationReport {
  entities: number;
  /** Entities whose results or certifications changed. */
  changed: number;
  levelChanges: number;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** What applicability reads of an entity. */
export function shapeOf(entity: Entity): EntityShape {
  const spec = entity.spec ?? {};
  return {
    kind: entity.kind,
    ...(typeof spec.type === 'string' ? { type: spec.type } : {}),
    ...(typeof spec.lifecycle === 'string' ? { lifecycle: spec.lifecycle } : {}),
    tags: entity.metadata.tags ?? [],
  };
}

/**
 * Evaluates every check and track for `entities` from their stored facts and
 * attestations, and stores what changed: the entity's state when its results
 * differ, a status-history row when a check's status moved, and a certification
 * history row when a level moved. Facts are read in bulk; each entity is then a
 * loop of compiled closures.
 *
 * @example
 * await evaluateEntities({ entities, health: compileHealth(definitions), store, now: nowIso() });
 */
export async function evaluateEntities(input: {
  entities: readonly Entity[];
  health: CompiledHealth;
  store: HealthStore;
  now: string;
  /** Evaluating everything: read all stored state in one query each rather than by ref. */
  all?: boolean;
}): Promise<EvaluationReport> {
  const { entities, health, store, now } = input;
  const refs = entities.map(entityRefOf);
  const scope = input.all ? undefined : refs;
  const facts = new Map<string, { facts: Record<string, unknown>; errors: Record<string, string> }>();
  for (const row of await store.factStates(scope)) {
    let entry = facts.get(row.entity_ref);
    if (!entry) {
      entry = { facts: {}, errors: {} };
      facts.set(row.entity_ref, entry);
    }
    if (row.facts_json) entry.facts[row.collector] = JSON.parse(row.facts_json);
    if (row.error) entry.errors[row.collector] = row.error;
  }
  const attestations = new Map<string, Map<string, Attestation>>();
  for (const row of await store.latestAttestations(scope)) {
    let map = attestations.get(row.entity_ref);
    if (!map) {
      map = new Map();
      attestations.set(row.entity_ref, map);
    }
    map.set(row.check_name, {
      status: row.status,
      by: row.attested_by,
      at: row.attested_at,
      expiresAt: row.expires_at,
      ...(row.note ? { note: row.note } : {}),
    });
  }
  const previous = await store.entityHashes(scope);
  const writes: EvaluationWrite[] = [];
  let levelChanges = 0;
  const empty = { facts: {}, errors: {} };
  for (let i = 0; i < entities.length; i++) {
    const entity = entities[i]!;
    const entityRef = refs[i]!;
    const entry = facts.get(entityRef) ?? empty;
    const { results, certifications } = health.evaluate({
      entity: shapeOf(entity),
      facts: entry.facts,
      factErrors: entry.errors,
      attestations: attestations.get(entityRef),
      now,
    });
    const statuses: Record<string, string> = {};
    for (const r of results) statuses[r.check] = r.status;
    const resultsJson = JSON.stringify(health.compact(results));
    const certificationsJson = JSON.stringify(certifications);
    // Two hashes in one column: what history cares about (statuses), then everything (messages too).
    const statusHash = sha1(JSON.stringify(statuses));
    const hash = `${statusHash}:${sha1(`${resultsJson}\n${certificationsJson}`)}`;
    const ownerRef = ownerOf(entity)?.toLowerCase() ?? null;
    const before = previous.get(entityRef);
    if (before && before.hash === hash && before.owner === ownerRef) continue;
    const oldLevels = new Map<string, number>();
    if (before) {
      for (const c of JSON.parse(before.certifications) as TrackCertification[]) oldLevels.set(c.track, c.rank);
    }
    const moved = certifications
      .filter((c) => oldLevels.get(c.track) !== c.rank)
      .map((c) => ({ track: c.track, level: c.level, rank: c.rank }));
    levelChanges += moved.length;
    writes.push({
      entityRef,
      ownerRef,
      resultsJson,
      certificationsJson,
      hash,
      at: now,
      ...(before?.hash.split(':')[0] !== statusHash ? { statusesChanged: statuses } : {}),
      levelChanges: moved,
    });
  }
  await store.saveEvaluations(writes);
  return { entities: entities.length, changed: writes.length, levelChanges };
}
