import { parseVersion } from '../../../platform/manifests/version.js';
import { evaluateDependencies, type RadarEvaluationItem } from '../model/evaluate-dependencies.js';
import { type RadarDefinition, RINGS, type Ring } from '../model/radar.js';
import type { DependencyUsage } from '../usage/dependency-usage.js';

/** One technology a component uses, as a check reads it in `radar.technologies`. */
export interface RadarTechnologyFact {
  radar: string;
  /** The entry's id on its radar. */
  entry: string;
  name: string;
  quadrant: string;
  /** The ring at the version the component uses: the first version rule that holds, else the entry's ring. */
  ring: Ring;
  /** The entry's own ring. */
  entryRing: Ring;
  /** The dependency that matched, as its manifest names it. */
  ecosystem: string;
  dependency: string;
  /** As declared (a lockfile's version when there is one); '' when managed elsewhere. */
  version: string;
  /** Whether the version could be read; an unreadable one (`latest`, set by a parent POM) is in the entry's ring. */
  versionKnown: boolean;
}

export interface RingFacts {
  /** Technologies in this ring at the version used. */
  count: number;
  /** Their names, sorted. */
  names: string[];
}

/** The `radar` collector's facts about one component. */
export interface RadarFacts {
  /** Every technology on any radar the component uses, sorted by radar then entry. */
  technologies: RadarTechnologyFact[];
  /** Number of technologies. */
  count: number;
  /** Over every radar. */
  rings: Record<Ring, RingFacts>;
  /** The same per radar, by radar name (every radar is present, with zero counts when unused). */
  radars: Record<string, { count: number; rings: Record<Ring, RingFacts> }>;
}

const RING_ORDER: Record<Ring, number> = { adopt: 0, trial: 1, assess: 2, hold: 3 };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ringsOf(technologies: readonly RadarTechnologyFact[]): Record<Ring, RingFacts> {
  const out = {} as Record<Ring, RingFacts>;
  for (const ring of RINGS) {
    const inRing = technologies.filter((t) => t.ring === ring);
    out[ring] = { count: inRing.length, names: [...new Set(inRing.map((t) => t.name))].sort(compareText) };
  }
  return out;
}

/**
 * What the radars say about one component's dependencies: each technology it
 * uses with the ring at its version, and counts and names per ring, over every
 * radar and per radar. A technology declared more than once (two manifests, or
 * `react` and `react-dom` under one pattern) is one technology, in the worst ring
 * among its declarations, as the radar's adoption counts it. Deterministic: the
 * same radars and dependencies give the same facts, in the same order.
 *
 * @example
 * radarFactsOf([goldenTech], [{ ecosystem: 'npm', name: 'koa', version: '2.15.3' }]).rings.hold
 * // { count: 1, names: ['Koa'] }
 */
export function radarFactsOf(
  definitions: readonly RadarDefinition[],
  dependencies: readonly Pick<DependencyUsage, 'ecosystem' | 'name' | 'version'>[],
): RadarFacts {
  const sortedDefinitions = [...definitions].sort((a, b) => compareText(a.name, b.name));
  const items = evaluateDependencies(sortedDefinitions, dependencies);
  const worst = new Map<string, RadarEvaluationItem>();
  for (const item of items) {
    const key = `${item.radar}\n${item.entryId}`;
    const current = worst.get(key);
    if (
      !current ||
      RING_ORDER[item.ring] > RING_ORDER[current.ring] ||
      (item.ring === current.ring &&
        (compareText(item.dependency, current.dependency) || compareText(item.version, current.version)) < 0)
    ) {
      worst.set(key, item);
    }
  }
  const technologies = [...worst.values()]
    .sort((a, b) => compareText(a.radar, b.radar) || compareText(a.entryId, b.entryId))
    .map(
      (item): RadarTechnologyFact => ({
        radar: item.radar,
        entry: item.entryId,
        name: item.entryName,
        quadrant: item.quadrant,
        ring: item.ring,
        entryRing: item.entryRing,
        ecosystem: item.ecosystem,
        dependency: item.dependency,
        version: item.version,
        versionKnown: parseVersion(item.version) !== undefined,
      }),
    );
  const radars: RadarFacts['radars'] = {};
  for (const definition of sortedDefinitions) {
    const own = technologies.filter((t) => t.radar === definition.name);
    radars[definition.name] = { count: own.length, rings: ringsOf(own) };
  }
  return { technologies, count: technologies.length, rings: ringsOf(technologies), radars };
}
