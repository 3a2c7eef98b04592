import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, CliExit } from '../cli-errors.js';
import { printJson, printLines, printTable } from '../output.js';
import { type CommandContext, withJson } from './command-context.js';

const RINGS = ['adopt', 'trial', 'assess', 'hold'];

interface RadarSummary {
  name: string;
  title: string;
  entries: number;
  sourceId?: string;
  updatedAt: string;
}

interface RadarView extends RadarSummary {
  quadrants: { id: string; name: string }[];
  items: {
    id: string;
    name: string;
    quadrant: string;
    ring: string;
    adoption: { components: number; squads: number; versions: string[]; byRing: Record<string, number> };
  }[];
  problems: { file?: string; line?: number; field: string; message: string }[];
}

interface EntryDetail {
  entry: { id: string; name: string; ring: string };
  adoption: {
    components: number;
    squads: number;
    usages: { entityRef: string; ownerRef: string | null; dependency: string; version: string; ring: string }[];
  };
  history: { from: string | null; to: string; at: string; by: string; reason: string }[];
}

interface SourceStatus {
  id: string;
  type: string;
  target: string;
  path: string;
  radar?: string;
  lastLoadedAt?: string;
  error?: string;
  problems: { file?: string; line?: number; field: string; message: string }[];
}

interface EvaluationItem {
  radar: string;
  entryId: string;
  entryName: string;
  entryRing: string;
  ring: string;
  dependency: string;
  version: string;
}

const seg = encodeURIComponent;

