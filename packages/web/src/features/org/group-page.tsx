import { Fragment } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../app/api-client.js';
import { catalogEntityPath, entityPath } from '../../app/entity-refs.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { specString } from '../catalog/catalog-api.js';
import { GroupHealth } from '../health/group-health.js';
import { type Summary, useGroupView } from './org-api.js';

/** One group: where it sits, who is in it, its sub-groups and everything it owns. */
export function GroupPage() {
  const params = useParams();
  const namespace = (params.namespace ?? 'default').toLowerCase();
  const name = (params.name ?? '').toLowerCase();
  const view = useGroupView(namespace, name);
  usePageTitle(view.data?.group.metadata.title || view.data?.group.metadata.name || name);

  if (view.isPending) return <Loading />;
  if (view.isError) {
    return (
      <div className="page">
        {view.error instanceof ApiError && view.error.status === 404 ? (
          <EmptyState title={`No group named ${namespace}/${name}.`}>
            See the whole <Link to="/org">organisation</Link>.
          </EmptyState>
        ) : (
          <ErrorState error={view.error} onRetry={() => view.refetch()} />
        )}
      </div>
    );
  }

  const { group, members, children, owned, ownedByDescendants } = view.data;
  const type = specString(group, 'type');
  const trail = orderAncestors(view.data.ancestors, view.data.parent);
  const ref = `group:${group.metadata.namespace ?? 'default'}/${group.metadata.name}`.toLowerCase();
  const ownedByKind = groupByKind(owned);

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb" data-testid="group-breadcrumb">
        <Link to="/org">Organisation</Link>
        {trail.map((ancestor) => (
          <Fragment key={ancestor.entityRef}>
            <span>/</span>
            <Link to={entityPath(ancestor.entityRef)}>{ancestor.title || ancestor.name}</Link>
          </Fragment>
        ))}
        <span>/</span>
        <span>{group.metadata.title || group.metadata.name}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1 data-testid="group-title">{group.metadata.title || group.metadata.name}</h1>
          <div className="pill-row">
            {type && <Pill tone={`type-${type.toLowerCase()}`}>{type}</Pill>}
            <code className="muted small">{ref}</code>
          </div>
          {group.metadata.description && <p className="lead">{group.metadata.description}</p>}
        </div>
        <Link className="btn" to={catalogEntityPath(ref)}>
          Catalog entry
        </Link>
      </div>

      <div className="stats">
        <Stat label="Members" value={members.length} />
        <Stat label="Child groups" value={children.length} />
        <Stat label="Owned directly" value={owned.length} />
        <Stat label="Owned by sub-groups" value={ownedByDescendants} />
      </div>

      <div className="grid-2">
        <section className="card" data-testid="group-members">
          <h2>Members</h2>
          {members.length === 0 ? (
            <p className="muted">No members. Users join a group through their spec.memberOf.</p>
          ) : (
            <ul className="people">
              {members.map((member) => (
                <li key={member.entityRef}>
                  <span className="avatar avatar-small" aria-hidden="true">
                    {(member.title || member.name).slice(0, 1).toUpperCase()}
                  </span>
                  <Link to={entityPath(member.entityRef)}>{member.title || member.name}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" data-testid="group-children">
          <h2>Child groups</h2>
          {children.length === 0 ? (
            <p className="muted">No child groups.</p>
          ) : (
            <ul className="plain-list">
              {children.map((child) => (
                <li key={child.entityRef} className="tree-row">
                  <Link to={entityPath(child.entityRef)}>{child.title || child.name}</Link>
                  {child.type && <Pill tone={`type-${child.type.toLowerCase()}`}>{child.type}</Pill>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <GroupHealth groupRef={ref} />

      <section className="card table-card" data-testid="group-owned">
        <div className="card-head">
          <h2>Owned by {group.metadata.title || group.metadata.name}</h2>
          <span className="muted small">
            {owned.length} directly{ownedByDescendants > 0 ? `, ${ownedByDescendants} more by sub-groups` : ''}
          </span>
        </div>
        {owned.length === 0 ? (
          <EmptyState title="Nothing owned directly.">
            Entities name their owner in <code>spec.owner</code>.
          </EmptyState>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Type</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {ownedByKind.map((item) => (
                <tr key={item.entityRef}>
                  <td className="cell-name">
                    <Link to={catalogEntityPath(item.entityRef)}>{item.title || item.name}</Link>
                  </td>
                  <td>
                    <Pill tone="kind">{item.kind.toLowerCase()}</Pill>
                  </td>
                  <td>{item.type ?? <span className="muted">—</span>}</td>
                  <td className="cell-description">{item.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat">
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

/** Root first, direct parent last, whichever order the server lists them in. */
function orderAncestors(ancestors: Summary[], parent: Summary | null): Summary[] {
  const list = ancestors.length > 0 ? [...ancestors] : parent ? [parent] : [];
  if (parent && list.length > 1 && list[0]?.entityRef === parent.entityRef) list.reverse();
  return list;
}

function groupByKind(items: Summary[]): Summary[] {
  return [...items].sort(
    (a, b) => a.kind.localeCompare(b.kind) || (a.title || a.name).localeCompare(b.title || b.name),
  );
}
