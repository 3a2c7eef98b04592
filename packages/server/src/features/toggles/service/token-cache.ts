import type { ClientToken } from '../model/records.js';

/**
 * Authenticated client tokens by hash, for `ttlMs`. A revocation in this process
 * clears the cache at once; another process sharing the database stops accepting a
 * revoked token within `ttlMs`. Unknown tokens are not cached, so a new token works
 * at once and guessing costs a query each time as before.
 *
 * @example
 * const tokens = createTokenCache({ ttlMs: 5_000 });
 * tokens.set(hash, token);
 * tokens.get(hash); // the token, until five seconds pass or tokens.clear()
 */
export interface TokenCache {
  get(hash: string): ClientToken | undefined;
  set(hash: string, token: ClientToken): void;
  clear(): void;
}

export function createTokenCache(options: { ttlMs: number; maxEntries?: number; now?: () => number }): TokenCache {
  const { ttlMs } = options;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { token: ClientToken; expiresAt: number }>();
  return {
    get(hash) {
      const entry = entries.get(hash);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(hash);
        return undefined;
      }
      return entry.token;
    },
    set(hash, token) {
      if (ttlMs <= 0) return;
      // Bounded: many distinct tokens must not grow memory without end; the oldest go first.
      if (entries.size >= maxEntries && !entries.has(hash)) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(hash, { token, expiresAt: now() + ttlMs });
    },
    clear() {
      entries.clear();
    },
  };
}