/** `backbeat radar ...`: the Golden Tech radar, an entry's adoption, and a CI check for HOLD technologies. */
export function registerRadarCommands(program: Command, context: CommandContext): void {
  const radar = program
    .command('radar')
    .description('The Golden Tech radar: rings, adoption in the fleet, and a CI check against HOLD');

  withJson(radar.command('list').description('List the radars')).action(
    async (options: { json?: boolean }, command: Command) => {
      const { items } = await context.client(command).request<{ items: RadarSummary[] }>('GET', '/api/radar/radars');
      if (options.json) return printJson(context.io.stdout, items);
      printTable(
        context.io.stdout,
        items,
        [
          { header: 'NAME', value: (r) => r.name },
          { header: 'TITLE', value: (r) => r.title },
          { header: 'ENTRIES', value: (r) => r.entries },
          { header: 'MANAGED BY', value: (r) => (r.sourceId ? `source ${r.sourceId}` : 'API') },
        ],
        'No radar yet.',
      );
    },
  );

  withJson(
    radar
      .command('show')
      .description('Show a radar: every entry with its ring and how many components and squads use it')
      .argument('[name]', 'the radar (default: the only or first one)'),
  ).action(async (name: string | undefined, options: { json?: boolean }, command: Command) => {
    const client = context.client(command);
    const radarName =
      name ?? (await client.request<{ items: RadarSummary[] }>('GET', '/api/radar/radars')).items[0]?.name;
    if (!radarName) throw new CliError('No radar yet: apply one with `backbeat radar apply -f radar.yaml`.');
    const view = await client.request<RadarView>('GET', `/api/radar/radars/${seg(radarName)}`);
    if (options.json) return printJson(context.io.stdout, view);
    const quadrants = new Map(view.quadrants.map((q) => [q.id, q.name]));
    const rows = [...view.items].sort(
      (a, b) =>
        view.quadrants.findIndex((q) => q.id === a.quadrant) - view.quadrants.findIndex((q) => q.id === b.quadrant) ||
        RINGS.indexOf(a.ring) - RINGS.indexOf(b.ring) ||
        a.name.localeCompare(b.name),
    );
    printLines(context.io.stdout, `${view.title} (${view.name}): ${view.items.length} entries`, '');
    printTable(context.io.stdout, rows, [
      { header: 'ENTRY', value: (e) => e.id },
      { header: 'QUADRANT', value: (e) => quadrants.get(e.quadrant) ?? e.quadrant },
      { header: 'RING', value: (e) => e.ring },
      { header: 'COMPONENTS', value: (e) => e.adoption.components },
      { header: 'SQUADS', value: (e) => e.adoption.squads },
      { header: 'IN HOLD', value: (e) => e.adoption.byRing.hold ?? 0 },
      { header: 'VERSIONS', value: (e) => e.adoption.versions.slice(0, 4).join(', ') || '-' },
    ]);
    for (const p of view.problems) {
      context.io.stderr.write(`${p.file ?? view.name}${p.line ? `:${p.line}` : ''} ${p.field}: ${p.message}\n`);
    }
  });

  withJson(
    radar
      .command('entry')
      .description("An entry's drill-down: each component, its owner and version, and the ring history")
      .argument('<radar>', 'the radar name')
      .argument('<entry>', 'the entry id'),
  ).action(async (radarName: string, entryId: string, options: { json?: boolean }, command: Command) => {
    const detail = await context
      .client(command)
      .request<EntryDetail>('GET', `/api/radar/radars/${seg(radarName)}/entries/${seg(entryId)}`);
    if (options.json) return printJson(context.io.stdout, detail);
    const out = context.io.stdout;
    printLines(
      out,
      `${detail.entry.name} (${detail.entry.ring}): ${detail.adoption.components} components, ${detail.adoption.squads} squads`,
      '',
    );
    printTable(
      out,
      detail.adoption.usages,
      [
        { header: 'COMPONENT', value: (u) => u.entityRef },
        { header: 'OWNER', value: (u) => u.ownerRef },
        { header: 'DEPENDENCY', value: (u) => u.dependency },
        { header: 'VERSION', value: (u) => u.version || '-' },
        { header: 'RING', value: (u) => u.ring },
      ],
      'No component declares it.',
    );
    printLines(out, '', 'Ring history:');
    for (const move of detail.history) {
      printLines(out, `  ${move.at}  ${move.from ?? '(added)'} -> ${move.to}  ${move.by}: ${move.reason}`);
    }
  });

  withJson(
    radar
      .command('apply')
      .description('Create or replace a radar from a Radar YAML file (admins)')
      .requiredOption('-f, --file <file>', 'the Radar document')
      .option('--reason <text>', 'why, recorded with every ring move'),
  ).action(async (options: { file: string; reason?: string; json?: boolean }, command: Command) => {
    let yaml: string;
    try {
      yaml = await readFile(resolve(context.cwd, options.file), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(`Cannot read ${options.file}${code ? ` (${code})` : ''}.`, 2);
    }
    let summary: RadarSummary;
    try {
      summary = await context.client(command).request<RadarSummary>('POST', '/api/radar/radars', {
        body: { yaml, ...(options.reason ? { reason: options.reason } : {}) },
      });
    } catch (error) {
      throw withFileLines(error, basename(options.file));
    }
    if (options.json) return printJson(context.io.stdout, summary);
    printLines(context.io.stdout, `Applied radar ${summary.name} (${summary.entries} entries).`);
  });

  registerSourceCommands(radar, context);

  withJson(
    radar
      .command('check')
      .description('List the radar entries an entity uses; exit 1 when one is in a failing ring (default: hold)')
      .argument('<entity-ref>', 'the entity, e.g. component:default/playback-api (kind and namespace optional)')
      .option('--fail-on <rings>', 'comma-separated rings that fail the check', 'hold'),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 when no technology the entity uses is in a failing ring, 1 otherwise.

Examples:
  $ backbeat radar check playback-api
  $ backbeat radar check component:default/playback-api --fail-on hold,assess --json`,
    )
    .action(async (ref: string, options: { failOn: string; json?: boolean }, command: Command) => {
      const failOn = options.failOn.split(',').map((r) => r.trim().toLowerCase());
      const unknown = failOn.filter((r) => !RINGS.includes(r));
      if (unknown.length > 0) throw new CliError(`Unknown ring ${unknown.join(', ')}: use ${RINGS.join(', ')}.`, 2);
      const result = await context
        .client(command)
        .request<{ items: EvaluationItem[] }>('GET', '/api/radar/evaluation', { query: { entityRef: ref } });
      const failing = result.items.filter((i) => failOn.includes(i.ring));
      if (options.json) {
        printJson(context.io.stdout, { entityRef: ref, failOn, passed: failing.length === 0, items: result.items });
      } else {
        printTable(
          context.io.stdout,
          result.items,
          [
            { header: 'RADAR', value: (i) => i.radar },
            { header: 'ENTRY', value: (i) => i.entryName },
            { header: 'DEPENDENCY', value: (i) => i.dependency },
            { header: 'VERSION', value: (i) => i.version || '-' },
            { header: 'RING', value: (i) => (i.ring === i.entryRing ? i.ring : `${i.ring} (entry: ${i.entryRing})`) },
          ],
          'Uses no technology on the radar.',
        );
        printLines(
          context.io.stdout,
          '',
          failing.length === 0
            ? `OK: nothing in ${failOn.join(', ')}.`
            : `FAIL: ${failing.length} in ${failOn.join(', ')}: ${failing.map((i) => `${i.entryName} ${i.version}`.trim()).join(', ')}`,
        );
      }
      if (failing.length > 0) throw new CliExit(1);
    });
}

function registerSourceCommands(radar: Command, context: CommandContext): void {
  const source = radar
    .command('source')
    .description('Radar files in git repositories or on disk, loaded on a schedule');
  const report = (status: SourceStatus, json: boolean | undefined) => {
    if (json) return printJson(context.io.stdout, status);
    printLines(
      context.io.stdout,
      `${status.id}  ${status.type} ${status.target}${status.path ? ` (${status.path})` : ''}  -> ${status.radar ?? '(no radar loaded)'}`,
    );
    if (status.error) context.io.stderr.write(`${status.error}\n`);
    for (const p of status.problems) {
      context.io.stderr.write(`${p.file ?? status.target}${p.line ? `:${p.line}` : ''} ${p.field}: ${p.message}\n`);
    }
    if (status.error) throw new CliExit(1);
  };

  withJson(
    source
      .command('add')
      .description('Register a radar file and load it (admins): --git <repository> [--path] [--ref], or --file <path>')
      .option('--git <repository>', 'a git repository URL or local path')
      .option('--path <path>', 'the file inside the repository', 'radar.yaml')
      .option('--ref <ref>', 'the branch, tag or commit to read', 'HEAD')
      .option('--file <file>', 'a radar file on the server machine (absolute path)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ backbeat radar source add --git https://git.example.com/platform/tech-radar.git --path radar.yaml
  $ backbeat radar source add --file /srv/backbeat/radar.yaml`,
    )
    .action(
      async (options: { git?: string; path: string; ref: string; file?: string; json?: boolean }, command: Command) => {
        if (Boolean(options.git) === Boolean(options.file)) throw new CliError('Give either --git or --file.', 2);
        const body = options.git
          ? { type: 'git', target: options.git, path: options.path, ref: options.ref }
          : { type: 'file', target: resolve(context.cwd, options.file as string) };
        report(
          await context.client(command).request<SourceStatus>('POST', '/api/radar/sources', { body }),
          options.json,
        );
      },
    );

  withJson(source.command('list').description('List radar sources with their last load')).action(
    async (options: { json?: boolean }, command: Command) => {
      const { items } = await context.client(command).request<{ items: SourceStatus[] }>('GET', '/api/radar/sources');
      if (options.json) return printJson(context.io.stdout, items);
      printTable(
        context.io.stdout,
        items,
        [
          { header: 'ID', value: (s) => s.id },
          { header: 'TARGET', value: (s) => `${s.target}${s.path ? ` (${s.path})` : ''}` },
          { header: 'RADAR', value: (s) => s.radar },
          { header: 'LOADED', value: (s) => s.lastLoadedAt },
          {
            header: 'STATUS',
            value: (s) => s.error ?? (s.problems.length > 0 ? `${s.problems.length} problem(s)` : 'ok'),
          },
        ],
        'No radar source registered.',
      );
    },
  );

  withJson(
    source.command('sync').description('Read a radar source again now (admins)').argument('<id>', 'the source id'),
  ).action(async (id: string, options: { json?: boolean }, command: Command) => {
    report(
      await context.client(command).request<SourceStatus>('POST', `/api/radar/sources/${seg(id)}/sync`),
      options.json,
    );
  });
}

/** Problems of a rejected file as `file:line field: message`, the way editors jump to them. */
function withFileLines(error: unknown, file: string): unknown {
  if (!(error instanceof CliError)) return error;
  const errors = (error.json as { error?: { errors?: { field?: string; line?: number; message?: string }[] } })?.error
    ?.errors;
  if (!errors || errors.length === 0) return error;
  const details = errors.map((e) => `${file}${e.line ? `:${e.line}` : ''} ${e.field ?? ''}: ${e.message ?? ''}`);
  return new CliError(error.message, error.exitCode, details, error.json);
}
