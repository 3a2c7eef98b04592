/**
 * Why a path written in a shift spec may not be used inside a repository, or
 * undefined when it is fine. Specs come from users, so every path must stay inside
 * the work tree and away from git's own files: a step that could write `.git/hooks`
 * would run code on the next git command.
 *
 * Transforms check again against the real file system (symlinks); this check lets a
 * bad spec be rejected before anything runs.
 *
 * @example
 * unsafePathReason('deploy/service.yaml') // undefined
 * unsafePathReason('../other/x') // 'must not contain ".." segments'
 */
export function unsafePathReason(path: string): string | undefined {
  if (path.length === 0) return 'must not be empty';
  if (path.includes('\0')) return 'must not contain NUL characters';
  if (path.includes('\\')) return 'must use "/" as the separator';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'must be relative to the repository root';
  const segments = path.split('/');
  if (segments.includes('..')) return 'must not contain ".." segments';
  if (segments.some((s) => s.toLowerCase() === '.git')) return 'must not point into .git';
  return undefined;
}
