/**
 * Runs functions one at a time per key, in this process. Concurrent git fetches
 * into one mirror, or two refreshes of one location, would otherwise race.
 *
 * @example
 * const lock = createKeyedLock();
 * await lock('mirror:/data/mirrors/ab-web.git', () => ensureMirror(url, dir));
 */
export function createKeyedLock(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
