import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
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

/**
 * The counts for a run: `--small` (about 5k), `--entities=N` (the default
 * proportions scaled to N in total), or the default 100k.
 */
export function catalogCounts(small: boolean, entities?: number): LargeCatalogCounts {
  if (entities !== undefined) {
    if (!Number.isInteger(entities) || entities < 10)
      throw new Error(`--entities must be an integer of at least 10, got ${entities}`);
    const base = DEFAULT_LARGE_CATALOG_COUNTS;
    const total = Object.values(base).reduce((a, b) => a + b, 0);
    const scaled = Object.fromEntries(
      Object.entries(base).map(([k, v]) => [k, Math.max(1, Math.floor((v * entities) / total))]),
    ) as unknown as LargeCatalogCounts;
    // Rounding leftovers go to components, so the total is exactly what was asked for.
    scaled.components += entities - Object.values(scaled).reduce((a, b) => a + b, 0);
    return scaled;
  }
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
  // Built aside and moved into place, so a concurrent run never reads half a fixture.
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const started = performance.now();
  const generated = await generateLargeCatalog({ dir: join(staging, 'repos'), counts: input.counts, repos, seed });
  const generationMs = performance.now() - started;
  const catalog: LargeCatalog = {
    ...generated,
    repos: generated.repos.map((r) => ({ ...r, path: join(dir, 'repos', basename(r.path)) })),
  };
  writeFileSync(join(staging, 'catalog.json'), JSON.stringify(catalog, null, 2));
  if (existsSync(marker)) {
    rmSync(staging, { recursive: true, force: true });
  } else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  }
  return { ...catalog, cached: false, generationMs };
}
