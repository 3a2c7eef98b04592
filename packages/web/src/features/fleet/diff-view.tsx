import { useMemo } from 'react';
import { Pill } from '../../app/ui/pill.js';
import { type DiffFile, type DiffLine, parseUnifiedDiff } from './unified-diff.js';

const STATUS_TONE: Record<DiffFile['status'], string> = {
  added: 'ok',
  deleted: 'danger',
  modified: 'neutral',
  renamed: 'info',
};

/** A unified git diff shown file by file, added lines green and removed lines red. */
export function DiffView({ diff }: { diff: string }) {
  const files = useMemo(() => parseUnifiedDiff(diff), [diff]);
  if (files.length === 0) return <p className="muted">No changes.</p>;
  return (
    <div data-testid="diff-view">
      {files.map((file, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a diff may name one path twice; order is stable
        <DiffFileView key={`${file.path}-${index}`} file={file} />
      ))}
    </div>
  );
}

function DiffFileView({ file }: { file: DiffFile }) {
  return (
    <section className="diff-file" data-testid="diff-file">
      <div className="diff-file-head">
        <Pill tone={STATUS_TONE[file.status]}>{file.status}</Pill>
        <span className="break">
          {file.status === 'renamed' && file.oldPath ? `${file.oldPath} → ` : ''}
          {file.path}
        </span>
        <span className="muted small">
          +{file.additions} −{file.deletions}
        </span>
      </div>
      {file.binary ? (
        <p className="muted small" style={{ padding: '8px 12px', margin: 0 }}>
          Binary file: not shown.
        </p>
      ) : (
        <table className="diff-table">
          <tbody>
            {file.hunks.map((hunk) => [
              <tr key={`h${hunk.oldStart},${hunk.newStart}`} className="diff-hunk">
                <td className="diff-num" />
                <td className="diff-num" />
                <td>{hunk.header}</td>
              </tr>,
              ...hunk.lines.map((line, lineIndex) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity besides their position
                <DiffLineRow key={`${hunk.oldStart},${hunk.newStart}-${lineIndex}`} line={line} />
              )),
            ])}
          </tbody>
        </table>
      )}
    </section>
  );
}

const SIGN: Record<DiffLine['kind'], string> = { add: '+', remove: '-', context: ' ', note: '' };

function DiffLineRow({ line }: { line: DiffLine }) {
  return (
    <tr className={`diff-line-${line.kind}`} data-diff-kind={line.kind}>
      <td className="diff-num">{line.oldLine ?? ''}</td>
      <td className="diff-num">{line.newLine ?? ''}</td>
      <td>
        {SIGN[line.kind]}
        {line.text}
      </td>
    </tr>
  );
}
