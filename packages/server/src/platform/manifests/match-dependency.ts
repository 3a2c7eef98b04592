import { normalisePypiName } from './python-manifest.js';
import type { DeclaredDependency, DependencyCondition } from './types.js';
import { compareVersions, parseVersion } from './version.js';

/**
 * Whether a declared dependency is the one a condition (or a bump step) names.
 * Maven dependencies match by `groupId:artifactId` or by artifactId alone, so both
 * `log4j-core` and `org.apache.logging.log4j:log4j-core` find log4j (the short form
 * is convenient, the long form is exact). PyPI names compare in PEP 503 normal form;
 * npm and Go names compare exactly.
 *
 * @example
 * dependencyNameMatches({ ecosystem: 'maven', name: 'org.apache.logging.log4j:log4j-core', ... }, 'log4j-core') // true
 */
export function dependencyNameMatches(dep: DeclaredDependency, name: string): boolean {
  switch (dep.ecosystem) {
    case 'maven':
      return name.includes(':') ? dep.name === name : dep.name.slice(dep.name.indexOf(':') + 1) === name;
    case 'pypi':
      return normalisePypiName(dep.name) === normalisePypiName(name);
    default:
      return dep.name === name;
  }
}

function inRange(version: string, condition: DependencyCondition): boolean {
  if (condition.below === undefined && condition.atLeast === undefined) return true;
  if (!parseVersion(version)) return false;
  if (condition.below !== undefined && compareVersions(version, condition.below) >= 0) return false;
  if (condition.atLeast !== undefined && compareVersions(version, condition.atLeast) < 0) return false;
  return true;
}

/**
 * Whether the declared dependencies satisfy a condition: the named dependency is
 * declared, and (when bounds are given) its version is below `below` and at least
 * `atLeast`. A range counts as its lowest version (`^2.14.1` is 2.14.1), and a
 * version that cannot be read (`latest`, a git URL, a Maven version managed
 * elsewhere) never satisfies a bound. The first satisfying declaration is reported;
 * when the dependency is declared but out of range, the first declaration is
 * reported with `matched: false`, so callers can say why a repository is not a target.
 *
 * @example
 * matchDependency(deps, { name: 'log-lib', below: '2.17.1' }) // { matched: true, version: '2.14.1', file: 'package-lock.json' }
 * matchDependency(deps, { name: 'log-lib', below: '2.14.0' }) // { matched: false, version: '2.14.1', file: 'package-lock.json' }
 */
export function matchDependency(
  deps: readonly DeclaredDependency[],
  condition: DependencyCondition,
): { matched: boolean; version?: string; file?: string } {
  let declared: DeclaredDependency | undefined;
  for (const dep of deps) {
    if (!dependencyNameMatches(dep, condition.name)) continue;
    if (inRange(dep.version, condition)) return { matched: true, version: dep.version, file: dep.file };
    declared ??= dep;
  }
  return declared ? { matched: false, version: declared.version, file: declared.file } : { matched: false };
}
