import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { problemResponses } from '../../../platform/http/openapi-schemas.js';
import { parseJsonBody } from '../../../platform/http/parse-json-body.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../../platform/http/problem.js';
import { supportsGlobalSegments } from '../model/client-payload.js';
import { clientTokenFromHeader } from '../model/client-token-text.js';
import type { ClientToken, TokenType } from '../model/records.js';
import type { ChangeFeed } from '../service/change-feed.js';
import type { ClientScope, ClientService } from '../service/client-service.js';
import { createClientStreamHub, type StreamSink } from '../service/client-stream-hub.js';
import { createDeltaPolling } from '../service/delta-polling.js';

/** Events a stream may have waiting for its reader before it is ended. */
const MAX_QUEUED_EVENTS = 1_000;

const RegisterBody = z.looseObject({
  appName: z.string().min(1),
  instanceId: z.string().optional(),
  sdkVersion: z.string().optional(),
  strategies: z.array(z.string()).default([]),
  interval: z.number().optional(),
  started: z.union([z.string(), z.number()]).optional(),
});

const count = z.number().int().min(0);
const MetricsBody = z.looseObject({
  appName: z.string().min(1),
  instanceId: z.string().optional(),
  bucket: z.object({
    start: z.union([z.string(), z.number()]),
    stop: z.union([z.string(), z.number()]).optional(),
    toggles: z.record(
      z.string(),
      z.object({ yes: count.optional(), no: count.optional(), variants: z.record(z.string(), count).optional() }),
    ),
  }),
});

/**
 * The token of a request as Unleash SDKs send it (`Authorization: <token>`), or a
 * 401; a token of the wrong type is a 403, as Unleash answers.
 */
export async function requireClientToken(
  c: Context<AppEnv>,
  client: ClientService,
  type: TokenType | TokenType[],
): Promise<ClientToken> {
  const token = await client.authenticate(clientTokenFromHeader(c.req.header('authorization')));
  if (!token)
    throw new UnauthenticatedError('This endpoint requires a valid client or frontend token in Authorization');
  const types = Array.isArray(type) ? type : [type];
  if (!types.includes(token.type)) {
    throw new ForbiddenError(`invalid token: expected a ${types.join(' or ')} token for this endpoint`);
  }
  return token;
}

/** Whether an If-None-Match header (a list, possibly weak tags from proxies) names `etag`. */
export function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** The scope asked for: the token's, narrowed by `?project=` only within what the token may read. */
function scopeOf(c: Context<AppEnv>, token: ClientToken): ClientScope {
  const asked = c.req.queries('project') ?? [];
  if (asked.length === 0) return { project: token.project, environment: token.environment };
  if (asked.length > 1 || (token.project !== '*' && asked[0] !== token.project)) {
    throw new ForbiddenError(`This token reads project "${token.project}" only`);
  }
  return { project: asked[0] as string, environment: token.environment };
}

/**
 * Unleash's client API at the paths its SDKs call: features (ETag and 304), delta
 * polling, one feature, register, metrics and the Server-Sent Events stream.
 *
 * @example
 * registerClientRoutes(app, { client, feed });
 */
