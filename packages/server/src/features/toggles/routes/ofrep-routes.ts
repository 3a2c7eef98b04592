import type { EvaluationDetails, VariantPayload } from '@backbeat/toggles-sdk';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { problemResponses } from '../../../platform/http/openapi-schemas.js';
import { ContextError, toToggleContext } from '../model/evaluation-context.js';
import type { ClientService } from '../service/client-service.js';
import type { EvaluationService } from '../service/evaluation-service.js';
import { requireClientToken } from './client-routes.js';

type FlagValue = boolean | string | number | Record<string, unknown> | unknown[];

interface OfrepSuccess {
  key: string;
  reason: string;
  variant: string;
  value: FlagValue;
  metadata: Record<string, string | number | boolean>;
}

interface OfrepFailure {
  key: string;
  errorCode: 'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'GENERAL' | 'FLAG_NOT_FOUND';
  errorDetails: string;
}

function payloadValue(payload: VariantPayload): FlagValue {
  if (payload.type === 'json') return JSON.parse(payload.value) as FlagValue;
  if (payload.type === 'number') return Number(payload.value);
  return payload.value;
}

function hasVariants(details: EvaluationDetails): boolean {
  const def = details.definition;
  if (!def) return false;
  return (def.variants?.length ?? 0) > 0 || (def.strategies ?? []).some((s) => (s.variants?.length ?? 0) > 0);
}

/**
 * OpenFeature's reasons for an Unleash evaluation: off is DISABLED; a variant picked
 * among several, or a percentage rollout, is SPLIT; a strategy with conditions is
 * TARGETING_MATCH; on for everyone is STATIC; on but not for this context is DEFAULT.
 */
function reasonOf(details: EvaluationDetails): string {
  switch (details.reason) {
    case 'DISABLED':
      return 'DISABLED';
    case 'NO_STRATEGIES':
      return 'STATIC';
    case 'DEPENDENCY':
    case 'NO_MATCH':
      return 'DEFAULT';
    default: {
      const def = details.definition;
      const variantCount = Math.max(
        def?.variants?.length ?? 0,
        ...(def?.strategies ?? []).map((s) => s.variants?.length ?? 0),
      );
      if (details.variant.enabled && variantCount > 1) return 'SPLIT';
      const strategy = details.strategy ?? '';
      if (strategy === 'flexibleRollout' || strategy.startsWith('gradualRollout')) return 'SPLIT';
      const conditional = (def?.strategies ?? []).some(
        (s) => (s.constraints?.length ?? 0) > 0 || (s.segments?.length ?? 0) > 0,
      );
      return strategy === 'default' && !conditional ? 'STATIC' : 'TARGETING_MATCH';
    }
  }
}

/**
 * One flag in OFREP terms. Flags without variants are booleans (`on`/`off`). Flags
 * with variants resolve to the chosen variant's payload (json parsed, number as a
 * number) or its name; when no variant applies they answer `false` with variant
 * `disabled`, so a typed OpenFeature call falls back to the caller's default.
 */
export function toOfrep(details: EvaluationDetails): OfrepSuccess | OfrepFailure {
  if (details.reason === 'NOT_FOUND') {
    return { key: details.name, errorCode: 'FLAG_NOT_FOUND', errorDetails: `No flag "${details.name}" for this token` };
  }
  if (details.reason === 'ERROR') {
    return { key: details.name, errorCode: 'GENERAL', errorDetails: `Flag "${details.name}" has a broken definition` };
  }
  const metadata: OfrepSuccess['metadata'] = { enabled: details.enabled };
  if (details.strategy) metadata.strategy = details.strategy;
  if (details.definition?.project) metadata.project = details.definition.project;
  const reason = reasonOf(details);
  if (!hasVariants(details)) {
    return { key: details.name, reason, variant: details.enabled ? 'on' : 'off', value: details.enabled, metadata };
  }
  if (!details.variant.enabled) return { key: details.name, reason, variant: 'disabled', value: false, metadata };
  let value: FlagValue = details.variant.name;
  if (details.variant.payload) {
    try {
      value = payloadValue(details.variant.payload);
    } catch {
      return {
        key: details.name,
        errorCode: 'PARSE_ERROR',
        errorDetails: `The payload of variant "${details.variant.name}" is not valid JSON`,
      };
    }
  }
  return { key: details.name, reason, variant: details.variant.name, value, metadata };
}

const STATUS: Record<OfrepFailure['errorCode'], 400 | 404 | 500> = {
  FLAG_NOT_FOUND: 404,
  PARSE_ERROR: 500,
  GENERAL: 500,
  INVALID_CONTEXT: 400,
  TARGETING_KEY_MISSING: 400,
};

const EvaluationRequest = z
  .object({ context: z.record(z.string(), z.unknown()).optional() })
  .openapi('OfrepEvaluationRequest');

