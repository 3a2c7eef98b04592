import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLine } from './machine.js';

const RESULTS = join(import.meta.dirname, '..', 'RESULTS.md');

/** A results table: a header row and data rows. */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
}

/** A Markdown table padded the way the repository's formatter writes it, so RESULTS.md stays lint-clean. */
export function renderTable(table: Table): string {
  const widths = table.columns.map((c, i) => Math.max(3, c.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [
    `**${table.title}**`,
    '',
    line(table.columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...table.rows.map(line),
  ].join('\n');
}

/** Prints the tables and appends them, with date, command and machine, to bench/RESULTS.md. */
export function report(input: {
  name: string;
  command: string;
  tables: Table[];
  notes?: string[];
  record?: boolean;
}): void {
  const body = [
    `## ${input.name} — ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    `Command: \`${input.command}\`  `,
    `Machine: ${machineLine()}`,
    '',
    ...input.tables.flatMap((t) => [renderTable(t), '']),
    ...(input.notes ?? []).map((n) => `- ${n}`),
    '',
  ].join('\n');
  console.log(`\n${body}`);
  if (input.record === false) return;
  if (!existsSync(RESULTS))
    writeFileSync(
      RESULTS,
      '# Benchmark results\n\nAppended by `npm run bench -- <name>`; newest last. See [README.md](README.md) for what each\nbenchmark measures.\n\n',
    );
  appendFileSync(RESULTS, `${body}\n`);
  console.log(`Appended to bench/RESULTS.md`);
}
