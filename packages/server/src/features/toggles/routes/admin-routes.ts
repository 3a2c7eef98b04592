import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { requireActor } from '../../../platform/auth/authorize.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { problemResponses } from '../../../platform/http/openapi-schemas.js';
import { ValidationError } from '../../../platform/http/problem.js';
import type { ClientService } from '../service/client-service.js';
import {
  CreateEnvironmentBody,
  CreateFlagBody,
  CreateProjectBody,
  CreateTokenBody,
  ImportBody,
  KillBody,
  RolloutBody,
  SegmentBody,
  StrategiesBody,
  UpdateFlagBody,
  UpdateProjectBody,
  VariantsBody,
} from '../service/input-schemas.js';
import type { TogglesService } from '../service/toggles-service.js';
import { parseToggleBody } from './parse-body.js';
import {
  ApplicationView,
  CreatedTokenView,
  EnvironmentView,
  FlagView,
  HistoryEntryView,
  ImportReportView,
  itemsOf,
  MetricsRowView,
  ProjectView,
  SegmentView,
  TokenView,
} from './view-schemas.js';

const BASE = '/api/toggles';

/**
 * The toggle admin API under /api/toggles: projects, environments, flags and their
 * per-environment switch, strategies and variants, the kill switch, history,
 * segments, tokens, metrics and the client-format import. Every mutation needs a
 * signed-in actor; the service checks ownership and records the change.
 *
 * @example
 * registerToggleAdminRoutes(app, { service, client });
 */
