import { isAbsolute, posix, resolve as resolvePath } from 'node:path';
import { ValidationError } from '../../../platform/http/problem.js';

/**
 * `git`: a repository (local path, file://, https, ssh) read at a ref, with a path
 * or glob of descriptor files. `url`: Backstage's type, a single descriptor file
 * (http(s), or a `file:` URL / local path for admins).
 */
export type LocationType = 'git' | 'url';

export const LOCATION_TYPES: readonly LocationType[] = ['git', 'url'];
export const DEFAULT_GIT_REF = 'HEAD';
export const DEFAULT_DESCRIPTOR_PATH = 'catalog-info.yaml';

export interface GitLocationOptions {
  ref: string;
  /** Path or picomatch glob inside the repository, e.g. `catalog-info.yaml` or `services/**\/*.yaml`. */
  path: string;
}

export type LocationSpec =
  | { type: 'git'; target: string; options: GitLocationOptions }
  | { type: 'url'; target: string; options: Record<string, never> };

export interface LocationInput {
  type: string;
  target: string;
  options?: { ref?: string; path?: string };
}

/**
 * Turns what a client sent into a stored location. For `git`, `target` is the
 * repository; ref and path come from `options`, or from the short form
 * `<repo>#<ref>:<path>` (`<repo>#<ref>` keeps the default path). Local paths are made
 * absolute. Throws a 400 naming the bad field.
 *
 * @example
 * normalizeLocation({ type: 'git', target: 'https://git.example.com/org/web.git#main:catalog/*.yaml' })
 * // { type: 'git', target: 'https://git.example.com/org/web.git', options: { ref: 'main', path: 'catalog/*.yaml' } }
 */
export function normalizeLocation(input: LocationInput, cwd: string = process.cwd()): LocationSpec {
  const target = typeof input.target === 'string' ? input.target.trim() : '';
  if (!target)
    throw new ValidationError('target must be a non-empty string', [{ field: 'target', message: 'required' }]);
  if (target.startsWith('-')) {
    throw new ValidationError(`target "${target}" must not start with "-"`, [{ field: 'target', message: 'invalid' }]);
  }
  if (input.type === 'url') {
    if (input.options && Object.keys(input.options).length > 0) {
      throw new ValidationError('url locations take no options; use type "git" to read a repository', [
        { field: 'options', message: 'not allowed for type url' },
      ]);
    }
    if (isLocalPath(target)) return { type: 'url', target: resolvePath(cwd, target), options: {} };
    if (!/^(https?|file):/i.test(target)) {
      throw new ValidationError(`url target "${target}" must be an http(s) or file URL, or a local path`, [
        { field: 'target', message: 'unsupported scheme' },
      ]);
    }
    return { type: 'url', target, options: {} };
  }
  if (input.type !== 'git') {
    throw new ValidationError(`Location type "${input.type}" is not supported; use "git" or "url"`, [
      { field: 'type', message: `must be one of ${LOCATION_TYPES.join(', ')}` },
    ]);
  }
  const short = splitGitShortForm(target);
  const repo = isLocalPath(short.repo) ? resolvePath(cwd, short.repo).replace(/\/+$/, '') || '/' : short.repo;
  const ref = (input.options?.ref ?? short.ref ?? DEFAULT_GIT_REF).trim();
  const path = (input.options?.path ?? short.path ?? DEFAULT_DESCRIPTOR_PATH).trim();
  if (!ref || ref.startsWith('-') || /[\s:~^?*[\\]/.test(ref)) {
    throw new ValidationError(`ref "${ref}" is not a valid git ref`, [
      { field: 'options.ref', message: 'invalid ref' },
    ]);
  }
  checkRepoPath(path, 'options.path');
  return { type: 'git', target: repo, options: { ref, path } };
}

/** Splits `<repo>#<ref>[:<path>]`; a `#` whose remainder holds no ref leaves the target whole. */
function splitGitShortForm(target: string): { repo: string; ref?: string; path?: string } {
  const hash = target.lastIndexOf('#');
  if (hash <= 0) return { repo: target };
  const rest = target.slice(hash + 1);
  const colon = rest.indexOf(':');
  const ref = colon === -1 ? rest : rest.slice(0, colon);
  if (!ref) return { repo: target };
  return { repo: target.slice(0, hash), ref, ...(colon === -1 ? {} : { path: rest.slice(colon + 1) }) };
}

function checkRepoPath(path: string, field: string): void {
  const bad =
    !path || path.startsWith('/') || path.split('/').some((segment) => segment === '..') || path.includes('\0');
  if (bad) {
    throw new ValidationError(`${field} "${path}" must be a relative path or glob inside the repository`, [
      { field, message: 'must be relative, without ".."' },
    ]);
  }
}

/**
 * Whether a target names a local file or directory rather than a remote: no URL
 * scheme and not the scp-like `user@host:path` form.
 *
 * @example
 * isLocalPath('/srv/repos/web') // true
 * isLocalPath('git@github.com:org/web.git') // false
 */
export function isLocalPath(target: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return false;
  if (/^file:/i.test(target)) return false;
  if (/^[^/\\\s]+@[^/\\:\s]+:/.test(target)) return false;
  return true;
}

/** `type:target`, the form of Backstage's `managed-by-location` annotations. */
export function locationRef(location: { type: string; target: string }): string {
  return `${location.type}:${location.target}`;
}

/** Where a `Location` entity's target points, seen from the file it is written in. */
export type ChildTarget =
  | { kind: 'same-repo'; pattern: string }
  | { kind: 'external'; spec: LocationSpec }
  | { kind: 'invalid'; message: string };

/**
 * Resolves a `Location` entity's target. Relative targets in a git location stay in
 * the same repository and ref (resolved against the directory of the file that
 * names them); relative targets in a url location resolve against its URL; absolute
 * targets become locations of their own (type from `spec.type`, else `url`).
 *
 * @example
 * resolveChildTarget(parent, 'org/catalog-info.yaml', undefined, './teams/*.yaml')
 * // { kind: 'same-repo', pattern: 'org/teams/*.yaml' }
 */
export function resolveChildTarget(
  parent: LocationSpec,
  fromFile: string,
  childType: string | undefined,
  target: string,
): ChildTarget {
  const type = childType ?? (parent.type === 'git' && !isAbsoluteTarget(target) ? 'git' : 'url');
  if (type !== 'git' && type !== 'url') return { kind: 'invalid', message: `Location type "${type}" is not supported` };
  try {
    if (isAbsoluteTarget(target)) {
      return { kind: 'external', spec: normalizeLocation({ type, target }) };
    }
    if (parent.type === 'git') {
      const joined = posix.normalize(posix.join(posix.dirname(fromFile), target));
      if (joined.startsWith('../') || joined === '..' || joined.startsWith('/')) {
        return { kind: 'invalid', message: `Target "${target}" leaves the repository` };
      }
      return { kind: 'same-repo', pattern: joined.replace(/^\.\//, '') };
    }
    if (isLocalPath(parent.target)) {
      return {
        kind: 'external',
        spec: normalizeLocation({ type: 'url', target: posix.join(posix.dirname(parent.target), target) }),
      };
    }
    return {
      kind: 'external',
      spec: normalizeLocation({ type: 'url', target: new URL(target, parent.target).toString() }),
    };
  } catch (error) {
    return { kind: 'invalid', message: (error as Error).message };
  }
}

function isAbsoluteTarget(target: string): boolean {
  return !isLocalPath(target) || isAbsolute(target);
}
