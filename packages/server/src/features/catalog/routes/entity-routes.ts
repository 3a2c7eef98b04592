import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { MembershipResolver } from '../../../platform/auth/actor.js';
import { requireActor } from '../../../platform/auth/authorize.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { NotFoundError, ValidationError } from '../../../platform/http/problem.js';
import { stringifyEntityRef } from '../model/refs.js';
import type { FullTextFilter } from '../query/entity-cursor.js';
import { parseFields } from '../query/entity-fields.js';
import { andFilters, type EntityFilter, parseFilterParams, parsePredicate } from '../query/entity-filter.js';
import { parseLegacyOrder, parseOrderBody, parseOrderFields } from '../query/entity-order.js';
import type { CatalogReadStore } from '../store/catalog-read-store.js';
import { entityAncestry } from '../views/entity-ancestry.js';
import { entityGraph } from '../views/entity-graph.js';
import { entityProblems, entityYaml } from '../views/entity-problems.js';
import { searchEntities } from '../views/entity-search.js';
import { orgGroupView, orgTree } from '../views/org-views.js';
import { documentEntityRoutes } from './entity-routes-openapi.js';

export interface EntityRoutesOptions {
  readStore: CatalogReadStore;
  /** Group membership (direct and inherited); the org views do not need it yet, writers' routes do. */
  membership?: MembershipResolver;
  /** Where the catalog API lives; Backstage clients expect `/api/catalog`. */
  basePath?: string;
}

/**
 * The catalog's read API: Backstage-compatible entity queries (by name, uid,
 * refs, query, facets, ancestry) and Backbeat's own views (search, graph,
 * problems, YAML, org). Every endpoint needs a signed-in actor.
 *
 * @example
 * registerEntityRoutes(app, { readStore, membership });
 * // GET /api/catalog/entities/by-query?filter=kind=component&limit=100
 */
