import { describe, expect, it } from 'vitest';
import {
  barSegments,
  type ChartBox,
  dayLines,
  firstWith,
  niceCeiling,
  sparkline,
  stackedDays,
  timeSteps,
} from './chart-geometry.js';

// Plot area: x 40..440, y 20..220 (200 px for the y range).
const BOX: ChartBox = { width: 440, height: 220, padding: { left: 40, right: 0, top: 20, bottom: 0 } };
const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03'];

describe('dayLines', () => {
  it('spaces days evenly and scales values from 0 at the bottom to the top of the axis', () => {
    const g = dayLines(DAYS, [{ key: 'rate', values: [0, 0.5, 1] }], BOX, { yMax: 1 });
    expect(g.lines[0]?.d).toBe('M40,220 L240,120 L440,20');
    expect(g.lines[0]?.last).toEqual({ day: '2026-03-03', x: 440, y: 20, value: 1 });
    expect(g.yTicks.map((t) => [t.value, t.y])).toEqual([
      [0, 220],
      [0.5, 120],
      [1, 20],
    ]);
    expect(g.xTicks).toEqual([
      { day: '2026-03-01', x: 40 },
      { day: '2026-03-02', x: 240 },
      { day: '2026-03-03', x: 440 },
    ]);
  });

  it('breaks the line at a day without a value, and rounds a count axis up', () => {
    const g = dayLines(DAYS, [{ key: 'failing', values: [7, null, 3] }], BOX);
    expect(g.yMax).toBe(10);
    expect(g.lines[0]?.d).toBe('M40,80 M440,160');
    expect(g.lines[0]?.last?.value).toBe(3);
    // A count axis shows whole numbers only.
    expect(dayLines(DAYS, [{ key: 'n', values: [1, 1, 1] }], BOX).yTicks.map((t) => t.value)).toEqual([0, 1]);
  });

  it('spans the plot with a single day and draws nothing without values', () => {
    expect(dayLines(['2026-03-01'], [{ key: 'x', values: [2] }], BOX).lines[0]?.d).toBe('M40,20 H440');
    expect(dayLines(DAYS, [{ key: 'x', values: [null, null, null] }], BOX).lines[0]).toEqual({ key: 'x', d: '' });
  });
});

describe('stackedDays', () => {
  it('stacks layers bottom up, each area closed along the layers below', () => {
    const g = stackedDays(
      ['2026-03-01', '2026-03-02'],
      [
        { key: 'none', values: [4, 2] },
        { key: 'bronze', values: [1, 3] },
      ],
      BOX,
    );
    // Totals 5 and 5: the axis ends at 5, 40 px per component.
    expect(g.yMax).toBe(5);
    expect(g.areas).toEqual([
      { key: 'none', d: 'M40,60 L440,140 L440,220 L40,220 Z' },
      { key: 'bronze', d: 'M40,20 L440,20 L440,140 L40,60 Z' },
    ]);
  });

  it('spans the plot with one day', () => {
    const g = stackedDays(['2026-03-01'], [{ key: 'none', values: [2] }], BOX);
    expect(g.areas[0]?.d).toBe('M40,20 L440,20 L440,220 L40,220 Z');
  });
});

describe('sparkline', () => {
  it('draws the values in its own box, 0 at the bottom', () => {
    expect(sparkline([0, 0.5, 1], 100, 20, 1)).toBe('M0,20 L50,10 L100,0');
    expect(sparkline([2, 4], 100, 20, 4)).toBe('M0,10 L100,0');
  });
});

describe('timeSteps', () => {
  it('holds each value until the next point and runs to the end time', () => {
    const g = timeSteps(
      [
        {
          key: 'golden-state',
          points: [
            { at: '2026-03-03T00:00:00Z', value: 2 },
            { at: '2026-03-01T00:00:00Z', value: 1 },
          ],
        },
      ],
      '2026-03-05T00:00:00Z',
      BOX,
      2,
    );
    expect(g.steps[0]?.d).toBe('M40,120 H240 V20 H440');
    expect(g.yTicks.map((t) => [t.value, t.y])).toEqual([
      [0, 220],
      [1, 120],
      [2, 20],
    ]);
    expect(g.xTicks.map((t) => t.x)).toEqual([40, 440]);
  });
});

describe('barSegments', () => {
  it('places each count side by side as wide as its share', () => {
    expect(barSegments([1, 3, 0], 100)).toEqual([
      { x: 0, width: 25, count: 1, share: 0.25 },
      { x: 25, width: 75, count: 3, share: 0.75 },
      { x: 100, width: 0, count: 0, share: 0 },
    ]);
    expect(barSegments([0, 0], 100).every((s) => s.width === 0)).toBe(true);
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 11, 37, 500].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 50, 500]);
  });
});

describe('firstWith', () => {
  it('finds the first value worth drawing', () => {
    expect(firstWith([null, null, 0.5, null])).toBe(2);
    expect(firstWith([0, 0, 3], (n) => n !== null && n > 0)).toBe(2);
    expect(firstWith([null, null])).toBe(-1);
  });
});