async function readContext(
  c: Context<AppEnv>,
  key: string,
): Promise<{ context: ReturnType<typeof toToggleContext> } | OfrepFailure> {
  let body: unknown = {};
  const text = await c.req.text();
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      return { key, errorCode: 'PARSE_ERROR', errorDetails: 'The request body is not JSON' };
    }
  }
  const parsed = EvaluationRequest.safeParse(body);
  if (!parsed.success) return { key, errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be an object' };
  try {
    return { context: toToggleContext(parsed.data.context ?? {}) };
  } catch (error) {
    if (error instanceof ContextError) return { key, errorCode: 'INVALID_CONTEXT', errorDetails: error.message };
    throw error;
  }
}

/**
 * The OpenFeature Remote Evaluation Protocol: single and bulk evaluation with
 * OpenFeature's reasons and error codes, so OFREP providers (server and web) work
 * unchanged. Client or frontend tokens in Authorization (raw or Bearer).
 *
 * @example
 * registerOfrepRoutes(app, { client, evaluation });
 */
export function registerOfrepRoutes(
  app: OpenAPIHono<AppEnv>,
  options: { client: ClientService; evaluation: EvaluationService },
): void {
  const { client, evaluation } = options;
  documentOfrepRoutes(app);
  app.use(
    '/ofrep/*',
    cors({ origin: '*', allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'], exposeHeaders: ['ETag'] }),
  );

  app.post('/ofrep/v1/evaluate/flags/:key', async (c) => {
    const token = await requireClientToken(c, client, ['client', 'frontend']);
    const key = c.req.param('key');
    const read = await readContext(c, key);
    if ('errorCode' in read) return c.json(read, STATUS[read.errorCode]);
    const result = toOfrep(
      await evaluation.evaluate({ project: token.project, environment: token.environment }, key, read.context),
    );
    return 'errorCode' in result ? c.json(result, STATUS[result.errorCode]) : c.json(result, 200);
  });

  app.post('/ofrep/v1/evaluate/flags', async (c) => {
    const token = await requireClientToken(c, client, ['client', 'frontend']);
    const scope = { project: token.project, environment: token.environment };
    const read = await readContext(c, '');
    if ('errorCode' in read) return c.json({ errorCode: read.errorCode, errorDetails: read.errorDetails }, 400);
    // The answer depends on the context too, so the ETag covers both.
    const etag = `${(await evaluation.etagOf(scope)).slice(0, -1)}:${contextHash(read.context)}"`;
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag });
    const flags = (await evaluation.evaluateAll(scope, read.context)).map(toOfrep);
    return c.json({ flags }, 200, { etag });
  });
}

function contextHash(context: object): string {
  let hash = 0x811c9dc5;
  const text = JSON.stringify(context);
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}

function documentOfrepRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  const tags = ['OpenFeature remote evaluation (OFREP)'];
  const security = [{ unleashToken: [] }];
  const Success = z
    .object({
      key: z.string(),
      reason: z.string().openapi({ description: 'STATIC, TARGETING_MATCH, SPLIT, DISABLED or DEFAULT' }),
      variant: z.string(),
      value: z.unknown(),
      metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    })
    .openapi('OfrepEvaluationSuccess');
  const Failure = z
    .object({
      key: z.string(),
      errorCode: z.enum(['PARSE_ERROR', 'TARGETING_KEY_MISSING', 'INVALID_CONTEXT', 'GENERAL', 'FLAG_NOT_FOUND']),
      errorDetails: z.string(),
    })
    .openapi('OfrepEvaluationFailure');
  const failure = (description: string) => ({ description, content: { 'application/json': { schema: Failure } } });
  r.registerPath({
    method: 'post',
    path: '/ofrep/v1/evaluate/flags/{key}',
    tags,
    security,
    summary: 'Evaluate one flag for a context',
    request: {
      params: z.object({ key: z.string() }),
      body: { content: { 'application/json': { schema: EvaluationRequest } } },
    },
    responses: {
      200: { description: 'The value', content: { 'application/json': { schema: Success } } },
      400: failure('Invalid context'),
      404: failure('No such flag'),
      500: failure('Broken flag definition'),
      ...problemResponses(401, 403),
    },
  });
  r.registerPath({
    method: 'post',
    path: '/ofrep/v1/evaluate/flags',
    tags,
    security,
    summary: 'Evaluate every flag for a context (ETag and 304)',
    request: { body: { content: { 'application/json': { schema: EvaluationRequest } } } },
    responses: {
      200: {
        description: 'Every flag',
        content: { 'application/json': { schema: z.object({ flags: z.array(z.union([Success, Failure])) }) } },
      },
      304: { description: 'Unchanged' },
      ...problemResponses(401, 403),
    },
  });
}
