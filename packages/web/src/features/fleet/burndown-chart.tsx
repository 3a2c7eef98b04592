import { type BurndownGeometry, burndownGeometry, type ChartBox } from './burndown.js';
import type { BurndownPoint } from './fleet-api.js';

const BOX: ChartBox = { width: 640, height: 220, padding: { left: 40, right: 12, top: 12, bottom: 26 } };

/** Merged and total targets over time, as a small SVG step chart. */
export function BurndownChart({ points }: { points: BurndownPoint[] }) {
  if (points.length === 0) return <p className="muted">No progress recorded yet.</p>;
  const g: BurndownGeometry = burndownGeometry(points, BOX);
  return (
    <figure style={{ margin: 0 }}>
      <svg
        className="burndown"
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        role="img"
        aria-label={`Burndown: ${g.last?.merged ?? 0} of ${g.last?.total ?? 0} merged`}
        data-testid="burndown-chart"
      >
        <g className="burndown-axis">
          {g.yTicks.map((tick) => (
            <g key={tick.value}>
              <line className="burndown-grid" x1={g.plot.left} x2={g.plot.right} y1={tick.y} y2={tick.y} />
              <text x={g.plot.left - 6} y={tick.y + 3} textAnchor="end">
                {tick.value}
              </text>
            </g>
          ))}
          {g.xTicks.map((tick, index) => (
            <text
              key={tick.at}
              x={tick.x}
              y={BOX.height - 8}
              textAnchor={index === 0 ? 'start' : index === g.xTicks.length - 1 ? 'end' : 'middle'}
            >
              {formatTick(tick.at)}
            </text>
          ))}
        </g>
        <path className="burndown-merged-area" d={g.mergedArea} />
        <path className="burndown-total" d={g.totalPath} data-testid="burndown-total" />
        <path className="burndown-merged" d={g.mergedPath} data-testid="burndown-merged" />
      </svg>
      <figcaption className="burndown-legend">
        <span>
          <span className="burndown-key" style={{ background: 'var(--ok)' }} />
          merged {g.last?.merged ?? 0}
        </span>
        <span>
          <span className="burndown-key" style={{ background: 'var(--text-2)' }} />
          total {g.last?.total ?? 0}
        </span>
        <span>open {g.last?.open ?? 0}</span>
      </figcaption>
    </figure>
  );
}

/** `14:05` for today, `25 Nov 14:05` otherwise, in the viewer's time zone. */
function formatTick(iso: string): string {
  const date = new Date(iso);
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === new Date().toDateString()) return time;
  return `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}
