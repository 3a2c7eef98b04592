import { isDeepStrictEqual } from 'node:util';
import {
  Document,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  Scalar,
  type ToStringOptions,
} from 'yaml';
import type { ValuePath } from '../spec/value-path.js';
import { StepError } from './step-error.js';

const TO_STRING: ToStringOptions = { lineWidth: 0, flowCollectionPadding: false };

/**
 * A scalar replaced by a scalar is spliced into the text with the old quoting
 * style, so the file changes by exactly that value; only structural edits go
 * through the Document serialiser (which keeps comments but may normalise spacing).
 */
function spliceScalar(text: string, node: Scalar, value: unknown): string | undefined {
  if (value !== null && typeof value === 'object') return undefined;
  if (!node.range || node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') return undefined;
  const scalar = new Scalar(value);
  scalar.type = node.type;
  const source = new Document(scalar).toString(TO_STRING).replace(/\n$/, '');
  if (source.includes('\n')) return undefined;
  return text.slice(0, node.range[0]) + source + text.slice(node.range[1]);
}

/** `value` wrapped in the mappings (and one-item lists) that `rest` names. */
function nested(rest: ValuePath, value: unknown, pathText: string, file: string): unknown {
  return rest.reduceRight<unknown>((inner, segment) => {
    if (typeof segment === 'string') return { [segment]: inner };
    if (segment === 0) return [inner];
    throw new StepError(`${pathText}: index ${segment} is past the end of the list`, file);
  }, value);
}

/**
 * Sets (or, with `value` undefined, deletes) a value in the first document of YAML
 * text, keeping comments and layout; the rest of a multi-document file is kept as
 * it is. Missing parent mappings are created. Returns the text unchanged when the
 * value is already there (or, for a delete, already absent).
 *
 * @throws StepError naming the file and line when the YAML is invalid or the path runs through a scalar.
 * @example
 * editYamlValue('spec:\n  replicas: 2 # keep\n', ['spec', 'replicas'], 3, 'spec.replicas', 'deploy.yaml')
 * // 'spec:\n  replicas: 3 # keep\n'
 */
export function editYamlValue(text: string, path: ValuePath, value: unknown, pathText: string, file: string): string {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (!Array.isArray(docs)) throw new StepError('empty YAML file', file);
  for (const doc of docs) {
    if (doc.errors.length > 0)
      throw new StepError(
        `invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`,
        file,
        lineOf(doc.errors[0]!.pos[0]),
      );
  }
  const doc = docs[0];
  if (!doc) throw new StepError('empty YAML file', file);
  if (doc.contents !== null && !isCollection(doc.contents)) {
    throw new StepError(`${pathText}: the document is not a mapping or list`, file, lineOf(doc.contents.range?.[0]));
  }
  // Walk the existing part of the path, checking container kinds on the way.
  let node: unknown = doc.contents;
  let found = true;
  // An empty value (`resources:`) on the way is a placeholder: setting below it replaces it.
  let emptyAt: number | undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (node === null || node === undefined) {
      found = false;
      break;
    }
    if (i > 0 && isScalar(node) && node.value === null) {
      found = false;
      emptyAt = i;
      break;
    }
    const at = lineOf((node as Node).range?.[0]);
    if (typeof segment === 'number') {
      if (!isSeq(node)) throw new StepError(`${pathText}: expected a list before [${segment}]`, file, at);
      if (segment > node.items.length)
        throw new StepError(`${pathText}: index ${segment} is past the end of the list`, file, at);
      node = node.items[segment];
    } else {
      if (!isMap(node)) throw new StepError(`${pathText}: expected a mapping before "${segment}"`, file, at);
      node = node.get(segment, true);
    }
    if (node === undefined) found = false;
  }
  if (value === undefined) {
    if (!found) return text;
    doc.deleteIn(path);
  } else {
    if (found && isDeepStrictEqual(isScalar(node) ? node.value : (node as Node).toJSON(), value)) return text;
    if (found && isScalar(node)) {
      const spliced = spliceScalar(text, node, value);
      if (spliced !== undefined) return spliced;
    }
    if (emptyAt === undefined) doc.setIn(path, value);
    else doc.setIn(path.slice(0, emptyAt), nested(path.slice(emptyAt), value, pathText, file));
  }
  const end = doc.range[2];
  // The serialiser writes LF; keep a CRLF file CRLF.
  const head = text.includes('\r\n') ? doc.toString(TO_STRING).replace(/\r?\n/g, '\r\n') : doc.toString(TO_STRING);
  const out = head + text.slice(end);
  return text.endsWith('\n') || end < text.length ? out : out.replace(/\r?\n$/, '');
}
