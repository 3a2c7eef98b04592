import type { PlansStore } from '../store/plans-store.js';
import type { Guard } from './rollout-model.js';

/**
 * One guard reading: `breached` when the value crossed the threshold, `ok` when it
 * did not or there is too little data to judge, `unavailable` when the source could
 * not be read (the plan then holds its milestone instead of advancing blind).
 */
export type GuardReading =
  | { state: 'ok'; value: number | null; detail: string }
  | { state: 'breached'; value: number; detail: string }
  | { state: 'unavailable'; value: null; detail: string };

export interface GuardScope {
  project: string;
  flag: string;
  environment: string;
}

export interface GuardCheckOptions {
  plans: PlansStore;
  /** fetch, replaceable so a process can route Prometheus calls through a proxy. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Reads every guard of a plan; one guard failing to read never hides the others. */
export function createGuardCheck(options: GuardCheckOptions) {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;

  async function errorRate(guard: Extract<Guard, { kind: 'error-rate' }>, scope: GuardScope, now: Date) {
    const since = new Date(now.getTime() - guard.windowMinutes * 60_000);
    since.setUTCSeconds(0, 0);
    const { errors, requests } = await options.plans.impactSince({
      ...scope,
      since: since.toISOString(),
      ...(guard.appName ? { appName: guard.appName } : {}),
    });
    if (requests < guard.minRequests) {
      return {
        state: 'ok',
        value: null,
        detail: `${requests} requests in ${guard.windowMinutes} min, below the minimum sample of ${guard.minRequests}`,
      } satisfies GuardReading;
    }
    const rate = errors / requests;
    const detail = `error rate ${(rate * 100).toFixed(2)} % (${errors}/${requests} in ${guard.windowMinutes} min), threshold ${(guard.threshold * 100).toFixed(2)} %`;
    return rate > guard.threshold
      ? ({ state: 'breached', value: rate, detail } satisfies GuardReading)
      : ({ state: 'ok', value: rate, detail } satisfies GuardReading);
  }

  async function prometheus(guard: Extract<Guard, { kind: 'prometheus' }>): Promise<GuardReading> {
    const url = `${guard.url.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(guard.query)}`;
    let body: unknown;
    try {
      const response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      body = await response.json();
      if (!response.ok) {
        const error = (body as { error?: string })?.error ?? `HTTP ${response.status}`;
        return { state: 'unavailable', value: null, detail: `Prometheus answered ${response.status}: ${error}` };
      }
    } catch (error) {
      return { state: 'unavailable', value: null, detail: `Prometheus could not be read: ${(error as Error).message}` };
    }
    const value = prometheusValue(body);
    if (typeof value === 'string') return { state: 'unavailable', value: null, detail: value };
    if (value === null) return { state: 'ok', value: null, detail: `no series for ${guard.query}` };
    const crossed = guard.breachWhen === 'above' ? value > guard.threshold : value < guard.threshold;
    const detail = `${guard.query} = ${value}, breach when ${guard.breachWhen} ${guard.threshold}`;
    return crossed ? { state: 'breached', value, detail } : { state: 'ok', value, detail };
  }

  return {
    async read(guard: Guard, scope: GuardScope, now: Date): Promise<GuardReading> {
      try {
        return guard.kind === 'error-rate' ? await errorRate(guard, scope, now) : await prometheus(guard);
      } catch (error) {
        return { state: 'unavailable', value: null, detail: (error as Error).message };
      }
    },
  };
}

export type GuardCheck = ReturnType<typeof createGuardCheck>;

/**
 * The number in a Prometheus instant-query response: a scalar, or a vector with
 * exactly one series. `null` for an empty vector; a string says why the response
 * cannot be used.
 *
 * @example
 * prometheusValue({ status: 'success', data: { resultType: 'scalar', result: [1700000000, '0.02'] } }); // 0.02
 */
export function prometheusValue(body: unknown): number | null | string {
  const doc = body as { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  if (doc?.status !== 'success') return `Prometheus query failed: ${doc?.error ?? 'status is not success'}`;
  const { resultType, result } = doc.data ?? {};
  const toNumber = (sample: unknown): number | string => {
    const raw = Array.isArray(sample) ? sample[1] : undefined;
    const n = typeof raw === 'string' ? Number(raw) : Number.NaN;
    return Number.isNaN(n) ? `unreadable sample ${JSON.stringify(sample)}` : n;
  };
  if (resultType === 'scalar') return toNumber(result);
  if (resultType === 'vector' && Array.isArray(result)) {
    if (result.length === 0) return null;
    if (result.length > 1) return `the query returned ${result.length} series; a guard needs a scalar or one series`;
    return toNumber((result[0] as { value?: unknown }).value);
  }
  return `unsupported result type "${resultType}"; a guard needs a scalar or a vector`;
}
