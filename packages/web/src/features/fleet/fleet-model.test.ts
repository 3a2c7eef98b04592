import { describe, expect, it } from 'vitest';
import { fleetPaths, fleetRoutes, specErrorsOf } from './fleet-api.js';
import {
  failedCount,
  formatDiffStats,
  lastLine,
  mergedPercent,
  orderedTotals,
  ownersOf,
  repositoryName,
  targetStateTone,
} from './fleet-model.js';

describe('fleet model helpers', () => {
  it('orders totals by lifecycle and drops zeros', () => {
    expect(orderedTotals({ merged: 2, failed: 0, pending: 1, 'checks-failed': 3 })).toEqual([
      ['pending', 1],
      ['checks-failed', 3],
      ['merged', 2],
    ]);
  });

  it('counts the targets a bulk retry picks up', () => {
    expect(failedCount({ 'plan-failed': 1, 'checks-failed': 2, failed: 3, merged: 9, closed: 4 })).toBe(6);
    expect(failedCount({})).toBe(0);
  });

  it('computes the merged percentage safely', () => {
    expect(mergedPercent({ merged: 1, total: 3 })).toBe(33);
    expect(mergedPercent({ merged: 0, total: 0 })).toBe(0);
    expect(mergedPercent({ merged: 5, total: 4 })).toBe(100);
  });

  it('gives failures, success and motion different tones', () => {
    expect(targetStateTone('plan-failed')).toBe('danger');
    expect(targetStateTone('merged')).toBe('ok');
    expect(targetStateTone('checks-pending')).toBe('info');
    expect(targetStateTone('no-change')).toBe('neutral');
  });

  it('formats diff stats, last log lines and owner lists', () => {
    expect(formatDiffStats({ files: 1, additions: 2, deletions: 0 })).toBe('1 file +2 −0');
    expect(formatDiffStats({ files: 3, additions: 12, deletions: 4 })).toBe('3 files +12 −4');
    expect(formatDiffStats(undefined)).toBe('');
    expect(lastLine('cloning\r\nnpm install\n\n  \n')).toBe('npm install');
    expect(lastLine(undefined)).toBe('');
    expect(
      ownersOf([{ owner: 'group:default/b' }, { owner: 'group:default/a' }, {}, { owner: 'group:default/b' }]),
    ).toEqual(['group:default/a', 'group:default/b']);
  });
});

describe('fleet api helpers', () => {
  it('encodes shift names and target ids in API paths and routes', () => {
    expect(fleetPaths.target('log lib', 'a/b')).toBe('/api/fleet/shifts/log%20lib/targets/a%2Fb');
    expect(fleetPaths.targets('bump', { state: 'failed', owner: '', q: '  web ' })).toBe(
      '/api/fleet/shifts/bump/targets?state=failed&q=web',
    );
    expect(fleetRoutes.target('bump', '01J')).toBe('/fleet/bump/targets/01J');
  });

  it('keeps well-formed spec errors from a problem document', () => {
    expect(
      specErrorsOf([
        { field: 'spec.steps[0].type', line: 12, column: 5, message: 'unknown step type' },
        { message: 'not a Shift' },
        'junk',
        { field: 'x' },
      ]),
    ).toEqual([
      { field: 'spec.steps[0].type', line: 12, column: 5, message: 'unknown step type' },
      { field: '', message: 'not a Shift' },
    ]);
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
