import { assertObjectId, LOCAL_GIT_CONFIG, LOCAL_GIT_ENV, runGit } from '../../../platform/git/index.js';
import { hasLooseObject, type ObjectReader, treeOfCommit, writeObject } from '../../../platform/git/object-database.js';
import type { CommandStep, ShiftStep } from '../model/shift-spec.js';
import type { StepFiles } from '../transforms/index.js';
import { type CommitMetadata, commitEnv, commitMessageText } from './commit-metadata.js';
import { changeFromShow, errorMessage, PlanError, type PlanResult, SHOW_CHANGE_ARGS } from './plan-change.js';
import { NeedsWorktreeError, treeFiles } from './tree-files.js';

export interface PlanInTreeInput {
  /** Bare mirror holding `baseCommit`; the new objects are written into it. */
  mirrorDir: string;
  /** An open reader on `mirrorDir` (the caller may have used it already, e.g. to read manifests). */
  reader: ObjectReader;
  baseCommit: string;
  steps: readonly Exclude<ShiftStep, CommandStep>[];
  applyBuiltinStep: (step: Exclude<ShiftStep, CommandStep>, files: StepFiles) => Promise<{ log: string }>;
  commit: CommitMetadata;
}

/**
 * {@link planChange} for specs made only of built-in steps, without a worktree: the
 * steps edit the base commit's files in memory, the changed blobs and the trees above
 * them are written straight into the mirror, `git commit-tree` makes the commit and
 * `git show` gives the diff. The commit is the one `planChange` makes from the same
 * steps and metadata, so the two are interchangeable for re-plans and recovery. A
 * checkout of a few hundred files costs more than the whole change; this never checks
 * anything out.
 *
 * @throws NeedsWorktreeError when only a checkout would behave exactly (symlinks on a
 *   step's path, `.gitattributes`): plan that target with `planChange` instead.
 * @throws PlanError when a step fails (with the log so far).
 * @example
 * const result = await planInTree({ mirrorDir, reader, baseCommit, steps, applyBuiltinStep, commit });
 */
export async function planInTree(input: PlanInTreeInput): Promise<PlanResult> {
  try {
    commitEnv(input.commit);
  } catch (error) {
    // Checked before any work: bad metadata comes from the spec and fails the same way every time.
    throw new PlanError(errorMessage(error), '');
  }
  const base = await input.reader.read(input.baseCommit);
  if (base?.type !== 'commit') throw new Error(`Commit ${input.baseCommit} is missing from the mirror`);
  const files = treeFiles(input.mirrorDir, input.reader, treeOfCommit(base.data));
  const log: string[] = [];
  for (const [index, step] of input.steps.entries()) {
    const label = `spec.steps[${index}] (${step.type})`;
    log.push(`# ${label}\n`);
    let result: { log: string };
    try {
      result = await input.applyBuiltinStep(step, files);
    } catch (error) {
      if (error instanceof NeedsWorktreeError) throw error;
      const message = `${label} failed: ${errorMessage(error)}`;
      log.push(`${message}\n`);
      throw new PlanError(message, log.join(''), index);
    }
    if (result.log) log.push(result.log.endsWith('\n') ? result.log : `${result.log}\n`);
  }
  const tree = await files.writeTree();
  if (!tree) return { status: 'no-change', log: log.join('') };
  const commit = await commitTree({ mirrorDir: input.mirrorDir, tree, parent: input.baseCommit, commit: input.commit });
  const shown = await runGit(['--git-dir', input.mirrorDir, ...LOCAL_GIT_CONFIG, ...SHOW_CHANGE_ARGS, commit], {
    env: { ...LOCAL_GIT_ENV },
  });
  return { status: 'changed', ...changeFromShow(shown.stdout, log), log: log.join('') };
}

/**
 * Commits `tree` on `parent` with fixed metadata, as `git commit` would: the same tree,
 * parent and metadata always give the same commit id. The commit object is written
 * here when the tree is a loose object of this mirror (a plan in this mirror wrote it),
 * which saves a git process per target; the identity in it is the one git itself
 * normalises (it trims stray punctuation), asked of `git var` once per author. A tree
 * found only in a pack, or not at all, goes through `git commit-tree`, which checks it.
 *
 * @throws GitError when the mirror lacks the tree (it was planned in another mirror).
 * @example
 * const commit = await commitTree({ mirrorDir, tree: cached.change_tree, parent: baseCommit, commit: meta });
 */
export async function commitTree(input: {
  mirrorDir: string;
  tree: string;
  parent: string;
  commit: CommitMetadata;
}): Promise<string> {
  assertObjectId(input.tree);
  assertObjectId(input.parent);
  const env = commitEnv(input.commit);
  const message = commitMessageText(input.commit.message);
  if (!hasLooseObject(input.mirrorDir, input.tree)) {
    const { stdout } = await runGit(
      ['--git-dir', input.mirrorDir, ...LOCAL_GIT_CONFIG, 'commit-tree', input.tree, '-p', input.parent, '-F', '-'],
      { env: { ...LOCAL_GIT_ENV, ...env }, input: message },
    );
    return stdout.toString('utf8').trim();
  }
  const ident = await gitIdentity(input.commit.author);
  const signature = `${ident} ${env.GIT_AUTHOR_DATE}`;
  const body = `tree ${input.tree}\nparent ${input.parent}\nauthor ${signature}\ncommitter ${signature}\n\n${message}`;
  return writeObject(input.mirrorDir, 'commit', Buffer.from(body, 'utf8'));
}

const identities = new Map<string, Promise<string>>();

/** `Name <email>` as git writes it for this author (normalised by git itself). */
function gitIdentity(author: CommitMetadata['author']): Promise<string> {
  const key = `${author.name}\0${author.email}`;
  let ident = identities.get(key);
  if (!ident) {
    ident = runGit(['var', 'GIT_AUTHOR_IDENT'], {
      env: {
        ...LOCAL_GIT_ENV,
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: '1700000000 +0000',
      },
    }).then(({ stdout }) =>
      stdout
        .toString('utf8')
        .trim()
        .replace(/ 1700000000 \+0000$/, ''),
    );
    ident.catch(() => identities.delete(key));
    // A shift has one author; the bound only guards against a process seeing many.
    if (identities.size > 1000) identities.clear();
    identities.set(key, ident);
  }
  return ident;
}
