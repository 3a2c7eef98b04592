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

export function renderTable(table: Table): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    `**${table.title}**`,
    '',
    line(table.columns),
    line(table.columns.map(() => '---')),
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
    writeFileSync(RESULTS, '# Benchmark results\n\nAppended by `npm run bench -- <name>`; newest last.\n\n');
  appendFileSync(RESULTS, `${body}\n`);
  console.log(`Appended to bench/RESULTS.md`);
}
