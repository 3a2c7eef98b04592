/** Counts of one flag in a metrics bucket, in Unleash's format. */
export interface ToggleCounts {
  yes: number;
  no: number;
  variants: Record<string, number>;
}

/**
 * The body of `POST /api/client/metrics`.
 *
 * @example
 * const body: MetricsPayload = {
 *   appName: 'shop', instanceId: 'shop-1',
 *   bucket: { start: '2026-12-03T10:00:00.000Z', stop: '2026-12-03T10:01:00.000Z', toggles: { 'checkout.v2': { yes: 3, no: 1, variants: {} } } },
 * };
 */
export interface MetricsPayload {
  appName: string;
  instanceId: string;
  connectionId?: string;
  platformName?: string;
  platformVersion?: string;
  specVersion?: string;
  bucket: { start: string; stop: string; toggles: Record<string, ToggleCounts> };
}

/**
 * Counts evaluations between two sends. Counting is a map lookup and an increment, so it can
 * sit on the evaluation path.
 *
 * @example
 * const bucket = new MetricsBucket();
 * bucket.count('checkout.v2', true);
 * bucket.take(); // { start, stop, toggles: { 'checkout.v2': { yes: 1, no: 0, variants: {} } } }
 */
export class MetricsBucket {
  #start = new Date();
  #toggles = new Map<string, ToggleCounts>();

  #entry(name: string): ToggleCounts {
    let entry = this.#toggles.get(name);
    if (entry === undefined) {
      entry = { yes: 0, no: 0, variants: {} };
      this.#toggles.set(name, entry);
    }
    return entry;
  }

  /** Counts one `isEnabled`. */
  count(name: string, enabled: boolean): void {
    const entry = this.#entry(name);
    if (enabled) entry.yes++;
    else entry.no++;
  }

  /** Counts one `getVariant`. */
  countVariant(name: string, enabled: boolean, variant: string): void {
    const entry = this.#entry(name);
    if (enabled) entry.yes++;
    else entry.no++;
    entry.variants[variant] = (entry.variants[variant] ?? 0) + 1;
  }

  /** Whether anything was counted since the last `take`. */
  get empty(): boolean {
    return this.#toggles.size === 0;
  }

  /** The counts so far, as a bucket, and a fresh start. */
  take(): MetricsPayload['bucket'] {
    const stop = new Date();
    const bucket = {
      start: this.#start.toISOString(),
      stop: stop.toISOString(),
      toggles: Object.fromEntries(this.#toggles),
    };
    this.#start = stop;
    this.#toggles = new Map();
    return bucket;
  }

  /** Puts counts back (after a failed send) so they go with the next bucket. */
  restore(bucket: MetricsPayload['bucket']): void {
    this.#start = new Date(Math.min(this.#start.getTime(), Date.parse(bucket.start)));
    for (const [name, counts] of Object.entries(bucket.toggles)) {
      const entry = this.#entry(name);
      entry.yes += counts.yes;
      entry.no += counts.no;
      for (const [variant, n] of Object.entries(counts.variants))
        entry.variants[variant] = (entry.variants[variant] ?? 0) + n;
    }
  }
}
