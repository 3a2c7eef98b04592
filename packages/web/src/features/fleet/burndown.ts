import type { BurndownPoint } from './fleet-api.js';

export interface ChartBox {
  width: number;
  height: number;
  /** Room left for axis labels: left, right, top, bottom. */
  padding: { left: number; right: number; top: number; bottom: number };
}

export interface BurndownGeometry {
  /** SVG path data of the total line, the merged line and the area under merged. */
  totalPath: string;
  mergedPath: string;
  mergedArea: string;
  /** The highest value on the y axis (a round number at or above the largest total). */
  yMax: number;
  yTicks: { value: number; y: number }[];
  xTicks: { at: string; x: number }[];
  /** Where the plot area is, for gridlines. */
  plot: { left: number; right: number; top: number; bottom: number };
  /** The latest point, for a legend. */
  last?: BurndownPoint;
}

/**
 * Lays out a burndown (merged and total over time) in a box: time on x, target
 * counts on y from 0. Both lines are drawn as steps, because counts change at a
 * transition and hold until the next one. One point is drawn as a flat line.
 *
 * @example
 * const g = burndownGeometry([{ at: '2026-01-01T00:00:00Z', total: 10, merged: 0, open: 0 }], box);
 * g.totalPath; // 'M40,... H...'
 */
export function burndownGeometry(points: BurndownPoint[], box: ChartBox): BurndownGeometry {
  const plot = {
    left: box.padding.left,
    right: box.width - box.padding.right,
    top: box.padding.top,
    bottom: box.height - box.padding.bottom,
  };
  const sorted = points
    .map((point) => ({ point, t: Date.parse(point.at) }))
    .filter((p) => !Number.isNaN(p.t))
    .sort((a, b) => a.t - b.t);
  const maxValue = Math.max(0, ...sorted.map((p) => Math.max(p.point.total, p.point.merged)));
  const yMax = niceCeiling(maxValue);
  const yTicks = tickValues(yMax).map((value) => ({ value, y: round(yOf(value)) }));

  if (sorted.length === 0) {
    return { totalPath: '', mergedPath: '', mergedArea: '', yMax, yTicks, xTicks: [], plot };
  }
  const t0 = sorted[0]?.t ?? 0;
  const t1 = sorted[sorted.length - 1]?.t ?? t0;
  const span = t1 - t0;
  const xOf = (t: number) => (span === 0 ? plot.left : plot.left + ((t - t0) / span) * (plot.right - plot.left));

  function yOf(value: number): number {
    return plot.bottom - (yMax === 0 ? 0 : (value / yMax) * (plot.bottom - plot.top));
  }
  const stepPath = (value: (p: BurndownPoint) => number): string => {
    let d = '';
    sorted.forEach(({ point, t }, index) => {
      const x = round(xOf(t));
      const y = round(yOf(value(point)));
      d += index === 0 ? `M${x},${y}` : ` H${x} V${y}`;
    });
    // A single point (or every point at one instant) still spans the chart.
    if (span === 0) d += ` H${round(plot.right)}`;
    return d;
  };
  const mergedPath = stepPath((p) => p.merged);
  return {
    totalPath: stepPath((p) => p.total),
    mergedPath,
    mergedArea: `${mergedPath} V${round(plot.bottom)} H${round(plot.left)} Z`,
    yMax,
    yTicks,
    xTicks: timeTicks(t0, t1).map((t) => ({ at: new Date(t).toISOString(), x: round(xOf(t)) })),
    plot,
    last: sorted[sorted.length - 1]?.point,
  };
}

/**
 * The smallest of 1, 2, 5 × 10^n at or above `value` (at least 1), so the y axis
 * ends on a round number.
 *
 * @example
 * niceCeiling(37); // 50
 */
export function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/** Whole-number ticks from 0 to `max` (a nice number) on a 1, 2 or 5 × 10^n step, at most six of them. */
function tickValues(max: number): number[] {
  const step = [max / 5, max / 4, max / 2, max].find(isNiceStep) ?? max;
  const ticks: number[] = [];
  for (let value = 0; value <= max; value += step) ticks.push(value);
  return ticks;
}

function isNiceStep(step: number): boolean {
  if (!Number.isInteger(step) || step < 1) return false;
  const leading = step / 10 ** Math.floor(Math.log10(step));
  return leading === 1 || leading === 2 || leading === 5;
}

/** The start, the end and, when the span allows, the middle of the time axis. */
function timeTicks(t0: number, t1: number): number[] {
  if (t1 === t0) return [t0];
  return [t0, t0 + (t1 - t0) / 2, t1];
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
