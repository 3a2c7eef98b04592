import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireActor } from '../../../platform/auth/authorize.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { problemResponses } from '../../../platform/http/openapi-schemas.js';
import { NotFoundError, ValidationError } from '../../../platform/http/problem.js';
import { recordImpact } from '../rollouts/impact-recorder.js';
import { CreatePlanBody } from '../rollouts/rollout-model.js';
import type { RolloutService } from '../rollouts/rollout-service.js';
import type { ClientService } from '../service/client-service.js';
import type { TogglesService } from '../service/toggles-service.js';
import type { PlansStore } from '../store/plans-store.js';
import { requireClientToken } from './client-routes.js';
import { optionalToggleBody, parseToggleBody } from './parse-body.js';
import {
  GuardSeriesView,
  ImpactBody,
  ImpactRowView,
  PlanView,
  PlanWithTimelineView,
  ReasonBody,
} from './rollout-views.js';
import { itemsOf } from './view-schemas.js';

const BASE = '/api/toggles';

/**
 * Rollout plans (create, show, start, advance, pause, resume, abort) and the impact
 * endpoint services call with their client token so error-rate guards have data.
 *
 * @example
 * registerRolloutRoutes(app, { rollouts, toggles, client, plans });
 */
export function registerRolloutRoutes(
  app: OpenAPIHono<AppEnv>,
  options: { rollouts: RolloutService; toggles: TogglesService; client: ClientService; plans: PlansStore },
): void {
  const { rollouts, toggles, client, plans } = options;
  documentRolloutRoutes(app);
  const envPath = `${BASE}/projects/:key/flags/:name/environments/:env`;
  const target = (c: Context<AppEnv>) => ({
    project: c.req.param('key') as string,
    flag: c.req.param('name') as string,
    environment: c.req.param('env') as string,
  });

  app.post(`${envPath}/plans`, async (c) => {
    const actor = requireActor(c);
    const input = await parseToggleBody(c, CreatePlanBody);
    return c.json(await rollouts.create(actor, target(c), input), 201);
  });
  app.get(`${envPath}/plan`, async (c) => {
    requireActor(c);
    const plan = await rollouts.current(target(c));
    if (!plan) throw new NotFoundError(`No rollout plan for ${c.req.param('name')} in ${c.req.param('env')}`);
    return c.json(plan, 200);
  });
  app.get(`${BASE}/projects/:key/plans`, async (c) => {
    requireActor(c);
    const key = c.req.param('key');
    await toggles.getProject(key);
    const flag = c.req.query('flag');
    const environment = c.req.query('environment');
    const items = await rollouts.list({
      project: key,
      ...(flag ? { flag } : {}),
      ...(environment ? { environment } : {}),
    });
    return c.json({ items }, 200);
  });
  app.get(`${BASE}/plans/:id`, async (c) => {
    requireActor(c);
    return c.json(await rollouts.get(c.req.param('id')), 200);
  });
  app.post(`${BASE}/plans/:id/start`, async (c) =>
    c.json(await rollouts.start(requireActor(c), c.req.param('id')), 200),
  );
  app.post(`${BASE}/plans/:id/advance`, async (c) =>
    c.json(await rollouts.advance(requireActor(c), c.req.param('id')), 200),
  );
  app.post(`${BASE}/plans/:id/pause`, async (c) => {
    const actor = requireActor(c);
    const { reason } = await optionalToggleBody(c, ReasonBody);
    return c.json(await rollouts.pause(actor, c.req.param('id'), reason), 200);
  });
  app.post(`${BASE}/plans/:id/resume`, async (c) =>
    c.json(await rollouts.resume(requireActor(c), c.req.param('id')), 200),
  );
  app.post(`${BASE}/plans/:id/abort`, async (c) => {
    const actor = requireActor(c);
    const { reason } = await optionalToggleBody(c, ReasonBody);
    return c.json(await rollouts.abort(actor, c.req.param('id'), reason), 200);
  });

  app.get(`${BASE}/plans/:id/guard-observations`, async (c) => {
    requireActor(c);
    const since = c.req.query('since');
    if (since !== undefined && Number.isNaN(Date.parse(since))) {
      throw new ValidationError('since must be an ISO-8601 time', [
        { field: 'query.since', message: 'an ISO-8601 time' },
      ]);
    }
    const limit = c.req.query('limit');
    if (limit !== undefined && !/^[1-9]\d{0,5}$/.test(limit)) {
      throw new ValidationError('limit must be a whole number above 0', [
        { field: 'query.limit', message: 'a whole number above 0' },
      ]);
    }
    const guards = await rollouts.guardObservations(c.req.param('id'), {
      ...(since !== undefined ? { since: new Date(since) } : {}),
      ...(limit !== undefined ? { limit: Number(limit) } : {}),
    });
    return c.json({ plan: c.req.param('id'), guards }, 200);
  });

  app.get(`${BASE}/projects/:key/impact`, async (c) => {
    requireActor(c);
    const key = c.req.param('key');
    await toggles.getProject(key);
    const since = c.req.query('since');
    if (since !== undefined && Number.isNaN(Date.parse(since))) {
      throw new ValidationError('since must be an ISO-8601 time', [
        { field: 'query.since', message: 'an ISO-8601 time' },
      ]);
    }
    const flag = c.req.query('flag');
    const environment = c.req.query('environment');
    const items = await plans.impactSeries({
      project: key,
      since: new Date(since ?? Date.now() - 3_600_000).toISOString(),
      ...(flag ? { flag } : {}),
      ...(environment ? { environment } : {}),
    });
    return c.json({ items }, 200);
  });
  app.post(`${BASE}/impact`, async (c) => {
    const token = await requireClientToken(c, client, 'client');
    const body = await parseToggleBody(c, ImpactBody);
    await recordImpact({ plans, toggles }, token, body);
    return c.body(null, 202);
  });
}

function documentRolloutRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  const tags = ['toggles'];
  const json = (description: string, schema: z.ZodType) => ({
    description,
    content: { 'application/json': { schema } },
  });
  const body = (schema: z.ZodType, required = true) => ({
    body: { content: { 'application/json': { schema } }, required },
  });
  const KeyNameEnv = z.object({ key: z.string(), name: z.string(), env: z.string() });
  const Id = z.object({ id: z.string() });
  const plan = json('The plan with its timeline', PlanWithTimelineView);
  const writeErrors = problemResponses(400, 401, 403, 404, 409);
  type Method = 'get' | 'post';
  const route = (
    method: Method,
    path: string,
    summary: string,
    request: Record<string, unknown>,
    responses: Record<number, unknown>,
  ) => r.registerPath({ method, path: `${BASE}${path}`, tags, summary, request, responses } as never);

  route(
    'post',
    '/projects/{key}/flags/{name}/environments/{env}/plans',
    'Create a rollout plan (milestones, hold, guards) and start it unless start is false; 409 when the flag has an active plan or the project needs approval (then create with start: false and request a start-plan change)',
    { params: KeyNameEnv, ...body(CreatePlanBody) },
    { 201: plan, ...writeErrors },
  );
  route(
    'get',
    '/projects/{key}/flags/{name}/environments/{env}/plan',
    'The newest rollout plan of the flag in the environment, with its timeline',
    { params: KeyNameEnv },
    { 200: plan, ...problemResponses(401, 404) },
  );
  route(
    'get',
    '/projects/{key}/plans',
    'Rollout plans of a project, newest first',
    {
      params: z.object({ key: z.string() }),
      query: z.object({ flag: z.string().optional(), environment: z.string().optional() }),
    },
    { 200: json('Plans', itemsOf(PlanView)), ...problemResponses(401, 404) },
  );
  route(
    'get',
    '/plans/{id}',
    'One rollout plan with its timeline',
    { params: Id },
    { 200: plan, ...problemResponses(401, 404) },
  );
  route(
    'post',
    '/plans/{id}/start',
    'Start a draft plan: its first milestone applies and the flag goes on',
    { params: Id },
    { 200: plan, ...writeErrors },
  );
  route(
    'post',
    '/plans/{id}/advance',
    'Move a running plan to its next milestone now',
    { params: Id },
    { 200: plan, ...writeErrors },
  );
  route(
    'post',
    '/plans/{id}/pause',
    'Pause a running plan (the current percentage stays)',
    { params: Id, ...body(ReasonBody, false) },
    { 200: plan, ...writeErrors },
  );
  route(
    'post',
    '/plans/{id}/resume',
    'Resume a paused plan: the flag goes back on at the current milestone and the hold restarts',
    { params: Id },
    { 200: plan, ...writeErrors },
  );
  route(
    'post',
    '/plans/{id}/abort',
    'Abort a plan; the flag keeps its current state',
    { params: Id, ...body(ReasonBody, false) },
    { 200: plan, ...writeErrors },
  );
  route(
    'get',
    '/plans/{id}/guard-observations',
    'What each guard of a plan read at every tick (default: the last 24 hours), with its threshold, for guard charts',
    {
      params: Id,
      query: z.object({
        since: z.string().optional().openapi({ description: 'ISO-8601; default 24 hours ago' }),
        limit: z.string().optional().openapi({ description: 'newest readings per guard, at most 1440 (the default)' }),
      }),
    },
    {
      200: json(
        'One series per guard, in the order of the plan',
        z.object({ plan: z.string(), guards: z.array(GuardSeriesView) }),
      ),
      ...problemResponses(400, 401, 404),
    },
  );
  route(
    'get',
    '/projects/{key}/impact',
    'Errors and requests per flag, environment, application and minute (default: the last hour), for guard charts',
    {
      params: z.object({ key: z.string() }),
      query: z.object({
        flag: z.string().optional(),
        environment: z.string().optional(),
        since: z.string().optional(),
      }),
    },
    { 200: json('Counts per minute, oldest first', itemsOf(ImpactRowView)), ...problemResponses(400, 401, 404) },
  );
  route(
    'post',
    '/impact',
    'Report errors and requests served with a flag (client token of the project and environment in Authorization); error-rate guards read these',
    body(ImpactBody),
    { 202: { description: 'Counted in the current minute' }, ...problemResponses(400, 401, 403, 404) },
  );
}
