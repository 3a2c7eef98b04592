import type { Database } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../http/problem.js';
import { newId } from '../ids.js';
import type { Logger } from '../logging.js';
import { type Actor, SYSTEM_ACTOR } from './actor.js';
import { type AccountRecord, type ApiTokenRecord, createAuthStore } from './auth-store.js';
import { assertAdmin, hasScope, SCOPES, type Scope } from './authorize.js';
import {
  hashPassword,
  newApiToken,
  newOpaqueSecret,
  sha256Hex,
  tokenDisplayPrefix,
  verifyPassword,
} from './secrets.js';
import { createSignInThrottle } from './sign-in-throttle.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Username of the account created at first start. */
export const INITIAL_ADMIN_USERNAME = 'admin';
/** Username of the account one-click demo sign-in uses. */
export const DEMO_USERNAME = 'demo';
const MIN_PASSWORD_LENGTH = 8;
const MIN_ADMIN_TOKEN_LENGTH = 16;
/** Tokens record their last use at most this often, so reads do not turn into writes. */
const TOKEN_USE_RESOLUTION_MS = 5 * 60 * 1000;

/** An account as shown to people: never a password hash. */
export interface AccountView {
  id: string;
  username: string;
  displayName: string;
  userRef: string | null;
  isAdmin: boolean;
  hasPassword: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

/** An API token as listed: the display prefix, never the secret or its hash. */
export interface ApiTokenView {
  id: string;
  accountId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** A new browser session: the caller puts `token` in the cookie; only its hash is stored. */
export interface SessionGrant {
  token: string;
  expiresAt: string;
  actor: Actor;
}

export interface SessionAuthentication {
  actor: Actor;
  sessionId: string;
  expiresAt: string;
  /** True when the expiry slid forward, so the cookie should be sent again. */
  renewed: boolean;
}

export interface InitialAdminResult {
  /** One-time sign-in URL to print; undefined when the admin already signed in before. */
  signInUrl: string | undefined;
  createdAdmin: boolean;
  seededAdminToken: boolean;
}

export interface CreateAccountInput {
  username: string;
  displayName?: string;
  userRef?: string | null;
  isAdmin?: boolean;
  password?: string;
}

export interface AuthService {
  /** The actor behind a session cookie value, sliding its expiry; undefined if unknown or expired. */
  authenticateSession(token: string): Promise<SessionAuthentication | undefined>;
  /** The actor behind a bearer token; undefined if unknown, revoked or expired. */
  authenticateToken(token: string): Promise<Actor | undefined>;
  signIn(input: { username: string; password: string }): Promise<SessionGrant>;
  signInDemo(): Promise<SessionGrant>;
  redeemSignInLink(token: string): Promise<SessionGrant>;
  signOut(sessionToken: string): Promise<void>;
  createAccount(actor: Actor, input: CreateAccountInput): Promise<AccountView>;
  listAccounts(actor: Actor): Promise<AccountView[]>;
  /** Sets the actor's own password (the current one is required once one exists), or, for admins, another account's. */
  setPassword(
    actor: Actor,
    input: { newPassword: string; currentPassword?: string; accountId?: string; keepSessionToken?: string },
  ): Promise<void>;
  createApiToken(
    actor: Actor,
    input: { name: string; scopes: string[]; expiresAt?: string | null },
  ): Promise<{ token: string; info: ApiTokenView }>;
  listApiTokens(actor: Actor, options?: { accountId?: string; all?: boolean }): Promise<ApiTokenView[]>;
  revokeApiToken(actor: Actor, tokenId: string): Promise<ApiTokenView>;
  /** A one-time sign-in URL for an account (admins only), valid 24 h by default. */
  createSignInLink(
    actor: Actor,
    input: { username: string; baseUrl: string; ttlMs?: number },
  ): Promise<{ url: string; expiresAt: string }>;
  ensureInitialAdmin(input: { baseUrl: string; adminToken?: string }): Promise<InitialAdminResult>;
  ensureDemoAccount(input: { userRef: string }): Promise<AccountView>;
  /** Deletes expired sessions and spent sign-in links; run it on a schedule. */
  pruneExpired(): Promise<{ sessions: number; links: number }>;
}

export interface CreateAuthServiceOptions {
  database: Database;
  events: EventLog;
  logger: Logger;
  /** Session lifetime, renewed while in use. Default 7 days. */
  sessionTtlMs?: number;
  /** Clock, for tests of expiry. */
  now?: () => Date;
}

/**
 * Local accounts, sessions, API tokens and one-time sign-in links. Every change is
 * appended to the EventLog; secrets appear only in return values, never in events,
 * logs or the database.
 *
 * @example
 * const auth = createAuthService({ database, events, logger });
 * const { signInUrl } = await auth.ensureInitialAdmin({ baseUrl: config.baseUrl, adminToken: config.adminToken });
 * if (signInUrl) console.log(`Sign in as admin: ${signInUrl}`);
 */
export function createAuthService(options: CreateAuthServiceOptions): AuthService {
  const store = createAuthStore(options.database);
  const { events, logger } = options;
  const sessionTtlMs = options.sessionTtlMs ?? 7 * DAY_MS;
  const now = options.now ?? (() => new Date());
  const iso = (offsetMs = 0) => new Date(now().getTime() + offsetMs).toISOString();
  const throttle = createSignInThrottle({ now });
  // Hash of a throwaway password, so unknown usernames cost as much as wrong passwords.
  let decoyHash: Promise<string> | undefined;

  async function startSession(account: AccountRecord, method: string): Promise<SessionGrant> {
    const token = newOpaqueSecret();
    const createdAt = iso();
    const expiresAt = iso(sessionTtlMs);
    const sessionId = newId();
    await store.insertSession({
      id: sessionId,
      accountId: account.id,
      tokenHash: sha256Hex(token),
      createdAt,
      expiresAt,
      lastSeenAt: createdAt,
    });
    await store.updateAccount(account.id, { lastSignInAt: createdAt, updatedAt: account.updatedAt });
    const actor = userActor(account);
    await events.append(actor, {
      type: 'auth.session.started',
      subject: accountSubject(account.id),
      after: { sessionId, expiresAt },
      data: { method },
    });
    return { token, expiresAt, actor };
  }

  async function issueSignInLink(
    actor: Actor,
    account: AccountRecord,
    baseUrl: string,
    ttlMs = DAY_MS,
  ): Promise<{ url: string; expiresAt: string }> {
    const token = newOpaqueSecret();
    const link = {
      id: newId(),
      accountId: account.id,
      tokenHash: sha256Hex(token),
      createdAt: iso(),
      expiresAt: iso(ttlMs),
      usedAt: null,
    };
    await store.insertSignInLink(link);
    await events.append(actor, {
      type: 'auth.sign-in-link.created',
      subject: accountSubject(account.id),
      after: { linkId: link.id, accountId: account.id, expiresAt: link.expiresAt },
    });
    return { url: `${baseUrl.replace(/\/+$/, '')}/api/auth/link/${token}`, expiresAt: link.expiresAt };
  }

  async function insertAccount(actor: Actor, input: CreateAccountInput): Promise<AccountRecord> {
    const username = validateUsername(input.username);
    if (await store.findAccountByUsername(username)) {
      throw new ConflictError(`An account named "${username}" already exists`);
    }
    const at = iso();
    const account: AccountRecord = {
      id: newId(),
      username,
      displayName: input.displayName?.trim() || username,
      userRef: input.userRef ? normalizeUserRef(input.userRef) : null,
      isAdmin: input.isAdmin ?? false,
      passwordHash: input.password !== undefined ? await hashPassword(validatePassword(input.password)) : null,
      createdAt: at,
      updatedAt: at,
      lastSignInAt: null,
    };
    await store.insertAccount(account);
    await events.append(actor, {
      type: 'auth.account.created',
      subject: accountSubject(account.id),
      after: accountView(account),
    });
    return account;
  }

  async function requireAccount(id: string): Promise<AccountRecord> {
    const account = await store.findAccountById(id);
    if (!account) throw new NotFoundError(`No account ${id}`);
    return account;
  }

  return {
    async authenticateSession(token) {
      const session = await store.findSessionByHash(sha256Hex(token));
      if (!session) return undefined;
      const at = now();
      if (session.expiresAt <= at.toISOString()) return undefined;
      const account = await store.findAccountById(session.accountId);
      if (!account) return undefined;
      // Slide the expiry at most about once an hour, so most requests stay read-only.
      const renewAfter = Date.parse(session.expiresAt) - sessionTtlMs + 60 * 60 * 1000;
      let expiresAt = session.expiresAt;
      let renewed = false;
      if (at.getTime() >= renewAfter) {
        expiresAt = iso(sessionTtlMs);
        await store.extendSession(session.id, expiresAt, at.toISOString());
        renewed = true;
      }
      return { actor: userActor(account), sessionId: session.id, expiresAt, renewed };
    },

    async authenticateToken(token) {
      const record = await store.findApiTokenByHash(sha256Hex(token));
      if (!record || record.revokedAt) return undefined;
      const at = iso();
      if (record.expiresAt && record.expiresAt <= at) return undefined;
      const account = await store.findAccountById(record.accountId);
      if (!account) return undefined;
      if (!record.lastUsedAt || Date.parse(at) - Date.parse(record.lastUsedAt) >= TOKEN_USE_RESOLUTION_MS) {
        await store.markApiTokenUsed(record.id, at);
      }
      return tokenActor(record, account);
    },

    async signIn({ username, password }) {
      const name = username.trim().toLowerCase();
      throttle.check(name);
      const account = await store.findAccountByUsername(name);
      if (!account?.passwordHash) {
        decoyHash ??= hashPassword(newOpaqueSecret());
        await verifyPassword(await decoyHash, password);
        throttle.failed(name);
        throw new UnauthenticatedError('Wrong username or password');
      }
      if (!(await verifyPassword(account.passwordHash, password))) {
        throttle.failed(name);
        throw new UnauthenticatedError('Wrong username or password');
      }
      throttle.succeeded(name);
      return startSession(account, 'password');
    },

    async signInDemo() {
      const account = await store.findAccountByUsername(DEMO_USERNAME);
      if (!account) throw new NotFoundError('The demo account has not been set up');
      return startSession(account, 'demo');
    },

    async redeemSignInLink(token) {
      const invalid = new UnauthenticatedError('This sign-in link is invalid, expired or already used');
      const link = await store.findSignInLinkByHash(sha256Hex(token));
      if (!link || link.usedAt || link.expiresAt <= iso()) throw invalid;
      // Claiming is atomic, so two clicks racing on one link yield one session.
      if (!(await store.claimSignInLink(link.id, iso()))) throw invalid;
      const account = await requireAccount(link.accountId);
      await events.append(userActor(account), {
        type: 'auth.sign-in-link.redeemed',
        subject: accountSubject(account.id),
        before: { linkId: link.id, usedAt: null },
        after: { linkId: link.id, usedAt: iso() },
      });
      return startSession(account, 'link');
    },

    async signOut(sessionToken) {
      const session = await store.deleteSessionByHash(sha256Hex(sessionToken));
      if (!session) return;
      const account = await store.findAccountById(session.accountId);
      if (!account) return;
      await events.append(userActor(account), {
        type: 'auth.session.ended',
        subject: accountSubject(account.id),
        before: { sessionId: session.id, expiresAt: session.expiresAt },
      });
    },

    async createAccount(actor, input) {
      assertAdmin(actor);
      return accountView(await insertAccount(actor, input));
    },

    async listAccounts(actor) {
      assertAdmin(actor);
      return (await store.listAccounts()).map(accountView);
    },

    async setPassword(actor, input) {
      const targetId = input.accountId ?? actor.accountId;
      if (!targetId || actor.kind === 'system') throw new ForbiddenError('Only a signed-in account can set a password');
      const own = targetId === actor.accountId;
      if (actor.kind === 'token' && own) {
        throw new ForbiddenError('Passwords are changed from a signed-in session, not with an API token');
      }
      if (!own) assertAdmin(actor);
      const account = await requireAccount(targetId);
      if (account.username === DEMO_USERNAME) {
        // Visitors share the demo account; one of them must not lock out or sign out the rest.
        throw new ForbiddenError('The demo account signs in without a password; it cannot have one');
      }
      if (own && account.passwordHash) {
        if (!input.currentPassword || !(await verifyPassword(account.passwordHash, input.currentPassword))) {
          throw new ValidationError('The current password is wrong', [
            { field: 'currentPassword', message: 'does not match the current password' },
          ]);
        }
      }
      const passwordHash = await hashPassword(validatePassword(input.newPassword));
      await store.updateAccount(account.id, { passwordHash, updatedAt: iso() });
      // Anyone else holding a session for this account loses it; the caller's own stays.
      const keep = input.keepSessionToken
        ? await store.findSessionByHash(sha256Hex(input.keepSessionToken))
        : undefined;
      const endedSessions = await store.deleteSessionsOfAccount(
        account.id,
        keep?.accountId === account.id ? keep.id : undefined,
      );
      await events.append(actor, {
        type: 'auth.password.set',
        subject: accountSubject(account.id),
        before: { hasPassword: account.passwordHash !== null },
        after: { hasPassword: true },
        data: { endedSessions },
      });
    },

    async createApiToken(actor, input) {
      const accountId = actor.accountId;
      if (!accountId) throw new ForbiddenError('Only a signed-in account can create API tokens');
      const account = await requireAccount(accountId);
      const name = input.name?.trim();
      if (!name || name.length > 100) {
        throw new ValidationError('A token needs a name of 1 to 100 characters', [
          { field: 'name', message: 'required, at most 100 characters' },
        ]);
      }
      const scopes = validateScopes(input.scopes);
      if (scopes.includes('admin') && !account.isAdmin) {
        throw new ForbiddenError('Only admins may create tokens with the admin scope');
      }
      // A token may mint tokens, but never one stronger than itself.
      if (actor.kind === 'token') {
        const missing = scopes.filter((scope) => !hasScope(actor, scope));
        if (missing.length > 0)
          throw new ForbiddenError(`This token cannot grant scopes it lacks: ${missing.join(', ')}`);
      }
      const expiresAt = input.expiresAt ? validateFutureDate(input.expiresAt, iso()) : null;
      const token = newApiToken();
      const record: ApiTokenRecord = {
        id: newId(),
        accountId: account.id,
        name,
        tokenHash: sha256Hex(token),
        prefix: tokenDisplayPrefix(token),
        scopes,
        createdAt: iso(),
        expiresAt,
        revokedAt: null,
        lastUsedAt: null,
      };
      await store.insertApiToken(record);
      const info = apiTokenView(record);
      await events.append(actor, { type: 'auth.token.created', subject: tokenSubject(record.id), after: info });
      return { token, info };
    },

    async listApiTokens(actor, listOptions = {}) {
      const own = actor.accountId;
      if (listOptions.all || (listOptions.accountId && listOptions.accountId !== own)) {
        assertAdmin(actor);
        return (await store.listApiTokens(listOptions.all ? undefined : listOptions.accountId)).map(apiTokenView);
      }
      if (!own) throw new ForbiddenError('Only a signed-in account has API tokens');
      return (await store.listApiTokens(own)).map(apiTokenView);
    },

    async revokeApiToken(actor, tokenId) {
      const record = await store.findApiTokenById(tokenId);
      if (!record) throw new NotFoundError(`No API token ${tokenId}`);
      if (record.accountId !== actor.accountId) assertAdmin(actor);
      else if (actor.kind === 'token' && !hasScope(actor, 'write')) {
        throw new ForbiddenError('Revoking a token needs the write scope');
      }
      if (record.revokedAt) return apiTokenView(record);
      const revoked = { ...record, revokedAt: iso() };
      await store.markApiTokenRevoked(record.id, revoked.revokedAt);
      await events.append(actor, {
        type: 'auth.token.revoked',
        subject: tokenSubject(record.id),
        before: apiTokenView(record),
        after: apiTokenView(revoked),
      });
      return apiTokenView(revoked);
    },

    async createSignInLink(actor, input) {
      assertAdmin(actor);
      const account = await store.findAccountByUsername(input.username.trim().toLowerCase());
      if (!account) throw new NotFoundError(`No account named "${input.username}"`);
      return issueSignInLink(actor, account, input.baseUrl, input.ttlMs);
    },

    async ensureInitialAdmin({ baseUrl, adminToken }) {
      let createdAdmin = false;
      let signInUrl: string | undefined;
      let admin = await store.findAccountByUsername(INITIAL_ADMIN_USERNAME);
      if ((await store.countAdmins()) === 0) {
        if (admin) {
          // Someone demoted the bootstrap account; never silently re-promote it.
          throw new Error(`No admin account exists and "${INITIAL_ADMIN_USERNAME}" is not an admin; fix the database`);
        }
        try {
          admin = await insertAccount(SYSTEM_ACTOR, {
            username: INITIAL_ADMIN_USERNAME,
            displayName: 'Administrator',
            isAdmin: true,
          });
          createdAdmin = true;
        } catch (error) {
          // Another process starting at the same moment may have created it first.
          admin = await store.findAccountByUsername(INITIAL_ADMIN_USERNAME);
          if (!admin?.isAdmin) throw error;
        }
      }
      // Until the bootstrap admin has signed in once, each start prints a fresh link,
      // so a restart never locks the operator out.
      if (
        admin?.isAdmin &&
        !admin.passwordHash &&
        !admin.lastSignInAt &&
        (await store.countSignInLinks(admin.id, { used: true })) === 0
      ) {
        signInUrl = (await issueSignInLink(SYSTEM_ACTOR, admin, baseUrl)).url;
      }

      let seededAdminToken = false;
      if (adminToken) {
        if (adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
          throw new Error(`The admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters long`);
        }
        const owner = admin?.isAdmin ? admin : (await store.listAccounts()).find((a) => a.isAdmin);
        if (!owner) throw new Error('No admin account to own the admin token');
        if (!(await store.findApiTokenByHash(sha256Hex(adminToken)))) {
          const record: ApiTokenRecord = {
            id: newId(),
            accountId: owner.id,
            name: 'admin token from configuration',
            tokenHash: sha256Hex(adminToken),
            prefix: tokenDisplayPrefix(adminToken),
            scopes: ['read', 'write', 'admin'],
            createdAt: iso(),
            expiresAt: null,
            revokedAt: null,
            lastUsedAt: null,
          };
          await store.insertApiToken(record);
          await events.append(SYSTEM_ACTOR, {
            type: 'auth.token.created',
            subject: tokenSubject(record.id),
            after: apiTokenView(record),
            data: { source: 'configuration' },
          });
          seededAdminToken = true;
          logger.info({ tokenId: record.id }, 'stored the configured admin API token');
        }
      }
      return { signInUrl, createdAdmin, seededAdminToken };
    },

    async ensureDemoAccount({ userRef }) {
      const ref = normalizeUserRef(userRef);
      const existing = await store.findAccountByUsername(DEMO_USERNAME);
      if (!existing) {
        return accountView(
          await insertAccount(SYSTEM_ACTOR, { username: DEMO_USERNAME, displayName: 'Demo user', userRef: ref }),
        );
      }
      if (existing.userRef === ref) return accountView(existing);
      const updated = { ...existing, userRef: ref, updatedAt: iso() };
      await store.updateAccount(existing.id, { userRef: ref, updatedAt: updated.updatedAt });
      await events.append(SYSTEM_ACTOR, {
        type: 'auth.account.updated',
        subject: accountSubject(existing.id),
        before: accountView(existing),
        after: accountView(updated),
      });
      return accountView(updated);
    },

    async pruneExpired() {
      return store.deleteExpired(iso());
    },
  };
}

function userActor(account: AccountRecord): Actor {
  return {
    kind: 'user',
    id: account.id,
    accountId: account.id,
    ...(account.userRef ? { userRef: account.userRef } : {}),
    displayName: account.displayName,
    isAdmin: account.isAdmin,
    scopes: account.isAdmin ? ['read', 'write', 'admin'] : ['read', 'write'],
  };
}

function tokenActor(token: ApiTokenRecord, account: AccountRecord): Actor {
  return {
    kind: 'token',
    id: token.id,
    accountId: account.id,
    ...(account.userRef ? { userRef: account.userRef } : {}),
    displayName: `${account.displayName} (token ${token.name})`,
    // A token is an admin only when both its owner is one and it carries the admin scope.
    isAdmin: account.isAdmin && token.scopes.includes('admin'),
    scopes: token.scopes,
  };
}

function accountView(account: AccountRecord): AccountView {
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    userRef: account.userRef,
    isAdmin: account.isAdmin,
    hasPassword: account.passwordHash !== null,
    createdAt: account.createdAt,
    lastSignInAt: account.lastSignInAt,
  };
}

function apiTokenView(token: ApiTokenRecord): ApiTokenView {
  return {
    id: token.id,
    accountId: token.accountId,
    name: token.name,
    prefix: token.prefix,
    scopes: token.scopes,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
  };
}

function accountSubject(id: string): string {
  return `account:${id}`;
}

function tokenSubject(id: string): string {
  return `token:${id}`;
}

function validateUsername(raw: string): string {
  const username = (raw ?? '').trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(username)) {
    throw new ValidationError(`Username "${raw}" is not allowed`, [
      { field: 'username', message: 'use 1 to 64 of a-z, 0-9, ".", "_" or "-", starting with a letter or digit' },
    ]);
  }
  return username;
}

