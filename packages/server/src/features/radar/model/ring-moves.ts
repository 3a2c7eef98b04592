import type { RadarDefinition, Ring } from './radar.js';

/** An entry that entered the radar (`from: null`) or changed ring. */
export interface RingChange {
  entryId: string;
  from: Ring | null;
  to: Ring;
}

/**
 * The ring moves between two versions of a radar: entries new to it, and entries
 * whose ring changed. Removed entries and edits that keep the ring make no move.
 *
 * @example
 * ringChanges(before, after) // [{ entryId: 'koa', from: 'trial', to: 'hold' }]
 */
export function ringChanges(before: RadarDefinition | undefined, after: RadarDefinition): RingChange[] {
  const previous = new Map((before?.entries ?? []).map((e) => [e.id, e.ring]));
  const changes: RingChange[] = [];
  for (const entry of after.entries) {
    const from = previous.get(entry.id);
    if (from === entry.ring) continue;
    changes.push({ entryId: entry.id, from: from ?? null, to: entry.ring });
  }
  return changes;
}
