import { Worker } from 'node:worker_threads';

/** How long one file's replace may run before the pattern is deemed runaway. */
export const DEFAULT_REGEX_TIMEOUT_MS = 10_000;

/**
 * Runs in the worker. Plain JavaScript (no imports) so it can be evaluated as a
 * string both from TypeScript sources under test and from the compiled build.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const pattern = new RegExp(workerData.pattern, workerData.flags);
parentPort.on('message', (text) => {
  pattern.lastIndex = 0;
  parentPort.postMessage(text.replace(pattern, workerData.replacement));
});
`;

/** Applies one regex replace to texts, off the main thread. */
export interface RegexRunner {
  /** The replaced text; rejects when the pattern runs longer than the timeout. */
  replace(text: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A regex replace in a worker thread that is terminated when one text takes longer
 * than `timeoutMs`. Patterns come from shift specs: a catastrophic one (`(a+)+$`)
 * would otherwise freeze the whole server's event loop, not just fail its target.
 *
 * @example
 * const runner = createRegexRunner('old', 'g', 'new');
 * try { await runner.replace('old text'); } finally { await runner.close(); }
 */
export function createRegexRunner(
  pattern: string,
  flags: string,
  replacement: string,
  timeoutMs = DEFAULT_REGEX_TIMEOUT_MS,
): RegexRunner {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pattern, flags, replacement } });
  let failure: Error | undefined;
  let pending: { resolve(text: string): void; reject(error: Error): void } | undefined;
  worker.on('message', (text: string) => {
    pending?.resolve(text);
    pending = undefined;
  });
  worker.on('error', (error) => {
    failure = error;
    pending?.reject(error);
    pending = undefined;
  });
  return {
    replace(text) {
      if (failure) return Promise.reject(failure);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          failure = new Error(`the pattern ran for more than ${timeoutMs} ms`);
          pending = undefined;
          void worker.terminate();
          reject(failure);
        }, timeoutMs);
        pending = {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        worker.postMessage(text);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
