import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  user_ref: string | null;
  is_admin: number;
  password_hash: string | null;
  created_at: string;
  updated_at: string;
  last_sign_in_at: string | null;
}

interface SessionRow {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

interface ApiTokenRow {
  id: string;
  account_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  /** Comma-separated scope names. */
  scopes: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

interface SignInLinkRow {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AuthTables {
  auth_accounts: AccountRow;
  auth_sessions: SessionRow;
  auth_api_tokens: ApiTokenRow;
  auth_sign_in_links: SignInLinkRow;
}

export interface AccountRecord {
  id: string;
  username: string;
  displayName: string;
  userRef: string | null;
  isAdmin: boolean;
  passwordHash: string | null;
  createdAt: string;
  updatedAt: string;
  lastSignInAt: string | null;
}

export interface SessionRecord {
  id: string;
  accountId: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

export interface ApiTokenRecord {
  id: string;
  accountId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface SignInLinkRecord {
  id: string;
  accountId: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

/**
 * SQL for accounts, sessions, API tokens and sign-in links. No rules here: the auth
 * service decides; this only reads and writes rows.
 *
 * @example
 * const store = createAuthStore(database);
 * const account = await store.findAccountByUsername('admin');
 */
export interface AuthStore {
  insertAccount(account: AccountRecord): Promise<void>;
  findAccountById(id: string): Promise<AccountRecord | undefined>;
  findAccountByUsername(username: string): Promise<AccountRecord | undefined>;
  listAccounts(): Promise<AccountRecord[]>;
  countAdmins(): Promise<number>;
  updateAccount(
    id: string,
    patch: Partial<Pick<AccountRecord, 'displayName' | 'userRef' | 'isAdmin' | 'passwordHash' | 'lastSignInAt'>> & {
      updatedAt: string;
    },
  ): Promise<void>;

  insertSession(session: SessionRecord): Promise<void>;
  findSessionByHash(tokenHash: string): Promise<SessionRecord | undefined>;
  extendSession(id: string, expiresAt: string, lastSeenAt: string): Promise<void>;
  deleteSessionByHash(tokenHash: string): Promise<SessionRecord | undefined>;
  /** Deletes the account's sessions except `exceptId`; returns how many went. */
  deleteSessionsOfAccount(accountId: string, exceptId?: string): Promise<number>;

  insertApiToken(token: ApiTokenRecord): Promise<void>;
  findApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  findApiTokenById(id: string): Promise<ApiTokenRecord | undefined>;
  listApiTokens(accountId?: string): Promise<ApiTokenRecord[]>;
  markApiTokenRevoked(id: string, revokedAt: string): Promise<void>;
  markApiTokenUsed(id: string, usedAt: string): Promise<void>;

  insertSignInLink(link: SignInLinkRecord): Promise<void>;
  findSignInLinkByHash(tokenHash: string): Promise<SignInLinkRecord | undefined>;
  /** Marks the link used only if it was unused; false when someone else got there first. */
  claimSignInLink(id: string, usedAt: string): Promise<boolean>;
  countSignInLinks(accountId: string, options: { used: boolean }): Promise<number>;

  /** Deletes expired sessions and expired or used sign-in links. */
  deleteExpired(now: string): Promise<{ sessions: number; links: number }>;
}

export function createAuthStore(database: Database): AuthStore {
  const db = database.db as unknown as Kysely<AuthTables>;
  return {
    async insertAccount(a) {
      await db
        .insertInto('auth_accounts')
        .values({
          id: a.id,
          username: a.username,
          display_name: a.displayName,
          user_ref: a.userRef,
          is_admin: a.isAdmin ? 1 : 0,
          password_hash: a.passwordHash,
          created_at: a.createdAt,
          updated_at: a.updatedAt,
          last_sign_in_at: a.lastSignInAt,
        })
        .execute();
    },
    async findAccountById(id) {
      const row = await db.selectFrom('auth_accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAccount(row);
    },
    async findAccountByUsername(username) {
      const row = await db.selectFrom('auth_accounts').selectAll().where('username', '=', username).executeTakeFirst();
      return row && toAccount(row);
    },
    async listAccounts() {
      const rows = await db.selectFrom('auth_accounts').selectAll().orderBy('username').execute();
      return rows.map(toAccount);
    },
    async countAdmins() {
      const row = await db
        .selectFrom('auth_accounts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('is_admin', '=', 1)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async updateAccount(id, patch) {
      await db
        .updateTable('auth_accounts')
        .set({
          updated_at: patch.updatedAt,
          ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
          ...(patch.userRef !== undefined ? { user_ref: patch.userRef } : {}),
          ...(patch.isAdmin !== undefined ? { is_admin: patch.isAdmin ? 1 : 0 } : {}),
          ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
          ...(patch.lastSignInAt !== undefined ? { last_sign_in_at: patch.lastSignInAt } : {}),
        })
        .where('id', '=', id)
        .execute();
    },

    async insertSession(s) {
      await db
        .insertInto('auth_sessions')
        .values({
          id: s.id,
          account_id: s.accountId,
          token_hash: s.tokenHash,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          last_seen_at: s.lastSeenAt,
        })
        .execute();
    },
    async findSessionByHash(tokenHash) {
      const row = await db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && toSession(row);
    },
    async extendSession(id, expiresAt, lastSeenAt) {
      await db
        .updateTable('auth_sessions')
        .set({ expires_at: expiresAt, last_seen_at: lastSeenAt })
        .where('id', '=', id)
        .execute();
    },
    async deleteSessionByHash(tokenHash) {
      const row = await db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return undefined;
      await db.deleteFrom('auth_sessions').where('id', '=', row.id).execute();
      return toSession(row);
    },
    async deleteSessionsOfAccount(accountId, exceptId) {
      let q = db.deleteFrom('auth_sessions').where('account_id', '=', accountId);
      if (exceptId) q = q.where('id', '!=', exceptId);
      const result = await q.executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async insertApiToken(t) {
      await db
        .insertInto('auth_api_tokens')
        .values({
          id: t.id,
          account_id: t.accountId,
          name: t.name,
          token_hash: t.tokenHash,
          prefix: t.prefix,
          scopes: t.scopes.join(','),
          created_at: t.createdAt,
          expires_at: t.expiresAt,
          revoked_at: t.revokedAt,
          last_used_at: t.lastUsedAt,
        })
        .execute();
    },
    async findApiTokenByHash(tokenHash) {
      const row = await db
        .selectFrom('auth_api_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && toApiToken(row);
    },
    async findApiTokenById(id) {
      const row = await db.selectFrom('auth_api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toApiToken(row);
    },
    async listApiTokens(accountId) {
      let q = db.selectFrom('auth_api_tokens').selectAll();
      if (accountId) q = q.where('account_id', '=', accountId);
      const rows = await q.orderBy('id', 'desc').execute();
      return rows.map(toApiToken);
    },
    async markApiTokenRevoked(id, revokedAt) {
      await db
        .updateTable('auth_api_tokens')
        .set({ revoked_at: revokedAt })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async markApiTokenUsed(id, usedAt) {
      await db.updateTable('auth_api_tokens').set({ last_used_at: usedAt }).where('id', '=', id).execute();
    },

    async insertSignInLink(l) {
      await db
        .insertInto('auth_sign_in_links')
        .values({
          id: l.id,
          account_id: l.accountId,
          token_hash: l.tokenHash,
          created_at: l.createdAt,
          expires_at: l.expiresAt,
          used_at: l.usedAt,
        })
        .execute();
    },
    async findSignInLinkByHash(tokenHash) {
      const row = await db
        .selectFrom('auth_sign_in_links')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && toSignInLink(row);
    },
    async claimSignInLink(id, usedAt) {
      const result = await db
        .updateTable('auth_sign_in_links')
        .set({ used_at: usedAt })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async countSignInLinks(accountId, { used }) {
      const row = await db
        .selectFrom('auth_sign_in_links')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('account_id', '=', accountId)
        .where('used_at', used ? 'is not' : 'is', null)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async deleteExpired(now) {
      const sessions = await db.deleteFrom('auth_sessions').where('expires_at', '<=', now).executeTakeFirst();
      const links = await db
        .deleteFrom('auth_sign_in_links')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)]))
        .executeTakeFirst();
      return { sessions: Number(sessions.numDeletedRows), links: Number(links.numDeletedRows) };
    },
  };
}

function toAccount(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    userRef: row.user_ref,
    isAdmin: Number(row.is_admin) === 1,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
  };
}

function toApiToken(row: ApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    tokenHash: row.token_hash,
    prefix: row.prefix,
    scopes: row.scopes ? row.scopes.split(',') : [],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

function toSignInLink(row: SignInLinkRow): SignInLinkRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}
