import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from '../../app/api-client.js';
import { catalogEntityPath, type EntityName, parseRef } from '../../app/entity-refs.js';

export type CheckStatus = 'passed' | 'failed' | 'not-applicable';

export interface Attestation {
  status: 'passed' | 'failed';
  by: string;
  at: string;
  expiresAt: string;
  note?: string;
}

/** One check's outcome for one entity, with its message and how to fix it. */
export interface CheckResult {
  check: string;
  status: CheckStatus;
  message: string;
  fix?: string;
  attestation?: Attestation;
}

/** An entity's standing on one track: `level` is the highest it reached with every level below (null: none). */
export interface Certification {
  track: string;
  level: string | null;
  /** 0 for none, 1 for the first level, and so on. */
  rank: number;
  levels: { name: string; title: string; passed: boolean; failing: string[] }[];
}

export interface EntityHealth {
  entityRef: string;
  ownerRef: string | null;
  evaluatedAt: string | null;
  certifications: Certification[];
  results: CheckResult[];
  facts: Record<string, { facts: unknown; collectedAt: string | null; checkedAt: string; error: string | null }>;
  /** Whether the signed-in user may attest and re-check this entity (its owners, admins). */
  viewer?: { canChange: boolean };
}

export interface EntityHistory {
  entityRef: string;
  certifications: { track: string; level: string | null; rank: number; at: string }[];
  results: { statuses: Record<string, CheckStatus>; at: string }[];
}

export interface CheckSpec {
  name: string;
  title: string;
  description?: string;
  /** Set for a check owners attest by hand. */
  manual?: { expiresAfterDays: number };
  fix?: string;
}

export interface TrackSpec {
  name: string;
  title: string;
  description?: string;
  levels: { name: string; title: string; checks: string[] }[];
}

export interface CampaignSpec {
  name: string;
  title: string;
  description?: string;
  checks: string[];
  deadline: string;
  start?: string;
}

export type HealthDefinition =
  | { kind: 'Check'; name: string; spec: CheckSpec; updatedAt: string }
  | { kind: 'Track'; name: string; spec: TrackSpec; updatedAt: string }
  | { kind: 'Campaign'; name: string; spec: CampaignSpec; updatedAt: string };

export interface PassRatePoint {
  day: string;
  passed: number;
  failed: number;
  passRate: number | null;
}

export interface GroupRollup {
  group: { ref: string; title: string; type: string | null };
  components: number;
  checks: {
    check: string;
    title: string;
    passed: number;
    failed: number;
    notApplicable: number;
    passRate: number | null;
  }[];
  tracks: {
    track: string;
    title: string;
    /** Lowest first; `level: null` is "not certified". */
    distribution: { level: string | null; title: string; count: number }[];
    /** Per day, entities at each level (`none` = not certified). */
    trend: { day: string; counts: Record<string, number> }[];
  }[];
  leaderboard: {
    group: string;
    title: string;
    type: string | null;
    components: number;
    score: number;
    passRate: number | null;
  }[];
  entities?: {
    entityRef: string;
    ownerRef: string | null;
    certifications: { track: string; level: string | null; rank: number }[];
    passed: number;
    failed: number;
    passRate: number | null;
  }[];
}

export interface GroupCheckTrend {
  group: { ref: string; title: string; type: string | null };
  overall: PassRatePoint[];
  checks: { check: string; title: string; trend: PassRatePoint[] }[];
}

export interface Campaign {
  name: string;
  title: string;
  description?: string;
  checks: string[];
  start: string;
  deadline: string;
  totals: { components: number; passing: number; failing: number };
  bySquad: {
    group: string;
    title: string;
    failing: number;
    total: number;
    burndown: { day: string; failing: number }[];
  }[];
  burndown: { day: string; failing: number }[];
  failing: { entityRef: string; ownerRef: string | null; checks: string[] }[];
}

export interface RefreshReport {
  collection: {
    entities: number;
    collected: number;
    unchanged: number;
    changed: number;
    errors: { entityRef: string; collector: string; error: string }[];
  };
  evaluation: { entities: number; changed: number; levelChanges: number };
}

/** Kinds tech health evaluates: the software, not the people. */
export const HEALTH_KINDS = ['component', 'api', 'system', 'resource'];

/** Days of trend the pages ask for. */
export const TREND_DAYS = 30;

/** Query keys: everything under `['health']`, so one invalidation refreshes the feature. */
export const healthKeys = {
  all: ['health'] as const,
  definitions: () => ['health', 'definitions'] as const,
  entity: (e: EntityName) => ['health', 'entity', e.kind, e.namespace, e.name] as const,
  history: (e: EntityName) => ['health', 'entity', e.kind, e.namespace, e.name, 'history'] as const,
  rollup: (groupRef: string, entities: boolean) => ['health', 'rollup', groupRef, entities] as const,
  checkTrend: (groupRef: string) => ['health', 'check-trend', groupRef] as const,
  campaigns: () => ['health', 'campaigns'] as const,
  campaign: (name: string) => ['health', 'campaign', name] as const,
};

