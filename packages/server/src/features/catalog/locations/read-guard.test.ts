import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../platform/auth/actor.js';
import { assertReadable, isReadAllowed } from './read-guard.js';

const user: Actor = {
  kind: 'user',
  id: 'u',
  userRef: 'user:default/jane',
  displayName: 'Jane',
  isAdmin: false,
  scopes: ['read', 'write'],
};
const admin: Actor = { ...user, id: 'a', isAdmin: true, scopes: ['read', 'write', 'admin'] };
const root = mkdtempSync(join(tmpdir(), 'backbeat-guard-'));
const allowed = join(root, 'allowed');
mkdirSync(join(allowed, 'repo'), { recursive: true });
symlinkSync('/etc', join(allowed, 'escape'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const list = { hosts: ['git.example.com', '*.corp.example'], paths: [allowed] };

describe('assertReadable', () => {
  it('lets admins read anything, local paths included', () => {
    expect(() => assertReadable(admin, '/etc/passwd', list)).not.toThrow();
    expect(() => assertReadable(admin, 'http://169.254.169.254/latest', list)).not.toThrow();
  });

  it('lets others read only allowed hosts and path prefixes', () => {
    expect(() => assertReadable(user, 'https://git.example.com/org/web.git', list)).not.toThrow();
    expect(() => assertReadable(user, 'git@git.example.com:org/web.git', list)).not.toThrow();
    expect(() => assertReadable(user, 'ssh://git@code.corp.example/web.git', list)).not.toThrow();
    expect(() => assertReadable(user, join(allowed, 'repo'), list)).not.toThrow();
    expect(() => assertReadable(user, `file://${join(allowed, 'repo')}`, list)).not.toThrow();

    expect(() => assertReadable(user, 'https://evil.example.com/x.yaml', list)).toThrow(
      /host is not on the read allow-list/,
    );
    expect(() => assertReadable(user, 'http://169.254.169.254/latest', list)).toThrow(/403|allow-list/);
    expect(() => assertReadable(user, '/etc/passwd', list)).toThrow(/path is not on the read allow-list/);
    expect(() => assertReadable(user, join(allowed, '..', 'x'), list)).toThrow(/allow-list/);
    expect(() => assertReadable(user, `${allowed}-sibling/repo`, list)).toThrow(/allow-list/);
    // A symlink inside an allowed prefix must not lead out of it.
    expect(() => assertReadable(user, join(allowed, 'escape', 'passwd'), list)).toThrow(/allow-list/);
  });

  it('needs a signed-in actor with write access', () => {
    expect(() => assertReadable(undefined, 'https://git.example.com/x', list)).toThrow(
      expect.objectContaining({ status: 401 }),
    );
    const readOnly: Actor = { ...user, kind: 'token', scopes: ['read'] };
    expect(() => assertReadable(readOnly, 'https://git.example.com/x', list)).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    const adminReadToken: Actor = { ...admin, kind: 'token', scopes: ['read', 'write'] };
    expect(() => assertReadable(adminReadToken, '/etc/passwd', list)).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('matches wildcard hosts on subdomains only', () => {
    expect(isReadAllowed('https://a.corp.example/x', list)).toBe(true);
    expect(isReadAllowed('https://corp.example/x', list)).toBe(false);
    expect(isReadAllowed('https://notcorp.example/x', list)).toBe(false);
  });
});
