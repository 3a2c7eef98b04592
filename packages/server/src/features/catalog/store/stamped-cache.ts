/**
 * A small cache of query answers, each kept with the database "change stamp" it
 * was computed under and served only while the database still shows that stamp.
 * Read the stamp before computing the answer: a write landing in between changes
 * the stamp, so the answer is never served past that write. The oldest entry
 * goes when the cache is full.
 *
 * @example
 * const cache = new StampedCache<number>(64);
 * const stamp = await changeStamp();
 * const count = cache.get(key, stamp) ?? cache.set(key, stamp, await countRows());
 */
export class StampedCache<V> {
  private readonly entries = new Map<string, { stamp: string; value: V }>();

  constructor(private readonly capacity: number) {}

  /** The answer kept for `key` under exactly this stamp, else undefined. */
  get(key: string, stamp: string | undefined): V | undefined {
    if (stamp === undefined) return undefined;
    const entry = this.entries.get(key);
    return entry && entry.stamp === stamp ? entry.value : undefined;
  }

  /** Keeps `value` for `key` under `stamp` (nothing is kept without a stamp) and returns it. */
  set(key: string, stamp: string | undefined, value: V): V {
    if (stamp === undefined) return value;
    this.entries.delete(key);
    this.entries.set(key, { stamp, value });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }
}
