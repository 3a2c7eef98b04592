import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { requireActor } from '../../../platform/auth/authorize.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { parseJsonBody } from '../../../platform/http/parse-json-body.js';
import type { CatalogService } from '../catalog-service.js';

const RegisterBody = z.object({
  type: z.string().min(1),
  target: z.string().min(1),
  options: z
    .object({ ref: z.string().min(1).optional(), path: z.string().min(1).optional() })
    .strict()
    .optional(),
  // Backstage's client may also send the flag in the body.
  dryRun: z.boolean().optional(),
});

const RefreshBody = z.object({ entityRef: z.string().min(1), authorizationToken: z.string().optional() });

const ValidateBody = z.object({ location: z.string(), entity: z.unknown() });

/**
 * Location and catalog-mutation endpoints at Backstage's paths (so
 * `@backstage/catalog-client` works), plus Backbeat's location status and errors.
 *
 * POST /locations[?dryRun=true] `{ type: 'url', target }` or
 * `{ type: 'git', target: '<repo>', options?: { ref?, path? } }` (also `<repo>#<ref>:<path>`)
 * -> 201 `{ location, entities }`; 409 if registered already.
 *
 * @example
 * registerLocationRoutes(app, { service });
 */
export function registerLocationRoutes(
  app: OpenAPIHono<AppEnv>,
  options: { service: CatalogService; basePath?: string },
): void {
  const { service } = options;
  const base = options.basePath ?? '/api/catalog';
  documentLocationRoutes(app, base);

  app.post(`${base}/locations`, async (c) => {
    const actor = requireActor(c);
    const body = await parseJsonBody(c, RegisterBody);
    const dryRun = c.req.query('dryRun') === 'true' || body.dryRun === true;
    const result = await service.registerLocation({
      actor,
      type: body.type,
      target: body.target,
      options: body.options,
      dryRun,
    });
    return c.json({ location: result.location, entities: result.entities, exists: false }, 201);
  });

  app.get(`${base}/locations`, async (c) => {
    requireActor(c);
    const locations = await service.listLocations();
    return c.json(
      locations.map((data) => ({ data })),
      200,
    );
  });

  app.get(`${base}/location-status`, async (c) => {
    requireActor(c);
    return c.json(await service.locationStatus(), 200);
  });

  app.get(`${base}/locations/by-entity/:kind/:namespace/:name`, async (c) => {
    requireActor(c);
    const { kind, namespace, name } = c.req.param();
    return c.json(await service.getLocationByEntity({ kind, namespace, name }), 200);
  });

  app.get(`${base}/locations/:id/errors`, async (c) => {
    requireActor(c);
    return c.json(await service.locationErrors(c.req.param('id')), 200);
  });

  app.post(`${base}/locations/:id/refresh`, async (c) => {
    const actor = requireActor(c);
    await service.refreshLocation(actor, c.req.param('id'));
    return c.json({ queued: true }, 202);
  });

  app.get(`${base}/locations/:id`, async (c) => {
    requireActor(c);
    return c.json(await service.getLocation(c.req.param('id')), 200);
  });

  app.delete(`${base}/locations/:id`, async (c) => {
    const actor = requireActor(c);
    await service.deleteLocation(actor, c.req.param('id'));
    return c.body(null, 204);
  });

  app.post(`${base}/refresh`, async (c) => {
    const actor = requireActor(c);
    const body = await parseJsonBody(c, RefreshBody);
    await service.refreshEntity(actor, body.entityRef);
    return c.body(null, 200);
  });

  app.post(`${base}/validate-entity`, async (c) => {
    requireActor(c);
    const body = await parseJsonBody(c, ValidateBody);
    const result = service.validateEntity({ entity: body.entity, location: body.location });
    if (result.errors.length > 0) return c.json(result, 400);
    return c.json({}, 200);
  });

  app.delete(`${base}/entities/by-uid/:uid`, async (c) => {
    const actor = requireActor(c);
    await service.deleteEntityByUid(actor, c.req.param('uid'));
    return c.body(null, 204);
  });
}

const Location = z.object({ id: z.string(), type: z.string(), target: z.string() }).openapi('CatalogLocation');
const AnyEntity = z
  .object({ apiVersion: z.string(), kind: z.string(), metadata: z.object({ name: z.string() }).passthrough() })
  .passthrough();
