/** Message, author and date of a commit Backbeat makes; the same metadata on the same tree gives the same id. */
export interface CommitMetadata {
  message: string;
  author: { name: string; email: string };
  /** ISO-8601 timestamp; used as both author and committer date. */
  date: string;
}

/**
 * The environment that makes git write exactly this author, committer and date.
 * The date goes to git as seconds since the epoch in UTC, so no time-zone or
 * date-format guessing can make two workers write different commits.
 *
 * @example
 * await runGit(['commit-tree', tree, '-p', base, '-F', '-'], { env: commitEnv(meta), input: meta.message });
 */
export function commitEnv(meta: CommitMetadata): Record<string, string> {
  const { name, email } = meta.author;
  for (const [field, value] of [
    ['author.name', name],
    ['author.email', email],
  ] as const) {
    // Git strips these characters or refuses them; either way the commit would not say what was asked.
    if (!value.trim() || /[<>\n\r\0]/.test(value)) {
      throw new Error(`Commit ${field} "${value}" must be non-empty and free of <, >, newlines and NUL`);
    }
  }
  const millis = Date.parse(meta.date);
  if (!Number.isFinite(millis)) throw new Error(`Commit date "${meta.date}" is not an ISO-8601 timestamp`);
  if (!meta.message.trim()) throw new Error('Commit message must not be empty');
  if (meta.message.includes('\0')) throw new Error('Commit message must not contain NUL characters');
  const date = `${Math.floor(millis / 1000)} +0000`;
  return {
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
    GIT_COMMITTER_DATE: date,
  };
}

/**
 * The message exactly as it is stored: given verbatim to git (`--cleanup=verbatim`
 * and `commit-tree -F -` store it alike), with one final newline.
 *
 * @example
 * commitMessageText('Bump log-lib') // 'Bump log-lib\n'
 */
export function commitMessageText(message: string): string {
  return message.endsWith('\n') ? message : `${message}\n`;
}
