import { type CatalogReader, type Entity, ownerOf } from '../../catalog/index.js';
import type { FactCollector, Facts } from './fact-collector.js';

export const CATALOG_COLLECTOR = 'catalog';

/** Kinds the catalog collector describes: the software, not the people. */
const KINDS = new Set(['component', 'api', 'system', 'resource', 'domain']);
const RUNBOOK = /runbook/i;
const ON_CALL = /(^|[./-])(pagerduty|opsgenie|on-?call|victorops|incident\.io|splunk-on-call)/i;

/**
 * What the descriptor says about an entity: owner (present, and valid = an existing
 * Group or User), lifecycle, type, system, description, links, tags, annotations,
 * and whether a runbook and an on-call rotation are declared (an annotation or a
 * link naming them).
 */
export function describeEntity(entity: Entity, owners: ReadonlySet<string>): Facts {
  const spec = entity.spec ?? {};
  const annotations = entity.metadata.annotations ?? {};
  const links = entity.metadata.links ?? [];
  const ownerRef = ownerOf(entity);
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : null);
  const hasRunbook =
    Object.keys(annotations).some((k) => RUNBOOK.test(k)) ||
    links.some((l) => RUNBOOK.test(l.type ?? '') || RUNBOOK.test(l.title ?? ''));
  const hasOnCall =
    Object.keys(annotations).some((k) => ON_CALL.test(k)) ||
    links.some((l) => ON_CALL.test(l.type ?? '') || ON_CALL.test(l.title ?? ''));
  const description = text(entity.metadata.description);
  return {
    kind: entity.kind,
    name: entity.metadata.name,
    namespace: entity.metadata.namespace ?? 'default',
    type: text(spec.type),
    lifecycle: text(spec.lifecycle),
    owner: {
      ref: ownerRef,
      present: ownerRef !== null,
      valid: ownerRef !== null && owners.has(ownerRef.toLowerCase()),
    },
    system: text(spec.system),
    description,
    descriptionLength: description?.length ?? 0,
    tags: entity.metadata.tags ?? [],
    links: links.map((l) => ({
      url: l.url,
      ...(l.title ? { title: l.title } : {}),
      ...(l.type ? { type: l.type } : {}),
    })),
    annotations,
    runbook: hasRunbook,
    onCall: hasOnCall,
  };
}

/**
 * The `catalog` collector: reads the entity as stored (no I/O per entity; the set
 * of existing owners is loaded once per run).
 *
 * @example
 * registry.register(createCatalogCollector({ catalog: catalog.reader }));
 */
export function createCatalogCollector(options: { catalog: CatalogReader }): FactCollector {
  return {
    id: CATALOG_COLLECTOR,
    version: 1,
    applies: (entity) => KINDS.has(entity.kind.toLowerCase()),
    async collect(entity, context) {
      const owners = await context.memo('catalog-owners', async () => {
        const found = await options.catalog.findEntities({ key: 'kind', match: { in: ['group', 'user'] } });
        return new Set(
          found.map((e) => `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase()),
        );
      });
      return describeEntity(entity, owners);
    },
  };
}
