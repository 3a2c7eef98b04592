import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, apiUrl, type Problem } from '../../app/api-client.js';

export const FLAG_TYPES = ['release', 'experiment', 'operational', 'kill-switch', 'permission'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

export interface ToggleProject {
  key: string;
  name: string;
  description: string | null;
  entityRef: string | null;
  ownerRef: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ToggleEnvironment {
  key: string;
  name: string;
  production: boolean;
  sortOrder: number;
}

export interface Constraint {
  contextName: string;
  operator: string;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

export type PayloadType = 'string' | 'json' | 'csv' | 'number';

export interface Variant {
  name: string;
  weight: number;
  weightType?: 'variable' | 'fix';
  stickiness?: string;
  payload?: { type: PayloadType; value: string };
  overrides?: { contextName: string; values: string[] }[];
}

export interface Strategy {
  id?: string;
  name: string;
  title?: string;
  disabled?: boolean;
  parameters: Record<string, string>;
  constraints: Constraint[];
  segments: number[];
  variants: Variant[];
}

export interface FlagEnvironment {
  enabled: boolean;
  strategies: Strategy[];
  variants: Variant[];
  updatedAt: string | null;
}

export interface Flag {
  id: string;
  project: string;
  name: string;
  type: FlagType;
  description: string | null;
  stale: boolean;
  impressionData: boolean;
  dependencies: { feature: string; enabled?: boolean; variants?: string[] }[];
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  /** Keyed by environment key; every environment is present. */
  environments: Record<string, FlagEnvironment>;
}

export interface HistoryEntry {
  id: string;
  at: string;
  type: string;
  subject: string;
  actor: { kind: string; id: string; displayName: string; userRef?: string };
  before?: Flag;
  after?: Flag;
  /** `action`, `environment`, `reason`, `revision`. */
  data?: Record<string, unknown>;
}

/** Hourly evaluation counts of one flag in one environment from one application. */
export interface MetricsRow {
  flag: string;
  environment: string;
  appName: string;
  /** Start of the hour, ISO-8601. */
  hour: string;
  yes: number;
  no: number;
  variants: Record<string, number>;
}

/** How often flag data refreshes, so a change made elsewhere (CLI, another tab) shows up. */
export const LIVE_REFRESH_MS = 5000;

/** Query keys: everything under `['toggles']`, so one invalidation refreshes the feature. */
export const togglesKeys = {
  all: ['toggles'] as const,
  projects: () => ['toggles', 'projects'] as const,
  environments: () => ['toggles', 'environments'] as const,
  flags: (project: string) => ['toggles', 'project', project, 'flags'] as const,
  flag: (project: string, name: string) => ['toggles', 'project', project, 'flag', name] as const,
  history: (project: string, name: string) => ['toggles', 'project', project, 'flag', name, 'history'] as const,
  stale: () => ['toggles', 'stale'] as const,
  metrics: (project: string, name: string, environment: string) =>
    ['toggles', 'project', project, 'flag', name, 'metrics', environment] as const,
  /** Everything about one project: its flags, flag pages, settings and change requests. */
  project: (project: string) => ['toggles', 'project', project] as const,
  governance: (project: string) => ['toggles', 'project', project, 'governance'] as const,
  projectChanges: (project: string) => ['toggles', 'project', project, 'changes'] as const,
};

/**
 * API paths of the toggles feature, encoded.
 *
 * @example
 * togglesPaths.environment('checkout', 'new-checkout-flow', 'production');
 * // '/api/toggles/projects/checkout/flags/new-checkout-flow/environments/production'
 */
export const togglesPaths = {
  projects: () => '/api/toggles/projects',
  environments: () => '/api/toggles/environments',
  flags: (project: string) => `/api/toggles/projects/${encodeURIComponent(project)}/flags`,
  flag: (project: string, name: string) => `${togglesPaths.flags(project)}/${encodeURIComponent(name)}`,
  environment: (project: string, name: string, environment: string) =>
    `${togglesPaths.flag(project, name)}/environments/${encodeURIComponent(environment)}`,
  history: (project: string, name: string) => `${togglesPaths.flag(project, name)}/history`,
  metrics: (project: string, query: { flag?: string; environment?: string; since?: string }) =>
    apiUrl(`/api/toggles/projects/${encodeURIComponent(project)}/metrics`, query),
};

/** Web routes of the toggles feature. */
export const togglesRoutes = {
  list: (project?: string, environment?: string) => apiUrl('/toggles', { project, env: environment }),
  flag: (project: string, name: string, environment?: string) =>
    apiUrl(`/toggles/${encodeURIComponent(project)}/flags/${encodeURIComponent(name)}`, { env: environment }),
};

/**
 * PUT with a JSON body. The shared client has no PUT; this keeps its error shape
 * (ApiError with the problem document) so field errors can be shown the same way.
 */
export async function put<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    let problem: Problem = { status: response.status, title: response.statusText };
    try {
      problem = { ...problem, ...(JSON.parse(text) as Problem) };
    } catch {
      problem = { ...problem, detail: text.slice(0, 300) };
    }
    throw new ApiError(response.status, problem);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export function useProjects() {
  return useQuery({
    queryKey: togglesKeys.projects(),
    queryFn: async () => (await api.get<{ items: ToggleProject[] }>(togglesPaths.projects())).items,
  });
}

/** Environments in their display order. */
export function useEnvironments() {
  return useQuery({
    queryKey: togglesKeys.environments(),
    queryFn: async () =>
      (await api.get<{ items: ToggleEnvironment[] }>(togglesPaths.environments())).items
        .slice()
        .sort((a, b) => a.sortOrder - b.sortOrder || a.key.localeCompare(b.key)),
  });
}

export function useFlags(project: string | undefined) {
  return useQuery({
    queryKey: togglesKeys.flags(project ?? ''),
    queryFn: async () => (await api.get<{ items: Flag[] }>(togglesPaths.flags(project ?? ''))).items,
    enabled: Boolean(project),
    placeholderData: keepPreviousData,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useFlag(project: string, name: string) {
  return useQuery({
    queryKey: togglesKeys.flag(project, name),
    queryFn: () => api.get<Flag>(togglesPaths.flag(project, name)),
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useFlagHistory(project: string, name: string) {
  return useQuery({
    queryKey: togglesKeys.history(project, name),
    queryFn: async () =>
      (await api.get<{ items: HistoryEntry[] }>(apiUrl(togglesPaths.history(project, name), { limit: 100 }))).items,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

/** Hourly counts of one flag in one environment over the last `hours` hours. */
export function useFlagMetrics(project: string, name: string, environment: string, hours = 24) {
  return useQuery({
    queryKey: togglesKeys.metrics(project, name, environment),
    queryFn: async () => {
      const since = new Date(Date.now() - hours * 3600_000).toISOString();
      const url = togglesPaths.metrics(project, { flag: name, environment, since });
      return (await api.get<{ items: MetricsRow[] }>(url)).items;
    },
    refetchInterval: LIVE_REFRESH_MS,
  });
}

/** Every mutation answers with the flag: store it and refresh the list and history. */
function useFlagMutation<I>(project: string, name: string, send: (input: I) => Promise<Flag>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (flag) => {
      queryClient.setQueryData(togglesKeys.flag(project, name), flag);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: togglesKeys.history(project, name) }),
        queryClient.invalidateQueries({ queryKey: togglesKeys.flags(project) }),
      ]);
    },
  });
}

export function useSetEnabled(project: string, name: string) {
  return useFlagMutation(project, name, (input: { environment: string; enabled: boolean }) =>
    api.post<Flag>(`${togglesPaths.environment(project, name, input.environment)}/${input.enabled ? 'on' : 'off'}`),
  );
}

export function useSetStrategies(project: string, name: string) {
  return useFlagMutation(project, name, (input: { environment: string; strategies: Strategy[] }) =>
    put<Flag>(`${togglesPaths.environment(project, name, input.environment)}/strategies`, {
      strategies: input.strategies,
    }),
  );
}

export function useSetVariants(project: string, name: string) {
  return useFlagMutation(project, name, (input: { environment: string; variants: Variant[] }) =>
    put<Flag>(`${togglesPaths.environment(project, name, input.environment)}/variants`, { variants: input.variants }),
  );
}

export function useSetRollout(project: string, name: string) {
  return useFlagMutation(project, name, (input: { environment: string; percent: number }) =>
    api.post<Flag>(`${togglesPaths.environment(project, name, input.environment)}/rollout`, {
      percent: input.percent,
    }),
  );
}

export function useKill(project: string, name: string) {
  return useFlagMutation(project, name, (input: { reason: string; environment?: string }) =>
    api.post<Flag>(`${togglesPaths.flag(project, name)}/kill`, input),
  );
}

/** Why a flag counts as stale: marked by hand, past its type's lifetime, fully on for long, or never evaluated. */
export interface StaleReason {
  reason: 'marked' | 'lifetime' | 'fully-on' | 'no-evaluations';
  detail: string;
  environment?: string;
}

export interface StaleReport {
  generatedAt: string;
  squads: {
    ownerRef: string | null;
    flags: number;
    stale: { project: string; flag: string; reasons: StaleReason[] }[];
  }[];
}

/**
 * Stale flags found by the server, keyed `<project>/<flag>`. A server without the
 * report answers an empty map, so the list still shows flags marked stale by hand.
 */
export function useStaleFlags() {
  return useQuery({
    queryKey: togglesKeys.stale(),
    queryFn: async () => {
      const byFlag = new Map<string, StaleReason[]>();
      try {
        const report = await api.get<StaleReport>('/api/toggles/stale');
        for (const squad of report.squads) {
          for (const item of squad.stale) byFlag.set(`${item.project}/${item.flag}`, item.reasons);
        }
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
      return byFlag;
    },
    staleTime: 60_000,
  });
}
