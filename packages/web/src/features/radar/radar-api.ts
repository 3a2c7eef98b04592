import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from '../../app/api-client.js';

/** The four rings, inside out. */
export const RINGS = ['adopt', 'trial', 'assess', 'hold'] as const;
export type Ring = (typeof RINGS)[number];

export interface RadarQuadrant {
  id: string;
  name: string;
}

export interface DependencyMatcher {
  ecosystem?: string;
  name?: string;
  pattern?: string;
}

export interface VersionRule {
  ring: Ring;
  atLeast?: string;
  below?: string;
}

export interface RadarEntry {
  id: string;
  name: string;
  quadrant: string;
  ring: Ring;
  description: string;
  links: { title: string; url: string }[];
  match: DependencyMatcher[];
  versions: VersionRule[];
}

export interface AdoptionCounts {
  components: number;
  squads: number;
  versions: string[];
  byRing: Record<Ring, number>;
}

export interface RadarEntryView extends RadarEntry {
  adoption: AdoptionCounts;
}

/** One problem in a radar definition, as the server lists them. */
export interface RadarProblem {
  file?: string;
  line?: number;
  column?: number;
  field: string;
  message: string;
  entryId?: string;
}

export interface RadarSummary {
  name: string;
  title: string;
  description: string;
  entries: number;
  sourceId?: string;
  updatedAt: string;
  updatedBy: string;
}

export interface RadarView extends RadarSummary {
  quadrants: RadarQuadrant[];
  rings: Ring[];
  items: RadarEntryView[];
  problems: RadarProblem[];
  yaml: string;
}

export interface EntryUsage {
  entityRef: string;
  ownerRef: string | null;
  ecosystem: string;
  dependency: string;
  version: string;
  ring: Ring;
}

export interface RingMove {
  from: Ring | null;
  to: Ring;
  at: string;
  by: string;
  reason: string;
}

export interface EntryDetail {
  radar: { name: string; title: string; quadrants: RadarQuadrant[] };
  entry: RadarEntry;
  adoption: AdoptionCounts & { usages: EntryUsage[] };
  squads: { ownerRef: string | null; components: number; versions: string[] }[];
  history: RingMove[];
}

/** Query keys: everything under `['radar']`, so one invalidation refreshes the feature. */
export const radarKeys = {
  all: ['radar'] as const,
  radars: () => ['radar', 'radars'] as const,
  radar: (name: string) => ['radar', 'radar', name] as const,
  entry: (name: string, entryId: string) => ['radar', 'radar', name, 'entry', entryId] as const,
};

/** API paths of the radar feature, encoded. */
export const radarPaths = {
  radars: () => '/api/radar/radars',
  radar: (name: string) => `/api/radar/radars/${encodeURIComponent(name)}`,
  entry: (name: string, entryId: string) => `${radarPaths.radar(name)}/entries/${encodeURIComponent(entryId)}`,
  move: (name: string, entryId: string) => `${radarPaths.entry(name, entryId)}/move`,
  evaluation: (entityRef: string) => apiUrl('/api/radar/evaluation', { entityRef }),
};

/** Web routes of the radar feature. */
export const radarRoutes = {
  home: () => '/radar',
  radar: (name: string) => `/radar/${encodeURIComponent(name)}`,
  entry: (name: string, entryId: string) => `/radar/${encodeURIComponent(name)}/entries/${encodeURIComponent(entryId)}`,
};

export function useRadars() {
  return useQuery({
    queryKey: radarKeys.radars(),
    queryFn: async () => (await api.get<{ items: RadarSummary[] }>(radarPaths.radars())).items,
  });
}

export function useRadar(name: string | undefined) {
  return useQuery({
    queryKey: radarKeys.radar(name ?? ''),
    queryFn: () => api.get<RadarView>(radarPaths.radar(name ?? '')),
    enabled: Boolean(name),
  });
}

export function useRadarEntry(name: string, entryId: string) {
  return useQuery({
    queryKey: radarKeys.entry(name, entryId),
    queryFn: () => api.get<EntryDetail>(radarPaths.entry(name, entryId)),
  });
}

/** Moves an entry to another ring (admins); refreshes the radar and the entry. */
export function useMoveEntry(name: string, entryId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { ring: Ring; reason: string }) => api.post<EntryDetail>(radarPaths.move(name, entryId), input),
    onSuccess: (detail) => {
      queryClient.setQueryData(radarKeys.entry(name, entryId), detail);
      void queryClient.invalidateQueries({ queryKey: radarKeys.all });
    },
  });
}

/** Creates or replaces a radar from YAML (admins). */
export function useApplyRadar() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { yaml: string; reason?: string }) => api.post<RadarSummary>(radarPaths.radars(), input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: radarKeys.all }),
  });
}
