#!/usr/bin/env node
// `npm start`: installs, builds and starts Backbeat on its embedded default
// (SQLite in ./.backbeat) with the demo organisation and fleet. Steps already
// done are skipped, so the second start is quick.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('Installing dependencies (better-sqlite3 compiles from source: about 90 s)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
const built = ['demo-fleet', 'server', 'cli'].every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.js')));
if (!built || !existsSync(join(root, 'packages', 'web', 'dist', 'index.html'))) {
  console.log('Building...');
  run('npm', ['run', 'build']);
}
if (spawnSync('bwrap', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.log(
    'Note: bubblewrap (bwrap) is not installed. The demo starts, but Fleet Shift cannot run\n' +
      "repositories' checks or command steps without it: apt-get install bubblewrap",
  );
}
run('node', [join(root, 'packages', 'cli', 'dist', 'index.js'), 'serve', '--demo', ...process.argv.slice(2)]);
