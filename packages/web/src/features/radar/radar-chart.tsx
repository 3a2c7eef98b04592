import { Link } from 'react-router-dom';
import { type RadarView, RINGS, type Ring, radarRoutes } from './radar-api.js';
import { type PlacedBlip, placeBlips, RING_BOUNDS } from './radar-layout.js';

const SIZE = 560;
const RADIUS = 250;
const CENTRE = SIZE / 2;

/** Ring colours, from "use it" to "stop using it". */
export const RING_COLOURS: Record<Ring, string> = {
  adopt: '#1f8a4c',
  trial: '#1f6fb2',
  assess: '#a86200',
  hold: '#c4322b',
};

/** Where each quadrant's name goes: in its outer corner. */
const LABEL_POSITIONS: [number, number, 'start' | 'end'][] = [
  [8, 18, 'start'],
  [SIZE - 8, 18, 'end'],
  [8, SIZE - 8, 'start'],
  [SIZE - 8, SIZE - 8, 'end'],
];

/**
 * The radar as a picture: four quadrants, four rings, one numbered blip per entry
 * that links to the entry's drill-down. Numbers match the legend beside it.
 */
export function RadarChart({ radar, blips }: { radar: RadarView; blips: PlacedBlip[] }) {
  const byId = new Map(radar.items.map((e) => [e.id, e]));
  return (
    <svg
      className="radar-chart"
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      role="img"
      aria-label={`${radar.title}: ${radar.items.length} technologies in four rings`}
      data-testid="radar-chart"
    >
      {[...RINGS].reverse().map((ring) => (
        <circle
          key={ring}
          cx={CENTRE}
          cy={CENTRE}
          r={RING_BOUNDS[ring][1] * RADIUS}
          className={`radar-ring radar-ring-${ring}`}
        />
      ))}
      <line x1={CENTRE - RADIUS} y1={CENTRE} x2={CENTRE + RADIUS} y2={CENTRE} className="radar-axis" />
      <line x1={CENTRE} y1={CENTRE - RADIUS} x2={CENTRE} y2={CENTRE + RADIUS} className="radar-axis" />
      {RINGS.map((ring) => {
        const [inner, outer] = RING_BOUNDS[ring];
        return (
          <text
            key={ring}
            x={CENTRE}
            y={CENTRE - ((inner + outer) / 2) * RADIUS + 4}
            textAnchor="middle"
            className="radar-ring-label"
          >
            {ring.toUpperCase()}
          </text>
        );
      })}
      {radar.quadrants.map((quadrant, index) => {
        const [x, y, anchor] = LABEL_POSITIONS[index] ?? [0, 0, 'start'];
        return (
          <text key={quadrant.id} x={x} y={y} textAnchor={anchor} className="radar-quadrant-label">
            {quadrant.name}
          </text>
        );
      })}
      {blips.map((blip) => {
        const entry = byId.get(blip.id);
        if (!entry) return null;
        const used = entry.adoption.components > 0;
        return (
          <Link
            key={blip.id}
            to={radarRoutes.entry(radar.name, blip.id)}
            className="radar-blip"
            data-testid="radar-blip"
            data-entry={blip.id}
            data-ring={blip.ring}
            aria-label={`${entry.name}: ${blip.ring}, used by ${entry.adoption.components} components`}
          >
            <title>{`${entry.name} (${blip.ring}) · ${entry.adoption.components} components`}</title>
            <circle
              cx={CENTRE + blip.x}
              cy={CENTRE + blip.y}
              r={10}
              fill={used ? RING_COLOURS[blip.ring] : '#ffffff'}
              stroke={RING_COLOURS[blip.ring]}
              strokeWidth={2}
            />
            <text
              x={CENTRE + blip.x}
              y={CENTRE + blip.y + 3.5}
              textAnchor="middle"
              className={used ? 'radar-blip-number' : 'radar-blip-number radar-blip-number-unused'}
            >
              {blip.number}
            </text>
          </Link>
        );
      })}
    </svg>
  );
}

/** The blips of a radar, placed once per render. */
export function radarBlips(radar: RadarView): PlacedBlip[] {
  return placeBlips(
    radar.items,
    radar.quadrants.map((q) => q.id),
    RADIUS,
  );
}
