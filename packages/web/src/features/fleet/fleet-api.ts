import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from '../../app/api-client.js';

/** Every state a target (one repository in one shift) can be in, in lifecycle order. */
export const TARGET_STATES = [
  'pending',
  'planned',
  'no-change',
  'plan-failed',
  'scheduled',
  'published',
  'checks-pending',
  'checks-passed',
  'checks-failed',
  'merged',
  'closed',
  'failed',
] as const;

export type TargetState = (typeof TARGET_STATES)[number];
export type ShiftState = 'active' | 'paused' | 'closed';
export type ChecksState = 'none' | 'pending' | 'passed' | 'failed';

export interface ShiftSummary {
  name: string;
  description?: string;
  /** Entity ref of the owning group. */
  owner: string;
  state: ShiftState;
  preview: boolean;
  createdAt: string;
  updatedAt: string;
  appliedBy: string;
  total: number;
  merged: number;
  totals: Partial<Record<TargetState, number>>;
  rateLimitedUntil?: string;
}

export interface BurndownPoint {
  at: string;
  total: number;
  merged: number;
  open: number;
}

export interface ShiftDetail extends ShiftSummary {
  specYaml: string;
  burndown: BurndownPoint[];
  /** Entities the target query selected that could not become targets, with the reason. */
  warnings?: string[];
}

export interface TargetRow {
  id: string;
  entityRef: string;
  repository: string;
  /** Group ref of the component's owner. */
  owner?: string;
  state: TargetState;
  checks: ChecksState;
  attempts: number;
  branch?: string;
  baseBranch?: string;
  diffStats?: { files: number; additions: number; deletions: number };
  /** The tail of the last attempt's log. */
  lastLog?: string;
  updatedAt: string;
  wave: 'canary' | 'main';
  error?: string;
}

export interface TargetHistoryEntry {
  at: string;
  from: TargetState | null;
  to: TargetState;
  attempt: number;
  log?: string;
}

export interface TargetDetail extends TargetRow {
  title?: string;
  body?: string;
  /** Unified git diff of the change. */
  diff?: string;
  checkLog?: string;
  labels?: string[];
  history: TargetHistoryEntry[];
  mergeable: boolean;
  mergeBlockedReason?: string;
}

/** One problem with a shift spec, as the server's 400 answer lists them. */
export interface SpecError {
  field: string;
  line?: number;
  column?: number;
  message: string;
}

export interface TargetFilter {
  state?: string;
  owner?: string;
  q?: string;
}

/** How often live data refreshes while a shift is active. */
export const LIVE_REFRESH_MS = 3000;

/** Query keys: everything under `['fleet']`, so one invalidation refreshes the feature. */
export const fleetKeys = {
  all: ['fleet'] as const,
  shifts: () => ['fleet', 'shifts'] as const,
  shift: (name: string) => ['fleet', 'shift', name] as const,
  targets: (name: string, filter: TargetFilter) =>
    ['fleet', 'shift', name, 'targets', filter.state ?? '', filter.owner ?? '', filter.q ?? ''] as const,
  target: (name: string, id: string) => ['fleet', 'shift', name, 'target', id] as const,
};

/**
 * API paths of the fleet feature, encoded.
 *
 * @example
 * fleetPaths.target('log-lib bump', '01J..'); // '/api/fleet/shifts/log-lib%20bump/targets/01J..'
 */
export const fleetPaths = {
  shifts: () => '/api/fleet/shifts',
  shift: (name: string) => `/api/fleet/shifts/${encodeURIComponent(name)}`,
  targets: (name: string, filter: TargetFilter = {}, page: { limit?: number; cursor?: string } = {}) =>
    apiUrl(`${fleetPaths.shift(name)}/targets`, {
      state: filter.state,
      owner: filter.owner,
      q: filter.q?.trim(),
      limit: page.limit,
      cursor: page.cursor,
    }),
  target: (name: string, id: string) => `${fleetPaths.shift(name)}/targets/${encodeURIComponent(id)}`,
};

