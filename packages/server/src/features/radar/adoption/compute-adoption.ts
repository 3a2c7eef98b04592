import { entryMatches, ringAt } from '../model/match-entry.js';
import type { RadarDefinition, RadarEntry, Ring } from '../model/radar.js';
import type { DependencyUsage } from '../usage/dependency-usage.js';

/** One component using an entry, at one version, in the ring that version is in. */
export interface EntryUsage {
  entityRef: string;
  ownerRef: string | null;
  ecosystem: string;
  dependency: string;
  version: string;
  ring: Ring;
}

/** What the fleet really uses of one entry. */
export interface EntryAdoption {
  components: number;
  squads: number;
  /** Distinct versions, highest first where they can be ordered. */
  versions: string[];
  /** Components per ring their version puts them in. */
  byRing: Record<Ring, number>;
  usages: EntryUsage[];
}

function emptyByRing(): Record<Ring, number> {
  return { adopt: 0, trial: 0, assess: 0, hold: 0 };
}

/**
 * For every entry of a radar, the components and squads that declare it and at
 * which versions. A component declaring a technology twice (say in package.json
 * and pom.xml) counts once, in the worst ring among its declarations.
 *
 * @example
 * const adoption = computeAdoption(radar, await usageReader.listDependencyUsage());
 * adoption.get('express')?.components // 12
 */
export function computeAdoption(
  radar: RadarDefinition,
  usages: readonly DependencyUsage[],
): Map<string, EntryAdoption> {
  const result = new Map<string, EntryAdoption>();
  for (const entry of radar.entries) result.set(entry.id, adoptionOf(entry, usages));
  return result;
}

const RING_ORDER: Record<Ring, number> = { adopt: 0, trial: 1, assess: 2, hold: 3 };

/**
 * The adoption of one entry.
 *
 * @example
 * adoptionOf(entry, usages).squads // 4
 */
export function adoptionOf(entry: RadarEntry, usages: readonly DependencyUsage[]): EntryAdoption {
  const matched: EntryUsage[] = [];
  for (const usage of usages) {
    if (!entryMatches(entry, usage)) continue;
    matched.push({
      entityRef: usage.entityRef,
      ownerRef: usage.ownerRef,
      ecosystem: usage.ecosystem,
      dependency: usage.name,
      version: usage.version,
      ring: ringAt(entry, usage.version),
    });
  }
  matched.sort((a, b) => a.entityRef.localeCompare(b.entityRef) || a.dependency.localeCompare(b.dependency));
  const worstByComponent = new Map<string, Ring>();
  for (const usage of matched) {
    const current = worstByComponent.get(usage.entityRef);
    if (current === undefined || RING_ORDER[usage.ring] > RING_ORDER[current]) {
      worstByComponent.set(usage.entityRef, usage.ring);
    }
  }
  const byRing = emptyByRing();
  for (const ring of worstByComponent.values()) byRing[ring]++;
  const versions = [...new Set(matched.map((u) => u.version).filter((v) => v !== ''))].sort((a, b) =>
    b.localeCompare(a, 'en', { numeric: true }),
  );
  return {
    components: worstByComponent.size,
    squads: new Set(matched.map((u) => u.ownerRef).filter((o): o is string => o !== null)).size,
    versions,
    byRing,
    usages: matched,
  };
}
