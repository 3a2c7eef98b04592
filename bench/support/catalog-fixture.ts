import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_LARGE_CATALOG_COUNTS,
  generateLargeCatalog,
  type LargeCatalog,
  type LargeCatalogCounts,
} from '../../packages/demo-fleet/src/index.js';

export const OUT_DIR = join(import.meta.dirname, '..', '.out');

/** About 5,000 entities in the same proportions as the full 100,000. */
export const SMALL_COUNTS: LargeCatalogCounts = {
  groups: 100,
  users: 500,
  components: 2000,
  apis: 1000,
  resources: 1000,
  systems: 400,
};

export function catalogCounts(small: boolean): LargeCatalogCounts {
  return small ? SMALL_COUNTS : DEFAULT_LARGE_CATALOG_COUNTS;
}

/** Bump when the generator's output changes, so cached repositories are rebuilt. */
const GENERATOR_VERSION = 2;

export function fixtureKey(counts: LargeCatalogCounts, repos: number, seed: number): string {
  const text = JSON.stringify({ counts, repos, seed, v: GENERATOR_VERSION });
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * The benchmark catalog's git repositories, generated once per (counts, repos, seed)
 * under bench/.out/ and reused by later runs.
 */
export async function ensureCatalogRepos(input: {
  counts: LargeCatalogCounts;
  repos?: number;
  seed?: number;
}): Promise<LargeCatalog & { cached: boolean; generationMs: number }> {
  const repos = input.repos ?? 20;
  const seed = input.seed ?? 1;
  const dir = join(OUT_DIR, `catalog-${fixtureKey(input.counts, repos, seed)}`);
  const marker = join(dir, 'catalog.json');
  if (existsSync(marker)) {
    return { ...(JSON.parse(readFileSync(marker, 'utf8')) as LargeCatalog), cached: true, generationMs: 0 };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const catalog = await generateLargeCatalog({ dir: join(dir, 'repos'), counts: input.counts, repos, seed });
  const generationMs = performance.now() - started;
  writeFileSync(marker, JSON.stringify(catalog, null, 2));
  return { ...catalog, cached: false, generationMs };
}
