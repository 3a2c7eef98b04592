import { createHash } from 'node:crypto';
import type { Logger } from '../../../platform/logging.js';
import type { Entity } from '../../catalog/index.js';
import { entityRefOf } from '../model/entity-ref.js';
import type { FactOutcome, HealthStore } from '../store/health-store.js';
import type { CollectContext, FactCollectorRegistry, Facts } from './fact-collector.js';

export interface CollectionReport {
  entities: number;
  /** (entity, collector) pairs whose collect ran. */
  collected: number;
  /** Pairs skipped because their fingerprint had not moved. */
  unchanged: number;
  /** Pairs whose facts changed (a history row was written). */
  changed: number;
  errors: { entityRef: string; collector: string; error: string }[];
}

/** Entities collected at the same time: git work on different repositories overlaps, within the machine's means. */
const CONCURRENCY = 4;

function hashOf(json: string): string {
  return createHash('sha1').update(json).digest('hex');
}

/**
 * Runs every registered collector that applies over `entities` and stores what
 * changed. Incremental: a collector with a fingerprint (the repository's HEAD)
 * equal to the stored one, at the same collector version, is skipped without
 * reading anything more, and facts equal to the stored ones write nothing. A
 * collector that throws records an error for that entity; the others go on.
 *
 * @example
 * const report = await collectFacts({ entities, registry, store, logger });
 */
export async function collectFacts(input: {
  entities: readonly Entity[];
  registry: FactCollectorRegistry;
  store: HealthStore;
  logger: Logger;
  now?: () => string;
}): Promise<CollectionReport> {
  const { entities, registry, store } = input;
  const now = input.now ?? (() => new Date().toISOString());
  const collectors = registry.list();
  const refs = entities.map(entityRefOf);
  const stored = new Map<
    string,
    { version: number; fingerprint: string | null; hash: string | null; error: string | null; json: string | null }
  >();
  for (const row of await store.factStates(refs)) {
    stored.set(`${row.entity_ref}\n${row.collector}`, {
      version: row.version,
      fingerprint: row.fingerprint,
      hash: row.facts_hash,
      error: row.error,
      json: row.facts_json,
    });
  }
  const memo = new Map<string, Promise<unknown>>();
  const report: CollectionReport = { entities: entities.length, collected: 0, unchanged: 0, changed: 0, errors: [] };
  const outcomes: FactOutcome[] = [];

  async function collectEntity(entity: Entity, entityRef: string): Promise<void> {
    const produced = new Map<string, Facts>();
    // Collectors skipped as unchanged (or failing) in this run: later collectors read their stored facts.
    const kept = new Map<string, string | null>();
    const context: CollectContext = {
      memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
        let value = memo.get(key);
        if (!value) {
          value = compute();
          memo.set(key, value);
        }
        return value as Promise<T>;
      },
      factsOf(id) {
        const facts = produced.get(id);
        if (facts !== undefined) return facts;
        const json = kept.get(id);
        if (!json) return undefined;
        const parsed = JSON.parse(json) as Facts;
        produced.set(id, parsed);
        return parsed;
      },
    };
    for (const collector of collectors) {
      let applies = false;
      try {
        applies = collector.applies(entity);
      } catch {
        applies = false;
      }
      if (!applies) continue;
      const previous = stored.get(`${entityRef}\n${collector.id}`);
      const at = now();
      try {
        const fingerprint = collector.fingerprint ? ((await collector.fingerprint(entity, context)) ?? null) : null;
        if (
          fingerprint !== null &&
          previous &&
          previous.version === collector.version &&
          previous.fingerprint === fingerprint &&
          previous.error === null
        ) {
          report.unchanged++;
          kept.set(collector.id, previous.json);
          continue;
        }
        const facts = await collector.collect(entity, context);
        produced.set(collector.id, facts);
        report.collected++;
        const json = JSON.stringify(facts);
        const hash = hashOf(`${collector.version}\n${json}`);
        const changed = previous?.hash !== hash;
        if (changed) report.changed++;
        if (changed || previous?.fingerprint !== fingerprint || previous?.error !== null) {
          outcomes.push({
            entityRef,
            collector: collector.id,
            version: collector.version,
            fingerprint,
            at,
            facts: { json, hash, changed },
          });
        }
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        // Its last good facts stay stored, and checks read them: so do later collectors.
        if (previous && previous.version === collector.version) kept.set(collector.id, previous.json);
        report.errors.push({ entityRef, collector: collector.id, error: message });
        outcomes.push({
          entityRef,
          collector: collector.id,
          version: collector.version,
          fingerprint: null,
          at,
          error: message,
        });
        input.logger.warn({ entity: entityRef, collector: collector.id, err: message }, 'fact collection failed');
      }
    }
  }

  let next = 0;
  const workers = Array.from({ length: Math.min(CONCURRENCY, entities.length) }, async () => {
    while (next < entities.length) {
      const index = next++;
      await collectEntity(entities[index]!, refs[index]!);
    }
  });
  await Promise.all(workers);
  await store.saveFactOutcomes(outcomes);
  return report;
}
