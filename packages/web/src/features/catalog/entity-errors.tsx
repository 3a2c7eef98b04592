import type { UseQueryResult } from '@tanstack/react-query';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import type { EntityError } from './catalog-api.js';

/** Problems found while reading this entity's descriptor, with where they are. */
export function EntityErrors({ query }: { query: UseQueryResult<EntityError[]> }) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (query.data.length === 0) {
    return (
      <section className="card">
        <EmptyState title="No errors.">The descriptor was read cleanly at the last refresh.</EmptyState>
      </section>
    );
  }
  return (
    <section className="card table-card">
      <table className="table">
        <thead>
          <tr>
            <th>Level</th>
            <th>Message</th>
            <th>Field</th>
            <th>Where</th>
          </tr>
        </thead>
        <tbody>
          {query.data.map((error, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: errors have no identity; the list is replaced whole
            <tr key={index}>
              <td>
                <Pill tone={error.level === 'error' ? 'danger' : 'warn'}>{error.level}</Pill>
              </td>
              <td>{error.message}</td>
              <td>{error.field ? <code>{error.field}</code> : <span className="muted">—</span>}</td>
              <td className="small">{formatWhere(error)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** `path/to/file.yaml:12:3`, or what part of it is known. */
export function formatWhere(error: { filePath?: string | null; line?: number | null; column?: number | null }): string {
  if (!error.filePath) return '—';
  if (error.line == null) return error.filePath;
  return `${error.filePath}:${error.line}${error.column == null ? '' : `:${error.column}`}`;
}
