import { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import type { AppEnv } from './app-env.js';
import { zodToValidationError } from './problem-response.js';

/**
 * OpenAPIHono's validation hook, turning a failed zod check into a ValidationError
 * so the app's error handler answers with problem+json naming each bad field.
 */
export function validationHook(result: { success: boolean; target: string; error?: ZodError }): void {
  if (!result.success && result.error) throw zodToValidationError(result.error, result.target);
}

/**
 * A router for a feature's routes, wired to answer invalid input with problem+json.
 * Register every route before mounting it with `app.route('/', router)`: the OpenAPI
 * document copies routes at mount time.
 *
 * @example
 * const router = createApiRouter();
 * router.openapi(listLocationsRoute, async (c) => c.json(await service.list(requireActor(c)), 200));
 * app.route('/', router);
 */
export function createApiRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
