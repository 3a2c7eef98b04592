import type { ReactNode } from 'react';
import { ApiError, errorMessage } from '../api-client.js';

/** A quiet spinner with a label, for any pending query. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** Shows the server's problem `detail` and, when given, a retry button. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <strong>Something went wrong.</strong> <span>{errorMessage(error)}</span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** An empty result, with a hint about what to do next. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div className="hint">{children}</div>}
    </div>
  );
}

/**
 * A failed request with the server's `detail` and, when the problem lists them,
 * each of its `errors` (file, line, field and message).
 */
export function ProblemDetails({ error }: { error: unknown }) {
  const items = error instanceof ApiError ? (error.problem.errors ?? []).map(describeProblemItem) : [];
  return (
    <div className="state state-error problem" role="alert">
      <span>{errorMessage(error)}</span>
      {items.length > 0 && (
        <ul className="problem-list">
          {items.slice(0, 20).map((item, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: problem items have no identity
            <li key={index}>{item}</li>
          ))}
          {items.length > 20 && <li>…and {items.length - 20} more</li>}
        </ul>
      )}
    </div>
  );
}

function describeProblemItem(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object') {
    const { field, path, pointer, message, detail } = item as Record<string, unknown>;
    const where = [field, path, pointer].find((v) => typeof v === 'string' && v.length > 0) as string | undefined;
    const what = [message, detail].find((v) => typeof v === 'string') as string | undefined;
    if (where && what) return `${where}: ${what}`;
    if (what) return what;
  }
  return JSON.stringify(item);
}
