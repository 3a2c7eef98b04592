import { useState } from 'react';
import { CATALOG_FACETS, type FacetKey, type FacetSelection, useFacet } from './catalog-api.js';

const COLLAPSED_LIMIT = 8;

/** The side panel of facet filters; each facet counts under the other facets' filters. */
export function FacetPanel(props: {
  selection: FacetSelection;
  text: string;
  onToggle: (facet: FacetKey, value: string) => void;
  onClear: () => void;
}) {
  const active = Object.values(props.selection).some((values) => values && values.length > 0);
  return (
    <aside className="facet-panel" aria-label="Filters">
      <div className="facet-panel-head">
        <h2>Filters</h2>
        {active && (
          <button type="button" className="link-button" onClick={props.onClear}>
            Clear all
          </button>
        )}
      </div>
      {CATALOG_FACETS.map((facet) => (
        <FacetGroup key={facet.key} facet={facet.key} label={facet.label} {...props} />
      ))}
    </aside>
  );
}

function FacetGroup(props: {
  facet: FacetKey;
  label: string;
  selection: FacetSelection;
  text: string;
  onToggle: (facet: FacetKey, value: string) => void;
}) {
  const { facet, selection } = props;
  const counts = useFacet(facet, selection, props.text);
  const [expanded, setExpanded] = useState(false);
  const selected = selection[facet] ?? [];

  // Selected values stay visible even when the other filters leave them no matches.
  const values = [...(counts.data ?? [])];
  for (const value of selected) if (!values.some((v) => v.value === value)) values.push({ value, count: 0 });
  values.sort((a, b) => Number(selected.includes(b.value)) - Number(selected.includes(a.value)) || b.count - a.count);
  const shown = expanded ? values : values.slice(0, COLLAPSED_LIMIT);

  return (
    <fieldset className="facet" data-testid={`facet-${facet}`}>
      <legend>{props.label}</legend>
      {counts.isPending && <div className="muted small">Loading…</div>}
      {counts.isError && <div className="error-text small">Could not load.</div>}
      {counts.data && values.length === 0 && <div className="muted small">No values.</div>}
      {shown.map(({ value, count }) => (
        <label key={value} className="facet-option">
          <input type="checkbox" checked={selected.includes(value)} onChange={() => props.onToggle(facet, value)} />
          <span className="facet-value" title={value}>
            {value}
          </span>
          <span className="facet-count">{count}</span>
        </label>
      ))}
      {values.length > COLLAPSED_LIMIT && (
        <button type="button" className="link-button small" onClick={() => setExpanded((e) => !e)}>
          {expanded ? 'Show fewer' : `Show all ${values.length}`}
        </button>
      )}
    </fieldset>
  );
}
