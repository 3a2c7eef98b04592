import {
  type ObjectReader,
  parseTreeObject,
  serializeTreeObject,
  type TreeObjectEntry,
  treeOfCommit,
  writeObject,
} from '../../../platform/git/object-database.js';
import { unsafePathReason } from '../spec/relative-path.js';
import type { StepFiles } from '../transforms/index.js';
import { StepError } from '../transforms/index.js';

const TREE_MODE = '40000';
const SYMLINK_MODE = '120000';
const REGULAR_MODES = new Set(['100644', '100755']);

/**
 * The commit cannot be edited in memory exactly as a checkout would be (a symlink on
 * a step's path, or `.gitattributes` that would convert what is checked out): plan
 * it in a worktree instead.
 */
export class NeedsWorktreeError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NeedsWorktreeError';
  }
}

/** {@link StepFiles} over a commit's tree, with edits kept in memory until {@link TreeFiles.writeTree}. */
export interface TreeFiles extends StepFiles {
  /** Writes the edited blobs and the trees above them; the new root tree id, or undefined when no content changed. */
  writeTree(): Promise<string | undefined>;
}

/**
 * Built-in steps read and edit the files of `rootTree` straight from the object
 * database: nothing is checked out, and only the trees on the way to a file a step
 * names are read (the whole tree only for a glob). Paths follow the same rules as on
 * disk: a path that escapes, or names a directory, fails the step the same way.
 *
 * @throws NeedsWorktreeError (from any method) where only a checkout would behave exactly.
 * @example
 * const files = treeFiles(mirrorDir, reader, rootTree);
 * await applyBuiltinStep(step, files);
 * const tree = await files.writeTree();
 */
export function treeFiles(gitDir: string, reader: ObjectReader, rootTree: string): TreeFiles {
  /** Directory path ('' for the root) -> its entries, read once. */
  const trees = new Map<string, TreeObjectEntry[]>();
  const blobs = new Map<string, TreeObjectEntry>();
  const edited = new Map<string, Buffer>();

  async function readTree(dir: string, id: string): Promise<TreeObjectEntry[]> {
    const known = trees.get(dir);
    if (known) return known;
    const object = await reader.read(id);
    if (object?.type !== 'tree') throw new Error(`Tree ${id} (${dir || 'root'}) is missing from the mirror`);
    const entries = parseTreeObject(object.data);
    // Attributes can convert line endings or run filters on checkout; edits must see what a checkout sees.
    if (entries.some((e) => e.name === '.gitattributes')) {
      throw new NeedsWorktreeError(`${dir || 'the root'} has .gitattributes`);
    }
    trees.set(dir, entries);
    return entries;
  }

  async function find(file: string): Promise<string | undefined> {
    const why = unsafePathReason(file);
    if (why) throw new StepError(`path ${why}`, file);
    const segments = file.split('/').filter((s) => s !== '' && s !== '.');
    let dir = '';
    let entries = await readTree('', rootTree);
    for (const [index, name] of segments.entries()) {
      const entry = entries.find((e) => e.name === name);
      if (!entry) return undefined;
      const path = dir ? `${dir}/${name}` : name;
      if (entry.mode === SYMLINK_MODE) throw new NeedsWorktreeError(`${path} is a symlink`);
      if (index === segments.length - 1) {
        if (!REGULAR_MODES.has(entry.mode)) throw new StepError('not a regular file', file);
        blobs.set(path, entry);
        return path;
      }
      if (entry.mode !== TREE_MODE) throw new NeedsWorktreeError(`${path} is not a directory`);
      entries = await readTree(path, entry.id);
      dir = path;
    }
    throw new StepError('not a regular file', file);
  }

  async function list(): Promise<string[]> {
    const files: string[] = [];
    const walk = async (dir: string, id: string): Promise<void> => {
      for (const entry of await readTree(dir, id)) {
        const path = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.mode === TREE_MODE) await walk(path, entry.id);
        else if (REGULAR_MODES.has(entry.mode)) {
          blobs.set(path, entry);
          files.push(path);
        }
      }
    };
    await walk('', rootTree);
    return files.sort();
  }

  function known(file: string): TreeObjectEntry {
    const entry = blobs.get(file);
    if (!entry) throw new Error(`${file} was not found through find() or list()`);
    return entry;
  }

  async function writeTree(): Promise<string | undefined> {
    /** Directory -> (entry name -> new id), filled bottom-up. */
    const changed = new Map<string, Map<string, string>>();
    const mark = (path: string, id: string) => {
      const slash = path.lastIndexOf('/');
      const dir = slash === -1 ? '' : path.slice(0, slash);
      if (!changed.has(dir)) changed.set(dir, new Map());
      changed.get(dir)?.set(path.slice(slash + 1), id);
    };
    for (const [file, data] of edited) {
      const id = await writeObject(gitDir, 'blob', data);
      if (id !== known(file).id) mark(file, id);
    }
    if (changed.size === 0) return undefined;
    // Deepest directory first, so a parent is written after all of its edited children
    // (writing a directory marks its parent as changed).
    const depth = (dir: string) => (dir === '' ? 0 : dir.split('/').length);
    const written = new Set<string>();
    for (;;) {
      const dir = [...changed.keys()].filter((d) => !written.has(d)).sort((a, b) => depth(b) - depth(a))[0];
      if (dir === undefined) break;
      written.add(dir);
      const ids = changed.get(dir) ?? new Map<string, string>();
      const entries = (trees.get(dir) ?? []).map((e) => (ids.has(e.name) ? { ...e, id: ids.get(e.name) ?? e.id } : e));
      const id = await writeObject(gitDir, 'tree', serializeTreeObject(entries));
      if (dir === '') return id;
      mark(dir, id);
    }
    throw new Error('The root tree was not rewritten');
  }

  return {
    find,
    list,
    async read(file) {
      const data = edited.get(file);
      if (data) return data;
      const entry = known(file);
      const object = await reader.read(entry.id);
      if (object?.type !== 'blob') throw new Error(`Blob of ${file} is missing from the mirror`);
      return object.data;
    },
    async write(file, text) {
      known(file);
      edited.set(file, Buffer.from(text, 'utf8'));
    },
    writeTree,
  };
}

/**
 * The files among `names` at the root of a commit, as text (missing ones left out),
 * read through an open reader: how targets' manifests are read before planning.
 *
 * @example
 * const manifests = await readRootFiles(reader, baseCommit, ['package.json', 'pom.xml']);
 */
export async function readRootFiles(
  reader: ObjectReader,
  commit: string,
  names: readonly string[],
): Promise<Map<string, string>> {
  const object = await reader.read(commit);
  if (object?.type !== 'commit') throw new Error(`Commit ${commit} is missing from the mirror`);
  const root = await reader.read(treeOfCommit(object.data));
  if (root?.type !== 'tree') throw new Error(`The tree of ${commit} is missing from the mirror`);
  const wanted = new Set(names);
  const files = new Map<string, string>();
  for (const entry of parseTreeObject(root.data)) {
    if (!wanted.has(entry.name) || !REGULAR_MODES.has(entry.mode)) continue;
    const blob = await reader.read(entry.id);
    if (blob?.type === 'blob') files.set(entry.name, blob.data.toString('utf8'));
  }
  return files;
}
