/** Geometry of the tech-health charts (hand-written SVG): pure functions, laid out in a box. */

export interface ChartBox {
  width: number;
  height: number;
  /** Room left for axis labels: left, right, top, bottom. */
  padding: { left: number; right: number; top: number; bottom: number };
}

export interface Plot {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Tick {
  value: number;
  y: number;
}

export function plotOf(box: ChartBox): Plot {
  return {
    left: box.padding.left,
    right: box.width - box.padding.right,
    top: box.padding.top,
    bottom: box.height - box.padding.bottom,
  };
}

/**
 * The smallest of 1, 2, 5 × 10^n at or above `value` (at least 1), so a count axis
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

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function yScale(plot: Plot, yMax: number): (value: number) => number {
  return (value) => round(plot.bottom - (yMax === 0 ? 0 : (value / yMax) * (plot.bottom - plot.top)));
}

/** 0, the middle and the top of the axis (whole numbers only when the axis counts). */
function ticks(yMax: number, y: (value: number) => number, fractional: boolean): Tick[] {
  const middle = yMax / 2;
  const values = fractional || Number.isInteger(middle) ? [0, middle, yMax] : [0, yMax];
  return values.map((value) => ({ value, y: y(value) }));
}

/** One x position per day, evenly spaced from the left edge to the right one. */
function dayScale(plot: Plot, count: number): (index: number) => number {
  return (index) => round(count <= 1 ? plot.left : plot.left + (index / (count - 1)) * (plot.right - plot.left));
}

/** The first, middle and last day, for the x axis. */
function dayTicks(days: readonly string[], x: (index: number) => number): { day: string; x: number }[] {
  if (days.length === 0) return [];
  const indexes =
    days.length < 3 ? [...new Set([0, days.length - 1])] : [0, Math.floor((days.length - 1) / 2), days.length - 1];
  return indexes.map((i) => ({ day: days[i]!, x: x(i) }));
}

export interface DayLines {
  plot: Plot;
  yMax: number;
  yTicks: Tick[];
  xTicks: { day: string; x: number }[];
  /** A path per series; a null value breaks the line. The last point with a value, for labels. */
  lines: { key: string; d: string; last?: { day: string; x: number; y: number; value: number } }[];
}

/**
 * Lines over days (one value per day and series): days evenly spaced on x, values
 * from 0 on y up to `yMax` (default: a round number at or above the largest
 * value). A day without a value (null) leaves a gap; a single day spans the plot.
 *
 * @example
 * dayLines(['2026-03-01', '2026-03-02'], [{ key: 'rate', values: [0.5, 1] }], box, { yMax: 1 }).lines[0].d;
 */
export function dayLines(
  days: readonly string[],
  series: readonly { key: string; values: readonly (number | null)[] }[],
  box: ChartBox,
  options: { yMax?: number } = {},
): DayLines {
  const plot = plotOf(box);
  const largest = Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const yMax = options.yMax ?? niceCeiling(largest);
  const y = yScale(plot, yMax);
  const x = dayScale(plot, days.length);
  const lines = series.map((s) => {
    let d = '';
    let drawing = false;
    let last: DayLines['lines'][number]['last'];
    days.forEach((day, i) => {
      const value = s.values[i] ?? null;
      if (value === null) {
        drawing = false;
        return;
      }
      d += `${d ? ' ' : ''}${drawing ? 'L' : 'M'}${x(i)},${y(value)}`;
      drawing = true;
      last = { day, x: x(i), y: y(value), value };
    });
    if (days.length === 1 && d) d += ` H${round(plot.right)}`;
    return { key: s.key, d, ...(last ? { last } : {}) };
  });
  return { plot, yMax, yTicks: ticks(yMax, y, options.yMax !== undefined), xTicks: dayTicks(days, x), lines };
}

export interface StackedDays {
  plot: Plot;
  yMax: number;
  yTicks: Tick[];
  xTicks: { day: string; x: number }[];
  /** A closed area per layer, the first layer at the bottom. */
  areas: { key: string; d: string }[];
}

/**
 * Layers stacked over days (e.g. components per level), the first layer at the
 * bottom: each area runs along the top of its layer and back along the top of
 * the layers below.
 *
 * @example
 * stackedDays(days, [{ key: 'none', values: [3, 2] }, { key: 'bronze', values: [1, 2] }], box).areas;
 */
export function stackedDays(
  days: readonly string[],
  layers: readonly { key: string; values: readonly number[] }[],
  box: ChartBox,
): StackedDays {
  const plot = plotOf(box);
  const totals = days.map((_, i) => layers.reduce((sum, l) => sum + (l.values[i] ?? 0), 0));
  const yMax = niceCeiling(Math.max(0, ...totals));
  const y = yScale(plot, yMax);
  const x = dayScale(plot, days.length);
  // One column per day; a single day spans the plot with the same value at both edges.
  const columns =
    days.length === 1
      ? [
          { x: plot.left, day: 0 },
          { x: round(plot.right), day: 0 },
        ]
      : days.map((_, i) => ({ x: x(i), day: i }));
  let below = columns.map(() => 0);
  const areas = layers.map((layer) => {
    const top = columns.map((c, j) => (below[j] ?? 0) + (layer.values[c.day] ?? 0));
    const upper = columns.map((c, j) => `${j === 0 ? 'M' : 'L'}${c.x},${y(top[j] ?? 0)}`);
    const lower = columns.map((c, j) => `L${c.x},${y(below[j] ?? 0)}`).reverse();
    below = top;
    return { key: layer.key, d: columns.length === 0 ? '' : `${[...upper, ...lower].join(' ')} Z` };
  });
  return { plot, yMax, yTicks: ticks(yMax, y, false), xTicks: dayTicks(days, x), areas };
}

/**
 * A sparkline through the values (null leaves a gap) in a `width` × `height` box,
 * 0 at the bottom and `yMax` at the top.
 *
 * @example
 * sparkline([0, 0.5, 1], 100, 20, 1); // 'M0,20 L50,10 L100,0'
 */
export function sparkline(values: readonly (number | null)[], width: number, height: number, yMax: number): string {
  const box = { width, height, padding: { left: 0, right: 0, top: 0, bottom: 0 } };
  const days = values.map((_, i) => String(i));
  return dayLines(days, [{ key: 'spark', values }], box, { yMax: yMax || 1 }).lines[0]?.d ?? '';
}

export interface TimeSteps {
  plot: Plot;
  yTicks: Tick[];
  xTicks: { at: string; x: number }[];
  steps: { key: string; d: string }[];
}

/**
 * Step lines over time (a value holds until the next point), each running to
 * `until`: how an entity's level on each track moved. Time from the earliest point
 * to `until` on x, values 0..`yMax` on y.
 *
 * @example
 * timeSteps([{ key: 'golden-state', points: [{ at, value: 1 }] }], now, box, 3).steps[0].d;
 */
export function timeSteps(
  series: readonly { key: string; points: readonly { at: string; value: number }[] }[],
  until: string,
  box: ChartBox,
  yMax: number,
): TimeSteps {
  const plot = plotOf(box);
  const y = yScale(plot, yMax);
  const end = Date.parse(until);
  const times = series.flatMap((s) => s.points.map((p) => Date.parse(p.at))).filter((t) => !Number.isNaN(t));
  const start = Math.min(end, ...times);
  const span = end - start;
  const x = (t: number) => round(span <= 0 ? plot.left : plot.left + ((t - start) / span) * (plot.right - plot.left));
  const steps = series.map((s) => {
    const points = [...s.points].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    let d = '';
    for (const point of points) {
      const px = x(Date.parse(point.at));
      d += d ? ` H${px} V${y(point.value)}` : `M${px},${y(point.value)}`;
    }
    if (d) d += ` H${round(plot.right)}`;
    return { key: s.key, d };
  });
  const yTicks = Array.from({ length: yMax + 1 }, (_, value) => ({ value, y: y(value) }));
  const xTicks = (span <= 0 ? [start] : [start, end]).map((t) => ({ at: new Date(t).toISOString(), x: x(t) }));
  return { plot, yTicks, xTicks, steps };
}

/**
 * Segments of a horizontal bar made of `counts`, side by side over `width`, each
 * as wide as its share of the total (none when the total is 0).
 *
 * @example
 * barSegments([1, 3], 100); // [{ x: 0, width: 25, count: 1, share: 0.25 }, { x: 25, width: 75, count: 3, share: 0.75 }]
 */
export function barSegments(
  counts: readonly number[],
  width: number,
): { x: number; width: number; count: number; share: number }[] {
  const total = counts.reduce((sum, n) => sum + n, 0);
  let x = 0;
  return counts.map((count) => {
    const share = total === 0 ? 0 : count / total;
    const segment = { x: round(x), width: round(share * width), count, share };
    x += share * width;
    return segment;
  });
}

/**
 * Where a series starts to say something: the index of the first value that
 * `has` accepts (default: not null), or -1 when none does. Charts start there, so
 * days before anything was recorded do not squash the rest into a corner.
 *
 * @example
 * firstWith([null, null, 0.5, 0.7]); // 2
 * firstWith([0, 0, 3], (n) => n !== null && n > 0); // 2
 */
export function firstWith(
  values: readonly (number | null)[],
  has: (value: number | null) => boolean = (value) => value !== null,
): number {
  return values.findIndex(has);
}
