import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runForTest } from './testing/cli-harness.js';

const VALID = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: artist-web
  description: The artist pages
spec:
  type: website
  owner: team-a
  lifecycle: production
`;

// First document: valid. Second: breaks a descriptor rule (no spec.owner). Third: not YAML.
const BROKEN = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: playlist-api
spec:
  type: service
  owner: team-b
  lifecycle: production
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: search-api
spec:
  type: service
  lifecycle: production
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: [unclosed
`;

describe('backbeat catalog validate', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backbeat-validate-'));
    await writeFile(join(dir, 'good.yaml'), VALID);
    await writeFile(join(dir, 'broken.yaml'), BROKEN);
    await mkdir(join(dir, 'repo', 'services', 'web'), { recursive: true });
    await writeFile(join(dir, 'repo', 'services', 'web', 'catalog-info.yaml'), VALID);
    await writeFile(join(dir, 'repo', 'services', 'web', 'other.yaml'), 'not: [a descriptor');
    await mkdir(join(dir, 'empty'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 and says so for a valid file', async () => {
    const run = await runForTest(['catalog', 'validate', 'good.yaml'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 file checked: 1 valid entity, 0 problems.');
    expect(run.stderr).toBe('');
  });

  it('prints file:line:column field: message for each problem and exits 1', async () => {
    const run = await runForTest(['catalog', 'validate', 'good.yaml', 'broken.yaml'], { cwd: dir });
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    const problems = lines.filter((line) => line.startsWith('broken.yaml:'));
    expect(problems).toHaveLength(2);
    // The rule violation names the document's line and the field.
    expect(problems).toContainEqual(expect.stringMatching(/^broken\.yaml:1[0-6](:\d+)? spec\.owner: is required$/));
    // The YAML syntax error is located in the third document (lines 17-21).
    expect(
      problems.some((line) => /^broken\.yaml:(1[7-9]|2[0-2]):\d+ /.test(line) && !line.includes('spec.owner')),
    ).toBe(true);
    expect(lines.at(-1)).toBe('2 files checked: 2 valid entities, 2 problems.');
  });

  it('gives a machine-readable report with --json', async () => {
    const run = await runForTest(['catalog', 'validate', 'broken.yaml', 'good.yaml', '--json'], { cwd: dir });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: false, errorCount: 2, entityCount: 2 });
    expect(report.files.map((f: { file: string }) => f.file)).toEqual(['broken.yaml', 'good.yaml']);
    const [broken, good] = report.files;
    expect(good).toEqual({ file: 'good.yaml', entities: 1, errors: [] });
    expect(broken.entities).toBe(1);
    const ownerError = broken.errors.find((e: { field?: string }) => e.field === 'spec.owner');
    expect(ownerError).toMatchObject({ file: 'broken.yaml', line: expect.any(Number), message: expect.any(String) });
  });

  it('expands a directory to the catalog-info files below it', async () => {
    const run = await runForTest(['catalog', 'validate', 'repo', '--json'], { cwd: dir });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.files.map((f: { file: string }) => f.file)).toEqual([
      join('repo', 'services', 'web', 'catalog-info.yaml'),
    ]);
  });

  it('reports a missing file as a problem rather than crashing', async () => {
    const run = await runForTest(['catalog', 'validate', 'nope.yaml'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^nope\.yaml .*Cannot read file/m);
  });

  it('refuses a directory without descriptor files with a usage exit code', async () => {
    const run = await runForTest(['catalog', 'validate', 'empty'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No catalog-info.yaml or catalog-info.yml found in empty');
  });
});
