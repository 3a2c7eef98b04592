import { type ChartBox, exposureGeometry } from './exposure.js';
import type { ExposurePoint } from './toggles-model.js';

const BOX: ChartBox = { width: 1000, height: 180, padding: { left: 44, right: 12, top: 12, bottom: 26 } };

/** Evaluations per hour, yes stacked under no, as a small SVG bar chart. */
export function ExposureChart({ points }: { points: ExposurePoint[] }) {
  if (points.length === 0) {
    return (
      <p className="muted" data-testid="exposure-empty">
        No evaluations reported yet. SDKs send metrics about once a minute.
      </p>
    );
  }
  const g = exposureGeometry(points, BOX);
  const total = g.totals.yes + g.totals.no;
  const share = total === 0 ? 0 : Math.round((g.totals.yes / total) * 100);
  return (
    <figure style={{ margin: 0 }}>
      <svg
        className="toggles-exposure"
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        role="img"
        aria-label={`Exposure: ${g.totals.yes} yes, ${g.totals.no} no`}
        data-testid="exposure-chart"
      >
        <g className="toggles-axis">
          {g.yTicks.map((tick) => (
            <g key={tick.value}>
              <line className="toggles-grid" x1={g.plot.left} x2={g.plot.right} y1={tick.y} y2={tick.y} />
              <text x={g.plot.left - 6} y={tick.y + 3} textAnchor="end">
                {tick.value}
              </text>
            </g>
          ))}
          {g.xTicks.map((tick, index) => (
            <text key={tick.at} x={tick.x} y={BOX.height - 8} textAnchor={index === 0 ? 'start' : 'end'}>
              {formatHour(tick.at)}
            </text>
          ))}
        </g>
        {g.bars.map((bar) => (
          <g key={bar.at}>
            <title>{`${formatHour(bar.at)}: ${bar.yes} yes, ${bar.no} no`}</title>
            <rect className="toggles-bar-yes" x={bar.x} y={bar.yesY} width={bar.width} height={bar.yesHeight} />
            <rect className="toggles-bar-no" x={bar.x} y={bar.noY} width={bar.width} height={bar.noHeight} />
          </g>
        ))}
      </svg>
      <figcaption className="toggles-legend" data-testid="exposure-totals">
        <span>
          <span className="toggles-key toggles-key-yes" />
          yes {g.totals.yes}
        </span>
        <span>
          <span className="toggles-key toggles-key-no" />
          no {g.totals.no}
        </span>
        <span className="muted">{share}% exposed</span>
      </figcaption>
    </figure>
  );
}

/** `14:00` for today, `25 Nov 14:00` otherwise, in the viewer's time zone. */
function formatHour(iso: string): string {
  const date = new Date(iso);
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === new Date().toDateString()) return time;
  return `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}
