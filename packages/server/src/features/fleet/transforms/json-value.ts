import { isDeepStrictEqual } from 'node:util';
import {
  applyEdits,
  findNodeAtLocation,
  getNodeValue,
  modify,
  type Node,
  type ParseError,
  parseTree,
} from 'jsonc-parser';
import { lineAt } from '../../../platform/manifests/types.js';
import type { ValuePath } from '../spec/value-path.js';
import { StepError } from './step-error.js';

function indentOf(text: string): { insertSpaces: boolean; tabSize: number } {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: indent?.length ?? 2 };
}

function parse(text: string, file: string): Node {
  const errors: ParseError[] = [];
  // Comments are allowed: tsconfig.json and friends carry them, and jsonc-parser keeps them.
  const tree = parseTree(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || !tree) throw new StepError('invalid JSON', file, lineAt(text, errors[0]?.offset ?? 0));
  return tree;
}

/**
 * Checks that each existing step of the path is the right kind of container, so a
 * path through a string or past the end of a list fails clearly instead of
 * producing odd JSON. Returns the existing node at the full path, if any.
 */
function walk(tree: Node, path: ValuePath, pathText: string, file: string, text: string): Node | undefined {
  let node: Node | undefined = tree;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const want = typeof segment === 'number' ? 'array' : 'object';
    if (node.type !== want) {
      throw new StepError(
        `${pathText}: expected ${want === 'array' ? 'a list' : 'an object'} before "${segment}"`,
        file,
        lineAt(text, node.offset),
      );
    }
    if (typeof segment === 'number' && segment > (node.children?.length ?? 0)) {
      throw new StepError(`${pathText}: index ${segment} is past the end of the list`, file, lineAt(text, node.offset));
    }
    const next: Node | undefined = findNodeAtLocation(tree, path.slice(0, i + 1));
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/**
 * Sets (or, with `value` undefined, deletes) a value in JSON text, changing only the
 * characters of that value; missing parent objects are created with the file's own
 * indentation. Returns the text unchanged when the value is already there.
 *
 * @throws StepError naming the file and line when the JSON is invalid or the path runs through a non-container.
 * @example
 * editJsonValue('{\n  "a": 1\n}\n', ['a'], 2, 'a', 'x.json') // '{\n  "a": 2\n}\n'
 */
export function editJsonValue(text: string, path: ValuePath, value: unknown, pathText: string, file: string): string {
  const tree = parse(text, file);
  const existing = walk(tree, path, pathText, file, text);
  if (value === undefined ? !existing : existing && isDeepStrictEqual(getNodeValue(existing), value)) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const edits = modify(text, path, value, { formattingOptions: { ...indentOf(text), eol } });
  return applyEdits(text, edits);
}
