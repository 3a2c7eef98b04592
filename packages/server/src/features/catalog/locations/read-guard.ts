import { existsSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Actor } from '../../../platform/auth/actor.js';
import { hasScope } from '../../../platform/auth/authorize.js';
import { ForbiddenError, UnauthenticatedError } from '../../../platform/http/problem.js';
import { isLocalPath } from './location-target.js';

/** Hosts (for remotes and URLs) and path prefixes (for local paths) that non-admins may have Backbeat read. */
export interface ReadAllowList {
  hosts: string[];
  paths: string[];
}

/**
 * The one guard in front of everything Backbeat reads on a user's behalf. Admins may
 * read anything, local paths included (the embedded default registers local
 * repositories). Everyone else needs a signed-in actor with write access and a
 * target whose host (`git.example.com`, or `*.example.com` for subdomains) or path
 * prefix is on the allow-list, so nobody can make Backbeat read an arbitrary local
 * file or an internal URL.
 *
 * @example
 * assertReadable(actor, 'https://git.example.com/org/web.git', { hosts: ['git.example.com'], paths: [] });
 */
export function assertReadable(actor: Actor | undefined, target: string, allowList: ReadAllowList): void {
  if (!actor) throw new UnauthenticatedError();
  if (!hasScope(actor, 'write')) throw new ForbiddenError(`Token "${actor.displayName}" lacks the write scope`);
  if (actor.isAdmin && (actor.kind !== 'token' || actor.scopes.includes('admin'))) return;
  if (isReadAllowed(target, allowList)) return;
  const what = localPathOf(target) !== undefined ? 'path' : 'host';
  throw new ForbiddenError(
    `Only admins may register ${target}: its ${what} is not on the read allow-list (ask an admin to add it)`,
  );
}

/**
 * Whether a target is on the allow-list, regardless of who asks.
 *
 * @example
 * isReadAllowed('git@git.example.com:org/web.git', { hosts: ['git.example.com'], paths: [] }) // true
 */
export function isReadAllowed(target: string, allowList: ReadAllowList): boolean {
  const local = localPathOf(target);
  if (local !== undefined) {
    const real = realOrResolved(local);
    return allowList.paths.some((prefix) => {
      const base = realOrResolved(prefix).replace(/[/\\]+$/, '');
      return real === base || real.startsWith(base + sep);
    });
  }
  const host = hostOf(target);
  if (!host) return false;
  return allowList.hosts.some((entry) => {
    const allowed = entry.trim().toLowerCase();
    if (allowed.startsWith('*.')) return host.endsWith(allowed.slice(1));
    return host === allowed;
  });
}

function localPathOf(target: string): string | undefined {
  if (/^file:/i.test(target)) {
    try {
      return fileURLToPath(target);
    } catch {
      return target.slice(5);
    }
  }
  return isLocalPath(target) ? target : undefined;
}

function hostOf(target: string): string | undefined {
  const scp = /^[^/\\\s]+@([^/\\:\s]+):/.exec(target);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return scp[1]!.toLowerCase();
  try {
    return new URL(target).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

// Symlinks must not lead out of an allowed prefix, so compare real paths when they exist.
function realOrResolved(path: string): string {
  const resolved = resolve(path);
  return existsSync(resolved) ? realpathSync(resolved) : resolved;
}
