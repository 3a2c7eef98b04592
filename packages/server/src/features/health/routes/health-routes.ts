import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { MembershipResolver } from '../../../platform/auth/actor.js';
import { assertAdmin, assertCanWrite, requireActor } from '../../../platform/auth/authorize.js';
import type { EventLog } from '../../../platform/events/event-log.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { problemResponses } from '../../../platform/http/openapi-schemas.js';
import { parseJsonBody } from '../../../platform/http/parse-json-body.js';
import { ValidationError } from '../../../platform/http/problem.js';
import type { JobQueue } from '../../../platform/queue/job-queue.js';
import type { CatalogReader } from '../../catalog/index.js';
import { ownerOf } from '../../catalog/index.js';
import type { HealthService } from '../engine/health-service.js';
import { EVALUATE_ALL_JOB, REFRESH_ALL_JOB, REFRESH_BATCH_JOB } from '../jobs.js';
import { normaliseRef } from '../model/entity-ref.js';
import * as S from './health-schemas.js';

const ApplyBody = z.object({ yaml: z.string().min(1), file: z.string().min(1).optional() });
const AttestBody = z.object({
  check: z.string().min(1),
  status: z.enum(['passed', 'failed']),
  note: z.string().max(2000).optional(),
});
const RefreshBody = z.object({
  entityRefs: z.array(z.string().min(1)).max(500).optional(),
  /** Run now and answer with the report (only with entityRefs); otherwise queue jobs. */
  wait: z.boolean().optional(),
});

/** Refreshing this many entities at once in a request is fine; more go to the queue. */
const INLINE_LIMIT = 50;

export interface HealthRouteDeps {
  service: HealthService;
  queue: JobQueue;
  events: EventLog;
  catalog: CatalogReader;
  membership: MembershipResolver;
}

/**
 * Tech health's HTTP API under /api/health: definitions, an entity's results and
 * levels, attestations of manual checks, refresh (collect + evaluate), roll-ups per
 * group, campaigns and the automerge gate. Shapes are in health-schemas.ts and
 * docs/health.md.
 *
 * @example
 * registerHealthRoutes(app, { service, queue, events, catalog, membership });
 */
