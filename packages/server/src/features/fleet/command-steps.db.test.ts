import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../platform/git/index.js';
import { createFleetHarness, dropDeclaredChecks, FLEET_ADMIN, type FleetHarness } from './testing/fleet-harness.js';
import { branchesOf, fileOnMain } from './testing/fleet-invariants.js';
import { shiftYaml as buildShiftYaml, onlyTargets } from './testing/shift-yaml.js';

/**
 * Command steps on real repositories: a script's edits reach main, and a script that
 * writes outside its workspace, leaves a link out of it or runs too long fails only
 * its own target, with a log, while the others go on. The replace step leaves binary
 * and non-UTF-8 files alone.
 */
let h: FleetHarness;
type Repo = FleetHarness['demo']['repos'][number];
let repos: Repo[];
/** Unique per run, so a file found outside the workspace can only come from this test. */
const MARK = `${process.pid}-${Date.now()}`;
const refOf = (repo: Repo) => `component:default/${repo.name}`;

function shiftYaml(options: { name: string; targets: Repo[]; steps: string[]; automerge: boolean }): string {
  return buildShiftYaml({
    name: options.name,
    targets: onlyTargets(options.targets.map(refOf)),
    // The call sites write each step line at its place in the document (four spaces in).
    steps: options.steps.map((line) => line.slice(4)),
    title: 'Shift {{ shift.name }} in {{ entity.metadata.name }}',
    automerge: [`enabled: ${options.automerge}`, 'requireChecks: false'],
  });
}

async function commit(repo: Repo, message: string): Promise<void> {
  await runGit(['add', '-A'], { cwd: repo.path });
  await runGit(['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', message], {
    cwd: repo.path,
  });
}

/** Every file name under `dir`, recursively (what a stray write would have left behind). */
function namesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

beforeAll(async () => {
  h = await createFleetHarness({ size: 6 });
  repos = h.demo.repos.slice(0, 6);
  // Without declared checks, a published change auto-merges at once (requireChecks: false).
  for (const repo of repos) {
    await dropDeclaredChecks(repo.path);
  }
}, 180_000);
afterAll(() => h?.dispose());

