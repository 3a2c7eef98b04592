import { formatPercent } from './health-model.js';

/** A rate as a thin bar and a percentage. */
export function PassRateBar({ rate, detail }: { rate: number | null; detail?: string }) {
  return (
    <span className="health-rate" title={detail} data-testid="pass-rate">
      <span className="health-rate-bar" aria-hidden="true">
        <span className="health-rate-fill" style={{ width: `${Math.round((rate ?? 0) * 100)}%` }} />
      </span>
      <span className="health-rate-value">{formatPercent(rate)}</span>
    </span>
  );
}
