import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { requireActor } from '../../../platform/auth/authorize.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { problemResponses } from '../../../platform/http/openapi-schemas.js';
import { ValidationError } from '../../../platform/http/problem.js';
import {
  CHANGE_STATUSES,
  type ChangeStatus,
  CreateChangeBody,
  DecisionBody,
  GovernanceBody,
} from '../governance/change-model.js';
import type { GovernanceService } from '../governance/governance-service.js';
import type { StaleFlags } from '../governance/stale-flags.js';
import { optionalToggleBody, parseToggleBody } from './parse-body.js';
import { ChangeRequestView, GovernanceView, StaleReportView } from './rollout-views.js';
import { itemsOf } from './view-schemas.js';

const BASE = '/api/toggles';

function parseStatus(raw: string | undefined): ChangeStatus | undefined {
  if (raw === undefined) return undefined;
  if (!(CHANGE_STATUSES as readonly string[]).includes(raw)) {
    throw new ValidationError(`Unknown status "${raw}"`, [
      { field: 'query.status', message: CHANGE_STATUSES.join(', ') },
    ]);
  }
  return raw as ChangeStatus;
}

/**
 * Governance: per-project four-eyes setting, change requests (approval and
 * scheduled changes) and the stale-flag report.
 *
 * @example
 * registerGovernanceRoutes(app, { governance, stale });
 */
export function registerGovernanceRoutes(
  app: OpenAPIHono<AppEnv>,
  options: { governance: GovernanceService; stale: StaleFlags },
): void {
  const { governance, stale } = options;
  documentGovernanceRoutes(app);

  app.get(`${BASE}/projects/:key/governance`, async (c) => {
    const actor = requireActor(c);
    return c.json(await governance.settings(c.req.param('key'), { viewer: actor }), 200);
  });
  app.put(`${BASE}/projects/:key/governance`, async (c) => {
    const actor = requireActor(c);
    const body = await parseToggleBody(c, GovernanceBody);
    return c.json(await governance.setSettings(actor, c.req.param('key'), body), 200);
  });
  app.post(`${BASE}/projects/:key/flags/:name/environments/:env/changes`, async (c) => {
    const actor = requireActor(c);
    const body = await parseToggleBody(c, CreateChangeBody);
    const change = await governance.request(
      actor,
      { project: c.req.param('key'), flag: c.req.param('name'), environment: c.req.param('env') },
      body,
    );
    return c.json(change, 201);
  });
  app.get(`${BASE}/projects/:key/changes`, async (c) => {
    requireActor(c);
    const status = parseStatus(c.req.query('status'));
    const items = await governance.list({ project: c.req.param('key'), ...(status ? { status } : {}) });
    return c.json({ items }, 200);
  });
  app.get(`${BASE}/changes/:id`, async (c) => {
    requireActor(c);
    return c.json(await governance.get(c.req.param('id')), 200);
  });
  app.post(`${BASE}/changes/:id/approve`, async (c) => {
    const actor = requireActor(c);
    const { comment } = await optionalToggleBody(c, DecisionBody);
    return c.json(await governance.approve(actor, c.req.param('id'), comment), 200);
  });
  app.post(`${BASE}/changes/:id/reject`, async (c) => {
    const actor = requireActor(c);
    const { comment } = await optionalToggleBody(c, DecisionBody);
    return c.json(await governance.reject(actor, c.req.param('id'), comment), 200);
  });
  app.post(`${BASE}/changes/:id/cancel`, async (c) =>
    c.json(await governance.cancel(requireActor(c), c.req.param('id')), 200),
  );
  app.get(`${BASE}/stale`, async (c) => {
    requireActor(c);
    const owner = c.req.query('owner');
    return c.json(await stale.report(owner ? { owner } : {}), 200);
  });
}

function documentGovernanceRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  const tags = ['toggles'];
  const json = (description: string, schema: z.ZodType) => ({
    description,
    content: { 'application/json': { schema } },
  });
  const body = (schema: z.ZodType, required = true) => ({
    body: { content: { 'application/json': { schema } }, required },
  });
  const Key = z.object({ key: z.string() });
  const Id = z.object({ id: z.string() });
  const change = json('The change request', ChangeRequestView);
  const writeErrors = problemResponses(400, 401, 403, 404, 409);
  const route = (
    method: 'get' | 'post' | 'put',
    path: string,
    summary: string,
    request: Record<string, unknown>,
    responses: Record<number, unknown>,
  ) => r.registerPath({ method, path: `${BASE}${path}`, tags, summary, request, responses } as never);

  route(
    'get',
    '/projects/{key}/governance',
    'Whether production changes of the project need approval, and whether the caller may change that',
    { params: Key },
    {
      200: json('Settings', GovernanceView),
      ...problemResponses(401, 404),
    },
  );
  route(
    'put',
    '/projects/{key}/governance',
    'Turn four-eyes approval for production changes on or off (owners, admins)',
    { params: Key, ...body(GovernanceBody) },
    {
      200: json('Settings', GovernanceView),
      ...writeErrors,
    },
  );
  route(
    'post',
    '/projects/{key}/flags/{name}/environments/{env}/changes',
    'Request a change (enable, disable, rollout, strategies, variants, start-plan), now or at applyAt; pending when it needs approval, else scheduled or applied',
    { params: z.object({ key: z.string(), name: z.string(), env: z.string() }), ...body(CreateChangeBody) },
    { 201: change, ...writeErrors },
  );
  route(
    'get',
    '/projects/{key}/changes',
    'Change requests of a project, newest first',
    { params: Key, query: z.object({ status: z.enum(CHANGE_STATUSES).optional() }) },
    { 200: json('Change requests', itemsOf(ChangeRequestView)), ...problemResponses(400, 401, 404) },
  );
  route('get', '/changes/{id}', 'One change request', { params: Id }, { 200: change, ...problemResponses(401, 404) });
  route(
    'post',
    '/changes/{id}/approve',
    'Approve a pending change (another owner or an admin, never the requester); it applies now or at its time',
    { params: Id, ...body(DecisionBody, false) },
    { 200: change, ...writeErrors },
  );
  route(
    'post',
    '/changes/{id}/reject',
    'Reject a pending change',
    { params: Id, ...body(DecisionBody, false) },
    { 200: change, ...writeErrors },
  );
  route(
    'post',
    '/changes/{id}/cancel',
    'Cancel a pending or scheduled change (its requester or an owner)',
    { params: Id },
    { 200: change, ...writeErrors },
  );
  route(
    'get',
    '/stale',
    'Stale flags per owning group: past their type lifetime, fully on for long, unused, or marked',
    { query: z.object({ owner: z.string().optional() }) },
    { 200: json('The report', StaleReportView), ...problemResponses(401) },
  );
}
