import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api-client.js';
import type { Entity } from '../catalog/catalog-api.js';

export interface LocationStatus {
  id: string;
  type: string;
  target: string;
  options?: { ref?: string; path?: string } | null;
  parentLocationId?: string | null;
  refreshState?: string | null;
  lastRefreshAt?: string | null;
  lastRefreshMs?: number | null;
  lastCommit?: string | null;
  lastError?: string | null;
  entityCount: number;
  errorCount: number;
}

export interface LocationError {
  filePath?: string | null;
  entityRef?: string | null;
  line?: number | null;
  column?: number | null;
  field?: string | null;
  level: string;
  message: string;
}

export interface RegisterInput {
  type: 'git';
  target: string;
  options: { ref?: string; path?: string };
}

export interface RegisterResult {
  location: { id: string; type: string; target: string };
  /** What the location yields (whole entities; some servers send refs). */
  entities: (Entity | string)[];
}

const BUSY_STATES = ['pending', 'queued', 'running', 'refreshing'];

export function isBusy(state: string | null | undefined): boolean {
  return BUSY_STATES.includes((state ?? '').toLowerCase());
}

export function useLocations() {
  return useQuery({
    queryKey: ['locations'],
    queryFn: () => api.get<LocationStatus[]>('/api/catalog/location-status'),
    // Poll only while something is being refreshed.
    refetchInterval: (query) => (query.state.data?.some((l) => isBusy(l.refreshState)) ? 2000 : false),
  });
}

export function useLocationErrors(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['locations', id, 'errors'],
    queryFn: () => api.get<LocationError[]>(`/api/catalog/locations/${encodeURIComponent(id)}/errors`),
    enabled,
  });
}

export function useRefreshLocation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post(`/api/catalog/locations/${encodeURIComponent(id)}/refresh`, {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['locations'] }),
  });
}

export function useDeleteLocation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/catalog/locations/${encodeURIComponent(id)}`),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['locations'] }),
        queryClient.invalidateQueries({ queryKey: ['catalog'] }),
      ]),
  });
}

export function useRegisterLocation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { body: RegisterInput; dryRun: boolean }) =>
      api.post<RegisterResult>(`/api/catalog/locations${input.dryRun ? '?dryRun=true' : ''}`, input.body),
    onSuccess: (_result, input) => {
      if (!input.dryRun) void queryClient.invalidateQueries({ queryKey: ['locations'] });
    },
  });
}