export function registerEntityRoutes(app: OpenAPIHono<AppEnv>, options: EntityRoutesOptions): void {
  const { readStore } = options;
  const base = options.basePath ?? '/api/catalog';
  const byName = `${base}/entities/by-name/:kind/:namespace/:name`;
  documentEntityRoutes(app, base);

  app.get(byName, async (c) => {
    requireActor(c);
    const ref = refFromPath(c);
    const text = await readStore.getEntityJsonByRef(ref);
    if (text === undefined) throw new NotFoundError(`No entity named ${ref}`);
    return jsonText(c, text);
  });

  app.get(`${byName}/ancestry`, async (c) => {
    requireActor(c);
    const ref = refFromPath(c);
    const ancestry = await entityAncestry(readStore, ref);
    if (!ancestry) throw new NotFoundError(`No entity named ${ref}`);
    return c.json(ancestry, 200);
  });

  app.get(`${byName}/graph`, async (c) => {
    requireActor(c);
    const ref = refFromPath(c);
    const depth = integerParam(c.req.query('depth'), 'depth') ?? 1;
    if (depth < 1 || depth > 3) throw invalidParam('depth', 'must be 1, 2 or 3');
    const graph = await entityGraph(readStore, ref, depth);
    if (!graph) throw new NotFoundError(`No entity named ${ref}`);
    return c.json(graph, 200);
  });

  app.get(`${byName}/errors`, async (c) => {
    requireActor(c);
    const ref = refFromPath(c);
    const problems = await entityProblems(readStore, ref);
    if (!problems) throw new NotFoundError(`No entity named ${ref}`);
    return c.json(problems, 200);
  });

  app.get(`${byName}/yaml`, async (c) => {
    requireActor(c);
    const ref = refFromPath(c);
    const text = await entityYaml(readStore, ref);
    if (text === undefined) throw new NotFoundError(`No entity named ${ref}`);
    return c.body(text, 200, { 'content-type': 'text/yaml; charset=utf-8' });
  });

  app.get(`${base}/entities/by-uid/:uid`, async (c) => {
    requireActor(c);
    const uid = c.req.param('uid');
    const entity = await readStore.getEntityByUid(uid);
    if (!entity) throw new NotFoundError(`No entity with uid ${uid}`);
    return c.json(entity, 200);
  });

  app.get(`${base}/entities/by-query`, async (c) => {
    requireActor(c);
    const input = {
      filter: parseFilterParams(c.req.queries('filter') ?? []),
      orderFields: parseOrderFields(c.req.queries('orderField') ?? []),
      fullTextFilter: fullTextFromQuery(c),
      limit: integerParam(c.req.query('limit'), 'limit'),
      offset: integerParam(c.req.query('offset'), 'offset'),
      cursor: c.req.query('cursor') || undefined,
      totalItems: totalItemsParam(c.req.query('totalItems')),
    };
    const fields = parseFields(c.req.queries('fields'));
    // Whole entities go out as their stored JSON text; a projection needs them parsed.
    if (!fields) return jsonText(c, await readStore.queryEntitiesJson(input));
    return c.json(await readStore.queryEntities({ ...input, fields }), 200);
  });

  app.post(`${base}/entities/by-query`, async (c) => {
    requireActor(c);
    const body = await jsonBody(c);
    const filter = andFilters(
      parseFilterParams(c.req.queries('filter') ?? []),
      body.query === undefined ? undefined : parsePredicate(body.query),
    );
    const input = {
      filter,
      fromPredicate: true,
      orderFields: parseOrderBody(body.orderBy ?? body.orderFields),
      fullTextFilter: fullTextFromBody(body.fullTextFilter),
      limit: integerParam(body.limit, 'limit'),
      offset: integerParam(body.offset, 'offset'),
      cursor: stringOrUndefined(body.cursor, 'cursor'),
      totalItems: totalItemsParam(body.totalItems),
    };
    const fields = fieldsFromBody(body.fields);
    if (!fields) return jsonText(c, await readStore.queryEntitiesJson(input));
    return c.json(await readStore.queryEntities({ ...input, fields }), 200);
  });

  app.get(`${base}/entities`, async (c) => {
    requireActor(c);
    const filter = parseFilterParams(c.req.queries('filter') ?? []);
    const fields = parseFields(c.req.queries('fields'));
    const order = parseLegacyOrder(c.req.queries('order') ?? []);
    let limit = integerParam(c.req.query('limit'), 'limit');
    let offset = integerParam(c.req.query('offset'), 'offset');
    const after = c.req.query('after');
    if (after) ({ limit, offset } = parseAfter(after, limit, offset));
    const { items, hasMore } = await readStore.listEntities({ filter, fields, order, offset, limit });
    if (hasMore && limit !== undefined) {
      const next = new URL(c.req.url);
      next.searchParams.delete('offset');
      next.searchParams.set(
        'after',
        Buffer.from(JSON.stringify({ limit, offset: (offset ?? 0) + limit }), 'utf8').toString('base64'),
      );
      c.header('Link', `<${next.pathname.slice(base.length)}${next.search}>; rel="next"`);
    }
    return c.json(items, 200);
  });

  app.post(`${base}/entities/by-refs`, async (c) => {
    requireActor(c);
    const body = await jsonBody(c);
    if (!Array.isArray(body.entityRefs) || !body.entityRefs.every((r) => typeof r === 'string')) {
      throw invalidParam('entityRefs', 'must be an array of entity references');
    }
    const filter = andFilters(
      parseFilterParams(c.req.queries('filter') ?? []),
      body.query === undefined ? undefined : parsePredicate(body.query),
    );
    return c.json(
      await readStore.getEntitiesByRefs({
        entityRefs: body.entityRefs as string[],
        fields: fieldsFromBody(body.fields),
        ...(filter ? { filter } : {}),
      }),
      200,
    );
  });

  app.get(`${base}/entity-facets`, async (c) => {
    requireActor(c);
    const facets = c.req.queries('facet') ?? [];
    if (facets.length === 0) throw invalidParam('facet', 'name at least one facet, e.g. facet=kind');
    return c.json(await readStore.facets({ facets, filter: parseFilterParams(c.req.queries('filter') ?? []) }), 200);
  });

  app.post(`${base}/entity-facets`, async (c) => {
    requireActor(c);
    const body = await jsonBody(c);
    const facets = body.facets;
    if (!Array.isArray(facets) || facets.length === 0 || !facets.every((f) => typeof f === 'string')) {
      throw invalidParam('facets', 'must be a non-empty array of facet names');
    }
    const filter: EntityFilter | undefined = body.query === undefined ? undefined : parsePredicate(body.query);
    return c.json(await readStore.facets({ facets: facets as string[], filter }), 200);
  });

  app.get(`${base}/search`, async (c) => {
    requireActor(c);
    return c.json(
      await searchEntities(readStore, {
        q: c.req.query('q') ?? '',
        limit: integerParam(c.req.query('limit'), 'limit'),
      }),
      200,
    );
  });

  app.get(`${base}/org/tree`, async (c) => {
    requireActor(c);
    return c.json(await orgTree(readStore), 200);
  });

  app.get(`${base}/org/groups/:namespace/:name`, async (c) => {
    requireActor(c);
    const ref = stringifyEntityRef({ kind: 'group', namespace: c.req.param('namespace'), name: c.req.param('name') });
    const view = await orgGroupView(readStore, ref);
    if (!view) throw new NotFoundError(`No group named ${ref}`);
    return c.json(view, 200);
  });
}

