import type { Entity } from '../../catalog/index.js';

/** Facts are plain JSON: what a check's fact path reads. */
export type Facts = Record<string, unknown>;

/** What a collector gets besides the entity. */
export interface CollectContext {
  /** Shared by every entity of one collection run: memoise run-wide lookups (the owners in the catalog, a repository's HEAD). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /**
   * The latest facts of an earlier collector for this entity (collectors run in
   * registration order): what it produced in this run, or, when it was skipped as
   * unchanged or failed, its stored facts. Undefined when it has none or does not apply.
   */
  factsOf(collectorId: string): Facts | undefined;
}

/**
 * A source of facts about entities. Later features (deployments, SLOs, toggles,
 * incidents, the radar) register their own on the health feature's registry.
 *
 * @example
 * const ownerCollector: FactCollector = {
 *   id: 'slo', version: 1,
 *   applies: (entity) => entity.kind === 'Component',
 *   collect: async (entity) => ({ objectives: await slos.count(entity) }),
 * };
 * health.collectors.register(ownerCollector);
 */
export interface FactCollector {
  /** A fact path starts with this id: `repository.files.readme`. Lowercase letters, digits and dashes. */
  id: string;
  /** Bump when the shape of the facts changes: every entity is then collected again. */
  version: number;
  applies(entity: Entity): boolean;
  /**
   * A cheap token for the inputs (a repository's HEAD commit). When it equals the
   * one stored at the last collection of the same version, `collect` is skipped:
   * an unchanged repository costs nothing. Without it, `collect` always runs, and
   * facts equal to the stored ones write nothing.
   */
  fingerprint?(entity: Entity, context: CollectContext): Promise<string | undefined>;
  collect(entity: Entity, context: CollectContext): Promise<Facts>;
}

/** The collectors a collection run uses, in registration order. */
export interface FactCollectorRegistry {
  register(collector: FactCollector): void;
  list(): readonly FactCollector[];
  get(id: string): FactCollector | undefined;
}

const ID = /^[a-z][a-z0-9-]*$/;

/**
 * @example
 * const registry = createFactCollectorRegistry();
 * registry.register(createCatalogCollector({ catalog }));
 */
export function createFactCollectorRegistry(): FactCollectorRegistry {
  const collectors = new Map<string, FactCollector>();
  return {
    register(collector) {
      if (!ID.test(collector.id))
        throw new Error(`Collector id "${collector.id}" must be lowercase letters, digits and dashes`);
      if (collectors.has(collector.id)) throw new Error(`A collector "${collector.id}" is already registered`);
      if (!Number.isInteger(collector.version) || collector.version < 1) {
        throw new Error(`Collector "${collector.id}" needs a positive whole version`);
      }
      collectors.set(collector.id, collector);
    },
    list: () => [...collectors.values()],
    get: (id) => collectors.get(id),
  };
}