export function registerHealthRoutes(app: OpenAPIHono<AppEnv>, deps: HealthRouteDeps): void {
  const { service, queue, events, catalog, membership } = deps;
  const base = '/api/health';
  documentHealthRoutes(app, base);

  app.get(`${base}/definitions`, async (c) => {
    requireActor(c);
    return c.json({ items: await service.definitions() }, 200);
  });

  app.post(`${base}/definitions`, async (c) => {
    const actor = requireActor(c);
    const body = await parseJsonBody(c, ApplyBody);
    const result = await service.applyDefinitions(actor, body);
    if (result.applied.some((a) => a.changed)) await queue.enqueue(EVALUATE_ALL_JOB, {}, { key: EVALUATE_ALL_JOB });
    return c.json(result, 200);
  });

  app.delete(`${base}/definitions/:kind/:name`, async (c) => {
    const actor = requireActor(c);
    await service.deleteDefinition(actor, c.req.param('kind'), c.req.param('name'));
    await queue.enqueue(EVALUATE_ALL_JOB, {}, { key: EVALUATE_ALL_JOB });
    return c.body(null, 204);
  });

  const refOf = (c: { req: { param(name: string): string } }) =>
    `${c.req.param('kind')}:${c.req.param('namespace')}/${c.req.param('name')}`;

  app.get(`${base}/entities/:kind/:namespace/:name`, async (c) => {
    const actor = requireActor(c);
    return c.json(await service.entityHealth(refOf(c), { viewer: actor }), 200);
  });

  app.get(`${base}/entities/:kind/:namespace/:name/history`, async (c) => {
    requireActor(c);
    return c.json(await service.entityHistory(refOf(c)), 200);
  });

  app.post(`${base}/entities/:kind/:namespace/:name/attestations`, async (c) => {
    const actor = requireActor(c);
    const body = await parseJsonBody(c, AttestBody);
    return c.json(await service.attest(actor, { entityRef: refOf(c), ...body }), 200);
  });

  app.post(`${base}/refresh`, async (c) => {
    const actor = requireActor(c);
    const body = await parseJsonBody(c, RefreshBody);
    if (!body.entityRefs) {
      assertAdmin(actor);
      await queue.enqueue(REFRESH_ALL_JOB, {}, { key: REFRESH_ALL_JOB });
      await events.append(actor, { type: 'health.refresh.requested', subject: 'all' });
      return c.json({ queued: true }, 202);
    }
    const refs = body.entityRefs.map((ref) => {
      const normalised = normaliseRef(ref, 'component');
      if (!normalised)
        throw new ValidationError(`"${ref}" is not an entity ref`, [{ field: 'entityRefs', message: ref }]);
      return normalised;
    });
    // Owners may refresh their own components; admins anything.
    const entities = await catalog.entitiesByRefs(refs);
    const owners = [...new Set(entities.map((e) => (e ? ownerOf(e) : null)).filter((o): o is string => o !== null))];
    for (const owner of owners.length > 0 ? owners : ['(no owner)']) {
      await assertCanWrite(actor, { ownerRefs: owner === '(no owner)' ? [] : [owner], membership });
    }
    await events.append(actor, {
      type: 'health.refresh.requested',
      subject: refs.join(','),
      data: { entities: refs.length },
    });
    if (body.wait && refs.length <= INLINE_LIMIT) return c.json(await service.refresh({ entityRefs: refs }), 200);
    await queue.enqueue(REFRESH_BATCH_JOB, { entityRefs: refs });
    return c.json({ queued: true }, 202);
  });

  const groupOf = (c: { req: { param(name: string): string } }) =>
    `group:${c.req.param('namespace')}/${c.req.param('name')}`;

  app.get(`${base}/groups/:namespace/:name/rollup`, async (c) => {
    requireActor(c);
    const entities = c.req.query('entities');
    if (entities !== undefined && entities !== 'true' && entities !== 'false') {
      throw new ValidationError('entities must be true or false', [{ field: 'entities', message: entities }]);
    }
    return c.json(
      await service.rollup(groupOf(c), { ...daysOf(c.req.query('days')), entities: entities === 'true' }),
      200,
    );
  });

  app.get(`${base}/groups/:namespace/:name/check-trend`, async (c) => {
    requireActor(c);
    return c.json(await service.checkTrend(groupOf(c), daysOf(c.req.query('days'))), 200);
  });

  app.get(`${base}/campaigns`, async (c) => {
    requireActor(c);
    return c.json({ items: await service.campaigns() }, 200);
  });

  app.get(`${base}/campaigns/:name`, async (c) => {
    requireActor(c);
    return c.json(await service.campaign(c.req.param('name')), 200);
  });

  app.get(`${base}/gate`, async (c) => {
    requireActor(c);
    const entity = c.req.query('entity');
    const level = c.req.query('level');
    if (!entity || !level) {
      throw new ValidationError('entity and level are required', [
        ...(entity ? [] : [{ field: 'entity', message: 'is required' }]),
        ...(level ? [] : [{ field: 'level', message: 'is required' }]),
      ]);
    }
    return c.json(await service.gate(entity, level), 200);
  });
}

/** The `days` query of the trend routes: a whole number from 1 to 366, or absent (the service's default). */
function daysOf(days: string | undefined): { days?: number } {
  if (days === undefined) return {};
  const n = Number(days);
  if (!Number.isInteger(n) || n < 1 || n > 366) {
    throw new ValidationError('days must be a whole number from 1 to 366', [{ field: 'days', message: days }]);
  }
  return { days: n };
}

