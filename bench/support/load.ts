import { percentile } from './stats.js';

export interface LoadResult {
  name: string;
  requests: number;
  failures: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** First failure seen, to make a broken scenario obvious. */
  firstFailure?: string;
}

/**
 * A small closed-loop load generator: `concurrency` workers each send the next
 * request as soon as the previous answer has been read, for `durationMs`.
 * Latency includes reading the whole body.
 */
export async function runLoad(input: {
  name: string;
  url: () => string;
  headers?: Record<string, string>;
  concurrency: number;
  durationMs: number;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = started + input.durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const url = input.url();
      const t = performance.now();
      try {
        const response = await fetch(url, { headers: input.headers });
        const body = await response.arrayBuffer();
        latencies.push(performance.now() - t);
        if (!response.ok) {
          failures++;
          firstFailure ??= `${response.status} ${url}: ${Buffer.from(body).toString('utf8').slice(0, 200)}`;
        }
      } catch (error) {
        failures++;
        firstFailure ??= `${url}: ${(error as Error).message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: input.concurrency }, worker));
  const elapsed = performance.now() - started;
  return {
    name: input.name,
    requests: latencies.length,
    failures,
    rps: latencies.length / (elapsed / 1000),
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    firstFailure,
  };
}
