import { type Command, InvalidArgumentError } from 'commander';
import { printJson, printLines, printTable } from '../output.js';
import { type CommandContext, collect, withJson } from './command-context.js';

interface TokenInfo {
  id: string;
  name: string;
  prefix?: string;
  scopes?: string[];
  createdAt?: string;
  expiresAt?: string | null;
  revokedAt?: string | null;
  lastUsedAt?: string | null;
}

/** The server answers a new token as `{ token, info }`; older shapes put the fields at the top. */
type CreatedToken = { token: string; info?: TokenInfo } & Partial<TokenInfo>;

const SCOPES = ['read', 'write', 'admin'];

/** `backbeat token ...`: API tokens for scripts, CI and the CLI itself. */
export function registerTokenCommands(program: Command, context: CommandContext): void {
  const token = program
    .command('token')
    .description('Create, list and revoke API tokens (for scripts, CI and this CLI)')
    .addHelpText(
      'after',
      `
Tokens act as the account that created them, limited to their scopes:
read (look), write (change what the account may change), admin (administer Backbeat).
Send one with --token <token> or BACKBEAT_TOKEN.`,
    );

  withJson(
    token
      .command('create')
      .description('Create an API token; the secret is shown once, only now')
      .argument('<name>', 'what the token is for, e.g. "ci-deploy"')
      .option('--scope <scope>', 'read, write or admin; repeat for several (default: read)', collectScope)
      .option('--expires-at <date>', 'ISO-8601 date and time after which the token stops working'),
  )
    .addHelpText(
      'after',
      `
Example:
  $ backbeat token create ci-register --scope read --scope write`,
    )
    .action(
      async (name: string, options: { scope?: string[]; expiresAt?: string; json?: boolean }, command: Command) => {
        const scopes = options.scope ?? ['read'];
        const response = await context.client(command).request<CreatedToken>('POST', '/api/auth/tokens', {
          body: { name, scopes, ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}) },
        });
        const info: Partial<TokenInfo> = response.info ?? response;
        if (options.json) return printJson(context.io.stdout, { token: response.token, ...info });
        printLines(
          context.io.stdout,
          `Created token ${info.id ?? ''} "${info.name ?? name}" with scopes ${(info.scopes ?? scopes).join(', ')}.`,
          '',
          `  ${response.token}`,
          '',
          'Copy it now: Backbeat stores only its hash and cannot show it again.',
        );
      },
    );

  withJson(
    token
      .command('list')
      .description('List your API tokens (never their secrets)')
      .option('--all', "list every account's tokens (admins only)"),
  ).action(async (options: { all?: boolean; json?: boolean }, command: Command) => {
    const response = await context
      .client(command)
      .request<TokenInfo[] | { items: TokenInfo[] }>('GET', '/api/auth/tokens', {
        query: { all: options.all ? 'true' : undefined },
      });
    if (options.json) return printJson(context.io.stdout, response);
    const items = Array.isArray(response) ? response : (response?.items ?? []);
    printTable(
      context.io.stdout,
      items,
      [
        { header: 'ID', value: (t) => t.id },
        { header: 'NAME', value: (t) => t.name },
        { header: 'PREFIX', value: (t) => t.prefix },
        { header: 'SCOPES', value: (t) => t.scopes },
        { header: 'STATE', value: tokenState },
        { header: 'LAST USED', value: (t) => t.lastUsedAt },
      ],
      'No API tokens yet. Create one with `backbeat token create <name>`.',
    );
  });

  withJson(
    token
      .command('revoke')
      .description('Revoke an API token; it stops working at once')
      .argument('<id>', 'the token id shown by `backbeat token list`'),
  ).action(async (id: string, options: { json?: boolean }, command: Command) => {
    const response = await context
      .client(command)
      .request<TokenInfo | undefined>('DELETE', `/api/auth/tokens/${encodeURIComponent(id)}`);
    if (options.json) return printJson(context.io.stdout, response ?? { id, revoked: true });
    printLines(context.io.stdout, `Revoked token ${id}${response?.name ? ` "${response.name}"` : ''}.`);
  });
}

function tokenState(token: TokenInfo): string {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && token.expiresAt < new Date().toISOString()) return 'expired';
  return token.expiresAt ? `until ${token.expiresAt}` : 'active';
}

function collectScope(value: string, previous: string[] | undefined): string[] {
  if (!SCOPES.includes(value)) throw new InvalidArgumentError(`Allowed scopes are ${SCOPES.join(', ')}.`);
  return collect(value, previous);
}
