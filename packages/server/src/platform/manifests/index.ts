export { readGoMod } from './go-manifest.js';
export { dependencyNameMatches, matchDependency } from './match-dependency.js';
export { readMavenManifest } from './maven-manifest.js';
export { NPM_DEPENDENCY_SECTIONS, readNpmManifests } from './npm-manifest.js';
export { normalisePypiName, parseRequirement, readPyproject, readRequirementsTxt } from './python-manifest.js';
export { MANIFEST_PATHS, readDeclaredDependencies } from './read-manifests.js';
export type { DeclaredDependency, Ecosystem, ManifestProblem, ManifestReading } from './types.js';
export { compareVersions, isExactVersion, type ParsedVersion, parseVersion } from './version.js';
