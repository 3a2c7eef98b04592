import { describe, expect, it } from 'vitest';
import { type BlipInput, placeBlips, quadrantAngles, RING_BOUNDS } from './radar-layout.js';

const QUADRANTS = ['frameworks', 'libraries', 'tools', 'data'];

function polar(x: number, y: number): { r: number; angle: number } {
  const angle = ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
  return { r: Math.hypot(x, y), angle };
}

describe('placeBlips', () => {
  const entries: BlipInput[] = [
    { id: 'koa', name: 'Koa', quadrant: 'frameworks', ring: 'hold' },
    { id: 'express', name: 'Express', quadrant: 'frameworks', ring: 'adopt' },
    { id: 'fastify', name: 'Fastify', quadrant: 'frameworks', ring: 'adopt' },
    { id: 'vitest', name: 'Vitest', quadrant: 'tools', ring: 'adopt' },
    { id: 'pandas', name: 'pandas', quadrant: 'data', ring: 'trial' },
  ];

  it('numbers entries by quadrant, ring and name', () => {
    expect(placeBlips(entries, QUADRANTS, 200).map((b) => `${b.number}:${b.id}`)).toEqual([
      '1:express',
      '2:fastify',
      '3:koa',
      '4:vitest',
      '5:pandas',
    ]);
  });

  it('puts every blip inside its own ring band and quadrant, apart from its neighbours', () => {
    const blips = placeBlips(entries, QUADRANTS, 200);
    for (const blip of blips) {
      const { r, angle } = polar(blip.x, blip.y);
      const [inner, outer] = RING_BOUNDS[blip.ring];
      expect(r).toBeGreaterThan(inner * 200);
      expect(r).toBeLessThan(outer * 200);
      const [start, end] = quadrantAngles(QUADRANTS.indexOf(entries.find((e) => e.id === blip.id)!.quadrant));
      const inRange = (a: number) => a > start % 360 && a < (end % 360 || 360);
      expect(inRange(angle)).toBe(true);
    }
    const [express, fastify] = blips;
    expect(Math.hypot(express!.x - fastify!.x, express!.y - fastify!.y)).toBeGreaterThan(20);
  });

  it('is deterministic', () => {
    expect(placeBlips(entries, QUADRANTS, 200)).toEqual(placeBlips([...entries].reverse(), QUADRANTS, 200));
  });
});
