import type { ClientFeaturesResponse } from '../evaluator/types.js';

/**
 * The last flags the server sent, kept so a client can start while the server is down.
 *
 * @example
 * const stored: StoredFeatures = { payload, etag: '"abc:10:v1"', savedAt: new Date().toISOString() };
 */
export interface StoredFeatures {
  payload: ClientFeaturesResponse;
  etag?: string;
  savedAt: string;
}

/**
 * Where a client keeps its last-known-good copy. `load` gives `undefined` when nothing is stored.
 *
 * @example
 * const storage: TogglesStorage = { load: async () => undefined, save: async () => {} };
 */
export interface TogglesStorage {
  load(): Promise<StoredFeatures | undefined>;
  save(value: StoredFeatures): Promise<void>;
}

/**
 * A storage that lives as long as the process; for tests, or when nothing should touch disk.
 *
 * @example
 * const client = createTogglesClient({ url, token, appName: 'shop', storage: memoryStorage() });
 */
export function memoryStorage(initial?: StoredFeatures): TogglesStorage {
  let value = initial;
  return {
    async load() {
      return value;
    },
    async save(next) {
      value = next;
    },
  };
}

/** The part of the Web Storage API that `webStorage` uses. */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * A storage in the browser's localStorage (or any Web Storage). Unreadable content counts as
 * nothing stored.
 *
 * @example
 * const client = createTogglesClient({ url, token, appName: 'web', storage: webStorage('backbeat-toggles:web') });
 */
export function webStorage(key: string, store?: WebStorageLike): TogglesStorage {
  const target = () => store ?? (globalThis as { localStorage?: WebStorageLike }).localStorage;
  return {
    async load() {
      const raw = target()?.getItem(key);
      if (!raw) return undefined;
      try {
        const parsed = JSON.parse(raw) as StoredFeatures;
        return parsed && Array.isArray(parsed.payload?.features) ? parsed : undefined;
      } catch {
        return undefined;
      }
    },
    async save(value) {
      const store = target();
      if (!store) throw new Error('webStorage: no localStorage in this environment');
      store.setItem(key, JSON.stringify(value));
    },
  };
}
