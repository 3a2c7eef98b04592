import { randomUUID } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { problemResponses } from '../../../platform/http/openapi-schemas.js';
import { parseJsonBody } from '../../../platform/http/parse-json-body.js';
import { ValidationError } from '../../../platform/http/problem.js';
import { ContextError, toToggleContext } from '../model/evaluation-context.js';
import type { ClientService } from '../service/client-service.js';
import type { EvaluationService } from '../service/evaluation-service.js';
import { requireClientToken } from './client-routes.js';

const FrontendBody = z.object({ context: z.record(z.string(), z.unknown()).default({}) });
const MetricsBody = z.looseObject({
  appName: z.string().min(1),
  bucket: z.object({
    start: z.union([z.string(), z.number()]),
    toggles: z.record(
      z.string(),
      z.object({
        yes: z.number().int().min(0).optional(),
        no: z.number().int().min(0).optional(),
        variants: z.record(z.string(), z.number().int().min(0)).optional(),
      }),
    ),
  }),
});

function remoteAddressOf(c: Context<AppEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * Unleash's frontend API (what the browser and mobile SDKs call, and Unleash's
 * proxy and Edge serve): the toggles that are on for a context, with variants,
 * evaluated on the server by the SDK's evaluator. Frontend tokens only; CORS is
 * open because the token, not a cookie, is the credential.
 *
 * @example
 * registerFrontendRoutes(app, { client, evaluation });
 */
export function registerFrontendRoutes(
  app: OpenAPIHono<AppEnv>,
  options: { client: ClientService; evaluation: EvaluationService },
): void {
  const { client, evaluation } = options;
  documentFrontendRoutes(app);
  const open = cors({
    origin: '*',
    allowHeaders: [
      'Authorization',
      'Content-Type',
      'If-None-Match',
      'unleash-appname',
      'unleash-sdk',
      'unleash-connection-id',
    ],
    exposeHeaders: ['ETag'],
  });
  app.use('/api/frontend', open);
  app.use('/api/frontend/*', open);

  const answer = async (c: Context<AppEnv>, input: Record<string, unknown>) => {
    const token = await requireClientToken(c, client, 'frontend');
    let context: ReturnType<typeof toToggleContext>;
    try {
      context = toToggleContext(input, {
        sessionId: randomUUID(),
        remoteAddress: remoteAddressOf(c),
        environment: token.environment,
      });
    } catch (error) {
      if (error instanceof ContextError)
        throw new ValidationError(error.message, [
          { field: error.message.split(' ')[0] ?? 'context', message: error.message },
        ]);
      throw error;
    }
    const results = await evaluation.evaluateAll({ project: token.project, environment: token.environment }, context);
    const toggles = results
      .filter((r) => r.enabled)
      .map((r) => ({
        name: r.name,
        enabled: true,
        impressionData: r.definition?.impressionData ?? false,
        variant: {
          name: r.variant.name,
          enabled: r.variant.enabled,
          ...(r.variant.payload ? { payload: r.variant.payload } : {}),
          feature_enabled: r.variant.feature_enabled,
          featureEnabled: r.variant.feature_enabled,
        },
      }));
    return c.json({ toggles }, 200, { 'cache-control': 'no-cache' });
  };

  app.get('/api/frontend', async (c) => answer(c, c.req.query()));
  app.post('/api/frontend', async (c) => answer(c, (await parseJsonBody(c, FrontendBody)).context));
  app.post('/api/frontend/client/register', async (c) => {
    await requireClientToken(c, client, 'frontend');
    return c.body(null, 200);
  });
  app.post('/api/frontend/client/metrics', async (c) => {
    const token = await requireClientToken(c, client, 'frontend');
    const body = await parseJsonBody(c, MetricsBody);
    await client.recordMetrics(token, {
      appName: body.appName,
      bucket: { start: String(body.bucket.start), toggles: body.bucket.toggles },
    });
    return c.body(null, 200);
  });
}

function documentFrontendRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  const tags = ['unleash frontend API'];
  const security = [{ unleashToken: [] }];
  const Toggles = z
    .object({
      toggles: z.array(
        z.object({
          name: z.string(),
          enabled: z.boolean(),
          impressionData: z.boolean(),
          variant: z.object({
            name: z.string(),
            enabled: z.boolean(),
            payload: z.object({ type: z.string(), value: z.string() }).optional(),
            feature_enabled: z.boolean(),
            featureEnabled: z.boolean(),
          }),
        }),
      ),
    })
    .openapi('FrontendToggles');
  const ok = {
    200: {
      description: 'The toggles that are on for this context',
      content: { 'application/json': { schema: Toggles } },
    },
  };
  r.registerPath({
    method: 'get',
    path: '/api/frontend',
    tags,
    security,
    summary: 'Enabled toggles for the context in the query (userId, sessionId, any property)',
    request: {
      query: z.looseObject({
        userId: z.string().optional(),
        sessionId: z.string().optional(),
        appName: z.string().optional(),
      }),
    },
    responses: { ...ok, ...problemResponses(401, 403) },
  });
  r.registerPath({
    method: 'post',
    path: '/api/frontend',
    tags,
    security,
    summary: 'Enabled toggles for the context in the body',
    request: { body: { content: { 'application/json': { schema: FrontendBody } } } },
    responses: { ...ok, ...problemResponses(400, 401, 403) },
  });
  for (const path of ['/api/frontend/client/register', '/api/frontend/client/metrics']) {
    r.registerPath({
      method: 'post',
      path,
      tags,
      security,
      summary: path.endsWith('metrics')
        ? 'Yes/no and variant counts from a frontend SDK'
        : 'A frontend SDK announces itself',
      responses: { 200: { description: 'Accepted' }, ...problemResponses(400, 401, 403) },
    });
  }
}
