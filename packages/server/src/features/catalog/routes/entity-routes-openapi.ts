import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/app-env.js';

const Entity = z
  .object({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.object({ name: z.string() }).passthrough(),
    spec: z.record(z.string(), z.unknown()).optional(),
    relations: z
      .array(
        z.object({
          type: z.string(),
          targetRef: z.string(),
          target: z.object({ kind: z.string(), namespace: z.string(), name: z.string() }),
        }),
      )
      .optional(),
  })
  .passthrough()
  .openapi('CatalogEntity');

const Summary = z
  .object({
    entityRef: z.string(),
    kind: z.string(),
    name: z.string(),
    title: z.string().nullable(),
    type: z.string().nullable(),
    description: z.string().nullable(),
  })
  .openapi('CatalogEntitySummary');

const repeated = (description: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ description });

const filterParam = repeated(
  'Repeatable. Comma-separated `key` (exists) or `key=value` conditions, AND within one parameter, OR across; case-insensitive. `relations.<type>=<ref>` matches stored and derived relations.',
);
const fieldsParam = repeated('Dotted paths to keep, e.g. `kind,metadata.name`.');

const NamePath = z.object({ kind: z.string(), namespace: z.string(), name: z.string() });

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const notFound = { description: 'No such entity (problem+json)' };

const QueryBody = z
  .object({
    query: z.record(z.string(), z.unknown()).optional(),
    fields: z.array(z.string()).optional(),
    limit: z.number().int().min(0).optional(),
    offset: z.number().int().min(0).optional(),
    orderBy: z.array(z.object({ field: z.string(), order: z.enum(['asc', 'desc']) })).optional(),
    fullTextFilter: z.object({ term: z.string(), fields: z.array(z.string()).optional() }).optional(),
    totalItems: z.enum(['include', 'exclude']).optional(),
    cursor: z.string().optional(),
  })
  .openapi('CatalogPredicateQuery');

const QueryResponse = z.object({
  items: z.array(Entity),
  totalItems: z.number(),
  pageInfo: z.object({ nextCursor: z.string().optional(), prevCursor: z.string().optional() }),
});

/**
 * Describes the catalog read endpoints in the OpenAPI document. The handlers
 * parse their own parameters (repeatable, Backstage-style), so the schemas here
 * document rather than validate.
 *
 * @example
 * documentEntityRoutes(app, '/api/catalog');
 */
