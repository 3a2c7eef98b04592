import { EmptyState } from '../../app/ui/status.js';
import type { Entity } from './catalog-api.js';

/** Only web links are clickable: a descriptor must not smuggle in a javascript: URL. */
function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

export function EntityLinks({ entity }: { entity: Entity }) {
  const links = entity.metadata.links ?? [];
  if (links.length === 0) {
    return (
      <section className="card">
        <EmptyState title="No links.">
          Add <code>metadata.links</code> (dashboards, runbooks, docs) to the descriptor.
        </EmptyState>
      </section>
    );
  }
  return (
    <section className="card">
      <ul className="link-list">
        {links.map((link) => (
          <li key={`${link.url}|${link.title ?? ''}`}>
            {isWebUrl(link.url) ? (
              <a href={link.url} target="_blank" rel="noreferrer noopener">
                {link.title || link.url}
              </a>
            ) : (
              <span>{link.title || link.url}</span>
            )}
            {link.title && <span className="muted small">{link.url}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
