/** Package ecosystems whose manifests Backbeat reads. */
export type Ecosystem = 'npm' | 'maven' | 'go' | 'pypi';

/**
 * A dependency as a repository declares it. `version` is the locked version when a
 * lockfile has one, otherwise the declared range as written (`^2.14.1`, `>=2.31,<3`),
 * or '' when the manifest names no version (a Maven dependency managed by a parent).
 * `name` is `groupId:artifactId` for Maven and the module path for Go.
 */
export interface DeclaredDependency {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** The file the version was read from. */
  file: string;
}

/** Something in a manifest that could not be read; the other dependencies still count. */
export interface ManifestProblem {
  file: string;
  line?: number;
  message: string;
}

/** What one manifest reader found. */
export interface ManifestReading {
  dependencies: DeclaredDependency[];
  problems: ManifestProblem[];
}

/**
 * The 1-based line of `offset` in `text`.
 *
 * @example
 * lineAt('a\nb', 2) // 2
 */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A query over declared dependencies: a name and an optional version range. */
export interface DependencyCondition {
  /**
   * Package name as the manifest writes it: `log-lib`, `org.apache.logging.log4j:log4j-core`, `github.com/x/y`.
   * A Maven artifactId alone (`log4j-core`) matches any groupId; PyPI names compare in PEP 503 normal form.
   */
  name: string;
  /** Matches versions strictly lower than this one. */
  below?: string;
  /** Matches versions at or above this one. */
  atLeast?: string;
}
