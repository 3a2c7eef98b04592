/** The four rings, from "use it" to "do not start using it". Order matters: it is the drawing order, inside out. */
export const RINGS = ['adopt', 'trial', 'assess', 'hold'] as const;
export type Ring = (typeof RINGS)[number];

export const RADAR_API_VERSION = 'backbeat.dev/v1';
export const RADAR_KIND = 'Radar';

/** How a dependency is recognised as this technology: an exact name or a glob (`*` any characters). */
export interface DependencyMatcher {
  /** `npm`, `maven`, `go` or `pypi`; any ecosystem when absent. */
  ecosystem?: string;
  /** Exact name as manifests write it (Maven also by artifactId alone; PyPI in PEP 503 form). */
  name?: string;
  /** Glob over the full name, e.g. `@aws-sdk/*` or `org.springframework.boot:*`. */
  pattern?: string;
}

/** A version-dependent ring: "ADOPT from 4.x", "HOLD below 2.17.1". First matching rule wins. */
export interface VersionRule {
  ring: Ring;
  /** Versions at or above this one. */
  atLeast?: string;
  /** Versions strictly below this one. */
  below?: string;
}

export interface RadarLink {
  title: string;
  url: string;
}

export interface RadarEntry {
  /** Stable id within the radar (kebab-case); history and URLs use it. */
  id: string;
  name: string;
  quadrant: string;
  ring: Ring;
  description: string;
  links: RadarLink[];
  match: DependencyMatcher[];
  versions: VersionRule[];
}

export interface RadarQuadrant {
  id: string;
  name: string;
}

/** A validated Radar document. */
export interface RadarDefinition {
  name: string;
  title: string;
  description: string;
  quadrants: RadarQuadrant[];
  entries: RadarEntry[];
}
