import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../app/api-client.js';
import { SESSION_QUERY_KEY } from '../../app/query-client.js';

/** The signed-in principal, as GET /api/auth/me returns it. */
export interface Me {
  id: string;
  kind: string;
  displayName: string;
  userRef: string | null;
  isAdmin: boolean;
  scopes: string[];
}

export interface AuthConfig {
  demo: boolean;
}

/** The current session: `null` when signed out, `undefined` while loading. */
export function useSession() {
  return useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: async (): Promise<Me | null> => {
      try {
        return await api.get<Me>('/api/auth/me');
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useAuthConfig() {
  return useQuery({
    queryKey: ['auth', 'config'],
    queryFn: () => api.get<AuthConfig>('/api/auth/config'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Sign-in, demo sign-in and sign-out all end by re-reading the session. */
function useSessionMutation<TInput>(run: (input: TInput) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: async () => {
      // Data cached under the previous principal must not leak into the next one.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      await queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
    },
  });
}

export function useSignIn() {
  return useSessionMutation((input: { username: string; password: string }) => api.post('/api/auth/sign-in', input));
}

export function useDemoSignIn() {
  return useSessionMutation(() => api.post('/api/auth/demo', {}));
}

export function useSignOut() {
  return useSessionMutation(() => api.post('/api/auth/sign-out', {}));
}