/** Adds the health routes to the OpenAPI document (the handlers validate their own input). */
function documentHealthRoutes(app: OpenAPIHono<AppEnv>, base: string): void {
  const r = app.openAPIRegistry;
  const tags = ['health'];
  const json = (description: string, schema: z.ZodType) => ({
    description,
    content: { 'application/json': { schema } },
  });
  const Entity = z.object({ kind: z.string(), namespace: z.string(), name: z.string() });
  r.registerPath({
    method: 'get',
    path: `${base}/definitions`,
    tags,
    summary: 'Every applied Check, Track and Campaign',
    responses: { 200: json('Definitions', z.object({ items: z.array(S.StoredDefinition) })), ...problemResponses(401) },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/definitions`,
    tags,
    summary: 'Apply a YAML file of Check, Track and Campaign documents (admins); all or nothing',
    request: { body: { content: { 'application/json': { schema: ApplyBody } } } },
    responses: {
      200: json('What was applied', S.ApplyResult),
      ...problemResponses(400, 401, 403),
    },
  });
  r.registerPath({
    method: 'delete',
    path: `${base}/definitions/{kind}/{name}`,
    tags,
    summary: 'Delete a definition (admins); a check still used by a track or campaign is refused',
    request: { params: z.object({ kind: z.enum(['Check', 'Track', 'Campaign']), name: z.string() }) },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 403, 404) },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/entities/{kind}/{namespace}/{name}`,
    tags,
    summary: "An entity's check results, certification per track and facts",
    request: { params: Entity },
    responses: { 200: json('Entity health', S.EntityHealth), ...problemResponses(401, 404) },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/entities/{kind}/{namespace}/{name}/history`,
    tags,
    summary: "An entity's certification changes and status changes over time",
    request: { params: Entity },
    responses: { 200: json('History', S.EntityHistory), ...problemResponses(401) },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/entities/{kind}/{namespace}/{name}/attestations`,
    tags,
    summary: 'Attest a manual check (owners of the entity, or admins); it expires after the check period',
    request: { params: Entity, body: { content: { 'application/json': { schema: AttestBody } } } },
    responses: {
      200: json('Entity health after the attestation', S.EntityHealth),
      ...problemResponses(400, 401, 403, 404),
    },
  });
  r.registerPath({
    method: 'post',
    path: `${base}/refresh`,
    tags,
    summary:
      'Collect facts and evaluate: every entity (admins; queued) or the given ones (their owners; with wait, answered inline up to 50)',
    request: { body: { content: { 'application/json': { schema: RefreshBody } } } },
    responses: {
      200: json('Collection and evaluation report', S.RefreshReport),
      202: json('Queued', z.object({ queued: z.boolean() })),
      ...problemResponses(400, 401, 403),
    },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/groups/{namespace}/{name}/rollup`,
    tags,
    summary:
      'Roll-up for a group and every group under it (squad, tribe, department): pass rate per check, certification distribution and trend, leaderboard',
    request: {
      params: z.object({ namespace: z.string(), name: z.string() }),
      query: z.object({
        days: z.string().optional().openapi({ description: 'Trend length in days, 1-366, default 30' }),
        entities: z
          .enum(['true', 'false'])
          .optional()
          .openapi({ description: 'Also list every component in scope with its levels and pass rate' }),
      }),
    },
    responses: { 200: json('Roll-up', S.GroupRollup), ...problemResponses(400, 401, 404) },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/groups/{namespace}/{name}/check-trend`,
    tags,
    summary:
      'Pass rate per day, per check and over every check, for the components of a group and every group under it (replayed from their status history)',
    request: {
      params: z.object({ namespace: z.string(), name: z.string() }),
      query: z.object({
        days: z.string().optional().openapi({ description: 'Trend length in days, 1-366, default 30' }),
      }),
    },
    responses: { 200: json('Pass-rate trend', S.GroupCheckTrend), ...problemResponses(400, 401, 404) },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/campaigns`,
    tags,
    summary: 'Every campaign with totals, per-squad counts and burndown',
    responses: { 200: json('Campaigns', z.object({ items: z.array(S.Campaign) })), ...problemResponses(401) },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/campaigns/{name}`,
    tags,
    summary: 'One campaign',
    request: { params: z.object({ name: z.string() }) },
    responses: { 200: json('Campaign', S.Campaign), ...problemResponses(401, 404) },
  });
  r.registerPath({
    method: 'get',
    path: `${base}/gate`,
    tags,
    summary: "Whether an entity is certified at a level or above (Fleet Shift's automerge gate)",
    request: {
      query: z.object({
        entity: z.string().openapi({ description: 'Entity ref, e.g. component:default/web' }),
        level: z.string().openapi({ description: 'A level name (silver) or track/level' }),
      }),
    },
    responses: { 200: json('Gate', S.GateAnswer), ...problemResponses(400, 401) },
  });
}