const LocationStatus = Location.extend({
  options: z.object({ ref: z.string().optional(), path: z.string().optional() }).passthrough(),
  parentLocationId: z.string().nullable(),
  refreshState: z.string(),
  lastRefreshAt: z.string().nullable(),
  lastRefreshMs: z.number().nullable(),
  lastCommit: z.string().nullable(),
  lastError: z.string().nullable(),
  entityCount: z.number(),
  errorCount: z.number(),
}).openapi('CatalogLocationStatus');
const LocationError = z
  .object({
    filePath: z.string().nullable(),
    entityRef: z.string().nullable(),
    line: z.number().nullable(),
    column: z.number().nullable(),
    field: z.string().nullable(),
    level: z.string(),
    message: z.string(),
  })
  .openapi('CatalogLocationError');
const IdPath = z.object({ id: z.string() });

/** Adds the location routes to the OpenAPI document (the handlers validate their own input). */
function documentLocationRoutes(app: OpenAPIHono<AppEnv>, base: string): void {
  const r = app.openAPIRegistry;
  const tags = ['catalog'];
  const json = (schema: z.ZodType, description: string) => ({
    description,
    content: { 'application/json': { schema } },
  });
  const none = (description: string) => ({ description });
  r.registerPath({
    method: 'post',
    path: `${base}/locations`,
    tags,
    summary: 'Register a location (git repository with ref and path/glob, or a url file) and read it at once',
    request: {
      query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
      body: { content: { 'application/json': { schema: RegisterBody } } },
    },
    responses: {
      201: json(z.object({ location: Location, entities: z.array(AnyEntity), exists: z.boolean() }), 'Registered'),
      400: none('Invalid input, or the target cannot be read'),
      403: none('Target not on the read allow-list'),
      409: none('Location exists already'),
    },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/locations`,
    tags,
    summary: 'All locations',
    responses: { 200: json(z.array(z.object({ data: Location })), 'Locations') },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/locations/{id}`,
    tags,
    summary: 'One location',
    request: { params: IdPath },
    responses: { 200: json(Location, 'Location'), 404: none('No such location') },
  });
  r.registerPath({
    method: 'delete',
    path: `${base}/locations/{id}`,
    tags,
    summary: 'Delete a location with its entities and child locations',
    request: { params: IdPath },
    responses: { 204: none('Deleted'), 403: none('Not allowed'), 404: none('No such location') },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/locations/by-entity/{kind}/{namespace}/{name}`,
    tags,
    summary: 'The location an entity was read from',
    request: { params: z.object({ kind: z.string(), namespace: z.string(), name: z.string() }) },
    responses: { 200: json(Location, 'Location'), 404: none('No such entity') },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/location-status`,
    tags,
    summary: 'Refresh state and counts of every location',
    responses: { 200: json(z.array(LocationStatus), 'Status') },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/locations/{id}/errors`,
    tags,
    summary: 'Problems found reading a location, per file and entity',
    request: { params: IdPath },
    responses: { 200: json(z.array(LocationError), 'Errors') },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/locations/{id}/refresh`,
    tags,
    summary: 'Queue a refresh of a location',
    request: { params: IdPath },
    responses: { 202: none('Queued') },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/refresh`,
    tags,
    summary: "Queue a refresh of an entity's location",
    request: { body: { content: { 'application/json': { schema: RefreshBody } } } },
    responses: { 200: none('Queued'), 404: none('No such entity') },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/validate-entity`,
    tags,
    summary: 'Validate a descriptor without storing it',
    request: { body: { content: { 'application/json': { schema: ValidateBody } } } },
    responses: {
      200: json(z.object({}), 'Valid'),
      400: json(z.object({ errors: z.array(z.object({ name: z.string(), message: z.string() })) }), 'Invalid'),
    },
  });
  r.registerPath({
    method: 'delete',
    path: `${base}/entities/by-uid/{uid}`,
    tags,
    summary: 'Delete an entity (it returns on the next refresh if its descriptor still holds it)',
    request: { params: z.object({ uid: z.string() }) },
    responses: { 204: none('Deleted'), 403: none('Not an admin or owner'), 404: none('No such entity') },
  });
}
