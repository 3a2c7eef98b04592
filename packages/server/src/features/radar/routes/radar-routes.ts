import { isAbsolute } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { assertAdmin, requireActor } from '../../../platform/auth/authorize.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { parseJsonBody } from '../../../platform/http/parse-json-body.js';
import { ValidationError } from '../../../platform/http/problem.js';
import { RINGS } from '../model/radar.js';
import type { RadarService } from '../radar-service.js';
import type { RadarSourceSpec } from '../sources/read-radar-source.js';

const ApplyBody = z.object({ yaml: z.string().min(1), reason: z.string().max(500).optional() });
const MoveBody = z.object({
  ring: z.enum(RINGS),
  reason: z.string().trim().min(1, 'say why the entry moves').max(500),
});
const SourceBody = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('git'),
    target: z.string().min(1),
    path: z
      .string()
      .min(1)
      .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), {
        message: 'must be a relative path inside the repository',
      })
      .default('radar.yaml'),
    ref: z.string().min(1).default('HEAD'),
  }),
  z.object({
    type: z.literal('file'),
    target: z.string().min(1).refine(isAbsolute, { message: 'must be an absolute path' }),
  }),
]);

/**
 * The radar's HTTP API under /api/radar: radars with adoption counts, an entry's
 * drill-down, the evaluation of one entity, and (admins) applying definitions,
 * moving entries and registering source files. Shapes are in radar-service.ts.
 *
 * @example
 * registerRadarRoutes(app, { radar: service });
 */
export function registerRadarRoutes(app: OpenAPIHono<AppEnv>, options: { radar: RadarService }): void {
  const { radar } = options;
  const base = '/api/radar';
  documentRadarRoutes(app, base);

  app.get(`${base}/radars`, async (c) => {
    requireActor(c);
    return c.json({ items: await radar.list() }, 200);
  });
  app.post(`${base}/radars`, async (c) => {
    const actor = requireActor(c);
    const body = await parseJsonBody(c, ApplyBody);
    return c.json(await radar.apply(actor, body), 200);
  });
  app.get(`${base}/radars/:name`, async (c) => {
    requireActor(c);
    return c.json(await radar.view(c.req.param('name')), 200);
  });
  app.delete(`${base}/radars/:name`, async (c) => {
    await radar.remove(requireActor(c), c.req.param('name'));
    return c.body(null, 204);
  });
  app.get(`${base}/radars/:name/entries/:entryId`, async (c) => {
    requireActor(c);
    return c.json(await radar.entry(c.req.param('name'), c.req.param('entryId')), 200);
  });
  app.post(`${base}/radars/:name/entries/:entryId/move`, async (c) => {
    const actor = requireActor(c);
    const body = await parseJsonBody(c, MoveBody);
    return c.json(await radar.moveEntry(actor, c.req.param('name'), c.req.param('entryId'), body), 200);
  });
  app.get(`${base}/evaluation`, async (c) => {
    requireActor(c);
    const entityRef = c.req.query('entityRef');
    if (!entityRef) {
      throw new ValidationError('entityRef is required', [
        { field: 'entityRef', message: 'e.g. component:default/web' },
      ]);
    }
    return c.json({ entityRef, items: await radar.evaluateEntity(entityRef) }, 200);
  });
  app.get(`${base}/sources`, async (c) => {
    requireActor(c);
    return c.json({ items: await radar.sources() }, 200);
  });
  app.post(`${base}/sources`, async (c) => {
    const actor = requireActor(c);
    const body = await parseJsonBody(c, SourceBody);
    const spec: RadarSourceSpec =
      body.type === 'git'
        ? { type: 'git', target: body.target, path: body.path, ref: body.ref }
        : { type: 'file', target: body.target, path: '', ref: '' };
    return c.json(await radar.registerSource(actor, spec), 201);
  });
  app.post(`${base}/sources/:id/sync`, async (c) => {
    assertAdmin(requireActor(c));
    return c.json(await radar.syncSource(c.req.param('id')), 200);
  });
  app.delete(`${base}/sources/:id`, async (c) => {
    await radar.removeSource(requireActor(c), c.req.param('id'));
    return c.body(null, 204);
  });
}

/** Adds the radar routes to the OpenAPI document (the handlers validate their own input). */
function documentRadarRoutes(app: OpenAPIHono<AppEnv>, base: string): void {
  const r = app.openAPIRegistry;
  const tags = ['radar'];
  const ok = (description: string) => ({ description, content: { 'application/json': { schema: z.unknown() } } });
  const none = (description: string) => ({ description });
  const Name = z.object({ name: z.string() });
  const NameAndEntry = z.object({ name: z.string(), entryId: z.string() });
  const Id = z.object({ id: z.string() });
  r.registerPath({
    method: 'get',
    path: `${base}/radars`,
    tags,
    summary: 'Every radar',
    responses: { 200: ok('Radars') },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/radars`,
    tags,
    summary: 'Create or replace a radar from its YAML definition (admins)',
    request: { body: { content: { 'application/json': { schema: ApplyBody } } } },
    responses: {
      200: ok('The radar'),
      400: none('Invalid definition: errors name line and field'),
      403: none('Not an admin'),
      409: none('Managed by a source file'),
    },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/radars/{name}`,
    tags,
    summary: 'A radar: quadrants, rings, entries with adoption counts',
    request: { params: Name },
    responses: { 200: ok('The radar'), 404: none('No such radar') },
  });
  r.registerPath({
    method: 'delete',
    path: `${base}/radars/{name}`,
    tags,
    summary: 'Delete a radar (admins)',
    request: { params: Name },
    responses: { 204: none('Deleted'), 403: none('Not an admin'), 404: none('No such radar') },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/radars/{name}/entries/{entryId}`,
    tags,
    summary: "An entry's drill-down: components, squads, versions and ring history",
    request: { params: NameAndEntry },
    responses: { 200: ok('The entry'), 404: none('No such radar or entry') },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/radars/{name}/entries/{entryId}/move`,
    tags,
    summary: 'Move an entry to another ring, saying why (admins)',
    request: { params: NameAndEntry, body: { content: { 'application/json': { schema: MoveBody } } } },
    responses: {
      200: ok('The entry'),
      400: none('Invalid ring or reason'),
      403: none('Not an admin'),
      409: none('Managed by a source file'),
    },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/evaluation`,
    tags,
    summary: 'Which radar entries an entity uses, and in which ring at its version',
    request: { query: z.object({ entityRef: z.string() }) },
    responses: { 200: ok('Entries the entity uses') },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/sources`,
    tags,
    summary: 'Registered radar source files with their status',
    responses: { 200: ok('Sources') },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/sources`,
    tags,
    summary: 'Register a radar file in a git repository or on disk, and load it (admins)',
    request: { body: { content: { 'application/json': { schema: SourceBody } } } },
    responses: {
      201: ok('The source with the outcome of its first read'),
      403: none('Not an admin'),
      409: none('Already registered'),
    },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/sources/{id}/sync`,
    tags,
    summary: 'Read a source again now (admins)',
    request: { params: Id },
    responses: { 200: ok('The source'), 404: none('No such source') },
  });
  r.registerPath({
    method: 'delete',
    path: `${base}/sources/{id}`,
    tags,
    summary: 'Remove a source; its radar stays and becomes editable through the API (admins)',
    request: { params: Id },
    responses: { 204: none('Removed') },
  });
}
