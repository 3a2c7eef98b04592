import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-errors.js';
import { ENTITY_COLUMNS, type EntityLike, formatEntitySummary, refOf } from '../entity-summary.js';
import { formatFieldError, printJson, printLines, printTable } from '../output.js';
import { registerValidateCommand } from './catalog-validate.js';
import { type CommandContext, collect, parsePositiveInt, withJson } from './command-context.js';

interface RegisterResponse {
  location?: { id?: string; type?: string; target?: string };
  entities?: EntityLike[];
}

/** A descriptor problem recorded for a location, as `GET /locations/:id/errors` lists them. */
interface LocationError {
  filePath: string | null;
  line: number | null;
  column: number | null;
  field: string | null;
  level?: string;
  message: string;
}

interface EntityPage {
  items: EntityLike[];
  totalItems?: number;
  pageInfo?: { nextCursor?: string };
}

interface LocationStatus {
  id: string;
  type: string;
  target: string;
  refreshState?: string;
  lastRefreshAt?: string | null;
  lastError?: string | null;
  entityCount?: number;
  errorCount?: number;
}

const CATALOG_HELP = `
Entity references are written [kind:][namespace/]name; the kind defaults to
component and the namespace to default, so "web" means component:default/web.`;

/** `backbeat catalog ...`: register, inspect and validate catalog descriptors. */
export function registerCatalogCommands(program: Command, context: CommandContext): void {
  const catalog = program
    .command('catalog')
    .description('Register, list, inspect and validate catalog entities (catalog-info.yaml)')
    .addHelpText('after', CATALOG_HELP);

  withJson(
    catalog
      .command('register')
      .description('Register a location (a git repository or a descriptor URL) and ingest its entities')
      .argument('<target>', 'git repository (URL or local path) or URL of a YAML descriptor')
      .addOption(
        new Option('--type <type>', 'location type (default: url for http(s) links to .yaml files, else git)').choices([
          'git',
          'url',
        ]),
      )
      .option('--ref <ref>', 'git branch, tag or commit to read (default: the remote HEAD)')
      .option('--path <glob>', 'which files in the repository hold descriptors (default: catalog-info.yaml)')
      .option('--dry-run', 'only read and validate the location; register nothing'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ backbeat catalog register https://git.example.com/team/web.git
  $ backbeat catalog register ./services/payments --path 'catalog-info.yaml'
  $ backbeat catalog register ../org --path '**/*.yaml' --dry-run`,
    )
    .action(
      async (
        target: string,
        options: { type?: 'git' | 'url'; ref?: string; path?: string; dryRun?: boolean; json?: boolean },
        command: Command,
      ) => {
        const type = options.type ?? inferLocationType(target);
        const resolvedTarget = isRemote(target) ? target : resolve(context.cwd, target);
        const body = {
          type,
          target: resolvedTarget,
          options: stripUndefined({ ref: options.ref, path: options.path }),
        };
        const client = context.client(command);
        const response = await client.request<RegisterResponse>('POST', '/api/catalog/locations', {
          query: { dryRun: options.dryRun ? 'true' : undefined },
          body,
        });
        if (options.json) return printJson(context.io.stdout, response);
        const entities = response?.entities ?? [];
        const id = response?.location?.id;
        const out = context.io.stdout;
        if (options.dryRun) {
          printLines(out, `Dry run: nothing was registered. ${type} ${resolvedTarget} holds ${count(entities)}.`);
        } else {
          printLines(
            out,
            `Registered location${id ? ` ${id}` : ''} (${type} ${resolvedTarget}) with ${count(entities)}.`,
          );
        }
        if (entities.length > 0) printTable(out, entities, ENTITY_COLUMNS);
        if (!options.dryRun && id) {
          // Registration succeeds even when some descriptors are broken; say which, so they get fixed.
          const errors = await client.request<LocationError[]>(
            'GET',
            `/api/catalog/locations/${encodeURIComponent(id)}/errors`,
          );
          if (Array.isArray(errors) && errors.length > 0) {
            printLines(context.io.stderr, `${errors.length} problem(s) in this location's descriptors:`);
            for (const error of errors) printLines(context.io.stderr, `  ${formatLocationError(error)}`);
          }
        }
      },
    );

  withJson(
    catalog
      .command('get')
      .description('Show one entity')
      .argument('<ref>', 'entity reference, [kind:][namespace/]name (kind defaults to component)'),
  ).action(async (ref: string, options: { json?: boolean }, command: Command) => {
    const { kind, namespace, name } = parseRef(ref);
    const path = `/api/catalog/entities/by-name/${[kind, namespace, name].map(encodeURIComponent).join('/')}`;
    const entity = await context.client(command).request<EntityLike>('GET', path);
    if (options.json) return printJson(context.io.stdout, entity);
    printLines(context.io.stdout, formatEntitySummary(entity));
  });

  withJson(
    catalog
      .command('list')
      .description('List entities, optionally filtered')
      .option(
        '--filter <filter>',
        'Backstage filter such as kind=component,spec.type=service; repeat for alternatives (OR)',
        collect,
      )
      .option('--limit <n>', 'how many entities to show (default: 100)', parsePositiveInt('--limit'), 100)
      .option('--search <term>', 'full-text search in names, titles and descriptions'),
  )
    .addHelpText(
      'after',
      `
Within one --filter, comma-separated conditions must all hold; several --filter
options match entities that satisfy any of them.

Examples:
  $ backbeat catalog list --filter kind=component,spec.lifecycle=production
  $ backbeat catalog list --filter kind=group --filter kind=user --limit 20
  $ backbeat catalog list --search payments`,
    )
    .action(
      async (options: { filter?: string[]; limit: number; search?: string; json?: boolean }, command: Command) => {
        const page = await context.client(command).request<EntityPage>('GET', '/api/catalog/entities/by-query', {
          query: {
            filter: options.filter,
            limit: options.limit,
            fullTextFilterTerm: options.search,
            orderField: 'metadata.name,asc',
            totalItems: 'include',
          },
        });
        if (options.json) return printJson(context.io.stdout, page);
        const items = page?.items ?? [];
        printTable(context.io.stdout, items, ENTITY_COLUMNS, 'No entities match.');
        const total = page?.totalItems;
        if (typeof total === 'number' && total > items.length) {
          printLines(context.io.stdout, `Showing ${items.length} of ${total}; raise --limit or narrow with --filter.`);
        }
      },
    );

  withJson(
    catalog
      .command('locations')
      .description('List registered locations and how their last refresh went')
      .option('--errors', 'also list the descriptor problems of each location that has some'),
  ).action(async (options: { errors?: boolean; json?: boolean }, command: Command) => {
    const client = context.client(command);
    const response = await client.request<LocationStatus[] | { items: LocationStatus[] }>(
      'GET',
      '/api/catalog/location-status',
    );
    const items = Array.isArray(response) ? response : (response?.items ?? []);
    const errorsOf = new Map<string, LocationError[]>();
    if (options.errors) {
      for (const location of items.filter((l) => (l.errorCount ?? 0) > 0)) {
        const path = `/api/catalog/locations/${encodeURIComponent(location.id)}/errors`;
        errorsOf.set(location.id, await client.request<LocationError[]>('GET', path));
      }
    }
    if (options.json) {
      const withErrors = options.errors ? items.map((l) => ({ ...l, errors: errorsOf.get(l.id) ?? [] })) : items;
      return printJson(context.io.stdout, withErrors);
    }
    printTable(
      context.io.stdout,
      items,
      [
        { header: 'ID', value: (l) => l.id },
        { header: 'TYPE', value: (l) => l.type },
        { header: 'STATE', value: (l) => l.refreshState },
        { header: 'ENTITIES', value: (l) => l.entityCount },
        { header: 'ERRORS', value: (l) => l.errorCount },
        { header: 'REFRESHED', value: (l) => l.lastRefreshAt },
        { header: 'TARGET', value: (l) => l.target },
      ],
      'No locations registered yet. Add one with `backbeat catalog register <target>`.',
    );
    for (const location of items) {
      if (location.lastError) printLines(context.io.stderr, `${location.target}: ${location.lastError}`);
      const errors = errorsOf.get(location.id) ?? [];
      if (errors.length > 0) {
        printLines(context.io.stdout, '', `${location.target}:`, ...errors.map((e) => `  ${formatLocationError(e)}`));
      }
    }
    if (!options.errors && items.some((l) => (l.errorCount ?? 0) > 0)) {
      printLines(context.io.stdout, '', 'Some descriptors have problems; add --errors to list them.');
    }
  });

  withJson(
    catalog
      .command('refresh')
      .description('Re-read the location an entity came from, now instead of at the next scheduled refresh')
      .argument('<ref>', 'entity reference, [kind:][namespace/]name (kind defaults to component)'),
  ).action(async (ref: string, options: { json?: boolean }, command: Command) => {
    const parsed = parseRef(ref);
    const entityRef = refOf({ kind: parsed.kind, metadata: { name: parsed.name, namespace: parsed.namespace } });
    const response = await context.client(command).request<unknown>('POST', '/api/catalog/refresh', {
      body: { entityRef },
    });
    if (options.json) return printJson(context.io.stdout, response ?? { entityRef, refreshed: true });
    printLines(context.io.stdout, `Refresh of ${entityRef} requested.`);
  });

  registerValidateCommand(catalog, context);
}

