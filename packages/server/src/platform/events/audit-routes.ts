import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requireActor } from '../auth/authorize.js';
import { createApiRouter } from '../http/api-router.js';
import type { AppEnv } from '../http/app-env.js';
import { problemResponses } from '../http/openapi-schemas.js';
import type { EventLog } from './event-log.js';
import { DEFAULT_EVENT_LIMIT } from './sql-event-log.js';

/** Largest page the audit API serves (below the log's own cap, leaving room for the look-ahead row). */
const AUDIT_MAX_LIMIT = 200;

const StoredEventSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    type: z.string(),
    subject: z.string(),
    actor: z.object({
      kind: z.enum(['user', 'token', 'system']),
      id: z.string(),
      displayName: z.string(),
      userRef: z.string().optional(),
    }),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('StoredEvent');

const listAuditRoute = createRoute({
  method: 'get',
  path: '/api/audit',
  tags: ['audit'],
  summary: 'The audit trail, newest first; page with `before` = the previous `nextBefore`',
  request: {
    query: z.object({
      type: z.string().optional(),
      typePrefix: z.string().optional(),
      subject: z.string().optional(),
      actorId: z.string().optional(),
      before: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(AUDIT_MAX_LIMIT).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Events',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(StoredEventSchema), nextBefore: z.string().optional() }),
        },
      },
    },
    ...problemResponses(400, 401),
  },
});

/**
 * GET /api/audit: any signed-in actor may read the audit trail.
 *
 * @example
 * app.route('/', createAuditRoutes({ events }));
 */
export function createAuditRoutes(options: { events: EventLog }): OpenAPIHono<AppEnv> {
  const router = createApiRouter();
  router.openapi(listAuditRoute, async (c) => {
    requireActor(c);
    const query = c.req.valid('query');
    const limit = query.limit ?? DEFAULT_EVENT_LIMIT;
    // One extra row tells whether another page exists without a count query.
    const rows = await options.events.list({ ...stripEmpty(query), limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return c.json({ items, ...(rows.length > limit && last ? { nextBefore: last.id } : {}) }, 200);
  });
  return router;
}

function stripEmpty<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}
