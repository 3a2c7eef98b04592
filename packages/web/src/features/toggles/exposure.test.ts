import { describe, expect, it } from 'vitest';
import { type ChartBox, exposureGeometry, niceCeiling } from './exposure.js';

const BOX: ChartBox = { width: 340, height: 220, padding: { left: 40, right: 0, top: 20, bottom: 0 } };
// Plot area: x 40..340 (300 px), y 20..220 (200 px).

describe('exposureGeometry', () => {
  it('stacks yes under no in one slot per hour, leaving empty hours as gaps', () => {
    const g = exposureGeometry(
      [
        { at: '2026-01-01T12:00:00Z', yes: 5, no: 5 },
        { at: '2026-01-01T10:00:00Z', yes: 15, no: 5 },
      ],
      BOX,
    );
    expect(g.yMax).toBe(20);
    expect(g.totals).toEqual({ yes: 20, no: 10 });
    // Three hourly slots of 100 px; bars are inset by a 4 px gap.
    expect(g.bars.map((b) => [b.at, b.x, b.width])).toEqual([
      ['2026-01-01T10:00:00Z', 42, 96],
      ['2026-01-01T12:00:00Z', 242, 96],
    ]);
    const [first] = g.bars;
    expect(first && [first.yesY, first.yesHeight, first.noY, first.noHeight]).toEqual([70, 150, 20, 50]);
    expect(g.yTicks.map((t) => [t.value, t.y])).toEqual([
      [0, 220],
      [10, 120],
      [20, 20],
    ]);
    expect(g.xTicks.map((t) => t.x)).toEqual([90, 290]);
  });

  it('draws nothing without points and one full-width slot for one hour', () => {
    expect(exposureGeometry([], BOX).bars).toEqual([]);
    const one = exposureGeometry([{ at: '2026-01-01T10:00:00Z', yes: 0, no: 0 }], BOX);
    expect(one.bars[0]?.width).toBe(296);
    expect(one.bars[0]?.yesHeight).toBe(0);
    expect(one.yMax).toBe(2);
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten, at least 2', () => {
    expect([0, 1, 3, 7, 10, 11, 37, 500, 501].map(niceCeiling)).toEqual([2, 2, 5, 10, 10, 20, 50, 500, 1000]);
  });
});
