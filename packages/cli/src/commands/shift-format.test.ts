import { describe, expect, it } from 'vitest';
import {
  blockingCanaries,
  countByState,
  findTarget,
  formatChanges,
  formatLiveView,
  formatShiftHeader,
  formatSpecError,
  isSettled,
  progressSummary,
  repositoryName,
  type TargetRow,
} from './shift-format.js';

function row(repository: string, state: TargetRow['state'], extra: Partial<TargetRow> = {}): TargetRow {
  return {
    id: `id-${repository}`,
    entityRef: `component:default/${repository.split('/').pop()}`,
    repository,
    state,
    checks: 'none',
    attempts: 1,
    updatedAt: '2026-01-01T00:00:00Z',
    wave: 'main',
    ...extra,
  };
}

describe('formatSpecError', () => {
  it('prints file, line, field and message like a compiler, leaving out what is missing', () => {
    expect(formatSpecError('shift.yaml', { field: 'spec.steps[0].type', line: 12, message: 'unknown step type' })).toBe(
      'shift.yaml:12: spec.steps[0].type: unknown step type',
    );
    expect(formatSpecError('s.yaml', { field: 'metadata.owner', message: 'is required' })).toBe(
      's.yaml: metadata.owner: is required',
    );
    expect(formatSpecError('s.yaml', { line: 3, message: 'bad indentation' })).toBe('s.yaml:3: bad indentation');
  });
});

describe('isSettled', () => {
  it('waits for every target to reach a settled state; a preview also settles at planned', () => {
    const targets = [row('a', 'merged'), row('b', 'planned'), row('c', 'plan-failed')];
    expect(isSettled(targets, { preview: false })).toBe(false);
    expect(isSettled(targets, { preview: true })).toBe(true);
    expect(isSettled([row('a', 'merged'), row('b', 'no-change')], { preview: false })).toBe(true);
    expect(isSettled([row('a', 'checks-pending')], { preview: true })).toBe(false);
    expect(isSettled([], { preview: false })).toBe(false);
  });
});

describe('progress formatting', () => {
  it('counts states in lifecycle order and summarises', () => {
    const targets = [row('a', 'merged'), row('b', 'pending'), row('c', 'merged'), row('d', 'failed')];
    expect(countByState(targets)).toEqual([
      ['pending', 1],
      ['merged', 2],
      ['failed', 1],
    ]);
    expect(progressSummary(targets, { preview: false })).toBe('3/4 settled · pending 1 · merged 2 · failed 1');
  });

  it('prints a line per state change only', () => {
    const seen = new Map([
      ['id-org/a', 'planned'],
      ['id-org/b', 'published'],
    ]);
    expect(
      formatChanges(seen, [
        row('org/a', 'published'),
        row('org/b', 'published'),
        row('org/c', 'plan-failed', { error: 'step 1 exited\nwith 2' }),
      ]),
    ).toEqual(['org/a: planned -> published', 'org/c: plan-failed (step 1 exited with 2)']);
  });

  it('shows moving targets first, then failures, and cuts the table to the room it has', () => {
    const targets = [
      row('org/merged', 'merged'),
      row('org/broken', 'checks-failed', { checks: 'failed' }),
      row('org/moving', 'checks-pending', { checks: 'pending' }),
      row('org/also-merged', 'merged'),
    ];
    const lines = formatLiveView(targets, { preview: false, maxRows: 3 });
    expect(lines[0]).toMatch(/^REPOSITORY\s+STATE\s+CHECKS$/);
    expect(lines[1]).toMatch(/^org\/moving\s+checks-pending\s+pending$/);
    expect(lines[2]).toMatch(/^org\/broken\s+checks-failed\s+failed$/);
    expect(lines[3]).toBe('… and 2 more');
    expect(lines[4]).toBe('3/4 settled · checks-pending 1 · checks-failed 1 · merged 2');
    expect(lines).toHaveLength(5);
  });

  it('heads the status with state, owner, progress and totals', () => {
    const lines = formatShiftHeader({
      name: 'bump',
      owner: 'group:default/platform',
      state: 'paused',
      preview: true,
      createdAt: 'c',
      updatedAt: 'u',
      appliedBy: 'user:default/jane',
      total: 3,
      merged: 1,
      totals: { merged: 1, planned: 2 },
      rateLimitedUntil: '2026-01-01T10:00:00Z',
    });
    expect(lines[0]).toBe('bump  paused  preview');
    expect(lines).toContain('  merged: 1/3 (33%)');
    expect(lines).toContain('  rate-limited until 2026-01-01T10:00:00Z');
    expect(lines.at(-1)).toBe('  totals: planned 2 · merged 1');
  });
});

describe('findTarget', () => {
  const rows = [row('org/web', 'planned'), row('org/api', 'planned', { entityRef: 'component:payments/api' })];

  it('finds by id, full or short entity ref, and repository', () => {
    expect(findTarget(rows, 'id-org/api')?.repository).toBe('org/api');
    expect(findTarget(rows, 'component:default/web')?.repository).toBe('org/web');
    expect(findTarget(rows, 'web')?.repository).toBe('org/web');
    expect(findTarget(rows, 'payments/api')?.repository).toBe('org/api');
    expect(findTarget(rows, 'org/api')?.repository).toBe('org/api');
    expect(findTarget(rows, 'nothing')).toBeUndefined();
  });
});

describe('blockingCanaries', () => {
  const wave = (w: 'canary' | 'main', state: TargetRow['state']) => ({ wave: w, state });
  it('names the failed canaries when only the main wave is left, waiting', () => {
    const failed = wave('canary', 'checks-failed');
    expect(blockingCanaries([failed, wave('canary', 'merged'), wave('main', 'scheduled')])).toEqual([failed]);
  });
  it('is empty while anything else can still move, or when no canary failed', () => {
    expect(blockingCanaries([wave('canary', 'checks-failed'), wave('main', 'pending')])).toEqual([]);
    expect(blockingCanaries([wave('canary', 'checks-pending'), wave('main', 'scheduled')])).toEqual([]);
    expect(blockingCanaries([wave('canary', 'merged'), wave('main', 'merged')])).toEqual([]);
  });
});

describe('repositoryName', () => {
  it("keeps a URL's path, a local path's last directory, and drops .git", () => {
    expect(repositoryName('https://git.example.com/org/web-player.git')).toBe('org/web-player');
    expect(repositoryName('/srv/repos/playback-service/')).toBe('playback-service');
    expect(repositoryName('git@github.com:org/api.git')).toBe('org/api');
    expect(repositoryName('org/api')).toBe('org/api');
  });
});
