import { describe, expect, it } from 'vitest';
import { compareVersions, isExactVersion, parseVersion } from './version.js';

describe('compareVersions', () => {
  it.each([
    ['2.14.1', '2.17.1', -1],
    ['2.17.1', '2.17.1', 0],
    ['2.18.0', '2.17.1', 1],
    ['2.17.0-rc1', '2.17.0', -1],
    ['2.17.0-rc.2', '2.17.0-rc.10', -1],
    ['2.17.0-alpha', '2.17.0-beta', -1],
    ['2.17.0-1', '2.17.0-alpha', -1],
    ['v1.2', '1.2.0', 0],
    ['^2.14.1', '2.14.1', 0],
    ['~2.14.1', '2.14.2', -1],
    ['>=2.31,<3', '2.31', 0],
    ['>= 2.31', '2.31.0', 0],
    ['==1.26.0', '1.26.0', 0],
    ['1.10.0', '1.9.9', 1],
    ['2.17.0.Final', '2.17.0', 0],
    ['2.x', '2.0.0', 0],
    ['1.0.0+build.5', '1.0.0', 0],
    ['1.0rc1', '1.0', -1],
  ])('%s vs %s -> %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
    expect(compareVersions(b, a)).toBe(-expected || 0);
  });

  it('throws on text that holds no version', () => {
    expect(() => compareVersions('latest', '1.0.0')).toThrow('"latest" is not a version');
    expect(parseVersion('workspace:*')).toBeUndefined();
  });
});

describe('isExactVersion', () => {
  it.each(['2.17.1', 'v0.9.1', '1.0.0-rc.1', '2.17.0.Final', '1'])('accepts %s', (v) => {
    expect(isExactVersion(v)).toBe(true);
  });
  it.each(['^2.17.1', '>=1', 'latest', '', '1.x', '2.17.1 '])('rejects %j', (v) => {
    expect(isExactVersion(v)).toBe(false);
  });
});
