import { describe, expect, it } from 'vitest';
import { runForTest } from './testing/cli-harness.js';

describe('backbeat program', () => {
  it('explains itself with --help and exits 0', async () => {
    const run = await runForTest(['--help']);
    expect(run.code).toBe(0);
    for (const verb of ['serve', 'worker', 'db', 'catalog', 'audit', 'token']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
    }
    expect(run.stdout).toContain('--server <url>');
  });

  it('offers --json on every verb', async () => {
    const verbs = [
      ['serve'],
      ['worker'],
      ['db', 'migrate'],
      ['catalog', 'register'],
      ['catalog', 'get'],
      ['catalog', 'list'],
      ['catalog', 'locations'],
      ['catalog', 'refresh'],
      ['catalog', 'validate'],
      ['audit', 'list'],
      ['token', 'create'],
      ['token', 'list'],
      ['token', 'revoke'],
    ];
    for (const verb of verbs) {
      const run = await runForTest([...verb, '--help']);
      expect(run.code, verb.join(' ')).toBe(0);
      expect(run.stdout, verb.join(' ')).toContain('--json');
    }
  });

  it('rejects an unknown command with a non-zero exit code', async () => {
    const run = await runForTest(['catalgo']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'catalgo'");
  });

  it('refuses to run a worker on the embedded SQLite database', async () => {
    const run = await runForTest(['worker', '--data-dir', 'unused'], { env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('needs a PostgreSQL database: set BACKBEAT_DATABASE_URL');
  });
});
