import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/testing/test-database.js';
import type { EventLog } from '../events/event-log.js';
import { eventsMigrations } from '../events/event-migrations.js';
import { createEventLog } from '../events/sql-event-log.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../http/problem.js';
import { silentLogger } from '../logging.js';
import type { Actor } from './actor.js';
import { authMigrations } from './auth-migrations.js';
import { type AuthService, createAuthService } from './auth-service.js';
import { sha256Hex } from './secrets.js';

const BASE_URL = 'http://backbeat.test';
const HOUR = 60 * 60 * 1000;

describe('auth service', () => {
  let database: TestDatabase;
  let events: EventLog;
  let auth: AuthService;
  let clock = new Date('2026-03-01T12:00:00.000Z');
  let admin: Actor;

  /** Every row of every auth and event table, as one string, to prove secrets never land there. */
  async function dumpDatabase(): Promise<string> {
    const tables = ['auth_accounts', 'auth_sessions', 'auth_api_tokens', 'auth_sign_in_links', 'events'];
    const rows = await Promise.all(tables.map((t) => database.db.selectFrom(t).selectAll().execute()));
    return JSON.stringify(rows);
  }

  function linkToken(url: string): string {
    const token = url.split('/api/auth/link/')[1];
    if (!token) throw new Error(`not a sign-in link: ${url}`);
    return token;
  }

  beforeAll(async () => {
    database = await createTestDatabase({ migrations: { ...eventsMigrations, ...authMigrations } });
    events = createEventLog({ database, logger: silentLogger() });
    auth = createAuthService({ database, events, logger: silentLogger(), now: () => clock });
  });
  afterAll(() => database.dispose());

  describe('initial admin', () => {
    it('creates the admin once with a one-time link, and seeds the configured admin token hashed', async () => {
      const adminToken = 'bootstrap-admin-token-0123456789';
      const first = await auth.ensureInitialAdmin({ baseUrl: `${BASE_URL}/`, adminToken });
      expect(first.createdAdmin).toBe(true);
      expect(first.seededAdminToken).toBe(true);
      expect(first.signInUrl).toMatch(/^http:\/\/backbeat\.test\/api\/auth\/link\/[A-Za-z0-9_-]{40,}$/);

      const second = await auth.ensureInitialAdmin({ baseUrl: BASE_URL, adminToken });
      expect(second.createdAdmin).toBe(false);
      expect(second.seededAdminToken).toBe(false);
      // Never signed in yet, so a restart prints a fresh link rather than locking the operator out.
      expect(second.signInUrl).toBeDefined();
      expect(second.signInUrl).not.toBe(first.signInUrl);

      const accounts = await database.db.selectFrom('auth_accounts').selectAll().execute();
      expect(accounts.map((a) => a.username)).toEqual(['admin']);
      const tokens = await database.db.selectFrom('auth_api_tokens').selectAll().execute();
      expect(tokens).toHaveLength(1);

      const dump = await dumpDatabase();
      expect(dump).not.toContain(adminToken);
      expect(dump).not.toContain(linkToken(first.signInUrl as string));
      expect(dump).toContain(sha256Hex(adminToken));

      const tokenActor = await auth.authenticateToken(adminToken);
      expect(tokenActor).toMatchObject({ kind: 'token', isAdmin: true, scopes: ['read', 'write', 'admin'] });

      // The link signs in once; after that, starts print no link.
      const grant = await auth.redeemSignInLink(linkToken(first.signInUrl as string));
      admin = grant.actor;
      expect(admin).toMatchObject({ kind: 'user', isAdmin: true, displayName: 'Administrator' });
      const third = await auth.ensureInitialAdmin({ baseUrl: BASE_URL });
      expect(third.signInUrl).toBeUndefined();
    });

    it('refuses an admin token too short to be a secret', async () => {
      await expect(auth.ensureInitialAdmin({ baseUrl: BASE_URL, adminToken: 'short' })).rejects.toThrow(/at least 16/);
    });
  });

  describe('one-time sign-in links', () => {
    it('work once, then never again, and expire after 24 hours', async () => {
      await auth.createAccount(admin, { username: 'linky', displayName: 'Linky' });
      const link = await auth.createSignInLink(admin, { username: 'linky', baseUrl: BASE_URL });
      const token = linkToken(link.url);
      const grant = await auth.redeemSignInLink(token);
      expect(grant.actor.displayName).toBe('Linky');
      await expect(auth.redeemSignInLink(token)).rejects.toBeInstanceOf(UnauthenticatedError);

      const late = await auth.createSignInLink(admin, { username: 'linky', baseUrl: BASE_URL });
      const saved = clock;
      clock = new Date(saved.getTime() + 25 * HOUR);
      try {
        await expect(auth.redeemSignInLink(linkToken(late.url))).rejects.toThrow(/invalid, expired or already used/);
      } finally {
        clock = saved;
      }
      await expect(auth.redeemSignInLink('made-up')).rejects.toBeInstanceOf(UnauthenticatedError);
    });

    it('are issued by admins only', async () => {
      const { actor: linky } = await auth.redeemSignInLink(
        linkToken((await auth.createSignInLink(admin, { username: 'linky', baseUrl: BASE_URL })).url),
      );
      await expect(auth.createSignInLink(linky, { username: 'admin', baseUrl: BASE_URL })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    });
  });

  describe('accounts and passwords', () => {
    it('lets an admin create accounts, with a normalized user ref and no duplicate usernames', async () => {
      const jane = await auth.createAccount(admin, {
        username: 'Jane.Doe',
        displayName: 'Jane Doe',
        userRef: 'jane.doe',
        password: 'jane-password-1',
      });
      expect(jane).toMatchObject({
        username: 'jane.doe',
        userRef: 'user:default/jane.doe',
        isAdmin: false,
        hasPassword: true,
      });
      expect(JSON.stringify(jane)).not.toContain('argon2');
      await expect(auth.createAccount(admin, { username: 'jane.doe' })).rejects.toBeInstanceOf(ConflictError);
      await expect(auth.createAccount(admin, { username: 'bad name!' })).rejects.toBeInstanceOf(ValidationError);
      await expect(auth.createAccount(admin, { username: 'x', userRef: 'group:default/team' })).rejects.toThrow(
        /not a catalog user reference/,
      );
      const grant = await auth.signIn({ username: 'jane.doe', password: 'jane-password-1' });
      await expect(auth.createAccount(grant.actor, { username: 'eve' })).rejects.toBeInstanceOf(ForbiddenError);

      const [created] = await events.list({ type: 'auth.account.created', subject: `account:${jane.id}` });
      expect(created?.actor.id).toBe(admin.id);
      expect(created?.after).toMatchObject({ username: 'jane.doe', hasPassword: true });
      const dump = await dumpDatabase();
      expect(dump).not.toContain('jane-password-1');
      const row = await database.db
        .selectFrom('auth_accounts')
        .selectAll()
        .where('username', '=', 'jane.doe')
        .executeTakeFirst();
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);
    });

    it('rejects wrong passwords and unknown users alike', async () => {
      await expect(auth.signIn({ username: 'jane.doe', password: 'wrong-password' })).rejects.toThrow(
        'Wrong username or password',
      );
      await expect(auth.signIn({ username: 'nobody', password: 'whatever-123' })).rejects.toThrow(
        'Wrong username or password',
      );
      // The admin has no password: password sign-in must not work with an empty one.
      await expect(auth.signIn({ username: 'admin', password: '' })).rejects.toBeInstanceOf(UnauthenticatedError);
    });

    it('throttles repeated failures for one username', async () => {
      for (let i = 0; i < 10; i++) {
        await expect(auth.signIn({ username: 'guessed', password: `guess-${i}` })).rejects.toBeInstanceOf(
          UnauthenticatedError,
        );
      }
      await expect(auth.signIn({ username: 'Guessed', password: 'guess-10' })).rejects.toMatchObject({ status: 429 });
      const saved = clock;
      clock = new Date(saved.getTime() + HOUR);
      try {
        await expect(auth.signIn({ username: 'guessed', password: 'guess-11' })).rejects.toBeInstanceOf(
          UnauthenticatedError,
        );
      } finally {
        clock = saved;
      }
    });

    it('sets the own password (current one required once set) and ends other sessions', async () => {
      const mine = await auth.signIn({ username: 'jane.doe', password: 'jane-password-1' });
      const other = await auth.signIn({ username: 'jane.doe', password: 'jane-password-1' });
      await expect(
        auth.setPassword(mine.actor, { newPassword: 'jane-password-2', currentPassword: 'nope' }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        auth.setPassword(mine.actor, { newPassword: 'short', currentPassword: 'jane-password-1' }),
      ).rejects.toThrow(/at least 8/);
      await auth.setPassword(mine.actor, {
        newPassword: 'jane-password-2',
        currentPassword: 'jane-password-1',
        keepSessionToken: mine.token,
      });
      expect(await auth.authenticateSession(mine.token)).toBeDefined();
      expect(await auth.authenticateSession(other.token)).toBeUndefined();
      await expect(auth.signIn({ username: 'jane.doe', password: 'jane-password-1' })).rejects.toBeInstanceOf(
        UnauthenticatedError,
      );
      await auth.signIn({ username: 'jane.doe', password: 'jane-password-2' });

      const [event] = await events.list({ type: 'auth.password.set' });
      expect(event?.before).toEqual({ hasPassword: true });
      expect(event?.after).toEqual({ hasPassword: true });
      expect(JSON.stringify(event)).not.toContain('jane-password');
    });

    it('lets the link-signed-in admin set a first password without a current one', async () => {
      await auth.setPassword(admin, { newPassword: 'admin-password-1' });
      const grant = await auth.signIn({ username: 'admin', password: 'admin-password-1' });
      expect(grant.actor.isAdmin).toBe(true);
    });
  });

  describe('sessions', () => {
    it('start, slide their expiry while used, and end on sign-out', async () => {
      const grant = await auth.signIn({ username: 'jane.doe', password: 'jane-password-2' });
      expect(grant.expiresAt).toBe(new Date(clock.getTime() + 7 * 24 * HOUR).toISOString());
      const dump = await dumpDatabase();
      expect(dump).not.toContain(grant.token);
      expect(dump).toContain(sha256Hex(grant.token));

      const fresh = await auth.authenticateSession(grant.token);
      expect(fresh).toMatchObject({ renewed: false, expiresAt: grant.expiresAt });
      expect(fresh?.actor).toMatchObject({ kind: 'user', userRef: 'user:default/jane.doe', scopes: ['read', 'write'] });

      const saved = clock;
      try {
        clock = new Date(saved.getTime() + 6 * 24 * HOUR);
        const slid = await auth.authenticateSession(grant.token);
        expect(slid?.renewed).toBe(true);
        expect(slid?.expiresAt).toBe(new Date(clock.getTime() + 7 * 24 * HOUR).toISOString());
        // Past the original expiry, but within the slid one.
        clock = new Date(saved.getTime() + 8 * 24 * HOUR);
        expect(await auth.authenticateSession(grant.token)).toBeDefined();
        // Unused for more than the lifetime: gone.
        clock = new Date(saved.getTime() + 16 * 24 * HOUR);
        expect(await auth.authenticateSession(grant.token)).toBeUndefined();
        expect((await auth.pruneExpired()).sessions).toBeGreaterThan(0);
      } finally {
        clock = saved;
      }

      const again = await auth.signIn({ username: 'jane.doe', password: 'jane-password-2' });
      await auth.signOut(again.token);
      expect(await auth.authenticateSession(again.token)).toBeUndefined();
      const [ended] = await events.list({ type: 'auth.session.ended' });
      expect(ended?.actor.displayName).toBe('Jane Doe');
      expect(await auth.authenticateSession('not-a-session')).toBeUndefined();
    });
  });

  describe('API tokens', () => {
    let jane: Actor;
    beforeAll(async () => {
      jane = (await auth.signIn({ username: 'jane.doe', password: 'jane-password-2' })).actor;
    });

    it('are bb_ tokens, stored only as a hash with a display prefix, and act as their account', async () => {
      const { token, info } = await auth.createApiToken(jane, { name: 'ci', scopes: ['read', 'write'] });
      expect(token).toMatch(/^bb_[0-9A-Za-z]{40}$/);
      expect(info.prefix).toBe(token.slice(0, 7));
      expect(JSON.stringify(info)).not.toContain(token);
      const dump = await dumpDatabase();
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.slice(7));

      const actor = await auth.authenticateToken(token);
      expect(actor).toMatchObject({
        kind: 'token',
        id: info.id,
        accountId: jane.accountId,
        userRef: 'user:default/jane.doe',
        isAdmin: false,
        scopes: ['read', 'write'],
      });
      expect(await auth.authenticateToken(`${token}x`)).toBeUndefined();

      const [created] = await events.list({ type: 'auth.token.created', subject: `token:${info.id}` });
      expect(created?.after).toMatchObject({ name: 'ci', prefix: info.prefix, scopes: ['read', 'write'] });
      expect(JSON.stringify(created)).not.toContain(token);
    });

    it('check scopes: no admin scope for non-admins, no unknown scopes, no escalation by a token', async () => {
      await expect(auth.createApiToken(jane, { name: 'x', scopes: ['admin'] })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(auth.createApiToken(jane, { name: 'x', scopes: ['root'] })).rejects.toBeInstanceOf(ValidationError);
      await expect(auth.createApiToken(jane, { name: 'x', scopes: [] })).rejects.toBeInstanceOf(ValidationError);
      const { token } = await auth.createApiToken(jane, { name: 'reader', scopes: ['read'] });
      const reader = (await auth.authenticateToken(token)) as Actor;
      await expect(auth.createApiToken(reader, { name: 'y', scopes: ['write'] })).rejects.toThrow(/cannot grant/);
      const child = await auth.createApiToken(reader, { name: 'y', scopes: ['read'] });
      expect(child.info.accountId).toBe(jane.accountId);

      const adminToken = await auth.createApiToken(admin, { name: 'ops', scopes: ['admin'] });
      expect(await auth.authenticateToken(adminToken.token)).toMatchObject({ isAdmin: true, scopes: ['admin'] });
      const adminReader = await auth.createApiToken(admin, { name: 'ops-read', scopes: ['read'] });
      expect(await auth.authenticateToken(adminReader.token)).toMatchObject({ isAdmin: false });
    });

    it('expire', async () => {
      const expiresAt = new Date(clock.getTime() + HOUR).toISOString();
      const { token, info } = await auth.createApiToken(jane, { name: 'short-lived', scopes: ['read'], expiresAt });
      expect(info.expiresAt).toBe(expiresAt);
      expect(await auth.authenticateToken(token)).toBeDefined();
      const saved = clock;
      clock = new Date(saved.getTime() + 2 * HOUR);
      try {
        expect(await auth.authenticateToken(token)).toBeUndefined();
      } finally {
        clock = saved;
      }
      await expect(
        auth.createApiToken(jane, { name: 'past', scopes: ['read'], expiresAt: '2000-01-01T00:00:00Z' }),
      ).rejects.toThrow(/past/);
    });

    it('can be revoked by their owner or an admin, not by others', async () => {
      const { token, info } = await auth.createApiToken(jane, { name: 'to-revoke', scopes: ['read'] });
      const bob = await auth.createAccount(admin, { username: 'bob', password: 'bob-password-1' });
      const bobActor = (await auth.signIn({ username: bob.username, password: 'bob-password-1' })).actor;
      await expect(auth.revokeApiToken(bobActor, info.id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(auth.revokeApiToken(jane, 'no-such-token')).rejects.toBeInstanceOf(NotFoundError);

      const revoked = await auth.revokeApiToken(jane, info.id);
      expect(revoked.revokedAt).toBe(clock.toISOString());
      expect(await auth.authenticateToken(token)).toBeUndefined();
      // Revoking again changes nothing and records nothing.
      await auth.revokeApiToken(jane, info.id);
      const revokedEvents = await events.list({ type: 'auth.token.revoked', subject: `token:${info.id}` });
      expect(revokedEvents).toHaveLength(1);
      expect(revokedEvents[0]?.before).toMatchObject({ revokedAt: null });
      expect(revokedEvents[0]?.after).toMatchObject({ revokedAt: revoked.revokedAt });

      const other = await auth.createApiToken(bobActor, { name: 'bobs', scopes: ['read'] });
      await auth.revokeApiToken(admin, other.info.id);
      expect(await auth.authenticateToken(other.token)).toBeUndefined();
    });

    it('are listed per account; all of them only for admins', async () => {
      const mine = await auth.listApiTokens(jane);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((t) => t.accountId === jane.accountId)).toBe(true);
      expect(JSON.stringify(mine)).not.toMatch(/token_hash|tokenHash/);
      await expect(auth.listApiTokens(jane, { all: true })).rejects.toBeInstanceOf(ForbiddenError);
      const all = await auth.listApiTokens(admin, { all: true });
      expect(new Set(all.map((t) => t.accountId)).size).toBeGreaterThan(1);
    });
  });

  describe('demo account', () => {
    it('is created once, linked to the catalog user, and signs in', async () => {
      await expect(auth.signInDemo()).rejects.toBeInstanceOf(NotFoundError);
      const demo = await auth.ensureDemoAccount({ userRef: 'user:default/ada' });
      expect(demo).toMatchObject({ username: 'demo', userRef: 'user:default/ada', isAdmin: false, hasPassword: false });
      const again = await auth.ensureDemoAccount({ userRef: 'user:default/ada' });
      expect(again.id).toBe(demo.id);
      const moved = await auth.ensureDemoAccount({ userRef: 'user:default/grace' });
      expect(moved).toMatchObject({ id: demo.id, userRef: 'user:default/grace' });
      const grant = await auth.signInDemo();
      expect(grant.actor).toMatchObject({ kind: 'user', userRef: 'user:default/grace', isAdmin: false });
      // Visitors share the account, so none may give it a password.
      await expect(auth.setPassword(grant.actor, { newPassword: 'demo-password-1' })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    });
  });
});