/** Web routes of the fleet feature. */
export const fleetRoutes = {
  shifts: () => '/fleet',
  shift: (name: string) => `/fleet/${encodeURIComponent(name)}`,
  target: (name: string, id: string) => `/fleet/${encodeURIComponent(name)}/targets/${encodeURIComponent(id)}`,
};

/**
 * Reads the field errors of a 400 answer to an applied spec, keeping only well-formed ones.
 *
 * @example
 * specErrorsOf([{ field: 'spec.steps[0]', line: 12, message: 'unknown step type' }]);
 */
export function specErrorsOf(errors: unknown[] | undefined): SpecError[] {
  const result: SpecError[] = [];
  for (const item of errors ?? []) {
    if (!item || typeof item !== 'object') continue;
    const { field, line, column, message } = item as Record<string, unknown>;
    if (typeof message !== 'string') continue;
    result.push({
      field: typeof field === 'string' ? field : '',
      ...(typeof line === 'number' ? { line } : {}),
      ...(typeof column === 'number' ? { column } : {}),
      message,
    });
  }
  return result;
}

const liveInterval = (state: ShiftState | undefined) => (state === 'active' ? LIVE_REFRESH_MS : false);

export function useShifts() {
  return useQuery({
    queryKey: fleetKeys.shifts(),
    queryFn: async () => (await api.get<{ items: ShiftSummary[] }>(fleetPaths.shifts())).items,
    refetchInterval: (query) => (query.state.data?.some((s) => s.state === 'active') ? LIVE_REFRESH_MS : false),
  });
}

export function useShift(name: string) {
  return useQuery({
    queryKey: fleetKeys.shift(name),
    queryFn: () => api.get<ShiftDetail>(fleetPaths.shift(name)),
    refetchInterval: (query) => liveInterval(query.state.data?.state),
  });
}

/** Targets per page of the shift page's table; "Show more" reads the next page. */
export const TARGET_PAGE_SIZE = 200;

/** One page of a shift's targets, as the server answers it. */
export interface TargetPage {
  items: TargetRow[];
  /** The cursor of the next page; absent on the last one. */
  nextCursor?: string;
  /** Every target matching the filter, on every page. */
  total: number;
}

/**
 * The targets of a shift under a filter, a page at a time ("Show more" follows
 * `nextCursor`); polls every loaded page while the shift (state passed in) is active.
 */
export function useTargets(name: string, filter: TargetFilter, shiftState: ShiftState | undefined) {
  return useInfiniteQuery({
    queryKey: fleetKeys.targets(name, filter),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api.get<TargetPage>(fleetPaths.targets(name, filter, { limit: TARGET_PAGE_SIZE, cursor: pageParam })),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    refetchInterval: liveInterval(shiftState),
  });
}

export function useTarget(name: string, id: string, shiftState: ShiftState | undefined) {
  return useQuery({
    queryKey: fleetKeys.target(name, id),
    queryFn: () => api.get<TargetDetail>(fleetPaths.target(name, id)),
    refetchInterval: liveInterval(shiftState),
  });
}

export function useApplyShift() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { yaml: string; preview: boolean }) =>
      api.post<ShiftDetail>(fleetPaths.shifts(), { yaml: input.yaml, preview: input.preview }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: fleetKeys.all }),
  });
}

/** Pause, resume or close a shift. */
export function useShiftAction(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'close') => api.post<ShiftDetail>(`${fleetPaths.shift(name)}/${action}`),
    onSuccess: (detail) => {
      queryClient.setQueryData(fleetKeys.shift(name), detail);
      return queryClient.invalidateQueries({ queryKey: fleetKeys.all });
    },
  });
}

/** Retry the given targets, or every failed one when none are given. */
export function useRetryTargets(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (targetIds?: string[]) =>
      api.post<{ retried: number }>(`${fleetPaths.shift(name)}/retry`, targetIds ? { targetIds } : {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: fleetKeys.shift(name) }),
  });
}

export function useMergeTarget(name: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<TargetDetail>(`${fleetPaths.target(name, id)}/merge`),
    onSuccess: (detail) => {
      queryClient.setQueryData(fleetKeys.target(name, id), detail);
      return queryClient.invalidateQueries({ queryKey: fleetKeys.shift(name) });
    },
  });
}