/**
 * Parses `[kind:][namespace/]name` the way the catalog does (a `/` before the
 * first `:` means no kind), defaulting the kind to component.
 *
 * @example
 * parseRef('group:ops/sre') // { kind: 'group', namespace: 'ops', name: 'sre' }
 */
export function parseRef(ref: string): { kind: string; namespace: string; name: string } {
  let colon = ref.indexOf(':');
  const slash = ref.indexOf('/');
  if (slash !== -1 && slash < colon) colon = -1;
  const kind = colon === -1 ? 'component' : ref.slice(0, colon);
  const namespace = slash === -1 ? 'default' : ref.slice(colon + 1, slash);
  const name = ref.slice(Math.max(colon + 1, slash + 1));
  if (!kind || !namespace || !name) {
    throw new CliError(`"${ref}" is not an entity reference; write [kind:][namespace/]name.`, 2);
  }
  return { kind, namespace, name };
}

/** http(s), ssh and scp-style git addresses are sent as written; anything else is a local path. */
function isRemote(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || /^[\w.-]+@[\w.-]+:/.test(target);
}

function inferLocationType(target: string): 'git' | 'url' {
  return /^https?:\/\//i.test(target) && /\.ya?ml(\?.*)?$/i.test(target) ? 'url' : 'git';
}

function formatLocationError(error: LocationError): string {
  const position = [error.filePath, error.line, error.column].filter((p) => p !== null && p !== undefined).join(':');
  return `${position ? `${position} ` : ''}${formatFieldError(error.field, error.message)}`;
}

function count(entities: unknown[]): string {
  return entities.length === 1 ? '1 entity' : `${entities.length} entities`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