export function documentEntityRoutes(app: OpenAPIHono<AppEnv>, base: string): void {
  const r = app.openAPIRegistry;
  const tags = ['catalog'];
  const byName = `${base}/entities/by-name/{kind}/{namespace}/{name}`;
  r.registerPath({
    method: 'get',
    path: byName,
    tags,
    summary: 'An entity by kind, namespace and name (any case), with relations',
    request: { params: NamePath },
    responses: { 200: json(Entity, 'The entity'), 404: notFound },
  });
  r.registerPath({
    method: 'get',
    path: `${byName}/ancestry`,
    tags,
    summary: 'The entity and the Location entities that led to it',
    request: { params: NamePath },
    responses: {
      200: json(
        z.object({
          rootEntityRef: z.string(),
          items: z.array(z.object({ entity: Entity, parentEntityRefs: z.array(z.string()) })),
        }),
        'Ancestry',
      ),
      404: notFound,
    },
  });
  r.registerPath({
    method: 'get',
    path: `${byName}/graph`,
    tags,
    summary: 'Relation neighbourhood up to depth hops (1-3); missing targets are nodes with missing: true',
    request: { params: NamePath, query: z.object({ depth: z.string().optional() }) },
    responses: {
      200: json(
        z.object({
          nodes: z.array(
            z.object({
              entityRef: z.string(),
              kind: z.string(),
              name: z.string(),
              title: z.string().optional(),
              missing: z.boolean().optional(),
            }),
          ),
          edges: z.array(z.object({ source: z.string(), type: z.string(), target: z.string() })),
          truncated: z.boolean(),
        }),
        'Graph',
      ),
      404: notFound,
    },
  });
  r.registerPath({
    method: 'get',
    path: `${byName}/errors`,
    tags,
    summary: 'Ingestion problems of the entity and relations pointing at missing entities',
    request: { params: NamePath },
    responses: {
      200: json(
        z.object({
          items: z.array(
            z.object({
              level: z.string(),
              message: z.string(),
              field: z.string().nullable(),
              filePath: z.string().nullable(),
              line: z.number().nullable(),
              column: z.number().nullable(),
              source: z.enum(['ingestion', 'relation']),
            }),
          ),
        }),
        'Problems',
      ),
      404: notFound,
    },
  });
  r.registerPath({
    method: 'get',
    path: `${byName}/yaml`,
    tags,
    summary: 'The stored entity as YAML (without relations)',
    request: { params: NamePath },
    responses: { 200: { description: 'YAML', content: { 'text/yaml': { schema: z.string() } } }, 404: notFound },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/entities/by-uid/{uid}`,
    tags,
    summary: 'An entity by uid',
    request: { params: z.object({ uid: z.string() }) },
    responses: { 200: json(Entity, 'The entity'), 404: notFound },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/entities/by-query`,
    tags,
    summary: 'Entities by filter, full text and order, paged by offset or cursor (Backstage queryEntities)',
    request: {
      query: z.object({
        filter: filterParam,
        fields: fieldsParam,
        limit: z.string().optional().openapi({ description: 'Page size, default 20, at most 1000' }),
        offset: z.string().optional(),
        orderField: repeated('Repeatable `field,asc|desc`.'),
        fullTextFilterTerm: z.string().optional(),
        fullTextFilterFields: fieldsParam,
        cursor: z.string().optional().openapi({ description: 'From pageInfo; carries filter, order and full text' }),
        totalItems: z.enum(['include', 'exclude']).optional(),
      }),
    },
    responses: { 200: json(QueryResponse, 'A page') },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/entities/by-query`,
    tags,
    summary: 'Entities by a predicate query ($all, $any, $not, $exists, $in, $hasPrefix, $contains)',
    request: { body: { content: { 'application/json': { schema: QueryBody } } } },
    responses: { 200: json(QueryResponse, 'A page') },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/entities`,
    tags,
    summary: 'Deprecated listing: bare array, Link header for the next page',
    request: {
      query: z.object({
        filter: filterParam,
        fields: fieldsParam,
        offset: z.string().optional(),
        limit: z.string().optional(),
        after: z.string().optional(),
        order: repeated('Repeatable `asc|desc:field`.'),
      }),
    },
    responses: { 200: json(z.array(Entity), 'Entities') },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/entities/by-refs`,
    tags,
    summary: 'Entities for refs, same order and length, null where missing',
    request: {
      query: z.object({ filter: filterParam }),
      body: {
        content: {
          'application/json': {
            schema: z.object({
              entityRefs: z.array(z.string()),
              fields: z.array(z.string()).optional(),
              query: z.record(z.string(), z.unknown()).optional(),
            }),
          },
        },
      },
    },
    responses: { 200: json(z.object({ items: z.array(Entity.nullable()) }), 'Entities') },
  });
  const Facets = z.object({
    facets: z.record(z.string(), z.array(z.object({ value: z.string(), count: z.number() }))),
  });
  r.registerPath({
    method: 'get',
    path: `${base}/entity-facets`,
    tags,
    summary: 'Value counts per facet over the filtered entities',
    request: { query: z.object({ facet: repeated('Repeatable dotted key, e.g. kind'), filter: filterParam }) },
    responses: { 200: json(Facets, 'Facets') },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/entity-facets`,
    tags,
    summary: 'Value counts per facet over entities matching a predicate query',
    request: {
      body: {
        content: {
          'application/json': {
            schema: z.object({ facets: z.array(z.string()), query: z.record(z.string(), z.unknown()).optional() }),
          },
        },
      },
    },
    responses: { 200: json(Facets, 'Facets') },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/search`,
    tags,
    summary: 'Full-text search over names, titles, descriptions, tags and owners; best matches first',
    request: { query: z.object({ q: z.string().optional(), limit: z.string().optional() }) },
    responses: {
      200: json(
        z.object({
          items: z.array(
            z.object({
              entityRef: z.string(),
              kind: z.string(),
              namespace: z.string(),
              name: z.string(),
              title: z.string().nullable(),
              description: z.string().nullable(),
              type: z.string().nullable(),
              owner: z.string().nullable(),
            }),
          ),
        }),
        'Hits',
      ),
    },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/org/groups/{namespace}/{name}`,
    tags,
    summary: 'A group with its parent, ancestors (root first), children, members and owned entities',
    request: { params: z.object({ namespace: z.string(), name: z.string() }) },
    responses: {
      200: json(
        z.object({
          group: Entity,
          parent: Summary.nullable(),
          ancestors: z.array(Summary),
          children: z.array(Summary),
          members: z.array(Summary),
          owned: z.array(Summary),
          ownedByDescendants: z.number(),
        }),
        'Group view',
      ),
      404: notFound,
    },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/org/tree`,
    tags,
    summary: 'Every group with its parent and member and owned counts',
    responses: {
      200: json(
        z.object({
          items: z.array(
            z.object({
              entityRef: z.string(),
              name: z.string(),
              title: z.string().nullable(),
              type: z.string().nullable(),
              parentRef: z.string().nullable(),
              memberCount: z.number(),
              ownedCount: z.number(),
            }),
          ),
        }),
        'Groups',
      ),
    },
  });
}