export function registerToggleAdminRoutes(
  app: OpenAPIHono<AppEnv>,
  options: { service: TogglesService; client: ClientService },
): void {
  const { service, client } = options;
  documentAdminRoutes(app);
  const flagPath = `${BASE}/projects/:key/flags/:name`;
  const envPath = `${flagPath}/environments/:env`;

  app.get(`${BASE}/projects`, async (c) => {
    requireActor(c);
    return c.json({ items: await service.listProjects() }, 200);
  });
  app.post(`${BASE}/projects`, async (c) => {
    const actor = requireActor(c);
    return c.json(await service.createProject(actor, await parseToggleBody(c, CreateProjectBody)), 201);
  });
  app.get(`${BASE}/projects/:key`, async (c) => {
    requireActor(c);
    return c.json(await service.getProject(c.req.param('key')), 200);
  });
  app.patch(`${BASE}/projects/:key`, async (c) => {
    const actor = requireActor(c);
    return c.json(
      await service.updateProject(actor, c.req.param('key'), await parseToggleBody(c, UpdateProjectBody)),
      200,
    );
  });
  app.delete(`${BASE}/projects/:key`, async (c) => {
    await service.deleteProject(requireActor(c), c.req.param('key'));
    return c.body(null, 204);
  });

  app.get(`${BASE}/environments`, async (c) => {
    requireActor(c);
    return c.json({ items: await service.listEnvironments() }, 200);
  });
  app.post(`${BASE}/environments`, async (c) => {
    const actor = requireActor(c);
    return c.json(await service.createEnvironment(actor, await parseToggleBody(c, CreateEnvironmentBody)), 201);
  });

  app.get(`${BASE}/projects/:key/flags`, async (c) => {
    requireActor(c);
    const key = c.req.param('key');
    await service.getProject(key);
    const items = await service.listFlags({ project: key, includeArchived: c.req.query('archived') === 'true' });
    return c.json({ items }, 200);
  });
  app.post(`${BASE}/projects/:key/flags`, async (c) => {
    const actor = requireActor(c);
    return c.json(await service.createFlag(actor, c.req.param('key'), await parseToggleBody(c, CreateFlagBody)), 201);
  });
  app.get(flagPath, async (c) => {
    requireActor(c);
    return c.json(await service.getFlag(c.req.param('key'), c.req.param('name')), 200);
  });
  app.patch(flagPath, async (c) => {
    const actor = requireActor(c);
    const patch = await parseToggleBody(c, UpdateFlagBody);
    return c.json(await service.updateFlag(actor, c.req.param('key'), c.req.param('name'), patch), 200);
  });
  app.delete(flagPath, async (c) => {
    await service.deleteFlag(requireActor(c), c.req.param('key'), c.req.param('name'));
    return c.body(null, 204);
  });
  app.post(`${flagPath}/archive`, async (c) =>
    c.json(await service.archiveFlag(requireActor(c), c.req.param('key'), c.req.param('name')), 200),
  );
  app.post(`${flagPath}/revive`, async (c) =>
    c.json(await service.reviveFlag(requireActor(c), c.req.param('key'), c.req.param('name')), 200),
  );
  app.get(`${flagPath}/history`, async (c) => {
    requireActor(c);
    const limit = parseLimit(c.req.query('limit'));
    const before = c.req.query('before');
    const items = await service.history(c.req.param('key'), c.req.param('name'), {
      ...(limit ? { limit } : {}),
      ...(before ? { before } : {}),
    });
    return c.json({ items }, 200);
  });
  app.post(`${flagPath}/kill`, async (c) => {
    const actor = requireActor(c);
    const body = await parseToggleBody(c, KillBody);
    const flag = await service.kill(actor, { project: c.req.param('key'), flag: c.req.param('name'), ...body });
    return c.json(flag, 200);
  });

  const target = (c: { req: { param(name: string): string } }) => ({
    project: c.req.param('key'),
    flag: c.req.param('name'),
    environment: c.req.param('env'),
  });
  app.post(`${envPath}/on`, async (c) =>
    c.json(await service.setEnabled(requireActor(c), { ...target(c), enabled: true }), 200),
  );
  app.post(`${envPath}/off`, async (c) =>
    c.json(await service.setEnabled(requireActor(c), { ...target(c), enabled: false }), 200),
  );
  app.put(`${envPath}/strategies`, async (c) => {
    const actor = requireActor(c);
    const { strategies } = await parseToggleBody(c, StrategiesBody);
    return c.json(await service.setStrategies(actor, { ...target(c), strategies }), 200);
  });
  app.put(`${envPath}/variants`, async (c) => {
    const actor = requireActor(c);
    const { variants } = await parseToggleBody(c, VariantsBody);
    return c.json(await service.setVariants(actor, { ...target(c), variants }), 200);
  });
  app.post(`${envPath}/rollout`, async (c) => {
    const actor = requireActor(c);
    const { percent } = await parseToggleBody(c, RolloutBody);
    return c.json(await service.setRollout(actor, { ...target(c), percent }), 200);
  });

  app.get(`${BASE}/projects/:key/segments`, async (c) => {
    requireActor(c);
    return c.json({ items: await service.listSegments(c.req.param('key')) }, 200);
  });
  app.post(`${BASE}/projects/:key/segments`, async (c) => {
    const actor = requireActor(c);
    return c.json(await service.createSegment(actor, c.req.param('key'), await parseToggleBody(c, SegmentBody)), 201);
  });
  app.put(`${BASE}/projects/:key/segments/:id`, async (c) => {
    const actor = requireActor(c);
    const body = await parseToggleBody(c, SegmentBody);
    return c.json(await service.updateSegment(actor, c.req.param('key'), parseSegmentId(c.req.param('id')), body), 200);
  });
  app.delete(`${BASE}/projects/:key/segments/:id`, async (c) => {
    await service.deleteSegment(requireActor(c), c.req.param('key'), parseSegmentId(c.req.param('id')));
    return c.body(null, 204);
  });

  app.put(`${BASE}/projects/:key/environments/:env/import`, async (c) => {
    const actor = requireActor(c);
    const payload = await parseToggleBody(c, ImportBody);
    const report = await service.importEnvironment(actor, {
      project: c.req.param('key'),
      environment: c.req.param('env'),
      payload,
    });
    return c.json(report, 200);
  });

  app.get(`${BASE}/projects/:key/metrics`, async (c) => {
    requireActor(c);
    const key = c.req.param('key');
    await service.getProject(key);
    const flag = c.req.query('flag');
    const environment = c.req.query('environment');
    const since = c.req.query('since');
    if (since && Number.isNaN(Date.parse(since))) {
      throw new ValidationError('since must be an ISO-8601 time', [
        { field: 'query.since', message: 'an ISO-8601 time' },
      ]);
    }
    const items = await client.metrics({
      project: key,
      ...(flag ? { flag } : {}),
      ...(environment ? { environment } : {}),
      ...(since ? { since: new Date(since).toISOString() } : {}),
    });
    return c.json({ items }, 200);
  });
  app.get(`${BASE}/projects/:key/applications`, async (c) => {
    requireActor(c);
    const key = c.req.param('key');
    await service.getProject(key);
    const environment = c.req.query('environment');
    return c.json({ items: await client.applications({ project: key, ...(environment ? { environment } : {}) }) }, 200);
  });

  app.get(`${BASE}/tokens`, async (c) => {
    const actor = requireActor(c);
    return c.json({ items: await service.listTokens(actor, c.req.query('project') || undefined) }, 200);
  });
  app.post(`${BASE}/tokens`, async (c) => {
    const actor = requireActor(c);
    return c.json(await service.createToken(actor, await parseToggleBody(c, CreateTokenBody)), 201);
  });
  app.delete(`${BASE}/tokens/:id`, async (c) =>
    c.json(await service.revokeToken(requireActor(c), c.req.param('id')), 200),
  );
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new ValidationError('limit must be a whole number from 1 to 1000', [
      { field: 'query.limit', message: '1 to 1000' },
    ]);
  }
  return n;
}