/** Sends JSON already written as text, with the content type `c.json` gives. */
function jsonText(c: Context<AppEnv>, text: string): Response {
  c.header('content-type', 'application/json');
  return c.body(text, 200);
}

function refFromPath(c: Context<AppEnv>): string {
  return stringifyEntityRef({
    kind: c.req.param('kind')!,
    namespace: c.req.param('namespace')!,
    name: c.req.param('name')!,
  });
}

function invalidParam(field: string, message: string): ValidationError {
  return new ValidationError(`Invalid ${field}: ${message}`, [{ field, message }]);
}

function integerParam(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw invalidParam(field, `must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

function totalItemsParam(value: unknown): 'include' | 'exclude' | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === 'include' || value === 'exclude') return value;
  throw invalidParam('totalItems', 'must be include or exclude');
}

function stringOrUndefined(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidParam(field, 'must be a string');
  return value;
}

function fullTextFromQuery(c: Context<AppEnv>): FullTextFilter | undefined {
  const term = c.req.query('fullTextFilterTerm');
  if (!term) return undefined;
  const fields = parseFields(c.req.queries('fullTextFilterFields'));
  return fields ? { term, fields } : { term };
}

function fullTextFromBody(value: unknown): FullTextFilter | undefined {
  if (value === undefined || value === null) return undefined;
  const { term, fields } = value as { term?: unknown; fields?: unknown };
  if (typeof term !== 'string') throw invalidParam('fullTextFilter.term', 'must be a string');
  const list = fields === undefined ? undefined : fieldsFromBody(fields);
  return list ? { term, fields: list } : { term };
}

function fieldsFromBody(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return parseFields([value]);
  if (!Array.isArray(value) || !value.every((f) => typeof f === 'string')) {
    throw invalidParam('fields', 'must be an array of field paths');
  }
  return parseFields(value);
}

async function jsonBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ValidationError('The request body must be JSON', [{ field: 'body', message: 'not valid JSON' }]);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('The request body must be a JSON object', [{ field: 'body', message: 'not an object' }]);
  }
  return body as Record<string, unknown>;
}

function parseAfter(
  after: string,
  limit: number | undefined,
  offset: number | undefined,
): { limit: number | undefined; offset: number | undefined } {
  let cursor: { limit?: unknown; offset?: unknown };
  try {
    cursor = JSON.parse(Buffer.from(after, 'base64').toString('utf8'));
  } catch {
    throw invalidParam('after', 'malformed cursor');
  }
  return {
    limit: cursor.limit === undefined ? limit : integerParam(cursor.limit, 'after'),
    offset: cursor.offset === undefined ? offset : integerParam(cursor.offset, 'after'),
  };
}