const segment = encodeURIComponent;

function groupPath(groupRef: string): string {
  const { namespace, name } = parseRef(groupRef, { kind: 'group' });
  return `/api/health/groups/${segment(namespace)}/${segment(name)}`;
}

/**
 * API paths of tech health, encoded.
 *
 * @example
 * healthPaths.rollup('group:default/playback-squad', { entities: true });
 * // '/api/health/groups/default/playback-squad/rollup?days=30&entities=true'
 */
export const healthPaths = {
  definitions: () => '/api/health/definitions',
  entity: (e: EntityName) => `/api/health/entities/${segment(e.kind)}/${segment(e.namespace)}/${segment(e.name)}`,
  history: (e: EntityName) => `${healthPaths.entity(e)}/history`,
  attestations: (e: EntityName) => `${healthPaths.entity(e)}/attestations`,
  refresh: () => '/api/health/refresh',
  rollup: (groupRef: string, options: { entities?: boolean } = {}) =>
    apiUrl(`${groupPath(groupRef)}/rollup`, { days: TREND_DAYS, entities: options.entities ? 'true' : undefined }),
  checkTrend: (groupRef: string) => apiUrl(`${groupPath(groupRef)}/check-trend`, { days: TREND_DAYS }),
  campaigns: () => '/api/health/campaigns',
  campaign: (name: string) => `/api/health/campaigns/${segment(name)}`,
};

/** Web routes of tech health. */
export const healthRoutes = {
  dashboard: (groupRef?: string) => apiUrl('/health', { group: groupRef }),
  campaign: (name: string) => `/health/campaigns/${segment(name)}`,
  /** The Health tab of an entity's catalog page. */
  entity: (entityRef: string) => `${catalogEntityPath(entityRef)}?tab=health`,
};

export function useHealthDefinitions() {
  return useQuery({
    queryKey: healthKeys.definitions(),
    queryFn: async () => (await api.get<{ items: HealthDefinition[] }>(healthPaths.definitions())).items,
    staleTime: 60_000,
  });
}

export function useEntityHealth(entity: EntityName) {
  return useQuery({
    queryKey: healthKeys.entity(entity),
    queryFn: () => api.get<EntityHealth>(healthPaths.entity(entity)),
  });
}

export function useEntityHistory(entity: EntityName) {
  return useQuery({
    queryKey: healthKeys.history(entity),
    queryFn: () => api.get<EntityHistory>(healthPaths.history(entity)),
  });
}

export function useGroupRollup(groupRef: string, options: { entities?: boolean } = {}) {
  const entities = Boolean(options.entities);
  return useQuery({
    queryKey: healthKeys.rollup(groupRef, entities),
    queryFn: () => api.get<GroupRollup>(healthPaths.rollup(groupRef, { entities })),
    enabled: groupRef !== '',
  });
}

export function useCheckTrend(groupRef: string) {
  return useQuery({
    queryKey: healthKeys.checkTrend(groupRef),
    queryFn: () => api.get<GroupCheckTrend>(healthPaths.checkTrend(groupRef)),
    enabled: groupRef !== '',
  });
}

export function useCampaigns() {
  return useQuery({
    queryKey: healthKeys.campaigns(),
    queryFn: async () => (await api.get<{ items: Campaign[] }>(healthPaths.campaigns())).items,
  });
}

export function useCampaign(name: string) {
  return useQuery({
    queryKey: healthKeys.campaign(name),
    queryFn: () => api.get<Campaign>(healthPaths.campaign(name)),
  });
}

/** Attests a manual check; the answer is the entity's health after it, so the tab updates at once. */
export function useAttest(entity: EntityName) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { check: string; status: 'passed' | 'failed'; note?: string }) =>
      api.post<EntityHealth>(healthPaths.attestations(entity), input),
    onSuccess: async (health) => {
      queryClient.setQueryData(healthKeys.entity(entity), health);
      await queryClient.invalidateQueries({ queryKey: healthKeys.all });
    },
  });
}

/** Collects and evaluates one entity now and waits for the report ("Re-check now"). */
export function useRecheck(entity: EntityName) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (entityRef: string) =>
      api.post<RefreshReport>(healthPaths.refresh(), { entityRefs: [entityRef], wait: true }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: healthKeys.entity(entity) });
      await queryClient.invalidateQueries({ queryKey: healthKeys.all });
    },
  });
}
