import type { Context } from 'hono';
import type { z } from 'zod';
import { type FieldError, ValidationError } from '../../../platform/http/problem.js';

/** `['strategies', 0, 'constraints', 1, 'operator']` → `strategies[0].constraints[1].operator`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(body)';
}

/**
 * The request's JSON body checked against `schema`, or a 400 whose fields use the
 * same path notation as the semantic checks (`strategies[0].constraints[1].operator`),
 * so clients see one notation whatever the mistake.
 *
 * @example
 * const { strategies } = await parseToggleBody(c, StrategiesBody);
 */
// biome-ignore lint/suspicious/noExplicitAny: works with any route's typed context
export async function parseToggleBody<T>(c: Context<any>, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ValidationError('The request body must be JSON', [{ field: '(body)', message: 'not JSON' }]);
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const errors: FieldError[] = parsed.error.issues.map((issue) => ({
    field: fieldPath(issue.path),
    message: issue.message,
  }));
  throw new ValidationError(
    `Invalid request body: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    errors,
  );
}

/**
 * Like `parseToggleBody` for bodies that are optional: no body at all reads as `{}`.
 *
 * @example
 * const { reason } = await optionalToggleBody(c, ReasonBody);
 */
// biome-ignore lint/suspicious/noExplicitAny: works with any route's typed context
export async function optionalToggleBody<T>(c: Context<any>, schema: z.ZodType<T>): Promise<T> {
  const text = await c.req.raw.clone().text();
  if (text.trim() === '') return schema.parse({});
  return parseToggleBody(c, schema);
}
