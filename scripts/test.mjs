#!/usr/bin/env node
// `npm test`: every test project — unit, sqlite, pg (PostgreSQL at
// BACKBEAT_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test) and e2e
// (Chromium at /usr/bin/chromium). Extra arguments go to vitest, e.g.
// `npm test -- --project unit`. Ends with the line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) run('npm', ['ci', '--no-audit', '--no-fund']);
// The e2e project drives the built web app; the CLI test runs the built bin.
const needsBuild = ['demo-fleet', 'server', 'cli'].some(
  (p) => !existsSync(join(root, 'packages', p, 'dist', 'index.js')),
);
if (needsBuild || !existsSync(join(root, 'packages', 'web', 'dist', 'index.html'))) run('npm', ['run', 'build']);
if (!existsSync('/usr/bin/chromium')) {
  console.warn(
    'Chromium is not installed at /usr/bin/chromium: the e2e project will fail. Install it with: apt-get install -y chromium',
  );
}

const outDir = mkdtempSync(join(tmpdir(), 'backbeat-test-'));
// Without arguments: the server-side projects first, then the browser tests on their
// own, so Chromium and the demo servers never compete with the database suites for
// the same two cores.
const runs =
  process.argv.length > 2
    ? [process.argv.slice(2)]
    : [
        ['--project', 'unit', '--project', 'sqlite', '--project', 'pg'],
        ['--project', 'e2e'],
      ];

let passed = 0;
let failed = 0;
let exitCode = 0;
runs.forEach((extra, index) => {
  const report = join(outDir, `vitest-${index}.json`);
  const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra];
  const result = spawnSync('npx', args, { cwd: root, stdio: 'inherit' });
  let runFailed = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests ?? 0;
    // A file that failed to load has no test results but must still count as a failure.
    runFailed =
      (json.numFailedTests ?? 0) +
      (json.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  }
  if (result.status !== 0 && runFailed === 0) runFailed = 1;
  failed += runFailed;
  if (result.status !== 0) exitCode = result.status ?? 1;
});
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode);
