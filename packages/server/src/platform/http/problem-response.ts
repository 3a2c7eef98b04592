import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import type { Logger } from '../logging.js';
import { type FieldError, type ProblemDocument, ProblemError, toProblem, ValidationError } from './problem.js';

/** Paths whose clients (Backstage's catalog-client) expect Backstage's error body. */
const BACKSTAGE_PATH = /^\/api\/catalog(\/|$)/;

/** Backstage error names by status, as its backend's error handler emits them. */
const BACKSTAGE_ERROR_NAMES: Record<number, string> = {
  400: 'InputError',
  401: 'AuthenticationError',
  403: 'NotAllowedError',
  404: 'NotFoundError',
  409: 'ConflictError',
  412: 'NotModifiedError',
  501: 'NotImplementedError',
  503: 'ServiceUnavailableError',
};

/**
 * A problem document that also carries Backstage's `ErrorResponseBody`
 * (`error`, `request`, `response`), so Backstage clients show the real message.
 *
 * @example
 * toBackstageErrorBody(toProblem(new NotFoundError('No entity x')), { method: 'GET', url: '/api/catalog/entities/by-name/x' });
 * // { type, title, status: 404, detail, error: { name: 'NotFoundError', message: 'No entity x' }, request: {...}, response: { statusCode: 404 } }
 */
export function toBackstageErrorBody(
  problem: ProblemDocument,
  request: { method: string; url: string },
): ProblemDocument & {
  error: { name: string; message: string };
  request: { method: string; url: string };
  response: { statusCode: number };
} {
  return {
    ...problem,
    error: { name: BACKSTAGE_ERROR_NAMES[problem.status] ?? 'Error', message: problem.detail },
    request: { method: request.method, url: request.url },
    response: { statusCode: problem.status },
  };
}

/**
 * A ValidationError naming each failing field, from a zod error. `target` is where
 * the input came from (`json`, `query`, `param`...); body fields are named bare.
 *
 * @example
 * throw zodToValidationError(result.error, 'query'); // fields like "query.limit"
 */
export function zodToValidationError(error: ZodError, target?: string): ValidationError {
  const prefix = target && target !== 'json' && target !== 'form' ? `${target}.` : '';
  const errors: FieldError[] = error.issues.map((issue) => ({
    field: `${prefix}${issue.path.map(String).join('.')}` || target || '(input)',
    message: issue.message,
  }));
  const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new ValidationError(`Invalid ${target === 'json' ? 'request body' : (target ?? 'input')}: ${summary}`, errors);
}

/**
 * Maps any thrown value to an RFC 9457 problem+json response. ProblemErrors and
 * validation failures keep their status and message; anything else is logged and
 * becomes a 500 that reveals nothing. Under /api/catalog the body also has
 * Backstage's error shape, sent as application/json because Backstage clients only
 * parse bodies of that type.
 *
 * @example
 * app.onError((error, c) => problemResponse(c, error, logger));
 */
export function problemResponse(c: Context, error: unknown, logger?: Logger): Response {
  const mapped = normalizeError(error);
  const url = new URL(c.req.url);
  const problem = toProblem(mapped, url.pathname);
  if (problem.status >= 500) {
    logger?.error(
      { err: error, requestId: c.get('requestId'), method: c.req.method, path: url.pathname },
      'request failed',
    );
  }
  const backstage = BACKSTAGE_PATH.test(url.pathname);
  const body = backstage
    ? toBackstageErrorBody(problem, { method: c.req.method, url: `${url.pathname}${url.search}` })
    : problem;
  const headers: Record<string, string> = {
    'content-type': backstage ? 'application/json; charset=utf-8' : 'application/problem+json; charset=utf-8',
  };
  if (problem.status === 401) headers['www-authenticate'] = 'Bearer realm="backbeat"';
  if (typeof problem.retryAfterSeconds === 'number') headers['retry-after'] = String(problem.retryAfterSeconds);
  // c.body keeps headers set earlier in the request (request id, cleared cookies).
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, headers);
}

function normalizeError(error: unknown): unknown {
  if (error instanceof ProblemError) return error;
  if (error instanceof ZodError) return zodToValidationError(error);
  if (error instanceof HTTPException) {
    // Hono's own rejections (malformed JSON, body too large) are the client's fault.
    const status = error.status;
    if (status >= 400 && status < 500) {
      return new ProblemError(
        status,
        status === 400 ? 'https://backbeat.dev/problems/validation' : 'https://backbeat.dev/problems/http',
        status === 400 ? 'Invalid input' : 'Request rejected',
        error.message || `Request rejected with status ${status}`,
      );
    }
  }
  return error;
}
