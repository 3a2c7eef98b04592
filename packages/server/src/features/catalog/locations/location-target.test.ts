import { describe, expect, it } from 'vitest';
import { isLocalPath, normalizeLocation, resolveChildTarget } from './location-target.js';

describe('normalizeLocation', () => {
  it('fills git defaults and reads the <repo>#<ref>:<path> short form', () => {
    expect(normalizeLocation({ type: 'git', target: '/srv/repos/web/' })).toEqual({
      type: 'git',
      target: '/srv/repos/web',
      options: { ref: 'HEAD', path: 'catalog-info.yaml' },
    });
    expect(
      normalizeLocation({ type: 'git', target: 'https://git.example.com/org/web.git#main:catalog/**/*.yaml' }),
    ).toEqual({
      type: 'git',
      target: 'https://git.example.com/org/web.git',
      options: { ref: 'main', path: 'catalog/**/*.yaml' },
    });
    expect(normalizeLocation({ type: 'git', target: 'git@git.example.com:org/web.git#v1' }).options).toEqual({
      ref: 'v1',
      path: 'catalog-info.yaml',
    });
    expect(normalizeLocation({ type: 'git', target: 'repo', options: { ref: 'dev' } }, '/base')).toMatchObject({
      target: '/base/repo',
      options: { ref: 'dev' },
    });
  });

  it('rejects bad types, refs, option-like targets and paths leaving the repository', () => {
    expect(() => normalizeLocation({ type: 'svn', target: 'x' })).toThrow(/not supported/);
    expect(() => normalizeLocation({ type: 'git', target: '--upload-pack=x' })).toThrow(/must not start/);
    expect(() => normalizeLocation({ type: 'git', target: '/r', options: { ref: '-x' } })).toThrow(
      /not a valid git ref/,
    );
    expect(() => normalizeLocation({ type: 'git', target: '/r', options: { path: '../etc/passwd' } })).toThrow(
      /inside the repository/,
    );
    expect(() => normalizeLocation({ type: 'git', target: '/r', options: { path: '/etc/passwd' } })).toThrow(
      /inside the repository/,
    );
    expect(() => normalizeLocation({ type: 'url', target: 'ftp://x/y.yaml' })).toThrow(/http\(s\) or file/);
    expect(() => normalizeLocation({ type: 'url', target: 'https://x/y.yaml', options: { ref: 'main' } })).toThrow(
      /no options/,
    );
  });

  it('tells local paths from remotes', () => {
    expect(isLocalPath('/srv/repo')).toBe(true);
    expect(isLocalPath('relative/repo')).toBe(true);
    expect(isLocalPath('git@github.com:org/web.git')).toBe(false);
    expect(isLocalPath('ssh://git@host/org/web.git')).toBe(false);
    expect(isLocalPath('file:///srv/repo')).toBe(false);
  });
});

describe('resolveChildTarget', () => {
  const git = normalizeLocation({ type: 'git', target: '/srv/org' });
  const url = normalizeLocation({ type: 'url', target: 'https://git.example.com/org/raw/main/catalog/all.yaml' });

  it('keeps relative targets of a git location inside the same repository', () => {
    expect(resolveChildTarget(git, 'org/catalog-info.yaml', undefined, './teams/*.yaml')).toEqual({
      kind: 'same-repo',
      pattern: 'org/teams/*.yaml',
    });
    expect(resolveChildTarget(git, 'org/catalog-info.yaml', 'url', '../svc.yaml')).toEqual({
      kind: 'same-repo',
      pattern: 'svc.yaml',
    });
    expect(resolveChildTarget(git, 'catalog-info.yaml', undefined, '../outside.yaml').kind).toBe('invalid');
  });

  it('turns absolute targets into locations of their own', () => {
    expect(resolveChildTarget(git, 'catalog-info.yaml', undefined, 'https://h.example.com/a.yaml')).toEqual({
      kind: 'external',
      spec: { type: 'url', target: 'https://h.example.com/a.yaml', options: {} },
    });
    expect(resolveChildTarget(git, 'catalog-info.yaml', 'git', '/srv/other#main:*.yaml')).toEqual({
      kind: 'external',
      spec: { type: 'git', target: '/srv/other', options: { ref: 'main', path: '*.yaml' } },
    });
    expect(resolveChildTarget(url, 'x', undefined, '../teams/a.yaml')).toEqual({
      kind: 'external',
      spec: { type: 'url', target: 'https://git.example.com/org/raw/main/teams/a.yaml', options: {} },
    });
  });
});
