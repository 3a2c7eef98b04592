import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createApiRouter } from '../http/api-router.js';
import type { AppEnv } from '../http/app-env.js';
import { problemResponses } from '../http/openapi-schemas.js';
import { NotFoundError } from '../http/problem.js';
import { clearSessionCookie, readSessionCookie, writeSessionCookie } from '../http/session-cookie.js';
import type { Actor } from './actor.js';
import type { AuthService } from './auth-service.js';
import { requireActor, SCOPES } from './authorize.js';

const errors = problemResponses(400, 401, 403);

const MeSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['user', 'token', 'system']),
    displayName: z.string(),
    userRef: z.string().nullable(),
    isAdmin: z.boolean(),
    scopes: z.array(z.string()),
  })
  .openapi('Me');

const ApiTokenSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.string()),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('ApiToken');

const AccountSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    userRef: z.string().nullable(),
    isAdmin: z.boolean(),
    hasPassword: z.boolean(),
    createdAt: z.string(),
    lastSignInAt: z.string().nullable(),
  })
  .openapi('Account');

const SessionSchema = z.object({ me: MeSchema, expiresAt: z.string() });

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const configRoute = createRoute({
  method: 'get',
  path: '/api/auth/config',
  tags: ['auth'],
  summary: 'Public sign-in options',
  responses: { 200: { description: 'Options', content: json(z.object({ demo: z.boolean() })) } },
});

const meRoute = createRoute({
  method: 'get',
  path: '/api/auth/me',
  tags: ['auth'],
  summary: 'Who is signed in',
  responses: { 200: { description: 'The current actor', content: json(MeSchema) }, ...errors },
});

const signInRoute = createRoute({
  method: 'post',
  path: '/api/auth/sign-in',
  tags: ['auth'],
  summary: 'Sign in with username and password (sets the session cookie)',
  request: {
    body: {
      required: true,
      content: json(z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1024) })),
    },
  },
  responses: { 200: { description: 'Signed in', content: json(SessionSchema) }, ...errors },
});

const signOutRoute = createRoute({
  method: 'post',
  path: '/api/auth/sign-out',
  tags: ['auth'],
  summary: 'End the browser session',
  responses: { 204: { description: 'Signed out' }, ...errors },
});

const demoRoute = createRoute({
  method: 'post',
  path: '/api/auth/demo',
  tags: ['auth'],
  summary: 'Sign in as the demo user (demo mode only)',
  responses: {
    200: { description: 'Signed in', content: json(SessionSchema) },
    ...problemResponses(400, 401, 403, 404),
  },
});

const linkRoute = createRoute({
  method: 'get',
  path: '/api/auth/link/{token}',
  tags: ['auth'],
  summary: 'Redeem a one-time sign-in link (sets the session cookie, redirects to /)',
  request: { params: z.object({ token: z.string().min(1).max(200) }) },
  responses: { 302: { description: 'Signed in; redirect to the app' }, ...errors },
});

const listTokensRoute = createRoute({
  method: 'get',
  path: '/api/auth/tokens',
  tags: ['auth'],
  summary: 'List API tokens (own; admins may ask for an account or all)',
  request: {
    query: z.object({
      accountId: z.string().optional(),
      all: z.enum(['true', 'false']).optional(),
    }),
  },
  responses: { 200: { description: 'Tokens', content: json(z.object({ items: z.array(ApiTokenSchema) })) }, ...errors },
});

const createTokenRoute = createRoute({
  method: 'post',
  path: '/api/auth/tokens',
  tags: ['auth'],
  summary: 'Create an API token; the secret is returned only in this response',
  request: {
    body: {
      required: true,
      content: json(
        z.object({
          name: z.string().min(1).max(100),
          scopes: z.array(z.enum(SCOPES)).min(1),
          expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
        }),
      ),
    },
  },
  responses: {
    201: { description: 'Created', content: json(ApiTokenSchema.extend({ token: z.string() })) },
    ...errors,
  },
});

const revokeTokenRoute = createRoute({
  method: 'delete',
  path: '/api/auth/tokens/{id}',
  tags: ['auth'],
  summary: 'Revoke an API token',
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: {
    200: { description: 'Revoked', content: json(ApiTokenSchema) },
    ...problemResponses(400, 401, 403, 404),
  },
});

const passwordRoute = createRoute({
  method: 'post',
  path: '/api/auth/password',
  tags: ['auth'],
  summary: "Set the signed-in account's password (admins: any account's)",
  request: {
    body: {
      required: true,
      content: json(
        z.object({
          newPassword: z.string().min(1).max(1024),
          currentPassword: z.string().max(1024).optional(),
          accountId: z.string().optional(),
        }),
      ),
    },
  },
  responses: { 204: { description: 'Password set' }, ...errors },
});

const listAccountsRoute = createRoute({
  method: 'get',
  path: '/api/auth/accounts',
  tags: ['auth'],
  summary: 'List accounts (admin)',
  responses: {
    200: { description: 'Accounts', content: json(z.object({ items: z.array(AccountSchema) })) },
    ...errors,
  },
});

