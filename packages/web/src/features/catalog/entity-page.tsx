import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../app/api-client.js';
import { entityPath } from '../../app/entity-refs.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { EntityHealthTab } from '../health/entity-health-tab.js';
import { HEALTH_KINDS } from '../health/health-api.js';
import { type Entity, specString, useEntity, useEntityErrors } from './catalog-api.js';
import { EntityErrors } from './entity-errors.js';
import { EntityLinks } from './entity-links.js';
import { EntityOverview } from './entity-overview.js';
import { EntityYaml } from './entity-yaml.js';
import { RelationsGraph } from './relations-graph.js';

const TABS = ['overview', 'health', 'relations', 'links', 'errors', 'yaml'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABEL: Record<Tab, string> = {
  overview: 'Overview',
  health: 'Health',
  relations: 'Relations',
  links: 'Links',
  errors: 'Errors',
  yaml: 'YAML',
};

/** One entity: overview, relations graph, links, ingestion errors and its raw descriptor. */
export function EntityPage() {
  const params = useParams();
  const kind = (params.kind ?? '').toLowerCase();
  const namespace = (params.namespace ?? 'default').toLowerCase();
  const name = (params.name ?? '').toLowerCase();
  const [search, setSearch] = useSearchParams();
  const tabParam = search.get('tab');
  // Tech health evaluates software (components, APIs, systems, resources), not people.
  const tabs = TABS.filter((t) => t !== 'health' || HEALTH_KINDS.includes(kind));
  const tab: Tab = (tabs as readonly string[]).includes(tabParam ?? '') ? (tabParam as Tab) : 'overview';

  const entity = useEntity(kind, namespace, name);
  usePageTitle(entity.data?.metadata.title || entity.data?.metadata.name || name);
  const errors = useEntityErrors(kind, namespace, name);

  if (entity.isPending) return <Loading />;
  if (entity.isError) {
    if (entity.error instanceof ApiError && entity.error.status === 404) {
      return (
        <div className="page">
          <EmptyState title={`No ${kind} named ${namespace}/${name} in the catalog.`}>
            It may have been removed from its descriptor, or the link is wrong. Go back to the{' '}
            <Link to="/catalog">catalog</Link>.
          </EmptyState>
        </div>
      );
    }
    return (
      <div className="page">
        <ErrorState error={entity.error} onRetry={() => entity.refetch()} />
      </div>
    );
  }

  const data = entity.data;
  const errorCount = errors.data?.length ?? 0;
  const counts: Partial<Record<Tab, number>> = {
    links: data.metadata.links?.length ?? 0,
    errors: errorCount,
  };

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/catalog">Catalog</Link>
        <span>/</span>
        <Link to={`/catalog?kind=${encodeURIComponent(kind)}`}>{kind}</Link>
        <span>/</span>
        <span>{data.metadata.name}</span>
      </nav>
      <EntityHeader entity={data} />
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={`tab${tab === t ? ' active' : ''}`}
            onClick={() => setSearch(t === 'overview' ? {} : { tab: t }, { replace: true })}
          >
            {TAB_LABEL[t]}
            {counts[t] ? <span className={`tab-count${t === 'errors' ? ' danger' : ''}`}>{counts[t]}</span> : null}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'overview' && <EntityOverview entity={data} />}
        {tab === 'health' && <EntityHealthTab entity={{ kind, namespace, name }} />}
        {tab === 'relations' && (
          <section className="card">
            <RelationsGraph kind={kind} namespace={namespace} name={name} />
          </section>
        )}
        {tab === 'links' && <EntityLinks entity={data} />}
        {tab === 'errors' && <EntityErrors query={errors} />}
        {tab === 'yaml' && <EntityYaml kind={kind} namespace={namespace} name={name} />}
      </div>
    </div>
  );
}

function EntityHeader({ entity }: { entity: Entity }) {
  const type = specString(entity, 'type');
  const lifecycle = specString(entity, 'lifecycle');
  const ref = `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
  return (
    <div className="page-head entity-head">
      <div>
        <h1 data-testid="entity-title">{entity.metadata.title || entity.metadata.name}</h1>
        <div className="pill-row">
          <Pill tone="kind">{entity.kind.toLowerCase()}</Pill>
          {type && <Pill>{type}</Pill>}
          {lifecycle && (
            <Pill tone={lifecycle === 'production' ? 'ok' : lifecycle === 'deprecated' ? 'warn' : 'neutral'}>
              {lifecycle}
            </Pill>
          )}
          <code className="muted small">{ref}</code>
        </div>
      </div>
      {entity.kind.toLowerCase() === 'group' && (
        <Link className="btn" to={entityPath(ref)}>
          Open team page
        </Link>
      )}
    </div>
  );
}
