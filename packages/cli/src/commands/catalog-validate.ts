import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, CliExit } from '../cli-errors.js';
import { formatFieldError, printJson, printLines } from '../output.js';
import { type CommandContext, withJson } from './command-context.js';

/** Descriptor files a directory argument expands to, as Backstage names them. */
const DESCRIPTOR_FILE = /^catalog-info\.ya?ml$/;
/** Directories never worth walking into for descriptors. */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

interface ValidationError {
  file: string;
  line?: number;
  column?: number;
  field?: string;
  entityRef?: string;
  message: string;
}

/** `backbeat catalog validate`: checks descriptor files offline, without a server. */
export function registerValidateCommand(catalog: Command, context: CommandContext): void {
  withJson(
    catalog
      .command('validate')
      .description('Check descriptor files offline (no server needed): YAML syntax and the descriptor rules')
      .argument('<paths...>', 'descriptor files, or directories to search for catalog-info.yaml / catalog-info.yml'),
  )
    .addHelpText(
      'after',
      `
Prints each problem as file:line:column field: message and exits with 1 when
there is any, so it fits in CI and pre-commit hooks.

Examples:
  $ backbeat catalog validate catalog-info.yaml
  $ backbeat catalog validate .                # every catalog-info.yaml below here
  $ backbeat catalog validate org/*.yaml --json`,
    )
    .action(async (paths: string[], options: { json?: boolean }) => {
      const files = await expandPaths(paths, context.cwd);
      const { validateDescriptorFiles } = await import('@backbeat/server');
      const reports = await validateDescriptorFiles(files);
      const display = (file: string) => displayPath(file, context.cwd);
      const shown = reports.map((report) => ({
        file: display(report.file),
        entities: report.entities,
        errors: report.errors.map((error: ValidationError) => ({ ...error, file: display(error.file) })),
      }));
      const errorCount = shown.reduce((sum, report) => sum + report.errors.length, 0);
      const entityCount = shown.reduce((sum, report) => sum + report.entities, 0);

      if (options.json) {
        printJson(context.io.stdout, { ok: errorCount === 0, errorCount, entityCount, files: shown });
      } else {
        for (const report of shown) {
          for (const error of report.errors) printLines(context.io.stdout, formatValidationError(error));
        }
        const summary = `${plural(shown.length, 'file')} checked: ${plural(entityCount, 'valid entity', 'valid entities')}, ${plural(errorCount, 'problem')}.`;
        printLines(context.io.stdout, summary);
      }
      if (errorCount > 0) throw new CliExit(1);
    });
}

/**
 * One problem as an editor-clickable line: `file:line:column field: message`.
 *
 * @example
 * formatValidationError({ file: 'a.yaml', line: 3, column: 5, field: 'spec.owner', message: 'spec.owner is required' })
 * // 'a.yaml:3:5 spec.owner: is required'
 */
export function formatValidationError(error: ValidationError): string {
  const position = [error.file, error.line, error.column].filter((part) => part !== undefined).join(':');
  return `${position} ${formatFieldError(error.field, error.message)}`;
}

/**
 * Files are kept as given (a missing one is reported by the validator); a
 * directory becomes every descriptor file below it.
 */
async function expandPaths(paths: string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info?.isDirectory()) {
      files.push(absolute);
      continue;
    }
    const found = await findDescriptorFiles(absolute);
    if (found.length === 0) {
      throw new CliError(`No catalog-info.yaml or catalog-info.yml found in ${path}`, 2, [
        'Name the descriptor files to check, e.g. `backbeat catalog validate org/*.yaml`.',
      ]);
    }
    files.push(...found);
  }
  return [...new Set(files)];
}

async function findDescriptorFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) found.push(...(await findDescriptorFiles(path)));
    else if (entry.isFile() && DESCRIPTOR_FILE.test(entry.name)) found.push(path);
  }
  return found;
}

/** Paths below the working directory print relative, the way the user typed them. */
function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
