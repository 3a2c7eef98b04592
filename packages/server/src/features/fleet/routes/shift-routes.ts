import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { requireActor } from '../../../platform/auth/authorize.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { parseJsonBody } from '../../../platform/http/parse-json-body.js';
import { ValidationError } from '../../../platform/http/problem.js';
import type { ShiftService } from '../engine/shift-service.js';
import { DEFAULT_TARGET_LIMIT, MAX_TARGET_LIMIT } from '../engine/target-page.js';
import { TARGET_STATES, type TargetState } from '../model/target-state.js';

const ApplyBody = z.object({ yaml: z.string().min(1), preview: z.boolean().optional() });
const RetryBody = z.object({ targetIds: z.array(z.string().min(1)).optional() });

/**
 * Fleet Shift's HTTP API under /api/fleet: apply (and preview) a shift, follow its
 * targets, pause, resume, close, retry, and merge one change. Shapes are in
 * engine/shift-views.ts and docs/fleet.md.
 *
 * @example
 * registerShiftRoutes(app, { shifts });
 */
export function registerShiftRoutes(app: OpenAPIHono<AppEnv>, options: { shifts: ShiftService }): void {
  const { shifts } = options;
  const base = '/api/fleet/shifts';
  documentShiftRoutes(app, base);

  app.post(base, async (c) => {
    const actor = requireActor(c);
    const body = await parseJsonBody(c, ApplyBody);
    return c.json(await shifts.apply(actor, body), 200);
  });

  app.get(base, async (c) => {
    requireActor(c);
    return c.json({ items: await shifts.list() }, 200);
  });

  app.get(`${base}/:name`, async (c) => {
    requireActor(c);
    return c.json(await shifts.detail(c.req.param('name')), 200);
  });

  app.get(`${base}/:name/targets`, async (c) => {
    requireActor(c);
    const state = c.req.query('state');
    if (state && !TARGET_STATES.includes(state as TargetState)) {
      throw new ValidationError(`Unknown target state "${state}"`, [
        { field: 'state', message: `one of ${TARGET_STATES.join(', ')}` },
      ]);
    }
    const limit = c.req.query('limit');
    const cursor = c.req.query('cursor');
    const page = await shifts.targets(c.req.param('name'), {
      ...(state ? { states: [state as TargetState] } : {}),
      ...(c.req.query('owner') ? { ownerRef: c.req.query('owner')?.toLowerCase() } : {}),
      ...(c.req.query('q') ? { text: c.req.query('q') } : {}),
      // Anything but digits is not a whole number: the service names the field.
      ...(limit !== undefined ? { limit: /^\d+$/.test(limit) ? Number(limit) : Number.NaN } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    });
    return c.json(page, 200);
  });

  app.get(`${base}/:name/targets/:targetId`, async (c) => {
    requireActor(c);
    return c.json(await shifts.targetDetail(c.req.param('name'), c.req.param('targetId')), 200);
  });

  app.post(`${base}/:name/pause`, async (c) => c.json(await shifts.pause(requireActor(c), c.req.param('name')), 200));
  app.post(`${base}/:name/resume`, async (c) => c.json(await shifts.resume(requireActor(c), c.req.param('name')), 200));
  app.post(`${base}/:name/close`, async (c) => c.json(await shifts.close(requireActor(c), c.req.param('name')), 200));

  app.post(`${base}/:name/retry`, async (c) => {
    const actor = requireActor(c);
    const body = await parseJsonBody(c, RetryBody);
    return c.json(await shifts.retry(actor, c.req.param('name'), body.targetIds), 200);
  });

  app.post(`${base}/:name/targets/:targetId/merge`, async (c) => {
    const actor = requireActor(c);
    return c.json(await shifts.mergeTarget(actor, c.req.param('name'), c.req.param('targetId')), 200);
  });
}

/** Adds the shift routes to the OpenAPI document (the handlers validate their own input). */
function documentShiftRoutes(app: OpenAPIHono<AppEnv>, base: string): void {
  const r = app.openAPIRegistry;
  const tags = ['fleet'];
  const ok = (description: string) => ({ description, content: { 'application/json': { schema: z.unknown() } } });
  const none = (description: string) => ({ description });
  const Name = z.object({ name: z.string() });
  const NameAndTarget = z.object({ name: z.string(), targetId: z.string() });
  r.registerPath({
    method: 'post',
    path: base,
    tags,
    summary: 'Apply a shift spec (create or update); with preview, plan diffs without publishing',
    request: { body: { content: { 'application/json': { schema: ApplyBody } } } },
    responses: {
      200: ok('The shift'),
      400: none('Invalid spec: errors name line and field'),
      403: none('Not allowed'),
    },
  });
  r.registerPath({
    method: 'get',
    path: base,
    tags,
    summary: 'Every shift with totals',
    responses: { 200: ok('Shifts') },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/{name}`,
    tags,
    summary: 'One shift: totals, burndown and spec',
    request: { params: Name },
    responses: { 200: ok('The shift'), 404: none('No such shift') },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/{name}/targets`,
    tags,
    summary: 'One page of the targets of a shift, filtered by state, owner or text, in entity-ref order',
    description:
      'Keyset paging: pass the `nextCursor` of a page as `cursor` (with the same filters) for the next one; ' +
      'the last page has no `nextCursor`. `total` counts every target matching the filters.',
    request: {
      params: Name,
      query: z.object({
        state: z.enum(TARGET_STATES).optional(),
        owner: z.string().optional().openapi({ description: 'Owning group (entity ref)' }),
        q: z.string().optional().openapi({ description: 'Case-insensitive text in the entity ref or repository' }),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_TARGET_LIMIT)
          .optional()
          .openapi({ description: `Targets per page (default ${DEFAULT_TARGET_LIMIT})` }),
        cursor: z.string().optional().openapi({ description: 'The `nextCursor` of the page before (opaque)' }),
      }),
    },
    responses: {
      200: {
        description: 'A page of targets',
        content: {
          'application/json': {
            schema: z.object({
              items: z.array(z.unknown()),
              nextCursor: z.string().optional(),
              total: z.number().int(),
            }),
          },
        },
      },
      400: none('A bad state, limit or cursor: errors name the field'),
      404: none('No such shift'),
    },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/{name}/targets/{targetId}`,
    tags,
    summary: 'One target (the change request): diff, checks, history',
    request: { params: NameAndTarget },
    responses: { 200: ok('The target'), 404: none('No such target') },
  });
  for (const verb of ['pause', 'resume', 'close'] as const) {
    r.registerPath({
      method: 'post',
      path: `${base}/{name}/${verb}`,
      tags,
      summary: `${verb[0]?.toUpperCase()}${verb.slice(1)} a shift`,
      request: { params: Name },
      responses: { 200: ok('The shift'), 403: none('Not allowed'), 404: none('No such shift') },
    });
  }
  r.registerPath({
    method: 'post',
    path: `${base}/{name}/retry`,
    tags,
    summary: 'Plan failed targets again (all failed ones, or the listed ids or entity refs)',
    request: { params: Name, body: { content: { 'application/json': { schema: RetryBody } } } },
    responses: { 200: ok('How many were retried') },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/{name}/targets/{targetId}/merge`,
    tags,
    summary: 'Merge one change into its base branch now',
    request: { params: NameAndTarget },
    responses: { 200: ok('The target'), 409: none('Not mergeable; detail says why') },
  });
}