export function registerClientRoutes(
  app: OpenAPIHono<AppEnv>,
  options: { client: ClientService; feed: ChangeFeed },
): void {
  const { client, feed } = options;
  const hub = createClientStreamHub({ client, feed });
  const delta = createDeltaPolling(client);
  documentClientRoutes(app);

  app.get('/api/client/features', async (c) => {
    const token = await requireClientToken(c, client, 'client');
    const scope = scopeOf(c, token);
    const inlineSegments = !supportsGlobalSegments(c.req.header('unleash-client-spec'));
    const prefix = c.req.query('namePrefix');
    const ifNoneMatch = c.req.header('if-none-match');
    const headers = { 'cache-control': 'no-cache' };
    if (ifNoneMatch && !prefix) {
      const etag = await client.etagOf(scope, { inlineSegments });
      if (etagMatches(ifNoneMatch, etag)) return c.body(null, 304, { ...headers, etag });
    }
    const features = await client.features(scope, { inlineSegments });
    if (!prefix) {
      return c.body(features.body, 200, {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        etag: features.etag,
      });
    }
    const filtered = {
      ...features.payload,
      features: features.payload.features.filter((f) => f.name.startsWith(prefix)),
    };
    return c.json(filtered, 200, headers);
  });

  app.get('/api/client/delta', async (c) => {
    const token = await requireClientToken(c, client, 'client');
    const answer = await delta.poll(scopeOf(c, token), c.req.header('if-none-match'), c.req.query('namePrefix'));
    const headers = { 'cache-control': 'no-cache', etag: answer.etag };
    if (answer.status === 304) return c.body(null, 304, headers);
    return c.json(answer.body, 200, headers);
  });

  app.get('/api/client/features/:name', async (c) => {
    const token = await requireClientToken(c, client, 'client');
    const features = await client.features(scopeOf(c, token), {
      inlineSegments: !supportsGlobalSegments(c.req.header('unleash-client-spec')),
    });
    const feature = features.payload.features.find((f) => f.name === c.req.param('name'));
    if (!feature) throw new NotFoundError(`No feature "${c.req.param('name')}" for this token`);
    return c.json(feature, 200);
  });

  app.post('/api/client/register', async (c) => {
    const token = await requireClientToken(c, client, 'client');
    const body = await parseJsonBody(c, RegisterBody);
    await client.register(token, body);
    return c.body(null, 202);
  });

  app.post('/api/client/metrics', async (c) => {
    const token = await requireClientToken(c, client, 'client');
    const body = await parseJsonBody(c, MetricsBody);
    await client.recordMetrics(token, {
      appName: body.appName,
      bucket: { start: String(body.bucket.start), toggles: body.bucket.toggles },
    });
    return c.body(null, 202);
  });

  app.get('/api/client/streaming', async (c) => {
    const token = await requireClientToken(c, client, 'client');
    const scope = scopeOf(c, token);
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    let leave: (() => void) | undefined;
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      leave?.();
    };
    // A plain byte stream: every stream of a scope is handed the same encoded event.
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
      },
      cancel: finish,
    });
    const sink: StreamSink = {
      write(bytes) {
        if (closed || !controller) return;
        // A reader this far behind is gone or stuck: it reconnects and gets the full payload.
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED_EVENTS) {
          sink.end();
          return;
        }
        controller.enqueue(bytes);
      },
      end() {
        if (closed) return;
        finish();
        try {
          controller?.close();
        } catch {
          // Already closed by the reader.
        }
      },
    };
    leave = await hub.join(scope, sink);
    if (closed) leave();
    return c.body(body, 200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // Tells the HTTP server not to wait for the end of the body to size it.
      'transfer-encoding': 'chunked',
    });
  });
}

function documentClientRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  const tags = ['unleash client API'];
  const security = [{ unleashToken: [] }];
  r.registerComponent('securitySchemes', 'unleashToken', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'A client or frontend token, `<project>:<environment>.<secret>`, sent as is (Unleash style)',
  });
  const ok = (description: string) => ({ description, content: { 'application/json': { schema: z.unknown() } } });
  r.registerPath({
    method: 'get',
    path: '/api/client/features',
    tags,
    security,
    summary: "Unleash client features (format 2) of the token's project and environment; ETag and 304",
    request: { query: z.object({ project: z.string().optional(), namePrefix: z.string().optional() }) },
    responses: { 200: ok('Features and segments'), 304: { description: 'Unchanged' }, ...problemResponses(401, 403) },
  });
  r.registerPath({
    method: 'get',
    path: '/api/client/delta',
    tags,
    security,
    summary:
      'Unleash delta polling: a hydration event first, then the delta events since the payload the ETag names (If-None-Match), or 304 when it is current',
    request: { query: z.object({ project: z.string().optional(), namePrefix: z.string().optional() }) },
    responses: { 200: ok('`{ events: [...] }`'), 304: { description: 'Unchanged' }, ...problemResponses(401, 403) },
  });
  r.registerPath({
    method: 'get',
    path: '/api/client/features/{name}',
    tags,
    security,
    summary: 'One feature in client format',
    request: { params: z.object({ name: z.string() }) },
    responses: { 200: ok('The feature'), ...problemResponses(401, 403, 404) },
  });
  r.registerPath({
    method: 'post',
    path: '/api/client/register',
    tags,
    security,
    summary: 'An SDK instance announces itself',
    request: { body: { content: { 'application/json': { schema: RegisterBody } } } },
    responses: { 202: { description: 'Recorded' }, ...problemResponses(400, 401, 403) },
  });
  r.registerPath({
    method: 'post',
    path: '/api/client/metrics',
    tags,
    security,
    summary: 'Yes/no and variant counts of one metrics bucket',
    request: { body: { content: { 'application/json': { schema: MetricsBody } } } },
    responses: { 202: { description: 'Recorded' }, ...problemResponses(400, 401, 403) },
  });
  r.registerPath({
    method: 'get',
    path: '/api/client/streaming',
    tags,
    security,
    summary:
      'Server-Sent Events: unleash-connected with the full payload, then unleash-updated with the delta events (`{ events: [...] }`, as Unleash streams) of every change in scope',
    responses: { 200: { description: 'text/event-stream' }, ...problemResponses(401, 403) },
  });
}
