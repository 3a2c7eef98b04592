import { RINGS, type Ring } from './radar-api.js';

/** Where the rings end, as a share of the radius: inner rings get more room, they matter most. */
export const RING_BOUNDS: Record<Ring, [number, number]> = {
  adopt: [0, 0.4],
  trial: [0.4, 0.63],
  assess: [0.63, 0.83],
  hold: [0.83, 1],
};

/** Angles (degrees, clockwise from "east" in screen coordinates) spanned by quadrant 0..3. */
const QUADRANT_START = [180, 270, 90, 0];

export interface BlipInput {
  id: string;
  quadrant: string;
  ring: Ring;
  name: string;
}

export interface PlacedBlip {
  id: string;
  /** 1-based number shown in the blip and the legend. */
  number: number;
  x: number;
  y: number;
  ring: Ring;
  quadrantIndex: number;
}

/**
 * Quadrant order on screen: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right.
 * The angle range of quadrant `index`, in screen degrees (y grows downwards).
 */
export function quadrantAngles(index: number): [number, number] {
  const start = QUADRANT_START[index] ?? 0;
  return [start, start + 90];
}

/**
 * Places one blip per entry, deterministically: entries are numbered by quadrant,
 * ring and name; within its ring band of its quadrant each blip gets its own angle
 * slot, and neighbours alternate between the inner and outer half of the band so
 * labels do not collide. Coordinates are relative to the centre, radius `radius`.
 *
 * @example
 * placeBlips(entries, ['frameworks', 'libraries', 'tools', 'data'], 200)[0] // { id: 'express', number: 1, x: -88, y: -61, ... }
 */
export function placeBlips(
  entries: readonly BlipInput[],
  quadrantIds: readonly string[],
  radius: number,
): PlacedBlip[] {
  const order = (e: BlipInput) => [quadrantIds.indexOf(e.quadrant), RINGS.indexOf(e.ring)] as const;
  const sorted = [...entries].sort((a, b) => {
    const [qa, ra] = order(a);
    const [qb, rb] = order(b);
    return qa - qb || ra - rb || a.name.localeCompare(b.name);
  });
  const groups = new Map<string, BlipInput[]>();
  for (const entry of sorted) {
    const key = `${entry.quadrant}/${entry.ring}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const placed = new Map<string, Omit<PlacedBlip, 'number'>>();
  for (const group of groups.values()) {
    const first = group[0]!;
    const quadrantIndex = Math.max(0, quadrantIds.indexOf(first.quadrant));
    const [start, end] = quadrantAngles(quadrantIndex);
    const [inner, outer] = RING_BOUNDS[first.ring];
    // Keep blips off the axes and the ring lines.
    const padding = 9;
    const span = end - start - 2 * padding;
    group.forEach((entry, i) => {
      const angle = start + padding + (span * (i + 0.5)) / group.length;
      const band = outer - inner;
      const share = group.length === 1 ? 0.5 : i % 2 === 0 ? 0.35 : 0.68;
      const r = (inner + band * share) * radius;
      const radians = (angle * Math.PI) / 180;
      placed.set(entry.id, {
        id: entry.id,
        x: Math.round(r * Math.cos(radians) * 10) / 10,
        y: Math.round(r * Math.sin(radians) * 10) / 10,
        ring: entry.ring,
        quadrantIndex,
      });
    });
  }
  return sorted.map((entry, index) => ({ ...(placed.get(entry.id) as Omit<PlacedBlip, 'number'>), number: index + 1 }));
}
