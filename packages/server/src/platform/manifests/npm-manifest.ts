import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { type DeclaredDependency, lineAt, type ManifestProblem, type ManifestReading } from './types.js';

/** The package.json sections that declare dependencies, in the order they are reported. */
export const NPM_DEPENDENCY_SECTIONS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
] as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses strict JSON, reporting the first syntax error with its line rather than
 * throwing, so one broken manifest never hides the rest of the repository.
 *
 * @example
 * parseJsonManifest('{"a": 1}', 'package.json', problems) // { a: 1 }
 */
export function parseJsonManifest(text: string, file: string, problems: ManifestProblem[]): JsonObject | undefined {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    problems.push({
      file,
      line: lineAt(text, first.offset),
      message: `invalid JSON: ${printParseErrorCode(first.error)}`,
    });
    return undefined;
  }
  if (!isObject(value)) {
    problems.push({ file, line: 1, message: 'must be a JSON object' });
    return undefined;
  }
  return value;
}

/** The version package-lock.json (v2/v3 `packages`, or v1 `dependencies`) locks for a top-level package. */
function lockedVersion(lock: JsonObject | undefined, name: string): string | undefined {
  if (!lock) return undefined;
  const packages = lock.packages;
  if (isObject(packages)) {
    const entry = packages[`node_modules/${name}`];
    if (isObject(entry) && typeof entry.version === 'string') return entry.version;
  }
  const dependencies = lock.dependencies;
  if (isObject(dependencies)) {
    const entry = dependencies[name];
    if (isObject(entry) && typeof entry.version === 'string') return entry.version;
  }
  return undefined;
}

/**
 * Dependencies from package.json, with the version package-lock.json locks when it
 * has the package. A name listed in several sections is reported once.
 *
 * @example
 * readNpmManifests('{"dependencies":{"log-lib":"^2.14.1"}}', undefined).dependencies
 * // [{ ecosystem: 'npm', name: 'log-lib', version: '^2.14.1', file: 'package.json' }]
 */
export function readNpmManifests(packageJson: string, packageLock: string | undefined): ManifestReading {
  const problems: ManifestProblem[] = [];
  const dependencies: DeclaredDependency[] = [];
  const manifest = parseJsonManifest(packageJson, 'package.json', problems);
  const lock = packageLock === undefined ? undefined : parseJsonManifest(packageLock, 'package-lock.json', problems);
  if (!manifest) return { dependencies, problems };
  const seen = new Set<string>();
  for (const section of NPM_DEPENDENCY_SECTIONS) {
    const entries = manifest[section];
    if (entries === undefined) continue;
    if (!isObject(entries)) {
      problems.push({ file: 'package.json', message: `${section} must be an object` });
      continue;
    }
    for (const [name, range] of Object.entries(entries)) {
      if (typeof range !== 'string') {
        problems.push({ file: 'package.json', message: `${section}.${name} must be a version string` });
        continue;
      }
      if (seen.has(name)) continue;
      seen.add(name);
      const locked = lockedVersion(lock, name);
      dependencies.push(
        locked === undefined
          ? { ecosystem: 'npm', name, version: range, file: 'package.json' }
          : { ecosystem: 'npm', name, version: locked, file: 'package-lock.json' },
      );
    }
  }
  return { dependencies, problems };
}
