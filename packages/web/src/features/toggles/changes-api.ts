import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../app/api-client.js';
import { LIVE_REFRESH_MS, put, type Strategy, togglesKeys, togglesPaths, type Variant } from './toggles-api.js';

/** A change to one flag in one environment, as a change request carries it. */
export type FlagChange =
  | { action: 'enable' }
  | { action: 'disable' }
  | { action: 'rollout'; percent: number }
  | { action: 'strategies'; strategies: Strategy[] }
  | { action: 'variants'; variants: Variant[] };

export interface ChangeRequest {
  id: string;
  project: string;
  flag: string;
  environment: string;
  change: FlagChange | { action: string };
  note: string | null;
  /** pending (waits for approval), scheduled, applied, failed, rejected, cancelled */
  status: string;
  applyAt: string | null;
  requestedBy: string;
  decidedBy: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Whether a failed change was refused because the project needs a second person's
 * approval for this environment (four-eyes); the change can then be requested instead.
 */
export function isApprovalRequired(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && /approval-required$/.test(error.problem.type ?? '');
}

const changesKey = (project: string, flag?: string) =>
  flag ? ([...togglesKeys.flag(project, flag), 'changes'] as const) : togglesKeys.projectChanges(project);

/** Change requests still waiting (for approval or for their time): of one flag, or of the whole project. */
export function useOpenChanges(project: string, flag?: string) {
  return useQuery({
    queryKey: changesKey(project, flag),
    queryFn: async () => {
      try {
        const url = `/api/toggles/projects/${encodeURIComponent(project)}/changes`;
        const { items } = await api.get<{ items: ChangeRequest[] }>(url);
        return items.filter((c) => (!flag || c.flag === flag) && (c.status === 'pending' || c.status === 'scheduled'));
      } catch (error) {
        // A server without change requests has none open.
        if (error instanceof ApiError && error.status === 404) return [];
        throw error;
      }
    },
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useRequestChange(project: string, flag: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { environment: string; change: FlagChange; note?: string }) =>
      api.post<ChangeRequest>(`${togglesPaths.environment(project, flag, input.environment)}/changes`, {
        change: input.change,
        ...(input.note ? { note: input.note } : {}),
      }),
    // The flag's list and the project's list both show it.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: changesKey(project, flag) }),
        queryClient.invalidateQueries({ queryKey: changesKey(project) }),
      ]),
  });
}

export function useDecideChange(project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; decision: 'approve' | 'reject' | 'cancel' }) =>
      api.post<ChangeRequest>(`/api/toggles/changes/${encodeURIComponent(input.id)}/${input.decision}`, {}),
    // An approved change is applied: the flag, its list row and history move too.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: togglesKeys.project(project) }),
  });
}

/** A project's four-eyes setting and whether the signed-in person may change it. */
export interface ProjectGovernance {
  project: string;
  /** Production changes need a change request approved by another owner or an admin. */
  requireApproval: boolean;
  viewer?: { canChange: boolean };
}

const governancePath = (project: string) => `/api/toggles/projects/${encodeURIComponent(project)}/governance`;

export function useGovernance(project: string) {
  return useQuery({
    queryKey: togglesKeys.governance(project),
    queryFn: () => api.get<ProjectGovernance>(governancePath(project)),
    refetchInterval: LIVE_REFRESH_MS,
  });
}

/** Turns four-eyes approval on or off (owners and admins); the change is in the audit log. */
export function useSetGovernance(project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { requireApproval: boolean }) => put<ProjectGovernance>(governancePath(project), input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: togglesKeys.governance(project) }),
  });
}
