import { ErrorState, Loading } from '../../app/ui/status.js';
import type { ChartBox } from './exposure.js';
import { formatGuardValue, guardChartGeometry } from './guard-chart.js';
import { type GuardSeries, type RolloutPlan, useGuardObservations } from './plans-api.js';

const BOX: ChartBox = { width: 1000, height: 150, padding: { left: 52, right: 12, top: 12, bottom: 24 } };

/** One chart per guard of the plan: what it read at each tick against its threshold, breaches marked. */
export function GuardCharts({ plan }: { plan: Pick<RolloutPlan, 'id' | 'project' | 'flag'> }) {
  const series = useGuardObservations(plan);
  if (series.isPending) return <Loading />;
  if (series.isError) return <ErrorState error={series.error} onRetry={() => series.refetch()} />;
  return (
    <div className="toggles-guard-charts" data-testid="guard-charts">
      {series.data.map((guard) => (
        <GuardChart key={guard.index} series={guard} />
      ))}
    </div>
  );
}

function GuardChart({ series }: { series: GuardSeries }) {
  const g = guardChartGeometry(series.observations, series, BOX);
  const format = (value: number) => formatGuardValue(series.kind, value);
  const last = series.observations.at(-1);
  const breaches = series.observations.filter((o) => o.state === 'breached');
  const unavailable = series.observations.filter((o) => o.state === 'unavailable').length;
  return (
    <figure
      className="toggles-guard-chart"
      data-testid="guard-chart"
      data-guard={series.guard}
      data-breaches={breaches.length}
    >
      <div className="toggles-row">
        <strong className="small">{series.guard}</strong>
        <span className="muted small">
          breaches {series.breachWhen} {format(series.threshold)}
        </span>
        <span className="toggles-spacer" />
        <span className="small" data-testid="guard-last">
          {last ? lastReading(last, format) : 'no readings in the last 24 hours'}
        </span>
      </div>
      {series.observations.length === 0 ? (
        <p className="muted small" data-testid="guard-chart-empty">
          Readings appear here while the plan runs: its guards are read about once a minute.
        </p>
      ) : (
        <svg
          className="toggles-exposure"
          viewBox={`0 0 ${BOX.width} ${BOX.height}`}
          role="img"
          aria-label={`${series.guard}: ${series.observations.length} readings, ${breaches.length} over the threshold`}
        >
          <rect
            className="toggles-guard-band"
            x={g.plot.left}
            width={g.plot.right - g.plot.left}
            y={g.breachBand.y}
            height={Math.max(0, g.breachBand.height)}
          />
          <g className="toggles-axis">
            {g.yTicks.map((tick) => (
              <g key={tick.value}>
                <line className="toggles-grid" x1={g.plot.left} x2={g.plot.right} y1={tick.y} y2={tick.y} />
                <text x={g.plot.left - 6} y={tick.y + 3} textAnchor="end">
                  {format(tick.value)}
                </text>
              </g>
            ))}
            {g.xTicks.map((tick, index) => (
              <text key={tick.at} x={tick.x} y={BOX.height - 6} textAnchor={index === 0 ? 'start' : 'end'}>
                {formatMinute(tick.at)}
              </text>
            ))}
          </g>
          <line
            className="toggles-guard-threshold"
            data-testid="guard-threshold"
            x1={g.plot.left}
            x2={g.plot.right}
            y1={g.threshold.y}
            y2={g.threshold.y}
          >
            <title>{`threshold ${format(series.threshold)}`}</title>
          </line>
          <path className="toggles-guard-line" d={g.line} />
          {g.points.map((point) => (
            <circle key={point.at} className="toggles-guard-point" cx={point.x} cy={point.y} r={2.5}>
              <title>{`${formatMinute(point.at)}: ${format(point.value)}`}</title>
            </circle>
          ))}
          {g.breaches.map((breach) => (
            <g key={breach.at} data-testid="guard-breach">
              <line
                className="toggles-guard-breach-line"
                x1={breach.x}
                x2={breach.x}
                y1={g.plot.top}
                y2={g.plot.bottom}
              />
              <circle className="toggles-guard-breach" cx={breach.x} cy={breach.y} r={5}>
                <title>{`breached at ${formatMinute(breach.at)}: ${format(breach.value)}`}</title>
              </circle>
            </g>
          ))}
          {g.unavailable.map((mark) => (
            <rect
              key={mark.at}
              className="toggles-guard-unavailable"
              x={mark.x - 1}
              y={g.plot.bottom - 8}
              width={2}
              height={8}
            >
              <title>{`${formatMinute(mark.at)}: could not be read`}</title>
            </rect>
          ))}
        </svg>
      )}
      {series.observations.length > 0 && (
        <figcaption className="toggles-legend" data-testid="guard-legend">
          <span>
            <span className="toggles-key toggles-key-guard" />
            {series.observations.length} readings
          </span>
          <span>
            <span className="toggles-key toggles-key-threshold" />
            threshold {format(series.threshold)}
          </span>
          {breaches.length > 0 && (
            <span className="error-text">
              <span className="toggles-key toggles-key-breach" />
              breached {breaches.length === 1 ? 'once' : `${breaches.length} times`}, last at{' '}
              {formatMinute(breaches.at(-1)?.at ?? '')}
            </span>
          )}
          {unavailable > 0 && <span className="muted">{unavailable} could not be read</span>}
        </figcaption>
      )}
    </figure>
  );
}

function lastReading(reading: GuardSeries['observations'][number], format: (value: number) => string): string {
  const at = formatMinute(reading.at);
  if (reading.state === 'unavailable') return `could not be read at ${at}`;
  if (reading.value === null) return `not enough data at ${at}`;
  return `${format(reading.value)} at ${at}${reading.state === 'breached' ? ', breached' : ''}`;
}

/** `14:02` for today, `25 Nov 14:02` otherwise, in the viewer's time zone. */
function formatMinute(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === new Date().toDateString()) return time;
  return `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}
