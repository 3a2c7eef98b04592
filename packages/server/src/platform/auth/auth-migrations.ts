import type { Kysely } from 'kysely';
import type { MigrationSet } from '../db/migrations.js';

/**
 * Local accounts and the secrets that act for them. No secret is stored in plain
 * text: sessions, API tokens and sign-in links keep a SHA-256 of the secret,
 * passwords an argon2id hash.
 *
 * - auth_accounts: people (and the bootstrap `admin`); user_ref links to the catalog.
 * - auth_sessions: browser sessions behind the `backbeat_session` cookie.
 * - auth_api_tokens: `bb_...` bearer tokens with scopes, optional expiry, revocable.
 * - auth_sign_in_links: one-time links (first start, admin-issued), single use.
 */
export const authMigrations: MigrationSet = {
  'platform/0003-auth': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('auth_accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('user_ref', 'text')
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('last_sign_in_at', 'text')
        .execute();

      await db.schema
        .createTable('auth_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('auth_accounts.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('auth_sessions_account').on('auth_sessions').column('account_id').execute();

      await db.schema
        .createTable('auth_api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('auth_accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('auth_api_tokens_account').on('auth_api_tokens').column('account_id').execute();

      await db.schema
        .createTable('auth_sign_in_links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('auth_accounts.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
    },
  },
};
