/**
 * Throws unless `name` is a branch name git accepts (the rules of
 * `git check-ref-format --branch`), checked here without a process. Branch names
 * come from shift templates, so they must never be read as options or refspecs.
 *
 * @example
 * assertBranchName('backbeat/bump-log-lib'); // ok
 * assertBranchName('-f'); // throws
 */
export function assertBranchName(name: string): void {
  const problem = branchNameProblem(name);
  if (problem) throw new Error(`Branch name "${name}" is not valid: ${problem}`);
}

function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 200) return 'it is longer than 200 characters';
  if (name.startsWith('-')) return 'it starts with "-"';
  if (name === 'HEAD' || name === '@') return `"${name}" is reserved`;
  // Control characters, space and the characters git gives a meaning in refs and revisions.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is rejected
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return 'it contains a space, control character or one of ~^:?*[\\';
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name.includes('//') || name.startsWith('/') || name.endsWith('/')) return 'it has an empty path segment';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const segment of name.split('/')) {
    if (segment.startsWith('.')) return `segment "${segment}" starts with "."`;
    if (segment.endsWith('.lock')) return `segment "${segment}" ends with ".lock"`;
  }
  return undefined;
}
