import { describe, expect, it } from 'vitest';
import { burndownGeometry, type ChartBox, niceCeiling } from './burndown.js';

const BOX: ChartBox = { width: 440, height: 220, padding: { left: 40, right: 0, top: 20, bottom: 0 } };
// Plot area: x 40..440, y 20..220 (200 px for the y range).

describe('burndownGeometry', () => {
  it('draws merged and total as steps from 0 at the bottom to the round maximum at the top', () => {
    const g = burndownGeometry(
      [
        // Out of order on purpose: points are sorted by time.
        { at: '2026-01-01T02:00:00Z', total: 8, merged: 4, open: 4 },
        { at: '2026-01-01T00:00:00Z', total: 10, merged: 0, open: 0 },
      ],
      BOX,
    );
    expect(g.yMax).toBe(10);
    expect(g.totalPath).toBe('M40,20 H440 V60');
    expect(g.mergedPath).toBe('M40,220 H440 V140');
    expect(g.mergedArea).toBe('M40,220 H440 V140 V220 H40 Z');
    expect(g.yTicks.map((t) => [t.value, t.y])).toEqual([
      [0, 220],
      [2, 180],
      [4, 140],
      [6, 100],
      [8, 60],
      [10, 20],
    ]);
    expect(g.xTicks.map((t) => [t.at, t.x])).toEqual([
      ['2026-01-01T00:00:00.000Z', 40],
      ['2026-01-01T01:00:00.000Z', 240],
      ['2026-01-01T02:00:00.000Z', 440],
    ]);
    expect(g.last?.merged).toBe(4);
  });

  it('spans the chart with a single point and draws nothing without points', () => {
    const one = burndownGeometry([{ at: '2026-01-01T00:00:00Z', total: 3, merged: 1, open: 2 }], BOX);
    expect(one.yMax).toBe(5);
    expect(one.totalPath).toBe('M40,100 H440');
    expect(one.xTicks).toHaveLength(1);
    const none = burndownGeometry([], BOX);
    expect(none.totalPath).toBe('');
    expect(none.yMax).toBe(1);
  });
});

describe('y axis ticks', () => {
  it('step by 1, 2 or 5 times a power of ten and end at the maximum', () => {
    const ticks = (max: number) =>
      burndownGeometry([{ at: '2026-01-01T00:00:00Z', total: max, merged: 0, open: 0 }], BOX).yTicks.map(
        (t) => t.value,
      );
    expect(ticks(1)).toEqual([0, 1]);
    expect(ticks(2)).toEqual([0, 1, 2]);
    expect(ticks(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
    expect(ticks(500)).toEqual([0, 100, 200, 300, 400, 500]);
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 2, 3, 7, 10, 11, 37, 500, 501].map(niceCeiling)).toEqual([1, 1, 2, 5, 10, 10, 20, 50, 500, 1000]);
  });
});
