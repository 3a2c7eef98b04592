import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, apiUrl } from '../../app/api-client.js';
import { LIVE_REFRESH_MS, togglesKeys, togglesPaths } from './toggles-api.js';

export type GuardAction = 'rollback' | 'off';

export type Guard =
  | {
      kind: 'error-rate';
      name?: string;
      /** Breach above this fraction (0.05 = 5 %). */
      threshold: number;
      windowMinutes: number;
      minRequests: number;
      appName?: string;
      action: GuardAction;
    }
  | {
      kind: 'prometheus';
      name?: string;
      url: string;
      query: string;
      threshold: number;
      breachWhen: 'above' | 'below';
      action: GuardAction;
    };

export type PlanStatus = 'draft' | 'running' | 'paused' | 'completed' | 'aborted';

export interface TimelineEntry {
  id: string;
  planId: string;
  at: string;
  /** created, started, milestone-reached, paused, resumed, aborted, completed, guard-breached, guard-unavailable, rolled-back, turned-off */
  kind: string;
  milestoneIndex: number | null;
  percent: number | null;
  actor: string;
  detail: Record<string, unknown>;
}

export interface RolloutPlan {
  id: string;
  project: string;
  flag: string;
  environment: string;
  milestones: number[];
  holdSeconds: number | null;
  guards: Guard[];
  status: PlanStatus;
  /** Index of the milestone in effect; -1 before the plan starts. */
  currentIndex: number;
  milestoneAt: string | null;
  /** When the plan advances by itself next; null when by hand or not running. */
  nextAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  timeline: TimelineEntry[];
}

export interface CreatePlanInput {
  milestones: number[];
  holdSeconds?: number;
  guards: Guard[];
  start: boolean;
}

/** Query key of a flag's current plan in an environment; under the flag's key, so flag changes refresh it. */
export const planKey = (project: string, flag: string, environment: string) =>
  [...togglesKeys.flag(project, flag), 'plan', environment] as const;

const planPaths = {
  current: (project: string, flag: string, environment: string) =>
    `${togglesPaths.environment(project, flag, environment)}/plan`,
  create: (project: string, flag: string, environment: string) =>
    `${togglesPaths.environment(project, flag, environment)}/plans`,
  action: (id: string, action: string) => `/api/toggles/plans/${encodeURIComponent(id)}/${action}`,
};

/** The latest rollout plan of a flag in an environment, or null when it never had one. */
export function useCurrentPlan(project: string, flag: string, environment: string) {
  return useQuery({
    queryKey: planKey(project, flag, environment),
    queryFn: async () => {
      try {
        return await api.get<RolloutPlan>(planPaths.current(project, flag, environment));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    refetchInterval: LIVE_REFRESH_MS,
  });
}

/** Plans move the rollout and the switch: refresh the flag, its list row and history too. */
function usePlanMutation<I>(project: string, flag: string, send: (input: I) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: togglesKeys.flag(project, flag) }),
  });
}

export function useCreatePlan(project: string, flag: string, environment: string) {
  return usePlanMutation(project, flag, (input: CreatePlanInput) =>
    api.post<RolloutPlan>(planPaths.create(project, flag, environment), input),
  );
}

export type PlanAction = 'start' | 'advance' | 'pause' | 'resume' | 'abort';

export function usePlanAction(project: string, flag: string) {
  return usePlanMutation(project, flag, (input: { id: string; action: PlanAction; reason?: string }) =>
    api.post<RolloutPlan>(planPaths.action(input.id, input.action), input.reason ? { reason: input.reason } : {}),
  );
}

/** What one guard of a plan read at each tick, with its threshold. */
export interface GuardSeries {
  index: number;
  /** The guard's name, or `guards[i] (kind)`. */
  guard: string;
  kind: Guard['kind'];
  threshold: number;
  breachWhen: 'above' | 'below';
  /** Oldest first. */
  observations: {
    at: string;
    state: 'ok' | 'breached' | 'unavailable';
    value: number | null;
    threshold: number;
    milestoneIndex: number;
    detail: string;
  }[];
}

/** Query key of a plan's guard readings; under the flag's key, so plan actions refresh them. */
export const guardObservationsKey = (plan: Pick<RolloutPlan, 'id' | 'project' | 'flag'>) =>
  [...togglesKeys.flag(plan.project, plan.flag), 'guard-observations', plan.id] as const;

/** The guards' readings of a plan over the last `hours` hours, refreshed while the page is open. */
export function useGuardObservations(plan: Pick<RolloutPlan, 'id' | 'project' | 'flag'>, hours = 24) {
  return useQuery({
    queryKey: guardObservationsKey(plan),
    queryFn: async () => {
      const since = new Date(Date.now() - hours * 3600_000).toISOString();
      const url = apiUrl(planPaths.action(plan.id, 'guard-observations'), { since });
      return (await api.get<{ plan: string; guards: GuardSeries[] }>(url)).guards;
    },
    refetchInterval: LIVE_REFRESH_MS,
  });
}
