/** The server's answer for one entity (see the HealthEntity schema in /api/openapi.json). */
export interface EntityHealth {
  entityRef: string;
  ownerRef: string | null;
  evaluatedAt: string | null;
  certifications: {
    track: string;
    level: string | null;
    rank: number;
    levels: { name: string; title: string; passed: boolean; failing: string[] }[];
  }[];
  results: { check: string; status: string; message: string; fix?: string }[];
}

/** The server's roll-up for a group (the HealthGroupRollup schema). */
export interface GroupRollup {
  group: { ref: string; title: string; type: string | null };
  components: number;
  checks: { check: string; title: string; passed: number; failed: number; passRate: number | null }[];
  tracks: { track: string; title: string; distribution: { level: string | null; title: string; count: number }[] }[];
  leaderboard: { group: string; title: string; components: number; score: number; passRate: number | null }[];
}

/**
 * `[kind:][namespace/]name` split into its parts, lowercased; undefined when malformed.
 *
 * @example
 * splitEntityRef('playback-api') // { kind: 'component', namespace: 'default', name: 'playback-api' }
 */
export function splitEntityRef(
  ref: string,
  defaultKind = 'component',
): { kind: string; namespace: string; name: string } | undefined {
  const match = /^(?:([a-z][a-z0-9-]*):)?(?:([a-z0-9][a-z0-9._-]*)\/)?([a-z0-9][a-z0-9._-]*)$/.exec(
    ref.trim().toLowerCase(),
  );
  if (!match) return undefined;
  return { kind: match[1] ?? defaultKind, namespace: match[2] ?? 'default', name: match[3]! };
}

export interface LevelVerdict {
  track: string;
  required: string;
  level: string | null;
  reached: boolean;
}

/**
 * Which required levels an entity reaches. `level` is a level name (every track
 * having it) or `track/level`; without it, the first level of every track (or of
 * `track`) is required.
 *
 * @example
 * requiredLevelVerdicts(entity, { level: 'silver' }) // [{ track: 'golden-state', required: 'silver', level: 'bronze', reached: false }]
 */
export function requiredLevelVerdicts(
  entity: EntityHealth,
  options: { level?: string; track?: string },
): LevelVerdict[] {
  let track = options.track;
  let level = options.level?.toLowerCase();
  if (level?.includes('/')) [track, level] = level.split('/', 2) as [string, string];
  const out: LevelVerdict[] = [];
  for (const cert of entity.certifications) {
    if (track && cert.track !== track) continue;
    const index = level === undefined ? 0 : cert.levels.findIndex((l) => l.name.toLowerCase() === level);
    if (index === -1) continue;
    const required = cert.levels[index]?.name;
    if (!required) continue;
    out.push({ track: cert.track, required, level: cert.level, reached: cert.rank >= index + 1 });
  }
  return out;
}
