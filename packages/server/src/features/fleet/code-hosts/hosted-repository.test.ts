import { describe, expect, it } from 'vitest';
import { gitAuthEnv, hostedRepository, repositoryHost } from './hosted-repository.js';

describe('hosted repository identity', () => {
  it('reads owner and name from https, ssh and scp-like URLs and pushes to the https form', () => {
    const expected = {
      owner: 'org',
      name: 'web',
      fullName: 'org/web',
      gitUrl: 'https://github.example.com/org/web.git',
    };
    expect(hostedRepository('https://github.example.com/org/web.git', 'https://github.example.com')).toEqual(expected);
    expect(hostedRepository('https://github.example.com/org/web', 'https://github.example.com/')).toEqual(expected);
    expect(hostedRepository('https://someone@github.example.com/org/web/', 'https://github.example.com')).toEqual(
      expected,
    );
    expect(hostedRepository('ssh://git@github.example.com/org/web.git', 'https://github.example.com')).toEqual(
      expected,
    );
    expect(hostedRepository('git@github.example.com:org/web.git', 'https://github.example.com')).toEqual(expected);
  });

  it('strips the base path of a host served under a prefix', () => {
    expect(hostedRepository('https://git.example.com/gitea/org/web.git', 'https://git.example.com/gitea')).toEqual({
      owner: 'org',
      name: 'web',
      fullName: 'org/web',
      gitUrl: 'https://git.example.com/gitea/org/web.git',
    });
  });

  it('rejects paths that are not owner/name, without echoing a password', () => {
    expect(() => hostedRepository('https://github.com/org', 'https://github.com')).toThrow(
      /"https:\/\/github.com\/org" is not an owner\/repository path on https:\/\/github.com/,
    );
    expect(() => hostedRepository('https://github.com/org/team/web.git', 'https://github.com')).toThrow(
      /owner\/repository/,
    );
    expect(() => hostedRepository('https://github.com/org/%2e%2e', 'https://github.com')).toThrow(/owner\/repository/);
    const error = (() => {
      try {
        hostedRepository('https://me:s3cret@github.com/org', 'https://github.com');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toMatch(/me:\*\*\*@github.com/);
    expect(error).not.toContain('s3cret');
  });

  it('finds the host of network remotes only', () => {
    expect(repositoryHost('https://GitHub.com/org/web.git')).toBe('github.com');
    expect(repositoryHost('http://127.0.0.1:3000/org/web.git')).toBe('127.0.0.1:3000');
    expect(repositoryHost('git@github.com:org/web.git')).toBe('github.com');
    expect(repositoryHost('/srv/git/web.git')).toBeUndefined();
    expect(repositoryHost('file:///srv/git/web.git')).toBeUndefined();
    expect(repositoryHost('C:/repos/web')).toBeUndefined();
  });

  it('gives git the token as a header scoped to the host, through the environment only', () => {
    const env = gitAuthEnv('https://github.com/', 'tkn');
    expect(env).toEqual({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('x-access-token:tkn').toString('base64')}`,
    });
  });
});
