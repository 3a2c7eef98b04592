import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from './unified-diff.js';

const TWO_FILES = `diff --git a/package.json b/package.json
index 3b18e51..a2c4d9f 100644
--- a/package.json
+++ b/package.json
@@ -3,7 +3,7 @@
   "version": "1.0.0",
   "dependencies": {
     "express": "^4.18.0",
-    "log-lib": "2.14.0",
+    "log-lib": "2.17.1",
     "zod": "^3.22.0"
   }
 }
@@ -20,2 +20,3 @@ scripts
 a
+b
 c
diff --git a/deploy/service.yaml b/deploy/service.yaml
new file mode 100644
--- /dev/null
+++ b/deploy/service.yaml
@@ -0,0 +1,2 @@
+replicas: 3
+-- not a header: content of an added line
\\ No newline at end of file
`;

describe('parseUnifiedDiff', () => {
  it('splits a git diff into files and hunks with line numbers on both sides', () => {
    const files = parseUnifiedDiff(TWO_FILES);
    expect(files.map((f) => [f.path, f.status, f.additions, f.deletions])).toEqual([
      ['package.json', 'modified', 2, 1],
      ['deploy/service.yaml', 'added', 2, 0],
    ]);
    const [pkg] = files;
    expect(pkg?.hunks.map((h) => [h.oldStart, h.newStart, h.lines.length])).toEqual([
      [3, 3, 8],
      [20, 20, 3],
    ]);
    const changed = pkg?.hunks[0]?.lines.filter((l) => l.kind !== 'context');
    expect(changed).toEqual([
      { kind: 'remove', text: '    "log-lib": "2.14.0",', oldLine: 6 },
      { kind: 'add', text: '    "log-lib": "2.17.1",', newLine: 6 },
    ]);
    expect(pkg?.hunks[0]?.lines.at(-1)).toEqual({ kind: 'context', text: '}', oldLine: 9, newLine: 9 });
    expect(pkg?.hunks[1]?.header).toBe('@@ -20,2 +20,3 @@ scripts');
  });

  it('reads content lines that look like headers as content, and keeps the no-newline note', () => {
    const added = parseUnifiedDiff(TWO_FILES)[1];
    expect(added?.oldPath).toBeNull();
    expect(added?.newPath).toBe('deploy/service.yaml');
    expect(added?.hunks[0]?.lines).toEqual([
      { kind: 'add', text: 'replicas: 3', newLine: 1 },
      { kind: 'add', text: '-- not a header: content of an added line', newLine: 2 },
      { kind: 'note', text: '\\ No newline at end of file' },
    ]);
  });

  it('recognises deleted, renamed and binary files', () => {
    const files = parseUnifiedDiff(
      [
        'diff --git a/old.txt b/old.txt',
        'deleted file mode 100644',
        '--- a/old.txt',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-gone',
        'diff --git a/src/a.ts b/src/b.ts',
        'similarity index 100%',
        'rename from src/a.ts',
        'rename to src/b.ts',
        'diff --git a/logo.png b/logo.png',
        'Binary files a/logo.png and b/logo.png differ',
      ].join('\n'),
    );
    expect(files.map((f) => ({ path: f.path, status: f.status, binary: f.binary, old: f.oldPath }))).toEqual([
      { path: 'old.txt', status: 'deleted', binary: false, old: 'old.txt' },
      { path: 'src/b.ts', status: 'renamed', binary: false, old: 'src/a.ts' },
      { path: 'logo.png', status: 'modified', binary: true, old: 'logo.png' },
    ]);
    expect(files[0]?.newPath).toBeNull();
    expect(files[0]?.deletions).toBe(1);
  });

  it('reads a plain diff -u without git headers, and CRLF line ends', () => {
    const files = parseUnifiedDiff(
      '--- a/x.txt\t2026-01-01\r\n+++ b/x.txt\r\n@@ -1,2 +1,2 @@\r\n-one\r\n+uno\r\n two\r\n',
    );
    expect(files).toHaveLength(1);
    expect(files[0]?.path).toBe('x.txt');
    expect(files[0]?.hunks[0]?.lines.map((l) => `${l.kind}:${l.text}`)).toEqual([
      'remove:one',
      'add:uno',
      'context:two',
    ]);
  });

  it('returns nothing for an empty diff and survives a diff cut short', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
    const cut = parseUnifiedDiff(
      'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,10 +1,10 @@\n-a\n+b\ndiff --git a/y b/y\n',
    );
    expect(cut.map((f) => f.path)).toEqual(['x', 'y']);
    expect(cut[0]?.hunks[0]?.lines).toHaveLength(2);
  });
});