const createAccountRoute = createRoute({
  method: 'post',
  path: '/api/auth/accounts',
  tags: ['auth'],
  summary: 'Create an account (admin); without a password, a one-time sign-in link is returned',
  request: {
    body: {
      required: true,
      content: json(
        z.object({
          username: z.string().min(1).max(64),
          displayName: z.string().max(200).optional(),
          userRef: z.string().max(300).nullable().optional(),
          isAdmin: z.boolean().optional(),
          password: z.string().max(1024).optional(),
        }),
      ),
    },
  },
  responses: {
    201: {
      description: 'Created',
      content: json(AccountSchema.extend({ signInUrl: z.string().optional() })),
    },
    ...problemResponses(400, 401, 403, 409),
  },
});

export interface AuthRoutesOptions {
  auth: AuthService;
  /** Whether one-click demo sign-in is allowed. */
  demo: boolean;
  /** Public base URL for sign-in links; defaults to the request's origin. */
  baseUrl?: string;
}

/**
 * The /api/auth routes: sign-in (password, one-time link, demo), session, API
 * tokens, password and accounts. Thin: each validates, calls the auth service, and
 * maps the result; the service appends the audit events.
 *
 * @example
 * app.route('/', createAuthRoutes({ auth, demo: config.demo, baseUrl: config.baseUrl }));
 */
export function createAuthRoutes(options: AuthRoutesOptions): OpenAPIHono<AppEnv> {
  const { auth } = options;
  const router = createApiRouter();

  router.openapi(configRoute, (c) => c.json({ demo: options.demo }, 200));

  router.openapi(meRoute, (c) => c.json(toMe(requireActor(c)), 200));

  router.openapi(signInRoute, async (c) => {
    const grant = await auth.signIn(c.req.valid('json'));
    writeSessionCookie(c, grant.token, grant.expiresAt);
    return c.json({ me: toMe(grant.actor), expiresAt: grant.expiresAt }, 200);
  });

  router.openapi(signOutRoute, async (c) => {
    const token = readSessionCookie(c);
    if (token) await auth.signOut(token);
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  router.openapi(demoRoute, async (c) => {
    if (!options.demo) throw new NotFoundError('Demo sign-in is only available in demo mode');
    const grant = await auth.signInDemo();
    writeSessionCookie(c, grant.token, grant.expiresAt);
    return c.json({ me: toMe(grant.actor), expiresAt: grant.expiresAt }, 200);
  });

  router.openapi(linkRoute, async (c) => {
    const grant = await auth.redeemSignInLink(c.req.valid('param').token);
    writeSessionCookie(c, grant.token, grant.expiresAt);
    return c.redirect('/', 302);
  });

  router.openapi(listTokensRoute, async (c) => {
    const query = c.req.valid('query');
    const items = await auth.listApiTokens(requireActor(c), {
      ...(query.accountId ? { accountId: query.accountId } : {}),
      all: query.all === 'true',
    });
    return c.json({ items }, 200);
  });

  router.openapi(createTokenRoute, async (c) => {
    const body = c.req.valid('json');
    const { token, info } = await auth.createApiToken(requireActor(c), {
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expiresAt ?? null,
    });
    return c.json({ ...info, token }, 201);
  });

  router.openapi(revokeTokenRoute, async (c) => {
    return c.json(await auth.revokeApiToken(requireActor(c), c.req.valid('param').id), 200);
  });

  router.openapi(passwordRoute, async (c) => {
    const body = c.req.valid('json');
    const keepSessionToken = readSessionCookie(c);
    await auth.setPassword(requireActor(c), {
      newPassword: body.newPassword,
      ...(body.currentPassword !== undefined ? { currentPassword: body.currentPassword } : {}),
      ...(body.accountId ? { accountId: body.accountId } : {}),
      ...(keepSessionToken ? { keepSessionToken } : {}),
    });
    return c.body(null, 204);
  });

  router.openapi(listAccountsRoute, async (c) => c.json({ items: await auth.listAccounts(requireActor(c)) }, 200));

  router.openapi(createAccountRoute, async (c) => {
    const actor = requireActor(c);
    const body = c.req.valid('json');
    const account = await auth.createAccount(actor, {
      username: body.username,
      ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
      ...(body.userRef !== undefined ? { userRef: body.userRef } : {}),
      ...(body.isAdmin !== undefined ? { isAdmin: body.isAdmin } : {}),
      ...(body.password !== undefined ? { password: body.password } : {}),
    });
    if (account.hasPassword) return c.json(account, 201);
    const link = await auth.createSignInLink(actor, {
      username: account.username,
      baseUrl: options.baseUrl ?? new URL(c.req.url).origin,
    });
    return c.json({ ...account, signInUrl: link.url }, 201);
  });

  return router;
}

function toMe(actor: Actor) {
  return {
    id: actor.id,
    kind: actor.kind,
    displayName: actor.displayName,
    userRef: actor.userRef ?? null,
    isAdmin: actor.isAdmin,
    scopes: actor.scopes,
  };
}
