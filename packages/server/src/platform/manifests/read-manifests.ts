import { readGoMod } from './go-manifest.js';
import { readMavenManifest } from './maven-manifest.js';
import { readNpmManifests } from './npm-manifest.js';
import { readPyproject, readRequirementsTxt } from './python-manifest.js';
import type { DeclaredDependency, ManifestProblem } from './types.js';

/** Root-level files whose declared dependencies Backbeat reads (a workspace reads just these paths). */
export const MANIFEST_PATHS = [
  'package.json',
  'package-lock.json',
  'pom.xml',
  'go.mod',
  'requirements.txt',
  'pyproject.toml',
] as const;

/**
 * Every dependency the manifests among `files` (path -> content, paths from
 * {@link MANIFEST_PATHS}) declare. A manifest that cannot be read adds a problem
 * naming the file (and line when known) and never throws, so one broken file does
 * not hide the others.
 *
 * @example
 * const { dependencies, problems } = readDeclaredDependencies(new Map([['package.json', text]]));
 */
export function readDeclaredDependencies(files: ReadonlyMap<string, string>): {
  dependencies: DeclaredDependency[];
  problems: ManifestProblem[];
} {
  const dependencies: DeclaredDependency[] = [];
  const problems: ManifestProblem[] = [];
  const readers: [string, () => { dependencies: DeclaredDependency[]; problems: ManifestProblem[] }][] = [];
  const packageJson = files.get('package.json');
  if (packageJson !== undefined)
    readers.push(['package.json', () => readNpmManifests(packageJson, files.get('package-lock.json'))]);
  const pom = files.get('pom.xml');
  if (pom !== undefined) readers.push(['pom.xml', () => readMavenManifest(pom)]);
  const goMod = files.get('go.mod');
  if (goMod !== undefined) readers.push(['go.mod', () => readGoMod(goMod)]);
  const requirements = files.get('requirements.txt');
  if (requirements !== undefined) readers.push(['requirements.txt', () => readRequirementsTxt(requirements)]);
  const pyproject = files.get('pyproject.toml');
  if (pyproject !== undefined) readers.push(['pyproject.toml', () => readPyproject(pyproject)]);
  for (const [file, read] of readers) {
    try {
      const reading = read();
      dependencies.push(...reading.dependencies);
      problems.push(...reading.problems);
    } catch (error) {
      // Readers report problems themselves; this is the guard for what they did not foresee.
      problems.push({ file, message: `cannot read: ${(error as Error).message}` });
    }
  }
  return { dependencies, problems };
}
