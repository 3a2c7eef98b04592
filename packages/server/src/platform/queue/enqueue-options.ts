import type { EnqueueOptions } from './job-queue.js';

/** Attempts a job gets when `enqueue` is not told otherwise (see EnqueueOptions). */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Checks enqueue options the same way on both adapters, so a bad call fails with
 * the same message whichever engine runs below. Priority and attempts must fit
 * graphile-worker's smallint columns.
 *
 * @example
 * const { maxAttempts, priority } = validateEnqueue('catalog.refresh', { maxAttempts: 3 });
 */
export function validateEnqueue(name: string, options: EnqueueOptions): { maxAttempts: number; priority: number } {
  if (!name) throw new Error('A job needs a name');
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 32_767) {
    throw new Error(`Job "${name}": maxAttempts must be a whole number from 1 to 32767, got ${options.maxAttempts}`);
  }
  const priority = options.priority ?? 0;
  if (!Number.isInteger(priority) || priority < -32_768 || priority > 32_767) {
    throw new Error(`Job "${name}": priority must be a whole number from -32768 to 32767, got ${options.priority}`);
  }
  if (options.runAt !== undefined && Number.isNaN(options.runAt.getTime())) {
    throw new Error(`Job "${name}": runAt is not a valid date`);
  }
  if (options.key !== undefined && options.key.length === 0) {
    throw new Error(`Job "${name}": key must not be empty`);
  }
  return { maxAttempts, priority };
}