function validatePassword(password: string): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH || password.length > 1024) {
    throw new ValidationError(`A password needs at least ${MIN_PASSWORD_LENGTH} characters`, [
      { field: 'password', message: `at least ${MIN_PASSWORD_LENGTH} and at most 1024 characters` },
    ]);
  }
  return password;
}

function validateScopes(scopes: string[]): Scope[] {
  const unique = [...new Set(scopes ?? [])];
  const unknown = unique.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unique.length === 0 || unknown.length > 0) {
    throw new ValidationError(`Token scopes must be some of ${SCOPES.join(', ')}`, [
      { field: 'scopes', message: unknown.length ? `unknown scope ${unknown.join(', ')}` : 'at least one scope' },
    ]);
  }
  return SCOPES.filter((s) => unique.includes(s));
}

function validateFutureDate(value: string, now: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new ValidationError(`"${value}" is not a date`, [{ field: 'expiresAt', message: 'ISO-8601 date-time' }]);
  }
  const normalized = new Date(time).toISOString();
  if (normalized <= now) {
    throw new ValidationError('A token cannot expire in the past', [{ field: 'expiresAt', message: 'in the past' }]);
  }
  return normalized;
}

/**
 * Canonical catalog user ref: lowercase, `user:` kind, `default` namespace when
 * none is given (`jane.doe` and `User:Jane.Doe` both become `user:default/jane.doe`).
 *
 * @example
 * normalizeUserRef('jane.doe'); // 'user:default/jane.doe'
 */
export function normalizeUserRef(raw: string): string {
  const ref = raw.trim().toLowerCase();
  const match = /^(?:([a-z0-9_-]+):)?(?:([a-z0-9_.-]+)\/)?([a-z0-9_.-]+)$/.exec(ref);
  if (!match || (match[1] && match[1] !== 'user')) {
    throw new ValidationError(`"${raw}" is not a catalog user reference`, [
      { field: 'userRef', message: 'expected user:<namespace>/<name>, e.g. user:default/jane.doe' },
    ]);
  }
  return `user:${match[2] ?? 'default'}/${match[3]}`;
}
