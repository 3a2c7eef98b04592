import type { TextSink } from './cli-io.js';

/**
 * Writes a value as pretty JSON on one document, for `--json`.
 *
 * @example
 * printJson(io.stdout, { items: [] });
 */
export function printJson(sink: TextSink, value: unknown): void {
  sink.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes lines of text, each ended with a newline. */
export function printLines(sink: TextSink, ...lines: string[]): void {
  for (const line of lines) sink.write(`${line}\n`);
}

export interface Column<Row> {
  header: string;
  value: (row: Row) => unknown;
}

/**
 * Formats rows as a plain-text table with a header and columns padded to their
 * widest cell; missing values show as `-`. No trailing spaces, so output diffs well.
 *
 * @example
 * formatTable([{ ref: 'component:default/web' }], [{ header: 'REF', value: (r) => r.ref }])
 * // 'REF\ncomponent:default/web'
 */
export function formatTable<Row>(rows: Row[], columns: Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row))));
  const headers = columns.map((column) => column.header);
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((line) => line[i]?.length ?? 0)));
  const render = (line: string[]) =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(headers), ...cells.map(render)].join('\n');
}

/** Writes a table, or `empty` when there are no rows. */
export function printTable<Row>(sink: TextSink, rows: Row[], columns: Column<Row>[], empty = '(none)'): void {
  printLines(sink, rows.length === 0 ? empty : formatTable(rows, columns));
}

function cellText(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cellText).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\s+/g, ' ');
}

/**
 * `field: message` for a field error, dropping the field's name from the start of
 * the message when the message repeats it (`spec.owner: spec.owner is required`).
 * A field may carry a position before the name (`a.yaml:3 spec.owner`).
 *
 * @example
 * formatFieldError('spec.owner', 'spec.owner is required') // 'spec.owner: is required'
 */
export function formatFieldError(field: string | null | undefined, message: string): string {
  if (!field) return message;
  const name = field.slice(field.lastIndexOf(' ') + 1);
  const trimmed = name && message.startsWith(`${name} `) ? message.slice(name.length + 1) : message;
  return `${field}: ${trimmed}`;
}
