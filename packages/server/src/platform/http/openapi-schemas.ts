import { z } from '@hono/zod-openapi';

/** RFC 9457 problem document, as every error response carries it. */
export const ProblemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'Not signed in, or the token is unknown',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  500: 'Internal error',
  503: 'Unavailable',
};

/**
 * OpenAPI response entries for error statuses, all problem+json, to spread into a
 * route's `responses`.
 *
 * @example
 * createRoute({ method: 'get', path: '/api/things/{id}', responses: { 200: {...}, ...problemResponses(401, 404) } });
 */
export function problemResponses<const S extends number>(
  ...statuses: S[]
): Record<S, { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } }> {
  const out = {} as Record<
    S,
    { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } }
  >;
  for (const status of statuses) {
    out[status] = {
      description: DESCRIPTIONS[status] ?? 'Error',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return out;
}
