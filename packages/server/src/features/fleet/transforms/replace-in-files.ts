import picomatch from 'picomatch';
import type { ReplaceStep } from '../model/shift-spec.js';
import { unsafePathReason } from '../spec/relative-path.js';
import { createRegexRunner, type RegexRunner } from './regex-worker.js';
import { StepError } from './step-error.js';
import type { StepFiles } from './step-files.js';
import type { StepOutcome } from './step-outcome.js';
import { readTextFile, writeTextFile } from './text-file.js';

/**
 * Regex replace in every text file of the work tree matched by the glob (dotfiles
 * included, `.git` and symlinks never). Binary and non-UTF-8 files are never altered;
 * they are listed in the log as skipped. The pattern runs in a worker thread with a
 * timeout per file (see {@link createRegexRunner}).
 *
 * @throws StepError when the glob escapes the work tree or the pattern does not compile.
 * @example
 * await replaceInFiles({ type: 'replace', files: 'src/**\/*.ts', pattern: 'oldLog\\(', replacement: 'newLog(' }, diskFiles(workdir))
 */
export async function replaceInFiles(
  step: ReplaceStep,
  files: StepFiles,
  options: { timeoutMs?: number } = {},
): Promise<StepOutcome> {
  const why = unsafePathReason(step.files);
  if (why) throw new StepError(`files: glob ${why}`);
  const flags = `${(step.flags ?? '').replace(/g/g, '')}g`;
  try {
    new RegExp(step.pattern, flags);
  } catch (error) {
    throw new StepError(`pattern does not compile: ${(error as Error).message}`);
  }
  const matches = picomatch(step.files, { dot: true });
  const changedFiles: string[] = [];
  const log: string[] = [];
  let matched = 0;
  let runner: RegexRunner | undefined;
  try {
    for (const file of await files.list()) {
      if (!matches(file)) continue;
      matched++;
      const read = await readTextFile(files, file);
      if ('skipped' in read) {
        log.push(`skipped ${file}: ${read.skipped}`);
        continue;
      }
      runner ??= createRegexRunner(step.pattern, flags, step.replacement, options.timeoutMs);
      let after: string;
      try {
        after = await runner.replace(read.text);
      } catch (error) {
        throw new StepError(`replace failed: ${(error as Error).message}`, file);
      }
      if (after === read.text) continue;
      await writeTextFile(files, file, read.text, after);
      changedFiles.push(file);
      log.push(`replaced in ${file}`);
    }
  } finally {
    await runner?.close();
  }
  log.unshift(`${step.files}: ${matched} file(s) matched, ${changedFiles.length} changed`);
  return { changedFiles, log };
}
