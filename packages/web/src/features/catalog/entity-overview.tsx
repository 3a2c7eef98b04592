import { qualifyRef } from '../../app/entity-refs.js';
import { EntityLink } from '../../app/ui/entity-link.js';
import { TagList } from '../../app/ui/pill.js';
import { type Entity, specString } from './catalog-api.js';

/** Spec fields shown in the "About" card, with the kind a bare reference defaults to. */
const REF_FIELDS: { field: string; label: string; kind: string }[] = [
  { field: 'owner', label: 'Owner', kind: 'group' },
  { field: 'system', label: 'System', kind: 'system' },
  { field: 'domain', label: 'Domain', kind: 'domain' },
  { field: 'parent', label: 'Parent', kind: 'group' },
];

export function EntityOverview({ entity }: { entity: Entity }) {
  const namespace = entity.metadata.namespace ?? 'default';
  const annotations = Object.entries(entity.metadata.annotations ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const relations = groupRelations(entity.relations ?? []);

  return (
    <div className="grid-2">
      <section className="card">
        <h2>About</h2>
        <p className={entity.metadata.description ? '' : 'muted'}>
          {entity.metadata.description || 'No description. Add metadata.description to the descriptor.'}
        </p>
        <dl className="facts">
          {REF_FIELDS.map(({ field, label, kind }) => {
            const value = specString(entity, field);
            if (!value) return null;
            return (
              <div key={field}>
                <dt>{label}</dt>
                <dd data-testid={`about-${field}`}>
                  <EntityLink entityRef={qualifyRef(value, { kind, namespace })} defaultKind={kind} />
                </dd>
              </div>
            );
          })}
          {['type', 'lifecycle', 'profile'].map((field) => {
            const value = specString(entity, field);
            return value ? (
              <div key={field}>
                <dt>{field[0]?.toUpperCase() + field.slice(1)}</dt>
                <dd>{value}</dd>
              </div>
            ) : null;
          })}
          <div>
            <dt>Tags</dt>
            <dd>
              {entity.metadata.tags?.length ? (
                <TagList tags={entity.metadata.tags} />
              ) : (
                <span className="muted">none</span>
              )}
            </dd>
          </div>
        </dl>
      </section>
      <section className="card">
        <h2>Relations</h2>
        {relations.length === 0 ? (
          <p className="muted">No relations.</p>
        ) : (
          <dl className="facts">
            {relations.map(([type, refs]) => (
              <div key={type}>
                <dt>{type}</dt>
                <dd className="ref-list">
                  {refs.map((ref) => (
                    <EntityLink key={ref} entityRef={ref} />
                  ))}
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <section className="card span-2">
        <h2>Annotations</h2>
        {annotations.length === 0 ? (
          <p className="muted">No annotations.</p>
        ) : (
          <table className="table table-compact">
            <tbody>
              {annotations.map(([key, value]) => (
                <tr key={key}>
                  <th scope="row">
                    <code>{key}</code>
                  </th>
                  <td className="break">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function groupRelations(relations: { type: string; targetRef: string }[]): [string, string[]][] {
  const byType = new Map<string, string[]>();
  for (const { type, targetRef } of relations) byType.set(type, [...(byType.get(type) ?? []), targetRef]);
  return [...byType.entries()].sort(([a], [b]) => a.localeCompare(b));
}
