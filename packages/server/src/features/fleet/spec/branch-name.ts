/**
 * Why `name` cannot be a git branch name, or undefined when it can. Follows
 * `git check-ref-format --branch`: the rendered branch comes from a template fed
 * with catalog data, so it is checked before git ever sees it.
 *
 * @example
 * branchNameProblem('backbeat/bump-log-lib') // undefined
 * branchNameProblem('fix log lib') // 'must not contain spaces or control characters'
 */
export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 200) return 'must be at most 200 characters';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what git forbids
  if (/[\u0000-\u0020\u007f]/.test(name)) return 'must not contain spaces or control characters';
  if (/[~^:?*[\\]/.test(name)) return 'must not contain any of ~ ^ : ? * [ \\';
  if (name.startsWith('-')) return 'must not start with "-"';
  if (name.includes('..')) return 'must not contain ".."';
  if (name.includes('@{') || name === '@' || name === 'HEAD') return 'must not contain "@{" or be "@" or "HEAD"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    return 'must not start or end with "/" or contain "//"';
  }
  if (name.endsWith('.')) return 'must not end with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'no part may start with "."';
    if (part.endsWith('.lock')) return 'no part may end with ".lock"';
  }
  return undefined;
}