describe('command steps', () => {
  it('merges a script’s edits and fails only the targets whose script escapes or leaves a link out', async () => {
    const [plain, strayTmp, systemWrite, link] = repos as [Repo, Repo, Repo, Repo];
    const yaml = shiftYaml({
      name: 'scripted',
      targets: [plain, strayTmp, systemWrite, link],
      automerge: true,
      steps: [
        '    - type: command',
        '      run: |',
        '        set -e',
        "        sed -i 's/lifecycle: [a-z]*/lifecycle: deprecated/' catalog-info.yaml",
        '        echo "$BACKBEAT_SHIFT" > shift.txt',
        '        case "$BACKBEAT_ENTITY_REF" in',
        `          *${strayTmp.name}) echo x > /tmp/escape-${MARK}; echo x > ../sibling-${MARK} ;;`,
        `          *${systemWrite.name}) echo x > /usr/escape-${MARK} ;;`,
        `          *${link.name}) ln -s /etc/hostname leak ;;`,
        '        esac',
      ],
    });
    await h.fleet.shifts.apply(FLEET_ADMIN, { yaml });
    await h.settle('scripted', ['merged', 'plan-failed', 'failed', 'no-change', 'checks-failed']);

    for (const repo of [plain, strayTmp]) {
      const target = await h.fleet.shifts.targetDetail('scripted', refOf(repo));
      expect(target.state, `${repo.name}: ${target.lastLog}`).toBe('merged');
      expect(await fileOnMain(repo.path, 'shift.txt')).toBe('scripted\n');
      expect(await fileOnMain(repo.path, 'catalog-info.yaml')).toMatch(/lifecycle: deprecated/);
      expect(target.diffStats?.files, repo.name).toBe(2);
      expect(await branchesOf(repo.path)).toEqual(['main']);
    }
    // The sandbox's /tmp is its own: the writes "outside" landed there and vanished with it.
    expect(existsSync(`/tmp/escape-${MARK}`)).toBe(false);
    expect(namesUnder(h.dataDir).filter((name) => name.includes(MARK))).toEqual([]);

    const refused = await h.fleet.shifts.targetDetail('scripted', refOf(systemWrite));
    expect(refused.state).toBe('plan-failed');
    expect(refused.lastLog).toMatch(/Read-only file system/);
    expect(refused.lastLog).toMatch(/spec\.steps\[0\] \(command\) failed with exit code/);
    expect(existsSync(`/usr/escape-${MARK}`)).toBe(false);

    const linked = await h.fleet.shifts.targetDetail('scripted', refOf(link));
    expect(linked.state).toBe('plan-failed');
    expect(linked.lastLog).toMatch(/left the workspace unsafe to commit/);
    expect(linked.lastLog).toMatch(/leak/);

    for (const repo of [systemWrite, link]) {
      expect(await fileOnMain(repo.path, 'shift.txt'), repo.name).toBeUndefined();
      expect(await branchesOf(repo.path), repo.name).toEqual(['main']);
    }
  }, 120_000);

  it('fails a command that runs past its timeout, with the timeout in the log', async () => {
    const slow = repos[4] as Repo;
    const yaml = shiftYaml({
      name: 'slow-script',
      targets: [slow],
      automerge: false,
      steps: ['    - type: command', '      run: sleep 30', '      timeoutSeconds: 1'],
    });
    const started = Date.now();
    await h.fleet.shifts.apply(FLEET_ADMIN, { yaml, preview: true });
    await h.settle('slow-script', ['plan-failed', 'planned', 'no-change'], 25_000);
    expect(Date.now() - started).toBeLessThan(25_000);
    const target = await h.fleet.shifts.targetDetail('slow-script', refOf(slow));
    expect(target.state).toBe('plan-failed');
    expect(target.lastLog).toMatch(/spec\.steps\[0\] \(command\) timed out after 1 s/);
  }, 60_000);

  it('leaves binary and non-UTF-8 files untouched in a replace step', async () => {
    const repo = repos[5] as Repo;
    const binary = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]),
      Buffer.from('lifecycle: production'),
    ]);
    const latin1 = Buffer.from('lifecycle: production in caf\xe9\n', 'latin1');
    writeFileSync(join(repo.path, 'logo.bin'), binary);
    writeFileSync(join(repo.path, 'notes-latin1.txt'), latin1);
    await commit(repo, 'Add a logo and old notes');
    const yaml = shiftYaml({
      name: 'replace-text-only',
      targets: [repo],
      automerge: true,
      steps: [
        '    - type: replace',
        '      files: "**/*"',
        '      pattern: "lifecycle: production"',
        '      replacement: "lifecycle: deprecated"',
      ],
    });
    await h.fleet.shifts.apply(FLEET_ADMIN, { yaml });
    await h.settle('replace-text-only', ['merged', 'plan-failed', 'failed', 'no-change']);
    const target = await h.fleet.shifts.targetDetail('replace-text-only', refOf(repo));
    expect(target.state, target.lastLog).toBe('merged');
    expect(target.diff).toContain('catalog-info.yaml');
    expect(target.diff).not.toContain('logo.bin');
    expect(target.diff).not.toContain('notes-latin1.txt');
    const shown = async (file: string) => (await runGit(['show', `main:${file}`], { cwd: repo.path })).stdout;
    expect((await shown('logo.bin')).equals(binary)).toBe(true);
    expect((await shown('notes-latin1.txt')).equals(latin1)).toBe(true);
    expect(await fileOnMain(repo.path, 'catalog-info.yaml')).toMatch(/lifecycle: deprecated/);
    const planned = target.history.find((t) => t.to === 'planned');
    expect(planned?.log).toMatch(/skipped logo\.bin: binary/);
    expect(planned?.log).toMatch(/skipped notes-latin1\.txt: not UTF-8/);
  }, 60_000);
});
