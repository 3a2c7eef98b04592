import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../app/api-client.js';
import { LIVE_REFRESH_MS, type Strategy, togglesKeys, togglesPaths, type Variant } from './toggles-api.js';

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

const changesKey = (project: string, flag: string) => [...togglesKeys.flag(project, flag), 'changes'] as const;

/** Change requests of a flag still waiting: for approval or for their time. */
export function useOpenChanges(project: string, flag: string) {
  return useQuery({
    queryKey: changesKey(project, flag),
    queryFn: async () => {
      try {
        const url = `/api/toggles/projects/${encodeURIComponent(project)}/changes`;
        const { items } = await api.get<{ items: ChangeRequest[] }>(url);
        return items.filter((c) => c.flag === flag && (c.status === 'pending' || c.status === 'scheduled'));
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
    onSuccess: () => queryClient.invalidateQueries({ queryKey: changesKey(project, flag) }),
  });
}

export function useDecideChange(project: string, flag: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; decision: 'approve' | 'reject' | 'cancel' }) =>
      api.post<ChangeRequest>(`/api/toggles/changes/${encodeURIComponent(input.id)}/${input.decision}`, {}),
    // An approved change is applied: the flag and its history move too.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: togglesKeys.flag(project, flag) }),
  });
}
