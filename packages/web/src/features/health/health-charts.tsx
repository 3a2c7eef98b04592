import {
  barSegments,
  type ChartBox,
  dayLines,
  firstWith,
  type Plot,
  sparkline,
  stackedDays,
  type Tick,
  timeSteps,
} from './chart-geometry.js';
import type { EntityHistory, GroupRollup, PassRatePoint } from './health-api.js';
import { formatPercent, levelColour, trendLayers } from './health-model.js';

/** Charts in a half-width card, and across the page. */
const HALF_BOX: ChartBox = { width: 640, height: 200, padding: { left: 40, right: 12, top: 12, bottom: 26 } };
const WIDE_BOX: ChartBox = { width: 1000, height: 200, padding: { left: 40, right: 12, top: 12, bottom: 26 } };

/** `3 Mar` for a YYYY-MM-DD day. */
function formatDay(day: string): string {
  const date = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

function Axes({
  plot,
  yTicks,
  xTicks,
  height,
  formatY = String,
}: {
  plot: Plot;
  yTicks: Tick[];
  xTicks: { label: string; x: number }[];
  height: number;
  formatY?: (value: number) => string;
}) {
  return (
    <g className="health-axis">
      {yTicks.map((tick) => (
        <g key={tick.value}>
          <line className="health-grid" x1={plot.left} x2={plot.right} y1={tick.y} y2={tick.y} />
          <text x={plot.left - 6} y={tick.y + 3} textAnchor="end">
            {formatY(tick.value)}
          </text>
        </g>
      ))}
      {xTicks.map((tick, index) => (
        <text
          key={`${tick.label}-${tick.x}`}
          x={tick.x}
          y={height - 8}
          textAnchor={index === 0 ? 'start' : index === xTicks.length - 1 ? 'end' : 'middle'}
        >
          {tick.label}
        </text>
      ))}
    </g>
  );
}

/** A track's components per level now, as one stacked horizontal bar with a legend. */
export function DistributionBar({ track }: { track: GroupRollup['tracks'][number] }) {
  const width = 600;
  const segments = barSegments(
    track.distribution.map((d) => d.count),
    width,
  );
  const total = track.distribution.reduce((sum, d) => sum + d.count, 0);
  return (
    <figure className="health-distribution" data-testid="distribution" data-track={track.track}>
      <svg
        viewBox={`0 0 ${width} 18`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${track.title}: ${track.distribution.map((d) => `${d.count} ${d.title}`).join(', ')}`}
      >
        {total === 0 && <rect className="health-empty-bar" x={0} y={0} width={width} height={18} />}
        {segments.map((segment, rank) =>
          segment.width > 0 ? (
            <rect
              key={track.distribution[rank]?.level ?? 'none'}
              x={segment.x}
              y={0}
              width={segment.width}
              height={18}
              fill={levelColour(track.distribution[rank]?.level ?? null, rank)}
            >
              <title>{`${track.distribution[rank]?.title}: ${segment.count} (${formatPercent(segment.share)})`}</title>
            </rect>
          ) : null,
        )}
      </svg>
      <figcaption className="health-legend">
        {track.distribution.map((d, rank) => (
          <span key={d.level ?? 'none'} data-testid="distribution-level" data-level={d.level ?? 'none'}>
            <span className="health-key" style={{ background: levelColour(d.level, rank) }} />
            {d.title} <strong>{d.count}</strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/**
 * Components per level on each day of the trend, stacked (not certified at the
 * bottom), from the first day anything was recorded.
 */
export function CertificationTrendChart({ track }: { track: GroupRollup['tracks'][number] }) {
  const box = HALF_BOX;
  const all = trendLayers(track);
  const totals = track.trend.map((_, i) => all.reduce((sum, l) => sum + (l.values[i] ?? 0), 0));
  const start = firstWith(totals, (n) => n !== null && n > 0);
  if (start === -1) return <p className="muted">No trend yet.</p>;
  const days = track.trend.slice(start).map((p) => p.day);
  const layers = all.map((l) => ({ ...l, values: l.values.slice(start) }));
  const g = stackedDays(days, layers, box);
  return (
    <svg
      className="health-chart"
      viewBox={`0 0 ${box.width} ${box.height}`}
      role="img"
      aria-label={`${track.title}: components per level over ${days.length} days`}
      data-testid="certification-trend"
    >
      <Axes
        plot={g.plot}
        yTicks={g.yTicks}
        xTicks={g.xTicks.map((t) => ({ label: formatDay(t.day), x: t.x }))}
        height={box.height}
      />
      {g.areas.map((area, rank) => (
        <path
          key={area.key}
          className="health-area"
          d={area.d}
          fill={levelColour(layers[rank]?.key === 'none' ? null : (layers[rank]?.key ?? null), rank)}
        >
          <title>{layers[rank]?.title}</title>
        </path>
      ))}
    </svg>
  );
}

/** The pass rate over every check, per day, as a line from 0% to 100%, from the first day with results. */
export function PassRateChart({ points: all }: { points: PassRatePoint[] }) {
  const box = HALF_BOX;
  const start = firstWith(all.map((p) => p.passRate));
  if (start === -1) return <p className="muted">No trend yet.</p>;
  const points = all.slice(start);
  const g = dayLines(
    points.map((p) => p.day),
    [{ key: 'overall', values: points.map((p) => p.passRate) }],
    box,
    { yMax: 1 },
  );
  const last = g.lines[0]?.last;
  return (
    <svg
      className="health-chart"
      viewBox={`0 0 ${box.width} ${box.height}`}
      role="img"
      aria-label={`Pass rate over ${points.length} days, now ${formatPercent(last?.value)}`}
      data-testid="pass-rate-trend"
    >
      <Axes
        plot={g.plot}
        yTicks={g.yTicks}
        xTicks={g.xTicks.map((t) => ({ label: formatDay(t.day), x: t.x }))}
        height={box.height}
        formatY={(v) => formatPercent(v)}
      />
      {g.lines.map((line) => (
        <path key={line.key} className="health-line" d={line.d} />
      ))}
      {last && <circle className="health-dot" cx={last.x} cy={last.y} r={3.5} />}
    </svg>
  );
}

/** Components still failing a campaign's checks at the end of each day. */
export function CampaignBurndownChart({ points }: { points: { day: string; failing: number }[] }) {
  const box = WIDE_BOX;
  if (points.length === 0) return <p className="muted">No burndown yet.</p>;
  const days = points.map((p) => p.day);
  const g = dayLines(days, [{ key: 'failing', values: points.map((p) => p.failing) }], box);
  const line = g.lines[0];
  // From the last point down to the axis and back: the area of components still failing.
  const area = line?.d ? `${line.d} V${g.plot.bottom} H${g.plot.left} Z` : '';
  return (
    <svg
      className="health-chart"
      viewBox={`0 0 ${box.width} ${box.height}`}
      role="img"
      aria-label={`Burndown: ${points.at(-1)?.failing ?? 0} components failing now`}
      data-testid="campaign-burndown"
    >
      <Axes
        plot={g.plot}
        yTicks={g.yTicks}
        xTicks={g.xTicks.map((t) => ({ label: formatDay(t.day), x: t.x }))}
        height={box.height}
      />
      <path className="health-burndown-area" d={area} />
      {line && <path className="health-burndown-line" d={line.d} />}
    </svg>
  );
}

/** A small line of values (rates 0..1 unless `yMax` says otherwise), for table rows. */
export function Sparkline({ values, yMax = 1, label }: { values: (number | null)[]; yMax?: number; label: string }) {
  const width = 96;
  const height = 22;
  return (
    <svg
      className="health-sparkline"
      viewBox={`-2 -2 ${width + 4} ${height + 4}`}
      width={width}
      height={height}
      role="img"
      aria-label={label}
      data-testid="sparkline"
    >
      <path d={sparkline(values, width, height, yMax)} />
    </svg>
  );
}

const HISTORY_BOX: ChartBox = { width: 1000, height: 150, padding: { left: 70, right: 12, top: 10, bottom: 24 } };

/** `7 Dec`, or `7 Dec 14:05` when the axis spans less than two days, in the viewer's time zone. */
function formatMoment(iso: string, withTime: boolean): string {
  const date = new Date(iso);
  const day = date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
  return withTime ? `${day} ${date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}` : day;
}

/** An entity's level on each track over time, as step lines up to now. */
export function LevelHistoryChart({
  history,
  tracks,
  now,
}: {
  history: EntityHistory;
  /** Per track: its title and level titles, lowest first. */
  tracks: { track: string; title: string; levels: string[] }[];
  now: string;
}) {
  const series = tracks
    .map((t) => ({
      key: t.track,
      points: history.certifications.filter((c) => c.track === t.track).map((c) => ({ at: c.at, value: c.rank })),
    }))
    .filter((s) => s.points.length > 0);
  if (series.length === 0) return <p className="muted">No level recorded yet.</p>;
  const maxLevels = Math.max(1, ...tracks.map((t) => t.levels.length));
  const g = timeSteps(series, now, HISTORY_BOX, maxLevels);
  const ticks = g.xTicks.map((t) => Date.parse(t.at));
  const shortSpan = (ticks.at(-1) ?? 0) - (ticks[0] ?? 0) < 2 * 86_400_000;
  const levelNames = tracks[0]?.levels ?? [];
  return (
    <svg
      className="health-chart"
      viewBox={`0 0 ${HISTORY_BOX.width} ${HISTORY_BOX.height}`}
      role="img"
      aria-label="Certification over time"
      data-testid="level-history-chart"
    >
      <Axes
        plot={g.plot}
        yTicks={g.yTicks}
        xTicks={g.xTicks.map((t) => ({ label: formatMoment(t.at, shortSpan), x: t.x }))}
        height={HISTORY_BOX.height}
        formatY={(v) => (v === 0 ? 'none' : (levelNames[v - 1] ?? String(v)))}
      />
      {g.steps.map((step, i) => (
        <path key={step.key} className={`health-step health-step-${i % 3}`} d={step.d}>
          <title>{tracks.find((t) => t.track === step.key)?.title ?? step.key}</title>
        </path>
      ))}
    </svg>
  );
}
