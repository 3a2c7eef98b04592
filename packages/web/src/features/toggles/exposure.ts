import type { ExposurePoint } from './toggles-model.js';

export interface ChartBox {
  width: number;
  height: number;
  /** Room left for axis labels: left, right, top, bottom. */
  padding: { left: number; right: number; top: number; bottom: number };
}

export interface ExposureGeometry {
  /** One bar pair per hour: `yes` stacked under `no`, from the bottom of the plot. */
  bars: {
    at: string;
    yes: number;
    no: number;
    x: number;
    width: number;
    yesY: number;
    yesHeight: number;
    noY: number;
    noHeight: number;
  }[];
  yMax: number;
  yTicks: { value: number; y: number }[];
  xTicks: { at: string; x: number }[];
  plot: { left: number; right: number; top: number; bottom: number };
  totals: { yes: number; no: number };
}

const HOUR_MS = 3600_000;

/**
 * Lays out hourly exposure as stacked bars: one slot per hour from the first to
 * the last point (hours without evaluations stay empty, so gaps show), `yes` at
 * the bottom and `no` above it, counts on y from 0 to a round maximum.
 *
 * @example
 * exposureGeometry([{ at: '2026-01-01T10:00:00Z', yes: 30, no: 70 }], box).bars[0].yesHeight;
 */
export function exposureGeometry(points: ExposurePoint[], box: ChartBox): ExposureGeometry {
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
  const totals = sorted.reduce((sum, { point }) => ({ yes: sum.yes + point.yes, no: sum.no + point.no }), {
    yes: 0,
    no: 0,
  });
  const yMax = niceCeiling(Math.max(0, ...sorted.map(({ point }) => point.yes + point.no)));
  const height = plot.bottom - plot.top;
  const yOf = (value: number) => plot.bottom - (value / yMax) * height;
  const yTicks = [0, yMax / 2, yMax].map((value) => ({ value, y: round(yOf(value)) }));
  if (sorted.length === 0) return { bars: [], yMax, yTicks, xTicks: [], plot, totals };

  const t0 = sorted[0]?.t ?? 0;
  const t1 = sorted[sorted.length - 1]?.t ?? t0;
  const slots = Math.round((t1 - t0) / HOUR_MS) + 1;
  const slot = (plot.right - plot.left) / slots;
  const gap = Math.min(4, slot * 0.2);
  const xOf = (t: number) => plot.left + Math.round((t - t0) / HOUR_MS) * slot;
  const bars = sorted.map(({ point, t }) => {
    const yesHeight = (point.yes / yMax) * height;
    const noHeight = (point.no / yMax) * height;
    return {
      at: point.at,
      yes: point.yes,
      no: point.no,
      x: round(xOf(t) + gap / 2),
      width: round(slot - gap),
      yesY: round(plot.bottom - yesHeight),
      yesHeight: round(yesHeight),
      noY: round(plot.bottom - yesHeight - noHeight),
      noHeight: round(noHeight),
    };
  });
  const xTicks = (t1 === t0 ? [t0] : [t0, t1]).map((t) => ({
    at: new Date(t).toISOString(),
    x: round(xOf(t) + slot / 2),
  }));
  return { bars, yMax, yTicks, xTicks, plot, totals };
}

/**
 * The smallest of 1, 2, 5 × 10^n at or above `value` (at least 1), so the y axis
 * ends on a round number that halves cleanly.
 *
 * @example
 * niceCeiling(37); // 50
 */
export function niceCeiling(value: number): number {
  if (value <= 2) return 2;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
