import { dependencyNameMatches } from '../../../platform/manifests/match-dependency.js';
import type { DeclaredDependency } from '../../../platform/manifests/types.js';
import { compareVersions, parseVersion } from '../../../platform/manifests/version.js';
import type { DependencyUsage } from '../usage/dependency-usage.js';
import type { DependencyMatcher, RadarEntry, Ring } from './radar.js';

const globCache = new Map<string, RegExp>();

function globToRegExp(pattern: string): RegExp {
  let regex = globCache.get(pattern);
  if (!regex) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${body}$`);
    globCache.set(pattern, regex);
  }
  return regex;
}

/**
 * Whether a declared dependency is the technology a matcher describes. Names
 * compare as Fleet Shift compares them (a Maven artifactId alone matches any
 * groupId, PyPI names in normal form); patterns are globs over the full name.
 *
 * @example
 * matchesDependency({ ecosystem: 'maven', pattern: 'org.springframework.boot:*' }, usage) // true for spring-boot-starter-web
 */
export function matchesDependency(
  matcher: DependencyMatcher,
  dependency: Pick<DependencyUsage, 'ecosystem' | 'name'>,
): boolean {
  if (matcher.ecosystem !== undefined && matcher.ecosystem !== dependency.ecosystem) return false;
  if (matcher.name !== undefined) {
    return dependencyNameMatches(dependency as DeclaredDependency, matcher.name);
  }
  return matcher.pattern !== undefined && globToRegExp(matcher.pattern).test(dependency.name);
}

/** Whether any of the entry's matchers recognises the dependency. */
export function entryMatches(entry: RadarEntry, dependency: Pick<DependencyUsage, 'ecosystem' | 'name'>): boolean {
  return entry.match.some((m) => matchesDependency(m, dependency));
}

/**
 * The ring a technology is in at one version: the first version rule whose bounds
 * hold, else the entry's ring. A range counts as its lowest version (`^4.18.0` is
 * 4.18.0); a version that cannot be read (`latest`, managed by a parent POM) gets
 * the entry's ring.
 *
 * @example
 * ringAt({ ring: 'adopt', versions: [{ ring: 'hold', below: '4.0.0' }], ... }, '3.2.1') // 'hold'
 */
export function ringAt(entry: Pick<RadarEntry, 'ring' | 'versions'>, version: string): Ring {
  if (entry.versions.length === 0 || !parseVersion(version)) return entry.ring;
  for (const rule of entry.versions) {
    if (rule.atLeast !== undefined && compareVersions(version, rule.atLeast) < 0) continue;
    if (rule.below !== undefined && compareVersions(version, rule.below) >= 0) continue;
    return rule.ring;
  }
  return entry.ring;
}
