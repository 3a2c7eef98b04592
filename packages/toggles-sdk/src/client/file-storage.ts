import type { StoredFeatures, TogglesStorage } from './storage.js';

/**
 * A storage in a JSON file, for Node. `node:fs` is imported on first use, so a browser bundle
 * that never calls this never loads it. Writes go to a temporary file renamed over the old
 * one, so a crash mid-write never leaves a torn copy.
 *
 * @example
 * const client = createTogglesClient({ url, token, appName: 'shop', storage: fileStorage('/var/lib/shop/toggles.json') });
 */
export function fileStorage(path: string): TogglesStorage {
  return {
    async load() {
      const fs = await import('node:fs/promises');
      let raw: string;
      try {
        raw = await fs.readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      let parsed: StoredFeatures;
      try {
        parsed = JSON.parse(raw) as StoredFeatures;
      } catch (error) {
        throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
      }
      if (!parsed || !Array.isArray(parsed.payload?.features)) {
        throw new Error(`${path}: payload.features: expected an array`);
      }
      return parsed;
    },
    async save(value) {
      const fs = await import('node:fs/promises');
      const { dirname } = await import('node:path');
      await fs.mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await fs.writeFile(temporary, JSON.stringify(value));
      await fs.rename(temporary, path);
    },
  };
}

/**
 * The default storage file of an app: in the OS temporary directory, one per app name.
 *
 * @example
 * await defaultStoragePath('shop'); // e.g. '<tmp>/backbeat-toggles-shop.json'
 */
export async function defaultStoragePath(appName: string): Promise<string> {
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  return join(tmpdir(), `backbeat-toggles-${appName.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}
