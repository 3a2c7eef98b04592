import type { StepFiles } from './step-files.js';

/** How many leading bytes are searched for a NUL byte, as git does to call a file binary. */
const BINARY_PROBE_BYTES = 8000;

/** Text of a file, or why it is not text that a transform may edit. */
export type TextRead = { text: string } | { skipped: 'binary' | 'not UTF-8' };

/**
 * Reads a file as UTF-8 text, refusing binary files (a NUL byte in the first 8000
 * bytes) and bytes that are not valid UTF-8: decoding those and writing them back
 * would silently corrupt them. A byte-order mark is kept.
 *
 * @example
 * const read = await readTextFile(files, 'package.json');
 * if ('skipped' in read) log.push(`skipped package.json: ${read.skipped}`);
 */
export async function readTextFile(files: StepFiles, file: string): Promise<TextRead> {
  const bytes = await files.read(file);
  if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) return { skipped: 'binary' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { skipped: 'not UTF-8' };
  }
}

/**
 * Writes `text` to `file`, keeping a final newline when `before` had one: an edit
 * must not leave "no newline at end of file" in the diff.
 *
 * @example
 * await writeTextFile(files, 'package.json', before, after);
 */
export async function writeTextFile(files: StepFiles, file: string, before: string, text: string): Promise<void> {
  const keep = before.endsWith('\n') && !text.endsWith('\n');
  await files.write(file, keep ? `${text}\n` : text);
}
