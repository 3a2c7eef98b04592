#!/usr/bin/env node
// `npm run bench -- <name> [flags]`: runs bench/<name>.ts with tsx. Without a
// name, lists the benchmarks. Results are printed and appended to bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  console.log(
    `Usage: npm run bench -- <name> [--small] [flags]\n\nBenchmarks:\n${available.map((b) => `  ${b}`).join('\n')}`,
  );
  console.log('\nSee bench/README.md for what each one measures and its flags.');
  process.exit(name ? 0 : 1);
}
if (!available.includes(name) || !existsSync(join(benchDir, `${name}.ts`))) {
  console.error(`No benchmark named "${name}". Available: ${available.join(', ')}`);
  process.exit(1);
}
// The server imports @backbeat/demo-fleet through its build output; rebuild it when stale.
const fleetDir = join(root, 'packages', 'demo-fleet');
const fleetDist = join(fleetDir, 'dist', 'index.js');
const newest = (dir) =>
  Math.max(...readdirSync(dir, { recursive: true }).map((f) => statSync(join(dir, String(f))).mtimeMs));
if (!existsSync(fleetDist) || statSync(fleetDist).mtimeMs < newest(join(fleetDir, 'src'))) {
  const build = spawnSync('npm', ['run', 'build', '-w', '@backbeat/demo-fleet'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const result = spawnSync('npx', ['tsx', join(benchDir, `${name}.ts`), ...rest], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BENCH_NAME: name },
});
process.exit(result.status ?? 1);
