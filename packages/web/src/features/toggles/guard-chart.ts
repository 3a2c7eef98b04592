import type { ChartBox } from './exposure.js';

/** One reading of a guard as the server recorded it. */
export interface GuardReadingPoint {
  at: string;
  state: 'ok' | 'breached' | 'unavailable';
  /** null: too little data to judge, or the source could not be read. */
  value: number | null;
}

export interface GuardChartGeometry {
  plot: { left: number; right: number; top: number; bottom: number };
  yMin: number;
  yMax: number;
  yTicks: { value: number; y: number }[];
  xTicks: { at: string; x: number }[];
  /** SVG path of the observed values; it breaks where a reading had no value, so gaps show. */
  line: string;
  /** Readings with a value, oldest first. */
  points: { at: string; x: number; y: number; value: number; state: GuardReadingPoint['state'] }[];
  /** Readings that crossed the threshold (marked in red). */
  breaches: { at: string; x: number; y: number; value: number }[];
  /** Readings the source could not give (marked along the bottom). */
  unavailable: { at: string; x: number }[];
  threshold: { value: number; y: number };
  /** The side of the threshold line where readings breach, shaded. */
  breachBand: { y: number; height: number };
}

/**
 * Lays out a guard's readings over time as a line against its threshold: time on x
 * from the first reading to the last, values on y from 0 (or a round number below
 * the lowest value) to a round number above both the readings and half again the
 * threshold, so the threshold line never sits on the top edge.
 *
 * @example
 * const g = guardChartGeometry([{ at: '2026-01-01T10:00:00Z', state: 'ok', value: 0.01 }],
 *   { threshold: 0.05, breachWhen: 'above' }, box);
 * g.threshold.y; // where to draw the dashed threshold line
 */
export function guardChartGeometry(
  readings: readonly GuardReadingPoint[],
  guard: { threshold: number; breachWhen: 'above' | 'below' },
  box: ChartBox,
): GuardChartGeometry {
  const plot = {
    left: box.padding.left,
    right: box.width - box.padding.right,
    top: box.padding.top,
    bottom: box.height - box.padding.bottom,
  };
  const sorted = readings
    .map((reading) => ({ reading, t: Date.parse(reading.at) }))
    .filter((r) => !Number.isNaN(r.t))
    .sort((a, b) => a.t - b.t);
  const values = sorted.flatMap(({ reading }) =>
    reading.value !== null && Number.isFinite(reading.value) ? [reading.value] : [],
  );
  const highest = Math.max(guard.threshold * 1.5, ...values);
  const lowest = Math.min(0, guard.threshold, ...values);
  const yMax = highest > 0 ? niceUpper(highest) : 0;
  const yMin = lowest < 0 ? -niceUpper(-lowest) : 0;
  const span = yMax - yMin || 1;
  const height = plot.bottom - plot.top;
  const yOf = (value: number) => round(plot.bottom - ((value - yMin) / span) * height);
  const yTicks = [yMin, (yMin + yMax) / 2, yMax].map((value) => ({ value, y: yOf(value) }));

  const t0 = sorted[0]?.t ?? 0;
  const t1 = sorted[sorted.length - 1]?.t ?? t0;
  const xOf = (t: number) =>
    round(t1 === t0 ? (plot.left + plot.right) / 2 : plot.left + ((t - t0) / (t1 - t0)) * (plot.right - plot.left));

  const points: GuardChartGeometry['points'] = [];
  const unavailable: GuardChartGeometry['unavailable'] = [];
  const segments: string[] = [];
  let drawing = false;
  for (const { reading, t } of sorted) {
    const x = xOf(t);
    if (reading.value === null || !Number.isFinite(reading.value)) {
      if (reading.state === 'unavailable') unavailable.push({ at: reading.at, x });
      drawing = false;
      continue;
    }
    const y = yOf(reading.value);
    points.push({ at: reading.at, x, y, value: reading.value, state: reading.state });
    segments.push(`${drawing ? 'L' : 'M'}${x} ${y}`);
    drawing = true;
  }
  const thresholdY = yOf(guard.threshold);
  const breachBand =
    guard.breachWhen === 'above'
      ? { y: plot.top, height: round(thresholdY - plot.top) }
      : { y: thresholdY, height: round(plot.bottom - thresholdY) };
  const xTicks =
    sorted.length === 0 ? [] : (t1 === t0 ? [t0] : [t0, t1]).map((t) => ({ at: new Date(t).toISOString(), x: xOf(t) }));
  return {
    plot,
    yMin,
    yMax,
    yTicks,
    xTicks,
    line: segments.join(' '),
    points,
    breaches: points.filter((p) => p.state === 'breached').map(({ at, x, y, value }) => ({ at, x, y, value })),
    unavailable,
    threshold: { value: guard.threshold, y: thresholdY },
    breachBand,
  };
}

/**
 * The smallest of 1, 2, 5 × 10^n (n any integer) at or above `value` > 0, so axes end
 * on round numbers for fractions (0.05, 0.2) as well as counts.
 *
 * @example
 * niceUpper(0.075); // 0.1
 */
export function niceUpper(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    const candidate = Number((step * magnitude).toPrecision(12));
    if (candidate >= value) return candidate;
  }
  return Number((10 * magnitude).toPrecision(12));
}

/**
 * A guard value as people read it: error rates as percentages, Prometheus values
 * with up to three significant digits.
 *
 * @example
 * formatGuardValue('error-rate', 0.0512); // '5.12%'
 * formatGuardValue('prometheus', 1234.5); // '1235'
 */
export function formatGuardValue(kind: 'error-rate' | 'prometheus', value: number): string {
  if (kind === 'error-rate') return `${trim(value * 100)}%`;
  return trim(value);
}

/** Up to three significant digits without trailing zeros; whole numbers as they are. */
function trim(n: number): string {
  if (n === 0) return '0';
  if (Math.abs(n) >= 100) return String(Math.round(n));
  return String(Number(n.toPrecision(3)));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
