import type { DependencyUsage } from '../usage/dependency-usage.js';
import { entryMatches, ringAt } from './match-entry.js';
import type { RadarDefinition, Ring } from './radar.js';

/** One radar entry a component uses, and the ring its version puts it in. */
export interface RadarEvaluationItem {
  radar: string;
  entryId: string;
  entryName: string;
  quadrant: string;
  /** The entry's ring on the radar. */
  entryRing: Ring;
  /** The ring at the version this component uses (version rules applied). */
  ring: Ring;
  ecosystem: string;
  dependency: string;
  version: string;
}

/**
 * Every entry, on every radar, that one component's dependencies match, with the
 * ring at the version each dependency declares. One item per (dependency, entry):
 * a dependency two radars know gives two items. The radar's evaluation API and the
 * `radar` fact collector both answer from this.
 *
 * @example
 * evaluateDependencies([goldenTech], [{ ecosystem: 'npm', name: 'koa', version: '2.15.3' }])
 * // [{ radar: 'golden-tech', entryId: 'koa', ring: 'hold', ... }]
 */
export function evaluateDependencies(
  definitions: readonly RadarDefinition[],
  dependencies: readonly Pick<DependencyUsage, 'ecosystem' | 'name' | 'version'>[],
): RadarEvaluationItem[] {
  const items: RadarEvaluationItem[] = [];
  for (const dependency of dependencies) {
    for (const definition of definitions) {
      for (const entry of definition.entries) {
        if (!entryMatches(entry, dependency)) continue;
        items.push({
          radar: definition.name,
          entryId: entry.id,
          entryName: entry.name,
          quadrant: entry.quadrant,
          entryRing: entry.ring,
          ring: ringAt(entry, dependency.version),
          ecosystem: dependency.ecosystem,
          dependency: dependency.name,
          version: dependency.version,
        });
      }
    }
  }
  return items;
}
