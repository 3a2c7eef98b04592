import type { MiddlewareHandler } from 'hono';
import { newId } from '../ids.js';
import type { AppEnv } from './app-env.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's `x-request-id` when it looks sane, else a
 * new ULID), stored as `requestId` and echoed in the response header, so a log line
 * and a user's error report can be matched.
 */
export function requestIdMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : newId();
    c.set('requestId', id);
    c.set('actor', undefined);
    c.header('x-request-id', id);
    await next();
  };
}
