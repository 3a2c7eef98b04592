import { describe, expect, it } from 'vitest';
import type { ChartBox } from './exposure.js';
import { formatGuardValue, guardChartGeometry, niceUpper } from './guard-chart.js';

const BOX: ChartBox = { width: 340, height: 220, padding: { left: 40, right: 0, top: 20, bottom: 0 } };
// Plot area: x 40..340 (300 px), y 20..220 (200 px).
const above = { threshold: 0.05, breachWhen: 'above' as const };

describe('guardChartGeometry', () => {
  it('draws readings over time against the threshold, marking the breach and leaving gaps without a value', () => {
    const g = guardChartGeometry(
      [
        { at: '2026-01-01T10:03:00Z', state: 'breached', value: 0.08 },
        { at: '2026-01-01T10:00:00Z', state: 'ok', value: null },
        { at: '2026-01-01T10:01:00Z', state: 'ok', value: 0.02 },
        { at: '2026-01-01T10:02:00Z', state: 'unavailable', value: null },
        { at: 'not a time', state: 'ok', value: 0.5 },
      ],
      above,
      BOX,
    );
    // Highest reading 8 %, above 1.5 × the threshold: the axis ends at 10 %.
    expect([g.yMin, g.yMax]).toEqual([0, 0.1]);
    expect(g.yTicks.map((t) => [t.value, t.y])).toEqual([
      [0, 220],
      [0.05, 120],
      [0.1, 20],
    ]);
    expect(g.threshold).toEqual({ value: 0.05, y: 120 });
    // Three minutes over 300 px: 100 px a minute.
    expect(g.points.map((p) => [p.x, p.y, p.state])).toEqual([
      [140, 180, 'ok'],
      [340, 60, 'breached'],
    ]);
    // The unreadable minute between them breaks the line.
    expect(g.line).toBe('M140 180 M340 60');
    expect(g.breaches).toEqual([{ at: '2026-01-01T10:03:00Z', x: 340, y: 60, value: 0.08 }]);
    expect(g.unavailable).toEqual([{ at: '2026-01-01T10:02:00Z', x: 240 }]);
    expect(g.breachBand).toEqual({ y: 20, height: 100 });
    expect(g.xTicks.map((t) => t.x)).toEqual([40, 340]);
  });

  it('joins consecutive readings and keeps the threshold off the top edge when all is well', () => {
    const g = guardChartGeometry(
      [
        { at: '2026-01-01T10:00:00Z', state: 'ok', value: 0.01 },
        { at: '2026-01-01T10:01:00Z', state: 'ok', value: 0.02 },
      ],
      above,
      BOX,
    );
    // 1.5 × 5 % = 7.5 %, rounded up to 10 %.
    expect(g.yMax).toBe(0.1);
    expect(g.line).toBe('M40 200 L340 180');
    expect(g.breaches).toEqual([]);
  });

  it('shades below the threshold for guards that breach below it, and goes under zero for negative values', () => {
    const g = guardChartGeometry(
      [{ at: '2026-01-01T10:00:00Z', state: 'breached', value: -3 }],
      { threshold: 10, breachWhen: 'below' },
      BOX,
    );
    expect([g.yMin, g.yMax]).toEqual([-5, 20]);
    // One reading sits in the middle of the plot.
    expect(g.points[0]).toMatchObject({ x: 190, y: 204 });
    expect(g.threshold.y).toBe(100);
    expect(g.breachBand).toEqual({ y: 100, height: 120 });
  });

  it('draws the threshold alone without readings', () => {
    const g = guardChartGeometry([], above, BOX);
    expect(g.points).toEqual([]);
    expect(g.line).toBe('');
    expect(g.xTicks).toEqual([]);
    expect(g.threshold.y).toBe(120);
  });
});

describe('niceUpper', () => {
  it('rounds up to 1, 2 or 5 times a power of ten, fractions included', () => {
    expect([0.075, 0.05, 0.0501, 0.3, 1, 3, 37, 501].map(niceUpper)).toEqual([0.1, 0.05, 0.1, 0.5, 1, 5, 50, 1000]);
    expect(niceUpper(0)).toBe(1);
  });
});

describe('formatGuardValue', () => {
  it('shows error rates as percentages and other values with three significant digits', () => {
    expect(formatGuardValue('error-rate', 0.0512)).toBe('5.12%');
    expect(formatGuardValue('error-rate', 60 / 550)).toBe('10.9%');
    expect(formatGuardValue('error-rate', 0)).toBe('0%');
    expect(formatGuardValue('prometheus', 0.812345)).toBe('0.812');
    expect(formatGuardValue('prometheus', 1234.5)).toBe('1235');
  });
});
