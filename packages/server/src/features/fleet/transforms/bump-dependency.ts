import { applyEdits, findNodeAtLocation, type JSONPath, modify, type ParseError, parseTree } from 'jsonc-parser';
import { dependencyNameMatches } from '../../../platform/manifests/match-dependency.js';
import { NPM_DEPENDENCY_SECTIONS } from '../../../platform/manifests/npm-manifest.js';
import { propertyReference, scanPom } from '../../../platform/manifests/pom-scan.js';
import { lineAt } from '../../../platform/manifests/types.js';
import { compareVersions, parseVersion } from '../../../platform/manifests/version.js';
import type { BumpDependencyStep } from '../model/shift-spec.js';
import { StepError } from './step-error.js';
import type { StepFiles } from './step-files.js';
import type { StepOutcome } from './step-outcome.js';
import { readTextFile, writeTextFile } from './text-file.js';

type Bumped = { spec: string } | { skip: string };

/**
 * The new spec for a declared version: the range operator is kept (`^2.14.1` ->
 * `^2.17.1`), a version already at or above the target is left alone (a bump never
 * downgrades), and specs that are not one simple version (`1.x`, `workspace:*`, a
 * URL, a Maven range) are left for a human.
 */
function bumpedSpec(current: string, to: string): Bumped {
  const match = /^(\^|~|>=|==|=)?\s*(v?\d+(?:\.\d+)*(?:[-+.][0-9A-Za-z.+-]*)?)$/.exec(current.trim());
  if (!match || !parseVersion(match[2]!) || /(^|\.)[xX*](\.|$)/.test(match[2]!)) {
    return { skip: `"${current}" is not a single version` };
  }
  if (compareVersions(match[2]!, to) >= 0) return { skip: `already at ${current}` };
  return { spec: `${match[1] ?? ''}${to}` };
}

async function readIfPresent(
  files: StepFiles,
  file: string,
  log: string[],
): Promise<{ path: string; text: string } | undefined> {
  const path = await files.find(file);
  if (!path) return undefined;
  const read = await readTextFile(files, path);
  if ('skipped' in read) {
    log.push(`skipped ${file}: ${read.skipped}`);
    return undefined;
  }
  return { path, text: read.text };
}

function parseJson(text: string, file: string) {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true });
  if (errors.length > 0 || !tree) {
    throw new StepError('invalid JSON, cannot bump the dependency', file, lineAt(text, errors[0]?.offset ?? 0));
  }
  return tree;
}

function stringAt(tree: ReturnType<typeof parseTree>, path: JSONPath): string | undefined {
  const node = tree ? findNodeAtLocation(tree, path) : undefined;
  return node?.type === 'string' ? (node.value as string) : undefined;
}

/**
 * Replaces (or, with undefined, removes) one string value; only that value's
 * characters change. Applied one at a time, since removing neighbouring properties
 * in one batch gives overlapping edits.
 */
