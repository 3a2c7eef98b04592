import { Link } from 'react-router-dom';
import { Pill } from '../../app/ui/pill.js';
import { type RadarView, RINGS, radarRoutes } from './radar-api.js';
import { RING_COLOURS } from './radar-chart.js';
import type { PlacedBlip } from './radar-layout.js';
import { ringTone } from './radar-model.js';

/**
 * The legend: the ring colours, then per quadrant its entries by number, with
 * their ring and how many components use them.
 */
export function RadarLegend({ radar, blips }: { radar: RadarView; blips: PlacedBlip[] }) {
  const numbers = new Map(blips.map((b) => [b.id, b.number]));
  return (
    <div className="radar-legend" data-testid="radar-legend">
      <div className="radar-legend-rings">
        {RINGS.map((ring) => (
          <span key={ring} className="radar-legend-ring">
            <svg width="12" height="12" aria-hidden="true">
              <circle cx="6" cy="6" r="5" fill={RING_COLOURS[ring]} />
            </svg>
            <span className="radar-legend-ring-name">{ring}</span>
          </span>
        ))}
        <span className="radar-legend-ring muted">
          <svg width="12" height="12" aria-hidden="true">
            <circle cx="6" cy="6" r="4.5" fill="#fff" stroke="#8a939f" strokeWidth="1.5" />
          </svg>
          not used in the fleet
        </span>
      </div>
      <div className="radar-legend-quadrants">
        {radar.quadrants.map((quadrant) => {
          const entries = radar.items
            .filter((e) => e.quadrant === quadrant.id)
            .sort((a, b) => (numbers.get(a.id) ?? 0) - (numbers.get(b.id) ?? 0));
          return (
            <section key={quadrant.id} className="radar-legend-quadrant">
              <h3>{quadrant.name}</h3>
              {entries.length === 0 && <p className="muted small">No entries yet.</p>}
              <ol>
                {entries.map((entry) => (
                  <li key={entry.id} data-testid="radar-legend-entry">
                    <span className="radar-legend-number">{numbers.get(entry.id)}</span>
                    <Link to={radarRoutes.entry(radar.name, entry.id)}>{entry.name}</Link>
                    <Pill tone={ringTone(entry.ring)}>{entry.ring}</Pill>
                    <span className="muted small">{`${entry.adoption.components} component${entry.adoption.components === 1 ? '' : 's'}`}</span>
                  </li>
                ))}
              </ol>
            </section>
          );
        })}
      </div>
    </div>
  );
}
