import yaml from 'js-yaml';
import type { Entity } from './entity.js';
import { locateField } from './locate-field.js';
import { DEFAULT_NAMESPACE, stringifyEntityRef } from './refs.js';
import { validateEntity } from './validate-entity.js';

/** A problem with one descriptor document, located as precisely as known (lines and columns are 1-based). */
export interface DescriptorError {
  file: string;
  line?: number;
  column?: number;
  field?: string;
  entityRef?: string;
  message: string;
}

/**
 * One non-empty YAML document of a descriptor file. `line` is the 1-based line
 * where the document's content starts.
 *
 * A document that is not valid YAML, or parses but breaks a descriptor rule,
 * yields `ok: false` with every problem found in `errors` (at least one; `error`
 * is the first, for callers that report one line per document). `entityRef` is
 * set when the document names a kind and a name.
 */
export type ParsedDocument =
  | { ok: true; entity: Entity; entityRef: string; line: number }
  | { ok: false; errors: DescriptorError[]; error: DescriptorError; entityRef?: string; line: number };

interface DocumentChunk {
  text: string;
  /** 1-based line of the chunk's first character. */
  startLine: number;
}

// A document separator is `---` at column 0 followed by whitespace or the line end.
const SEPARATOR = /^---(?=[ \t\r\n]|$)/gm;

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  let at = text.indexOf('\n', from);
  while (at !== -1 && at < to) {
    count++;
    at = text.indexOf('\n', at + 1);
  }
  return count;
}

/** Holds directives, comments or blanks only: belongs to the document that follows. */
function isPreamble(text: string): boolean {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line !== '' && !line.startsWith('#') && !line.startsWith('%')) return false;
  }
  return true;
}

/**
 * Splits a YAML stream into documents before parsing so a syntax error in one
 * document cannot hide the others (js-yaml aborts the whole stream otherwise).
 */
function splitDocuments(text: string): DocumentChunk[] {
  const chunks: DocumentChunk[] = [];
  let start = 0;
  let line = 1;
  let pendingStart = -1;
  let pendingLine = 1;
  SEPARATOR.lastIndex = 0;
  const push = (end: number) => {
    const from = pendingStart === -1 ? start : pendingStart;
    const fromLine = pendingStart === -1 ? line : pendingLine;
    const chunkText = text.slice(from, end);
    const hasDirective = chunkText.startsWith('%') || chunkText.includes('\n%');
    if (hasDirective && end < text.length && isPreamble(chunkText)) {
      pendingStart = from;
      pendingLine = fromLine;
    } else {
      chunks.push({ text: chunkText, startLine: fromLine });
      pendingStart = -1;
    }
  };
  for (let match = SEPARATOR.exec(text); match !== null; match = SEPARATOR.exec(text)) {
    if (match.index === 0) continue;
    push(match.index);
    line += countNewlines(text, start, match.index);
    start = match.index;
  }
  push(text.length);
  return chunks;
}

/** 1-based line of the first content line of a chunk (skipping blanks, comments, a bare `---`). */
function contentLine(chunk: DocumentChunk): number {
  const { text } = chunk;
  let offset = 0;
  let line = chunk.startLine;
  while (offset < text.length) {
    let end = text.indexOf('\n', offset);
    if (end === -1) end = text.length;
    const trimmed = text.slice(offset, end).trim();
    const bareSeparator = trimmed === '---' || (trimmed.startsWith('---') && /^---\s+#/.test(trimmed));
    if (trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith('%') && !bareSeparator) return line;
    offset = end + 1;
    line++;
  }
  return chunk.startLine;
}

function describeRoot(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

function refOf(doc: Record<string, unknown>): string | undefined {
  const { kind, metadata } = doc;
  if (typeof kind !== 'string' || typeof metadata !== 'object' || metadata === null) return undefined;
  const { name, namespace } = metadata as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') return undefined;
  return stringifyEntityRef({
    kind,
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : DEFAULT_NAMESPACE,
    name,
  });
}

function failed(errors: DescriptorError[], line: number, entityRef?: string): ParsedDocument {
  return { ok: false, errors, error: errors[0]!, line, entityRef };
}

function parseChunk(chunk: DocumentChunk, file: string): ParsedDocument | undefined {
  let doc: unknown;
  try {
    // CORE schema (YAML 1.2 core): dates stay strings, as Backstage reads them; duplicate keys are errors.
    doc = yaml.load(chunk.text, { schema: yaml.CORE_SCHEMA, filename: file });
  } catch (error) {
    const line = contentLine(chunk);
    if (error instanceof yaml.YAMLException) {
      const mark = error.mark as { line?: number; column?: number } | undefined;
      const errorLine = mark?.line === undefined ? line : chunk.startLine + mark.line;
      const column = mark?.column === undefined ? undefined : mark.column + 1;
      const message = `Invalid YAML: ${error.reason || error.message}`;
      return failed([{ file, line: errorLine, column, message }], line);
    }
    return failed([{ file, line, message: `Invalid YAML: ${String(error)}` }], line);
  }
  if (doc === undefined || doc === null) return undefined;
  const line = contentLine(chunk);
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return failed(
      [
        {
          file,
          line,
          message: `A descriptor document must be a map with apiVersion, kind and metadata, found ${describeRoot(doc)}`,
        },
      ],
      line,
    );
  }
  const record = doc as Record<string, unknown>;
  const problems = validateEntity(record, { descriptor: true });
  const entityRef = refOf(record);
  if (problems.length > 0) {
    const errors = problems.map<DescriptorError>((p) => ({
      file,
      line: locateField(chunk.text, p.field, chunk.startLine) ?? line,
      field: p.field || undefined,
      entityRef,
      message: p.message,
    }));
    return failed(errors, line, entityRef);
  }
  return { ok: true, entity: record as unknown as Entity, entityRef: entityRef!, line };
}

/**
 * Parses a (multi-document) descriptor file and validates every document.
 * Empty documents are skipped; a broken document yields errors with file, line,
 * column (YAML syntax) or field (rule), and never hides the valid documents
 * around it.
 *
 * @example
 * const docs = parseDescriptors(text, { file: 'catalog-info.yaml' });
 * for (const d of docs) if (!d.ok) console.error(d.errors.map((e) => `${e.file}:${e.line} ${e.message}`));
 */
export function parseDescriptors(text: string, source: { file: string }): ParsedDocument[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: ParsedDocument[] = [];
  for (const chunk of splitDocuments(body)) {
    const parsed = parseChunk(chunk, source.file);
    if (parsed) out.push(parsed);
  }
  return out;
}