function parseSegmentId(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new ValidationError(`Segment id "${raw}" is not a positive whole number`, [
      { field: 'id', message: 'a positive whole number' },
    ]);
  }
  return n;
}

/** Adds the admin routes to the OpenAPI document (the handlers validate their own input). */
function documentAdminRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  const tags = ['toggles'];
  const json = (description: string, schema: z.ZodType) => ({
    description,
    content: { 'application/json': { schema } },
  });
  const body = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } }, required: true } });
  const Key = z.object({ key: z.string() });
  const KeyName = z.object({ key: z.string(), name: z.string() });
  const KeyNameEnv = z.object({ key: z.string(), name: z.string(), env: z.string() });
  const KeyId = z.object({ key: z.string(), id: z.string() });
  const KeyEnv = z.object({ key: z.string(), env: z.string() });
  const flag = json('The flag in every environment', FlagView);
  const writeErrors = problemResponses(400, 401, 403, 404);

  type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
  const route = (
    method: Method,
    path: string,
    summary: string,
    request: Record<string, unknown>,
    responses: Record<number, unknown>,
  ) => r.registerPath({ method, path: `${BASE}${path}`, tags, summary, request, responses } as never);

  route(
    'get',
    '/projects',
    'Every toggle project',
    {},
    { 200: json('Projects', itemsOf(ProjectView)), ...problemResponses(401) },
  );
  route(
    'post',
    '/projects',
    'Create a project, linked to a catalog component or system; the owner defaults to the entity owner',
    body(CreateProjectBody),
    { 201: json('The project', ProjectView), ...writeErrors, ...problemResponses(409) },
  );
  route(
    'get',
    '/projects/{key}',
    'One project',
    { params: Key },
    { 200: json('The project', ProjectView), ...problemResponses(401, 404) },
  );
  route(
    'patch',
    '/projects/{key}',
    'Change name, description, entity or owner',
    { params: Key, ...body(UpdateProjectBody) },
    {
      200: json('The project', ProjectView),
      ...writeErrors,
    },
  );
  route(
    'delete',
    '/projects/{key}',
    'Delete a project without flags',
    { params: Key },
    {
      204: { description: 'Deleted' },
      ...writeErrors,
      ...problemResponses(409),
    },
  );
  route(
    'get',
    '/environments',
    'Every environment, in display order',
    {},
    { 200: json('Environments', itemsOf(EnvironmentView)) },
  );
  route('post', '/environments', 'Add a custom environment (admins)', body(CreateEnvironmentBody), {
    201: json('The environment', EnvironmentView),
    ...writeErrors,
    ...problemResponses(409),
  });
  route(
    'get',
    '/projects/{key}/flags',
    'The flags of a project with their state in every environment',
    { params: Key, query: z.object({ archived: z.enum(['true', 'false']).optional() }) },
    { 200: json('Flags', itemsOf(FlagView)), ...problemResponses(401, 404) },
  );
  route(
    'post',
    '/projects/{key}/flags',
    'Create a flag (off everywhere)',
    { params: Key, ...body(CreateFlagBody) },
    {
      201: flag,
      ...writeErrors,
      ...problemResponses(409),
    },
  );
  route(
    'get',
    '/projects/{key}/flags/{name}',
    'One flag',
    { params: KeyName },
    { 200: flag, ...problemResponses(401, 404) },
  );
  route(
    'patch',
    '/projects/{key}/flags/{name}',
    'Change type, description, stale mark, impression data or dependencies',
    {
      params: KeyName,
      ...body(UpdateFlagBody),
    },
    { 200: flag, ...writeErrors },
  );
  route(
    'delete',
    '/projects/{key}/flags/{name}',
    'Delete an archived flag (its history stays)',
    { params: KeyName },
    {
      204: { description: 'Deleted' },
      ...writeErrors,
      ...problemResponses(409),
    },
  );
  route(
    'post',
    '/projects/{key}/flags/{name}/archive',
    'Archive a flag: SDKs stop seeing it',
    { params: KeyName },
    { 200: flag, ...writeErrors },
  );
  route(
    'post',
    '/projects/{key}/flags/{name}/revive',
    'Bring an archived flag back',
    { params: KeyName },
    { 200: flag, ...writeErrors },
  );
  route(
    'get',
    '/projects/{key}/flags/{name}/history',
    'Every change of the flag with who, when, before and after (newest first)',
    { params: KeyName, query: z.object({ limit: z.string().optional(), before: z.string().optional() }) },
    { 200: json('History', itemsOf(HistoryEntryView)), ...problemResponses(401, 404) },
  );
  route(
    'post',
    '/projects/{key}/flags/{name}/kill',
    'Kill switch: off in every environment, or only the one given, with a reason',
    { params: KeyName, ...body(KillBody) },
    { 200: flag, ...writeErrors },
  );
  route(
    'post',
    '/projects/{key}/flags/{name}/environments/{env}/on',
    'Switch the flag on in one environment',
    { params: KeyNameEnv },
    {
      200: flag,
      ...writeErrors,
      ...problemResponses(409),
    },
  );
  route(
    'post',
    '/projects/{key}/flags/{name}/environments/{env}/off',
    'Switch the flag off in one environment',
    { params: KeyNameEnv },
    {
      200: flag,
      ...writeErrors,
    },
  );
  route(
    'put',
    '/projects/{key}/flags/{name}/environments/{env}/strategies',
    'Replace the ordered strategies of one environment; errors name the field, e.g. strategies[0].constraints[1].operator',
    { params: KeyNameEnv, ...body(StrategiesBody) },
    { 200: flag, ...writeErrors },
  );
  route(
    'put',
    '/projects/{key}/flags/{name}/environments/{env}/variants',
    'Replace the flag-level variants of one environment',
    { params: KeyNameEnv, ...body(VariantsBody) },
    { 200: flag, ...writeErrors },
  );
  route(
    'post',
    '/projects/{key}/flags/{name}/environments/{env}/rollout',
    'Set the flexibleRollout percentage (adds a flexibleRollout strategy if there is none)',
    { params: KeyNameEnv, ...body(RolloutBody) },
    { 200: flag, ...writeErrors },
  );
  route(
    'get',
    '/projects/{key}/segments',
    'The segments of a project',
    { params: Key },
    {
      200: json('Segments', itemsOf(SegmentView)),
      ...problemResponses(401, 404),
    },
  );
  route(
    'post',
    '/projects/{key}/segments',
    'Create a segment',
    { params: Key, ...body(SegmentBody) },
    {
      201: json('The segment', SegmentView),
      ...writeErrors,
      ...problemResponses(409),
    },
  );
  route(
    'put',
    '/projects/{key}/segments/{id}',
    'Replace a segment',
    { params: KeyId, ...body(SegmentBody) },
    {
      200: json('The segment', SegmentView),
      ...writeErrors,
    },
  );
  route(
    'delete',
    '/projects/{key}/segments/{id}',
    'Delete a segment no strategy uses',
    { params: KeyId },
    {
      204: { description: 'Deleted' },
      ...writeErrors,
      ...problemResponses(409),
    },
  );
  route(
    'put',
    '/projects/{key}/environments/{env}/import',
    'Load a client-format payload (GET /api/client/features, e.g. from Unleash) into one project and environment',
    { params: KeyEnv, ...body(ImportBody) },
    { 200: json('What was created and updated, with warnings', ImportReportView), ...writeErrors },
  );
  route(
    'get',
    '/projects/{key}/metrics',
    'Hourly yes/no and variant counts reported by SDKs',
    {
      params: Key,
      query: z.object({
        flag: z.string().optional(),
        environment: z.string().optional(),
        since: z.string().optional(),
      }),
    },
    {
      200: json('Counts per flag, environment, application and hour', itemsOf(MetricsRowView)),
      ...problemResponses(400, 401, 404),
    },
  );
  route(
    'get',
    '/projects/{key}/applications',
    'SDK instances that registered with a token of this project',
    { params: Key, query: z.object({ environment: z.string().optional() }) },
    { 200: json('Applications', itemsOf(ApplicationView)), ...problemResponses(401, 404) },
  );
  route(
    'get',
    '/tokens',
    'Client and frontend tokens (of one project, or all for admins)',
    {
      query: z.object({ project: z.string().optional() }),
    },
    { 200: json('Tokens', itemsOf(TokenView)), ...problemResponses(401, 403, 404) },
  );
  route(
    'post',
    '/tokens',
    'Create a client or frontend token for one project and environment; the token is shown once',
    body(CreateTokenBody),
    {
      201: json('The token and its listing', CreatedTokenView),
      ...writeErrors,
    },
  );
  route(
    'delete',
    '/tokens/{id}',
    'Revoke a token',
    { params: z.object({ id: z.string() }) },
    {
      200: json('The revoked token', TokenView),
      ...writeErrors,
    },
  );
}
