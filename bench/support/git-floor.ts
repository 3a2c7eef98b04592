import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import type { LargeCatalog } from '../../packages/demo-fleet/src/index.js';

const exec = promisify(execFile);

/**
 * The floor for reading a catalog from git: a plain `git clone` of every
 * repository followed by reading every descriptor file (and, separately, parsing
 * them with js-yaml). Sequential, like the ingestion it is compared with.
 */
export async function measureGitFloor(
  catalog: LargeCatalog,
): Promise<{ cloneAndReadMs: number; parseMs: number; documents: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'backbeat-bench-clone-'));
  try {
    const texts: string[] = [];
    const started = performance.now();
    for (const [i, repo] of catalog.repos.entries()) {
      const target = join(dir, String(i));
      await exec('git', ['clone', '-q', repo.path, target], {
        env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' },
      });
      for (const file of repo.files) texts.push(readFileSync(join(target, file), 'utf8'));
    }
    const cloneAndReadMs = performance.now() - started;
    const parseStarted = performance.now();
    let documents = 0;
    for (const text of texts) documents += yaml.loadAll(text).length;
    return { cloneAndReadMs, parseMs: performance.now() - parseStarted, documents };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