function setString(text: string, path: JSONPath, value: string | undefined): string {
  return applyEdits(text, modify(text, path, value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
}

function bumpPackageJson(text: string, step: BumpDependencyStep, log: string[]): string {
  const tree = parseJson(text, 'package.json');
  let out = text;
  for (const section of NPM_DEPENDENCY_SECTIONS) {
    const current = stringAt(tree, [section, step.dependency]);
    if (current === undefined) continue;
    const bumped = bumpedSpec(current, step.to);
    if ('skip' in bumped) {
      log.push(`package.json ${section}.${step.dependency}: left alone, ${bumped.skip}`);
      continue;
    }
    out = setString(out, [section, step.dependency], bumped.spec);
    log.push(`package.json ${section}.${step.dependency}: ${current} -> ${bumped.spec}`);
  }
  return out;
}

/**
 * Updates the lockfile entries of the package: its version, the root package's
 * declared ranges, and drops `resolved` and `integrity`, which describe the old
 * tarball; `npm install` fills them in again rather than installing the old one.
 */
function bumpPackageLock(text: string, step: BumpDependencyStep, log: string[]): string {
  const tree = parseJson(text, 'package-lock.json');
  let out = text;
  const entries: JSONPath[] = [
    ['packages', `node_modules/${step.dependency}`],
    ['dependencies', step.dependency],
  ];
  for (const entry of entries) {
    const current = stringAt(tree, [...entry, 'version']);
    if (current === undefined) continue;
    const bumped = bumpedSpec(current, step.to);
    if ('skip' in bumped) continue;
    out = setString(out, [...entry, 'version'], bumped.spec);
    for (const key of ['resolved', 'integrity']) {
      if (stringAt(tree, [...entry, key]) !== undefined) out = setString(out, [...entry, key], undefined);
    }
    log.push(`package-lock.json ${entry.join('/')}: ${current} -> ${bumped.spec}`);
  }
  for (const section of NPM_DEPENDENCY_SECTIONS) {
    const path = ['packages', '', section, step.dependency];
    const current = stringAt(tree, path);
    if (current === undefined) continue;
    const bumped = bumpedSpec(current, step.to);
    if ('spec' in bumped) out = setString(out, path, bumped.spec);
  }
  return out;
}

function bumpPom(text: string, step: BumpDependencyStep, log: string[]): string {
  const scan = scanPom(text);
  const edits = new Map<number, { start: number; end: number; value: string }>();
  for (const dep of scan.dependencies) {
    const name = `${dep.groupId}:${dep.artifactId}`;
    if (!dependencyNameMatches({ ecosystem: 'maven', name, version: '', file: 'pom.xml' }, step.dependency)) continue;
    if (!dep.version) {
      log.push(`pom.xml ${name}: left alone, its version is managed elsewhere`);
      continue;
    }
    const property = propertyReference(dep.version.value);
    const target = property === undefined ? dep.version : scan.properties.get(property);
    if (!target) {
      throw new StepError(
        `property ${property} used by ${name} is not defined`,
        'pom.xml',
        lineAt(text, dep.version.start),
      );
    }
    const bumped = bumpedSpec(target.value, step.to);
    if ('skip' in bumped) {
      log.push(`pom.xml ${name}: left alone, ${bumped.skip}`);
      continue;
    }
    const where = property === undefined ? '' : ` (property ${property})`;
    if (!edits.has(target.start)) log.push(`pom.xml ${name}${where}: ${target.value} -> ${bumped.spec}`);
    edits.set(target.start, { start: target.start, end: target.end, value: bumped.spec });
  }
  let out = text;
  for (const edit of [...edits.values()].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.value + out.slice(edit.end);
  }
  return out;
}

const EDITORS: [string, (text: string, step: BumpDependencyStep, log: string[]) => string][] = [
  ['package.json', bumpPackageJson],
  ['package-lock.json', bumpPackageLock],
  ['pom.xml', bumpPom],
];

/**
 * Raises a dependency to `step.to` in the root package.json (every section that
 * declares it), package-lock.json and pom.xml (the `<version>` of the dependency,
 * or the `<properties>` entry it references). Edits are made in the text, so the
 * file's formatting is kept byte for byte outside the changed versions. No manifest
 * declaring the dependency means no change.
 *
 * @throws StepError when a manifest that must be edited is not valid JSON or a property is undefined.
 * @example
 * await bumpDependency({ type: 'bump-dependency', dependency: 'log-lib', to: '2.17.1' }, diskFiles(workdir))
 */
export async function bumpDependency(step: BumpDependencyStep, files: StepFiles): Promise<StepOutcome> {
  const changedFiles: string[] = [];
  const log: string[] = [];
  for (const [file, edit] of EDITORS) {
    const found = await readIfPresent(files, file, log);
    // Cheap pre-check: most repositories of a fleet never mention the dependency.
    if (!found?.text.includes(step.dependency.split(':').at(-1)!)) continue;
    const after = edit(found.text, step, log);
    if (after !== found.text) {
      await writeTextFile(files, found.path, found.text, after);
      changedFiles.push(file);
    }
  }
  if (log.length === 0) log.push(`no manifest declares ${step.dependency}`);
  return { changedFiles, log };
}
