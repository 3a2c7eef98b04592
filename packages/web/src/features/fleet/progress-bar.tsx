import { mergedPercent } from './fleet-model.js';

/** Merged out of total as a thin bar plus `merged/total`. */
export function ProgressBar({ merged, total }: { merged: number; total: number }) {
  const percent = mergedPercent({ merged, total });
  return (
    <div
      className="fleet-progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={merged}
      aria-label={`${merged} of ${total} merged`}
    >
      <div className="fleet-progress-bar">
        <div className="fleet-progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="small nowrap">
        {merged}/{total}
      </span>
    </div>
  );
}
