/** One line of a hunk: context, added or removed, with its numbers in the old and new file. */
export interface DiffLine {
  kind: 'context' | 'add' | 'remove' | 'note';
  text: string;
  oldLine?: number;
  newLine?: number;
}

export interface DiffHunk {
  /** The `@@ -a,b +c,d @@ section` line as written. */
  header: string;
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

export interface DiffFile {
  oldPath: string | null;
  newPath: string | null;
  /** The path to show: the new one, or the old one for a deleted file. */
  path: string;
  status: 'added' | 'deleted' | 'modified' | 'renamed';
  binary: boolean;
  additions: number;
  deletions: number;
  hunks: DiffHunk[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Parses the output of `git diff` (unified format, possibly several files) into files
 * and hunks. Tolerant: lines it does not understand outside a hunk are skipped, so a
 * truncated or unusual diff still shows what it can.
 *
 * @example
 * const [file] = parseUnifiedDiff('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n');
 * file.hunks[0].lines; // [{ kind: 'remove', text: 'a', oldLine: 1 }, { kind: 'add', text: 'b', newLine: 1 }]
 */
export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let hunk: DiffHunk | undefined;
  let oldLine = 0;
  let newLine = 0;
  // Lines of the current hunk still expected on each side: a hunk ends when both reach 0,
  // so content lines that happen to start with "--- " or "diff " are read as content.
  let oldLeft = 0;
  let newLeft = 0;

  const startFile = (oldPath: string | null, newPath: string | null): DiffFile => {
    const created: DiffFile = {
      oldPath,
      newPath,
      path: newPath ?? oldPath ?? '',
      status: 'modified',
      binary: false,
      additions: 0,
      deletions: 0,
      hunks: [],
    };
    files.push(created);
    hunk = undefined;
    return created;
  };

  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (hunk && file && (oldLeft > 0 || newLeft > 0)) {
      const marker = line[0];
      const body = line.slice(1);
      if (marker === '+') {
        hunk.lines.push({ kind: 'add', text: body, newLine: newLine++ });
        file.additions++;
        newLeft--;
        continue;
      }
      if (marker === '-') {
        hunk.lines.push({ kind: 'remove', text: body, oldLine: oldLine++ });
        file.deletions++;
        oldLeft--;
        continue;
      }
      if (marker === ' ' || line === '') {
        hunk.lines.push({ kind: 'context', text: body, oldLine: oldLine++, newLine: newLine++ });
        oldLeft--;
        newLeft--;
        continue;
      }
      if (marker === '\\') {
        hunk.lines.push({ kind: 'note', text: line });
        continue;
      }
      // Anything else ends the hunk early (a diff cut short); read it as a header below.
      oldLeft = 0;
      newLeft = 0;
    }
    if (hunk && line.startsWith('\\')) {
      // "\ No newline at end of file" after the hunk's last line.
      hunk.lines.push({ kind: 'note', text: line });
      continue;
    }

    if (line.startsWith('diff --git ')) {
      const paths = parseGitHeaderPaths(line.slice('diff --git '.length));
      file = startFile(paths?.[0] ?? null, paths?.[1] ?? null);
      continue;
    }
    const hunkMatch = HUNK_HEADER.exec(line);
    if (hunkMatch) {
      file ??= startFile(null, null);
      oldLine = Number(hunkMatch[1]);
      newLine = Number(hunkMatch[3]);
      oldLeft = hunkMatch[2] === undefined ? 1 : Number(hunkMatch[2]);
      newLeft = hunkMatch[4] === undefined ? 1 : Number(hunkMatch[4]);
      hunk = { header: line, oldStart: oldLine, newStart: newLine, lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (line.startsWith('--- ')) {
      const path = stripPrefix(line.slice(4));
      // A plain `diff -u` has no "diff --git" line: "---" starts the file then.
      if (!file || file.hunks.length > 0) file = startFile(path, null);
      else file.oldPath = path;
      if (path === null) file.status = 'added';
      refreshPath(file);
      continue;
    }
    if (file && line.startsWith('+++ ')) {
      file.newPath = stripPrefix(line.slice(4));
      if (file.newPath === null) file.status = 'deleted';
      refreshPath(file);
      continue;
    }
    if (!file) continue;
    if (line.startsWith('new file mode')) file.status = 'added';
    else if (line.startsWith('deleted file mode')) file.status = 'deleted';
    else if (line.startsWith('rename from ')) {
      file.oldPath = line.slice('rename from '.length);
      file.status = 'renamed';
    } else if (line.startsWith('rename to ')) {
      file.newPath = line.slice('rename to '.length);
      file.status = 'renamed';
      refreshPath(file);
    } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.binary = true;
  }
  for (const each of files) {
    if (each.status === 'added') each.oldPath = null;
    if (each.status === 'deleted') each.newPath = null;
    refreshPath(each);
  }
  return files;
}

function refreshPath(file: DiffFile): void {
  file.path = file.newPath ?? file.oldPath ?? file.path;
}

/** `a/x b/x` into its two paths; spaces in paths are ambiguous, so split where both halves match. */
function parseGitHeaderPaths(rest: string): [string, string] | undefined {
  const quoted = /^"(.*)" "(.*)"$/.exec(rest);
  if (quoted) return [stripPrefix(quoted[1] ?? '') ?? '', stripPrefix(quoted[2] ?? '') ?? ''];
  const middle = rest.indexOf(' b/', Math.floor((rest.length - 3) / 2) - 1);
  const split = middle >= 0 ? middle : rest.indexOf(' ');
  if (split < 0) return undefined;
  return [stripPrefix(rest.slice(0, split)) ?? '', stripPrefix(rest.slice(split + 1)) ?? ''];
}

/** `a/path` or `b/path` to `path`; `/dev/null` to null. Drops a trailing tab and timestamp. */
function stripPrefix(path: string): string | null {
  const clean = path.split('\t')[0] ?? path;
  if (clean === '/dev/null') return null;
  return clean.startsWith('a/') || clean.startsWith('b/') ? clean.slice(2) : clean;
}
