import type { Constraint, Dependency, Strategy, Variant } from './flag-config.js';
import type { Flag, Segment } from './records.js';

/** One feature as Unleash's client API (format version 2) sends it. */
export interface ClientFeature {
  name: string;
  type: string;
  description: string | null;
  project: string;
  enabled: boolean;
  stale: boolean;
  impressionData: boolean;
  strategies: ClientStrategy[];
  variants: Variant[];
  dependencies?: Dependency[];
}

export interface ClientStrategy {
  id?: string;
  name: string;
  parameters: Record<string, string>;
  constraints: Constraint[];
  segments?: number[];
  variants?: Variant[];
}

export interface ClientSegment {
  id: number;
  name: string;
  constraints: Constraint[];
}

/** `GET /api/client/features`: what every Unleash server-side SDK loads. */
export interface ClientFeaturesPayload {
  version: 2;
  features: ClientFeature[];
  segments?: ClientSegment[];
  query: { project: string[]; environment: string; inlineSegmentConstraints: boolean };
  meta: { revisionId: number; etag: string; queryHash: string };
}

/**
 * The client payload of one environment: archived flags are left out, disabled
 * strategies dropped, parameters sent as strings. With `inlineSegments` (SDKs older
 * than client spec 4.2.0) segment constraints are appended to each strategy and no
 * `segments` list is sent; a strategy naming a missing segment gets an impossible
 * constraint, so it stays off as the specification requires.
 *
 * @example
 * const payload = buildClientPayload({ flags, segments, environment: 'production', projects: ['checkout'], revision: 7, queryHash: 'ab12cd34', inlineSegments: false });
 */
export function buildClientPayload(input: {
  flags: Flag[];
  segments: Segment[];
  environment: string;
  projects: string[];
  revision: number;
  queryHash: string;
  inlineSegments: boolean;
}): ClientFeaturesPayload {
  const segmentsById = new Map(input.segments.map((s) => [s.id, s]));
  const used = new Set<number>();
  const features = input.flags
    .filter((flag) => flag.archivedAt === null)
    .map((flag): ClientFeature => {
      const state = flag.environments[input.environment] ?? { enabled: false, strategies: [], variants: [] };
      const strategies = state.strategies
        .filter((s) => !s.disabled)
        .map((s) => toClientStrategy(s, segmentsById, used, input.inlineSegments));
      return {
        name: flag.name,
        type: flag.type,
        description: flag.description,
        project: flag.project,
        enabled: state.enabled,
        stale: flag.stale,
        impressionData: flag.impressionData,
        strategies,
        variants: state.variants,
        ...(flag.dependencies.length > 0 ? { dependencies: flag.dependencies } : {}),
      };
    });
  const etag = `"${input.queryHash}:${input.revision}:v1"`;
  return {
    version: 2,
    features,
    ...(input.inlineSegments
      ? {}
      : {
          segments: input.segments
            .filter((s) => used.has(s.id))
            .map((s) => ({ id: s.id, name: s.name, constraints: s.constraints })),
        }),
    query: { project: input.projects, environment: input.environment, inlineSegmentConstraints: input.inlineSegments },
    meta: { revisionId: input.revision, etag, queryHash: input.queryHash },
  };
}

function toClientStrategy(
  strategy: Strategy,
  segments: Map<number, Segment>,
  used: Set<number>,
  inline: boolean,
): ClientStrategy {
  const parameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(strategy.parameters)) parameters[name] = String(value);
  const out: ClientStrategy = {
    ...(strategy.id ? { id: strategy.id } : {}),
    name: strategy.name,
    parameters,
    constraints: strategy.constraints,
  };
  if (strategy.variants.length > 0) out.variants = strategy.variants;
  if (strategy.segments.length === 0) return out;
  if (!inline) {
    for (const id of strategy.segments) used.add(id);
    out.segments = strategy.segments;
    return out;
  }
  const extra: Constraint[] = [];
  for (const id of strategy.segments) {
    const segment = segments.get(id);
    if (segment) extra.push(...segment.constraints);
    // IN with no values never matches: a missing segment switches the strategy off.
    else extra.push({ contextName: 'segment', operator: 'IN', values: [], inverted: false });
  }
  out.constraints = [...strategy.constraints, ...extra];
  return out;
}

/**
 * Whether an SDK understands top-level segments: `Unleash-Client-Spec` 4.2.0 or
 * later. SDKs that send no header are older.
 */
export function supportsGlobalSegments(specHeader: string | undefined): boolean {
  if (!specHeader) return false;
  const [major = 0, minor = 0] = specHeader.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major > 4 || (major === 4 && minor >= 2);
}
