import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireActor } from '../../../platform/auth/authorize.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { ValidationError } from '../../../platform/http/problem.js';
import { zodToValidationError } from '../../../platform/http/problem-response.js';
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

  app.post(`${base}/locations`, async (c) => {
    const actor = requireActor(c);
    const body = await parseBody(c, RegisterBody);
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
    const body = await parseBody(c, RefreshBody);
    await service.refreshEntity(actor, body.entityRef);
    return c.body(null, 200);
  });

  app.post(`${base}/validate-entity`, async (c) => {
    requireActor(c);
    const body = await parseBody(c, ValidateBody);
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

async function parseBody<T>(c: Context<AppEnv>, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ValidationError('The request body must be JSON', [{ field: '(body)', message: 'not JSON' }]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw zodToValidationError(parsed.error, 'json');
  return parsed.data;
}
