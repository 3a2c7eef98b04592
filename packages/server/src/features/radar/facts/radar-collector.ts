import { createHash } from 'node:crypto';
import { type Entity, repositoryOf } from '../../catalog/index.js';
import { type CollectContext, type FactCollector, REPOSITORY_COLLECTOR } from '../../health/index.js';
import type { RadarDefinition } from '../model/radar.js';
import type { DependencyUsage } from '../usage/dependency-usage.js';
import { radarFactsOf } from './radar-facts.js';

/** Fact paths start with it: `radar.rings.hold.count`. */
export const RADAR_COLLECTOR = 'radar';

/** Bump when the facts' shape changes: every component is then collected again. */
export const RADAR_COLLECTOR_VERSION = 1;

type Dependency = Pick<DependencyUsage, 'ecosystem' | 'name' | 'version'>;

interface RadarsAtRevision {
  definitions: RadarDefinition[];
  /** Changes whenever any radar changes (an entry moved, added, removed, a version rule edited). */
  revision: string;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * The component's declared dependencies from its `repository` facts (collected
 * in this run, or the stored ones when its HEAD did not move). Throws when there
 * are none yet, so the error is recorded rather than facts that would say "uses
 * nothing on the radar".
 */
function dependenciesOf(context: CollectContext): Dependency[] {
  const facts = context.factsOf(REPOSITORY_COLLECTOR);
  if (!facts) throw new Error('no repository facts yet, so the dependencies are not known');
  const list = facts.dependencies;
  if (!Array.isArray(list)) throw new Error('the repository facts hold no dependency list');
  return list.map((d, i) => {
    const { ecosystem, name, version } = (d ?? {}) as Record<string, unknown>;
    if (typeof ecosystem !== 'string' || typeof name !== 'string') {
      throw new Error(`repository.dependencies[${i}] has no ecosystem and name`);
    }
    return { ecosystem, name, version: typeof version === 'string' ? version : '' };
  });
}

/**
 * The `radar` fact collector: for each component with a repository, the
 * technologies on every radar that its declared dependencies match, with the ring
 * at the version used, and counts and names per ring (see `radarFactsOf`). It
 * reads the dependencies from tech health's `repository` facts, so it is
 * registered after the repository collector. Its fingerprint is the radars'
 * revision with the dependencies: an unchanged component on an unchanged radar is
 * skipped, and a ring move collects every component again at the next refresh.
 *
 * @example
 * health.collectors.register(createRadarCollector({ listRadars: async () => definitions }));
 */
export function createRadarCollector(options: {
  /** Every radar's current definition. */
  listRadars(): Promise<RadarDefinition[]>;
}): FactCollector {
  function radars(context: CollectContext): Promise<RadarsAtRevision> {
    // One read of the radars per collection run, shared by every entity.
    return context.memo('radar:definitions', async () => {
      const definitions = [...(await options.listRadars())].sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      return { definitions, revision: sha1(JSON.stringify(definitions)) };
    });
  }

  return {
    id: RADAR_COLLECTOR,
    version: RADAR_COLLECTOR_VERSION,
    applies: (entity: Entity) => entity.kind.toLowerCase() === 'component' && repositoryOf(entity) !== undefined,
    async fingerprint(_entity, context) {
      let dependencies: Dependency[];
      try {
        dependencies = dependenciesOf(context);
      } catch {
        // No usable dependencies: let collect run and record why.
        return undefined;
      }
      const { revision } = await radars(context);
      return sha1(`${revision}\n${JSON.stringify(dependencies)}`);
    },
    async collect(_entity, context) {
      const dependencies = dependenciesOf(context);
      const { definitions } = await radars(context);
      return { ...radarFactsOf(definitions, dependencies) };
    },
  };
}
