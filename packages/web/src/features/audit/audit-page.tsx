import { Fragment, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { EntityLink } from '../../app/ui/entity-link.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { useDebounced } from '../../app/use-debounced.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { type AuditEvent, useAuditLog } from './audit-api.js';

/** Common event families, offered as quick filters. */
const TYPE_PRESETS = ['catalog.', 'catalog.location.', 'catalog.entity.', 'auth.'];

/** Who changed what, when, with before and after. */
export function AuditPage() {
  usePageTitle('Audit log');
  const [params, setParams] = useSearchParams();
  const [typePrefix, setTypePrefix] = useState(params.get('type') ?? '');
  const [subject, setSubject] = useState(params.get('subject') ?? '');
  const debouncedType = useDebounced(typePrefix, 300);
  const debouncedSubject = useDebounced(subject, 300);
  const log = useAuditLog({ typePrefix: debouncedType, subject: debouncedSubject });
  const events = log.data?.pages.flatMap((page) => page.items) ?? [];

  const setFilter = (change: { typePrefix?: string; subject?: string }) => {
    const next = { typePrefix, subject, ...change };
    setTypePrefix(next.typePrefix);
    setSubject(next.subject);
    const search = new URLSearchParams();
    if (next.typePrefix) search.set('type', next.typePrefix);
    if (next.subject) search.set('subject', next.subject);
    setParams(search, { replace: true });
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Audit log</h1>
          <p className="muted">Every change, with who made it and what it was before and after.</p>
        </div>
      </div>
      <section className="card table-card">
        <div className="table-toolbar">
          <label className="inline-label">
            Event type
            <input
              className="input"
              list="audit-type-presets"
              placeholder="e.g. catalog.location."
              value={typePrefix}
              data-testid="audit-type-filter"
              onChange={(e) => setFilter({ typePrefix: e.target.value })}
            />
            <datalist id="audit-type-presets">
              {TYPE_PRESETS.map((preset) => (
                <option key={preset} value={preset} />
              ))}
            </datalist>
          </label>
          <label className="inline-label">
            Subject
            <input
              className="input"
              placeholder="e.g. component:default/checkout"
              value={subject}
              onChange={(e) => setFilter({ subject: e.target.value })}
            />
          </label>
          {(typePrefix || subject) && (
            <button type="button" className="link-button" onClick={() => setFilter({ typePrefix: '', subject: '' })}>
              Clear
            </button>
          )}
        </div>
        {log.isPending && <Loading />}
        {log.isError && <ErrorState error={log.error} onRetry={() => log.refetch()} />}
        {log.data && events.length === 0 && (
          <EmptyState title="No events.">
            {typePrefix || subject
              ? 'Nothing matches these filters; event types are dotted, e.g. catalog.location.registered.'
              : 'Changes appear here as soon as anyone registers a location or changes something.'}
          </EmptyState>
        )}
        {events.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="audit-table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Event</th>
                  <th>Subject</th>
                  <th>Actor</th>
                  <th aria-label="Details" />
                </tr>
              </thead>
              <tbody>
                {events.map((event) => (
                  <AuditRow key={event.id} event={event} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {log.hasNextPage && (
          <div className="pager">
            <button
              type="button"
              className="btn btn-small"
              disabled={log.isFetchingNextPage}
              onClick={() => log.fetchNextPage()}
            >
              {log.isFetchingNextPage ? 'Loading…' : 'Load older events'}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}

function AuditRow({ event }: { event: AuditEvent }) {
  const [open, setOpen] = useState(false);
  const hasDetail = event.before != null || event.after != null || event.data != null;
  return (
    <Fragment>
      <tr data-testid="audit-row">
        <td className="nowrap">
          <Time iso={event.at} />
        </td>
        <td>
          <Pill tone={toneOf(event.type)}>{event.type}</Pill>
        </td>
        <td className="break">
          {event.subject ? <SubjectLink subject={event.subject} /> : <span className="muted">—</span>}
        </td>
        <td>
          {event.actor?.userRef ? (
            <EntityLink entityRef={event.actor.userRef} title={event.actor.displayName ?? undefined} />
          ) : (
            (event.actor?.displayName ?? <span className="muted">system</span>)
          )}
        </td>
        <td className="actions">
          {hasDetail && (
            <button type="button" className="link-button small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
              {open ? 'Hide' : 'Details'}
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr className="row-detail">
          <td colSpan={5}>
            <div className="diff">
              <JsonBlock label="Before" value={event.before} />
              <JsonBlock label="After" value={event.after} />
              {event.data != null && <JsonBlock label="Data" value={event.data} />}
            </div>
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** Subjects that are entity refs link to the entity; others (location ids, accounts) are plain text. */
function SubjectLink({ subject }: { subject: string }) {
  return /^[a-z0-9-]+:[^/\s]+\/[^/\s]+$/i.test(subject) ? <EntityLink entityRef={subject} /> : <code>{subject}</code>;
}

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <div>
      <div className="muted small">{label}</div>
      <pre className="code code-small">{value == null ? '—' : JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}

function toneOf(type: string): string {
  if (/delet|remov|fail/.test(type)) return 'danger';
  if (/creat|regist|add/.test(type)) return 'ok';
  return 'info';
}
