import type { Context } from 'hono';
import type { z } from 'zod';
import { ValidationError } from './problem.js';
import { zodToValidationError } from './problem-response.js';

/**
 * The request's JSON body checked against `schema`, or a 400 naming the fields.
 *
 * @example
 * const body = await parseJsonBody(c, z.object({ yaml: z.string() }));
 */
// biome-ignore lint/suspicious/noExplicitAny: works with any route's typed context
export async function parseJsonBody<T>(c: Context<any>, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ValidationError('The request body must be JSON', [{ field: '(body)', message: 'not JSON' }]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw zodToValidationError(parsed.error, 'json');
  return parsed.data;
}
