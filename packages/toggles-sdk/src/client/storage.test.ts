import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStorage } from './file-storage.js';
import { type StoredFeatures, type WebStorageLike, webStorage } from './storage.js';

const stored: StoredFeatures = {
  payload: { version: 2, features: [{ name: 'a', enabled: true, strategies: [] }] },
  etag: '"x"',
  savedAt: '2026-12-03T00:00:00.000Z',
};

const dir = mkdtempSync(join(tmpdir(), 'toggles-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fileStorage', () => {
  it('round-trips, creating folders, and reads nothing from a missing file', async () => {
    const storage = fileStorage(join(dir, 'nested', 'flags.json'));
    expect(await storage.load()).toBeUndefined();
    await storage.save(stored);
    expect(await storage.load()).toEqual(stored);
  });

  it('names the file and the problem when the copy is damaged', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"payload":');
    await expect(fileStorage(file).load()).rejects.toThrow(`${file}: not valid JSON`);
    writeFileSync(file, '{"payload":{"features":3}}');
    await expect(fileStorage(file).load()).rejects.toThrow(`${file}: payload.features`);
  });

  it('replaces the file whole', async () => {
    const file = join(dir, 'whole.json');
    await fileStorage(file).save(stored);
    await fileStorage(file).save({ ...stored, etag: '"y"' });
    expect(JSON.parse(readFileSync(file, 'utf8')).etag).toBe('"y"');
  });
});

describe('webStorage', () => {
  it('round-trips through a Web Storage and ignores unreadable content', async () => {
    const items = new Map<string, string>();
    const store: WebStorageLike = {
      getItem: (key) => items.get(key) ?? null,
      setItem: (key, value) => void items.set(key, value),
    };
    const storage = webStorage('flags', store);
    expect(await storage.load()).toBeUndefined();
    await storage.save(stored);
    expect(await storage.load()).toEqual(stored);
    items.set('flags', 'garbage');
    expect(await storage.load()).toBeUndefined();
  });
});
